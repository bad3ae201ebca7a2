/* fl-chart-math.c
 *
 * Copyright 2026 The Failover Lab authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <math.h>

#include "fl-chart-math.h"

double
fl_chart_x_for_time (const FlChartWindow *w,
                     gint64               t_us)
{
  return (double)(t_us - w->start_us) * w->width_px / (double)MAX (w->span_us, 1);
}

gint64
fl_chart_time_for_x (const FlChartWindow *w,
                     double               x)
{
  return w->start_us + (gint64)(x * (double)w->span_us / MAX (w->width_px, 1));
}

/**
 * fl_chart_zoom:
 * @anchor_x: the pixel that stays under the pointer
 * @factor: < 1 zooms in, > 1 zooms out
 */
void
fl_chart_zoom (FlChartWindow *w,
               double         anchor_x,
               double         factor,
               gint64         min_span_us,
               gint64         max_span_us)
{
  gint64 anchor = fl_chart_time_for_x (w, anchor_x);
  gint64 span = CLAMP ((gint64)llround ((double)w->span_us * factor), min_span_us, max_span_us);

  w->start_us = anchor - (gint64)llround (anchor_x * (double)span / MAX (w->width_px, 1));
  w->span_us = span;
}

/**
 * fl_chart_pan:
 * @dx_px: positive moves the view back in time (content follows a drag to the right)
 */
void
fl_chart_pan (FlChartWindow *w,
              double         dx_px)
{
  w->start_us -= (gint64)llround (dx_px * (double)w->span_us / MAX (w->width_px, 1));
}

/* What a column shows when several samples fall in it: the worst. */
int
fl_status_severity (FlStatus status)
{
  switch (status)
    {
    case FL_STATUS_SKIPPED:
      return 0;
    case FL_STATUS_OK:
      return 1;
    case FL_STATUS_DEGRADED:
      return 2;
    case FL_STATUS_TIMEOUT:
      return 3;
    case FL_STATUS_FAIL:
    default:
      return 4;
    }
}

/**
 * fl_chart_decimate:
 * @starts_us: (array length=n): each sample's start, ascending
 * @ends_us: (array length=n): where each sample's colour ends (the next sample's start)
 * @columns: (out caller-allocates) (array): @w->width_px entries: a #FlStatus or -1
 *
 * O(n + width): a day of samples draws as at most one rectangle per pixel column.
 */
void
fl_chart_decimate (const FlChartWindow *w,
                   const gint64        *starts_us,
                   const gint64        *ends_us,
                   const FlStatus      *statuses,
                   guint                n,
                   int                 *columns)
{
  for (int x = 0; x < w->width_px; x++)
    columns[x] = -1;

  for (guint i = 0; i < n; i++)
    {
      double x0 = fl_chart_x_for_time (w, starts_us[i]);
      double x1 = fl_chart_x_for_time (w, ends_us[i]);
      int c0, c1;

      if (x1 < 0 || x0 >= w->width_px)
        continue;
      c0 = (int)MAX (0, floor (x0));
      c1 = (int)MIN (w->width_px - 1, MAX (c0, ceil (x1) - 1));
      for (int c = c0; c <= c1; c++)
        if (columns[c] < 0 || fl_status_severity (statuses[i]) > fl_status_severity (columns[c]))
          columns[c] = (int)statuses[i];
    }
}

/**
 * fl_chart_decimate_values:
 * @times_us: (array length=n): when each value was measured, ascending
 * @values: (array length=n): the values, NAN for none (a check that did not answer)
 * @mins: (out caller-allocates) (array): @w->width_px entries, NAN where no value fell
 * @maxs: (out caller-allocates) (array): likewise
 *
 * A latency line's pixel columns: the smallest and largest value in each, so a single slow
 * answer among thousands still shows.
 */
void
fl_chart_decimate_values (const FlChartWindow *w,
                          const gint64        *times_us,
                          const double        *values,
                          guint                n,
                          double              *mins,
                          double              *maxs)
{
  for (int x = 0; x < w->width_px; x++)
    mins[x] = maxs[x] = NAN;

  for (guint i = 0; i < n; i++)
    {
      double x = fl_chart_x_for_time (w, times_us[i]);
      int c;

      if (isnan (values[i]) || x < 0 || x >= w->width_px)
        continue;
      c = (int)x;
      if (isnan (mins[c]) || values[i] < mins[c])
        mins[c] = values[i];
      if (isnan (maxs[c]) || values[i] > maxs[c])
        maxs[c] = values[i];
    }
}

/**
 * fl_chart_nice_ceiling:
 *
 * Returns: the smallest of 1, 2, 5 × 10ⁿ that is ≥ @value (a linear axis' top)
 */
double
fl_chart_nice_ceiling (double value)
{
  double decade;

  if (!(value > 0))
    return 1;
  decade = pow (10, floor (log10 (value)));
  for (guint i = 0; i < 3; i++)
    {
      static const double steps[] = { 1, 2, 5 };

      if (steps[i] * decade >= value * (1 - 1e-9))
        return steps[i] * decade;
    }
  return 10 * decade;
}

/**
 * fl_chart_scale:
 * @value: a latency, > 0
 * @bottom: the value at the bottom of the axis (only used by the log scale)
 * @top: the value at the top
 * @log_scale: logarithmic rather than linear
 *
 * Returns: where @value lies on the axis, 0 (bottom) to 1 (top), clamped
 */
double
fl_chart_scale (double   value,
                double   bottom,
                double   top,
                gboolean log_scale)
{
  double f;

  if (log_scale)
    f = (log10 (MAX (value, bottom)) - log10 (bottom)) / (log10 (top) - log10 (bottom));
  else
    f = value / top;
  return CLAMP (f, 0, 1);
}

/* ------------------------------------------------------------------------------------------ */
/* FlChartColumns: a lane decimated into buckets aligned on absolute time, kept from frame to
 * frame so that a frame only adds what arrived since the last one */

/**
 * fl_chart_columns_init:
 * @bucket_us: how long a bucket lasts (a pixel column)
 * @from_us: what the caller will add from on: buckets before it are not complete
 */
void
fl_chart_columns_init (FlChartColumns *self,
                       gint64          bucket_us,
                       gint64          from_us)
{
  self->bucket_us = MAX (bucket_us, 1);
  self->b0 = 0;
  self->from_b = fl_chart_columns_bucket_for (self, from_us);
  self->merged_us = G_MININT64;
  if (self->buckets == NULL)
    self->buckets = g_array_new (FALSE, FALSE, sizeof (FlChartBucket));
  g_array_set_size (self->buckets, 0);
}

void
fl_chart_columns_clear (FlChartColumns *self)
{
  g_clear_pointer (&self->buckets, g_array_unref);
  self->bucket_us = 0;
}

gint64
fl_chart_columns_bucket_for (const FlChartColumns *self,
                             gint64                t_us)
{
  /* floor, also for negative times */
  return t_us >= 0 ? t_us / self->bucket_us : -((-t_us + self->bucket_us - 1) / self->bucket_us);
}

static FlChartBucket *
bucket_at (FlChartColumns *self,
           gint64          b)
{
  static const FlChartBucket empty = { -1, 0, NAN, NAN };

  if (self->buckets->len == 0)
    self->b0 = b;
  if (b < self->b0)
    return NULL;   /* before what is kept: the caller rebuilds when it needs that */
  while ((gint64)self->buckets->len <= b - self->b0)
    g_array_append_val (self->buckets, empty);
  return &g_array_index (self->buckets, FlChartBucket, b - self->b0);
}

/**
 * fl_chart_columns_add:
 * @start_us: when the sample started
 * @end_us: when the next one started: the sample's status covers [@start_us, @end_us)
 * @server: 1 + the index of the DC a client view names, 0 for none
 * @value: the latency in ms, NAN for none; counted in the bucket where the sample started
 *
 * Each bucket keeps the worst status, the last server and the smallest and largest value.
 */
void
fl_chart_columns_add (FlChartColumns *self,
                      gint64          start_us,
                      gint64          end_us,
                      FlStatus        status,
                      int             server,
                      double          value)
{
  gint64 b_start = fl_chart_columns_bucket_for (self, start_us);
  gint64 b_end = fl_chart_columns_bucket_for (self, MAX (end_us, start_us + 1) - 1);

  /* a sample that lasted hours (the probe was paused) still costs one bucket a column */
  for (gint64 b = b_start; b <= b_end; b++)
    {
      FlChartBucket *bucket = bucket_at (self, b);

      if (bucket == NULL)
        continue;
      if (bucket->status < 0 || fl_status_severity (status) > fl_status_severity (bucket->status))
        bucket->status = (gint8)status;
      if (server > 0)
        bucket->server = (gint8)server;
      if (b == b_start && !isnan (value))
        {
          if (isnan (bucket->lo) || value < bucket->lo)
            bucket->lo = (float)value;
          if (isnan (bucket->hi) || value > bucket->hi)
            bucket->hi = (float)value;
        }
    }
  self->merged_us = MAX (self->merged_us, start_us);
}

/**
 * fl_chart_columns_lookup:
 *
 * Returns: (nullable): bucket @b, or %NULL when nothing is known there
 */
const FlChartBucket *
fl_chart_columns_lookup (const FlChartColumns *self,
                         gint64                b)
{
  if (self->buckets == NULL || b < self->b0 || b - self->b0 >= (gint64)self->buckets->len)
    return NULL;
  return &g_array_index (self->buckets, FlChartBucket, b - self->b0);
}

/* forgets buckets before @b (they scrolled out of a live window) */
void
fl_chart_columns_forget_before (FlChartColumns *self,
                                gint64          b)
{
  gint64 n = MIN (b - self->b0, (gint64)self->buckets->len);

  if (n <= 0)
    return;
  g_array_remove_range (self->buckets, 0, (guint)n);
  self->b0 += n;
  self->from_b = MAX (self->from_b, self->b0);
}

/**
 * fl_chart_live_span:
 * @elapsed_us: how long the session has run
 * @configured_us: the window asked for
 *
 * Returns: the span that shows the whole session with a quarter more room, at least @min_us
 *   and at most @configured_us
 */
gint64
fl_chart_live_span (gint64 elapsed_us,
                    gint64 configured_us,
                    gint64 min_us)
{
  gint64 want = elapsed_us + MAX (elapsed_us, 0) / 4;

  return MAX (MIN (want, configured_us), MIN (min_us, configured_us));
}
