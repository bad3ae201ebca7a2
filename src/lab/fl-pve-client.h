/* fl-pve-client.h: the Proxmox VE REST API (libsoup 3) as an FlHypervisor
 *
 * Copyright 2026 The Failover Lab authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <json-glib/json-glib.h>

#include "fl-hypervisor.h"

G_BEGIN_DECLS

#define FL_TYPE_PVE_CLIENT (fl_pve_client_get_type ())

G_DECLARE_FINAL_TYPE (FlPveClient, fl_pve_client, FL, PVE_CLIENT, GObject)

FlPveClient *fl_pve_client_new                  (const char   *url,
                                                 GError      **error);
gboolean     fl_pve_client_set_token            (FlPveClient  *self,
                                                 const char   *token_id,
                                                 const char   *secret,
                                                 GError      **error);
void         fl_pve_client_set_login            (FlPveClient  *self,
                                                 const char   *user,
                                                 const char   *password,
                                                 const char   *totp);
void         fl_pve_client_set_totp             (FlPveClient  *self,
                                                 const char   *totp);
void         fl_pve_client_set_fingerprint      (FlPveClient  *self,
                                                 const char   *fingerprint);
void         fl_pve_client_set_ca_file          (FlPveClient  *self,
                                                 const char   *path);
const char  *fl_pve_client_get_peer_fingerprint (FlPveClient  *self);
void         fl_pve_client_set_vm_node          (FlPveClient  *self,
                                                 guint         vmid,
                                                 const char   *node);
void         fl_pve_client_set_timing           (FlPveClient  *self,
                                                 guint         request_timeout_s,
                                                 guint         poll_ms,
                                                 guint         task_timeout_s);
void         fl_pve_client_call_async           (FlPveClient  *self,
                                                 const char   *method,
                                                 const char   *path,
                                                 const char * const *params,
                                                 GCancellable *cancellable,
                                                 GAsyncReadyCallback callback,
                                                 gpointer      user_data);
JsonNode    *fl_pve_client_call_finish          (FlPveClient  *self,
                                                 GAsyncResult *result,
                                                 GError      **error);

G_END_DECLS
