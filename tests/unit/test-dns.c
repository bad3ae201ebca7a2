/* test-dns.c: DNS query encoding, answer decoding and SRV ordering
 *
 * Copyright 2026 The Failover Lab authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <locale.h>
#include <string.h>

#include "fl-checks.h"
#include "fl-dns-message.h"
#include "fl-probe-types.h"

static void
test_build_query (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) q = fl_dns_build_query (0x1234, "_ldap._tcp.dc._msdcs.test.local", FL_DNS_TYPE_SRV, &error);
  const guint8 expected_head[] = { 0x12, 0x34, 0x01, 0x00, 0, 1, 0, 0, 0, 0, 0, 0, 5, '_', 'l', 'd', 'a', 'p' };
  gsize len;
  const guint8 *data = g_bytes_get_data (q, &len);

  g_assert_no_error (error);
  g_assert_cmpuint (len, ==, 12 + 33 + 4);
  g_assert_cmpmem (data, sizeof expected_head, expected_head, sizeof expected_head);
  g_assert_cmpuint (data[len - 3], ==, 33);

  g_assert_null (fl_dns_build_query (1, "a..b", FL_DNS_TYPE_A, &error));
  g_assert_error (error, FL_PROBE_ERROR, FL_PROBE_ERROR_CONFIG);
}

#define Q "_ldap._tcp.dc._msdcs.test.local"

/* A realistic SRV answer as Samba's DNS server sends it: two records, compressed targets,
 * followed by additional A records. */
static GByteArray *
srv_answer (guint16 id)
{
  GByteArray *b = g_byte_array_new ();
  g_autoptr(GBytes) q = fl_dns_build_query (id, "_ldap._tcp.dc._msdcs.test.local", FL_DNS_TYPE_SRV, NULL);
  gsize qlen;
  const guint8 *qd = g_bytes_get_data (q, &qlen);
  const guint8 rr1[] = {
    0xc0, 12, 0, 33, 0, 1, 0, 0, 3, 0x84, 0, 22,
    0, 0, 0, 100, 1, 0x85, 3, 'd', 'c', '1', 4, 't', 'e', 's', 't', 5, 'l', 'o', 'c', 'a', 'l', 0,
  };
  const guint8 rr2[] = {
    0xc0, 12, 0, 33, 0, 1, 0, 0, 3, 0x84, 0, 12,
    0, 0, 0, 100, 1, 0x85, 3, 'd', 'c', '2', 0xc0, 12 + 33 + 4 + 12 + 6 + 4,
  };
  const guint8 a[] = { 0xc0, 12 + 33 + 4 + 12 + 6, 0, 1, 0, 1, 0, 0, 3, 0x84, 0, 4, 10, 231, 7, 11 };

  g_byte_array_append (b, qd, qlen);
  b->data[2] = 0x85; /* response, authoritative, recursion desired */
  b->data[3] = 0x80;
  b->data[7] = 3;    /* three answers */
  g_byte_array_append (b, rr1, sizeof rr1);
  g_byte_array_append (b, rr2, sizeof rr2);
  g_byte_array_append (b, a, sizeof a);
  return b;
}

static void
test_parse_srv (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GByteArray) b = srv_answer (77);
  g_autoptr(FlDnsResponse) r = fl_dns_parse_response (b->data, b->len, 77, Q, FL_DNS_TYPE_SRV, &error);
  FlDnsSrv *s;

  g_assert_no_error (error);
  g_assert_cmpuint (r->rcode, ==, 0);
  g_assert_true (r->authoritative);
  g_assert_cmpuint (r->n_answers, ==, 3);
  g_assert_cmpuint (r->srv->len, ==, 2);
  s = g_ptr_array_index (r->srv, 0);
  g_assert_cmpuint (s->priority, ==, 0);
  g_assert_cmpuint (s->weight, ==, 100);
  g_assert_cmpuint (s->port, ==, 389);
  g_assert_cmpstr (s->target, ==, "dc1.test.local");
  s = g_ptr_array_index (r->srv, 1);
  g_assert_cmpstr (s->target, ==, "dc2.test.local");
  g_assert_cmpuint (r->addresses->len, ==, 1);
  g_assert_cmpstr (g_ptr_array_index (r->addresses, 0), ==, "10.231.7.11");

  /* wrong id: someone else's answer */
  g_assert_null (fl_dns_parse_response (b->data, b->len, 78, Q, FL_DNS_TYPE_SRV, &error));
  g_assert_error (error, FL_PROBE_ERROR, FL_PROBE_ERROR_MALFORMED);
  g_clear_error (&error);

  /* every truncation fails cleanly, never reads past the end */
  for (guint cut = 0; cut < b->len; cut++)
    {
      g_autoptr(FlDnsResponse) t = fl_dns_parse_response (b->data, cut, 77, Q, FL_DNS_TYPE_SRV, NULL);

      g_assert_null (t);
    }
}

/* the question must be the one asked; an SRV target must end within its record; TC is seen */
static void
test_parse_question_and_bounds (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GByteArray) b = srv_answer (9);
  g_autoptr(FlDnsResponse) r = NULL;

  /* a datagram with the right id but another question (stale, or spoofed) */
  g_assert_null (fl_dns_parse_response (b->data, b->len, 9, "_kerberos._tcp.test.local", FL_DNS_TYPE_SRV, &error));
  g_assert_error (error, FL_PROBE_ERROR, FL_PROBE_ERROR_MALFORMED);
  g_clear_error (&error);
  g_assert_null (fl_dns_parse_response (b->data, b->len, 9, Q, FL_DNS_TYPE_A, &error));
  g_assert_error (error, FL_PROBE_ERROR, FL_PROBE_ERROR_MALFORMED);
  g_clear_error (&error);
  /* the question's name in another case is the same question */
  r = fl_dns_parse_response (b->data, b->len, 9, "_LDAP._tcp.DC._msdcs.Test.Local", FL_DNS_TYPE_SRV, &error);
  g_assert_no_error (error);
  g_assert_false (r->truncated);
  g_clear_pointer (&r, fl_dns_response_free);

  /* truncated (TC): said, for the caller to ask again over TCP */
  b->data[2] |= 0x02;
  r = fl_dns_parse_response (b->data, b->len, 9, Q, FL_DNS_TYPE_SRV, &error);
  g_assert_no_error (error);
  g_assert_true (r->truncated);
  g_clear_pointer (&r, fl_dns_response_free);
  b->data[2] &= (guint8)~0x02;

  /* the first SRV record's RDLENGTH says 10 bytes: its target (6 bytes of fixed fields, then
   * a 16-byte name) would run past its record into the next one */
  b->data[12 + 33 + 4 + 11] = 10;
  g_assert_null (fl_dns_parse_response (b->data, b->len, 9, Q, FL_DNS_TYPE_SRV, &error));
  g_assert_error (error, FL_PROBE_ERROR, FL_PROBE_ERROR_MALFORMED);
}

static void
test_parse_nxdomain_and_loops (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GByteArray) b = srv_answer (5);
  g_autoptr(FlDnsResponse) r = NULL;

  b->data[3] = 0x83; /* NXDOMAIN, no answers */
  b->data[7] = 0;
  r = fl_dns_parse_response (b->data, b->len, 5, Q, FL_DNS_TYPE_SRV, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (r->rcode, ==, 3);
  g_assert_cmpstr (fl_dns_rcode_to_string (r->rcode), ==, "NXDOMAIN");
  g_assert_cmpuint (r->srv->len, ==, 0);

  /* an answer whose owner name points at itself */
  b->data[7] = 1;
  b->data[12 + 33 + 4] = 0xc0;
  b->data[12 + 33 + 4 + 1] = 12 + 33 + 4;
  g_clear_pointer (&r, fl_dns_response_free);
  r = fl_dns_parse_response (b->data, b->len, 5, Q, FL_DNS_TYPE_SRV, &error);
  g_assert_null (r);
  g_assert_error (error, FL_PROBE_ERROR, FL_PROBE_ERROR_MALFORMED);
}

static FlDnsSrv *
srv (guint16 prio, guint16 weight, const char *target)
{
  FlDnsSrv *s = g_new0 (FlDnsSrv, 1);

  s->priority = prio;
  s->weight = weight;
  s->target = g_strdup (target);
  return s;
}

static void
srv_free (gpointer p)
{
  FlDnsSrv *s = p;

  g_free (s->target);
  g_free (s);
}

static void
test_srv_order (void)
{
  guint first_a = 0, runs = 2000;

  for (guint seed = 0; seed < runs; seed++)
    {
      g_autoptr(GPtrArray) list = g_ptr_array_new_with_free_func (srv_free);

      g_ptr_array_add (list, srv (10, 0, "backup"));
      g_ptr_array_add (list, srv (0, 300, "a"));
      g_ptr_array_add (list, srv (0, 100, "b"));
      fl_dns_sort_srv (list, seed);
      /* priority first, always */
      g_assert_cmpstr (((FlDnsSrv *)list->pdata[2])->target, ==, "backup");
      if (g_str_equal (((FlDnsSrv *)list->pdata[0])->target, "a"))
        first_a++;
    }
  /* weight 300 against 100: about 3 in 4 */
  g_assert_cmpuint (first_a, >, runs * 65 / 100);
  g_assert_cmpuint (first_a, <, runs * 85 / 100);
}

/* --- a DNS server on loopback whose answer does not fit a datagram -------------------------- */

#define N_SRV 40   /* 40 SRV records: about 1.7 kB, beyond the 512 bytes of a plain UDP answer */

typedef struct
{
  GSocket *udp;
  GSocket *tcp;
  guint    udp_questions;
  guint    tcp_questions;
} DnsServer;

static GByteArray *
big_srv_answer (const guint8 *query,
            gsize         len,
            gboolean      truncated)
{
  GByteArray *a = g_byte_array_new ();
  guint n = truncated ? 0 : N_SRV;
  const guint8 head[12] = { query[0], query[1], (guint8)(0x85 | (truncated ? 0x02 : 0)), 0x80, 0, 1, 0, (guint8)n,
                            0, 0, 0, 0 };

  g_byte_array_append (a, head, sizeof head);
  g_byte_array_append (a, query + 12, (guint)(len - 12));   /* the question, as asked */
  for (guint i = 0; i < n; i++)
    {
      g_autofree char *host = g_strdup_printf ("dc%u", i + 1);
      const guint8 rr[] = { 0xc0, 0x0c, 0, 33, 0, 1, 0, 0, 0x02, 0x58 };
      const guint8 tail[] = { 4, 't', 'e', 's', 't', 5, 'l', 'o', 'c', 'a', 'l', 0 };
      guint16 rdlen = (guint16)(6 + 1 + strlen (host) + sizeof tail);
      const guint8 rdata[] = { (guint8)(rdlen >> 8), (guint8)rdlen, 0, 0, 0, 100, 0x01, 0x85, (guint8)strlen (host) };

      g_byte_array_append (a, rr, sizeof rr);
      g_byte_array_append (a, rdata, sizeof rdata);
      g_byte_array_append (a, (const guint8 *)host, (guint)strlen (host));
      g_byte_array_append (a, tail, sizeof tail);
    }
  return a;
}

static gpointer
dns_server_thread (gpointer data)
{
  DnsServer *srv = data;
  guint8 buf[1024];
  g_autoptr(GSocketAddress) from = NULL;
  g_autoptr(GSocket) conn = NULL;
  g_autoptr(GByteArray) truncated = NULL, full = NULL;
  gssize n;
  gsize want, got = 0;
  guint8 prefix[2];

  /* over UDP: truncated, no records */
  n = g_socket_receive_from (srv->udp, &from, (char *)buf, sizeof buf, NULL, NULL);
  g_assert_cmpint (n, >, 12);
  srv->udp_questions++;
  truncated = big_srv_answer (buf, (gsize)n, TRUE);
  g_socket_send_to (srv->udp, from, (const char *)truncated->data, truncated->len, NULL, NULL);

  /* the same question over TCP: the whole answer, length first */
  conn = g_socket_accept (srv->tcp, NULL, NULL);
  g_assert_nonnull (conn);
  g_assert_cmpint (g_socket_receive (conn, (char *)prefix, 2, NULL, NULL), ==, 2);
  want = ((gsize)prefix[0] << 8) | prefix[1];
  g_assert_cmpuint (want, <=, sizeof buf);
  while (got < want)
    {
      n = g_socket_receive (conn, (char *)buf + got, want - got, NULL, NULL);
      g_assert_cmpint (n, >, 0);
      got += (gsize)n;
    }
  srv->tcp_questions++;
  full = big_srv_answer (buf, want, FALSE);
  prefix[0] = (guint8)(full->len >> 8);
  prefix[1] = (guint8)full->len;
  g_socket_send (conn, (const char *)prefix, 2, NULL, NULL);
  g_socket_send (conn, (const char *)full->data, full->len, NULL, NULL);
  return NULL;
}

/* a resolver's behaviour: a truncated answer is asked again over TCP, under the same deadline */
static void
test_truncated_over_tcp (void)
{
  DnsServer srv = { NULL };
  g_autoptr(GError) error = NULL;
  g_autoptr(FlDnsResponse) r = NULL;
  GThread *thread;
  guint16 port = 0;

  for (guint attempt = 0; attempt < 20 && srv.tcp == NULL; attempt++)
    {
      g_autoptr(GInetAddress) lo = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
      g_autoptr(GSocketAddress) any = g_inet_socket_address_new (lo, 0);
      g_autoptr(GSocketAddress) bound = NULL;
      g_autoptr(GSocketAddress) same = NULL;

      g_clear_object (&srv.udp);
      srv.udp = g_socket_new (G_SOCKET_FAMILY_IPV4, G_SOCKET_TYPE_DATAGRAM, G_SOCKET_PROTOCOL_UDP, &error);
      g_assert_no_error (error);
      g_assert_true (g_socket_bind (srv.udp, any, FALSE, &error));
      bound = g_socket_get_local_address (srv.udp, &error);
      port = g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (bound));
      /* TCP on the same port number, as a DNS server listens */
      srv.tcp = g_socket_new (G_SOCKET_FAMILY_IPV4, G_SOCKET_TYPE_STREAM, G_SOCKET_PROTOCOL_TCP, &error);
      g_assert_no_error (error);
      same = g_inet_socket_address_new (lo, port);
      if (!g_socket_bind (srv.tcp, same, TRUE, NULL) || !g_socket_listen (srv.tcp, NULL))
        g_clear_object (&srv.tcp);
    }
  g_assert_nonnull (srv.tcp);

  thread = g_thread_new ("dns-server", dns_server_thread, &srv);
  r = fl_check_dns_ask ("127.0.0.1", port, "_ldap._tcp.dc._msdcs.test.local", FL_DNS_TYPE_SRV,
                        g_get_monotonic_time () + 10 * G_USEC_PER_SEC, &error);
  g_thread_join (thread);
  g_assert_no_error (error);
  g_assert_nonnull (r);
  g_assert_false (r->truncated);
  g_assert_cmpuint (srv.udp_questions, ==, 1);
  g_assert_cmpuint (srv.tcp_questions, ==, 1);
  g_assert_cmpuint (r->srv->len, ==, N_SRV);
  g_assert_cmpstr (((FlDnsSrv *)r->srv->pdata[N_SRV - 1])->target, ==, "dc40.test.local");
  g_assert_cmpuint (((FlDnsSrv *)r->srv->pdata[0])->port, ==, 389);
  g_clear_object (&srv.udp);
  g_clear_object (&srv.tcp);
}

int
main (int   argc,
      char *argv[])
{
  setlocale (LC_ALL, "C.UTF-8");
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/dns/build-query", test_build_query);
  g_test_add_func ("/dns/parse-srv", test_parse_srv);
  g_test_add_func ("/dns/parse-nxdomain-and-loops", test_parse_nxdomain_and_loops);
  g_test_add_func ("/dns/question-and-bounds", test_parse_question_and_bounds);
  g_test_add_func ("/dns/srv-order", test_srv_order);
  g_test_add_func ("/dns/truncated-over-tcp", test_truncated_over_tcp);

  return g_test_run ();
}
