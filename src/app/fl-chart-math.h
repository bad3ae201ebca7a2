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

void     fl_chart_decimate_values (const FlChartWindow *w,
                                   const gint64        *times_us,
                                   const double        *values,
                                   guint                n,
                                   double              *mins,
                                   double              *maxs);
double   fl_chart_nice_ceiling    (double               value);
gint64   fl_chart_live_span       (gint64               elapsed_us,
                                   gint64               configured_us,
                                   gint64               min_us);
double   fl_chart_scale           (double               value,
                                   double               bottom,
                                   double               top,
                                   gboolean             log_scale);

typedef struct
{
  gint8  status;   /* worst FlStatus, -1 for none */
  gint8  server;   /* 1 + DC index a client view named, 0 for none */
  float  lo;       /* smallest and largest value, NAN for none */
  float  hi;
} FlChartBucket;

typedef struct
{
  gint64  bucket_us;
  gint64  b0;          /* index of buckets[0] */
  GArray *buckets;     /* FlChartBucket */
  gint64  from_b;      /* complete from this bucket on */
  gint64  merged_us;   /* the start of the last sample added */
} FlChartColumns;

void                 fl_chart_columns_init          (FlChartColumns       *self,
                                                     gint64                bucket_us,
                                                     gint64                from_us);
void                 fl_chart_columns_clear         (FlChartColumns       *self);
gint64               fl_chart_columns_bucket_for    (const FlChartColumns *self,
                                                     gint64                t_us);
void                 fl_chart_columns_add           (FlChartColumns       *self,
                                                     gint64                start_us,
                                                     gint64                end_us,
                                                     FlStatus              status,
                                                     int                   server,
                                                     double                value);
const FlChartBucket *fl_chart_columns_lookup        (const FlChartColumns *self,
                                                     gint64                b);
void                 fl_chart_columns_forget_before (FlChartColumns       *self,
                                                     gint64                b);

G_END_DECLS
