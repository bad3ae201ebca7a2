/* test-netlogon.c: the LDAP ping request/reply codec and the NETLOGON_SAM_LOGON_RESPONSE_EX
 * decoder, with the reference vectors of [MS-ADTS] and Samba's own tests
 *
 * Copyright 2026 The Failover Lab authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <locale.h>
#include <string.h>

#include "fl-cldap.h"
#include "fl-netlogon.h"
#include "fl-probe-types.h"

/* Samba torture netlogon_samlogon_response_data2 (119 bytes) */
static const char *vector_b =
  "17000000fd33000055af8d138c9170419d46d4d50490aa1303626c61046261736500c0180a57324b3852322d3231"
  "39c01803424c41000a57324b3852322d323139000a773230313272322d6c3605626173652e001744656661756c74"
  "2d46697273742d536974652d4e616d6500c05405000000ffffffff";

/* scapy ldap.uts, Samba DC "obed" (108 bytes) */
static const char *vector_c =
  "17000000bd1100007497781f053bd7428bb28cf3d97a7f6a02733405686f77746f0861626172746c6574036e6574"
  "00c018046f626564c0180853342d484f57544f00044f42454400001744656661756c742d46697273742d53697465"
  "2d4e616d6500c04905000000ffffffff";

/* the whole datagram vector (c) came in */
static const char *datagram_c =
  "3081860201016481800400307c307a04086e65746c6f676f6e316e046c17000000bd1100007497781f053bd7428b"
  "b28cf3d97a7f6a02733405686f77746f0861626172746c6574036e657400c018046f626564c0180853342d484f57"
  "544f00044f42454400001744656661756c742d46697273742d536974652d4e616d6500c04905000000ffffffff30"
  "0c02010165070a010004000400";

/* liblber request, message id 1, DnsDomain=test.local, NtVer=0x16 (78 bytes) */
static const char *request_test_local =
  "304c020101634704000a01000a0100020100020100010100a028a3170409446e73446f6d61696e040a746573742e"
  "6c6f63616ca30d04054e74566572040416000000300a04084e65746c6f676f6e";

static GBytes *
hex (const char *text)
{
  gsize len = strlen (text) / 2;
  guint8 *data = g_malloc (len);

  for (gsize i = 0; i < len; i++)
    data[i] = (guint8)(g_ascii_xdigit_value (text[2 * i]) << 4 | g_ascii_xdigit_value (text[2 * i + 1]));
  return g_bytes_new_take (data, len);
}

static FlNetlogonReply *
decode_hex (const char  *text,
            GError     **error)
{
  g_autoptr(GBytes) b = hex (text);
  gsize len;
  const guint8 *data = g_bytes_get_data (b, &len);

  return fl_netlogon_decode (data, len, error);
}

static void
test_vector_b (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(FlNetlogonReply) r = decode_hex (vector_b, &error);
  g_autofree char *guid = NULL;
  g_autofree char *flags = NULL;

  g_assert_no_error (error);
  g_assert_cmpuint (r->opcode, ==, 23);
  g_assert_cmpuint (r->flags, ==, 0x33fd);
  guid = fl_netlogon_guid_to_string (r->guid);
  g_assert_cmpstr (guid, ==, "138daf55-918c-4170-9d46-d4d50490aa13");
  g_assert_cmpstr (r->forest, ==, "bla.base");
  g_assert_cmpstr (r->domain, ==, "bla.base");
  g_assert_cmpstr (r->dc_host, ==, "W2K8R2-219.bla.base");
  g_assert_cmpstr (r->netbios_domain, ==, "BLA");
  g_assert_cmpstr (r->netbios_computer, ==, "W2K8R2-219");
  g_assert_cmpstr (r->user, ==, "w2012r2-l6.base.");
  g_assert_cmpstr (r->dc_site, ==, "Default-First-Site-Name");
  g_assert_cmpstr (r->client_site, ==, "Default-First-Site-Name");
  g_assert_null (r->dc_address);
  g_assert_null (r->next_closest_site);
  g_assert_cmpuint (r->nt_version, ==, 5);
  g_assert_cmpuint (r->lm_nt_token, ==, 0xffff);
  g_assert_cmpuint (r->lm20_token, ==, 0xffff);
  flags = fl_netlogon_flags_to_string (r->flags);
  g_assert_cmpstr (flags, ==, "PDC GC LDAP DS KDC TIMESERV CLOSE_SITE WRITABLE GTIMESERV FULL_SECRET WS");
  g_assert_true (fl_netlogon_is_usable (r));
}

static void
test_vector_c (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(FlNetlogonReply) r = decode_hex (vector_c, &error);
  g_autofree char *guid = NULL;
  g_autofree char *flags = NULL;

  g_assert_no_error (error);
  g_assert_cmpuint (r->flags, ==, 0x11bd);
  guid = fl_netlogon_guid_to_string (r->guid);
  g_assert_cmpstr (guid, ==, "1f789774-3b05-42d7-8bb2-8cf3d97a7f6a");
  g_assert_cmpstr (r->forest, ==, "s4.howto.abartlet.net");
  g_assert_cmpstr (r->dc_host, ==, "obed.s4.howto.abartlet.net");
  g_assert_cmpstr (r->netbios_domain, ==, "S4-HOWTO");
  g_assert_cmpstr (r->netbios_computer, ==, "OBED");
  g_assert_cmpstr (r->user, ==, "");
  flags = fl_netlogon_flags_to_string (r->flags);
  g_assert_cmpstr (flags, ==, "PDC GC LDAP DS KDC CLOSE_SITE WRITABLE FULL_SECRET");
}

/* A synthetic reply with DcSockAddr and NextClosestSiteName (NtVersion 0x1d), since no
 * capture of one exists (§6). */
static GByteArray *
synthetic_reply (guint32 nt_version,
                 gboolean with_sockaddr,
                 gboolean with_next_site)
{
  GByteArray *b = g_byte_array_new ();
  const guint8 fixed[24] = { 23, 0, 0, 0, 0xfc, 0x31, 0, 0,
                             1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16 };
  const guint8 names[] = {
    4, 't', 'e', 's', 't', 5, 'l', 'o', 'c', 'a', 'l', 0,  /* forest at 24 */
    0xc0, 24,                                             /* domain -> forest */
    3, 'd', 'c', '2', 0xc0, 24,                           /* host */
    4, 'T', 'E', 'S', 'T', 0,                             /* NetBIOS domain */
    3, 'D', 'C', '2', 0,                                  /* NetBIOS computer */
    0,                                                    /* user */
    6, 'B', 'r', 'a', 'n', 'c', 'h', 0,                   /* DC site */
    0xc0, 56,                                             /* client site -> DC site */
  };
  const guint8 sockaddr[17] = { 16, 2, 0, 0, 0, 10, 231, 7, 12, 0, 0, 0, 0, 0, 0, 0, 0 };
  const guint8 next_site[] = { 4, 'H', 'u', 'b', '1', 0 };
  guint8 tail[8] = { nt_version & 0xff, (nt_version >> 8) & 0xff, 0, 0, 0xff, 0xff, 0xff, 0xff };

  g_byte_array_append (b, fixed, sizeof fixed);
  g_byte_array_append (b, names, sizeof names);
  if (with_sockaddr)
    g_byte_array_append (b, sockaddr, sizeof sockaddr);
  if (with_next_site)
    g_byte_array_append (b, next_site, sizeof next_site);
  g_byte_array_append (b, tail, sizeof tail);
  return b;
}

static void
test_synthetic_extras (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GByteArray) b = synthetic_reply (0x1d, TRUE, TRUE);
  g_autoptr(FlNetlogonReply) r = fl_netlogon_decode (b->data, b->len, &error);
  g_autoptr(GByteArray) plain = synthetic_reply (0x05, FALSE, FALSE);
  g_autoptr(FlNetlogonReply) p = NULL;

  g_assert_no_error (error);
  g_assert_cmpstr (r->domain, ==, "test.local");
  g_assert_cmpstr (r->dc_host, ==, "dc2.test.local");
  g_assert_cmpstr (r->dc_site, ==, "Branch");
  g_assert_cmpstr (r->client_site, ==, "Branch");
  g_assert_cmpstr (r->dc_address, ==, "10.231.7.12");
  g_assert_cmpstr (r->next_closest_site, ==, "Hub1");
  g_assert_false (r->flags & FL_DS_PDC_FLAG);

  p = fl_netlogon_decode (plain->data, plain->len, &error);
  g_assert_no_error (error);
  g_assert_null (p->dc_address);
  g_assert_null (p->next_closest_site);
}

static void
expect_malformed (const guint8 *data,
                  gsize         len,
                  const char   *fragment)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(FlNetlogonReply) r = fl_netlogon_decode (data, len, &error);

  g_assert_null (r);
  g_assert_error (error, FL_PROBE_ERROR, FL_PROBE_ERROR_MALFORMED);
  if (strstr (error->message, fragment) == NULL)
    g_error ("“%s” does not mention “%s”", error->message, fragment);
}

static void
test_malformed (void)
{
  g_autoptr(GByteArray) b = synthetic_reply (0x05, FALSE, FALSE);
  g_autoptr(GBytes) c = hex (vector_c);
  gsize clen;
  const guint8 *cdata = g_bytes_get_data (c, &clen);
  g_autofree guint8 *copy = g_memdup2 (cdata, clen);

  expect_malformed (b->data, 20, "too short");
  for (gsize cut = 40; cut < b->len; cut++)
    {
      g_autoptr(FlNetlogonReply) r = fl_netlogon_decode (b->data, cut, NULL);
      g_assert_null (r);
    }

  /* opcode 19 (the older LOGON_SAM_LOGON_RESPONSE) is not what we asked for */
  copy[0] = 19;
  expect_malformed (copy, clen, "opcode 19");
  copy[0] = 23;

  /* a pointer to itself: the forest name at 24 pointing to 24 */
  copy[24] = 0xc0;
  copy[25] = 24;
  expect_malformed (copy, clen, "name pointers");
  /* a pointer outside the reply */
  copy[25] = 0xff;
  copy[24] = 0xc3;
  expect_malformed (copy, clen, "points outside");
  /* a label type 0x40 */
  copy[24] = 0x41;
  expect_malformed (copy, clen, "invalid label type");
  /* a label running past the end */
  copy[24] = 0x3f;
  expect_malformed (copy, 80, "past the end");
}

static void
test_cldap_request (void)
{
  g_autoptr(GBytes) request = fl_cldap_build_request (1, "test.local", 0x16);
  g_autoptr(GBytes) expected = hex (request_test_local);

  g_assert_true (g_bytes_equal (request, expected));
}

static void
test_cldap_reply (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) d = hex (datagram_c);
  g_autoptr(GBytes) netlogon = NULL;
  g_autoptr(GBytes) expected = hex (vector_c);
  gsize len;
  const guint8 *data = g_bytes_get_data (d, &len);

  g_assert_true (fl_cldap_parse_reply (data, len, 1, &netlogon, &error));
  g_assert_no_error (error);
  g_assert_nonnull (netlogon);
  g_assert_true (g_bytes_equal (netlogon, expected));

  /* another message id is someone else's answer */
  g_clear_pointer (&netlogon, g_bytes_unref);
  g_assert_false (fl_cldap_parse_reply (data, len, 2, &netlogon, &error));
  g_assert_error (error, FL_PROBE_ERROR, FL_PROBE_ERROR_MALFORMED);
  g_clear_error (&error);

  /* every truncation fails cleanly */
  for (gsize cut = 0; cut < len - 14; cut++)
    {
      g_autoptr(GBytes) nl = NULL;
      gboolean ok = fl_cldap_parse_reply (data, cut, 1, &nl, NULL);

      g_assert_true (!ok || nl == NULL || g_bytes_get_size (nl) <= g_bytes_get_size (expected));
    }
}

static void
test_cldap_reply_without_netlogon (void)
{
  /* MS-ADTS 6.3.3.2: an unknown domain gets an entry with no attributes, then success: the DC
   * is alive but does not serve that domain */
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) netlogon = NULL;
  g_autoptr(GBytes) d = hex ("3009020101640404003000" "300c02010165070a010004000400");
  g_autoptr(GBytes) e = hex ("300c02010165070a013204000400"); /* resultCode 50 */
  gsize len;
  const guint8 *data = g_bytes_get_data (d, &len);

  g_assert_true (fl_cldap_parse_reply (data, len, 1, &netlogon, &error));
  g_assert_no_error (error);
  g_assert_null (netlogon);

  data = g_bytes_get_data (e, &len);
  g_assert_false (fl_cldap_parse_reply (data, len, 1, &netlogon, &error));
  g_assert_error (error, FL_PROBE_ERROR, FL_PROBE_ERROR_PROTOCOL);
}

int
main (int   argc,
      char *argv[])
{
  setlocale (LC_ALL, "C.UTF-8");
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/netlogon/vector-samba-torture", test_vector_b);
  g_test_add_func ("/netlogon/vector-scapy", test_vector_c);
  g_test_add_func ("/netlogon/synthetic-sockaddr-next-site", test_synthetic_extras);
  g_test_add_func ("/netlogon/malformed", test_malformed);
  g_test_add_func ("/cldap/request-bytes", test_cldap_request);
  g_test_add_func ("/cldap/reply", test_cldap_reply);
  g_test_add_func ("/cldap/reply-without-netlogon", test_cldap_reply_without_netlogon);

  return g_test_run ();
}
