/* fl-hypervisor.h: what Failover Lab asks of the hypervisor that runs the lab's VMs. Every
 * method is asynchronous; an action completes when the hypervisor's task has ended, with its
 * task id (a Proxmox UPID) and exit status.
 *
 * Copyright 2026 The Failover Lab authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/* a power action; the nicks are Proxmox's names (status/<nick>) */
typedef enum
{
  FL_VM_ACTION_START,      /*< nick=start >*/
  FL_VM_ACTION_SHUTDOWN,   /*< nick=shutdown >*/ /* ACPI or guest agent; fails at the timeout unless forced */
  FL_VM_ACTION_STOP,       /*< nick=stop >*/ /* power off */
  FL_VM_ACTION_REBOOT,     /*< nick=reboot >*/
} FlVmAction;

const char *fl_vm_action_to_string   (FlVmAction  action);
gboolean    fl_vm_action_from_string (const char *text,
                                      FlVmAction *action);

/* What one VM is doing now. */
typedef struct
{
  guint     vmid;
  char     *node;
  char     *name;
  char     *status;      /* running, stopped */
  char     *qmpstatus;   /* running, paused, … */
  char     *lock;        /* nullable */
  char     *ha_state;    /* nullable: not HA-managed */
  gboolean  ha_managed;
  gboolean  agent;       /* the guest agent is enabled in the config */
  gboolean  link_down;   /* net0's cable is out */
  gint64    uptime_s;
} FlVmState;

#define FL_TYPE_VM_STATE (fl_vm_state_get_type ())
GType       fl_vm_state_get_type     (void) G_GNUC_CONST;
FlVmState  *fl_vm_state_copy         (const FlVmState *self);
void        fl_vm_state_free         (FlVmState       *self);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (FlVmState, fl_vm_state_free)

typedef struct
{
  char   *name;
  char   *description;
  char   *parent;       /* nullable */
  gint64  snaptime;     /* 0 when unknown */
  gboolean vmstate;     /* with RAM */
} FlVmSnapshot;

void        fl_vm_snapshot_free      (FlVmSnapshot    *self);

/* The outcome of a finished task (an action, a rollback). */
typedef struct
{
  char *upid;
  char *exitstatus;   /* "OK", "WARNINGS: 1", or the error */
} FlTaskResult;

void        fl_task_result_free      (FlTaskResult    *self);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (FlTaskResult, fl_task_result_free)

typedef struct
{
  gint64  exitcode;
  char   *out_data;
  char   *err_data;
} FlAgentResult;

void        fl_agent_result_free     (FlAgentResult   *self);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (FlAgentResult, fl_agent_result_free)

#define FL_TYPE_HYPERVISOR (fl_hypervisor_get_type ())
G_DECLARE_INTERFACE (FlHypervisor, fl_hypervisor, FL, HYPERVISOR, GObject)

/* The _finish vfuncs may stay NULL when the _async ones return through a GTask. */
struct _FlHypervisorInterface
{
  GTypeInterface parent_iface;

  void           (*list_vms_async)       (FlHypervisor         *self,
                                          GCancellable         *cancellable,
                                          GAsyncReadyCallback   callback,
                                          gpointer              user_data);
  GPtrArray     *(*list_vms_finish)      (FlHypervisor         *self,
                                          GAsyncResult         *result,
                                          GError              **error);
  void           (*get_state_async)      (FlHypervisor         *self,
                                          guint                 vmid,
                                          GCancellable         *cancellable,
                                          GAsyncReadyCallback   callback,
                                          gpointer              user_data);
  FlVmState     *(*get_state_finish)     (FlHypervisor         *self,
                                          GAsyncResult         *result,
                                          GError              **error);
  void           (*power_async)          (FlHypervisor         *self,
                                          guint                 vmid,
                                          FlVmAction            action,
                                          guint                 timeout_s,
                                          gboolean              force,
                                          GCancellable         *cancellable,
                                          GAsyncReadyCallback   callback,
                                          gpointer              user_data);
  FlTaskResult  *(*power_finish)         (FlHypervisor         *self,
                                          GAsyncResult         *result,
                                          GError              **error);
  void           (*set_link_async)       (FlHypervisor         *self,
                                          guint                 vmid,
                                          gboolean              link_down,
                                          GCancellable         *cancellable,
                                          GAsyncReadyCallback   callback,
                                          gpointer              user_data);
  gboolean       (*set_link_finish)      (FlHypervisor         *self,
                                          GAsyncResult         *result,
                                          GError              **error);
  void           (*list_snapshots_async) (FlHypervisor         *self,
                                          guint                 vmid,
                                          GCancellable         *cancellable,
                                          GAsyncReadyCallback   callback,
                                          gpointer              user_data);
  GPtrArray     *(*list_snapshots_finish)(FlHypervisor         *self,
                                          GAsyncResult         *result,
                                          GError              **error);
  void           (*rollback_async)       (FlHypervisor         *self,
                                          guint                 vmid,
                                          const char           *snapshot,
                                          GCancellable         *cancellable,
                                          GAsyncReadyCallback   callback,
                                          gpointer              user_data);
  FlTaskResult  *(*rollback_finish)      (FlHypervisor         *self,
                                          GAsyncResult         *result,
                                          GError              **error);
  void           (*agent_ping_async)     (FlHypervisor         *self,
                                          guint                 vmid,
                                          GCancellable         *cancellable,
                                          GAsyncReadyCallback   callback,
                                          gpointer              user_data);
  gboolean       (*agent_ping_finish)    (FlHypervisor         *self,
                                          GAsyncResult         *result,
                                          GError              **error);
  void           (*agent_exec_async)     (FlHypervisor         *self,
                                          guint                 vmid,
                                          const char * const   *argv,
                                          guint                 timeout_s,
                                          GCancellable         *cancellable,
                                          GAsyncReadyCallback   callback,
                                          gpointer              user_data);
  FlAgentResult *(*agent_exec_finish)    (FlHypervisor         *self,
                                          GAsyncResult         *result,
                                          GError              **error);

  /* trust on first use: the peer's identity (a TLS certificate's or an SSH host key's
   * fingerprint) as last seen, whether it may be offered to the user (unknown, not changed),
   * and trusting exactly the one the user was shown */
  const char    *(*get_peer_fingerprint) (FlHypervisor         *self);
  gboolean       (*peer_may_be_trusted)  (FlHypervisor         *self);
  gboolean       (*trust_peer)           (FlHypervisor         *self,
                                          const char           *fingerprint,
                                          GError              **error);
  /* a second factor for the next login (TOTP), where the backend logs in with one */
  gboolean       (*set_second_factor)    (FlHypervisor         *self,
                                          const char           *code);
};

void           fl_hypervisor_list_vms_async       (FlHypervisor         *self,
                                                   GCancellable         *cancellable,
                                                   GAsyncReadyCallback   callback,
                                                   gpointer              user_data);
GPtrArray     *fl_hypervisor_list_vms_finish      (FlHypervisor         *self,
                                                   GAsyncResult         *result,
                                                   GError              **error);
void           fl_hypervisor_get_state_async      (FlHypervisor         *self,
                                                   guint                 vmid,
                                                   GCancellable         *cancellable,
                                                   GAsyncReadyCallback   callback,
                                                   gpointer              user_data);
FlVmState     *fl_hypervisor_get_state_finish     (FlHypervisor         *self,
                                                   GAsyncResult         *result,
                                                   GError              **error);
void           fl_hypervisor_power_async          (FlHypervisor         *self,
                                                   guint                 vmid,
                                                   FlVmAction            action,
                                                   guint                 timeout_s,
                                                   gboolean              force,
                                                   GCancellable         *cancellable,
                                                   GAsyncReadyCallback   callback,
                                                   gpointer              user_data);
FlTaskResult  *fl_hypervisor_power_finish         (FlHypervisor         *self,
                                                   GAsyncResult         *result,
                                                   GError              **error);
void           fl_hypervisor_set_link_async       (FlHypervisor         *self,
                                                   guint                 vmid,
                                                   gboolean              link_down,
                                                   GCancellable         *cancellable,
                                                   GAsyncReadyCallback   callback,
                                                   gpointer              user_data);
gboolean       fl_hypervisor_set_link_finish      (FlHypervisor         *self,
                                                   GAsyncResult         *result,
                                                   GError              **error);
void           fl_hypervisor_list_snapshots_async (FlHypervisor         *self,
                                                   guint                 vmid,
                                                   GCancellable         *cancellable,
                                                   GAsyncReadyCallback   callback,
                                                   gpointer              user_data);
GPtrArray     *fl_hypervisor_list_snapshots_finish(FlHypervisor         *self,
                                                   GAsyncResult         *result,
                                                   GError              **error);
void           fl_hypervisor_rollback_async       (FlHypervisor         *self,
                                                   guint                 vmid,
                                                   const char           *snapshot,
                                                   GCancellable         *cancellable,
                                                   GAsyncReadyCallback   callback,
                                                   gpointer              user_data);
FlTaskResult  *fl_hypervisor_rollback_finish      (FlHypervisor         *self,
                                                   GAsyncResult         *result,
                                                   GError              **error);
void           fl_hypervisor_agent_ping_async     (FlHypervisor         *self,
                                                   guint                 vmid,
                                                   GCancellable         *cancellable,
                                                   GAsyncReadyCallback   callback,
                                                   gpointer              user_data);
gboolean       fl_hypervisor_agent_ping_finish    (FlHypervisor         *self,
                                                   GAsyncResult         *result,
                                                   GError              **error);
void           fl_hypervisor_agent_exec_async     (FlHypervisor         *self,
                                                   guint                 vmid,
                                                   const char * const   *argv,
                                                   guint                 timeout_s,
                                                   GCancellable         *cancellable,
                                                   GAsyncReadyCallback   callback,
                                                   gpointer              user_data);
FlAgentResult *fl_hypervisor_agent_exec_finish    (FlHypervisor         *self,
                                                   GAsyncResult         *result,
                                                   GError              **error);

const char    *fl_hypervisor_get_peer_fingerprint (FlHypervisor        *self);
gboolean       fl_hypervisor_peer_may_be_trusted  (FlHypervisor         *self);
gboolean       fl_hypervisor_trust_peer           (FlHypervisor         *self,
                                                   const char           *fingerprint,
                                                   GError              **error);
gboolean       fl_hypervisor_set_second_factor    (FlHypervisor         *self,
                                                   const char           *code);
void           fl_hypervisor_release              (FlHypervisor         *self);

/* an owned hypervisor that is released with fl_hypervisor_release() at the end of its scope */
typedef FlHypervisor *FlHypervisorOwned;
G_DEFINE_AUTO_CLEANUP_FREE_FUNC (FlHypervisorOwned, fl_hypervisor_release, NULL)

G_END_DECLS
