/* bench-replay.c: opening an 8 h recording at 1 Hz (2 DCs × 8 checks + the locator, the KDC
 * view, the reference host and FSMO: 20 samples a second, 576,000 samples, with a fault and its
 * switchover half way) in the window, as File → Open does it: the file read and parsed (on a
 * worker in the app; timed alone here), the window fed, the first frame drawn. The goal: at most
 * 2 s in all. The anchor, measured in the same run: json-glib parsing the same lines and nothing
 * else, the floor any reader of this format pays. Then the slider taken back to the middle: the
 * session built again up to there, and its frame. Asserts nothing.
 * Run under Xvfb: tests/app/run-ui-test bench-replay [HOURS]
 *
 * Copyright 2026 The Failover Lab authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <adwaita.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fl-recording-file.h"
#include "fl-window.h"
#include "fl-window-private.h"

static const char * const dc_checks[] = { "reach", "dns", "ldap_ping", "ldap", "kerberos",
                                          "machine_trust", "smb", "time" };

/* the recording, as the window writes it: a header, then every second 20 samples */
static GString *
make_recording (guint hours)
{
  GString *s = g_string_new (NULL);
  const gint64 wall0 = G_GINT64_CONSTANT (1796090000000000);
  guint seconds = hours * 3600, fault_at = seconds / 2;

  g_string_append (s, "{\"type\":\"header\",\"format\":1,\"app\":\"failover-lab\",\"version\":\"0.1.0\","
                      "\"started_wall_us\":1796090000000000,\"started_mono_us\":0,\"domain\":\"test.local\","
                      "\"lab\":{\"format\":1,\"name\":\"classroom\",\"domain\":\"test.local\",\"controllers\":["
                      "{\"name\":\"DC1\",\"host\":\"dc1.test.local\",\"address\":\"10.231.7.11\"},"
                      "{\"name\":\"DC2\",\"host\":\"dc2.test.local\",\"address\":\"10.231.7.12\"}]},"
                      "\"settings\":{\"interval_ms\":1000,\"deadline_ms\":800}}\n");
  for (guint t = 1; t <= seconds; t++)
    {
      gint64 us = (gint64) t * G_USEC_PER_SEC;
      gboolean dc1_down = t >= fault_at && t < fault_at + 600;
      const char *serving = t < fault_at + 2 ? "DC1" : "DC2";

      if (t == fault_at)
        g_string_append_printf (s, "{\"type\":\"event\",\"event\":\"fault\",\"t_us\":%" G_GINT64_FORMAT
                                ",\"wall_us\":%" G_GINT64_FORMAT ",\"dc\":\"DC1\",\"message\":\"shutdown DC1\"}\n",
                                us, wall0 + us);
      for (guint d = 0; d < 2; d++)
        for (guint c = 0; c < G_N_ELEMENTS (dc_checks); c++)
          {
            gboolean down = d == 0 && dc1_down;

            g_string_append_printf (s, "{\"type\":\"sample\",\"t_us\":%" G_GINT64_FORMAT ",\"wall_us\":%"
                                    G_GINT64_FORMAT ",\"dc\":\"DC%u\",\"check\":\"%s\",\"status\":\"%s\","
                                    "\"latency_us\":%u%s}\n",
                                    us, wall0 + us, d + 1, dc_checks[c], down ? "timeout" : "ok",
                                    down ? 800000 : 1000 + 37 * c + d,
                                    down ? ",\"message\":\"no answer within 800 ms\"" : "");
          }
      g_string_append_printf (s, "{\"type\":\"sample\",\"t_us\":%" G_GINT64_FORMAT ",\"wall_us\":%" G_GINT64_FORMAT
                              ",\"dc\":null,\"check\":\"locator\",\"status\":\"ok\",\"latency_us\":3000,"
                              "\"detail\":{\"server\":\"%s\"}}\n", us, wall0 + us, serving);
      g_string_append_printf (s, "{\"type\":\"sample\",\"t_us\":%" G_GINT64_FORMAT ",\"wall_us\":%" G_GINT64_FORMAT
                              ",\"dc\":null,\"check\":\"kdc_view\",\"status\":\"ok\",\"latency_us\":9000,"
                              "\"detail\":{\"server\":\"%s\"}}\n", us, wall0 + us, serving);
      g_string_append_printf (s, "{\"type\":\"sample\",\"t_us\":%" G_GINT64_FORMAT ",\"wall_us\":%" G_GINT64_FORMAT
                              ",\"dc\":null,\"check\":\"network\",\"status\":\"ok\",\"latency_us\":300}\n",
                              us, wall0 + us);
      g_string_append_printf (s, "{\"type\":\"sample\",\"t_us\":%" G_GINT64_FORMAT ",\"wall_us\":%" G_GINT64_FORMAT
                              ",\"dc\":null,\"check\":\"fsmo\",\"status\":\"ok\",\"latency_us\":15000}\n",
                              us, wall0 + us);
    }
  return s;
}

/* the anchor: every line through json-glib, nothing kept */
static double
parse_only (const GString *data)
{
  g_autoptr(JsonParser) parser = json_parser_new_immutable ();
  gint64 t0 = g_get_monotonic_time ();
  const char *p = data->str, *end = data->str + data->len;

  while (p < end)
    {
      const char *nl = memchr (p, '\n', (size_t)(end - p));
      gsize len = nl ? (gsize)(nl - p) : (gsize)(end - p);

      if (!json_parser_load_from_data (parser, p, (gssize) len, NULL))
        g_error ("the generated recording does not parse");
      p += len + 1;
    }
  return (g_get_monotonic_time () - t0) / 1e6;
}

static void
painted (GdkFrameClock *clock,
         gpointer       data)
{
  *(gboolean *) data = TRUE;
}

int
main (int    argc,
      char **argv)
{
  guint hours = argc > 1 ? (guint) atoi (argv[1]) : 8;
  g_autoptr(GString) data = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(FlRecordingContents) contents = NULL;
  g_autofree char *path = g_build_filename (g_get_tmp_dir (), "bench-replay.jsonl", NULL);
  FlWindow *window;
  GdkFrameClock *clock;
  gboolean drawn = FALSE;
  gulong handler;
  gint64 t0, t_read, t_open, t_frame;
  double anchor;

  adw_init ();
  data = make_recording (hours);
  anchor = parse_only (data);

  t0 = g_get_monotonic_time ();
  contents = fl_recording_read_data (data->str, data->len, &error);
  g_assert_no_error (error);
  t_read = g_get_monotonic_time ();

  window = fl_window_new (NULL);
  gtk_window_set_default_size (GTK_WINDOW (window), 1366, 768);
  gtk_window_present (GTK_WINDOW (window));
  while (g_main_context_iteration (NULL, FALSE))
    ;
  clock = gtk_widget_get_frame_clock (GTK_WIDGET (window));
  handler = g_signal_connect (clock, "after-paint", G_CALLBACK (painted), &drawn);
  t_open = g_get_monotonic_time ();
  if (!fl_window_open_recording (window, contents, path, &error))
    g_error ("%s", error->message);
  t_frame = g_get_monotonic_time ();
  gtk_widget_queue_draw (GTK_WIDGET (window));
  while (!drawn)
    g_main_context_iteration (NULL, TRUE);
  g_signal_handler_disconnect (clock, handler);

  {
    double read = (t_read - t0) / 1e6, open = (t_frame - t_open) / 1e6;
    double frame = (g_get_monotonic_time () - t_frame) / 1e6;
    double total = read + open + frame;

    printf ("recording: %u h at 1 Hz, %u samples, %.1f MB\n", hours, contents->samples->len,
            data->len / 1e6);
    printf ("read and parse: %.2f s (the app does it on a worker)\n", read);
    printf ("window fed (tiles, banner, chart, events): %.2f s\n", open);
    printf ("first frame: %.2f s\n", frame);
    printf ("open in all: %.2f s (goal: at most 2 s)\n", total);
    printf ("anchor, json-glib parsing the same lines alone: %.2f s; open / anchor = %.2f\n",
            anchor, total / anchor);
  }
  /* the slider back to the middle: a rebuild up to there */
  {
    gint64 t_seek = g_get_monotonic_time ();
    double seek;

    fl_window_replay_rebuild (window, window->replay_t0 + (window->replay_t1 - window->replay_t0) / 2);
    drawn = FALSE;
    handler = g_signal_connect (clock, "after-paint", G_CALLBACK (painted), &drawn);
    gtk_widget_queue_draw (GTK_WIDGET (window));
    while (!drawn)
      g_main_context_iteration (NULL, TRUE);
    g_signal_handler_disconnect (clock, handler);
    seek = (g_get_monotonic_time () - t_seek) / 1e6;
    printf ("slider back to the middle (rebuilt up to %u:00, framed): %.2f s\n", hours / 2, seek);
  }
  gtk_window_destroy (GTK_WINDOW (window));
  while (g_main_context_iteration (NULL, FALSE))
    ;
  return 0;
}
