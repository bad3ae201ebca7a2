/* fl-lab-private.h: the lab model's insides, shared by fl-lab.c, fl-lab-codec.c and
 * fl-lab-validate.c only
 *
 * Copyright 2026 The Failover Lab authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "fl-lab.h"

G_BEGIN_DECLS

/* the hypervisor's settings: one kind, and only that kind's fields */
typedef struct
{
  char *url;
  char *token_id;
  char *user;          /* ticket login */
  char *fingerprint;   /* the pinned certificate, "AB:CD:…" */
} FlLabProxmoxApi;

typedef struct
{
  char  *host;
  char  *user;
  char  *known_hosts;
  guint  port;
} FlLabProxmoxSsh;

/* the Windows client's OpenSSH server: the same fields */
typedef FlLabProxmoxSsh FlLabSsh;

typedef struct
{
  FlHypervisorKind kind;
  union
  {
    FlLabProxmoxApi api;   /* FL_HYPERVISOR_PROXMOX_API */
    FlLabProxmoxSsh ssh;   /* FL_HYPERVISOR_PROXMOX_SSH */
  };
} FlLabHypervisor;

/* A lab: the domain, its controllers, the client, the hypervisor and references to
 * credentials. Lab files are JSON ("format": 1); they never hold a secret. Every error names
 * the JSON path of the value at fault, e.g. `controllers[1].address: "10.0.0.300" is not an
 * IP address`, so a user can fix a file at 2 a.m. without reading code. */
struct _FlLab
{
  GObject parent_instance;

  /* owned */
  GPtrArray *controllers;
  char *file;
  char *name;
  char *domain;
  char *realm;
  char *netbios;
  char *client_name;
  char *client_vm_node;
  char *client_codepage;   /* nullable: the console's, when its output is not UTF-8 */
  guint client_poll_ms;
  FlLabSsh client_ssh;     /* host NULL: none */
  char *reference_host;
  char *cred_user;
  char *cred_machine;
  char *cred_keytab;
  char *cred_keyring_key;

  FlLabHypervisor hv;
  FlClientAccess client_access;
  guint client_vmid;
  guint interval_ms;
  guint deadline_ms;

  guint has_client : 1;
};

void fl_lab_hypervisor_clear    (FlLabHypervisor  *hv);
void fl_lab_set_api_fingerprint (FlLabProxmoxApi  *api,
                                 const char       *fingerprint);
void fl_lab_set_range_error     (GError          **error,
                                 const char       *where,
                                 gint64            value,
                                 gint64            min,
                                 gint64            max);

G_END_DECLS
