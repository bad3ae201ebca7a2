/* fl-lab-controller.h
 *
 * Copyright 2026 The Failover Lab authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib-object.h>

G_BEGIN_DECLS

#define FL_TYPE_LAB_CONTROLLER (fl_lab_controller_get_type ())

G_DECLARE_FINAL_TYPE (FlLabController, fl_lab_controller, FL, LAB_CONTROLLER, GObject)

FlLabController *fl_lab_controller_new         (const char      *name,
                                                const char      *host,
                                                const char      *address);
const char      *fl_lab_controller_get_name    (FlLabController *self);
const char      *fl_lab_controller_get_host    (FlLabController *self);
const char      *fl_lab_controller_get_address (FlLabController *self);
const char      *fl_lab_controller_get_site    (FlLabController *self);
void             fl_lab_controller_set_site    (FlLabController *self,
                                                const char      *site);
gboolean         fl_lab_controller_get_vm      (FlLabController *self,
                                                const char     **node,
                                                guint           *vmid);
void             fl_lab_controller_set_vm      (FlLabController *self,
                                                const char      *node,
                                                guint            vmid);

G_END_DECLS
