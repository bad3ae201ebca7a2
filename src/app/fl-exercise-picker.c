/* fl-exercise-picker.c: the Exercises dialog: the built-in exercises with their level, length
 * and description; choosing one asks to confirm, then the window runs it.
 *
 * Copyright 2026 The Failover Lab authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "fl-exercise-picker"

#include "config.h"

#include <glib/gi18n.h>

#include "fl-app-text.h"
#include "fl-exercise-picker.h"

typedef struct
{
  FlExercisePicked  picked;
  gpointer          user_data;
  GtkWindow        *dialog;
  FlExercise       *exercise;
} Choice;

static void
choice_free (Choice *c)
{
  g_clear_object (&c->exercise);
  g_free (c);
}

static void
on_confirmed (AdwMessageDialog *dialog,
              const char       *response,
              Choice           *c)
{
  if (g_str_equal (response, "run"))
    {
      c->picked (c->exercise, c->user_data);
      gtk_window_destroy (c->dialog);
    }
}

static void
on_row_activated (AdwActionRow *row,
                  gpointer      user_data)
{
  GtkWindow *dialog = GTK_WINDOW (gtk_widget_get_root (GTK_WIDGET (row)));
  FlExercise *exercise = g_object_get_data (G_OBJECT (row), "exercise");
  Choice *proto = g_object_get_data (G_OBJECT (dialog), "choice");
  Choice *c = g_new0 (Choice, 1);
  AdwMessageDialog *confirm;
  /* TRANSLATORS: the question before an exercise runs: "Run “Planned failover”?" */
  g_autofree char *heading = g_strdup_printf (_("Run “%s”?"), fl_exercise_get_title (exercise));
  g_autofree char *body = NULL;

  c->picked = proto->picked;
  c->user_data = proto->user_data;
  c->dialog = dialog;
  c->exercise = g_object_ref (exercise);

  if (fl_exercise_get_total_outage (exercise))
    body = g_strdup_printf ("%s\n\n%s", fl_exercise_get_description (exercise),
                            _("It stops every domain controller of this lab: a total outage. "
                              "Its VM actions pass the interlocks for this run. Abort gives the lab "
                              "back: stopped DCs are started, cables plugged in."));
  else
    body = g_strdup_printf ("%s\n\n%s", fl_exercise_get_description (exercise),
                            _("Its VM actions pass the interlocks for this run. Abort gives the lab "
                              "back: stopped DCs are started, cables plugged in."));
  confirm = ADW_MESSAGE_DIALOG (adw_message_dialog_new (dialog, heading, body));
  adw_message_dialog_add_responses (confirm, "cancel", _("_Cancel"),
                                    "run", fl_exercise_get_total_outage (exercise)
                                             ? _("_Stop Every DC and Run") : _("_Run"),
                                    NULL);
  adw_message_dialog_set_response_appearance (confirm, "run",
                                              fl_exercise_get_total_outage (exercise)
                                                ? ADW_RESPONSE_DESTRUCTIVE : ADW_RESPONSE_SUGGESTED);
  adw_message_dialog_set_default_response (confirm, "cancel");
  adw_message_dialog_set_close_response (confirm, "cancel");
  g_signal_connect_data (confirm, "response", G_CALLBACK (on_confirmed), c,
                         (GClosureNotify)(void (*) (void))choice_free, 0);
  gtk_window_present (GTK_WINDOW (confirm));
}

/**
 * fl_exercise_picker_new:
 * @picked: called with the exercise chosen and confirmed
 *
 * Returns: (transfer floating): the dialog, not yet presented
 */
GtkWindow *
fl_exercise_picker_new (GtkWindow        *parent,
                        FlExercisePicked  picked,
                        gpointer          user_data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) list = fl_exercise_list_builtin (&error);
  GtkWidget *window = adw_window_new ();
  GtkWidget *toolbar = gtk_box_new (GTK_ORIENTATION_VERTICAL, 0);
  GtkWidget *header = adw_header_bar_new ();
  GtkWidget *scrolled = gtk_scrolled_window_new ();
  GtkWidget *clamp = adw_clamp_new ();
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 12);
  GtkWidget *intro = gtk_label_new (_("Each exercise drives the lab through its VM actions and "
                                      "grades what the class should observe, live. Steps done by "
                                      "hand wait for Done."));
  GtkWidget *rows = gtk_list_box_new ();
  Choice *proto = g_new0 (Choice, 1);

  proto->picked = picked;
  proto->user_data = user_data;
  g_object_set_data_full (G_OBJECT (window), "choice", proto, g_free);

  gtk_window_set_title (GTK_WINDOW (window), _("Exercises"));
  gtk_window_set_transient_for (GTK_WINDOW (window), parent);
  gtk_window_set_modal (GTK_WINDOW (window), TRUE);
  gtk_window_set_destroy_with_parent (GTK_WINDOW (window), TRUE);
  gtk_window_set_default_size (GTK_WINDOW (window), 640, 620);
  gtk_box_append (GTK_BOX (toolbar), header);

  gtk_label_set_wrap (GTK_LABEL (intro), TRUE);
  gtk_label_set_xalign (GTK_LABEL (intro), 0);
  gtk_widget_add_css_class (intro, "dim-label");
  gtk_box_append (GTK_BOX (box), intro);

  gtk_list_box_set_selection_mode (GTK_LIST_BOX (rows), GTK_SELECTION_NONE);
  gtk_widget_add_css_class (rows, "boxed-list");
  gtk_accessible_update_property (GTK_ACCESSIBLE (rows), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  _("Exercises"), -1);
  for (guint i = 0; list != NULL && i < list->len; i++)
    {
      FlExercise *exercise = list->pdata[i];
      GtkWidget *row = adw_action_row_new ();
      GtkWidget *arrow = gtk_image_new_from_icon_name ("go-next-symbolic");
      g_autofree char *about =
        g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%s · about %u minute · %u or more DCs",
                                      "%s · about %u minutes · %u or more DCs",
                                      fl_exercise_get_minutes (exercise)),
                         fl_exercise_level_to_label (fl_exercise_get_level (exercise)),
                         fl_exercise_get_minutes (exercise), fl_exercise_get_min_dcs (exercise));
      g_autofree char *subtitle = g_strdup_printf ("%s\n%s", about, fl_exercise_get_description (exercise));

      /* the texts are plain: a row's title and subtitle are markup otherwise */
      adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), fl_exercise_get_title (exercise));
      adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle);
      adw_action_row_add_suffix (ADW_ACTION_ROW (row), arrow);
      gtk_list_box_row_set_activatable (GTK_LIST_BOX_ROW (row), TRUE);
      g_object_set_data_full (G_OBJECT (row), "exercise", g_object_ref (exercise), g_object_unref);
      g_signal_connect (row, "activated", G_CALLBACK (on_row_activated), NULL);
      gtk_list_box_append (GTK_LIST_BOX (rows), row);
    }
  if (list == NULL)
    gtk_box_append (GTK_BOX (box), gtk_label_new (error->message));
  gtk_box_append (GTK_BOX (box), rows);

  gtk_widget_set_margin_top (box, 18);
  gtk_widget_set_margin_bottom (box, 18);
  gtk_widget_set_margin_start (box, 12);
  gtk_widget_set_margin_end (box, 12);
  adw_clamp_set_child (ADW_CLAMP (clamp), box);
  gtk_scrolled_window_set_child (GTK_SCROLLED_WINDOW (scrolled), clamp);
  gtk_scrolled_window_set_policy (GTK_SCROLLED_WINDOW (scrolled), GTK_POLICY_NEVER, GTK_POLICY_AUTOMATIC);
  gtk_widget_set_vexpand (scrolled, TRUE);
  gtk_box_append (GTK_BOX (toolbar), scrolled);
  adw_window_set_content (ADW_WINDOW (window), toolbar);
  return GTK_WINDOW (window);
}
