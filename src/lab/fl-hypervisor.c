/* fl-hypervisor.c: the hypervisor interface and its small value types
 *
 * Copyright 2026 The Failover Lab authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "fl-hypervisor"

#include "config.h"

#include "fl-hypervisor.h"
#include "fl-lab-enums.h"
#include "fl-probe-types.h"

G_DEFINE_INTERFACE (FlHypervisor, fl_hypervisor, G_TYPE_OBJECT)

/* A backend whose operations are GTasks (both are) leaves the _finish vfuncs unset: the
 * task's own result is returned. */
static void
fl_hypervisor_default_init (FlHypervisorInterface *iface)
{
}

/* the Proxmox name of the action: status/<name> */
const char *
fl_vm_action_to_string (FlVmAction action)
{
  const char *nick = fl_enum_to_nick (FL_TYPE_VM_ACTION, (int)action);

  g_return_val_if_fail (nick != NULL, "start");
  return nick;
}

gboolean
fl_vm_action_from_string (const char *text,
                          FlVmAction *action)
{
  int v;

  if (!fl_enum_from_nick (FL_TYPE_VM_ACTION, text, &v))
    return FALSE;
  *action = (FlVmAction)v;
  return TRUE;
}

FlVmState *
fl_vm_state_copy (const FlVmState *self)
{
  FlVmState *copy = g_new0 (FlVmState, 1);

  *copy = *self;
  copy->node = g_strdup (self->node);
  copy->name = g_strdup (self->name);
  copy->status = g_strdup (self->status);
  copy->qmpstatus = g_strdup (self->qmpstatus);
  copy->lock = g_strdup (self->lock);
  copy->ha_state = g_strdup (self->ha_state);
  return copy;
}

void
fl_vm_state_free (FlVmState *self)
{
  if (self == NULL)
    return;
  g_free (self->node);
  g_free (self->name);
  g_free (self->status);
  g_free (self->qmpstatus);
  g_free (self->lock);
  g_free (self->ha_state);
  g_free (self);
}

G_DEFINE_BOXED_TYPE (FlVmState, fl_vm_state, fl_vm_state_copy, fl_vm_state_free)

void
fl_vm_snapshot_free (FlVmSnapshot *self)
{
  if (self == NULL)
    return;
  g_free (self->name);
  g_free (self->description);
  g_free (self->parent);
  g_free (self);
}

void
fl_task_result_free (FlTaskResult *self)
{
  if (self == NULL)
    return;
  g_free (self->upid);
  g_free (self->exitstatus);
  g_free (self);
}

void
fl_agent_result_free (FlAgentResult *self)
{
  if (self == NULL)
    return;
  g_free (self->out_data);
  g_free (self->err_data);
  g_free (self);
}

void
fl_hypervisor_list_vms_async (FlHypervisor *self,
                              GCancellable *cancellable,
                              GAsyncReadyCallback callback,
                              gpointer user_data)
{
  g_return_if_fail (FL_IS_HYPERVISOR (self));
  FL_HYPERVISOR_GET_IFACE (self)->list_vms_async (self, cancellable, callback, user_data);
}

GPtrArray *
fl_hypervisor_list_vms_finish (FlHypervisor *self,
                               GAsyncResult *result,
                               GError **error)
{
  g_return_val_if_fail (FL_IS_HYPERVISOR (self), NULL);
  if (FL_HYPERVISOR_GET_IFACE (self)->list_vms_finish != NULL)
    return FL_HYPERVISOR_GET_IFACE (self)->list_vms_finish (self, result, error);
  return g_task_propagate_pointer (G_TASK (result), error);
}

void
fl_hypervisor_get_state_async (FlHypervisor *self,
                               guint vmid,
                               GCancellable *cancellable,
                               GAsyncReadyCallback callback,
                               gpointer user_data)
{
  g_return_if_fail (FL_IS_HYPERVISOR (self));
  FL_HYPERVISOR_GET_IFACE (self)->get_state_async (self, vmid, cancellable, callback, user_data);
}

FlVmState *
fl_hypervisor_get_state_finish (FlHypervisor *self,
                                GAsyncResult *result,
                                GError **error)
{
  g_return_val_if_fail (FL_IS_HYPERVISOR (self), NULL);
  if (FL_HYPERVISOR_GET_IFACE (self)->get_state_finish != NULL)
    return FL_HYPERVISOR_GET_IFACE (self)->get_state_finish (self, result, error);
  return g_task_propagate_pointer (G_TASK (result), error);
}

void
fl_hypervisor_power_async (FlHypervisor *self,
                           guint vmid,
                           FlVmAction action,
                           guint timeout_s,
                           gboolean force,
                           GCancellable *cancellable,
                           GAsyncReadyCallback callback,
                           gpointer user_data)
{
  g_return_if_fail (FL_IS_HYPERVISOR (self));
  FL_HYPERVISOR_GET_IFACE (self)->power_async (self, vmid, action, timeout_s, force, cancellable, callback, user_data);
}

FlTaskResult *
fl_hypervisor_power_finish (FlHypervisor *self,
                            GAsyncResult *result,
                            GError **error)
{
  g_return_val_if_fail (FL_IS_HYPERVISOR (self), NULL);
  if (FL_HYPERVISOR_GET_IFACE (self)->power_finish != NULL)
    return FL_HYPERVISOR_GET_IFACE (self)->power_finish (self, result, error);
  return g_task_propagate_pointer (G_TASK (result), error);
}

void
fl_hypervisor_set_link_async (FlHypervisor *self,
                              guint vmid,
                              gboolean link_down,
                              GCancellable *cancellable,
                              GAsyncReadyCallback callback,
                              gpointer user_data)
{
  g_return_if_fail (FL_IS_HYPERVISOR (self));
  FL_HYPERVISOR_GET_IFACE (self)->set_link_async (self, vmid, link_down, cancellable, callback, user_data);
}

gboolean
fl_hypervisor_set_link_finish (FlHypervisor *self,
                               GAsyncResult *result,
                               GError **error)
{
  g_return_val_if_fail (FL_IS_HYPERVISOR (self), FALSE);
  if (FL_HYPERVISOR_GET_IFACE (self)->set_link_finish != NULL)
    return FL_HYPERVISOR_GET_IFACE (self)->set_link_finish (self, result, error);
  return g_task_propagate_boolean (G_TASK (result), error);
}

void
fl_hypervisor_list_snapshots_async (FlHypervisor *self,
                                    guint vmid,
                                    GCancellable *cancellable,
                                    GAsyncReadyCallback callback,
                                    gpointer user_data)
{
  g_return_if_fail (FL_IS_HYPERVISOR (self));
  FL_HYPERVISOR_GET_IFACE (self)->list_snapshots_async (self, vmid, cancellable, callback, user_data);
}

GPtrArray *
fl_hypervisor_list_snapshots_finish (FlHypervisor *self,
                                     GAsyncResult *result,
                                     GError **error)
{
  g_return_val_if_fail (FL_IS_HYPERVISOR (self), NULL);
  if (FL_HYPERVISOR_GET_IFACE (self)->list_snapshots_finish != NULL)
    return FL_HYPERVISOR_GET_IFACE (self)->list_snapshots_finish (self, result, error);
  return g_task_propagate_pointer (G_TASK (result), error);
}

void
fl_hypervisor_rollback_async (FlHypervisor *self,
                              guint vmid,
                              const char *snapshot,
                              GCancellable *cancellable,
                              GAsyncReadyCallback callback,
                              gpointer user_data)
{
  g_return_if_fail (FL_IS_HYPERVISOR (self));
  FL_HYPERVISOR_GET_IFACE (self)->rollback_async (self, vmid, snapshot, cancellable, callback, user_data);
}

FlTaskResult *
fl_hypervisor_rollback_finish (FlHypervisor *self,
                               GAsyncResult *result,
                               GError **error)
{
  g_return_val_if_fail (FL_IS_HYPERVISOR (self), NULL);
  if (FL_HYPERVISOR_GET_IFACE (self)->rollback_finish != NULL)
    return FL_HYPERVISOR_GET_IFACE (self)->rollback_finish (self, result, error);
  return g_task_propagate_pointer (G_TASK (result), error);
}

void
fl_hypervisor_agent_ping_async (FlHypervisor *self,
                                guint vmid,
                                GCancellable *cancellable,
                                GAsyncReadyCallback callback,
                                gpointer user_data)
{
  g_return_if_fail (FL_IS_HYPERVISOR (self));
  FL_HYPERVISOR_GET_IFACE (self)->agent_ping_async (self, vmid, cancellable, callback, user_data);
}

gboolean
fl_hypervisor_agent_ping_finish (FlHypervisor *self,
                                 GAsyncResult *result,
                                 GError **error)
{
  g_return_val_if_fail (FL_IS_HYPERVISOR (self), FALSE);
  if (FL_HYPERVISOR_GET_IFACE (self)->agent_ping_finish != NULL)
    return FL_HYPERVISOR_GET_IFACE (self)->agent_ping_finish (self, result, error);
  return g_task_propagate_boolean (G_TASK (result), error);
}

void
fl_hypervisor_agent_exec_async (FlHypervisor *self,
                                guint vmid,
                                const char * const *argv,
                                guint timeout_s,
                                GCancellable *cancellable,
                                GAsyncReadyCallback callback,
                                gpointer user_data)
{
  g_return_if_fail (FL_IS_HYPERVISOR (self));
  FL_HYPERVISOR_GET_IFACE (self)->agent_exec_async (self, vmid, argv, timeout_s, cancellable, callback, user_data);
}

FlAgentResult *
fl_hypervisor_agent_exec_finish (FlHypervisor *self,
                                 GAsyncResult *result,
                                 GError **error)
{
  g_return_val_if_fail (FL_IS_HYPERVISOR (self), NULL);
  if (FL_HYPERVISOR_GET_IFACE (self)->agent_exec_finish != NULL)
    return FL_HYPERVISOR_GET_IFACE (self)->agent_exec_finish (self, result, error);
  return g_task_propagate_pointer (G_TASK (result), error);
}

typedef struct
{
  gint          gone;
  GMainContext *context;
} Release;

static void
released_cb (gpointer data)
{
  Release *r = data;

  g_atomic_int_set (&r->gone, 1);
  g_main_context_wakeup (r->context);
}

/**
 * fl_hypervisor_release:
 * @self: (transfer full) (nullable): a hypervisor
 *
 * Drops the caller's reference and returns once the backend has been finalized, its
 * connection closed. A backend's worker thread may hold the last reference for a moment after
 * its result was delivered (a #GTask keeps its source object until the thread lets go of it);
 * a process that exits then would race that thread's teardown of its SSH or TLS session
 * (libssh2 and OpenSSL, while exit() runs their destructors). The thread-default main context
 * is iterated while it waits.
 */
void
fl_hypervisor_release (FlHypervisor *self)
{
  Release r = { 0, NULL };

  if (self == NULL)
    return;
  g_return_if_fail (FL_IS_HYPERVISOR (self));
  r.context = g_main_context_ref_thread_default ();
  g_object_set_qdata_full (G_OBJECT (self), g_quark_from_static_string ("fl-hypervisor-release"), &r,
                           released_cb);
  g_object_unref (self);
  while (!g_atomic_int_get (&r.gone))
    g_main_context_iteration (r.context, TRUE);
  g_main_context_unref (r.context);
}

/**
 * fl_hypervisor_get_peer_fingerprint:
 *
 * Returns: (nullable): the fingerprint of the identity the server showed last (its TLS
 *   certificate's SHA-256, or its SSH host key's "SHA256:…"), to show the user
 */
const char *
fl_hypervisor_get_peer_fingerprint (FlHypervisor *self)
{
  g_return_val_if_fail (FL_IS_HYPERVISOR (self), NULL);
  if (FL_HYPERVISOR_GET_IFACE (self)->get_peer_fingerprint == NULL)
    return NULL;
  return FL_HYPERVISOR_GET_IFACE (self)->get_peer_fingerprint (self);
}

/**
 * fl_hypervisor_peer_may_be_trusted:
 *
 * Returns: whether the last refusal was an identity that is merely unknown, so the user may
 *   compare its fingerprint and trust it (never a changed SSH host key, never a certificate
 *   that contradicts a pin)
 */
gboolean
fl_hypervisor_peer_may_be_trusted (FlHypervisor *self)
{
  g_return_val_if_fail (FL_IS_HYPERVISOR (self), FALSE);
  if (FL_HYPERVISOR_GET_IFACE (self)->peer_may_be_trusted == NULL)
    return FALSE;
  return FL_HYPERVISOR_GET_IFACE (self)->peer_may_be_trusted (self) &&
         fl_hypervisor_get_peer_fingerprint (self) != NULL;
}

/**
 * fl_hypervisor_trust_peer:
 * @fingerprint: the fingerprint the user was shown and accepted
 *
 * Trusts the server's identity from now on (a pinned certificate; an SSH host key appended to
 * known_hosts), only if it is still the one with @fingerprint.
 */
gboolean
fl_hypervisor_trust_peer (FlHypervisor  *self,
                          const char    *fingerprint,
                          GError       **error)
{
  g_return_val_if_fail (FL_IS_HYPERVISOR (self), FALSE);
  g_return_val_if_fail (fingerprint != NULL, FALSE);
  if (FL_HYPERVISOR_GET_IFACE (self)->trust_peer == NULL)
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED, "trust_peer");
      return FALSE;
    }
  return FL_HYPERVISOR_GET_IFACE (self)->trust_peer (self, fingerprint, error);
}

/**
 * fl_hypervisor_set_second_factor:
 *
 * Returns: %FALSE when this backend logs in with no second factor
 */
gboolean
fl_hypervisor_set_second_factor (FlHypervisor *self,
                                 const char   *code)
{
  g_return_val_if_fail (FL_IS_HYPERVISOR (self), FALSE);
  if (FL_HYPERVISOR_GET_IFACE (self)->set_second_factor == NULL)
    return FALSE;
  return FL_HYPERVISOR_GET_IFACE (self)->set_second_factor (self, code);
}
