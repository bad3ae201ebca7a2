/* fl-logon-banner.h
 *
 * Copyright 2026 The Failover Lab authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

#include "fl-lab-session.h"

G_BEGIN_DECLS

#define FL_TYPE_LOGON_BANNER (fl_logon_banner_get_type ())

G_DECLARE_FINAL_TYPE (FlLogonBanner, fl_logon_banner, FL, LOGON_BANNER, AdwBin)

GtkWidget *fl_logon_banner_new      (void);
void       fl_logon_banner_set_session (FlLogonBanner *self,
                                        FlLabSession  *session);

G_END_DECLS
