/* fl-dc-tile.c: one domain controller: each check's state as icon + text + latency
 *
 * Copyright 2026 The Failover Lab authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "fl-dc-tile"

#include "config.h"

#include <glib/gi18n.h>
#include <string.h>

#include "fl-dc-tile.h"
#include "fl-netlogon.h"

typedef struct
{
  GtkImage *icon;
  GtkLabel *status;
  GtkLabel *latency;
} Row;

struct _FlDcTile
{
  AdwBin parent_instance;

  /* template widgets */
  GtkBox   *box;
  GtkLabel *name_label;
  GtkLabel *state_label;
  GtkLabel *host_label;
  GtkLabel *roles_label;
  GtkGrid  *grid;
  GtkMenuButton *vm_button;
  GtkLabel *vm_label;
  GtkLabel *error_label;

  /* owned */
  char     *name;
  char     *flags_text;
  char     *roles;

  Row       rows[FL_N_DC_CHECKS];
  FlStatus  last[FL_N_DC_CHECKS];
  FlSample *latest[FL_N_DC_CHECKS];    /* for the details */
  FlSample *answer[FL_N_DC_CHECKS];    /* the last OK or degraded one */
  FlSample *problem[FL_N_DC_CHECKS];   /* the last failed or timed-out one */
  const char *state;

  guint     vmid;
  char     *vm_node;
  char     *vm_status;     /* running, stopped, … */
  char     *busy;          /* an action under way */
  gint64    uptime_s;
  guint     link_down : 1;

  guint     serving : 1;
};

enum {
  VM_ACTION,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static const char * const vm_actions[] = { "start", "shutdown", "stop", "reboot", "unplug", "plug", "rollback" };

G_DEFINE_FINAL_TYPE (FlDcTile, fl_dc_tile, ADW_TYPE_BIN)

static void
status_look (FlStatus     status,
             const char **icon,
             const char **text,
             const char **css)
{
  switch (status)
    {
    case FL_STATUS_OK:
      *icon = "emblem-ok-symbolic", *text = fl_status_to_label (status), *css = "success";
      break;
    case FL_STATUS_DEGRADED:
      *icon = "dialog-warning-symbolic", *text = fl_status_to_label (status), *css = "warning";
      break;
    case FL_STATUS_FAIL:
      *icon = "dialog-error-symbolic", *text = fl_status_to_label (status), *css = "error";
      break;
    case FL_STATUS_TIMEOUT:
      *icon = "alarm-symbolic", *text = fl_status_to_label (status), *css = "error";
      break;
    case FL_STATUS_SKIPPED:
    default:
      *icon = "content-loading-symbolic", *text = fl_status_to_label (status), *css = "dim-label";
      break;
    }
}

static void
fl_dc_tile_finalize (GObject *object)
{
  FlDcTile *self = (FlDcTile *)object;

  g_clear_pointer (&self->name, g_free);
  g_clear_pointer (&self->flags_text, g_free);
  g_clear_pointer (&self->roles, g_free);
  g_clear_pointer (&self->vm_node, g_free);
  g_clear_pointer (&self->vm_status, g_free);
  g_clear_pointer (&self->busy, g_free);
  for (guint k = 0; k < FL_N_DC_CHECKS; k++)
    {
      g_clear_pointer (&self->latest[k], fl_sample_unref);
      g_clear_pointer (&self->answer[k], fl_sample_unref);
      g_clear_pointer (&self->problem[k], fl_sample_unref);
    }
  G_OBJECT_CLASS (fl_dc_tile_parent_class)->finalize (object);
}

static void
vm_action_activated (GtkWidget  *widget,
                     const char *action_name,
                     GVariant   *param)
{
  /* "tile.shutdown" → "shutdown" */
  g_signal_emit (widget, signals[VM_ACTION], 0, action_name + strlen ("tile."));
}

static void
fl_dc_tile_class_init (FlDcTileClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->finalize = fl_dc_tile_finalize;

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/failoverlab/FailoverLab/ui/fl-dc-tile.ui");
  gtk_widget_class_bind_template_child (widget_class, FlDcTile, box);
  gtk_widget_class_bind_template_child (widget_class, FlDcTile, name_label);
  gtk_widget_class_bind_template_child (widget_class, FlDcTile, state_label);
  gtk_widget_class_bind_template_child (widget_class, FlDcTile, host_label);
  gtk_widget_class_bind_template_child (widget_class, FlDcTile, roles_label);
  gtk_widget_class_bind_template_child (widget_class, FlDcTile, grid);
  gtk_widget_class_bind_template_child (widget_class, FlDcTile, vm_button);
  gtk_widget_class_bind_template_child (widget_class, FlDcTile, vm_label);
  gtk_widget_class_bind_template_child (widget_class, FlDcTile, error_label);

  /**
   * FlDcTile::vm-action:
   * @action: start, shutdown, stop, reboot, unplug, plug or rollback
   *
   * The user picked an action from the tile's VM menu; nothing is done yet.
   */
  signals[VM_ACTION] = g_signal_new ("vm-action", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL,
                                     NULL, G_TYPE_NONE, 1, G_TYPE_STRING);
  for (guint i = 0; i < G_N_ELEMENTS (vm_actions); i++)
    {
      g_autofree char *name = g_strconcat ("tile.", vm_actions[i], NULL);

      gtk_widget_class_install_action (widget_class, name, NULL, vm_action_activated);
    }
}

static void
update_vm_actions (FlDcTile *self)
{
  gboolean known = self->vm_status != NULL && self->busy == NULL;
  gboolean running = g_strcmp0 (self->vm_status, "running") == 0;
  gboolean stopped = g_strcmp0 (self->vm_status, "stopped") == 0;

  gtk_widget_action_set_enabled (GTK_WIDGET (self), "tile.start", known && stopped);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "tile.shutdown", known && running);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "tile.stop", known && running);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "tile.reboot", known && running);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "tile.unplug", known && !self->link_down);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "tile.plug", known && self->link_down);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "tile.rollback", known);
}

static void
update_vm_label (FlDcTile *self)
{
  g_autoptr(GString) s = g_string_new (NULL);

  if (self->vmid == 0)
    return;
  g_string_append_printf (s, _("VM %u"), self->vmid);
  if (self->vm_node != NULL)
    g_string_append_printf (s, _(" on %s"), self->vm_node);
  g_string_append (s, " · ");
  if (self->busy != NULL)
    g_string_append (s, self->busy);
  else if (self->vm_status == NULL)
    g_string_append (s, _("state unknown"));
  else if (g_str_equal (self->vm_status, "running"))
    {
      /* the VM runs, the DC does not answer: booting, or its services are down */
      if (self->last[FL_CHECK_LDAP_PING] != FL_STATUS_OK && self->last[FL_CHECK_LDAP_PING] != FL_STATUS_DEGRADED &&
          self->last[FL_CHECK_LDAP_PING] != FL_STATUS_SKIPPED)
        g_string_append (s, _("running, services not answering"));
      else
        g_string_append (s, _("running"));
      if (self->uptime_s > 0)
        g_string_append_printf (s, _(", up %d min"), (int)(self->uptime_s / 60));
    }
  else if (g_str_equal (self->vm_status, "stopped"))
    g_string_append (s, _("powered off"));
  else
    g_string_append (s, self->vm_status);
  if (self->link_down)
    g_string_append_printf (s, " · %s", _("network cable pulled"));
  gtk_label_set_label (self->vm_label, s->str);
}

static void
fl_dc_tile_init (FlDcTile *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));

  for (guint k = 0; k < FL_N_DC_CHECKS; k++)
    {
      Row *row = &self->rows[k];
      GtkWidget *label = gtk_label_new (fl_check_kind_to_label (k));

      row->icon = GTK_IMAGE (gtk_image_new_from_icon_name ("content-loading-symbolic"));
      row->status = GTK_LABEL (gtk_label_new ("…"));
      row->latency = GTK_LABEL (gtk_label_new (""));
      gtk_label_set_xalign (GTK_LABEL (label), 0);
      gtk_label_set_xalign (row->status, 0);
      gtk_label_set_xalign (row->latency, 1);
      gtk_widget_set_hexpand (GTK_WIDGET (row->status), TRUE);
      gtk_widget_add_css_class (GTK_WIDGET (row->latency), "numeric");
      gtk_widget_add_css_class (GTK_WIDGET (row->latency), "dim-label");
      gtk_grid_attach (self->grid, GTK_WIDGET (row->icon), 0, k, 1, 1);
      gtk_grid_attach (self->grid, label, 1, k, 1, 1);
      gtk_grid_attach (self->grid, GTK_WIDGET (row->status), 2, k, 1, 1);
      gtk_grid_attach (self->grid, GTK_WIDGET (row->latency), 3, k, 1, 1);
      self->last[k] = FL_STATUS_SKIPPED;
    }
  self->state = "";
}

GtkWidget *
fl_dc_tile_new (const char *name,
                const char *host,
                const char *address,
                const char *site)
{
  FlDcTile *self = g_object_new (FL_TYPE_DC_TILE, NULL);
  g_autofree char *where = NULL;

  self->name = g_strdup (name);
  gtk_label_set_label (self->name_label, name);
  where = site ? g_strdup_printf ("%s · %s · %s", host, address, site)
               : g_strdup_printf ("%s · %s", host, address);
  gtk_label_set_label (self->host_label, where);
  gtk_widget_set_tooltip_text (GTK_WIDGET (self->host_label), where);
  gtk_widget_set_tooltip_text (GTK_WIDGET (self->name_label), _("Click for everything this DC answered"));
  return GTK_WIDGET (self);
}

const char *
fl_dc_tile_get_name (FlDcTile *self)
{
  g_return_val_if_fail (FL_IS_DC_TILE (self), NULL);
  return self->name;
}

const char *
fl_dc_tile_get_state (FlDcTile *self)
{
  g_return_val_if_fail (FL_IS_DC_TILE (self), NULL);
  return self->state;
}

static void
update_roles (FlDcTile *self)
{
  g_autoptr(GString) s = g_string_new (NULL);

  if (self->flags_text != NULL)
    {
      /* the ping's own flags: PDC and GC matter to people */
      g_auto(GStrv) flags = g_strsplit (self->flags_text, " ", -1);

      if (g_strv_contains ((const char * const *)flags, "PDC"))
        g_string_append (s, "PDC");
      if (g_strv_contains ((const char * const *)flags, "GC"))
        g_string_append_printf (s, "%sGC", s->len ? " · " : "");
    }
  if (self->roles != NULL && *self->roles)
    g_string_append_printf (s, "%s%s %s", s->len ? " · " : "", _("FSMO:"), self->roles);
  gtk_label_set_label (self->roles_label, s->str);
  gtk_widget_set_visible (GTK_WIDGET (self->roles_label), s->len > 0);
}

static void
update_state (FlDcTile *self)
{
  const char *css;
  FlStatus ping = self->last[FL_CHECK_LDAP_PING];
  FlStatus reach = self->last[FL_CHECK_REACH];

  gtk_widget_remove_css_class (GTK_WIDGET (self->state_label), "success");
  gtk_widget_remove_css_class (GTK_WIDGET (self->state_label), "warning");
  gtk_widget_remove_css_class (GTK_WIDGET (self->state_label), "error");

  /* "running but not answering" is not "unreachable" */
  if (ping == FL_STATUS_OK)
    self->state = _("Answering"), css = "success";
  else if (ping == FL_STATUS_DEGRADED)
    self->state = _("Degraded"), css = "warning";
  else if (ping == FL_STATUS_SKIPPED)
    self->state = _("Starting…"), css = NULL;
  else if (reach == FL_STATUS_OK)
    self->state = _("Up, services not answering"), css = "warning";
  else
    self->state = _("Unreachable"), css = "error";

  gtk_label_set_label (self->state_label, self->state);
  if (css != NULL)
    gtk_widget_add_css_class (GTK_WIDGET (self->state_label), css);
}

/**
 * fl_dc_tile_add_sample:
 *
 * Shows the sample of one of this DC's checks.
 */
void
fl_dc_tile_add_sample (FlDcTile *self,
                       FlSample *sample)
{
  FlCheckKind kind = fl_sample_get_kind (sample);
  FlStatus status = fl_sample_get_status (sample);
  const char *icon, *text, *css;
  Row *row;

  g_return_if_fail (FL_IS_DC_TILE (self));

  if (kind >= FL_N_DC_CHECKS)
    return;
  if (status != FL_STATUS_SKIPPED)
    {
      FlSample **slot = status == FL_STATUS_OK || status == FL_STATUS_DEGRADED ? &self->answer[kind]
                                                                               : &self->problem[kind];

      g_clear_pointer (&self->latest[kind], fl_sample_unref);
      self->latest[kind] = fl_sample_ref (sample);
      g_clear_pointer (slot, fl_sample_unref);
      *slot = fl_sample_ref (sample);
    }
  /* a skipped round says nothing new: keep showing the last real answer */
  if (status == FL_STATUS_SKIPPED && self->last[kind] != FL_STATUS_SKIPPED)
    return;

  row = &self->rows[kind];
  status_look (status, &icon, &text, &css);
  gtk_image_set_from_icon_name (row->icon, icon);
  for (guint i = 0; i < 4; i++)
    {
      static const char * const classes[] = { "success", "warning", "error", "dim-label" };

      gtk_widget_remove_css_class (GTK_WIDGET (row->icon), classes[i]);
    }
  gtk_widget_add_css_class (GTK_WIDGET (row->icon), css);

  if (kind == FL_CHECK_TIME && status == FL_STATUS_OK)
    {
      gint64 offset = 0;
      g_autofree char *t = NULL;

      fl_sample_lookup_int64 (sample, "offset_us", &offset);
      t = g_strdup_printf (_("OK, %+.2f s"), offset / 1e6);
      gtk_label_set_label (row->status, t);
    }
  else
    gtk_label_set_label (row->status, text);
  gtk_widget_set_tooltip_text (GTK_WIDGET (row->status), fl_sample_get_message (sample));

  if (fl_sample_get_latency_us (sample) >= 0 && status != FL_STATUS_SKIPPED)
    {
      g_autofree char *ms = g_strdup_printf (_("%.1f ms"), fl_sample_get_latency_us (sample) / 1000.0);

      gtk_label_set_label (row->latency, ms);
    }

  if (kind == FL_CHECK_LDAP_PING && status == FL_STATUS_OK)
    {
      g_free (self->flags_text);
      self->flags_text = g_strdup (fl_sample_lookup_string (sample, "flags_text"));
      update_roles (self);
    }

  self->last[kind] = status;
  if (kind == FL_CHECK_LDAP_PING || kind == FL_CHECK_REACH)
    update_state (self);
  if (kind == FL_CHECK_LDAP_PING)
    update_vm_label (self);
}

/**
 * fl_dc_tile_get_sample:
 * @which: 0 the latest, 1 the last answer (OK or degraded), 2 the last failure or timeout
 *
 * Returns: (transfer none) (nullable): that sample of check @kind
 */
FlSample *
fl_dc_tile_get_sample (FlDcTile    *self,
                       FlCheckKind  kind,
                       guint        which)
{
  g_return_val_if_fail (FL_IS_DC_TILE (self), NULL);
  g_return_val_if_fail (kind < FL_N_DC_CHECKS, NULL);

  switch (which)
    {
    case 0:
      return self->latest[kind];
    case 1:
      return self->answer[kind];
    default:
      return self->problem[kind];
    }
}

/**
 * fl_dc_tile_get_where:
 *
 * Returns: (transfer full): "host · address · site"
 */
char *
fl_dc_tile_get_where (FlDcTile *self)
{
  g_return_val_if_fail (FL_IS_DC_TILE (self), NULL);
  return g_strdup (gtk_label_get_label (self->host_label));
}

const char *
fl_dc_tile_get_roles (FlDcTile *self)
{
  g_return_val_if_fail (FL_IS_DC_TILE (self), NULL);
  return gtk_label_get_label (self->roles_label);
}

void
fl_dc_tile_set_serving (FlDcTile *self,
                        gboolean  serving)
{
  g_return_if_fail (FL_IS_DC_TILE (self));

  self->serving = !!serving;
  if (serving)
    gtk_widget_add_css_class (GTK_WIDGET (self->box), "serving");
  else
    gtk_widget_remove_css_class (GTK_WIDGET (self->box), "serving");
}

/**
 * fl_dc_tile_set_roles:
 * @roles: (nullable): the FSMO roles this DC holds, e.g. "PDC RID Infrastructure"
 */
void
fl_dc_tile_set_roles (FlDcTile   *self,
                      const char *roles)
{
  g_return_if_fail (FL_IS_DC_TILE (self));

  g_free (self->roles);
  self->roles = g_strdup (roles);
  update_roles (self);
}

/**
 * fl_dc_tile_set_vm:
 * @vmid: the DC's VM, 0 for none (no VM menu)
 *
 * The tile offers the VM's actions (the "vm-action" signal) and shows its state.
 */
void
fl_dc_tile_set_vm (FlDcTile   *self,
                   guint       vmid,
                   const char *node)
{
  g_autoptr(GMenu) menu = g_menu_new ();
  g_autoptr(GMenu) power = g_menu_new ();
  g_autoptr(GMenu) network = g_menu_new ();
  g_autoptr(GMenu) snapshot = g_menu_new ();

  g_return_if_fail (FL_IS_DC_TILE (self));

  self->vmid = vmid;
  g_free (self->vm_node);
  self->vm_node = g_strdup (node);
  gtk_widget_set_visible (GTK_WIDGET (self->vm_button), vmid != 0);
  gtk_widget_set_visible (GTK_WIDGET (self->vm_label), vmid != 0);
  g_menu_append (power, _("_Start"), "tile.start");
  g_menu_append (power, _("Shut _Down"), "tile.shutdown");
  g_menu_append (power, _("_Power Off"), "tile.stop");
  g_menu_append (power, _("_Reboot"), "tile.reboot");
  g_menu_append (network, _("_Unplug Network"), "tile.unplug");
  g_menu_append (network, _("P_lug Network"), "tile.plug");
  g_menu_append (snapshot, _("Revert to _Snapshot…"), "tile.rollback");
  g_menu_append_section (menu, NULL, G_MENU_MODEL (power));
  g_menu_append_section (menu, NULL, G_MENU_MODEL (network));
  g_menu_append_section (menu, NULL, G_MENU_MODEL (snapshot));
  gtk_menu_button_set_menu_model (self->vm_button, G_MENU_MODEL (menu));
  update_vm_actions (self);
  update_vm_label (self);
}

guint
fl_dc_tile_get_vmid (FlDcTile *self)
{
  g_return_val_if_fail (FL_IS_DC_TILE (self), 0);
  return self->vmid;
}

/**
 * fl_dc_tile_set_vm_state:
 * @status: (nullable): running, stopped, … (%NULL: unknown)
 */
void
fl_dc_tile_set_vm_state (FlDcTile   *self,
                         const char *status,
                         gboolean    link_down,
                         gint64      uptime_s)
{
  g_return_if_fail (FL_IS_DC_TILE (self));

  g_free (self->vm_status);
  self->vm_status = g_strdup (status);
  self->link_down = !!link_down;
  self->uptime_s = uptime_s;
  update_vm_actions (self);
  update_vm_label (self);
}

const char *
fl_dc_tile_get_vm_status (FlDcTile *self)
{
  g_return_val_if_fail (FL_IS_DC_TILE (self), NULL);
  return self->vm_status;
}

/**
 * fl_dc_tile_set_vm_busy:
 * @what: (nullable): the action under way ("Shutting down…"), %NULL when it is over
 */
void
fl_dc_tile_set_vm_busy (FlDcTile   *self,
                        const char *what)
{
  g_return_if_fail (FL_IS_DC_TILE (self));

  g_free (self->busy);
  self->busy = g_strdup (what);
  update_vm_actions (self);
  update_vm_label (self);
}

/**
 * fl_dc_tile_set_vm_error:
 * @message: (nullable): the last action's failure, in full; %NULL clears it
 */
void
fl_dc_tile_set_vm_error (FlDcTile   *self,
                         const char *message)
{
  g_return_if_fail (FL_IS_DC_TILE (self));

  gtk_label_set_label (self->error_label, message ? message : "");
  gtk_widget_set_visible (GTK_WIDGET (self->error_label), message != NULL);
}

gint64
fl_dc_tile_get_vm_uptime (FlDcTile *self)
{
  g_return_val_if_fail (FL_IS_DC_TILE (self), 0);
  return self->uptime_s;
}

