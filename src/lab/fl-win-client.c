/* fl-win-client.c: the Windows client's views, asked of the client every few seconds.
 *
 * One round is one run of PowerShell (fl_win_round_argv): never two at once, each under a
 * deadline, through the hypervisor's guest agent or the client's OpenSSH server (two
 * connections there, so that a long command such as gpupdate never holds the rounds up). The
 * console's code page is the lab file's, or asked once with chcp: output that is not UTF-8 is
 * read from it. Its output becomes one sample per view; a client that cannot be asked (its
 * agent not running, a token without the privilege, a slow guest) gives "skipped" samples that
 * say why, once a round: a state, not an error storm, and never a failed DC.
 *
 * Copyright 2026 The Failover Lab authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "fl-win-client"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "fl-lab-enums.h"
#include "fl-lab.h"
#include "fl-pve.h"
#include "fl-ssh.h"
#include "fl-win-client.h"
#include "fl-win-output.h"

struct _FlWinClient
{
  GObject parent_instance;

  FlHypervisor     *hypervisor;    /* the guest agent's, or */
  guint             vmid;
  FlSsh            *ssh[2];        /* OpenSSH on the client: rounds, actions */
  char             *name;          /* the client's, for the messages */
  FlProbeConfig    *config;
  char             *codepage;      /* nullable */
  char            **round_argv;    /* the round's PowerShell, made once (nullable until then) */
  gboolean          codepage_known;  /* the lab file's, or chcp asked */

  guint             poll_ms;
  guint             deadline_ms;
  guint             poll_source;
  guint             deadline_source;
  GCancellable     *round;         /* the round under way, or NULL */
  gint64            round_mono;
  gint64            round_wall;

  FlWinClientState  state;
  char             *message;

  FlWinActionResult *last[FL_WIN_N_ACTIONS];   /* each action's last outcome (nullable) */
};

enum
{
  PROP_0,
  PROP_STATE,
  PROP_MESSAGE,
  N_PROPS
};

enum
{
  SAMPLE,
  ACTION_DONE,
  N_SIGNALS
};

static GParamSpec *props[N_PROPS];
static guint signals[N_SIGNALS];

G_DEFINE_FINAL_TYPE (FlWinClient, fl_win_client, G_TYPE_OBJECT)

static const FlCheckKind round_checks[] = { FL_CHECK_WIN_LOCATOR, FL_CHECK_SECURE_CHANNEL,
                                            FL_CHECK_WIN_KDC, FL_CHECK_WIN_LOGON };

/* ------------------------------------------------------------------------------------------ */
/* a round's output to samples: pure */

/**
 * fl_win_dc_name:
 * @host: what the client printed: "DC2.test.local", "DC2"
 *
 * Returns: (transfer full) (nullable): the lab's name for that DC ("DC2"): by host name, then
 *   by its first label; a DC the lab does not list keeps its first label, upper case
 */
char *
fl_win_dc_name (FlProbeConfig *config,
                const char    *host)
{
  g_autofree char *label = NULL;
  const char *dot;

  if (host == NULL || *host == '\0')
    return NULL;
  dot = strchr (host, '.');
  label = g_ascii_strup (host, dot ? dot - host : -1);
  for (guint i = 0; i < fl_probe_config_get_n_dcs (config); i++)
    {
      const FlProbeDc *dc = fl_probe_config_get_dc (config, i);

      if (g_ascii_strcasecmp (dc->host, host) == 0 || g_ascii_strcasecmp (dc->name, host) == 0)
        return g_strdup (dc->name);
    }
  for (guint i = 0; i < fl_probe_config_get_n_dcs (config); i++)
    {
      const FlProbeDc *dc = fl_probe_config_get_dc (config, i);
      const char *dc_dot = strchr (dc->host, '.');
      gsize n = dc_dot ? (gsize)(dc_dot - dc->host) : strlen (dc->host);

      if (g_ascii_strcasecmp (dc->name, label) == 0 ||
          (strlen (label) == n && g_ascii_strncasecmp (dc->host, label, n) == 0))
        return g_strdup (dc->name);
    }
  return g_steal_pointer (&label);
}

/* "1722 RPC_S_SERVER_UNAVAILABLE" */
static char *
status_text (const FlWinStatus *status)
{
  if (status->symbol != NULL)
    return g_strdup_printf ("%u %s", status->code, status->symbol);
  return g_strdup_printf ("%u (0x%x)", status->code, status->code);
}

static FlSample *
view_sample (FlCheckKind  kind,
             FlStatus     status,
             const char  *server,
             const char  *message,
             GVariantDict *extra,
             gint64       mono_us,
             gint64       wall_us,
             gint64       latency_us)
{
  GVariantDict d;

  g_variant_dict_init (&d, extra ? g_variant_dict_end (extra) : NULL);
  if (server != NULL)
    g_variant_dict_insert (&d, "server", "s", server);
  return fl_sample_new_full (kind, NULL, status, mono_us, wall_us, latency_us, message, g_variant_dict_end (&d));
}

static FlSample *
locator_sample (FlProbeConfig *config,
                const char    *text,
                gint64         mono_us,
                gint64         wall_us,
                gint64         latency_us)
{
  g_autoptr(FlWinDsGetDc) r = fl_win_parse_dsgetdc (text);
  g_autofree char *server = fl_win_dc_name (config, r->dc);
  GVariantDict extra;

  g_variant_dict_init (&extra, NULL);
  if (r->status.known && r->status.code != 0)
    {
      g_autofree char *code = status_text (&r->status);
      /* TRANSLATORS: nltest /dsgetdc failed on the Windows client: "1355 ERROR_NO_SUCH_DOMAIN" */
      g_autofree char *message = g_strdup_printf (_("The client's locator finds no DC: %s"), code);

      g_variant_dict_insert (&extra, "code", "s", code);
      return view_sample (FL_CHECK_WIN_LOCATOR, FL_STATUS_FAIL, NULL, message, &extra, mono_us, wall_us,
                          latency_us);
    }
  if (server == NULL)
    {
      g_variant_dict_clear (&extra);
      return view_sample (FL_CHECK_WIN_LOCATOR, FL_STATUS_SKIPPED, NULL,
                          _("nltest /dsgetdc printed nothing that could be read"), NULL, mono_us, wall_us,
                          latency_us);
    }
  if (r->address != NULL)
    g_variant_dict_insert (&extra, "address", "s", r->address);
  if (r->dc_site != NULL)
    g_variant_dict_insert (&extra, "dc_site", "s", r->dc_site);
  if (r->client_site != NULL)
    g_variant_dict_insert (&extra, "client_site", "s", r->client_site);
  if (r->flags[0] != NULL)
    {
      g_autofree char *flags = g_strjoinv (" ", r->flags);

      g_variant_dict_insert (&extra, "flags_text", "s", flags);
    }
  return view_sample (FL_CHECK_WIN_LOCATOR, FL_STATUS_OK, server, NULL, &extra, mono_us, wall_us, latency_us);
}

static FlSample *
secure_channel_sample (FlProbeConfig *config,
                       const char    *text,
                       gint64         mono_us,
                       gint64         wall_us,
                       gint64         latency_us)
{
  g_autoptr(FlWinSecureChannel) r = fl_win_parse_sc_query (text);
  g_autofree char *trusted = fl_win_dc_name (config, r->trusted_dc);
  g_autofree char *code = NULL;
  g_autofree char *message = NULL;
  GVariantDict extra;

  if (!r->connection.known)
    return view_sample (FL_CHECK_SECURE_CHANNEL, FL_STATUS_SKIPPED, NULL,
                        _("nltest /sc_query printed nothing that could be read"), NULL, mono_us, wall_us,
                        latency_us);
  g_variant_dict_init (&extra, NULL);
  code = status_text (&r->connection);
  g_variant_dict_insert (&extra, "code", "s", code);
  if (trusted != NULL)
    g_variant_dict_insert (&extra, "trusted_dc", "s", trusted);
  if (r->connection.code == 0 && trusted != NULL)
    return view_sample (FL_CHECK_SECURE_CHANNEL, FL_STATUS_OK, trusted, NULL, &extra, mono_us, wall_us,
                        latency_us);
  if (trusted != NULL)
    /* TRANSLATORS: the Windows client's secure channel is down: "with DC1: 1722 RPC_S_SERVER_UNAVAILABLE" */
    message = g_strdup_printf (_("Secure channel with %s fails: %s"), trusted, code);
  else
    message = g_strdup_printf (_("No secure channel: %s"), code);
  return view_sample (FL_CHECK_SECURE_CHANNEL, FL_STATUS_FAIL, NULL, message, &extra, mono_us, wall_us,
                      latency_us);
}

static FlSample *
kdc_sample (FlProbeConfig *config,
            const char    *text,
            gint64         mono_us,
            gint64         wall_us,
            gint64         latency_us)
{
  g_autoptr(FlWinKlist) r = fl_win_parse_klist (text);
  const char *kdc = r->service_kdc ? r->service_kdc : r->tgt_kdc;
  g_autofree char *server = fl_win_dc_name (config, kdc);
  g_autofree char *tgt = fl_win_dc_name (config, r->tgt_kdc);
  GVariantDict extra;

  if (server == NULL)
    return view_sample (FL_CHECK_WIN_KDC, FL_STATUS_SKIPPED, NULL,
                        r->tickets->len == 0 ? _("no tickets in the client's cache yet")
                                             : _("klist does not say which KDC issued the tickets"),
                        NULL, mono_us, wall_us, latency_us);
  g_variant_dict_init (&extra, NULL);
  if (tgt != NULL)
    g_variant_dict_insert (&extra, "tgt_kdc", "s", tgt);
  g_variant_dict_insert (&extra, "tickets", "u", r->tickets->len);
  return view_sample (FL_CHECK_WIN_KDC, FL_STATUS_OK, server, NULL, &extra, mono_us, wall_us, latency_us);
}

static FlSample *
logon_sample (FlProbeConfig *config,
              const char    *text,
              gint64         mono_us,
              gint64         wall_us,
              gint64         latency_us)
{
  g_autofree char *raw = fl_win_parse_logonserver (text);
  g_autofree char *server = fl_win_dc_name (config, raw);

  if (server == NULL)
    return view_sample (FL_CHECK_WIN_LOGON, FL_STATUS_SKIPPED, NULL, _("LOGONSERVER is not set on the client"),
                        NULL, mono_us, wall_us, latency_us);
  return view_sample (FL_CHECK_WIN_LOGON, FL_STATUS_OK, server, NULL, NULL, mono_us, wall_us, latency_us);
}

/**
 * fl_win_round_samples:
 * @output: a round's output, valid UTF-8 (fl_win_decode_output())
 *
 * Returns: (transfer container) (element-type FlSample): one sample per view of the round, in
 *   the order of FlWinPart
 */
GPtrArray *
fl_win_round_samples (FlProbeConfig *config,
                      const char    *output,
                      gint64         mono_us,
                      gint64         wall_us,
                      gint64         latency_us)
{
  g_auto(GStrv) parts = fl_win_split_round (output);
  GPtrArray *samples = g_ptr_array_new_with_free_func ((GDestroyNotify)fl_sample_unref);

  g_ptr_array_add (samples, locator_sample (config, parts[FL_WIN_PART_DSGETDC], mono_us, wall_us, latency_us));
  g_ptr_array_add (samples, secure_channel_sample (config, parts[FL_WIN_PART_SC_QUERY], mono_us, wall_us,
                                                   latency_us));
  g_ptr_array_add (samples, kdc_sample (config, parts[FL_WIN_PART_KLIST], mono_us, wall_us, latency_us));
  g_ptr_array_add (samples, logon_sample (config, parts[FL_WIN_PART_LOGONSERVER], mono_us, wall_us, latency_us));
  return samples;
}

/* ------------------------------------------------------------------------------------------ */
/* the rounds */

static void
set_state (FlWinClient      *self,
           FlWinClientState  state,
           const char       *message)
{
  if (self->state != state)
    {
      self->state = state;
      g_object_notify_by_pspec (G_OBJECT (self), props[PROP_STATE]);
    }
  if (g_strcmp0 (self->message, message) != 0)
    {
      g_free (self->message);
      self->message = g_strdup (message);
      g_object_notify_by_pspec (G_OBJECT (self), props[PROP_MESSAGE]);
    }
}

/* the round could not ask the client: every view skipped, saying why */
static void
emit_skipped (FlWinClient *self,
              const char  *why)
{
  gint64 latency = g_get_monotonic_time () - self->round_mono;

  for (guint i = 0; i < G_N_ELEMENTS (round_checks); i++)
    {
      g_autoptr(FlSample) s = fl_sample_new_full (round_checks[i], NULL, FL_STATUS_SKIPPED, self->round_mono,
                                                  self->round_wall, latency, why, NULL);

      g_signal_emit (self, signals[SAMPLE], 0, s);
    }
}

/* ------------------------------------------------------------------------------------------ */
/* the transport: one command, its exit code and its output as valid UTF-8 (FlAgentResult's
 * out_data), whichever way the client is reached */

enum { CHANNEL_ROUNDS, CHANNEL_ACTIONS };

typedef struct
{
  FlSsh *ssh;
  char  *command;
  guint  timeout_s;
  char  *codepage;
} SshExec;

static void
ssh_exec_free (SshExec *e)
{
  g_clear_object (&e->ssh);
  g_free (e->command);
  g_free (e->codepage);
  g_free (e);
}

static void
ssh_exec_thread (GTask        *task,
                 gpointer      source,
                 gpointer      data,
                 GCancellable *cancellable)
{
  SshExec *e = data;
  g_autoptr(GString) out = g_string_new (NULL);
  g_autoptr(GString) err = g_string_new (NULL);
  GError *error = NULL;
  FlAgentResult *r;
  int status = -1;

  /* cancelled while it waited for the connection (a round past its deadline): not run */
  if (g_task_return_error_if_cancelled (task))
    return;
  if (!fl_ssh_run (e->ssh, e->command, e->timeout_s, out, err, &status, &error))
    {
      g_task_return_error (task, error);
      return;
    }
  r = g_new0 (FlAgentResult, 1);
  r->exitcode = status;
  r->out_data = fl_win_decode_output ((const guint8 *)out->str, out->len, e->codepage);
  r->err_data = fl_win_decode_output ((const guint8 *)err->str, err->len, e->codepage);
  g_task_return_pointer (task, r, (GDestroyNotify)fl_agent_result_free);
}

/* on the main thread: the connection is let go here, so that a worker thread never finalizes
 * it (a process that exits meanwhile would have libssh2 and OpenSSL torn down under it) */
static void
ssh_exec_done (GObject      *object,
               GAsyncResult *result,
               gpointer      data)
{
  g_autoptr(GTask) outer = data;
  SshExec *e = g_task_get_task_data (G_TASK (result));
  GError *error = NULL;
  FlAgentResult *r;

  g_clear_object (&e->ssh);
  r = g_task_propagate_pointer (G_TASK (result), &error);
  if (r == NULL)
    g_task_return_error (outer, error);
  else
    g_task_return_pointer (outer, r, (GDestroyNotify)fl_agent_result_free);
}

static void
agent_exec_done (GObject      *object,
                 GAsyncResult *result,
                 gpointer      data)
{
  g_autoptr(GTask) task = data;
  FlWinClient *self = g_task_get_source_object (task);
  GError *error = NULL;
  FlAgentResult *r = fl_hypervisor_agent_exec_finish (FL_HYPERVISOR (object), result, &error);
  char *text;

  if (r == NULL)
    {
      g_task_return_error (task, error);
      return;
    }
  text = fl_win_agent_text (r->out_data, self->codepage);
  g_free (r->out_data);
  r->out_data = text;
  text = fl_win_agent_text (r->err_data, self->codepage);
  g_free (r->err_data);
  r->err_data = text;
  g_task_return_pointer (task, r, (GDestroyNotify)fl_agent_result_free);
}

/* @argv on the client under @timeout_s; @channel: which SSH connection */
static void
exec_async (FlWinClient         *self,
            guint                channel,
            const char * const  *argv,
            guint                timeout_s,
            GCancellable        *cancellable,
            GAsyncReadyCallback  callback,
            gpointer             user_data)
{
  GTask *task = g_task_new (self, cancellable, callback, user_data);

  if (self->ssh[0] != NULL)
    {
      /* the worker's task has no source object: nothing of ours is let go on its thread */
      g_autoptr(GTask) inner = g_task_new (NULL, cancellable, ssh_exec_done, task);
      SshExec *e = g_new0 (SshExec, 1);

      e->ssh = g_object_ref (self->ssh[channel]);
      e->command = fl_win_command_line (argv);
      e->timeout_s = timeout_s;
      e->codepage = g_strdup (self->codepage);
      g_task_set_task_data (inner, e, (GDestroyNotify)ssh_exec_free);
      g_task_run_in_thread (inner, ssh_exec_thread);
      return;
    }
  fl_hypervisor_agent_exec_async (self->hypervisor, self->vmid, argv, timeout_s, cancellable, agent_exec_done, task);
}

/* Returns: its exit code and output (out_data: valid UTF-8), or why it could not run */
static FlAgentResult *
exec_finish (FlWinClient   *self,
             GAsyncResult  *result,
             GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}

/* why the client could not be asked, and what that makes its state */
static char *
describe_error (FlWinClient      *self,
                const GError     *error,
                FlWinClientState *state)
{
  *state = FL_WIN_CLIENT_FAILED;
  if (g_error_matches (error, FL_PVE_ERROR, FL_PVE_ERROR_HOST_KEY) && self->ssh[0] != NULL &&
      (fl_ssh_get_host_key_unknown (self->ssh[0]) || fl_ssh_get_host_key_changed (self->ssh[0])))
    {
      /* the message says which key, and what to compare it with (a known_hosts that cannot be
       * read is no key to trust: it fails as itself) */
      *state = FL_WIN_CLIENT_UNTRUSTED;
      return g_strdup (error->message);
    }
  if (self->ssh[0] != NULL)
    return g_strdup_printf (_("%s could not be asked over SSH: %s"), self->name, error ? error->message : "?");
  if (g_error_matches (error, FL_PVE_ERROR, FL_PVE_ERROR_PERMISSION))
    {
      *state = FL_WIN_CLIENT_DENIED;
      return g_strdup_printf (_("The hypervisor refuses to run commands in %s: give the token "
                                "VM.GuestAgent.Unrestricted (VM.Monitor before Proxmox VE 9)"), self->name);
    }
  if (g_error_matches (error, FL_PVE_ERROR, FL_PVE_ERROR_SERVER) &&
      g_str_has_suffix (error->message, " is not running") && strstr (error->message, "agent") == NULL)
    {
      *state = FL_WIN_CLIENT_NO_AGENT;
      return g_strdup_printf (_("%s is not running: its views come back once it has started"), self->name);
    }
  if (error != NULL && strstr (error->message, "guest agent") != NULL)
    {
      *state = FL_WIN_CLIENT_NO_AGENT;
      return g_strdup_printf (_("%s's guest agent does not answer: is the VM running, with the "
                                "QEMU guest agent installed?"), self->name);
    }
  return g_strdup_printf (_("%s could not be asked: %s"), self->name, error ? error->message : "?");
}

/* the round could not ask the client: its state says why, and every view is skipped */
static void
round_failed (FlWinClient  *self,
              const GError *error)
{
  FlWinClientState state;
  g_autofree char *why = describe_error (self, error, &state);

  g_clear_handle_id (&self->deadline_source, g_source_remove);
  g_clear_object (&self->round);
  set_state (self, state, why);
  emit_skipped (self, why);
}

static void
round_done (GObject      *object,
            GAsyncResult *result,
            gpointer      data)
{
  g_autoptr(FlWinClient) self = data;
  g_autoptr(GError) error = NULL;
  g_autoptr(FlAgentResult) r = exec_finish (self, result, &error);
  g_autoptr(GPtrArray) samples = NULL;

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;   /* stopped, or the deadline said so already */
  g_clear_handle_id (&self->deadline_source, g_source_remove);
  g_clear_object (&self->round);

  if (r == NULL)
    {
      round_failed (self, error);
      return;
    }

  samples = fl_win_round_samples (self->config, r->out_data, self->round_mono, self->round_wall,
                                  g_get_monotonic_time () - self->round_mono);
  set_state (self, FL_WIN_CLIENT_ANSWERING, NULL);
  for (guint i = 0; i < samples->len; i++)
    g_signal_emit (self, signals[SAMPLE], 0, samples->pdata[i]);
}

static gboolean
round_deadline (gpointer data)
{
  FlWinClient *self = data;
  g_autofree char *why = g_strdup_printf (_("%s did not answer within %.0f s"), self->name,
                                          self->deadline_ms / 1000.0);

  self->deadline_source = 0;
  if (self->round != NULL)
    {
      g_cancellable_cancel (self->round);
      g_clear_object (&self->round);
    }
  set_state (self, FL_WIN_CLIENT_SLOW, why);
  emit_skipped (self, why);
  return G_SOURCE_REMOVE;
}

static void
round_exec (FlWinClient *self)
{
  gint64 left_ms = self->deadline_ms - (g_get_monotonic_time () - self->round_mono) / 1000;

  exec_async (self, CHANNEL_ROUNDS, (const char * const *)self->round_argv, (guint)MAX (1, left_ms / 1000), self->round,
              round_done, g_object_ref (self));
}

static void
codepage_done (GObject      *object,
               GAsyncResult *result,
               gpointer      data)
{
  g_autoptr(FlWinClient) self = data;
  g_autoptr(GError) error = NULL;
  g_autoptr(FlAgentResult) r = exec_finish (self, result, &error);
  guint cp;

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  if (r == NULL)
    {
      /* the client cannot be asked at all: said now (asking again would only wait as long) */
      round_failed (self, error);
      return;
    }
  self->codepage_known = TRUE;
  cp = fl_win_parse_chcp (r->out_data);
  if (cp != 0)
    {
      g_autofree char *name = cp == 65001 ? g_strdup ("UTF-8") : g_strdup_printf ("CP%u", cp);

      if (fl_lab_codepage_valid (name))
        {
          g_free (self->codepage);
          self->codepage = g_steal_pointer (&name);
        }
      else
        g_info ("%s: code page %u cannot be read here: its output is read as CP932", self->name, cp);
    }
  else
    g_info ("%s: chcp told no code page: its output is read as CP932", self->name);
  round_exec (self);
}

/**
 * fl_win_client_get_codepage:
 *
 * Returns: (nullable): the client console's code page: the lab file's, or what chcp said
 */
const char *
fl_win_client_get_codepage (FlWinClient *self)
{
  g_return_val_if_fail (FL_IS_WIN_CLIENT (self), NULL);
  return self->codepage;
}

/**
 * fl_win_client_run_round:
 *
 * Asks the client now, unless a round is under way.
 */
void
fl_win_client_run_round (FlWinClient *self)
{
  g_return_if_fail (FL_IS_WIN_CLIENT (self));

  if (self->round != NULL)
    return;
  if (self->round_argv == NULL)
    self->round_argv = fl_win_round_argv (fl_probe_config_get_domain (self->config));
  if (self->round_argv == NULL)
    {
      set_state (self, FL_WIN_CLIENT_FAILED, _("The lab's domain is not a DNS name"));
      return;
    }
  self->round = g_cancellable_new ();
  self->round_mono = g_get_monotonic_time ();
  self->round_wall = g_get_real_time ();
  self->deadline_source = g_timeout_add (self->deadline_ms, round_deadline, self);
  if (!self->codepage_known)
    {
      /* the console's code page, once: the round's own output follows it */
      static const char * const chcp[] = { "chcp.com", NULL };

      exec_async (self, CHANNEL_ROUNDS, chcp, MAX (1u, self->deadline_ms / 1000), self->round, codepage_done,
                  g_object_ref (self));
      return;
    }
  round_exec (self);
}

static gboolean
poll_tick (gpointer data)
{
  fl_win_client_run_round (data);
  return G_SOURCE_CONTINUE;
}

/**
 * fl_win_client_start:
 * @poll_ms: how often
 * @deadline_ms: a round's deadline (0: %FL_WIN_CLIENT_DEADLINE_MS)
 */
void
fl_win_client_start (FlWinClient *self,
                     guint        poll_ms,
                     guint        deadline_ms)
{
  g_return_if_fail (FL_IS_WIN_CLIENT (self));

  fl_win_client_stop (self);
  self->poll_ms = MAX (poll_ms, 100u);
  self->deadline_ms = deadline_ms ? deadline_ms : FL_WIN_CLIENT_DEADLINE_MS;
  self->poll_source = g_timeout_add (self->poll_ms, poll_tick, self);
  fl_win_client_run_round (self);
}

void
fl_win_client_stop (FlWinClient *self)
{
  g_return_if_fail (FL_IS_WIN_CLIENT (self));

  g_clear_handle_id (&self->poll_source, g_source_remove);
  g_clear_handle_id (&self->deadline_source, g_source_remove);
  if (self->round != NULL)
    g_cancellable_cancel (self->round);
  g_clear_object (&self->round);
}

/**
 * fl_win_client_state_to_label:
 * @css: (out) (optional): a style for it ("success", "warning", "error", or %NULL)
 *
 * Returns: the client's state in a word or two, translated
 */
const char *
fl_win_client_state_to_label (FlWinClientState  state,
                              const char      **css)
{
  static const struct { FlWinClientState state; const char *label; const char *css; } table[] = {
    { FL_WIN_CLIENT_IDLE, N_("Not asked yet"), NULL },
    { FL_WIN_CLIENT_ANSWERING, N_("Answering"), "success" },
    { FL_WIN_CLIENT_NO_AGENT, N_("No guest agent"), "warning" },
    { FL_WIN_CLIENT_DENIED, N_("Not allowed"), "error" },
    { FL_WIN_CLIENT_SLOW, N_("Slow to answer"), "warning" },
    { FL_WIN_CLIENT_UNTRUSTED, N_("Host key not trusted"), "error" },
    { FL_WIN_CLIENT_FAILED, N_("Cannot be asked"), "error" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (table); i++)
    if (table[i].state == state)
      {
        if (css != NULL)
          *css = table[i].css;
        return _(table[i].label);
      }
  g_return_val_if_reached ("");
}

FlWinClientState
fl_win_client_get_state (FlWinClient *self)
{
  g_return_val_if_fail (FL_IS_WIN_CLIENT (self), FL_WIN_CLIENT_IDLE);
  return self->state;
}

const char *
fl_win_client_get_message (FlWinClient *self)
{
  g_return_val_if_fail (FL_IS_WIN_CLIENT (self), NULL);
  return self->message;
}

/* ------------------------------------------------------------------------------------------ */
/* actions: one vocabulary table, the outcome read from the output (pure), the run */

static const struct
{
  FlWinAction  action;
  const char  *label;      /* N_() */
  const char  *command;    /* as a person would type it */
  guint        deadline_ms;
} action_table[] = {
  { FL_WIN_ACTION_FLUSH_DNS, N_("Flush the DNS cache"), "ipconfig /flushdns", FL_WIN_CLIENT_DEADLINE_MS },
  { FL_WIN_ACTION_PURGE_TICKETS, N_("Purge the Kerberos tickets"), "klist purge", FL_WIN_CLIENT_DEADLINE_MS },
  { FL_WIN_ACTION_RESET_CHANNEL, N_("Reset the secure channel"), "nltest /sc_reset", 60000 },
  { FL_WIN_ACTION_GPUPDATE, N_("Refresh Group Policy"), "gpupdate /force", FL_WIN_ACTION_GPUPDATE_DEADLINE_MS },
  { FL_WIN_ACTION_TEST_CHANNEL, N_("Test the secure channel"), "Test-ComputerSecureChannel", 60000 },
  { FL_WIN_ACTION_TEST_SYSVOL, N_("Test SYSVOL"), "Test-Path \\\\DOMAIN\\SYSVOL", 60000 },
};

G_STATIC_ASSERT (G_N_ELEMENTS (action_table) == FL_WIN_N_ACTIONS);

/**
 * fl_win_action_get_label:
 *
 * Returns: what @action does, translated ("Reset the secure channel")
 */
const char *
fl_win_action_get_label (FlWinAction action)
{
  g_return_val_if_fail (action < FL_WIN_N_ACTIONS, "");
  g_assert (action_table[action].action == action);
  return _(action_table[action].label);
}

/**
 * fl_win_action_get_command:
 *
 * Returns: the command the client runs, as a person would type it ("nltest /sc_reset")
 */
const char *
fl_win_action_get_command (FlWinAction action)
{
  g_return_val_if_fail (action < FL_WIN_N_ACTIONS, "");
  return action_table[action].command;
}

const char *
fl_win_action_to_string (FlWinAction action)
{
  GEnumClass *klass = g_type_class_ref (FL_TYPE_WIN_ACTION);
  GEnumValue *v = g_enum_get_value (klass, (int)action);

  g_type_class_unref (klass);
  return v ? v->value_nick : "";
}

gboolean
fl_win_action_from_string (const char  *nick,
                           FlWinAction *action)
{
  GEnumClass *klass = g_type_class_ref (FL_TYPE_WIN_ACTION);
  GEnumValue *v = nick ? g_enum_get_value_by_nick (klass, nick) : NULL;

  g_type_class_unref (klass);
  if (v == NULL)
    return FALSE;
  *action = (FlWinAction)v->value;
  return TRUE;
}

void
fl_win_action_result_free (FlWinActionResult *self)
{
  if (self == NULL)
    return;
  g_free (self->summary);
  g_free (self->server);
  g_free (self->output);
  g_free (self);
}

FlWinActionResult *
fl_win_action_result_copy (const FlWinActionResult *self)
{
  FlWinActionResult *copy = g_memdup2 (self, sizeof *self);

  copy->summary = g_strdup (self->summary);
  copy->server = g_strdup (self->server);
  copy->output = g_strdup (self->output);
  return copy;
}

/**
 * fl_win_action_result_new:
 * @exitcode: the command's exit code, as the guest agent gave it
 * @output: what it printed, valid UTF-8
 *
 * Reads an action's outcome from its output: pure.
 *
 * Returns: (transfer full): the outcome, with a one-line summary
 */
FlWinActionResult *
fl_win_action_result_new (FlProbeConfig *config,
                          FlWinAction    action,
                          gint64         exitcode,
                          const char    *output)
{
  FlWinActionResult *r = g_new0 (FlWinActionResult, 1);

  g_return_val_if_fail (action < FL_WIN_N_ACTIONS, r);
  r->action = action;
  r->output = g_strdup (output ? output : "");
  switch (action)
    {
    case FL_WIN_ACTION_FLUSH_DNS:
    case FL_WIN_ACTION_PURGE_TICKETS:
      r->ok = exitcode == 0;
      if (r->ok)
        r->summary = g_strdup (action == FL_WIN_ACTION_FLUSH_DNS ? _("DNS cache flushed") : _("Tickets purged"));
      else
        r->summary = g_strdup_printf (_("%s failed (exit code %d)"), action_table[action].command,
                                      (int)CLAMP (exitcode, G_MININT, G_MAXINT));
      break;
    case FL_WIN_ACTION_RESET_CHANNEL:
      {
        g_autoptr(FlWinSecureChannel) sc = fl_win_parse_sc_query (r->output);
        g_autofree char *status = sc->connection.known ? status_text (&sc->connection) : NULL;

        r->ok = sc->connection.known && sc->connection.code == 0 && sc->trusted_dc != NULL;
        r->server = fl_win_dc_name (config, sc->trusted_dc);
        if (r->ok)
          r->summary = g_strdup_printf (_("Secure channel reset: now with %s"), r->server);
        else if (status != NULL)
          r->summary = g_strdup_printf (_("Secure channel reset failed: %s"), status);
        else
          r->summary = g_strdup (_("Secure channel reset: the output could not be read"));
      }
      break;
    case FL_WIN_ACTION_GPUPDATE:
      {
        g_autoptr(FlWinGpupdate) gp = fl_win_parse_gpupdate (r->output);

        r->ok = gp->result == FL_WIN_GP_SUCCESS;
        r->server = fl_win_dc_name (config, gp->applied_from);
        if (r->ok && r->server != NULL)
          r->summary = g_strdup_printf (_("Policy refreshed, served by %s"), r->server);
        else if (r->ok)
          r->summary = g_strdup (_("Policy refreshed"));
        else if (gp->result == FL_WIN_GP_FAILURE)
          r->summary = g_strdup (_("Policy refresh failed: no DC served it"));
        else
          r->summary = g_strdup (_("Policy refresh: the result could not be read"));
      }
      break;
    case FL_WIN_ACTION_TEST_CHANNEL:
    case FL_WIN_ACTION_TEST_SYSVOL:
      {
        FlWinAnswer a = fl_win_parse_answer (r->output);
        gboolean channel = action == FL_WIN_ACTION_TEST_CHANNEL;

        r->ok = a == FL_WIN_ANSWER_TRUE;
        if (a == FL_WIN_ANSWER_TRUE)
          r->summary = g_strdup (channel ? _("Secure channel works") : _("SYSVOL can be reached"));
        else if (a == FL_WIN_ANSWER_FALSE)
          r->summary = g_strdup (channel ? _("Secure channel is broken") : _("SYSVOL cannot be reached"));
        else
          r->summary = g_strdup_printf (_("%s: the answer could not be read"), action_table[action].command);
      }
      break;
    case FL_WIN_N_ACTIONS:
    default:
      g_assert_not_reached ();
    }
  return r;
}

typedef struct
{
  FlWinAction   action;
  gint64        mono_us;
  GCancellable *exec;          /* ours: cancelled by the caller's or by the deadline */
  gulong        caller_handler;
  GCancellable *caller;
  guint         deadline_source;
  gboolean      returned;      /* by the deadline, or by the run */
} ActionRun;

static void
action_run_free (ActionRun *run)
{
  g_clear_handle_id (&run->deadline_source, g_source_remove);
  if (run->caller != NULL)
    g_cancellable_disconnect (run->caller, run->caller_handler);
  g_clear_object (&run->caller);
  g_clear_object (&run->exec);
  g_free (run);
}

/* the outcome kept and told, success or not */
static void
action_finish (GTask             *task,
               FlWinActionResult *result,
               GError            *error)
{
  FlWinClient *self = g_task_get_source_object (task);
  ActionRun *run = g_task_get_task_data (task);

  g_clear_handle_id (&run->deadline_source, g_source_remove);
  if (run->returned)
    {
      /* the deadline said so already: what comes later is dropped */
      fl_win_action_result_free (result);
      g_clear_error (&error);
      return;
    }
  run->returned = TRUE;
  if (result == NULL)
    {
      result = g_new0 (FlWinActionResult, 1);
      result->action = run->action;
      result->summary = g_strdup (error->message);
      result->wall_us = g_get_real_time ();
      result->latency_us = g_get_monotonic_time () - run->mono_us;
    }
  g_clear_pointer (&self->last[run->action], fl_win_action_result_free);
  self->last[run->action] = result;
  g_signal_emit (self, signals[ACTION_DONE], 0, run->action);
  /* the views it changed are asked again at once */
  if (error == NULL && self->poll_source != 0)
    fl_win_client_run_round (self);
  if (error != NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, fl_win_action_result_copy (result), (GDestroyNotify)fl_win_action_result_free);
}

static void
action_done (GObject      *object,
             GAsyncResult *res,
             gpointer      data)
{
  g_autoptr(GTask) task = data;
  FlWinClient *self = g_task_get_source_object (task);
  ActionRun *run = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;
  g_autoptr(FlAgentResult) r = exec_finish (self, res, &error);
  FlWinActionResult *result;

  if (r == NULL)
    {
      FlWinClientState state;
      g_autofree char *why = NULL;

      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        {
          /* the deadline answered already; else the caller cancelled */
          action_finish (task, NULL, g_error_new_literal (G_IO_ERROR, G_IO_ERROR_CANCELLED,
                                                          _("Cancelled")));
          return;
        }
      why = describe_error (self, error, &state);
      action_finish (task, NULL, g_error_new_literal (error->domain, error->code, why));
      return;
    }
  result = fl_win_action_result_new (self->config, run->action, r->exitcode, r->out_data);
  result->wall_us = g_get_real_time ();
  result->latency_us = g_get_monotonic_time () - run->mono_us;
  action_finish (task, result, NULL);
}

static gboolean
action_deadline (gpointer data)
{
  GTask *task = data;
  FlWinClient *self = g_task_get_source_object (task);
  ActionRun *run = g_task_get_task_data (task);
  guint ms = action_table[run->action].deadline_ms;

  run->deadline_source = 0;
  action_finish (task, NULL, g_error_new (G_IO_ERROR, G_IO_ERROR_TIMED_OUT,
                                          _("%s did not finish %s within %.0f s"), self->name,
                                          action_table[run->action].command, ms / 1000.0));
  g_cancellable_cancel (run->exec);
  return G_SOURCE_REMOVE;
}

static void
caller_cancelled (GCancellable *caller,
                  gpointer      data)
{
  g_cancellable_cancel (data);
}

/**
 * fl_win_client_run_action_async:
 *
 * Runs @action on the client under its deadline (gpupdate's is longer); its outcome, or why
 * it could not run, is kept as the action's last (#FlWinClient::action-done) and the views
 * are asked again.
 */
void
fl_win_client_run_action_async (FlWinClient         *self,
                                FlWinAction          action,
                                GCancellable        *cancellable,
                                GAsyncReadyCallback  callback,
                                gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  g_auto(GStrv) argv = NULL;
  ActionRun *run;

  g_return_if_fail (FL_IS_WIN_CLIENT (self));
  g_return_if_fail (action < FL_WIN_N_ACTIONS);

  task = g_task_new (self, NULL, callback, user_data);
  g_task_set_source_tag (task, fl_win_client_run_action_async);
  run = g_new0 (ActionRun, 1);
  run->action = action;
  run->mono_us = g_get_monotonic_time ();
  run->exec = g_cancellable_new ();
  g_task_set_task_data (task, run, (GDestroyNotify)action_run_free);
  argv = fl_win_action_argv (action, fl_probe_config_get_domain (self->config));
  if (argv == NULL)
    {
      action_finish (task, NULL, g_error_new_literal (G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                                                      _("The lab's domain is not a DNS name")));
      return;
    }
  if (cancellable != NULL)
    {
      run->caller = g_object_ref (cancellable);
      run->caller_handler = g_cancellable_connect (cancellable, G_CALLBACK (caller_cancelled), run->exec, NULL);
    }
  run->deadline_source = g_timeout_add (action_table[action].deadline_ms, action_deadline, task);
  exec_async (self, CHANNEL_ACTIONS, (const char * const *)argv, MAX (1u, action_table[action].deadline_ms / 1000),
              run->exec, action_done, g_object_ref (task));
}

FlWinActionResult *
fl_win_client_run_action_finish (FlWinClient   *self,
                                 GAsyncResult  *result,
                                 GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}

/**
 * fl_win_client_get_last_action:
 *
 * Returns: (transfer none) (nullable): @action's last outcome (what it printed, or why it
 *   could not run)
 */
const FlWinActionResult *
fl_win_client_get_last_action (FlWinClient *self,
                               FlWinAction  action)
{
  g_return_val_if_fail (FL_IS_WIN_CLIENT (self), NULL);
  g_return_val_if_fail (action < FL_WIN_N_ACTIONS, NULL);
  return self->last[action];
}

/* ------------------------------------------------------------------------------------------ */

static void
fl_win_client_dispose (GObject *object)
{
  FlWinClient *self = FL_WIN_CLIENT (object);

  fl_win_client_stop (self);
  g_clear_object (&self->hypervisor);
  g_clear_object (&self->ssh[CHANNEL_ROUNDS]);
  g_clear_object (&self->ssh[CHANNEL_ACTIONS]);
  G_OBJECT_CLASS (fl_win_client_parent_class)->dispose (object);
}

static void
fl_win_client_finalize (GObject *object)
{
  FlWinClient *self = FL_WIN_CLIENT (object);

  g_free (self->name);
  g_free (self->codepage);
  g_strfreev (self->round_argv);
  g_free (self->message);
  for (guint i = 0; i < FL_WIN_N_ACTIONS; i++)
    fl_win_action_result_free (self->last[i]);
  g_clear_pointer (&self->config, fl_probe_config_unref);
  G_OBJECT_CLASS (fl_win_client_parent_class)->finalize (object);
}

static void
fl_win_client_get_property (GObject    *object,
                            guint       prop_id,
                            GValue     *value,
                            GParamSpec *pspec)
{
  FlWinClient *self = FL_WIN_CLIENT (object);

  switch (prop_id)
    {
    case PROP_STATE:
      g_value_set_enum (value, self->state);
      break;
    case PROP_MESSAGE:
      g_value_set_string (value, self->message);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
fl_win_client_class_init (FlWinClientClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = fl_win_client_dispose;
  object_class->finalize = fl_win_client_finalize;
  object_class->get_property = fl_win_client_get_property;

  props[PROP_STATE] = g_param_spec_enum ("state", NULL, NULL, FL_TYPE_WIN_CLIENT_STATE, FL_WIN_CLIENT_IDLE,
                                         G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  props[PROP_MESSAGE] = g_param_spec_string ("message", NULL, NULL, NULL,
                                             G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  g_object_class_install_properties (object_class, N_PROPS, props);

  /**
   * FlWinClient::sample:
   *
   * A view observed on the client (or skipped, saying why).
   */
  signals[SAMPLE] = g_signal_new ("sample", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL,
                                  NULL, G_TYPE_NONE, 1, FL_TYPE_SAMPLE);
  /**
   * FlWinClient::action-done:
   * @action: which (its outcome: fl_win_client_get_last_action())
   */
  signals[ACTION_DONE] = g_signal_new ("action-done", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL,
                                       NULL, G_TYPE_NONE, 1, FL_TYPE_WIN_ACTION);
}

static void
fl_win_client_init (FlWinClient *self)
{
  self->poll_ms = FL_LAB_CLIENT_POLL_DEFAULT_MS;
  self->deadline_ms = FL_WIN_CLIENT_DEADLINE_MS;
}

/**
 * fl_win_client_new:
 * @name: the client's name, for the messages ("WIN11")
 * @codepage: (nullable): its console's, when its output is not UTF-8
 */
FlWinClient *
fl_win_client_new (FlHypervisor  *hypervisor,
                   guint          vmid,
                   const char    *name,
                   FlProbeConfig *config,
                   const char    *codepage)
{
  FlWinClient *self;

  g_return_val_if_fail (FL_IS_HYPERVISOR (hypervisor), NULL);
  g_return_val_if_fail (config != NULL, NULL);

  self = g_object_new (FL_TYPE_WIN_CLIENT, NULL);
  self->hypervisor = g_object_ref (hypervisor);
  self->vmid = vmid;
  self->name = g_strdup (name ? name : "client");
  self->config = fl_probe_config_ref (config);
  self->codepage = g_strdup (codepage);
  self->codepage_known = codepage != NULL;
  return self;
}

/**
 * fl_win_client_new_ssh:
 * @ssh: the client's OpenSSH server (a second connection like it carries the actions)
 * @name: the client's name, for the messages ("WIN11")
 * @codepage: (nullable): its console's, when its output is not UTF-8 (else asked with chcp)
 */
FlWinClient *
fl_win_client_new_ssh (FlSsh         *ssh,
                       const char    *name,
                       FlProbeConfig *config,
                       const char    *codepage)
{
  FlWinClient *self;

  g_return_val_if_fail (FL_IS_SSH (ssh), NULL);
  g_return_val_if_fail (config != NULL, NULL);

  self = g_object_new (FL_TYPE_WIN_CLIENT, NULL);
  self->ssh[CHANNEL_ROUNDS] = g_object_ref (ssh);
  self->ssh[CHANNEL_ACTIONS] = fl_ssh_new_like (ssh);
  self->name = g_strdup (name ? name : "client");
  self->config = fl_probe_config_ref (config);
  self->codepage = g_strdup (codepage);
  self->codepage_known = codepage != NULL;
  return self;
}

/**
 * fl_win_client_get_ssh:
 *
 * Returns: (transfer none) (nullable): the client's OpenSSH connection, when it is reached so
 *   (its host key: fl_ssh_get_host_fingerprint(), fl_win_client_trust_host_key())
 */
FlSsh *
fl_win_client_get_ssh (FlWinClient *self)
{
  g_return_val_if_fail (FL_IS_WIN_CLIENT (self), NULL);
  return self->ssh[CHANNEL_ROUNDS];
}

/**
 * fl_win_client_trust_host_key:
 * @fingerprint: the one the user compared and accepts ("SHA256:…")
 *
 * Adds the client's SSH host key to known_hosts (fl_ssh_accept_host_key()) and asks the client
 * again.
 */
gboolean
fl_win_client_trust_host_key (FlWinClient  *self,
                              const char   *fingerprint,
                              GError      **error)
{
  g_return_val_if_fail (FL_IS_WIN_CLIENT (self), FALSE);

  if (self->ssh[CHANNEL_ROUNDS] == NULL)
    {
      g_set_error (error, FL_PVE_ERROR, FL_PVE_ERROR_HOST_KEY, _("%s is not reached over SSH"), self->name);
      return FALSE;
    }
  if (!fl_ssh_accept_host_key (self->ssh[CHANNEL_ROUNDS], fingerprint, error))
    return FALSE;
  if (self->poll_source != 0)
    fl_win_client_run_round (self);
  return TRUE;
}
