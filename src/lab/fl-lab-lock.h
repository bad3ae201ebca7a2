/* fl-lab-lock.h: one lock per lab across the processes of a workstation, for VM actions
 *
 * Copyright 2026 The Failover Lab authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>

#include "fl-lab.h"

G_BEGIN_DECLS

typedef struct _FlLabLock FlLabLock;

FlLabLock *fl_lab_lock_acquire (FlLab      *lab,
                                guint       timeout_s,
                                GError    **error);
void       fl_lab_lock_release (FlLabLock  *lock);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (FlLabLock, fl_lab_lock_release)

G_END_DECLS
