/* fl-pve.h: Proxmox VE wire formats, as pure functions: UPIDs, task outcomes, the netN
 * property string, API responses and their errors, VM status, certificate fingerprints.
 * Everything here parses what came from the network and is fuzzed (tests/fuzz/fuzz-pve.c).
 *
 * Copyright 2026 The Failover Lab authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <json-glib/json-glib.h>

#include "fl-hypervisor.h"

G_BEGIN_DECLS

/* what a Proxmox VE answer may be at most: the body (or a command's output), and how deep its
 * JSON nests (the API's deepest answers nest 4 or 5 levels) */
#define FL_PVE_MAX_BODY    (16 << 20)
#define FL_PVE_MAX_NESTING 64

#define FL_PVE_ERROR (fl_pve_error_quark ())

typedef enum
{
  FL_PVE_ERROR_AUTH,             /* 401: bad or expired credentials */
  FL_PVE_ERROR_PERMISSION,       /* 403: a privilege is missing */
  FL_PVE_ERROR_PARAMETER,        /* 400: the request was wrong */
  FL_PVE_ERROR_SERVER,           /* 500: the handler refused (locked, not running, …) */
  FL_PVE_ERROR_NOT_IMPLEMENTED,  /* 501 */
  FL_PVE_ERROR_NODE_UNREACHABLE, /* 595/596/597/599: the node behind the proxy */
  FL_PVE_ERROR_PROTOCOL,         /* not what a Proxmox VE server sends */
  FL_PVE_ERROR_TASK_FAILED,      /* the task ended with an error exit status */
  FL_PVE_ERROR_TLS,              /* certificate refused (pin mismatch, unknown) */
  FL_PVE_ERROR_TIMEOUT,
  FL_PVE_ERROR_HOST_KEY,         /* SSH host key unknown or changed */
  FL_PVE_ERROR_TOTP_REQUIRED,    /* the user has a second factor: ask for the current code */
  FL_PVE_ERROR_NO_SECRET,        /* none was given: each front end says where it goes */
} FlPveError;

GQuark fl_pve_error_quark (void);

/* UPID:<node>:<pid>:<pstart>:<starttime>:<type>:<id>:<user>: */
typedef struct
{
  char   *node;
  guint   pid;
  guint64 pstart;
  gint64  starttime;
  char   *type;
  char   *id;
  char   *user;
} FlPveUpid;

gboolean    fl_pve_upid_parse            (const char  *text,
                                          FlPveUpid   *upid);
void        fl_pve_upid_clear            (FlPveUpid   *upid);
char       *fl_pve_upid_format           (const char  *node,
                                          guint        pid,
                                          guint64      pstart,
                                          gint64       starttime,
                                          const char  *type,
                                          const char  *id,
                                          const char  *user);

gboolean    fl_pve_task_exit_ok          (const char  *exitstatus);

/* netN: "virtio=BC:24:11:2E:C5:4A,bridge=vmbr0,firewall=1,link_down=1" */
GPtrArray  *fl_pve_property_parse        (const char  *text,
                                          GError     **error);
char       *fl_pve_property_print        (GPtrArray   *pairs);
const char *fl_pve_property_get          (GPtrArray   *pairs,
                                          const char  *key);
void        fl_pve_property_set          (GPtrArray   *pairs,
                                          const char  *key,
                                          const char  *value);
char       *fl_pve_net_set_link          (const char  *net,
                                          gboolean     link_down,
                                          GError     **error);
gboolean    fl_pve_net_link_down         (const char  *net);

JsonNode   *fl_pve_parse_response        (guint        status,
                                          const char  *reason,
                                          const char  *body,
                                          gsize        length,
                                          GError     **error);

typedef struct
{
  char     *status;      /* running, stopped */
  char     *qmpstatus;   /* running, paused, … (status when absent) */
  char     *name;
  char     *lock;        /* nullable */
  char     *ha_state;    /* nullable: not HA-managed */
  gint64    uptime;
  gboolean  agent;
  gboolean  ha_managed;
} FlPveVmStatus;

gboolean    fl_pve_parse_vm_status       (JsonNode      *data,
                                          FlPveVmStatus *status,
                                          GError       **error);
void        fl_pve_vm_status_clear       (FlPveVmStatus *status);
char       *fl_pve_find_vm_node          (JsonNode      *resources,
                                          guint          vmid);
gboolean    fl_pve_json_get_int          (JsonObject    *object,
                                          const char    *member,
                                          gint64        *value);
JsonNode   *fl_pve_parse_cli             (int            exit_status,
                                          const char    *out,
                                          gsize          out_len,
                                          const char    *err,
                                          GError       **error);
GPtrArray  *fl_pve_parse_snapshots       (JsonNode      *data);
FlVmState  *fl_pve_vm_state_new          (guint          vmid,
                                          const char    *node,
                                          JsonNode      *status,
                                          JsonNode      *config,
                                          GError       **error);
char       *fl_pve_parse_qm_status       (const char    *out);

#define FL_PVE_MAX_TICKET         4096               /* a ticket or CSRF token longer is no answer */
#define FL_PVE_MAX_AGENT_OUTPUT   (1024 * 1024)      /* a guest command's output kept, per stream */

gboolean    fl_pve_parse_ticket          (JsonNode       *data,
                                          char          **ticket,
                                          char          **csrf,
                                          gboolean       *need_tfa,
                                          GError        **error);
gboolean    fl_pve_parse_agent_pid       (JsonNode       *data,
                                          gint64         *pid,
                                          GError        **error);
gboolean    fl_pve_parse_agent_status    (JsonNode       *data,
                                          FlAgentResult **result,
                                          GError        **error);
char       *fl_pve_fingerprint           (const guint8  *der,
                                          gsize          length);

G_END_DECLS
