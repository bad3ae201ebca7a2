/* fl-netlogon.c: the NETLOGON_SAM_LOGON_RESPONSE_EX decoder, a pure function
 *
 * Copyright 2026 The Failover Lab authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "fl-netlogon"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "fl-netlogon.h"
#include "fl-probe-types.h"

/* Limits on compressed names (Samba's decoder enforces similar ones). */
#define MAX_POINTER_HOPS 8
#define MAX_LABELS       128
#define MAX_NAME_CHARS   255

static const struct {
  guint32     bit;
  const char *token; /* as `nltest /dsgetdc` prints it */
} ds_flags[] = {
  { 0x00000001, "PDC" },
  { 0x00000004, "GC" },
  { 0x00000008, "LDAP" },
  { 0x00000010, "DS" },
  { 0x00000020, "KDC" },
  { 0x00000040, "TIMESERV" },
  { 0x00000080, "CLOSE_SITE" },
  { 0x00000100, "WRITABLE" },
  { 0x00000200, "GTIMESERV" },
  { 0x00000400, "NDNC" },
  { 0x00000800, "SELECT_SECRET" },
  { 0x00001000, "FULL_SECRET" },
  { 0x00002000, "WS" },
  { 0x00004000, "DS_8" },
  { 0x00008000, "DS_9" },
  { 0x00010000, "DS_10" },
  { 0x00020000, "KEYLIST" },
  { 0x00040000, "DS_13" },
  { 0x20000000, "DNS_DC" },
  { 0x40000000, "DNS_DOMAIN" },
  { 0x80000000, "DNS_FOREST" },
};

static gboolean
malformed (GError    **error,
           const char *format,
           ...) G_GNUC_PRINTF (2, 3);

static gboolean
malformed (GError    **error,
           const char *format,
           ...)
{
  g_autofree char *text = NULL;
  va_list args;

  va_start (args, format);
  text = g_strdup_vprintf (format, args);
  va_end (args);

  /* TRANSLATORS: %s explains what is wrong with the bytes of an LDAP ping reply */
  g_set_error (error, FL_PROBE_ERROR, FL_PROBE_ERROR_MALFORMED,
               _("malformed LDAP ping reply: %s"), text);
  return FALSE;
}

static guint16
get_u16 (const guint8 *p)
{
  return (guint16)(p[0] | (p[1] << 8));
}

static guint32
get_u32 (const guint8 *p)
{
  return (guint32)p[0] | ((guint32)p[1] << 8) | ((guint32)p[2] << 16) | ((guint32)p[3] << 24);
}

/* Decodes one RFC 1035-style compressed name starting at *pos; pointers count from byte 0 of
 * the blob. Only bytes before @end belong to names. */
static gboolean
decode_name (const guint8  *data,
             gsize          end,
             gsize         *pos,
             const char    *field,
             char         **out,
             GError       **error)
{
  g_autoptr(GString) name = g_string_new (NULL);
  gsize p = *pos;
  gsize resume = 0;
  guint hops = 0, labels = 0;

  for (;;)
    {
      guint8 len;

      if (p >= end)
        return malformed (error, _("%s runs past the end of the names"), field);

      len = data[p];
      if (len == 0)
        {
          p++;
          break;
        }

      if ((len & 0xC0) == 0xC0)
        {
          gsize target;

          if (p + 1 >= end)
            return malformed (error, _("%s has a truncated name pointer"), field);
          target = ((gsize)(len & 0x3F) << 8) | data[p + 1];
          if (++hops > MAX_POINTER_HOPS)
            return malformed (error, _("%s follows more than %d name pointers (a loop?)"),
                              field, MAX_POINTER_HOPS);
          if (target >= end)
            return malformed (error, _("%s points outside the reply (offset %zu)"),
                              field, target);
          if (resume == 0)
            resume = p + 2;
          p = target;
          continue;
        }

      if ((len & 0xC0) != 0)
        return malformed (error, _("%s has an invalid label type 0x%02x"), field, len);
      if (p + 1 + len > end)
        return malformed (error, _("%s has a label running past the end"), field);
      if (++labels > MAX_LABELS)
        return malformed (error, _("%s has more than %d labels"), field, MAX_LABELS);

      if (name->len > 0)
        g_string_append_c (name, '.');
      g_string_append_len (name, (const char *)data + p + 1, len);
      if (name->len > MAX_NAME_CHARS)
        return malformed (error, _("%s is longer than %d characters"), field, MAX_NAME_CHARS);
      p += 1 + len;
    }

  if (!g_utf8_validate (name->str, name->len, NULL) || memchr (name->str, '\0', name->len))
    return malformed (error, _("%s is not valid UTF-8 text"), field);

  *pos = resume ? resume : p;
  *out = g_string_free (g_steal_pointer (&name), FALSE);
  return TRUE;
}

/**
 * fl_netlogon_decode:
 * @data: the raw `netlogon` attribute value of an LDAP ping reply
 * @length: its length
 *
 * Decodes a NETLOGON_SAM_LOGON_RESPONSE_EX (opcodes 23, 24 and 25). A pure function: the
 * bytes come from the network, so every length and pointer is checked.
 *
 * Returns: (transfer full): the reply, or %NULL with %FL_PROBE_ERROR_MALFORMED
 */
FlNetlogonReply *
fl_netlogon_decode (const guint8  *data,
                    gsize          length,
                    GError       **error)
{
  g_autoptr(FlNetlogonReply) reply = NULL;
  struct { const char *field; gsize offset; } names[] = {
    { "DnsForestName", G_STRUCT_OFFSET (FlNetlogonReply, forest) },
    { "DnsDomainName", G_STRUCT_OFFSET (FlNetlogonReply, domain) },
    { "DnsHostName", G_STRUCT_OFFSET (FlNetlogonReply, dc_host) },
    { "NetbiosDomainName", G_STRUCT_OFFSET (FlNetlogonReply, netbios_domain) },
    { "NetbiosComputerName", G_STRUCT_OFFSET (FlNetlogonReply, netbios_computer) },
    { "UserName", G_STRUCT_OFFSET (FlNetlogonReply, user) },
    { "DcSiteName", G_STRUCT_OFFSET (FlNetlogonReply, dc_site) },
    { "ClientSiteName", G_STRUCT_OFFSET (FlNetlogonReply, client_site) },
  };
  gsize end, pos;

  g_return_val_if_fail (data != NULL || length == 0, NULL);

  /* 24 fixed bytes, 8 names of at least one byte, 8 bytes of version and tokens */
  if (length < 24 + 8 + 8)
    {
      malformed (error, _("%zu bytes is too short for NETLOGON_SAM_LOGON_RESPONSE_EX"), length);
      return NULL;
    }

  reply = g_new0 (FlNetlogonReply, 1);
  reply->opcode = get_u16 (data);
  if (reply->opcode != FL_NETLOGON_OPCODE_RESPONSE_EX &&
      reply->opcode != FL_NETLOGON_OPCODE_PAUSE_RESPONSE_EX &&
      reply->opcode != FL_NETLOGON_OPCODE_USER_UNKNOWN_EX)
    {
      malformed (error, _("opcode %u is not a NETLOGON_SAM_LOGON_RESPONSE_EX (23, 24 or 25)"),
                 reply->opcode);
      return NULL;
    }
  reply->flags = get_u32 (data + 4);
  memcpy (reply->guid, data + 8, 16);

  end = length - 8;
  reply->nt_version = get_u32 (data + end);
  reply->lm_nt_token = get_u16 (data + end + 4);
  reply->lm20_token = get_u16 (data + end + 6);

  pos = 24;
  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    {
      char **slot = G_STRUCT_MEMBER_P (reply, names[i].offset);

      if (!decode_name (data, end, &pos, names[i].field, slot, error))
        return NULL;
    }

  /* DcSockAddr: when the DC says it sent one, or when the bytes plainly are one */
  if (pos < end &&
      ((reply->nt_version & FL_NT_VERSION_5EX_WITH_IP) ||
       (end - pos == 17 && data[pos] == 16 && get_u16 (data + pos + 1) == 2)))
    {
      if (data[pos] != 16 || pos + 1 + 16 > end)
        {
          malformed (error, _("DcSockAddr has size %u, expected 16"), data[pos]);
          return NULL;
        }
      if (get_u16 (data + pos + 1) == 2) /* AF_INET, little-endian on the wire */
        {
          const guint8 *a = data + pos + 1 + 4;

          reply->dc_address = g_strdup_printf ("%u.%u.%u.%u", a[0], a[1], a[2], a[3]);
        }
      pos += 1 + 16;
    }

  if (pos < end)
    {
      if (!decode_name (data, end, &pos, "NextClosestSiteName", &reply->next_closest_site, error))
        return NULL;
    }

  if (pos != end)
    {
      malformed (error, _("%zu unexpected bytes before NtVersion"), end - pos);
      return NULL;
    }

  return g_steal_pointer (&reply);
}

void
fl_netlogon_reply_free (FlNetlogonReply *reply)
{
  if (reply == NULL)
    return;

  g_free (reply->forest);
  g_free (reply->domain);
  g_free (reply->dc_host);
  g_free (reply->netbios_domain);
  g_free (reply->netbios_computer);
  g_free (reply->user);
  g_free (reply->dc_site);
  g_free (reply->client_site);
  g_free (reply->dc_address);
  g_free (reply->next_closest_site);
  g_free (reply);
}

/**
 * fl_netlogon_guid_to_string:
 * @guid: 16 bytes in MS-DTYP order
 *
 * Returns: (transfer full): e.g. "1f789774-3b05-42d7-8bb2-8cf3d97a7f6a"
 */
char *
fl_netlogon_guid_to_string (const guint8 *guid)
{
  return g_strdup_printf ("%08x-%04x-%04x-%02x%02x-%02x%02x%02x%02x%02x%02x",
                          get_u32 (guid), get_u16 (guid + 4), get_u16 (guid + 6),
                          guid[8], guid[9], guid[10], guid[11], guid[12], guid[13], guid[14],
                          guid[15]);
}

/**
 * fl_netlogon_flags_to_string:
 *
 * Returns: (transfer full): the DS flags as `nltest /dsgetdc` prints them, e.g.
 *   "PDC GC DS LDAP KDC …"; unknown bits in hex
 */
char *
fl_netlogon_flags_to_string (guint32 flags)
{
  g_autoptr(GString) out = g_string_new (NULL);
  guint32 known = 0;

  for (guint i = 0; i < G_N_ELEMENTS (ds_flags); i++)
    {
      known |= ds_flags[i].bit;
      if (flags & ds_flags[i].bit)
        g_string_append_printf (out, "%s%s", out->len ? " " : "", ds_flags[i].token);
    }
  if (flags & ~known)
    g_string_append_printf (out, "%s0x%x", out->len ? " " : "", flags & ~known);

  return g_string_free (g_steal_pointer (&out), FALSE);
}

const char *
fl_netlogon_opcode_to_string (guint16 opcode)
{
  switch (opcode)
    {
    case FL_NETLOGON_OPCODE_RESPONSE_EX:
      return "LOGON_SAM_LOGON_RESPONSE_EX";
    case FL_NETLOGON_OPCODE_PAUSE_RESPONSE_EX:
      return "LOGON_SAM_PAUSE_RESPONSE_EX";
    case FL_NETLOGON_OPCODE_USER_UNKNOWN_EX:
      return "LOGON_SAM_USER_UNKNOWN_EX";
    default:
      return "unknown";
    }
}

/**
 * fl_netlogon_is_usable:
 *
 * Returns: %TRUE when the DC answers as a DC a client would use: opcode 23 or 25 (24 means
 *   Netlogon is paused: degraded) with the DS flag
 */
gboolean
fl_netlogon_is_usable (const FlNetlogonReply *reply)
{
  return reply != NULL &&
         reply->opcode != FL_NETLOGON_OPCODE_PAUSE_RESPONSE_EX &&
         (reply->flags & FL_DS_DS_FLAG) != 0;
}
