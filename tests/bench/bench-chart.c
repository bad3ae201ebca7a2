/* bench-chart.c: the chart with a full 8 h window: 2 DCs × 9 checks at 1 Hz plus the client
 * views (≈ 520 k samples), with the sample details the real checks record. Prints the RSS with
 * that much loaded and the frame time (snapshot of the chart, and snapshot + rendering with the
 * cairo renderer), while a new round of samples arrives before every frame as it does live.
 * Asserts nothing. Run under Xvfb: tests/app/run-ui-test bench-chart [FRAMES]
 *
 * Copyright 2026 The Failover Lab authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <adwaita.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fl-chart.h"
#include "fl-timeline.h"

#define HOURS 8
#define N_SECONDS (HOURS * 3600)

static const char *dcs[] = { "DC1", "DC2" };

static long
rss_kib (void)
{
  g_autofree char *status = NULL;
  const char *p;

  if (!g_file_get_contents ("/proc/self/status", &status, NULL, NULL))
    return -1;
  p = strstr (status, "VmRSS:");
  return p ? strtol (p + 6, NULL, 10) : -1;
}

static GVariant *
detail_for (FlCheckKind kind,
            guint       dc,
            gint64      t)
{
  GVariantDict d;

  g_variant_dict_init (&d, NULL);
  g_variant_dict_insert (&d, "address", "s", dc ? "10.231.7.12" : "10.231.7.11");
  switch (kind)
    {
    case FL_CHECK_LDAP_PING:
    case FL_CHECK_LOCATOR:
      g_variant_dict_insert (&d, "method", "s", "udp");
      g_variant_dict_insert (&d, "opcode", "s", "LOGON_SAM_LOGON_RESPONSE_EX");
      g_variant_dict_insert (&d, "flags", "u", 0x3f1fdu);
      g_variant_dict_insert (&d, "flags_text", "s", "PDC GC LDAP DS KDC TIMESERV CLOSEST WRITABLE GTIMESERV FULL_SECRET WS DS_8 DS_9 DNS_DC DNS_DOMAIN DNS_FOREST");
      g_variant_dict_insert (&d, "domain_guid", "s", "0e7f7c43-1f8e-4b8a-9a1d-5c2a3b4c5d6e");
      g_variant_dict_insert (&d, "forest", "s", "test.local");
      g_variant_dict_insert (&d, "domain", "s", "test.local");
      g_variant_dict_insert (&d, "dc_host", "s", dc ? "dc2.test.local" : "dc1.test.local");
      g_variant_dict_insert (&d, "netbios_domain", "s", "TEST");
      g_variant_dict_insert (&d, "netbios_computer", "s", dc ? "DC2" : "DC1");
      g_variant_dict_insert (&d, "dc_site", "s", "Default-First-Site-Name");
      g_variant_dict_insert (&d, "client_site", "s", "Default-First-Site-Name");
      g_variant_dict_insert (&d, "nt_version", "u", 5u);
      if (kind == FL_CHECK_LOCATOR)
        g_variant_dict_insert (&d, "server", "s", t < N_SECONDS / 2 ? "DC1" : "DC2");
      break;
    case FL_CHECK_KDC_VIEW:
    case FL_CHECK_KERBEROS:
      g_variant_dict_insert (&d, "principal", "s", "user01@TEST.LOCAL");
      g_variant_dict_insert (&d, "kdc", "s", dc ? "10.231.7.12" : "10.231.7.11");
      g_variant_dict_insert (&d, "server", "s", t < N_SECONDS / 2 ? "DC1" : "DC2");
      break;
    case FL_CHECK_TIME:
      g_variant_dict_insert (&d, "method", "s", "sntp");
      g_variant_dict_insert (&d, "offset_us", "x", (gint64)(g_random_int_range (-3000, 3000)));
      break;
    case FL_CHECK_REACH:
      g_variant_dict_insert (&d, "method", "s", "icmp");
      break;
    case FL_CHECK_DNS:
    case FL_CHECK_LDAP:
    case FL_CHECK_MACHINE_TRUST:
    case FL_CHECK_SMB:
    case FL_CHECK_SYSVOL:
    case FL_CHECK_NETWORK:
    case FL_CHECK_FSMO:
    case FL_CHECK_GPO:
    case FL_CHECK_SSSD:
    case FL_CHECK_WIN_LOCATOR:
    case FL_CHECK_SECURE_CHANNEL:
    case FL_CHECK_WIN_KDC:
    case FL_CHECK_WIN_LOGON:
    case FL_N_CHECKS:
    default:
      break;
    }
  return g_variant_dict_end (&d);
}

static void
add_round (FlTimeline *timeline,
           gint64      mono,
           gint64      t)
{
  static const FlCheckKind kinds[] = {
    FL_CHECK_REACH, FL_CHECK_DNS, FL_CHECK_LDAP_PING, FL_CHECK_LDAP, FL_CHECK_KERBEROS,
    FL_CHECK_MACHINE_TRUST, FL_CHECK_SMB, FL_CHECK_TIME,
  };
  static const FlCheckKind views[] = {
    FL_CHECK_NETWORK, FL_CHECK_LOCATOR, FL_CHECK_KDC_VIEW, FL_CHECK_FSMO,
  };

  for (guint d = 0; d < G_N_ELEMENTS (dcs); d++)
    for (guint k = 0; k < G_N_ELEMENTS (kinds); k++)
      {
        /* DC1 fails for ten minutes every hour */
        gboolean down = d == 0 && (t % 3600) < 600;
        FlStatus status = down ? FL_STATUS_TIMEOUT : FL_STATUS_OK;
        g_autoptr(FlSample) s = fl_sample_new_full (kinds[k], dcs[d], status, mono, 0,
                                                    down ? 1000000 : g_random_int_range (300, 9000),
                                                    down ? "no answer within 1.0 s" : NULL,
                                                    detail_for (kinds[k], d, t));

        fl_timeline_add_sample (timeline, s);
      }
  for (guint k = 0; k < G_N_ELEMENTS (views); k++)
    {
      g_autoptr(FlSample) s = fl_sample_new_full (views[k], NULL, FL_STATUS_OK, mono, 0,
                                                  g_random_int_range (300, 9000), NULL,
                                                  detail_for (views[k], t < N_SECONDS / 2 ? 0 : 1, t));

      fl_timeline_add_sample (timeline, s);
    }
}

static int
cmp_double (const void *a,
            const void *b)
{
  double x = *(const double *)a, y = *(const double *)b;

  return (x > y) - (x < y);
}

static void
report (const char *what,
        double     *ms,
        guint       n)
{
  qsort (ms, n, sizeof *ms, cmp_double);
  printf ("%-34s median %7.2f ms   p90 %7.2f ms   max %7.2f ms   (%u frames)\n",
          what, ms[n / 2], ms[n * 9 / 10], ms[n - 1], n);
}

int
main (int   argc,
      char *argv[])
{
  guint frames = argc > 1 ? (guint)atoi (argv[1]) : 60;
  g_autoptr(FlProbeConfig) config = fl_probe_config_new ("test.local", "TEST.LOCAL");
  g_autoptr(FlTimeline) timeline = NULL;
  g_autofree double *snap_ms = g_new (double, frames);
  g_autofree double *render_ms = g_new (double, frames);
  double zoom_ms[10];
  gint64 now = g_get_monotonic_time (), t0;
  long rss0, rss1;
  GtkWidget *window, *chart;
  GskRenderer *renderer;
  guint n = 0;

  gtk_init ();
  adw_init ();
  rss0 = rss_kib ();

  fl_probe_config_add_dc (config, "DC1", "dc1.test.local", "10.231.7.11", NULL);
  fl_probe_config_add_dc (config, "DC2", "dc2.test.local", "10.231.7.12", NULL);
  fl_probe_config_set_timing (config, 1000, 1000);
  timeline = fl_timeline_new (config, 0);

  t0 = g_get_monotonic_time ();
  for (gint64 t = 0; t < N_SECONDS; t++)
    add_round (timeline, now - (N_SECONDS - t) * G_USEC_PER_SEC, t);
  for (guint d = 0; d < 2; d++)
    for (FlCheckKind k = 0; k < FL_N_DC_CHECKS; k++)
      n += fl_timeline_get_n_samples (timeline, dcs[d], k);
  for (FlCheckKind k = FL_N_DC_CHECKS; k < FL_N_CHECKS; k++)
    n += fl_timeline_get_n_samples (timeline, NULL, k);
  rss1 = rss_kib ();
  printf ("samples loaded                     %u (%d h at 1 Hz: 2 DCs × 8 checks + 4 domain-wide views) in %.2f s\n",
          n, HOURS, (g_get_monotonic_time () - t0) / 1e6);
  printf ("RSS                                %.1f MiB before, %.1f MiB with the samples loaded\n",
          rss0 / 1024.0, rss1 / 1024.0);

  window = gtk_window_new ();
  chart = fl_chart_new ();
  gtk_window_set_default_size (GTK_WINDOW (window), 1600, 600);
  gtk_window_set_child (GTK_WINDOW (window), chart);
  fl_chart_set_timeline (FL_CHART (chart), timeline);
  fl_chart_set_span (FL_CHART (chart), N_SECONDS);
  gtk_window_present (GTK_WINDOW (window));
  while (gtk_widget_get_width (chart) < 1000)
    g_main_context_iteration (NULL, TRUE);
  renderer = gtk_native_get_renderer (GTK_NATIVE (window));

  for (guint f = 0; f < frames; f++)
    {
      GtkSnapshot *snapshot = gtk_snapshot_new ();
      g_autoptr(GskRenderNode) node = NULL;
      g_autoptr(GdkTexture) texture = NULL;
      gint64 a, b, c;

      add_round (timeline, g_get_monotonic_time (), N_SECONDS + f);
      a = g_get_monotonic_time ();
      GTK_WIDGET_GET_CLASS (chart)->snapshot (chart, snapshot);
      node = gtk_snapshot_free_to_node (snapshot);
      b = g_get_monotonic_time ();
      texture = gsk_renderer_render_texture (renderer, node,
                                             &GRAPHENE_RECT_INIT (0, 0, gtk_widget_get_width (chart),
                                                                  gtk_widget_get_height (chart)));
      c = g_get_monotonic_time ();
      snap_ms[f] = (b - a) / 1000.0;
      render_ms[f] = (c - a) / 1000.0;
      g_usleep (20000);   /* time moves on: the live window slides */
    }
  /* a zoom step changes every bucket: the whole window is decimated again */
  for (guint f = 0; f < 10; f++)
    {
      GtkSnapshot *snapshot = gtk_snapshot_new ();
      g_autoptr(GskRenderNode) node = NULL;
      gint64 a;

      fl_chart_set_span (FL_CHART (chart), f % 2 ? N_SECONDS : N_SECONDS - 600);
      a = g_get_monotonic_time ();
      GTK_WIDGET_GET_CLASS (chart)->snapshot (chart, snapshot);
      node = gtk_snapshot_free_to_node (snapshot);
      zoom_ms[f] = (g_get_monotonic_time () - a) / 1000.0;
    }
  printf ("chart %d×%d, window %d h, following live\n",
          gtk_widget_get_width (chart), gtk_widget_get_height (chart), HOURS);
  report ("frame: chart snapshot", snap_ms, frames);
  report ("frame: snapshot + cairo render", render_ms, frames);
  report ("frame after a zoom step", zoom_ms, 10);
  printf ("RSS at the end                     %.1f MiB\n", rss_kib () / 1024.0);
  gtk_window_destroy (GTK_WINDOW (window));
  return 0;
}
