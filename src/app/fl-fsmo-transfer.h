/* fl-fsmo-transfer.h: moving an FSMO role from the window: the confirmation (with the
 * interlocks' reasons and an administrator's account), the transfer, its outcome
 *
 * Copyright 2026 The Failover Lab authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

#include "fl-lab-session.h"

G_BEGIN_DECLS

GtkWidget *fl_fsmo_transfer_confirm (FlLabSession    *session,
                                     FlFsmoRole       role,
                                     const char      *target,
                                     GtkWindow       *parent,
                                     AdwToastOverlay *toasts);

G_END_DECLS
