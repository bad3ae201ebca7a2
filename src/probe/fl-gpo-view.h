/* fl-gpo-view.h: the gpo view: each GPO's version in AD against GPT.INI on each DC's SYSVOL
 *
 * Copyright 2026 The Failover Lab authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "fl-probe-types.h"
#include "fl-sample.h"

G_BEGIN_DECLS

FlStatus fl_gpo_view (FlSample          *gpo,
                      FlSample * const  *sysvol,
                      const char * const *dcs,
                      guint              n_dcs,
                      char             **text);

G_END_DECLS
