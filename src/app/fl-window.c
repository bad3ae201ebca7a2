/* fl-window.c: the main window
 *
 * Copyright 2026 The Failover Lab authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "fl-window"

#include "config.h"

#include <glib/gi18n.h>
#include <libsecret/secret.h>
#include <string.h>

#include "fl-app-text.h"
#include "fl-chart.h"
#include "fl-dashboard-layout.h"
#include "fl-dc-details.h"
#include "fl-dc-tile.h"
#include "fl-keyring.h"
#include "fl-vm-control.h"
#include "fl-lab-probe.h"
#include "fl-logon-banner.h"
#include "fl-client-tile.h"
#include "fl-lab-session.h"
#include "fl-recording.h"
#include "fl-recording-file.h"
#include "fl-window-private.h"

#define MAX_EVENT_ROWS 1000


G_DEFINE_FINAL_TYPE (FlWindow, fl_window, ADW_TYPE_APPLICATION_WINDOW)

static void set_recording_title (FlWindow *self);

static void
on_event_added (FlTimeline *timeline,
                FlEvent    *event,
                FlWindow   *self)
{
  gint64 mono = fl_event_get_mono_us (event);
  g_autofree char *when = fl_format_clock_time (fl_event_get_wall_us (event));
  g_autofree char *relative = NULL;
  g_autofree char *line = NULL;
  g_autofree char *words = NULL;

  /* relative to the last fault: what the class is timing; before any, to the start */
  if (fl_event_get_kind (event) == FL_EVENT_FAULT)
    self->fault_mono = mono;
  if (fl_event_get_kind (event) == FL_EVENT_WATCH_STARTED)
    self->start_mono = mono;
  if (self->fault_mono > 0)
    relative = g_strdup_printf (_("fault %+.1f s"), (mono - self->fault_mono) / 1e6);
  else
    relative = g_strdup_printf (_("start %+.1f s"), (mono - self->start_mono) / 1e6);
  /* three columns: absolute time, relative time, what happened */
  words = fl_event_describe (event);
  line = g_strdup_printf ("%s\t%s\t%s", when, relative, words);

  /* newest first; bounded */
  gtk_string_list_splice (self->events, 0, 0, (const char * const[]) { line, NULL });
  if (g_list_model_get_n_items (G_LIST_MODEL (self->events)) > MAX_EVENT_ROWS)
    gtk_string_list_remove (self->events, MAX_EVENT_ROWS);

  /* live only: a replayed recording's switchovers are history, not news */
  if (fl_event_get_kind (event) == FL_EVENT_SWITCHED && self->vm_control != NULL)
    adw_toast_overlay_add_toast (self->toast_overlay, fl_toast_new_plain (words));
}

static void
setup_event_row (GtkSignalListItemFactory *factory,
                 GtkListItem              *item,
                 gpointer                  data)
{
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 12);

  for (guint i = 0; i < 3; i++)
    {
      GtkWidget *label = gtk_label_new (NULL);

      gtk_label_set_xalign (GTK_LABEL (label), 0);
      if (i < 2)
        gtk_widget_add_css_class (label, "numeric");
      if (i == 1)
        {
          gtk_widget_add_css_class (label, "dim-label");
          gtk_widget_add_css_class (label, "relative");
        }
      if (i == 2)
        {
          gtk_label_set_wrap (GTK_LABEL (label), TRUE);
          gtk_widget_set_hexpand (label, TRUE);
        }
      gtk_box_append (GTK_BOX (box), label);
    }
  gtk_list_item_set_child (item, box);
}

static void
bind_event_row (GtkSignalListItemFactory *factory,
                GtkListItem              *item,
                gpointer                  data)
{
  GtkStringObject *string = gtk_list_item_get_item (item);
  g_auto(GStrv) parts = g_strsplit (gtk_string_object_get_string (string), "\t", 3);
  GtkWidget *label = gtk_widget_get_first_child (gtk_list_item_get_child (item));

  for (guint i = 0; label != NULL; i++, label = gtk_widget_get_next_sibling (label))
    gtk_label_set_label (GTK_LABEL (label), i < g_strv_length (parts) ? parts[i] : "");
}

static void
tile_activated (FlWindow        *self,
                GtkFlowBoxChild *child)
{
  GtkWidget *tile = gtk_flow_box_child_get_child (child);

  if (FL_IS_DC_TILE (tile))
    {
      GtkWidget *details = fl_dc_details_new (fl_dc_tile_get_state (FL_DC_TILE (tile)), GTK_WINDOW (self));

      /* a recording played back is history, not a lab to change */
      if (self->session != NULL && self->replay == NULL)
        fl_dc_details_set_session (FL_DC_DETAILS (details), self->session);
      gtk_window_present (GTK_WINDOW (details));
    }
}

static void
stop_probing (FlWindow *self)
{
  /* (a run still under way was refused before: see exercise_live) */
  if (self->exercise_pane != NULL)
    {
      fl_exercise_pane_set_runner (self->exercise_pane, NULL);
      gtk_widget_set_visible (GTK_WIDGET (self->exercise_pane), FALSE);
    }
  if (self->session != NULL)
    fl_lab_session_stop (self->session);
  if (self->recorder != NULL)
    {
      g_signal_handlers_disconnect_by_data (self->recorder, self);
      fl_recorder_finish (self->recorder);
      g_clear_object (&self->recorder);
    }
  if (self->timeline != NULL)
    g_signal_handlers_disconnect_by_data (self->timeline, self);
  if (self->vm_control != NULL)
    fl_vm_control_stop (self->vm_control);
  g_clear_object (&self->vm_control);
  if (self->hv_secret != NULL)
    explicit_bzero (self->hv_secret, strlen (self->hv_secret));
  g_clear_pointer (&self->hv_secret, g_free);
  g_clear_pointer (&self->recording_path, g_free);
  g_clear_object (&self->timeline);
  g_clear_object (&self->session);
  g_clear_pointer (&self->config, fl_probe_config_unref);
}

/* an exercise under way on the open lab (its rollback included) */
static gboolean
exercise_live (FlWindow *self)
{
  FlExerciseRunner *runner = self->exercise_pane ? fl_exercise_pane_get_runner (self->exercise_pane) : NULL;
  FlRunState state = runner ? fl_exercise_runner_get_state (runner) : FL_RUN_IDLE;

  return state != FL_RUN_IDLE && state != FL_RUN_FINISHED;
}

static gboolean
destroy_idle (gpointer user_data)
{
  gtk_window_destroy (GTK_WINDOW (user_data));
  return G_SOURCE_REMOVE;
}

static void
closing_run_state (FlExerciseRunner *runner,
                   GParamSpec       *pspec,
                   FlWindow         *self)
{
  GApplication *app = G_APPLICATION (gtk_window_get_application (GTK_WINDOW (self)));

  if (fl_exercise_runner_get_state (runner) != FL_RUN_FINISHED)
    return;
  g_signal_handlers_disconnect_by_func (runner, closing_run_state, self);
  g_idle_add_full (G_PRIORITY_DEFAULT, destroy_idle, g_object_ref (self), g_object_unref);
  if (app != NULL)
    g_application_release (app);
}

/* closing during an exercise: it is aborted and the lab given back first (its rollback starts
 * stopped DCs and plugs cables), then the window closes; the application waits for it */
static gboolean
fl_window_close_request (GtkWindow *window)
{
  FlWindow *self = FL_WINDOW (window);
  FlExerciseRunner *runner;
  GApplication *app;
  int width, height;

  /* the size to open at next time (not the full screen of presenter mode) */
  gtk_window_get_default_size (window, &width, &height);
  if (!self->presenter && !gtk_window_is_fullscreen (window) && width > 0 && height > 0)
    {
      g_settings_set_int (self->settings, "window-width", width);
      g_settings_set_int (self->settings, "window-height", height);
      g_settings_set_boolean (self->settings, "window-maximized", gtk_window_is_maximized (window));
    }
  if (!exercise_live (self))
    return GTK_WINDOW_CLASS (fl_window_parent_class)->close_request (window);
  runner = fl_exercise_pane_get_runner (self->exercise_pane);
  if (self->closing)
    return TRUE;
  self->closing = TRUE;
  app = G_APPLICATION (gtk_window_get_application (window));
  if (app != NULL)
    g_application_hold (app);
  g_signal_connect (runner, "notify::state", G_CALLBACK (closing_run_state), self);
  adw_toast_overlay_add_toast (self->toast_overlay,
                               fl_toast_new_plain (_("Giving the lab back before closing…")));
  fl_exercise_runner_abort (runner);
  closing_run_state (runner, NULL, self);
  return TRUE;
}

static void
fl_window_dispose (GObject *object)
{
  FlWindow *self = (FlWindow *)object;

  stop_probing (self);
  fl_window_replay_clear (self);
  gtk_widget_dispose_template (GTK_WIDGET (self), FL_TYPE_WINDOW);
  G_OBJECT_CLASS (fl_window_parent_class)->dispose (object);
}

static void
fl_window_finalize (GObject *object)
{
  FlWindow *self = (FlWindow *)object;

  g_clear_object (&self->settings);
  g_clear_object (&self->lab);
  g_clear_object (&self->events);
  G_OBJECT_CLASS (fl_window_parent_class)->finalize (object);
}

static const guint intervals_ms[] = { 100, 250, 500, 1000, 2000, 5000, 10000 };

static void
interval_selected (FlWindow *self)
{
  guint i = gtk_drop_down_get_selected (self->interval_dropdown);

  if (i < G_N_ELEMENTS (intervals_ms) &&
      g_settings_get_uint (self->settings, "interval-ms") != intervals_ms[i])
    g_settings_set_uint (self->settings, "interval-ms", intervals_ms[i]);
}

/* GSettings → the probing and the chart, live */
static void
settings_changed (GSettings  *settings,
                  const char *key,
                  FlWindow   *self)
{
  if (g_str_equal (key, "interval-ms"))
    {
      guint ms = g_settings_get_uint (settings, key);
      guint best = 0;

      for (guint i = 0; i < G_N_ELEMENTS (intervals_ms); i++)
        if (intervals_ms[i] <= ms)
          best = i;
      if (gtk_drop_down_get_selected (self->interval_dropdown) != best)
        gtk_drop_down_set_selected (self->interval_dropdown, best);
      if (self->session != NULL)
        fl_lab_session_set_interval (self->session, ms);
    }
  else if (g_str_equal (key, "deadline-ms") && self->session != NULL)
    fl_lab_session_set_deadline (self->session, g_settings_get_uint (settings, key));
  else if (g_str_equal (key, "restart-guard-min") && self->vm_control != NULL)
    fl_vm_control_set_guard (self->vm_control, g_settings_get_uint (settings, key));
  else if (g_str_equal (key, "chart-window-s"))
    fl_chart_set_span (self->chart, g_settings_get_uint (settings, key));
  else if (g_str_equal (key, "palette"))
    {
      g_autofree char *palette = g_settings_get_string (settings, key);

      fl_chart_set_colorblind (self->chart, g_str_equal (palette, "colorblind"));
    }
}

void
fl_window_running_changed (FlWindow *self)
{
  gboolean running = self->session != NULL && fl_lab_session_is_running (self->session);

  gtk_button_set_icon_name (GTK_BUTTON (self->run_button),
                            running ? "media-playback-pause-symbolic" : "media-playback-start-symbolic");
  gtk_widget_set_tooltip_text (GTK_WIDGET (self->run_button),
                               running ? _("Pause Probing") : _("Resume Probing"));
  /* an icon says nothing to a screen reader: the button's name is its tooltip's words */
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->run_button), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  running ? _("Pause Probing") : _("Resume Probing"), -1);
}

static void
follow_live_changed (FlWindow *self)
{
  /* a recording has no live to go back to */
  gtk_widget_set_visible (GTK_WIDGET (self->live_button),
                          !fl_chart_get_follow_live (self->chart) && self->replay == NULL);
}

enum {
  PROP_0,
  PROP_PRESENTER,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

/**
 * fl_window_set_presenter:
 * @presenter: whether to present
 *
 * Presenter mode: the window fills the screen and its type is larger, to be read from the back
 * of a classroom; the event list makes way for the chart, whose marks tell the same story. F11
 * or the main menu toggles it; leaving full screen leaves it too.
 */
void
fl_window_set_presenter (FlWindow *self,
                         gboolean  presenter)
{
  g_return_if_fail (FL_IS_WINDOW (self));

  presenter = !!presenter;
  if (self->presenter == presenter)
    return;
  self->presenter = presenter;
  gtk_widget_set_visible (self->events_heading, !presenter);
  gtk_widget_set_visible (self->events_frame, !presenter);
  if (presenter)
    {
      gtk_widget_add_css_class (GTK_WIDGET (self), "presenter");
      gtk_window_fullscreen (GTK_WINDOW (self));
    }
  else
    {
      gtk_widget_remove_css_class (GTK_WIDGET (self), "presenter");
      gtk_window_unfullscreen (GTK_WINDOW (self));
    }
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PRESENTER]);
}

gboolean
fl_window_get_presenter (FlWindow *self)
{
  g_return_val_if_fail (FL_IS_WINDOW (self), FALSE);

  return self->presenter;
}

/* the window manager (or Super+Up, a double click) left full screen: so does presenter mode */
static void
fullscreened_changed (FlWindow *self)
{
  gboolean now = gtk_window_is_fullscreen (GTK_WINDOW (self));

  if (self->presenter && self->was_fullscreen && !now)
    fl_window_set_presenter (self, FALSE);
  self->was_fullscreen = now;
}

static void
fl_window_get_property (GObject    *object,
                        guint       prop_id,
                        GValue     *value,
                        GParamSpec *pspec)
{
  switch (prop_id)
    {
    case PROP_PRESENTER:
      g_value_set_boolean (value, FL_WINDOW (object)->presenter);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
fl_window_set_property (GObject      *object,
                        guint         prop_id,
                        const GValue *value,
                        GParamSpec   *pspec)
{
  switch (prop_id)
    {
    case PROP_PRESENTER:
      fl_window_set_presenter (FL_WINDOW (object), g_value_get_boolean (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
fl_window_class_init (FlWindowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = fl_window_dispose;
  GTK_WINDOW_CLASS (klass)->close_request = fl_window_close_request;
  object_class->finalize = fl_window_finalize;
  object_class->get_property = fl_window_get_property;
  object_class->set_property = fl_window_set_property;

  properties[PROP_PRESENTER] =
    g_param_spec_boolean ("presenter", NULL, NULL, FALSE,
                          G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  g_type_ensure (FL_TYPE_DASHBOARD_LAYOUT);
  g_type_ensure (FL_TYPE_LOGON_BANNER);
  g_type_ensure (FL_TYPE_CHART);
  g_type_ensure (FL_TYPE_EXERCISE_PANE);
  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/failoverlab/FailoverLab/ui/fl-window.ui");
  gtk_widget_class_bind_template_child (widget_class, FlWindow, toast_overlay);
  gtk_widget_class_bind_template_child (widget_class, FlWindow, window_title);
  gtk_widget_class_bind_template_child (widget_class, FlWindow, run_button);
  gtk_widget_class_bind_template_child (widget_class, FlWindow, interval_dropdown);
  gtk_widget_class_bind_template_child (widget_class, FlWindow, mark_button);
  gtk_widget_class_bind_template_child (widget_class, FlWindow, stack);
  gtk_widget_class_bind_template_child (widget_class, FlWindow, welcome_page);
  gtk_widget_class_bind_template_child (widget_class, FlWindow, recent_list);
  gtk_widget_class_bind_template_child (widget_class, FlWindow, recordings_heading);
  gtk_widget_class_bind_template_child (widget_class, FlWindow, recordings_list);
  gtk_widget_class_bind_template_child (widget_class, FlWindow, banner);
  gtk_widget_class_bind_template_child (widget_class, FlWindow, page_scroller);
  gtk_widget_class_bind_template_child (widget_class, FlWindow, tiles);
  gtk_widget_class_bind_template_child (widget_class, FlWindow, chart);
  gtk_widget_class_bind_template_child (widget_class, FlWindow, live_button);
  gtk_widget_class_bind_template_child (widget_class, FlWindow, event_list);
  gtk_widget_class_bind_template_child (widget_class, FlWindow, events_heading);
  gtk_widget_class_bind_template_child (widget_class, FlWindow, events_frame);
  gtk_widget_class_bind_template_child (widget_class, FlWindow, exercise_pane);
  gtk_widget_class_bind_template_child (widget_class, FlWindow, replay_bar);
  gtk_widget_class_bind_template_child (widget_class, FlWindow, play_button);
  gtk_widget_class_bind_template_child (widget_class, FlWindow, speed_dropdown);
  gtk_widget_class_bind_template_child (widget_class, FlWindow, replay_scale);
  gtk_widget_class_bind_template_child (widget_class, FlWindow, replay_time);

  fl_window_class_add_actions (widget_class);
  fl_window_class_add_replay_actions (widget_class);
}

static void
recent_activated (GtkListBox    *box,
                  GtkListBoxRow *row,
                  FlWindow      *self)
{
  const char *path = g_object_get_data (G_OBJECT (row), "path");
  g_autoptr(GFile) file = g_file_new_for_path (path);

  fl_window_open_file (self, file);
}

static void
fill_recent (FlWindow *self)
{
  g_auto(GStrv) recent = g_settings_get_strv (self->settings, "recent-labs");
  GtkWidget *child;

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->recent_list))))
    gtk_list_box_remove (self->recent_list, child);

  for (guint i = 0; recent[i] != NULL && i < 5; i++)
    {
      GtkWidget *row = adw_action_row_new ();
      g_autofree char *base = g_path_get_basename (recent[i]);

      fl_row_set_plain (row);   /* file names are not markup */
      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), base);
      adw_action_row_set_subtitle (ADW_ACTION_ROW (row), recent[i]);
      gtk_list_box_row_set_activatable (GTK_LIST_BOX_ROW (row), TRUE);
      g_object_set_data_full (G_OBJECT (row), "path", g_strdup (recent[i]), g_free);
      gtk_list_box_append (self->recent_list, row);
    }
  gtk_widget_set_visible (GTK_WIDGET (self->recent_list), recent[0] != NULL);
}

static void
free_weak_ref (gpointer data)
{
  g_weak_ref_clear (data);
  g_free (data);
}

static void
list_recordings_thread (GTask        *task,
                        gpointer      source,
                        gpointer      data,
                        GCancellable *cancellable)
{
  g_task_return_pointer (task, fl_recording_list_recent (5), (GDestroyNotify)g_ptr_array_unref);
}

/* the newest recordings on the welcome page: a debrief, or a demo without a lab */
static void
recordings_listed (GObject      *object,
                   GAsyncResult *result,
                   gpointer      data)
{
  g_autoptr(GPtrArray) paths = g_task_propagate_pointer (G_TASK (result), NULL);
  g_autoptr(FlWindow) self = g_weak_ref_get (data);
  GtkWidget *child;

  /* the window went while the folder was read */
  if (self == NULL || self->recordings_list == NULL)
    return;
  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->recordings_list))))
    gtk_list_box_remove (self->recordings_list, child);
  for (guint i = 0; paths != NULL && i < paths->len; i++)
    {
      GtkWidget *row = adw_action_row_new ();
      g_autofree char *base = g_path_get_basename (paths->pdata[i]);
      g_autofree char *lab = NULL;
      g_autoptr(GDateTime) start = fl_recording_name_parse (base, &lab);
      /* TRANSLATORS: when a recording started, as strftime() writes it: date and time */
      g_autofree char *when = start ? g_date_time_format (start, _("%x %H:%M")) : NULL;

      fl_row_set_plain (row);   /* file names are not markup */
      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), lab ? lab : base);
      adw_action_row_set_subtitle (ADW_ACTION_ROW (row), when ? when : paths->pdata[i]);
      gtk_widget_set_tooltip_text (row, paths->pdata[i]);
      gtk_list_box_row_set_activatable (GTK_LIST_BOX_ROW (row), TRUE);
      g_object_set_data_full (G_OBJECT (row), "path", g_strdup (paths->pdata[i]), g_free);
      gtk_list_box_append (self->recordings_list, row);
    }
  gtk_widget_set_visible (self->recordings_heading, paths != NULL && paths->len > 0);
  gtk_widget_set_visible (GTK_WIDGET (self->recordings_list), paths != NULL && paths->len > 0);
}

static void
fill_recordings (FlWindow *self)
{
  /* a weak reference: a listing under way never keeps a closed window alive */
  GWeakRef *ref = g_new0 (GWeakRef, 1);
  g_autoptr(GTask) task = NULL;

  g_weak_ref_init (ref, self);
  task = g_task_new (NULL, NULL, recordings_listed, ref);
  g_task_set_task_data (task, ref, free_weak_ref);
  g_task_run_in_thread (task, list_recordings_thread);
}

static void
fl_window_init (FlWindow *self)
{
  g_autoptr(GtkListItemFactory) factory = gtk_signal_list_item_factory_new ();
  GtkNoSelection *selection;

  gtk_widget_init_template (GTK_WIDGET (self));

  if (g_str_has_suffix (APP_ID, ".Devel"))
    gtk_widget_add_css_class (GTK_WIDGET (self), "devel");

  self->settings = g_settings_new ("io.github.failoverlab.FailoverLab");
  gtk_window_set_default_size (GTK_WINDOW (self),
                               g_settings_get_int (self->settings, "window-width"),
                               g_settings_get_int (self->settings, "window-height"));
  if (g_settings_get_boolean (self->settings, "window-maximized"))
    gtk_window_maximize (GTK_WINDOW (self));
  g_signal_connect_swapped (self, "notify::fullscreened", G_CALLBACK (fullscreened_changed), self);
  self->events = gtk_string_list_new (NULL);
  fl_window_replay_init (self);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.play", FALSE);

  g_signal_connect_swapped (self->tiles, "child-activated", G_CALLBACK (tile_activated), self);
  g_signal_connect (factory, "setup", G_CALLBACK (setup_event_row), NULL);
  g_signal_connect (factory, "bind", G_CALLBACK (bind_event_row), NULL);
  selection = gtk_no_selection_new (g_object_ref (G_LIST_MODEL (self->events)));
  gtk_list_view_set_model (self->event_list, GTK_SELECTION_MODEL (selection));
  gtk_list_view_set_factory (self->event_list, factory);
  g_object_unref (selection);

  g_signal_connect (self->recent_list, "row-activated", G_CALLBACK (recent_activated), self);
  g_signal_connect (self->recordings_list, "row-activated", G_CALLBACK (recent_activated), self);
  g_signal_connect_swapped (self->chart, "notify::follow-live", G_CALLBACK (follow_live_changed), self);
  follow_live_changed (self);
  {
    /* built here: GTK 4.8 does not translate the items of a GtkStringList in a template */
    static const char * const labels[] = {
      N_("every 100 ms"), N_("every 250 ms"), N_("every 500 ms"), N_("every 1 s"),
      N_("every 2 s"), N_("every 5 s"), N_("every 10 s"),
    };
    g_autoptr(GtkStringList) model = gtk_string_list_new (NULL);

    for (guint i = 0; i < G_N_ELEMENTS (labels); i++)
      gtk_string_list_append (model, _(labels[i]));
    gtk_drop_down_set_model (self->interval_dropdown, G_LIST_MODEL (model));
  }
  g_signal_connect_object (self->settings, "changed", G_CALLBACK (settings_changed), self, 0);
  g_signal_connect_swapped (self->interval_dropdown, "notify::selected", G_CALLBACK (interval_selected), self);
  settings_changed (self->settings, "interval-ms", self);
  fl_chart_set_span (self->chart, g_settings_get_uint (self->settings, "chart-window-s"));
  g_settings_bind (self->settings, "latency-log-scale", self->chart, "latency-log", G_SETTINGS_BIND_GET);
  {
    g_autofree char *palette = g_settings_get_string (self->settings, "palette");

    fl_chart_set_colorblind (self->chart, g_str_equal (palette, "colorblind"));
  }
  fill_recent (self);
  fill_recordings (self);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.running", FALSE);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.mark-fault", FALSE);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.export", FALSE);
}

FlWindow *
fl_window_new (AdwApplication *application)
{
  return g_object_new (FL_TYPE_WINDOW, "application", application, NULL);
}

FlTimeline *
fl_window_get_timeline (FlWindow *self)
{
  g_return_val_if_fail (FL_IS_WINDOW (self), NULL);
  return self->timeline;
}

/**
 * fl_window_get_session:
 *
 * Returns: (transfer none) (nullable): the lab session shown
 */
FlLabSession *
fl_window_get_session (FlWindow *self)
{
  g_return_val_if_fail (FL_IS_WINDOW (self), NULL);
  return self->session;
}

/**
 * fl_window_get_logon_server:
 *
 * Returns: (nullable): the DC the locator view picks now, as the banner shows it
 */
const char *
fl_window_get_logon_server (FlWindow *self)
{
  g_return_val_if_fail (FL_IS_WINDOW (self), NULL);
  return self->session ? fl_lab_session_get_logon_server (self->session) : NULL;
}

/**
 * fl_window_mark_fault:
 * @dc: (nullable): the DC it is about
 *
 * Records t_fault now: the detector measures detection and switchover from it.
 */
void
fl_window_mark_fault (FlWindow   *self,
                      const char *dc,
                      const char *note)
{
  g_return_if_fail (FL_IS_WINDOW (self));

  if (self->timeline == NULL)
    return;
  fl_timeline_mark_fault (self->timeline, FL_EVENT_FAULT, dc, note);
  adw_toast_overlay_add_toast (self->toast_overlay, adw_toast_new (_("Fault marked: switchovers are measured from now")));
}

static void
remember_recent (FlWindow   *self,
                 const char *path)
{
  g_auto(GStrv) recent = g_settings_get_strv (self->settings, "recent-labs");
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();
  g_auto(GStrv) updated = NULL;

  g_strv_builder_add (builder, path);
  for (guint i = 0, n = 1; recent[i] != NULL && n < 10; i++)
    if (!g_str_equal (recent[i], path))
      {
        g_strv_builder_add (builder, recent[i]);
        n++;
      }
  updated = g_strv_builder_end (builder);
  g_settings_set_strv (self->settings, "recent-labs", (const char * const *)updated);
}

typedef struct
{
  FlWindow *self;
  FlLab    *lab;    /* the lab the secret was asked for */
} HvLookup;

static void
hv_secret_found (GObject      *object,
                 GAsyncResult *result,
                 gpointer      data)
{
  HvLookup *l = data;
  g_autoptr(FlWindow) self = l->self;
  g_autoptr(FlLab) lab = l->lab;
  g_autoptr(GError) error = NULL;
  char *secret = fl_keyring_lookup_finish (result, &error);

  g_free (l);
  /* a late answer for a lab that is no longer open is dropped: never lab A's secret to lab B */
  if (self->vm_control != NULL && lab == self->lab)
    {
      g_free (self->hv_secret);
      self->hv_secret = secret ? g_strdup (secret) : NULL;
      if (secret == NULL && fl_lab_get_hypervisor_kind (self->lab) == FL_HYPERVISOR_PROXMOX_API)
        adw_toast_overlay_add_toast (self->toast_overlay,
                                     adw_toast_new (_("The VMs cannot be controlled yet: give the Proxmox VE "
                                                      "secret in Preferences")));
      fl_vm_control_connect (self->vm_control, secret);
    }
  g_clear_pointer (&secret, secret_password_free);
}

/* the hypervisor's secret: the environment, else the keyring */
static void
start_vm_control (FlWindow *self)
{
  g_autofree char *who = NULL, *where = NULL;
  HvLookup *l;

  if (!fl_vm_control_keyring_item (self->lab, &who, &where))
    return;
  if (g_getenv ("FAILOVER_LAB_PVE_SECRET") != NULL)
    {
      self->hv_secret = g_strdup (g_getenv ("FAILOVER_LAB_PVE_SECRET"));
      fl_vm_control_connect (self->vm_control, self->hv_secret);
      return;
    }
  l = g_new0 (HvLookup, 1);
  l->self = g_object_ref (self);
  l->lab = g_object_ref (self->lab);
  fl_keyring_lookup_async (FL_KEYRING_HYPERVISOR_SECRET, who, where, NULL, hv_secret_found, l);
}

static void
on_recording_failed (FlRecorder   *recorder,
                     const GError *error,
                     FlWindow     *self)
{
  adw_toast_overlay_add_toast (self->toast_overlay, fl_toast_new_plain (error->message));
}

/* every session is recorded, in $XDG_DATA_HOME/failover-lab/recordings; a recording that
 * cannot be made says so once, and probing goes on */
static void
start_recording (FlWindow *self,
                 FlLab    *lab)
{
  g_autoptr(GDateTime) now = g_date_time_new_now_local ();
  g_autofree char *path = fl_recording_default_path (lab, now);
  g_autofree char *stem = g_strndup (path, strlen (path) - strlen (".jsonl"));
  g_autoptr(GError) error = NULL;

  self->recorder = fl_recorder_new_for_file (self->timeline, lab, path, &error);
  /* two sessions in one second: the second gets "-2", "-3", … */
  for (guint n = 2; self->recorder == NULL && n < 10 &&
                    g_error_matches (error, G_IO_ERROR, G_IO_ERROR_EXISTS); n++)
    {
      g_free (path);
      path = g_strdup_printf ("%s-%u.jsonl", stem, n);
      g_clear_error (&error);
      self->recorder = fl_recorder_new_for_file (self->timeline, lab, path, &error);
    }
  if (self->recorder == NULL)
    {
      /* TRANSLATORS: the session is not recorded: why */
      g_autofree char *text = g_strdup_printf (_("Not recording this session: %s"), error->message);

      adw_toast_overlay_add_toast (self->toast_overlay, fl_toast_new_plain (text));
      return;
    }
  g_signal_connect (self->recorder, "failed", G_CALLBACK (on_recording_failed), self);
  self->recording_path = g_steal_pointer (&path);
}

/* shows @lab: a tile per DC, the banner, the chart, the events. @live: probed now (VM controls,
 * the session recorded, probing started); otherwise a recording replayed, read-only */
/* shows @lab: a tile per DC, the banner, the chart, the events. @live: probed now (VM controls,
 * the session recorded, probing started); otherwise the recording @replay, read-only, as it
 * stood at @until_us: its samples and faults go into the session before any widget watches it
 * (fed one by one to tiles, banner and chart, an 8 h recording took minutes) */
static void
show_lab (FlWindow                  *self,
          FlLab                     *lab,
          FlProbeConfig             *config,
          gboolean                   live,
          const FlRecordingContents *replay,
          gint64                     until_us)
{
  GListModel *dcs;
  GtkWidget *child;

  g_return_if_fail (!exercise_live (self));

  fl_chart_set_timeline (self->chart, NULL);
  stop_probing (self);
  g_set_object (&self->lab, lab);
  self->config = fl_probe_config_ref (config);
  self->session = fl_lab_session_new (lab, self->config, NULL, 0);
  self->timeline = g_object_ref (fl_lab_session_get_timeline (self->session));
  self->fault_mono = 0;
  fl_window_replay_set (self, replay);
  self->replay_sample = self->replay_event = 0;
  self->replay_at = self->replay_t0;
  /* a replay's events count from the recording's start, not from now */
  self->start_mono = replay != NULL ? self->replay_t0 : g_get_monotonic_time ();
  gtk_string_list_splice (self->events, 0, g_list_model_get_n_items (G_LIST_MODEL (self->events)), NULL);
  g_signal_connect (self->timeline, "event-added", G_CALLBACK (on_event_added), self);
  if (replay != NULL)
    fl_window_replay_feed (self, until_us);
  fl_logon_banner_set_session (self->banner, self->session);
  if (live)
    {
      start_recording (self, lab);
      self->vm_control = fl_vm_control_new (self->session, GTK_WINDOW (self), self->toast_overlay);
      fl_vm_control_set_guard (self->vm_control, g_settings_get_uint (self->settings, "restart-guard-min"));
    }
  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->tiles))))
    gtk_flow_box_remove (self->tiles, child);
  dcs = fl_lab_session_get_dcs (self->session);
  for (guint i = 0; i < g_list_model_get_n_items (dcs); i++)
    {
      g_autoptr(FlDcState) dc = g_list_model_get_item (dcs, i);
      GtkWidget *tile = fl_dc_tile_new (dc);

      gtk_flow_box_append (self->tiles, tile);
      /* the cell a screen reader lands on is named by its DC (the tile inside says its state) */
      gtk_accessible_update_property (GTK_ACCESSIBLE (gtk_widget_get_parent (tile)),
                                      GTK_ACCESSIBLE_PROPERTY_LABEL, fl_dc_state_get_name (dc), -1);
      if (self->vm_control != NULL)
        fl_vm_control_add_tile (self->vm_control, tile);
    }
  /* the Windows client's own views beside the DCs, when the lab can ask it */
  if (fl_lab_client_is_remote (lab))
    gtk_flow_box_append (self->tiles, fl_client_tile_new (self->session));
  if (live)
    start_vm_control (self);

  adw_window_title_set_title (self->window_title, fl_lab_get_name (lab));
  adw_window_title_set_subtitle (self->window_title, fl_lab_get_domain (lab));
  gtk_stack_set_visible_child_name (self->stack, "lab");
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.running", live);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.mark-fault", live);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.export", TRUE);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.exercises", live);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.follow-live", live);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.play", !live);
  gtk_widget_set_visible (GTK_WIDGET (self->run_button), live);
  gtk_widget_set_visible (GTK_WIDGET (self->interval_dropdown), live);
  gtk_widget_set_visible (self->mark_button, live);
  if (live && fl_lab_get_file (lab) != NULL)
    remember_recent (self, fl_lab_get_file (lab));

  fl_chart_set_timeline (self->chart, self->timeline);
  fl_chart_set_follow_live (self->chart, live);
  fl_window_replay_shown (self);
  follow_live_changed (self);
  if (!live)
    return;
  /* the lab file's probe settings, then the header and Preferences change them live */
  g_settings_set_uint (self->settings, "interval-ms", fl_lab_get_interval_ms (lab));
  g_settings_set_uint (self->settings, "deadline-ms", fl_lab_get_deadline_ms (lab));
  fl_lab_session_start (self->session);
  fl_window_running_changed (self);
}

static gboolean
open_lab_with_password (FlWindow    *self,
                        FlLab       *lab,
                        const char  *password,
                        GError     **error)
{
  g_autoptr(FlProbeConfig) config = NULL;

  if (exercise_live (self))
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_BUSY,
                           _("An exercise is running on this lab: abort it first"));
      return FALSE;
    }
  config = fl_lab_create_probe_config (lab, password, error);
  if (config == NULL)
    return FALSE;
  show_lab (self, lab, config, TRUE, NULL, 0);
  return TRUE;
}

/**
 * fl_window_open_recording:
 * @path: (nullable): the recording's file: its name goes in the title, and its report can be
 *   exported
 *
 * Shows a recording as it ended, read-only: its samples and faults go through a lab session
 * (the detector derives the rest, as it did live), nothing is probed, no VM can be touched.
 */
gboolean
fl_window_open_recording (FlWindow                  *self,
                          const FlRecordingContents *contents,
                          const char                *path,
                          GError                   **error)
{
  JsonNode *lab_node = json_object_get_member (contents->header, "lab");
  g_autofree char *lab_text = NULL;
  g_autoptr(FlLab) lab = NULL;
  g_autoptr(FlProbeConfig) config = NULL;

  g_return_val_if_fail (FL_IS_WINDOW (self), FALSE);

  if (exercise_live (self))
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_BUSY,
                           _("An exercise is running on this lab: abort it first"));
      return FALSE;
    }
  if (lab_node == NULL || !JSON_NODE_HOLDS_OBJECT (lab_node))
    {
      g_set_error_literal (error, FL_RECORDING_ERROR, FL_RECORDING_ERROR_FORMAT,
                           _("This recording does not say which lab it is of"));
      return FALSE;
    }
  lab_text = json_to_string (lab_node, FALSE);
  lab = fl_lab_new_from_data (lab_text, -1, error);
  if (lab == NULL)
    return FALSE;
  config = fl_lab_create_probe_config (lab, NULL, error);
  if (config == NULL)
    return FALSE;
  show_lab (self, lab, config, FALSE, contents, FL_RECORDING_END);
  self->recording_path = g_strdup (path);
  set_recording_title (self);
  return TRUE;
}

/* "Recording: classroom", and the file's name */
static void
set_recording_title (FlWindow *self)
{
  g_autofree char *name = self->recording_path ? g_path_get_basename (self->recording_path) : NULL;
  /* TRANSLATORS: the window's title for a recording: "Recording: classroom" */
  g_autofree char *title = g_strdup_printf (_("Recording: %s"), fl_lab_get_name (self->lab));

  adw_window_title_set_title (self->window_title, title);
  adw_window_title_set_subtitle (self->window_title, name ? name : fl_lab_get_domain (self->lab));
}

/**
 * fl_window_replay_rebuild:
 *
 * The recording replayed, built again from its start up to @until_us (a step back in time).
 */
void
fl_window_replay_rebuild (FlWindow *self,
                          gint64    until_us)
{
  g_autoptr(FlLab) lab = g_object_ref (self->lab);
  g_autoptr(FlProbeConfig) config = fl_probe_config_ref (self->config);
  g_autofree char *path = g_strdup (self->recording_path);

  show_lab (self, lab, config, FALSE, self->replay, until_us);
  self->recording_path = g_steal_pointer (&path);
  set_recording_title (self);
}

/**
 * fl_window_open_lab:
 *
 * Starts probing @lab: a tile per DC, the banner, the events, with the user's password from
 * $FAILOVER_LAB_PASSWORD (or none). fl_window_open_file() asks the keyring, then the user.
 */
gboolean
fl_window_open_lab (FlWindow  *self,
                    FlLab     *lab,
                    GError   **error)
{
  g_return_val_if_fail (FL_IS_WINDOW (self), FALSE);
  g_return_val_if_fail (FL_IS_LAB (lab), FALSE);

  return open_lab_with_password (self, lab, g_getenv ("FAILOVER_LAB_PASSWORD"), error);
}

static void
show_error (FlWindow     *self,
            const GError *error)
{
  AdwToast *toast = fl_toast_new_plain (error->message);

  adw_toast_set_timeout (toast, 0);
  adw_toast_overlay_add_toast (self->toast_overlay, toast);
}

static void
open_or_complain (FlWindow   *self,
                  FlLab      *lab,
                  const char *password)
{
  g_autoptr(GError) error = NULL;

  if (!open_lab_with_password (self, lab, password, &error))
    show_error (self, error);
}

static void
stored (GObject      *object,
        GAsyncResult *result,
        gpointer      data)
{
  g_autoptr(FlWindow) self = data;
  g_autoptr(GError) error = NULL;

  if (!fl_keyring_store_finish (result, &error))
    show_error (self, error);
}

static void
password_response (AdwMessageDialog *dialog,
                   const char       *response,
                   FlWindow         *self)
{
  FlLab *lab = g_object_get_data (G_OBJECT (dialog), "lab");
  GtkEditable *entry = g_object_get_data (G_OBJECT (dialog), "entry");
  GtkCheckButton *remember = g_object_get_data (G_OBJECT (dialog), "remember");
  g_autofree char *password = g_strdup (gtk_editable_get_text (entry));

  /* GTK 4.8's password entry reacts to the focus leaving a window being destroyed, after its
   * own teardown: move the focus away while it is still whole */
  gtk_window_set_focus (GTK_WINDOW (dialog), NULL);
  gtk_editable_set_text (entry, "");

  if (g_str_equal (response, "use") && *password)
    {
      if (gtk_check_button_get_active (remember))
        {
          g_autofree char *identity = fl_lab_get_identity (lab);

          fl_keyring_store_async (FL_KEYRING_USER_PASSWORD, fl_lab_get_user_principal (lab), identity,
                                  fl_lab_get_name (lab), password, NULL, stored, g_object_ref (self));
        }
      /* a lab already running keeps its recording: the new password counts from the next start */
      if (lab != self->lab)
        open_or_complain (self, lab, password);
      else
        adw_toast_overlay_add_toast (self->toast_overlay,
                                     adw_toast_new (_("Saved: the Kerberos check uses it when the lab is opened again")));
    }
  else if (g_str_equal (response, "skip") && lab != self->lab)
    open_or_complain (self, lab, NULL);
  /* close: leave things as they are */
}

/* Asks for the lab user's password: the Kerberos check logs on as a domain client would. */
void
fl_window_ask_password (FlWindow     *self,
              FlLab        *lab,
              const GError *keyring_error)
{
  g_autofree char *heading = g_strdup_printf (_("Password of %s"), fl_lab_get_user_principal (lab));
  GtkWidget *dialog = adw_message_dialog_new (GTK_WINDOW (self), heading,
                                              _("The Kerberos check logs on as this user, as a domain "
                                                "client does. The password is kept in your keyring, "
                                                "never in the lab file."));
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 6);
  GtkWidget *entry = gtk_password_entry_new ();
  GtkWidget *remember = gtk_check_button_new_with_mnemonic (_("_Remember in the keyring"));

  gtk_password_entry_set_show_peek_icon (GTK_PASSWORD_ENTRY (entry), TRUE);
  g_object_set (entry, "activates-default", TRUE, NULL);
  gtk_accessible_update_property (GTK_ACCESSIBLE (entry), GTK_ACCESSIBLE_PROPERTY_LABEL, heading, -1);
  gtk_check_button_set_active (GTK_CHECK_BUTTON (remember), keyring_error == NULL);
  gtk_widget_set_sensitive (remember, keyring_error == NULL);
  gtk_box_append (GTK_BOX (box), entry);
  gtk_box_append (GTK_BOX (box), remember);
  if (keyring_error != NULL)
    {
      GtkWidget *why = gtk_label_new (keyring_error->message);

      gtk_label_set_wrap (GTK_LABEL (why), TRUE);
      gtk_widget_add_css_class (why, "dim-label");
      gtk_widget_add_css_class (why, "caption");
      gtk_box_append (GTK_BOX (box), why);
    }
  adw_message_dialog_set_extra_child (ADW_MESSAGE_DIALOG (dialog), box);
  adw_message_dialog_add_responses (ADW_MESSAGE_DIALOG (dialog),
                                    "skip", _("Probe _Without Kerberos"),
                                    "use", _("_Log On"),
                                    NULL);
  adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (dialog), "use", ADW_RESPONSE_SUGGESTED);
  adw_message_dialog_set_default_response (ADW_MESSAGE_DIALOG (dialog), "use");
  adw_message_dialog_set_close_response (ADW_MESSAGE_DIALOG (dialog), "skip");
  g_object_set_data_full (G_OBJECT (dialog), "lab", g_object_ref (lab), g_object_unref);
  g_object_set_data (G_OBJECT (dialog), "entry", entry);
  g_object_set_data (G_OBJECT (dialog), "remember", remember);
  g_signal_connect_object (dialog, "response", G_CALLBACK (password_response), self, 0);
  gtk_window_present (GTK_WINDOW (dialog));
  gtk_widget_grab_focus (entry);
}

typedef struct
{
  GWeakRef  window;   /* the window may close while the keyring answers */
  FlLab    *lab;
} Lookup;

static void
looked_up (GObject      *object,
           GAsyncResult *result,
           gpointer      data)
{
  Lookup *lookup = data;
  g_autoptr(FlWindow) self = g_weak_ref_get (&lookup->window);
  g_autoptr(GError) error = NULL;
  char *password = fl_keyring_lookup_finish (result, &error);

  if (self != NULL && !gtk_widget_in_destruction (GTK_WIDGET (self)))
    {
      if (password != NULL)
        open_or_complain (self, lookup->lab, password);
      else
        fl_window_ask_password (self, lookup->lab, error);
    }
  g_clear_pointer (&password, secret_password_free);
  g_weak_ref_clear (&lookup->window);
  g_object_unref (lookup->lab);
  g_free (lookup);
}

/* the password: the environment, else the keyring, else the user */
static void
start_lab (FlWindow *self,
           FlLab    *lab)
{
  if (g_getenv ("FAILOVER_LAB_PASSWORD") != NULL || fl_lab_get_user_principal (lab) == NULL)
    {
      open_or_complain (self, lab, g_getenv ("FAILOVER_LAB_PASSWORD"));
      return;
    }
  {
    Lookup *lookup = g_new0 (Lookup, 1);
    g_autofree char *identity = fl_lab_get_identity (lab);

    g_weak_ref_init (&lookup->window, self);
    lookup->lab = g_object_ref (lab);

    /* stored for this lab (its domain and DCs) only: a file naming the same user with other
     * addresses is asked for the password, never handed the stored one */
    fl_keyring_lookup_async (FL_KEYRING_USER_PASSWORD, fl_lab_get_user_principal (lab), identity, NULL,
                             looked_up, lookup);
  }
}

static void
recording_read_thread (GTask        *task,
                       gpointer      source,
                       gpointer      task_data,
                       GCancellable *cancellable)
{
  gsize len;
  const char *data = g_bytes_get_data (task_data, &len);
  GError *error = NULL;
  FlRecordingContents *contents = fl_recording_read_data (data, len, &error);

  if (contents == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, contents, (GDestroyNotify)fl_recording_contents_free);
}

static void
recording_read (GObject      *object,
                GAsyncResult *result,
                gpointer      data)
{
  g_autoptr(FlWindow) self = data;
  g_autoptr(GError) error = NULL;
  g_autoptr(FlRecordingContents) contents = g_task_propagate_pointer (G_TASK (result), &error);
  g_autofree char *path = g_file_get_path (G_FILE (object));

  if (contents == NULL || !fl_window_open_recording (self, contents, path, &error))
    {
      g_prefix_error (&error, "%s: ", path);
      show_error (self, error);
    }
}

static void
file_loaded (GObject      *object,
             GAsyncResult *result,
             gpointer      data)
{
  g_autoptr(FlWindow) self = data;
  g_autoptr(GError) error = NULL;
  g_autofree char *contents = NULL;
  g_autofree char *path = g_file_get_path (G_FILE (object));
  g_autoptr(FlLab) lab = NULL;
  gsize len = 0;

  if (!g_file_load_contents_finish (G_FILE (object), result, &contents, &len, NULL, &error))
    goto failed;
  if (fl_recording_is_recording (contents, len))
    {
      /* read on a worker: a long recording takes seconds */
      g_autoptr(GTask) task = g_task_new (object, NULL, recording_read, g_object_ref (self));
      GBytes *bytes = g_bytes_new_take (g_steal_pointer (&contents), len);

      g_task_set_task_data (task, bytes, (GDestroyNotify)g_bytes_unref);
      g_task_run_in_thread (task, recording_read_thread);
      return;
    }
  lab = fl_lab_new_from_data (contents, len, &error);
  if (lab == NULL)
    {
      g_prefix_error (&error, "%s: ", path);
      goto failed;
    }
  /* relative paths in the lab (the keytab) are relative to its folder */
  fl_lab_set_file (lab, path);
  start_lab (self, lab);
  return;

failed:
  show_error (self, error);
}

/**
 * fl_window_open_file:
 *
 * Loads a lab file (asynchronously) and opens it; errors show as a toast that names the
 * JSON path at fault.
 */
void
fl_window_open_file (FlWindow *self,
                     GFile    *file)
{
  g_return_if_fail (FL_IS_WINDOW (self));

  g_file_load_contents_async (file, NULL, file_loaded, g_object_ref (self));
}

/**
 * fl_window_export_chart:
 *
 * The chart as shown, to a PNG or SVG file (what the Export menu does, without the dialog).
 */
gboolean
fl_window_export_chart (FlWindow    *self,
                        const char  *path,
                        gboolean     svg,
                        GError     **error)
{
  g_return_val_if_fail (FL_IS_WINDOW (self), FALSE);
  return fl_chart_export (self->chart, path, svg, error);
}

static void
on_exercise_done (GObject      *source,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  FlWindow *self = user_data;
  FlExerciseRunner *runner = FL_EXERCISE_RUNNER (source);
  g_autoptr(GError) error = NULL;
  FlGrade outcome = fl_exercise_runner_run_finish (runner, result, &error);
  g_autofree char *text = NULL;

  if (outcome == FL_GRADE_PENDING)
    /* TRANSLATORS: "Not started: the lab is not ready: every DC answers (…)" */
    text = g_strdup_printf (_("Not started: %s"), error->message);
  else
    /* TRANSLATORS: "Planned failover: passed" */
    text = g_strdup_printf (outcome == FL_GRADE_PASSED ? _("%s: passed")
                            : outcome == FL_GRADE_ABORTED ? _("%s: aborted") : _("%s: failed"),
                            fl_exercise_get_title (fl_exercise_runner_get_exercise (runner)));
  adw_toast_overlay_add_toast (self->toast_overlay, fl_toast_new_plain (text));
  g_object_unref (self);
}

/**
 * fl_window_run_exercise:
 *
 * Runs @exercise on the open lab, its checklist beside the chart. The user confirmed it, so its
 * VM actions pass the interlocks for this run.
 */
void
fl_window_run_exercise (FlWindow   *self,
                        FlExercise *exercise)
{
  g_autoptr(FlExerciseRunner) runner = NULL;
  g_autoptr(GError) error = NULL;
  FlExerciseRunner *previous;

  g_return_if_fail (FL_IS_WINDOW (self));
  if (self->session == NULL)
    {
      adw_toast_overlay_add_toast (self->toast_overlay,
                                   fl_toast_new_plain (_("An exercise runs on a lab: open a lab file "
                                                         "first")));
      return;
    }
  previous = fl_exercise_pane_get_runner (self->exercise_pane);
  if (previous != NULL && fl_exercise_runner_get_state (previous) != FL_RUN_FINISHED)
    {
      adw_toast_overlay_add_toast (self->toast_overlay,
                                   fl_toast_new_plain (_("An exercise is running: abort it first")));
      return;
    }
  if (!fl_exercise_check_lab (exercise, self->lab, fl_lab_session_get_hypervisor (self->session) != NULL, &error))
    {
      adw_toast_overlay_add_toast (self->toast_overlay, fl_toast_new_plain (error->message));
      return;
    }

  runner = fl_exercise_runner_new (self->session, exercise);
  fl_exercise_runner_set_confirmed (runner, FL_INTERLOCK_CONFIRMABLE);
  fl_exercise_runner_set_recorder (runner, self->recorder);
  fl_exercise_pane_set_runner (self->exercise_pane, runner);
  gtk_widget_set_visible (GTK_WIDGET (self->exercise_pane), TRUE);
  if (!fl_lab_session_is_running (self->session))
    {
      fl_lab_session_start (self->session);
      fl_window_running_changed (self);
    }
  fl_exercise_runner_run_async (runner, NULL, on_exercise_done, g_object_ref (self));
}
