/* fl-check-ldap.c: LDAP: the helpers the LDAP-based checks share, ldap_ping (CLDAP) and ldap (rootDSE)
 *
 * Copyright 2026 The Failover Lab authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "fl-checks"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <string.h>
#include <unistd.h>

#include "fl-check-private.h"
#include "fl-cldap.h"
#include "fl-ldap-values.h"
#include "fl-net.h"

/* Documented in ldap_open(3) and exported by libldap 2.5, but declared only in its private
 * header: declared here with the documented signature and protocol value. */
#ifndef LDAP_PROTO_TCP
#define LDAP_PROTO_TCP 1
int ldap_init_fd (ber_socket_t fd, int proto, const char *url, LDAP **ldp);
#endif

static void
set_timeval (struct timeval *tv,
             gint64          us)
{
  us = MAX (us, 1000);
  tv->tv_sec = us / G_USEC_PER_SEC;
  tv->tv_usec = us % G_USEC_PER_SEC;
}

/* A base search whose deadline is the client's alone. ldap_search_ext_s() given a timeout also
 * sends it as the search's timeLimit, in whole seconds and at least 1; Samba counts that limit
 * from a whole-second timestamp, and the rootDSE's dsServiceName (a lookup by GUID, the one
 * step of that search that checks the limit) then fails whenever a second boundary falls inside
 * the search: "Operations error: Failed to find full DN for dsServiceName" on a healthy DC,
 * about once in 600 searches. The server gets no limit; the client waits until the deadline. */
int
fl_check_ldap_search (LDAP         *ld,
                      const char   *base,
                      const char   *filter,
                      char        **attrs,
                      gint64        deadline_us,
                      LDAPMessage **result)
{
  return fl_check_ldap_search_scope (ld, base, LDAP_SCOPE_BASE, filter, attrs, deadline_us, result);
}

/* a search in @scope (LDAP_SCOPE_ONELEVEL: the children of @base), bounded by @deadline_us */
int
fl_check_ldap_search_scope (LDAP         *ld,
                            const char   *base,
                            int           scope,
                            const char   *filter,
                            char        **attrs,
                            gint64        deadline_us,
                            LDAPMessage **result)
{
  struct timeval tv;
  int msgid = -1;
  int code = LDAP_OTHER;
  int rc;

  *result = NULL;
  rc = ldap_search_ext (ld, base, scope, filter, attrs, 0, NULL, NULL, NULL,
                        scope == LDAP_SCOPE_BASE ? 1 : LDAP_NO_LIMIT, &msgid);
  if (rc != LDAP_SUCCESS)
    return rc;
  set_timeval (&tv, fl_net_remaining_us (deadline_us));
  rc = ldap_result (ld, msgid, LDAP_MSG_ALL, &tv, result);
  if (rc == 0)
    {
      ldap_abandon_ext (ld, msgid, NULL, NULL);
      return LDAP_TIMEOUT;
    }
  if (rc < 0)
    {
      code = LDAP_SERVER_DOWN;
      ldap_get_option (ld, LDAP_OPT_RESULT_CODE, &code);
      return code != LDAP_SUCCESS ? code : LDAP_SERVER_DOWN;
    }
  /* the result's code, its diagnostic message kept on the handle for fl_check_ldap_error() */
  rc = ldap_parse_result (ld, *result, &code, NULL, NULL, NULL, NULL, 0);
  return rc != LDAP_SUCCESS ? rc : code;
}

/* Connects the socket ourselves (precise refused / unreachable / timeout) and hands it to
 * libldap with the DC's host name as the URL: nothing is resolved, and SASL can name the
 * service ldap/<host> without canonicalising it through DNS. */
LDAP *
fl_check_ldap_open (const FlProbeDc  *dc,
                    gint64            deadline_us,
                    GError          **error)
{
  g_autoptr(GSocket) socket = fl_net_tcp_connect (dc->address, 389, "LDAP", deadline_us, error);
  g_autofree char *url = NULL;
  struct timeval tv;
  LDAP *ld = NULL;
  int version = LDAP_VERSION3;
  int fd, rc;

  if (socket == NULL)
    return NULL;

  fd = dup (g_socket_get_fd (socket));
  url = g_strdup_printf ("ldap://%s:389", dc->host);
  rc = ldap_init_fd (fd, LDAP_PROTO_TCP, url, &ld);
  if (rc != LDAP_SUCCESS)
    {
      close (fd);
      g_set_error (error, FL_PROBE_ERROR, FL_PROBE_ERROR_FAILED, "LDAP: %s", ldap_err2string (rc));
      return NULL;
    }

  ldap_set_option (ld, LDAP_OPT_PROTOCOL_VERSION, &version);
  ldap_set_option (ld, LDAP_OPT_REFERRALS, LDAP_OPT_OFF);
  /* SASL names the service after the URL's host, never a reverse lookup of the address */
  ldap_set_option (ld, LDAP_OPT_X_SASL_NOCANON, LDAP_OPT_ON);
  set_timeval (&tv, fl_net_remaining_us (deadline_us));
  ldap_set_option (ld, LDAP_OPT_NETWORK_TIMEOUT, &tv);
  ldap_set_option (ld, LDAP_OPT_TIMEOUT, &tv);
  return ld;
}

void
fl_check_ldap_error (GError     **error,
                     LDAP        *ld,
                     int          rc,
                     const char  *what)
{
  char *raw = NULL;
  g_autofree char *diag = NULL;

  /* the server's diagnostic text: any bytes it liked; valid UTF-8 from here on */
  if (ld != NULL)
    ldap_get_option (ld, LDAP_OPT_DIAGNOSTIC_MESSAGE, &raw);
  if (raw != NULL)
    diag = fl_ldap_value_text (raw, strlen (raw));
  ldap_memfree (raw);

  if (rc == LDAP_TIMEOUT)
    g_set_error (error, FL_PROBE_ERROR, FL_PROBE_ERROR_TIMEOUT,
                 _("LDAP %s: no answer before the deadline"), what);
  else if (rc == LDAP_SERVER_DOWN || rc == LDAP_CONNECT_ERROR)
    g_set_error (error, FL_PROBE_ERROR, FL_PROBE_ERROR_UNREACHABLE,
                 _("LDAP %s: the connection broke (%s)"), what, ldap_err2string (rc));
  else if (rc == LDAP_INVALID_CREDENTIALS || rc == LDAP_INAPPROPRIATE_AUTH ||
           rc == LDAP_STRONG_AUTH_REQUIRED || rc == LDAP_LOCAL_ERROR)
    g_set_error (error, FL_PROBE_ERROR, FL_PROBE_ERROR_AUTH, _("LDAP %s: %s%s%s"), what,
                 ldap_err2string (rc), diag && *diag ? ": " : "", diag ? diag : "");
  else
    g_set_error (error, FL_PROBE_ERROR, FL_PROBE_ERROR_PROTOCOL, _("LDAP %s: %s%s%s"), what,
                 ldap_err2string (rc), diag && *diag ? ": " : "", diag ? diag : "");
}

/* Returns the first value of @attr as a string (or NULL). */
char *
fl_check_ldap_value (LDAP        *ld,
                     LDAPMessage *entry,
                     const char  *attr)
{
  struct berval **vals = ldap_get_values_len (ld, entry, attr);
  char *value = NULL;

  /* the server's bytes: valid UTF-8, bounded, before they reach a GVariant "s" or a message */
  if (vals != NULL && vals[0] != NULL)
    value = fl_ldap_value_text (vals[0]->bv_val, vals[0]->bv_len);
  ldap_value_free_len (vals);
  return value;
}

/* ------------------------------------------------------------------------------------------ */
/* ldap_ping */

void
fl_check_netlogon_detail (GVariantDict          *d,
                          const FlNetlogonReply *r)
{
  g_autofree char *flags = fl_netlogon_flags_to_string (r->flags);
  g_autofree char *guid = fl_netlogon_guid_to_string (r->guid);

  g_variant_dict_insert (d, "opcode", "s", fl_netlogon_opcode_to_string (r->opcode));
  g_variant_dict_insert (d, "flags", "u", r->flags);
  g_variant_dict_insert (d, "flags_text", "s", flags);
  g_variant_dict_insert (d, "domain_guid", "s", guid);
  g_variant_dict_insert (d, "forest", "s", r->forest);
  g_variant_dict_insert (d, "domain", "s", r->domain);
  g_variant_dict_insert (d, "dc_host", "s", r->dc_host);
  g_variant_dict_insert (d, "netbios_domain", "s", r->netbios_domain);
  g_variant_dict_insert (d, "netbios_computer", "s", r->netbios_computer);
  g_variant_dict_insert (d, "dc_site", "s", r->dc_site);
  g_variant_dict_insert (d, "client_site", "s", r->client_site);
  if (r->next_closest_site != NULL)
    g_variant_dict_insert (d, "next_closest_site", "s", r->next_closest_site);
  g_variant_dict_insert (d, "nt_version", "u", r->nt_version);
}

FlNetlogonReply *
fl_check_decode_ping (GBytes  *datagram,
                      int      message_id,
                      GError **error)
{
  g_autoptr(GBytes) netlogon = NULL;
  gsize len;
  const guint8 *data = g_bytes_get_data (datagram, &len);

  if (!fl_cldap_parse_reply (data, len, message_id, &netlogon, error))
    return NULL;
  if (netlogon == NULL)
    {
      g_set_error_literal (error, FL_PROBE_ERROR, FL_PROBE_ERROR_PROTOCOL,
                           _("the DC answered the LDAP ping without netlogon data: it does not "
                             "serve this domain"));
      return NULL;
    }
  data = g_bytes_get_data (netlogon, &len);
  return fl_netlogon_decode (data, len, error);
}

static FlNetlogonReply *
ldap_ping_tcp (const FlProbeDc  *dc,
               const char       *domain,
               gint64            deadline_us,
               GError          **error)
{
  g_autoptr(LDAP) ld = fl_check_ldap_open (dc, deadline_us, error);
  g_autofree char *filter = NULL;
  char *attrs[] = { (char *)"Netlogon", NULL };
  LDAPMessage *result = NULL;
  struct berval **vals;
  FlNetlogonReply *reply = NULL;
  int rc;

  if (ld == NULL)
    return NULL;

  filter = g_strdup_printf ("(&(DnsDomain=%s)(NtVer=\\%02x\\%02x\\%02x\\%02x))", domain,
                            NT_VERSION_REQUEST & 0xff, (NT_VERSION_REQUEST >> 8) & 0xff,
                            (NT_VERSION_REQUEST >> 16) & 0xff, (NT_VERSION_REQUEST >> 24) & 0xff);
  rc = fl_check_ldap_search (ld, "", filter, attrs, deadline_us, &result);
  if (rc != LDAP_SUCCESS)
    {
      fl_check_ldap_error (error, ld, rc, _("ping over TCP"));
      ldap_msgfree (result);
      return NULL;
    }

  vals = ldap_get_values_len (ld, ldap_first_entry (ld, result), "Netlogon");
  if (vals == NULL || vals[0] == NULL)
    g_set_error_literal (error, FL_PROBE_ERROR, FL_PROBE_ERROR_PROTOCOL,
                         _("the DC answered the LDAP ping without netlogon data: it does not "
                           "serve this domain"));
  else
    reply = fl_netlogon_decode ((const guint8 *)vals[0]->bv_val, vals[0]->bv_len, error);
  ldap_value_free_len (vals);
  ldap_msgfree (result);
  return reply;
}

FlSample *
fl_check_ldap_ping (FlCheckRun *run)
{
  const char *domain = fl_probe_config_get_domain (run->config);
  int message_id = g_random_int_range (1, 0x7fffffff);
  g_autoptr(GBytes) request = fl_cldap_build_request (message_id, domain, NT_VERSION_REQUEST);
  g_autoptr(GBytes) answer = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(FlNetlogonReply) reply = NULL;
  gint64 udp_deadline;

  /* UDP first, as clients do; if it stays silent for half the time, the same search over TCP
   * (a firewall may drop UDP 389). A refusal is final: the DC's LDAP service is down. */
  udp_deadline = run->started + (run->deadline - run->started) / 2;
  answer = fl_net_udp_exchange (run->dc->address, 389, request, udp_deadline, NULL, NULL, &error);
  if (answer != NULL)
    {
      g_variant_dict_insert (&run->detail, "method", "s", "udp");
      reply = fl_check_decode_ping (answer, message_id, &error);
    }
  else if (g_error_matches (error, FL_PROBE_ERROR, FL_PROBE_ERROR_TIMEOUT))
    {
      g_clear_error (&error);
      g_variant_dict_insert (&run->detail, "method", "s", "tcp");
      reply = ldap_ping_tcp (run->dc, domain, run->deadline, &error);
    }
  else
    g_variant_dict_insert (&run->detail, "method", "s", "udp");

  if (reply == NULL)
    {
      if (g_error_matches (error, FL_PROBE_ERROR, FL_PROBE_ERROR_MALFORMED) && answer != NULL)
        {
          g_autofree char *hex = NULL;
          gsize len;
          const guint8 *data = g_bytes_get_data (answer, &len);
          GString *s = g_string_new (NULL);

          for (gsize i = 0; i < MIN (len, 512); i++)
            g_string_append_printf (s, "%02x", data[i]);
          hex = g_string_free (s, FALSE);
          g_variant_dict_insert (&run->detail, "raw", "s", hex);
        }
      return fl_check_fail (run, error);
    }

  fl_check_netlogon_detail (&run->detail, reply);
  if (reply->opcode == FL_NETLOGON_OPCODE_PAUSE_RESPONSE_EX)
    return fl_check_finish (run, FL_STATUS_DEGRADED, _("Netlogon is paused on this DC"));
  if (!(reply->flags & FL_DS_DS_FLAG))
    return fl_check_finish (run, FL_STATUS_DEGRADED, _("the DC does not say it is a directory server"));
  return fl_check_finish (run, FL_STATUS_OK, NULL);
}

/* ------------------------------------------------------------------------------------------ */
/* ldap (rootDSE) */

FlSample *
fl_check_ldap (FlCheckRun *run)
{
  static const char * const names[] = {
    "dnsHostName", "serverName", "dsServiceName", "currentTime", "isSynchronized",
    "domainFunctionality", "forestFunctionality", "domainControllerFunctionality",
    "defaultNamingContext",
  };
  char *attrs[G_N_ELEMENTS (names) + 1] = { NULL };
  g_autoptr(GError) error = NULL;
  g_autoptr(LDAP) ld = fl_check_ldap_open (run->dc, run->deadline, &error);
  LDAPMessage *result = NULL, *entry;
  g_autofree char *synced = NULL;
  int rc;

  if (ld == NULL)
    return fl_check_fail (run, error);

  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    attrs[i] = (char *)names[i];
  rc = fl_check_ldap_search (ld, "", "(objectClass=*)", attrs, run->deadline, &result);
  if (rc != LDAP_SUCCESS)
    {
      ldap_msgfree (result);
      fl_check_ldap_error (&error, ld, rc, _("rootDSE"));
      return fl_check_fail (run, error);
    }

  entry = ldap_first_entry (ld, result);
  for (guint i = 0; entry != NULL && i < G_N_ELEMENTS (names); i++)
    {
      g_autofree char *value = fl_check_ldap_value (ld, entry, names[i]);

      if (value != NULL && g_utf8_validate (value, -1, NULL))
        g_variant_dict_insert (&run->detail, names[i], "s", value);
    }
  synced = entry ? fl_check_ldap_value (ld, entry, "isSynchronized") : NULL;
  ldap_msgfree (result);

  if (g_strcmp0 (synced, "TRUE") != 0)
    return fl_check_finish (run, FL_STATUS_DEGRADED,
                            _("the DC says it is not synchronised (isSynchronized is not TRUE): it "
                              "has not finished its first replication"));
  return fl_check_finish (run, FL_STATUS_OK, NULL);
}
