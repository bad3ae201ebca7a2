/* fl-timeline.c: every sample, in bounded ring buffers per (DC, check), and the events
 *
 * Copyright 2026 The Failover Lab authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "fl-timeline"

#include "config.h"

#include <string.h>

#include <glib/gi18n-lib.h>

#include "fl-timeline.h"

/* 8 hours at 1 Hz per series by default: memory stays bounded whatever the run length; the
 * oldest samples go first. Events are few and all kept (up to a bound). */
#define DEFAULT_CAPACITY (8 * 3600)
#define MAX_EVENTS       100000

typedef struct
{
  FlSample **ring;
  guint      head;  /* next write */
  guint      len;
} Series;

struct _FlTimeline
{
  GObject parent_instance;

  FlProbeConfig *config;
  Series        *series;    /* (n_dcs + 1) × FL_N_CHECKS, the last row domain-wide */
  GPtrArray     *events;

  guint          capacity;
  guint          n_series;
};

enum {
  SAMPLE_ADDED,
  EVENT_ADDED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

G_DEFINE_FINAL_TYPE (FlTimeline, fl_timeline, G_TYPE_OBJECT)

static void
fl_timeline_finalize (GObject *object)
{
  FlTimeline *self = (FlTimeline *)object;

  for (guint s = 0; s < self->n_series; s++)
    {
      Series *series = &self->series[s];

      for (guint i = 0; series->ring != NULL && i < series->len; i++)
        fl_sample_unref (series->ring[(series->head + self->capacity - series->len + i) % self->capacity]);
      g_free (series->ring);
    }
  g_clear_pointer (&self->series, g_free);
  g_clear_pointer (&self->events, g_ptr_array_unref);
  g_clear_pointer (&self->config, fl_probe_config_unref);

  G_OBJECT_CLASS (fl_timeline_parent_class)->finalize (object);
}

static void
fl_timeline_class_init (FlTimelineClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = fl_timeline_finalize;

  /**
   * FlTimeline::sample-added:
   * @sample: the sample, now stored
   */
  signals[SAMPLE_ADDED] =
    g_signal_new ("sample-added", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL,
                  NULL, G_TYPE_NONE, 1, FL_TYPE_SAMPLE | G_SIGNAL_TYPE_STATIC_SCOPE);
  /**
   * FlTimeline::event-added:
   * @event: the event, now stored
   */
  signals[EVENT_ADDED] =
    g_signal_new ("event-added", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL,
                  NULL, G_TYPE_NONE, 1, FL_TYPE_EVENT | G_SIGNAL_TYPE_STATIC_SCOPE);
}

static void
fl_timeline_init (FlTimeline *self)
{
  self->events = g_ptr_array_new_with_free_func ((GDestroyNotify)fl_event_unref);
}

/**
 * fl_timeline_new:
 * @capacity: samples kept per (DC, check), 0 for 8 h at 1 Hz
 */
FlTimeline *
fl_timeline_new (FlProbeConfig *config,
                 guint          capacity)
{
  FlTimeline *self = g_object_new (FL_TYPE_TIMELINE, NULL);

  self->config = fl_probe_config_ref (config);
  self->capacity = capacity ? capacity : DEFAULT_CAPACITY;
  self->n_series = (fl_probe_config_get_n_dcs (config) + 1) * FL_N_CHECKS;
  self->series = g_new0 (Series, self->n_series);
  return self;
}

FlProbeConfig *
fl_timeline_get_config (FlTimeline *self)
{
  g_return_val_if_fail (FL_IS_TIMELINE (self), NULL);
  return self->config;
}

guint
fl_timeline_get_capacity (FlTimeline *self)
{
  g_return_val_if_fail (FL_IS_TIMELINE (self), 0);
  return self->capacity;
}

static Series *
lookup_series (FlTimeline  *self,
               const char  *dc,
               FlCheckKind  kind)
{
  guint row = fl_probe_config_get_n_dcs (self->config);

  if (kind >= FL_N_CHECKS)
    return NULL;
  if (dc != NULL)
    {
      guint i;

      for (i = 0; i < fl_probe_config_get_n_dcs (self->config); i++)
        if (g_strcmp0 (fl_probe_config_get_dc (self->config, i)->name, dc) == 0)
          break;
      if (i == fl_probe_config_get_n_dcs (self->config))
        return NULL;
      row = i;
    }
  return &self->series[row * FL_N_CHECKS + kind];
}

void
fl_timeline_add_sample (FlTimeline *self,
                        FlSample   *sample)
{
  g_autoptr(FlSample) previous = NULL;
  Series *series;

  g_return_if_fail (FL_IS_TIMELINE (self));
  g_return_if_fail (sample != NULL);

  series = lookup_series (self, fl_sample_get_dc (sample), fl_sample_get_kind (sample));
  if (series == NULL)
    {
      g_warning ("sample for unknown DC %s dropped", fl_sample_get_dc (sample));
      return;
    }
  if (series->ring == NULL)
    series->ring = g_new0 (FlSample *, self->capacity);
  /* held across the eviction below: with a capacity of 1 it is the sample evicted */
  previous = series->len ? fl_sample_ref (series->ring[(series->head + self->capacity - 1) % self->capacity]) : NULL;
  if (series->len == self->capacity)
    g_clear_pointer (&series->ring[series->head], fl_sample_unref);
  else
    series->len++;
  /* what it says again shares memory with what it said before */
  series->ring[series->head] = fl_sample_new_sharing (sample, previous);
  series->head = (series->head + 1) % self->capacity;

  g_signal_emit (self, signals[SAMPLE_ADDED], 0, sample);
}

void
fl_timeline_add_event (FlTimeline *self,
                       FlEvent    *event)
{
  g_return_if_fail (FL_IS_TIMELINE (self));

  if (self->events->len >= MAX_EVENTS)
    g_ptr_array_remove_index (self->events, 0);
  g_ptr_array_add (self->events, fl_event_ref (event));
  g_signal_emit (self, signals[EVENT_ADDED], 0, event);
}

/**
 * fl_timeline_mark_fault:
 * @kind: %FL_EVENT_FAULT (or %FL_EVENT_WATCH_STARTED, or %FL_EVENT_ACTION: a note only)
 * @dc: (nullable): the DC the fault is about, when known
 * @note: (nullable): what was done, e.g. "stop DC1"
 *
 * Records t_fault now: the detector measures detection and switchover from it.
 *
 * Returns: (transfer none): the event
 */
FlEvent *
fl_timeline_mark_fault (FlTimeline  *self,
                        FlEventKind  kind,
                        const char  *dc,
                        const char  *note)
{
  g_autoptr(FlEvent) event = NULL;
  g_autofree char *message = NULL;

  g_return_val_if_fail (FL_IS_TIMELINE (self), NULL);

  if (kind == FL_EVENT_FAULT)
    message = note ? g_strdup_printf (_("Fault: %s"), note)
                   : dc ? g_strdup_printf (_("Fault marked on %s"), dc)
                        : g_strdup (_("Fault marked"));
  else if (kind == FL_EVENT_ACTION)
    message = g_strdup (note ? note : "");
  else
    message = g_strdup (_("Watching started"));
  event = fl_event_new (kind, g_get_monotonic_time (), g_get_real_time (), dc, NULL, NULL, NULL,
                        -1, -1, message);
  fl_timeline_add_event (self, event);
  return event;
}

guint
fl_timeline_get_n_samples (FlTimeline  *self,
                           const char  *dc,
                           FlCheckKind  kind)
{
  Series *series;

  g_return_val_if_fail (FL_IS_TIMELINE (self), 0);
  series = lookup_series (self, dc, kind);
  return series ? series->len : 0;
}

/**
 * fl_timeline_get_samples:
 * @first: index of the first, 0 for the oldest kept
 * @n: how many
 * @samples: (out caller-allocates) (array length=n) (transfer none): filled in
 *
 * Bulk access for drawing: copies @n sample pointers (no references taken).
 *
 * Returns: how many were copied (fewer when the series is shorter)
 */
guint
fl_timeline_get_samples (FlTimeline  *self,
                         const char  *dc,
                         FlCheckKind  kind,
                         guint        first,
                         guint        n,
                         FlSample   **samples)
{
  Series *series;
  guint start, part;

  g_return_val_if_fail (FL_IS_TIMELINE (self), 0);
  series = lookup_series (self, dc, kind);
  if (series == NULL || first >= series->len)
    return 0;
  n = MIN (n, series->len - first);
  start = (series->head + self->capacity - series->len + first) % self->capacity;
  part = MIN (n, self->capacity - start);
  memcpy (samples, series->ring + start, part * sizeof *samples);
  memcpy (samples + part, series->ring, (n - part) * sizeof *samples);
  return n;
}

/**
 * fl_timeline_find_sample:
 * @mono_us: a monotonic time
 *
 * Returns: the index of the first sample that started at or after @mono_us (the number of
 *   samples when there is none)
 */
guint
fl_timeline_find_sample (FlTimeline  *self,
                         const char  *dc,
                         FlCheckKind  kind,
                         gint64       mono_us)
{
  Series *series;
  guint lo = 0, hi;

  g_return_val_if_fail (FL_IS_TIMELINE (self), 0);
  series = lookup_series (self, dc, kind);
  if (series == NULL)
    return 0;
  hi = series->len;
  while (lo < hi)
    {
      guint mid = lo + (hi - lo) / 2;
      const FlSample *s = series->ring[(series->head + self->capacity - series->len + mid) % self->capacity];

      if (fl_sample_get_mono_us (s) < mono_us)
        lo = mid + 1;
      else
        hi = mid;
    }
  return lo;
}

/**
 * fl_timeline_get_sample:
 * @i: 0 for the oldest kept
 *
 * Returns: (transfer none) (nullable): the sample
 */
FlSample *
fl_timeline_get_sample (FlTimeline  *self,
                        const char  *dc,
                        FlCheckKind  kind,
                        guint        i)
{
  Series *series;

  g_return_val_if_fail (FL_IS_TIMELINE (self), NULL);
  series = lookup_series (self, dc, kind);
  if (series == NULL || i >= series->len)
    return NULL;
  return series->ring[(series->head + self->capacity - series->len + i) % self->capacity];
}

FlSample *
fl_timeline_get_latest (FlTimeline  *self,
                        const char  *dc,
                        FlCheckKind  kind)
{
  Series *series;

  g_return_val_if_fail (FL_IS_TIMELINE (self), NULL);
  series = lookup_series (self, dc, kind);
  if (series == NULL || series->len == 0)
    return NULL;
  return series->ring[(series->head + self->capacity - 1) % self->capacity];
}

/**
 * fl_timeline_get_events:
 *
 * Returns: (transfer none) (element-type FlEvent): the events, oldest first
 */
GPtrArray *
fl_timeline_get_events (FlTimeline *self)
{
  g_return_val_if_fail (FL_IS_TIMELINE (self), NULL);
  return self->events;
}
