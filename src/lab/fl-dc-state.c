/* fl-dc-state.c: what the lab knows of one DC now
 *
 * One per DC, owned by the FlLabSession that feeds it: the last sample of each check (a
 * "skipped" sample is no news and changes nothing), whether the DC answers, its roles as its
 * LDAP ping says them, its VM's state and the action under way. Every property notifies only
 * when it changes; the tiles and the details window bind to it and keep no samples themselves.
 *
 * Copyright 2026 The Failover Lab authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "fl-dc-state.h"
#include "fl-lab-enums.h"

#define DS_PDC_FLAG 0x00000001
#define DS_GC_FLAG  0x00000004

struct _FlDcState
{
  GObject      parent_instance;

  FlSample    *samples[FL_N_DC_CHECKS];   /* the last that said something */
  FlSample    *answers[FL_N_DC_CHECKS];   /* the last OK or degraded */
  FlSample    *problems[FL_N_DC_CHECKS];  /* the last failed or timed out */
  FlVmState   *vm;
  char        *name;
  char        *host;
  char        *address;
  char        *site;
  char        *node;
  char        *action_error;
  guint        vmid;
  guint        fsmo_roles;                /* 1 << FlFsmoRole */
  FlAnswering  answering;
  FlLabAction  action;
  guint        pdc : 1;
  guint        gc : 1;
  guint        busy : 1;
  guint        serving : 1;
};

enum {
  PROP_0,
  PROP_NAME,
  PROP_HOST,
  PROP_ADDRESS,
  PROP_SITE,
  PROP_NODE,
  PROP_VMID,
  PROP_ANSWERING,
  PROP_PDC,
  PROP_GC,
  PROP_FSMO_ROLES,
  PROP_SERVING,
  PROP_VM_STATE,
  PROP_BUSY,
  PROP_ACTION,
  PROP_ACTION_ERROR,
  N_PROPS
};

enum {
  SAMPLE_CHANGED,
  N_SIGNALS
};

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];

G_DEFINE_FINAL_TYPE (FlDcState, fl_dc_state, G_TYPE_OBJECT)

static void
fl_dc_state_finalize (GObject *object)
{
  FlDcState *self = FL_DC_STATE (object);

  for (guint i = 0; i < FL_N_DC_CHECKS; i++)
    {
      g_clear_pointer (&self->samples[i], fl_sample_unref);
      g_clear_pointer (&self->answers[i], fl_sample_unref);
      g_clear_pointer (&self->problems[i], fl_sample_unref);
    }
  g_clear_pointer (&self->vm, fl_vm_state_free);
  g_free (self->name);
  g_free (self->host);
  g_free (self->address);
  g_free (self->site);
  g_free (self->node);
  g_free (self->action_error);
  G_OBJECT_CLASS (fl_dc_state_parent_class)->finalize (object);
}

static void
fl_dc_state_get_property (GObject    *object,
                          guint       prop_id,
                          GValue     *value,
                          GParamSpec *pspec)
{
  FlDcState *self = FL_DC_STATE (object);

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
    case PROP_NODE:
      g_value_set_string (value, self->node);
      break;
    case PROP_VMID:
      g_value_set_uint (value, self->vmid);
      break;
    case PROP_FSMO_ROLES:
      g_value_set_uint (value, self->fsmo_roles);
      break;
    case PROP_SERVING:
      g_value_set_boolean (value, self->serving);
      break;
    case PROP_ANSWERING:
      g_value_set_enum (value, self->answering);
      break;
    case PROP_PDC:
      g_value_set_boolean (value, self->pdc);
      break;
    case PROP_GC:
      g_value_set_boolean (value, self->gc);
      break;
    case PROP_VM_STATE:
      g_value_set_boxed (value, self->vm);
      break;
    case PROP_BUSY:
      g_value_set_boolean (value, self->busy);
      break;
    case PROP_ACTION:
      g_value_set_enum (value, self->action);
      break;
    case PROP_ACTION_ERROR:
      g_value_set_string (value, self->action_error);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
fl_dc_state_class_init (FlDcStateClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GParamFlags ro = G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS;

  object_class->finalize = fl_dc_state_finalize;
  object_class->get_property = fl_dc_state_get_property;

  properties[PROP_NAME] = g_param_spec_string ("name", NULL, NULL, NULL, ro);
  properties[PROP_HOST] = g_param_spec_string ("host", NULL, NULL, NULL, ro);
  properties[PROP_ADDRESS] = g_param_spec_string ("address", NULL, NULL, NULL, ro);
  properties[PROP_SITE] = g_param_spec_string ("site", NULL, NULL, NULL, ro);
  properties[PROP_NODE] = g_param_spec_string ("node", NULL, NULL, NULL, ro);
  properties[PROP_VMID] = g_param_spec_uint ("vmid", NULL, NULL, 0, G_MAXUINT, 0, ro);
  properties[PROP_ANSWERING] = g_param_spec_enum ("answering", NULL, NULL, FL_TYPE_ANSWERING,
                                                  FL_ANSWERING_UNKNOWN, ro);
  properties[PROP_PDC] = g_param_spec_boolean ("pdc", NULL, NULL, FALSE, ro);
  properties[PROP_GC] = g_param_spec_boolean ("gc", NULL, NULL, FALSE, ro);
  /* the FSMO roles it holds, as the domain's fsmo check last read them: 1 << FlFsmoRole */
  properties[PROP_FSMO_ROLES] = g_param_spec_uint ("fsmo-roles", NULL, NULL, 0, G_MAXUINT, 0, ro);
  /* the locator serves the workstation from it now (the active logon server) */
  properties[PROP_SERVING] = g_param_spec_boolean ("serving", NULL, NULL, FALSE, ro);
  properties[PROP_VM_STATE] = g_param_spec_boxed ("vm-state", NULL, NULL, FL_TYPE_VM_STATE, ro);
  properties[PROP_BUSY] = g_param_spec_boolean ("busy", NULL, NULL, FALSE, ro);
  properties[PROP_ACTION] = g_param_spec_enum ("action", NULL, NULL, FL_TYPE_LAB_ACTION, FL_N_LAB_ACTIONS, ro);
  properties[PROP_ACTION_ERROR] = g_param_spec_string ("action-error", NULL, NULL, NULL, ro);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  /**
   * FlDcState::sample-changed:
   * @kind: the check whose last sample changed
   */
  signals[SAMPLE_CHANGED] =
    g_signal_new ("sample-changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                  G_TYPE_NONE, 1, G_TYPE_UINT);
}

static void
fl_dc_state_init (FlDcState *self)
{
  self->answering = FL_ANSWERING_UNKNOWN;
  self->action = FL_N_LAB_ACTIONS;
}

/**
 * fl_dc_state_new:
 * @site: (nullable): the AD site the lab file puts it in
 * @node: (nullable): the hypervisor node of its VM
 * @vmid: its VM, 0 for none
 */
FlDcState *
fl_dc_state_new (const char *name,
                 const char *host,
                 const char *address,
                 const char *site,
                 const char *node,
                 guint       vmid)
{
  FlDcState *self = g_object_new (FL_TYPE_DC_STATE, NULL);

  self->name = g_strdup (name);
  self->host = g_strdup (host);
  self->address = g_strdup (address);
  self->site = g_strdup (site);
  self->node = g_strdup (node);
  self->vmid = vmid;
  return self;
}

const char *
fl_dc_state_get_name (FlDcState *self)
{
  g_return_val_if_fail (FL_IS_DC_STATE (self), NULL);
  return self->name;
}

const char *
fl_dc_state_get_host (FlDcState *self)
{
  g_return_val_if_fail (FL_IS_DC_STATE (self), NULL);
  return self->host;
}

const char *
fl_dc_state_get_address (FlDcState *self)
{
  g_return_val_if_fail (FL_IS_DC_STATE (self), NULL);
  return self->address;
}

const char *
fl_dc_state_get_site (FlDcState *self)
{
  g_return_val_if_fail (FL_IS_DC_STATE (self), NULL);
  return self->site;
}

const char *
fl_dc_state_get_node (FlDcState *self)
{
  g_return_val_if_fail (FL_IS_DC_STATE (self), NULL);
  return self->node;
}

guint
fl_dc_state_get_fsmo_roles (FlDcState *self)
{
  g_return_val_if_fail (FL_IS_DC_STATE (self), 0);
  return self->fsmo_roles;
}

gboolean
fl_dc_state_get_serving (FlDcState *self)
{
  g_return_val_if_fail (FL_IS_DC_STATE (self), FALSE);
  return self->serving;
}

guint
fl_dc_state_get_vmid (FlDcState *self)
{
  g_return_val_if_fail (FL_IS_DC_STATE (self), 0);
  return self->vmid;
}

FlAnswering
fl_dc_state_get_answering (FlDcState *self)
{
  g_return_val_if_fail (FL_IS_DC_STATE (self), FL_ANSWERING_UNKNOWN);
  return self->answering;
}

gboolean
fl_dc_state_get_pdc (FlDcState *self)
{
  g_return_val_if_fail (FL_IS_DC_STATE (self), FALSE);
  return self->pdc;
}

gboolean
fl_dc_state_get_gc (FlDcState *self)
{
  g_return_val_if_fail (FL_IS_DC_STATE (self), FALSE);
  return self->gc;
}

/**
 * fl_dc_state_get_sample:
 *
 * Returns: (transfer none) (nullable): the last sample of @kind that said something (not
 *   "skipped", unless nothing else came yet)
 */
FlSample *
fl_dc_state_get_sample (FlDcState   *self,
                        FlCheckKind  kind)
{
  g_return_val_if_fail (FL_IS_DC_STATE (self), NULL);
  g_return_val_if_fail (kind < FL_N_DC_CHECKS, NULL);
  return self->samples[kind];
}

/**
 * fl_dc_state_get_last_answer:
 *
 * Returns: (transfer none) (nullable): the last OK or degraded sample of @kind
 */
FlSample *
fl_dc_state_get_last_answer (FlDcState   *self,
                             FlCheckKind  kind)
{
  g_return_val_if_fail (FL_IS_DC_STATE (self), NULL);
  g_return_val_if_fail (kind < FL_N_DC_CHECKS, NULL);
  return self->answers[kind];
}

/**
 * fl_dc_state_get_last_problem:
 *
 * Returns: (transfer none) (nullable): the last failed or timed-out sample of @kind
 */
FlSample *
fl_dc_state_get_last_problem (FlDcState   *self,
                              FlCheckKind  kind)
{
  g_return_val_if_fail (FL_IS_DC_STATE (self), NULL);
  g_return_val_if_fail (kind < FL_N_DC_CHECKS, NULL);
  return self->problems[kind];
}

const FlVmState *
fl_dc_state_get_vm_state (FlDcState *self)
{
  g_return_val_if_fail (FL_IS_DC_STATE (self), NULL);
  return self->vm;
}

gboolean
fl_dc_state_get_busy (FlDcState *self)
{
  g_return_val_if_fail (FL_IS_DC_STATE (self), FALSE);
  return self->busy;
}

FlLabAction
fl_dc_state_get_action (FlDcState *self)
{
  g_return_val_if_fail (FL_IS_DC_STATE (self), FL_N_LAB_ACTIONS);
  return self->action;
}

const char *
fl_dc_state_get_action_error (FlDcState *self)
{
  g_return_val_if_fail (FL_IS_DC_STATE (self), NULL);
  return self->action_error;
}

/* one bit-field property: set, and notify when it changed */
static void
update_flag (FlDcState *self,
             gboolean   old_value,
             gboolean   new_value,
             guint      prop)
{
  if (!old_value == !new_value)
    return;
  g_object_notify_by_pspec (G_OBJECT (self), properties[prop]);
}

/**
 * fl_dc_state_add_sample:
 *
 * A sample of this DC's: kept as the last of its check, unless it is "skipped" (the check was
 * still running: no news) and an answer is already known.
 */
void
fl_dc_state_add_sample (FlDcState *self,
                        FlSample  *sample)
{
  FlCheckKind kind;

  g_return_if_fail (FL_IS_DC_STATE (self));
  g_return_if_fail (sample != NULL);

  kind = fl_sample_get_kind (sample);
  if (kind >= FL_N_DC_CHECKS)
    return;
  if (fl_sample_get_status (sample) == FL_STATUS_SKIPPED && self->samples[kind] != NULL)
    return;
  g_clear_pointer (&self->samples[kind], fl_sample_unref);
  self->samples[kind] = fl_sample_ref (sample);
  switch (fl_sample_get_status (sample))
    {
    case FL_STATUS_OK:
    case FL_STATUS_DEGRADED:
      g_clear_pointer (&self->answers[kind], fl_sample_unref);
      self->answers[kind] = fl_sample_ref (sample);
      break;
    case FL_STATUS_FAIL:
    case FL_STATUS_TIMEOUT:
      g_clear_pointer (&self->problems[kind], fl_sample_unref);
      self->problems[kind] = fl_sample_ref (sample);
      break;
    case FL_STATUS_SKIPPED:
    default:
      break;
    }

  if (kind == FL_CHECK_LDAP_PING)
    {
      FlAnswering answering;
      gint64 flags = 0;

      switch (fl_sample_get_status (sample))
        {
        case FL_STATUS_OK:
        case FL_STATUS_DEGRADED:
          answering = FL_ANSWERING_YES;
          break;
        case FL_STATUS_FAIL:
        case FL_STATUS_TIMEOUT:
          answering = FL_ANSWERING_NO;
          break;
        case FL_STATUS_SKIPPED:   /* still running from the last round: no news */
        default:
          answering = self->answering;
          break;
        }
      if (answering != self->answering)
        {
          self->answering = answering;
          g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ANSWERING]);
        }
      /* the roles as the DC's own LDAP ping says them (DS flags), not a display string */
      if (fl_sample_lookup_int64 (sample, "flags", &flags))
        {
          gboolean pdc = self->pdc, gc = self->gc;

          self->pdc = (flags & DS_PDC_FLAG) != 0;
          self->gc = (flags & DS_GC_FLAG) != 0;
          update_flag (self, pdc, self->pdc, PROP_PDC);
          update_flag (self, gc, self->gc, PROP_GC);
        }
    }
  g_signal_emit (self, signals[SAMPLE_CHANGED], 0, (guint)kind);
}

/**
 * fl_dc_state_set_vm_state:
 * @state: (nullable): the VM's state, %NULL when it could not be read
 */
void
fl_dc_state_set_vm_state (FlDcState       *self,
                          const FlVmState *state)
{
  g_return_if_fail (FL_IS_DC_STATE (self));

  if (state == NULL && self->vm == NULL)
    return;
  if (state != NULL && self->vm != NULL && state->uptime_s / 60 == self->vm->uptime_s / 60 &&
      state->link_down == self->vm->link_down && g_strcmp0 (state->status, self->vm->status) == 0 &&
      g_strcmp0 (state->qmpstatus, self->vm->qmpstatus) == 0 && g_strcmp0 (state->lock, self->vm->lock) == 0 &&
      g_strcmp0 (state->name, self->vm->name) == 0)
    {
      /* the same, but for seconds of uptime: keep the newer figures, say nothing */
      self->vm->uptime_s = state->uptime_s;
      return;
    }
  g_clear_pointer (&self->vm, fl_vm_state_free);
  self->vm = state ? fl_vm_state_copy (state) : NULL;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_VM_STATE]);
}

void
fl_dc_state_set_action (FlDcState   *self,
                        gboolean     busy,
                        FlLabAction  action)
{
  g_return_if_fail (FL_IS_DC_STATE (self));

  if (!busy)
    action = FL_N_LAB_ACTIONS;
  if (self->action != action)
    {
      self->action = action;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ACTION]);
    }
  if (self->busy != !!busy)
    {
      self->busy = !!busy;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_BUSY]);
    }
}

void
fl_dc_state_set_action_error (FlDcState  *self,
                              const char *message)
{
  g_return_if_fail (FL_IS_DC_STATE (self));

  if (g_strcmp0 (self->action_error, message) == 0)
    return;
  g_free (self->action_error);
  self->action_error = g_strdup (message);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ACTION_ERROR]);
}

/**
 * fl_dc_state_set_fsmo_roles:
 * @roles: the FSMO roles it holds: 1 << FlFsmoRole
 */
void
fl_dc_state_set_fsmo_roles (FlDcState *self,
                            guint      roles)
{
  g_return_if_fail (FL_IS_DC_STATE (self));

  if (self->fsmo_roles == roles)
    return;
  self->fsmo_roles = roles;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_FSMO_ROLES]);
}

void
fl_dc_state_set_serving (FlDcState *self,
                         gboolean   serving)
{
  gboolean before;

  g_return_if_fail (FL_IS_DC_STATE (self));

  before = self->serving;
  self->serving = !!serving;
  update_flag (self, before, self->serving, PROP_SERVING);
}
