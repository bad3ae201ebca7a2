/* fl-preferences.c: Preferences: probing and chart settings (GSettings), and for the open lab,
 * the lab user's password and the hypervisor's secret (both in the keyring, never in the lab
 * file)
 *
 * Copyright 2026 The Failover Lab authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "fl-preferences"

#include "config.h"

#include <glib/gi18n.h>
#include <string.h>

#include "fl-app-text.h"
#include "fl-keyring.h"
#include "fl-preferences.h"

struct _FlPreferences
{
  AdwPreferencesWindow parent_instance;

  /* template widgets */
  GtkSpinButton       *interval_spin;
  GtkSpinButton       *deadline_spin;
  GtkSpinButton       *window_spin;
  GtkSwitch           *palette_switch;
  GtkSwitch           *log_switch;
  AdwPreferencesGroup *user_group;
  AdwActionRow        *password_row;
  AdwPreferencesGroup *hypervisor_group;
  AdwActionRow        *hypervisor_row;
  AdwEntryRow         *secret_row;
  GtkSpinButton       *guard_spin;

  /* owned */
  GSettings           *settings;
  FlLab               *lab;
  FlVmControl         *vm_control;
  char                *secret;       /* the hypervisor's current one, for Test Connection */
};

enum {
  CHANGE_PASSWORD,
  HYPERVISOR_SECRET,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

G_DEFINE_FINAL_TYPE (FlPreferences, fl_preferences, ADW_TYPE_PREFERENCES_WINDOW)

static void
toast (FlPreferences *self,
       const char    *text)
{
  adw_preferences_window_add_toast (ADW_PREFERENCES_WINDOW (self), fl_toast_new_plain (text));
}

static void
change_password_clicked (FlPreferences *self)
{
  g_signal_emit (self, signals[CHANGE_PASSWORD], 0);
}

static void
forgotten (GObject      *object,
           GAsyncResult *result,
           gpointer      data)
{
  g_autoptr(FlPreferences) self = data;
  g_autoptr(GError) error = NULL;

  if (!fl_keyring_clear_finish (result, &error))
    toast (self, error->message);
  else
    toast (self, _("The password was removed from the keyring"));
}

static void
forget_password_clicked (FlPreferences *self)
{
  g_autofree char *identity = fl_lab_get_identity (self->lab);

  fl_keyring_clear_async (FL_KEYRING_USER_PASSWORD, fl_lab_get_user_principal (self->lab), identity, NULL,
                          forgotten, g_object_ref (self));
}

static void
stored (GObject      *object,
        GAsyncResult *result,
        gpointer      data)
{
  g_autoptr(FlPreferences) self = data;
  g_autoptr(GError) error = NULL;

  if (!fl_keyring_store_finish (result, &error))
    toast (self, error->message);
}

/* a new secret: kept in the keyring, and the window connects with it at once */
static void
secret_applied (FlPreferences *self)
{
  g_autofree char *who = NULL, *where = NULL;
  const char *secret = gtk_editable_get_text (GTK_EDITABLE (self->secret_row));

  if (!fl_vm_control_keyring_item (self->lab, &who, &where) || *secret == '\0')
    return;
  fl_keyring_store_async (FL_KEYRING_HYPERVISOR_SECRET, who, where, where, secret, NULL, stored, g_object_ref (self));
  g_free (self->secret);
  self->secret = g_strdup (secret);
  g_signal_emit (self, signals[HYPERVISOR_SECRET], 0, secret);
  gtk_editable_set_text (GTK_EDITABLE (self->secret_row), "");
}

static void
tested (GObject      *object,
        GAsyncResult *result,
        gpointer      data)
{
  g_autoptr(FlPreferences) self = data;
  g_autoptr(GError) error = NULL;
  g_autofree char *text = fl_vm_control_test_finish (FL_VM_CONTROL (object), result, &error);

  adw_action_row_set_subtitle (self->hypervisor_row, text ? text : error->message);
}

static void
test_clicked (FlPreferences *self)
{
  const char *typed = gtk_editable_get_text (GTK_EDITABLE (self->secret_row));

  if (self->vm_control == NULL)
    return;
  adw_action_row_set_subtitle (self->hypervisor_row, _("Connecting…"));
  fl_vm_control_test_async (self->vm_control, *typed ? typed : self->secret, NULL, tested, g_object_ref (self));
}

static void
palette_switched (FlPreferences *self)
{
  g_settings_set_string (self->settings, "palette",
                         gtk_switch_get_active (self->palette_switch) ? "colorblind" : "default");
}

static void
fl_preferences_dispose (GObject *object)
{
  FlPreferences *self = FL_PREFERENCES (object);

  gtk_widget_dispose_template (GTK_WIDGET (self), FL_TYPE_PREFERENCES);
  g_clear_object (&self->settings);
  g_clear_object (&self->lab);
  g_clear_object (&self->vm_control);
  if (self->secret != NULL)
    explicit_bzero (self->secret, strlen (self->secret));
  g_clear_pointer (&self->secret, g_free);
  G_OBJECT_CLASS (fl_preferences_parent_class)->dispose (object);
}

static void
fl_preferences_class_init (FlPreferencesClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = fl_preferences_dispose;

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/failoverlab/FailoverLab/ui/fl-preferences.ui");
  gtk_widget_class_bind_template_child (widget_class, FlPreferences, interval_spin);
  gtk_widget_class_bind_template_child (widget_class, FlPreferences, deadline_spin);
  gtk_widget_class_bind_template_child (widget_class, FlPreferences, window_spin);
  gtk_widget_class_bind_template_child (widget_class, FlPreferences, palette_switch);
  gtk_widget_class_bind_template_child (widget_class, FlPreferences, log_switch);
  gtk_widget_class_bind_template_child (widget_class, FlPreferences, user_group);
  gtk_widget_class_bind_template_child (widget_class, FlPreferences, password_row);
  gtk_widget_class_bind_template_child (widget_class, FlPreferences, hypervisor_group);
  gtk_widget_class_bind_template_child (widget_class, FlPreferences, hypervisor_row);
  gtk_widget_class_bind_template_child (widget_class, FlPreferences, secret_row);
  gtk_widget_class_bind_template_child (widget_class, FlPreferences, guard_spin);
  gtk_widget_class_bind_template_callback (widget_class, change_password_clicked);
  gtk_widget_class_bind_template_callback (widget_class, forget_password_clicked);
  gtk_widget_class_bind_template_callback (widget_class, secret_applied);
  gtk_widget_class_bind_template_callback (widget_class, test_clicked);

  /**
   * FlPreferences::change-password:
   *
   * The user wants to type the lab user's password again.
   */
  signals[CHANGE_PASSWORD] = g_signal_new ("change-password", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                                           NULL, NULL, NULL, G_TYPE_NONE, 0);
  /**
   * FlPreferences::hypervisor-secret:
   * @secret: the new secret (already on its way to the keyring)
   *
   * The hypervisor's secret changed: connect with it.
   */
  signals[HYPERVISOR_SECRET] = g_signal_new ("hypervisor-secret", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                                             NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_STRING);
}

static void
fl_preferences_init (FlPreferences *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}

/**
 * fl_preferences_new:
 * @lab: (nullable): the open lab: its user's password and its hypervisor's secret
 * @vm_control: (nullable): the lab's VM control, for Test Connection
 * @hypervisor_secret: (nullable): the secret in use now, tested when none is typed
 */
GtkWidget *
fl_preferences_new (GtkWindow   *parent,
                    GSettings   *settings,
                    FlLab       *lab,
                    FlVmControl *vm_control,
                    const char  *hypervisor_secret)
{
  FlPreferences *self = g_object_new (FL_TYPE_PREFERENCES, "transient-for", parent, NULL);
  g_autofree char *palette = g_settings_get_string (settings, "palette");

  self->settings = g_object_ref (settings);
  self->lab = lab ? g_object_ref (lab) : NULL;
  self->vm_control = vm_control ? g_object_ref (vm_control) : NULL;
  self->secret = g_strdup (hypervisor_secret);

  g_settings_bind (settings, "interval-ms", self->interval_spin, "value", G_SETTINGS_BIND_DEFAULT);
  g_settings_bind (settings, "deadline-ms", self->deadline_spin, "value", G_SETTINGS_BIND_DEFAULT);
  g_settings_bind (settings, "chart-window-s", self->window_spin, "value", G_SETTINGS_BIND_DEFAULT);
  g_settings_bind (settings, "latency-log-scale", self->log_switch, "active", G_SETTINGS_BIND_DEFAULT);
  g_settings_bind (settings, "restart-guard-min", self->guard_spin, "value", G_SETTINGS_BIND_DEFAULT);
  gtk_switch_set_active (self->palette_switch, g_str_equal (palette, "colorblind"));
  g_signal_connect_swapped (self->palette_switch, "notify::active", G_CALLBACK (palette_switched), self);

  if (lab != NULL && fl_lab_get_user_principal (lab) != NULL)
    {
      g_autofree char *title = g_strdup_printf (_("Password of %s"), fl_lab_get_user_principal (lab));

      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self->password_row), title);
      gtk_widget_set_visible (GTK_WIDGET (self->user_group), TRUE);
    }
  if (lab != NULL && fl_vm_control_keyring_item (lab, NULL, NULL))
    {
      gboolean ssh = fl_lab_get_hypervisor_kind (lab) == FL_HYPERVISOR_PROXMOX_SSH;
      const char *who = fl_lab_get_hypervisor_token_id (lab) ? fl_lab_get_hypervisor_token_id (lab)
                                                             : fl_lab_get_hypervisor_user (lab);
      g_autofree char *where = ssh ? g_strdup_printf ("ssh %s@%s:%u", fl_lab_get_hypervisor_user (lab),
                                                      fl_lab_get_hypervisor_host (lab), fl_lab_get_hypervisor_port (lab))
                                   : g_strdup_printf ("%s · %s", fl_lab_get_hypervisor_url (lab), who);

      fl_row_set_plain (GTK_WIDGET (self->hypervisor_row));   /* an address and a user from the lab file; the server's words */
      adw_action_row_set_subtitle (self->hypervisor_row, where);
      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self->secret_row),
                                     ssh ? _("SSH Key Passphrase")
                                         : fl_lab_get_hypervisor_token_id (lab) ? _("API Token Secret") : _("Password"));
      gtk_widget_set_visible (GTK_WIDGET (self->hypervisor_group), TRUE);
    }
  return GTK_WIDGET (self);
}
