/* fl-dns-message.c: DNS message encoding and decoding, pure functions
 *
 * The probes ask one DC's DNS service directly (not the system resolver), so that a silent
 * first name server never delays the question put to the second.
 *
 * Copyright 2026 The Failover Lab authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "fl-dns"

#include "config.h"

#include <gio/gio.h>
#include <glib/gi18n-lib.h>
#include <string.h>

#include "fl-dns-message.h"
#include "fl-probe-types.h"

#define MAX_POINTER_HOPS 16
#define MAX_NAME_CHARS   255
#define MAX_RECORDS      512

static gboolean
dns_malformed (GError    **error,
               const char *what)
{
  /* TRANSLATORS: %s says what is wrong with a DNS answer */
  g_set_error (error, FL_PROBE_ERROR, FL_PROBE_ERROR_MALFORMED, _("malformed DNS answer: %s"),
               what);
  return FALSE;
}

/**
 * fl_dns_build_query:
 * @id: the query id
 * @name: e.g. "_ldap._tcp.dc._msdcs.test.local"
 * @qtype: %FL_DNS_TYPE_SRV, %FL_DNS_TYPE_A…
 *
 * Returns: (transfer full): the query (recursion desired), or %NULL if @name is no DNS name
 */
GBytes *
fl_dns_build_query (guint16      id,
                    const char  *name,
                    guint16      qtype,
                    GError     **error)
{
  g_autoptr(GByteArray) out = g_byte_array_new ();
  const guint8 header[12] = { id >> 8, id & 0xff, 0x01, 0x00, 0, 1, 0, 0, 0, 0, 0, 0 };
  const guint8 tail[4] = { qtype >> 8, qtype & 0xff, 0, 1 };
  g_auto(GStrv) labels = NULL;
  gsize total = 0;

  g_return_val_if_fail (name != NULL, NULL);

  g_byte_array_append (out, header, sizeof header);
  labels = g_strsplit (name, ".", -1);
  for (guint i = 0; labels[i]; i++)
    {
      gsize len = strlen (labels[i]);
      guint8 l = (guint8)len;

      if (len == 0 && labels[i + 1] == NULL && i > 0)
        break; /* final dot */
      if (len == 0 || len > 63 || (total += len + 1) > MAX_NAME_CHARS)
        {
          g_set_error (error, FL_PROBE_ERROR, FL_PROBE_ERROR_CONFIG,
                       _("“%s” is not a DNS name"), name);
          return NULL;
        }
      g_byte_array_append (out, &l, 1);
      g_byte_array_append (out, (const guint8 *)labels[i], len);
    }
  g_byte_array_append (out, (const guint8 *)"", 1);
  g_byte_array_append (out, tail, sizeof tail);

  return g_byte_array_free_to_bytes (g_steal_pointer (&out));
}

static gboolean
read_name (const guint8  *data,
           gsize          length,
           gsize         *pos,
           char         **out,
           GError       **error)
{
  g_autoptr(GString) name = g_string_new (NULL);
  gsize p = *pos, resume = 0;
  guint hops = 0;

  for (;;)
    {
      guint8 len;

      if (p >= length)
        return dns_malformed (error, _("a name runs past the end"));
      len = data[p];
      if (len == 0)
        {
          p++;
          break;
        }
      if ((len & 0xC0) == 0xC0)
        {
          if (p + 1 >= length)
            return dns_malformed (error, _("truncated name pointer"));
          if (++hops > MAX_POINTER_HOPS)
            return dns_malformed (error, _("too many name pointers (a loop?)"));
          if (resume == 0)
            resume = p + 2;
          p = ((gsize)(len & 0x3F) << 8) | data[p + 1];
          continue;
        }
      if ((len & 0xC0) != 0)
        return dns_malformed (error, _("invalid label type"));
      if (p + 1 + len > length)
        return dns_malformed (error, _("a label runs past the end"));
      if (name->len > 0)
        g_string_append_c (name, '.');
      g_string_append_len (name, (const char *)data + p + 1, len);
      if (name->len > MAX_NAME_CHARS)
        return dns_malformed (error, _("a name is longer than 255 characters"));
      p += 1 + len;
    }

  if (out != NULL)
    {
      if (!g_utf8_validate (name->str, name->len, NULL) || memchr (name->str, 0, name->len))
        return dns_malformed (error, _("a name is not valid text"));
      *out = g_string_free (g_steal_pointer (&name), FALSE);
    }
  *pos = resume ? resume : p;
  return TRUE;
}

static void
srv_free (gpointer data)
{
  FlDnsSrv *srv = data;

  g_free (srv->target);
  g_free (srv);
}

/**
 * fl_dns_parse_response:
 * @id: the id of the query this should answer
 * @qname: (nullable): the name asked: the answer must repeat that one question (any case)
 * @qtype: the type asked (with @qname)
 *
 * Parses the header and the answer section (SRV, A and AAAA records are kept). An answer to
 * another question (a spoofed or stale datagram with the right id) is refused.
 *
 * Returns: (transfer full): the response, or %NULL with %FL_PROBE_ERROR_MALFORMED
 */
FlDnsResponse *
fl_dns_parse_response (const guint8  *data,
                       gsize          length,
                       guint16        id,
                       const char    *qname,
                       guint16        qtype,
                       GError       **error)
{
  g_autoptr(FlDnsResponse) r = NULL;
  guint qdcount, ancount;
  gsize pos = 12;

  if (length < 12)
    {
      dns_malformed (error, _("shorter than a DNS header"));
      return NULL;
    }

  r = g_new0 (FlDnsResponse, 1);
  r->srv = g_ptr_array_new_with_free_func (srv_free);
  r->addresses = g_ptr_array_new_with_free_func (g_free);
  r->id = (guint16)((data[0] << 8) | data[1]);
  if (r->id != id)
    {
      dns_malformed (error, _("the id does not match the query"));
      return NULL;
    }
  if ((data[2] & 0x80) == 0)
    {
      dns_malformed (error, _("a query, not an answer"));
      return NULL;
    }
  r->authoritative = (data[2] & 0x04) != 0;
  r->truncated = (data[2] & 0x02) != 0;
  r->rcode = data[3] & 0x0F;
  qdcount = (guint)((data[4] << 8) | data[5]);
  ancount = (guint)((data[6] << 8) | data[7]);
  if (qdcount > 16 || ancount > MAX_RECORDS)
    {
      dns_malformed (error, _("implausible record counts"));
      return NULL;
    }

  if (qname != NULL && qdcount != 1)
    {
      dns_malformed (error, _("the answer does not repeat the question"));
      return NULL;
    }
  for (guint i = 0; i < qdcount; i++)
    {
      g_autofree char *asked = NULL;

      if (!read_name (data, length, &pos, qname != NULL ? &asked : NULL, error))
        return NULL;
      if (pos + 4 > length)
        {
          dns_malformed (error, _("truncated question"));
          return NULL;
        }
      if (qname != NULL &&
          (g_ascii_strcasecmp (asked, qname) != 0 || ((data[pos] << 8) | data[pos + 1]) != qtype ||
           ((data[pos + 2] << 8) | data[pos + 3]) != 1))
        {
          dns_malformed (error, _("the answer is for another question"));
          return NULL;
        }
      pos += 4;
    }

  for (guint i = 0; i < ancount; i++)
    {
      guint16 type, rdlength;
      gsize rdata;

      if (!read_name (data, length, &pos, NULL, error))
        return NULL;
      if (pos + 10 > length)
        {
          dns_malformed (error, _("truncated answer record"));
          return NULL;
        }
      type = (guint16)((data[pos] << 8) | data[pos + 1]);
      rdlength = (guint16)((data[pos + 8] << 8) | data[pos + 9]);
      rdata = pos + 10;
      if (rdata + rdlength > length)
        {
          dns_malformed (error, _("record data runs past the end"));
          return NULL;
        }
      r->n_answers++;

      if (type == FL_DNS_TYPE_SRV)
        {
          FlDnsSrv *srv;
          gsize tpos = rdata + 6;
          char *target = NULL;

          if (rdlength < 7)
            {
              dns_malformed (error, _("SRV record too short"));
              return NULL;
            }
          if (!read_name (data, length, &tpos, &target, error))
            return NULL;
          /* the target's own bytes end with the record (a pointer may lead elsewhere) */
          if (tpos > rdata + rdlength)
            {
              g_free (target);
              dns_malformed (error, _("an SRV target runs past its record"));
              return NULL;
            }
          srv = g_new0 (FlDnsSrv, 1);
          srv->priority = (guint16)((data[rdata] << 8) | data[rdata + 1]);
          srv->weight = (guint16)((data[rdata + 2] << 8) | data[rdata + 3]);
          srv->port = (guint16)((data[rdata + 4] << 8) | data[rdata + 5]);
          srv->target = target;
          g_ptr_array_add (r->srv, srv);
        }
      else if ((type == FL_DNS_TYPE_A && rdlength == 4) ||
               (type == FL_DNS_TYPE_AAAA && rdlength == 16))
        {
          g_autoptr(GInetAddress) addr =
            g_inet_address_new_from_bytes (data + rdata, rdlength == 4 ? G_SOCKET_FAMILY_IPV4
                                                                       : G_SOCKET_FAMILY_IPV6);

          g_ptr_array_add (r->addresses, g_inet_address_to_string (addr));
        }

      pos = rdata + rdlength;
    }

  return g_steal_pointer (&r);
}

void
fl_dns_response_free (FlDnsResponse *response)
{
  if (response == NULL)
    return;
  g_clear_pointer (&response->srv, g_ptr_array_unref);
  g_clear_pointer (&response->addresses, g_ptr_array_unref);
  g_free (response);
}

const char *
fl_dns_rcode_to_string (guint rcode)
{
  static const char * const names[] = {
    "NOERROR", "FORMERR", "SERVFAIL", "NXDOMAIN", "NOTIMP", "REFUSED", "YXDOMAIN", "YXRRSET",
    "NXRRSET", "NOTAUTH", "NOTZONE",
  };

  return rcode < G_N_ELEMENTS (names) ? names[rcode] : "RCODE?";
}

static int
compare_priority (gconstpointer a,
                  gconstpointer b)
{
  const FlDnsSrv *x = *(const FlDnsSrv * const *)a;
  const FlDnsSrv *y = *(const FlDnsSrv * const *)b;

  return (int)x->priority - (int)y->priority;
}

/**
 * fl_dns_sort_srv:
 * @srv: (element-type FlDnsSrv): records
 * @seed: for the weighted choice (the same seed gives the same order)
 *
 * Orders SRV records as RFC 2782 says and the DC locator does: lowest priority first; within a
 * priority, a random order in which each record's chance to come first is proportional to its
 * weight.
 */
void
fl_dns_sort_srv (GPtrArray *srv,
                 guint32    seed)
{
  g_autoptr(GRand) rand = g_rand_new_with_seed (seed);
  guint start = 0;

  g_ptr_array_sort (srv, compare_priority);

  while (start < srv->len)
    {
      guint end = start;

      while (end < srv->len &&
             ((FlDnsSrv *)srv->pdata[end])->priority == ((FlDnsSrv *)srv->pdata[start])->priority)
        end++;

      for (guint i = start; i < end; i++)
        {
          guint64 total = 0, pick, acc = 0;
          guint chosen = i;

          for (guint j = i; j < end; j++)
            total += ((FlDnsSrv *)srv->pdata[j])->weight + 1; /* weight 0 still gets a chance */
          pick = (guint64)g_rand_double_range (rand, 0, (double)total);
          for (guint j = i; j < end; j++)
            {
              acc += ((FlDnsSrv *)srv->pdata[j])->weight + 1;
              if (pick < acc)
                {
                  chosen = j;
                  break;
                }
            }
          if (chosen != i)
            {
              gpointer tmp = srv->pdata[i];

              srv->pdata[i] = srv->pdata[chosen];
              srv->pdata[chosen] = tmp;
            }
        }
      start = end;
    }
}
