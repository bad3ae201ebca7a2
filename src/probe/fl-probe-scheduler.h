/* fl-probe-scheduler.h
 *
 * Copyright 2026 The Failover Lab authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib-object.h>

#include "fl-probe-config.h"
#include "fl-sample.h"

G_BEGIN_DECLS

#define FL_TYPE_PROBE_SCHEDULER (fl_probe_scheduler_get_type ())

G_DECLARE_FINAL_TYPE (FlProbeScheduler, fl_probe_scheduler, FL, PROBE_SCHEDULER, GObject)

#define FL_CHECK_MASK(kind) (1u << (kind))
#define FL_CHECK_MASK_DEFAULT (FL_CHECK_MASK (FL_CHECK_REACH) | FL_CHECK_MASK (FL_CHECK_DNS) | \
                               FL_CHECK_MASK (FL_CHECK_LDAP_PING) | FL_CHECK_MASK (FL_CHECK_LDAP) | \
                               FL_CHECK_MASK (FL_CHECK_KERBEROS) | \
                               FL_CHECK_MASK (FL_CHECK_MACHINE_TRUST) | \
                               FL_CHECK_MASK (FL_CHECK_SMB) | FL_CHECK_MASK (FL_CHECK_SYSVOL) | \
                               FL_CHECK_MASK (FL_CHECK_TIME) | \
                               FL_CHECK_MASK (FL_CHECK_NETWORK) | \
                               FL_CHECK_MASK (FL_CHECK_LOCATOR) | \
                               FL_CHECK_MASK (FL_CHECK_KDC_VIEW) | \
                               FL_CHECK_MASK (FL_CHECK_FSMO) | FL_CHECK_MASK (FL_CHECK_GPO) | \
                               FL_CHECK_MASK (FL_CHECK_SSSD))

FlProbeScheduler *fl_probe_scheduler_new          (FlProbeConfig    *config);
FlProbeConfig    *fl_probe_scheduler_get_config   (FlProbeScheduler *self);
void              fl_probe_scheduler_set_checks   (FlProbeScheduler *self,
                                                   guint32           mask);
guint32           fl_probe_scheduler_get_checks   (FlProbeScheduler *self);
void              fl_probe_scheduler_set_interval (FlProbeScheduler *self,
                                                   guint             interval_ms);
guint             fl_probe_scheduler_get_interval (FlProbeScheduler *self);
void              fl_probe_scheduler_set_deadline (FlProbeScheduler *self,
                                                   guint             deadline_ms);
guint             fl_probe_scheduler_get_deadline (FlProbeScheduler *self);
void              fl_probe_scheduler_start        (FlProbeScheduler *self);
void              fl_probe_scheduler_stop         (FlProbeScheduler *self);
gboolean          fl_probe_scheduler_is_running   (FlProbeScheduler *self);
guint             fl_probe_scheduler_run_round    (FlProbeScheduler *self);
guint             fl_probe_scheduler_get_n_in_flight (FlProbeScheduler *self);

G_END_DECLS
