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
