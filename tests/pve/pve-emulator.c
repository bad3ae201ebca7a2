/* pve-emulator.c: a Proxmox VE API server for tests, faithful to the real pveproxy's behaviour
 * (its schema is tests/pve/pve-api-schema-subset.json, from pve-docs):
 *
 *  - HTTPS only, `Server: pve-api-daemon/3.0`, `{"data": …}` envelopes, reason phrases that
 *    carry the error text, `message` in error bodies (PVE ≥ 8.3), `Connection: close` on ≥ 400;
 *  - routing and parameters from the official schema: unknown paths and methods 501, a body on
 *    GET 501, unknown or missing parameters, non-0/1 booleans and out-of-range integers 400
 *    with `errors{}`, repeated keys as arrays, form values split as Proxmox splits them
 *    (`&` and `;`, cut at a second `=`);
 *  - API tokens (`PVEAPIToken=` or a space, split at the last `=`, privilege-separated: the
 *    intersection with the user's rights) and tickets (2 h, CSRF on writes, TOTP second
 *    factor), 401 with an empty body and an optional 3 s delay, 403 naming the privilege
 *    before any existence check;
 *  - VMs with a state machine: tasks with real UPIDs that take time and can fail (already
 *    running, locked, shutdown timeout, lock contention after 10 s), HA-managed VMs whose
 *    tasks end at once while the VM follows later, `digest` on config changes, netN with
 *    a random MAC when none is given, `link_down` live, snapshots and rollback, the guest
 *    agent, nodes that go down (595 No route to host).
 *
 * With "sandbox" in the configuration, each VM is a sandbox DC: power off stops its Samba and
 * pulls its cable (a VM that is off is gone from the network), power on plugs it at once and
 * starts Samba only after the boot delay, link_down is unplug/plug.
 *
 * Copyright 2026 The Failover Lab authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <libsoup/soup.h>
#include <glib/gstdio.h>
#include <string.h>

#include "pve-emulator.h"

#define TICKET_LIFETIME_S (2 * 3600)

typedef enum { VM_STOPPED, VM_RUNNING, VM_PAUSED } VmPower;

typedef struct _Task Task;

typedef struct
{
  guint        vmid;
  char        *node;
  char        *name;
  char        *dc;             /* the sandbox DC it drives, or NULL */
  VmPower      power;
  gint64       started_at;
  GHashTable  *config;         /* key → value (name, memory, net0, …) */
  char        *lock;           /* config lock: backup, rollback, … */
  char        *rollback_hook;  /* `sandbox VERB` after a rollback (the client's broken trust) */
  gboolean     agent;          /* enabled in the config */
  gboolean     agent_running;  /* the guest's agent answers */
  gboolean     guest_shutdown; /* the guest honours ACPI/QGA shutdown */
  guint        shutdown_ms;    /* how long it takes */
  guint        boot_ms;        /* from power on to the DC's services */
  gboolean     ha_managed;
  char        *ha_state;
  guint        ha_ms;
  GPtrArray   *snapshots;      /* JsonNode objects */
  JsonObject  *windows;        /* a Windows guest answering the classroom's commands, or NULL */
  char        *win_locator;    /* the DC its locator found last */
  char        *win_sc_dc;      /* its secure channel's DC */
  gint64       win_sc_lost;    /* when that DC stopped answering (monotonic µs), 0: it answers */
  char        *win_logon;      /* the DC it signed in with */
  char        *win_gp_from;    /* the DC its last policy refresh came from */
  char        *win_tgt_kdc;    /* klist: the KDC that issued its TGT (its first real exchange) */
  gint64       win_tgt_wall;   /*   when (wall µs) */
  char        *win_svc_kdc;    /* klist: the KDC of its newest service ticket */
  gint64       win_svc_wall;
  Task        *holder;         /* the task holding the config lock */
  GQueue      *waiting;        /* tasks waiting for it */
  GQueue      *hooks;          /* sandbox commands to run, in order */
  gboolean     hook_running;
  GQueue      *drain_waiters;  /* paused replies that wait for the hooks (a live link change) */
  GQueue      *drain_tasks;    /* tasks that end once the hooks have run (the VM is off) */
  guint        boot_source;
  GHashTable  *exec;           /* pid → JsonNode result */
  guint        next_pid;
} Vm;

typedef void (*TaskStep) (PveEmulator *self, Task *task);

struct _Task
{
  char        *upid;
  char        *node;
  char        *type;
  Vm          *vm;
  char        *user;
  char        *tokenid;
  gint64       starttime;
  guint        pid;
  gboolean     running;
  char        *exitstatus;
  GPtrArray   *log;
  /* the work */
  char        *action;
  guint        timeout_s;
  gboolean     force;
  char        *snapshot;
  char        *action_after;   /* the exit status, once the hooks have run */
  int          phase;
  guint        source;
  guint        lock_source;
};

struct _PveEmulator
{
  SoupServer  *server;
  JsonNode    *schema;     /* {"paths": {…}} */
  char        *version;
  GHashTable  *users;      /* user → JsonObject {password, totp?, privs[]} */
  GHashTable  *tokens;     /* token id → JsonObject {secret, privs[], privsep?} */
  GHashTable  *nodes_down; /* node → TRUE */
  GPtrArray   *nodes;
  GHashTable  *vms;        /* vmid → Vm */
  GHashTable  *tasks;      /* upid → Task */
  char        *sandbox;
  char        *fingerprint;
  guint8       key[32];    /* signs tickets and CSRF tokens */
  guint        auth_delay_ms;
  guint        lock_wait_ms;
  guint        step_ms;    /* how long the quick parts of a task take */
  gint64       time_offset;
  guint        next_pid;
  GHashTable  *requests;   /* "METHOD path" → count */
  /* a Windows guest's command being answered with what its probes saw (NULL: no probes) */
  GHashTable  *win_seen;   /* DC name → TRUE when it answered the client's real probe */
  char        *win_kinit_dc;
  gboolean     win_kinit_ok;
  GHashTable  *win_denied; /* DC name → TRUE when its KDC refused the machine account's key */
  GCancellable *cancellable;  /* its workers' answers are dropped once it is freed */
};

static gint64
now_s (PveEmulator *self)
{
  return g_get_real_time () / G_USEC_PER_SEC + self->time_offset;
}

/* ------------------------------------------------------------------------------------------ */
/* replies */

static void
reply_json (SoupServerMessage *msg,
            guint              status,
            const char        *reason,
            JsonNode          *body)
{
  g_autofree char *text = body ? json_to_string (body, FALSE) : g_strdup ("");
  SoupMessageHeaders *h = soup_server_message_get_response_headers (msg);
  g_autoptr(GDateTime) dt = g_date_time_new_now_utc ();
  g_autofree char *date = g_date_time_format (dt, "%a, %d %b %Y %H:%M:%S GMT");

  soup_server_message_set_status (msg, status, reason);
  soup_message_headers_replace (h, "Cache-Control", "max-age=0");
  soup_message_headers_replace (h, "Pragma", "no-cache");
  soup_message_headers_replace (h, "Expires", date);
  if (status >= 400)
    soup_message_headers_replace (h, "Connection", "close");
  soup_server_message_set_response (msg, body ? "application/json;charset=UTF-8" : NULL, SOUP_MEMORY_COPY,
                                    text, strlen (text));
}

static void
reply_data (SoupServerMessage *msg,
            JsonNode          *data)
{
  g_autoptr(JsonBuilder) b = json_builder_new ();
  g_autoptr(JsonNode) root = NULL;

  json_builder_begin_object (b);
  json_builder_set_member_name (b, "data");
  if (data != NULL)
    json_builder_add_value (b, json_node_copy (data));
  else
    json_builder_add_null_value (b);
  json_builder_end_object (b);
  root = json_builder_get_root (b);
  reply_json (msg, 200, "OK", root);
}

static void
reply_string (SoupServerMessage *msg,
              const char        *value)
{
  g_autoptr(JsonNode) n = json_node_new (JSON_NODE_VALUE);

  json_node_set_string (n, value);
  reply_data (msg, n);
}

/* an error: the reason phrase is the first line of the message; the body {"data":null,
 * "message": …} (new servers), with errors{} for 400 */
static void
reply_error (SoupServerMessage *msg,
             guint              status,
             const char        *message,
             JsonObject        *errors)
{
  g_autoptr(JsonObject) o = json_object_new ();
  g_autoptr(JsonNode) root = json_node_new (JSON_NODE_OBJECT);
  g_autofree char *full = g_strconcat (message, "\n", NULL);

  json_object_set_null_member (o, "data");
  if (errors != NULL)
    json_object_set_object_member (o, "errors", json_object_ref (errors));
  json_object_set_string_member (o, "message", full);
  json_node_set_object (root, o);
  reply_json (msg, status, message, root);
}

static void
reply_401 (SoupServerMessage *msg,
           const char        *reason)
{
  /* an empty body */
  reply_json (msg, 401, reason, NULL);
}

static void
reply_param_error (SoupServerMessage *msg,
                   const char        *param,
                   const char        *why)
{
  g_autoptr(JsonObject) errors = json_object_new ();

  json_object_set_string_member (errors, param, why);
  reply_error (msg, 400, "Parameter verification failed.", errors);
}

/* ------------------------------------------------------------------------------------------ */
/* parameters, split as pve-http-server does */

static void
add_param (GHashTable *params,
           const char *key,
           const char *value)
{
  GPtrArray *values = g_hash_table_lookup (params, key);

  if (values == NULL)
    {
      values = g_ptr_array_new_with_free_func (g_free);
      g_hash_table_insert (params, g_strdup (key), values);
    }
  g_ptr_array_add (values, g_strdup (value));
}

static char *
unescape_form (const char *text)
{
  g_autofree char *plus = g_strdup (text);
  char *out;

  g_strdelimit (plus, "+", ' ');
  out = g_uri_unescape_string (plus, NULL);
  return out ? out : g_strdup (plus);
}

/* "&" and ";" separate pairs; every "=" splits: a value with an unescaped "=" is cut */
static void
parse_form (GHashTable *params,
            const char *text)
{
  g_auto(GStrv) pairs = NULL;

  if (text == NULL)
    return;
  pairs = g_strsplit_set (text, "&;", -1);
  for (guint i = 0; pairs[i] != NULL; i++)
    {
      g_auto(GStrv) kv = NULL;
      g_autofree char *k = NULL, *v = NULL;

      if (*pairs[i] == '\0')
        continue;
      kv = g_strsplit (pairs[i], "=", -1);
      k = unescape_form (kv[0]);
      v = unescape_form (kv[1] ? kv[1] : "");
      add_param (params, k, v);
    }
}

static const char *
param (GHashTable *params,
       const char *key)
{
  GPtrArray *values = g_hash_table_lookup (params, key);

  return values && values->len ? values->pdata[values->len - 1] : NULL;
}

static gboolean
param_bool (GHashTable *params,
            const char *key)
{
  return g_strcmp0 (param (params, key), "1") == 0;
}

/* ------------------------------------------------------------------------------------------ */
/* the schema: routing, parameter checks, permissions */

static JsonObject *
find_route (PveEmulator  *self,
            const char   *path,
            GHashTable   *vars)
{
  JsonObject *paths = json_object_get_object_member (json_node_get_object (self->schema), "paths");
  g_autoptr(GList) templates = json_object_get_members (paths);
  g_auto(GStrv) parts = g_strsplit (path, "/", -1);

  for (GList *l = templates; l != NULL; l = l->next)
    {
      g_auto(GStrv) t = g_strsplit (l->data, "/", -1);
      gboolean match = g_strv_length (t) == g_strv_length (parts);

      for (guint i = 0; match && t[i] != NULL; i++)
        if (t[i][0] == '{')
          match = *parts[i] != '\0';
        else
          match = g_str_equal (t[i], parts[i]);
      if (!match)
        continue;
      g_hash_table_remove_all (vars);
      for (guint i = 0; t[i] != NULL; i++)
        if (t[i][0] == '{')
          g_hash_table_insert (vars, g_strndup (t[i] + 1, strlen (t[i]) - 2), g_strdup (parts[i]));
      return json_object_get_object_member (paths, l->data);
    }
  return NULL;
}

static gboolean
all_digits (const char *s)
{
  if (*s == '-')
    s++;
  if (*s == '\0')
    return FALSE;
  for (; *s; s++)
    if (!g_ascii_isdigit (*s))
      return FALSE;
  return TRUE;
}

/* "net0" is "net[n]" in the schema */
static gboolean
schema_has (JsonObject *props,
            const char *name)
{
  gsize len = strlen (name), digits = 0;

  if (props == NULL)
    return FALSE;
  if (json_object_has_member (props, name))
    return TRUE;
  while (digits < len && g_ascii_isdigit (name[len - 1 - digits]))
    digits++;
  if (digits > 0 && digits < len)
    {
      g_autofree char *base = g_strndup (name, len - digits);
      g_autofree char *indexed = g_strconcat (base, "[n]", NULL);

      return json_object_has_member (props, indexed);
    }
  return FALSE;
}

/* Returns: FALSE after replying 400 */
static gboolean
check_params (SoupServerMessage *msg,
              JsonObject        *method_info,
              GHashTable        *params)
{
  JsonObject *parameters = json_object_get_object_member (method_info, "parameters");
  JsonObject *props = json_object_has_member (parameters, "properties")
                      ? json_object_get_object_member (parameters, "properties") : NULL;
  g_autoptr(GList) names = props ? json_object_get_members (props) : NULL;
  GHashTableIter iter;
  gpointer key, value;

  g_hash_table_iter_init (&iter, params);
  while (g_hash_table_iter_next (&iter, &key, &value))
    if (!schema_has (props, key))
      {
        reply_param_error (msg, key, "property is not defined in schema and the schema does not allow additional properties");
        return FALSE;
      }
  for (GList *l = names; l != NULL; l = l->next)
    {
      JsonObject *p = json_object_get_object_member (props, l->data);
      GPtrArray *values = g_hash_table_lookup (params, l->data);
      const char *type = json_object_get_string_member_with_default (p, "type", "string");

      if (values == NULL)
        {
          if (!json_object_get_int_member_with_default (p, "optional", 0))
            {
              reply_param_error (msg, l->data, "property is missing and it is not optional");
              return FALSE;
            }
          continue;
        }
      if (!g_str_equal (type, "array") && values->len > 1)
        {
          reply_param_error (msg, l->data, "type check ('" "string" "') failed - got ARRAY");
          return FALSE;
        }
      for (guint i = 0; i < values->len; i++)
        {
          const char *v = values->pdata[i];

          if (g_str_equal (type, "boolean") && !g_str_equal (v, "0") && !g_str_equal (v, "1"))
            {
              g_autofree char *why = g_strdup_printf ("type check ('boolean') failed - got '%s'", v);

              reply_param_error (msg, l->data, why);
              return FALSE;
            }
          if (g_str_equal (type, "integer"))
            {
              gint64 n;

              if (!all_digits (v))
                {
                  g_autofree char *why = g_strdup_printf ("type check ('integer') failed - got '%s'", v);

                  reply_param_error (msg, l->data, why);
                  return FALSE;
                }
              n = g_ascii_strtoll (v, NULL, 10);
              if (json_object_has_member (p, "minimum") && n < json_object_get_int_member (p, "minimum"))
                {
                  g_autofree char *why = g_strdup_printf ("value must have a minimum value of %" G_GINT64_FORMAT,
                                                          json_object_get_int_member (p, "minimum"));

                  reply_param_error (msg, l->data, why);
                  return FALSE;
                }
              if (json_object_has_member (p, "maximum") && n > json_object_get_int_member (p, "maximum"))
                {
                  g_autofree char *why = g_strdup_printf ("value may have a maximum value of %" G_GINT64_FORMAT,
                                                          json_object_get_int_member (p, "maximum"));

                  reply_param_error (msg, l->data, why);
                  return FALSE;
                }
            }
          if (json_object_has_member (p, "enum"))
            {
              JsonArray *e = json_object_get_array_member (p, "enum");
              gboolean found = FALSE;

              for (guint j = 0; j < json_array_get_length (e); j++)
                found |= g_strcmp0 (json_array_get_string_element (e, j), v) == 0;
              if (!found)
                {
                  reply_param_error (msg, l->data, "value does not have a value in the enumeration");
                  return FALSE;
                }
            }
        }
    }
  return TRUE;
}

typedef struct
{
  char     *user;       /* user@realm */
  char     *tokenid;    /* nullable: the token name */
  gboolean  ticket;
} Auth;

static void
auth_clear (Auth *a)
{
  g_clear_pointer (&a->user, g_free);
  g_clear_pointer (&a->tokenid, g_free);
}

static gboolean
privs_allow (JsonObject *who,
             const char *priv)
{
  JsonArray *privs = json_object_get_array_member (who, "privs");

  for (guint i = 0; privs != NULL && i < json_array_get_length (privs); i++)
    {
      const char *p = json_array_get_string_element (privs, i);

      if (g_str_equal (p, "*") || g_str_equal (p, priv))
        return TRUE;
    }
  return FALSE;
}

/* a privilege-separated token has what both it and its user have */
static gboolean
has_priv (PveEmulator *self,
          const Auth  *auth,
          const char  *priv)
{
  JsonObject *user = g_hash_table_lookup (self->users, auth->user);

  if (user == NULL || !privs_allow (user, priv))
    return FALSE;
  if (auth->tokenid != NULL)
    {
      g_autofree char *full = g_strdup_printf ("%s!%s", auth->user, auth->tokenid);
      JsonObject *token = g_hash_table_lookup (self->tokens, full);

      if (token == NULL)
        return FALSE;
      if (json_object_get_int_member_with_default (token, "privsep", 1) && !privs_allow (token, priv))
        return FALSE;
    }
  return TRUE;
}

/* the schema's check: ["perm", "/vms/{vmid}", [privs…], "any", 1]; FALSE after replying 403 */
static gboolean
check_permission (PveEmulator       *self,
                  SoupServerMessage *msg,
                  JsonObject        *method_info,
                  GHashTable        *vars,
                  const Auth        *auth)
{
  JsonObject *perms = json_object_get_object_member (method_info, "permissions");
  JsonArray *check = perms && json_object_has_member (perms, "check")
                     ? json_object_get_array_member (perms, "check") : NULL;
  JsonArray *privs;
  g_autoptr(GString) path = g_string_new (NULL);
  g_autoptr(GString) wanted = g_string_new (NULL);
  gboolean any = FALSE, ok;
  const char *tmpl;

  if (check == NULL || json_array_get_length (check) < 3 ||
      g_strcmp0 (json_array_get_string_element (check, 0), "perm") != 0)
    return TRUE;
  tmpl = json_array_get_string_element (check, 1);
  for (const char *p = tmpl; *p; p++)
    {
      if (*p == '{')
        {
          const char *end = strchr (p, '}');
          g_autofree char *var = g_strndup (p + 1, end - p - 1);

          g_string_append (path, g_hash_table_lookup (vars, var) ? (char *)g_hash_table_lookup (vars, var) : "");
          p = end;
        }
      else
        g_string_append_c (path, *p);
    }
  privs = json_array_get_array_element (check, 2);
  for (guint i = 3; i + 1 < json_array_get_length (check); i += 2)
    if (g_strcmp0 (json_array_get_string_element (check, i), "any") == 0)
      any = TRUE;
  ok = !any;
  for (guint i = 0; i < json_array_get_length (privs); i++)
    {
      const char *priv = json_array_get_string_element (privs, i);
      gboolean has = has_priv (self, auth, priv);

      g_string_append_printf (wanted, "%s%s", i ? "|" : "", priv);
      ok = any ? (ok || has) : (ok && has);
    }
  if (!ok)
    {
      g_autofree char *why = g_strdup_printf ("Permission check failed (%s, %s)", path->str, wanted->str);

      reply_error (msg, 403, why, NULL);
    }
  return ok;
}

/* ------------------------------------------------------------------------------------------ */
/* tickets */

static char *
sign (PveEmulator *self,
      const char  *text)
{
  g_autoptr(GHmac) hmac = g_hmac_new (G_CHECKSUM_SHA256, self->key, sizeof self->key);
  guint8 digest[32];
  gsize len = sizeof digest;

  g_hmac_update (hmac, (const guchar *)text, -1);
  g_hmac_get_digest (hmac, digest, &len);
  return g_base64_encode (digest, len);
}

static char *
make_ticket (PveEmulator *self,
             const char  *user)
{
  g_autofree char *plain = g_strdup_printf ("PVE:%s:%08X", user, (guint)now_s (self));
  g_autofree char *sig = sign (self, plain);

  return g_strdup_printf ("%s::%s", plain, sig);
}

static char *
make_csrf (PveEmulator *self,
           const char  *user)
{
  g_autofree char *time = g_strdup_printf ("%08X", (guint)now_s (self));
  g_autofree char *plain = g_strconcat (time, ":", user, NULL);
  g_autofree char *sig = sign (self, plain);

  return g_strdup_printf ("%s:%s", time, sig);
}

/* PVE:<user>:<hex time>::<sig>; NULL when forged, expired or a TFA half-ticket */
static char *
verify_ticket (PveEmulator *self,
               const char  *ticket,
               gboolean     allow_tfa)
{
  const char *sep = strstr (ticket, "::");
  g_autofree char *plain = NULL, *sig = NULL;
  g_auto(GStrv) parts = NULL;
  gint64 t;

  if (sep == NULL || !g_str_has_prefix (ticket, "PVE:"))
    return NULL;
  plain = g_strndup (ticket, sep - ticket);
  sig = sign (self, plain);
  if (!g_str_equal (sig, sep + 2))
    return NULL;
  parts = g_strsplit (plain, ":", -1);
  if (g_strv_length (parts) != 3)
    return NULL;
  if (g_str_has_prefix (parts[1], "!tfa!") != allow_tfa)
    return NULL;
  t = g_ascii_strtoll (parts[2], NULL, 16);
  if (now_s (self) - t > TICKET_LIFETIME_S || t - now_s (self) > 300)
    return NULL;
  return g_strdup (allow_tfa ? parts[1] + 5 : parts[1]);
}

static gboolean
verify_csrf (PveEmulator *self,
             const char  *token,
             const char  *user)
{
  const char *colon = token ? strchr (token, ':') : NULL;
  g_autofree char *time = NULL, *plain = NULL, *sig = NULL;

  if (colon == NULL)
    return FALSE;
  time = g_strndup (token, colon - token);
  plain = g_strconcat (time, ":", user, NULL);
  sig = sign (self, plain);
  return g_str_equal (sig, colon + 1) && now_s (self) - g_ascii_strtoll (time, NULL, 16) <= TICKET_LIFETIME_S;
}

/* PVEAPIToken=USER@REALM!ID=SECRET (or a space after the keyword), or a ticket. */
static gboolean
authenticate (PveEmulator       *self,
              SoupServerMessage *msg,
              const char        *method,
              Auth              *auth,
              const char       **reason)
{
  SoupMessageHeaders *h = soup_server_message_get_request_headers (msg);
  const char *authorization = soup_message_headers_get_one (h, "Authorization");
  const char *cookie = soup_message_headers_get_one (h, "Cookie");
  g_autofree char *ticket = NULL;
  gboolean new_reasons = g_strcmp0 (self->version, "9.1.5") >= 0;

  *reason = "No ticket";
  if (authorization != NULL && g_str_has_prefix (authorization, "PVEAPIToken") &&
      (authorization[11] == '=' || authorization[11] == ' '))
    {
      g_autofree char *raw = g_strndup (authorization + 12, strcspn (authorization + 12, ";"));
      g_autofree char *value = g_uri_unescape_string (raw, NULL);
      const char *eq = value ? strrchr (value, '=') : NULL;
      g_autofree char *id = eq ? g_strndup (value, eq - value) : NULL;
      JsonObject *token = id ? g_hash_table_lookup (self->tokens, id) : NULL;
      const char *bang = id ? strchr (id, '!') : NULL;

      if (token == NULL || bang == NULL)
        {
          *reason = new_reasons ? "Authentication failed!" : "invalid token value!";
          return FALSE;
        }
      if (g_strcmp0 (json_object_get_string_member_with_default (token, "secret", NULL), eq + 1) != 0)
        {
          *reason = new_reasons ? "Authentication failed!" : "invalid token value!";
          return FALSE;
        }
      auth->user = g_strndup (id, bang - id);
      auth->tokenid = g_strdup (bang + 1);
      return TRUE;
    }
  if (authorization != NULL && g_str_has_prefix (authorization, "PVEAuthCookie="))
    ticket = g_strdup (authorization + 14);
  else if (cookie != NULL && strstr (cookie, "PVEAuthCookie=") != NULL)
    {
      const char *v = strstr (cookie, "PVEAuthCookie=") + 14;

      ticket = g_strndup (v, strcspn (v, ";"));
    }
  if (ticket == NULL)
    return FALSE;
  {
    g_autofree char *unescaped = g_uri_unescape_string (ticket, NULL);

    auth->user = verify_ticket (self, unescaped ? unescaped : ticket, FALSE);
  }
  if (auth->user == NULL)
    {
      *reason = new_reasons ? "Authentication failed!" : "permission denied - invalid PVE ticket";
      return FALSE;
    }
  auth->ticket = TRUE;
  if (!g_str_equal (method, "GET") &&
      !verify_csrf (self, soup_message_headers_get_one (h, "CSRFPreventionToken"), auth->user))
    {
      *reason = "Permission denied - invalid csrf token";
      g_clear_pointer (&auth->user, g_free);
      return FALSE;
    }
  return TRUE;
}

/* ------------------------------------------------------------------------------------------ */
/* VMs, tasks, hooks */

static void run_next_hook (PveEmulator *self, Vm *vm);
static void task_end (PveEmulator *self, Task *task, const char *exitstatus);

typedef struct
{
  PveEmulator *self;
  Vm          *vm;
} HookRun;

static void
hook_done (GObject      *object,
           GAsyncResult *result,
           gpointer      data)
{
  HookRun *run = data;
  g_autoptr(GError) error = NULL;

  if (!g_subprocess_wait_check_finish (G_SUBPROCESS (object), result, &error))
    g_printerr ("pve-emulator: VM %u (%s): sandbox hook failed: %s\n", run->vm->vmid, run->vm->dc, error->message);
  run->vm->hook_running = FALSE;
  run_next_hook (run->self, run->vm);
  g_free (run);
}

static void
run_next_hook (PveEmulator *self,
               Vm          *vm)
{
  g_auto(GStrv) argv = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GSubprocess) p = NULL;
  HookRun *run;

  if (vm->hook_running)
    return;
  if ((argv = g_queue_pop_head (vm->hooks)) == NULL)
    {
      SoupServerMessage *msg;

      Task *task;

      /* applied: the replies and tasks that waited for it go on */
      while ((msg = g_queue_pop_head (vm->drain_waiters)) != NULL)
        {
          soup_server_message_unpause (msg);
          g_object_unref (msg);
        }
      while ((task = g_queue_pop_head (vm->drain_tasks)) != NULL)
        {
          g_autofree char *status = g_steal_pointer (&task->action_after);

          task_end (self, task, status);
        }
      return;
    }
  p = g_subprocess_newv ((const char * const *)argv, G_SUBPROCESS_FLAGS_STDOUT_SILENCE, &error);
  if (p == NULL)
    {
      g_printerr ("pve-emulator: %s\n", error->message);
      run_next_hook (self, vm);
      return;
    }
  vm->hook_running = TRUE;
  run = g_new0 (HookRun, 1);
  run->self = self;
  run->vm = vm;
  g_subprocess_wait_check_async (p, NULL, hook_done, run);
}

/* `sandbox VERB DC`, after the ones queued before it */
static void
hook (PveEmulator *self,
      Vm          *vm,
      const char  *verb)
{
  if (self->sandbox == NULL || vm->dc == NULL)
    return;
  g_queue_push_tail (vm->hooks, g_strdupv ((char *[]) { self->sandbox, (char *)verb, vm->dc, NULL }));
  run_next_hook (self, vm);
}

static gboolean
config_link_down (Vm *vm)
{
  const char *net0 = g_hash_table_lookup (vm->config, "net0");

  return net0 != NULL && strstr (net0, "link_down=1") != NULL;
}

static gboolean
booted (gpointer data)
{
  void **pair = data;
  PveEmulator *self = pair[0];
  Vm *vm = pair[1];

  vm->boot_source = 0;
  if (vm->power == VM_RUNNING)
    {
      hook (self, vm, "start");
      vm->agent_running = vm->agent;
    }
  return G_SOURCE_REMOVE;
}

/* the QEMU process runs: the link is up at once, the DC's services after the boot delay */
static void
power_on (PveEmulator *self,
          Vm          *vm)
{
  void **pair = g_new (void *, 2);

  vm->power = VM_RUNNING;
  vm->started_at = now_s (self);
  vm->agent_running = FALSE;
  if (!config_link_down (vm))
    hook (self, vm, "plug");
  pair[0] = self;
  pair[1] = vm;
  g_clear_handle_id (&vm->boot_source, g_source_remove);
  vm->boot_source = g_timeout_add_full (G_PRIORITY_DEFAULT, vm->boot_ms, booted, pair, g_free);
}

/* off: gone from the network (not refusing: silent) */
static void
power_off (PveEmulator *self,
           Vm          *vm)
{
  vm->power = VM_STOPPED;
  vm->agent_running = FALSE;
  g_clear_handle_id (&vm->boot_source, g_source_remove);
  hook (self, vm, "stop");
  hook (self, vm, "unplug");
  g_hash_table_remove_all (vm->exec);
}

static void
task_log (Task       *task,
          const char *line)
{
  g_ptr_array_add (task->log, g_strdup (line));
}

static void task_later (PveEmulator *self,
                        Task        *task,
                        guint        ms);

static void
task_end (PveEmulator *self,
          Task        *task,
          const char  *exitstatus)
{
  Vm *vm = task->vm;

  task->running = FALSE;
  task->exitstatus = g_strdup (exitstatus);
  if (g_str_equal (exitstatus, "OK"))
    task_log (task, "TASK OK");
  else if (g_str_has_prefix (exitstatus, "WARNINGS: "))
    {
      g_autofree char *l = g_strdup_printf ("TASK %s", exitstatus);

      task_log (task, l);
    }
  else
    {
      g_autofree char *l = g_strdup_printf ("TASK ERROR: %s", exitstatus);

      task_log (task, l);
    }
  g_clear_handle_id (&task->source, g_source_remove);
  g_clear_handle_id (&task->lock_source, g_source_remove);
  /* the config lock passes to the next task waiting for it */
  if (vm != NULL && vm->holder == task)
    {
      Task *next = g_queue_pop_head (vm->waiting);

      vm->holder = NULL;
      if (next != NULL)
        {
          g_clear_handle_id (&next->lock_source, g_source_remove);
          vm->holder = next;
          task_later (self, next, self->step_ms);
        }
    }
}

static gboolean task_run (gpointer data);

/* the task ends when what it did has happened: a VM that is off is off the network */
static void
task_end_after_hooks (PveEmulator *self,
                      Task        *task,
                      const char  *exitstatus)
{
  Vm *vm = task->vm;

  if (vm->hook_running || !g_queue_is_empty (vm->hooks))
    {
      g_free (task->action_after);
      task->action_after = g_strdup (exitstatus);
      g_queue_push_tail (vm->drain_tasks, task);
      return;
    }
  task_end (self, task, exitstatus);
}

typedef struct
{
  PveEmulator *self;
  Task        *task;
} TaskRef;

static void
task_later (PveEmulator *self,
            Task        *task,
            guint        ms)
{
  TaskRef *ref = g_new (TaskRef, 1);

  ref->self = self;
  ref->task = task;
  g_clear_handle_id (&task->source, g_source_remove);
  task->source = g_timeout_add_full (G_PRIORITY_DEFAULT, ms, task_run, ref, g_free);
}

static gboolean
lock_timeout (gpointer data)
{
  TaskRef *ref = data;
  Task *task = ref->task;
  g_autofree char *why = g_strdup_printf ("can't lock file '/var/lock/qemu-server/lock-%u.conf' - got timeout",
                                          task->vm->vmid);

  task->lock_source = 0;
  g_queue_remove (task->vm->waiting, task);
  task_end (ref->self, task, why);
  return G_SOURCE_REMOVE;
}

/* The task's work, a phase at a time; runs once it holds the VM's config lock. */
static gboolean
task_run (gpointer data)
{
  TaskRef *ref = data;
  PveEmulator *self = ref->self;
  Task *task = ref->task;
  Vm *vm = task->vm;
  g_autofree char *msg = NULL;

  task->source = 0;
  if (!task->running)
    return G_SOURCE_REMOVE;

  /* HA: the request is queued, the task ends, the VM follows later */
  if (g_str_has_prefix (task->type, "ha"))
    {
      if (task->phase == 0)
        {
          task_log (task, g_str_equal (task->type, "hastart") ? "Requesting HA start for VM" : "Requesting HA stop for VM");
          task_end (self, task, "OK");
          g_free (vm->ha_state);
          vm->ha_state = g_strdup (g_str_equal (task->type, "hastart") ? "started" : "request_stop");
          task->running = TRUE;   /* keep going in the background, as the CRM does */
          task->phase = 1;
          task_later (self, task, vm->ha_ms);
          return G_SOURCE_REMOVE;
        }
      task->running = FALSE;
      if (g_str_equal (task->type, "hastart") && vm->power == VM_STOPPED)
        power_on (self, vm);
      else if (!g_str_equal (task->type, "hastart") && vm->power != VM_STOPPED)
        {
          power_off (self, vm);
          g_free (vm->ha_state);
          vm->ha_state = g_strdup ("stopped");
        }
      return G_SOURCE_REMOVE;
    }

  if (vm->lock != NULL && task->phase == 0 && !g_str_equal (task->type, "qmrollback"))
    {
      msg = g_strdup_printf ("VM is locked (%s)", vm->lock);
      task_end (self, task, msg);
      return G_SOURCE_REMOVE;
    }

  if (g_str_equal (task->type, "qmstart"))
    {
      if (vm->power != VM_STOPPED)
        {
          msg = g_strdup_printf ("VM %u already running", vm->vmid);
          task_end (self, task, msg);
          return G_SOURCE_REMOVE;
        }
      power_on (self, vm);
      task_end_after_hooks (self, task, "OK");
    }
  else if (g_str_equal (task->type, "qmstop"))
    {
      if (vm->power != VM_STOPPED)
        power_off (self, vm);
      task_end_after_hooks (self, task, "OK");
    }
  else if (g_str_equal (task->type, "qmshutdown") || g_str_equal (task->type, "qmreboot"))
    {
      gboolean reboot = g_str_equal (task->type, "qmreboot");

      if (task->phase == 0)
        {
          if (vm->power == VM_STOPPED)
            {
              task_end (self, task, "OK");
              return G_SOURCE_REMOVE;
            }
          task->phase = 1;
          /* the guest goes down after a while, or never */
          if (vm->guest_shutdown)
            task_later (self, task, MIN (vm->shutdown_ms, task->timeout_s * 1000));
          else
            task_later (self, task, task->timeout_s * 1000);
          if (vm->guest_shutdown && vm->shutdown_ms <= task->timeout_s * 1000)
            task->phase = 2;
          return G_SOURCE_REMOVE;
        }
      if (task->phase == 1)
        {
          /* the timeout came first */
          if (!task->force || reboot)
            {
              task_end (self, task, "VM quit/powerdown failed - got timeout");
              return G_SOURCE_REMOVE;
            }
          task_log (task, "VM still running - terminating now with SIGTERM");
          power_off (self, vm);
          task_end_after_hooks (self, task, "WARNINGS: 1");
          return G_SOURCE_REMOVE;
        }
      power_off (self, vm);
      if (reboot)
        power_on (self, vm);
      task_end_after_hooks (self, task, "OK");
    }
  else if (g_str_equal (task->type, "qmrollback"))
    {
      JsonObject *snap = NULL;

      for (guint i = 0; i < vm->snapshots->len; i++)
        if (g_strcmp0 (json_object_get_string_member (json_node_get_object (vm->snapshots->pdata[i]), "name"),
                       task->snapshot) == 0)
          snap = json_node_get_object (vm->snapshots->pdata[i]);
      if (snap == NULL)
        {
          msg = g_strdup_printf ("snapshot '%s' does not exist", task->snapshot);
          task_end (self, task, msg);
          return G_SOURCE_REMOVE;
        }
      if (task->phase == 0)
        {
          /* hard stop first; the config is locked while it rolls back */
          if (vm->power != VM_STOPPED)
            power_off (self, vm);
          g_free (vm->lock);
          vm->lock = g_strdup ("rollback");
          task->phase = 1;
          task_later (self, task, self->step_ms * 3);
          return G_SOURCE_REMOVE;
        }
      g_clear_pointer (&vm->lock, g_free);
      /* a new generation id: Windows DCs see the rollback */
      g_hash_table_insert (vm->config, g_strdup ("vmgenid"), g_uuid_string_random ());
      if (json_object_get_int_member_with_default (snap, "vmstate", 0))
        power_on (self, vm);
      if (vm->rollback_hook != NULL && self->sandbox != NULL)
        {
          /* what the rollback does to the domain (an older machine password): the sandbox
           * applies it, and the task ends once it has */
          g_queue_push_tail (vm->hooks, g_strdupv ((char *[]) { self->sandbox, vm->rollback_hook, NULL }));
          run_next_hook (self, vm);
          task_end_after_hooks (self, task, "OK");
        }
      else
        task_end (self, task, "OK");
    }
  else
    task_end (self, task, "unexpected status");
  return G_SOURCE_REMOVE;
}

static Task *
task_new (PveEmulator *self,
          const char  *node,
          const char  *type,
          Vm          *vm,
          const Auth  *auth)
{
  Task *task = g_new0 (Task, 1);
  g_autofree char *user = auth->tokenid ? g_strdup_printf ("%s!%s", auth->user, auth->tokenid) : g_strdup (auth->user);

  task->pid = ++self->next_pid + 0x1000;
  task->starttime = now_s (self);
  task->node = g_strdup (node);
  task->type = g_strdup (type);
  task->vm = vm;
  task->user = g_strdup (auth->user);
  task->tokenid = g_strdup (auth->tokenid);
  task->running = TRUE;
  task->log = g_ptr_array_new_with_free_func (g_free);
  task->upid = g_strdup_printf ("UPID:%s:%08X:%08X:%08X:%s:%u:%s:", node, task->pid, 0x35693u + task->pid,
                                (guint)task->starttime, type, vm ? vm->vmid : 0, user);
  g_hash_table_insert (self->tasks, task->upid, task);
  return task;
}

static void
task_free (Task *task)
{
  g_clear_handle_id (&task->source, g_source_remove);
  g_clear_handle_id (&task->lock_source, g_source_remove);
  g_free (task->upid);
  g_free (task->node);
  g_free (task->type);
  g_free (task->user);
  g_free (task->tokenid);
  g_free (task->exitstatus);
  g_free (task->action);
  g_free (task->snapshot);
  g_free (task->action_after);
  g_ptr_array_unref (task->log);
  g_free (task);
}

/* the worker takes the VM's config lock, waiting up to 10 s behind another task */
static void
task_start (PveEmulator *self,
            Task        *task)
{
  Vm *vm = task->vm;

  if (g_str_has_prefix (task->type, "ha") || vm->holder == NULL)
    {
      if (!g_str_has_prefix (task->type, "ha"))
        vm->holder = task;
      task_later (self, task, self->step_ms);
      return;
    }
  {
    TaskRef *ref = g_new (TaskRef, 1);

    ref->self = self;
    ref->task = task;
    g_queue_push_tail (vm->waiting, task);
    task->lock_source = g_timeout_add_full (G_PRIORITY_DEFAULT, self->lock_wait_ms, lock_timeout, ref, g_free);
  }
}

static Vm *
lookup_vm (PveEmulator       *self,
           SoupServerMessage *msg,
           GHashTable        *vars)
{
  const char *node = g_hash_table_lookup (vars, "node");
  guint vmid = (guint)g_ascii_strtoull (g_hash_table_lookup (vars, "vmid"), NULL, 10);
  Vm *vm = g_hash_table_lookup (self->vms, GUINT_TO_POINTER (vmid));

  if (vm == NULL || g_strcmp0 (vm->node, node) != 0)
    {
      g_autofree char *why = g_strdup_printf ("Configuration file 'nodes/%s/qemu-server/%u.conf' does not exist",
                                              node, vmid);

      reply_error (msg, 500, why, NULL);
      return NULL;
    }
  return vm;
}

static char *
random_mac (void)
{
  return g_strdup_printf ("BC:24:11:%02X:%02X:%02X", g_random_int_range (0, 256), g_random_int_range (0, 256),
                          g_random_int_range (0, 256));
}

static char *
config_digest (Vm *vm)
{
  g_autoptr(GList) keys = g_list_sort (g_hash_table_get_keys (vm->config), (GCompareFunc)g_strcmp0);
  g_autoptr(GString) s = g_string_new (NULL);

  for (GList *l = keys; l != NULL; l = l->next)
    g_string_append_printf (s, "%s: %s\n", (char *)l->data, (char *)g_hash_table_lookup (vm->config, l->data));
  return g_compute_checksum_for_string (G_CHECKSUM_SHA1, s->str, -1);
}

static JsonNode *
vm_status_json (PveEmulator *self,
                Vm          *vm,
                gboolean     full)
{
  g_autoptr(JsonBuilder) b = json_builder_new ();

  json_builder_begin_object (b);
  json_builder_set_member_name (b, "vmid");
  json_builder_add_int_value (b, vm->vmid);
  json_builder_set_member_name (b, "name");
  json_builder_add_string_value (b, vm->name);
  json_builder_set_member_name (b, "status");
  json_builder_add_string_value (b, vm->power == VM_STOPPED ? "stopped" : "running");
  json_builder_set_member_name (b, "uptime");
  json_builder_add_int_value (b, vm->power == VM_STOPPED ? 0 : now_s (self) - vm->started_at);
  json_builder_set_member_name (b, "cpus");
  json_builder_add_int_value (b, 2);
  json_builder_set_member_name (b, "maxmem");
  json_builder_add_int_value (b, G_GINT64_CONSTANT (4294967296));
  json_builder_set_member_name (b, "mem");
  json_builder_add_int_value (b, vm->power == VM_STOPPED ? 0 : G_GINT64_CONSTANT (2147483648));
  json_builder_set_member_name (b, "cpu");
  json_builder_add_double_value (b, vm->power == VM_STOPPED ? 0 : 0.03);
  if (vm->power != VM_STOPPED)
    {
      json_builder_set_member_name (b, "pid");
      json_builder_add_int_value (b, 4000 + vm->vmid);
    }
  if (vm->lock != NULL)
    {
      json_builder_set_member_name (b, "lock");
      json_builder_add_string_value (b, vm->lock);
    }
  if (full)
    {
      json_builder_set_member_name (b, "qmpstatus");
      json_builder_add_string_value (b, vm->power == VM_STOPPED ? "stopped" : vm->power == VM_PAUSED ? "paused" : "running");
      json_builder_set_member_name (b, "agent");
      json_builder_add_int_value (b, vm->agent);
      json_builder_set_member_name (b, "ha");
      json_builder_begin_object (b);
      json_builder_set_member_name (b, "managed");
      json_builder_add_int_value (b, vm->ha_managed);
      if (vm->ha_managed)
        {
          json_builder_set_member_name (b, "state");
          json_builder_add_string_value (b, vm->ha_state);
        }
      json_builder_end_object (b);
      json_builder_set_member_name (b, "running-machine");
      json_builder_add_string_value (b, "pc-q35-9.2+pve1");
      json_builder_set_member_name (b, "running-qemu");
      json_builder_add_string_value (b, "9.2.0");
    }
  json_builder_end_object (b);
  return json_builder_get_root (b);
}

/* ------------------------------------------------------------------------------------------ */
/* handlers */

typedef void (*Handler) (PveEmulator       *self,
                         SoupServerMessage *msg,
                         GHashTable        *vars,
                         GHashTable        *params,
                         const Auth        *auth);

static void
h_version (PveEmulator *self, SoupServerMessage *msg, GHashTable *vars, GHashTable *params, const Auth *auth)
{
  g_autoptr(JsonNode) n = json_from_string ("{}", NULL);
  JsonObject *o = json_node_get_object (n);
  g_auto(GStrv) parts = g_strsplit (self->version, ".", 3);
  g_autofree char *release = g_strdup_printf ("%s.%s", parts[0], parts[1] ? parts[1] : "0");

  json_object_set_string_member (o, "version", self->version);
  json_object_set_string_member (o, "release", release);
  json_object_set_string_member (o, "repoid", "14a22df3");
  reply_data (msg, n);
}

static void
h_nodes (PveEmulator *self, SoupServerMessage *msg, GHashTable *vars, GHashTable *params, const Auth *auth)
{
  g_autoptr(JsonArray) a = json_array_new ();
  g_autoptr(JsonNode) n = json_node_new (JSON_NODE_ARRAY);

  for (guint i = 0; i < self->nodes->len; i++)
    {
      JsonObject *o = json_object_new ();
      const char *name = self->nodes->pdata[i];
      g_autofree char *id = g_strconcat ("node/", name, NULL);

      json_object_set_string_member (o, "node", name);
      json_object_set_string_member (o, "id", id);
      json_object_set_string_member (o, "type", "node");
      json_object_set_string_member (o, "status", g_hash_table_contains (self->nodes_down, name) ? "offline" : "online");
      json_object_set_string_member (o, "ssl_fingerprint", self->fingerprint);
      json_object_set_string_member (o, "level", "");
      json_array_add_object_element (a, o);
    }
  json_node_set_array (n, a);
  reply_data (msg, n);
}

static void
h_resources (PveEmulator *self, SoupServerMessage *msg, GHashTable *vars, GHashTable *params, const Auth *auth)
{
  g_autoptr(JsonArray) a = json_array_new ();
  g_autoptr(JsonNode) n = json_node_new (JSON_NODE_ARRAY);
  const char *type = param (params, "type");
  GHashTableIter iter;
  gpointer key, value;

  if (type != NULL && !g_str_equal (type, "vm") && !g_str_equal (type, "node") && !g_str_equal (type, "storage") &&
      !g_str_equal (type, "sdn"))
    {
      reply_param_error (msg, "type", "value does not have a value in the enumeration 'vm, storage, node, sdn'");
      return;
    }
  g_hash_table_iter_init (&iter, self->vms);
  while (g_hash_table_iter_next (&iter, &key, &value))
    {
      Vm *vm = value;
      JsonNode *s;
      JsonObject *o;
      g_autofree char *id = g_strdup_printf ("qemu/%u", vm->vmid);

      /* only what the caller may see */
      if (type != NULL && !g_str_equal (type, "vm"))
        continue;
      if (!has_priv (self, auth, "VM.Audit"))
        continue;
      s = vm_status_json (self, vm, FALSE);
      o = json_node_get_object (s);
      json_object_set_string_member (o, "id", id);
      json_object_set_string_member (o, "type", "qemu");
      json_object_set_string_member (o, "node", vm->node);
      json_object_set_int_member (o, "template", 0);
      if (vm->ha_managed)
        json_object_set_string_member (o, "hastate", vm->ha_state);
      json_array_add_element (a, s);
    }
  json_node_set_array (n, a);
  reply_data (msg, n);
}

static void
h_qemu_list (PveEmulator *self, SoupServerMessage *msg, GHashTable *vars, GHashTable *params, const Auth *auth)
{
  g_autoptr(JsonArray) a = json_array_new ();
  g_autoptr(JsonNode) n = json_node_new (JSON_NODE_ARRAY);
  GHashTableIter iter;
  gpointer key, value;

  g_hash_table_iter_init (&iter, self->vms);
  while (g_hash_table_iter_next (&iter, &key, &value))
    if (g_strcmp0 (((Vm *)value)->node, g_hash_table_lookup (vars, "node")) == 0 && has_priv (self, auth, "VM.Audit"))
      json_array_add_element (a, vm_status_json (self, value, param_bool (params, "full")));
  json_node_set_array (n, a);
  reply_data (msg, n);
}

static void
h_status_current (PveEmulator *self, SoupServerMessage *msg, GHashTable *vars, GHashTable *params, const Auth *auth)
{
  Vm *vm = lookup_vm (self, msg, vars);
  g_autoptr(JsonNode) n = NULL;

  if (vm == NULL)
    return;
  n = vm_status_json (self, vm, TRUE);
  reply_data (msg, n);
}

static void
h_power (PveEmulator *self, SoupServerMessage *msg, GHashTable *vars, GHashTable *params, const Auth *auth)
{
  Vm *vm = lookup_vm (self, msg, vars);
  const char *action;
  const char *type;
  Task *task;

  if (vm == NULL)
    return;
  if (param (params, "skiplock") != NULL && g_strcmp0 (auth->user, "root@pam") != 0)
    {
      reply_param_error (msg, "skiplock", "Only root may use this option.");
      return;
    }
  action = g_hash_table_lookup (vars, "_action");
  if (g_str_equal (action, "reboot") && vm->power == VM_STOPPED)
    {
      g_autofree char *why = g_strdup_printf ("VM %u not running", vm->vmid);

      reply_error (msg, 500, why, NULL);
      return;
    }
  if ((g_str_equal (action, "shutdown") || g_str_equal (action, "reboot")) && vm->power == VM_PAUSED &&
      !param_bool (params, "forceStop"))
    {
      reply_error (msg, 500, "VM is paused - cannot shutdown", NULL);
      return;
    }
  if (vm->ha_managed && !g_str_equal (action, "reboot") && g_strcmp0 (vm->ha_state, "ignored") != 0)
    type = g_str_equal (action, "start") ? "hastart" : "hastop";
  else
    type = g_str_equal (action, "start") ? "qmstart" : g_str_equal (action, "stop") ? "qmstop"
           : g_str_equal (action, "shutdown") ? "qmshutdown" : "qmreboot";
  task = task_new (self, vm->node, type, vm, auth);
  task->action = g_strdup (action);
  task->timeout_s = param (params, "timeout") ? (guint)g_ascii_strtoull (param (params, "timeout"), NULL, 10) : 60;
  task->force = param_bool (params, "forceStop");
  task_start (self, task);
  reply_string (msg, task->upid);
}

static void
h_config_get (PveEmulator *self, SoupServerMessage *msg, GHashTable *vars, GHashTable *params, const Auth *auth)
{
  Vm *vm = lookup_vm (self, msg, vars);
  g_autoptr(JsonNode) n = NULL;
  g_autofree char *digest = NULL;
  GHashTableIter iter;
  gpointer key, value;
  JsonObject *o;

  if (vm == NULL)
    return;
  n = json_from_string ("{}", NULL);
  o = json_node_get_object (n);
  g_hash_table_iter_init (&iter, vm->config);
  while (g_hash_table_iter_next (&iter, &key, &value))
    /* numbers as strings, as some versions send them */
    json_object_set_string_member (o, key, value);
  if (vm->lock != NULL)
    json_object_set_string_member (o, "lock", vm->lock);
  digest = config_digest (vm);
  json_object_set_string_member (o, "digest", digest);
  reply_data (msg, n);
}

static void
h_config_put (PveEmulator *self, SoupServerMessage *msg, GHashTable *vars, GHashTable *params, const Auth *auth)
{
  Vm *vm = lookup_vm (self, msg, vars);
  const char *net0 = param (params, "net0");
  const char *digest = param (params, "digest");
  g_autofree char *current = NULL;
  g_autofree char *value = NULL;
  gboolean was_down, now_down;

  if (vm == NULL)
    return;
  if (net0 != NULL)
    {
      /* netN: VM.Config.Network, and since 8.0 SDN.Use on the bridge */
      g_autofree char *vmpath = g_strdup_printf ("/vms/%u", vm->vmid);

      if (!has_priv (self, auth, "VM.Config.Network"))
        {
          g_autofree char *why = g_strdup_printf ("Permission check failed (%s, VM.Config.Network)", vmpath);

          reply_error (msg, 403, why, NULL);
          return;
        }
      if (g_strcmp0 (self->version, "8") >= 0 && !has_priv (self, auth, "SDN.Use"))
        {
          reply_error (msg, 403, "Permission check failed (/sdn/zones/localnetwork/vmbr0, SDN.Use)", NULL);
          return;
        }
    }
  if (vm->lock != NULL)
    {
      g_autofree char *why = g_strdup_printf ("VM is locked (%s)", vm->lock);

      reply_error (msg, 500, why, NULL);
      return;
    }
  current = config_digest (vm);
  if (digest != NULL && !g_str_equal (digest, current))
    {
      reply_error (msg, 500, "checksum mismatch (file change by other user?)", NULL);
      return;
    }
  if (net0 == NULL)
    {
      reply_data (msg, NULL);
      return;
    }
  /* no MAC: a random one, as Proxmox does (a new adapter for the guest) */
  {
    g_auto(GStrv) items = g_strsplit (net0, ",", -1);
    const char *first = items[0];

    if (strchr (first, '=') == NULL)
      {
        g_autofree char *mac = random_mac ();
        g_autofree char *rest = g_strjoinv (",", items + 1);

        value = *rest ? g_strdup_printf ("%s=%s,%s", first, mac, rest) : g_strdup_printf ("%s=%s", first, mac);
      }
    else
      value = g_strdup (net0);
  }
  was_down = config_link_down (vm);
  g_hash_table_insert (vm->config, g_strdup ("net0"), g_strdup (value));
  now_down = config_link_down (vm);
  reply_data (msg, NULL);
  /* link_down is live on a running VM (QMP set_link): the reply goes once it is applied */
  if (vm->power != VM_STOPPED && was_down != now_down && self->sandbox != NULL && vm->dc != NULL)
    {
      soup_server_message_pause (msg);
      g_queue_push_tail (vm->drain_waiters, g_object_ref (msg));
      hook (self, vm, now_down ? "unplug" : "plug");
    }
}

static void
h_snapshots (PveEmulator *self, SoupServerMessage *msg, GHashTable *vars, GHashTable *params, const Auth *auth)
{
  Vm *vm = lookup_vm (self, msg, vars);
  g_autoptr(JsonArray) a = json_array_new ();
  g_autoptr(JsonNode) n = json_node_new (JSON_NODE_ARRAY);
  JsonObject *current;
  g_autofree char *digest = NULL;

  if (vm == NULL)
    return;
  for (guint i = 0; i < vm->snapshots->len; i++)
    json_array_add_element (a, json_node_copy (vm->snapshots->pdata[i]));
  current = json_object_new ();
  json_object_set_string_member (current, "name", "current");
  json_object_set_string_member (current, "description", "You are here!");
  json_object_set_int_member (current, "running", vm->power != VM_STOPPED);
  digest = config_digest (vm);
  json_object_set_string_member (current, "digest", digest);
  if (vm->snapshots->len > 0)
    json_object_set_string_member (current, "parent",
                                   json_object_get_string_member (json_node_get_object (vm->snapshots->pdata[vm->snapshots->len - 1]), "name"));
  json_array_add_object_element (a, current);
  json_node_set_array (n, a);
  reply_data (msg, n);
}

static void
h_rollback (PveEmulator *self, SoupServerMessage *msg, GHashTable *vars, GHashTable *params, const Auth *auth)
{
  Vm *vm = lookup_vm (self, msg, vars);
  Task *task;

  if (vm == NULL)
    return;
  if (param_bool (params, "start") && !has_priv (self, auth, "VM.PowerMgmt"))
    {
      g_autofree char *why = g_strdup_printf ("Permission check failed (/vms/%u, VM.PowerMgmt)", vm->vmid);

      reply_error (msg, 403, why, NULL);
      return;
    }
  task = task_new (self, vm->node, "qmrollback", vm, auth);
  task->snapshot = g_strdup (g_hash_table_lookup (vars, "snapname"));
  task->timeout_s = 60;
  task_start (self, task);
  reply_string (msg, task->upid);
}

static Task *
lookup_task (PveEmulator       *self,
             SoupServerMessage *msg,
             GHashTable        *vars,
             const Auth        *auth)
{
  Task *task = g_hash_table_lookup (self->tasks, g_hash_table_lookup (vars, "upid"));

  if (task == NULL || g_strcmp0 (task->node, g_hash_table_lookup (vars, "node")) != 0)
    {
      reply_param_error (msg, "upid", "no such task");
      return NULL;
    }
  /* one's own tasks, or Sys.Audit */
  if (g_strcmp0 (task->user, auth->user) != 0 && !has_priv (self, auth, "Sys.Audit"))
    {
      g_autofree char *why = g_strdup_printf ("Permission check failed (/nodes/%s, Sys.Audit)", task->node);

      reply_error (msg, 403, why, NULL);
      return NULL;
    }
  return task;
}

static void
h_task_status (PveEmulator *self, SoupServerMessage *msg, GHashTable *vars, GHashTable *params, const Auth *auth)
{
  Task *task = lookup_task (self, msg, vars, auth);
  g_autoptr(JsonNode) n = NULL;
  JsonObject *o;
  g_autofree char *id = NULL;

  if (task == NULL)
    return;
  n = json_from_string ("{}", NULL);
  o = json_node_get_object (n);
  id = task->vm ? g_strdup_printf ("%u", task->vm->vmid) : g_strdup ("");
  json_object_set_int_member (o, "pid", task->pid);
  json_object_set_int_member (o, "pstart", 0x35693u + task->pid);
  json_object_set_int_member (o, "starttime", task->starttime);
  json_object_set_string_member (o, "type", task->type);
  json_object_set_string_member (o, "id", id);
  json_object_set_string_member (o, "user", task->user);
  if (task->tokenid != NULL)
    json_object_set_string_member (o, "tokenid", task->tokenid);
  json_object_set_string_member (o, "node", task->node);
  json_object_set_string_member (o, "upid", task->upid);
  /* an HA task has ended for the API while the CRM still works */
  json_object_set_string_member (o, "status", task->exitstatus == NULL ? "running" : "stopped");
  if (task->exitstatus != NULL)
    json_object_set_string_member (o, "exitstatus", task->exitstatus);
  reply_data (msg, n);
}

static void
h_task_log (PveEmulator *self, SoupServerMessage *msg, GHashTable *vars, GHashTable *params, const Auth *auth)
{
  Task *task = lookup_task (self, msg, vars, auth);
  g_autoptr(JsonBuilder) b = json_builder_new ();
  g_autoptr(JsonNode) root = NULL;
  guint start = param (params, "start") ? (guint)g_ascii_strtoull (param (params, "start"), NULL, 10) : 0;
  guint limit = param (params, "limit") ? (guint)g_ascii_strtoull (param (params, "limit"), NULL, 10) : 50;
  guint total;

  if (task == NULL)
    return;
  total = MAX (task->log->len, 1);
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "data");
  json_builder_begin_array (b);
  for (guint i = start; i < total && (limit == 0 || i < start + limit); i++)
    {
      json_builder_begin_object (b);
      json_builder_set_member_name (b, "n");
      json_builder_add_int_value (b, i + 1);
      json_builder_set_member_name (b, "t");
      json_builder_add_string_value (b, task->log->len ? task->log->pdata[i] : "no content");
      json_builder_end_object (b);
    }
  json_builder_end_array (b);
  json_builder_set_member_name (b, "total");
  json_builder_add_int_value (b, total);
  json_builder_end_object (b);
  root = json_builder_get_root (b);
  reply_json (msg, 200, "OK", root);
}

/* the agent: configured? running? then the call */
static gboolean
agent_ready (PveEmulator       *self,
             SoupServerMessage *msg,
             Vm                *vm)
{
  g_autofree char *why = NULL;

  if (!vm->agent)
    why = g_strdup ("No QEMU guest agent configured");
  else if (vm->power == VM_STOPPED)
    why = g_strdup_printf ("VM %u is not running", vm->vmid);
  else if (!vm->agent_running)
    why = g_strdup ("QEMU guest agent is not running");
  if (why != NULL)
    reply_error (msg, 500, why, NULL);
  return why == NULL;
}

static void
h_agent_ping (PveEmulator *self, SoupServerMessage *msg, GHashTable *vars, GHashTable *params, const Auth *auth)
{
  Vm *vm = lookup_vm (self, msg, vars);
  g_autoptr(JsonNode) n = NULL;

  if (vm == NULL || !agent_ready (self, msg, vm))
    return;
  n = json_from_string ("{\"result\":{}}", NULL);
  reply_data (msg, n);
}

/* ------------------------------------------------------------------------------------------ */
/* A Windows guest (an emulator feature): it answers nltest /dsgetdc, nltest /sc_query, klist and
 * $env:LOGONSERVER, and the actions nltest /sc_reset, gpupdate /force (with gpresult /r),
 * ipconfig /flushdns, klist purge, Test-ComputerSecureChannel and Test-Path \\DOMAIN\SYSVOL,
 * as Windows would, from the emulator's own VMs: a DC answers while its VM runs
 * with its cable in. Its secure channel keeps its DC until "rebind_s" (30) after that DC stopped
 * answering, failing with 1722 meanwhile; LOGONSERVER stays the DC it signed in with. In
 * English, or in Japanese ("lang": "ja") whose console writes CP932 unless the script switched
 * it to UTF-8. Configured by the VM's "windows": {"domain", "lang"?, "rebind_s"?,
 * "dcs": [{"name", "host", "address", "vmid"}]}. */

/* the DC's VM runs with its cable in */
static gboolean
win_dc_vm_up (PveEmulator *self,
              JsonObject  *dc)
{
  Vm *vm = g_hash_table_lookup (self->vms, GUINT_TO_POINTER ((guint)json_object_get_int_member_with_default (dc, "vmid", 0)));
  const char *net0 = vm ? g_hash_table_lookup (vm->config, "net0") : NULL;

  return vm != NULL && vm->power == VM_RUNNING && (net0 == NULL || strstr (net0, "link_down=1") == NULL);
}

/* the DC answers the client: its VM is up, and (with "probe") it answered the real probe made
 * from the client's side for this command */
static gboolean
win_dc_answers (PveEmulator *self,
                JsonObject  *dc)
{
  if (!win_dc_vm_up (self, dc))
    return FALSE;
  return self->win_seen == NULL || g_hash_table_contains (self->win_seen, json_object_get_string_member (dc, "name"));
}

static JsonObject *
win_dc (Vm         *vm,
        const char *name)
{
  JsonArray *dcs = json_object_get_array_member (vm->windows, "dcs");

  for (guint i = 0; name != NULL && i < json_array_get_length (dcs); i++)
    if (g_strcmp0 (json_object_get_string_member (json_array_get_object_element (dcs, i), "name"), name) == 0)
      return json_array_get_object_element (dcs, i);
  return NULL;
}

/* the locator: the DC it found before while that one answers, else the first that answers */
static JsonObject *
win_locate (PveEmulator *self,
            Vm          *vm)
{
  JsonArray *dcs = json_object_get_array_member (vm->windows, "dcs");
  JsonObject *dc = win_dc (vm, vm->win_locator);

  if (dc == NULL || !win_dc_answers (self, dc))
    {
      dc = NULL;
      for (guint i = 0; i < json_array_get_length (dcs) && dc == NULL; i++)
        if (win_dc_answers (self, json_array_get_object_element (dcs, i)))
          dc = json_array_get_object_element (dcs, i);
    }
  g_free (vm->win_locator);
  vm->win_locator = dc ? g_strdup (json_object_get_string_member (dc, "name")) : NULL;
  if (dc != NULL && vm->win_logon == NULL)
    vm->win_logon = g_strdup (vm->win_locator);
  return dc;
}

static void
win_dsgetdc (PveEmulator *self,
             Vm          *vm,
             gboolean     ja,
             GString     *out)
{
  JsonObject *dc = win_locate (self, vm);
  const char *domain = json_object_get_string_member (vm->windows, "domain");

  if (dc == NULL)
    {
      g_string_append (out, ja ? "DC 名の取得に失敗しました: Status = 1355 0x54b ERROR_NO_SUCH_DOMAIN\r\n"
                               : "Getting DC name failed: Status = 1355 0x54b ERROR_NO_SUCH_DOMAIN\r\n");
      return;
    }
  g_string_append_printf (out, "           DC: \\\\%s\r\n", json_object_get_string_member (dc, "host"));
  g_string_append_printf (out, ja ? "      アドレス: \\\\%s\r\n" : "      Address: \\\\%s\r\n",
                          json_object_get_string_member (dc, "address"));
  g_string_append (out, ja ? "  ドメイン GUID: 3c1a6f5e-8d2b-4a7e-9f10-2b6c8d4e5f70\r\n"
                           : "     Dom Guid: 3c1a6f5e-8d2b-4a7e-9f10-2b6c8d4e5f70\r\n");
  g_string_append_printf (out, ja ? "    ドメイン名: %s\r\n  フォレスト名: %s\r\n" : "     Dom Name: %s\r\n  Forest Name: %s\r\n",
                          domain, domain);
  g_string_append (out, ja ? "  DC サイト名: Default-First-Site-Name\r\n自分のサイト名: Default-First-Site-Name\r\n"
                           : " Dc Site Name: Default-First-Site-Name\r\nOur Site Name: Default-First-Site-Name\r\n");
  g_string_append (out, ja ? "        フラグ: " : "        Flags: ");
  g_string_append (out, "GC DS LDAP KDC TIMESERV WRITABLE DNS_DC DNS_DOMAIN DNS_FOREST CLOSE_SITE FULL_SECRET WS\r\n");
  g_string_append (out, ja ? "コマンドは正しく完了しました\r\n" : "The command completed successfully\r\n");
}

/* the machine account's key refused by @dc (a trust broken by a rollback): no secure channel */
static gboolean
win_dc_denies (PveEmulator *self,
               JsonObject  *dc)
{
  return dc != NULL && self->win_denied != NULL &&
         g_hash_table_contains (self->win_denied, json_object_get_string_member (dc, "name"));
}

/* what nltest /sc_query and /sc_reset print; the banner is printed even when the channel is down */
static void
win_sc_print (GString    *out,
              gboolean    ja,
              JsonObject *dc,
              const char *status)
{
  g_string_append (out, ja ? "フラグ: 30 HAS_IP  HAS_TIMESERV\r\n" : "Flags: 30 HAS_IP  HAS_TIMESERV\r\n");
  g_string_append_printf (out, ja ? "信頼された DC 名 \\\\%s\r\n" : "Trusted DC Name \\\\%s\r\n",
                          dc ? json_object_get_string_member (dc, "host") : "");
  g_string_append_printf (out, ja ? "信頼された DC 接続状態 %s\r\n" : "Trusted DC Connection Status %s\r\n", status);
  g_string_append (out, ja ? "コマンドは正しく完了しました\r\n" : "The command completed successfully\r\n");
}

static void
win_sc_query (PveEmulator *self,
              Vm          *vm,
              gboolean     ja,
              GString     *out)
{
  JsonObject *dc = win_dc (vm, vm->win_sc_dc);
  gint64 rebind = (gint64)(json_object_get_double_member_with_default (vm->windows, "rebind_s", 30) * G_USEC_PER_SEC);
  gint64 now = g_get_monotonic_time ();
  const char *status = "Status = 0 0x0 NERR_Success";

  if (dc != NULL && win_dc_answers (self, dc))
    vm->win_sc_lost = 0;
  else
    {
      if (dc != NULL && vm->win_sc_lost == 0)
        vm->win_sc_lost = now;
      /* a new DC: at once the first time, else once the rebind delay has passed */
      if (dc == NULL || now - vm->win_sc_lost >= rebind)
        {
          JsonObject *found = win_locate (self, vm);

          g_free (vm->win_sc_dc);
          vm->win_sc_dc = found ? g_strdup (json_object_get_string_member (found, "name")) : NULL;
          vm->win_sc_lost = 0;
          dc = found;
          if (found == NULL)
            status = "Status = 1311 0x51f ERROR_NO_LOGON_SERVERS";
        }
      else
        status = "Status = 1722 0x6ba RPC_S_SERVER_UNAVAILABLE";
    }
  if (win_dc_denies (self, dc))
    status = "Status = 5 0x5 ERROR_ACCESS_DENIED";
  win_sc_print (out, ja, dc, status);
}

/* nltest /sc_reset: the channel rebinds now, to the DC the locator finds */
static void
win_sc_reset (PveEmulator *self,
              Vm          *vm,
              gboolean     ja,
              GString     *out)
{
  JsonObject *dc = win_locate (self, vm);

  g_free (vm->win_sc_dc);
  vm->win_sc_dc = dc ? g_strdup (json_object_get_string_member (dc, "name")) : NULL;
  vm->win_sc_lost = 0;
  win_sc_print (out, ja, dc, dc == NULL ? "Status = 1311 0x51f ERROR_NO_LOGON_SERVERS"
                             : win_dc_denies (self, dc) ? "Status = 5 0x5 ERROR_ACCESS_DENIED"
                                                        : "Status = 0 0x0 NERR_Success");
}

/* gpupdate /force: policy comes from the DC the locator finds, or the refresh fails */
static void
win_gpupdate (PveEmulator *self,
              Vm          *vm,
              gboolean     ja,
              GString     *out)
{
  JsonObject *dc = win_locate (self, vm);

  g_string_append (out, ja ? "ポリシーを更新しています...\r\n\r\n" : "Updating policy...\r\n\r\n");
  if (dc != NULL)
    {
      g_string_append (out, ja ? "コンピューター ポリシーの更新が正常に完了しました。\r\n"
                                 "ユーザー ポリシーの更新が正常に完了しました。\r\n\r\n"
                               : "Computer Policy update has completed successfully.\r\n"
                                 "User Policy update has completed successfully.\r\n\r\n");
      g_free (vm->win_gp_from);
      vm->win_gp_from = g_strdup (json_object_get_string_member (dc, "host"));
      return;
    }
  g_string_append (out, ja ? "コンピューター ポリシーを正常に更新できませんでした。次のエラーが発生しました:\r\n\r\n"
                             "ドメイン コントローラーへのネットワーク接続がないため、グループ ポリシーの処理に失敗しました。\r\n"
                             "ユーザー ポリシーを正常に更新できませんでした。次のエラーが発生しました:\r\n\r\n"
                           : "Computer policy could not be updated successfully. The following errors were encountered:\r\n\r\n"
                             "The processing of Group Policy failed because of lack of network connectivity to a domain controller.\r\n"
                             "User Policy could not be updated successfully. The following errors were encountered:\r\n\r\n");
}

/* gpresult /r /scope:computer: the DC the last successful refresh came from */
static void
win_gpresult (Vm       *vm,
              gboolean  ja,
              GString  *out)
{
  const char *domain = json_object_get_string_member (vm->windows, "domain");

  g_string_append (out, ja ? "コンピューターの設定\r\n--------------------\r\n" : "COMPUTER SETTINGS\r\n------------------\r\n");
  g_string_append_printf (out, "    CN=%s,CN=Computers,DC=%s\r\n", vm->name, domain);
  g_string_append_printf (out, ja ? "    グループ ポリシーの適用元:            %s\r\n"
                                  : "    Group Policy was applied from:      %s\r\n",
                          vm->win_gp_from ? vm->win_gp_from : "N/A");
  g_string_append (out, ja ? "    グループ ポリシーの低速リンクのしきい値: 500 kbps\r\n"
                           : "    Group Policy slow link threshold:   500 kbps\r\n");
}

typedef enum
{
  WIN_KINIT_OK,
  WIN_KINIT_DENIED,   /* the KDC answered and refused the machine account's key */
  WIN_KINIT_FAILED,   /* no answer, or no keytab */
} WinKinit;

/* a real Kerberos exchange with @dc's KDC, as the client's machine account (its keytab): the
 * sandbox's Samba answers it or not, and takes the key or not (a broken trust). Bounded:
 * `timeout` ends kinit after 4 s. */
static WinKinit
win_kinit_full (JsonObject *windows,
                JsonObject *dc)
{
  g_autofree char *err = NULL;
  JsonObject *krb = (json_object_has_member (windows, "kerberos") ? json_object_get_object_member (windows, "kerberos") : NULL);
  g_autofree char *dir = NULL, *conf = NULL, *text = NULL, *cache = NULL;
  g_auto(GStrv) env = NULL;
  g_autoptr(GError) error = NULL;
  const char *realm, *principal, *keytab;
  int status = -1;

  if (krb == NULL)
    return WIN_KINIT_FAILED;
  realm = json_object_get_string_member (krb, "realm");
  principal = json_object_get_string_member (krb, "principal");
  keytab = json_object_get_string_member (krb, "keytab");
  dir = g_dir_make_tmp ("pve-emulator-krb5-XXXXXX", &error);
  if (dir == NULL)
    return WIN_KINIT_FAILED;
  conf = g_build_filename (dir, "krb5.conf", NULL);
  cache = g_strdup_printf ("FILE:%s/ccache", dir);
  /* this DC only: which KDC answered is then known, as Windows' klist says "Kdc Called" */
  text = g_strdup_printf ("[libdefaults]\n default_realm = %s\n dns_lookup_kdc = false\n dns_lookup_realm = false\n"
                          " udp_preference_limit = 1\n\n[realms]\n %s = {\n  kdc = %s\n }\n",
                          realm, realm, json_object_get_string_member (dc, "address"));
  if (g_file_set_contents (conf, text, -1, NULL))
    {
      const char *argv[] = { "timeout", "4", "kinit", "-k", "-t", keytab, principal, NULL };
      g_autoptr(GStrvBuilder) b = g_strv_builder_new ();
      g_auto(GStrv) full = NULL;

      /* where the guest's probes run (the client's network namespace) */
      if (json_object_has_member (windows, "probe_exec"))
        {
          JsonArray *prefix = json_object_get_array_member (windows, "probe_exec");

          for (guint i = 0; i < json_array_get_length (prefix); i++)
            g_strv_builder_add (b, json_array_get_string_element (prefix, i));
        }
      g_strv_builder_addv (b, argv);
      full = g_strv_builder_end (b);
      env = g_get_environ ();
      env = g_environ_setenv (env, "KRB5_CONFIG", conf, TRUE);
      env = g_environ_setenv (env, "KRB5CCNAME", cache, TRUE);
      g_spawn_sync (NULL, full, env, G_SPAWN_SEARCH_PATH | G_SPAWN_STDOUT_TO_DEV_NULL, NULL, NULL, NULL, &err,
                    &status, NULL);
    }
  {
    g_autofree char *ccache = g_build_filename (dir, "ccache", NULL);

    g_unlink (ccache);
  }
  g_unlink (conf);
  g_rmdir (dir);
  if (g_spawn_check_wait_status (status, NULL))
    return WIN_KINIT_OK;
  /* MIT kinit's words when the KDC refuses the key (the password changed on the DC) */
  if (err != NULL && (strstr (err, "Preauthentication failed") != NULL || strstr (err, "Password incorrect") != NULL ||
                      strstr (err, "not found in Kerberos database") != NULL))
    return WIN_KINIT_DENIED;
  return WIN_KINIT_FAILED;
}

static gboolean
win_kinit (JsonObject *windows,
           JsonObject *dc)
{
  return win_kinit_full (windows, dc) == WIN_KINIT_OK;
}

/* one ticket as Windows' klist prints it */
static void
win_ticket (GString    *out,
            guint       n,
            const char *client,
            const char *server,
            const char *flags,
            gint64      wall_us,
            const char *kdc)
{
  g_autoptr(GDateTime) start = g_date_time_new_from_unix_local (wall_us / G_USEC_PER_SEC);
  g_autoptr(GDateTime) end = g_date_time_add_hours (start, 10);
  g_autoptr(GDateTime) renew = g_date_time_add_days (start, 7);
  g_autofree char *s = g_date_time_format (start, "%-m/%-d/%Y %-H:%M:%S");
  g_autofree char *e = g_date_time_format (end, "%-m/%-d/%Y %-H:%M:%S");
  g_autofree char *r = g_date_time_format (renew, "%-m/%-d/%Y %-H:%M:%S");

  g_string_append_printf (out, "#%u>\tClient: %s\r\n\tServer: %s\r\n"
                               "\tKerbTicket Encryption Type: AES-256-CTS-HMAC-SHA1-96\r\n"
                               "\tTicket Flags %s\r\n"
                               "\tStart Time: %s (local)\r\n\tEnd Time:   %s (local)\r\n\tRenew Time: %s (local)\r\n"
                               "\tSession Key Type: AES-256-CTS-HMAC-SHA1-96\r\n\tCache Flags: 0\r\n"
                               "\tKdc Called: %s\r\n\r\n", n, client, server, flags, s, e, r, kdc);
}

/* klist, for the machine's logon session (the guest agent runs as SYSTEM): with "kerberos" in
 * the guest's config, each klist is a real exchange with the KDC of the DC the client's locator
 * holds, as the client's next ticket request would be: the TGT stays from its first KDC (tickets
 * remain after a failover), the newest service ticket names the KDC that answered last. Without
 * it (or before any KDC answered), an empty cache. */
static void
win_klist (PveEmulator *self,
           Vm          *vm,
           gboolean     ja,
           GString     *out)
{
  JsonObject *krb = (json_object_has_member (vm->windows, "kerberos") ? json_object_get_object_member (vm->windows, "kerberos") : NULL);
  JsonObject *dc = krb ? win_locate (self, vm) : NULL;
  g_autofree char *client = NULL, *server = NULL;
  const char *realm = krb ? json_object_get_string_member (krb, "realm") : "";
  const char *domain = json_object_get_string_member (vm->windows, "domain");

  if (dc != NULL && (self->win_seen != NULL ? self->win_kinit_ok && g_strcmp0 (self->win_kinit_dc, json_object_get_string_member (dc, "name")) == 0
                                            : win_kinit (vm->windows, dc)))
    {
      const char *host = json_object_get_string_member (dc, "host");

      if (vm->win_tgt_kdc == NULL)
        {
          vm->win_tgt_kdc = g_strdup (host);
          vm->win_tgt_wall = g_get_real_time ();
        }
      g_free (vm->win_svc_kdc);
      vm->win_svc_kdc = g_strdup (host);
      vm->win_svc_wall = g_get_real_time ();
    }
  g_string_append (out, ja ? "\r\n現在のログオン ID は 0:0x3e7 です\r\n\r\n" : "\r\nCurrent LogonId is 0:0x3e7\r\n\r\n");
  if (vm->win_tgt_kdc == NULL)
    {
      g_string_append (out, ja ? "キャッシュされたチケット: (0)\r\n" : "Cached Tickets: (0)\r\n");
      return;
    }
  g_string_append (out, ja ? "キャッシュされたチケット: (2)\r\n\r\n" : "Cached Tickets: (2)\r\n\r\n");
  client = g_strdup_printf ("%s$ @ %s", vm->name, realm);
  server = g_strdup_printf ("krbtgt/%s @ %s", realm, realm);
  win_ticket (out, 0, client, server, "0x40e10000 -> forwardable renewable initial pre_authent name_canonicalize",
              vm->win_tgt_wall, vm->win_tgt_kdc);
  g_free (server);
  server = g_strdup_printf ("ldap/%s/%s @ %s", vm->win_svc_kdc, domain, realm);
  win_ticket (out, 1, client, server, "0x40a50000 -> forwardable renewable pre_authent ok_as_delegate name_canonicalize",
              vm->win_svc_wall, vm->win_svc_kdc);
}

/* one line of PowerShell (or one command), answered; FALSE: not a command this guest knows */
static gboolean
win_command (PveEmulator *self,
             Vm          *vm,
             const char  *line,
             gboolean    *utf8,
             gboolean     ja,
             GString     *out)
{
  const char *domain = json_object_get_string_member (vm->windows, "domain");
  g_autofree char *dsgetdc = g_strdup_printf ("nltest /dsgetdc:%s /force", domain);
  g_autofree char *sc_query = g_strdup_printf ("nltest /sc_query:%s", domain);
  g_autofree char *sc_reset = g_strdup_printf ("nltest /sc_reset:%s", domain);
  g_autofree char *sysvol = g_strdup_printf ("Test-Path \\\\%s\\SYSVOL", domain);
  gsize n = strlen (line);

  if (n == 0)
    return TRUE;
  if (g_str_has_prefix (line, "[Console]::OutputEncoding") && strstr (line, "UTF8") != NULL)
    *utf8 = TRUE;
  else if (g_str_has_prefix (line, "$OutputEncoding"))
    ;
  else if (n >= 2 && line[0] == '\'' && line[n - 1] == '\'')
    {
      g_string_append_len (out, line + 1, (gssize)n - 2);
      g_string_append (out, "\r\n");
    }
  else if (g_ascii_strcasecmp (line, dsgetdc) == 0)
    win_dsgetdc (self, vm, ja, out);
  else if (g_ascii_strcasecmp (line, sc_query) == 0)
    win_sc_query (self, vm, ja, out);
  else if (g_ascii_strcasecmp (line, "klist") == 0)
    win_klist (self, vm, ja, out);
  else if (g_ascii_strcasecmp (line, sc_reset) == 0)
    win_sc_reset (self, vm, ja, out);
  else if (g_ascii_strcasecmp (line, "gpupdate /force") == 0)
    win_gpupdate (self, vm, ja, out);
  else if (g_ascii_strcasecmp (line, "gpresult /r /scope:computer") == 0)
    win_gpresult (vm, ja, out);
  else if (g_ascii_strcasecmp (line, "chcp.com") == 0 || g_ascii_strcasecmp (line, "chcp") == 0)
    {
      /* the console's code page: the guest's "codepage", else its language's (932, 437) */
      gint64 cp = json_object_get_int_member_with_default (vm->windows, "codepage", ja ? 932 : 437);

      g_string_append_printf (out, ja ? "現在のコード ページ: %" G_GINT64_FORMAT "\r\n" : "Active code page: %" G_GINT64_FORMAT "\r\n", cp);
    }
  else if (g_ascii_strcasecmp (line, "ipconfig /flushdns") == 0)
    g_string_append (out, ja ? "\r\nWindows IP 構成\r\n\r\nDNS リゾルバー キャッシュは正常にフラッシュされました。\r\n"
                             : "\r\nWindows IP Configuration\r\n\r\nSuccessfully flushed the DNS Resolver Cache.\r\n");
  else if (g_ascii_strcasecmp (line, "klist purge") == 0)
    {
      g_clear_pointer (&vm->win_tgt_kdc, g_free);
      g_clear_pointer (&vm->win_svc_kdc, g_free);
      g_string_append (out, ja ? "\r\n現在のログオン ID は 0:0x3e7 です\r\n\tすべてのチケットを削除しています:\r\n\tチケットは消去されました。\r\n"
                             : "\r\nCurrent LogonId is 0:0x3e7\r\n\tDeleting all tickets:\r\n\tTicket(s) purged!\r\n");
    }
  else if (g_ascii_strcasecmp (line, "Test-ComputerSecureChannel") == 0)
    {
      /* the channel's DC answering and taking the machine account (nltest /sc_verify's question) */
      JsonObject *dc = win_dc (vm, vm->win_sc_dc);

      g_string_append (out, dc != NULL && win_dc_answers (self, dc) && !win_dc_denies (self, dc) ? "True\r\n"
                                                                                               : "False\r\n");
    }
  else if (g_ascii_strcasecmp (line, sysvol) == 0)
    /* \\domain\SYSVOL through a DFS referral: any DC that answers */
    g_string_append (out, win_locate (self, vm) != NULL ? "True\r\n" : "False\r\n");
  else if (g_ascii_strcasecmp (line, "$env:LOGONSERVER") == 0)
    {
      win_locate (self, vm);
      if (vm->win_logon != NULL)
        g_string_append_printf (out, "\\\\%s\r\n", vm->win_logon);
    }
  else
    return FALSE;
  return TRUE;
}

/* PowerShell's -EncodedCommand: UTF-16LE in base64 */
static char *
win_decode_script (const char *b64)
{
  gsize n = 0;
  g_autofree guchar *raw = g_base64_decode (b64, &n);
  g_autofree gunichar2 *u = g_new0 (gunichar2, n / 2 + 1);

  for (gsize i = 0; i + 1 < n; i += 2)
    u[i / 2] = (gunichar2)(raw[i] | raw[i + 1] << 8);
  return g_utf16_to_utf8 (u, (glong)(n / 2), NULL, NULL, NULL);
}

/* out-data as Proxmox VE returns it: the guest's bytes JSON-encoded as if Latin-1 */
static char *
pve_out_data (const char *bytes,
              gsize       n)
{
  GString *s = g_string_new (NULL);

  for (gsize i = 0; i < n; i++)
    g_string_append_unichar (s, (guchar)bytes[i]);
  return g_string_free (s, FALSE);
}

static gboolean
win_exec (PveEmulator *self,
          Vm          *vm,
          GPtrArray   *command,
          JsonObject  *result)
{
  const char *exe = command->len > 0 ? command->pdata[0] : "";
  gboolean ja = g_strcmp0 (json_object_get_string_member_with_default (vm->windows, "lang", "en"), "ja") == 0;
  gboolean utf8 = FALSE;
  g_autoptr(GString) out = g_string_new (NULL);
  g_autofree char *script = NULL;
  g_autofree char *bytes = NULL;
  gsize n;

  if (g_ascii_strcasecmp (exe, "powershell.exe") == 0 || g_ascii_strcasecmp (exe, "powershell") == 0)
    {
      g_auto(GStrv) lines = NULL;

      for (guint i = 1; i + 1 < command->len && script == NULL; i++)
        if (g_ascii_strcasecmp (command->pdata[i], "-EncodedCommand") == 0)
          script = win_decode_script (command->pdata[i + 1]);
      if (script == NULL)
        return FALSE;
      lines = g_strsplit (script, "\n", 64);
      for (guint i = 0; lines[i] != NULL; i++)
        if (!win_command (self, vm, g_strstrip (lines[i]), &utf8, ja, out))
          g_string_append_printf (out, "%s : The term is not recognized\r\n", lines[i]);
    }
  else
    {
      g_autoptr(GPtrArray) rest = g_ptr_array_new ();
      g_autofree char *line = NULL;

      for (guint i = g_ascii_strcasecmp (exe, "cmd.exe") == 0 ? 2 : 0; i < command->len; i++)
        g_ptr_array_add (rest, command->pdata[i]);
      g_ptr_array_add (rest, NULL);
      line = g_strjoinv (" ", (char **)rest->pdata);
      if (!win_command (self, vm, line, &utf8, ja, out))
        return FALSE;
    }
  if (ja && !utf8)
    bytes = g_convert (out->str, (gssize)out->len, "CP932", "UTF-8", NULL, &n, NULL);
  if (bytes == NULL)
    {
      bytes = g_strndup (out->str, out->len);
      n = out->len;
    }
  json_object_set_int_member (result, "exitcode", 0);
  {
    g_autofree char *data = pve_out_data (bytes, n);

    json_object_set_string_member (result, "out-data", data);
  }
  return TRUE;
}

/* what the guest's command printed, as exec-status returns it once it has exited */
static JsonNode *
agent_answer (PveEmulator *self,
              Vm          *vm,
              GPtrArray   *command)
{
  JsonNode *result = json_from_string ("{\"exited\":1}", NULL);
  g_autofree char *joined = NULL;

  /* the guest runs a few commands the tests use: hostname, and anything else fails */
  g_ptr_array_add (command, NULL);
  joined = g_strjoinv (" ", (char **)command->pdata);
  g_ptr_array_remove_index (command, command->len - 1);
  if (vm->windows != NULL && win_exec (self, vm, command, json_node_get_object (result)))
    ;
  else if (g_str_equal (joined, "hostname") || g_str_equal (joined, "cmd.exe /c hostname"))
    {
      g_autofree char *out = g_strdup_printf ("%s\r\n", vm->name);

      json_object_set_int_member (json_node_get_object (result), "exitcode", 0);
      json_object_set_string_member (json_node_get_object (result), "out-data", out);
    }
  else
    {
      g_autofree char *err = g_strdup_printf ("'%s' is not recognized as an internal or external command\r\n",
                                              (char *)command->pdata[0]);

      json_object_set_int_member (json_node_get_object (result), "exitcode", 1);
      json_object_set_string_member (json_node_get_object (result), "err-data", err);
    }
  return result;
}

/* A Windows guest with "probe_exec" (the sandbox's): each command is answered from what the
 * client itself sees, probed for it in a worker (the API never waits on a probe): an LDAP
 * rootDSE read of each DC whose VM is up, run where the prefix says (the client's network
 * namespace), and the machine account's kinit with the DC its locator would take. Until then
 * exec-status says it is still running, as Proxmox VE does. */
typedef struct
{
  PveEmulator *self;
  guint        vmid;
  guint        pid;
  GPtrArray   *command;    /* owned strings */
  JsonObject  *windows;    /* a ref */
  GPtrArray   *up;         /* DC names whose VM is up, in the guest's order */
  GPtrArray   *addresses;  /* theirs */
  char        *locator;    /* the DC the locator holds now (nullable) */
  char        *sc_dc;      /* the secure channel's DC now (nullable) */
  GHashTable  *seen;       /* out: DC name → TRUE when it answered */
  GHashTable  *denied;     /* out: DC name → TRUE when its KDC refused the machine account */
  char        *kinit_dc;   /* out */
  gboolean     kinit_ok;   /* out */
} WinProbe;

static void
win_probe_free (WinProbe *p)
{
  g_ptr_array_unref (p->command);
  g_clear_pointer (&p->windows, json_object_unref);
  g_ptr_array_unref (p->up);
  g_ptr_array_unref (p->addresses);
  g_free (p->locator);
  g_free (p->sc_dc);
  g_hash_table_unref (p->seen);
  g_hash_table_unref (p->denied);
  g_free (p->kinit_dc);
  g_free (p);
}

static void
win_probe_thread (GTask        *task,
                  gpointer      source,
                  gpointer      data,
                  GCancellable *cancellable)
{
  WinProbe *p = data;
  JsonArray *prefix = json_object_get_array_member (p->windows, "probe_exec");
  JsonArray *dcs = json_object_get_array_member (p->windows, "dcs");
  const char *chosen = NULL;

  for (guint i = 0; i < p->up->len; i++)
    {
      g_autoptr(GStrvBuilder) b = g_strv_builder_new ();
      g_autofree char *url = g_strdup_printf ("ldap://%s", (char *)p->addresses->pdata[i]);
      g_auto(GStrv) argv = NULL;
      int status = -1;

      for (guint k = 0; k < json_array_get_length (prefix); k++)
        g_strv_builder_add (b, json_array_get_string_element (prefix, k));
      /* bounded twice: ldapsearch's own network timeout, and timeout(1) */
      g_strv_builder_add_many (b, "timeout", "3", "ldapsearch", "-x", "-LLL", "-o", "nettimeout=2", "-H", url,
                               "-s", "base", "-b", "", "dnsHostName", NULL);
      argv = g_strv_builder_end (b);
      if (g_spawn_sync (NULL, argv, NULL, G_SPAWN_SEARCH_PATH | G_SPAWN_STDOUT_TO_DEV_NULL | G_SPAWN_STDERR_TO_DEV_NULL,
                        NULL, NULL, NULL, NULL, &status, NULL) &&
          g_spawn_check_wait_status (status, NULL))
        g_hash_table_add (p->seen, g_strdup (p->up->pdata[i]));
    }
  /* klist's next exchange: the DC the locator keeps while it answers, else the first that does */
  if (p->locator != NULL && g_hash_table_contains (p->seen, p->locator))
    chosen = p->locator;
  for (guint i = 0; chosen == NULL && i < json_array_get_length (dcs); i++)
    {
      const char *name = json_object_get_string_member (json_array_get_object_element (dcs, i), "name");

      if (g_hash_table_contains (p->seen, name))
        chosen = name;
    }
  /* the machine account's key, with that DC and with the secure channel's (the trust) */
  for (guint i = 0; json_object_has_member (p->windows, "kerberos") && i < json_array_get_length (dcs); i++)
    {
      JsonObject *dc = json_array_get_object_element (dcs, i);
      const char *name = json_object_get_string_member (dc, "name");
      WinKinit r;

      if (g_strcmp0 (name, chosen) != 0 && (g_strcmp0 (name, p->sc_dc) != 0 || !g_hash_table_contains (p->seen, name)))
        continue;
      r = win_kinit_full (p->windows, dc);
      if (r == WIN_KINIT_DENIED)
        g_hash_table_add (p->denied, g_strdup (name));
      if (g_strcmp0 (name, chosen) == 0)
        {
          p->kinit_dc = g_strdup (chosen);
          p->kinit_ok = r == WIN_KINIT_OK;
        }
    }
  g_task_return_boolean (task, TRUE);
}

static void
win_probe_done (GObject      *object,
                GAsyncResult *result,
                gpointer      data)
{
  WinProbe *p = g_task_get_task_data (G_TASK (result));
  PveEmulator *self = p->self;
  Vm *vm;

  /* json-glib's references are not atomic: let go of the guest's config here, never on the
   * worker's thread (which may free the task) */
  g_clear_pointer (&p->windows, json_object_unref);
  if (g_cancellable_is_cancelled (g_task_get_cancellable (G_TASK (result))))
    return;   /* the emulator is gone */
  vm = g_hash_table_lookup (self->vms, GUINT_TO_POINTER (p->vmid));
  if (vm == NULL)
    return;
  self->win_seen = p->seen;
  self->win_denied = p->denied;
  self->win_kinit_dc = p->kinit_dc;
  self->win_kinit_ok = p->kinit_ok;
  g_hash_table_insert (vm->exec, GUINT_TO_POINTER (p->pid), agent_answer (self, vm, p->command));
  self->win_seen = NULL;
  self->win_denied = NULL;
  self->win_kinit_dc = NULL;
}

static void
h_agent_exec (PveEmulator *self, SoupServerMessage *msg, GHashTable *vars, GHashTable *params, const Auth *auth)
{
  Vm *vm = lookup_vm (self, msg, vars);
  GPtrArray *command = g_hash_table_lookup (params, "command");
  g_autoptr(JsonNode) n = NULL;
  guint pid;

  if (vm == NULL || !agent_ready (self, msg, vm))
    return;
  pid = ++vm->next_pid + 4000;
  if (vm->windows != NULL && json_object_has_member (vm->windows, "probe_exec"))
    {
      g_autoptr(GTask) task = g_task_new (NULL, self->cancellable, win_probe_done, NULL);
      WinProbe *p = g_new0 (WinProbe, 1);
      JsonArray *dcs = json_object_get_array_member (vm->windows, "dcs");

      p->self = self;
      p->vmid = vm->vmid;
      p->pid = pid;
      p->command = g_ptr_array_new_with_free_func (g_free);
      for (guint i = 0; i < command->len; i++)
        g_ptr_array_add (p->command, g_strdup (command->pdata[i]));
      p->windows = json_object_ref (vm->windows);
      p->up = g_ptr_array_new_with_free_func (g_free);
      p->addresses = g_ptr_array_new_with_free_func (g_free);
      for (guint i = 0; i < json_array_get_length (dcs); i++)
        {
          JsonObject *dc = json_array_get_object_element (dcs, i);

          if (win_dc_vm_up (self, dc))
            {
              g_ptr_array_add (p->up, g_strdup (json_object_get_string_member (dc, "name")));
              g_ptr_array_add (p->addresses, g_strdup (json_object_get_string_member (dc, "address")));
            }
        }
      p->locator = g_strdup (vm->win_locator);
      p->sc_dc = g_strdup (vm->win_sc_dc);
      p->seen = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
      p->denied = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
      g_task_set_task_data (task, p, (GDestroyNotify)win_probe_free);
      g_hash_table_insert (vm->exec, GUINT_TO_POINTER (pid), json_from_string ("{\"exited\":0}", NULL));
      g_task_run_in_thread (task, win_probe_thread);
    }
  else
    g_hash_table_insert (vm->exec, GUINT_TO_POINTER (pid), agent_answer (self, vm, command));
  n = json_from_string ("{}", NULL);
  json_object_set_int_member (json_node_get_object (n), "pid", pid);
  reply_data (msg, n);
}

static void
h_agent_exec_status (PveEmulator *self, SoupServerMessage *msg, GHashTable *vars, GHashTable *params, const Auth *auth)
{
  Vm *vm = lookup_vm (self, msg, vars);
  JsonNode *result;

  if (vm == NULL || !agent_ready (self, msg, vm))
    return;
  result = g_hash_table_lookup (vm->exec, GUINT_TO_POINTER ((guint)g_ascii_strtoull (param (params, "pid"), NULL, 10)));
  if (result == NULL)
    {
      g_autofree char *why = g_strdup_printf ("Agent error: Invalid parameter 'pid'");

      reply_error (msg, 500, why, NULL);
      return;
    }
  reply_data (msg, result);
}

static void
h_ticket (PveEmulator *self, SoupServerMessage *msg, GHashTable *vars, GHashTable *params, const Auth *auth)
{
  const char *username = param (params, "username");
  const char *password = param (params, "password");
  const char *challenge = param (params, "tfa-challenge");
  JsonObject *user = username ? g_hash_table_lookup (self->users, username) : NULL;
  g_autoptr(JsonNode) n = json_from_string ("{}", NULL);
  JsonObject *o = json_node_get_object (n);
  g_autofree char *ticket = NULL, *csrf = NULL;
  const char *totp;

  if (user == NULL)
    {
      reply_error (msg, 401, "authentication failure", NULL);
      return;
    }
  totp = json_object_get_string_member_with_default (user, "totp", NULL);
  if (challenge != NULL)
    {
      /* the second step: the half ticket, and totp:<code> */
      g_autofree char *who = verify_ticket (self, challenge, TRUE);
      g_autofree char *expected = g_strconcat ("totp:", totp ? totp : "", NULL);

      if (who == NULL || !g_str_equal (who, username) || totp == NULL || g_strcmp0 (password, expected) != 0)
        {
          reply_error (msg, 401, "authentication failure", NULL);
          return;
        }
    }
  else
    {
      g_autofree char *renewed = verify_ticket (self, password ? password : "", FALSE);

      /* a still-valid ticket renews itself */
      if (g_strcmp0 (renewed, username) != 0 &&
          g_strcmp0 (json_object_get_string_member_with_default (user, "password", NULL), password) != 0)
        {
          reply_error (msg, 401, "authentication failure", NULL);
          return;
        }
      if (totp != NULL && renewed == NULL)
        {
          g_autofree char *half = g_strdup_printf ("!tfa!%s", username);

          ticket = make_ticket (self, half);
          json_object_set_string_member (o, "username", username);
          json_object_set_string_member (o, "ticket", ticket);
          csrf = make_csrf (self, half);
          json_object_set_string_member (o, "CSRFPreventionToken", csrf);
          json_object_set_int_member (o, "NeedTFA", 1);
          reply_data (msg, n);
          return;
        }
    }
  ticket = make_ticket (self, username);
  csrf = make_csrf (self, username);
  json_object_set_string_member (o, "username", username);
  json_object_set_string_member (o, "ticket", ticket);
  json_object_set_string_member (o, "CSRFPreventionToken", csrf);
  json_object_set_object_member (o, "cap", json_object_new ());
  reply_data (msg, n);
}

static const struct {
  const char *method;
  const char *path;
  Handler     handler;
} routes[] = {
  { "GET", "/version", h_version },
  { "GET", "/nodes", h_nodes },
  { "GET", "/cluster/resources", h_resources },
  { "GET", "/nodes/{node}/qemu", h_qemu_list },
  { "GET", "/nodes/{node}/qemu/{vmid}/status/current", h_status_current },
  { "POST", "/nodes/{node}/qemu/{vmid}/status/start", h_power },
  { "POST", "/nodes/{node}/qemu/{vmid}/status/stop", h_power },
  { "POST", "/nodes/{node}/qemu/{vmid}/status/shutdown", h_power },
  { "POST", "/nodes/{node}/qemu/{vmid}/status/reboot", h_power },
  { "GET", "/nodes/{node}/qemu/{vmid}/config", h_config_get },
  { "PUT", "/nodes/{node}/qemu/{vmid}/config", h_config_put },
  { "GET", "/nodes/{node}/qemu/{vmid}/snapshot", h_snapshots },
  { "POST", "/nodes/{node}/qemu/{vmid}/snapshot/{snapname}/rollback", h_rollback },
  { "GET", "/nodes/{node}/tasks/{upid}/status", h_task_status },
  { "GET", "/nodes/{node}/tasks/{upid}/log", h_task_log },
  { "POST", "/nodes/{node}/qemu/{vmid}/agent/ping", h_agent_ping },
  { "POST", "/nodes/{node}/qemu/{vmid}/agent/exec", h_agent_exec },
  { "GET", "/nodes/{node}/qemu/{vmid}/agent/exec-status", h_agent_exec_status },
  { "POST", "/access/ticket", h_ticket },
};

/* ------------------------------------------------------------------------------------------ */
/* the server */

typedef struct
{
  PveEmulator       *self;
  SoupServerMessage *msg;
  char              *reason;
} Delayed;

static gboolean
delayed_401 (gpointer data)
{
  Delayed *d = data;

  reply_401 (d->msg, d->reason);
  soup_server_message_unpause (d->msg);
  g_object_unref (d->msg);
  g_free (d->reason);
  g_free (d);
  return G_SOURCE_REMOVE;
}

static void
deny (PveEmulator       *self,
      SoupServerMessage *msg,
      const char        *reason)
{
  Delayed *d;

  if (self->auth_delay_ms == 0)
    {
      reply_401 (msg, reason);
      return;
    }
  /* all 401s come late, on purpose */
  d = g_new0 (Delayed, 1);
  d->self = self;
  d->msg = g_object_ref (msg);
  d->reason = g_strdup (reason);
  soup_server_message_pause (msg);
  g_timeout_add (self->auth_delay_ms, delayed_401, d);
}

static void
handle (SoupServer        *server,
        SoupServerMessage *msg,
        const char        *path,
        GHashTable        *query,
        gpointer           data)
{
  PveEmulator *self = data;
  const char *method = soup_server_message_get_method (msg);
  g_autoptr(GHashTable) vars = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  g_autoptr(GHashTable) params = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                                        (GDestroyNotify)g_ptr_array_unref);
  g_autoptr(GHashTable) body_params = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                                             (GDestroyNotify)g_ptr_array_unref);
  SoupMessageBody *body = soup_server_message_get_request_body (msg);
  g_autoptr(GBytes) bytes = soup_message_body_flatten (body);
  Auth auth = { NULL, NULL, FALSE };
  JsonObject *route, *info;
  const char *api_path;
  g_autofree char *what = NULL;
  const char *reason;
  Handler handler = NULL;

  soup_message_headers_replace (soup_server_message_get_response_headers (msg), "Server", "pve-api-daemon/3.0");
  if (!g_str_has_prefix (path, "/api2/json/"))
    {
      g_autofree char *why = g_strdup_printf ("Method '%s %s' not implemented", method, path);

      reply_error (msg, 501, why, NULL);
      return;
    }
  api_path = path + strlen ("/api2/json");
  what = g_strdup_printf ("%s %s", method, api_path);
  g_hash_table_insert (self->requests, g_strdup (what),
                       GUINT_TO_POINTER (GPOINTER_TO_UINT (g_hash_table_lookup (self->requests, what)) + 1));

  /* GET and DELETE take no body; chunked bodies are refused */
  if ((g_str_equal (method, "GET") || g_str_equal (method, "DELETE")) && g_bytes_get_size (bytes) > 0)
    {
      g_autofree char *why = g_strdup_printf ("Unexpected content for method '%s'", method);

      reply_error (msg, 501, why, NULL);
      return;
    }
  if (soup_message_headers_get_encoding (soup_server_message_get_request_headers (msg)) == SOUP_ENCODING_CHUNKED)
    {
      reply_error (msg, 501, "chunked transfer encoding not supported", NULL);
      return;
    }

  route = find_route (self, api_path, vars);
  info = route && json_object_has_member (route, method) ? json_object_get_object_member (route, method) : NULL;
  for (guint i = 0; info != NULL && i < G_N_ELEMENTS (routes); i++)
    {
      g_autoptr(GHashTable) v2 = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);

      if (g_str_equal (routes[i].method, method) && find_route (self, api_path, v2) == route)
        {
          JsonObject *paths = json_object_get_object_member (json_node_get_object (self->schema), "paths");

          if (json_object_get_object_member (paths, routes[i].path) == route)
            handler = routes[i].handler;
        }
    }
  if (handler == NULL)
    {
      g_autofree char *why = g_strdup_printf ("Method '%s' not implemented", what);

      reply_error (msg, 501, why, NULL);
      return;
    }

  /* parameters: the body, then the query over it; path variables last */
  {
    const char *type = soup_message_headers_get_content_type (soup_server_message_get_request_headers (msg), NULL);

    if (g_bytes_get_size (bytes) > 0)
      {
        g_autofree char *text = g_strndup (g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes));

        if (g_strcmp0 (type, "application/json") == 0)
          {
            g_autoptr(JsonNode) j = json_from_string (text, NULL);

            if (j != NULL && JSON_NODE_HOLDS_OBJECT (j))
              {
                g_autoptr(GList) members = json_object_get_members (json_node_get_object (j));

                for (GList *l = members; l != NULL; l = l->next)
                  {
                    JsonNode *m = json_object_get_member (json_node_get_object (j), l->data);

                    if (JSON_NODE_HOLDS_ARRAY (m))
                      for (guint k = 0; k < json_array_get_length (json_node_get_array (m)); k++)
                        add_param (body_params, l->data, json_array_get_string_element (json_node_get_array (m), k));
                    else if (JSON_NODE_HOLDS_VALUE (m) && json_node_get_value_type (m) == G_TYPE_BOOLEAN)
                      add_param (body_params, l->data, json_node_get_boolean (m) ? "1" : "0");
                    else if (JSON_NODE_HOLDS_VALUE (m) && json_node_get_value_type (m) == G_TYPE_INT64)
                      {
                        g_autofree char *s = g_strdup_printf ("%" G_GINT64_FORMAT, json_node_get_int (m));

                        add_param (body_params, l->data, s);
                      }
                    else if (JSON_NODE_HOLDS_VALUE (m))
                      add_param (body_params, l->data, json_node_get_string (m));
                  }
              }
          }
        else
          parse_form (body_params, text);
      }
    {
      GHashTableIter iter;
      gpointer key, value;

      g_hash_table_iter_init (&iter, body_params);
      while (g_hash_table_iter_next (&iter, &key, &value))
        g_hash_table_insert (params, g_strdup (key), g_ptr_array_ref (value));
    }
    {
      GUri *uri = soup_server_message_get_uri (msg);
      g_autoptr(GHashTable) q = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, (GDestroyNotify)g_ptr_array_unref);
      GHashTableIter iter;
      gpointer key, value;

      parse_form (q, g_uri_get_query (uri));
      g_hash_table_iter_init (&iter, q);
      while (g_hash_table_iter_next (&iter, &key, &value))
        g_hash_table_insert (params, g_strdup (key), g_ptr_array_ref (value));
    }
    {
      GHashTableIter iter;
      gpointer key, value;

      g_hash_table_iter_init (&iter, vars);
      while (g_hash_table_iter_next (&iter, &key, &value))
        {
          g_hash_table_remove (params, key);
          add_param (params, key, value);
        }
    }
  }

  /* authentication, unless the call is open to the world */
  {
    JsonObject *perms = json_object_get_object_member (info, "permissions");

    if (g_strcmp0 (perms ? json_object_get_string_member_with_default (perms, "user", NULL) : NULL, "world") != 0)
      {
        if (!authenticate (self, msg, method, &auth, &reason))
          {
            deny (self, msg, reason);
            auth_clear (&auth);
            return;
          }
        /* the token cannot call what needs a proper ticket */
        if (auth.tokenid != NULL && !json_object_get_int_member_with_default (info, "allowtoken", 1))
          {
            g_autofree char *why = g_strdup_printf ("Permission check failed (URI '%s' not available with API token, "
                                                    "need proper ticket.)", api_path);

            reply_error (msg, 403, why, NULL);
            auth_clear (&auth);
            return;
          }
      }
  }

  if (!check_params (msg, info, params) || (auth.user != NULL && !check_permission (self, msg, info, vars, &auth)))
    {
      auth_clear (&auth);
      return;
    }

  /* the node behind the proxy */
  if (g_hash_table_lookup (vars, "node") != NULL)
    {
      const char *node = g_hash_table_lookup (vars, "node");
      gboolean known = FALSE;

      for (guint i = 0; i < self->nodes->len; i++)
        known |= g_str_equal (self->nodes->pdata[i], node);
      if (!known)
        {
          g_autofree char *why = g_strdup_printf ("hostname lookup '%s' failed - failed to get address info for: %s: "
                                                  "Name or service not known", node, node);

          reply_error (msg, 500, why, NULL);
          auth_clear (&auth);
          return;
        }
      if (g_hash_table_contains (self->nodes_down, node))
        {
          reply_json (msg, 595, "No route to host", NULL);
          auth_clear (&auth);
          return;
        }
    }

  {
    g_auto(GStrv) parts = g_strsplit (api_path, "/", -1);
    guint n = g_strv_length (parts);

    if (handler == h_power)
      g_hash_table_insert (vars, g_strdup ("_action"), g_strdup (parts[n - 1]));
  }
  handler (self, msg, vars, params, &auth);
  auth_clear (&auth);
}

static void
vm_free (Vm *vm)
{
  g_clear_handle_id (&vm->boot_source, g_source_remove);
  g_free (vm->node);
  g_free (vm->name);
  g_free (vm->dc);
  g_hash_table_unref (vm->config);
  g_free (vm->lock);
  g_free (vm->rollback_hook);
  g_clear_pointer (&vm->windows, json_object_unref);
  g_free (vm->win_locator);
  g_free (vm->win_sc_dc);
  g_free (vm->win_logon);
  g_free (vm->win_gp_from);
  g_free (vm->win_tgt_kdc);
  g_free (vm->win_svc_kdc);
  g_free (vm->ha_state);
  g_ptr_array_unref (vm->snapshots);
  g_queue_free (vm->waiting);
  g_queue_free_full (vm->hooks, (GDestroyNotify)g_strfreev);
  g_queue_free_full (vm->drain_waiters, g_object_unref);
  g_queue_free (vm->drain_tasks);
  g_hash_table_unref (vm->exec);
  g_free (vm);
}

static JsonObject *
ref_object (JsonObject *o)
{
  return json_object_ref (o);
}

/**
 * pve_emulator_new:
 * @schema_path: pve-api-schema-subset.json
 * @config: {"version", "nodes": [..], "users": {user: {password, totp?, privs[]}},
 *   "tokens": {id: {secret, privs[], privsep?}}, "vms": [{vmid, node, name, dc?, running?,
 *   boot_s?, shutdown_s?, guest_shutdown?, agent?, ha?, net0?, snapshots?, rollback_hook?}],
 *   "sandbox"? (with rollback_hook: a VM's rollback runs `sandbox VERB`, e.g. break-trust),
 *   "auth_delay_ms"?, "lock_wait_ms"?, "step_ms"?}
 */
PveEmulator *
pve_emulator_new (const char  *schema_path,
                  JsonNode    *config,
                  GError     **error)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  PveEmulator *self;
  JsonObject *c;

  if (!json_parser_load_from_file (parser, schema_path, error))
    return NULL;
  if (config == NULL || !JSON_NODE_HOLDS_OBJECT (config))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA, "the emulator's configuration is not an object");
      return NULL;
    }
  c = json_node_get_object (config);

  self = g_new0 (PveEmulator, 1);
  self->cancellable = g_cancellable_new ();
  self->schema = json_node_copy (json_parser_get_root (parser));
  self->version = g_strdup (json_object_get_string_member_with_default (c, "version", "9.1.5"));
  self->users = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, (GDestroyNotify)json_object_unref);
  self->tokens = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, (GDestroyNotify)json_object_unref);
  self->nodes_down = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  self->nodes = g_ptr_array_new_with_free_func (g_free);
  self->vms = g_hash_table_new_full (NULL, NULL, NULL, (GDestroyNotify)vm_free);
  self->tasks = g_hash_table_new_full (g_str_hash, g_str_equal, NULL, (GDestroyNotify)task_free);
  self->requests = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  self->sandbox = g_strdup (json_object_get_string_member_with_default (c, "sandbox", NULL));
  self->auth_delay_ms = (guint)json_object_get_int_member_with_default (c, "auth_delay_ms", 0);
  self->lock_wait_ms = (guint)json_object_get_int_member_with_default (c, "lock_wait_ms", 10000);
  self->step_ms = (guint)json_object_get_int_member_with_default (c, "step_ms", 200);
  for (guint i = 0; i < sizeof self->key; i += 4)
    {
      guint32 r = g_random_int ();

      memcpy (self->key + i, &r, 4);
    }

  if (json_object_has_member (c, "nodes"))
    {
      JsonArray *a = json_object_get_array_member (c, "nodes");

      for (guint i = 0; i < json_array_get_length (a); i++)
        g_ptr_array_add (self->nodes, g_strdup (json_array_get_string_element (a, i)));
    }
  if (json_object_has_member (c, "users"))
    {
      JsonObject *u = json_object_get_object_member (c, "users");
      g_autoptr(GList) names = json_object_get_members (u);

      for (GList *l = names; l != NULL; l = l->next)
        g_hash_table_insert (self->users, g_strdup (l->data), ref_object (json_object_get_object_member (u, l->data)));
    }
  if (json_object_has_member (c, "tokens"))
    {
      JsonObject *t = json_object_get_object_member (c, "tokens");
      g_autoptr(GList) names = json_object_get_members (t);

      for (GList *l = names; l != NULL; l = l->next)
        g_hash_table_insert (self->tokens, g_strdup (l->data), ref_object (json_object_get_object_member (t, l->data)));
    }
  if (json_object_has_member (c, "vms"))
    {
      JsonArray *a = json_object_get_array_member (c, "vms");

      for (guint i = 0; i < json_array_get_length (a); i++)
        {
          JsonObject *v = json_array_get_object_element (a, i);
          Vm *vm = g_new0 (Vm, 1);
          g_autofree char *mac = random_mac ();
          g_autofree char *net0 = g_strdup_printf ("virtio=%s,bridge=vmbr0,firewall=1", mac);

          vm->vmid = (guint)json_object_get_int_member (v, "vmid");
          vm->node = g_strdup (json_object_get_string_member_with_default (v, "node", "pve1"));
          vm->name = g_strdup (json_object_get_string_member_with_default (v, "name", "vm"));
          vm->dc = g_strdup (json_object_get_string_member_with_default (v, "dc", NULL));
          vm->rollback_hook = g_strdup (json_object_get_string_member_with_default (v, "rollback_hook", NULL));
          vm->power = json_object_get_boolean_member_with_default (v, "running", TRUE) ? VM_RUNNING : VM_STOPPED;
          vm->started_at = now_s (self) - 3600;
          vm->boot_ms = (guint)(json_object_get_double_member_with_default (v, "boot_s", 20) * 1000);
          vm->shutdown_ms = (guint)(json_object_get_double_member_with_default (v, "shutdown_s", 3) * 1000);
          vm->guest_shutdown = json_object_get_boolean_member_with_default (v, "guest_shutdown", TRUE);
          vm->agent = json_object_get_boolean_member_with_default (v, "agent", TRUE);
          vm->agent_running = vm->agent && vm->power == VM_RUNNING;
          vm->ha_managed = json_object_get_boolean_member_with_default (v, "ha", FALSE);
          vm->ha_state = g_strdup (vm->ha_managed ? (vm->power == VM_RUNNING ? "started" : "stopped") : NULL);
          vm->ha_ms = (guint)(json_object_get_double_member_with_default (v, "ha_s", 5) * 1000);
          vm->config = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
          g_hash_table_insert (vm->config, g_strdup ("name"), g_strdup (vm->name));
          g_hash_table_insert (vm->config, g_strdup ("memory"), g_strdup ("4096"));
          g_hash_table_insert (vm->config, g_strdup ("cores"), g_strdup ("2"));
          g_hash_table_insert (vm->config, g_strdup ("agent"), g_strdup (vm->agent ? "1" : "0"));
          g_hash_table_insert (vm->config, g_strdup ("net0"),
                               g_strdup (json_object_get_string_member_with_default (v, "net0", net0)));
          g_hash_table_insert (vm->config, g_strdup ("vmgenid"), g_uuid_string_random ());
          vm->snapshots = g_ptr_array_new_with_free_func ((GDestroyNotify)json_node_unref);
          if (json_object_has_member (v, "windows"))
            vm->windows = json_object_ref (json_object_get_object_member (v, "windows"));
          if (json_object_has_member (v, "snapshots"))
            {
              JsonArray *s = json_object_get_array_member (v, "snapshots");

              for (guint k = 0; k < json_array_get_length (s); k++)
                g_ptr_array_add (vm->snapshots, json_node_copy (json_array_get_element (s, k)));
            }
          vm->waiting = g_queue_new ();
          vm->hooks = g_queue_new ();
          vm->drain_waiters = g_queue_new ();
          vm->drain_tasks = g_queue_new ();
          vm->exec = g_hash_table_new_full (NULL, NULL, NULL, (GDestroyNotify)json_node_unref);
          g_hash_table_insert (self->vms, GUINT_TO_POINTER (vm->vmid), vm);
        }
    }

  /* every route is in the schema, or the emulator would invent an API */
  for (guint i = 0; i < G_N_ELEMENTS (routes); i++)
    {
      JsonObject *paths = json_object_get_object_member (json_node_get_object (self->schema), "paths");
      JsonObject *p = json_object_has_member (paths, routes[i].path) ? json_object_get_object_member (paths, routes[i].path) : NULL;

      if (p == NULL || !json_object_has_member (p, routes[i].method))
        {
          g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA, "%s %s is not in the schema", routes[i].method,
                       routes[i].path);
          pve_emulator_free (self);
          return NULL;
        }
    }
  return self;
}

void
pve_emulator_free (PveEmulator *self)
{
  if (self == NULL)
    return;
  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  if (self->server != NULL)
    soup_server_disconnect (self->server);
  g_clear_object (&self->server);
  g_clear_pointer (&self->tasks, g_hash_table_unref);
  g_clear_pointer (&self->vms, g_hash_table_unref);
  g_clear_pointer (&self->schema, json_node_unref);
  g_clear_pointer (&self->users, g_hash_table_unref);
  g_clear_pointer (&self->tokens, g_hash_table_unref);
  g_clear_pointer (&self->nodes_down, g_hash_table_unref);
  g_clear_pointer (&self->nodes, g_ptr_array_unref);
  g_clear_pointer (&self->requests, g_hash_table_unref);
  g_free (self->version);
  g_free (self->sandbox);
  g_free (self->fingerprint);
  g_free (self);
}

gboolean
pve_emulator_listen (PveEmulator      *self,
                     const char       *address,
                     guint             port,
                     GTlsCertificate  *certificate,
                     GError          **error)
{
  g_autoptr(GSocketAddress) addr = g_inet_socket_address_new_from_string (address, port);
  g_autoptr(GByteArray) der = NULL;
  g_autoptr(GChecksum) sum = g_checksum_new (G_CHECKSUM_SHA256);
  guint8 digest[32];
  gsize n = sizeof digest;
  GString *fp = g_string_new (NULL);

  if (addr == NULL)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT, "not an address: %s", address);
      return FALSE;
    }
  g_object_get (certificate, "certificate", &der, NULL);
  g_checksum_update (sum, der->data, der->len);
  g_checksum_get_digest (sum, digest, &n);
  for (gsize i = 0; i < n; i++)
    g_string_append_printf (fp, "%s%02X", i ? ":" : "", digest[i]);
  g_free (self->fingerprint);
  self->fingerprint = g_string_free (fp, FALSE);

  self->server = soup_server_new ("tls-certificate", certificate, "server-header", "pve-api-daemon/3.0", NULL);
  soup_server_add_handler (self->server, NULL, handle, self, NULL);
  return soup_server_listen (self->server, addr, SOUP_SERVER_LISTEN_HTTPS, error);
}

guint
pve_emulator_get_port (PveEmulator *self)
{
  GSList *uris = soup_server_get_uris (self->server);
  guint port = uris ? (guint)g_uri_get_port (uris->data) : 0;

  g_slist_free_full (uris, (GDestroyNotify)g_uri_unref);
  return port;
}

const char *
pve_emulator_get_fingerprint (PveEmulator *self)
{
  return self->fingerprint;
}

void
pve_emulator_set_node_down (PveEmulator *self,
                            const char  *node,
                            gboolean     down)
{
  if (down)
    g_hash_table_add (self->nodes_down, g_strdup (node));
  else
    g_hash_table_remove (self->nodes_down, node);
}

void
pve_emulator_set_vm_lock (PveEmulator *self,
                          guint        vmid,
                          const char  *lock)
{
  Vm *vm = g_hash_table_lookup (self->vms, GUINT_TO_POINTER (vmid));

  g_free (vm->lock);
  vm->lock = g_strdup (lock);
}

void
pve_emulator_set_config (PveEmulator *self,
                         guint        vmid,
                         const char  *key,
                         const char  *value)
{
  Vm *vm = g_hash_table_lookup (self->vms, GUINT_TO_POINTER (vmid));

  g_hash_table_insert (vm->config, g_strdup (key), g_strdup (value));
}

const char *
pve_emulator_get_state (PveEmulator *self,
                        guint        vmid)
{
  Vm *vm = g_hash_table_lookup (self->vms, GUINT_TO_POINTER (vmid));

  return vm->power == VM_STOPPED ? "stopped" : vm->power == VM_PAUSED ? "paused" : "running";
}

const char *
pve_emulator_get_net0 (PveEmulator *self,
                       guint        vmid)
{
  Vm *vm = g_hash_table_lookup (self->vms, GUINT_TO_POINTER (vmid));

  return g_hash_table_lookup (vm->config, "net0");
}

/* moves the emulator's clock (tickets expire) */
void
pve_emulator_set_time_offset (PveEmulator *self,
                              gint64       seconds)
{
  self->time_offset = seconds;
}

guint
pve_emulator_count_requests (PveEmulator *self,
                             const char  *method,
                             const char  *path_suffix)
{
  GHashTableIter iter;
  gpointer key, value;
  guint n = 0;

  g_hash_table_iter_init (&iter, self->requests);
  while (g_hash_table_iter_next (&iter, &key, &value))
    if (g_str_has_prefix (key, method) && g_str_has_suffix (key, path_suffix))
      n += GPOINTER_TO_UINT (value);
  return n;
}
