/* fl-switchover-detector.c: from samples to events, and the switchover measurement
 *
 * t_fault: when a VM action was issued or `mark-fault` said so (a FAULT event), or the first
 * failed sample when the fault came from outside. t_detect: the end of the first sample that
 * shows the faulted DC's services failing. t_switch(view): the end of the first sample in which
 * that view (the locator's active logon server; the KDC issuing tickets) is served by another
 * DC. Detection time = t_detect − t_fault, switchover time = t_switch − t_fault. Fail-back is
 * separate: the DC answering again is one event, a view moving back to it another.
 *
 * Copyright 2026 The Failover Lab authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "fl-switchover-detector"

#include "config.h"

#include <glib/gi18n-lib.h>

#include "fl-probe-enums.h"
#include "fl-switchover-detector.h"

typedef enum { STATE_UNKNOWN, STATE_UP, STATE_DOWN } State;

#define N_VIEWS FL_N_VIEWS
#define view_name(v) fl_enum_to_nick (FL_TYPE_VIEW, (int)(v))

typedef struct
{
  gboolean active;
  gint64   t_fault;
  char    *dc;                  /* nullable: any DC */
  char    *original[N_VIEWS];   /* who served each view at t_fault */
  gint64   t_detect;            /* -1 until detected */
  gboolean switched[N_VIEWS];
  gboolean failed_back[N_VIEWS];
  gint64   dc_back_at;          /* -1 until the faulted DC answers again */
} Fault;

struct _FlSwitchoverDetector
{
  GObject parent_instance;

  FlTimeline *timeline;         /* owned */
  State      *service;          /* per DC */
  State      *reach;            /* per DC */
  char       *view[N_VIEWS];    /* current server of each view, NULL = none */
  FlEvent    *last_switch;
  Fault       fault;
  gulong      sample_handler;
  gulong      event_handler;
  guint       n_dcs;
  gboolean    view_known[N_VIEWS];
  gint64      change_t[N_VIEWS];      /* the last change of each view… */
  char       *change_from[N_VIEWS];   /* …and where it came from */
  gboolean    all_down;
  gint64      wall_offset;            /* wall − monotonic, from the samples' own clocks */
  gboolean    wall_known;
};

G_DEFINE_FINAL_TYPE (FlSwitchoverDetector, fl_switchover_detector, G_TYPE_OBJECT)

static void
fault_clear (Fault *fault)
{
  g_clear_pointer (&fault->dc, g_free);
  for (guint v = 0; v < N_VIEWS; v++)
    g_clear_pointer (&fault->original[v], g_free);
  fault->active = FALSE;
}

static void
emit (FlSwitchoverDetector *self,
      FlEventKind           kind,
      gint64                t,
      const char           *dc,
      const char           *view,
      const char           *from,
      const char           *to,
      gint64                detection_us,
      gint64                switchover_us,
      const char           *message)
{
  /* the samples' clock: a replayed recording's events get the recording's times, not now's */
  gint64 wall = self->wall_known ? t + self->wall_offset
                                 : g_get_real_time () - (g_get_monotonic_time () - t);
  g_autoptr(FlEvent) event = fl_event_new (kind, t, wall, dc, view, from, to, detection_us,
                                           switchover_us, message);

  if (kind == FL_EVENT_SWITCHED)
    {
      g_clear_pointer (&self->last_switch, fl_event_unref);
      self->last_switch = fl_event_ref (event);
    }
  fl_timeline_add_event (self->timeline, event);
}

static int
dc_index (FlSwitchoverDetector *self,
          const char           *dc)
{
  FlProbeConfig *config = fl_timeline_get_config (self->timeline);

  for (guint i = 0; i < self->n_dcs; i++)
    if (g_strcmp0 (fl_probe_config_get_dc (config, i)->name, dc) == 0)
      return (int)i;
  return -1;
}

/* Did view @v move off the faulted DC to @server? A view that was never on the faulted DC
 * did not need to move. */
static gboolean
view_moved (Fault      *f,
            guint       v,
            const char *server)
{
  if (server == NULL)
    return FALSE;
  if (f->dc != NULL)
    return (f->original[v] == NULL || g_strcmp0 (f->original[v], f->dc) == 0) &&
           g_strcmp0 (server, f->dc) != 0;
  return f->original[v] != NULL && g_strcmp0 (server, f->original[v]) != 0;
}

static void
emit_switched (FlSwitchoverDetector *self,
               guint                 v,
               const char           *server,
               gint64                t_switch)
{
  Fault *f = &self->fault;
  g_autofree char *message = NULL;
  gint64 switchover = MAX (0, t_switch - f->t_fault);

  f->switched[v] = TRUE;
  message = fl_event_words (FL_EVENT_SWITCHED, f->dc, view_name (v), f->original[v], server,
                            f->t_detect >= 0 ? f->t_detect - f->t_fault : -1, switchover);
  emit (self, FL_EVENT_SWITCHED, MAX (t_switch, f->t_fault), f->dc, view_name (v), f->original[v],
        server, f->t_detect >= 0 ? f->t_detect - f->t_fault : -1, switchover, message);
}

static void
on_event_added (FlTimeline           *timeline,
                FlEvent              *event,
                FlSwitchoverDetector *self)
{
  if (fl_event_get_kind (event) != FL_EVENT_FAULT)
    return;

  fault_clear (&self->fault);
  self->fault.active = TRUE;
  self->fault.t_fault = fl_event_get_mono_us (event);
  self->fault.dc = g_strdup (fl_event_get_dc (event));
  self->fault.t_detect = -1;
  self->fault.dc_back_at = -1;
  for (guint v = 0; v < N_VIEWS; v++)
    {
      /* a view may have moved already, between t_fault and now (a fault observed late, or
       * marked after the action): measure from where it was at t_fault */
      gboolean moved_since = self->change_t[v] >= self->fault.t_fault && self->change_t[v] > 0;

      self->fault.original[v] = g_strdup (moved_since ? self->change_from[v] : self->view[v]);
      self->fault.switched[v] = FALSE;
      self->fault.failed_back[v] = FALSE;
      if (moved_since && view_moved (&self->fault, v, self->view[v]))
        emit_switched (self, v, self->view[v], self->change_t[v]);
    }

  /* the faulted DC may already be down (a fault marked late) */
  if (self->fault.dc != NULL)
    {
      int i = dc_index (self, self->fault.dc);

      if (i >= 0 && self->service[i] == STATE_DOWN)
        {
          g_autofree char *detected = fl_event_words (FL_EVENT_DETECTED, self->fault.dc, NULL, NULL, NULL, 0, -1);

          self->fault.t_detect = self->fault.t_fault;
          emit (self, FL_EVENT_DETECTED, self->fault.t_fault, self->fault.dc, NULL, NULL, NULL, 0,
                -1, detected);
        }
    }
}

static void
update_view (FlSwitchoverDetector *self,
             guint                 v,
             FlSample             *sample,
             gint64                t_end)
{
  const char *server = NULL;
  Fault *f = &self->fault;

  if (fl_sample_get_status (sample) == FL_STATUS_SKIPPED)
    return;
  if (fl_sample_get_status (sample) == FL_STATUS_OK)
    server = fl_sample_lookup_string (sample, "server");

  if (self->view_known[v] && g_strcmp0 (server, self->view[v]) != 0)
    {
      g_autofree char *message = NULL;

      FlEventKind kind = v == FL_VIEW_LOCATOR ? FL_EVENT_LOCATOR_CHANGED
                         : v == FL_VIEW_KERBEROS ? FL_EVENT_KDC_CHANGED : FL_EVENT_VIEW_CHANGED;

      message = fl_event_words (kind, NULL, view_name (v), self->view[v], server, -1, -1);
      emit (self, kind, t_end, NULL, view_name (v), self->view[v], server, -1, -1, message);
      self->change_t[v] = t_end;
      g_free (self->change_from[v]);
      self->change_from[v] = g_strdup (self->view[v]);
    }
  g_free (self->view[v]);
  self->view[v] = g_strdup (server);
  self->view_known[v] = TRUE;

  if (!f->active || server == NULL)
    return;

  if (!f->switched[v] && view_moved (f, v, server))
    {
      emit_switched (self, v, server, t_end);
      return;
    }

  /* fail-back: the view returns to the DC that failed, after it answered again */
  if (f->switched[v] && !f->failed_back[v] && f->dc != NULL && f->dc_back_at >= 0 &&
      g_strcmp0 (server, f->dc) == 0)
    {
      g_autofree char *message =
        /* TRANSLATORS: "Logon server back on DC1, 2.0 s after it answered again" */
        g_strdup_printf (_("%s back on %s, %.1f s after it answered again"), fl_view_to_label (v),
                         server, (t_end - f->dc_back_at) / 1e6);

      f->failed_back[v] = TRUE;
      emit (self, FL_EVENT_FAILBACK, t_end, f->dc, view_name (v), NULL, server, -1,
            t_end - f->dc_back_at, message);
    }
}

static void
on_sample_added (FlTimeline           *timeline,
                 FlSample             *sample,
                 FlSwitchoverDetector *self)
{
  FlCheckKind kind = fl_sample_get_kind (sample);
  FlStatus status = fl_sample_get_status (sample);
  const char *dc = fl_sample_get_dc (sample);
  gint64 t_end = fl_sample_get_mono_us (sample) + MAX (0, fl_sample_get_latency_us (sample));
  Fault *f = &self->fault;
  FlView view;
  int i;

  if (fl_sample_get_wall_us (sample) > 0)
    {
      self->wall_offset = fl_sample_get_wall_us (sample) - fl_sample_get_mono_us (sample);
      self->wall_known = TRUE;
    }
  if (status == FL_STATUS_SKIPPED)
    return;

  if (fl_check_kind_to_view (kind, &view))
    {
      update_view (self, view, sample, t_end);
      return;
    }

  i = dc_index (self, dc);
  if (i < 0)
    return;

  if (kind == FL_CHECK_REACH)
    {
      State now = status == FL_STATUS_OK ? STATE_UP : STATE_DOWN;

      if (self->reach[i] != STATE_UNKNOWN && now != self->reach[i])
        {
          g_autofree char *message =
            now == STATE_DOWN ? g_strdup_printf (_("%s is unreachable on the network"), dc)
                              : g_strdup_printf (_("%s is reachable again"), dc);

          emit (self, now == STATE_DOWN ? FL_EVENT_REACH_LOST : FL_EVENT_REACH_BACK, t_end, dc,
                NULL, NULL, NULL, -1, -1, message);
        }
      self->reach[i] = now;
      return;
    }

  if (kind != FL_CHECK_LDAP_PING)
    return;

  {
    State now = (status == FL_STATUS_OK || status == FL_STATUS_DEGRADED) ? STATE_UP : STATE_DOWN;
    State before = self->service[i];
    gboolean all_down = TRUE;

    if (now == before)
      return;

    if (now == STATE_DOWN)
      {
        g_autofree char *message =
          g_strdup_printf (_("%s stopped answering: %s"), dc,
                           fl_sample_get_message (sample) ? fl_sample_get_message (sample) : "");

        /* a fault nobody announced: it starts with this first failed sample (unless another
         * fault is still being followed: a second DC falling is "all down", not a new fault) */
        if (before == STATE_UP && (!f->active || f->dc_back_at >= 0))
          {
            g_autofree char *note = g_strdup_printf (_("%s failed (observed, not caused here)"), dc);
            g_autoptr(FlEvent) fault =
              fl_event_new (FL_EVENT_FAULT, fl_sample_get_mono_us (sample),
                            fl_sample_get_wall_us (sample), dc, NULL, NULL, NULL, -1, -1, note);

            fl_timeline_add_event (self->timeline, fault);
          }

        self->service[i] = now;
        emit (self, FL_EVENT_SERVICE_DOWN, t_end, dc, NULL, NULL, NULL, -1, -1, message);

        if (f->active && f->t_detect < 0 && (f->dc == NULL || g_strcmp0 (f->dc, dc) == 0) &&
            fl_sample_get_mono_us (sample) >= f->t_fault - G_USEC_PER_SEC / 10)
          {
            g_autofree char *detected =
              fl_event_words (FL_EVENT_DETECTED, dc, NULL, NULL, NULL, MAX (0, t_end - f->t_fault), -1);

            f->t_detect = MAX (t_end, f->t_fault);
            if (f->dc == NULL)
              f->dc = g_strdup (dc);
            emit (self, FL_EVENT_DETECTED, t_end, dc, NULL, NULL, NULL, f->t_detect - f->t_fault,
                  -1, detected);
          }
      }
    else if (before == STATE_UNKNOWN)
      self->service[i] = now;
    else
      {
        g_autofree char *message = fl_event_words (FL_EVENT_SERVICE_UP, dc, NULL, NULL, NULL, -1, -1);

        self->service[i] = now;
        emit (self, FL_EVENT_SERVICE_UP, t_end, dc, NULL, NULL, NULL, -1, -1, message);
        if (f->active && g_strcmp0 (f->dc, dc) == 0 && f->dc_back_at < 0)
          f->dc_back_at = t_end;
        if (self->all_down)
          {
            g_autofree char *back = g_strdup_printf (_("%s answers: the domain is back"), dc);

            self->all_down = FALSE;
            emit (self, FL_EVENT_RECOVERED, t_end, dc, NULL, NULL, NULL, -1, -1, back);
          }
      }

    for (guint j = 0; j < self->n_dcs; j++)
      if (self->service[j] != STATE_DOWN)
        all_down = FALSE;
    if (all_down && !self->all_down)
      {
        self->all_down = TRUE;
        emit (self, FL_EVENT_ALL_DOWN, t_end, NULL, NULL, NULL, NULL, -1, -1,
              _("No domain controller answers"));
      }
  }
}

static void
fl_switchover_detector_dispose (GObject *object)
{
  FlSwitchoverDetector *self = (FlSwitchoverDetector *)object;

  if (self->timeline != NULL)
    {
      g_clear_signal_handler (&self->sample_handler, self->timeline);
      g_clear_signal_handler (&self->event_handler, self->timeline);
      g_clear_object (&self->timeline);
    }
  G_OBJECT_CLASS (fl_switchover_detector_parent_class)->dispose (object);
}

static void
fl_switchover_detector_finalize (GObject *object)
{
  FlSwitchoverDetector *self = (FlSwitchoverDetector *)object;

  fault_clear (&self->fault);
  for (guint v = 0; v < N_VIEWS; v++)
    {
      g_clear_pointer (&self->view[v], g_free);
      g_clear_pointer (&self->change_from[v], g_free);
    }
  g_clear_pointer (&self->service, g_free);
  g_clear_pointer (&self->reach, g_free);
  g_clear_pointer (&self->last_switch, fl_event_unref);
  G_OBJECT_CLASS (fl_switchover_detector_parent_class)->finalize (object);
}

static void
fl_switchover_detector_class_init (FlSwitchoverDetectorClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = fl_switchover_detector_dispose;
  object_class->finalize = fl_switchover_detector_finalize;
}

static void
fl_switchover_detector_init (FlSwitchoverDetector *self)
{
}

/**
 * fl_switchover_detector_new:
 *
 * Watches @timeline's samples and adds the events it derives to the same timeline.
 */
FlSwitchoverDetector *
fl_switchover_detector_new (FlTimeline *timeline)
{
  FlSwitchoverDetector *self = g_object_new (FL_TYPE_SWITCHOVER_DETECTOR, NULL);

  self->timeline = g_object_ref (timeline);
  self->n_dcs = fl_probe_config_get_n_dcs (fl_timeline_get_config (timeline));
  self->service = g_new0 (State, self->n_dcs);
  self->reach = g_new0 (State, self->n_dcs);
  self->sample_handler = g_signal_connect (timeline, "sample-added", G_CALLBACK (on_sample_added), self);
  self->event_handler = g_signal_connect (timeline, "event-added", G_CALLBACK (on_event_added), self);
  return self;
}

/**
 * fl_switchover_detector_get_logon_server:
 *
 * Returns: (nullable): the DC the locator picks now (the active logon server), %NULL when none
 */
const char *
fl_switchover_detector_get_logon_server (FlSwitchoverDetector *self)
{
  g_return_val_if_fail (FL_IS_SWITCHOVER_DETECTOR (self), NULL);
  return self->view[FL_VIEW_LOCATOR];
}

const char *
fl_switchover_detector_get_kdc (FlSwitchoverDetector *self)
{
  g_return_val_if_fail (FL_IS_SWITCHOVER_DETECTOR (self), NULL);
  return self->view[FL_VIEW_KERBEROS];
}

/**
 * fl_switchover_detector_get_last_switch:
 *
 * Returns: (transfer none) (nullable): the last SWITCHED event ("DC1 → DC2 in 3.4 s")
 */
FlEvent *
fl_switchover_detector_get_last_switch (FlSwitchoverDetector *self)
{
  g_return_val_if_fail (FL_IS_SWITCHOVER_DETECTOR (self), NULL);
  return self->last_switch;
}

/**
 * fl_switchover_detector_get_headline_switch:
 *
 * The last switchover as a headline beside the logon server shows it: none while no DC serves
 * the locator, where "DC1 → DC2 in 1.1 s" under "No DC answers" would read as the state now.
 *
 * Returns: (transfer none) (nullable): the last SWITCHED event, while a logon server is known
 */
FlEvent *
fl_switchover_detector_get_headline_switch (FlSwitchoverDetector *self)
{
  g_return_val_if_fail (FL_IS_SWITCHOVER_DETECTOR (self), NULL);
  return self->view[FL_VIEW_LOCATOR] != NULL ? self->last_switch : NULL;
}
