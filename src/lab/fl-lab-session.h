/* fl-lab-session.h: one running lab, GTK-free, under the window and failoverctl
 *
 * Copyright 2026 The Failover Lab authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

#include "fl-dc-state.h"
#include "fl-hint.h"
#include "fl-hypervisor.h"
#include "fl-interlock.h"
#include "fl-lab.h"
#include "fl-probe-scheduler.h"
#include "fl-switchover-detector.h"
#include "fl-timeline.h"
#include "fl-win-client.h"

G_BEGIN_DECLS

#define FL_LAB_SESSION_ERROR (fl_lab_session_error_quark ())

typedef enum
{
  FL_LAB_SESSION_ERROR_INTERLOCK,      /* the interlocks refused, or gave a reason not confirmed */
  FL_LAB_SESSION_ERROR_NO_HYPERVISOR,  /* the lab names no hypervisor, or it is not connected */
  FL_LAB_SESSION_ERROR_NO_VM,          /* the lab names no VM for it */
} FlLabSessionError;

GQuark fl_lab_session_error_quark (void);

#define FL_TYPE_LAB_SESSION (fl_lab_session_get_type ())
G_DECLARE_FINAL_TYPE (FlLabSession, fl_lab_session, FL, LAB_SESSION, GObject)

FlLabSession         *fl_lab_session_new               (FlLab                *lab,
                                                        FlProbeConfig        *config,
                                                        FlHypervisor         *hypervisor,
                                                        guint                 history);
FlLab                *fl_lab_session_get_lab           (FlLabSession         *self);
FlProbeConfig        *fl_lab_session_get_config        (FlLabSession         *self);
FlProbeScheduler     *fl_lab_session_get_scheduler     (FlLabSession         *self);
FlTimeline           *fl_lab_session_get_timeline      (FlLabSession         *self);
FlSwitchoverDetector *fl_lab_session_get_detector      (FlLabSession         *self);
FlHypervisor         *fl_lab_session_get_hypervisor    (FlLabSession         *self);
FlWinClient          *fl_lab_session_get_win_client    (FlLabSession         *self);
GListModel           *fl_lab_session_get_dcs           (FlLabSession         *self);
FlDcState            *fl_lab_session_lookup_dc         (FlLabSession         *self,
                                                        const char           *name);
const char           *fl_lab_session_get_logon_server  (FlLabSession         *self);
const char           *fl_lab_session_get_kdc           (FlLabSession         *self);
const char           *fl_lab_session_get_sssd_server   (FlLabSession         *self);
gint64                fl_lab_session_get_logon_since   (FlLabSession         *self);
const char           *fl_lab_session_get_last_switch   (FlLabSession         *self);
FlStatus              fl_lab_session_get_network       (FlLabSession         *self);
guint                 fl_lab_session_get_fsmo_down     (FlLabSession         *self);

void                  fl_lab_session_start             (FlLabSession         *self);
void                  fl_lab_session_stop              (FlLabSession         *self);
gboolean              fl_lab_session_is_running        (FlLabSession         *self);
void                  fl_lab_session_set_interval      (FlLabSession         *self,
                                                        guint                 interval_ms);
void                  fl_lab_session_set_deadline      (FlLabSession         *self,
                                                        guint                 deadline_ms);
void                  fl_lab_session_set_hypervisor    (FlLabSession         *self,
                                                        FlHypervisor         *hypervisor);
void                  fl_lab_session_set_restart_guard (FlLabSession         *self,
                                                        guint                 minutes);
void                  fl_lab_session_add_sample        (FlLabSession         *self,
                                                        FlSample             *sample);
void                  fl_lab_session_set_vm_state      (FlLabSession         *self,
                                                        const char           *dc,
                                                        const FlVmState      *state);
void                  fl_lab_session_poll_vms          (FlLabSession         *self);

void                  fl_lab_session_look_async        (FlLabSession         *self,
                                                        GCancellable         *cancellable,
                                                        GAsyncReadyCallback   callback,
                                                        gpointer              user_data);
gboolean              fl_lab_session_look_finish       (FlLabSession         *self,
                                                        GAsyncResult         *result,
                                                        GError              **error);
void                  fl_lab_session_set_shutdown      (FlLabSession         *self,
                                                        guint                 timeout_s,
                                                        gboolean              force);
FlVerdict            *fl_lab_session_check_action      (FlLabSession         *self,
                                                        const char           *vm,
                                                        FlLabAction           action);
void                  fl_lab_session_run_action_async  (FlLabSession         *self,
                                                        const char           *vm,
                                                        FlLabAction           action,
                                                        const char           *snapshot,
                                                        guint                 confirmed,
                                                        GCancellable         *cancellable,
                                                        GAsyncReadyCallback   callback,
                                                        gpointer              user_data);
FlTaskResult         *fl_lab_session_run_action_finish (FlLabSession         *self,
                                                        GAsyncResult         *result,
                                                        GError              **error);

void                  fl_lab_session_scan_hint_context (FlLabSession        *self,
                                                          FlHintContext       *context);
const char           *fl_lab_session_get_fsmo_holder   (FlLabSession        *self,
                                                          FlFsmoRole           role);
FlVerdict            *fl_lab_session_check_transfer    (FlLabSession         *self,
                                                        FlFsmoRole            role,
                                                        const char           *target);
void                  fl_lab_session_transfer_role_async  (FlLabSession        *self,
                                                           FlFsmoRole           role,
                                                           const char          *target,
                                                           const char          *principal,
                                                           const char          *password,
                                                           guint                confirmed,
                                                           guint                timeout_ms,
                                                           GCancellable        *cancellable,
                                                           GAsyncReadyCallback  callback,
                                                           gpointer             user_data);
char                 *fl_lab_session_transfer_role_finish (FlLabSession        *self,
                                                           GAsyncResult        *result,
                                                           GError             **error);

G_END_DECLS
