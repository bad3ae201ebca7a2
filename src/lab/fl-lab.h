/* fl-lab.h
 *
 * Copyright 2026 The Failover Lab authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

#include "fl-lab-controller.h"
#include "fl-lab-types.h"

G_BEGIN_DECLS

#define FL_TYPE_LAB (fl_lab_get_type ())

G_DECLARE_FINAL_TYPE (FlLab, fl_lab, FL, LAB, GObject)

/* Lab files larger than this are refused before parsing. */
#define FL_LAB_MAX_FILE_SIZE (1024 * 1024)

FlLab            *fl_lab_new                      (const char       *name,
                                                   const char       *domain);
FlLab            *fl_lab_new_from_data            (const char       *data,
                                                   gssize            length,
                                                   GError          **error);
FlLab            *fl_lab_new_from_file            (const char       *path,
                                                   GError          **error);
gboolean          fl_lab_validate                 (FlLab            *self,
                                                   GError          **error);
char             *fl_lab_to_data                  (FlLab            *self,
                                                   gsize            *length);
gboolean          fl_lab_save_to_file             (FlLab            *self,
                                                   const char       *path,
                                                   GError          **error);
const char       *fl_lab_get_file                 (FlLab            *self);
void              fl_lab_set_file                 (FlLab            *self,
                                                   const char       *path);
char             *fl_lab_resolve_path             (FlLab            *self,
                                                   const char       *path);

const char       *fl_lab_get_name                 (FlLab            *self);
const char       *fl_lab_get_domain               (FlLab            *self);
const char       *fl_lab_get_realm                (FlLab            *self);
void              fl_lab_set_realm                (FlLab            *self,
                                                   const char       *realm);
const char       *fl_lab_get_netbios              (FlLab            *self);
void              fl_lab_set_netbios              (FlLab            *self,
                                                   const char       *netbios);

guint             fl_lab_get_n_controllers        (FlLab            *self);
FlLabController  *fl_lab_get_controller           (FlLab            *self,
                                                   guint             position);
FlLabController  *fl_lab_lookup_controller        (FlLab            *self,
                                                   const char       *name);
void              fl_lab_add_controller           (FlLab            *self,
                                                   FlLabController  *controller);

gboolean          fl_lab_has_client               (FlLab            *self);
const char       *fl_lab_get_client_name          (FlLab            *self);
FlClientAccess    fl_lab_get_client_access        (FlLab            *self);
guint             fl_lab_get_client_poll_ms       (FlLab            *self);
const char       *fl_lab_get_client_codepage      (FlLab            *self);
gboolean          fl_lab_client_is_remote         (FlLab            *self);
gboolean          fl_lab_client_needs_hypervisor  (FlLab            *self);
gboolean          fl_lab_get_client_ssh           (FlLab            *self,
                                                   const char      **host,
                                                   guint            *port,
                                                   const char      **user,
                                                   const char      **known_hosts);
void              fl_lab_set_client_ssh           (FlLab            *self,
                                                   const char       *host,
                                                   guint             port,
                                                   const char       *user,
                                                   const char       *known_hosts);
gboolean          fl_lab_codepage_valid           (const char       *codepage);
gboolean          fl_lab_get_client_vm            (FlLab            *self,
                                                   const char      **node,
                                                   guint            *vmid);
void              fl_lab_set_client               (FlLab            *self,
                                                   const char       *name,
                                                   FlClientAccess    access,
                                                   const char       *vm_node,
                                                   guint             vmid);

const char       *fl_lab_get_reference_host       (FlLab            *self);
void              fl_lab_set_reference_host       (FlLab            *self,
                                                   const char       *host);

FlHypervisorKind  fl_lab_get_hypervisor_kind      (FlLab            *self);
const char       *fl_lab_get_hypervisor_url       (FlLab            *self);
const char       *fl_lab_get_hypervisor_token_id  (FlLab            *self);
const char       *fl_lab_get_hypervisor_user      (FlLab            *self);
const char       *fl_lab_get_hypervisor_fingerprint (FlLab          *self);
void              fl_lab_set_hypervisor_fingerprint (FlLab          *self,
                                                   const char       *fingerprint);
const char       *fl_lab_get_hypervisor_host      (FlLab            *self);
guint             fl_lab_get_hypervisor_port      (FlLab            *self);
const char       *fl_lab_get_hypervisor_known_hosts (FlLab          *self);
void              fl_lab_set_proxmox_api          (FlLab            *self,
                                                   const char       *url,
                                                   const char       *token_id,
                                                   const char       *user,
                                                   const char       *fingerprint);
void              fl_lab_set_proxmox_ssh          (FlLab            *self,
                                                   const char       *host,
                                                   const char       *user,
                                                   guint             port,
                                                   const char       *known_hosts);

const char       *fl_lab_get_user_principal      (FlLab            *self);
const char       *fl_lab_get_machine_principal   (FlLab            *self);
const char       *fl_lab_get_keytab              (FlLab            *self);
const char       *fl_lab_get_keyring_key         (FlLab            *self);
char             *fl_lab_get_identity            (FlLab            *self);
void              fl_lab_set_credentials         (FlLab            *self,
                                                  const char       *user_principal,
                                                  const char       *machine_principal,
                                                  const char       *keytab,
                                                  const char       *keyring_key);

guint             fl_lab_get_interval_ms          (FlLab            *self);
guint             fl_lab_get_deadline_ms          (FlLab            *self);
void              fl_lab_set_probe_timing         (FlLab            *self,
                                                   guint             interval_ms,
                                                   guint             deadline_ms);

/* Helpers shared with the command line and the editor. */
gboolean          fl_lab_is_dns_name              (const char       *name);
char             *fl_lab_normalize_fingerprint    (const char       *text);
gboolean          fl_lab_is_fingerprint           (const char       *text);

G_END_DECLS
