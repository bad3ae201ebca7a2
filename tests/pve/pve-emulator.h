/* pve-emulator.h: a Proxmox VE API server for tests (no Proxmox can run here). It loads the
 * official schema of the endpoints it implements (pve-api-schema-subset.json) and checks every
 * request against it; its VMs can drive the sandbox lab's DCs.
 *
 * Copyright 2026 The Failover Lab authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>
#include <json-glib/json-glib.h>

G_BEGIN_DECLS

typedef struct _PveEmulator PveEmulator;

PveEmulator *pve_emulator_new            (const char      *schema_path,
                                          JsonNode        *config,
                                          GError         **error);
void         pve_emulator_free           (PveEmulator     *self);
gboolean     pve_emulator_listen         (PveEmulator     *self,
                                          const char      *address,
                                          guint            port,
                                          GTlsCertificate *certificate,
                                          GError         **error);
guint        pve_emulator_get_port       (PveEmulator     *self);
const char  *pve_emulator_get_fingerprint (PveEmulator    *self);

/* test controls */
void         pve_emulator_set_node_down  (PveEmulator     *self,
                                          const char      *node,
                                          gboolean         down);
void         pve_emulator_set_vm_lock    (PveEmulator     *self,
                                          guint            vmid,
                                          const char      *lock);
void         pve_emulator_set_config     (PveEmulator     *self,
                                          guint            vmid,
                                          const char      *key,
                                          const char      *value);
const char  *pve_emulator_get_state      (PveEmulator     *self,
                                          guint            vmid);
const char  *pve_emulator_get_net0       (PveEmulator     *self,
                                          guint            vmid);
void         pve_emulator_set_time_offset (PveEmulator    *self,
                                          gint64           seconds);
guint        pve_emulator_count_requests (PveEmulator     *self,
                                          const char      *method,
                                          const char      *path_suffix);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (PveEmulator, pve_emulator_free)

G_END_DECLS
