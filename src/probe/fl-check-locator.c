/* fl-check-locator.c: locator: the DC a Windows client's locator picks (nltest /dsgetdc:<domain> /force)
 *
 * Copyright 2026 The Failover Lab authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "fl-checks"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "fl-check-private.h"
#include "fl-cldap.h"
#include "fl-dns-message.h"
#include "fl-net.h"

#define LOCATOR_STAGGER_US (100 * 1000)

typedef struct
{
  guint16     id;
  const char *name;
} SrvQuestion;

static gboolean
accept_srv_answer (const guint8 *data,
                   gsize         length,
                   gpointer      user_data)
{
  const SrvQuestion *q = user_data;
  g_autoptr(FlDnsResponse) r = fl_dns_parse_response (data, length, q->id, q->name, FL_DNS_TYPE_SRV, NULL);

  /* NOERROR with records, or an authoritative NXDOMAIN: both are final answers (a truncated
   * one too: its server is asked again over TCP) */
  return r != NULL && ((r->rcode == 0 && (r->srv->len > 0 || r->truncated)) || (r->rcode == 3 && r->authoritative));
}

typedef struct
{
  int message_id;
} PingMatch;

static gboolean
accept_usable_ping (const guint8 *data,
                    gsize         length,
                    gpointer      user_data)
{
  PingMatch *m = user_data;
  g_autoptr(GBytes) datagram = g_bytes_new (data, length);
  g_autoptr(FlNetlogonReply) reply = fl_check_decode_ping (datagram, m->message_id, NULL);

  return fl_netlogon_is_usable (reply);
}

static char *
join_lines (GPtrArray *lines)
{
  g_autoptr(GString) out = g_string_new (NULL);

  for (guint i = 0; i < lines->len; i++)
    g_string_append_printf (out, "%s%s", i ? "; " : "", (const char *)lines->pdata[i]);
  return g_string_free (g_steal_pointer (&out), FALSE);
}

static FlDnsResponse *
locator_srv (FlCheckRun *run,
             const char *name,
             gint64      answer_by,
             GPtrArray  *failures,
             guint      *dns_winner)
{
  g_autoptr(GPtrArray) servers = g_ptr_array_new ();
  guint16 id = (guint16)g_random_int_range (1, 65536);
  g_autoptr(GBytes) query = fl_dns_build_query (id, name, FL_DNS_TYPE_SRV, NULL);
  g_autoptr(GBytes) answer = NULL;
  SrvQuestion q = { id, name };
  FlDnsResponse *r;
  gsize len;
  const guint8 *data;

  /* the client's DNS servers are the DCs, in lab order */
  for (guint i = 0; i < fl_probe_config_get_n_dcs (run->config); i++)
    g_ptr_array_add (servers, fl_probe_config_get_dc (run->config, i)->address);
  g_ptr_array_add (servers, NULL);

  if (query == NULL)
    return NULL;
  answer = fl_net_udp_race ((const char * const *)servers->pdata, 53, query, 0, answer_by,
                            accept_srv_answer, &q, dns_winner, failures);
  if (answer == NULL)
    return NULL;
  data = g_bytes_get_data (answer, &len);
  r = fl_dns_parse_response (data, len, id, name, FL_DNS_TYPE_SRV, NULL);
  if (r != NULL && r->truncated)
    {
      /* the server that answered, over TCP */
      g_autoptr(GError) error = NULL;

      fl_dns_response_free (r);
      r = fl_check_dns_ask_tcp (servers->pdata[*dns_winner], 53, query, id, name, FL_DNS_TYPE_SRV, answer_by, &error);
      if (r == NULL)
        g_ptr_array_add (failures, g_strdup (error->message));
    }
  return r;
}

FlSample *
fl_check_locator (FlCheckRun         *run,
                  const FlCheckHints *hints)
{
  const char *domain = fl_probe_config_get_domain (run->config);
  g_autoptr(GPtrArray) failures = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GPtrArray) candidates = g_ptr_array_new ();
  g_autoptr(FlDnsResponse) srv = NULL;
  g_autoptr(GBytes) request = NULL;
  g_autoptr(GBytes) answer = NULL;
  g_autoptr(FlNetlogonReply) reply = NULL;
  g_autofree char *name = NULL;
  PingMatch match;
  guint dns_winner = 0, winner = 0;
  const FlProbeDc *chosen;
  /* like the DC locator, answer ERROR_NO_SUCH_DOMAIN when nothing answered, rather than run
   * into the deadline: the last eighth of the budget is left to say so */
  gint64 answer_by = run->deadline - (run->deadline - run->started) / 8;

  /* 1. SRV records: the client's site first, once known (DynamicSiteName) */
  if (hints != NULL && hints->client_site != NULL && *hints->client_site != '\0')
    {
      name = g_strdup_printf ("_ldap._tcp.%s._sites.dc._msdcs.%s", hints->client_site, domain);
      srv = locator_srv (run, name, answer_by, failures, &dns_winner);
      if (srv != NULL && srv->srv->len == 0)
        g_clear_pointer (&srv, fl_dns_response_free);
      if (srv != NULL)
        g_variant_dict_insert (&run->detail, "site_query", "s", hints->client_site);
    }
  if (srv == NULL)
    {
      g_free (name);
      name = g_strdup_printf ("_ldap._tcp.dc._msdcs.%s", domain);
      g_ptr_array_set_size (failures, 0);
      srv = locator_srv (run, name, answer_by, failures, &dns_winner);
    }

  if (srv == NULL)
    {
      g_autofree char *why = join_lines (failures);
      g_autofree char *message =
        g_strdup_printf (_("ERROR_NO_SUCH_DOMAIN: no DNS server answered for %s (%s)"), name, why);

      g_variant_dict_insert (&run->detail, "error", "s", "dns");
      g_variant_dict_insert (&run->detail, "code", "s", "ERROR_NO_SUCH_DOMAIN");
      return fl_check_finish (run, FL_STATUS_FAIL, message);
    }
  g_variant_dict_insert (&run->detail, "dns_server", "s",
                         fl_probe_config_get_dc (run->config, dns_winner)->name);
  if (srv->rcode != 0 || srv->srv->len == 0)
    {
      g_autofree char *message =
        g_strdup_printf (_("ERROR_NO_SUCH_DOMAIN: DNS has no %s records (%s)"), name,
                         fl_dns_rcode_to_string (srv->rcode));

      g_variant_dict_insert (&run->detail, "error", "s", "no-srv");
      g_variant_dict_insert (&run->detail, "code", "s", "ERROR_NO_SUCH_DOMAIN");
      return fl_check_finish (run, FL_STATUS_FAIL, message);
    }

  /* 2. priority, then weight; targets mapped to the lab's addresses. The DC found last time
   * goes first: like Netlogon's cache, a client keeps its DC while it answers (no fail-back),
   * and rediscovers at once when it refuses. */
  fl_dns_sort_srv (srv->srv, g_random_int ());
  if (hints != NULL && hints->logon_server != NULL)
    {
      const FlProbeDc *cached = fl_probe_config_lookup_dc (run->config, hints->logon_server);

      if (cached != NULL)
        {
          g_ptr_array_add (candidates, cached->address);
          g_variant_dict_insert (&run->detail, "cached", "s", cached->name);
        }
    }
  for (guint i = 0; i < srv->srv->len; i++)
    {
      const FlDnsSrv *s = srv->srv->pdata[i];
      const FlProbeDc *dc = fl_probe_config_lookup_dc (run->config, s->target);

      if (dc != NULL && !g_ptr_array_find (candidates, (gpointer)dc->address, NULL))
        g_ptr_array_add (candidates, dc->address);
    }
  g_ptr_array_add (candidates, NULL);
  if (candidates->len == 1)
    {
      g_variant_dict_insert (&run->detail, "error", "s", "no-candidate");
      return fl_check_finish (run, FL_STATUS_FAIL,
                              _("the SRV records name no domain controller of this lab"));
    }

  /* 3. the DC found last time alone, for half the deadline: a client keeps its DC while it
   * answers at all, not only while it is the fastest (with a 100 ms head start only, a DC busy
   * for a moment lost the race to the other, and the logon server "moved" with nothing broken) */
  match.message_id = g_random_int_range (1, 0x7fffffff);
  request = fl_cldap_build_request (match.message_id, domain, NT_VERSION_REQUEST);
  g_ptr_array_set_size (failures, 0);
  if (g_variant_dict_contains (&run->detail, "cached"))
    {
      const char *alone[] = { candidates->pdata[0], NULL };

      answer = fl_net_udp_race (alone, 389, request, 0, run->started + (run->deadline - run->started) / 2,
                                accept_usable_ping, &match, &winner, failures);
    }
  /* 4. else LDAP pings ~100 ms apart, without waiting; the first usable answer wins */
  if (answer == NULL)
    answer = fl_net_udp_race ((const char * const *)candidates->pdata, 389, request,
                              LOCATOR_STAGGER_US, answer_by, accept_usable_ping, &match,
                              &winner, failures);
  if (answer == NULL)
    {
      g_autofree char *why = join_lines (failures);
      g_autofree char *message =
        g_strdup_printf (_("ERROR_NO_SUCH_DOMAIN: no domain controller answered the LDAP ping (%s)"),
                         why);

      g_variant_dict_insert (&run->detail, "error", "s", "no-answer");
      g_variant_dict_insert (&run->detail, "code", "s", "ERROR_NO_SUCH_DOMAIN");
      return fl_check_finish (run, FL_STATUS_FAIL, message);
    }

  reply = fl_check_decode_ping (answer, match.message_id, NULL);
  chosen = fl_probe_config_lookup_dc (run->config, candidates->pdata[winner]);
  fl_check_netlogon_detail (&run->detail, reply);
  g_variant_dict_insert (&run->detail, "server", "s", chosen->name);
  g_variant_dict_insert (&run->detail, "server_address", "s", chosen->address);
  return fl_check_finish (run, FL_STATUS_OK, NULL);
}
