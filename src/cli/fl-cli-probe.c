/* fl-cli-probe.c: failoverctl check, watch, locate
 *
 * Copyright 2026 The Failover Lab authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "failoverctl"

#include "config.h"

#include <errno.h>
#include <gio/gunixsocketaddress.h>
#include <glib-unix.h>
#include <glib/gstdio.h>
#include <stdlib.h>
#include <glib/gi18n-lib.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fl-checks.h"
#include "fl-cli-common.h"
#include "fl-gpo-view.h"
#include "fl-hint.h"
#include "fl-recording-file.h"
#include "fl-lab-control.h"
#include "fl-lab-session.h"
#include "fl-probe-scheduler.h"
#include "fl-switchover-detector.h"
#include "fl-timeline.h"

static const FlCheckKind table_checks[] = {
  FL_CHECK_REACH, FL_CHECK_DNS, FL_CHECK_LDAP_PING, FL_CHECK_LDAP, FL_CHECK_KERBEROS,
  FL_CHECK_MACHINE_TRUST, FL_CHECK_SMB, FL_CHECK_SYSVOL, FL_CHECK_TIME,
};

typedef struct
{
  FlProbeConfig    *config;
  GMainLoop        *loop;
  GHashTable       *latest;   /* "DC1/ldap" -> FlSample */
  GPtrArray        *round;    /* samples of the round, in arrival order */
  FlLabSession     *session;   /* watch: the running lab (its timeline and detector) */
  FlTimeline       *timeline;  /* borrowed from the session */
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

/* "What to do": each failure class of the round once, with the DCs it concerns */
static void
append_hints (GString *out,
              Session *s)
{
  FlHintContext context = { FALSE };
  GPtrArray *who[FL_N_HINTS] = { NULL };
  gboolean any = FALSE;

  fl_hint_context_scan (&context, (FlSample **)s->round->pdata, s->round->len);
  for (guint i = 0; i < s->round->len; i++)
    {
      FlSample *sample = s->round->pdata[i];
      FlHint hint = fl_hint_classify (sample, &context);
      const char *dc = fl_hint_get_dc (sample, hint, &context);

      /* a check that could not run here (no SSSD) is no problem to fix */
      if (hint == FL_HINT_NONE || fl_sample_get_status (sample) == FL_STATUS_SKIPPED)
        continue;
      if (who[hint] == NULL)
        who[hint] = g_ptr_array_new ();
      if (dc != NULL && !g_ptr_array_find_with_equal_func (who[hint], dc, g_str_equal, NULL))
        g_ptr_array_add (who[hint], (gpointer)dc);
    }
  for (FlHint h = 0; h < FL_N_HINTS; h++)
    {
      g_autofree char *text = NULL;

      if (who[h] == NULL)
        continue;
      if (!any)
        g_string_append_printf (out, "\n%s\n", _("What to do:"));
      any = TRUE;
      /* one DC: its name in the commands; several: "the DC" */
      text = fl_hint_get_text (h, who[h]->len == 1 ? who[h]->pdata[0] : NULL,
                               fl_probe_config_get_domain (s->config));
      g_string_append_printf (out, "  %s", fl_hint_get_title (h));
      if (who[h]->len > 0)
        {
          g_autofree char *names = NULL;

          g_ptr_array_add (who[h], NULL);
          names = g_strjoinv (", ", (char **)who[h]->pdata);
          g_string_append_printf (out, " (%s)", names);
        }
      g_string_append_printf (out, "\n    %s\n", text);
      g_ptr_array_unref (who[h]);
    }
}

/* the gpo row: the versions in AD against each DC's SYSVOL (the gpo view), not the reading alone */
static void
append_gpo_view (GString    *out,
                 Session    *s,
                 FlSample   *gpo,
                 const char *ms,
                 GPtrArray  *problems)
{
  guint n = fl_probe_config_get_n_dcs (s->config);
  g_autofree FlSample **sysvol = g_new0 (FlSample *, n);
  g_autofree const char **names = g_new0 (const char *, n);
  g_autofree char *text = NULL;
  FlStatus status;

  for (guint i = 0; i < n; i++)
    {
      g_autofree char *key = NULL;

      names[i] = fl_probe_config_get_dc (s->config, i)->name;
      key = key_for (FL_CHECK_SYSVOL, names[i]);
      sysvol[i] = g_hash_table_lookup (s->latest, key);
    }
  if (fl_sample_get_status (gpo) == FL_STATUS_OK)
    status = fl_gpo_view (gpo, sysvol, names, n, &text);
  else
    status = fl_sample_get_status (gpo), text = g_strdup (fl_sample_get_message (gpo));
  g_string_append_printf (out, "%-10s %-8s %8s  %s\n", fl_check_kind_to_string (FL_CHECK_GPO),
                          status_label (status), ms, text != NULL ? text : "");
  if (status == FL_STATUS_DEGRADED)
    g_ptr_array_add (problems, g_strdup_printf ("%s: %s", fl_check_kind_to_string (FL_CHECK_GPO), text));
}

static void
print_table (Session *s)
{
  g_autoptr(GString) out = g_string_new (NULL);
  g_autoptr(GPtrArray) problems = g_ptr_array_new_with_free_func (g_free);
  guint n = fl_probe_config_get_n_dcs (s->config);
  const FlCheckKind domain_checks[] = { FL_CHECK_LOCATOR, FL_CHECK_KDC_VIEW, FL_CHECK_SSSD,
                                        FL_CHECK_FSMO, FL_CHECK_GPO, FL_CHECK_NETWORK };

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
      if (domain_checks[k] == FL_CHECK_GPO)
        {
          append_gpo_view (out, s, sample, ms, problems);
          continue;
        }
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
      else if (domain_checks[k] == FL_CHECK_SSSD && server != NULL)
        g_string_append_printf (out, _("SSSD uses %s"), server);
      else if (domain_checks[k] == FL_CHECK_FSMO && fl_sample_get_status (sample) == FL_STATUS_OK)
        g_string_append_printf (out, _("PDC %s, RID %s, infrastructure %s, naming %s, schema %s"),
                                fl_sample_lookup_string (sample, "pdc"),
                                fl_sample_lookup_string (sample, "rid"),
                                fl_sample_lookup_string (sample, "infrastructure"),
                                fl_sample_lookup_string (sample, "naming"),
                                fl_sample_lookup_string (sample, "schema"));
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
  append_hints (out, s);

  {
    /* the messages quote the DCs: no escape sequence of theirs reaches the terminal */
    g_autofree char *safe = fl_cli_safe (out->str);

    fputs (safe, stdout);
  }
  fflush (stdout);
}

/* a sample of the scheduler's (one-shot commands) or of the session's (watch: the session has
 * already taken it into its timeline and model) */
static void
on_sample (GObject  *source,
           FlSample *sample,
           Session  *s)
{
  g_hash_table_insert (s->latest, key_for (fl_sample_get_kind (sample), fl_sample_get_dc (sample)),
                       fl_sample_ref (sample));
  if (!s->jsonl && !s->table)
    g_ptr_array_add (s->round, fl_sample_ref (sample));   /* one-shot commands only */
  if (s->jsonl)
    {
      g_autoptr(JsonNode) node = fl_sample_to_json (sample);

      fl_cli_print_json (node, FALSE);
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

      fl_cli_print_json (node, FALSE);
    }
}

static void
session_clear (Session *s)
{
  g_clear_pointer (&s->latest, g_hash_table_unref);
  g_clear_pointer (&s->round, g_ptr_array_unref);
  g_clear_pointer (&s->loop, g_main_loop_unref);
  s->detector = NULL;
  s->timeline = NULL;
  g_clear_object (&s->session);
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

typedef enum { SHOW_TABLE, SHOW_LOCATE, SHOW_FSMO } Show;

static void
print_fsmo (FlSample *sample)
{
  g_autofree char *ms = fl_cli_format_ms (fl_sample_get_latency_us (sample));

  if (fl_sample_get_status (sample) != FL_STATUS_OK)
    {
      fl_cli_fail_with (FL_EXIT_PROBLEM, "%s", fl_sample_get_message (sample));
      return;
    }
  for (guint i = 0; i < FL_FSMO_N_ROLES; i++)
    {
      const char *label = fl_fsmo_role_to_label ((FlFsmoRole)i);

      printf ("%s%*s %s\n", label, (int)MAX (0, 24 - g_utf8_strlen (label, -1)), "",
              fl_sample_lookup_string (sample, fl_fsmo_role_to_string ((FlFsmoRole)i)));
    }
  printf (_("(read from %s with a Kerberos bind in %s)\n"),
          fl_sample_lookup_string (sample, "server"), ms);
}

static int
run_once (FlCliOptions *o,
          guint32       mask,
          Show          show)
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

      FlHintContext context = { FALSE };

      fl_hint_context_scan (&context, (FlSample **)s.round->pdata, s.round->len);
      for (guint i = 0; i < s.round->len; i++)
        {
          JsonNode *sample = fl_sample_to_json (s.round->pdata[i]);
          FlHint hint = fl_hint_classify (s.round->pdata[i], &context);

          /* the failure class, for scripts: "trust-broken" (its text is in the table output) */
          if (hint != FL_HINT_NONE)
            json_object_set_string_member (json_node_get_object (sample), "hint", fl_hint_to_string (hint));
          json_array_add_element (array, sample);
        }
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
  else if (show == SHOW_FSMO)
    {
      if (s.round->len > 0)
        print_fsmo (s.round->pdata[0]);
    }
  else if (show == SHOW_LOCATE)
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
        fl_cli_fail_with (FL_EXIT_PROBLEM, "%s", fl_sample_get_message (sample));
    }
  else
    print_table (&s);

  code = round_exit_code (&s);
  session_clear (&s);
  return code;
}

/* check, locate and fsmo: one round of some checks, shown one way */
static int
run_once_command (int          argc,
                  char       **argv,
                  const char  *summary,
                  guint32      mask,
                  Show         show)
{
  FlCliOptions o = { 0 };
  g_autoptr(GOptionContext) ctx = g_option_context_new (summary);
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

  code = run_once (&o, mask, show);
  fl_cli_options_clear (&o);
  return code;
}

int
fl_cli_check (int    argc,
              char **argv)
{
  return run_once_command (argc, argv, _("— run every check once"), FL_CHECK_MASK_DEFAULT,
                           SHOW_TABLE);
}

int
fl_cli_locate (int    argc,
               char **argv)
{
  return run_once_command (argc, argv,
                           _("— find a domain controller as nltest /dsgetdc:DOMAIN /force does"),
                           FL_CHECK_MASK (FL_CHECK_LOCATOR), SHOW_LOCATE);
}

int
fl_cli_fsmo (int    argc,
             char **argv)
{
  if (argc >= 2 && g_str_equal (argv[1], "transfer"))
    return fl_cli_fsmo_transfer (argc - 1, argv + 1);
  return run_once_command (argc, argv,
                           _("— show the five FSMO role owners (read with a Kerberos bind)"),
                           FL_CHECK_MASK (FL_CHECK_FSMO), SHOW_FSMO);
}

/* --- mark-fault ------------------------------------------------------------------------ */

/* `watch` listens on a Unix socket (in $XDG_RUNTIME_DIR/failover-lab/, mode 0700); mark-fault
 * sends it one line, {"dc": "DC1", "note": "…"}, and the watch records t_fault at once. */

static char *
control_dir (void)
{
  return g_build_filename (g_get_user_runtime_dir (), "failover-lab", NULL);
}

static char *
default_control_path (void)
{
  g_autofree char *dir = control_dir ();
  g_autofree char *name = g_strdup_printf ("watch-%d.sock", (int)getpid ());

  return g_build_filename (dir, name, NULL);
}

static void
reply_and_close (GSocketConnection *connection,
                 const char        *text)
{
  GOutputStream *out = g_io_stream_get_output_stream (G_IO_STREAM (connection));

  g_output_stream_write_all (out, text, strlen (text), NULL, NULL, NULL);
  g_io_stream_close (G_IO_STREAM (connection), NULL, NULL);
}

/* one connection of the control socket, read without blocking the watch's main loop: a client
 * that says nothing is dropped after 2 s, and probing never waits for it */
typedef struct
{
  Session           *s;
  GSocketConnection *connection;
  GCancellable      *cancellable;
  GSource           *timeout;
} Incoming;

static void
incoming_free (Incoming *in)
{
  if (in->timeout != NULL)
    {
      g_source_destroy (in->timeout);
      g_source_unref (in->timeout);
    }
  g_clear_object (&in->cancellable);
  g_clear_object (&in->connection);
  g_free (in);
}

static gboolean
on_incoming_timeout (gpointer data)
{
  Incoming *in = data;

  g_cancellable_cancel (in->cancellable);
  return G_SOURCE_REMOVE;
}

static void
on_incoming_read (GObject      *stream,
                  GAsyncResult *result,
                  gpointer      data)
{
  Incoming *in = data;
  g_autoptr(GBytes) bytes = g_input_stream_read_bytes_finish (G_INPUT_STREAM (stream), result, NULL);
  g_autoptr(GError) error = NULL;
  g_autofree char *dc = NULL, *note = NULL, *reply = NULL;
  const FlProbeDc *known = NULL;
  FlEvent *event;
  gsize n = 0;
  const char *data_ = bytes ? g_bytes_get_data (bytes, &n) : NULL;

  if (data_ == NULL || n == 0)
    {
      incoming_free (in);   /* silent, closed or too slow */
      return;
    }
  if (!fl_fault_request_parse (data_, n, &dc, &note, &error))
    reply = g_strdup_printf ("error %s\n", error->message);
  else if (dc != NULL && (known = fl_probe_config_lookup_dc (in->s->config, dc)) == NULL)
    reply = g_strdup ("error unknown DC\n");
  else
    {
      event = fl_timeline_mark_fault (in->s->timeline, FL_EVENT_FAULT, known ? known->name : NULL, note);
      reply = g_strdup_printf ("ok %" G_GINT64_FORMAT "\n", fl_event_get_mono_us (event));
    }
  /* a short reply into the socket's buffer: it does not block */
  reply_and_close (in->connection, reply);
  incoming_free (in);
}

static gboolean
on_control_incoming (GSocketService    *service,
                     GSocketConnection *connection,
                     GObject           *source,
                     Session           *s)
{
  Incoming *in = g_new0 (Incoming, 1);

  in->s = s;
  in->connection = g_object_ref (connection);
  in->cancellable = g_cancellable_new ();
  in->timeout = g_timeout_source_new_seconds (2);
  g_source_set_callback (in->timeout, on_incoming_timeout, in, NULL);
  g_source_attach (in->timeout, NULL);
  /* one short line: what does not fit is not a fault request */
  g_input_stream_read_bytes_async (g_io_stream_get_input_stream (G_IO_STREAM (connection)),
                                   FL_FAULT_REQUEST_MAX, G_PRIORITY_DEFAULT, in->cancellable,
                                   on_incoming_read, in);
  return TRUE;
}

static GSocketService *
control_listen (Session     *s,
                const char  *path,
                GError     **error)
{
  g_autoptr(GSocketService) service = g_socket_service_new ();
  g_autoptr(GSocketAddress) address = NULL;
  g_autofree char *dir = g_path_get_dirname (path);
  g_autofree char *control_dir_path = control_dir ();

  GStatBuf st;
  mode_t mask;
  gboolean ok;

  if (g_mkdir_with_parents (dir, 0700) != 0)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED, "%s: %s", dir, g_strerror (errno));
      return NULL;
    }
  /* the default folder is ours alone: made 0700, and refused if someone else could get in */
  if (g_str_equal (dir, control_dir_path) &&
      (g_lstat (dir, &st) != 0 || !S_ISDIR (st.st_mode) || st.st_uid != getuid () || (st.st_mode & 077) != 0))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_PERMISSION_DENIED,
                   _("%s: not a private folder of yours (it must be mode 0700)"), dir);
      return NULL;
    }
  g_unlink (path);
  address = g_unix_socket_address_new (path);
  /* the socket is born 0600: no moment when another user could connect */
  mask = umask (077);
  ok = g_socket_listener_add_address (G_SOCKET_LISTENER (service), address, G_SOCKET_TYPE_STREAM,
                                      G_SOCKET_PROTOCOL_DEFAULT, NULL, NULL, error);
  umask (mask);
  if (!ok)
    return NULL;
  g_signal_connect (service, "incoming", G_CALLBACK (on_control_incoming), s);
  g_socket_service_start (service);
  return g_steal_pointer (&service);
}

static char *
find_control (GError **error)
{
  g_autofree char *dir = control_dir ();
  g_autoptr(GDir) d = g_dir_open (dir, 0, NULL);
  g_autoptr(GPtrArray) found = g_ptr_array_new_with_free_func (g_free);
  const char *name;

  while (d != NULL && (name = g_dir_read_name (d)))
    if (g_str_has_prefix (name, "watch-") && g_str_has_suffix (name, ".sock"))
      {
        int pid = atoi (name + strlen ("watch-"));
        g_autofree char *proc = g_strdup_printf ("/proc/%d", pid);

        /* skip what a crashed watch left behind */
        if (pid > 0 && g_file_test (proc, G_FILE_TEST_IS_DIR))
          g_ptr_array_add (found, g_build_filename (dir, name, NULL));
      }

  if (found->len == 1)
    return g_strdup (found->pdata[0]);
  if (found->len == 0)
    g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND,
                         _("no failoverctl watch is running (start one, or give --control PATH)"));
  else
    g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_EXISTS,
                         _("several failoverctl watch are running: give --control PATH"));
  return NULL;
}

/**
 * fl_cli_send_fault:
 * @control: (nullable): the watch's control socket; %NULL: the only running watch
 * @t_us: (out): the fault's time in the watch (monotonic µs)
 *
 * Records t_fault in a running `failoverctl watch`. G_IO_ERROR_NOT_FOUND: no watch runs.
 */
gboolean
fl_cli_send_fault (const char  *control,
                   const char  *dc,
                   const char  *note,
                   gint64      *t_us,
                   GError     **error)
{
  g_autofree char *path = control ? g_strdup (control) : find_control (error);
  g_autoptr(GSocketClient) client = NULL;
  g_autoptr(GSocketConnection) connection = NULL;
  g_autoptr(GSocketAddress) address = NULL;
  g_autoptr(JsonBuilder) b = json_builder_new ();
  g_autoptr(JsonGenerator) gen = json_generator_new ();
  g_autoptr(JsonNode) root = NULL;
  g_autofree char *line = NULL;
  char reply[256] = { 0 };
  gssize n;

  if (path == NULL)
    return FALSE;
  json_builder_begin_object (b);
  if (dc != NULL)
    {
      json_builder_set_member_name (b, "dc");
      json_builder_add_string_value (b, dc);
    }
  if (note != NULL)
    {
      json_builder_set_member_name (b, "note");
      json_builder_add_string_value (b, note);
    }
  json_builder_end_object (b);
  root = json_builder_get_root (b);
  json_generator_set_root (gen, root);
  line = json_generator_to_data (gen, NULL);

  client = g_socket_client_new ();
  g_socket_client_set_timeout (client, 3);
  address = g_unix_socket_address_new (path);
  connection = g_socket_client_connect (client, G_SOCKET_CONNECTABLE (address), NULL, error);
  if (connection == NULL ||
      !g_output_stream_write_all (g_io_stream_get_output_stream (G_IO_STREAM (connection)),
                                  line, strlen (line), NULL, NULL, error))
    {
      g_prefix_error (error, "%s: ", path);
      return FALSE;
    }
  n = g_input_stream_read (g_io_stream_get_input_stream (G_IO_STREAM (connection)), reply,
                           sizeof reply - 1, NULL, error);
  if (n <= 0 || !g_str_has_prefix (reply, "ok"))
    {
      g_clear_error (error);
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED, _("the watch refused the fault: %s"),
                   n > 0 ? g_strstrip (reply) : _("no reply"));
      return FALSE;
    }
  *t_us = g_ascii_strtoll (g_strstrip (reply + 3), NULL, 10);
  return TRUE;
}

int
fl_cli_mark_fault (int    argc,
                   char **argv)
{
  g_autofree char *control = NULL;
  g_autofree char *dc = NULL;
  g_autofree char *note = NULL;
  g_autoptr(GOptionContext) ctx = g_option_context_new (_("— record a fault now (t_fault) in a running watch"));
  g_autoptr(GError) error = NULL;
  gint64 t = 0;
  const GOptionEntry entries[] = {
    { "dc", 0, 0, G_OPTION_ARG_STRING, &dc, N_("The DC the fault is about"), N_("NAME") },
    { "note", 0, 0, G_OPTION_ARG_STRING, &note, N_("What was done, e.g. “pulled DC1's cable”"),
      N_("TEXT") },
    { "control", 0, 0, G_OPTION_ARG_FILENAME, &control,
      N_("The watch's control socket (default: the only running watch)"), N_("PATH") },
    { NULL }
  };

  g_option_context_set_translation_domain (ctx, GETTEXT_PACKAGE);
  g_option_context_add_main_entries (ctx, entries, GETTEXT_PACKAGE);
  if (!g_option_context_parse (ctx, &argc, &argv, &error))
    return fl_cli_fail ("%s", error->message);
  if (!fl_cli_send_fault (control, dc, note, &t, &error))
    return fl_cli_fail ("%s", error->message);
  {
    g_autofree char *when = g_strdup_printf ("%" G_GINT64_FORMAT, t);

    printf (_("Fault recorded at t=%s µs\n"), when);
  }
  return FL_EXIT_OK;
}

/* --- watch ----------------------------------------------------------------------------- */

static gboolean
on_signal_quit (gpointer data)
{
  g_main_loop_quit (data);
  return G_SOURCE_REMOVE;
}

/* the instructor's headline: who serves logons now, and the last switchover */
static void
print_banner (Session *s)
{
  const char *server = fl_switchover_detector_get_logon_server (s->detector);
  FlEvent *last = fl_switchover_detector_get_headline_switch (s->detector);

  if (server != NULL)
    printf (_("Active logon server: %s"), server);
  else
    printf ("%s", _("No DC answers"));
  if (last != NULL)
    {
      g_autofree char *safe = fl_cli_safe (fl_event_get_message (last));

      printf ("    %s %s", _("Last switchover:"), safe);
    }
  printf ("\n\n");
}

static void
print_recent_events (Session *s)
{
  GPtrArray *events = fl_timeline_get_events (s->timeline);
  guint first = events->len > 6 ? events->len - 6 : 0;

  if (events->len <= 1)
    return;
  printf ("\n%s\n", _("Events:"));
  for (guint i = first; i < events->len; i++)
    {
      FlEvent *e = events->pdata[i];
      g_autoptr(GDateTime) dt = g_date_time_new_from_unix_local (fl_event_get_wall_us (e) / G_USEC_PER_SEC);
      g_autofree char *when = g_date_time_format (dt, "%H:%M:%S");

      g_autofree char *safe = fl_cli_safe (fl_event_get_message (e));

      printf ("  %s  %s\n", when, safe);
    }
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
      print_banner (s);
      print_table (s);
      print_recent_events (s);
    }
}

/* the disk is full (…): the recording stops, the watch goes on */
static void
on_record_failed (FlRecorder   *recorder,
                  const GError *error,
                  gpointer      user_data)
{
  g_autofree char *safe = fl_cli_safe (error->message);

  fprintf (stderr, "failoverctl: %s\n", safe);
}

/* the Windows client's views need the hypervisor that reaches it (its guest agent): connected
 * when the lab says so; without it, watch says why once and probes on */
static FlHypervisor *
watch_hypervisor (FlLab      *lab,
                  const char *secret_file,
                  gboolean    quiet)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *safe = NULL;
  FlHypervisor *hv;
  guint vmid = 0;
  gboolean connected = FALSE;

  if (fl_lab_get_hypervisor_kind (lab) == FL_HYPERVISOR_NONE || !fl_lab_has_client (lab) ||
      fl_lab_get_client_access (lab) != FL_CLIENT_ACCESS_GUEST_AGENT ||
      !fl_lab_get_client_vm (lab, NULL, &vmid))
    return NULL;
  hv = fl_cli_open_hypervisor (lab, secret_file, NULL, vmid, quiet, &connected, &error);
  if (hv != NULL)
    return hv;
  safe = fl_cli_safe (error->message);
  /* TRANSLATORS: failoverctl watch goes on without the Windows client's own views */
  fprintf (stderr, _("failoverctl: %s's own views are not asked: %s\n"), fl_lab_get_client_name (lab), safe);
  return NULL;
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
  g_autoptr(GSocketService) service = NULL;
  g_autofree char *control = NULL;
  g_autofree char *control_path = NULL;
  g_autofree char *record_path = NULL;
  g_autofree char *secret_file = NULL;
  g_autoptr(FlRecorder) recorder = NULL;
  g_auto(FlHypervisorOwned) hv = NULL;
  const GOptionEntry entries[] = {
    { "secret-file", 0, 0, G_OPTION_ARG_FILENAME, &secret_file,
      N_("The hypervisor's secret, to ask the Windows client for its views (owner-only file; "
         "default: $FAILOVER_LAB_PVE_SECRET)"), N_("FILE") },
    { "record", 0, 0, G_OPTION_ARG_FILENAME, &record_path,
      N_("Record the session to FILE (JSON Lines, written every round; a new file)"), N_("FILE") },
    { "control", 0, 0, G_OPTION_ARG_FILENAME, &control_path,
      N_("Listen for mark-fault on this socket (default: in $XDG_RUNTIME_DIR)"), N_("PATH") },
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
  /* the running lab; the detector needs the present, not 8 hours of history: a few samples
   * per series */
  hv = watch_hypervisor (lab, secret_file, jsonl);
  s.session = fl_lab_session_new (lab, config, hv, 64);
  s.timeline = fl_lab_session_get_timeline (s.session);
  s.detector = fl_lab_session_get_detector (s.session);
  g_signal_connect (s.timeline, "event-added", G_CALLBACK (on_event), &s);
  g_signal_connect (s.session, "sample", G_CALLBACK (on_sample), &s);
  scheduler = g_object_ref (fl_lab_session_get_scheduler (s.session));
  g_signal_connect (scheduler, "round-started", G_CALLBACK (on_round_started), &s);
  if (record_path != NULL)
    {
      recorder = fl_recorder_new_for_file (s.timeline, lab, record_path, &error);
      if (recorder == NULL)
        {
          session_clear (&s);
          fl_cli_options_clear (&o);
          return fl_cli_fail (_("--record: %s"), error->message);
        }
      g_signal_connect (recorder, "failed", G_CALLBACK (on_record_failed), NULL);
    }
  g_unix_signal_add (SIGINT, on_signal_quit, s.loop);
  g_unix_signal_add (SIGTERM, on_signal_quit, s.loop);
  if (duration_s > 0)
    g_timeout_add_seconds ((guint)duration_s, on_signal_quit, s.loop);
  control = control_path ? g_strdup (control_path) : default_control_path ();
  service = control_listen (&s, control, &error);
  if (service == NULL)
    g_warning ("mark-fault will not reach this watch: %s", error->message);

  fl_lab_session_start (s.session);
  g_main_loop_run (s.loop);
  fl_lab_session_stop (s.session);
  if (recorder != NULL)
    {
      gboolean said = fl_recorder_get_error (recorder) != NULL;   /* by on_record_failed */

      if (!fl_recorder_close (recorder, &error) && !said)
        on_record_failed (recorder, error, NULL);
      g_clear_error (&error);
    }
  if (service != NULL)
    {
      g_socket_service_stop (service);
      g_socket_listener_close (G_SOCKET_LISTENER (service));
      g_unlink (control);
    }

  session_clear (&s);
  fl_cli_options_clear (&o);
  return FL_EXIT_OK;
}
