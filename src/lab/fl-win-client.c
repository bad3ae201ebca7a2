/* fl-win-client.c: the Windows client's views, asked of the client every few seconds.
 *
 * One round is one guest-agent run of PowerShell (fl_win_round_argv): never two at once, each
 * under a deadline. Its output becomes one sample per view; a client that cannot be asked (its
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
#include "fl-pve.h"
#include "fl-win-client.h"
#include "fl-win-output.h"

struct _FlWinClient
{
  GObject parent_instance;

  FlHypervisor     *hypervisor;
  guint             vmid;
  char             *name;          /* the client's, for the messages */
  FlProbeConfig    *config;
  char             *codepage;      /* nullable */

  guint             poll_ms;
  guint             deadline_ms;
  guint             poll_source;
  guint             deadline_source;
  GCancellable     *round;         /* the round under way, or NULL */
  gint64            round_mono;
  gint64            round_wall;

  FlWinClientState  state;
  char             *message;
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

static void
round_done (GObject      *object,
            GAsyncResult *result,
            gpointer      data)
{
  g_autoptr(FlWinClient) self = data;
  g_autoptr(GError) error = NULL;
  g_autoptr(FlAgentResult) r = fl_hypervisor_agent_exec_finish (FL_HYPERVISOR (object), result, &error);
  g_autofree char *text = NULL;
  g_autoptr(GPtrArray) samples = NULL;

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;   /* stopped, or the deadline said so already */
  g_clear_handle_id (&self->deadline_source, g_source_remove);
  g_clear_object (&self->round);

  if (r == NULL)
    {
      g_autofree char *why = NULL;
      FlWinClientState state = FL_WIN_CLIENT_FAILED;

      if (g_error_matches (error, FL_PVE_ERROR, FL_PVE_ERROR_PERMISSION))
        {
          state = FL_WIN_CLIENT_DENIED;
          why = g_strdup_printf (_("The hypervisor refuses to run commands in %s: give the token "
                                   "VM.GuestAgent.Unrestricted (VM.Monitor before Proxmox VE 9)"), self->name);
        }
      else if (g_error_matches (error, FL_PVE_ERROR, FL_PVE_ERROR_SERVER) &&
               g_str_has_suffix (error->message, " is not running") && strstr (error->message, "agent") == NULL)
        {
          state = FL_WIN_CLIENT_NO_AGENT;
          why = g_strdup_printf (_("%s is not running: its views come back once it has started"), self->name);
        }
      else if (error != NULL && strstr (error->message, "guest agent") != NULL)
        {
          state = FL_WIN_CLIENT_NO_AGENT;
          why = g_strdup_printf (_("%s's guest agent does not answer: is the VM running, with the "
                                   "QEMU guest agent installed?"), self->name);
        }
      else
        why = g_strdup_printf (_("%s could not be asked: %s"), self->name, error ? error->message : "?");
      set_state (self, state, why);
      emit_skipped (self, why);
      return;
    }

  text = fl_win_agent_text (r->out_data, self->codepage);
  samples = fl_win_round_samples (self->config, text, self->round_mono, self->round_wall,
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

/**
 * fl_win_client_run_round:
 *
 * Asks the client now, unless a round is under way.
 */
void
fl_win_client_run_round (FlWinClient *self)
{
  g_auto(GStrv) argv = NULL;

  g_return_if_fail (FL_IS_WIN_CLIENT (self));

  if (self->round != NULL)
    return;
  argv = fl_win_round_argv (fl_probe_config_get_domain (self->config));
  if (argv == NULL)
    {
      set_state (self, FL_WIN_CLIENT_FAILED, _("The lab's domain is not a DNS name"));
      return;
    }
  self->round = g_cancellable_new ();
  self->round_mono = g_get_monotonic_time ();
  self->round_wall = g_get_real_time ();
  self->deadline_source = g_timeout_add (self->deadline_ms, round_deadline, self);
  fl_hypervisor_agent_exec_async (self->hypervisor, self->vmid, (const char * const *)argv,
                                  MAX (1u, self->deadline_ms / 1000), self->round, round_done,
                                  g_object_ref (self));
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

static void
fl_win_client_dispose (GObject *object)
{
  FlWinClient *self = FL_WIN_CLIENT (object);

  fl_win_client_stop (self);
  g_clear_object (&self->hypervisor);
  G_OBJECT_CLASS (fl_win_client_parent_class)->dispose (object);
}

static void
fl_win_client_finalize (GObject *object)
{
  FlWinClient *self = FL_WIN_CLIENT (object);

  g_free (self->name);
  g_free (self->codepage);
  g_free (self->message);
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
  return self;
}
