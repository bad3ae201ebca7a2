/* fl-dc-colors.h: the DCs' colours and the status colours, for the window's chart and the
 * exercise report alike, in one place so that a test holds them to what they promise
 * (tests/unit/test-chart-colors.c)
 *
 * The DCs' colours paint each DC's latency line and, in a client view's lane (the chart's and
 * the report's), the DC that serves it. Eight of them, none repeated below eight DCs. Each pair stays apart (CIEDE2000 ≥ 10) for
 * normal vision and as protan, deutan and tritan viewers see it (Machado et al. 2009, full
 * severity); each is seen on the light and the dark window background (contrast ≥ 1.8); none is
 * near a status colour (CIEDE2000 ≥ 10), since a served lane's "ok" stands beside "fail" and
 * "timeout" in the same lane. DC1 and DC2 are blue and orange, the pair every kind of colour
 * vision tells apart. Chosen by searching the GNOME palette and the Okabe–Ito and Tol sets for
 * the largest least difference; DC3 to DC8 are in the order that keeps the first ones farthest
 * apart.
 *
 * Copyright 2026 The Failover Lab authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#define FL_CHART_N_DC_COLORS 8

static const char * const fl_chart_dc_colors[FL_CHART_N_DC_COLORS] = {
  "#3584e4",   /* DC1: blue (GNOME blue 3) */
  "#ff7800",   /* DC2: orange (GNOME orange 3; orange 4 is too near Okabe–Ito's vermilion "fail") */
  "#865e3c",   /* brown (GNOME brown 4) */
  "#cdab8f",   /* tan (GNOME brown 1) */
  "#1a5fb4",   /* dark blue (GNOME blue 5) */
  "#56b4e9",   /* sky blue (Okabe–Ito) */
  "#b5835a",   /* light brown (GNOME brown 2) */
  "#aa3377",   /* wine (Tol's purple) */
};

/* the status colours: the theme's (with these as fallbacks), or Okabe–Ito's for colour-blind
 * viewers (the colour-blind setting) */
static const char * const fl_chart_status_colors[2][4] = {
  /* ok, degraded, fail, timeout */
  { "#26a269", "#cd9309", "#c01c28", "#9141ac" },
  { "#009e73", "#e69f00", "#d55e00", "#cc79a7" },
};

/* what a skipped sample is drawn with: a grey no DC colour comes near */
#define FL_CHART_SKIPPED_COLOR "rgba(128,128,128,0.35)"
