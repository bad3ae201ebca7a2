/* fl-window-actions.c: the main window's actions: pause and resume, mark a fault, follow the
 * live edge, export, Preferences
 *
 * Copyright 2026 The Failover Lab authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "fl-window"

#include "config.h"

#include <glib/gi18n.h>
#include <string.h>

#include "fl-app-text.h"
#include "fl-exercise-picker.h"
#include "fl-preferences.h"
#include "fl-recording.h"
#include "fl-report.h"
#include "fl-window-private.h"

static void
on_exercise_picked (FlExercise *exercise,
                    gpointer    user_data)
{
  fl_window_run_exercise (FL_WINDOW (user_data), exercise);
}

static void
exercises_action (GtkWidget  *widget,
                  const char *action_name,
                  GVariant   *param)
{
  gtk_window_present (fl_exercise_picker_new (GTK_WINDOW (widget), on_exercise_picked, widget));
}

static void
toggle_running_action (GtkWidget  *widget,
                       const char *action_name,
                       GVariant   *param)
{
  FlWindow *self = FL_WINDOW (widget);

  if (self->session == NULL)
    return;
  if (fl_lab_session_is_running (self->session))
    fl_lab_session_stop (self->session);
  else
    fl_lab_session_start (self->session);
  gtk_toggle_button_set_active (self->run_button, !fl_lab_session_is_running (self->session));
  fl_window_running_changed (self);
}

static void
mark_fault_action (GtkWidget  *widget,
                   const char *action_name,
                   GVariant   *param)
{
  fl_window_mark_fault (FL_WINDOW (widget), NULL, _("marked by hand"));
}

typedef struct
{
  GPtrArray         *items;
  FlRecordingFormat  format;
  GFile             *file;
} ExportJob;

static void
export_job_free (ExportJob *job)
{
  g_clear_pointer (&job->items, g_ptr_array_unref);
  g_clear_object (&job->file);
  g_free (job);
}

typedef struct
{
  char  *recording;
  GFile *out;
} ReportJob;

static void
report_job_free (ReportJob *job)
{
  g_free (job->recording);
  g_clear_object (&job->out);
  g_free (job);
}

/* worker thread: tens of megabytes for a long run must not stall the window */
static void
export_thread (GTask        *task,
               gpointer      source,
               gpointer      data,
               GCancellable *cancellable)
{
  ExportJob *job = data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GFileOutputStream) out =
    g_file_replace (job->file, NULL, FALSE, G_FILE_CREATE_REPLACE_DESTINATION, cancellable, &error);

  if (out == NULL || !fl_recording_write (job->items, job->format, G_OUTPUT_STREAM (out), cancellable, &error))
    g_task_return_error (task, g_steal_pointer (&error));
  else
    g_task_return_boolean (task, TRUE);
}

static void
export_done (GObject      *object,
             GAsyncResult *result,
             gpointer      data)
{
  FlWindow *self = FL_WINDOW (object);
  g_autoptr(GError) error = NULL;

  if (!g_task_propagate_boolean (G_TASK (result), &error))
    adw_toast_overlay_add_toast (self->toast_overlay, fl_toast_new_plain (error->message));
  else
    adw_toast_overlay_add_toast (self->toast_overlay, adw_toast_new (_("Exported")));
}

/* worker thread: the report of the session's recording, as failoverctl report makes it */
static void
report_thread (GTask        *task,
               gpointer      source,
               gpointer      data,
               GCancellable *cancellable)
{
  ReportJob *job = data;
  g_autoptr(GError) error = NULL;
  g_autoptr(FlRecordingContents) contents = fl_recording_read_file (job->recording, &error);
  g_autofree char *name = g_path_get_basename (job->recording);
  g_autofree char *html = NULL;

  if (contents == NULL)
    {
      g_prefix_error (&error, "%s: ", job->recording);
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  html = fl_report_html (contents, name);
  if (!g_file_replace_contents (job->out, html, strlen (html), NULL, FALSE,
                                G_FILE_CREATE_REPLACE_DESTINATION, NULL, cancellable, &error))
    g_task_return_error (task, g_steal_pointer (&error));
  else
    g_task_return_boolean (task, TRUE);
}

/* every line recorded so far is in the file: now it can be read whole. A recording that
 * stopped (a full disk) still reports what it holds. */
static void
report_synced (GObject      *recorder,
               GAsyncResult *result,
               gpointer      data)
{
  g_autoptr(GTask) task = data;

  fl_recorder_sync_finish (FL_RECORDER (recorder), result, NULL);
  g_task_run_in_thread (task, report_thread);
}

/**
 * fl_window_export_report_async:
 *
 * Writes the report of the session shown (live: its recording up to now; replayed: the
 * recording) to @file, as `failoverctl report` makes it, on a worker thread.
 */
void
fl_window_export_report_async (FlWindow            *self,
                               GFile               *file,
                               GAsyncReadyCallback  callback,
                               gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  ReportJob *job;

  g_return_if_fail (FL_IS_WINDOW (self));
  g_return_if_fail (G_IS_FILE (file));

  task = g_task_new (self, NULL, callback, user_data);
  g_task_set_source_tag (task, fl_window_export_report_async);
  if (self->recording_path == NULL)
    {
      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_NOT_FOUND, "%s",
                               _("This session is not recorded: there is no report to make"));
      return;
    }
  job = g_new0 (ReportJob, 1);
  job->recording = g_strdup (self->recording_path);
  job->out = g_object_ref (file);
  g_task_set_task_data (task, job, (GDestroyNotify)report_job_free);
  if (self->recorder != NULL)
    fl_recorder_sync_async (self->recorder, NULL, report_synced, g_steal_pointer (&task));
  else
    g_task_run_in_thread (task, report_thread);
}

gboolean
fl_window_export_report_finish (FlWindow      *self,
                                GAsyncResult  *result,
                                GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}

static void
export_response (GtkNativeDialog *dialog,
                 int              response,
                 FlWindow        *self)
{
  const char *kind = g_object_get_data (G_OBJECT (dialog), "kind");

  if (response == GTK_RESPONSE_ACCEPT && self->timeline != NULL)
    {
      g_autoptr(GFile) file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (dialog));
      g_autofree char *path = g_file_get_path (file);
      g_autoptr(GError) error = NULL;

      if (g_str_equal (kind, "html"))
        fl_window_export_report_async (self, file, export_done, NULL);
      else if (g_str_equal (kind, "png") || g_str_equal (kind, "svg"))
        {
          if (!fl_chart_export (self->chart, path, g_str_equal (kind, "svg"), &error))
            adw_toast_overlay_add_toast (self->toast_overlay, fl_toast_new_plain (error->message));
          else
            adw_toast_overlay_add_toast (self->toast_overlay, adw_toast_new (_("Exported")));
        }
      else
        {
          g_autoptr(GTask) task = g_task_new (self, NULL, export_done, NULL);
          ExportJob *job = g_new0 (ExportJob, 1);

          job->items = fl_recording_collect (self->timeline);
          job->format = g_str_equal (kind, "csv") ? FL_RECORDING_CSV : FL_RECORDING_JSONL;
          job->file = g_object_ref (file);
          g_task_set_source_tag (task, export_response);
          g_task_set_task_data (task, job, (GDestroyNotify)export_job_free);
          g_task_run_in_thread (task, export_thread);
        }
    }
  gtk_native_dialog_destroy (dialog);
  g_object_unref (dialog);
}

static void
export_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *param)
{
  FlWindow *self = FL_WINDOW (widget);
  const char *kind = g_variant_get_string (param, NULL);
  g_autofree char *name = g_strdup_printf ("failover-lab.%s", kind);
  GtkFileChooserNative *dialog;

  dialog = gtk_file_chooser_native_new (_("Export"), GTK_WINDOW (self), GTK_FILE_CHOOSER_ACTION_SAVE,
                                        _("_Save"), _("_Cancel"));
  gtk_file_chooser_set_current_name (GTK_FILE_CHOOSER (dialog), name);
  g_object_set_data_full (G_OBJECT (dialog), "kind", g_strdup (kind), g_free);
  g_signal_connect (dialog, "response", G_CALLBACK (export_response), self);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (dialog));
}

static void
prefs_change_password (FlWindow *self)
{
  if (self->lab != NULL)
    fl_window_ask_password (self, self->lab, NULL);
}

/* a new secret typed in Preferences (already on its way to the keyring): used at once */
static void
prefs_hypervisor_secret (FlWindow   *self,
                         const char *secret)
{
  if (self->vm_control == NULL)
    return;
  if (self->hv_secret != NULL)
    explicit_bzero (self->hv_secret, strlen (self->hv_secret));
  g_free (self->hv_secret);
  self->hv_secret = g_strdup (secret);
  fl_vm_control_connect (self->vm_control, self->hv_secret);
}

static void
preferences_action (GtkWidget  *widget,
                    const char *action_name,
                    GVariant   *param)
{
  FlWindow *self = FL_WINDOW (widget);
  GtkWidget *prefs = fl_preferences_new (GTK_WINDOW (self), self->settings, self->lab, self->vm_control,
                                         self->hv_secret);

  g_signal_connect_object (prefs, "change-password", G_CALLBACK (prefs_change_password), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (prefs, "hypervisor-secret", G_CALLBACK (prefs_hypervisor_secret), self, G_CONNECT_SWAPPED);
  gtk_window_present (GTK_WINDOW (prefs));
}

static void
follow_live_action (GtkWidget  *widget,
                    const char *action_name,
                    GVariant   *param)
{
  fl_chart_set_follow_live (FL_WINDOW (widget)->chart, TRUE);
}

void
fl_window_class_add_actions (GtkWidgetClass *widget_class)
{
  gtk_widget_class_install_action (widget_class, "win.running", NULL, toggle_running_action);
  gtk_widget_class_install_action (widget_class, "win.mark-fault", NULL, mark_fault_action);
  gtk_widget_class_install_action (widget_class, "win.follow-live", NULL, follow_live_action);
  gtk_widget_class_install_action (widget_class, "win.export", "s", export_action);
  gtk_widget_class_install_action (widget_class, "win.preferences", NULL, preferences_action);
  gtk_widget_class_install_action (widget_class, "win.exercises", NULL, exercises_action);
  gtk_widget_class_install_property_action (widget_class, "win.presenter", "presenter");
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_F11, 0, "win.presenter", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_e, GDK_CONTROL_MASK, "win.exercises", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_comma, GDK_CONTROL_MASK, "win.preferences", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_p, GDK_CONTROL_MASK, "win.running", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_m, GDK_CONTROL_MASK, "win.mark-fault", NULL);
}
