/* fl-switchover-detector.h
 *
 * Copyright 2026 The Failover Lab authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib-object.h>

#include "fl-timeline.h"

G_BEGIN_DECLS

#define FL_TYPE_SWITCHOVER_DETECTOR (fl_switchover_detector_get_type ())

G_DECLARE_FINAL_TYPE (FlSwitchoverDetector, fl_switchover_detector, FL, SWITCHOVER_DETECTOR, GObject)

FlSwitchoverDetector *fl_switchover_detector_new            (FlTimeline           *timeline);
const char           *fl_switchover_detector_get_logon_server (FlSwitchoverDetector *self);
const char           *fl_switchover_detector_get_kdc        (FlSwitchoverDetector *self);
FlEvent              *fl_switchover_detector_get_last_switch (FlSwitchoverDetector *self);
FlEvent              *fl_switchover_detector_get_headline_switch (FlSwitchoverDetector *self);

G_END_DECLS
