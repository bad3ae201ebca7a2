/* fl-vm-control.h: the lab's VMs from the window: states on the tiles, actions with their
 * confirmations and interlocks, outcomes as toasts and timeline events
 *
 * Copyright 2026 The Failover Lab authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

#include "fl-hypervisor.h"
#include "fl-lab.h"
#include "fl-lab-session.h"
#include "fl-timeline.h"

G_BEGIN_DECLS

#define FL_TYPE_VM_CONTROL (fl_vm_control_get_type ())

G_DECLARE_FINAL_TYPE (FlVmControl, fl_vm_control, FL, VM_CONTROL, GObject)

FlVmControl  *fl_vm_control_new           (FlLabSession    *session,
                                           GtkWindow       *window,
                                           AdwToastOverlay *toasts);
void          fl_vm_control_add_tile      (FlVmControl     *self,
                                           GtkWidget       *tile);
void          fl_vm_control_connect       (FlVmControl     *self,
                                           const char      *secret);
void          fl_vm_control_set_guard     (FlVmControl     *self,
                                           guint            minutes);
void          fl_vm_control_test_async    (FlVmControl     *self,
                                           const char      *secret,
                                           GCancellable    *cancellable,
                                           GAsyncReadyCallback callback,
                                           gpointer         user_data);
char         *fl_vm_control_test_finish   (FlVmControl     *self,
                                           GAsyncResult    *result,
                                           GError         **error);
gboolean      fl_vm_control_keyring_item  (FlLab           *lab,
                                           char           **principal,
                                           char           **scope);
void          fl_vm_control_stop          (FlVmControl     *self);

G_END_DECLS
