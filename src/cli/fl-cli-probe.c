/* fl-cli-probe.c: failoverctl check, watch, locate
 *
 * Copyright 2026 The Failover Lab authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "failoverctl"

#include "config.h"

#include <glib-unix.h>
#include <glib/gi18n-lib.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "fl-cli-common.h"
#include "fl-probe-scheduler.h"
#include "fl-switchover-detector.h"
#include "fl-timeline.h"

static const FlCheckKind table_checks[] = {
  FL_CHECK_REACH, FL_CHECK_DNS, FL_CHECK_LDAP_PING, FL_CHECK_LDAP, FL_CHECK_KERBEROS,
  FL_CHECK_MACHINE_TRUST, FL_CHECK_SMB, FL_CHECK_TIME,
};

typedef struct
{
  FlProbeConfig    *config;
  GMainLoop        *loop;
  GHashTable       *latest;   /* "DC1/ldap" -> FlSample */
  GPtrArray        *round;    /* samples of the round, in arrival order */
  FlTimeline       *timeline;
  FlSwitchoverDetector *detector;
  guint             expected;
  gboolean          json;
  gboolean          jsonl;
  gboolean          table;
  gint64            round_started;
} Session;

static const char *
status_label (FlStatus status)
{
  switch (status)
    {
    case FL_STATUS_OK:
      return C_("status", "ok");
    case FL_STATUS_DEGRADED:
      return C_("status", "degraded");
    case FL_STATUS_FAIL:
      return C_("status", "FAIL");
    case FL_STATUS_TIMEOUT:
      return C_("status", "TIMEOUT");
    case FL_STATUS_SKIPPED:
    default:
      return C_("status", "skipped");
    }
}

static char *
key_for (FlCheckKind  kind,
         const char  *dc)
{
  return g_strdup_printf ("%s/%s", dc ? dc : "", fl_check_kind_to_string (kind));
}

static void
print_json_line (JsonNode *node)
{
  g_autoptr(JsonGenerator) gen = json_generator_new ();
  g_autofree char *text = NULL;

  json_generator_set_root (gen, node);
  text = json_generator_to_data (gen, NULL);
  printf ("%s\n", text);
  fflush (stdout);
}

static void
print_table (Session *s)
{
  g_autoptr(GString) out = g_string_new (NULL);
  g_autoptr(GPtrArray) problems = g_ptr_array_new_with_free_func (g_free);
  guint n = fl_probe_config_get_n_dcs (s->config);
  const FlCheckKind domain_checks[] = { FL_CHECK_LOCATOR, FL_CHECK_KDC_VIEW, FL_CHECK_NETWORK };

  g_string_append_printf (out, "%-8s", _("DC"));
  for (guint k = 0; k < G_N_ELEMENTS (table_checks); k++)
    g_string_append_printf (out, " %-17s", fl_check_kind_to_string (table_checks[k]));
  g_string_append_c (out, '\n');

  for (guint i = 0; i < n; i++)
    {
      const FlProbeDc *dc = fl_probe_config_get_dc (s->config, i);

      g_string_append_printf (out, "%-8s", dc->name);
      for (guint k = 0; k < G_N_ELEMENTS (table_checks); k++)
        {
          g_autofree char *key = key_for (table_checks[k], dc->name);
          FlSample *sample = g_hash_table_lookup (s->latest, key);
          g_autofree char *cell = NULL;

          if (sample == NULL)
            cell = g_strdup ("…");
          else
            {
              g_autofree char *ms = fl_cli_format_ms (fl_sample_get_latency_us (sample));

              cell = g_strdup_printf ("%s %s", status_label (fl_sample_get_status (sample)),
                                      fl_sample_get_status (sample) == FL_STATUS_SKIPPED ? "" : ms);
              if (fl_sample_get_message (sample) != NULL &&
                  fl_sample_get_status (sample) != FL_STATUS_OK)
                g_ptr_array_add (problems, g_strdup_printf ("%s %s: %s", dc->name,
                                                            fl_check_kind_to_string (table_checks[k]),
                                                            fl_sample_get_message (sample)));
            }
          /* pad by characters, not bytes (translated labels) */
          g_string_append_printf (out, " %s%*s", cell,
                                  (int)MAX (0, 17 - g_utf8_strlen (cell, -1)), "");
        }
      g_string_append_c (out, '\n');
    }

  g_string_append_c (out, '\n');
  for (guint k = 0; k < G_N_ELEMENTS (domain_checks); k++)
    {
      g_autofree char *key = key_for (domain_checks[k], NULL);
      FlSample *sample = g_hash_table_lookup (s->latest, key);
      g_autofree char *ms = NULL;
      const char *server;

      if (sample == NULL)
        continue;
      ms = fl_cli_format_ms (fl_sample_get_latency_us (sample));
      server = fl_sample_lookup_string (sample, "server");
      g_string_append_printf (out, "%-10s %-8s %8s  ", fl_check_kind_to_string (domain_checks[k]),
                              status_label (fl_sample_get_status (sample)), ms);
      if (domain_checks[k] == FL_CHECK_LOCATOR && server != NULL)
        /* TRANSLATORS: the active logon server: "DC2 (10.0.0.12), site Default-First-Site-Name" */
        g_string_append_printf (out, _("%s (%s), site %s, flags %s"), server,
                                fl_sample_lookup_string (sample, "server_address"),
                                fl_sample_lookup_string (sample, "dc_site"),
                                fl_sample_lookup_string (sample, "flags_text"));
      else if (domain_checks[k] == FL_CHECK_KDC_VIEW && server != NULL)
        g_string_append_printf (out, _("tickets from %s"), server);
      else if (fl_sample_get_message (sample) != NULL)
        g_string_append (out, fl_sample_get_message (sample));
      else if (fl_sample_lookup_string (sample, "address") != NULL)
        g_string_append (out, fl_sample_lookup_string (sample, "address"));
      g_string_append_c (out, '\n');
    }

  if (problems->len > 0)
    {
      g_string_append_printf (out, "\n%s\n", _("Problems:"));
      for (guint i = 0; i < problems->len; i++)
        g_string_append_printf (out, "  %s\n", (char *)problems->pdata[i]);
    }

  fputs (out->str, stdout);
  fflush (stdout);
}

static void
on_sample (FlProbeScheduler *scheduler,
           FlSample         *sample,
           Session          *s)
{
  g_hash_table_insert (s->latest, key_for (fl_sample_get_kind (sample), fl_sample_get_dc (sample)),
                       fl_sample_ref (sample));
  g_ptr_array_add (s->round, fl_sample_ref (sample));
  if (s->timeline != NULL)
    fl_timeline_add_sample (s->timeline, sample);
  if (s->jsonl)
    {
      g_autoptr(JsonNode) node = fl_sample_to_json (sample);

      print_json_line (node);
    }
  if (s->expected > 0 && --s->expected == 0 && s->loop != NULL)
    g_main_loop_quit (s->loop);
}

static void
on_event (FlTimeline *timeline,
          FlEvent    *event,
          Session    *s)
{
  if (s->jsonl)
    {
      g_autoptr(JsonNode) node = fl_event_to_json (event);

      print_json_line (node);
    }
}

static void
session_clear (Session *s)
{
  g_clear_pointer (&s->latest, g_hash_table_unref);
  g_clear_pointer (&s->round, g_ptr_array_unref);
  g_clear_pointer (&s->loop, g_main_loop_unref);
  g_clear_object (&s->detector);
  g_clear_object (&s->timeline);
}

static int
round_exit_code (Session *s)
{
  int code = FL_EXIT_OK;

  for (guint i = 0; i < s->round->len; i++)
    {
      FlSample *sample = s->round->pdata[i];

      if (fl_sample_get_kind (sample) == FL_CHECK_LOCATOR &&
          fl_sample_get_status (sample) != FL_STATUS_OK)
        return FL_EXIT_NO_DC;
      if (fl_sample_get_status (sample) != FL_STATUS_OK &&
          fl_sample_get_status (sample) != FL_STATUS_SKIPPED)
        code = FL_EXIT_PROBLEM;
    }
  return code;
}

static int
run_once (FlCliOptions *o,
          guint32       mask,
          gboolean      as_locate)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(FlLab) lab = fl_cli_load_lab (o, &error);
  g_autoptr(FlProbeConfig) config = NULL;
  g_autoptr(FlProbeScheduler) scheduler = NULL;
  Session s = { 0 };
  int code;

  if (lab == NULL)
    return fl_cli_fail ("%s", error->message);
  config = fl_cli_probe_config (o, lab, &error);
  if (config == NULL)
    return fl_cli_fail ("%s", error->message);

  s.config = config;
  s.latest = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, (GDestroyNotify)fl_sample_unref);
  s.round = g_ptr_array_new_with_free_func ((GDestroyNotify)fl_sample_unref);
  s.loop = g_main_loop_new (NULL, FALSE);

  scheduler = fl_probe_scheduler_new (config);
  fl_probe_scheduler_set_checks (scheduler, mask);
  g_signal_connect (scheduler, "sample", G_CALLBACK (on_sample), &s);
  s.expected = fl_probe_scheduler_run_round (scheduler);
  if (s.expected > 0)
    g_main_loop_run (s.loop);

  if (o->json)
    {
      g_autoptr(JsonArray) array = json_array_new ();
      g_autoptr(JsonNode) node = json_node_new (JSON_NODE_ARRAY);

      for (guint i = 0; i < s.round->len; i++)
        json_array_add_element (array, fl_sample_to_json (s.round->pdata[i]));
      json_node_set_array (node, array);
      {
        g_autoptr(JsonGenerator) gen = json_generator_new ();
        g_autofree char *text = NULL;

        json_generator_set_root (gen, node);
        json_generator_set_pretty (gen, TRUE);
        text = json_generator_to_data (gen, NULL);
        printf ("%s\n", text);
      }
    }
  else if (as_locate)
    {
      FlSample *sample = s.round->len > 0 ? s.round->pdata[0] : NULL;

      if (sample != NULL && fl_sample_get_status (sample) == FL_STATUS_OK)
        {
          g_autofree char *ms = fl_cli_format_ms (fl_sample_get_latency_us (sample));

          /* the layout of nltest /dsgetdc, so that the two can be compared side by side */
          printf ("           DC: \\\\%s\n", fl_sample_lookup_string (sample, "dc_host"));
          printf ("      Address: \\\\%s\n", fl_sample_lookup_string (sample, "server_address"));
          printf ("     Dom Guid: %s\n", fl_sample_lookup_string (sample, "domain_guid"));
          printf ("     Dom Name: %s\n", fl_sample_lookup_string (sample, "domain"));
          printf ("  Forest Name: %s\n", fl_sample_lookup_string (sample, "forest"));
          printf (" Dc Site Name: %s\n", fl_sample_lookup_string (sample, "dc_site"));
          printf ("Our Site Name: %s\n", fl_sample_lookup_string (sample, "client_site"));
          printf ("        Flags: %s\n", fl_sample_lookup_string (sample, "flags_text"));
          printf (_("(answered by %s after %s; DNS from %s)\n"),
                  fl_sample_lookup_string (sample, "server"), ms,
                  fl_sample_lookup_string (sample, "dns_server"));
        }
      else if (sample != NULL)
        fprintf (stderr, "failoverctl: %s\n", fl_sample_get_message (sample));
    }
  else
    print_table (&s);

  code = round_exit_code (&s);
  session_clear (&s);
  return code;
}

int
fl_cli_check (int    argc,
              char **argv)
{
  FlCliOptions o = { 0 };
  g_autoptr(GOptionContext) ctx = g_option_context_new (_("— run every check once"));
  g_autoptr(GError) error = NULL;
  const GOptionEntry entries[] = {
    { "json", 0, 0, G_OPTION_ARG_NONE, &o.json, N_("Print the samples as JSON"), NULL },
    { NULL }
  };
  int code;

  g_option_context_set_translation_domain (ctx, GETTEXT_PACKAGE);
  g_option_context_add_main_entries (ctx, entries, GETTEXT_PACKAGE);
  g_option_context_add_group (ctx, fl_cli_lab_options (&o));
  if (!g_option_context_parse (ctx, &argc, &argv, &error))
    return fl_cli_fail ("%s", error->message);

  code = run_once (&o, FL_CHECK_MASK_DEFAULT, FALSE);
  fl_cli_options_clear (&o);
  return code;
}

int
fl_cli_locate (int    argc,
               char **argv)
{
  FlCliOptions o = { 0 };
  g_autoptr(GOptionContext) ctx =
    g_option_context_new (_("— find a domain controller as nltest /dsgetdc:DOMAIN /force does"));
  g_autoptr(GError) error = NULL;
  const GOptionEntry entries[] = {
    { "json", 0, 0, G_OPTION_ARG_NONE, &o.json, N_("Print the sample as JSON"), NULL },
    { NULL }
  };
  int code;

  g_option_context_set_translation_domain (ctx, GETTEXT_PACKAGE);
  g_option_context_add_main_entries (ctx, entries, GETTEXT_PACKAGE);
  g_option_context_add_group (ctx, fl_cli_lab_options (&o));
  if (!g_option_context_parse (ctx, &argc, &argv, &error))
    return fl_cli_fail ("%s", error->message);

  code = run_once (&o, FL_CHECK_MASK (FL_CHECK_LOCATOR), TRUE);
  fl_cli_options_clear (&o);
  return code;
}

/* --- watch ----------------------------------------------------------------------------- */

static gboolean
on_signal_quit (gpointer data)
{
  g_main_loop_quit (data);
  return G_SOURCE_REMOVE;
}

static void
on_round_started (FlProbeScheduler *scheduler,
                  guint             round,
                  guint             n_jobs,
                  Session          *s)
{
  if (s->table && round > 1)
    {
      /* redraw in place: home, clear, the table as of the last round */
      fputs ("\033[H\033[2J", stdout);
      printf (_("failoverctl watch — round %u, every %u ms (Ctrl+C to stop)\n\n"), round - 1,
              fl_probe_scheduler_get_interval (scheduler));
      print_table (s);
    }
}

int
fl_cli_watch (int    argc,
              char **argv)
{
  FlCliOptions o = { 0 };
  gboolean jsonl = FALSE;
  int duration_s = 0;
  g_autoptr(GOptionContext) ctx = g_option_context_new (_("— probe continuously and show the switchover"));
  g_autoptr(GError) error = NULL;
  g_autoptr(FlLab) lab = NULL;
  g_autoptr(FlProbeConfig) config = NULL;
  g_autoptr(FlProbeScheduler) scheduler = NULL;
  const GOptionEntry entries[] = {
    { "jsonl", 0, 0, G_OPTION_ARG_NONE, &jsonl,
      N_("Stream samples and events as JSON Lines (a recording)"), NULL },
    { "duration", 0, 0, G_OPTION_ARG_INT, &duration_s,
      N_("Stop after SECONDS (default: until Ctrl+C)"), N_("SECONDS") },
    { NULL }
  };
  Session s = { 0 };

  g_option_context_set_translation_domain (ctx, GETTEXT_PACKAGE);
  g_option_context_add_main_entries (ctx, entries, GETTEXT_PACKAGE);
  g_option_context_add_group (ctx, fl_cli_lab_options (&o));
  if (!g_option_context_parse (ctx, &argc, &argv, &error))
    return fl_cli_fail ("%s", error->message);

  lab = fl_cli_load_lab (&o, &error);
  if (lab == NULL)
    return fl_cli_fail ("%s", error->message);
  config = fl_cli_probe_config (&o, lab, &error);
  if (config == NULL)
    return fl_cli_fail ("%s", error->message);

  s.config = config;
  s.jsonl = jsonl;
  s.table = !jsonl;
  s.latest = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, (GDestroyNotify)fl_sample_unref);
  s.round = g_ptr_array_new_with_free_func ((GDestroyNotify)fl_sample_unref);
  s.loop = g_main_loop_new (NULL, FALSE);
  s.timeline = fl_timeline_new (config, 0);
  s.detector = fl_switchover_detector_new (s.timeline);
  g_signal_connect (s.timeline, "event-added", G_CALLBACK (on_event), &s);

  scheduler = fl_probe_scheduler_new (config);
  g_signal_connect (scheduler, "sample", G_CALLBACK (on_sample), &s);
  g_signal_connect (scheduler, "round-started", G_CALLBACK (on_round_started), &s);
  g_unix_signal_add (SIGINT, on_signal_quit, s.loop);
  g_unix_signal_add (SIGTERM, on_signal_quit, s.loop);
  if (duration_s > 0)
    g_timeout_add_seconds ((guint)duration_s, on_signal_quit, s.loop);
  fl_timeline_mark_fault (s.timeline, FL_EVENT_WATCH_STARTED, NULL, NULL);

  fl_probe_scheduler_start (scheduler);
  g_main_loop_run (s.loop);
  fl_probe_scheduler_stop (scheduler);

  session_clear (&s);
  fl_cli_options_clear (&o);
  return FL_EXIT_OK;
}

/* --- mark-fault ------------------------------------------------------------------------ */

int
fl_cli_mark_fault (int    argc,
                   char **argv)
{
  return fl_cli_fail ("%s", _("mark-fault: not available yet in this build"));
}
