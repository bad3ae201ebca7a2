/* fl-preferences.h
 *
 * Copyright 2026 The Failover Lab authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

#include "fl-lab.h"
#include "fl-vm-control.h"

G_BEGIN_DECLS

#define FL_TYPE_PREFERENCES (fl_preferences_get_type ())

G_DECLARE_FINAL_TYPE (FlPreferences, fl_preferences, FL, PREFERENCES, AdwPreferencesWindow)

GtkWidget *fl_preferences_new (GtkWindow   *parent,
                               GSettings   *settings,
                               FlLab       *lab,
                               FlVmControl *vm_control,
                               const char  *hypervisor_secret);

G_END_DECLS
