/* fl-checks.c: observing a DC the way a domain client does
 *
 * Every function here blocks and runs on a worker thread with its own sockets, LDAP handle and
 * krb5 context. Each is bounded by @deadline_us where the library lets us (sockets, libldap);
 * MIT krb5 1.20 cannot be cancelled, so the scheduler abandons a late Kerberos check at its
 * deadline and reports a timeout itself.
 *
 * Copyright 2026 The Failover Lab authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "fl-checks"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <gssapi/gssapi_krb5.h>
#include <krb5.h>
#include <ldap.h>
#include <profile.h>
#include <string.h>
#include <unistd.h>

#include "fl-checks.h"
#include "fl-krb-pool.h"
#include "fl-ldap-values.h"
#include "fl-cldap.h"
#include "fl-dns-message.h"
#include "fl-net.h"
#include "fl-netlogon.h"
#include "fl-time-parse.h"

/* Documented in ldap_open(3) and exported by libldap 2.5, but declared only in its private
 * header: declared here with the documented signature and protocol value. */
#ifndef LDAP_PROTO_TCP
#define LDAP_PROTO_TCP 1
int ldap_init_fd (ber_socket_t fd, int proto, const char *url, LDAP **ldp);
#endif

#define NT_VERSION_REQUEST (FL_NT_VERSION_5 | FL_NT_VERSION_5EX | FL_NT_VERSION_WITH_CLOSEST_SITE)
#define TIME_WARN_US  (G_GINT64_CONSTANT (60) * G_USEC_PER_SEC)
#define TIME_FAIL_US  (G_GINT64_CONSTANT (300) * G_USEC_PER_SEC)
#define LOCATOR_STAGGER_US (100 * 1000)

typedef struct
{
  FlCheckKind      kind;
  FlProbeConfig   *config;
  const FlProbeDc *dc;
  gint64           started;
  gint64           deadline;
  GVariantDict     detail;
} Run;

static void
run_init (Run             *run,
          FlCheckKind      kind,
          FlProbeConfig   *config,
          const FlProbeDc *dc,
          gint64           deadline_us)
{
  run->kind = kind;
  run->config = config;
  run->dc = dc;
  run->started = g_get_monotonic_time ();
  run->deadline = deadline_us;
  g_variant_dict_init (&run->detail, NULL);
  if (dc != NULL)
    g_variant_dict_insert (&run->detail, "address", "s", dc->address);
}

static FlSample *
run_finish (Run        *run,
            FlStatus    status,
            const char *message)
{
  return fl_sample_new (run->kind, run->dc ? run->dc->name : NULL, status, run->started,
                        g_get_monotonic_time () - run->started, message,
                        g_variant_dict_end (&run->detail));
}

static const char *
error_kind (const GError *error)
{
  if (error->domain != FL_PROBE_ERROR)
    return "failed";
  switch ((FlProbeError)error->code)
    {
    case FL_PROBE_ERROR_MALFORMED:
      return "malformed";
    case FL_PROBE_ERROR_REFUSED:
      return "refused";
    case FL_PROBE_ERROR_UNREACHABLE:
      return "unreachable";
    case FL_PROBE_ERROR_TIMEOUT:
      return "timeout";
    case FL_PROBE_ERROR_PROTOCOL:
      return "protocol";
    case FL_PROBE_ERROR_AUTH:
      return "auth";
    case FL_PROBE_ERROR_CONFIG:
      return "config";
    case FL_PROBE_ERROR_FAILED:
    default:
      return "failed";
    }
}

static FlSample *
run_fail (Run          *run,
          const GError *error)
{
  g_variant_dict_insert (&run->detail, "error", "s", error_kind (error));
  return run_finish (run,
                     g_error_matches (error, FL_PROBE_ERROR, FL_PROBE_ERROR_TIMEOUT)
                       ? FL_STATUS_TIMEOUT : FL_STATUS_FAIL,
                     error->message);
}

/* ------------------------------------------------------------------------------------------ */
/* reach, smb, network */

static FlSample *
check_reach_address (Run        *run,
                     const char *address)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GSocket) socket = NULL;

  if (fl_net_icmp_echo (address, run->deadline, &error))
    {
      g_variant_dict_insert (&run->detail, "method", "s", "icmp");
      return run_finish (run, FL_STATUS_OK, NULL);
    }
  if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_PERMISSION_DENIED))
    {
      g_variant_dict_insert (&run->detail, "method", "s", "icmp");
      return run_fail (run, error);
    }

  /* No unprivileged ICMP here: a TCP connect to the LDAP port says as much, since a refusal
   * comes from the host itself. */
  g_clear_error (&error);
  g_variant_dict_insert (&run->detail, "method", "s", "tcp");
  socket = fl_net_tcp_connect (address, 389, "TCP", run->deadline, &error);
  if (socket != NULL || g_error_matches (error, FL_PROBE_ERROR, FL_PROBE_ERROR_REFUSED))
    return run_finish (run, FL_STATUS_OK, NULL);
  return run_fail (run, error);
}

static FlSample *
check_tcp_service (Run        *run,
                   guint16     port,
                   const char *service)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GSocket) socket = fl_net_tcp_connect (run->dc->address, port, service, run->deadline,
                                                  &error);

  if (socket == NULL)
    return run_fail (run, error);
  return run_finish (run, FL_STATUS_OK, NULL);
}

/* ------------------------------------------------------------------------------------------ */
/* dns */

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
static FlDnsResponse *
dns_ask_tcp (const char  *server,
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
      return dns_ask_tcp (server, port, query, id, name, qtype, deadline_us, error);
    }
  return r;
}

static FlSample *
check_dns (Run *run)
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
    return run_fail (run, error);
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
      return run_finish (run, FL_STATUS_FAIL, message);
    }

  krb_srv = fl_check_dns_ask (run->dc->address, 53, krb_name, FL_DNS_TYPE_SRV, run->deadline, &error);
  if (krb_srv == NULL)
    return run_fail (run, error);
  g_variant_dict_insert (&run->detail, "kerberos_srv", "u", krb_srv->srv->len);

  a = fl_check_dns_ask (run->dc->address, 53, run->dc->host, FL_DNS_TYPE_A, run->deadline, &error);
  if (a == NULL)
    return run_fail (run, error);
  if (a->addresses->len > 0)
    g_variant_dict_insert (&run->detail, "a", "s", (const char *)a->addresses->pdata[0]);

  if (krb_srv->srv->len == 0 || a->addresses->len == 0)
    {
      g_autofree char *message =
        g_strdup_printf (_("DNS at %s answers, but %s"), run->dc->address,
                         krb_srv->srv->len == 0 ? krb_name : run->dc->host);
      return run_finish (run, FL_STATUS_DEGRADED, message);
    }

  return run_finish (run, FL_STATUS_OK, NULL);
}

/* ------------------------------------------------------------------------------------------ */
/* ldap helpers */

static void
ldap_unbind_handle (LDAP *ld)
{
  ldap_unbind_ext_s (ld, NULL, NULL);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (LDAP, ldap_unbind_handle)

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
static int
ldap_base_search (LDAP         *ld,
                  const char   *base,
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
  rc = ldap_search_ext (ld, base, LDAP_SCOPE_BASE, filter, attrs, 0, NULL, NULL, NULL, 1, &msgid);
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
  /* the result's code, its diagnostic message kept on the handle for set_ldap_error() */
  rc = ldap_parse_result (ld, *result, &code, NULL, NULL, NULL, NULL, 0);
  return rc != LDAP_SUCCESS ? rc : code;
}

/* Connects the socket ourselves (precise refused / unreachable / timeout) and hands it to
 * libldap with the DC's host name as the URL: nothing is resolved, and SASL can name the
 * service ldap/<host> without canonicalising it through DNS. */
static LDAP *
ldap_open_dc (const FlProbeDc  *dc,
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

static void
set_ldap_error (GError    **error,
                LDAP       *ld,
                int         rc,
                const char *what)
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
static char *
entry_value (LDAP        *ld,
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

static void
add_netlogon_detail (GVariantDict          *d,
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

static FlNetlogonReply *
decode_ping_answer (GBytes  *datagram,
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
  g_autoptr(LDAP) ld = ldap_open_dc (dc, deadline_us, error);
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
  rc = ldap_base_search (ld, "", filter, attrs, deadline_us, &result);
  if (rc != LDAP_SUCCESS)
    {
      set_ldap_error (error, ld, rc, _("ping over TCP"));
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

static FlSample *
check_ldap_ping (Run *run)
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
      reply = decode_ping_answer (answer, message_id, &error);
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
      return run_fail (run, error);
    }

  add_netlogon_detail (&run->detail, reply);
  if (reply->opcode == FL_NETLOGON_OPCODE_PAUSE_RESPONSE_EX)
    return run_finish (run, FL_STATUS_DEGRADED, _("Netlogon is paused on this DC"));
  if (!(reply->flags & FL_DS_DS_FLAG))
    return run_finish (run, FL_STATUS_DEGRADED, _("the DC does not say it is a directory server"));
  return run_finish (run, FL_STATUS_OK, NULL);
}

/* ------------------------------------------------------------------------------------------ */
/* ldap (rootDSE) */

static FlSample *
check_ldap (Run *run)
{
  static const char * const names[] = {
    "dnsHostName", "serverName", "dsServiceName", "currentTime", "isSynchronized",
    "domainFunctionality", "forestFunctionality", "domainControllerFunctionality",
    "defaultNamingContext",
  };
  char *attrs[G_N_ELEMENTS (names) + 1] = { NULL };
  g_autoptr(GError) error = NULL;
  g_autoptr(LDAP) ld = ldap_open_dc (run->dc, run->deadline, &error);
  LDAPMessage *result = NULL, *entry;
  g_autofree char *synced = NULL;
  int rc;

  if (ld == NULL)
    return run_fail (run, error);

  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    attrs[i] = (char *)names[i];
  rc = ldap_base_search (ld, "", "(objectClass=*)", attrs, run->deadline, &result);
  if (rc != LDAP_SUCCESS)
    {
      ldap_msgfree (result);
      set_ldap_error (&error, ld, rc, _("rootDSE"));
      return run_fail (run, error);
    }

  entry = ldap_first_entry (ld, result);
  for (guint i = 0; entry != NULL && i < G_N_ELEMENTS (names); i++)
    {
      g_autofree char *value = entry_value (ld, entry, names[i]);

      if (value != NULL && g_utf8_validate (value, -1, NULL))
        g_variant_dict_insert (&run->detail, names[i], "s", value);
    }
  synced = entry ? entry_value (ld, entry, "isSynchronized") : NULL;
  ldap_msgfree (result);

  if (g_strcmp0 (synced, "TRUE") != 0)
    return run_finish (run, FL_STATUS_DEGRADED,
                       _("the DC says it is not synchronised (isSynchronized is not TRUE): it "
                         "has not finished its first replication"));
  return run_finish (run, FL_STATUS_OK, NULL);
}

/* ------------------------------------------------------------------------------------------ */
/* kerberos, machine_trust */

typedef struct
{
  GMutex  lock;
  char   *answered_by;
  guint   requests;
} Trace;

static void
trace_cb (krb5_context           ctx,
          const krb5_trace_info *info,
          void                  *data)
{
  Trace *trace = data;
  const char *from;

  if (info == NULL || info->message == NULL)
    return;

  /* "Sending request (261 bytes) to TEST.LOCAL": one exchange with a KDC (counted until the
   * ticket-granting ticket is in: the AS exchanges) */
  if (strstr (info->message, ": Sending request (") != NULL)
    {
      g_mutex_lock (&trace->lock);
      trace->requests++;
      g_mutex_unlock (&trace->lock);
    }

  /* "Received answer (1637 bytes) from stream 10.0.0.12:88" names the KDC that answered */
  if (strstr (info->message, "Received answer") != NULL &&
      (from = strstr (info->message, " from ")) != NULL)
    {
      const char *addr = strrchr (from, ' ') + 1;
      const char *colon = strrchr (addr, ':');
      g_autofree char *host = g_strndup (addr, colon ? (gsize)(colon - addr) : strlen (addr));

      g_strstrip (host);
      if (host[0] == '[')
        memmove (host, host + 1, strlen (host));
      if (strlen (host) > 0 && host[strlen (host) - 1] == ']')
        host[strlen (host) - 1] = '\0';
      g_mutex_lock (&trace->lock);
      g_free (trace->answered_by);
      trace->answered_by = g_strdup (host);
      g_mutex_unlock (&trace->lock);
    }
}

static const char *
krb5_error_kind (krb5_error_code code,
                 FlProbeError   *kind)
{
  switch (code)
    {
    case KRB5KDC_ERR_PREAUTH_FAILED:
    case KRB5KRB_AP_ERR_BAD_INTEGRITY:
      *kind = FL_PROBE_ERROR_AUTH;
      return "auth";
    case KRB5KDC_ERR_C_PRINCIPAL_UNKNOWN:
    case KRB5KDC_ERR_CLIENT_REVOKED:
    case KRB5KDC_ERR_KEY_EXP:
      *kind = FL_PROBE_ERROR_AUTH;
      return "auth";
    case KRB5_KDC_UNREACH:
      *kind = FL_PROBE_ERROR_UNREACHABLE;
      return "unreachable";
    case KRB5KRB_AP_ERR_SKEW:
      *kind = FL_PROBE_ERROR_PROTOCOL;
      return "skew";
    default:
      *kind = FL_PROBE_ERROR_PROTOCOL;
      return "protocol";
    }
}

/* The first exchange of a principal with this profile's KDCs asks for the etype and salt
 * (krb5_get_etype_info, a request without pre-authentication, as every client's first); the
 * answer is kept (fl-krb-pool.c) and every exchange pre-authenticates at once: one round trip,
 * no key derivation. */
static krb5_error_code
kerberos_exchange (Run                     *run,
                   krb5_context             ctx,
                   const char              *krb5_conf,
                   krb5_principal           client,
                   krb5_creds              *creds,
                   krb5_get_init_creds_opt *opt,
                   const char              *principal,
                   gboolean                 machine)
{
  FlKrbPool *pool = fl_probe_config_get_krb_pool (run->config);
  g_autofree char *keytab_name = NULL;
  krb5_preauthtype encts = KRB5_PADATA_ENC_TIMESTAMP;
  krb5_enctype etype = ENCTYPE_NULL;
  krb5_keytab keytab = NULL;
  krb5_error_code code;
  gboolean learned;

  learned = fl_krb_pool_lookup (pool, krb5_conf, principal, &etype, &keytab_name);
  if (!learned)
    {
      krb5_data salt = { 0 }, params = { 0 };

      code = krb5_get_etype_info (ctx, client, NULL, &etype, &salt, &params);
      if (code == 0 && etype != ENCTYPE_NULL)
        code = fl_krb_pool_learn (pool, ctx, krb5_conf, client, principal,
                                  machine ? NULL : fl_probe_config_get_password (run->config),
                                  etype, &salt, &params, &keytab_name);
      krb5_free_data_contents (ctx, &salt);
      krb5_free_data_contents (ctx, &params);
      if (code != 0)
        return code;
      learned = etype != ENCTYPE_NULL;
      g_variant_dict_insert (&run->detail, "preauth", "s", "asked");
    }
  else
    g_variant_dict_insert (&run->detail, "preauth", "s", "known");

  if (learned)
    {
      krb5_get_init_creds_opt_set_etype_list (opt, &etype, 1);
      krb5_get_init_creds_opt_set_preauth_list (opt, &encts, 1);
    }

  if (machine || keytab_name != NULL)
    {
      g_autofree char *name = machine ? g_strconcat ("FILE:", fl_probe_config_get_keytab (run->config), NULL)
                                      : g_steal_pointer (&keytab_name);

      code = krb5_kt_resolve (ctx, name, &keytab);
      if (code == 0)
        code = krb5_get_init_creds_keytab (ctx, creds, client, keytab, 0, NULL, opt);
      if (keytab != NULL)
        krb5_kt_close (ctx, keytab);
    }
  else
    /* the KDC gave no etype-info (no pre-authentication required): as a client would */
    code = krb5_get_init_creds_password (ctx, creds, client,
                                         fl_probe_config_get_password (run->config), NULL, NULL,
                                         0, NULL, opt);
  if (code != 0)
    fl_krb_pool_forget (pool, krb5_conf, principal);
  return code;
}

static FlSample *
check_kerberos (Run        *run,
                const char *krb5_conf,
                gboolean    machine)
{
  const char *principal = machine ? fl_probe_config_get_machine (run->config)
                                  : fl_probe_config_get_user (run->config);
  const char *password = fl_probe_config_get_password (run->config);
  const char *keytab_path = fl_probe_config_get_keytab (run->config);
  FlKrbPool *pool = fl_probe_config_get_krb_pool (run->config);
  krb5_context ctx = NULL;
  krb5_principal client = NULL;
  krb5_get_init_creds_opt *opt = NULL;
  krb5_ccache cc = NULL;
  krb5_creds creds;
  krb5_error_code code;
  Trace trace = { 0 };
  FlSample *sample;

  memset (&creds, 0, sizeof creds);

  if (principal == NULL || (machine ? keytab_path == NULL : password == NULL))
    {
      g_variant_dict_insert (&run->detail, "error", "s", "config");
      return run_finish (run, FL_STATUS_SKIPPED,
                         machine ? _("no machine account: give the lab a keytab and a machine "
                                     "principal (credentials.keytab, credentials.machine)")
                                 : _("no user credentials: give the lab a user principal and a "
                                     "password (keyring, FAILOVER_LAB_PASSWORD or --password-file)"));
    }

  g_mutex_init (&trace.lock);
  g_variant_dict_insert (&run->detail, "principal", "s", principal);

  if ((code = fl_krb_pool_acquire (pool, krb5_conf, &ctx)) != 0)
    {
      g_autofree char *message = g_strdup_printf (_("cannot set up Kerberos: error %d"), (int)code);

      g_variant_dict_insert (&run->detail, "error", "s", "config");
      g_mutex_clear (&trace.lock);
      return run_finish (run, FL_STATUS_FAIL, message);
    }
  krb5_set_trace_callback (ctx, trace_cb, &trace);

  if ((code = krb5_parse_name (ctx, principal, &client)) == 0 &&
      (code = krb5_get_init_creds_opt_alloc (ctx, &opt)) == 0 &&
      (code = krb5_cc_new_unique (ctx, "MEMORY", NULL, &cc)) == 0 &&
      (code = krb5_get_init_creds_opt_set_out_ccache (ctx, opt, cc)) == 0)
    code = kerberos_exchange (run, ctx, krb5_conf, client, &creds, opt, principal, machine);

  g_mutex_lock (&trace.lock);
  if (trace.answered_by != NULL)
    {
      const FlProbeDc *by = fl_probe_config_lookup_dc (run->config, trace.answered_by);

      g_variant_dict_insert (&run->detail, "kdc", "s", trace.answered_by);
      if (by != NULL)
        g_variant_dict_insert (&run->detail, "server", "s", by->name);
    }
  g_variant_dict_insert (&run->detail, "as_requests", "u", trace.requests);
  g_mutex_unlock (&trace.lock);

  if (code != 0)
    {
      const char *text = krb5_get_error_message (ctx, code);
      g_autofree char *message = NULL;
      FlProbeError kind;
      const char *what = krb5_error_kind (code, &kind);

      if (machine && kind == FL_PROBE_ERROR_AUTH)
        message = g_strdup_printf (_("the machine account's key was refused (%s): the "
                                     "workstation's password no longer matches the domain's — "
                                     "the trust relationship is broken"), text);
      else if (kind == FL_PROBE_ERROR_AUTH)
        message = g_strdup_printf (_("the KDC refused the credentials of %s: %s"), principal, text);
      else if (code == KRB5KRB_AP_ERR_SKEW)
        message = g_strdup_printf (_("clock skew too great: %s"), text);
      else
        message = g_strdup_printf ("Kerberos: %s", text);
      krb5_free_error_message (ctx, text);
      g_variant_dict_insert (&run->detail, "error", "s", what);
      sample = run_finish (run, FL_STATUS_FAIL, message);
    }
  else
    {
      /* the service ticket a client would get next: ldap/<this DC> */
      if (run->dc != NULL && !machine)
        {
          g_autofree char *service = g_strdup_printf ("ldap/%s@%s", run->dc->host,
                                                      fl_probe_config_get_realm (run->config));
          krb5_creds in, *out = NULL;

          memset (&in, 0, sizeof in);
          in.client = client;
          if (krb5_parse_name (ctx, service, &in.server) == 0)
            {
              if (krb5_get_credentials (ctx, 0, cc, &in, &out) == 0)
                g_variant_dict_insert (&run->detail, "service_ticket", "s", service);
              krb5_free_principal (ctx, in.server);
              krb5_free_creds (ctx, out);
            }
        }
      sample = run_finish (run, FL_STATUS_OK, NULL);
    }

  krb5_free_cred_contents (ctx, &creds);
  if (cc != NULL)
    krb5_cc_destroy (ctx, cc);
  if (opt != NULL)
    krb5_get_init_creds_opt_free (ctx, opt);
  if (client != NULL)
    krb5_free_principal (ctx, client);
  fl_krb_pool_release (pool, krb5_conf, ctx);
  g_free (trace.answered_by);
  g_mutex_clear (&trace.lock);
  return sample;
}

/* ------------------------------------------------------------------------------------------ */
/* time */

static FlSample *
time_verdict (Run    *run,
              gint64  offset_us,
              const char *method)
{
  gint64 abs_offset = ABS (offset_us);
  g_autofree char *message = NULL;

  g_variant_dict_insert (&run->detail, "method", "s", method);
  g_variant_dict_insert (&run->detail, "offset_us", "x", offset_us);
  if (abs_offset >= TIME_FAIL_US)
    {
      message = g_strdup_printf (_("the DC's clock is %.1f s off ours: Kerberos fails beyond 300 s"),
                                 offset_us / 1e6);
      return run_finish (run, FL_STATUS_FAIL, message);
    }
  if (abs_offset >= TIME_WARN_US)
    {
      message = g_strdup_printf (_("the DC's clock is %.1f s off ours"), offset_us / 1e6);
      return run_finish (run, FL_STATUS_DEGRADED, message);
    }
  return run_finish (run, FL_STATUS_OK, NULL);
}

static FlSample *
check_time (Run *run)
{
  guint8 packet[FL_SNTP_PACKET_SIZE];
  g_autoptr(GBytes) request = NULL;
  g_autoptr(GBytes) answer = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GError) sntp_error = NULL;
  g_autoptr(LDAP) ld = NULL;
  gint64 t1 = g_get_real_time ();
  gint64 sntp_deadline = run->started + (run->deadline - run->started) / 2;
  char *attrs[] = { (char *)"currentTime", NULL };
  LDAPMessage *result = NULL;
  g_autofree char *current = NULL;
  gint64 before, after, dc_time;
  int rc;

  fl_sntp_build_request (packet, t1);
  request = g_bytes_new (packet, sizeof packet);
  answer = fl_net_udp_exchange (run->dc->address, 123, request, sntp_deadline, NULL, NULL,
                                &sntp_error);
  if (answer != NULL)
    {
      gint64 t4 = g_get_real_time ();
      gint64 offset, delay;
      guint stratum;
      gsize len;
      const guint8 *data = g_bytes_get_data (answer, &len);

      if (fl_sntp_parse_reply (data, len, t1, t4, &offset, &delay, &stratum, &sntp_error))
        {
          g_variant_dict_insert (&run->detail, "stratum", "u", stratum);
          g_variant_dict_insert (&run->detail, "delay_us", "x", delay);
          return time_verdict (run, offset, "sntp");
        }
    }

  /* No NTP service: the DC's LDAP clock (rootDSE currentTime, 1 s resolution) */
  g_variant_dict_insert (&run->detail, "sntp", "s", sntp_error->message);
  ld = ldap_open_dc (run->dc, run->deadline, &error);
  if (ld == NULL)
    return run_fail (run, error);
  before = g_get_real_time ();
  rc = ldap_base_search (ld, "", "(objectClass=*)", attrs, run->deadline, &result);
  after = g_get_real_time ();
  if (rc == LDAP_SUCCESS && ldap_first_entry (ld, result) != NULL)
    current = entry_value (ld, ldap_first_entry (ld, result), "currentTime");
  ldap_msgfree (result);
  if (rc != LDAP_SUCCESS)
    {
      set_ldap_error (&error, ld, rc, _("currentTime"));
      return run_fail (run, error);
    }
  if (!fl_parse_generalized_time (current, &dc_time))
    {
      g_set_error (&error, FL_PROBE_ERROR, FL_PROBE_ERROR_MALFORMED,
                   _("the DC's currentTime “%s” is not a time"), current ? current : "");
      return run_fail (run, error);
    }
  /* the DC truncates to whole seconds: compare with the middle of our second */
  return time_verdict (run, dc_time + G_USEC_PER_SEC / 2 - (before + after) / 2, "ldap");
}

/* ------------------------------------------------------------------------------------------ */
/* locator: nltest /dsgetdc:<domain> /force */

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
  g_autoptr(FlNetlogonReply) reply = decode_ping_answer (datagram, m->message_id, NULL);

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
locator_srv (Run         *run,
             const char  *name,
             gint64       answer_by,
             GPtrArray   *failures,
             guint       *dns_winner)
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
      r = dns_ask_tcp (servers->pdata[*dns_winner], 53, query, id, name, FL_DNS_TYPE_SRV, answer_by, &error);
      if (r == NULL)
        g_ptr_array_add (failures, g_strdup (error->message));
    }
  return r;
}

static FlSample *
check_locator (Run                *run,
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
      return run_finish (run, FL_STATUS_FAIL, message);
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
      return run_finish (run, FL_STATUS_FAIL, message);
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
      return run_finish (run, FL_STATUS_FAIL,
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
      return run_finish (run, FL_STATUS_FAIL, message);
    }

  reply = decode_ping_answer (answer, match.message_id, NULL);
  chosen = fl_probe_config_lookup_dc (run->config, candidates->pdata[winner]);
  add_netlogon_detail (&run->detail, reply);
  g_variant_dict_insert (&run->detail, "server", "s", chosen->name);
  g_variant_dict_insert (&run->detail, "server_address", "s", chosen->address);
  return run_finish (run, FL_STATUS_OK, NULL);
}

/* ------------------------------------------------------------------------------------------ */
/* fsmo: the five role owners, read with a Kerberos (SASL/GSSAPI) bind */

static int
sasl_interact_none (LDAP     *ld,
                    unsigned  flags,
                    void     *defaults,
                    void     *interact)
{
  /* GSSAPI needs no prompt: the credentials are in the thread's ccache */
  return LDAP_SUCCESS;
}

/* A TGT and the service ticket ldap/<host> in a fresh MEMORY ccache, from this DC's KDC alone.
 * Returns the ccache name for gss_krb5_ccache_name(), or NULL with @error. */
static char *
fsmo_credentials (Run              *run,
                  const FlProbeDc  *dc,
                  krb5_context     *ctx_out,
                  krb5_ccache      *cc_out,
                  GError          **error)
{
  const char *principal = fl_probe_config_get_user (run->config);
  const char *password = fl_probe_config_get_password (run->config);
  g_autofree char *service = NULL;
  krb5_context ctx = NULL;
  krb5_principal client = NULL;
  krb5_get_init_creds_opt *opt = NULL;
  krb5_ccache cc = NULL;
  krb5_creds creds, in, *out = NULL;
  profile_t profile = NULL;
  krb5_error_code code;
  char *name = NULL;
  char *result = NULL;

  memset (&creds, 0, sizeof creds);
  memset (&in, 0, sizeof in);

  if (principal == NULL || password == NULL)
    {
      g_set_error_literal (error, FL_PROBE_ERROR, FL_PROBE_ERROR_CONFIG,
                           _("no user credentials: the FSMO roles are read with a Kerberos bind"));
      return NULL;
    }

  service = g_strdup_printf ("ldap/%s@%s", dc->host, fl_probe_config_get_realm (run->config));
  if ((code = profile_init_path (dc->krb5_conf, &profile)) == 0 &&
      (code = krb5_init_context_profile (profile, 0, &ctx)) == 0 &&
      (code = krb5_parse_name (ctx, principal, &client)) == 0 &&
      (code = krb5_get_init_creds_opt_alloc (ctx, &opt)) == 0 &&
      (code = krb5_cc_new_unique (ctx, "MEMORY", NULL, &cc)) == 0 &&
      (code = krb5_cc_initialize (ctx, cc, client)) == 0 &&
      (code = krb5_get_init_creds_opt_set_out_ccache (ctx, opt, cc)) == 0 &&
      (code = krb5_get_init_creds_password (ctx, &creds, client, password, NULL, NULL, 0, NULL,
                                            opt)) == 0 &&
      (code = krb5_parse_name (ctx, service, &in.server)) == 0)
    {
      in.client = client;
      code = krb5_get_credentials (ctx, 0, cc, &in, &out);
      if (code == 0)
        code = krb5_cc_get_full_name (ctx, cc, &name);
    }
  if (profile != NULL)
    profile_release (profile);

  if (code != 0)
    {
      const char *text = ctx ? krb5_get_error_message (ctx, code) : NULL;

      g_set_error (error, FL_PROBE_ERROR, FL_PROBE_ERROR_AUTH, _("Kerberos for the FSMO bind: %s"),
                   text ? text : "?");
      if (text != NULL)
        krb5_free_error_message (ctx, text);
    }
  else
    result = g_strdup (name);

  krb5_free_string (ctx, name);
  krb5_free_creds (ctx, out);
  if (in.server != NULL)
    krb5_free_principal (ctx, in.server);
  krb5_free_cred_contents (ctx, &creds);
  if (opt != NULL)
    krb5_get_init_creds_opt_free (ctx, opt);
  if (client != NULL)
    krb5_free_principal (ctx, client);
  if (result == NULL)
    {
      if (cc != NULL)
        krb5_cc_destroy (ctx, cc);
      if (ctx != NULL)
        krb5_free_context (ctx);
      return NULL;
    }
  *ctx_out = ctx;
  *cc_out = cc;
  return result;
}

/* The role owner: fSMORoleOwner is "CN=NTDS Settings,CN=<server>,CN=Servers,…"; the server
 * object's dNSHostName names the DC. */
static char *
fsmo_owner (Run        *run,
            LDAP       *ld,
            const char *dn,
            GError    **error)
{
  char *attrs[] = { (char *)"fSMORoleOwner", NULL };
  char *host_attrs[] = { (char *)"dNSHostName", NULL };
  LDAPMessage *result = NULL;
  g_autofree char *owner = NULL;
  g_autofree char *host = NULL;
  g_autofree char *server_dn = NULL;
  const FlProbeDc *dc;
  int rc;

  rc = ldap_base_search (ld, dn, "(objectClass=*)", attrs, run->deadline, &result);
  if (rc == LDAP_SUCCESS && ldap_first_entry (ld, result) != NULL)
    owner = entry_value (ld, ldap_first_entry (ld, result), "fSMORoleOwner");
  ldap_msgfree (result);
  if (rc != LDAP_SUCCESS)
    {
      set_ldap_error (error, ld, rc, dn);
      return NULL;
    }
  server_dn = fl_fsmo_owner_server_dn (owner);
  if (server_dn == NULL)
    return g_strdup ("?");

  result = NULL;
  rc = ldap_base_search (ld, server_dn, "(objectClass=*)", host_attrs, run->deadline, &result);
  if (rc == LDAP_SUCCESS && ldap_first_entry (ld, result) != NULL)
    host = entry_value (ld, ldap_first_entry (ld, result), "dNSHostName");
  ldap_msgfree (result);

  dc = fl_probe_config_lookup_dc (run->config, host);
  if (dc != NULL)
    return g_strdup (dc->name);
  if (host != NULL)
    return g_steal_pointer (&host);
  /* "CN=DC1,CN=Servers,…" */
  return fl_dn_first_value (server_dn);
}

/* One DC's view of the five roles: @owners[i] set where it could be read. */
static gboolean
fsmo_read (Run              *run,
           const FlProbeDc  *dc,
           char            **owners,
           GError          **error)
{
  g_autoptr(LDAP) ld = NULL;
  g_autofree char *ccache = NULL;
  krb5_context ctx = NULL;
  krb5_ccache cc = NULL;
  char *nc_attrs[] = { (char *)"defaultNamingContext", (char *)"configurationNamingContext",
                       (char *)"schemaNamingContext", NULL };
  g_autofree char *domain_nc = NULL;
  g_autofree char *config_nc = NULL;
  g_autofree char *schema_nc = NULL;
  LDAPMessage *result = NULL;
  GError *local_error = NULL;
  OM_uint32 minor;
  int rc;

  ccache = fsmo_credentials (run, dc, &ctx, &cc, error);
  if (ccache == NULL)
    return FALSE;

  /* the GSSAPI mechanism of this thread uses that ccache (and only this thread) */
  gss_krb5_ccache_name (&minor, ccache, NULL);

  ld = ldap_open_dc (dc, run->deadline, &local_error);
  if (ld != NULL)
    {
      rc = ldap_sasl_interactive_bind_s (ld, NULL, "GSSAPI", NULL, NULL, LDAP_SASL_QUIET,
                                         sasl_interact_none, NULL);
      if (rc != LDAP_SUCCESS)
        set_ldap_error (&local_error, ld, rc, _("Kerberos bind"));
    }

  if (local_error == NULL)
    {
      rc = ldap_base_search (ld, "", "(objectClass=*)", nc_attrs, run->deadline, &result);
      if (rc == LDAP_SUCCESS && ldap_first_entry (ld, result) != NULL)
        {
          domain_nc = entry_value (ld, ldap_first_entry (ld, result), "defaultNamingContext");
          config_nc = entry_value (ld, ldap_first_entry (ld, result), "configurationNamingContext");
          schema_nc = entry_value (ld, ldap_first_entry (ld, result), "schemaNamingContext");
        }
      ldap_msgfree (result);
      if (rc != LDAP_SUCCESS || domain_nc == NULL || config_nc == NULL || schema_nc == NULL)
        set_ldap_error (&local_error, ld, rc != LDAP_SUCCESS ? rc : LDAP_NO_SUCH_OBJECT, "rootDSE");
    }

  if (local_error == NULL)
    {
      g_autofree char *rid = g_strdup_printf ("CN=RID Manager$,CN=System,%s", domain_nc);
      g_autofree char *infra = g_strdup_printf ("CN=Infrastructure,%s", domain_nc);
      g_autofree char *parts = g_strdup_printf ("CN=Partitions,%s", config_nc);
      const char *dns[] = { domain_nc, rid, infra, parts, schema_nc };

      for (guint i = 0; local_error == NULL && i < FL_FSMO_N_ROLES; i++)
        {
          char *owner;

          if (owners[i] != NULL)
            continue;
          owner = fsmo_owner (run, ld, dns[i], &local_error);
          if (owner != NULL && !g_str_equal (owner, "?"))
            owners[i] = owner;
          else
            g_free (owner);
        }
    }

  gss_krb5_ccache_name (&minor, NULL, NULL);
  krb5_cc_destroy (ctx, cc);
  krb5_free_context (ctx);

  if (local_error != NULL)
    {
      g_propagate_error (error, local_error);
      return FALSE;
    }
  return TRUE;
}

static FlSample *
check_fsmo (Run                *run,
            const FlCheckHints *hints)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) order = g_ptr_array_new ();
  g_autoptr(GString) unknown_roles = g_string_new (NULL);
  char *owners[FL_FSMO_N_ROLES] = { NULL };
  const char *read_from = NULL;
  guint unknown = 0;

  /* without the user's credentials there is no Kerberos bind: nothing to say about the DCs, as
   * for the Kerberos checks (skipped, not failed) */
  if (fl_probe_config_get_user (run->config) == NULL || fl_probe_config_get_password (run->config) == NULL)
    {
      g_variant_dict_insert (&run->detail, "error", "s", "config");
      return run_finish (run, FL_STATUS_SKIPPED,
                         _("no user credentials: the FSMO roles are read with a Kerberos bind; give the "
                           "lab a user principal and a password (keyring, FAILOVER_LAB_PASSWORD or "
                           "--password-file)"));
    }

  /* read from the DC the locator uses; a DC that cannot say (still starting, a partition not
   * yet in place) hands over to the next one */
  if (hints != NULL && hints->logon_server != NULL &&
      fl_probe_config_lookup_dc (run->config, hints->logon_server) != NULL)
    g_ptr_array_add (order, (gpointer)fl_probe_config_lookup_dc (run->config, hints->logon_server));
  for (guint i = 0; i < fl_probe_config_get_n_dcs (run->config); i++)
    if (!g_ptr_array_find (order, fl_probe_config_get_dc (run->config, i), NULL))
      g_ptr_array_add (order, (gpointer)fl_probe_config_get_dc (run->config, i));

  for (guint d = 0; d < order->len && fl_net_remaining_us (run->deadline) > 0; d++)
    {
      const FlProbeDc *dc = order->pdata[d];
      g_autoptr(GError) dc_error = NULL;
      guint missing = 0;

      if (!fsmo_read (run, dc, owners, &dc_error))
        {
          if (error == NULL)
            error = g_steal_pointer (&dc_error);
          continue;
        }
      if (read_from == NULL)
        read_from = dc->name;
      for (guint i = 0; i < FL_FSMO_N_ROLES; i++)
        if (owners[i] == NULL)
          missing++;
      if (missing == 0)
        break;
    }

  if (read_from == NULL)
    {
      for (guint i = 0; i < FL_FSMO_N_ROLES; i++)
        g_free (owners[i]);
      return run_fail (run, error);
    }

  g_variant_dict_insert (&run->detail, "server", "s", read_from);
  for (guint i = 0; i < FL_FSMO_N_ROLES; i++)
    {
      g_variant_dict_insert (&run->detail, fl_fsmo_role_to_string ((FlFsmoRole)i), "s", owners[i] ? owners[i] : "?");
      if (owners[i] == NULL)
        {
          if (unknown_roles->len > 0)
            g_string_append (unknown_roles, ", ");
          g_string_append (unknown_roles, fl_fsmo_role_to_label ((FlFsmoRole)i));
          unknown++;
        }
      g_free (owners[i]);
    }

  if (unknown > 0)
    {
      g_autofree char *message =
        g_strdup_printf (_("the owner of these FSMO roles could not be read: %s"), unknown_roles->str);

      return run_finish (run, FL_STATUS_DEGRADED, message);
    }
  return run_finish (run, FL_STATUS_OK, NULL);
}

/* ------------------------------------------------------------------------------------------ */
/* sssd: the system's own view, SSSD InfoPipe ActiveServer("AD"), when SSSD is there */

static FlSample *
check_sssd (Run *run)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GDBusConnection) bus = NULL;
  g_autoptr(GVariant) reply = NULL;
  g_autoptr(GVariant) server_reply = NULL;
  const char *path = NULL;
  const char *server = NULL;
  const FlProbeDc *dc;
  int timeout_ms = (int)MAX (1, fl_net_remaining_us (run->deadline) / 1000);

  bus = g_bus_get_sync (G_BUS_TYPE_SYSTEM, NULL, &error);
  if (bus == NULL)
    return run_finish (run, FL_STATUS_SKIPPED, _("not available: no system bus"));

  reply = g_dbus_connection_call_sync (bus, "org.freedesktop.sssd.infopipe",
                                       "/org/freedesktop/sssd/infopipe",
                                       "org.freedesktop.sssd.infopipe", "FindDomainByName",
                                       g_variant_new ("(s)", fl_probe_config_get_domain (run->config)),
                                       G_VARIANT_TYPE ("(o)"), G_DBUS_CALL_FLAGS_NO_AUTO_START,
                                       timeout_ms, NULL, &error);
  if (reply == NULL)
    {
      if (g_error_matches (error, G_DBUS_ERROR, G_DBUS_ERROR_SERVICE_UNKNOWN) ||
          g_error_matches (error, G_DBUS_ERROR, G_DBUS_ERROR_NAME_HAS_NO_OWNER))
        return run_finish (run, FL_STATUS_SKIPPED, _("not available: SSSD's InfoPipe is not running"));
      if (g_error_matches (error, G_DBUS_ERROR, G_DBUS_ERROR_ACCESS_DENIED))
        return run_finish (run, FL_STATUS_SKIPPED,
                           _("not available: SSSD's InfoPipe lets only root in (add this user to "
                             "allowed_uids in [ifp])"));
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_TIMED_OUT))
        return run_finish (run, FL_STATUS_TIMEOUT, error->message);
      return run_finish (run, FL_STATUS_SKIPPED, error->message);
    }
  g_variant_get (reply, "(&o)", &path);

  server_reply = g_dbus_connection_call_sync (bus, "org.freedesktop.sssd.infopipe", path,
                                              "org.freedesktop.sssd.infopipe.Domains.Domain",
                                              "ActiveServer", g_variant_new ("(s)", "AD"),
                                              G_VARIANT_TYPE ("(s)"), G_DBUS_CALL_FLAGS_NO_AUTO_START,
                                              timeout_ms, NULL, &error);
  if (server_reply == NULL)
    return run_finish (run, FL_STATUS_FAIL, error->message);
  g_variant_get (server_reply, "(&s)", &server);
  g_variant_dict_insert (&run->detail, "active_server", "s", server);
  if (*server == '\0')
    return run_finish (run, FL_STATUS_DEGRADED, _("SSSD has no active server (offline?)"));
  dc = fl_probe_config_lookup_dc (run->config, server);
  if (dc != NULL)
    g_variant_dict_insert (&run->detail, "server", "s", dc->name);
  return run_finish (run, FL_STATUS_OK, NULL);
}

/* ------------------------------------------------------------------------------------------ */

/**
 * fl_check_run:
 * @dc: (nullable): the DC, or %NULL for a domain-wide check
 * @deadline_us: monotonic time by which the check must be over
 * @hints: (nullable): what earlier rounds learnt
 *
 * Runs one check now, on this (worker) thread.
 *
 * Returns: (transfer full): the sample
 */
static FlSample *check_run (FlCheckKind kind, FlProbeConfig *config, const FlProbeDc *dc,
                            gint64 deadline_us, const FlCheckHints *hints);

/* The checks running now, on any thread: a process must not exit while one of them is inside
 * MIT krb5, whose library destructor destroys mutexes that the check's thread still takes
 * ("k5_mutex_lock: Received error 22", then an assertion and abort). */
static GMutex running_lock;
static GCond running_cond;
static guint running;

FlSample *
fl_check_run (FlCheckKind         kind,
              FlProbeConfig      *config,
              const FlProbeDc    *dc,
              gint64              deadline_us,
              const FlCheckHints *hints)
{
  FlSample *sample;

  g_return_val_if_fail (config != NULL, NULL);
  g_return_val_if_fail (!fl_check_kind_is_per_dc (kind) || dc != NULL, NULL);

  g_mutex_lock (&running_lock);
  running++;
  g_mutex_unlock (&running_lock);
  sample = check_run (kind, config, dc, deadline_us, hints);
  g_mutex_lock (&running_lock);
  if (--running == 0)
    g_cond_broadcast (&running_cond);
  g_mutex_unlock (&running_lock);
  return sample;
}

/**
 * fl_check_wait_idle:
 * @timeout_us: how long to wait at most
 *
 * Waits until no check runs on any thread (the scheduler abandons late checks; their threads
 * finish on their own, by their deadline).
 *
 * Returns: %TRUE when none runs, %FALSE when some still did at the timeout
 */
gboolean
fl_check_wait_idle (gint64 timeout_us)
{
  gint64 end = g_get_monotonic_time () + timeout_us;
  gboolean idle;

  g_mutex_lock (&running_lock);
  while (running > 0)
    if (!g_cond_wait_until (&running_cond, &running_lock, end))
      break;
  idle = running == 0;
  g_mutex_unlock (&running_lock);
  return idle;
}

static FlSample *
check_run (FlCheckKind         kind,
           FlProbeConfig      *config,
           const FlProbeDc    *dc,
           gint64              deadline_us,
           const FlCheckHints *hints)
{
  Run run;

  run_init (&run, kind, config, fl_check_kind_is_per_dc (kind) ? dc : NULL, deadline_us);

  switch (kind)
    {
    case FL_CHECK_REACH:
      return check_reach_address (&run, dc->address);
    case FL_CHECK_DNS:
      return check_dns (&run);
    case FL_CHECK_LDAP_PING:
      return check_ldap_ping (&run);
    case FL_CHECK_LDAP:
      return check_ldap (&run);
    case FL_CHECK_KERBEROS:
      return check_kerberos (&run, dc->krb5_conf, FALSE);
    case FL_CHECK_MACHINE_TRUST:
      return check_kerberos (&run, dc->krb5_conf, TRUE);
    case FL_CHECK_SMB:
      return check_tcp_service (&run, 445, "SMB");
    case FL_CHECK_TIME:
      return check_time (&run);
    case FL_CHECK_NETWORK:
      if (fl_probe_config_get_reference (config) == NULL)
        return run_finish (&run, FL_STATUS_SKIPPED,
                           _("no reference host: give the lab a reference_host (the gateway)"));
      g_variant_dict_insert (&run.detail, "address", "s", fl_probe_config_get_reference (config));
      return check_reach_address (&run, fl_probe_config_get_reference (config));
    case FL_CHECK_LOCATOR:
      return check_locator (&run, hints);
    case FL_CHECK_KDC_VIEW:
      return check_kerberos (&run, fl_probe_config_get_client_krb5_conf (config), FALSE);
    case FL_CHECK_FSMO:
      return check_fsmo (&run, hints);
    case FL_CHECK_SSSD:
      return check_sssd (&run);
    case FL_CHECK_WIN_LOCATOR:
    case FL_CHECK_SECURE_CHANNEL:
    case FL_CHECK_WIN_KDC:
    case FL_CHECK_WIN_LOGON:
      return run_finish (&run, FL_STATUS_SKIPPED, _("asked of the Windows client, not probed from here"));
    case FL_N_CHECKS:
    default:
      return run_finish (&run, FL_STATUS_SKIPPED, _("not available"));
    }
}
