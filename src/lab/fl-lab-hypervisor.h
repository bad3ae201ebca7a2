/* fl-lab-hypervisor.h: the hypervisor a lab file names
 *
 * Copyright 2026 The Failover Lab authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "fl-hypervisor.h"
#include "fl-lab.h"
#include "fl-ssh.h"

G_BEGIN_DECLS

FlHypervisor *fl_lab_create_hypervisor (FlLab       *lab,
                                        const char  *secret,
                                        GError     **error);
FlSsh        *fl_lab_create_client_ssh (FlLab       *lab,
                                        const char  *passphrase);
gboolean      fl_lab_find_vm           (FlLab       *lab,
                                        const char  *name,
                                        guint       *vmid,
                                        const char **canonical);

G_END_DECLS
