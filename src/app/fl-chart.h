/* fl-chart.h
 *
 * Copyright 2026 The Failover Lab authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gtk/gtk.h>

#include "fl-timeline.h"

G_BEGIN_DECLS

#define FL_TYPE_CHART (fl_chart_get_type ())

G_DECLARE_FINAL_TYPE (FlChart, fl_chart, FL, CHART, GtkWidget)

GtkWidget *fl_chart_new             (void);
void       fl_chart_set_timeline    (FlChart    *self,
                                     FlTimeline *timeline);
void       fl_chart_set_follow_live (FlChart    *self,
                                     gboolean    follow);
gboolean   fl_chart_get_follow_live (FlChart    *self);
void       fl_chart_set_span        (FlChart    *self,
                                     guint       seconds);
void       fl_chart_set_colorblind  (FlChart    *self,
                                     gboolean    colorblind);
void       fl_chart_set_latency_log (FlChart    *self,
                                     gboolean    log_scale);
gboolean   fl_chart_export          (FlChart    *self,
                                     const char *path,
                                     gboolean    svg,
                                     GError    **error);

void         fl_chart_show_range      (FlChart     *self,
                                       gint64       t0_us,
                                       gint64       t1_us);
void         fl_chart_show_until      (FlChart     *self,
                                       gint64       t0_us,
                                       gint64       now_us);

G_END_DECLS
