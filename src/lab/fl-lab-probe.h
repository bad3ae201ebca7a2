/* fl-lab-probe.h: a lab, as the probes see it
 *
 * Copyright 2026 The Failover Lab authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "fl-lab.h"
#include "fl-probe-config.h"

G_BEGIN_DECLS

FlProbeConfig *fl_lab_create_probe_config (FlLab       *lab,
                                           const char  *password,
                                           GError     **error);
FlProbeConfig *fl_lab_create_probe_config_as (FlLab       *lab,
                                              const char  *principal,
                                              const char  *password,
                                              GError     **error);

G_END_DECLS
