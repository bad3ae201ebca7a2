/* test-ui.c: widgets created, shown, destroyed and finalized; screenshots of the window
 * (GSK_RENDERER=cairo) that fail on a blank or broken image. With FL_UI_LAB_FILE set (the
 * wrapper does so inside the sandbox's client namespace) it also shows a live lab.
 *
 * Copyright 2026 The Failover Lab authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <adwaita.h>
#include <glib/gi18n.h>
#include <glib/gstdio.h>
#include <locale.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>

#include "fl-chart.h"
#include "fl-dc-colors.h"
#include "fl-dc-details.h"
#include "fl-hint.h"
#include "fl-dc-tile.h"
#include "fl-exercise-pane.h"
#include "fl-exercise-picker.h"
#include "fl-report.h"
#include "fl-test-sample.h"
#include "fl-lab-probe.h"
#include "fl-logon-banner.h"
#include "fl-probe-config.h"
#include "fl-client-tile.h"
#include "fl-win-client.h"
#include "fl-window.h"
#include "fl-window-private.h"
#include "pve-emulator.h"
#include "fl-test-sshd.h"

static const char *shot_dir;
static const char *shot_suffix = "";

static gboolean
quit_cb (gpointer data)
{
  g_main_loop_quit (data);
  return G_SOURCE_REMOVE;
}

static void
spin (guint ms)
{
  g_autoptr(GMainLoop) loop = g_main_loop_new (NULL, FALSE);

  g_timeout_add (ms, quit_cb, loop);
  g_main_loop_run (loop);
}

static void
report_exported (GObject      *window,
                 GAsyncResult *result,
                 gpointer      data)
{
  GError **error = data;

  if (!fl_window_export_report_finish (FL_WINDOW (window), result, error) && *error == NULL)
    *error = g_error_new_literal (G_IO_ERROR, G_IO_ERROR_FAILED, "no report, no error");
  if (*error == NULL)
    *error = g_error_new_literal (G_IO_ERROR, G_IO_ERROR_EXISTS, "done");
}

/* Export → Report as HTML, waited for (no time limit: the test's own timeout ends a hang);
 * returns the report's text, and checks it names every DC and holds the chart */
static char *
export_report (FlWindow   *window,
               const char *name,
               const char *dc1,
               const char *dc2)
{
  g_autofree char *path = g_strdup_printf ("%s/%s", shot_dir, name);
  g_autoptr(GFile) file = g_file_new_for_path (path);
  g_autoptr(GError) error = NULL;
  char *html = NULL;

  fl_window_export_report_async (window, file, report_exported, &error);
  while (error == NULL)
    g_main_context_iteration (NULL, TRUE);
  if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_EXISTS))
    g_error ("Export → Report failed: %s", error->message);
  g_assert_true (g_file_get_contents (path, &html, NULL, NULL));
  if (strstr (html, "<svg") == NULL || strstr (html, dc1) == NULL || strstr (html, dc2) == NULL)
    g_error ("%s: the report lacks the chart or a DC (%s, %s)", path, dc1, dc2);
  return html;
}

static GdkTexture *
screenshot (GtkWidget  *window,
            const char *name)
{
  g_autoptr(GdkPaintable) paintable = gtk_widget_paintable_new (window);
  GtkSnapshot *snapshot = gtk_snapshot_new ();
  g_autoptr(GskRenderNode) node = NULL;
  int w = gtk_widget_get_width (window), h = gtk_widget_get_height (window);
  GskRenderer *renderer = gtk_native_get_renderer (GTK_NATIVE (window));
  GdkTexture *texture;
  g_autofree char *path = g_strdup_printf ("%s/%s%s.png", shot_dir, name, shot_suffix);

  g_assert_cmpint (w, >, 200);
  g_assert_cmpint (h, >, 200);
  /* a widget that changes all the time may have no render node between two frames: wait for
   * one (a few frames at most) */
  for (guint attempt = 0; attempt < 40; attempt++)
    {
      gdk_paintable_snapshot (paintable, snapshot, w, h);
      node = gtk_snapshot_free_to_node (snapshot);
      if (node != NULL)
        break;
      snapshot = gtk_snapshot_new ();
      spin (25);
    }
  g_assert_nonnull (node);
  texture = gsk_renderer_render_texture (renderer, node, &GRAPHENE_RECT_INIT (0, 0, w, h));
  g_assert_true (gdk_texture_save_to_png (texture, path));
  g_test_message ("screenshot: %s", path);
  return texture;
}

typedef struct
{
  guint distinct;
  guint dark;     /* text */
  guint green;    /* success */
  guint red;      /* error */
} Stats;

/* colour statistics of a region (fractions of the texture, 0–1) */
static Stats
region_stats (GdkTexture *texture,
              double      x0,
              double      y0,
              double      x1,
              double      y1)
{
  int w = gdk_texture_get_width (texture), h = gdk_texture_get_height (texture);
  g_autofree guchar *data = g_malloc ((gsize)w * h * 4);
  g_autoptr(GHashTable) colours = g_hash_table_new (NULL, NULL);
  Stats st = { 0 };

  gdk_texture_download (texture, data, (gsize)w * 4);
  for (int y = (int)(y0 * h); y < (int)(y1 * h); y++)
    for (int x = (int)(x0 * w); x < (int)(x1 * w); x++)
      {
        const guchar *p = data + ((gsize)y * w + x) * 4;   /* B G R A (native, little-endian) */
        guint b = p[0], g = p[1], r = p[2];

        g_hash_table_add (colours, GUINT_TO_POINTER ((r << 16) | (g << 8) | b));
        if (r + g + b < 200)
          st.dark++;
        if (g > r + 40 && g > b + 10)
          st.green++;
        if (r > g + 60 && r > b + 60)
          st.red++;
      }
  st.distinct = g_hash_table_size (colours);
  return st;
}

/* colour statistics of where @widget is in @shot, a screenshot of @window */
static Stats
widget_stats (GdkTexture *shot,
              GtkWidget  *widget,
              GtkWidget  *window)
{
  double w = gdk_texture_get_width (shot), h = gdk_texture_get_height (shot);
  graphene_rect_t b;

  g_assert_true (gtk_widget_compute_bounds (widget, window, &b));
  /* the part in the picture: a scrolled column may reach past the window */
  return region_stats (shot, CLAMP (b.origin.x / w, 0, 1), CLAMP (b.origin.y / h, 0, 1),
                       CLAMP ((b.origin.x + b.size.width) / w, 0, 1), CLAMP ((b.origin.y + b.size.height) / h, 0, 1));
}

static void
test_tile_lifecycle (void)
{
  g_autoptr(FlDcState) state = fl_dc_state_new ("DC1", "dc1.test.local", "192.0.2.11", "Default-First-Site-Name",
                                                NULL, 0);
  GtkWidget *tile = fl_dc_tile_new (state);
  GtkWidget *window = gtk_window_new ();
  g_autoptr(FlSample) ok = fl_sample_new (FL_CHECK_LDAP_PING, "DC1", FL_STATUS_OK, g_get_monotonic_time (), 1000, NULL, NULL);
  g_autoptr(FlSample) reach = fl_sample_new (FL_CHECK_REACH, "DC1", FL_STATUS_OK, g_get_monotonic_time (), 1000, NULL, NULL);
  g_autoptr(FlSample) refused = fl_sample_new (FL_CHECK_LDAP_PING, "DC1", FL_STATUS_FAIL, g_get_monotonic_time (), 1000, "refused", NULL);
  g_autoptr(FlSample) gone = fl_sample_new (FL_CHECK_REACH, "DC1", FL_STATUS_TIMEOUT, g_get_monotonic_time (), 800000, NULL, NULL);

  g_object_ref (tile);
  gtk_window_set_child (GTK_WINDOW (window), tile);
  gtk_window_present (GTK_WINDOW (window));
  fl_dc_state_add_sample (state, reach);
  fl_dc_state_add_sample (state, ok);
  g_assert_cmpstr (fl_dc_tile_describe (state, NULL), ==, _("Answering"));
  fl_dc_state_add_sample (state, refused);
  /* running, but not answering: not the same as unreachable */
  g_assert_cmpstr (fl_dc_tile_describe (state, NULL), ==, _("Up, services not answering"));
  fl_dc_state_add_sample (state, gone);
  g_assert_cmpstr (fl_dc_tile_describe (state, NULL), ==, _("Unreachable"));
  fl_dc_state_set_fsmo_roles (state, 1u << FL_FSMO_PDC | 1u << FL_FSMO_RID);
  fl_dc_state_set_serving (state, TRUE);
  spin (50);
  /* a role holder down lists what stops, in long lines: they wrap inside the tile and never
   * widen it (a wide tile pushed the others below the fold, one tile a line) */
  fl_dc_state_set_fsmo_roles (state, (1u << FL_FSMO_N_ROLES) - 1);
  spin (50);
  {
    int min = 0, nat = 0;

    gtk_widget_measure (tile, GTK_ORIENTATION_HORIZONTAL, -1, &min, &nat, NULL, NULL);
    if (nat > 420)
      g_error ("a DC tile whose FSMO holder is down asks for %d px (natural width): its text "
               "does not wrap", nat);
  }
  gtk_window_destroy (GTK_WINDOW (window));
  g_assert_finalize_object (tile);
  /* the tile let go of its model */
  g_assert_cmpuint (G_OBJECT (state)->ref_count, ==, 1);
}

static GVariant *
dict (const char *first_key,
      ...)
{
  GVariantDict d;
  va_list ap;

  g_variant_dict_init (&d, NULL);
  va_start (ap, first_key);
  for (const char *k = first_key; k != NULL; k = va_arg (ap, const char *))
    g_variant_dict_insert (&d, k, "s", va_arg (ap, const char *));
  va_end (ap);
  return g_variant_dict_end (&d);
}

static void collect_text (GtkWidget *widget, GString *text);

static void
test_details_lifecycle (void)
{
  g_autoptr(FlDcState) state = fl_dc_state_new ("DC1", "dc1.test.local", "192.0.2.11", "Default-First-Site-Name",
                                                NULL, 0);
  GtkWidget *host = gtk_window_new ();
  GtkWidget *details;
  g_autoptr(FlSample) ping = fl_sample_new (FL_CHECK_LDAP_PING, "DC1", FL_STATUS_OK, g_get_monotonic_time (), 900, NULL,
                                            dict ("dc_host", "dc1.test.local", "netbios_computer", "DC1",
                                                  "domain", "test.local", "forest", "test.local",
                                                  "flags_text", "PDC GC LDAP DS KDC TIMESERV CLOSEST WRITABLE",
                                                  "dc_site", "Default-First-Site-Name", NULL));
  g_autoptr(FlSample) ldap = fl_sample_new (FL_CHECK_LDAP, "DC1", FL_STATUS_OK, g_get_monotonic_time (), 2000, NULL,
                                            dict ("dnsHostName", "dc1.test.local", "isSynchronized", "TRUE",
                                                  "address", "192.0.2.11", NULL));
  g_autoptr(FlSample) krb = fl_sample_new (FL_CHECK_KERBEROS, "DC1", FL_STATUS_FAIL, g_get_monotonic_time (), 4000,
                                           "KDC refused the AS-REQ: Client's credentials have been revoked "
                                           "(KDC_ERR_CLIENT_REVOKED): the account is disabled or locked out",
                                           dict ("error", "auth", NULL));
  g_autoptr(FlSample) trust = fl_sample_new (FL_CHECK_MACHINE_TRUST, "DC1", FL_STATUS_FAIL, g_get_monotonic_time (),
                                             3000, "the machine account's key was refused (Preauthentication "
                                             "failed): the trust relationship is broken", dict ("error", "auth", NULL));
  g_autoptr(GdkTexture) shot = NULL;
  g_autoptr(GString) text = g_string_new (NULL);
  g_autofree char *trust_text = fl_hint_get_text (FL_HINT_TRUST_BROKEN, "DC1", "test.local");

  fl_dc_state_add_sample (state, ping);
  fl_dc_state_add_sample (state, ldap);
  fl_dc_state_add_sample (state, krb);
  fl_dc_state_add_sample (state, trust);
  details = fl_dc_details_new (state, GTK_WINDOW (host));
  g_object_ref (details);
  gtk_window_present (GTK_WINDOW (details));
  spin (400);
  shot = screenshot (details, "dc-details");
  g_assert_cmpuint (region_stats (shot, 0.05, 0.1, 0.95, 0.9).dark, >, 300);    /* rows of text */
  /* what to do: each failure's class once, in words and with the DC's name in the commands */
  collect_text (details, text);
  if (strstr (text->str, fl_hint_get_title (FL_HINT_TRUST_BROKEN)) == NULL ||
      strstr (text->str, trust_text) == NULL || strstr (text->str, fl_hint_get_title (FL_HINT_CREDENTIALS)) == NULL ||
      strstr (text->str, "-Server DC1") == NULL)
    g_error ("the details' What to Do lacks the broken trust or the refused credentials:\n%s", text->str);
  g_assert_cmpuint (region_stats (shot, 0, 0, 1, 1).distinct, >, 50);
  gtk_window_destroy (GTK_WINDOW (details));
  g_assert_finalize_object (details);
  /* the details held the DC's model only while they were open */
  g_assert_cmpuint (G_OBJECT (state)->ref_count, ==, 1);
  gtk_window_destroy (GTK_WINDOW (host));
}

static void
test_chart_lifecycle (void)
{
  g_autoptr(FlProbeConfig) config = fl_probe_config_new ("test.local", "TEST.LOCAL");
  g_autoptr(FlTimeline) timeline = NULL;
  GtkWidget *chart = fl_chart_new ();
  GtkWidget *window = gtk_window_new ();
  gint64 now = g_get_monotonic_time ();
  g_autoptr(GdkTexture) shot = NULL;

  fl_probe_config_add_dc (config, "DC1", "dc1.test.local", "192.0.2.11", NULL);
  fl_probe_config_add_dc (config, "DC2", "dc2.test.local", "192.0.2.12", NULL);
  fl_probe_config_set_timing (config, 1000, 800);
  timeline = fl_timeline_new (config, 0);
  for (int t = 100; t > 0; t--)
    for (FlCheckKind k = 0; k < FL_N_DC_CHECKS; k++)
      {
        /* DC1 fails for the last 30 s */
        g_autoptr(FlSample) a = fl_sample_new (k, "DC1", t < 30 ? FL_STATUS_TIMEOUT : FL_STATUS_OK,
                                               now - t * G_USEC_PER_SEC, 1000 + t * 10, NULL, NULL);
        g_autoptr(FlSample) b = fl_sample_new (k, "DC2", FL_STATUS_OK, now - t * G_USEC_PER_SEC, 2000, NULL, NULL);

        fl_timeline_add_sample (timeline, a);
        fl_timeline_add_sample (timeline, b);
      }
  fl_timeline_mark_fault (timeline, FL_EVENT_FAULT, "DC1", "test");

  g_object_ref (chart);
  fl_chart_set_timeline (FL_CHART (chart), timeline);
  fl_chart_set_span (FL_CHART (chart), 120);
  gtk_window_set_default_size (GTK_WINDOW (window), 900, 360);
  gtk_window_set_child (GTK_WINDOW (window), chart);
  gtk_window_present (GTK_WINDOW (window));
  spin (300);
  shot = screenshot (window, "chart-widget");
  /* the right part has lanes: green for DC2, timeouts for DC1 */
  g_assert_cmpuint (region_stats (shot, 0.6, 0, 1, 0.5).green, >, 500);
  g_assert_cmpuint (region_stats (shot, 0, 0, 1, 1).distinct, >, 20);
  fl_chart_set_latency_log (FL_CHART (chart), TRUE);
  fl_chart_set_colorblind (FL_CHART (chart), TRUE);
  fl_chart_set_follow_live (FL_CHART (chart), FALSE);
  spin (100);
  gtk_window_destroy (GTK_WINDOW (window));
  g_assert_finalize_object (chart);
}

/* DC1 and DC2 of test.local, on documentation addresses */
static void
add_two_dcs (FlLab *lab)
{
  for (guint i = 0; i < 2; i++)
    {
      g_autofree char *name = g_strdup_printf ("DC%u", i + 1);
      g_autofree char *host = g_strdup_printf ("dc%u.test.local", i + 1);
      g_autofree char *address = g_strdup_printf ("192.0.2.%u", 11 + i);
      g_autoptr(FlLabController) c = fl_lab_controller_new (name, host, address);

      fl_lab_add_controller (lab, c);
    }
}

/* @banner in @window on a session of @lab (two DCs added); the window shown */
static FlLabSession *
banner_session (FlLab     *lab,
                GtkWidget *banner,
                GtkWidget *window)
{
  g_autoptr(FlProbeConfig) config = NULL;
  g_autoptr(GError) error = NULL;
  FlLabSession *session;

  add_two_dcs (lab);
  config = fl_lab_create_probe_config (lab, NULL, &error);
  g_assert_no_error (error);
  session = fl_lab_session_new (lab, config, NULL, 64);
  g_object_ref (banner);
  gtk_window_set_child (GTK_WINDOW (window), banner);
  gtk_window_set_default_size (GTK_WINDOW (window), 720, 240);   /* room for a screenshot */
  gtk_window_present (GTK_WINDOW (window));
  fl_logon_banner_set_session (FL_LOGON_BANNER (banner), session);
  return session;
}

static void
test_banner_lifecycle (void)
{
  g_autoptr(FlLab) lab = fl_lab_new ("banner", "test.local");
  GtkWidget *banner = fl_logon_banner_new ();
  GtkWidget *window = gtk_window_new ();
  g_autoptr(FlLabSession) session = banner_session (lab, banner, window);

  spin (50);
  gtk_window_destroy (GTK_WINDOW (window));
  g_assert_finalize_object (banner);
  /* the banner let go of the session */
  g_assert_cmpuint (G_OBJECT (session)->ref_count, ==, 1);
}

/* the Windows client's own views in the banner, as a round of its commands gives them: its
 * locator on DC2 with the workstation, its secure channel still on DC1 and failing (1722), the
 * DC at sign-in DC1; what differs from the workstation is marked with a sign and a word */
static void
test_banner_windows_client (void)
{
  g_autoptr(FlLab) lab = fl_lab_new ("banner", "test.local");
  g_autoptr(FlProbeConfig) config = NULL;
  g_autoptr(FlLabSession) session = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) round = NULL;
  g_autoptr(FlSample) locator = NULL;
  g_autoptr(GdkTexture) shot = NULL;
  g_autoptr(GDateTime) now = g_date_time_new_now_local ();
  gint64 wall = g_date_time_to_unix (now) * G_USEC_PER_SEC;
  GtkWidget *banner = fl_logon_banner_new ();
  GtkWidget *window = gtk_window_new ();
  GtkWidget *client_label;
  const char *text;

  add_two_dcs (lab);
  fl_lab_set_client (lab, "WIN11", FL_CLIENT_ACCESS_GUEST_AGENT, "pve1", 103);
  config = fl_lab_create_probe_config (lab, NULL, &error);
  g_assert_no_error (error);
  session = fl_lab_session_new (lab, config, NULL, 64);

  g_object_ref (banner);
  gtk_window_set_child (GTK_WINDOW (window), banner);
  gtk_window_set_default_size (GTK_WINDOW (window), 900, 240);
  gtk_window_present (GTK_WINDOW (window));
  fl_logon_banner_set_session (FL_LOGON_BANNER (banner), session);
  client_label = gtk_widget_get_last_child (gtk_widget_get_first_child (banner));
  while (client_label != NULL && !(GTK_IS_LABEL (client_label) &&
                                   gtk_label_get_use_markup (GTK_LABEL (client_label)) &&
                                   !gtk_widget_get_visible (client_label)))
    client_label = gtk_widget_get_prev_sibling (client_label);
  g_assert_nonnull (client_label);   /* hidden until the client answers */

  locator = fl_test_sample_new (FL_CHECK_LOCATOR, NULL, FL_STATUS_OK, 1000000, wall, 3000, "DC2", NULL);
  fl_lab_session_add_sample (session, locator);
  round = fl_win_round_samples (config,
                                "@@failover-lab:dsgetdc\r\n"
                                "           DC: \\\\DC2.test.local\r\n"
                                "      Address: \\\\192.0.2.12\r\n"
                                "The command completed successfully\r\n"
                                "@@failover-lab:sc_query\r\n"
                                "Flags: 30 HAS_IP  HAS_TIMESERV\r\n"
                                "Trusted DC Name \\\\DC1.test.local\r\n"
                                "Trusted DC Connection Status Status = 1722 0x6ba RPC_S_SERVER_UNAVAILABLE\r\n"
                                "@@failover-lab:klist\r\n"
                                "@@failover-lab:logonserver\r\n"
                                "\\\\DC1\r\n", 1100000, wall, 1500000);
  for (guint i = 0; i < round->len; i++)
    fl_lab_session_add_sample (session, round->pdata[i]);
  spin (100);
  text = gtk_label_get_text (GTK_LABEL (client_label));
  if (!gtk_widget_get_visible (client_label) || strstr (text, "WIN11") == NULL || strstr (text, "DC2") == NULL ||
      strstr (text, "⚠") == NULL || strstr (text, "1722 RPC_S_SERVER_UNAVAILABLE") == NULL)
    g_error ("the banner's client line: visible %d, \"%s\"", gtk_widget_get_visible (client_label), text);
  shot = screenshot (window, "banner-windows-client");
  g_assert_cmpuint (region_stats (shot, 0, 0, 1, 1).distinct, >, 20);
  gtk_window_destroy (GTK_WINDOW (window));
  g_assert_finalize_object (banner);
}

static void
test_window_welcome (void)
{
  const char *fixture = g_getenv ("FL_REPORT_FIXTURE");
  g_autofree char *dir = g_build_filename (g_get_user_data_dir (), "failover-lab", "recordings", NULL);
  /* the newest of all (an earlier test's live sessions are recorded there too): an hour ahead */
  g_autoptr(GDateTime) now = g_date_time_new_now_local ();
  g_autoptr(GDateTime) when = g_date_time_add_hours (now, 1);
  g_autofree char *stamp = g_date_time_format (when, "%Y-%m-%d-%H%M%S");
  g_autofree char *clock = g_date_time_format (when, "%H:%M");
  g_autofree char *base = g_strdup_printf ("%s-classroom.jsonl", stamp);
  g_autofree char *recording = g_build_filename (dir, base, NULL);
  FlWindow *window;
  g_autoptr(GdkTexture) shot = NULL;
  Stats all, middle;

  /* a recording in the default folder: listed on the welcome page, to open for a debrief */
  if (fixture != NULL)
    {
      g_autofree char *text = NULL;
      gsize len;

      g_assert_true (g_file_get_contents (fixture, &text, &len, NULL));
      g_assert_cmpint (g_mkdir_with_parents (dir, 0700), ==, 0);
      g_assert_true (g_file_set_contents (recording, text, (gssize) len, NULL));
    }
  window = fl_window_new (NULL);
  g_object_ref (window);
  gtk_window_present (GTK_WINDOW (window));
  spin (500);
  if (fixture != NULL)
    {
      GtkWidget *list = GTK_WIDGET (gtk_widget_get_template_child (GTK_WIDGET (window), FL_TYPE_WINDOW,
                                                                   "recordings_list"));
      GtkWidget *row;

      /* listed on a worker: wait for it (the test's timeout ends a hang); newer recordings
       * (an earlier test's live sessions) come first */
      while (gtk_widget_get_first_child (list) == NULL)
        spin (50);
      g_assert_true (gtk_widget_get_visible (list));
      for (row = gtk_widget_get_first_child (list); row != NULL; row = gtk_widget_get_next_sibling (row))
        if (g_strcmp0 (adw_preferences_row_get_title (ADW_PREFERENCES_ROW (row)), "classroom") == 0)
          break;
      if (row == NULL)
        g_error ("the recording %s is not listed on the welcome page", recording);
      g_assert_nonnull (strstr (adw_action_row_get_subtitle (ADW_ACTION_ROW (row)), clock));
      spin (100);
    }
  shot = screenshot (GTK_WIDGET (window), "welcome");
  all = region_stats (shot, 0, 0, 1, 1);
  middle = region_stats (shot, 0.25, 0.3, 0.75, 0.7);
  /* not blank: anti-aliased text and an icon make many colours; the title is dark text */
  g_assert_cmpuint (all.distinct, >, 50);
  g_assert_cmpuint (middle.dark, >, 200);
  gtk_window_destroy (GTK_WINDOW (window));
  g_assert_finalize_object (window);
  g_unlink (recording);
}

static void
feed (FlGrader   *grader,
      FlCheckKind kind,
      const char *dc,
      FlStatus    status,
      double      t,
      const char *server)
{
  g_autoptr(FlSample) sample = fl_test_sample_new (kind, dc, status, (gint64)(t * G_USEC_PER_SEC), 0,
                                                   10000, server, NULL);

  fl_grader_add_sample (grader, sample);
}

static void
feed_round (FlGrader   *grader,
            double      t,
            FlStatus    dc1,
            const char *server)
{
  feed (grader, FL_CHECK_LDAP_PING, "DC1", dc1, t, NULL);
  feed (grader, FL_CHECK_LDAP_PING, "DC2", FL_STATUS_OK, t, NULL);
  feed (grader, FL_CHECK_DNS, "DC1", dc1, t, NULL);
  feed (grader, FL_CHECK_DNS, "DC2", FL_STATUS_OK, t, NULL);
  feed (grader, FL_CHECK_KERBEROS, "DC1", dc1, t, NULL);
  feed (grader, FL_CHECK_KERBEROS, "DC2", FL_STATUS_OK, t, NULL);
  feed (grader, FL_CHECK_LOCATOR, NULL, FL_STATUS_OK, t, server);
  feed (grader, FL_CHECK_KDC_VIEW, NULL, FL_STATUS_OK, t, "DC1");
}

/* The checklist of a planned failover half-way: the baseline passed, the shutdown's
 * expectations passed with their times but one (the KDC stayed: failed, with its reason and
 * hint), the restart pending; and the Exercises dialog. Not blank, green and red both there. */
static void
test_exercise_pane (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(FlExercise) exercise = fl_exercise_lookup_builtin ("planned-failover", &error);
  const char *dcs[] = { "DC1", "DC2", NULL };
  g_autoptr(FlGrader) grader = NULL;
  g_autoptr(GdkTexture) shot = NULL;
  GtkWindow *picker;
  GtkWidget *window, *pane;
  Stats all;

  g_assert_no_error (error);
  grader = fl_grader_new (exercise, dcs);
  feed_round (grader, 0, FL_STATUS_OK, "DC1");
  g_assert_true (fl_grader_bind_roles (grader, NULL, NULL, &error));
  fl_grader_begin_step (grader, 0, 1 * G_USEC_PER_SEC);
  fl_grader_end_step (grader, FL_GRADE_PASSED, NULL);
  fl_grader_begin_step (grader, 1, 2 * G_USEC_PER_SEC);
  feed_round (grader, 3.2, FL_STATUS_TIMEOUT, "DC2");
  fl_grader_advance (grader, 200 * G_USEC_PER_SEC);

  window = adw_window_new ();
  g_object_ref (window);
  gtk_window_set_default_size (GTK_WINDOW (window), 420, 900);
  pane = fl_exercise_pane_new ();
  gtk_widget_set_margin_start (pane, 12);
  gtk_widget_set_margin_top (pane, 12);
  fl_exercise_pane_set_grader (FL_EXERCISE_PANE (pane), grader, 1);
  adw_window_set_content (ADW_WINDOW (window), pane);
  gtk_window_present (GTK_WINDOW (window));
  spin (500);
  shot = screenshot (window, "exercise-pane");
  all = region_stats (shot, 0, 0, 1, 1);
  g_assert_cmpuint (all.distinct, >, 50);
  g_assert_cmpuint (all.dark, >, 2000);    /* the instruction, the steps */
  g_assert_cmpuint (all.green, >, 50);     /* passed */
  g_assert_cmpuint (all.red, >, 50);       /* failed, with its reason */
  gtk_window_destroy (GTK_WINDOW (window));
  spin (50);
  g_assert_finalize_object (window);

  picker = fl_exercise_picker_new (NULL, NULL, NULL);
  g_object_ref (picker);
  gtk_window_present (picker);
  spin (500);
  g_clear_object (&shot);
  shot = screenshot (GTK_WIDGET (picker), "exercises");
  all = region_stats (shot, 0, 0, 1, 1);
  g_assert_cmpuint (all.distinct, >, 50);
  g_assert_cmpuint (region_stats (shot, 0.1, 0.2, 0.9, 0.9).dark, >, 300);   /* six exercises' titles */
  gtk_window_destroy (picker);
  spin (50);
  g_assert_finalize_object (picker);
}

/* The HTML report as a class reads it: a browser (Debian's chromium, headless) draws it, in the
 * UI's language. Not blank; the chart's green and red, the passed grades are there. */
static void
test_report_screenshot (void)
{
  g_autofree char *chromium = g_find_program_in_path ("chromium");
  const char *fixture = g_getenv ("FL_REPORT_FIXTURE");
  g_autoptr(GError) error = NULL;
  g_autoptr(FlRecordingContents) contents = NULL;
  g_autofree char *html = NULL;
  g_autofree char *html_path = g_strdup_printf ("%s/report%s.html", shot_dir, shot_suffix);
  g_autofree char *png_path = g_strdup_printf ("%s/report%s.png", shot_dir, shot_suffix);
  g_autofree char *shot_arg = g_strdup_printf ("--screenshot=%s", png_path);
  g_autofree char *uri = NULL;
  g_autoptr(GSubprocess) browser = NULL;
  g_autoptr(GdkTexture) shot = NULL;
  Stats all;

  if (chromium == NULL || fixture == NULL)
    {
      g_test_skip ("no chromium here, or FL_REPORT_FIXTURE is not set");
      return;
    }
  contents = fl_recording_read_file (fixture, &error);
  g_assert_no_error (error);
  html = fl_report_html (contents, "planned-failover.jsonl");
  g_assert_true (g_file_set_contents (html_path, html, -1, &error));
  uri = g_filename_to_uri (html_path, NULL, &error);
  g_assert_no_error (error);
  g_unlink (png_path);
  browser = g_subprocess_new (G_SUBPROCESS_FLAGS_STDOUT_SILENCE | G_SUBPROCESS_FLAGS_STDERR_SILENCE, &error,
                              chromium, "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
                              "--window-size=1000,1400", shot_arg, uri, NULL);
  g_assert_no_error (error);
  g_assert_true (g_subprocess_wait (browser, NULL, &error));
  if (!g_subprocess_get_if_exited (browser) || g_subprocess_get_exit_status (browser) != 0)
    g_error ("chromium: exit status %d", g_subprocess_get_exit_status (browser));
  shot = gdk_texture_new_from_filename (png_path, &error);
  g_assert_no_error (error);
  g_test_message ("screenshot: %s", png_path);
  all = region_stats (shot, 0, 0, 1, 1);
  g_assert_cmpuint (all.distinct, >, 50);
  g_assert_cmpuint (all.dark, >, 3000);     /* the text */
  g_assert_cmpuint (all.green, >, 2000);    /* answers, passed */
  g_assert_cmpuint (all.red, >, 1000);      /* the stopped DC */
}

/* A recording replayed, read-only: the window shows how it ended (the banner on DC2 after DC1's
 * shutdown), the whole recording in the chart, and offers no VM action. */
static void
test_window_replay (void)
{
  const char *fixture = g_getenv ("FL_REPORT_FIXTURE");
  g_autoptr(GError) error = NULL;
  g_autoptr(FlRecordingContents) contents = NULL;
  g_autoptr(GdkTexture) shot = NULL;
  FlWindow *window;
  Stats all;

  if (fixture == NULL)
    {
      g_test_skip ("FL_REPORT_FIXTURE is not set");
      return;
    }
  contents = fl_recording_read_file (fixture, &error);
  g_assert_no_error (error);
  window = fl_window_new (NULL);
  g_object_ref (window);
  gtk_window_set_default_size (GTK_WINDOW (window), 1260, 840);
  gtk_window_present (GTK_WINDOW (window));
  g_assert_true (fl_window_open_recording (window, contents, fixture, &error));
  g_assert_no_error (error);
  spin (800);
  g_assert_cmpstr (fl_window_get_logon_server (window), ==, "DC2");
  /* the report of a replayed recording: the recording's, as failoverctl report makes it */
  {
    g_autofree char *html = export_report (window, "replay-report.html", "DC1", "DC2");

    g_assert_nonnull (strstr (html, "planned-failover.jsonl"));
  }
  shot = screenshot (GTK_WIDGET (window), "replay");
  all = region_stats (shot, 0, 0, 1, 1);
  g_assert_cmpuint (all.distinct, >, 100);
  g_assert_cmpuint (all.red, >, 200);     /* DC1's failed pings in the chart, its tile */
  g_assert_cmpuint (all.green, >, 200);
  gtk_window_destroy (GTK_WINDOW (window));
  spin (100);
  g_assert_finalize_object (window);
}

/* where @widget is in @window, for an assertion's message */
static char *
describe_bounds (GtkWidget *widget,
                 GtkWidget *window)
{
  graphene_rect_t b;

  if (!gtk_widget_compute_bounds (widget, window, &b))
    return g_strdup_printf ("%s: not shown", G_OBJECT_TYPE_NAME (widget));
  return g_strdup_printf ("%s at %.0f,%.0f %.0f×%.0f", G_OBJECT_TYPE_NAME (widget),
                          b.origin.x, b.origin.y, b.size.width, b.size.height);
}

/* @widget is shown whole inside the visible part of @viewport (a scrolled window's), in @window */
static gboolean
shown_whole (GtkWidget *widget,
             GtkWidget *viewport,
             GtkWidget *window)
{
  graphene_rect_t b, v;

  return gtk_widget_compute_bounds (widget, window, &b) && gtk_widget_compute_bounds (viewport, window, &v)
         && b.size.width > 0 && b.size.height > 0 && graphene_rect_contains_rect (&v, &b);
}

/* the top @px of @widget (a tile's name and state) are shown inside @viewport */
static gboolean
shown_top (GtkWidget *widget,
           GtkWidget *viewport,
           GtkWidget *window,
           double     px)
{
  graphene_rect_t b, v;

  if (!gtk_widget_compute_bounds (widget, window, &b) || !gtk_widget_compute_bounds (viewport, window, &v))
    return FALSE;
  b.size.height = MIN (b.size.height, px);
  return b.size.width > 0 && graphene_rect_contains_rect (&v, &b);
}

/* the page does not scroll, and the logon server and the chart are shown whole */
static void
assert_page_fits (FlWindow   *window,
                  const char *where)
{
  GtkAdjustment *vadj = gtk_scrolled_window_get_vadjustment (GTK_SCROLLED_WINDOW (window->page_scroller));
  GtkWidget *win = GTK_WIDGET (window);

  if (gtk_adjustment_get_upper (vadj) > gtk_adjustment_get_page_size (vadj) + 1)
    g_error ("%s: the page scrolls (%.0f px of content in %.0f)", where,
             gtk_adjustment_get_upper (vadj), gtk_adjustment_get_page_size (vadj));
  if (!shown_whole (GTK_WIDGET (window->banner), window->page_scroller, win) ||
      !shown_whole (GTK_WIDGET (window->chart), window->page_scroller, win))
    g_error ("%s: the banner or the chart is not shown whole", where);
}

/* a recording read from @text (JSON lines), through a file as the window reads one */
static FlRecordingContents *
recording_from_text (const char *text,
                     gsize       len)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *path = NULL;
  FlRecordingContents *contents;
  int fd = g_file_open_tmp ("fl-ui-recording-XXXXXX.jsonl", &path, &error);

  g_assert_no_error (error);
  g_close (fd, NULL);
  g_assert_true (g_file_set_contents (path, text, (gssize)len, &error));
  contents = fl_recording_read_file (path, &error);
  g_assert_no_error (error);
  g_unlink (path);
  return contents;
}

/* the fixture's recording without its exercise (no checklist beside the chart) */
static FlRecordingContents *
read_without_exercise (const char *fixture)
{
  g_autofree char *text = NULL;
  g_auto(GStrv) lines = NULL;
  g_autoptr(GString) kept = g_string_new (NULL);
  g_autoptr(GError) error = NULL;

  g_assert_true (g_file_get_contents (fixture, &text, NULL, &error));
  lines = g_strsplit (text, "\n", -1);
  for (guint i = 0; lines[i] != NULL; i++)
    if (lines[i][0] != '\0' && !g_str_has_prefix (lines[i], "{\"type\": \"exercise\""))
      g_string_append_printf (kept, "%s\n", lines[i]);
  return recording_from_text (kept->str, kept->len);
}

/* A classroom's projector (1366×768), a full-HD screen and presenter mode: the logon server, the
 * tiles and the switchover chart are seen together, no scrolling; the chart is drawn (not blank)
 * and on a tall screen takes the height left. With an exercise's checklist beside them on a
 * projector, the tiles' column may scroll, but every tile's name and state are in sight. */
static void
test_window_classroom (void)
{
  const char *fixture = g_getenv ("FL_REPORT_FIXTURE");
  static const struct { int width, height; gboolean exercise, presenter; const char *name; } sizes[] = {
    { 1366, 768, FALSE, FALSE, "classroom-1366x768" },
    { 1366, 768, TRUE, FALSE, "classroom-exercise-1366x768" },
    { 1920, 1080, TRUE, FALSE, "classroom-exercise-1920x1080" },
    { 1366, 768, FALSE, TRUE, "presenter-1366x768" },
  };
  g_autoptr(GError) error = NULL;
  g_autoptr(FlRecordingContents) with_exercise = NULL;
  g_autoptr(FlRecordingContents) without_exercise = NULL;

  if (fixture == NULL)
    {
      g_test_skip ("FL_REPORT_FIXTURE is not set");
      return;
    }
  with_exercise = fl_recording_read_file (fixture, &error);
  g_assert_no_error (error);
  without_exercise = read_without_exercise (fixture);
  for (guint i = 0; i < G_N_ELEMENTS (sizes); i++)
    {
      FlWindow *window = fl_window_new (NULL);
      GtkWidget *win = GTK_WIDGET (window), *chart, *tile;
      g_autoptr(GdkTexture) shot = NULL;
      g_autoptr(GString) where = g_string_new (NULL);
      graphene_rect_t c;
      int natural, w, h;
      Stats inside;

      g_object_ref (window);
      gtk_window_set_default_size (GTK_WINDOW (window), sizes[i].width, sizes[i].height);
      gtk_window_present (GTK_WINDOW (window));
      g_assert_true (fl_window_open_recording (window, sizes[i].exercise ? with_exercise : without_exercise,
                                               fixture, &error));
      g_assert_no_error (error);
      if (sizes[i].presenter)
        gtk_widget_activate_action (win, "win.presenter", NULL);
      spin (800);
      shot = screenshot (win, sizes[i].name);   /* first: the evidence of what follows */
      w = gtk_widget_get_width (win);
      h = gtk_widget_get_height (win);
      chart = GTK_WIDGET (window->chart);
      {
        g_autofree char *banner = describe_bounds (GTK_WIDGET (window->banner), win);
        g_autofree char *tiles = describe_bounds (GTK_WIDGET (window->tiles), win);
        g_autofree char *charted = describe_bounds (chart, win);

        g_string_append_printf (where, "%s: window %d×%d; %s; %s; %s", sizes[i].name, w, h, banner, tiles, charted);
      }
      if (sizes[i].presenter != gtk_widget_has_css_class (win, "presenter"))
        g_error ("%s: presenter mode not applied", where->str);
      if (sizes[i].exercise != gtk_widget_get_visible (GTK_WIDGET (window->exercise_pane)))
        g_error ("%s: the exercise's checklist is not shown as it should be", where->str);
      assert_page_fits (window, where->str);
      for (tile = gtk_widget_get_first_child (GTK_WIDGET (window->tiles)); tile; tile = gtk_widget_get_next_sibling (tile))
        if (sizes[i].exercise && sizes[i].height < 1000 ? !shown_top (tile, window->page_scroller, win, 60)
                                                        : !shown_whole (tile, window->page_scroller, win))
          {
            g_autofree char *at = describe_bounds (tile, win);

            g_error ("%s: a tile is not in sight: %s", where->str, at);
          }
      g_assert_true (gtk_widget_compute_bounds (chart, win, &c));
      inside = widget_stats (shot, chart, win);
      if (inside.distinct < 20 || inside.green < 200)
        g_error ("%s: the chart looks blank (%u colours, %u green pixels)", where->str,
                 inside.distinct, inside.green);
      /* a screen reader's names: the banner says who serves, the tiles who they are, by text */
      {
        g_autofree char *serving = g_strdup_printf (_("Active logon server: %s"), "DC2");

        gtk_test_accessible_assert_role (GTK_ACCESSIBLE (window->banner), GTK_ACCESSIBLE_ROLE_STATUS);
        gtk_test_accessible_assert_property (GTK_ACCESSIBLE (window->banner), GTK_ACCESSIBLE_PROPERTY_LABEL, serving);
        gtk_test_accessible_assert_role (GTK_ACCESSIBLE (chart), GTK_ACCESSIBLE_ROLE_IMG);
        g_assert_true (gtk_test_accessible_has_property (GTK_ACCESSIBLE (chart), GTK_ACCESSIBLE_PROPERTY_LABEL));
        for (tile = gtk_widget_get_first_child (GTK_WIDGET (window->tiles)); tile; tile = gtk_widget_get_next_sibling (tile))
          g_assert_true (gtk_test_accessible_has_property (GTK_ACCESSIBLE (gtk_flow_box_child_get_child (GTK_FLOW_BOX_CHILD (tile))),
                                                           GTK_ACCESSIBLE_PROPERTY_LABEL));
      }
      /* the keyboard pans and zooms the chart, Home follows the newest samples again */
      if (i == 0)
        {
          g_autoptr(GListModel) controllers = gtk_widget_observe_controllers (chart);
          gboolean handled = FALSE;

          g_assert_true (gtk_widget_get_focusable (chart));
          for (guint k = 0; k < g_list_model_get_n_items (controllers); k++)
            {
              g_autoptr(GObject) controller = g_list_model_get_item (controllers, k);

              if (!GTK_IS_EVENT_CONTROLLER_KEY (controller))
                continue;
              g_signal_emit_by_name (controller, "key-pressed", GDK_KEY_minus, 0, 0, &handled);
              g_assert_true (handled);
              g_assert_false (fl_chart_get_follow_live (window->chart));
              g_signal_emit_by_name (controller, "key-pressed", GDK_KEY_Home, 0, 0, &handled);
              g_assert_true (fl_chart_get_follow_live (window->chart));
            }
          g_assert_true (handled);
        }
      gtk_widget_measure (chart, GTK_ORIENTATION_VERTICAL, (int)c.size.width, NULL, &natural, NULL, NULL);
      if (sizes[i].height >= 1080 && c.size.height < natural * 1.5)
        g_error ("%s: the chart does not take the room (%.0f px high, %d natural)", where->str,
                 c.size.height, natural);
      gtk_window_destroy (GTK_WINDOW (window));
      spin (100);
      g_assert_finalize_object (window);
    }
}

/* a recording of a lab with @n_dcs DCs: every DC answers (each at its own latency) until DC1
 * stops answering at 20 s; the locator and the KDC view move to DC2 */
static FlRecordingContents *
many_dcs_recording (guint n_dcs)
{
  g_autoptr(GString) text = g_string_new (NULL);

  g_string_append (text, "{\"type\": \"header\", \"format\": 1, \"app\": \"failover-lab\", \"version\": \"0.1.0\", "
                         "\"started_wall_us\": 1796090000000000, \"started_mono_us\": 0, \"domain\": \"test.local\", "
                         "\"lab\": {\"format\": 1, \"name\": \"many\", \"domain\": \"test.local\", \"controllers\": [");
  for (guint d = 1; d <= n_dcs; d++)
    g_string_append_printf (text, "%s{\"name\": \"DC%u\", \"host\": \"dc%u.test.local\", \"address\": \"10.231.7.%u\"}",
                            d > 1 ? ", " : "", d, d, 10 + d);
  g_string_append (text, "]}, \"settings\": {\"interval_ms\": 250, \"deadline_ms\": 800}}\n");
  for (gint64 t = 1000000; t <= 40000000; t += 250000)
    {
      const char *server = t < 21000000 ? "DC1" : "DC2";

      for (guint d = 1; d <= n_dcs; d++)
        {
          gboolean down = d == 1 && t >= 20000000;

          for (guint k = 0; k < 3; k++)
            {
              static const char * const checks[] = { "ldap_ping", "dns", "kerberos" };

              g_string_append_printf (text, "{\"type\": \"sample\", \"t_us\": %" G_GINT64_FORMAT ", \"wall_us\": %"
                                      G_GINT64_FORMAT ", \"dc\": \"DC%u\", \"check\": \"%s\", \"status\": \"%s\", "
                                      "\"latency_us\": %u}\n",
                                      t, 1796090000000000 + t, d, checks[k], down ? "timeout" : "ok",
                                      down ? 800000 : 1000 + d * 2500 + k * 300);
            }
        }
      g_string_append_printf (text, "{\"type\": \"sample\", \"t_us\": %" G_GINT64_FORMAT ", \"wall_us\": %" G_GINT64_FORMAT
                              ", \"dc\": null, \"check\": \"locator\", \"status\": \"ok\", \"latency_us\": 3000, "
                              "\"detail\": {\"server\": \"%s\"}}\n", t, 1796090000000000 + t, server);
      g_string_append_printf (text, "{\"type\": \"sample\", \"t_us\": %" G_GINT64_FORMAT ", \"wall_us\": %" G_GINT64_FORMAT
                              ", \"dc\": null, \"check\": \"kdc_view\", \"status\": \"ok\", \"latency_us\": 90000, "
                              "\"detail\": {\"server\": \"%s\"}}\n", t, 1796090000000000 + t, server);
    }
  return recording_from_text (text->str, text->len);
}

/* pixels of exactly @hex ("#rrggbb") where @widget is in @shot */
static guint
colour_pixels (GdkTexture *shot,
               GtkWidget  *widget,
               GtkWidget  *window,
               const char *hex)
{
  int w = gdk_texture_get_width (shot), h = gdk_texture_get_height (shot);
  g_autofree guchar *data = g_malloc ((gsize)w * h * 4);
  guint want = (guint)g_ascii_strtoull (hex + 1, NULL, 16), n = 0;
  graphene_rect_t b;

  g_assert_true (gtk_widget_compute_bounds (widget, window, &b));
  gdk_texture_download (shot, data, (gsize)w * 4);
  for (int y = MAX (0, (int)b.origin.y); y < MIN (h, (int)(b.origin.y + b.size.height)); y++)
    for (int x = MAX (0, (int)b.origin.x); x < MIN (w, (int)(b.origin.x + b.size.width)); x++)
      {
        const guchar *p = data + ((gsize)y * w + x) * 4;   /* B G R A */

        if ((((guint)p[2] << 16) | ((guint)p[1] << 8) | p[0]) == want)
          n++;
      }
  return n;
}

/* A lab of three and one of eight DCs, on a projector (1366×768) and a full-HD screen: the page
 * does not scroll, the banner and the chart are shown whole, every tile's name and state are in
 * sight, and every DC's latency line is drawn in a colour of its own (fl-dc-colors.h) */
static void
test_window_many_dcs (void)
{
  static const struct { guint n_dcs; int width, height; } cases[] = {
    { 3, 1366, 768 }, { 3, 1920, 1080 }, { 8, 1366, 768 }, { 8, 1920, 1080 },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(FlRecordingContents) rec = many_dcs_recording (cases[i].n_dcs);
      g_autofree char *name = g_strdup_printf ("lab-%udc-%dx%d", cases[i].n_dcs, cases[i].width, cases[i].height);
      FlWindow *window = fl_window_new (NULL);
      GtkWidget *win = GTK_WIDGET (window), *chart, *tile;
      g_autoptr(GdkTexture) shot = NULL;
      g_autoptr(GString) where = g_string_new (NULL);
      g_autoptr(GError) error = NULL;
      guint n_tiles = 0;

      g_object_ref (window);
      gtk_window_set_default_size (GTK_WINDOW (window), cases[i].width, cases[i].height);
      gtk_window_present (GTK_WINDOW (window));
      g_assert_true (fl_window_open_recording (window, rec, "many-dcs.jsonl", &error));
      g_assert_no_error (error);
      spin (800);
      shot = screenshot (win, name);
      chart = GTK_WIDGET (window->chart);
      {
        g_autofree char *banner = describe_bounds (GTK_WIDGET (window->banner), win);
        g_autofree char *tiles = describe_bounds (GTK_WIDGET (window->tiles), win);
        g_autofree char *charted = describe_bounds (chart, win);

        g_string_append_printf (where, "%s: window %d×%d; %s; %s; %s", name, gtk_widget_get_width (win),
                                gtk_widget_get_height (win), banner, tiles, charted);
      }
      assert_page_fits (window, where->str);
      /* the first line of tiles is in sight; the others scroll into it, in the tiles' own
       * column (the chart and the banner stay) */
      for (tile = gtk_widget_get_first_child (GTK_WIDGET (window->tiles)); tile; tile = gtk_widget_get_next_sibling (tile))
        {
          GtkWidget *column = gtk_widget_get_ancestor (GTK_WIDGET (window->tiles), GTK_TYPE_SCROLLED_WINDOW);
          GtkAdjustment *tadj = gtk_scrolled_window_get_vadjustment (GTK_SCROLLED_WINDOW (column));
          graphene_rect_t t;

          n_tiles++;
          /* the cell a screen reader lands on is named by its DC */
          {
            g_autofree char *dc = g_strdup_printf ("DC%u", n_tiles);

            gtk_test_accessible_assert_property (GTK_ACCESSIBLE (tile), GTK_ACCESSIBLE_PROPERTY_LABEL, dc);
          }
          if (shown_top (tile, window->page_scroller, win, 60))
            continue;
          g_assert_true (gtk_widget_compute_bounds (tile, GTK_WIDGET (window->tiles), &t));
          gtk_adjustment_set_value (tadj, t.origin.y);
          spin (50);
          if (n_tiles <= 2 || !shown_top (tile, column, win, 60) || !shown_whole (chart, window->page_scroller, win))
            {
              g_autofree char *at = describe_bounds (tile, win);

              g_error ("%s: tile %u is not in sight, nor scrolled into it in the tiles' column: %s",
                       where->str, n_tiles, at);
            }
        }
      if (n_tiles != cases[i].n_dcs)
        g_error ("%s: %u tiles for %u DCs", where->str, n_tiles, cases[i].n_dcs);
      for (guint d = 0; d < cases[i].n_dcs; d++)
        {
          guint n = colour_pixels (shot, chart, win, fl_chart_dc_colors[d]);

          if (n < 20)
            g_error ("%s: DC%u's latency line (%s) is not drawn in the chart: %u pixels of its colour",
                     where->str, d + 1, fl_chart_dc_colors[d], n);
        }
      gtk_window_destroy (GTK_WINDOW (window));
      spin (100);
      g_assert_finalize_object (window);
    }
}

/* the replay's state, for an assertion's message */
static char *
replay_state (FlWindow *w)
{
  return g_strdup_printf ("at %.2f s of [%.2f, %.2f] s, sample %u of %u, playing %s, seek %s, "
                          "banner %s, %u event rows, slider %.2f, clock \"%s\"",
                          w->replay_at / 1e6, w->replay_t0 / 1e6, w->replay_t1 / 1e6,
                          w->replay_sample, w->replay ? w->replay->samples->len : 0,
                          w->play_source ? "yes" : "no", w->seek_source ? "pending" : "no",
                          fl_window_get_logon_server (w) ?: "(none)",
                          g_list_model_get_n_items (G_LIST_MODEL (w->events)),
                          gtk_range_get_value (GTK_RANGE (w->replay_scale)),
                          gtk_label_get_text (w->replay_time));
}

/* runs the main loop until @done holds; a hang ends with the evidence, never a retry */
static void
wait_replay (FlWindow   *w,
             gboolean  (*done) (FlWindow *w),
             const char *what)
{
  gint64 deadline = g_get_monotonic_time () + 120 * G_USEC_PER_SEC;   /* a hang guard only */

  while (!done (w))
    {
      if (g_get_monotonic_time () > deadline)
        {
          g_autofree char *state = replay_state (w);

          g_error ("replay: %s never happened: %s", what, state);
        }
      spin (20);
    }
}

static gboolean
seek_done (FlWindow *w)
{
  return w->seek_source == 0;
}

static gboolean
play_done (FlWindow *w)
{
  return w->play_source == 0;
}

static guint
n_event_rows_with (FlWindow   *w,
                   const char *text)
{
  guint n = 0;

  for (guint i = 0; i < g_list_model_get_n_items (G_LIST_MODEL (w->events)); i++)
    if (strstr (gtk_string_list_get_string (w->events, i), text) != NULL)
      n++;
  return n;
}

/* a recording replayed: at its end as it ended; the slider back before the fault shows the
 * lab as it was then (DC1 serving, no fault in the events, the checklist at step 2); playing at
 * 10× brings the failover back, to the end */
static void
test_window_replay_controls (void)
{
  const char *fixture = g_getenv ("FL_REPORT_FIXTURE");
  g_autoptr(GError) error = NULL;
  g_autoptr(FlRecordingContents) contents = NULL;
  g_autoptr(GdkTexture) shot = NULL;
  g_autofree char *state = NULL;
  FlWindow *w;

  if (fixture == NULL)
    {
      g_test_skip ("FL_REPORT_FIXTURE is not set");
      return;
    }
  contents = fl_recording_read_file (fixture, &error);
  g_assert_no_error (error);
  w = fl_window_new (NULL);
  g_object_ref (w);
  gtk_window_present (GTK_WINDOW (w));
  g_assert_true (fl_window_open_recording (w, contents, fixture, &error));
  g_assert_no_error (error);
  spin (300);

  /* as it ended: the slider at the end, every fault and switchover in the events, the result */
  state = replay_state (w);
  g_test_message ("opened: %s", state);
  g_assert_true (gtk_widget_get_visible (w->replay_bar));
  g_assert_true (gtk_widget_get_visible (GTK_WIDGET (w->exercise_pane)));
  g_assert_cmpint (w->replay_at, ==, w->replay_t1);
  g_assert_cmpstr (fl_window_get_logon_server (w), ==, "DC2");
  if (n_event_rows_with (w, "vm shutdown DC1") != 1 || n_event_rows_with (w, "DC1 → DC2") < 1)
    g_error ("the events of a replay lack the fault or the switchover: %s", state);
  g_assert_cmpstr (gtk_label_get_text (w->replay_time), ==, "0:59 / 0:59");
  /* read-only: nothing to pause, mark or go back live to */
  g_assert_false (gtk_widget_get_visible (GTK_WIDGET (w->run_button)));
  g_assert_false (gtk_widget_get_visible (w->mark_button));
  g_assert_false (gtk_widget_get_visible (GTK_WIDGET (w->live_button)));

  /* back to 9 s after the start: before the fault at 20.8 s */
  gtk_range_set_value (GTK_RANGE (w->replay_scale), 9.0);
  wait_replay (w, seek_done, "the seek to 0:09");
  g_clear_pointer (&state, g_free);
  state = replay_state (w);
  g_test_message ("at 0:09: %s", state);
  if (w->replay_at != w->replay_t0 + 9 * G_USEC_PER_SEC || g_strcmp0 (fl_window_get_logon_server (w), "DC1") != 0 ||
      n_event_rows_with (w, "vm shutdown") != 0 || g_strcmp0 (gtk_label_get_text (w->replay_time), "0:09 / 0:59") != 0)
    g_error ("back at 0:09 the replay should show DC1 serving and no fault yet: %s", state);
  g_assert_true (gtk_widget_get_visible (GTK_WIDGET (w->exercise_pane)));
  shot = screenshot (GTK_WIDGET (w), "replay-seek");

  /* play at 10× to the end */
  gtk_drop_down_set_selected (w->speed_dropdown, 1);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (w), "win.play", NULL));
  g_assert_cmpuint (w->play_source, !=, 0);
  wait_replay (w, play_done, "playing to the end");
  g_clear_pointer (&state, g_free);
  state = replay_state (w);
  g_test_message ("played: %s", state);
  if (w->replay_at != w->replay_t1 || g_strcmp0 (fl_window_get_logon_server (w), "DC2") != 0 ||
      n_event_rows_with (w, "vm shutdown DC1") != 1 || n_event_rows_with (w, "DC1 → DC2") < 1)
    g_error ("played to the end, the replay should show the failover: %s", state);

  gtk_window_destroy (GTK_WINDOW (w));
  spin (100);
  g_assert_finalize_object (w);
}

static AdwMessageDialog *wait_dialog (guint seconds);

static void
test_window_live_lab (void)
{
  const char *lab_file = g_getenv ("FL_UI_LAB_FILE");
  g_autoptr(GError) error = NULL;
  g_autoptr(FlLab) lab = NULL;
  g_autoptr(GdkTexture) shot = NULL;
  FlWindow *window;
  Stats tiles, banner;

  if (lab_file == NULL)
    {
      g_test_skip ("no sandbox lab here (FL_UI_LAB_FILE is not set)");
      return;
    }
  lab = fl_lab_new_from_file (lab_file, &error);
  g_assert_no_error (error);

  window = fl_window_new (NULL);
  g_object_ref (window);
  gtk_window_set_default_size (GTK_WINDOW (window), 1260, 840);   /* the chart in the picture too */
  gtk_window_present (GTK_WINDOW (window));
  g_assert_true (fl_window_open_lab (window, lab, &error));
  g_assert_no_error (error);
  /* healthy: after an earlier test's outage the DCs may still be settling (time service,
   * replication): wait for a round with nothing failed, at most 30 s */
  spin (4000);
  for (guint attempt = 0; ; attempt++)
    {
      g_clear_object (&shot);
      shot = screenshot (GTK_WIDGET (window), "healthy-lab");
      tiles = widget_stats (shot, GTK_WIDGET (window->tiles), GTK_WIDGET (window));
      if (tiles.red < 50 || attempt >= 26)
        break;
      spin (1000);
    }
  banner = widget_stats (shot, GTK_WIDGET (window->banner), GTK_WIDGET (window));
  g_assert_cmpuint (banner.dark, >, 1000);          /* the logon server's name, large */
  g_assert_cmpuint (tiles.green, >, 100);           /* ok icons and "Answering" */
  g_assert_cmpuint (tiles.red, <, 50);              /* nothing failed */

  /* the chart exports as PNG and SVG */
  {
    g_autofree char *png = g_strdup_printf ("%s/chart.png", shot_dir);
    g_autofree char *svg = g_strdup_printf ("%s/chart.svg", shot_dir);
    g_autofree char *svg_text = NULL;
    g_autoptr(GdkTexture) chart = NULL;

    g_assert_true (fl_window_export_chart (window, png, FALSE, &error));
    g_assert_no_error (error);
    g_assert_true (fl_window_export_chart (window, svg, TRUE, &error));
    g_assert_no_error (error);
    chart = gdk_texture_new_from_filename (png, &error);
    g_assert_no_error (error);
    g_assert_cmpuint (region_stats (chart, 0.5, 0, 1, 0.8).green, >, 500);   /* ok lanes */
    g_assert_true (g_file_get_contents (svg, &svg_text, NULL, NULL));
    g_assert_nonnull (strstr (svg_text, "<svg"));
  }
  /* and the session's report, from its recording up to now (every line written first) */
  g_free (export_report (window, "live-report.html",
                         fl_lab_controller_get_name (fl_lab_get_controller (lab, 0)),
                         fl_lab_controller_get_name (fl_lab_get_controller (lab, 1))));
  gtk_window_destroy (GTK_WINDOW (window));
  spin (100);
  g_assert_finalize_object (window);
}

/* Without $FAILOVER_LAB_PASSWORD and with no keyring (no session bus here), opening a lab file
 * asks for the user's password; "Probe Without Kerberos" opens it all the same. */
static void
test_password_prompt (void)
{
  const char *lab_file = g_getenv ("FL_UI_LAB_FILE");
  g_autofree char *saved = g_strdup (g_getenv ("FAILOVER_LAB_PASSWORD"));
  g_autoptr(GFile) file = NULL;
  g_autoptr(GdkTexture) shot = NULL;
  g_autoptr(GListModel) toplevels = NULL;
  AdwMessageDialog *dialog = NULL;
  gint64 deadline;
  FlWindow *window;

  if (lab_file == NULL)
    {
      g_test_skip ("no sandbox lab here (FL_UI_LAB_FILE is not set)");
      return;
    }
  g_unsetenv ("FAILOVER_LAB_PASSWORD");
  g_unsetenv ("DBUS_SESSION_BUS_ADDRESS");
  window = fl_window_new (NULL);
  g_object_ref (window);
  gtk_window_present (GTK_WINDOW (window));
  file = g_file_new_for_path (lab_file);
  fl_window_open_file (window, file);

  toplevels = g_object_ref (gtk_window_get_toplevels ());
  deadline = g_get_monotonic_time () + 10 * G_USEC_PER_SEC;
  while (dialog == NULL && g_get_monotonic_time () < deadline)
    {
      spin (100);
      for (guint i = 0; i < g_list_model_get_n_items (toplevels); i++)
        {
          g_autoptr(GObject) w = g_list_model_get_item (toplevels, i);

          if (ADW_IS_MESSAGE_DIALOG (w))
            dialog = ADW_MESSAGE_DIALOG (w);
        }
    }
  g_assert_nonnull (dialog);
  g_assert_nonnull (strstr (adw_message_dialog_get_heading (dialog), "@"));
  spin (400);
  shot = screenshot (GTK_WIDGET (dialog), "password-prompt");
  g_assert_cmpuint (region_stats (shot, 0, 0, 1, 1).dark, >, 300);

  adw_message_dialog_response (dialog, "skip");
  spin (300);
  /* probing, without the Kerberos check */
  g_assert_nonnull (fl_window_get_timeline (window));

  gtk_window_destroy (GTK_WINDOW (window));
  spin (100);
  g_assert_finalize_object (window);
  if (saved != NULL)
    g_setenv ("FAILOVER_LAB_PASSWORD", saved, TRUE);
}

static void
sandbox_done (GObject      *object,
              GAsyncResult *result,
              gpointer      data)
{
  gboolean *done = data;

  g_subprocess_wait_finish (G_SUBPROCESS (object), result, NULL);
  *done = TRUE;
}

/* runs `sandbox ARGS…` while the main loop goes on (the window keeps drawing) */
static void
sandbox (const char *verb,
         const char *dc)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GSubprocess) p = g_subprocess_new (G_SUBPROCESS_FLAGS_STDOUT_SILENCE, &error, g_getenv ("FL_SANDBOX"),
                                               verb, dc, NULL);
  gboolean done = FALSE;

  g_assert_no_error (error);
  g_subprocess_wait_async (p, NULL, sandbox_done, &done);
  while (!done)
    g_main_context_iteration (NULL, TRUE);
  g_assert_true (g_subprocess_get_if_exited (p));
  g_assert_cmpint (g_subprocess_get_exit_status (p), ==, 0);
}

/* waits (at most @seconds) until the banner shows @server (NULL: no DC answers) */
static gboolean
wait_logon_server (FlWindow   *window,
                   const char *server,
                   guint       seconds)
{
  gint64 deadline = g_get_monotonic_time () + seconds * G_USEC_PER_SEC;

  while (g_get_monotonic_time () < deadline)
    {
      if (g_strcmp0 (fl_window_get_logon_server (window), server) == 0)
        return TRUE;
      spin (100);
    }
  return FALSE;
}

/* The playbook's stop exercise as the class sees it: the serving DC stops, the banner moves to
 * the other and the chart marks fault, detection and switchover; then both are down. The DCs
 * are started again at the end (and by the wrapper, should this fail half-way). */
static void
test_window_outage (void)
{
  const char *lab_file = g_getenv ("FL_UI_LAB_FILE");
  g_autoptr(GError) error = NULL;
  g_autoptr(FlLab) lab = NULL;
  g_autoptr(GdkTexture) stopped = NULL;
  g_autoptr(GdkTexture) all_down = NULL;
  g_autofree char *serving = NULL;
  const char *other;
  FlWindow *window;
  Stats tiles, all;

  if (lab_file == NULL || g_getenv ("FL_SANDBOX") == NULL)
    {
      g_test_skip ("no sandbox lab here (FL_UI_LAB_FILE is not set)");
      return;
    }
  lab = fl_lab_new_from_file (lab_file, &error);
  g_assert_no_error (error);
  window = fl_window_new (NULL);
  g_object_ref (window);
  gtk_window_set_default_size (GTK_WINDOW (window), 1366, 768);   /* a projector: both DC tiles beside the chart */
  gtk_window_present (GTK_WINDOW (window));
  g_assert_true (fl_window_open_lab (window, lab, &error));
  g_assert_no_error (error);

  g_assert_true (wait_logon_server (window, "DC1", 10) || wait_logon_server (window, "DC2", 1));
  serving = g_strdup (fl_window_get_logon_server (window));
  other = g_str_equal (serving, "DC1") ? "DC2" : "DC1";
  spin (2000);

  /* stop the DC that serves: the banner follows the locator to the other one */
  fl_window_mark_fault (window, serving, "sandbox stop");
  sandbox ("stop", serving);
  g_assert_true (wait_logon_server (window, other, 20));
  spin (2500);
  stopped = screenshot (GTK_WIDGET (window), "stop-serving-dc");
  tiles = widget_stats (stopped, GTK_WIDGET (window->tiles), GTK_WIDGET (window));
  all = region_stats (stopped, 0, 0, 1, 1);
  g_assert_cmpuint (widget_stats (stopped, GTK_WIDGET (window->banner), GTK_WIDGET (window)).dark, >, 1000);   /* the new name */
  g_assert_cmpuint (tiles.red, >, 100);       /* the stopped DC's failed checks */
  g_assert_cmpuint (tiles.green, >, 100);     /* the other one's */
  g_assert_cmpuint (all.distinct, >, 100);

  /* and the other: nothing answers */
  fl_window_mark_fault (window, other, "sandbox stop");
  sandbox ("stop", other);
  g_assert_true (wait_logon_server (window, NULL, 20));
  spin (2500);
  all_down = screenshot (GTK_WIDGET (window), "all-dcs-down");
  tiles = widget_stats (all_down, GTK_WIDGET (window->tiles), GTK_WIDGET (window));
  g_assert_cmpuint (tiles.red, >, 200);
  g_assert_cmpuint (widget_stats (all_down, GTK_WIDGET (window->banner), GTK_WIDGET (window)).dark, >, 500);  /* "No DC answers" */

  sandbox ("start", serving);
  sandbox ("start", other);
  g_assert_true (wait_logon_server (window, "DC1", 30) || wait_logon_server (window, "DC2", 1));
  gtk_window_destroy (GTK_WINDOW (window));
  spin (100);
  g_assert_finalize_object (window);
}

static void
collect_tiles (GtkWidget *widget,
               GPtrArray *tiles)
{
  if (FL_IS_DC_TILE (widget))
    g_ptr_array_add (tiles, widget);
  for (GtkWidget *c = gtk_widget_get_first_child (widget); c != NULL; c = gtk_widget_get_next_sibling (c))
    collect_tiles (c, tiles);
}

static AdwMessageDialog *
wait_dialog (guint seconds)
{
  GListModel *toplevels = gtk_window_get_toplevels ();
  gint64 deadline = g_get_monotonic_time () + seconds * G_USEC_PER_SEC;

  while (g_get_monotonic_time () < deadline)
    {
      for (guint i = 0; i < g_list_model_get_n_items (toplevels); i++)
        {
          g_autoptr(GObject) w = g_list_model_get_item (toplevels, i);

          if (ADW_IS_MESSAGE_DIALOG (w) && gtk_widget_get_visible (GTK_WIDGET (w)))
            return ADW_MESSAGE_DIALOG (w);
        }
      spin (50);
    }
  return NULL;
}

static void
got_result (GObject      *object,
            GAsyncResult *result,
            gpointer      data)
{
  *(GAsyncResult **)data = g_object_ref (result);
}

static const char *
vm_status (FlDcTile *tile)
{
  const FlVmState *vm = fl_dc_state_get_vm_state (fl_dc_tile_get_state (tile));

  return vm ? vm->status : NULL;
}

/* the Proxmox VE emulator in process, on loopback: its TLS certificate made in a folder of its
 * own, the token fl@pve!ui with @privs (a JSON array) and the VMs @vms (a JSON array) */
typedef struct
{
  char        *dir;
  PveEmulator *emu;
  char        *url;
} Emulator;

static gboolean
emulator_start (Emulator   *e,
                const char *privs,
                const char *vms)
{
  const char *schema = g_getenv ("FL_PVE_SCHEMA");
  const char *make_cert = g_getenv ("FL_PVE_MAKE_CERT");
  g_autoptr(GError) error = NULL;
  g_autofree char *cert = NULL, *key = NULL, *json = NULL;
  g_autoptr(GTlsCertificate) tls = NULL;
  g_autoptr(JsonNode) config = NULL;
  int status = 0;

  if (schema == NULL || make_cert == NULL || *schema == '\0' || *make_cert == '\0')
    {
      g_test_skip ("FL_PVE_SCHEMA and FL_PVE_MAKE_CERT are not set");
      return FALSE;
    }
  e->dir = g_dir_make_tmp ("fl-ui-pve-XXXXXX", &error);
  g_assert_no_error (error);
  g_assert_true (g_spawn_sync (NULL, (char *[]) { (char *)make_cert, e->dir, NULL }, NULL, G_SPAWN_DEFAULT, NULL,
                               NULL, NULL, NULL, &status, &error));
  cert = g_build_filename (e->dir, "pve-ssl.pem", NULL);
  key = g_build_filename (e->dir, "pve-ssl.key", NULL);
  tls = g_tls_certificate_new_from_files (cert, key, &error);
  g_assert_no_error (error);
  json = g_strdup_printf ("{\"nodes\": [\"pve1\"], \"step_ms\": 50,"
                          " \"users\": {\"fl@pve\": {\"password\": \"x\", \"privs\": [\"*\"]}},"
                          " \"tokens\": {\"fl@pve!ui\": {\"secret\": \"0b5d1c9e-1111-2222-3333-444455556666\","
                          "   \"privs\": %s}},"
                          " \"vms\": %s}", privs, vms);
  config = json_from_string (json, &error);
  g_assert_no_error (error);
  e->emu = pve_emulator_new (schema, config, &error);
  g_assert_no_error (error);
  g_assert_true (pve_emulator_listen (e->emu, "127.0.0.1", 0, tls, &error));
  e->url = g_strdup_printf ("https://127.0.0.1:%u", pve_emulator_get_port (e->emu));
  g_setenv ("FAILOVER_LAB_PVE_SECRET", "0b5d1c9e-1111-2222-3333-444455556666", TRUE);
  return TRUE;
}

static void
emulator_stop (Emulator *e)
{
  g_autofree char *rm = e->dir ? g_strdup_printf ("rm -rf '%s'", e->dir) : NULL;

  g_unsetenv ("FAILOVER_LAB_PVE_SECRET");
  g_clear_pointer (&e->emu, pve_emulator_free);
  if (rm != NULL)
    (void)!system (rm);
  g_clear_pointer (&e->dir, g_free);
  g_clear_pointer (&e->url, g_free);
}

/* a lab of DC1 and DC2 on loopback addresses where nothing answers, their VMs 101 and 102 on
 * the emulator's pve1 */
static FlLab *
emulator_lab (Emulator   *e,
              const char *name)
{
  FlLab *lab = fl_lab_new (name, "test.local");

  for (guint i = 0; i < 2; i++)
    {
      g_autofree char *dc = g_strdup_printf ("DC%u", i + 1);
      g_autofree char *host = g_strdup_printf ("dc%u.test.local", i + 1);
      g_autofree char *address = g_strdup_printf ("127.0.0.%u", i + 2);
      g_autoptr(FlLabController) c = fl_lab_controller_new (dc, host, address);

      fl_lab_controller_set_vm (c, "pve1", 101 + i);
      fl_lab_add_controller (lab, c);
    }
  fl_lab_set_proxmox_api (lab, e->url, "fl@pve!ui", NULL, pve_emulator_get_fingerprint (e->emu));
  return lab;
}

/* The tiles' VM controls against the Proxmox VE emulator (in process, on loopback, no sandbox:
 * the DCs' addresses are loopback ones where nothing answers): the state on the tile, the
 * confirmation with its total-outage interlock, the task, the fault on the timeline. */
static void
test_vm_controls (void)
{
  g_autoptr(GError) error = NULL;
  Emulator e = { NULL };
  g_autoptr(FlLab) lab = NULL;
  g_autoptr(GPtrArray) tiles = g_ptr_array_new ();
  g_autoptr(GdkTexture) shot = NULL;
  AdwMessageDialog *dialog;
  FlDcTile *dc1 = NULL;
  FlWindow *window;
  gint64 deadline;
  gboolean marked = FALSE;

  if (!emulator_start (&e, "[\"VM.Audit\", \"VM.PowerMgmt\", \"VM.Config.Network\", \"SDN.Use\"]",
                       "[{\"vmid\": 101, \"name\": \"DC1\", \"shutdown_s\": 0.2}, {\"vmid\": 102, \"name\": \"DC2\"}]"))
    return;
  lab = emulator_lab (&e, "VM lab");
  window = fl_window_new (NULL);
  g_object_ref (window);
  gtk_window_set_default_size (GTK_WINDOW (window), 1260, 840);
  gtk_window_present (GTK_WINDOW (window));
  g_assert_true (fl_window_open_lab (window, lab, &error));
  g_assert_no_error (error);
  collect_tiles (GTK_WIDGET (window), tiles);
  g_assert_cmpuint (tiles->len, ==, 2);
  for (guint i = 0; i < tiles->len; i++)
    if (g_str_equal (fl_dc_state_get_name (fl_dc_tile_get_state (tiles->pdata[i])), "DC1"))
      dc1 = tiles->pdata[i];
  g_assert_nonnull (dc1);
  g_assert_cmpuint (fl_dc_state_get_vmid (fl_dc_tile_get_state (dc1)), ==, 101);

  /* the state arrives from the API */
  deadline = g_get_monotonic_time () + 10 * G_USEC_PER_SEC;
  while (g_strcmp0 (vm_status (dc1), "running") != 0 && g_get_monotonic_time () < deadline)
    spin (50);
  g_assert_cmpstr (vm_status (dc1), ==, "running");
  spin (1500);
  shot = screenshot (GTK_WIDGET (window), "vm-tiles");
  g_assert_cmpuint (region_stats (shot, 0, 0, 1, 1).distinct, >, 100);

  /* Power Off: confirmed first; no DC answers here, so the dialog says total outage */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (dc1), "tile.stop", NULL));
  dialog = wait_dialog (5);
  g_assert_nonnull (dialog);
  g_assert_nonnull (strstr (adw_message_dialog_get_body (dialog), "⚠"));   /* the total-outage warning */
  /* the same state, asked of failoverctl: the same verdict, in the same words (English run) */
  if (g_strcmp0 (g_getenv ("FL_FAILOVERCTL"), "") != 0 && g_getenv ("FL_FAILOVERCTL") != NULL &&
      (g_getenv ("FL_LOCALEDIR") == NULL || *g_getenv ("FL_LOCALEDIR") == '\0'))
    {
      g_autofree char *lab_file = g_build_filename (e.dir, "lab.json", NULL);
      g_autofree char *out = NULL, *err = NULL;
      const char *why = strstr (adw_message_dialog_get_body (dialog), "⚠ ") + strlen ("⚠ ");
      g_autoptr(GSubprocess) cli = NULL;
      g_autoptr(GAsyncResult) done = NULL;

      g_assert_true (fl_lab_save_to_file (lab, lab_file, &error));
      g_assert_no_error (error);
      /* asynchronously: the emulator answers from this very main loop */
      cli = g_subprocess_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE | G_SUBPROCESS_FLAGS_STDERR_PIPE, &error,
                              g_getenv ("FL_FAILOVERCTL"), "vm", "--lab", lab_file, "DC1", "stop", NULL);
      g_assert_no_error (error);
      g_subprocess_communicate_utf8_async (cli, NULL, NULL, got_result, &done);
      while (done == NULL)
        g_main_context_iteration (NULL, TRUE);
      g_assert_true (g_subprocess_communicate_utf8_finish (cli, done, &out, &err, &error));
      g_assert_no_error (error);
      if (g_subprocess_get_if_exited (cli) && g_subprocess_get_exit_status (cli) == 4 && strstr (err, why) != NULL)
        g_test_message ("failoverctl refused as the window asked: %s", why);
      else
        g_error ("failoverctl vm DC1 stop: exit %d, stderr:\n%s\nthe window's reasons:\n%s",
                 g_subprocess_get_if_exited (cli) ? g_subprocess_get_exit_status (cli) : -1, err, why);
    }
  spin (300);
  g_clear_object (&shot);
  shot = screenshot (GTK_WIDGET (dialog), "vm-confirm");
  g_assert_cmpuint (region_stats (shot, 0, 0, 1, 1).red, >, 50);   /* the destructive button */
  adw_message_dialog_response (dialog, "do");

  deadline = g_get_monotonic_time () + 10 * G_USEC_PER_SEC;
  while (g_strcmp0 (vm_status (dc1), "stopped") != 0 && g_get_monotonic_time () < deadline)
    spin (50);
  g_assert_cmpstr (pve_emulator_get_state (e.emu, 101), ==, "stopped");
  g_assert_cmpstr (vm_status (dc1), ==, "stopped");
  /* the action is the fault the detector measures from */
  {
    GPtrArray *events = fl_timeline_get_events (fl_window_get_timeline (window));

    for (guint i = 0; i < events->len; i++)
      if (fl_event_get_kind (events->pdata[i]) == FL_EVENT_FAULT &&
          g_strcmp0 (fl_event_get_dc (events->pdata[i]), "DC1") == 0)
        marked = TRUE;
  }
  g_assert_true (marked);
  spin (500);
  g_clear_object (&shot);
  shot = screenshot (GTK_WIDGET (window), "vm-stopped");

  gtk_window_destroy (GTK_WINDOW (window));
  spin (200);
  g_assert_finalize_object (window);
  emulator_stop (&e);
}

/* every label's text under @widget, one per line */
static void
collect_text (GtkWidget *widget,
              GString   *text)
{
  if (GTK_IS_LABEL (widget) && gtk_widget_get_visible (widget))
    g_string_append_printf (text, "%s\n", gtk_label_get_text (GTK_LABEL (widget)));
  for (GtkWidget *c = gtk_widget_get_first_child (widget); c != NULL; c = gtk_widget_get_next_sibling (c))
    collect_text (c, text);
}

/* the first widget under @widget (itself included) that @match accepts */
static GtkWidget *
find_widget (GtkWidget     *widget,
             gboolean     (*match) (GtkWidget *, gconstpointer),
             gconstpointer  data)
{
  if (match (widget, data))
    return widget;
  for (GtkWidget *c = gtk_widget_get_first_child (widget); c != NULL; c = gtk_widget_get_next_sibling (c))
    {
      GtkWidget *found = find_widget (c, match, data);

      if (found != NULL)
        return found;
    }
  return NULL;
}

static gboolean
is_button_labelled (GtkWidget     *w,
                    gconstpointer  label)
{
  return GTK_IS_BUTTON (w) && gtk_widget_get_visible (w) && g_strcmp0 (gtk_button_get_label (GTK_BUTTON (w)), label) == 0;
}

static gboolean
is_group_titled (GtkWidget     *w,
                 gconstpointer  title)
{
  return ADW_IS_PREFERENCES_GROUP (w) && g_strcmp0 (adw_preferences_group_get_title (ADW_PREFERENCES_GROUP (w)), title) == 0;
}

static gboolean
is_scrolled (GtkWidget     *w,
             gconstpointer  data)
{
  return GTK_IS_SCROLLED_WINDOW (w);
}

/* the details of DC2 in a live session: who holds each role, "Move Here", the confirmation
 * (an administrator's account, the password asked for); with the holder down, the refusal and
 * why a role is not seized */
static void
test_details_fsmo (void)
{
  g_autoptr(FlLab) lab = fl_lab_new ("roles", "test.local");
  GtkWidget *host = gtk_window_new ();
  g_autoptr(FlLabSession) session = banner_session (lab, fl_logon_banner_new (), host);
  g_autoptr(GString) text = g_string_new (NULL);
  g_autoptr(GdkTexture) shot = NULL;
  AdwMessageDialog *dialog;
  GtkWidget *details, *button;
  GVariantDict d;
  g_autoptr(FlSample) fsmo = NULL;

  for (guint i = 0; i < 2; i++)
    {
      g_autoptr(FlSample) ping = fl_test_sample_new (FL_CHECK_LDAP_PING, i ? "DC2" : "DC1", FL_STATUS_OK,
                                                     g_get_monotonic_time (), g_get_real_time (), 800, NULL, NULL);

      fl_lab_session_add_sample (session, ping);
    }
  g_variant_dict_init (&d, NULL);
  for (guint r = 0; r < FL_FSMO_N_ROLES; r++)
    g_variant_dict_insert (&d, fl_fsmo_role_to_string (r), "s", "DC1");
  fsmo = fl_sample_new (FL_CHECK_FSMO, NULL, FL_STATUS_OK, g_get_monotonic_time (), 5000, NULL, g_variant_dict_end (&d));
  fl_lab_session_add_sample (session, fsmo);

  /* every DC runs Windows Server 2025 (level 10) and DC2 refuses the machine account: the
   * details give the 2025 advice, which only the whole lab tells */
  for (guint i = 0; i < 2; i++)
    {
      g_autoptr(FlSample) ldap = fl_sample_new (FL_CHECK_LDAP, i ? "DC2" : "DC1", FL_STATUS_OK, g_get_monotonic_time (),
                                                2000, NULL, dict ("domainControllerFunctionality", "10", NULL));

      fl_lab_session_add_sample (session, ldap);
    }
  {
    g_autoptr(FlSample) trust = fl_sample_new (FL_CHECK_MACHINE_TRUST, "DC2", FL_STATUS_FAIL, g_get_monotonic_time (),
                                               3000, "the trust relationship is broken", dict ("error", "auth", NULL));

    fl_lab_session_add_sample (session, trust);
  }

  details = fl_dc_details_new (fl_lab_session_lookup_dc (session, "DC2"), GTK_WINDOW (host));
  fl_dc_details_set_session (FL_DC_DETAILS (details), session);
  gtk_window_present (GTK_WINDOW (details));
  spin (300);
  /* scrolled down to the roles (below the advice and the checks) for the picture */
  {
    GtkWidget *scrolled = find_widget (details, is_scrolled, NULL);
    GtkWidget *group = find_widget (details, is_group_titled, _("Operations Masters"));
    GtkWidget *content = scrolled ? gtk_scrolled_window_get_child (GTK_SCROLLED_WINDOW (scrolled)) : NULL;
    graphene_rect_t bounds;

    g_assert_nonnull (group);
    g_assert_nonnull (content);
    g_assert_true (gtk_widget_compute_bounds (group, content, &bounds));
    gtk_adjustment_set_value (gtk_scrolled_window_get_vadjustment (GTK_SCROLLED_WINDOW (scrolled)),
                              bounds.origin.y - 12);
    spin (200);
  }
  g_clear_object (&shot);
  shot = screenshot (details, "dc-details-roles");
  g_assert_cmpuint (region_stats (shot, 0.05, 0.1, 0.95, 0.9).dark, >, 300);
  g_clear_object (&shot);
  collect_text (details, text);
  if (strstr (text->str, fl_hint_get_title (FL_HINT_TRUST_BROKEN_WS2025)) == NULL)
    g_error ("DC2's details in a domain of 2025 DCs lack the 2025 advice on the broken trust:\n%s", text->str);
  if (strstr (text->str, _("Operations Masters")) == NULL || strstr (text->str, fl_fsmo_role_to_label (FL_FSMO_PDC)) == NULL)
    g_error ("DC2's details lack the roles and their holder:\n%s", text->str);
  {
    g_autofree char *held = g_strdup_printf (_("Held by %s"), "DC1");

    if (strstr (text->str, held) == NULL)
      g_error ("DC2's details do not say DC1 holds the roles:\n%s", text->str);
  }

  /* "Move Here…" on the PDC emulator's row (the first) */
  button = find_widget (details, is_button_labelled, _("_Move Here…"));
  g_assert_nonnull (button);
  gtk_widget_activate (button);
  dialog = wait_dialog (5);
  g_assert_nonnull (dialog);
  spin (200);
  shot = screenshot (GTK_WIDGET (dialog), "fsmo-transfer-confirm");
  g_assert_cmpuint (region_stats (shot, 0.05, 0.05, 0.95, 0.95).dark, >, 300);
  if (strstr (adw_message_dialog_get_heading (dialog), "DC2") == NULL ||
      strstr (adw_message_dialog_get_body (dialog), "DC1") == NULL)
    g_error ("the confirmation does not say DC1 hands the role to DC2: %s\n%s", adw_message_dialog_get_heading (dialog),
             adw_message_dialog_get_body (dialog));
  /* no password yet: nothing to go ahead with */
  g_assert_false (adw_message_dialog_get_response_enabled (dialog, "move"));
  gtk_window_close (GTK_WINDOW (dialog));   /* Escape: the close response, "cancel" */
  spin (200);
  g_clear_object (&shot);

  /* DC1, the holder, stops answering: refused, and seizing explained */
  {
    g_autoptr(FlSample) down = fl_test_sample_new (FL_CHECK_LDAP_PING, "DC1", FL_STATUS_TIMEOUT, g_get_monotonic_time (),
                                                   g_get_real_time (), 800000, NULL, NULL);

    fl_lab_session_add_sample (session, down);
  }
  gtk_widget_activate (button);
  dialog = wait_dialog (5);
  g_assert_nonnull (dialog);
  spin (200);
  shot = screenshot (GTK_WIDGET (dialog), "fsmo-transfer-refused");
  g_assert_cmpuint (region_stats (shot, 0.05, 0.05, 0.95, 0.95).dark, >, 300);
  if (strstr (adw_message_dialog_get_body (dialog), "ntdsutil") == NULL ||
      adw_message_dialog_has_response (dialog, "move"))
    g_error ("with the holder down (DC1 answering: %d), the dialog should refuse and explain seizing: %s\n%s",
             fl_dc_state_get_answering (fl_lab_session_lookup_dc (session, "DC1")),
             adw_message_dialog_get_heading (dialog), adw_message_dialog_get_body (dialog));
  gtk_window_destroy (GTK_WINDOW (dialog));
  gtk_window_destroy (GTK_WINDOW (details));
  gtk_window_destroy (GTK_WINDOW (host));
  spin (100);
}

/* the locator moved DC1 → DC2: the banner says so; then no DC answers: "No DC answers", and the
 * last switchover is no longer shown beside it (it read as the state now) */
static void
test_banner_all_down (void)
{
  g_autoptr(FlLab) lab = fl_lab_new ("banner", "test.local");
  g_autoptr(GString) text = g_string_new (NULL);
  g_autoptr(GDateTime) now = g_date_time_new_now_local ();
  gint64 wall = g_date_time_to_unix (now) * G_USEC_PER_SEC;
  GtkWidget *banner = fl_logon_banner_new ();
  GtkWidget *window = gtk_window_new ();
  g_autoptr(FlLabSession) session = banner_session (lab, banner, window);
  const char *servers[] = { "DC1", "DC2", NULL };
  g_autoptr(GdkTexture) shot = NULL;

  for (guint i = 0; i < 3; i++)
    {
      /* the reference host answers all along */
      g_autoptr(FlSample) net = fl_test_sample_new (FL_CHECK_NETWORK, NULL, FL_STATUS_OK, g_get_monotonic_time (),
                                                    wall + i * G_USEC_PER_SEC, 800, NULL, NULL);
      g_autoptr(FlSample) s = fl_test_sample_new (FL_CHECK_LOCATOR, NULL, servers[i] ? FL_STATUS_OK : FL_STATUS_FAIL,
                                                  g_get_monotonic_time () + i * G_USEC_PER_SEC,
                                                  wall + i * G_USEC_PER_SEC, 3000,
                                                  servers[i], servers[i] ? NULL : "ERROR_NO_SUCH_DOMAIN");

      fl_lab_session_add_sample (session, net);
      fl_lab_session_add_sample (session, s);
      if (i == 0)
        /* DC1 stopped */
        fl_timeline_mark_fault (fl_lab_session_get_timeline (session), FL_EVENT_FAULT, "DC1", NULL);
      spin (50);
      g_string_truncate (text, 0);
      collect_text (banner, text);
      if (i == 1 && (strstr (text->str, "DC2") == NULL || strstr (text->str, "DC1 → DC2") == NULL ||
                     strstr (text->str, _("Network: ok")) == NULL))
        g_error ("after the locator moved to DC2, the banner shows:\n%s", text->str);
    }
  /* DC1 held the roles: they are down with it (what stops: the tooltip, and DC1's tile) */
  {
    GVariantDict d;
    g_autoptr(FlSample) fsmo = NULL;
    g_autoptr(FlSample) ping = fl_test_sample_new (FL_CHECK_LDAP_PING, "DC1", FL_STATUS_TIMEOUT, g_get_monotonic_time (),
                                                   wall + 3 * G_USEC_PER_SEC, 800000, NULL, NULL);

    g_variant_dict_init (&d, NULL);
    for (guint r = 0; r < FL_FSMO_N_ROLES; r++)
      g_variant_dict_insert (&d, fl_fsmo_role_to_string (r), "s", "DC1");
    fsmo = fl_sample_new (FL_CHECK_FSMO, NULL, FL_STATUS_OK, g_get_monotonic_time (), 5000, NULL, g_variant_dict_end (&d));
    fl_lab_session_add_sample (session, fsmo);
    fl_lab_session_add_sample (session, ping);
    spin (50);
    g_string_truncate (text, 0);
    collect_text (banner, text);
  }
  if (strstr (text->str, fl_fsmo_role_to_label (FL_FSMO_PDC)) == NULL)
    g_error ("DC1 held every FSMO role and does not answer, but the banner shows:\n%s", text->str);
  /* the lesson of the total outage: the network lives, only the DCs are gone */
  if (strstr (text->str, _("No DC answers")) == NULL || strstr (text->str, "→") != NULL ||
      strstr (text->str, _("The network answers (the reference host): only the DCs are gone")) == NULL)
    g_error ("no DC answers, but the banner shows:\n%s", text->str);
  shot = screenshot (window, "banner-all-down");
  g_assert_cmpuint (region_stats (shot, 0, 0, 1, 1).distinct, >, 20);
  gtk_window_destroy (GTK_WINDOW (window));
  g_assert_finalize_object (banner);
}

static GtkWidget *
find_client_tile (GtkWidget *widget)
{
  if (FL_IS_CLIENT_TILE (widget))
    return widget;
  for (GtkWidget *c = gtk_widget_get_first_child (widget); c != NULL; c = gtk_widget_get_next_sibling (c))
    {
      GtkWidget *found = find_client_tile (c);

      if (found != NULL)
        return found;
    }
  return NULL;
}

/* waits (a hang guard, not a measure) until the tile shows @want */
static char *
wait_tile_text (GtkWidget  *tile,
                const char *want,
                guint       seconds)
{
  gint64 deadline = g_get_monotonic_time () + seconds * G_USEC_PER_SEC;
  GString *text = g_string_new (NULL);

  do
    {
      spin (100);
      g_string_truncate (text, 0);
      collect_text (tile, text);
    }
  while (strstr (text->str, want) == NULL && g_get_monotonic_time () < deadline);
  return g_string_free (text, FALSE);
}

/* The Windows client's tile beside the DCs, against the emulator's Windows guest (its guest
 * agent answers the classroom's commands from the DC VMs' state): its own views, each with
 * when it was observed; a command run from its menu (gpupdate) and its outcome with the DC that
 * served the policy; then DC1's cable pulled: the locator moves, the secure channel fails
 * (1722) before it rebinds, the DC at sign-in stays. */
static void
test_client_tile (void)
{
  g_autoptr(GError) error = NULL;
  Emulator e = { NULL };
  g_autoptr(FlLab) lab = NULL;
  g_autoptr(GdkTexture) shot = NULL;
  g_autofree char *text = NULL;
  GtkWidget *tile;
  FlWindow *window;

  if (!emulator_start (&e, "[\"VM.Audit\", \"VM.PowerMgmt\", \"VM.Config.Network\", \"SDN.Use\","
                           " \"VM.GuestAgent.Unrestricted\"]",
                       "[{\"vmid\": 101, \"name\": \"DC1\"}, {\"vmid\": 102, \"name\": \"DC2\"},"
                       " {\"vmid\": 201, \"name\": \"WS01\", \"windows\": {\"domain\": \"test.local\","
                       "   \"rebind_s\": 600, \"dcs\": ["
                       "   {\"name\": \"DC1\", \"host\": \"dc1.test.local\", \"address\": \"127.0.0.2\", \"vmid\": 101},"
                       "   {\"name\": \"DC2\", \"host\": \"dc2.test.local\", \"address\": \"127.0.0.3\", \"vmid\": 102}]}}]"))
    return;
  lab = emulator_lab (&e, "Client lab");
  fl_lab_set_client (lab, "WS01", FL_CLIENT_ACCESS_GUEST_AGENT, "pve1", 201);

  window = fl_window_new (NULL);
  g_object_ref (window);
  gtk_window_set_default_size (GTK_WINDOW (window), 1366, 768);
  gtk_window_present (GTK_WINDOW (window));
  g_assert_true (fl_window_open_lab (window, lab, &error));
  g_assert_no_error (error);
  tile = find_client_tile (GTK_WIDGET (window));
  g_assert_nonnull (tile);

  /* the menu says each command as typed: "nltest /sc_reset", its underscore no mnemonic */
  g_free (text);
  text = wait_tile_text (tile, "nltest /sc_reset", 1);
  if (strstr (text, "nltest /sc_reset") == NULL)
    g_error ("the client tile's menu:\n%s", text);
  /* its first round: every view on DC1, with the time it was seen */
  text = wait_tile_text (tile, "DC1", 30);
  if (strstr (text, "WS01") == NULL || strstr (text, "DC1") == NULL || strstr (text, ":") == NULL)
    g_error ("the client tile after its first round:\n%s", text);

  /* gpupdate from the tile's menu: the outcome, and the DC that served the policy */
  g_assert_true (gtk_widget_activate_action (tile, "client.run", "s", "gpupdate"));
  g_free (text);
  text = wait_tile_text (tile, "gpupdate", 30);
  g_free (text);
  text = wait_tile_text (tile, "DC1", 30);
  {
    const FlWinActionResult *gp = fl_win_client_get_last_action (
      fl_lab_session_get_win_client (fl_window_get_session (window)), FL_WIN_ACTION_GPUPDATE);
    gint64 deadline = g_get_monotonic_time () + 30 * G_USEC_PER_SEC;

    while (gp == NULL && g_get_monotonic_time () < deadline)
      {
        spin (100);
        gp = fl_win_client_get_last_action (fl_lab_session_get_win_client (fl_window_get_session (window)),
                                            FL_WIN_ACTION_GPUPDATE);
      }
    if (gp == NULL || !gp->ok || g_strcmp0 (gp->server, "DC1") != 0)
      g_error ("gpupdate from the tile: %s\n%s", gp ? gp->summary : "no outcome", gp ? gp->output : "");
    g_free (text);
    text = wait_tile_text (tile, gp->summary, 10);
    if (strstr (text, gp->summary) == NULL)
      g_error ("the tile does not show the gpupdate outcome \"%s\":\n%s", gp->summary, text);
  }
  spin (300);
  shot = screenshot (GTK_WIDGET (window), "client-tile");
  g_assert_cmpuint (region_stats (shot, 0, 0, 1, 1).distinct, >, 100);

  /* DC1's cable pulled: the locator on DC2, the channel failing with 1722, sign-in still DC1 */
  pve_emulator_set_config (e.emu, 101, "net0", "virtio=BC:24:11:00:00:01,bridge=vmbr0,link_down=1");
  g_assert_true (gtk_widget_activate_action (tile, "client.run", "s", "flushdns"));
  g_free (text);
  text = wait_tile_text (tile, "1722", 30);
  if (strstr (text, "DC1") == NULL || strstr (text, "1722 RPC_S_SERVER_UNAVAILABLE") == NULL ||
      strstr (text, "DC2") == NULL)
    g_error ("the client tile with DC1's cable pulled:\n%s", text);
  spin (300);
  g_clear_object (&shot);
  shot = screenshot (GTK_WIDGET (window), "client-tile-failover");
  g_assert_cmpuint (region_stats (shot, 0, 0, 1, 1).red, >, 20);   /* the failing channel's icon */

  gtk_window_destroy (GTK_WINDOW (window));
  spin (200);
  g_assert_finalize_object (window);
  emulator_stop (&e);
}

/* A Windows client reached over OpenSSH whose host key is not known: the tile says so and
 * offers to trust it; the dialog shows the fingerprint and where to compare it; trusting it
 * appends the one line to the lab's known_hosts, and the next answer is the next problem (this
 * sshd takes no key of ours: the SSH key is refused, said as such). */
static void
test_client_ssh_trust (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(FlLab) lab = fl_lab_new ("SSH client", "test.local");
  g_autoptr(GSubprocess) sshd = NULL;
  g_autoptr(GdkTexture) shot = NULL;
  g_autoptr(GdkTexture) dshot = NULL;
  g_autofree char *dir = g_dir_make_tmp ("fl-ui-sshd-XXXXXX", &error);
  g_autofree char *kh = NULL, *text = NULL, *known = NULL, *body = NULL, *rm = NULL;
  AdwMessageDialog *dialog;
  GtkWidget *tile;
  FlWindow *window;
  guint port = 0;

  if (!fl_test_sshd_possible ())
    {
      g_test_skip ("needs root and /usr/sbin/sshd");
      return;
    }
  g_assert_no_error (error);
  sshd = fl_test_sshd_start (dir, &port);
  kh = g_build_filename (dir, "known_hosts", NULL);
  add_two_dcs (lab);
  fl_lab_set_client (lab, "WS01", FL_CLIENT_ACCESS_SSH, NULL, 0);
  fl_lab_set_client_ssh (lab, "127.0.0.1", port, "teacher", kh);

  window = fl_window_new (NULL);
  g_object_ref (window);
  gtk_window_set_default_size (GTK_WINDOW (window), 1366, 768);
  gtk_window_present (GTK_WINDOW (window));
  g_assert_true (fl_window_open_lab (window, lab, &error));
  g_assert_no_error (error);
  tile = find_client_tile (GTK_WIDGET (window));
  g_assert_nonnull (tile);
  text = wait_tile_text (tile, _("Host key not trusted"), 30);
  if (strstr (text, _("Host key not trusted")) == NULL)
    g_error ("the client tile with an unknown host key:\n%s", text);
  spin (300);
  shot = screenshot (GTK_WIDGET (window), "client-ssh-untrusted");
  g_assert_cmpuint (region_stats (shot, 0, 0, 1, 1).distinct, >, 100);

  g_assert_true (gtk_widget_activate_action (tile, "client.trust", NULL));
  dialog = wait_dialog (10);
  g_assert_nonnull (dialog);
  g_object_get (dialog, "body", &body, NULL);
  {
    GtkWidget *extra = adw_message_dialog_get_extra_child (dialog);

    if (strstr (body, "ssh_host_ed25519_key.pub") == NULL || !GTK_IS_LABEL (extra) ||
        !g_str_has_prefix (gtk_label_get_label (GTK_LABEL (extra)), "SHA256:"))
      g_error ("the trust dialog says:\n%s\n%s", body, GTK_IS_LABEL (extra) ? gtk_label_get_label (GTK_LABEL (extra)) : "");
  }
  spin (300);
  dshot = screenshot (GTK_WIDGET (dialog), "client-ssh-trust-dialog");
  g_assert_cmpuint (region_stats (dshot, 0, 0, 1, 1).distinct, >, 20);
  adw_message_dialog_response (dialog, "trust");

  /* one line, for this server, appended */
  {
    g_autofree char *want = g_strdup_printf ("[127.0.0.1]:%u ssh-ed25519 ", port);

    g_assert_true (g_file_get_contents (kh, &known, NULL, NULL));
    if (!g_str_has_prefix (known, want) || strchr (known, '\n') != known + strlen (known) - 1)
      g_error ("known_hosts after trusting:\n%s", known);
  }
  g_free (text);
  text = wait_tile_text (tile, _("Cannot be asked"), 30);
  if (strstr (text, _("Cannot be asked")) == NULL)
    g_error ("the client tile once its key is trusted:\n%s", text);

  gtk_window_destroy (GTK_WINDOW (window));
  spin (200);
  g_assert_finalize_object (window);
  g_subprocess_send_signal (sshd, SIGTERM);
  g_subprocess_wait (sshd, NULL, NULL);
  rm = g_strdup_printf ("rm -rf '%s'", dir);
  (void)!system (rm);
}

int
main (int   argc,
      char *argv[])
{
  if (setlocale (LC_ALL, "") == NULL && g_getenv ("FL_LOCALEDIR") != NULL)
    {
      /* asked for a locale this machine has not generated */
      printf ("1..0 # SKIP locale %s is not available (localedef -i ja_JP -f UTF-8 ja_JP.UTF-8)\n",
              g_getenv ("LANG"));
      return 0;
    }
  /* the SSH key offered is ours alone, never a developer's agent's */
  g_unsetenv ("SSH_AUTH_SOCK");
  /* the build's catalogues (FL_LOCALEDIR) for the Japanese run */
  bindtextdomain (GETTEXT_PACKAGE, g_getenv ("FL_LOCALEDIR") ? g_getenv ("FL_LOCALEDIR") : LOCALEDIR);
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  textdomain (GETTEXT_PACKAGE);
  fl_probe_init ();
  gtk_test_init (&argc, &argv, NULL);
  adw_init ();
  {
    /* without an application, load the stylesheet AdwApplication would load */
    g_autoptr(GtkCssProvider) css = gtk_css_provider_new ();

    gtk_css_provider_load_from_resource (css, "/io/github/failoverlab/FailoverLab/style.css");
    gtk_style_context_add_provider_for_display (gdk_display_get_default (), GTK_STYLE_PROVIDER (css),
                                                GTK_STYLE_PROVIDER_PRIORITY_APPLICATION);
  }
  shot_dir = g_getenv ("FL_UI_SHOT_DIR") ? g_getenv ("FL_UI_SHOT_DIR") : ".";
  if (g_getenv ("FL_UI_SHOT_SUFFIX") != NULL)
    shot_suffix = g_getenv ("FL_UI_SHOT_SUFFIX");

  g_test_add_func ("/ui/dc-tile/lifecycle", test_tile_lifecycle);
  g_test_add_func ("/ui/logon-banner/lifecycle", test_banner_lifecycle);
  g_test_add_func ("/ui/logon-banner/windows-client", test_banner_windows_client);
  g_test_add_func ("/ui/logon-banner/all-down", test_banner_all_down);
  g_test_add_func ("/ui/chart/lifecycle", test_chart_lifecycle);
  g_test_add_func ("/ui/dc-details/lifecycle", test_details_lifecycle);
  g_test_add_func ("/ui/dc-details/fsmo-transfer", test_details_fsmo);
  g_test_add_func ("/ui/window/welcome-screenshot", test_window_welcome);
  g_test_add_func ("/ui/exercise/pane-screenshot", test_exercise_pane);
  g_test_add_func ("/ui/report/screenshot", test_report_screenshot);
  g_test_add_func ("/ui/window/replay-screenshot", test_window_replay);
  g_test_add_func ("/ui/window/replay-controls", test_window_replay_controls);
  g_test_add_func ("/ui/window/classroom", test_window_classroom);
  g_test_add_func ("/ui/window/many-dcs", test_window_many_dcs);
  g_test_add_func ("/ui/window/live-lab-screenshot", test_window_live_lab);
  g_test_add_func ("/ui/window/outage-screenshots", test_window_outage);
  g_test_add_func ("/ui/window/password-prompt", test_password_prompt);
  g_test_add_func ("/ui/window/vm-controls", test_vm_controls);
  g_test_add_func ("/ui/window/client-tile", test_client_tile);
  g_test_add_func ("/ui/window/client-ssh-trust", test_client_ssh_trust);
  {
    int rc = g_test_run ();

    /* no check may still run inside MIT krb5 while the process exits */
    g_assert_true (fl_probe_shutdown ());
    return rc;
  }
}
