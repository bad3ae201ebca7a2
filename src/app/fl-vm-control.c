/* fl-vm-control.c: the lab's VMs from the window. The tiles show each DC's VM as the session
 * reads it (every call asynchronous, never on the main loop's time) and offer its actions; an
 * action is confirmed first, with the interlocks' verdict (decided by the session, as for
 * failoverctl) as the dialog's reasons; the session marks it on the timeline and carries it
 * out; its outcome is a toast, its failure stays on the tile in full. When the hypervisor
 * cannot be read, the window asks for what it needs: a second factor, or trust in an
 * unknown certificate or host key.
 *
 * Copyright 2026 The Failover Lab authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "fl-vm-control"

#include "config.h"

#include <glib/gi18n.h>
#include <string.h>

#include "fl-app-text.h"
#include "fl-dc-tile.h"
#include "fl-interlock.h"
#include "fl-lab-hypervisor.h"
#include "fl-lab-session.h"
#include "fl-pve.h"
#include "fl-vm-control.h"

#define POLL_MS 3000

struct _FlVmControl
{
  GObject          parent_instance;

  FlLab           *lab;
  FlLabSession    *session;    /* the interlocks, the actions, the VM states' model */
  FlHypervisor    *hypervisor;
  GtkWindow       *window;     /* weak */
  AdwToastOverlay *toasts;     /* weak */
  FlTimeline      *timeline;
  gboolean         any_vm;     /* the lab names a VM for a DC */
  gboolean         warned;     /* the connection problem was said once */
};

G_DEFINE_FINAL_TYPE (FlVmControl, fl_vm_control, G_TYPE_OBJECT)

static void
fl_vm_control_dispose (GObject *object)
{
  FlVmControl *self = FL_VM_CONTROL (object);

  fl_vm_control_stop (self);
  g_clear_object (&self->hypervisor);
  g_clear_object (&self->lab);
  g_clear_object (&self->session);
  if (self->session != NULL)
    g_signal_handlers_disconnect_by_data (self->session, self);
  g_clear_object (&self->timeline);
  g_clear_weak_pointer (&self->window);
  g_clear_weak_pointer (&self->toasts);
  G_OBJECT_CLASS (fl_vm_control_parent_class)->dispose (object);
}

static void
fl_vm_control_class_init (FlVmControlClass *klass)
{
  G_OBJECT_CLASS (klass)->dispose = fl_vm_control_dispose;
}

static void
fl_vm_control_init (FlVmControl *self)
{
}

static void on_vm_poll_failed (FlLabSession *session, const GError *error, FlVmControl *self);

FlVmControl *
fl_vm_control_new (FlLabSession    *session,
                   GtkWindow       *window,
                   AdwToastOverlay *toasts)
{
  FlVmControl *self = g_object_new (FL_TYPE_VM_CONTROL, NULL);

  self->session = g_object_ref (session);
  self->lab = g_object_ref (fl_lab_session_get_lab (session));
  self->timeline = g_object_ref (fl_lab_session_get_timeline (session));
  /* the session reads the VM states; when it cannot, the window asks for a second factor or
   * trust, or says why */
  g_signal_connect (session, "vm-poll-failed", G_CALLBACK (on_vm_poll_failed), self);
  g_set_weak_pointer (&self->window, window);
  g_set_weak_pointer (&self->toasts, toasts);
  return self;
}

/**
 * fl_vm_control_keyring_item:
 * @principal: (out) (optional): the token id or user the secret belongs to
 * @scope: (out) (optional): where it may be sent: the API's URL, or the SSH node
 *
 * Returns: whether the lab's hypervisor has a secret to keep in the keyring
 */
gboolean
fl_vm_control_keyring_item (FlLab  *lab,
                            char  **principal,
                            char  **scope)
{
  const char *who = fl_lab_get_hypervisor_token_id (lab) ? fl_lab_get_hypervisor_token_id (lab)
                                                         : fl_lab_get_hypervisor_user (lab);

  if (fl_lab_get_hypervisor_kind (lab) == FL_HYPERVISOR_PROXMOX_SSH)
    {
      /* the key comes from ssh-agent or a key file: no secret here */
      return FALSE;
    }
  if (fl_lab_get_hypervisor_kind (lab) != FL_HYPERVISOR_PROXMOX_API || who == NULL)
    return FALSE;
  if (principal != NULL)
    *principal = g_strdup (who);
  if (scope != NULL)
    *scope = g_strdup (fl_lab_get_hypervisor_url (lab));
  return TRUE;
}

static void
toast (FlVmControl *self,
       const char  *text,
       guint        timeout)
{
  AdwToast *t;

  if (self->toasts == NULL)
    return;
  t = fl_toast_new_plain (text);
  adw_toast_set_timeout (t, timeout);
  adw_toast_overlay_add_toast (self->toasts, t);
}

/* ------------------------------------------------------------------------------------------ */
/* polling */

static void
trust_response (AdwMessageDialog *dialog,
                const char       *response,
                FlVmControl      *self)
{
  const char *fingerprint = g_object_get_data (G_OBJECT (dialog), "fingerprint");
  g_autoptr(GError) error = NULL;

  if (!g_str_equal (response, "trust") || self->hypervisor == NULL)
    return;
  /* exactly the identity the user compared: the backend checks it is still the one shown */
  if (!fl_hypervisor_trust_peer (self->hypervisor, fingerprint, &error))
    toast (self, error->message, 0);
  else if (fl_lab_get_hypervisor_kind (self->lab) == FL_HYPERVISOR_PROXMOX_API)
    {
      /* a certificate is pinned in the lab file for the next time (an SSH key, in known_hosts) */
      fl_lab_set_hypervisor_fingerprint (self->lab, fingerprint);
      if (fl_lab_get_file (self->lab) != NULL &&
          !fl_lab_save_to_file (self->lab, fl_lab_get_file (self->lab), &error))
        toast (self, error->message, 0);
    }
  self->warned = FALSE;
  fl_lab_session_poll_vms (self->session);
}

/* trust on first use: the fingerprint is shown, the user compares and accepts it */
static void
offer_trust (FlVmControl *self,
             const char  *fingerprint)
{
  g_autofree char *body = NULL;
  gboolean ssh = fl_lab_get_hypervisor_kind (self->lab) == FL_HYPERVISOR_PROXMOX_SSH;
  GtkWidget *dialog;

  if (self->window == NULL)
    return;
  if (ssh)
    body = g_strdup_printf (_("The SSH host key of %s is not known. Compare its fingerprint (below) with the one "
                              "“ssh-keygen -lf /etc/ssh/ssh_host_ed25519_key.pub” prints on the node. "
                              "If they are the same, trust it: known_hosts will remember it."),
                            fl_lab_get_hypervisor_host (self->lab));
  else
    body = g_strdup_printf (_("Proxmox VE at %s shows a certificate this computer does not trust. Compare its "
                              "SHA-256 fingerprint (below) with the one “pvenode cert info” prints on the node. "
                              "If they are the same, trust it: the lab file will remember it, and any other "
                              "certificate will be refused."),
                            fl_lab_get_hypervisor_url (self->lab));
  dialog = fl_trust_dialog_new (self->window, ssh ? _("Trust This Host Key?") : _("Trust This Certificate?"), body,
                                fingerprint);
  g_signal_connect_object (dialog, "response", G_CALLBACK (trust_response), self, 0);
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
totp_response (AdwMessageDialog *dialog,
               const char       *response,
               FlVmControl      *self)
{
  GtkEditable *entry = g_object_get_data (G_OBJECT (dialog), "entry");

  if (g_str_equal (response, "ok") && self->hypervisor != NULL)
    fl_hypervisor_set_second_factor (self->hypervisor, gtk_editable_get_text (entry));
  self->warned = FALSE;
  fl_lab_session_poll_vms (self->session);
}

/* the second factor: the current code from the user's authenticator */
static void
ask_totp (FlVmControl *self)
{
  GtkWidget *dialog, *entry;
  g_autofree char *body = NULL;

  if (self->window == NULL)
    return;
  body = g_strdup_printf (_("The Proxmox VE user %s has a second factor. Type the current code of its "
                            "authenticator app."), fl_lab_get_hypervisor_user (self->lab));
  dialog = adw_message_dialog_new (self->window, _("Two-Factor Code"), body);
  entry = gtk_entry_new ();
  gtk_entry_set_input_purpose (GTK_ENTRY (entry), GTK_INPUT_PURPOSE_PIN);
  gtk_entry_set_activates_default (GTK_ENTRY (entry), TRUE);
  adw_message_dialog_set_extra_child (ADW_MESSAGE_DIALOG (dialog), entry);
  adw_message_dialog_add_responses (ADW_MESSAGE_DIALOG (dialog), "cancel", _("_Cancel"), "ok", _("_Log In"), NULL);
  adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (dialog), "ok", ADW_RESPONSE_SUGGESTED);
  adw_message_dialog_set_default_response (ADW_MESSAGE_DIALOG (dialog), "ok");
  adw_message_dialog_set_close_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
  g_object_set_data (G_OBJECT (dialog), "entry", entry);
  g_signal_connect_object (dialog, "response", G_CALLBACK (totp_response), self, 0);
  gtk_window_present (GTK_WINDOW (dialog));
}

/* said once, not every three seconds */
static void
on_vm_poll_failed (FlLabSession *session,
                   const GError *error,
                   FlVmControl  *self)
{
  FlHypervisor *hypervisor = fl_lab_session_get_hypervisor (session);

  if (self->warned || hypervisor == NULL)
    return;
  self->warned = TRUE;
  if (g_error_matches (error, FL_PVE_ERROR, FL_PVE_ERROR_TOTP_REQUIRED))
    {
      ask_totp (self);
      return;
    }
  toast (self, error->message, 0);
  /* an unknown certificate or SSH host key (never a changed one, never one that contradicts a
   * pin) can be compared and trusted */
  if ((g_error_matches (error, FL_PVE_ERROR, FL_PVE_ERROR_TLS) ||
       g_error_matches (error, FL_PVE_ERROR, FL_PVE_ERROR_HOST_KEY)) &&
      fl_hypervisor_peer_may_be_trusted (hypervisor))
    offer_trust (self, fl_hypervisor_get_peer_fingerprint (hypervisor));
}

/* ------------------------------------------------------------------------------------------ */
/* actions */

typedef struct
{
  FlVmControl *self;
  FlDcState   *dc;
  char        *snapshot;
  GtkDropDown *snapshots;   /* the rollback dialog's choice */
  gint64       started;
  FlLabAction  kind;
  guint        confirmed;   /* the interlocks the user confirmed (FlInterlock flags) */
} Action;

static void
action_free (Action *a)
{
  g_object_unref (a->self);
  g_object_unref (a->dc);
  g_free (a->snapshot);
  g_free (a);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Action, action_free)

/* the interlocks' verdict for @a, as the session decides it from its model (each DC's last LDAP
 * ping, the VMs' last states, the actions under way), as failoverctl's is decided */
static FlVerdict *
decide (Action *a)
{
  return fl_lab_session_check_action (a->self->session, fl_dc_state_get_name (a->dc), a->kind);
}

static void
refuse (Action          *a,
        const FlVerdict *verdict)
{
  g_autofree char *why = fl_verdict_describe (verdict);
  g_autofree char *heading = g_strdup_printf (_("%s Cannot Be Touched"), fl_dc_state_get_name (a->dc));
  GtkWidget *dialog = adw_message_dialog_new (a->self->window, heading, why);

  adw_message_dialog_add_responses (ADW_MESSAGE_DIALOG (dialog), "close", _("_Close"), NULL);
  gtk_window_present (GTK_WINDOW (dialog));
}

static char *
done_text (FlLabAction  action,
           const char  *dc,
           const char  *exitstatus,
           double       secs)
{
  switch (action)
    {
    case FL_LAB_ACTION_START:
      return g_strdup_printf (_("%s started (%s, %.1f s)"), dc, exitstatus, secs);
    case FL_LAB_ACTION_SHUTDOWN:
      return g_strdup_printf (_("%s shut down (%s, %.1f s)"), dc, exitstatus, secs);
    case FL_LAB_ACTION_STOP:
      return g_strdup_printf (_("%s powered off (%s, %.1f s)"), dc, exitstatus, secs);
    case FL_LAB_ACTION_REBOOT:
      return g_strdup_printf (_("%s rebooted (%s, %.1f s)"), dc, exitstatus, secs);
    case FL_LAB_ACTION_UNPLUG:
      return g_strdup_printf (_("%s: network cable pulled (%.1f s)"), dc, secs);
    case FL_LAB_ACTION_PLUG:
      return g_strdup_printf (_("%s: network cable plugged in (%.1f s)"), dc, secs);
    case FL_LAB_ACTION_ROLLBACK:
    case FL_N_LAB_ACTIONS:
    default:
      return g_strdup_printf (_("%s reverted to the snapshot (%s, %.1f s)"), dc, exitstatus, secs);
    }
}

/* the session put a failure on the DC's state (the tile shows it in full): a toast says it too */
static void
finish_action (Action       *a,
               const char   *exitstatus,
               const GError *error)
{
  const char *dc = fl_dc_state_get_name (a->dc);
  double secs = (g_get_monotonic_time () - a->started) / 1e6;

  if (error != NULL)
    toast (a->self, fl_dc_state_get_action_error (a->dc) ? fl_dc_state_get_action_error (a->dc) : error->message, 0);
  else
    {
      g_autofree char *text = done_text (a->kind, dc, exitstatus ? exitstatus : "OK", secs);

      toast (a->self, text, 5);
    }
}

static void
action_done (GObject      *object,
             GAsyncResult *result,
             gpointer      data)
{
  g_autoptr(Action) a = data;
  g_autoptr(GError) error = NULL;
  g_autoptr(FlTaskResult) r = fl_lab_session_run_action_finish (FL_LAB_SESSION (object), result, &error);

  finish_action (a, r ? r->exitstatus : NULL, error);
}

/* the session decides again at the last moment (a take-down under the lab's lock), marks the
 * action on the timeline (a take-down is the fault the detector measures from) and does it */
static void
run_action (Action *a)
{
  a->started = g_get_monotonic_time ();
  fl_lab_session_run_action_async (a->self->session, fl_dc_state_get_name (a->dc), a->kind, a->snapshot,
                                   a->confirmed, NULL, action_done, a);
}

static void
confirm_response (AdwMessageDialog *dialog,
                  const char       *response,
                  Action           *a)
{
  if (g_str_equal (response, "do") && a != NULL)
    {
      if (a->snapshots != NULL)
        {
          GtkStringObject *item = gtk_drop_down_get_selected_item (a->snapshots);

          if (item == NULL)
            {
              action_free (a);
              return;
            }
          a->snapshot = g_strdup (gtk_string_object_get_string (item));
        }
      run_action (a);
      return;
    }
  action_free (a);
}

/* One confirmation per destructive action: what it does, then every reason the interlocks give
 * (decided in the lab layer, as failoverctl decides them); a refusal has no way through. */
static void
confirm_action (Action    *a,
                GPtrArray *snapshots)
{
  FlVmControl *self = a->self;
  const char *dc = fl_dc_state_get_name (a->dc);
  g_autoptr(FlVerdict) verdict = decide (a);
  g_autofree char *why = NULL;
  g_autoptr(GString) body = g_string_new (NULL);
  g_autofree char *heading = NULL;
  const char *label;
  GtkWidget *dialog;

  if (verdict->kind == FL_VERDICT_REFUSED)
    {
      refuse (a, verdict);
      action_free (a);
      return;
    }
  if (!fl_lab_action_takes_down (a->kind))
    {
      run_action (a);
      return;
    }

  switch (a->kind)
    {
    case FL_LAB_ACTION_SHUTDOWN:
      heading = g_strdup_printf (_("Shut Down %s?"), dc), label = _("Shut _Down");
      g_string_append (body, _("The guest is asked to shut down (ACPI or guest agent), as the power button does."));
      break;
    case FL_LAB_ACTION_STOP:
      heading = g_strdup_printf (_("Power Off %s?"), dc), label = _("_Power Off");
      g_string_append (body, _("The VM stops at once, like pulling the power cord: nothing is saved."));
      break;
    case FL_LAB_ACTION_REBOOT:
      heading = g_strdup_printf (_("Reboot %s?"), dc), label = _("_Reboot");
      g_string_append (body, _("The guest shuts down and starts again."));
      break;
    case FL_LAB_ACTION_UNPLUG:
      heading = g_strdup_printf (_("Unplug %s's Network?"), dc), label = _("_Unplug");
      g_string_append (body, _("The VM keeps running without its network cable: clients see no answer at all."));
      break;
    case FL_LAB_ACTION_ROLLBACK:
    case FL_LAB_ACTION_START:
    case FL_LAB_ACTION_PLUG:
    case FL_N_LAB_ACTIONS:
    default:
      heading = g_strdup_printf (_("Revert %s to a Snapshot?"), dc), label = _("_Revert");
      g_string_append (body, _("The VM is powered off and rolled back to the snapshot."));
      break;
    }
  why = fl_verdict_describe (verdict);
  if (*why != '\0')
    g_string_append_printf (body, "\n\n⚠ %s", why);
  a->confirmed = verdict->reasons;

  dialog = adw_message_dialog_new (self->window, heading, body->str);
  if (snapshots != NULL)
    {
      g_autoptr(GtkStringList) names = gtk_string_list_new (NULL);

      for (guint i = 0; i < snapshots->len; i++)
        gtk_string_list_append (names, ((FlVmSnapshot *)snapshots->pdata[i])->name);
      a->snapshots = GTK_DROP_DOWN (gtk_drop_down_new (G_LIST_MODEL (g_object_ref (names)), NULL));
      adw_message_dialog_set_extra_child (ADW_MESSAGE_DIALOG (dialog), GTK_WIDGET (a->snapshots));
    }
  adw_message_dialog_add_responses (ADW_MESSAGE_DIALOG (dialog), "cancel", _("_Cancel"),
                                    "do", (verdict->reasons & FL_INTERLOCK_TOTAL_OUTAGE) ? _("Cause a _Total Outage")
                                                                                          : label, NULL);
  adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (dialog), "do", ADW_RESPONSE_DESTRUCTIVE);
  adw_message_dialog_set_default_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
  adw_message_dialog_set_close_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
  g_signal_connect (dialog, "response", G_CALLBACK (confirm_response), a);
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
snapshots_done (GObject      *object,
                GAsyncResult *result,
                gpointer      data)
{
  Action *a = data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) snaps = fl_hypervisor_list_snapshots_finish (FL_HYPERVISOR (object), result, &error);

  if (snaps == NULL || snaps->len == 0)
    {
      g_autofree char *text = snaps ? g_strdup_printf (_("%s has no snapshot to revert to"), fl_dc_state_get_name (a->dc))
                                    : g_strdup (error->message);

      toast (a->self, text, 5);
      action_free (a);
      return;
    }
  confirm_action (a, snaps);
}

/* read again: a problem that comes back is said again */
static void
on_vm_state (FlDcState   *state,
             GParamSpec  *pspec,
             FlVmControl *self)
{
  if (fl_dc_state_get_vm_state (state) != NULL)
    self->warned = FALSE;
}

static void
on_vm_action (FlDcTile    *tile,
              FlLabAction  action,
              FlVmControl *self)
{
  FlHypervisor *hypervisor = fl_lab_session_get_hypervisor (self->session);
  Action *a;

  if (hypervisor == NULL)
    {
      toast (self, _("No connection to the hypervisor: set its secret in Preferences"), 5);
      return;
    }
  a = g_new0 (Action, 1);
  a->self = g_object_ref (self);
  a->dc = g_object_ref (fl_dc_tile_get_state (tile));
  a->kind = action;
  if (action == FL_LAB_ACTION_ROLLBACK)
    fl_hypervisor_list_snapshots_async (hypervisor, fl_dc_state_get_vmid (a->dc), NULL, snapshots_done, a);
  else
    confirm_action (a, NULL);
}

/**
 * fl_vm_control_add_tile:
 *
 * The VM actions picked on @tile go through the confirmation, then the session.
 */
void
fl_vm_control_add_tile (FlVmControl *self,
                        GtkWidget   *tile)
{
  g_return_if_fail (FL_IS_VM_CONTROL (self));

  if (fl_dc_state_get_vmid (fl_dc_tile_get_state (FL_DC_TILE (tile))) == 0)
    return;
  self->any_vm = TRUE;
  g_signal_connect_object (tile, "vm-action", G_CALLBACK (on_vm_action), self, 0);
  g_signal_connect_object (fl_dc_tile_get_state (FL_DC_TILE (tile)), "notify::vm-state",
                           G_CALLBACK (on_vm_state), self, 0);
}

/**
 * fl_vm_control_connect:
 * @secret: (nullable): the API token secret or password; %NULL: none (the tiles say so)
 */
void
fl_vm_control_connect (FlVmControl *self,
                       const char  *secret)
{
  g_autoptr(GError) error = NULL;

  g_return_if_fail (FL_IS_VM_CONTROL (self));

  g_clear_object (&self->hypervisor);
  fl_lab_session_set_hypervisor (self->session, NULL);
  self->warned = FALSE;
  if (!self->any_vm)
    return;
  self->hypervisor = fl_lab_create_hypervisor (self->lab, secret, &error);
  fl_lab_session_set_hypervisor (self->session, self->hypervisor);
  if (self->hypervisor == NULL && g_error_matches (error, FL_PVE_ERROR, FL_PVE_ERROR_NO_SECRET))
    {
      g_autofree char *text = g_strdup_printf (_("%s: type it in Preferences (it stays in your keyring)"),
                                               error->message);

      toast (self, text, 0);
      return;
    }
  if (self->hypervisor == NULL)
    {
      toast (self, error->message, 0);
      return;
    }
  fl_lab_session_poll_vms (self->session);
}

void
fl_vm_control_set_guard (FlVmControl *self,
                         guint        minutes)
{
  g_return_if_fail (FL_IS_VM_CONTROL (self));
  fl_lab_session_set_restart_guard (self->session, minutes);
}

static void
test_done (GObject      *object,
           GAsyncResult *result,
           gpointer      data)
{
  g_autoptr(GTask) task = data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) vms = fl_hypervisor_list_vms_finish (FL_HYPERVISOR (object), result, &error);

  if (vms == NULL)
    g_task_return_error (task, g_steal_pointer (&error));
  else
    g_task_return_pointer (task, g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "Connected: %u VM visible",
                                                               "Connected: %u VMs visible", vms->len), vms->len),
                           g_free);
}

/**
 * fl_vm_control_test_async:
 * @secret: the secret to try (not stored)
 *
 * "Test Connection": lists the VMs the credentials can see.
 */
void
fl_vm_control_test_async (FlVmControl         *self,
                          const char          *secret,
                          GCancellable        *cancellable,
                          GAsyncReadyCallback  callback,
                          gpointer             user_data)
{
  GTask *task = g_task_new (self, cancellable, callback, user_data);
  g_autoptr(GError) error = NULL;
  g_autoptr(FlHypervisor) hv = fl_lab_create_hypervisor (self->lab, secret, &error);

  if (hv == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      g_object_unref (task);
      return;
    }
  fl_hypervisor_list_vms_async (hv, cancellable, test_done, task);
}

char *
fl_vm_control_test_finish (FlVmControl   *self,
                           GAsyncResult  *result,
                           GError       **error)
{
  return g_task_propagate_pointer (G_TASK (result), error);
}

void
fl_vm_control_stop (FlVmControl *self)
{
  g_return_if_fail (FL_IS_VM_CONTROL (self));

  if (self->session != NULL)
    fl_lab_session_set_hypervisor (self->session, NULL);
}
