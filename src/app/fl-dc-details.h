/* fl-dc-details.h
 *
 * Copyright 2026 The Failover Lab authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

#include "fl-dc-tile.h"
#include "fl-lab-session.h"

G_BEGIN_DECLS

#define FL_TYPE_DC_DETAILS (fl_dc_details_get_type ())

G_DECLARE_FINAL_TYPE (FlDcDetails, fl_dc_details, FL, DC_DETAILS, AdwWindow)

GtkWidget *fl_dc_details_new (FlDcState *state,
                              GtkWindow *parent);
void       fl_dc_details_set_session (FlDcDetails  *self,
                                      FlLabSession *session);

G_END_DECLS
