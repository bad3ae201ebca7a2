/* fl-vm-control.c: the lab's VMs from the window. The tiles show each DC's VM (polled every
 * few seconds, never on the main thread's time: every call is asynchronous) and offer its
 * actions; an action is confirmed first, with the interlocks a class needs folded into that one
 * dialog (the last answering DC, a DC that came back minutes ago, what a snapshot rollback
 * costs); it is marked on the timeline, so the chart and the detector measure from it; its
 * task's outcome is a toast, its failure stays on the tile in full.
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
  GPtrArray       *tiles;      /* FlDcTile, referenced */
  GCancellable    *cancellable;
  guint            poll_source;
  guint            polls_out;
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
  g_clear_object (&self->timeline);
  g_clear_pointer (&self->tiles, g_ptr_array_unref);
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
  self->tiles = g_ptr_array_new_with_free_func (g_object_unref);
  self->cancellable = g_cancellable_new ();
}

FlVmControl *
fl_vm_control_new (FlLabSession    *session,
                   GtkWindow       *window,
                   AdwToastOverlay *toasts)
{
  FlVmControl *self = g_object_new (FL_TYPE_VM_CONTROL, NULL);

  self->session = g_object_ref (session);
  self->lab = g_object_ref (fl_lab_session_get_lab (session));
  self->timeline = g_object_ref (fl_lab_session_get_timeline (session));
  /* the window reads the VM states (it asks for a second factor or trust when needed) and
   * gives them to the session */
  fl_lab_session_set_vm_polling (session, FALSE);
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

static FlDcTile *
tile_for_vmid (FlVmControl *self,
               guint        vmid)
{
  for (guint i = 0; i < self->tiles->len; i++)
    if (fl_dc_tile_get_vmid (self->tiles->pdata[i]) == vmid)
      return self->tiles->pdata[i];
  return NULL;
}

/* ------------------------------------------------------------------------------------------ */
/* polling */

static void schedule_poll (FlVmControl *self, guint ms);

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
  schedule_poll (self, 10);
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
    body = g_strdup_printf (_("The SSH host key of %s is not known. Compare its fingerprint with the one "
                              "“ssh-keygen -lf /etc/ssh/ssh_host_ed25519_key.pub” prints on the node:\n\n%s\n\n"
                              "If they are the same, trust it: known_hosts will remember it."),
                            fl_lab_get_hypervisor_host (self->lab), fingerprint);
  else
    body = g_strdup_printf (_("Proxmox VE at %s shows a certificate this computer does not trust. Compare its "
                              "SHA-256 fingerprint with the one “pvenode cert info” prints on the node:\n\n%s\n\n"
                              "If they are the same, trust it: the lab file will remember it, and any other "
                              "certificate will be refused."),
                            fl_lab_get_hypervisor_url (self->lab), fingerprint);
  dialog = adw_message_dialog_new (self->window, ssh ? _("Trust This Host Key?") : _("Trust This Certificate?"), body);
  adw_message_dialog_add_responses (ADW_MESSAGE_DIALOG (dialog), "cancel", _("_Cancel"), "trust",
                                    _("_Trust"), NULL);
  adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (dialog), "trust", ADW_RESPONSE_SUGGESTED);
  adw_message_dialog_set_close_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
  g_object_set_data_full (G_OBJECT (dialog), "fingerprint", g_strdup (fingerprint), g_free);
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
  schedule_poll (self, 10);
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

static void
state_done (GObject      *object,
            GAsyncResult *result,
            gpointer      data)
{
  g_autoptr(FlVmControl) self = data;
  g_autoptr(GError) error = NULL;
  g_autoptr(FlVmState) st = fl_hypervisor_get_state_finish (FL_HYPERVISOR (object), result, &error);
  FlDcTile *tile;

  self->polls_out--;
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  if (st == NULL)
    {
      /* said once, not every three seconds */
      if (!self->warned && g_error_matches (error, FL_PVE_ERROR, FL_PVE_ERROR_TOTP_REQUIRED))
        {
          self->warned = TRUE;
          ask_totp (self);
        }
      else if (!self->warned)
        {
          self->warned = TRUE;
          toast (self, error->message, 0);
          /* an unknown certificate or SSH host key (never a changed one, never one that
           * contradicts a pin) can be compared and trusted */
          if ((g_error_matches (error, FL_PVE_ERROR, FL_PVE_ERROR_TLS) ||
               g_error_matches (error, FL_PVE_ERROR, FL_PVE_ERROR_HOST_KEY)) &&
              fl_hypervisor_peer_may_be_trusted (FL_HYPERVISOR (object)))
            offer_trust (self, fl_hypervisor_get_peer_fingerprint (FL_HYPERVISOR (object)));
        }
      for (guint i = 0; i < self->tiles->len; i++)
        {
          fl_dc_tile_set_vm_state (self->tiles->pdata[i], NULL, FALSE, 0);
          fl_lab_session_set_vm_state (self->session, fl_dc_tile_get_name (self->tiles->pdata[i]), NULL);
        }
    }
  else if ((tile = tile_for_vmid (self, st->vmid)) != NULL)
    {
      self->warned = FALSE;
      fl_dc_tile_set_vm_state (tile, st->status, st->link_down, st->uptime_s);
      fl_lab_session_set_vm_state (self->session, fl_dc_tile_get_name (tile), st);
    }
  if (self->polls_out == 0)
    schedule_poll (self, POLL_MS);
}

static gboolean
poll_cb (gpointer data)
{
  FlVmControl *self = data;

  self->poll_source = 0;
  if (self->hypervisor == NULL || self->polls_out > 0)
    return G_SOURCE_REMOVE;
  for (guint i = 0; i < self->tiles->len; i++)
    {
      guint vmid = fl_dc_tile_get_vmid (self->tiles->pdata[i]);

      if (vmid == 0)
        continue;
      self->polls_out++;
      fl_hypervisor_get_state_async (self->hypervisor, vmid, self->cancellable, state_done, g_object_ref (self));
    }
  return G_SOURCE_REMOVE;
}

static void
schedule_poll (FlVmControl *self,
               guint        ms)
{
  if (self->poll_source != 0 || self->hypervisor == NULL)
    return;
  self->poll_source = g_timeout_add (ms, poll_cb, self);
}

/* ------------------------------------------------------------------------------------------ */
/* actions */

typedef struct
{
  FlVmControl *self;
  FlDcTile    *tile;
  char        *action;
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
  g_object_unref (a->tile);
  g_free (a->action);
  g_free (a->snapshot);
  g_free (a);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Action, action_free)

/* the interlocks' verdict for @a, as the session decides it from its model (each DC's last LDAP
 * ping, the VMs' last states, the actions under way), as failoverctl's is decided */
static FlVerdict *
decide (Action *a)
{
  return fl_lab_session_check_action (a->self->session, fl_dc_tile_get_name (a->tile), a->kind);
}

static void
refuse (Action          *a,
        const FlVerdict *verdict)
{
  g_autofree char *why = fl_verdict_describe (verdict);
  g_autofree char *heading = g_strdup_printf (_("%s Cannot Be Touched"), fl_dc_tile_get_name (a->tile));
  GtkWidget *dialog = adw_message_dialog_new (a->self->window, heading, why);

  adw_message_dialog_add_responses (ADW_MESSAGE_DIALOG (dialog), "close", _("_Close"), NULL);
  gtk_window_present (GTK_WINDOW (dialog));
}

static const char *
busy_text (const char *action)
{
  if (g_str_equal (action, "start"))
    return _("starting…");
  if (g_str_equal (action, "shutdown"))
    return _("shutting down…");
  if (g_str_equal (action, "stop"))
    return _("powering off…");
  if (g_str_equal (action, "reboot"))
    return _("rebooting…");
  if (g_str_equal (action, "unplug"))
    return _("unplugging the network…");
  if (g_str_equal (action, "plug"))
    return _("plugging the network in…");
  return _("reverting to the snapshot…");
}

static char *
done_text (const char *action,
           const char *dc,
           const char *exitstatus,
           double      secs)
{
  if (g_str_equal (action, "start"))
    return g_strdup_printf (_("%s started (%s, %.1f s)"), dc, exitstatus, secs);
  if (g_str_equal (action, "shutdown"))
    return g_strdup_printf (_("%s shut down (%s, %.1f s)"), dc, exitstatus, secs);
  if (g_str_equal (action, "stop"))
    return g_strdup_printf (_("%s powered off (%s, %.1f s)"), dc, exitstatus, secs);
  if (g_str_equal (action, "reboot"))
    return g_strdup_printf (_("%s rebooted (%s, %.1f s)"), dc, exitstatus, secs);
  if (g_str_equal (action, "unplug"))
    return g_strdup_printf (_("%s: network cable pulled (%.1f s)"), dc, secs);
  if (g_str_equal (action, "plug"))
    return g_strdup_printf (_("%s: network cable plugged in (%.1f s)"), dc, secs);
  return g_strdup_printf (_("%s reverted to the snapshot (%s, %.1f s)"), dc, exitstatus, secs);
}

static void
finish_action (Action       *a,
               const char   *exitstatus,
               const GError *error)
{
  const char *dc = fl_dc_tile_get_name (a->tile);
  double secs = (g_get_monotonic_time () - a->started) / 1e6;
  g_autofree char *text = NULL;

  fl_dc_tile_set_vm_busy (a->tile, NULL);
  if (error != NULL)
    {
      g_autofree char *full = g_error_matches (error, FL_LAB_SESSION_ERROR, FL_LAB_SESSION_ERROR_INTERLOCK)
                              ? g_strdup_printf (_("%s: not done, the lab changed: %s"), dc, error->message)
                              : g_strdup_printf (_("%s: %s failed: %s"), dc, a->action, error->message);

      fl_dc_tile_set_vm_error (a->tile, full);
      toast (a->self, full, 0);
    }
  else
    {
      fl_dc_tile_set_vm_error (a->tile, NULL);
      text = done_text (a->action, dc, exitstatus ? exitstatus : "OK", secs);
      toast (a->self, text, 5);
    }
  schedule_poll (a->self, 10);
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
  fl_dc_tile_set_vm_busy (a->tile, busy_text (a->action));
  fl_dc_tile_set_vm_error (a->tile, NULL);
  a->started = g_get_monotonic_time ();
  fl_lab_session_run_action_async (a->self->session, fl_dc_tile_get_name (a->tile), a->kind, a->snapshot,
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
  const char *dc = fl_dc_tile_get_name (a->tile);
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
      g_autofree char *text = snaps ? g_strdup_printf (_("%s has no snapshot to revert to"), fl_dc_tile_get_name (a->tile))
                                    : g_strdup (error->message);

      toast (a->self, text, 5);
      action_free (a);
      return;
    }
  confirm_action (a, snaps);
}

static void
on_vm_action (FlDcTile    *tile,
              const char  *action,
              FlVmControl *self)
{
  Action *a;

  if (self->hypervisor == NULL)
    {
      toast (self, _("No connection to the hypervisor: set its secret in Preferences"), 5);
      return;
    }
  a = g_new0 (Action, 1);
  a->self = g_object_ref (self);
  a->tile = g_object_ref (tile);
  a->action = g_strdup (action);
  if (!fl_lab_action_from_string (action, &a->kind))
    {
      g_critical ("unknown VM action “%s”", action);
      action_free (a);
      return;
    }
  if (g_str_equal (action, "rollback"))
    fl_hypervisor_list_snapshots_async (self->hypervisor, fl_dc_tile_get_vmid (tile), NULL, snapshots_done, a);
  else
    confirm_action (a, NULL);
}

/**
 * fl_vm_control_add_tile:
 *
 * Gives @tile its VM, if the lab names one for its DC: a menu of actions, and its state.
 */
void
fl_vm_control_add_tile (FlVmControl *self,
                        GtkWidget   *tile)
{
  FlLabController *c;
  const char *node = NULL;
  guint vmid = 0;

  g_return_if_fail (FL_IS_VM_CONTROL (self));

  c = fl_lab_lookup_controller (self->lab, fl_dc_tile_get_name (FL_DC_TILE (tile)));
  if (c == NULL || !fl_lab_controller_get_vm (c, &node, &vmid) ||
      fl_lab_get_hypervisor_kind (self->lab) == FL_HYPERVISOR_NONE)
    return;
  fl_dc_tile_set_vm (FL_DC_TILE (tile), vmid, node);
  g_ptr_array_add (self->tiles, g_object_ref (tile));
  g_signal_connect_object (tile, "vm-action", G_CALLBACK (on_vm_action), self, 0);
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
  g_clear_handle_id (&self->poll_source, g_source_remove);
  self->warned = FALSE;
  if (self->tiles->len == 0)
    return;
  self->hypervisor = fl_lab_create_hypervisor (self->lab, secret, &error);
  fl_lab_session_set_hypervisor (self->session, self->hypervisor);
  if (self->hypervisor == NULL)
    {
      toast (self, error->message, 0);
      return;
    }
  schedule_poll (self, 10);
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

  g_cancellable_cancel (self->cancellable);
  g_clear_handle_id (&self->poll_source, g_source_remove);
}
