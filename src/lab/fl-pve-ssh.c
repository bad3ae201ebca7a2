/* fl-pve-ssh.c: Proxmox VE over SSH (libssh2), as an FlHypervisor.
 *
 * One connection (FlSsh), reused for every command; its host key checked against known_hosts
 * (an unknown or changed key is refused until the user accepts its fingerprint); the key from
 * ssh-agent or a key file. Commands are `pvesh … --output-format json` (any node
 * of the cluster, task-aware through the task's status); their exit status and stderr become
 * the same errors as the REST API's (fl_pve_parse_cli). libssh2 blocks: everything runs in
 * worker threads, one command at a time on the session, one action at a time per VM.
 *
 * Copyright 2026 The Failover Lab authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "fl-pve-ssh"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "fl-pve.h"
#include "fl-pve-ssh.h"
#include "fl-ssh.h"

struct _FlPveSsh
{
  GObject             parent_instance;

  FlSsh              *ssh;          /* one command at a time */
  char               *host;

  GMutex              lock;         /* nodes */

  GMutex              vm_lock;
  GHashTable         *vm_busy;      /* vmid → GCond* waiters: one action per VM */
  GCond               vm_cond;
  GHashTable         *nodes;        /* vmid → node */

  guint               command_timeout_s;
  guint               poll_ms;
  guint               task_timeout_s;
};

static void fl_pve_ssh_hypervisor_init (FlHypervisorInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (FlPveSsh, fl_pve_ssh, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (FL_TYPE_HYPERVISOR, fl_pve_ssh_hypervisor_init))

static void
fl_pve_ssh_finalize (GObject *object)
{
  FlPveSsh *self = FL_PVE_SSH (object);

  g_clear_object (&self->ssh);
  g_free (self->host);
  g_clear_pointer (&self->vm_busy, g_hash_table_unref);
  g_clear_pointer (&self->nodes, g_hash_table_unref);
  g_mutex_clear (&self->lock);
  g_mutex_clear (&self->vm_lock);
  g_cond_clear (&self->vm_cond);
  G_OBJECT_CLASS (fl_pve_ssh_parent_class)->finalize (object);
}

static void
fl_pve_ssh_class_init (FlPveSshClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = fl_pve_ssh_finalize;
}

static void
fl_pve_ssh_init (FlPveSsh *self)
{
  g_mutex_init (&self->lock);
  g_mutex_init (&self->vm_lock);
  g_cond_init (&self->vm_cond);
  self->vm_busy = g_hash_table_new (NULL, NULL);
  self->nodes = g_hash_table_new_full (NULL, NULL, NULL, g_free);
  self->command_timeout_s = 30;
  self->poll_ms = 500;
  self->task_timeout_s = 300;
}

/**
 * fl_pve_ssh_new:
 * @known_hosts: (nullable): the known_hosts file (default ~/.ssh/known_hosts)
 */
FlPveSsh *
fl_pve_ssh_new (const char *host,
                guint       port,
                const char *user,
                const char *known_hosts)
{
  FlPveSsh *self = g_object_new (FL_TYPE_PVE_SSH, NULL);

  self->host = g_strdup (host);
  self->ssh = fl_ssh_new (host, port, user, known_hosts);
  return self;
}

void
fl_pve_ssh_set_key_file (FlPveSsh   *self,
                         const char *path,
                         const char *passphrase)
{
  g_return_if_fail (FL_IS_PVE_SSH (self));
  fl_ssh_set_key_file (self->ssh, path, passphrase);
}

void
fl_pve_ssh_set_use_agent (FlPveSsh *self,
                          gboolean  use_agent)
{
  g_return_if_fail (FL_IS_PVE_SSH (self));
  fl_ssh_set_use_agent (self->ssh, use_agent);
}

void
fl_pve_ssh_set_vm_node (FlPveSsh   *self,
                        guint       vmid,
                        const char *node)
{
  g_return_if_fail (FL_IS_PVE_SSH (self));
  g_mutex_lock (&self->lock);
  g_hash_table_insert (self->nodes, GUINT_TO_POINTER (vmid), g_strdup (node));
  g_mutex_unlock (&self->lock);
}

void
fl_pve_ssh_set_timing (FlPveSsh *self,
                       guint     command_timeout_s,
                       guint     poll_ms,
                       guint     task_timeout_s)
{
  g_return_if_fail (FL_IS_PVE_SSH (self));
  self->command_timeout_s = MAX (command_timeout_s, 1);
  fl_ssh_set_timeout (self->ssh, self->command_timeout_s);
  self->poll_ms = MAX (poll_ms, 10);
  self->task_timeout_s = MAX (task_timeout_s, 1);
}

/**
 * fl_pve_ssh_get_host_fingerprint:
 *
 * Returns: (nullable): the host key the server showed last, as OpenSSH prints it
 *   ("SHA256:…"), to offer the user when it is unknown
 */
const char *
fl_pve_ssh_get_host_fingerprint (FlPveSsh *self)
{
  g_return_val_if_fail (FL_IS_PVE_SSH (self), NULL);
  return fl_ssh_get_host_fingerprint (self->ssh);
}

/**
 * fl_pve_ssh_get_host_key_changed:
 *
 * Returns: whether the last refusal was a changed host key (never to be accepted here), not
 *   an unknown one
 */
gboolean
fl_pve_ssh_get_host_key_changed (FlPveSsh *self)
{
  g_return_val_if_fail (FL_IS_PVE_SSH (self), FALSE);
  return fl_ssh_get_host_key_changed (self->ssh);
}

/**
 * fl_pve_ssh_accept_host_key:
 *
 * Adds the host key the node showed to known_hosts (fl_ssh_accept_host_key()).
 */
gboolean
fl_pve_ssh_accept_host_key (FlPveSsh    *self,
                            const char  *fingerprint,
                            GError     **error)
{
  g_return_val_if_fail (FL_IS_PVE_SSH (self), FALSE);
  return fl_ssh_accept_host_key (self->ssh, fingerprint, error);
}

/* `pvesh VERB PATH --output-format json ARGS…` → its data, or the error; @timeout_s 0 is the
 * connection's command timeout (a task that pvesh runs in the foreground needs its own) */
static JsonNode *
pvesh_timed (FlPveSsh            *self,
             const char          *verb,
             const char          *path,
             const char * const  *args,
             guint                timeout_s,
             GError             **error)
{
  g_autoptr(GString) cmd = g_string_new ("pvesh ");
  g_autoptr(GString) out = g_string_new (NULL);
  g_autoptr(GString) err = g_string_new (NULL);
  int status = -1;
  gboolean ok;

  g_string_append_printf (cmd, "%s ", verb);
  {
    g_autofree char *q = g_shell_quote (path);

    g_string_append (cmd, q);
  }
  for (guint i = 0; args != NULL && args[i] != NULL && args[i + 1] != NULL; i += 2)
    {
      g_autofree char *v = g_shell_quote (args[i + 1]);

      g_string_append_printf (cmd, " --%s %s", args[i], v);
    }
  g_string_append (cmd, " --output-format json");

  ok = fl_ssh_run (self->ssh, cmd->str, timeout_s, out, err, &status, error);
  if (!ok)
    return NULL;
  return fl_pve_parse_cli (status, out->str, out->len, err->str, error);
}

static JsonNode *
pvesh (FlPveSsh            *self,
       const char          *verb,
       const char          *path,
       const char * const  *args,
       GError             **error)
{
  return pvesh_timed (self, verb, path, args, 0, error);
}

/* `qm ARGS…`: the fallback where pvesh is missing. Its exit status is the task's (0 for OK and
 * for warnings); *@warnings is set when it finished with warnings. */
static gboolean
qm (FlPveSsh            *self,
    const char * const  *args,
    guint                timeout_s,
    char               **out_text,
    gboolean            *warnings,
    GError             **error)
{
  g_autoptr(GString) cmd = g_string_new ("qm");
  g_autoptr(GString) out = g_string_new (NULL);
  g_autoptr(GString) err = g_string_new (NULL);
  int status = -1;
  gboolean ok;

  for (guint i = 0; args[i] != NULL; i++)
    {
      g_autofree char *q = g_shell_quote (args[i]);

      g_string_append_printf (cmd, " %s", q);
    }
  ok = fl_ssh_run (self->ssh, cmd->str, timeout_s, out, err, &status, error);
  if (!ok)
    return FALSE;
  if (status != 0)
    {
      /* the error, as pvesh's would be: with a non-zero status there is only the error */
      JsonNode *nothing = fl_pve_parse_cli (status, out->str, out->len, err->str, error);

      g_clear_pointer (&nothing, json_node_unref);   /* (there is none with a non-zero status) */
      /* a task's failure, as the REST API reports it */
      if (error != NULL && *error != NULL && (*error)->code == FL_PVE_ERROR_SERVER && status == 255)
        (*error)->code = FL_PVE_ERROR_TASK_FAILED;
      return FALSE;
    }
  if (warnings != NULL)
    *warnings = strstr (err->str, "warning(s)") != NULL;
  if (out_text != NULL)
    *out_text = g_strdup (out->str);
  return TRUE;
}

/* ------------------------------------------------------------------------------------------ */
/* operations, in worker threads */

typedef struct
{
  guint       vmid;
  FlVmAction  action;
  guint       timeout_s;
  gboolean    force;
  gboolean    link_down;
  char       *snapshot;
  GStrv       argv;
} Op;

static void
op_free (Op *op)
{
  g_free (op->snapshot);
  g_strfreev (op->argv);
  g_free (op);
}

static char *
node_of (FlPveSsh  *self,
         guint      vmid,
         GError   **error)
{
  char *node;
  g_autoptr(JsonNode) res = NULL;

  g_mutex_lock (&self->lock);
  node = g_strdup (g_hash_table_lookup (self->nodes, GUINT_TO_POINTER (vmid)));
  g_mutex_unlock (&self->lock);
  if (node != NULL)
    return node;
  res = pvesh (self, "get", "/cluster/resources", (const char *[]) { "type", "vm", NULL }, error);
  if (res == NULL)
    return NULL;
  node = fl_pve_find_vm_node (res, vmid);
  if (node == NULL)
    g_set_error (error, FL_PVE_ERROR, FL_PVE_ERROR_PARAMETER, _("VM %u is not on this Proxmox VE cluster"), vmid);
  else
    fl_pve_ssh_set_vm_node (self, vmid, node);
  return node;
}

static void
vm_acquire (FlPveSsh *self,
            guint     vmid)
{
  g_mutex_lock (&self->vm_lock);
  while (g_hash_table_contains (self->vm_busy, GUINT_TO_POINTER (vmid)))
    g_cond_wait (&self->vm_cond, &self->vm_lock);
  g_hash_table_add (self->vm_busy, GUINT_TO_POINTER (vmid));
  g_mutex_unlock (&self->vm_lock);
}

static void
vm_release (FlPveSsh *self,
            guint     vmid)
{
  g_mutex_lock (&self->vm_lock);
  g_hash_table_remove (self->vm_busy, GUINT_TO_POINTER (vmid));
  g_cond_broadcast (&self->vm_cond);
  g_mutex_unlock (&self->vm_lock);
}

/* the task behind a UPID, followed on its node until it has ended */
static FlTaskResult *
follow (FlPveSsh      *self,
        JsonNode      *upid_node,
        GCancellable  *cancellable,
        GError       **error)
{
  FlPveUpid upid;
  g_autofree char *path = NULL;
  gint64 deadline = g_get_monotonic_time () + (gint64)self->task_timeout_s * G_USEC_PER_SEC;
  guint wait_ms = 25;
  const char *text;

  if (upid_node == NULL || !JSON_NODE_HOLDS_VALUE (upid_node) ||
      json_node_get_value_type (upid_node) != G_TYPE_STRING ||
      !fl_pve_upid_parse ((text = json_node_get_string (upid_node)), &upid))
    {
      g_set_error (error, FL_PVE_ERROR, FL_PVE_ERROR_PROTOCOL, _("Proxmox VE did not answer with a task id"));
      return NULL;
    }
  path = g_strdup_printf ("/nodes/%s/tasks/%s/status", upid.node, text);
  fl_pve_upid_clear (&upid);
  for (;;)
    {
      g_autoptr(JsonNode) st = pvesh (self, "get", path, NULL, error);
      JsonObject *o;
      JsonNode *exitstatus;

      if (st == NULL || !JSON_NODE_HOLDS_OBJECT (st))
        {
          if (st != NULL)
            g_set_error (error, FL_PVE_ERROR, FL_PVE_ERROR_PROTOCOL, _("The task status has no fields"));
          return NULL;
        }
      o = json_node_get_object (st);
      exitstatus = json_object_get_member (o, "exitstatus");
      if (exitstatus != NULL && JSON_NODE_HOLDS_VALUE (exitstatus) &&
          json_node_get_value_type (exitstatus) == G_TYPE_STRING)
        {
          const char *status = json_node_get_string (exitstatus);
          FlTaskResult *r;

          if (!fl_pve_task_exit_ok (status))
            {
              g_set_error (error, FL_PVE_ERROR, FL_PVE_ERROR_TASK_FAILED, "%s", status);
              return NULL;
            }
          r = g_new0 (FlTaskResult, 1);
          r->upid = g_strdup (text);
          r->exitstatus = g_strdup (status);
          return r;
        }
      if (g_get_monotonic_time () > deadline)
        {
          g_set_error (error, FL_PVE_ERROR, FL_PVE_ERROR_TIMEOUT, _("The task is still running after %u s (%s)"),
                       self->task_timeout_s, text);
          return NULL;
        }
      if (g_cancellable_set_error_if_cancelled (cancellable, error))
        return NULL;
      g_usleep (wait_ms * 1000);
      wait_ms = MIN (wait_ms * 2, self->poll_ms);
    }
}

static void
state_thread (GTask        *task,
              gpointer      source,
              gpointer      data,
              GCancellable *cancellable)
{
  FlPveSsh *self = source;
  Op *op = data;
  g_autoptr(GError) error = NULL;
  g_autofree char *node = node_of (self, op->vmid, &error);
  g_autofree char *path = NULL, *cpath = NULL;
  g_autoptr(JsonNode) cur = NULL, cfg = NULL;
  FlVmState *state;

  if (node == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  path = g_strdup_printf ("/nodes/%s/qemu/%u/status/current", node, op->vmid);
  cpath = g_strdup_printf ("/nodes/%s/qemu/%u/config", node, op->vmid);
  if ((cur = pvesh (self, "get", path, NULL, &error)) == NULL &&
      g_error_matches (error, FL_PVE_ERROR, FL_PVE_ERROR_NOT_IMPLEMENTED))
    {
      /* no pvesh: `qm status` says at least running or stopped (of this node's VMs) */
      g_autofree char *vmid = g_strdup_printf ("%u", op->vmid);
      g_autofree char *out = NULL;
      g_autofree char *qmp = NULL;

      g_clear_error (&error);
      if (!qm (self, (const char *[]) { "status", vmid, NULL }, 0, &out, NULL, &error))
        {
          g_task_return_error (task, g_steal_pointer (&error));
          return;
        }
      qmp = fl_pve_parse_qm_status (out);
      if (qmp == NULL)
        {
          g_task_return_new_error (task, FL_PVE_ERROR, FL_PVE_ERROR_PROTOCOL, _("“qm status” said: %s"), out);
          return;
        }
      state = g_new0 (FlVmState, 1);
      state->vmid = op->vmid;
      state->node = g_strdup (node);
      state->status = g_strdup (g_str_equal (qmp, "stopped") ? "stopped" : "running");
      state->qmpstatus = g_steal_pointer (&qmp);
      g_task_return_pointer (task, state, (GDestroyNotify)fl_vm_state_free);
      return;
    }
  if (cur == NULL ||
      (cfg = pvesh (self, "get", cpath, NULL, &error)) == NULL ||
      (state = fl_pve_vm_state_new (op->vmid, node, cur, cfg, &error)) == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  g_task_return_pointer (task, state, (GDestroyNotify)fl_vm_state_free);
}

static void
power_thread (GTask        *task,
              gpointer      source,
              gpointer      data,
              GCancellable *cancellable)
{
  FlPveSsh *self = source;
  Op *op = data;
  g_autoptr(GError) error = NULL;
  g_autofree char *node = NULL, *path = NULL, *timeout = NULL;
  g_autoptr(JsonNode) upid = NULL;
  g_autoptr(GPtrArray) args = g_ptr_array_new ();
  FlTaskResult *r = NULL;
  guint task_s;

  /* pvesh and qm run the task in the foreground: the command lasts as long as the task (a
   * shutdown waits up to its timeout, Proxmox's default 180 s) */
  task_s = (op->timeout_s > 0 ? op->timeout_s : 180) + self->command_timeout_s;
  vm_acquire (self, op->vmid);
  node = node_of (self, op->vmid, &error);
  if (node == NULL)
    goto out;
  if (op->snapshot != NULL)
    path = g_strdup_printf ("/nodes/%s/qemu/%u/snapshot/%s/rollback", node, op->vmid, op->snapshot);
  else
    path = g_strdup_printf ("/nodes/%s/qemu/%u/status/%s", node, op->vmid, fl_vm_action_to_string (op->action));
  timeout = g_strdup_printf ("%u", op->timeout_s);
  if (op->snapshot == NULL && op->timeout_s > 0)
    {
      g_ptr_array_add (args, (char *)"timeout");
      g_ptr_array_add (args, timeout);
    }
  if (op->snapshot == NULL && op->force && op->action == FL_VM_ACTION_SHUTDOWN)
    {
      g_ptr_array_add (args, (char *)"forceStop");
      g_ptr_array_add (args, (char *)"1");
    }
  g_ptr_array_add (args, NULL);
  /* pvesh runs the task in the foreground; its exit status says nothing of the task's: the
   * task's own status does */
  upid = pvesh_timed (self, "create", path, (const char * const *)args->pdata, task_s, &error);
  if (upid == NULL && g_error_matches (error, FL_PVE_ERROR, FL_PVE_ERROR_NOT_IMPLEMENTED))
    {
      /* no pvesh: qm, whose exit status is the task's */
      g_autoptr(GPtrArray) qargs = g_ptr_array_new_with_free_func (g_free);
      gboolean warnings = FALSE;

      g_clear_error (&error);
      g_ptr_array_add (qargs, g_strdup (op->snapshot ? "rollback" : fl_vm_action_to_string (op->action)));
      g_ptr_array_add (qargs, g_strdup_printf ("%u", op->vmid));
      if (op->snapshot != NULL)
        g_ptr_array_add (qargs, g_strdup (op->snapshot));
      for (guint i = 0; i + 1 < args->len; i += 2)
        {
          g_ptr_array_add (qargs, g_strconcat ("--", (char *)args->pdata[i], NULL));
          g_ptr_array_add (qargs, g_strdup (args->pdata[i + 1]));
        }
      g_ptr_array_add (qargs, NULL);
      if (qm (self, (const char * const *)qargs->pdata, task_s, NULL, &warnings, &error))
        {
          r = g_new0 (FlTaskResult, 1);
          r->upid = g_strdup ("");
          r->exitstatus = g_strdup (warnings ? "WARNINGS: 1" : "OK");
        }
      if (r == NULL)
        goto out;
      vm_release (self, op->vmid);
      g_task_return_pointer (task, r, (GDestroyNotify)fl_task_result_free);
      return;
    }
  if (upid == NULL)
    goto out;
  r = follow (self, upid, cancellable, &error);
  if (r != NULL)
    {
      vm_release (self, op->vmid);
      g_task_return_pointer (task, r, (GDestroyNotify)fl_task_result_free);
      return;
    }
out:
  vm_release (self, op->vmid);
  g_task_return_error (task, g_steal_pointer (&error));
}

static void
link_thread (GTask        *task,
             gpointer      source,
             gpointer      data,
             GCancellable *cancellable)
{
  FlPveSsh *self = source;
  Op *op = data;
  g_autoptr(GError) error = NULL;
  g_autofree char *node = NULL, *path = NULL, *value = NULL;
  g_autoptr(JsonNode) cfg = NULL, done = NULL;
  JsonObject *o;
  JsonNode *net0, *digest;

  vm_acquire (self, op->vmid);
  if ((node = node_of (self, op->vmid, &error)) == NULL)
    goto out;
  path = g_strdup_printf ("/nodes/%s/qemu/%u/config", node, op->vmid);
  if ((cfg = pvesh (self, "get", path, NULL, &error)) == NULL)
    goto out;
  o = JSON_NODE_HOLDS_OBJECT (cfg) ? json_node_get_object (cfg) : NULL;
  net0 = o ? json_object_get_member (o, "net0") : NULL;
  digest = o ? json_object_get_member (o, "digest") : NULL;
  if (net0 == NULL || !JSON_NODE_HOLDS_VALUE (net0) || json_node_get_value_type (net0) != G_TYPE_STRING)
    {
      g_set_error (&error, FL_PVE_ERROR, FL_PVE_ERROR_PARAMETER, _("VM %u has no network device net0"), op->vmid);
      goto out;
    }
  if ((value = fl_pve_net_set_link (json_node_get_string (net0), op->link_down, &error)) == NULL)
    goto out;
  done = pvesh (self, "set", path,
                digest && JSON_NODE_HOLDS_VALUE (digest) && json_node_get_value_type (digest) == G_TYPE_STRING
                ? (const char *[]) { "net0", value, "digest", json_node_get_string (digest), NULL }
                : (const char *[]) { "net0", value, NULL }, &error);
  if (done == NULL)
    goto out;
  vm_release (self, op->vmid);
  g_task_return_boolean (task, TRUE);
  return;
out:
  vm_release (self, op->vmid);
  g_task_return_error (task, g_steal_pointer (&error));
}

static void
snapshots_thread (GTask        *task,
                  gpointer      source,
                  gpointer      data,
                  GCancellable *cancellable)
{
  FlPveSsh *self = source;
  Op *op = data;
  g_autoptr(GError) error = NULL;
  g_autofree char *node = node_of (self, op->vmid, &error);
  g_autofree char *path = NULL;
  g_autoptr(JsonNode) res = NULL;
  GPtrArray *snaps;

  if (node == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  path = g_strdup_printf ("/nodes/%s/qemu/%u/snapshot", node, op->vmid);
  if ((res = pvesh (self, "get", path, NULL, &error)) == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  snaps = fl_pve_parse_snapshots (res);
  g_task_return_pointer (task, snaps, (GDestroyNotify)g_ptr_array_unref);
}

static void
list_thread (GTask        *task,
             gpointer      source,
             gpointer      data,
             GCancellable *cancellable)
{
  FlPveSsh *self = source;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) res = pvesh (self, "get", "/cluster/resources", (const char *[]) { "type", "vm", NULL }, &error);
  GPtrArray *vms;

  if (res == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  vms = g_ptr_array_new_with_free_func ((GDestroyNotify)fl_vm_state_free);
  for (guint i = 0; JSON_NODE_HOLDS_ARRAY (res) && i < json_array_get_length (json_node_get_array (res)); i++)
    {
      JsonNode *n = json_array_get_element (json_node_get_array (res), i);
      JsonObject *o = JSON_NODE_HOLDS_OBJECT (n) ? json_node_get_object (n) : NULL;
      FlVmState *vm;
      gint64 v = 0;

      if (o == NULL || !fl_pve_json_get_int (o, "vmid", &v))
        continue;
      vm = g_new0 (FlVmState, 1);
      vm->vmid = (guint)v;
      vm->status = g_strdup ("unknown");
      g_ptr_array_add (vms, vm);
    }
  g_task_return_pointer (task, vms, (GDestroyNotify)g_ptr_array_unref);
}

static void
agent_thread (GTask        *task,
              gpointer      source,
              gpointer      data,
              GCancellable *cancellable)
{
  FlPveSsh *self = source;
  Op *op = data;
  g_autoptr(GError) error = NULL;
  g_autofree char *node = node_of (self, op->vmid, &error);
  g_autofree char *path = NULL;
  g_autoptr(JsonNode) res = NULL;

  if (node == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  if (op->argv == NULL)
    {
      path = g_strdup_printf ("/nodes/%s/qemu/%u/agent/ping", node, op->vmid);
      res = pvesh (self, "create", path, NULL, &error);
      if (res == NULL)
        g_task_return_error (task, g_steal_pointer (&error));
      else
        g_task_return_boolean (task, TRUE);
      return;
    }
  {
    g_autoptr(GPtrArray) args = g_ptr_array_new ();
    gint64 pid = 0, deadline = g_get_monotonic_time () + (gint64)MAX (op->timeout_s, 1) * G_USEC_PER_SEC;
    g_autofree char *status_path = g_strdup_printf ("/nodes/%s/qemu/%u/agent/exec-status", node, op->vmid);

    for (guint i = 0; op->argv[i] != NULL; i++)
      {
        g_ptr_array_add (args, (char *)"command");
        g_ptr_array_add (args, op->argv[i]);
      }
    g_ptr_array_add (args, NULL);
    path = g_strdup_printf ("/nodes/%s/qemu/%u/agent/exec", node, op->vmid);
    res = pvesh (self, "create", path, (const char * const *)args->pdata, &error);
    if (res == NULL || !fl_pve_parse_agent_pid (res, &pid, &error))
      {
        g_task_return_error (task, g_steal_pointer (&error));
        return;
      }
    for (;;)
      {
        g_autofree char *p = g_strdup_printf ("%" G_GINT64_FORMAT, pid);
        g_autoptr(JsonNode) st = pvesh (self, "get", status_path, (const char *[]) { "pid", p, NULL }, &error);
        FlAgentResult *r = NULL;

        if (st == NULL || !fl_pve_parse_agent_status (st, &r, &error))
          {
            g_task_return_error (task, g_steal_pointer (&error));
            return;
          }
        if (r != NULL)
          {
            g_task_return_pointer (task, r, (GDestroyNotify)fl_agent_result_free);
            return;
          }
        if (g_get_monotonic_time () > deadline)
          {
            g_task_return_new_error (task, FL_PVE_ERROR, FL_PVE_ERROR_TIMEOUT,
                                     _("The command in VM %u is still running after %u s"), op->vmid, op->timeout_s);
            return;
          }
        g_usleep (MIN (self->poll_ms, 200) * 1000);
      }
  }
}

/* ------------------------------------------------------------------------------------------ */
/* FlHypervisor */

static void
start (FlPveSsh            *self,
       Op                  *op,
       GTaskThreadFunc      func,
       gpointer             tag,
       GCancellable        *cancellable,
       GAsyncReadyCallback  callback,
       gpointer             user_data)
{
  g_autoptr(GTask) task = g_task_new (self, cancellable, callback, user_data);

  g_task_set_source_tag (task, tag);
  g_task_set_task_data (task, op, (GDestroyNotify)op_free);
  g_task_run_in_thread (task, func);
}

static Op *
op_new (guint vmid)
{
  Op *op = g_new0 (Op, 1);

  op->vmid = vmid;
  return op;
}

static void
list_vms_async (FlHypervisor *hv, GCancellable *c, GAsyncReadyCallback cb, gpointer data)
{
  start (FL_PVE_SSH (hv), op_new (0), list_thread, list_vms_async, c, cb, data);
}

static void
get_state_async (FlHypervisor *hv, guint vmid, GCancellable *c, GAsyncReadyCallback cb, gpointer data)
{
  start (FL_PVE_SSH (hv), op_new (vmid), state_thread, get_state_async, c, cb, data);
}

static void
power_async (FlHypervisor *hv, guint vmid, FlVmAction action, guint timeout_s, gboolean force, GCancellable *c,
             GAsyncReadyCallback cb, gpointer data)
{
  Op *op = op_new (vmid);

  op->action = action;
  op->timeout_s = timeout_s;
  op->force = force;
  start (FL_PVE_SSH (hv), op, power_thread, power_async, c, cb, data);
}

static void
set_link_async (FlHypervisor *hv, guint vmid, gboolean link_down, GCancellable *c, GAsyncReadyCallback cb,
                gpointer data)
{
  Op *op = op_new (vmid);

  op->link_down = link_down;
  start (FL_PVE_SSH (hv), op, link_thread, set_link_async, c, cb, data);
}

static void
list_snapshots_async (FlHypervisor *hv, guint vmid, GCancellable *c, GAsyncReadyCallback cb, gpointer data)
{
  start (FL_PVE_SSH (hv), op_new (vmid), snapshots_thread, list_snapshots_async, c, cb, data);
}

static void
rollback_async (FlHypervisor *hv, guint vmid, const char *snapshot, GCancellable *c, GAsyncReadyCallback cb,
                gpointer data)
{
  Op *op = op_new (vmid);

  op->snapshot = g_strdup (snapshot);
  start (FL_PVE_SSH (hv), op, power_thread, rollback_async, c, cb, data);
}

static void
agent_ping_async (FlHypervisor *hv, guint vmid, GCancellable *c, GAsyncReadyCallback cb, gpointer data)
{
  start (FL_PVE_SSH (hv), op_new (vmid), agent_thread, agent_ping_async, c, cb, data);
}

static void
agent_exec_async (FlHypervisor *hv, guint vmid, const char * const *argv, guint timeout_s, GCancellable *c,
                  GAsyncReadyCallback cb, gpointer data)
{
  Op *op = op_new (vmid);

  op->argv = g_strdupv ((char **)argv);
  op->timeout_s = timeout_s ? timeout_s : 30;
  start (FL_PVE_SSH (hv), op, agent_thread, agent_exec_async, c, cb, data);
}

static const char *
peer_fingerprint (FlHypervisor *hv)
{
  return fl_pve_ssh_get_host_fingerprint (FL_PVE_SSH (hv));
}

/* an unknown host key, never a changed one */
static gboolean
peer_may_be_trusted (FlHypervisor *hv)
{
  return !fl_pve_ssh_get_host_key_changed (FL_PVE_SSH (hv));
}

static gboolean
trust_peer (FlHypervisor  *hv,
            const char    *fingerprint,
            GError       **error)
{
  return fl_pve_ssh_accept_host_key (FL_PVE_SSH (hv), fingerprint, error);
}

static void
fl_pve_ssh_hypervisor_init (FlHypervisorInterface *iface)
{
  iface->get_peer_fingerprint = peer_fingerprint;
  iface->peer_may_be_trusted = peer_may_be_trusted;
  iface->trust_peer = trust_peer;
  iface->list_vms_async = list_vms_async;
  iface->get_state_async = get_state_async;
  iface->power_async = power_async;
  iface->set_link_async = set_link_async;
  iface->list_snapshots_async = list_snapshots_async;
  iface->rollback_async = rollback_async;
  iface->agent_ping_async = agent_ping_async;
  iface->agent_exec_async = agent_exec_async;
}
