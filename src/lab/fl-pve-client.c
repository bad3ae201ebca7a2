/* fl-pve-client.c: the Proxmox VE REST API (libsoup 3) as an FlHypervisor.
 *
 * Auth: an API token (`Authorization: PVEAPIToken=USER@REALM!ID=SECRET`, no CSRF) or a ticket
 * (POST /access/ticket; `Cookie: PVEAuthCookie=`, `CSRFPreventionToken` on writes; renewed
 * after 90 minutes; a TOTP second factor when the server asks). TLS: the system's trust, a
 * CA file, or a pinned SHA-256 fingerprint checked on every answer, also when the chain
 * validates. Actions on one VM are serialised; each completes when its task has ended.
 *
 * Copyright 2026 The Failover Lab authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "fl-pve-client"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <libsoup/soup.h>
#include <string.h>

#include "fl-pve.h"
#include "fl-pve-client.h"

#define TICKET_RENEW_US (G_GINT64_CONSTANT (90) * 60 * G_USEC_PER_SEC)

struct _FlPveClient
{
  GObject      parent_instance;

  SoupSession *session;
  GUri        *base;
  char        *authority;      /* host:port, for messages */

  char        *token_header;   /* "PVEAPIToken=…": never logged */
  char        *user;
  char        *password;
  char        *totp;
  char        *ticket;
  char        *csrf;
  gint64       ticket_us;

  char        *pin;            /* normalised fingerprint, nullable */
  char        *peer_fingerprint;
  GTlsDatabase *ca;

  GHashTable  *nodes;          /* vmid → node */
  GHashTable  *busy;           /* vmid → GQueue of GTask waiting for the VM */

  guint        request_timeout_s;
  guint        poll_ms;
  guint        task_timeout_s;
};

/* frees a secret (a token header, a password, a ticket, a CSRF token, a TOTP code) after
 * overwriting it: what was freed does not linger in the heap */
static void
secret_free (char *secret)
{
  if (secret != NULL)
    explicit_bzero (secret, strlen (secret));
  g_free (secret);
}

static void fl_pve_client_hypervisor_init (FlHypervisorInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (FlPveClient, fl_pve_client, G_TYPE_OBJECT,

                               G_IMPLEMENT_INTERFACE (FL_TYPE_HYPERVISOR, fl_pve_client_hypervisor_init))

static void
fl_pve_client_finalize (GObject *object)
{
  FlPveClient *self = FL_PVE_CLIENT (object);

  g_clear_object (&self->session);
  g_clear_pointer (&self->base, g_uri_unref);
  g_free (self->authority);
  secret_free (self->token_header);
  g_free (self->user);
  secret_free (self->password);
  secret_free (self->totp);
  secret_free (self->ticket);
  secret_free (self->csrf);
  g_free (self->pin);
  g_free (self->peer_fingerprint);
  g_clear_object (&self->ca);
  g_clear_pointer (&self->nodes, g_hash_table_unref);
  g_clear_pointer (&self->busy, g_hash_table_unref);
  G_OBJECT_CLASS (fl_pve_client_parent_class)->finalize (object);
}

static void
fl_pve_client_class_init (FlPveClientClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = fl_pve_client_finalize;
}

static void
fl_pve_client_init (FlPveClient *self)
{
  self->nodes = g_hash_table_new_full (NULL, NULL, NULL, g_free);
  self->busy = g_hash_table_new_full (NULL, NULL, NULL, (GDestroyNotify)g_queue_free);
  self->request_timeout_s = 30;
  self->poll_ms = 500;
  self->task_timeout_s = 300;
}

/**
 * fl_pve_client_new:
 * @url: `https://host[:8006]`
 */
FlPveClient *
fl_pve_client_new (const char  *url,
                   GError     **error)
{
  g_autoptr(GUri) uri = g_uri_parse (url, G_URI_FLAGS_NONE, NULL);
  FlPveClient *self;

  if (uri == NULL || g_strcmp0 (g_uri_get_scheme (uri), "https") != 0 || g_uri_get_host (uri) == NULL)
    {
      g_set_error (error, FL_PVE_ERROR, FL_PVE_ERROR_PARAMETER,
                   _("“%s” is not a Proxmox VE address: expected https://HOST:8006"), url);
      return NULL;
    }
  self = g_object_new (FL_TYPE_PVE_CLIENT, NULL);
  self->base = g_uri_build (G_URI_FLAGS_NONE, "https", NULL, g_uri_get_host (uri),
                            g_uri_get_port (uri) > 0 ? g_uri_get_port (uri) : 8006, "/api2/json", NULL, NULL);
  self->authority = g_strdup_printf ("%s:%d", g_uri_get_host (uri),
                                     g_uri_get_port (uri) > 0 ? g_uri_get_port (uri) : 8006);
  /* straight to the node: a lab's Proxmox is on the local network, and a desktop proxy in
   * between would see the token and break the pinning's meaning */
  self->session = soup_session_new_with_options ("timeout", self->request_timeout_s,
                                                 "user-agent", "failover-lab/" PACKAGE_VERSION,
                                                 "proxy-resolver", NULL, NULL);
  return self;
}

/**
 * fl_pve_client_set_token:
 * @token_id: `USER@REALM!NAME`
 * @secret: the token's secret (from the keyring or the environment, never the lab file)
 */
gboolean
fl_pve_client_set_token (FlPveClient  *self,
                         const char   *token_id,
                         const char   *secret,
                         GError      **error)
{
  const char *bang = token_id ? strchr (token_id, '!') : NULL;

  g_return_val_if_fail (FL_IS_PVE_CLIENT (self), FALSE);

  /* the usual mix-ups: the name where the secret belongs, no realm, a pasted header */
  if (bang == NULL || strchr (token_id, '@') == NULL || strchr (token_id, '@') > bang ||
      strlen (bang + 1) < 2 || !g_ascii_isalpha (bang[1]) || strchr (token_id, '=') != NULL)
    {
      g_set_error (error, FL_PVE_ERROR, FL_PVE_ERROR_PARAMETER,
                   _("“%s” is not an API token ID: expected USER@REALM!TOKENNAME, e.g. failoverlab@pve!classroom"),
                   token_id ? token_id : "");
      return FALSE;
    }
  if (secret == NULL || *secret == '\0' || strchr (secret, '=') != NULL)
    {
      g_set_error (error, FL_PVE_ERROR, FL_PVE_ERROR_PARAMETER,
                   _("The API token secret is missing or malformed (a UUID, without “=”)"));
      return FALSE;
    }
  secret_free (self->token_header);
  self->token_header = g_strdup_printf ("PVEAPIToken=%s=%s", token_id, secret);
  return TRUE;
}

/**
 * fl_pve_client_set_login:
 * @user: `USER@REALM`
 * @totp: (nullable): the current TOTP code, when the user has a second factor
 */
void
fl_pve_client_set_login (FlPveClient *self,
                         const char  *user,
                         const char  *password,
                         const char  *totp)
{
  g_return_if_fail (FL_IS_PVE_CLIENT (self));

  g_free (self->user);
  secret_free (self->password);
  secret_free (self->totp);
  self->user = g_strdup (user);
  self->password = g_strdup (password);
  self->totp = g_strdup (totp);
  g_clear_pointer (&self->ticket, secret_free);
}

/**
 * fl_pve_client_set_totp:
 * @totp: the current code of the user's second factor, asked for after
 *   %FL_PVE_ERROR_TOTP_REQUIRED; used at the next login
 */
void
fl_pve_client_set_totp (FlPveClient *self,
                        const char  *totp)
{
  g_return_if_fail (FL_IS_PVE_CLIENT (self));

  secret_free (self->totp);
  self->totp = g_strdup (totp);
  g_clear_pointer (&self->ticket, secret_free);
}

/* "ab:cd…", "ABCD…" → "AB:CD:…" */
static char *
normalise_fingerprint (const char *text)
{
  GString *s = g_string_new (NULL);
  guint digits = 0;

  for (const char *p = text; *p; p++)
    {
      if (*p == ':' || *p == ' ')
        continue;
      if (!g_ascii_isxdigit (*p))
        {
          g_string_free (s, TRUE);
          return NULL;
        }
      if (digits > 0 && digits % 2 == 0)
        g_string_append_c (s, ':');
      g_string_append_c (s, g_ascii_toupper (*p));
      digits++;
    }
  if (digits != 64)
    {
      g_string_free (s, TRUE);
      return NULL;
    }
  return g_string_free (s, FALSE);
}

/* Which certificates the session trusts. With a pin, the pin alone: no database, so every
 * certificate (also one a TLS-inspection CA in the system's store would vouch for) goes to
 * accept-certificate during the handshake, where anything but the pinned one is refused before
 * a single byte of a request (the token, the password) is sent. Without a pin: the CA file,
 * else the system's trust. Connections made under the old trust are not reused. */
static void
update_trust (FlPveClient *self)
{
  if (self->pin != NULL)
    soup_session_set_tls_database (self->session, NULL);
  else if (self->ca != NULL)
    soup_session_set_tls_database (self->session, self->ca);
  else
    {
      g_autoptr(GTlsDatabase) system = g_tls_backend_get_default_database (g_tls_backend_get_default ());

      soup_session_set_tls_database (self->session, system);
    }
  soup_session_abort (self->session);
}

/**
 * fl_pve_client_set_fingerprint:
 * @fingerprint: (nullable): the SHA-256 fingerprint the server's certificate must have
 */
void
fl_pve_client_set_fingerprint (FlPveClient *self,
                               const char  *fingerprint)
{
  g_return_if_fail (FL_IS_PVE_CLIENT (self));

  g_free (self->pin);
  self->pin = fingerprint ? normalise_fingerprint (fingerprint) : NULL;
  update_trust (self);
}

/**
 * fl_pve_client_set_ca_file:
 * @path: (nullable): a CA bundle (the cluster's pve-root-ca.pem) to trust instead of the system's
 */
void
fl_pve_client_set_ca_file (FlPveClient *self,
                           const char  *path)
{
  g_return_if_fail (FL_IS_PVE_CLIENT (self));

  g_clear_object (&self->ca);
  if (path != NULL)
    self->ca = g_tls_file_database_new (path, NULL);
  update_trust (self);
}

/**
 * fl_pve_client_get_peer_fingerprint:
 *
 * Returns: (nullable): the fingerprint of the certificate the server showed last, to offer
 *   the user for pinning (trust on first use)
 */
const char *
fl_pve_client_get_peer_fingerprint (FlPveClient *self)
{
  g_return_val_if_fail (FL_IS_PVE_CLIENT (self), NULL);
  return self->peer_fingerprint;
}

void
fl_pve_client_set_vm_node (FlPveClient *self,
                           guint        vmid,
                           const char  *node)
{
  g_return_if_fail (FL_IS_PVE_CLIENT (self));
  g_hash_table_insert (self->nodes, GUINT_TO_POINTER (vmid), g_strdup (node));
}

/**
 * fl_pve_client_set_timing:
 * @request_timeout_s: one request (30 s: a proxied call may take that long)
 * @poll_ms: at most between two looks at a running task (the first ones come sooner)
 * @task_timeout_s: how long a task may run
 */
void
fl_pve_client_set_timing (FlPveClient *self,
                          guint        request_timeout_s,
                          guint        poll_ms,
                          guint        task_timeout_s)
{
  g_return_if_fail (FL_IS_PVE_CLIENT (self));

  self->request_timeout_s = MAX (request_timeout_s, 1);
  self->poll_ms = MAX (poll_ms, 10);
  self->task_timeout_s = MAX (task_timeout_s, 1);
  g_object_set (self->session, "timeout", self->request_timeout_s, NULL);
}

/* a string member, or @fallback: a server may send anything where a string belongs */
static const char *
str_member (JsonObject *object,
            const char *member,
            const char *fallback)
{
  JsonNode *node = json_object_get_member (object, member);

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_STRING)
    return fallback;
  return json_node_get_string (node);
}

/* ------------------------------------------------------------------------------------------ */
/* one request */

typedef struct
{
  char      *method;
  char      *path;
  GStrv      params;       /* key, value, key, value, … (keys may repeat: arrays) */
  SoupMessage *msg;
  gboolean   retried;      /* after renewing an expired ticket */
} Call;

static void
call_free (Call *call)
{
  g_free (call->method);
  g_free (call->path);
  /* the login's parameters hold the password (or the ticket that renews it) */
  for (guint i = 0; call->params != NULL && call->params[i] != NULL; i++)
    explicit_bzero (call->params[i], strlen (call->params[i]));
  g_strfreev (call->params);
  g_clear_object (&call->msg);
  g_free (call);
}

/* form encoding as Proxmox splits it: every value percent-encoded (its parser cuts at '=' and
 * ';'), booleans already 0/1 */
static char *
form_encode (const char * const *params)
{
  GString *s = g_string_new (NULL);

  for (guint i = 0; params != NULL && params[i] != NULL && params[i + 1] != NULL; i += 2)
    {
      g_autofree char *k = g_uri_escape_string (params[i], NULL, FALSE);
      g_autofree char *v = g_uri_escape_string (params[i + 1], NULL, FALSE);

      g_string_append_printf (s, "%s%s=%s", s->len ? "&" : "", k, v);
    }
  return g_string_free (s, FALSE);
}

static gboolean
accept_certificate (SoupMessage          *msg,
                    GTlsCertificate      *certificate,
                    GTlsCertificateFlags  errors,
                    FlPveClient          *self)
{
  g_autoptr(GByteArray) der = NULL;

  g_object_get (certificate, "certificate", &der, NULL);
  g_free (self->peer_fingerprint);
  self->peer_fingerprint = der ? fl_pve_fingerprint (der->data, der->len) : NULL;
  /* an untrusted chain is accepted only when its certificate is the pinned one */
  return self->pin != NULL && g_strcmp0 (self->pin, self->peer_fingerprint) == 0;
}

static void send_call (GTask *task);

static void
transport_error (FlPveClient  *self,
                 GError       *error,
                 GError      **out)
{
  if (g_error_matches (error, G_TLS_ERROR, G_TLS_ERROR_BAD_CERTIFICATE) ||
      g_error_matches (error, G_TLS_ERROR, G_TLS_ERROR_CERTIFICATE_REQUIRED))
    {
      if (self->pin != NULL)
        g_set_error (out, FL_PVE_ERROR, FL_PVE_ERROR_TLS,
                     _("The certificate of %s does not match the pinned fingerprint: it shows %s, the lab "
                       "expects %s. If the certificate was renewed, compare with “pvenode cert info” and "
                       "accept the new one"),
                     self->authority, self->peer_fingerprint ? self->peer_fingerprint : "?", self->pin);
      else
        g_set_error (out, FL_PVE_ERROR, FL_PVE_ERROR_TLS,
                     _("The certificate of %s is not trusted (self-signed?). Its SHA-256 fingerprint is %s: "
                       "compare it with “pvenode cert info” on the node and accept it to pin it"),
                     self->authority, self->peer_fingerprint ? self->peer_fingerprint : "?");
    }
  else if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CONNECTION_REFUSED))
    g_set_error (out, FL_PVE_ERROR, FL_PVE_ERROR_NODE_UNREACHABLE,
                 _("Proxmox VE at %s refused the connection: is pveproxy running, is the port right?"),
                 self->authority);
  else if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_TIMED_OUT))
    g_set_error (out, FL_PVE_ERROR, FL_PVE_ERROR_TIMEOUT, _("Proxmox VE at %s did not answer within %u s"),
                 self->authority, self->request_timeout_s);
  else if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_HOST_UNREACHABLE) ||
           g_error_matches (error, G_IO_ERROR, G_IO_ERROR_NETWORK_UNREACHABLE))
    g_set_error (out, FL_PVE_ERROR, FL_PVE_ERROR_NODE_UNREACHABLE, _("Proxmox VE at %s is unreachable: %s"),
                 self->authority, error->message);
  else if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    g_propagate_error (out, g_error_copy (error));
  else
    g_set_error (out, FL_PVE_ERROR, FL_PVE_ERROR_PROTOCOL, _("Cannot talk to Proxmox VE at %s: %s"),
                 self->authority, error->message);
}

static void
login_done (GObject      *object,
            GAsyncResult *result,
            gpointer      data);

static void
start_login (GTask *task);

static void
call_sent (GObject      *object,
           GAsyncResult *result,
           gpointer      data)
{
  g_autoptr(GTask) task = data;
  FlPveClient *self = g_task_get_source_object (task);
  Call *call = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;
  g_autoptr(GError) mapped = NULL;
  g_autoptr(GBytes) body = soup_session_send_and_read_finish (SOUP_SESSION (object), result, &error);
  GTlsCertificate *peer;
  JsonNode *data_node;
  guint status;

  if (body == NULL)
    {
      transport_error (self, error, &mapped);
      g_task_return_error (task, g_steal_pointer (&mapped));
      return;
    }

  /* the pin holds on every answer, also when the chain validated */
  peer = soup_message_get_tls_peer_certificate (call->msg);
  if (peer != NULL)
    {
      g_autoptr(GByteArray) der = NULL;

      g_object_get (peer, "certificate", &der, NULL);
      g_free (self->peer_fingerprint);
      self->peer_fingerprint = der ? fl_pve_fingerprint (der->data, der->len) : NULL;
      if (self->pin != NULL && g_strcmp0 (self->pin, self->peer_fingerprint) != 0)
        {
          g_autoptr(GError) tls = g_error_new_literal (G_TLS_ERROR, G_TLS_ERROR_BAD_CERTIFICATE, "pin");

          transport_error (self, tls, &mapped);
          g_task_return_error (task, g_steal_pointer (&mapped));
          return;
        }
    }

  status = soup_message_get_status (call->msg);
  /* an expired ticket: log in again, once */
  if (status == 401 && self->token_header == NULL && self->ticket != NULL && !call->retried)
    {
      call->retried = TRUE;
      g_clear_pointer (&self->ticket, secret_free);
      start_login (g_steal_pointer (&task));
      return;
    }
  data_node = fl_pve_parse_response (status, soup_message_get_reason_phrase (call->msg),
                                     g_bytes_get_data (body, NULL), g_bytes_get_size (body), &error);
  if (data_node == NULL)
    g_task_return_error (task, g_steal_pointer (&error));
  else
    g_task_return_pointer (task, data_node, (GDestroyNotify)json_node_unref);
}

static void
send_call (GTask *task)
{
  FlPveClient *self = g_task_get_source_object (task);
  Call *call = g_task_get_task_data (task);
  g_autofree char *form = form_encode ((const char * const *)call->params);
  g_autofree char *uri = NULL;
  gboolean is_get = g_str_equal (call->method, "GET") || g_str_equal (call->method, "DELETE");
  g_autofree char *base = g_uri_to_string (self->base);
  SoupMessageHeaders *headers;

  /* GET and DELETE carry their parameters in the query: a body there is a 501 */
  uri = g_strconcat (base, call->path, is_get && *form ? "?" : "", is_get ? form : "", NULL);
  g_clear_object (&call->msg);
  call->msg = soup_message_new (call->method, uri);
  if (call->msg == NULL)
    {
      g_task_return_new_error (task, FL_PVE_ERROR, FL_PVE_ERROR_PARAMETER, _("Invalid request path: %s"),
                               call->path);
      g_object_unref (task);
      return;
    }
  g_signal_connect_object (call->msg, "accept-certificate", G_CALLBACK (accept_certificate), self, 0);
  /* a redirect would take the credentials to another address */
  soup_message_add_flags (call->msg, SOUP_MESSAGE_NO_REDIRECT);
  headers = soup_message_get_request_headers (call->msg);
  if (self->token_header != NULL)
    soup_message_headers_replace (headers, "Authorization", self->token_header);
  else if (self->ticket != NULL)
    {
      g_autofree char *cookie = g_strdup_printf ("PVEAuthCookie=%s", self->ticket);

      soup_message_headers_replace (headers, "Cookie", cookie);
      if (!is_get)
        soup_message_headers_replace (headers, "CSRFPreventionToken", self->csrf);
    }
  if (!is_get)
    {
      /* the body (a login's password in it) is wiped when libsoup lets go of it */
      char *body = g_strdup (form);
      g_autoptr(GBytes) bytes = g_bytes_new_with_free_func (body, strlen (body), (GDestroyNotify)secret_free, body);

      soup_message_set_request_body_from_bytes (call->msg, "application/x-www-form-urlencoded", bytes);
    }
  explicit_bzero (form, strlen (form));
  soup_session_send_and_read_async (self->session, call->msg, G_PRIORITY_DEFAULT,
                                    g_task_get_cancellable (task), call_sent, task);
}

/* POST /access/ticket, with the TOTP step when the user has a second factor */
static void
start_login (GTask *task)
{
  FlPveClient *self = g_task_get_source_object (task);
  g_autoptr(GTask) login = g_task_new (self, g_task_get_cancellable (task), login_done, task);
  Call *call = g_new0 (Call, 1);
  /* renewal: a still-valid ticket stands for the password */
  const char *secret = self->ticket ? self->ticket : self->password;

  if (self->user == NULL || secret == NULL)
    {
      g_task_return_new_error (task, FL_PVE_ERROR, FL_PVE_ERROR_AUTH,
                               _("No Proxmox VE credentials: give an API token, or a user and password"));
      g_object_unref (task);
      return;
    }
  call->method = g_strdup ("POST");
  call->path = g_strdup ("/access/ticket");
  call->params = g_strdupv ((char *[]) { (char *)"username", self->user, (char *)"password", (char *)secret, NULL });
  call->retried = TRUE;
  g_task_set_task_data (login, call, (GDestroyNotify)call_free);
  g_clear_pointer (&self->ticket, secret_free);
  send_call (g_steal_pointer (&login));
}

static void
tfa_done (GObject      *object,
          GAsyncResult *result,
          gpointer      data);

static gboolean
take_ticket (FlPveClient  *self,
             JsonNode     *node,
             gboolean     *need_tfa,
             GError      **error)
{
  char *ticket = NULL, *csrf = NULL;

  if (!fl_pve_parse_ticket (node, &ticket, &csrf, need_tfa, error))
    return FALSE;
  secret_free (self->ticket);
  secret_free (self->csrf);
  self->ticket = ticket;
  self->csrf = csrf;
  self->ticket_us = g_get_monotonic_time ();
  return TRUE;
}

static void
login_done (GObject      *object,
            GAsyncResult *result,
            gpointer      data)
{
  FlPveClient *self = FL_PVE_CLIENT (object);
  GTask *task = data;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) node = g_task_propagate_pointer (G_TASK (result), &error);
  gboolean need_tfa = FALSE;

  if (node == NULL || !take_ticket (self, node, &need_tfa, &error))
    {
      g_task_return_error (task, g_steal_pointer (&error));
      g_object_unref (task);
      return;
    }
  if (need_tfa)
    {
      g_autoptr(GTask) tfa = NULL;
      Call *call;
      g_autofree char *answer = NULL;

      if (self->totp == NULL)
        {
          g_clear_pointer (&self->ticket, secret_free);
          g_task_return_new_error (task, FL_PVE_ERROR, FL_PVE_ERROR_TOTP_REQUIRED,
                                   _("The Proxmox user %s has a second factor: give the current TOTP code"),
                                   self->user);
          g_object_unref (task);
          return;
        }
      answer = g_strconcat ("totp:", self->totp, NULL);
      tfa = g_task_new (self, g_task_get_cancellable (task), tfa_done, task);
      call = g_new0 (Call, 1);
      call->method = g_strdup ("POST");
      call->path = g_strdup ("/access/ticket");
      call->params = g_strdupv ((char *[]) { (char *)"username", self->user, (char *)"tfa-challenge", self->ticket,
                                             (char *)"password", answer, NULL });
      call->retried = TRUE;
      g_clear_pointer (&self->ticket, secret_free);
      g_task_set_task_data (tfa, call, (GDestroyNotify)call_free);
      send_call (g_steal_pointer (&tfa));
      return;
    }
  send_call (task);
}

static void
tfa_done (GObject      *object,
          GAsyncResult *result,
          gpointer      data)
{
  FlPveClient *self = FL_PVE_CLIENT (object);
  GTask *task = data;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) node = g_task_propagate_pointer (G_TASK (result), &error);
  gboolean need_tfa = FALSE;

  if (node == NULL || !take_ticket (self, node, &need_tfa, &error))
    {
      if (g_error_matches (error, FL_PVE_ERROR, FL_PVE_ERROR_AUTH))
        g_prefix_error (&error, "%s", _("The TOTP code was refused: "));
      g_task_return_error (task, g_steal_pointer (&error));
      g_object_unref (task);
      return;
    }
  send_call (task);
}

/**
 * fl_pve_client_call_async:
 * @method: GET, POST, PUT or DELETE
 * @path: below /api2/json, e.g. "/nodes/pve1/qemu/101/status/current"
 * @params: (nullable) (array zero-terminated=1): key, value, … (a key may repeat: an array)
 *
 * One API call; logs in first (or again) when a ticket is needed.
 */
void
fl_pve_client_call_async (FlPveClient         *self,
                          const char          *method,
                          const char          *path,
                          const char * const  *params,
                          GCancellable        *cancellable,
                          GAsyncReadyCallback  callback,
                          gpointer             user_data)
{
  GTask *task;
  Call *call;

  g_return_if_fail (FL_IS_PVE_CLIENT (self));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, fl_pve_client_call_async);
  call = g_new0 (Call, 1);
  call->method = g_strdup (method);
  call->path = g_strdup (path);
  call->params = g_strdupv ((char **)params);
  g_task_set_task_data (task, call, (GDestroyNotify)call_free);

  if (self->token_header == NULL &&
      (self->ticket == NULL || g_get_monotonic_time () - self->ticket_us > TICKET_RENEW_US))
    start_login (task);
  else
    send_call (task);
}

/**
 * fl_pve_client_call_finish:
 *
 * Returns: (transfer full): the answer's `data`
 */
JsonNode *
fl_pve_client_call_finish (FlPveClient   *self,
                           GAsyncResult  *result,
                           GError       **error)
{
  return g_task_propagate_pointer (G_TASK (result), error);
}

/* ------------------------------------------------------------------------------------------ */
/* operations: a chain of calls on one GTask. Op holds the state between the steps. */

typedef enum
{
  OP_LIST_VMS,
  OP_STATE,
  OP_POWER,
  OP_LINK,
  OP_SNAPSHOTS,
  OP_ROLLBACK,
  OP_AGENT_PING,
  OP_AGENT_EXEC,
} OpKind;

typedef struct
{
  OpKind      kind;
  guint       vmid;
  char       *node;
  FlVmAction  action;
  guint       timeout_s;
  gboolean    force;
  gboolean    link_down;
  char       *snapshot;
  GStrv       argv;
  int         step;
  gboolean    node_refreshed;
  char       *upid;
  char       *task_node;
  gint64      deadline;
  gint64      pid;
  guint       poll_next_ms;   /* grows from 25 ms to poll_ms: quick tasks are seen quickly */
  JsonNode   *status_node;   /* status/current, until the config has come */
  gboolean    holds_vm;
} Op;

static void
op_free (Op *op)
{
  g_free (op->node);
  g_free (op->snapshot);
  g_strfreev (op->argv);
  g_free (op->upid);
  g_free (op->task_node);
  g_clear_pointer (&op->status_node, json_node_unref);
  g_free (op);
}

static void op_step (GTask *task);

static char *
vm_path (Op         *op,
         const char *rest)
{
  return g_strdup_printf ("/nodes/%s/qemu/%u%s", op->node, op->vmid, rest);
}

static void
op_call (GTask              *task,
         const char         *method,
         const char         *path,
         const char * const *params,
         GAsyncReadyCallback callback)
{
  fl_pve_client_call_async (g_task_get_source_object (task), method, path, params,
                            g_task_get_cancellable (task), callback, task);
}

/* a VM moved (migration, HA recovery): its node is found again, once */
static gboolean
stale_node (GTask        *task,
            const GError *error)
{
  Op *op = g_task_get_task_data (task);
  FlPveClient *self = g_task_get_source_object (task);

  if (op->node_refreshed || !g_error_matches (error, FL_PVE_ERROR, FL_PVE_ERROR_SERVER) ||
      strstr (error->message, "does not exist") == NULL || strstr (error->message, "Configuration file") == NULL)
    return FALSE;
  op->node_refreshed = TRUE;
  g_hash_table_remove (self->nodes, GUINT_TO_POINTER (op->vmid));
  g_clear_pointer (&op->node, g_free);
  return TRUE;
}

static void
resources_done (GObject      *object,
                GAsyncResult *result,
                gpointer      data)
{
  GTask *task = data;
  FlPveClient *self = FL_PVE_CLIENT (object);
  Op *op = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) node = fl_pve_client_call_finish (self, result, &error);

  if (node == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      g_object_unref (task);
      return;
    }
  op->node = fl_pve_find_vm_node (node, op->vmid);
  if (op->node == NULL)
    {
      g_task_return_new_error (task, FL_PVE_ERROR, FL_PVE_ERROR_PARAMETER,
                               _("VM %u is not on this Proxmox VE cluster (or the token may not see it: VM.Audit)"),
                               op->vmid);
      g_object_unref (task);
      return;
    }
  g_hash_table_insert (self->nodes, GUINT_TO_POINTER (op->vmid), g_strdup (op->node));
  op_step (task);
}

/* the VM's node: the lab's, a cached one, or from /cluster/resources */
static gboolean
ensure_node (GTask *task)
{
  FlPveClient *self = g_task_get_source_object (task);
  Op *op = g_task_get_task_data (task);
  const char *known;

  if (op->node != NULL)
    return TRUE;
  known = g_hash_table_lookup (self->nodes, GUINT_TO_POINTER (op->vmid));
  if (known != NULL && !op->node_refreshed)
    {
      op->node = g_strdup (known);
      return TRUE;
    }
  op_call (task, "GET", "/cluster/resources", (const char *[]) { "type", "vm", NULL }, resources_done);
  return FALSE;
}

static gboolean poll_task (gpointer data);

static void
task_status_done (GObject      *object,
                  GAsyncResult *result,
                  gpointer      data)
{
  GTask *task = data;
  Op *op = g_task_get_task_data (task);
  FlPveClient *self = FL_PVE_CLIENT (object);
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) node = fl_pve_client_call_finish (self, result, &error);
  JsonObject *o;
  const char *status, *exitstatus;

  if (node == NULL || !JSON_NODE_HOLDS_OBJECT (node))
    {
      if (error == NULL)
        g_set_error (&error, FL_PVE_ERROR, FL_PVE_ERROR_PROTOCOL, _("The task status has no fields"));
      g_prefix_error (&error, _("Following task %s: "), op->upid);
      g_task_return_error (task, g_steal_pointer (&error));
      g_object_unref (task);
      return;
    }
  o = json_node_get_object (node);
  status = str_member (o, "status", NULL);
  exitstatus = str_member (o, "exitstatus", NULL);
  if (g_strcmp0 (status, "stopped") != 0)
    {
      if (g_get_monotonic_time () > op->deadline)
        {
          g_task_return_new_error (task, FL_PVE_ERROR, FL_PVE_ERROR_TIMEOUT,
                                   _("The task is still running after %u s (%s)"), self->task_timeout_s, op->upid);
          g_object_unref (task);
          return;
        }
      op->poll_next_ms = MIN (MAX (op->poll_next_ms * 2, 25), self->poll_ms);
      g_timeout_add (op->poll_next_ms, poll_task, task);
      return;
    }
  if (!fl_pve_task_exit_ok (exitstatus))
    {
      g_task_return_new_error (task, FL_PVE_ERROR, FL_PVE_ERROR_TASK_FAILED, "%s",
                               exitstatus ? exitstatus : _("the task ended without an exit status"));
      g_object_unref (task);
      return;
    }
  {
    FlTaskResult *r = g_new0 (FlTaskResult, 1);

    r->upid = g_strdup (op->upid);
    r->exitstatus = g_strdup (exitstatus);
    g_task_return_pointer (task, r, (GDestroyNotify)fl_task_result_free);
    g_object_unref (task);
  }
}

static gboolean
poll_task (gpointer data)
{
  GTask *task = data;
  Op *op = g_task_get_task_data (task);
  g_autofree char *escaped = g_uri_escape_string (op->upid, NULL, FALSE);
  g_autofree char *path = g_strdup_printf ("/nodes/%s/tasks/%s/status", op->task_node, escaped);

  op_call (task, "GET", path, NULL, task_status_done);
  return G_SOURCE_REMOVE;
}

/* a UPID came back: follow it on its own node until it has ended */
static void
follow_task (GTask    *task,
             JsonNode *node)
{
  FlPveClient *self = g_task_get_source_object (task);
  Op *op = g_task_get_task_data (task);
  FlPveUpid upid;

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_STRING ||
      !fl_pve_upid_parse (json_node_get_string (node), &upid))
    {
      g_task_return_new_error (task, FL_PVE_ERROR, FL_PVE_ERROR_PROTOCOL, _("Proxmox VE did not answer with a task id"));
      g_object_unref (task);
      return;
    }
  op->upid = g_strdup (json_node_get_string (node));
  op->task_node = g_strdup (upid.node);
  fl_pve_upid_clear (&upid);
  op->deadline = g_get_monotonic_time () + (gint64)MAX (self->task_timeout_s, op->timeout_s + 30) * G_USEC_PER_SEC;
  poll_task (task);
}

static void
step_done (GObject      *object,
           GAsyncResult *result,
           gpointer      data);

/* Each operation as a small state machine: op->step says which answer comes next. */
static void
op_step (GTask *task)
{
  Op *op = g_task_get_task_data (task);

  if (op->kind != OP_LIST_VMS && !ensure_node (task))
    return;

  switch (op->kind)
    {
    case OP_LIST_VMS:
      op_call (task, "GET", "/cluster/resources", (const char *[]) { "type", "vm", NULL }, step_done);
      break;

    case OP_STATE:
      {
        g_autofree char *path = vm_path (op, op->step == 0 ? "/status/current" : "/config");

        op_call (task, "GET", path, NULL, step_done);
      }
      break;

    case OP_POWER:
      {
        g_autofree char *path = vm_path (op, op->action == FL_VM_ACTION_START ? "/status/start"
                                             : op->action == FL_VM_ACTION_SHUTDOWN ? "/status/shutdown"
                                             : op->action == FL_VM_ACTION_STOP ? "/status/stop" : "/status/reboot");
        g_autofree char *timeout = g_strdup_printf ("%u", op->timeout_s);
        g_autoptr(GPtrArray) params = g_ptr_array_new ();

        if (op->timeout_s > 0)
          {
            g_ptr_array_add (params, (char *)"timeout");
            g_ptr_array_add (params, timeout);
          }
        if (op->force && op->action == FL_VM_ACTION_SHUTDOWN)
          {
            g_ptr_array_add (params, (char *)"forceStop");
            g_ptr_array_add (params, (char *)"1");
          }
        g_ptr_array_add (params, NULL);
        op_call (task, "POST", path, (const char * const *)params->pdata, step_done);
      }
      break;

    case OP_LINK:
      {
        g_autofree char *path = vm_path (op, "/config");

        if (op->step == 0)
          op_call (task, "GET", path, NULL, step_done);
        else
          op_call (task, "PUT", path, (const char * const *)op->argv, step_done);
      }
      break;

    case OP_SNAPSHOTS:
      {
        g_autofree char *path = vm_path (op, "/snapshot");

        op_call (task, "GET", path, NULL, step_done);
      }
      break;

    case OP_ROLLBACK:
      {
        g_autofree char *escaped = g_uri_escape_string (op->snapshot, NULL, FALSE);
        g_autofree char *rest = g_strdup_printf ("/snapshot/%s/rollback", escaped);
        g_autofree char *path = vm_path (op, rest);

        op_call (task, "POST", path, NULL, step_done);
      }
      break;

    case OP_AGENT_PING:
      {
        g_autofree char *path = vm_path (op, "/agent/ping");

        op_call (task, "POST", path, NULL, step_done);
      }
      break;

    case OP_AGENT_EXEC:
      if (op->step == 0)
        {
          g_autofree char *path = vm_path (op, "/agent/exec");
          g_autoptr(GPtrArray) params = g_ptr_array_new ();

          /* an array: the key repeats (PVE ≥ 8) */
          for (guint i = 0; op->argv[i] != NULL; i++)
            {
              g_ptr_array_add (params, (char *)"command");
              g_ptr_array_add (params, op->argv[i]);
            }
          g_ptr_array_add (params, NULL);
          op_call (task, "POST", path, (const char * const *)params->pdata, step_done);
        }
      else
        {
          g_autofree char *path = vm_path (op, "/agent/exec-status");
          g_autofree char *pid = g_strdup_printf ("%" G_GINT64_FORMAT, op->pid);

          op_call (task, "GET", path, (const char *[]) { "pid", pid, NULL }, step_done);
        }
      break;

    default:
      g_assert_not_reached ();
    }
}

static gboolean
op_step_cb (gpointer data)
{
  op_step (data);
  return G_SOURCE_REMOVE;
}

static FlVmState *
vm_from_resource (JsonObject *o)
{
  FlVmState *vm = g_new0 (FlVmState, 1);
  gint64 v = 0;

  if (fl_pve_json_get_int (o, "vmid", &v))
    vm->vmid = (guint)v;
  vm->node = g_strdup (str_member (o, "node", NULL));
  vm->name = g_strdup (str_member (o, "name", NULL));
  vm->status = g_strdup (str_member (o, "status", "unknown"));
  vm->qmpstatus = g_strdup (vm->status);
  vm->lock = g_strdup (str_member (o, "lock", NULL));
  vm->ha_state = g_strdup (str_member (o, "hastate", NULL));
  vm->ha_managed = vm->ha_state != NULL;
  if (fl_pve_json_get_int (o, "uptime", &v))
    vm->uptime_s = v;
  return vm;
}

static void
step_done (GObject      *object,
           GAsyncResult *result,
           gpointer      data)
{
  GTask *task = data;
  FlPveClient *self = FL_PVE_CLIENT (object);
  Op *op = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) node = fl_pve_client_call_finish (self, result, &error);

  if (node == NULL)
    {
      if (stale_node (task, error))
        {
          op_step (task);
          return;
        }
      g_task_return_error (task, g_steal_pointer (&error));
      g_object_unref (task);
      return;
    }

  switch (op->kind)
    {
    case OP_LIST_VMS:
      {
        GPtrArray *vms = g_ptr_array_new_with_free_func ((GDestroyNotify)fl_vm_state_free);
        JsonArray *a = JSON_NODE_HOLDS_ARRAY (node) ? json_node_get_array (node) : NULL;

        for (guint i = 0; a != NULL && i < json_array_get_length (a); i++)
          {
            JsonNode *n = json_array_get_element (a, i);

            if (JSON_NODE_HOLDS_OBJECT (n) &&
                g_strcmp0 (str_member (json_node_get_object (n), "type", NULL), "qemu") == 0)
              g_ptr_array_add (vms, vm_from_resource (json_node_get_object (n)));
          }
        g_task_return_pointer (task, vms, (GDestroyNotify)g_ptr_array_unref);
        g_object_unref (task);
      }
      return;

    case OP_STATE:
      if (op->step == 0)
        {
          op->status_node = json_node_ref (node);
          op->step = 1;
          op_step (task);
          return;
        }
      {
        /* the cable is in the config */
        FlVmState *state = fl_pve_vm_state_new (op->vmid, op->node, op->status_node, node, &error);

        if (state == NULL)
          break;
        g_task_return_pointer (task, state, (GDestroyNotify)fl_vm_state_free);
        g_object_unref (task);
      }
      return;

    case OP_POWER:
    case OP_ROLLBACK:
      follow_task (task, node);
      return;

    case OP_LINK:
      if (op->step == 0)
        {
          JsonObject *o = JSON_NODE_HOLDS_OBJECT (node) ? json_node_get_object (node) : NULL;
          const char *net0 = o ? str_member (o, "net0", NULL) : NULL;
          const char *digest = o ? str_member (o, "digest", NULL) : NULL;
          g_autofree char *value = NULL;

          if (net0 == NULL)
            {
              g_set_error (&error, FL_PVE_ERROR, FL_PVE_ERROR_PARAMETER, _("VM %u has no network device net0"), op->vmid);
              break;
            }
          value = fl_pve_net_set_link (net0, op->link_down, &error);
          if (value == NULL)
            break;
          /* the digest: a change someone made meanwhile is not overwritten */
          op->argv = digest ? g_strdupv ((char *[]) { (char *)"net0", value, (char *)"digest", (char *)digest, NULL })
                            : g_strdupv ((char *[]) { (char *)"net0", value, NULL });
          op->step = 1;
          op_step (task);
          return;
        }
      g_task_return_boolean (task, TRUE);
      g_object_unref (task);
      return;

    case OP_SNAPSHOTS:
      g_task_return_pointer (task, fl_pve_parse_snapshots (node), (GDestroyNotify)g_ptr_array_unref);
      g_object_unref (task);
      return;

    case OP_AGENT_PING:
      g_task_return_boolean (task, TRUE);
      g_object_unref (task);
      return;

    case OP_AGENT_EXEC:
      {
        FlAgentResult *r = NULL;

        if (op->step == 0)
          {
            if (!fl_pve_parse_agent_pid (node, &op->pid, &error))
              break;
            op->step = 1;
            op->deadline = g_get_monotonic_time () + (gint64)MAX (op->timeout_s, 1) * G_USEC_PER_SEC;
            op_step (task);
            return;
          }
        if (!fl_pve_parse_agent_status (node, &r, &error))
          break;
        if (r == NULL)
          {
            if (g_get_monotonic_time () > op->deadline)
              {
                g_set_error (&error, FL_PVE_ERROR, FL_PVE_ERROR_TIMEOUT,
                             _("The command in VM %u is still running after %u s"), op->vmid, op->timeout_s);
                break;
              }
            g_timeout_add (self->poll_ms, op_step_cb, task);
            return;
          }
        g_task_return_pointer (task, r, (GDestroyNotify)fl_agent_result_free);
        g_object_unref (task);
      }
      return;

    default:
      g_assert_not_reached ();
    }

  g_task_return_error (task, g_steal_pointer (&error));
  g_object_unref (task);
}

/* Actions on one VM run one after the other (two at once make Proxmox fail the second
 * with "can't lock file … got timeout"); reads do not wait. */
static void
vm_released (GTask      *task,
             GParamSpec *pspec,
             gpointer    data)
{
  FlPveClient *self = g_task_get_source_object (task);
  Op *op = g_task_get_task_data (task);
  GQueue *queue = g_hash_table_lookup (self->busy, GUINT_TO_POINTER (op->vmid));
  GTask *next;

  if (!op->holds_vm || queue == NULL)
    return;
  op->holds_vm = FALSE;
  next = g_queue_pop_head (queue);
  if (next == NULL)
    {
      g_hash_table_remove (self->busy, GUINT_TO_POINTER (op->vmid));
      return;
    }
  ((Op *)g_task_get_task_data (next))->holds_vm = TRUE;
  g_idle_add (op_step_cb, next);
}

static void
op_start (FlPveClient         *self,
          Op                  *op,
          gpointer             source_tag,
          gboolean             exclusive,
          GCancellable        *cancellable,
          GAsyncReadyCallback  callback,
          gpointer             user_data)
{
  GTask *task = g_task_new (self, cancellable, callback, user_data);

  g_task_set_source_tag (task, source_tag);
  g_task_set_task_data (task, op, (GDestroyNotify)op_free);
  op->node = g_strdup (g_hash_table_lookup (self->nodes, GUINT_TO_POINTER (op->vmid)));
  if (exclusive)
    {
      GQueue *queue = g_hash_table_lookup (self->busy, GUINT_TO_POINTER (op->vmid));

      g_signal_connect (task, "notify::completed", G_CALLBACK (vm_released), NULL);
      if (queue != NULL)
        {
          g_queue_push_tail (queue, task);
          return;
        }
      g_hash_table_insert (self->busy, GUINT_TO_POINTER (op->vmid), g_queue_new ());
      op->holds_vm = TRUE;
    }
  op_step (task);
}

static Op *
op_new (OpKind kind,
        guint  vmid)
{
  Op *op = g_new0 (Op, 1);

  op->kind = kind;
  op->vmid = vmid;
  return op;
}

/* ------------------------------------------------------------------------------------------ */
/* FlHypervisor */

static void
list_vms_async (FlHypervisor *hv, GCancellable *cancellable, GAsyncReadyCallback callback, gpointer user_data)
{
  op_start (FL_PVE_CLIENT (hv), op_new (OP_LIST_VMS, 0), list_vms_async, FALSE, cancellable, callback, user_data);
}

static void
get_state_async (FlHypervisor *hv, guint vmid, GCancellable *cancellable, GAsyncReadyCallback callback,
                 gpointer user_data)
{
  op_start (FL_PVE_CLIENT (hv), op_new (OP_STATE, vmid), get_state_async, FALSE, cancellable, callback, user_data);
}

static void
power_async (FlHypervisor *hv, guint vmid, FlVmAction action, guint timeout_s, gboolean force,
             GCancellable *cancellable, GAsyncReadyCallback callback, gpointer user_data)
{
  Op *op = op_new (OP_POWER, vmid);

  op->action = action;
  op->timeout_s = timeout_s;
  op->force = force;
  op_start (FL_PVE_CLIENT (hv), op, power_async, TRUE, cancellable, callback, user_data);
}

static void
set_link_async (FlHypervisor *hv, guint vmid, gboolean link_down, GCancellable *cancellable,
                GAsyncReadyCallback callback, gpointer user_data)
{
  Op *op = op_new (OP_LINK, vmid);

  op->link_down = link_down;
  op_start (FL_PVE_CLIENT (hv), op, set_link_async, TRUE, cancellable, callback, user_data);
}

static void
list_snapshots_async (FlHypervisor *hv, guint vmid, GCancellable *cancellable, GAsyncReadyCallback callback,
                      gpointer user_data)
{
  op_start (FL_PVE_CLIENT (hv), op_new (OP_SNAPSHOTS, vmid), list_snapshots_async, FALSE, cancellable, callback,
            user_data);
}

static void
rollback_async (FlHypervisor *hv, guint vmid, const char *snapshot, GCancellable *cancellable,
                GAsyncReadyCallback callback, gpointer user_data)
{
  Op *op = op_new (OP_ROLLBACK, vmid);

  op->snapshot = g_strdup (snapshot);
  op_start (FL_PVE_CLIENT (hv), op, rollback_async, TRUE, cancellable, callback, user_data);
}

static void
agent_ping_async (FlHypervisor *hv, guint vmid, GCancellable *cancellable, GAsyncReadyCallback callback,
                  gpointer user_data)
{
  op_start (FL_PVE_CLIENT (hv), op_new (OP_AGENT_PING, vmid), agent_ping_async, FALSE, cancellable, callback,
            user_data);
}

static void
agent_exec_async (FlHypervisor *hv, guint vmid, const char * const *argv, guint timeout_s,
                  GCancellable *cancellable, GAsyncReadyCallback callback, gpointer user_data)
{
  Op *op = op_new (OP_AGENT_EXEC, vmid);

  op->argv = g_strdupv ((char **)argv);
  op->timeout_s = timeout_s ? timeout_s : 30;
  op_start (FL_PVE_CLIENT (hv), op, agent_exec_async, FALSE, cancellable, callback, user_data);
}

static const char *
peer_fingerprint (FlHypervisor *hv)
{
  return FL_PVE_CLIENT (hv)->peer_fingerprint;
}

/* only without a pin: a certificate that contradicts the lab's pin is never offered */
static gboolean
peer_may_be_trusted (FlHypervisor *hv)
{
  return FL_PVE_CLIENT (hv)->pin == NULL;
}

static gboolean
trust_peer (FlHypervisor  *hv,
            const char    *fingerprint,
            GError       **error)
{
  FlPveClient *self = FL_PVE_CLIENT (hv);
  g_autofree char *want = normalise_fingerprint (fingerprint);

  if (self->peer_fingerprint == NULL || g_strcmp0 (want, self->peer_fingerprint) != 0)
    {
      g_set_error (error, FL_PVE_ERROR, FL_PVE_ERROR_TLS, _("%s now shows the certificate %s, not %s: nothing trusted"),
                   self->authority, self->peer_fingerprint ? self->peer_fingerprint : "?", fingerprint);
      return FALSE;
    }
  fl_pve_client_set_fingerprint (self, want);
  return TRUE;
}

static gboolean
set_second_factor (FlHypervisor *hv,
                   const char   *code)
{
  fl_pve_client_set_totp (FL_PVE_CLIENT (hv), code);
  return TRUE;
}

static void
fl_pve_client_hypervisor_init (FlHypervisorInterface *iface)
{
  iface->get_peer_fingerprint = peer_fingerprint;
  iface->peer_may_be_trusted = peer_may_be_trusted;
  iface->trust_peer = trust_peer;
  iface->set_second_factor = set_second_factor;
  iface->list_vms_async = list_vms_async;
  iface->get_state_async = get_state_async;
  iface->power_async = power_async;
  iface->set_link_async = set_link_async;
  iface->list_snapshots_async = list_snapshots_async;
  iface->rollback_async = rollback_async;
  iface->agent_ping_async = agent_ping_async;
  iface->agent_exec_async = agent_exec_async;
}
