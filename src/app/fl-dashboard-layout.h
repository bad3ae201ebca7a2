/* fl-dashboard-layout.h: the lab page's layout, the tiles beside the chart when there is room
 *
 * Copyright 2026 The Failover Lab authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

#define FL_TYPE_DASHBOARD_LAYOUT (fl_dashboard_layout_get_type ())

G_DECLARE_FINAL_TYPE (FlDashboardLayout, fl_dashboard_layout, FL, DASHBOARD_LAYOUT, GtkLayoutManager)

GtkLayoutManager *fl_dashboard_layout_new (void);

G_END_DECLS
