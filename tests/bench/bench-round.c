/* bench-round.c: how long one full probe round takes on a lab (run inside its client namespace)
 *
 *   bench-round LAB-FILE PASSWORD-FILE [ROUNDS]
 *
 * Prints the median, min and max of the round time: from the round's start until its last
 * sample arrived on the main context.
 *
 * Copyright 2026 The Failover Lab authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fl-lab-probe.h"
#include "fl-probe-scheduler.h"

typedef struct
{
  GMainLoop *loop;
  guint      expected;
  gint64     last;
  guint      not_ok;
  long       rss_start;
} Round;

static void
on_sample (FlProbeScheduler *scheduler,
           FlSample         *sample,
           Round            *r)
{
  r->last = g_get_monotonic_time ();
  if (fl_sample_get_status (sample) != FL_STATUS_OK && fl_sample_get_status (sample) != FL_STATUS_SKIPPED)
    {
      r->not_ok++;
      g_printerr ("not ok: %s %s: %s\n", fl_sample_get_dc (sample) ? fl_sample_get_dc (sample) : "",
                  fl_check_kind_to_string (fl_sample_get_kind (sample)), fl_sample_get_message (sample));
    }
  if (--r->expected == 0)
    g_main_loop_quit (r->loop);
}

/* the round's count is known before its first sample: a check still running from the last
 * round gives its "not started again" sample inside fl_probe_scheduler_run_round() */
static void
on_round_started (FlProbeScheduler *scheduler,
                  guint             round,
                  guint             n,
                  Round            *r)
{
  r->expected = n;
}

static long
rss_kib (void)
{
  g_autofree char *status = NULL;
  const char *line;

  if (!g_file_get_contents ("/proc/self/status", &status, NULL, NULL) ||
      (line = strstr (status, "VmRSS:")) == NULL)
    return -1;
  return strtol (line + 6, NULL, 10);
}

static int
compare (gconstpointer a,
         gconstpointer b)
{
  gint64 x = *(const gint64 *)a, y = *(const gint64 *)b;

  return x < y ? -1 : x > y;
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GError) error = NULL;
  g_autoptr(FlLab) lab = NULL;
  g_autoptr(FlProbeConfig) config = NULL;
  g_autoptr(FlProbeScheduler) scheduler = NULL;
  guint per_round = 0;
  g_autofree char *password = NULL;
  g_autoptr(GArray) times = g_array_new (FALSE, FALSE, sizeof (gint64));
  guint rounds = argc > 3 ? (guint)atoi (argv[3]) : 50;
  guint32 mask = FL_CHECK_MASK_DEFAULT & ~FL_CHECK_MASK (FL_CHECK_FSMO) & ~FL_CHECK_MASK (FL_CHECK_SSSD);
  Round r = { 0 };

  setlocale (LC_ALL, "");
  if (argc < 3)
    {
      fprintf (stderr, "usage: bench-round LAB-FILE PASSWORD-FILE [ROUNDS]\n");
      return 2;
    }
  fl_probe_init ();
  lab = fl_lab_new_from_file (argv[1], &error);
  if (lab == NULL || !g_file_get_contents (argv[2], &password, NULL, &error))
    {
      fprintf (stderr, "%s\n", error->message);
      return 2;
    }
  g_strchomp (password);
  config = fl_lab_create_probe_config (lab, password, &error);
  if (config == NULL)
    {
      fprintf (stderr, "%s\n", error->message);
      return 2;
    }

  /* the facts the command-line pipeline gathers: dig, net ads lookup, ldapsearch, kinit, TCP 445 */
  if (g_getenv ("BENCH_PIPELINE_EQUIVALENT") != NULL)
    mask = FL_CHECK_MASK (FL_CHECK_DNS) | FL_CHECK_MASK (FL_CHECK_LDAP_PING) |
           FL_CHECK_MASK (FL_CHECK_LDAP) | FL_CHECK_MASK (FL_CHECK_KERBEROS) |
           FL_CHECK_MASK (FL_CHECK_SMB);
  if (g_getenv ("BENCH_NO_KERBEROS") != NULL)
    mask &= ~(FL_CHECK_MASK (FL_CHECK_KERBEROS) | FL_CHECK_MASK (FL_CHECK_MACHINE_TRUST) |
              FL_CHECK_MASK (FL_CHECK_KDC_VIEW));
  if (g_getenv ("BENCH_DC_CHECKS_ONLY") != NULL)
    mask &= ~(FL_CHECK_MASK (FL_CHECK_KDC_VIEW) | FL_CHECK_MASK (FL_CHECK_LOCATOR) |
              FL_CHECK_MASK (FL_CHECK_NETWORK));

  scheduler = fl_probe_scheduler_new (config);
  fl_probe_scheduler_set_checks (scheduler, mask);
  g_signal_connect (scheduler, "round-started", G_CALLBACK (on_round_started), &r);
  g_signal_connect (scheduler, "sample", G_CALLBACK (on_sample), &r);
  r.loop = g_main_loop_new (NULL, FALSE);

  for (guint i = 0; i < rounds + 2; i++)
    {
      gint64 start, took;

      if (i == 2)
        r.rss_start = rss_kib ();
      start = g_get_monotonic_time ();

      per_round = fl_probe_scheduler_run_round (scheduler);
      if (r.expected > 0)
        g_main_loop_run (r.loop);
      took = r.last - start;
      if (i >= 2)   /* the first rounds warm caches up */
        g_array_append_val (times, took);
    }

  g_array_sort (times, compare);
  printf ("round: %u rounds, %u samples each, median %.1f ms, min %.1f ms, max %.1f ms, "
          "%u samples not ok\n",
          rounds, per_round,
          g_array_index (times, gint64, times->len / 2) / 1000.0,
          g_array_index (times, gint64, 0) / 1000.0,
          g_array_index (times, gint64, times->len - 1) / 1000.0, r.not_ok);
  printf ("rss: %ld KiB after the warm-up rounds, %ld KiB after %u rounds\n", r.rss_start,
          rss_kib (), rounds);
  g_main_loop_unref (r.loop);
  g_clear_object (&scheduler);
  if (!fl_probe_shutdown ())
    {
      fprintf (stderr, "bench-round: a check still ran 15 s after the last round\n");
      return 1;
    }
  return 0;
}
