/* fl-window-replay.c: a recording replayed in the window: a time slider, play at 1× or 10×, and
 * everything (banner, tiles, chart, events, the exercise's checklist) as it stood at that moment.
 *
 * Moving on feeds the samples and faults between the last moment and the new one into the lab
 * session, as live probing would; moving back (or far ahead) builds the session again from the
 * start before any widget watches it, which is what makes an 8 h recording open in seconds.
 *
 * Copyright 2026 The Failover Lab authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "fl-window"

#include "config.h"

#include <glib/gi18n.h>

#include "fl-window-private.h"

#define TICK_MS        100       /* playing: how often the moment moves on */
#define SEEK_DELAY_MS  120       /* a slider being dragged: the session is rebuilt once it rests */
#define FEED_MAX       20000     /* more samples than this ahead: rebuild instead of feeding */

static const guint speeds[] = { 1, 10 };

/* the samples and faults up to @until_us, from where the last feed stopped */
void
fl_window_replay_feed (FlWindow *self,
                       gint64    until_us)
{
  const FlRecordingContents *c = self->replay;

  while (self->replay_sample < c->samples->len)
    {
      FlSample *s = c->samples->pdata[self->replay_sample];

      if (fl_sample_get_mono_us (s) > until_us)
        break;
      while (self->replay_event < c->events->len &&
             fl_event_get_mono_us (c->events->pdata[self->replay_event]) <= fl_sample_get_mono_us (s))
        {
          FlEvent *event = c->events->pdata[self->replay_event++];

          /* the detector makes the other events again, as it did live */
          if (fl_event_get_kind (event) == FL_EVENT_FAULT || fl_event_get_kind (event) == FL_EVENT_ACTION)
            fl_timeline_add_event (self->timeline, event);
        }
      fl_lab_session_add_sample (self->session, s);
      self->replay_sample++;
    }
  self->replay_at = MIN (until_us, self->replay_t1);
}

/* the slider marks each fault: the moments a debrief goes back to */
static void
mark_faults (FlWindow *self)
{
  gtk_scale_clear_marks (self->replay_scale);
  for (guint i = 0; self->replay != NULL && i < self->replay->events->len && i < 1000; i++)
    {
      FlEvent *event = self->replay->events->pdata[i];

      if (fl_event_get_kind (event) == FL_EVENT_FAULT)
        gtk_scale_add_mark (self->replay_scale,
                            (double)(fl_event_get_mono_us (event) - self->replay_t0) / G_USEC_PER_SEC,
                            GTK_POS_BOTTOM, NULL);
    }
}

/* the recording's span: its first sample to the end of its last answer */
void
fl_window_replay_set (FlWindow                  *self,
                      const FlRecordingContents *contents)
{
  if (self->replay == contents)
    return;
  fl_window_replay_clear (self);
  if (contents == NULL)
    return;
  self->replay = fl_recording_contents_share (contents);
  self->replay_t0 = G_MAXINT64;
  self->replay_t1 = G_MININT64;
  for (guint i = 0; i < contents->samples->len; i++)
    {
      FlSample *s = contents->samples->pdata[i];

      self->replay_t0 = MIN (self->replay_t0, fl_sample_get_mono_us (s));
      self->replay_t1 = MAX (self->replay_t1, fl_sample_get_mono_us (s) + MAX (0, fl_sample_get_latency_us (s)));
    }
  if (self->replay_t0 > self->replay_t1)
    self->replay_t0 = self->replay_t1 = 0;
  self->replay_moving = TRUE;
  gtk_range_set_range (GTK_RANGE (self->replay_scale), 0,
                       MAX (1.0, (double)(self->replay_t1 - self->replay_t0) / G_USEC_PER_SEC));
  self->replay_moving = FALSE;
  mark_faults (self);
}

static void
stop_playing (FlWindow *self)
{
  g_clear_handle_id (&self->play_source, g_source_remove);
  gtk_button_set_icon_name (self->play_button, "media-playback-start-symbolic");
  gtk_widget_set_tooltip_text (GTK_WIDGET (self->play_button), _("Play"));
}

void
fl_window_replay_clear (FlWindow *self)
{
  if (self->play_button != NULL)
    stop_playing (self);
  g_clear_handle_id (&self->seek_source, g_source_remove);
  g_clear_pointer (&self->replay, fl_recording_contents_free);
  self->replay_sample = self->replay_event = 0;
  self->replay_at = 0;
}

/* "1:05" or "1:02:05" */
static char *
format_span (gint64 us)
{
  gint64 s = MAX (0, us) / G_USEC_PER_SEC;

  if (s >= 3600)
    return g_strdup_printf ("%" G_GINT64_FORMAT ":%02d:%02d", s / 3600, (int)(s / 60 % 60), (int)(s % 60));
  return g_strdup_printf ("%d:%02d", (int)(s / 60), (int)(s % 60));
}

/* the slider, the clock, the chart's window and the checklist follow the moment shown */
static void
show_moment (FlWindow *self)
{
  gint64 at = self->replay_at;
  gboolean at_end = at >= self->replay_t1;
  g_autofree char *now = format_span (at - self->replay_t0);
  g_autofree char *total = format_span (self->replay_t1 - self->replay_t0);
  /* TRANSLATORS: a replay's position: "0:42 / 1:01" */
  g_autofree char *text = g_strdup_printf (_("%s / %s"), now, total);
  FlRecordedRun *run;

  self->replay_moving = TRUE;
  gtk_range_set_value (GTK_RANGE (self->replay_scale), (double)(at - self->replay_t0) / G_USEC_PER_SEC);
  self->replay_moving = FALSE;
  gtk_label_set_text (self->replay_time, text);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->replay_scale),
                                  GTK_ACCESSIBLE_PROPERTY_VALUE_TEXT, text, -1);

  /* at the end, all of it; before, the window grows with the replay as it did live */
  if (at_end)
    fl_chart_show_range (self->chart, self->replay_t0, self->replay_t1);
  else
    fl_chart_show_until (self->chart, self->replay_t0, at);

  run = fl_recording_exercise_at (self->replay, at_end ? FL_RECORDING_END : at);
  gtk_widget_set_visible (GTK_WIDGET (self->exercise_pane), run != NULL);
  fl_exercise_pane_set_recorded (self->exercise_pane, run);
}

/* the samples between the moment shown and @until_us, counted up to FEED_MAX + 1 */
static guint
samples_ahead (FlWindow *self,
               gint64    until_us)
{
  guint i = self->replay_sample;

  while (i < self->replay->samples->len && i - self->replay_sample <= FEED_MAX &&
         fl_sample_get_mono_us (self->replay->samples->pdata[i]) <= until_us)
    i++;
  return i - self->replay_sample;
}

/* the window shows the recording up to @until_us: fed on, or built again from its start */
static void
move_to (FlWindow *self,
         gint64    until_us)
{
  until_us = CLAMP (until_us, self->replay_t0, self->replay_t1);
  if (until_us < self->replay_at || samples_ahead (self, until_us) > FEED_MAX)
    fl_window_replay_rebuild (self, until_us);
  else
    fl_window_replay_feed (self, until_us);
  show_moment (self);
}

void
fl_window_replay_shown (FlWindow *self)
{
  gtk_widget_set_visible (self->replay_bar, self->replay != NULL);
  if (self->replay != NULL)
    show_moment (self);
}

static gboolean
seek_now (gpointer data)
{
  FlWindow *self = data;

  self->seek_source = 0;
  move_to (self, self->replay_t0 + (gint64)(gtk_range_get_value (GTK_RANGE (self->replay_scale)) * G_USEC_PER_SEC));
  return G_SOURCE_REMOVE;
}

static void
on_scale_changed (GtkRange *range,
                  FlWindow *self)
{
  if (self->replay_moving || self->replay == NULL)
    return;
  /* the user took the slider: the replay stops there */
  stop_playing (self);
  g_clear_handle_id (&self->seek_source, g_source_remove);
  self->seek_source = g_timeout_add (SEEK_DELAY_MS, seek_now, self);
}

static guint
speed (FlWindow *self)
{
  guint i = gtk_drop_down_get_selected (self->speed_dropdown);

  return speeds[MIN (i, G_N_ELEMENTS (speeds) - 1)];
}

static gboolean
tick (gpointer data)
{
  FlWindow *self = data;
  gint64 now = g_get_monotonic_time ();
  gint64 step = (now - self->play_wall) * speed (self);

  self->play_wall = now;
  move_to (self, self->replay_at + step);
  if (self->replay_at >= self->replay_t1)
    {
      self->play_source = 0;
      stop_playing (self);
      return G_SOURCE_REMOVE;
    }
  return G_SOURCE_CONTINUE;
}

static void
play_action (GtkWidget  *widget,
             const char *name,
             GVariant   *param)
{
  FlWindow *self = FL_WINDOW (widget);

  if (self->replay == NULL)
    return;
  if (self->play_source != 0)
    {
      stop_playing (self);
      return;
    }
  g_clear_handle_id (&self->seek_source, g_source_remove);
  /* from the end: again from the start */
  if (self->replay_at >= self->replay_t1)
    move_to (self, self->replay_t0);
  self->play_wall = g_get_monotonic_time ();
  self->play_source = g_timeout_add (TICK_MS, tick, self);
  gtk_button_set_icon_name (self->play_button, "media-playback-pause-symbolic");
  gtk_widget_set_tooltip_text (GTK_WIDGET (self->play_button), _("Pause"));
}

void
fl_window_replay_init (FlWindow *self)
{
  g_autoptr(GtkStringList) names = gtk_string_list_new (NULL);

  for (guint i = 0; i < G_N_ELEMENTS (speeds); i++)
    {
      /* TRANSLATORS: a replay's speed: "10×" plays ten seconds of the recording a second */
      g_autofree char *name = g_strdup_printf (_("%u×"), speeds[i]);

      gtk_string_list_append (names, name);
    }
  gtk_drop_down_set_model (self->speed_dropdown, G_LIST_MODEL (names));
  g_signal_connect (self->replay_scale, "value-changed", G_CALLBACK (on_scale_changed), self);
  stop_playing (self);
  gtk_widget_set_visible (self->replay_bar, FALSE);
}

void
fl_window_class_add_replay_actions (GtkWidgetClass *widget_class)
{
  gtk_widget_class_install_action (widget_class, "win.play", NULL, play_action);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_space, GDK_CONTROL_MASK, "win.play", NULL);
}
