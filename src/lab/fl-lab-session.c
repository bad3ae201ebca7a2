/* fl-lab-session.c: one running lab, GTK-free, under the window and failoverctl
 *
 * It owns what a running lab is made of: the lab, its probe configuration, the scheduler,
 * the timeline, the switchover detector, the hypervisor and a poller of the DCs' VM states.
 * Every sample goes to the timeline (and so to the detector) and to its DC's FlDcState, the
 * model the front ends bind to. VM actions go through it: the interlocks are decided here,
 * again under the lab's lock (across processes) right before the action, and the action is
 * the fault the detector measures from.
 *
 * Copyright 2026 The Failover Lab authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "fl-lab-session"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "fl-checks.h"
#include "fl-hint.h"
#include "fl-lab-hypervisor.h"
#include "fl-lab-lock.h"
#include "fl-lab-probe.h"
#include "fl-lab-session.h"
#include "fl-probe-enums.h"

#define VM_POLL_MS 3000

struct _FlLabSession
{
  GObject               parent_instance;

  FlLab                *lab;
  FlProbeConfig        *config;
  FlHypervisor         *hypervisor;
  FlProbeScheduler     *scheduler;
  FlTimeline           *timeline;
  FlSwitchoverDetector *detector;
  GListStore           *dcs;
  char                 *client;       /* the client VM's name, when the lab has one with a VM */
  guint                 client_vmid;
  FlVmState            *client_vm;
  FlWinClient          *win_client;   /* the Windows client asked for its views, when it can be */
  GCancellable         *cancellable;
  char                 *logon_server;
  char                 *kdc;
  char                 *sssd_server;
  char                 *last_switch;
  FlStatus              network;      /* the reference host's last answer; SKIPPED: unknown */
  FlSample             *fsmo;         /* nullable: the last reading of the roles that answered */
  guint                 fsmo_down;    /* 1 << FlFsmoRole: the roles whose holder does not answer */
  gint64                logon_since;  /* wall time the logon server became what it is */
  guint                 vm_poll;
  guint                 polls_out;
  guint                 guard_min;
  guint                 shutdown_timeout_s;
  gboolean              shutdown_force;
};

enum {
  PROP_0,
  PROP_LOGON_SERVER,
  PROP_KDC,
  PROP_SSSD_SERVER,
  PROP_LOGON_SINCE,
  PROP_LAST_SWITCH,
  PROP_NETWORK,
  PROP_FSMO_DOWN,
  PROP_RUNNING,
  PROP_WIN_CLIENT,
  N_PROPS
};

enum {
  SAMPLE,
  VM_POLL_FAILED,
  N_SIGNALS
};

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];

G_DEFINE_QUARK (fl-lab-session-error-quark, fl_lab_session_error)
G_DEFINE_FINAL_TYPE (FlLabSession, fl_lab_session, G_TYPE_OBJECT)

static void on_win_sample (FlWinClient *client, FlSample *sample, FlLabSession *self);

static void
clear_win_client (FlLabSession *self)
{
  if (self->win_client == NULL)
    return;
  g_signal_handlers_disconnect_by_data (self->win_client, self);
  fl_win_client_stop (self->win_client);
  g_clear_object (&self->win_client);
}

static void
fl_lab_session_dispose (GObject *object)
{
  FlLabSession *self = FL_LAB_SESSION (object);

  if (self->scheduler != NULL)
    {
      g_signal_handlers_disconnect_by_data (self->scheduler, self);
      fl_probe_scheduler_stop (self->scheduler);
    }
  g_cancellable_cancel (self->cancellable);
  g_clear_handle_id (&self->vm_poll, g_source_remove);
  clear_win_client (self);
  g_clear_object (&self->scheduler);
  g_clear_object (&self->detector);
  if (self->timeline != NULL)
    g_signal_handlers_disconnect_by_data (self->timeline, self);
  g_clear_object (&self->timeline);
  g_clear_object (&self->dcs);
  g_clear_object (&self->hypervisor);
  g_clear_object (&self->lab);
  G_OBJECT_CLASS (fl_lab_session_parent_class)->dispose (object);
}

static void
fl_lab_session_finalize (GObject *object)
{
  FlLabSession *self = FL_LAB_SESSION (object);

  g_clear_pointer (&self->config, fl_probe_config_unref);
  g_clear_object (&self->cancellable);
  g_free (self->logon_server);
  g_free (self->kdc);
  g_free (self->sssd_server);
  g_free (self->last_switch);
  g_free (self->client);
  g_clear_pointer (&self->client_vm, fl_vm_state_free);
  g_clear_pointer (&self->fsmo, fl_sample_unref);
  G_OBJECT_CLASS (fl_lab_session_parent_class)->finalize (object);
}

static void
fl_lab_session_get_property (GObject    *object,
                             guint       prop_id,
                             GValue     *value,
                             GParamSpec *pspec)
{
  FlLabSession *self = FL_LAB_SESSION (object);

  switch (prop_id)
    {
    case PROP_LOGON_SERVER:
      g_value_set_string (value, self->logon_server);
      break;
    case PROP_KDC:
      g_value_set_string (value, self->kdc);
      break;
    case PROP_SSSD_SERVER:
      g_value_set_string (value, self->sssd_server);
      break;
    case PROP_LOGON_SINCE:
      g_value_set_int64 (value, self->logon_since);
      break;
    case PROP_LAST_SWITCH:
      g_value_set_string (value, self->last_switch);
      break;
    case PROP_NETWORK:
      g_value_set_enum (value, self->network);
      break;
    case PROP_FSMO_DOWN:
      g_value_set_uint (value, self->fsmo_down);
      break;
    case PROP_WIN_CLIENT:
      g_value_set_object (value, self->win_client);
      break;
    case PROP_RUNNING:
      g_value_set_boolean (value, fl_lab_session_is_running (self));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
fl_lab_session_class_init (FlLabSessionClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GParamFlags ro = G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS;

  object_class->dispose = fl_lab_session_dispose;
  object_class->finalize = fl_lab_session_finalize;
  object_class->get_property = fl_lab_session_get_property;

  /* the workstation's locator view: the DC a client would use now (NULL: none answers) */
  properties[PROP_LOGON_SERVER] = g_param_spec_string ("logon-server", NULL, NULL, NULL, ro);
  /* the KDC a client whose krb5.conf lists every DC gets its tickets from */
  properties[PROP_KDC] = g_param_spec_string ("kdc", NULL, NULL, NULL, ro);
  /* SSSD's active server, when the workstation runs SSSD (NULL otherwise) */
  properties[PROP_SSSD_SERVER] = g_param_spec_string ("sssd-server", NULL, NULL, NULL, ro);
  /* when (wall-clock µs) the logon server became what it is; 0 when not seen change */
  properties[PROP_LOGON_SINCE] = g_param_spec_int64 ("logon-since", NULL, NULL, 0, G_MAXINT64, 0, ro);
  /* the last switchover, as the detector says it ("locator view: DC1 → DC2 in 3.4 s …");
   * NULL while no DC answers, where it would read as the state now */
  properties[PROP_LAST_SWITCH] = g_param_spec_string ("last-switch", NULL, NULL, NULL, ro);
  /* whether the reference host (not a DC: the gateway) answers: with every DC down, "the
   * network is alive, only the DCs are gone"; SKIPPED while unknown or the lab names none */
  properties[PROP_NETWORK] = g_param_spec_enum ("network", NULL, NULL, FL_TYPE_STATUS, FL_STATUS_SKIPPED, ro);
  /* the FSMO roles (1 << FlFsmoRole) whose holder does not answer: what stops now is
   * fl_fsmo_down_text() of them */
  properties[PROP_FSMO_DOWN] = g_param_spec_uint ("fsmo-down", NULL, NULL, 0, G_MAXUINT, 0, ro);
  properties[PROP_RUNNING] = g_param_spec_boolean ("running", NULL, NULL, FALSE, ro);
  /* the Windows client asked for its views (NULL while the lab cannot reach it) */
  properties[PROP_WIN_CLIENT] = g_param_spec_object ("win-client", NULL, NULL, FL_TYPE_WIN_CLIENT, ro);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  /**
   * FlLabSession::vm-poll-failed:
   * @error: why the hypervisor could not say (its domain and code tell a second factor, an
   *   unknown certificate or host key from the rest)
   *
   * A VM state could not be read; the DC's VM state is unknown until the next poll reads it.
   */
  signals[VM_POLL_FAILED] =
    g_signal_new ("vm-poll-failed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                  G_TYPE_NONE, 1, G_TYPE_ERROR);

  /**
   * FlLabSession::sample:
   * @sample: a sample, after the model took it in
   */
  signals[SAMPLE] =
    g_signal_new ("sample", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                  G_TYPE_NONE, 1, FL_TYPE_SAMPLE | G_SIGNAL_TYPE_STATIC_SCOPE);
}

static void
fl_lab_session_init (FlLabSession *self)
{
  self->cancellable = g_cancellable_new ();
  self->dcs = g_list_store_new (FL_TYPE_DC_STATE);
  self->guard_min = 15;
  self->network = FL_STATUS_SKIPPED;
}

static void
set_string (FlLabSession  *self,
            char         **field,
            const char    *value,
            guint          prop)
{
  if (g_strcmp0 (*field, value) == 0)
    return;
  g_free (*field);
  *field = g_strdup (value);
  g_object_notify_by_pspec (G_OBJECT (self), properties[prop]);
}

/* the roles whose holder does not answer now */
static void
update_fsmo_down (FlLabSession *self)
{
  GListModel *dcs = G_LIST_MODEL (self->dcs);
  guint down = 0;

  for (guint i = 0; i < g_list_model_get_n_items (dcs); i++)
    {
      g_autoptr(FlDcState) dc = g_list_model_get_item (dcs, i);

      if (fl_dc_state_get_answering (dc) == FL_ANSWERING_NO)
        down |= fl_dc_state_get_fsmo_roles (dc);
    }
  if (down != self->fsmo_down)
    {
      self->fsmo_down = down;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_FSMO_DOWN]);
    }
}

/* a domain-wide sample: the FSMO roles go to their holders, SSSD's server to its property */
static void
take_domain_sample (FlLabSession *self,
                    FlSample     *sample)
{
  GListModel *dcs = G_LIST_MODEL (self->dcs);

  if (fl_sample_get_status (sample) == FL_STATUS_SKIPPED)
    return;
  if (fl_sample_get_kind (sample) == FL_CHECK_SSSD)
    set_string (self, &self->sssd_server, fl_sample_lookup_string (sample, "server"), PROP_SSSD_SERVER);
  else if (fl_sample_get_kind (sample) == FL_CHECK_NETWORK && fl_sample_get_status (sample) != self->network)
    {
      self->network = fl_sample_get_status (sample);
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_NETWORK]);
    }
  else if (fl_sample_get_kind (sample) == FL_CHECK_FSMO && fl_sample_get_status (sample) == FL_STATUS_OK)
    {
      g_clear_pointer (&self->fsmo, fl_sample_unref);
      self->fsmo = fl_sample_ref (sample);
      for (guint i = 0; i < g_list_model_get_n_items (dcs); i++)
        {
          g_autoptr(FlDcState) dc = g_list_model_get_item (dcs, i);
          guint held = 0;

          for (guint r = 0; r < FL_FSMO_N_ROLES; r++)
            if (g_ascii_strcasecmp (fl_sample_lookup_string (sample, fl_fsmo_role_to_string (r)) ?: "",
                                    fl_dc_state_get_name (dc)) == 0)
              held |= 1u << r;
          fl_dc_state_set_fsmo_roles (dc, held);
        }
    }
}

/* the client views as the detector now says them, and the DC serving the locator */
static void
update_views (FlLabSession *self)
{
  const char *server = fl_switchover_detector_get_logon_server (self->detector);
  FlEvent *last = fl_switchover_detector_get_headline_switch (self->detector);

  if (g_strcmp0 (server, self->logon_server) != 0)
    {
      GListModel *dcs = G_LIST_MODEL (self->dcs);

      for (guint i = 0; i < g_list_model_get_n_items (dcs); i++)
        {
          g_autoptr(FlDcState) dc = g_list_model_get_item (dcs, i);

          fl_dc_state_set_serving (dc, g_strcmp0 (fl_dc_state_get_name (dc), server) == 0);
        }
      set_string (self, &self->logon_server, server, PROP_LOGON_SERVER);
    }
  set_string (self, &self->kdc, fl_switchover_detector_get_kdc (self->detector), PROP_KDC);
  set_string (self, &self->last_switch, last ? fl_event_get_message (last) : NULL, PROP_LAST_SWITCH);
}

static void
on_win_sample (FlWinClient  *client,
               FlSample     *sample,
               FlLabSession *self)
{
  fl_lab_session_add_sample (self, sample);
}

/* a command run on the Windows client (from the window, an exercise, …) goes on the timeline,
 * and so into the recording, as a note */
static void
on_win_action (FlWinClient  *client,
               FlWinAction   action,
               FlLabSession *self)
{
  const FlWinActionResult *r = fl_win_client_get_last_action (client, action);
  g_autofree char *note = NULL;

  if (r == NULL)
    return;
  /* TRANSLATORS: a command run on the Windows client: "WS01: nltest /sc_reset: Secure channel reset: now with DC1" */
  note = g_strdup_printf (_("%s: %s: %s"), fl_lab_get_client_name (self->lab), fl_win_action_get_command (action),
                          r->summary);
  fl_timeline_mark_fault (self->timeline, FL_EVENT_ACTION, NULL, note);
}

/* the Windows client is asked for its views when the lab reaches it: through the guest agent
 * of a connected hypervisor, or its OpenSSH server; otherwise (or disposing: NULL) not */
static void
set_win_client (FlLabSession *self)
{
  /* over SSH the client needs no VM in the lab file; through the guest agent it does */
  gboolean ssh = self->lab != NULL && fl_lab_client_is_remote (self->lab) && !fl_lab_client_needs_hypervisor (self->lab);
  gboolean wanted = ssh || (self->hypervisor != NULL && self->client != NULL &&
                            fl_lab_client_needs_hypervisor (self->lab));
  const char *name = self->lab != NULL ? fl_lab_get_client_name (self->lab) : NULL;

  if (ssh && self->win_client != NULL)
    return;   /* a hypervisor connected or not changes nothing over SSH */
  if (self->win_client != NULL)
    {
      clear_win_client (self);
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_WIN_CLIENT]);
    }
  if (!wanted)
    return;
  if (ssh)
    {
      g_autoptr(FlSsh) conn = fl_lab_create_client_ssh (self->lab, NULL);

      self->win_client = fl_win_client_new_ssh (conn, name, self->config,
                                                fl_lab_get_client_codepage (self->lab));
    }
  else
    self->win_client = fl_win_client_new (self->hypervisor, self->client_vmid, self->client, self->config,
                                          fl_lab_get_client_codepage (self->lab));
  g_signal_connect (self->win_client, "sample", G_CALLBACK (on_win_sample), self);
  g_signal_connect (self->win_client, "action-done", G_CALLBACK (on_win_action), self);
  if (self->scheduler != NULL && fl_probe_scheduler_is_running (self->scheduler))
    fl_win_client_start (self->win_client, fl_lab_get_client_poll_ms (self->lab), 0);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_WIN_CLIENT]);
}

/**
 * fl_lab_session_get_win_client:
 *
 * Returns: (transfer none) (nullable): the Windows client asked for its views, if the lab
 *   reaches it (guest agent, hypervisor connected)
 */
FlWinClient *
fl_lab_session_get_win_client (FlLabSession *self)
{
  g_return_val_if_fail (FL_IS_LAB_SESSION (self), NULL);
  return self->win_client;
}

/**
 * fl_lab_session_add_sample:
 *
 * Takes a sample in as the scheduler's are (the timeline, the detector, the DC's state): for
 * the scheduler, a replay, and tests.
 */
void
fl_lab_session_add_sample (FlLabSession *self,
                           FlSample     *sample)
{
  FlDcState *dc;

  g_return_if_fail (FL_IS_LAB_SESSION (self));
  g_return_if_fail (sample != NULL);

  fl_timeline_add_sample (self->timeline, sample);
  if (fl_sample_get_dc (sample) != NULL && (dc = fl_lab_session_lookup_dc (self, fl_sample_get_dc (sample))) != NULL)
    fl_dc_state_add_sample (dc, sample);
  else
    take_domain_sample (self, sample);
  update_views (self);
  g_signal_emit (self, signals[SAMPLE], 0, sample);
}

/* the logon server changed (the detector says when; not for the first one it learns) */
static void
on_event (FlTimeline   *timeline,
          FlEvent      *event,
          FlLabSession *self)
{
  if (fl_event_get_kind (event) != FL_EVENT_LOCATOR_CHANGED)
    return;
  self->logon_since = fl_event_get_wall_us (event);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_LOGON_SINCE]);
}

static void
on_sample (FlProbeScheduler *scheduler,
           FlSample         *sample,
           FlLabSession     *self)
{
  fl_lab_session_add_sample (self, sample);
}

/**
 * fl_lab_session_new:
 * @config: the probes' configuration (the lab's, with the user's password)
 * @hypervisor: (nullable) (transfer none): the lab's hypervisor, connected
 * @history: samples the timeline keeps per (DC, check); 0 for 8 h at 1 Hz
 */
FlLabSession *
fl_lab_session_new (FlLab         *lab,
                    FlProbeConfig *config,
                    FlHypervisor  *hypervisor,
                    guint          history)
{
  FlLabSession *self;

  g_return_val_if_fail (FL_IS_LAB (lab), NULL);
  g_return_val_if_fail (config != NULL, NULL);

  self = g_object_new (FL_TYPE_LAB_SESSION, NULL);
  self->lab = g_object_ref (lab);
  self->config = fl_probe_config_ref (config);
  self->hypervisor = hypervisor ? g_object_ref (hypervisor) : NULL;
  self->timeline = fl_timeline_new (config, history);
  self->detector = fl_switchover_detector_new (self->timeline);
  self->scheduler = fl_probe_scheduler_new (config);
  g_signal_connect (self->scheduler, "sample", G_CALLBACK (on_sample), self);
  g_signal_connect (self->timeline, "event-added", G_CALLBACK (on_event), self);

  for (guint i = 0; i < fl_probe_config_get_n_dcs (config); i++)
    {
      const FlProbeDc *dc = fl_probe_config_get_dc (config, i);
      FlLabController *c = fl_lab_lookup_controller (lab, dc->name);
      const char *node = NULL;
      guint vmid = 0;
      g_autoptr(FlDcState) state = NULL;

      if (c != NULL)
        fl_lab_controller_get_vm (c, &node, &vmid);
      state = fl_dc_state_new (dc->name, dc->host, dc->address, c ? fl_lab_controller_get_site (c) : NULL, node,
                               vmid);
      g_signal_connect_object (state, "notify::answering", G_CALLBACK (update_fsmo_down), self, G_CONNECT_SWAPPED);
      g_signal_connect_object (state, "notify::fsmo-roles", G_CALLBACK (update_fsmo_down), self, G_CONNECT_SWAPPED);
      g_list_store_append (self->dcs, state);
    }
  {
    const char *node = NULL;

    if (fl_lab_has_client (lab) && fl_lab_get_client_vm (lab, &node, &self->client_vmid))
      self->client = g_strdup (fl_lab_get_client_name (lab));
  }
  set_win_client (self);
  return self;
}

FlLab *
fl_lab_session_get_lab (FlLabSession *self)
{
  g_return_val_if_fail (FL_IS_LAB_SESSION (self), NULL);
  return self->lab;
}

FlProbeConfig *
fl_lab_session_get_config (FlLabSession *self)
{
  g_return_val_if_fail (FL_IS_LAB_SESSION (self), NULL);
  return self->config;
}

FlProbeScheduler *
fl_lab_session_get_scheduler (FlLabSession *self)
{
  g_return_val_if_fail (FL_IS_LAB_SESSION (self), NULL);
  return self->scheduler;
}

FlTimeline *
fl_lab_session_get_timeline (FlLabSession *self)
{
  g_return_val_if_fail (FL_IS_LAB_SESSION (self), NULL);
  return self->timeline;
}

FlSwitchoverDetector *
fl_lab_session_get_detector (FlLabSession *self)
{
  g_return_val_if_fail (FL_IS_LAB_SESSION (self), NULL);
  return self->detector;
}

FlHypervisor *
fl_lab_session_get_hypervisor (FlLabSession *self)
{
  g_return_val_if_fail (FL_IS_LAB_SESSION (self), NULL);
  return self->hypervisor;
}

/**
 * fl_lab_session_get_dcs:
 *
 * Returns: (transfer none): a #GListModel of #FlDcState, one per DC in the lab's order
 */
GListModel *
fl_lab_session_get_dcs (FlLabSession *self)
{
  g_return_val_if_fail (FL_IS_LAB_SESSION (self), NULL);
  return G_LIST_MODEL (self->dcs);
}

/**
 * fl_lab_session_lookup_dc:
 *
 * Returns: (transfer none) (nullable): the DC named @name (any case)
 */
FlDcState *
fl_lab_session_lookup_dc (FlLabSession *self,
                          const char   *name)
{
  g_return_val_if_fail (FL_IS_LAB_SESSION (self), NULL);

  for (guint i = 0; name != NULL && i < g_list_model_get_n_items (G_LIST_MODEL (self->dcs)); i++)
    {
      g_autoptr(FlDcState) dc = g_list_model_get_item (G_LIST_MODEL (self->dcs), i);

      if (g_ascii_strcasecmp (fl_dc_state_get_name (dc), name) == 0)
        return dc;   /* the store keeps its reference */
    }
  return NULL;
}

const char *
fl_lab_session_get_logon_server (FlLabSession *self)
{
  g_return_val_if_fail (FL_IS_LAB_SESSION (self), NULL);
  return self->logon_server;
}

const char *
fl_lab_session_get_sssd_server (FlLabSession *self)
{
  g_return_val_if_fail (FL_IS_LAB_SESSION (self), NULL);
  return self->sssd_server;
}

gint64
fl_lab_session_get_logon_since (FlLabSession *self)
{
  g_return_val_if_fail (FL_IS_LAB_SESSION (self), 0);
  return self->logon_since;
}

/**
 * fl_lab_session_get_fsmo_down:
 *
 * Returns: the FSMO roles (1 << #FlFsmoRole) whose holder does not answer now
 */
guint
fl_lab_session_get_fsmo_down (FlLabSession *self)
{
  g_return_val_if_fail (FL_IS_LAB_SESSION (self), 0);
  return self->fsmo_down;
}

/**
 * fl_lab_session_get_network:
 *
 * Returns: whether the reference host answered last (%FL_STATUS_OK), did not, or
 *   %FL_STATUS_SKIPPED while unknown
 */
FlStatus
fl_lab_session_get_network (FlLabSession *self)
{
  g_return_val_if_fail (FL_IS_LAB_SESSION (self), FL_STATUS_SKIPPED);
  return self->network;
}

const char *
fl_lab_session_get_last_switch (FlLabSession *self)
{
  g_return_val_if_fail (FL_IS_LAB_SESSION (self), NULL);
  return self->last_switch;
}

const char *
fl_lab_session_get_kdc (FlLabSession *self)
{
  g_return_val_if_fail (FL_IS_LAB_SESSION (self), NULL);
  return self->kdc;
}

void
fl_lab_session_start (FlLabSession *self)
{
  g_return_if_fail (FL_IS_LAB_SESSION (self));

  if (fl_probe_scheduler_is_running (self->scheduler))
    return;
  fl_timeline_mark_fault (self->timeline, FL_EVENT_WATCH_STARTED, NULL, NULL);
  fl_probe_scheduler_start (self->scheduler);
  if (self->win_client != NULL)
    fl_win_client_start (self->win_client, fl_lab_get_client_poll_ms (self->lab), 0);
  fl_lab_session_poll_vms (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_RUNNING]);
}

/**
 * fl_lab_session_stop:
 *
 * Probing stops (no sample comes after this returns) and so does the VM poller; the model
 * keeps what it knows. fl_lab_session_start() goes on.
 */
void
fl_lab_session_stop (FlLabSession *self)
{
  g_return_if_fail (FL_IS_LAB_SESSION (self));

  if (!fl_probe_scheduler_is_running (self->scheduler))
    return;
  fl_probe_scheduler_stop (self->scheduler);
  if (self->win_client != NULL)
    fl_win_client_stop (self->win_client);
  g_clear_handle_id (&self->vm_poll, g_source_remove);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_RUNNING]);
}

gboolean
fl_lab_session_is_running (FlLabSession *self)
{
  g_return_val_if_fail (FL_IS_LAB_SESSION (self), FALSE);
  return fl_probe_scheduler_is_running (self->scheduler);
}

void
fl_lab_session_set_interval (FlLabSession *self,
                             guint         interval_ms)
{
  g_return_if_fail (FL_IS_LAB_SESSION (self));
  fl_probe_scheduler_set_interval (self->scheduler, interval_ms);
}

void
fl_lab_session_set_deadline (FlLabSession *self,
                             guint         deadline_ms)
{
  g_return_if_fail (FL_IS_LAB_SESSION (self));
  fl_probe_scheduler_set_deadline (self->scheduler, deadline_ms);
}

/**
 * fl_lab_session_set_hypervisor:
 * @hypervisor: (nullable): the lab's hypervisor once connected (a secret was given), or %NULL
 *
 * The VM states known so far are forgotten: they were another connection's.
 */
void
fl_lab_session_set_hypervisor (FlLabSession *self,
                               FlHypervisor *hypervisor)
{
  g_return_if_fail (FL_IS_LAB_SESSION (self));

  if (self->hypervisor == hypervisor)
    return;
  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  self->cancellable = g_cancellable_new ();
  self->polls_out = 0;
  g_clear_handle_id (&self->vm_poll, g_source_remove);
  g_set_object (&self->hypervisor, hypervisor);
  for (guint i = 0; i < g_list_model_get_n_items (G_LIST_MODEL (self->dcs)); i++)
    {
      g_autoptr(FlDcState) dc = g_list_model_get_item (G_LIST_MODEL (self->dcs), i);

      fl_dc_state_set_vm_state (dc, NULL);
    }
  g_clear_pointer (&self->client_vm, fl_vm_state_free);
  set_win_client (self);
}

void
fl_lab_session_set_restart_guard (FlLabSession *self,
                                  guint         minutes)
{
  g_return_if_fail (FL_IS_LAB_SESSION (self));
  self->guard_min = minutes;
}

/**
 * fl_lab_session_set_vm_state:
 * @state: (nullable): what the hypervisor said of @dc's VM, %NULL when it could not say
 */
void
fl_lab_session_set_vm_state (FlLabSession    *self,
                             const char      *dc,
                             const FlVmState *state)
{
  FlDcState *d;

  g_return_if_fail (FL_IS_LAB_SESSION (self));
  if ((d = fl_lab_session_lookup_dc (self, dc)) != NULL)
    fl_dc_state_set_vm_state (d, state);
  else if (self->client != NULL && dc != NULL && g_ascii_strcasecmp (dc, self->client) == 0)
    {
      g_clear_pointer (&self->client_vm, fl_vm_state_free);
      self->client_vm = state ? fl_vm_state_copy (state) : NULL;
    }
}

/* --- the VM poller ------------------------------------------------------------------------ */

typedef struct
{
  FlLabSession *self;
  char         *dc;
} Poll;

static void schedule_poll (FlLabSession *self, guint ms);

static void
poll_done (GObject      *object,
           GAsyncResult *result,
           gpointer      data)
{
  Poll *p = data;
  g_autoptr(GError) error = NULL;
  g_autoptr(FlVmState) st = fl_hypervisor_get_state_finish (FL_HYPERVISOR (object), result, &error);

  if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      fl_lab_session_set_vm_state (p->self, p->dc, st);
      if (st == NULL)
        g_signal_emit (p->self, signals[VM_POLL_FAILED], 0, error);
      if (--p->self->polls_out == 0 && fl_probe_scheduler_is_running (p->self->scheduler))
        schedule_poll (p->self, VM_POLL_MS);
    }
  g_object_unref (p->self);
  g_free (p->dc);
  g_free (p);
}

static gboolean
poll_cb (gpointer data)
{
  FlLabSession *self = data;

  self->vm_poll = 0;
  fl_lab_session_poll_vms (self);
  return G_SOURCE_REMOVE;
}

static void
schedule_poll (FlLabSession *self,
               guint         ms)
{
  if (self->vm_poll == 0 && self->hypervisor != NULL)
    self->vm_poll = g_timeout_add (ms, poll_cb, self);
}

/**
 * fl_lab_session_poll_vms:
 *
 * Reads every DC's VM state now (then every 3 s while the session runs).
 */
void
fl_lab_session_poll_vms (FlLabSession *self)
{
  g_return_if_fail (FL_IS_LAB_SESSION (self));

  if (self->hypervisor == NULL || self->polls_out > 0)
    return;
  g_clear_handle_id (&self->vm_poll, g_source_remove);
  for (guint i = 0; i < g_list_model_get_n_items (G_LIST_MODEL (self->dcs)); i++)
    {
      g_autoptr(FlDcState) dc = g_list_model_get_item (G_LIST_MODEL (self->dcs), i);
      Poll *p;

      if (fl_dc_state_get_vmid (dc) == 0)
        continue;
      p = g_new0 (Poll, 1);
      p->self = g_object_ref (self);
      p->dc = g_strdup (fl_dc_state_get_name (dc));
      self->polls_out++;
      fl_hypervisor_get_state_async (self->hypervisor, fl_dc_state_get_vmid (dc), self->cancellable, poll_done, p);
    }
  if (self->client != NULL)
    {
      Poll *p = g_new0 (Poll, 1);

      p->self = g_object_ref (self);
      p->dc = g_strdup (self->client);
      self->polls_out++;
      fl_hypervisor_get_state_async (self->hypervisor, self->client_vmid, self->cancellable, poll_done, p);
    }
}

/* --- one look at the lab ----------------------------------------------------------------- */

typedef struct
{
  guint pending;
} Look;

typedef struct
{
  FlProbeConfig *config;
  guint          index;
  gint64         deadline;
} PingJob;

static void
ping_job_free (PingJob *j)
{
  fl_probe_config_unref (j->config);
  g_free (j);
}

static void
ping_thread (GTask        *task,
             gpointer      source,
             gpointer      data,
             GCancellable *cancellable)
{
  PingJob *j = data;

  g_task_return_pointer (task, fl_check_run (FL_CHECK_LDAP_PING, j->config, fl_probe_config_get_dc (j->config, j->index),
                                             j->deadline, NULL),
                         (GDestroyNotify)fl_sample_unref);
}

static void
look_step_done (GTask *look)
{
  Look *l = g_task_get_task_data (look);

  if (--l->pending == 0)
    g_task_return_boolean (look, TRUE);
  g_object_unref (look);
}

static void
look_ping_done (GObject      *object,
                GAsyncResult *result,
                gpointer      data)
{
  GTask *look = data;
  g_autoptr(FlSample) sample = g_task_propagate_pointer (G_TASK (result), NULL);

  if (sample != NULL)
    fl_lab_session_add_sample (FL_LAB_SESSION (object), sample);
  look_step_done (look);
}

typedef struct
{
  GTask *look;
  char  *vm;
} LookVm;

static void
look_vm_done (GObject      *object,
              GAsyncResult *result,
              gpointer      data)
{
  LookVm *v = data;
  FlLabSession *self = g_task_get_source_object (v->look);
  g_autoptr(GError) error = NULL;
  g_autoptr(FlVmState) st = fl_hypervisor_get_state_finish (FL_HYPERVISOR (object), result, &error);

  /* what cannot be read is unknown, and the interlocks fail closed on it */
  fl_lab_session_set_vm_state (self, v->vm, st);
  look_step_done (v->look);
  g_free (v->vm);
  g_free (v);
}

static void
look_vm (GTask        *look,
         const char   *name,
         guint         vmid)
{
  FlLabSession *self = g_task_get_source_object (look);
  Look *l = g_task_get_task_data (look);
  LookVm *v = g_new0 (LookVm, 1);

  v->look = g_object_ref (look);
  v->vm = g_strdup (name);
  l->pending++;
  fl_hypervisor_get_state_async (self->hypervisor, vmid, g_task_get_cancellable (look), look_vm_done, v);
}

/**
 * fl_lab_session_look_async:
 *
 * Takes one look at the lab now, all at once and within the probes' deadline: every DC's
 * LDAP ping and every VM's state. A session that is not probing (a one-shot command) knows the
 * lab from it; a take-down action takes one more under the lab's lock before it is decided.
 */
void
fl_lab_session_look_async (FlLabSession        *self,
                           GCancellable        *cancellable,
                           GAsyncReadyCallback  callback,
                           gpointer             user_data)
{
  GTask *look;
  Look *l;
  gint64 deadline;

  g_return_if_fail (FL_IS_LAB_SESSION (self));

  look = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (look, fl_lab_session_look_async);
  l = g_new0 (Look, 1);
  g_task_set_task_data (look, l, g_free);
  l->pending = 1;   /* this function's own, dropped at the end */
  deadline = g_get_monotonic_time () + (gint64)fl_probe_config_get_deadline_ms (self->config) * 1000;
  for (guint i = 0; i < fl_probe_config_get_n_dcs (self->config); i++)
    {
      g_autoptr(GTask) ping = g_task_new (self, cancellable, look_ping_done, g_object_ref (look));
      PingJob *j = g_new0 (PingJob, 1);

      j->config = fl_probe_config_ref (self->config);
      j->index = i;
      j->deadline = deadline;
      g_task_set_task_data (ping, j, (GDestroyNotify)ping_job_free);
      l->pending++;
      g_task_run_in_thread (ping, ping_thread);
    }
  if (self->hypervisor != NULL)
    {
      for (guint i = 0; i < g_list_model_get_n_items (G_LIST_MODEL (self->dcs)); i++)
        {
          g_autoptr(FlDcState) dc = g_list_model_get_item (G_LIST_MODEL (self->dcs), i);

          if (fl_dc_state_get_vmid (dc) != 0)
            look_vm (look, fl_dc_state_get_name (dc), fl_dc_state_get_vmid (dc));
        }
      if (self->client != NULL)
        look_vm (look, self->client, self->client_vmid);
    }
  look_step_done (look);
}

gboolean
fl_lab_session_look_finish (FlLabSession  *self,
                            GAsyncResult  *result,
                            GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}

/* --- the interlocks and the actions ------------------------------------------------------- */

/* every VM of the lab as the model knows it now, for the interlocks; the names are the
 * model's (valid while it lives) */
static FlInterlockVm *
interlock_vms (FlLabSession *self,
               guint        *n_vms)
{
  guint n = g_list_model_get_n_items (G_LIST_MODEL (self->dcs));
  FlInterlockVm *vms = g_new0 (FlInterlockVm, n + 1);

  for (guint i = 0; i < n; i++)
    {
      FlDcState *dc = g_list_model_get_item (G_LIST_MODEL (self->dcs), i);

      vms[i].name = fl_dc_state_get_name (dc);
      vms[i].host = fl_dc_state_get_host (dc);
      vms[i].is_dc = TRUE;
      vms[i].answering = fl_dc_state_get_answering (dc);
      vms[i].action_in_flight = fl_dc_state_get_busy (dc) && fl_lab_action_takes_down (fl_dc_state_get_action (dc));
      vms[i].vm = fl_dc_state_get_vm_state (dc);
      g_object_unref (dc);   /* the store keeps it */
    }
  if (self->client != NULL)
    {
      vms[n].name = self->client;
      vms[n].vm = self->client_vm;
      n++;
    }
  *n_vms = n;
  return vms;
}

/**
 * fl_lab_session_check_action:
 * @vm: the lab's name of a VM (any case)
 *
 * Returns: (transfer full): what the interlocks say of @action on @vm, from the model now
 */
FlVerdict *
fl_lab_session_check_action (FlLabSession *self,
                             const char   *vm,
                             FlLabAction   action)
{
  guint n;
  g_autofree FlInterlockVm *vms = NULL;

  g_return_val_if_fail (FL_IS_LAB_SESSION (self), NULL);

  vms = interlock_vms (self, &n);
  return fl_interlock_decide (vms, n, vm, action, self->guard_min);
}

typedef struct
{
  FlLabSession *self;
  FlDcState    *dc;        /* nullable: the client's VM is no DC */
  char         *vm;        /* the lab's name of the VM */
  guint         vmid;
  FlLabLock    *lock;
  char         *snapshot;
  FlLabAction   action;
  guint         confirmed;
  gint64        started;
} Run;

static void
run_free (Run *r)
{
  g_clear_pointer (&r->lock, fl_lab_lock_release);
  g_clear_object (&r->dc);
  g_object_unref (r->self);
  g_free (r->vm);
  g_free (r->snapshot);
  g_free (r);
}

static void
lock_thread (GTask        *task,
             gpointer      source,
             gpointer      data,
             GCancellable *cancellable)
{
  GError *error = NULL;
  FlLabLock *lock = fl_lab_lock_acquire (FL_LAB (data), 600, &error);

  if (lock == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, lock, (GDestroyNotify)fl_lab_lock_release);
}

/* the DC's state shows the action under way and its failure; the client's VM has no state */
static void
run_show (Run        *r,
          gboolean    busy,
          const char *error_text)
{
  if (r->dc == NULL)
    return;
  fl_dc_state_set_action (r->dc, busy, r->action);
  fl_dc_state_set_action_error (r->dc, error_text);
}

static void
action_done (GTask        *task,
             FlTaskResult *result,
             GError       *error)
{
  Run *r = g_task_get_task_data (task);

  if (error != NULL)
    {
      g_autofree char *text = g_strdup_printf (_("%s: %s failed: %s"), r->vm, fl_lab_action_to_string (r->action),
                                               error->message);

      run_show (r, FALSE, text);
      fl_timeline_mark_fault (r->self->timeline, FL_EVENT_ACTION, r->vm, text);
      g_task_return_error (task, error);
    }
  else
    {
      run_show (r, FALSE, NULL);
      g_task_return_pointer (task, result, (GDestroyNotify)fl_task_result_free);
    }
  g_clear_pointer (&r->lock, fl_lab_lock_release);
  /* a running session shows the VM's new state at once; a one-shot command has what it needs */
  if (fl_lab_session_is_running (r->self))
    fl_lab_session_poll_vms (r->self);
}

static void
power_done (GObject      *object,
            GAsyncResult *result,
            gpointer      data)
{
  g_autoptr(GTask) task = data;
  Run *r = g_task_get_task_data (task);
  GError *error = NULL;
  FlTaskResult *res = r->action == FL_LAB_ACTION_ROLLBACK
                      ? fl_hypervisor_rollback_finish (FL_HYPERVISOR (object), result, &error)
                      : fl_hypervisor_power_finish (FL_HYPERVISOR (object), result, &error);

  action_done (task, res, error);
}

static void
link_done (GObject      *object,
           GAsyncResult *result,
           gpointer      data)
{
  g_autoptr(GTask) task = data;
  GError *error = NULL;
  FlTaskResult *res = NULL;

  if (fl_hypervisor_set_link_finish (FL_HYPERVISOR (object), result, &error))
    {
      res = g_new0 (FlTaskResult, 1);
      res->upid = g_strdup ("");
      res->exitstatus = g_strdup ("OK");
    }
  action_done (task, res, error);
}

/* decided again now (for a take-down: under the lock, on a fresh look), then marked and done */
static void
go (GTask *task)
{
  Run *r = g_task_get_task_data (task);
  FlLabSession *self = r->self;
  g_autoptr(FlVerdict) verdict = fl_lab_session_check_action (self, r->vm, r->action);
  g_autofree char *note = NULL;
  gboolean fault = fl_lab_action_takes_down (r->action) && r->dc != NULL;

  if (verdict->kind == FL_VERDICT_REFUSED || (verdict->reasons & ~r->confirmed) != 0)
    {
      g_autofree char *why = fl_verdict_describe (verdict);
      g_autofree char *text = g_strdup_printf (_("%s: not done, the lab changed: %s"), r->vm, why);

      /* the DC's state says it in full, as for a failed action */
      run_show (r, FALSE, text);
      g_task_return_new_error (task, FL_LAB_SESSION_ERROR, FL_LAB_SESSION_ERROR_INTERLOCK, "%s", why);
      g_object_unref (task);
      return;
    }

  note = r->snapshot ? g_strdup_printf ("vm %s %s (%s)", fl_lab_action_to_string (r->action), r->vm, r->snapshot)
                     : g_strdup_printf ("vm %s %s", fl_lab_action_to_string (r->action), r->vm);
  fl_timeline_mark_fault (self->timeline, fault ? FL_EVENT_FAULT : FL_EVENT_ACTION, r->vm, note);
  run_show (r, TRUE, NULL);
  r->started = g_get_monotonic_time ();
  switch (r->action)
    {
    case FL_LAB_ACTION_UNPLUG:
    case FL_LAB_ACTION_PLUG:
      fl_hypervisor_set_link_async (self->hypervisor, r->vmid, r->action == FL_LAB_ACTION_UNPLUG,
                                    g_task_get_cancellable (task), link_done, task);
      break;
    case FL_LAB_ACTION_ROLLBACK:
      fl_hypervisor_rollback_async (self->hypervisor, r->vmid, r->snapshot, g_task_get_cancellable (task),
                                    power_done, task);
      break;
    case FL_LAB_ACTION_START:
    case FL_LAB_ACTION_SHUTDOWN:
    case FL_LAB_ACTION_STOP:
    case FL_LAB_ACTION_REBOOT:
    case FL_N_LAB_ACTIONS:
    default:
      {
        FlVmAction power = r->action == FL_LAB_ACTION_START ? FL_VM_ACTION_START
                           : r->action == FL_LAB_ACTION_SHUTDOWN ? FL_VM_ACTION_SHUTDOWN
                           : r->action == FL_LAB_ACTION_STOP ? FL_VM_ACTION_STOP : FL_VM_ACTION_REBOOT;

        fl_hypervisor_power_async (self->hypervisor, r->vmid, power,
                                   power == FL_VM_ACTION_SHUTDOWN ? self->shutdown_timeout_s : 0,
                                   power == FL_VM_ACTION_SHUTDOWN && self->shutdown_force,
                                   g_task_get_cancellable (task), power_done, task);
      }
      break;
    }
}

static void
looked (GObject      *object,
        GAsyncResult *result,
        gpointer      data)
{
  fl_lab_session_look_finish (FL_LAB_SESSION (object), result, NULL);
  go (data);
}

static void
locked (GObject      *object,
        GAsyncResult *result,
        gpointer      data)
{
  GTask *task = data;
  Run *r = g_task_get_task_data (task);
  GError *error = NULL;

  r->lock = g_task_propagate_pointer (G_TASK (result), &error);
  if (r->lock == NULL)
    {
      g_autofree char *text = g_strdup_printf (_("%s: %s failed: %s"), r->vm, fl_lab_action_to_string (r->action),
                                               error->message);

      run_show (r, FALSE, text);
      g_task_return_error (task, error);
      g_object_unref (task);
      return;
    }
  /* another process may have acted while this one waited: what the lab is now, not what it
   * was a probe round ago (two stops of the two DCs at once: the second sees the first's) */
  fl_lab_session_look_async (r->self, g_task_get_cancellable (task), looked, task);
}

/**
 * fl_lab_session_run_action_async:
 * @vm: the lab's name of a VM: a DC's or the client's (any case)
 * @snapshot: (nullable): for a rollback, the snapshot
 * @confirmed: the interlocks (#FlInterlock flags) the user confirmed for this action
 *
 * Decides the interlocks again at the last moment (for a take-down: under the lab's lock,
 * which it holds until the action has ended, on one fresh look at the lab), marks the action
 * on the timeline (a DC's take-down is the fault the detector measures from) and carries it
 * out. It fails with %FL_LAB_SESSION_ERROR_INTERLOCK, doing nothing, when the verdict is a
 * refusal or gives a reason the user did not confirm.
 */
void
fl_lab_session_run_action_async (FlLabSession        *self,
                                 const char          *vm,
                                 FlLabAction          action,
                                 const char          *snapshot,
                                 guint                confirmed,
                                 GCancellable        *cancellable,
                                 GAsyncReadyCallback  callback,
                                 gpointer             user_data)
{
  GTask *task;
  Run *r;
  FlDcState *dc;
  const char *name = NULL;
  guint vmid = 0;

  g_return_if_fail (FL_IS_LAB_SESSION (self));
  g_return_if_fail (action < FL_N_LAB_ACTIONS);

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, fl_lab_session_run_action_async);
  if (self->hypervisor == NULL)
    {
      g_task_return_new_error (task, FL_LAB_SESSION_ERROR, FL_LAB_SESSION_ERROR_NO_HYPERVISOR,
                               _("No connection to the hypervisor"));
      g_object_unref (task);
      return;
    }
  if ((dc = fl_lab_session_lookup_dc (self, vm)) != NULL)
    name = fl_dc_state_get_name (dc), vmid = fl_dc_state_get_vmid (dc);
  else if (self->client != NULL && vm != NULL && g_ascii_strcasecmp (vm, self->client) == 0)
    name = self->client, vmid = self->client_vmid;
  if (vmid == 0)
    {
      g_task_return_new_error (task, FL_LAB_SESSION_ERROR, FL_LAB_SESSION_ERROR_NO_VM,
                               _("The lab names no VM for “%s”"), vm);
      g_object_unref (task);
      return;
    }
  r = g_new0 (Run, 1);
  r->self = g_object_ref (self);
  r->dc = dc ? g_object_ref (dc) : NULL;
  r->vm = g_strdup (name);
  r->vmid = vmid;
  r->action = action;
  r->snapshot = g_strdup (snapshot);
  r->confirmed = confirmed;
  g_task_set_task_data (task, r, (GDestroyNotify)run_free);
  if (fl_lab_action_takes_down (action))
    {
      g_autoptr(GTask) lock_task = g_task_new (NULL, cancellable, locked, task);

      g_task_set_task_data (lock_task, g_object_ref (self->lab), g_object_unref);
      g_task_run_in_thread (lock_task, lock_thread);
      return;
    }
  go (task);
}

/**
 * fl_lab_session_run_action_finish:
 *
 * Returns: (transfer full): the task's outcome (for the cable: exitstatus "OK")
 */
FlTaskResult *
fl_lab_session_run_action_finish (FlLabSession  *self,
                                  GAsyncResult  *result,
                                  GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}

/**
 * fl_lab_session_set_shutdown:
 * @timeout_s: seconds a guest has to shut down (0: the hypervisor's default)
 * @force: power it off when it has not stopped by then
 */
void
fl_lab_session_set_shutdown (FlLabSession *self,
                             guint         timeout_s,
                             gboolean      force)
{
  g_return_if_fail (FL_IS_LAB_SESSION (self));
  self->shutdown_timeout_s = timeout_s;
  self->shutdown_force = !!force;
}

/**
 * fl_lab_session_scan_hint_context:
 *
 * Fills @context (what the advice on a failure depends on beyond the sample: every DC's
 * functional level, which DC is a global catalog, who holds the roles) from the latest samples.
 * What it points to lives until the next samples arrive.
 */
void
fl_lab_session_scan_hint_context (FlLabSession  *self,
                                  FlHintContext *context)
{
  g_autoptr(GPtrArray) ldap = g_ptr_array_new ();

  g_return_if_fail (FL_IS_LAB_SESSION (self));

  for (guint i = 0; i < g_list_model_get_n_items (G_LIST_MODEL (self->dcs)); i++)
    {
      g_autoptr(FlDcState) dc = g_list_model_get_item (G_LIST_MODEL (self->dcs), i);
      FlSample *sample = fl_dc_state_get_sample (dc, FL_CHECK_LDAP);
      FlSample *ping = fl_dc_state_get_sample (dc, FL_CHECK_LDAP_PING);

      /* the states keep them */
      if (sample != NULL)
        g_ptr_array_add (ldap, sample);
      if (ping != NULL)
        g_ptr_array_add (ldap, ping);
    }
  if (self->fsmo != NULL)
    g_ptr_array_add (ldap, self->fsmo);
  fl_hint_context_scan (context, (FlSample **)ldap->pdata, ldap->len);
}

/* --- moving an FSMO role ------------------------------------------------------------------ */

/**
 * fl_lab_session_get_fsmo_holder:
 *
 * Returns: (nullable): the lab's name of the DC that holds @role, as the last FSMO reading
 *   said; %NULL while not known
 */
const char *
fl_lab_session_get_fsmo_holder (FlLabSession *self,
                                FlFsmoRole    role)
{
  g_return_val_if_fail (FL_IS_LAB_SESSION (self), NULL);
  g_return_val_if_fail (role < FL_FSMO_N_ROLES, NULL);

  for (guint i = 0; i < g_list_model_get_n_items (G_LIST_MODEL (self->dcs)); i++)
    {
      g_autoptr(FlDcState) dc = g_list_model_get_item (G_LIST_MODEL (self->dcs), i);

      if (fl_dc_state_get_fsmo_roles (dc) & (1u << role))
        return fl_dc_state_get_name (dc);   /* the store keeps it */
    }
  return NULL;
}

/**
 * fl_lab_session_check_transfer:
 * @target: the lab's name of the DC that is to hold @role (any case)
 *
 * Returns: (transfer full): what the interlocks say of moving @role to @target, from the model
 *   now (the holder from the last FSMO reading, every DC's last LDAP ping)
 */
FlVerdict *
fl_lab_session_check_transfer (FlLabSession *self,
                               FlFsmoRole    role,
                               const char   *target)
{
  guint n;
  g_autofree FlInterlockVm *vms = NULL;

  g_return_val_if_fail (FL_IS_LAB_SESSION (self), NULL);

  vms = interlock_vms (self, &n);
  return fl_interlock_decide_transfer (vms, n, target, role, fl_lab_session_get_fsmo_holder (self, role));
}

typedef struct
{
  FlLab         *lab;
  FlProbeConfig *as;         /* the lab, with the administrator's credentials */
  char          *target;
  FlFsmoRole     role;
  guint          timeout_ms;
} Transfer;

static void
transfer_free (Transfer *t)
{
  g_object_unref (t->lab);
  fl_probe_config_unref (t->as);   /* its password is wiped with it */
  g_free (t->target);
  g_free (t);
}

/* under the lab's lock (across processes), as a VM action: one change of the lab at a time;
 * the wait for the lock counts in the transfer's time */
static void
transfer_thread (GTask        *task,
                 gpointer      source,
                 gpointer      data,
                 GCancellable *cancellable)
{
  Transfer *t = data;
  gint64 started = g_get_monotonic_time ();
  GError *error = NULL;
  FlLabLock *lock = fl_lab_lock_acquire (t->lab, MAX (t->timeout_ms / 1000, 1), &error);
  char *holder = NULL;

  if (lock != NULL)
    {
      gint64 left_ms = (gint64)t->timeout_ms - (g_get_monotonic_time () - started) / 1000;

      if (!g_cancellable_set_error_if_cancelled (cancellable, &error))
        fl_fsmo_transfer (t->as, t->target, t->role, (guint)MAX (left_ms, 1000), &holder, &error);
      fl_lab_lock_release (lock);
    }
  if (error != NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, holder, g_free);
}

/* back on the main thread: the model follows the new holder at once (the next reading of the
 * roles confirms it); a failure goes on the timeline too; then to the caller */
static void
transfer_thread_done (GObject      *object,
                      GAsyncResult *result,
                      gpointer      data)
{
  FlLabSession *self = FL_LAB_SESSION (object);
  g_autoptr(GTask) task = data;
  Transfer *t = g_task_get_task_data (G_TASK (result));
  GError *error = NULL;
  char *holder = g_task_propagate_pointer (G_TASK (result), &error);

  if (holder == NULL)
    {
      g_autofree char *what = g_strdup_printf ("fsmo transfer %s", fl_fsmo_role_to_string (t->role));
      g_autofree char *text = g_strdup_printf (_("%s: %s failed: %s"), t->target, what, error->message);

      fl_timeline_mark_fault (self->timeline, FL_EVENT_ACTION, t->target, text);
      g_task_return_error (task, error);
      return;
    }
  for (guint i = 0; i < g_list_model_get_n_items (G_LIST_MODEL (self->dcs)); i++)
    {
      g_autoptr(FlDcState) dc = g_list_model_get_item (G_LIST_MODEL (self->dcs), i);
      guint roles = fl_dc_state_get_fsmo_roles (dc) & ~(1u << t->role);

      if (g_ascii_strcasecmp (fl_dc_state_get_name (dc), holder) == 0)
        roles |= 1u << t->role;
      fl_dc_state_set_fsmo_roles (dc, roles);
    }
  g_task_return_pointer (task, holder, g_free);
}

/**
 * fl_lab_session_transfer_role_async:
 * @role: the FSMO role to move
 * @target: the lab's name of the DC that is to hold it
 * @principal: an account allowed to move roles (an administrator: Domain Admins, Enterprise
 *   Admins for the naming and schema masters)
 * @password: its password (copied into the transfer's own probe config, wiped with it)
 * @confirmed: the interlocks (#FlInterlock flags) the user confirmed
 * @timeout_ms: how long the transfer may take, the wait for the lab's lock included
 *
 * Moves @role to @target (handed over by its holder, never seized), once the interlocks
 * allow it, under the lab's lock. The interlocks are decided here, on the model; under the
 * lock the target itself reads the holder again, and a holder that does not answer fails the
 * transfer (it is never turned into a seizure).
 */
void
fl_lab_session_transfer_role_async (FlLabSession        *self,
                                    FlFsmoRole           role,
                                    const char          *target,
                                    const char          *principal,
                                    const char          *password,
                                    guint                confirmed,
                                    guint                timeout_ms,
                                    GCancellable        *cancellable,
                                    GAsyncReadyCallback  callback,
                                    gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autoptr(GTask) inner = NULL;
  g_autoptr(FlVerdict) verdict = NULL;
  g_autoptr(FlProbeConfig) as = NULL;
  g_autofree char *note = NULL;
  GError *error = NULL;
  Transfer *t;

  g_return_if_fail (FL_IS_LAB_SESSION (self));
  g_return_if_fail (role < FL_FSMO_N_ROLES);

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, fl_lab_session_transfer_role_async);
  verdict = fl_lab_session_check_transfer (self, role, target);
  if (verdict->kind == FL_VERDICT_REFUSED || (verdict->reasons & ~confirmed) != 0)
    {
      g_autofree char *why = fl_verdict_describe (verdict);

      g_task_return_new_error (task, FL_LAB_SESSION_ERROR, FL_LAB_SESSION_ERROR_INTERLOCK, "%s", why);
      return;
    }
  if (principal == NULL || *principal == '\0' || password == NULL || *password == '\0')
    {
      g_task_return_new_error (task, FL_PROBE_ERROR, FL_PROBE_ERROR_CONFIG, "%s",
                               _("a role is moved as an administrator: give its principal and password"));
      return;
    }
  as = fl_lab_create_probe_config_as (self->lab, principal, password, &error);
  if (as == NULL)
    {
      g_task_return_error (task, error);
      return;
    }
  t = g_new0 (Transfer, 1);
  t->lab = g_object_ref (self->lab);
  t->as = g_steal_pointer (&as);
  t->target = g_strdup (verdict->vm);
  t->role = role;
  t->timeout_ms = timeout_ms;
  /* on the timeline (and in a recording), as a VM action is */
  note = g_strdup_printf ("fsmo transfer %s %s", fl_fsmo_role_to_string (role), t->target);
  fl_timeline_mark_fault (self->timeline, FL_EVENT_ACTION, t->target, note);
  inner = g_task_new (self, cancellable, transfer_thread_done, g_steal_pointer (&task));
  g_task_set_task_data (inner, t, (GDestroyNotify)transfer_free);
  g_task_run_in_thread (inner, transfer_thread);
}

/**
 * fl_lab_session_transfer_role_finish:
 *
 * Returns: (transfer full): the role's holder afterwards, read back from the target's
 *   fSMORoleOwner; %NULL with @error
 */
char *
fl_lab_session_transfer_role_finish (FlLabSession  *self,
                                     GAsyncResult  *result,
                                     GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}
