/* fl-cldap.h: the LDAP ping's messages (an LDAPv3 search of the rootDSE for `Netlogon`)
 *
 * Copyright 2026 The Failover Lab authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

GBytes   *fl_cldap_build_request (int           message_id,
                                  const char   *dns_domain,
                                  guint32       nt_version);
gboolean  fl_cldap_parse_reply   (const guint8 *data,
                                  gsize         length,
                                  int           message_id,
                                  GBytes      **netlogon,
                                  GError      **error);
GBytes   *fl_hex_decode          (const char   *text,
                                  gsize         length);
GBytes   *fl_cldap_netlogon_from_capture (const guint8 *data,
                                          gsize         length,
                                          GError      **error);

G_END_DECLS
