/* fl-cldap.c: encodes the LDAP ping request and decodes its reply with liblber
 *
 * Debian's libldap is built without CLDAP, so the messages are encoded and decoded here and
 * sent over a connected UDP socket ([MS-ADTS] 6.3.3).
 *
 * Copyright 2026 The Failover Lab authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "fl-cldap"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <lber.h>
#include <string.h>

#include "fl-cldap.h"
#include "fl-probe-types.h"

#define LDAP_REQ_SEARCH        ((ber_tag_t)0x63)
#define LDAP_RES_SEARCH_ENTRY  ((ber_tag_t)0x64)
#define LDAP_RES_SEARCH_RESULT ((ber_tag_t)0x65)
#define LDAP_FILTER_AND        ((ber_tag_t)0xa0)
#define LDAP_FILTER_EQUALITY   ((ber_tag_t)0xa3)

static void
ber_free_all (BerElement *ber)
{
  ber_free (ber, 1);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (BerElement, ber_free_all)

/**
 * fl_cldap_build_request:
 * @message_id: the LDAP message id (the reply echoes it)
 * @dns_domain: the domain, e.g. "test.local"
 * @nt_version: NETLOGON_NT_VERSION bits, e.g. 0x16 as Windows 7 sends
 *
 * Builds `(&(DnsDomain=…)(NtVer=…))` searching the rootDSE for `Netlogon`, as adcli and
 * `net ads lookup` do (no User: a USER_UNKNOWN answer would hide nothing but confuse).
 *
 * Returns: (transfer full): the datagram
 */
GBytes *
fl_cldap_build_request (int         message_id,
                        const char *dns_domain,
                        guint32     nt_version)
{
  g_autoptr(BerElement) ber = ber_alloc_t (LBER_USE_DER);
  struct berval *bv = NULL;
  char ntver[4];
  GBytes *bytes;

  g_return_val_if_fail (dns_domain != NULL, NULL);
  g_return_val_if_fail (ber != NULL, NULL);

  ntver[0] = (char)(nt_version & 0xff);
  ntver[1] = (char)((nt_version >> 8) & 0xff);
  ntver[2] = (char)((nt_version >> 16) & 0xff);
  ntver[3] = (char)((nt_version >> 24) & 0xff);

  if (ber_printf (ber, "{it{seeiib", message_id, LDAP_REQ_SEARCH, "", 0, 0, 0, 0, 0) < 0 ||
      ber_printf (ber, "t{", LDAP_FILTER_AND) < 0 ||
      ber_printf (ber, "t{ss}", LDAP_FILTER_EQUALITY, "DnsDomain", dns_domain) < 0 ||
      ber_printf (ber, "t{so}", LDAP_FILTER_EQUALITY, "NtVer", ntver, (ber_len_t)4) < 0 ||
      ber_printf (ber, "}") < 0 ||
      ber_printf (ber, "{s}}}", "Netlogon") < 0 ||
      ber_flatten (ber, &bv) < 0)
    g_error ("liblber could not encode an LDAP ping request");

  bytes = g_bytes_new (bv->bv_val, bv->bv_len);
  ber_bvfree (bv);
  return bytes;
}

static gboolean
reply_error (GError    **error,
             const char *what)
{
  g_set_error (error, FL_PROBE_ERROR, FL_PROBE_ERROR_MALFORMED,
               _("malformed LDAP ping reply: %s"), what);
  return FALSE;
}

/**
 * fl_cldap_parse_reply:
 * @data: one datagram
 * @message_id: the id the request used
 * @netlogon: (out) (transfer full) (nullable): the `netlogon` attribute value; %NULL when the
 *   DC answered without one (it does not serve that domain: MS-ADTS 6.3.3.2)
 *
 * Parses SearchResultEntry + SearchResultDone. A pure function of the bytes.
 *
 * Returns: %FALSE with %FL_PROBE_ERROR_MALFORMED, or %FL_PROBE_ERROR_PROTOCOL for an LDAP
 *   error result
 */
gboolean
fl_cldap_parse_reply (const guint8  *data,
                      gsize          length,
                      int            message_id,
                      GBytes       **netlogon,
                      GError       **error)
{
  struct berval in = { length, (char *)data };
  g_autoptr(BerElement) ber = NULL;
  g_autoptr(GBytes) value = NULL;
  ber_tag_t tag;
  ber_len_t len;
  ber_int_t id = 0;
  char *last;

  g_return_val_if_fail (netlogon != NULL, FALSE);
  *netlogon = NULL;

  if (length == 0 || length > 65536)
    return reply_error (error, _("empty or oversized datagram"));

  ber = ber_init (&in);
  if (ber == NULL)
    return reply_error (error, _("not BER"));

  /* Up to two LDAPMessages in one datagram: the entry, then the result. */
  for (guint n = 0; n < 2; n++)
    {
      if (ber_scanf (ber, "{i", &id) == LBER_ERROR)
        {
          if (n == 1 && value != NULL)
            break; /* some servers send the result separately: the entry is what matters */
          return reply_error (error, _("no LDAPMessage"));
        }
      if (id != message_id)
        return reply_error (error, _("the message id does not match the request"));

      tag = ber_peek_tag (ber, &len);
      if (tag == LDAP_RES_SEARCH_ENTRY)
        {
          /* objectName, then the attribute list (whose end bounds the loop) */
          if (ber_scanf (ber, "{x") == LBER_ERROR)
            return reply_error (error, _("truncated search entry"));

          for (tag = ber_first_element (ber, &len, &last);
               tag != LBER_DEFAULT;
               tag = ber_next_element (ber, &len, last))
            {
              struct berval attr = { 0, NULL };
              struct berval *vals = NULL;

              if (ber_scanf (ber, "{m[W]}", &attr, &vals) == LBER_ERROR)
                return reply_error (error, _("truncated attribute"));

              if (attr.bv_len == strlen ("netlogon") &&
                  g_ascii_strncasecmp (attr.bv_val, "netlogon", attr.bv_len) == 0 &&
                  vals != NULL && vals[0].bv_val != NULL)
                {
                  g_clear_pointer (&value, g_bytes_unref);
                  value = g_bytes_new (vals[0].bv_val, vals[0].bv_len);
                }
              ber_bvarray_free (vals);
            }

        }
      else if (tag == LDAP_RES_SEARCH_RESULT)
        {
          ber_int_t result = 0;
          struct berval matched = { 0, NULL }, message = { 0, NULL };

          if (ber_scanf (ber, "{emm}}", &result, &matched, &message) == LBER_ERROR)
            return reply_error (error, _("truncated search result"));
          if (result != 0)
            {
              g_autofree char *text = g_strndup (message.bv_val, message.bv_len);

              g_set_error (error, FL_PROBE_ERROR, FL_PROBE_ERROR_PROTOCOL,
                           _("the DC answered the LDAP ping with LDAP error %d %s"),
                           (int)result, text);
              return FALSE;
            }
          break;
        }
      else
        return reply_error (error, _("unexpected LDAP operation"));
    }

  *netlogon = g_steal_pointer (&value);
  return TRUE;
}

/**
 * fl_hex_decode:
 *
 * Hex text (spaces, colons and line ends allowed between digits) to bytes.
 *
 * Returns: (transfer full) (nullable): the bytes, or %NULL when @text is not hex
 */
GBytes *
fl_hex_decode (const char *text,
               gsize       length)
{
  g_autoptr(GByteArray) out = g_byte_array_new ();
  int high = -1;

  for (gsize i = 0; i < length; i++)
    {
      int v;

      if (g_ascii_isspace (text[i]) || text[i] == ':')
        continue;
      v = g_ascii_xdigit_value (text[i]);
      if (v < 0)
        return NULL;
      if (high < 0)
        high = v;
      else
        {
          guint8 b = (guint8)((guint)high << 4 | (guint)v);

          g_byte_array_append (out, &b, 1);
          high = -1;
        }
    }
  if (high >= 0 || out->len == 0)
    return NULL;
  return g_byte_array_free_to_bytes (g_steal_pointer (&out));
}

/**
 * fl_cldap_netlogon_from_capture:
 *
 * What a user captured of an LDAP ping: a whole reply datagram (an LDAPMessage SEQUENCE,
 * whose message id is taken from itself) or the netlogon attribute's value as it is.
 *
 * Returns: (transfer full): the netlogon value, or %NULL with @error (a datagram that does not
 *   parse, or that has no netlogon attribute)
 */
GBytes *
fl_cldap_netlogon_from_capture (const guint8  *data,
                                gsize          length,
                                GError       **error)
{
  GBytes *netlogon = NULL;
  guint32 id = 0;
  gsize p = 1;

  if (length <= 2 || data[0] != 0x30)
    return g_bytes_new (data, length);
  /* the SEQUENCE's length (short or long form), then the INTEGER message id: 1 to 4 bytes,
   * read unsigned (a signed shift of a fourth byte ≥ 0x80 is undefined behaviour) */
  if (data[p] & 0x80)
    p += 1 + (data[p] & 0x7f);
  else
    p++;
  if (p + 2 < length && data[p] == 0x02 && data[p + 1] >= 1 && data[p + 1] <= 4 && p + 2 + data[p + 1] <= length)
    for (guint i = 0; i < data[p + 1]; i++)
      id = (id << 8) | data[p + 2 + i];
  if (id > G_MAXINT)
    {
      g_set_error (error, FL_PROBE_ERROR, FL_PROBE_ERROR_MALFORMED,
                   _("the reply's message id %u is out of LDAP's range"), id);
      return NULL;
    }
  if (!fl_cldap_parse_reply (data, length, (int)id, &netlogon, error))
    return NULL;
  if (netlogon == NULL)
    g_set_error_literal (error, FL_PROBE_ERROR, FL_PROBE_ERROR_PROTOCOL,
                         _("the reply has no netlogon attribute: the DC does not serve that domain"));
  return netlogon;
}
