/* fl-dc-tile.c: one domain controller: each check's state as icon + text + latency
 *
 * A view of one FlDcState: everything it shows comes from that model (it keeps no sample
 * and decides nothing); its VM menu only says what the user picked.
 *
 * Copyright 2026 The Failover Lab authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "fl-dc-tile"

#include "config.h"

#include <glib/gi18n.h>
#include <string.h>

#include "fl-dc-tile.h"
#include "fl-lab-enums.h"

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

  Row        rows[FL_N_DC_CHECKS];
  FlDcState *state;
};

enum {
  VM_ACTION,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

G_DEFINE_FINAL_TYPE (FlDcTile, fl_dc_tile, ADW_TYPE_BIN)

/**
 * fl_dc_tile_status_look:
 *
 * A status's icon and style class (the icon and the text say it; the colour only adds)
 */
void
fl_dc_tile_status_look (FlStatus     status,
                        const char **icon,
                        const char **css)
{
  switch (status)
    {
    case FL_STATUS_OK:
      *icon = "emblem-ok-symbolic", *css = "success";
      break;
    case FL_STATUS_DEGRADED:
      *icon = "dialog-warning-symbolic", *css = "warning";
      break;
    case FL_STATUS_FAIL:
      *icon = "dialog-error-symbolic", *css = "error";
      break;
    case FL_STATUS_TIMEOUT:
      *icon = "alarm-symbolic", *css = "error";
      break;
    case FL_STATUS_SKIPPED:
    default:
      *icon = "content-loading-symbolic", *css = "dim-label";
      break;
    }
}

static FlStatus
last_status (FlDcState   *state,
             FlCheckKind  kind)
{
  FlSample *sample = fl_dc_state_get_sample (state, kind);

  return sample ? fl_sample_get_status (sample) : FL_STATUS_SKIPPED;
}

/**
 * fl_dc_tile_describe:
 * @css: (out) (optional) (nullable): the style class that goes with it
 *
 * Returns: the DC's state in a few words, translated ("Answering", "Up, services not answering")
 */
const char *
fl_dc_tile_describe (FlDcState   *state,
                     const char **css)
{
  FlStatus reach = last_status (state, FL_CHECK_REACH);
  const char *klass = NULL, *text;

  /* "running but not answering" is not "unreachable" */
  switch (fl_dc_state_get_answering (state))
    {
    case FL_ANSWERING_YES:
      if (last_status (state, FL_CHECK_LDAP_PING) == FL_STATUS_DEGRADED)
        text = _("Degraded"), klass = "warning";
      else
        text = _("Answering"), klass = "success";
      break;
    case FL_ANSWERING_NO:
      if (reach == FL_STATUS_OK || reach == FL_STATUS_DEGRADED)
        text = _("Up, services not answering"), klass = "warning";
      else
        text = _("Unreachable"), klass = "error";
      break;
    case FL_ANSWERING_UNKNOWN:
    default:
      text = _("Starting…");
      break;
    }
  if (css != NULL)
    *css = klass;
  return text;
}

/**
 * fl_dc_tile_set_css:
 * @css: (nullable): one of "success", "warning", "error", "dim-label"
 *
 * Sets the one status class @widget carries.
 */
void
fl_dc_tile_set_css (GtkWidget  *widget,
                    const char *css)
{
  static const char * const classes[] = { "success", "warning", "error", "dim-label" };

  for (guint i = 0; i < G_N_ELEMENTS (classes); i++)
    gtk_widget_remove_css_class (widget, classes[i]);
  if (css != NULL)
    gtk_widget_add_css_class (widget, css);
}

static void
update_state (FlDcTile *self)
{
  const char *css;
  const char *text = fl_dc_tile_describe (self->state, &css);

  g_autofree char *name = g_strdup_printf (C_("accessible tile: DC name, state", "%s: %s"),
                                           fl_dc_state_get_name (self->state), text);

  gtk_label_set_label (self->state_label, text);
  fl_dc_tile_set_css (GTK_WIDGET (self->state_label), css);
  /* a screen reader names the tile by its DC and state, not by colour */
  gtk_accessible_update_property (GTK_ACCESSIBLE (self), GTK_ACCESSIBLE_PROPERTY_LABEL, name, -1);
}

/**
 * fl_dc_tile_format_roles:
 *
 * Returns: (transfer full): the DC's roles for people ("PDC · GC · FSMO: PDC RID"), "" for none
 */
char *
fl_dc_tile_format_roles (FlDcState *state)
{
  GString *s = g_string_new (NULL);
  guint fsmo = fl_dc_state_get_fsmo_roles (state);

  /* the ping's own flags: PDC and GC matter to people */
  if (fl_dc_state_get_pdc (state))
    g_string_append (s, C_("fsmo role", "PDC"));
  if (fl_dc_state_get_gc (state))
    g_string_append_printf (s, "%s%s", s->len ? " · " : "", C_("global catalog", "GC"));
  if (fsmo != 0)
    {
      g_string_append_printf (s, "%s%s", s->len ? " · " : "", _("FSMO:"));
      for (guint r = 0; r < FL_FSMO_N_ROLES; r++)
        if (fsmo & (1u << r))
          g_string_append_printf (s, " %s", fl_fsmo_role_to_short (r));
    }
  return g_string_free (s, FALSE);
}

/**
 * fl_dc_tile_format_where:
 *
 * Returns: (transfer full): "host · address · site"
 */
char *
fl_dc_tile_format_where (FlDcState *state)
{
  const char *site = fl_dc_state_get_site (state);

  return site ? g_strdup_printf ("%s · %s · %s", fl_dc_state_get_host (state), fl_dc_state_get_address (state), site)
              : g_strdup_printf ("%s · %s", fl_dc_state_get_host (state), fl_dc_state_get_address (state));
}

static void
update_roles (FlDcTile *self)
{
  g_autofree char *roles = fl_dc_tile_format_roles (self->state);
  guint fsmo = fl_dc_state_get_fsmo_roles (self->state);

  /* a role holder that does not answer: what stops now (the lesson of a two-DC lab) */
  if (fsmo != 0 && fl_dc_state_get_answering (self->state) == FL_ANSWERING_NO)
    {
      g_autofree char *down = fl_fsmo_down_text (fsmo);
      g_autofree char *both = g_strdup_printf ("%s\n%s", roles, down);

      gtk_label_set_label (self->roles_label, both);
      gtk_widget_add_css_class (GTK_WIDGET (self->roles_label), "warning");
    }
  else
    {
      gtk_label_set_label (self->roles_label, roles);
      gtk_widget_remove_css_class (GTK_WIDGET (self->roles_label), "warning");
    }
  gtk_widget_set_visible (GTK_WIDGET (self->roles_label), *roles != '\0');
}

static void
update_vm_actions (FlDcTile *self)
{
  const FlVmState *vm = fl_dc_state_get_vm_state (self->state);
  gboolean known = vm != NULL && vm->status != NULL && !fl_dc_state_get_busy (self->state);
  gboolean running = known && g_strcmp0 (vm->status, "running") == 0;
  gboolean stopped = known && g_strcmp0 (vm->status, "stopped") == 0;
  gboolean link_down = known && vm->link_down;
  gboolean enabled[FL_N_LAB_ACTIONS] = {
    [FL_LAB_ACTION_START] = stopped,
    [FL_LAB_ACTION_SHUTDOWN] = running,
    [FL_LAB_ACTION_STOP] = running,
    [FL_LAB_ACTION_REBOOT] = running,
    [FL_LAB_ACTION_UNPLUG] = known && !link_down,
    [FL_LAB_ACTION_PLUG] = link_down,
    [FL_LAB_ACTION_ROLLBACK] = known,
  };

  for (guint a = 0; a < FL_N_LAB_ACTIONS; a++)
    {
      g_autofree char *name = g_strconcat ("tile.", fl_lab_action_to_string (a), NULL);

      gtk_widget_action_set_enabled (GTK_WIDGET (self), name, enabled[a]);
    }
}

static void
update_vm_label (FlDcTile *self)
{
  g_autoptr(GString) s = g_string_new (NULL);
  const FlVmState *vm = fl_dc_state_get_vm_state (self->state);
  guint vmid = fl_dc_state_get_vmid (self->state);

  if (vmid == 0)
    return;
  g_string_append_printf (s, _("VM %u"), vmid);
  if (fl_dc_state_get_node (self->state) != NULL)
    g_string_append_printf (s, _(" on %s"), fl_dc_state_get_node (self->state));
  g_string_append (s, " · ");
  if (fl_dc_state_get_busy (self->state))
    g_string_append (s, fl_lab_action_to_busy_label (fl_dc_state_get_action (self->state)));
  else if (vm == NULL || vm->status == NULL)
    g_string_append (s, _("state unknown"));
  else if (g_str_equal (vm->status, "running"))
    {
      /* the VM runs, the DC does not answer: booting, or its services are down */
      if (fl_dc_state_get_answering (self->state) == FL_ANSWERING_NO)
        g_string_append (s, _("running, services not answering"));
      else
        g_string_append (s, _("running"));
      if (vm->uptime_s > 0)
        g_string_append_printf (s, _(", up %d min"), (int)(vm->uptime_s / 60));
    }
  else if (g_str_equal (vm->status, "stopped"))
    g_string_append (s, _("powered off"));
  else
    g_string_append (s, vm->status);
  if (vm != NULL && vm->link_down)
    g_string_append_printf (s, " · %s", _("network cable pulled"));
  gtk_label_set_label (self->vm_label, s->str);
}

static void
update_vm_error (FlDcTile *self)
{
  const char *message = fl_dc_state_get_action_error (self->state);

  gtk_label_set_label (self->error_label, message ? message : "");
  gtk_widget_set_visible (GTK_WIDGET (self->error_label), message != NULL);
}

static void
update_serving (FlDcTile *self)
{
  if (fl_dc_state_get_serving (self->state))
    gtk_widget_add_css_class (GTK_WIDGET (self->box), "serving");
  else
    gtk_widget_remove_css_class (GTK_WIDGET (self->box), "serving");
}

static void
update_row (FlDcTile    *self,
            FlCheckKind  kind)
{
  FlSample *sample = fl_dc_state_get_sample (self->state, kind);
  Row *row = &self->rows[kind];
  const char *icon, *css;
  FlStatus status;

  if (sample == NULL)
    return;
  status = fl_sample_get_status (sample);
  fl_dc_tile_status_look (status, &icon, &css);
  gtk_image_set_from_icon_name (row->icon, icon);
  fl_dc_tile_set_css (GTK_WIDGET (row->icon), css);

  if (kind == FL_CHECK_TIME && status == FL_STATUS_OK)
    {
      gint64 offset = 0;
      g_autofree char *t = NULL;

      fl_sample_lookup_int64 (sample, "offset_us", &offset);
      t = g_strdup_printf (_("OK, %+.2f s"), offset / 1e6);
      gtk_label_set_label (row->status, t);
    }
  else
    gtk_label_set_label (row->status, fl_status_to_label (status));
  gtk_widget_set_tooltip_text (GTK_WIDGET (row->status), fl_sample_get_message (sample));

  if (fl_sample_get_latency_us (sample) >= 0 && status != FL_STATUS_SKIPPED)
    {
      g_autofree char *ms = g_strdup_printf (_("%.1f ms"), fl_sample_get_latency_us (sample) / 1000.0);

      gtk_label_set_label (row->latency, ms);
    }
}

static void
on_sample_changed (FlDcState *state,
                   guint      kind,
                   FlDcTile  *self)
{
  if (kind < FL_N_DC_CHECKS)
    update_row (self, kind);
  if (kind == FL_CHECK_REACH || kind == FL_CHECK_LDAP_PING)
    update_state (self);
}

static void
on_answering (FlDcTile *self)
{
  update_roles (self);
  update_state (self);
  update_vm_label (self);
}

static void
on_vm (FlDcTile *self)
{
  update_vm_actions (self);
  update_vm_label (self);
}

static void
vm_action_activated (GtkWidget  *widget,
                     const char *action_name,
                     GVariant   *param)
{
  FlLabAction action;

  /* "tile.shutdown" → FL_LAB_ACTION_SHUTDOWN */
  if (fl_lab_action_from_string (action_name + strlen ("tile."), &action))
    g_signal_emit (widget, signals[VM_ACTION], 0, action);
}

static void
fl_dc_tile_dispose (GObject *object)
{
  FlDcTile *self = (FlDcTile *)object;

  if (self->state != NULL)
    g_signal_handlers_disconnect_by_data (self->state, self);
  g_clear_object (&self->state);
  G_OBJECT_CLASS (fl_dc_tile_parent_class)->dispose (object);
}

static void
fl_dc_tile_class_init (FlDcTileClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = fl_dc_tile_dispose;
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_GROUP);

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
   * @action: the #FlLabAction picked
   *
   * The user picked an action from the tile's VM menu; nothing is done yet.
   */
  signals[VM_ACTION] = g_signal_new ("vm-action", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL,
                                     NULL, G_TYPE_NONE, 1, FL_TYPE_LAB_ACTION);
  for (guint a = 0; a < FL_N_LAB_ACTIONS; a++)
    {
      g_autofree char *name = g_strconcat ("tile.", fl_lab_action_to_string (a), NULL);

      gtk_widget_class_install_action (widget_class, name, NULL, vm_action_activated);
    }
}

static void
fl_dc_tile_init (FlDcTile *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));

  for (guint k = 0; k < FL_N_DC_CHECKS; k++)
    {
      Row *row = &self->rows[k];
      GtkWidget *label = gtk_label_new (fl_check_kind_to_label (k));

      /* the status is said by the words beside it: the icon is for the eye only */
      row->icon = g_object_new (GTK_TYPE_IMAGE, "icon-name", "content-loading-symbolic",
                                "accessible-role", GTK_ACCESSIBLE_ROLE_PRESENTATION, NULL);
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
    }
}

static GMenuModel *
vm_menu (void)
{
  static const struct { FlLabAction action; const char *label; guint section; } items[] = {
    { FL_LAB_ACTION_START, N_("_Start"), 0 },
    { FL_LAB_ACTION_SHUTDOWN, N_("Shut _Down"), 0 },
    { FL_LAB_ACTION_STOP, N_("_Power Off"), 0 },
    { FL_LAB_ACTION_REBOOT, N_("_Reboot"), 0 },
    { FL_LAB_ACTION_UNPLUG, N_("_Unplug Network"), 1 },
    { FL_LAB_ACTION_PLUG, N_("P_lug Network"), 1 },
    { FL_LAB_ACTION_ROLLBACK, N_("Revert to _Snapshot…"), 2 },
  };
  GMenu *menu = g_menu_new ();
  g_autoptr(GMenu) section = NULL;
  guint current = G_MAXUINT;

  for (guint i = 0; i < G_N_ELEMENTS (items); i++)
    {
      g_autofree char *action = g_strconcat ("tile.", fl_lab_action_to_string (items[i].action), NULL);

      if (items[i].section != current)
        {
          if (section != NULL)
            g_menu_append_section (menu, NULL, G_MENU_MODEL (section));
          g_clear_object (&section);
          section = g_menu_new ();
          current = items[i].section;
        }
      g_menu_append (section, _(items[i].label), action);
    }
  g_menu_append_section (menu, NULL, G_MENU_MODEL (section));
  return G_MENU_MODEL (menu);
}

/**
 * fl_dc_tile_new:
 * @state: the DC's model, which the tile shows from now on
 */
GtkWidget *
fl_dc_tile_new (FlDcState *state)
{
  FlDcTile *self;
  g_autofree char *where = NULL;

  g_return_val_if_fail (FL_IS_DC_STATE (state), NULL);

  self = g_object_new (FL_TYPE_DC_TILE, NULL);
  self->state = g_object_ref (state);
  gtk_label_set_label (self->name_label, fl_dc_state_get_name (state));
  where = fl_dc_tile_format_where (state);
  gtk_label_set_label (self->host_label, where);
  gtk_widget_set_tooltip_text (GTK_WIDGET (self->host_label), where);
  gtk_widget_set_tooltip_text (GTK_WIDGET (self->name_label), _("Click for everything this DC answered"));

  if (fl_dc_state_get_vmid (state) != 0)
    {
      g_autoptr(GMenuModel) menu = vm_menu ();

      gtk_menu_button_set_menu_model (self->vm_button, menu);
    }
  gtk_widget_set_visible (GTK_WIDGET (self->vm_button), fl_dc_state_get_vmid (state) != 0);
  gtk_widget_set_visible (GTK_WIDGET (self->vm_label), fl_dc_state_get_vmid (state) != 0);

  g_signal_connect_object (state, "sample-changed", G_CALLBACK (on_sample_changed), self, 0);
  g_signal_connect_object (state, "notify::answering", G_CALLBACK (on_answering), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (state, "notify::pdc", G_CALLBACK (update_roles), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (state, "notify::gc", G_CALLBACK (update_roles), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (state, "notify::fsmo-roles", G_CALLBACK (update_roles), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (state, "notify::serving", G_CALLBACK (update_serving), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (state, "notify::vm-state", G_CALLBACK (on_vm), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (state, "notify::busy", G_CALLBACK (on_vm), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (state, "notify::action", G_CALLBACK (on_vm), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (state, "notify::action-error", G_CALLBACK (update_vm_error), self, G_CONNECT_SWAPPED);
  for (guint k = 0; k < FL_N_DC_CHECKS; k++)
    update_row (self, k);
  update_state (self);
  update_roles (self);
  update_serving (self);
  update_vm_actions (self);
  update_vm_label (self);
  update_vm_error (self);
  return GTK_WIDGET (self);
}

/**
 * fl_dc_tile_get_state:
 *
 * Returns: (transfer none): the DC's model the tile shows
 */
FlDcState *
fl_dc_tile_get_state (FlDcTile *self)
{
  g_return_val_if_fail (FL_IS_DC_TILE (self), NULL);
  return self->state;
}
