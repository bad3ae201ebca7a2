/* fl-netlogon.h: NETLOGON_SAM_LOGON_RESPONSE_EX, the answer to an LDAP ping (MS-ADTS 6.3.1.9)
 *
 * Copyright 2026 The Failover Lab authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define FL_NETLOGON_OPCODE_RESPONSE_EX      23
#define FL_NETLOGON_OPCODE_PAUSE_RESPONSE_EX 24
#define FL_NETLOGON_OPCODE_USER_UNKNOWN_EX  25

#define FL_NT_VERSION_1                  0x00000001
#define FL_NT_VERSION_5                  0x00000002
#define FL_NT_VERSION_5EX                0x00000004
#define FL_NT_VERSION_5EX_WITH_IP        0x00000008
#define FL_NT_VERSION_WITH_CLOSEST_SITE  0x00000010

#define FL_DS_PDC_FLAG            0x00000001
#define FL_DS_GC_FLAG             0x00000004
#define FL_DS_LDAP_FLAG           0x00000008
#define FL_DS_DS_FLAG             0x00000010
#define FL_DS_KDC_FLAG            0x00000020
#define FL_DS_TIMESERV_FLAG       0x00000040
#define FL_DS_CLOSEST_FLAG        0x00000080
#define FL_DS_WRITABLE_FLAG       0x00000100
#define FL_DS_GOOD_TIMESERV_FLAG  0x00000200

typedef struct
{
  guint16  opcode;
  guint32  flags;
  guint8   guid[16];
  char    *forest;
  char    *domain;
  char    *dc_host;
  char    *netbios_domain;
  char    *netbios_computer;
  char    *user;
  char    *dc_site;
  char    *client_site;
  char    *dc_address;        /* from DcSockAddr, when present */
  char    *next_closest_site; /* when present */
  guint32  nt_version;
  guint16  lm_nt_token;
  guint16  lm20_token;
} FlNetlogonReply;

FlNetlogonReply *fl_netlogon_decode           (const guint8          *data,
                                               gsize                  length,
                                               GError               **error);
void             fl_netlogon_reply_free       (FlNetlogonReply       *reply);
char            *fl_netlogon_guid_to_string   (const guint8          *guid);
char            *fl_netlogon_flags_to_string  (guint32                flags);
const char      *fl_netlogon_opcode_to_string (guint16                opcode);
gboolean         fl_netlogon_is_usable        (const FlNetlogonReply *reply);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (FlNetlogonReply, fl_netlogon_reply_free)

G_END_DECLS
