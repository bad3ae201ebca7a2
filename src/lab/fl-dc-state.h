/* fl-dc-state.h: what the lab knows of one DC now (the model a tile binds to; no GTK)
 *
 * Copyright 2026 The Failover Lab authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib-object.h>

#include "fl-hypervisor.h"
#include "fl-interlock.h"
#include "fl-sample.h"

G_BEGIN_DECLS

#define FL_TYPE_DC_STATE (fl_dc_state_get_type ())
G_DECLARE_FINAL_TYPE (FlDcState, fl_dc_state, FL, DC_STATE, GObject)

FlDcState       *fl_dc_state_new              (const char      *name,
                                               const char      *host,
                                               const char      *address,
                                               const char      *site,
                                               const char      *node,
                                               guint            vmid);
const char      *fl_dc_state_get_name         (FlDcState       *self);
const char      *fl_dc_state_get_host         (FlDcState       *self);
const char      *fl_dc_state_get_address      (FlDcState       *self);
const char      *fl_dc_state_get_site         (FlDcState       *self);
const char      *fl_dc_state_get_node         (FlDcState       *self);
guint            fl_dc_state_get_vmid         (FlDcState       *self);
guint            fl_dc_state_get_fsmo_roles   (FlDcState       *self);
gboolean         fl_dc_state_get_serving      (FlDcState       *self);
FlAnswering      fl_dc_state_get_answering    (FlDcState       *self);
gboolean         fl_dc_state_get_pdc          (FlDcState       *self);
gboolean         fl_dc_state_get_gc           (FlDcState       *self);
FlSample        *fl_dc_state_get_sample       (FlDcState       *self,
                                               FlCheckKind      kind);
FlSample        *fl_dc_state_get_last_answer  (FlDcState       *self,
                                               FlCheckKind      kind);
FlSample        *fl_dc_state_get_last_problem (FlDcState       *self,
                                               FlCheckKind      kind);
const FlVmState *fl_dc_state_get_vm_state     (FlDcState       *self);
gboolean         fl_dc_state_get_busy         (FlDcState       *self);
FlLabAction      fl_dc_state_get_action       (FlDcState       *self);
const char      *fl_dc_state_get_action_error (FlDcState       *self);

/* for the session that owns it */
void             fl_dc_state_add_sample       (FlDcState       *self,
                                               FlSample        *sample);
void             fl_dc_state_set_vm_state     (FlDcState       *self,
                                               const FlVmState *state);
void             fl_dc_state_set_action       (FlDcState       *self,
                                               gboolean         busy,
                                               FlLabAction      action);
void             fl_dc_state_set_action_error (FlDcState       *self,
                                               const char      *message);
void             fl_dc_state_set_fsmo_roles   (FlDcState       *self,
                                               guint            roles);
void             fl_dc_state_set_serving      (FlDcState       *self,
                                               gboolean         serving);

G_END_DECLS
