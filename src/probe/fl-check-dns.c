/* fl-check-dns.c: the dns check: the DC's DNS server answers the domain's SRV records
 *
 * Copyright 2026 The Failover Lab authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "fl-checks"

#include "config.h"

#include <glib/gi18n-lib.h>

#include "fl-check-private.h"
#include "fl-dns-message.h"
#include "fl-net.h"

typedef struct
{
  guint16 ids[3];
} DnsIds;

static gboolean
accept_dns_id (const guint8 *data,
               gsize         length,
               gpointer      user_data)
{
  guint16 *id = user_data;

  return length >= 2 && ((data[0] << 8) | data[1]) == *id;
}

/* The same question over TCP (RFC 1035 4.2.2: a two-byte length before each message), for an
 * answer that came back truncated (TC) over UDP; under the same deadline. */
FlDnsResponse *
fl_check_dns_ask_tcp (const char  *server,
                      guint16      port,
                      GBytes      *query,
                      guint16      id,
                      const char  *name,
                      guint16      qtype,
                      gint64       deadline_us,
                      GError     **error)
{
  g_autoptr(GSocket) socket = fl_net_tcp_connect (server, port, "DNS", deadline_us, error);
  g_autoptr(GByteArray) out = g_byte_array_new ();
  g_autofree guint8 *answer = NULL;
  guint8 prefix[2];
  gsize qlen, got = 0, want = 2;
  const guint8 *q;

  if (socket == NULL)
    return NULL;
  q = g_bytes_get_data (query, &qlen);
  prefix[0] = (guint8)(qlen >> 8);
  prefix[1] = (guint8)qlen;
  g_byte_array_append (out, prefix, 2);
  g_byte_array_append (out, q, (guint)qlen);
  g_socket_set_timeout (socket, (guint)MAX (1, fl_net_remaining_us (deadline_us) / G_USEC_PER_SEC + 1));
  if (g_socket_send (socket, (const char *)out->data, out->len, NULL, NULL) != (gssize)out->len)
    {
      g_set_error (error, FL_PROBE_ERROR, FL_PROBE_ERROR_PROTOCOL, _("DNS (%s:53, TCP): the question could not be sent"),
                   server);
      return NULL;
    }
  /* the length, then the message: each read bounded by the deadline */
  answer = g_malloc (65535);
  for (gboolean have_len = FALSE;;)
    {
      gssize n;
      GIOCondition c;

      if (fl_net_remaining_us (deadline_us) <= 0)
        {
          g_set_error (error, FL_PROBE_ERROR, FL_PROBE_ERROR_TIMEOUT, _("DNS (%s:53, TCP): no answer before the deadline"),
                       server);
          return NULL;
        }
      c = g_socket_condition_timed_wait (socket, G_IO_IN, fl_net_remaining_us (deadline_us), NULL, NULL)
          ? G_IO_IN : 0;
      if (c == 0)
        continue;
      n = g_socket_receive (socket, have_len ? (char *)answer + got : (char *)prefix + got, want - got, NULL, NULL);
      if (n <= 0)
        {
          g_set_error (error, FL_PROBE_ERROR, FL_PROBE_ERROR_PROTOCOL, _("DNS (%s:53, TCP): the connection closed"),
                       server);
          return NULL;
        }
      got += (gsize)n;
      if (got < want)
        continue;
      if (have_len)
        break;
      have_len = TRUE;
      want = ((gsize)prefix[0] << 8) | prefix[1];
      got = 0;
      if (want == 0)
        {
          g_set_error (error, FL_PROBE_ERROR, FL_PROBE_ERROR_PROTOCOL, _("DNS (%s:53, TCP): an empty answer"), server);
          return NULL;
        }
    }
  return fl_dns_parse_response (answer, want, id, name, qtype, error);
}

/**
 * fl_check_dns_ask:
 * @port: 53, but for tests
 *
 * One DNS question to @server as a resolver asks it: over UDP, then again over TCP when the
 * answer came back truncated; all under @deadline_us.
 */
FlDnsResponse *
fl_check_dns_ask (const char  *server,
                  guint16      port,
                  const char  *name,
                  guint16      qtype,
                  gint64       deadline_us,
                  GError     **error)
{
  guint16 id = (guint16)g_random_int_range (1, 65536);
  g_autoptr(GBytes) query = fl_dns_build_query (id, name, qtype, error);
  g_autoptr(GBytes) answer = NULL;
  FlDnsResponse *r;
  gsize len;
  const guint8 *data;

  if (query == NULL)
    return NULL;
  answer = fl_net_udp_exchange (server, port, query, deadline_us, accept_dns_id, &id, error);
  if (answer == NULL)
    return NULL;
  data = g_bytes_get_data (answer, &len);
  r = fl_dns_parse_response (data, len, id, name, qtype, error);
  /* too large for a datagram: the whole answer over TCP, as a resolver asks again */
  if (r != NULL && r->truncated)
    {
      fl_dns_response_free (r);
      return fl_check_dns_ask_tcp (server, port, query, id, name, qtype, deadline_us, error);
    }
  return r;
}

FlSample *
fl_check_dns (FlCheckRun *run)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(FlDnsResponse) ldap_srv = NULL;
  g_autoptr(FlDnsResponse) krb_srv = NULL;
  g_autoptr(FlDnsResponse) a = NULL;
  g_autofree char *ldap_name = NULL;
  g_autofree char *krb_name = NULL;
  g_autoptr(GPtrArray) targets = g_ptr_array_new_with_free_func (g_free);
  const char *domain = fl_probe_config_get_domain (run->config);

  ldap_name = g_strdup_printf ("_ldap._tcp.dc._msdcs.%s", domain);
  krb_name = g_strdup_printf ("_kerberos._tcp.%s", domain);

  ldap_srv = fl_check_dns_ask (run->dc->address, 53, ldap_name, FL_DNS_TYPE_SRV, run->deadline, &error);
  if (ldap_srv == NULL)
    return fl_check_fail (run, error);
  for (guint i = 0; i < ldap_srv->srv->len; i++)
    {
      FlDnsSrv *s = ldap_srv->srv->pdata[i];

      g_ptr_array_add (targets, g_strdup_printf ("%s:%u", s->target, s->port));
    }
  g_ptr_array_add (targets, NULL);
  g_variant_dict_insert (&run->detail, "srv", "^as", (char **)targets->pdata);
  g_variant_dict_insert (&run->detail, "rcode", "s", fl_dns_rcode_to_string (ldap_srv->rcode));

  if (ldap_srv->rcode != 0 || ldap_srv->srv->len == 0)
    {
      g_autofree char *message =
        g_strdup_printf (_("DNS at %s has no %s records (%s)"), run->dc->address, ldap_name,
                         fl_dns_rcode_to_string (ldap_srv->rcode));

      g_variant_dict_insert (&run->detail, "error", "s", "protocol");
      return fl_check_finish (run, FL_STATUS_FAIL, message);
    }

  krb_srv = fl_check_dns_ask (run->dc->address, 53, krb_name, FL_DNS_TYPE_SRV, run->deadline, &error);
  if (krb_srv == NULL)
    return fl_check_fail (run, error);
  g_variant_dict_insert (&run->detail, "kerberos_srv", "u", krb_srv->srv->len);

  a = fl_check_dns_ask (run->dc->address, 53, run->dc->host, FL_DNS_TYPE_A, run->deadline, &error);
  if (a == NULL)
    return fl_check_fail (run, error);
  if (a->addresses->len > 0)
    g_variant_dict_insert (&run->detail, "a", "s", (const char *)a->addresses->pdata[0]);

  if (krb_srv->srv->len == 0 || a->addresses->len == 0)
    {
      g_autofree char *message =
        g_strdup_printf (_("DNS at %s answers, but %s"), run->dc->address,
                         krb_srv->srv->len == 0 ? krb_name : run->dc->host);
      return fl_check_finish (run, FL_STATUS_DEGRADED, message);
    }

  return fl_check_finish (run, FL_STATUS_OK, NULL);
}
