/* bench-ui-stall.c: the window live against the sandbox for N seconds (default 300) while the
 * DCs are stopped, unplugged and started under it, as in a class. A 10 ms timer on the main
 * loop measures how late it runs: the largest gap minus 10 ms is the longest the window was
 * unresponsive. Prints the maximum stall, the 99th percentile, and how many gaps exceeded
 * 50 ms and 100 ms. Asserts nothing. Run by tests/app/run-ui-test inside the client namespace.
 *
 * Copyright 2026 The Failover Lab authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <adwaita.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "fl-probe-config.h"
#include "fl-window.h"

#define TICK_MS 10

typedef struct
{
  double      at_s;
  const char *verb;
  const char *dc;
} Step;

/* a class's afternoon, compressed: every kind of outage the playbook has */
static const Step steps[] = {
  { 0.10, "stop", "DC1" },
  { 0.20, "start", "DC1" },
  { 0.33, "unplug", "DC1" },
  { 0.45, "plug", "DC1" },
  { 0.55, "stop", "DC1" },
  { 0.56, "stop", "DC2" },
  { 0.70, "start", "DC1" },
  { 0.71, "start", "DC2" },
  { 0.80, "unplug", "DC2" },
  { 0.90, "plug", "DC2" },
};

static GArray *gaps;     /* double, ms */
static gint64 last_tick;
static gint64 t_start;
static double worst_gap;
static double worst_at_s;
static double worst_cpu_ms;   /* main-thread CPU time during that gap */
static double worst_busy_ms;  /* the largest main-thread CPU time between two ticks */
static gint64 last_cpu_ns;
static double worst_busy_at_s;

static gint64
thread_cpu_ns (void)
{
  struct timespec ts;

  clock_gettime (CLOCK_THREAD_CPUTIME_ID, &ts);
  return (gint64)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

static gboolean
tick (gpointer data)
{
  gint64 now = g_get_monotonic_time ();
  gint64 cpu = thread_cpu_ns ();
  double gap = (now - last_tick) / 1000.0;
  double busy = (cpu - last_cpu_ns) / 1e6;

  last_cpu_ns = cpu;
  if (busy > worst_busy_ms)
    {
      worst_busy_ms = busy;
      worst_busy_at_s = (now - t_start) / 1e6;
    }
  g_array_append_val (gaps, gap);
  if (gap > worst_gap)
    {
      worst_gap = gap;
      worst_at_s = (now - t_start) / 1e6;
      worst_cpu_ms = busy;
    }
  last_tick = now;
  return G_SOURCE_CONTINUE;
}

static void
step_done (GObject      *object,
           GAsyncResult *result,
           gpointer      data)
{
  g_subprocess_wait_finish (G_SUBPROCESS (object), result, NULL);
}

static int
cmp_double (const void *a,
            const void *b)
{
  double x = *(const double *)a, y = *(const double *)b;

  return (x > y) - (x < y);
}

int
main (int   argc,
      char *argv[])
{
  double duration = argc > 1 ? atof (argv[1]) : 300;
  const char *lab_file = g_getenv ("FL_UI_LAB_FILE");
  const char *sandbox = g_getenv ("FL_SANDBOX");
  g_autoptr(GError) error = NULL;
  g_autoptr(FlLab) lab = NULL;
  FlWindow *window;
  gint64 start, end;
  guint next = 0, over50 = 0, over100 = 0;

  if (lab_file == NULL || sandbox == NULL)
    {
      printf ("no sandbox lab (run as root with the sandbox up): nothing measured\n");
      return 0;
    }
  gtk_init ();
  adw_init ();
  fl_probe_init ();
  lab = fl_lab_new_from_file (lab_file, &error);
  if (lab == NULL)
    g_error ("%s", error->message);

  window = fl_window_new (NULL);
  gtk_window_set_default_size (GTK_WINDOW (window), 1260, 840);
  gtk_window_present (GTK_WINDOW (window));
  if (!fl_window_open_lab (window, lab, &error))
    g_error ("%s", error->message);

  gaps = g_array_new (FALSE, FALSE, sizeof (double));
  start = last_tick = t_start = g_get_monotonic_time ();
  last_cpu_ns = thread_cpu_ns ();
  end = start + (gint64)(duration * G_USEC_PER_SEC);
  g_timeout_add (TICK_MS, tick, NULL);
  while (g_get_monotonic_time () < end)
    {
      double t = (g_get_monotonic_time () - start) / 1e6;

      if (next < G_N_ELEMENTS (steps) && t >= steps[next].at_s * duration)
        {
          g_autoptr(GSubprocess) p = g_subprocess_new (G_SUBPROCESS_FLAGS_STDOUT_SILENCE, &error, sandbox,
                                                       steps[next].verb, steps[next].dc, NULL);

          if (p == NULL)
            g_error ("%s", error->message);
          printf ("t=%5.1f s  sandbox %s %s\n", t, steps[next].verb, steps[next].dc);
          fflush (stdout);
          g_subprocess_wait_async (p, NULL, step_done, NULL);
          next++;
        }
      g_main_context_iteration (NULL, TRUE);
    }

  qsort (gaps->data, gaps->len, sizeof (double), cmp_double);
  for (guint i = 0; i < gaps->len; i++)
    {
      double g = g_array_index (gaps, double, i);

      over50 += g > 50;
      over100 += g > 100;
    }
  printf ("main loop, %.0f s live with the outages above (%u ticks of %d ms)\n", duration, gaps->len, TICK_MS);
  printf ("  longest stall      %.1f ms (at t=%.1f s; the main thread ran %.1f ms of it, the rest it "
          "waited for a CPU)\n", worst_gap - TICK_MS, worst_at_s, worst_cpu_ms);
  printf ("  longest main-thread work between two ticks  %.1f ms (at t=%.1f s)\n", worst_busy_ms,
          worst_busy_at_s);
  printf ("  99th percentile    %.1f ms between ticks\n", g_array_index (gaps, double, gaps->len * 99 / 100));
  printf ("  gaps > 50 ms       %u\n", over50);
  printf ("  gaps > 100 ms      %u\n", over100);
  gtk_window_destroy (GTK_WINDOW (window));
  return fl_probe_shutdown () ? 0 : 1;
}
