/* fl-chart-math.h: the chart's arithmetic, no GTK: time ↔ x, zoom, pan, per-column decimation
 *
 * Copyright 2026 The Failover Lab authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>

#include "fl-probe-types.h"

G_BEGIN_DECLS

typedef struct
{
  gint64 start_us;   /* monotonic, left edge */
  gint64 span_us;    /* visible duration */
  int    width_px;
} FlChartWindow;

double   fl_chart_x_for_time      (const FlChartWindow *w,
                                   gint64               t_us);
gint64   fl_chart_time_for_x      (const FlChartWindow *w,
                                   double               x);
void     fl_chart_zoom            (FlChartWindow       *w,
                                   double               anchor_x,
                                   double               factor,
                                   gint64               min_span_us,
                                   gint64               max_span_us);
void     fl_chart_pan             (FlChartWindow       *w,
                                   double               dx_px);
int      fl_status_severity       (FlStatus             status);

/* One lane's pixel columns: the worst status seen in each column, -1 where there is none. */
void     fl_chart_decimate        (const FlChartWindow *w,
                                   const gint64        *starts_us,
                                   const gint64        *ends_us,
                                   const FlStatus      *statuses,
                                   guint                n,
                                   int                 *columns);

G_END_DECLS
