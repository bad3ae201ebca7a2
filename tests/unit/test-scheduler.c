/* test-scheduler.c: the scheduler on loopback only: a "DC" at 127.0.0.1 where nothing listens
 * (every service refuses at once), so rounds are fast, bounded and complete.
 *
 * Copyright 2026 The Failover Lab authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <locale.h>
#include <string.h>
#include <unistd.h>

#include "fl-probe-scheduler.h"

typedef struct
{
  GMainLoop *loop;
  GPtrArray *samples;
  guint      expected;
} Collect;

static void
on_sample (FlProbeScheduler *scheduler,
           FlSample         *sample,
           Collect          *c)
{
  g_ptr_array_add (c->samples, fl_sample_ref (sample));
  if (c->expected > 0 && --c->expected == 0)
    g_main_loop_quit (c->loop);
}

static gboolean
quit_cb (gpointer data)
{
  g_main_loop_quit (data);
  return G_SOURCE_REMOVE;
}

static FlProbeConfig *
loopback_config (void)
{
  g_autoptr(GError) error = NULL;
  FlProbeConfig *config = fl_probe_config_new ("test.invalid", NULL);

  fl_probe_config_add_dc (config, "DC1", "localhost", "127.0.0.1", NULL);
  fl_probe_config_set_reference (config, "127.0.0.1");
  fl_probe_config_set_timing (config, 200, 300);
  g_assert_true (fl_probe_config_prepare (config, &error));
  g_assert_no_error (error);
  return config;
}

static void
test_one_round (void)
{
  g_autoptr(FlProbeConfig) config = loopback_config ();
  g_autoptr(FlProbeScheduler) scheduler = fl_probe_scheduler_new (config);
  Collect c = { g_main_loop_new (NULL, FALSE), g_ptr_array_new_with_free_func ((GDestroyNotify)fl_sample_unref), 0 };
  guint n_dc = 0;

  g_signal_connect (scheduler, "sample", G_CALLBACK (on_sample), &c);
  c.expected = fl_probe_scheduler_run_round (scheduler);
  g_assert_cmpuint (c.expected, ==, FL_N_DC_CHECKS + 6);  /* network, locator, kdc_view, fsmo, gpo, sssd */
  g_timeout_add_seconds (10, quit_cb, c.loop);
  g_main_loop_run (c.loop);
  g_assert_cmpuint (c.expected, ==, 0);

  for (guint i = 0; i < c.samples->len; i++)
    {
      FlSample *s = c.samples->pdata[i];
      FlCheckKind kind = fl_sample_get_kind (s);

      /* nothing may take longer than its deadline (plus scheduling slack) */
      g_assert_cmpint (fl_sample_get_latency_us (s), <=, 300 * 1000 + 100 * 1000);
      if (fl_check_kind_is_per_dc (kind))
        {
          n_dc++;
          g_assert_cmpstr (fl_sample_get_dc (s), ==, "DC1");
        }
      switch ((int)kind)
        {
        case FL_CHECK_REACH:
        case FL_CHECK_NETWORK:
          /* ICMP, or a TCP connect that the host refused: the host is there */
          g_assert_cmpint (fl_sample_get_status (s), ==, FL_STATUS_OK);
          break;
        case FL_CHECK_LDAP_PING:
        case FL_CHECK_LDAP:
        case FL_CHECK_SMB:
        case FL_CHECK_DNS:
          g_assert_cmpint (fl_sample_get_status (s), ==, FL_STATUS_FAIL);
          g_assert_cmpstr (fl_sample_lookup_string (s, "error"), ==, "refused");
          g_assert_nonnull (strstr (fl_sample_get_message (s), "connection refused"));
          break;
        case FL_CHECK_KERBEROS:
        case FL_CHECK_MACHINE_TRUST:
        case FL_CHECK_SYSVOL:
        case FL_CHECK_GPO:
          /* no credentials in this config */
          g_assert_cmpint (fl_sample_get_status (s), ==, FL_STATUS_SKIPPED);
          break;
        case FL_CHECK_LOCATOR:
          g_assert_cmpint (fl_sample_get_status (s), ==, FL_STATUS_FAIL);
          g_assert_nonnull (strstr (fl_sample_get_message (s), "ERROR_NO_SUCH_DOMAIN"));
          break;
        default:
          break;
        }
    }
  g_assert_cmpuint (n_dc, ==, FL_N_DC_CHECKS);

  g_main_loop_unref (c.loop);
  g_ptr_array_unref (c.samples);
  g_assert_finalize_object (g_steal_pointer (&scheduler));
}

/* SSSD that said it is not there is asked again only every 30 s, not each round */
static void
test_sssd_absent (void)
{
  g_autoptr(FlProbeConfig) config = loopback_config ();
  g_autoptr(FlProbeScheduler) scheduler = fl_probe_scheduler_new (config);
  Collect c = { g_main_loop_new (NULL, FALSE), g_ptr_array_new_with_free_func ((GDestroyNotify)fl_sample_unref), 0 };
  const char *error;

  g_signal_connect (scheduler, "sample", G_CALLBACK (on_sample), &c);
  fl_probe_scheduler_set_checks (scheduler, FL_CHECK_MASK (FL_CHECK_SSSD) | FL_CHECK_MASK (FL_CHECK_NETWORK));
  c.expected = fl_probe_scheduler_run_round (scheduler);
  g_assert_cmpuint (c.expected, ==, 2);
  g_timeout_add_seconds (10, quit_cb, c.loop);
  g_main_loop_run (c.loop);
  g_assert_cmpuint (c.expected, ==, 0);
  for (guint i = 0; i < c.samples->len; i++)
    if (fl_sample_get_kind (c.samples->pdata[i]) == FL_CHECK_SSSD)
      {
        error = fl_sample_lookup_string (c.samples->pdata[i], "error");
        if (g_strcmp0 (error, "unavailable") != 0)
          {
            g_test_skip ("SSSD's InfoPipe answers on this machine");
            goto out;
          }
        g_test_message ("sssd: %s", fl_sample_get_message (c.samples->pdata[i]));
      }
  /* the next round: the network only */
  g_assert_cmpuint (fl_probe_scheduler_run_round (scheduler), ==, 1);
out:
  fl_probe_scheduler_stop (scheduler);
  g_main_loop_unref (c.loop);
  g_ptr_array_unref (c.samples);
}

static void
test_start_stop (void)
{
  g_autoptr(FlProbeConfig) config = loopback_config ();
  FlProbeScheduler *scheduler = fl_probe_scheduler_new (config);
  Collect c = { g_main_loop_new (NULL, FALSE), g_ptr_array_new_with_free_func ((GDestroyNotify)fl_sample_unref), 0 };
  guint after_stop;

  g_signal_connect (scheduler, "sample", G_CALLBACK (on_sample), &c);
  fl_probe_scheduler_set_checks (scheduler, FL_CHECK_MASK (FL_CHECK_SMB) | FL_CHECK_MASK (FL_CHECK_REACH));
  fl_probe_scheduler_set_interval (scheduler, 100);
  g_assert_cmpuint (fl_probe_scheduler_get_interval (scheduler), ==, 100);
  fl_probe_scheduler_set_interval (scheduler, 5);   /* clamped */
  g_assert_cmpuint (fl_probe_scheduler_get_interval (scheduler), ==, 100);

  fl_probe_scheduler_start (scheduler);
  g_assert_true (fl_probe_scheduler_is_running (scheduler));
  g_timeout_add (550, quit_cb, c.loop);
  g_main_loop_run (c.loop);
  fl_probe_scheduler_stop (scheduler);
  g_assert_false (fl_probe_scheduler_is_running (scheduler));
  /* about five rounds of two samples */
  g_assert_cmpuint (c.samples->len, >=, 8);
  g_assert_cmpuint (c.samples->len, <=, 14);

  /* after stop, nothing more arrives */
  after_stop = c.samples->len;
  g_timeout_add (300, quit_cb, c.loop);
  g_main_loop_run (c.loop);
  g_assert_cmpuint (c.samples->len, ==, after_stop);

  g_main_loop_unref (c.loop);
  g_ptr_array_unref (c.samples);
  g_assert_finalize_object (scheduler);
}

int
main (int   argc,
      char *argv[])
{
  setlocale (LC_ALL, "C.UTF-8");
  g_test_init (&argc, &argv, NULL);
  fl_probe_init ();
  g_test_add_func ("/scheduler/one-round-loopback", test_one_round);
  g_test_add_func ("/scheduler/start-stop", test_start_stop);
  g_test_add_func ("/scheduler/sssd-absent", test_sssd_absent);
  {
    int rc = g_test_run ();

    /* no check may still run inside MIT krb5 while the process exits */
    g_assert_true (fl_probe_shutdown ());
    /* and the Kerberos profiles this process wrote are gone with it */
    {
      g_autofree char *dir = g_build_filename (g_get_user_runtime_dir (), "failover-lab", NULL);
      g_autofree char *prefix = g_strdup_printf ("probe-%ld-", (long) getpid ());
      g_autoptr(GDir) d = g_dir_open (dir, 0, NULL);
      const char *name;

      while (d != NULL && (name = g_dir_read_name (d)) != NULL)
        if (g_str_has_prefix (name, prefix))
          g_error ("%s/%s is left after fl_probe_shutdown()", dir, name);
    }
    return rc;
  }
}
