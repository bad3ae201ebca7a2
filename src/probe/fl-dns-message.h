/* fl-dns-message.h: DNS queries and answers (RFC 1035, SRV RFC 2782), pure functions
 *
 * Copyright 2026 The Failover Lab authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define FL_DNS_TYPE_A    1
#define FL_DNS_TYPE_AAAA 28
#define FL_DNS_TYPE_SRV  33

typedef struct
{
  guint16  priority;
  guint16  weight;
  guint16  port;
  char    *target;
} FlDnsSrv;

typedef struct
{
  guint16    id;
  guint      rcode;
  gboolean   authoritative;
  gboolean   truncated;
  GPtrArray *srv;        /* FlDnsSrv*, in answer order */
  GPtrArray *addresses;  /* char* (A/AAAA, text form) */
  guint      n_answers;  /* all answer records, of any type */
} FlDnsResponse;

GBytes         *fl_dns_build_query        (guint16              id,
                                           const char          *name,
                                           guint16              qtype,
                                           GError             **error);
FlDnsResponse  *fl_dns_parse_response     (const guint8        *data,
                                           gsize                length,
                                           guint16              id,
                                           const char          *qname,
                                           guint16              qtype,
                                           GError             **error);
void            fl_dns_response_free      (FlDnsResponse       *response);
const char     *fl_dns_rcode_to_string    (guint                rcode);
void            fl_dns_sort_srv           (GPtrArray           *srv,
                                           guint32              seed);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (FlDnsResponse, fl_dns_response_free)

G_END_DECLS
