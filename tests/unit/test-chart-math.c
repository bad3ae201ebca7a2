/* test-chart-math.c: the chart's time ↔ pixel arithmetic, zoom, pan and decimation
 *
 * Copyright 2026 The Failover Lab authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <locale.h>
#include <math.h>

#include "fl-chart-math.h"

#define S(x) ((gint64)((x) * (double)G_USEC_PER_SEC))

static void
test_mapping_zoom_pan (void)
{
  FlChartWindow w = { S (100), S (60), 600 };
  gint64 anchor;

  g_assert_cmpfloat (fl_chart_x_for_time (&w, S (100)), ==, 0);
  g_assert_cmpfloat (fl_chart_x_for_time (&w, S (130)), ==, 300);
  g_assert_cmpint (fl_chart_time_for_x (&w, 600), ==, S (160));

  /* zooming keeps the time under the pointer where it is */
  anchor = fl_chart_time_for_x (&w, 150);
  fl_chart_zoom (&w, 150, 0.5, S (10), S (3600));
  g_assert_cmpint (w.span_us, ==, S (30));
  g_assert_cmpint (ABS (fl_chart_time_for_x (&w, 150) - anchor), <=, 1);
  /* clamped */
  fl_chart_zoom (&w, 0, 0.01, S (10), S (3600));
  g_assert_cmpint (w.span_us, ==, S (10));
  fl_chart_zoom (&w, 0, 1000, S (10), S (3600));
  g_assert_cmpint (w.span_us, ==, S (3600));

  /* a drag of a tenth of the width moves a tenth of the span back */
  w = (FlChartWindow) { S (100), S (60), 600 };
  fl_chart_pan (&w, 60);
  g_assert_cmpint (w.start_us, ==, S (94));
}

static void
test_decimate (void)
{
  FlChartWindow w = { 0, S (10), 10 };   /* one column per second */
  gint64 starts[] = { S (0), S (0.25), S (0.5), S (3), S (9.5), S (20) };
  gint64 ends[] = { S (0.25), S (0.5), S (3), S (9.5), S (20), S (21) };
  FlStatus statuses[] = { FL_STATUS_OK, FL_STATUS_FAIL, FL_STATUS_OK, FL_STATUS_TIMEOUT,
                          FL_STATUS_SKIPPED, FL_STATUS_OK };
  int columns[10];

  fl_chart_decimate (&w, starts, ends, statuses, G_N_ELEMENTS (starts), columns);
  /* the worst of a column wins: a 250 ms failure is never hidden */
  g_assert_cmpint (columns[0], ==, FL_STATUS_FAIL);
  g_assert_cmpint (columns[1], ==, FL_STATUS_OK);
  g_assert_cmpint (columns[2], ==, FL_STATUS_OK);
  g_assert_cmpint (columns[3], ==, FL_STATUS_TIMEOUT);
  g_assert_cmpint (columns[8], ==, FL_STATUS_TIMEOUT);
  g_assert_cmpint (columns[9], ==, FL_STATUS_TIMEOUT);   /* skipped is the mildest */

  /* an empty lane stays empty */
  fl_chart_decimate (&w, starts, ends, statuses, 0, columns);
  for (guint i = 0; i < 10; i++)
    g_assert_cmpint (columns[i], ==, -1);
}

static void
test_decimate_many (void)
{
  /* 8 h at 1 Hz into 1000 columns: every column gets its worst */
  guint n = 8 * 3600;
  g_autofree gint64 *starts = g_new (gint64, n);
  g_autofree gint64 *ends = g_new (gint64, n);
  g_autofree FlStatus *statuses = g_new (FlStatus, n);
  FlChartWindow w = { 0, S (8 * 3600), 1000 };
  int columns[1000];

  for (guint i = 0; i < n; i++)
    {
      starts[i] = S (i);
      ends[i] = S (i + 1);
      statuses[i] = i == 12345 ? FL_STATUS_FAIL : FL_STATUS_OK;
    }
  fl_chart_decimate (&w, starts, ends, statuses, n, columns);
  g_assert_cmpint (columns[(int)(12345 * 1000.0 / n)], ==, FL_STATUS_FAIL);
  g_assert_cmpint (columns[0], ==, FL_STATUS_OK);
  g_assert_cmpint (columns[999], ==, FL_STATUS_OK);
}

static void
test_decimate_values (void)
{
  FlChartWindow w = { 0, S (10), 10 };
  gint64 times[] = { S (0.1), S (0.5), S (0.9), S (2), S (2.5), S (11), S (-1) };
  double values[] = { 1.0, 250.0, 2.0, NAN, 3.0, 9.0, 9.0 };
  double mins[10], maxs[10];

  fl_chart_decimate_values (&w, times, values, G_N_ELEMENTS (times), mins, maxs);
  /* one slow answer among fast ones is kept as the column's maximum */
  g_assert_cmpfloat (mins[0], ==, 1.0);
  g_assert_cmpfloat (maxs[0], ==, 250.0);
  /* no answer, no value: a gap, not a zero */
  g_assert_true (isnan (mins[1]) && isnan (maxs[1]));
  g_assert_cmpfloat (mins[2], ==, 3.0);
  g_assert_cmpfloat (maxs[2], ==, 3.0);
  /* outside the window: ignored */
  for (int x = 3; x < 10; x++)
    g_assert_true (isnan (maxs[x]));
}

static void
test_scale (void)
{
  g_assert_cmpfloat (fl_chart_nice_ceiling (0), ==, 1);
  g_assert_cmpfloat (fl_chart_nice_ceiling (0.7), ==, 1);
  g_assert_cmpfloat (fl_chart_nice_ceiling (1), ==, 1);
  g_assert_cmpfloat (fl_chart_nice_ceiling (1.2), ==, 2);
  g_assert_cmpfloat (fl_chart_nice_ceiling (3), ==, 5);
  g_assert_cmpfloat (fl_chart_nice_ceiling (42), ==, 50);
  g_assert_cmpfloat (fl_chart_nice_ceiling (900), ==, 1000);

  g_assert_cmpfloat (fl_chart_scale (25, 0, 50, FALSE), ==, 0.5);
  g_assert_cmpfloat (fl_chart_scale (80, 0, 50, FALSE), ==, 1);
  /* log: each decade the same height */
  g_assert_cmpfloat_with_epsilon (fl_chart_scale (1, 0.1, 1000, TRUE), 0.25, 1e-9);
  g_assert_cmpfloat_with_epsilon (fl_chart_scale (10, 0.1, 1000, TRUE), 0.5, 1e-9);
  g_assert_cmpfloat (fl_chart_scale (0.001, 0.1, 1000, TRUE), ==, 0);
}

static void
test_columns (void)
{
  FlChartColumns cols = { 0 };
  const FlChartBucket *b;

  /* 1 s buckets from t = 0 */
  fl_chart_columns_init (&cols, S (1), 0);
  fl_chart_columns_add (&cols, S (0), S (0.25), FL_STATUS_OK, 1, 2.0);
  fl_chart_columns_add (&cols, S (0.25), S (0.5), FL_STATUS_TIMEOUT, 0, NAN);
  fl_chart_columns_add (&cols, S (0.5), S (3.2), FL_STATUS_OK, 2, 40.0);
  g_assert_cmpint (cols.merged_us, ==, S (0.5));

  /* the worst status, the last server, the value range where the samples started */
  b = fl_chart_columns_lookup (&cols, 0);
  g_assert_nonnull (b);
  g_assert_cmpint (b->status, ==, FL_STATUS_TIMEOUT);
  g_assert_cmpint (b->server, ==, 2);
  g_assert_cmpfloat (b->lo, ==, 2.0);
  g_assert_cmpfloat (b->hi, ==, 40.0);
  /* a long sample covers its buckets without adding its value to them */
  b = fl_chart_columns_lookup (&cols, 3);
  g_assert_nonnull (b);
  g_assert_cmpint (b->status, ==, FL_STATUS_OK);
  g_assert_true (isnan (b->hi));
  g_assert_null (fl_chart_columns_lookup (&cols, 4));

  /* negative times floor too */
  g_assert_cmpint (fl_chart_columns_bucket_for (&cols, -1), ==, -1);
  g_assert_cmpint (fl_chart_columns_bucket_for (&cols, S (-1)), ==, -1);
  g_assert_cmpint (fl_chart_columns_bucket_for (&cols, S (-1) - 1), ==, -2);

  /* a live window forgets what scrolled out, and is complete only from there on */
  fl_chart_columns_forget_before (&cols, 2);
  g_assert_null (fl_chart_columns_lookup (&cols, 1));
  g_assert_nonnull (fl_chart_columns_lookup (&cols, 2));
  g_assert_cmpint (cols.from_b, ==, 2);
  fl_chart_columns_clear (&cols);
  g_assert_null (cols.buckets);
}

/* following live, the span fits the session and grows with it up to the configured window */
static void
test_live_span (void)
{
  const gint64 S = G_USEC_PER_SEC;

  g_assert_cmpint (fl_chart_live_span (0, 120 * S, 10 * S), ==, 10 * S);
  g_assert_cmpint (fl_chart_live_span (4 * S, 120 * S, 10 * S), ==, 10 * S);
  g_assert_cmpint (fl_chart_live_span (40 * S, 120 * S, 10 * S), ==, 50 * S);
  g_assert_cmpint (fl_chart_live_span (100 * S, 120 * S, 10 * S), ==, 120 * S);
  g_assert_cmpint (fl_chart_live_span (3600 * S, 120 * S, 10 * S), ==, 120 * S);
  g_assert_cmpint (fl_chart_live_span (-5 * S, 120 * S, 10 * S), ==, 10 * S);
}

int
main (int   argc,
      char *argv[])
{
  setlocale (LC_ALL, "C.UTF-8");
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/chart/mapping-zoom-pan", test_mapping_zoom_pan);
  g_test_add_func ("/chart/decimate", test_decimate);
  g_test_add_func ("/chart/decimate-8h", test_decimate_many);
  g_test_add_func ("/chart/decimate-values", test_decimate_values);
  g_test_add_func ("/chart/scale", test_scale);
  g_test_add_func ("/chart/columns", test_columns);
  g_test_add_func ("/chart/live-span", test_live_span);
  return g_test_run ();
}
