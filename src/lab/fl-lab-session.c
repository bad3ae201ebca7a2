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

#include "fl-lab-lock.h"
#include "fl-lab-session.h"

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
  GCancellable         *cancellable;
  char                 *logon_server;
  char                 *kdc;
  guint                 vm_poll;
  guint                 polls_out;
  guint                 guard_min;
  gboolean              no_polling;   /* a front end reads the VM states and feeds them */
};

enum {
  PROP_0,
  PROP_LOGON_SERVER,
  PROP_KDC,
  PROP_RUNNING,
  N_PROPS
};

enum {
  SAMPLE,
  N_SIGNALS
};

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];

G_DEFINE_QUARK (fl-lab-session-error-quark, fl_lab_session_error)
G_DEFINE_FINAL_TYPE (FlLabSession, fl_lab_session, G_TYPE_OBJECT)

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
  g_clear_object (&self->scheduler);
  g_clear_object (&self->detector);
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
  properties[PROP_RUNNING] = g_param_spec_boolean ("running", NULL, NULL, FALSE, ro);
  g_object_class_install_properties (object_class, N_PROPS, properties);

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
  set_string (self, &self->logon_server, fl_switchover_detector_get_logon_server (self->detector),
              PROP_LOGON_SERVER);
  set_string (self, &self->kdc, fl_switchover_detector_get_kdc (self->detector), PROP_KDC);
  g_signal_emit (self, signals[SAMPLE], 0, sample);
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

  for (guint i = 0; i < fl_probe_config_get_n_dcs (config); i++)
    {
      const FlProbeDc *dc = fl_probe_config_get_dc (config, i);
      FlLabController *c = fl_lab_lookup_controller (lab, dc->name);
      const char *node = NULL;
      guint vmid = 0;
      g_autoptr(FlDcState) state = NULL;

      if (c != NULL)
        fl_lab_controller_get_vm (c, &node, &vmid);
      state = fl_dc_state_new (dc->name, dc->host, dc->address, vmid);
      g_list_store_append (self->dcs, state);
    }
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

  if (self->hypervisor == NULL || self->polls_out > 0 || self->no_polling)
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
}

/**
 * fl_lab_session_set_vm_polling:
 * @polling: %FALSE when the front end reads the VM states itself and gives them to
 *   fl_lab_session_set_vm_state() (the window, which also asks for a second factor or trust
 *   when the hypervisor needs them)
 */
void
fl_lab_session_set_vm_polling (FlLabSession *self,
                               gboolean      polling)
{
  g_return_if_fail (FL_IS_LAB_SESSION (self));
  self->no_polling = !polling;
  if (!polling)
    g_clear_handle_id (&self->vm_poll, g_source_remove);
}

/* --- the interlocks and the actions ------------------------------------------------------- */

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

  n = g_list_model_get_n_items (G_LIST_MODEL (self->dcs));
  vms = g_new0 (FlInterlockVm, n);
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
  return fl_interlock_decide (vms, n, vm, action, self->guard_min);
}

typedef struct
{
  FlLabSession *self;
  FlDcState    *dc;
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

static void
action_done (GTask        *task,
             FlTaskResult *result,
             GError       *error)
{
  Run *r = g_task_get_task_data (task);

  fl_dc_state_set_action (r->dc, FALSE, r->action);
  if (error != NULL)
    {
      g_autofree char *text = g_strdup_printf (_("%s: %s failed: %s"), fl_dc_state_get_name (r->dc),
                                               fl_lab_action_to_string (r->action), error->message);

      fl_dc_state_set_action_error (r->dc, text);
      fl_timeline_mark_fault (r->self->timeline, FL_EVENT_ACTION, fl_dc_state_get_name (r->dc), text);
      g_task_return_error (task, error);
    }
  else
    {
      fl_dc_state_set_action_error (r->dc, NULL);
      g_task_return_pointer (task, result, (GDestroyNotify)fl_task_result_free);
    }
  g_clear_pointer (&r->lock, fl_lab_lock_release);
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

/* decided again now (under the lock, for a take-down), then marked and done */
static void
go (GTask *task)
{
  Run *r = g_task_get_task_data (task);
  FlLabSession *self = r->self;
  const char *name = fl_dc_state_get_name (r->dc);
  guint vmid = fl_dc_state_get_vmid (r->dc);
  g_autoptr(FlVerdict) verdict = fl_lab_session_check_action (self, name, r->action);
  g_autofree char *note = NULL;
  gboolean fault = fl_lab_action_takes_down (r->action);

  if (verdict->kind == FL_VERDICT_REFUSED || (verdict->reasons & ~r->confirmed) != 0)
    {
      g_autofree char *why = fl_verdict_describe (verdict);

      g_task_return_new_error (task, FL_LAB_SESSION_ERROR, FL_LAB_SESSION_ERROR_INTERLOCK, "%s", why);
      g_object_unref (task);
      return;
    }

  note = r->snapshot ? g_strdup_printf ("vm %s %s (%s)", fl_lab_action_to_string (r->action), name, r->snapshot)
                     : g_strdup_printf ("vm %s %s", fl_lab_action_to_string (r->action), name);
  fl_timeline_mark_fault (self->timeline, fault ? FL_EVENT_FAULT : FL_EVENT_ACTION, name, note);
  fl_dc_state_set_action (r->dc, TRUE, r->action);
  fl_dc_state_set_action_error (r->dc, NULL);
  r->started = g_get_monotonic_time ();
  switch (r->action)
    {
    case FL_LAB_ACTION_UNPLUG:
    case FL_LAB_ACTION_PLUG:
      fl_hypervisor_set_link_async (self->hypervisor, vmid, r->action == FL_LAB_ACTION_UNPLUG,
                                    g_task_get_cancellable (task), link_done, task);
      break;
    case FL_LAB_ACTION_ROLLBACK:
      fl_hypervisor_rollback_async (self->hypervisor, vmid, r->snapshot, g_task_get_cancellable (task),
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

        fl_hypervisor_power_async (self->hypervisor, vmid, power, 0, FALSE, g_task_get_cancellable (task),
                                   power_done, task);
      }
      break;
    }
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
      g_task_return_error (task, error);
      g_object_unref (task);
      return;
    }
  go (task);
}

/**
 * fl_lab_session_run_action_async:
 * @vm: the lab's name of a DC
 * @snapshot: (nullable): for a rollback, the snapshot
 * @confirmed: the interlocks (#FlInterlock flags) the user confirmed for this action
 *
 * Decides the interlocks again at the last moment (for a take-down, under the lab's lock,
 * which it holds until the action has ended), marks the action on the timeline (a take-down
 * is the fault the detector measures from) and carries it out. It fails with
 * %FL_LAB_SESSION_ERROR_INTERLOCK, doing nothing, when the verdict is a refusal or gives a
 * reason the user did not confirm.
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
  dc = fl_lab_session_lookup_dc (self, vm);
  if (dc == NULL || fl_dc_state_get_vmid (dc) == 0)
    {
      g_task_return_new_error (task, FL_LAB_SESSION_ERROR, FL_LAB_SESSION_ERROR_NO_VM,
                               _("The lab names no VM for “%s”"), vm);
      g_object_unref (task);
      return;
    }
  r = g_new0 (Run, 1);
  r->self = g_object_ref (self);
  r->dc = g_object_ref (dc);
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
