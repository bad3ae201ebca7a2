/* fl-lab-controller.c
 *
 * Copyright 2026 The Failover Lab authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "fl-lab-controller"

#include "config.h"

#include "fl-lab-controller.h"

/* One domain controller of a lab: what the lab file says about it. Immutable once the lab
 * is loaded, apart from the optional site and VM reference that an editor may set. */
struct _FlLabController
{
  GObject parent_instance;

  char *name;
  char *host;
  char *address;
  char *site;
  char *vm_node;

  guint vmid;
};

G_DEFINE_FINAL_TYPE (FlLabController, fl_lab_controller, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_NAME,
  PROP_HOST,
  PROP_ADDRESS,
  PROP_SITE,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
fl_lab_controller_finalize (GObject *object)
{
  FlLabController *self = (FlLabController *)object;

  g_clear_pointer (&self->name, g_free);
  g_clear_pointer (&self->host, g_free);
  g_clear_pointer (&self->address, g_free);
  g_clear_pointer (&self->site, g_free);
  g_clear_pointer (&self->vm_node, g_free);

  G_OBJECT_CLASS (fl_lab_controller_parent_class)->finalize (object);
}

static void
fl_lab_controller_get_property (GObject    *object,
                                guint       prop_id,
                                GValue     *value,
                                GParamSpec *pspec)
{
  FlLabController *self = FL_LAB_CONTROLLER (object);

  switch (prop_id)
    {
    case PROP_NAME:
      g_value_set_string (value, self->name);
      break;

    case PROP_HOST:
      g_value_set_string (value, self->host);
      break;

    case PROP_ADDRESS:
      g_value_set_string (value, self->address);
      break;

    case PROP_SITE:
      g_value_set_string (value, self->site);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
fl_lab_controller_set_property (GObject      *object,
                                guint         prop_id,
                                const GValue *value,
                                GParamSpec   *pspec)
{
  FlLabController *self = FL_LAB_CONTROLLER (object);

  switch (prop_id)
    {
    case PROP_NAME:
      self->name = g_value_dup_string (value);
      break;

    case PROP_HOST:
      self->host = g_value_dup_string (value);
      break;

    case PROP_ADDRESS:
      self->address = g_value_dup_string (value);
      break;

    case PROP_SITE:
      fl_lab_controller_set_site (self, g_value_get_string (value));
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
fl_lab_controller_class_init (FlLabControllerClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = fl_lab_controller_finalize;
  object_class->get_property = fl_lab_controller_get_property;
  object_class->set_property = fl_lab_controller_set_property;

  properties[PROP_NAME] =
    g_param_spec_string ("name", NULL, NULL, NULL,
                         (G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS));
  properties[PROP_HOST] =
    g_param_spec_string ("host", NULL, NULL, NULL,
                         (G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS));
  properties[PROP_ADDRESS] =
    g_param_spec_string ("address", NULL, NULL, NULL,
                         (G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS));
  properties[PROP_SITE] =
    g_param_spec_string ("site", NULL, NULL, NULL,
                         (G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
fl_lab_controller_init (FlLabController *self)
{
}

FlLabController *
fl_lab_controller_new (const char *name,
                       const char *host,
                       const char *address)
{
  return g_object_new (FL_TYPE_LAB_CONTROLLER,
                       "name", name,
                       "host", host,
                       "address", address,
                       NULL);
}

const char *
fl_lab_controller_get_name (FlLabController *self)
{
  g_return_val_if_fail (FL_IS_LAB_CONTROLLER (self), NULL);

  return self->name;
}

const char *
fl_lab_controller_get_host (FlLabController *self)
{
  g_return_val_if_fail (FL_IS_LAB_CONTROLLER (self), NULL);

  return self->host;
}

const char *
fl_lab_controller_get_address (FlLabController *self)
{
  g_return_val_if_fail (FL_IS_LAB_CONTROLLER (self), NULL);

  return self->address;
}

const char *
fl_lab_controller_get_site (FlLabController *self)
{
  g_return_val_if_fail (FL_IS_LAB_CONTROLLER (self), NULL);

  return self->site;
}

void
fl_lab_controller_set_site (FlLabController *self,
                            const char      *site)
{
  g_return_if_fail (FL_IS_LAB_CONTROLLER (self));

  if (g_strcmp0 (self->site, site) == 0)
    return;

  g_free (self->site);
  self->site = g_strdup (site);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SITE]);
}

/**
 * fl_lab_controller_get_vm:
 * @node: (out) (optional): the Proxmox node
 * @vmid: (out) (optional): the VM id
 *
 * Returns: %TRUE if the controller names its virtual machine
 */
gboolean
fl_lab_controller_get_vm (FlLabController  *self,
                          const char      **node,
                          guint            *vmid)
{
  g_return_val_if_fail (FL_IS_LAB_CONTROLLER (self), FALSE);

  if (node != NULL)
    *node = self->vm_node;
  if (vmid != NULL)
    *vmid = self->vmid;

  return self->vm_node != NULL;
}

/**
 * fl_lab_controller_set_vm:
 * @node: (nullable): the Proxmox node, or %NULL for no VM
 * @vmid: the VM id
 */
void
fl_lab_controller_set_vm (FlLabController *self,
                          const char      *node,
                          guint            vmid)
{
  g_return_if_fail (FL_IS_LAB_CONTROLLER (self));

  g_free (self->vm_node);
  self->vm_node = g_strdup (node);
  self->vmid = node != NULL ? vmid : 0;
}
