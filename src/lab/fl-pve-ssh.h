/* fl-pve-ssh.h: Proxmox VE over SSH (libssh2): pvesh and qm on a node, as an FlHypervisor
 *
 * Copyright 2026 The Failover Lab authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "fl-hypervisor.h"

G_BEGIN_DECLS

#define FL_TYPE_PVE_SSH (fl_pve_ssh_get_type ())

G_DECLARE_FINAL_TYPE (FlPveSsh, fl_pve_ssh, FL, PVE_SSH, GObject)

FlPveSsh    *fl_pve_ssh_new                  (const char  *host,
                                              guint        port,
                                              const char  *user,
                                              const char  *known_hosts);
void         fl_pve_ssh_set_key_file         (FlPveSsh    *self,
                                              const char  *path,
                                              const char  *passphrase);
void         fl_pve_ssh_set_use_agent        (FlPveSsh    *self,
                                              gboolean     use_agent);
void         fl_pve_ssh_set_vm_node          (FlPveSsh    *self,
                                              guint        vmid,
                                              const char  *node);
void         fl_pve_ssh_set_timing           (FlPveSsh    *self,
                                              guint        command_timeout_s,
                                              guint        poll_ms,
                                              guint        task_timeout_s);
const char  *fl_pve_ssh_get_host_fingerprint (FlPveSsh    *self);
gboolean     fl_pve_ssh_get_host_key_changed (FlPveSsh   *self);
gboolean     fl_pve_ssh_accept_host_key      (FlPveSsh    *self,
                                              const char  *fingerprint,
                                              GError     **error);

G_END_DECLS
