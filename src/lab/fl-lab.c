/* fl-lab.c
 *
 * Copyright 2026 The Failover Lab authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "fl-lab"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <json-glib/json-glib.h>
#include <string.h>

#include "fl-json-util.h"
#include "fl-lab.h"

/* A lab: the domain, its controllers, the client, the hypervisor and references to
 * credentials. Lab files are JSON ("format": 1); they never hold a secret. Every error names
 * the JSON path of the value at fault, e.g. `controllers[1].address: "10.0.0.300" is not an
 * IP address`, so a user can fix a file at 2 a.m. without reading code. */
struct _FlLab
{
  GObject parent_instance;

  /* owned */
  GPtrArray *controllers;
  char *file;
  char *name;
  char *domain;
  char *realm;
  char *netbios;
  char *client_name;
  char *client_vm_node;
  char *reference_host;
  char *hv_url;
  char *hv_token_id;
  char *hv_user;
  char *hv_fingerprint;
  char *hv_host;
  char *hv_known_hosts;
  char *cred_user;
  char *cred_machine;
  char *cred_keytab;
  char *cred_keyring_key;

  FlHypervisorKind hv_kind;
  FlClientAccess client_access;
  guint client_vmid;
  guint hv_port;
  guint interval_ms;
  guint deadline_ms;

  guint has_client : 1;
};

G_DEFINE_FINAL_TYPE (FlLab, fl_lab, G_TYPE_OBJECT)

G_DEFINE_QUARK (fl-lab-error-quark, fl_lab_error)

#define MAX_NESTING 32

static const char * const top_keys[] = {
  "format", "name", "domain", "realm", "netbios", "controllers", "client", "reference_host",
  "hypervisor", "credentials", "probe", NULL
};
static const char * const controller_keys[] = { "name", "host", "address", "site", "vm", NULL };
static const char * const vm_keys[] = { "node", "vmid", NULL };
static const char * const client_keys[] = { "name", "vm", "access", NULL };
static const char * const api_keys[] = { "type", "url", "token_id", "user", "fingerprint", NULL };
static const char * const ssh_keys[] = { "type", "host", "user", "port", "known_hosts", NULL };
static const char * const hv_all_keys[] = {
  "type", "url", "token_id", "user", "fingerprint", "host", "port", "known_hosts", NULL
};
static const char * const credentials_keys[] = { "user", "machine", "keytab", "keyring_key", NULL };
static const char * const probe_keys[] = { "interval_ms", "deadline_ms", NULL };

const char *
fl_hypervisor_kind_to_string (FlHypervisorKind kind)
{
  switch (kind)
    {
    case FL_HYPERVISOR_PROXMOX_API:
      return "proxmox-api";
    case FL_HYPERVISOR_PROXMOX_SSH:
      return "proxmox-ssh";
    case FL_HYPERVISOR_NONE:
    default:
      return "none";
    }
}

const char *
fl_client_access_to_string (FlClientAccess access)
{
  switch (access)
    {
    case FL_CLIENT_ACCESS_GUEST_AGENT:
      return "guest-agent";
    case FL_CLIENT_ACCESS_NONE:
      return "none";
    case FL_CLIENT_ACCESS_LOCAL:
    default:
      return "local";
    }
}

static void
fl_lab_finalize (GObject *object)
{
  FlLab *self = (FlLab *)object;

  g_clear_pointer (&self->controllers, g_ptr_array_unref);
  g_clear_pointer (&self->file, g_free);
  g_clear_pointer (&self->name, g_free);
  g_clear_pointer (&self->domain, g_free);
  g_clear_pointer (&self->realm, g_free);
  g_clear_pointer (&self->netbios, g_free);
  g_clear_pointer (&self->client_name, g_free);
  g_clear_pointer (&self->client_vm_node, g_free);
  g_clear_pointer (&self->reference_host, g_free);
  g_clear_pointer (&self->hv_url, g_free);
  g_clear_pointer (&self->hv_token_id, g_free);
  g_clear_pointer (&self->hv_user, g_free);
  g_clear_pointer (&self->hv_fingerprint, g_free);
  g_clear_pointer (&self->hv_host, g_free);
  g_clear_pointer (&self->hv_known_hosts, g_free);
  g_clear_pointer (&self->cred_user, g_free);
  g_clear_pointer (&self->cred_machine, g_free);
  g_clear_pointer (&self->cred_keytab, g_free);
  g_clear_pointer (&self->cred_keyring_key, g_free);

  G_OBJECT_CLASS (fl_lab_parent_class)->finalize (object);
}

static void
fl_lab_class_init (FlLabClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = fl_lab_finalize;
}

static void
fl_lab_init (FlLab *self)
{
  self->controllers = g_ptr_array_new_with_free_func (g_object_unref);
  self->interval_ms = FL_LAB_INTERVAL_DEFAULT_MS;
  self->deadline_ms = FL_LAB_DEADLINE_DEFAULT_MS;
  self->client_access = FL_CLIENT_ACCESS_LOCAL;
}

static void
set_str (char       **field,
         const char  *value)
{
  if (*field == value)
    return;
  g_free (*field);
  *field = (value != NULL && *value != '\0') ? g_strdup (value) : NULL;
}

/**
 * fl_lab_new:
 * @name: a title for people, e.g. "Classroom 3"
 * @domain: the DNS name of the AD domain
 *
 * Creates a lab in code (the command line's `--domain D --dc NAME=ADDR`). The realm and the
 * NetBIOS name default from the domain.
 */
FlLab *
fl_lab_new (const char *name,
            const char *domain)
{
  FlLab *self = g_object_new (FL_TYPE_LAB, NULL);

  set_str (&self->name, name);
  set_str (&self->domain, domain);

  return self;
}

/* ------------------------------------------------------------------------------------------ */
/* value checks, shared by the loader and fl_lab_validate() */

/**
 * fl_lab_is_dns_name:
 *
 * Returns: %TRUE for a DNS host or domain name: labels of 1-63 letters, digits and hyphens
 *   (not at either end), 253 characters at most, an optional final dot.
 */
gboolean
fl_lab_is_dns_name (const char *name)
{
  gsize len, label = 0;
  char prev = '.';

  if (name == NULL)
    return FALSE;
  len = strlen (name);
  if (len > 0 && name[len - 1] == '.')
    len--;
  if (len == 0 || len > 253)
    return FALSE;

  for (gsize i = 0; i < len; i++)
    {
      char c = name[i];

      if (c == '.')
        {
          if (label == 0 || prev == '-')
            return FALSE;
          label = 0;
        }
      else if (g_ascii_isalnum (c) || c == '-' || c == '_')
        {
          /* '_' appears in SRV owner names and in some legacy host names: tolerated */
          if (label == 0 && c == '-')
            return FALSE;
          if (++label > 63)
            return FALSE;
        }
      else
        return FALSE;
      prev = c;
    }

  return prev != '-';
}

static gboolean
is_ip_address (const char *text)
{
  g_autoptr(GInetAddress) addr = NULL;

  if (text == NULL || strchr (text, '%') != NULL)
    return FALSE;
  addr = g_inet_address_new_from_string (text);
  return addr != NULL;
}

/**
 * fl_lab_normalize_fingerprint:
 * @text: a SHA-256 fingerprint: 64 hex digits, colons optional, any case
 *
 * Returns: (transfer full) (nullable): the fingerprint as "AB:CD:…" (Proxmox's form), or
 *   %NULL if @text is not one
 */
char *
fl_lab_normalize_fingerprint (const char *text)
{
  g_autoptr(GString) out = NULL;
  guint digits = 0;

  if (text == NULL)
    return NULL;

  if (g_str_has_prefix (text, "sha256:") || g_str_has_prefix (text, "SHA256:"))
    text += strlen ("sha256:");

  out = g_string_new (NULL);
  for (const char *p = text; *p; p++)
    {
      if (*p == ':')
        {
          if (digits == 0 || digits % 2 != 0 || p[1] == ':' || p[1] == '\0')
            return NULL;
          continue;
        }
      if (!g_ascii_isxdigit (*p))
        return NULL;
      if (digits > 0 && digits % 2 == 0)
        g_string_append_c (out, ':');
      g_string_append_c (out, g_ascii_toupper (*p));
      digits++;
    }

  if (digits != 64)
    return NULL;

  return g_string_free (g_steal_pointer (&out), FALSE);
}

static gboolean
is_netbios_name (const char *name)
{
  gsize len;

  if (name == NULL)
    return FALSE;
  len = strlen (name);
  if (len == 0 || len > 15)
    return FALSE;
  for (const char *p = name; *p; p++)
    if (strchr ("\\/:*?\"<>|. ", *p) != NULL || !g_ascii_isprint (*p))
      return FALSE;
  return TRUE;
}

/* "user@REALM" with a non-empty part on either side */
static gboolean
is_principal (const char *text)
{
  const char *at;

  if (text == NULL)
    return FALSE;
  at = strrchr (text, '@');
  if (at == NULL || at == text || at[1] == '\0')
    return FALSE;
  for (const char *p = text; *p; p++)
    if (g_ascii_isspace (*p) || !g_ascii_isprint (*p))
      return FALSE;
  return TRUE;
}

/* Proxmox API token id: USER@REALM!TOKENID, with no secret after it */
static gboolean
is_token_id (const char *text)
{
  const char *at, *bang;

  if (text == NULL || strchr (text, '=') != NULL)
    return FALSE;
  at = strchr (text, '@');
  bang = strchr (text, '!');
  if (at == NULL || bang == NULL || at == text || bang < at + 2 || bang[1] == '\0')
    return FALSE;
  if (!g_ascii_isalpha (bang[1]))
    return FALSE;
  for (const char *p = bang + 1; *p; p++)
    if (!g_ascii_isalnum (*p) && *p != '-' && *p != '_' && *p != '.')
      return FALSE;
  for (const char *p = text; p < bang; p++)
    if (g_ascii_isspace (*p) || *p == ':')
      return FALSE;
  return TRUE;
}

static gboolean
is_node_name (const char *text)
{
  if (text == NULL || *text == '\0' || strlen (text) > 63)
    return FALSE;
  for (const char *p = text; *p; p++)
    if (!g_ascii_isalnum (*p) && *p != '-' && *p != '_' && *p != '.')
      return FALSE;
  return TRUE;
}

static gboolean
is_display_text (const char *text,
                 gsize       max_chars)
{
  if (text == NULL || *text == '\0' || !g_utf8_validate (text, -1, NULL))
    return FALSE;
  if (g_utf8_strlen (text, -1) > (glong)max_chars)
    return FALSE;
  for (const char *p = text; *p; p = g_utf8_next_char (p))
    if (g_unichar_iscntrl (g_utf8_get_char (p)))
      return FALSE;
  return TRUE;
}

/* A field name that holds a secret must never be in a lab file. */
static gboolean
key_looks_secret (const char *key)
{
  static const char * const contains[] = {
    "password", "passwd", "passphrase", "secret", "privatekey", "apikey", "tokenvalue",
    "ticket", "csrf", "totp", "credential", NULL
  };
  static const char * const exact[] = { "token", "pin", "pass", "pwd", "psk", "key", "otp", NULL };
  g_autoptr(GString) norm = g_string_new (NULL);

  for (const char *p = key; *p; p++)
    if (g_ascii_isalnum (*p))
      g_string_append_c (norm, g_ascii_tolower (*p));

  /* the few names of this format that merely refer to secrets */
  if (g_str_equal (norm->str, "keyringkey") || g_str_equal (norm->str, "credentials"))
    return FALSE;

  for (guint i = 0; exact[i]; i++)
    if (g_str_equal (norm->str, exact[i]))
      return TRUE;
  for (guint i = 0; contains[i]; i++)
    if (strstr (norm->str, contains[i]) != NULL)
      return TRUE;
  return FALSE;
}

static gboolean
value_looks_secret (const char *value)
{
  return strstr (value, "PVEAPIToken=") != NULL ||
         strstr (value, "PVEAuthCookie=") != NULL ||
         strstr (value, "PRIVATE KEY-----") != NULL;
}

static guint
edit_distance (const char *a,
               const char *b)
{
  gsize la = strlen (a), lb = strlen (b);
  g_autofree guint *row = NULL;

  if (la > 64 || lb > 64)
    return G_MAXUINT;

  row = g_new (guint, lb + 1);
  for (gsize j = 0; j <= lb; j++)
    row[j] = j;
  for (gsize i = 1; i <= la; i++)
    {
      guint diag = row[0];

      row[0] = i;
      for (gsize j = 1; j <= lb; j++)
        {
          guint up = row[j];
          guint cost = g_ascii_tolower (a[i - 1]) == g_ascii_tolower (b[j - 1]) ? 0 : 1;

          row[j] = MIN (MIN (row[j] + 1, row[j - 1] + 1), diag + cost);
          diag = up;
        }
    }
  return row[lb];
}

/* ------------------------------------------------------------------------------------------ */
/* the loader */

static char *
path_join (const char *path,
           const char *key)
{
  if (path == NULL || *path == '\0')
    return g_strdup (key);
  return g_strdup_printf ("%s.%s", path, key);
}

static gboolean
check_keys (JsonObject         *object,
            const char         *path,
            const char * const *known,
            GError            **error)
{
  g_autoptr(GList) members = json_object_get_members (object);

  /* secrets first: their message matters more than "unknown field" */
  for (const GList *l = members; l; l = l->next)
    {
      const char *key = l->data;

      if (key_looks_secret (key))
        {
          g_autofree char *where = path_join (path, key);

          g_set_error (error, FL_LAB_ERROR, FL_LAB_ERROR_SECRET,
                       _("%s: looks like a secret, and a lab file never holds secrets: store "
                         "it in the keyring (Preferences), or give it to failoverctl through "
                         "FAILOVER_LAB_PASSWORD, --password-file or a keytab"),
                       where);
          return FALSE;
        }
    }

  for (const GList *l = members; l; l = l->next)
    {
      const char *key = l->data;
      const char *best = NULL;
      guint best_distance = 3;

      if (g_strv_contains (known, key))
        continue;

      for (guint i = 0; known[i]; i++)
        {
          guint d = edit_distance (key, known[i]);

          if (d < best_distance)
            {
              best = known[i];
              best_distance = d;
            }
        }

      {
        g_autofree char *where = path_join (path, key);
        g_autofree char *list = g_strjoinv (", ", (char **)known);

        if (best != NULL)
          g_set_error (error, FL_LAB_ERROR, FL_LAB_ERROR_UNKNOWN_KEY,
                       _("%s: unknown field (did you mean \"%s\"?)"), where, best);
        else
          g_set_error (error, FL_LAB_ERROR, FL_LAB_ERROR_UNKNOWN_KEY,
                       _("%s: unknown field (this object has: %s)"), where, list);
      }
      return FALSE;
    }

  return TRUE;
}

static const char *
node_type_name (JsonNode *node)
{
  switch (json_node_get_node_type (node))
    {
    case JSON_NODE_OBJECT:
      return _("an object");
    case JSON_NODE_ARRAY:
      return _("an array");
    case JSON_NODE_NULL:
      return _("null");
    case JSON_NODE_VALUE:
      switch (json_node_get_value_type (node))
        {
        case G_TYPE_BOOLEAN:
          return _("a boolean");
        case G_TYPE_STRING:
          return _("a string");
        case G_TYPE_INT64:
        case G_TYPE_DOUBLE:
          return _("a number");
        default:
          return _("a value");
        }
    default:
      return _("a value");
    }
}

static void
set_type_error (GError     **error,
                const char  *where,
                const char  *expected,
                JsonNode    *node)
{
  /* TRANSLATORS: "controllers[0].vm.vmid: expected an integer, found a string" */
  g_set_error (error, FL_LAB_ERROR, FL_LAB_ERROR_TYPE, _("%s: expected %s, found %s"),
               where, expected, node_type_name (node));
}

static void
set_range_error (GError     **error,
                 const char  *where,
                 gint64       value,
                 gint64       min,
                 gint64       max)
{
  g_autofree char *v = g_strdup_printf ("%" G_GINT64_FORMAT, value);
  g_autofree char *lo = g_strdup_printf ("%" G_GINT64_FORMAT, min);
  g_autofree char *hi = g_strdup_printf ("%" G_GINT64_FORMAT, max);

  /* TRANSLATORS: "probe.interval_ms: 10 is out of range (100–10000)" */
  g_set_error (error, FL_LAB_ERROR, FL_LAB_ERROR_VALUE, _("%s: %s is out of range (%s–%s)"),
               where, v, lo, hi);
}

/* Returns FALSE with @error set on a problem; *out stays NULL when absent and optional. */
static gboolean
get_string (JsonObject  *object,
            const char  *path,
            const char  *key,
            gboolean     required,
            char       **out,
            GError     **error)
{
  g_autofree char *where = path_join (path, key);
  JsonNode *node = json_object_get_member (object, key);
  const char *value;

  if (node == NULL)
    {
      if (required)
        {
          g_set_error (error, FL_LAB_ERROR, FL_LAB_ERROR_MISSING,
                       _("%s: required field is missing"), where);
          return FALSE;
        }
      return TRUE;
    }

  if (!JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_STRING)
    {
      set_type_error (error, where, _("a string"), node);
      return FALSE;
    }

  value = json_node_get_string (node);
  if (value_looks_secret (value))
    {
      g_set_error (error, FL_LAB_ERROR, FL_LAB_ERROR_SECRET,
                   _("%s: holds a secret (token, cookie or private key), and a lab file never "
                     "holds secrets: remove it and store it in the keyring (Preferences)"),
                   where);
      return FALSE;
    }
  if (*value == '\0' && required)
    {
      g_set_error (error, FL_LAB_ERROR, FL_LAB_ERROR_VALUE, _("%s: must not be empty"), where);
      return FALSE;
    }

  g_free (*out);
  *out = *value != '\0' ? g_strdup (value) : NULL;
  return TRUE;
}

static gboolean
get_uint (JsonObject *object,
          const char *path,
          const char *key,
          gboolean    required,
          gint64      min,
          gint64      max,
          guint      *out,
          GError    **error)
{
  g_autofree char *where = path_join (path, key);
  JsonNode *node = json_object_get_member (object, key);
  gint64 value;

  if (node == NULL)
    {
      if (required)
        {
          g_set_error (error, FL_LAB_ERROR, FL_LAB_ERROR_MISSING,
                       _("%s: required field is missing"), where);
          return FALSE;
        }
      return TRUE;
    }

  if (!JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_INT64)
    {
      set_type_error (error, where, _("an integer"), node);
      return FALSE;
    }

  value = json_node_get_int (node);
  if (value < min || value > max)
    {
      set_range_error (error, where, value, min, max);
      return FALSE;
    }

  *out = (guint)value;
  return TRUE;
}

static JsonObject *
get_object (JsonObject  *object,
            const char  *path,
            const char  *key,
            gboolean     required,
            GError     **error)
{
  g_autofree char *where = path_join (path, key);
  JsonNode *node = json_object_get_member (object, key);

  if (node == NULL)
    {
      if (required)
        g_set_error (error, FL_LAB_ERROR, FL_LAB_ERROR_MISSING,
                     _("%s: required field is missing"), where);
      return NULL;
    }

  if (!JSON_NODE_HOLDS_OBJECT (node))
    {
      set_type_error (error, where, _("an object"), node);
      return NULL;
    }

  return json_node_get_object (node);
}

static gboolean
load_vm (JsonObject  *parent,
         const char  *path,
         char       **node_out,
         guint       *vmid_out,
         GError     **error)
{
  g_autofree char *where = path_join (path, "vm");
  g_autofree char *node = NULL;
  JsonObject *vm;
  guint vmid = 0;

  vm = get_object (parent, path, "vm", FALSE, error);
  if (vm == NULL)
    return error == NULL || *error == NULL;

  if (!check_keys (vm, where, vm_keys, error) ||
      !get_string (vm, where, "node", TRUE, &node, error) ||
      !get_uint (vm, where, "vmid", TRUE, 100, 999999999, &vmid, error))
    return FALSE;

  *node_out = g_steal_pointer (&node);
  *vmid_out = vmid;
  return TRUE;
}

static gboolean
load_controllers (FlLab       *self,
                  JsonObject  *root,
                  GError     **error)
{
  JsonNode *node = json_object_get_member (root, "controllers");
  JsonArray *array;
  guint n;

  if (node == NULL)
    {
      g_set_error (error, FL_LAB_ERROR, FL_LAB_ERROR_MISSING,
                   _("%s: required field is missing"), "controllers");
      return FALSE;
    }
  if (!JSON_NODE_HOLDS_ARRAY (node))
    {
      set_type_error (error, "controllers", _("an array"), node);
      return FALSE;
    }

  array = json_node_get_array (node);
  n = json_array_get_length (array);

  for (guint i = 0; i < n; i++)
    {
      g_autofree char *where = g_strdup_printf ("controllers[%u]", i);
      g_autofree char *name = NULL;
      g_autofree char *host = NULL;
      g_autofree char *address = NULL;
      g_autofree char *site = NULL;
      g_autofree char *vm_node = NULL;
      g_autoptr(FlLabController) controller = NULL;
      JsonNode *element = json_array_get_element (array, i);
      JsonObject *object;
      guint vmid = 0;

      if (!JSON_NODE_HOLDS_OBJECT (element))
        {
          set_type_error (error, where, _("an object"), element);
          return FALSE;
        }
      object = json_node_get_object (element);

      if (!check_keys (object, where, controller_keys, error) ||
          !get_string (object, where, "name", TRUE, &name, error) ||
          !get_string (object, where, "host", TRUE, &host, error) ||
          !get_string (object, where, "address", TRUE, &address, error) ||
          !get_string (object, where, "site", FALSE, &site, error) ||
          !load_vm (object, where, &vm_node, &vmid, error))
        return FALSE;

      controller = fl_lab_controller_new (name, host, address);
      fl_lab_controller_set_site (controller, site);
      if (vm_node != NULL)
        fl_lab_controller_set_vm (controller, vm_node, vmid);
      g_ptr_array_add (self->controllers, g_steal_pointer (&controller));
    }

  return TRUE;
}

static gboolean
load_client (FlLab       *self,
             JsonObject  *root,
             GError     **error)
{
  g_autofree char *access = NULL;
  JsonObject *client;

  client = get_object (root, NULL, "client", FALSE, error);
  if (client == NULL)
    return *error == NULL;

  if (!check_keys (client, "client", client_keys, error) ||
      !get_string (client, "client", "name", TRUE, &self->client_name, error) ||
      !get_string (client, "client", "access", FALSE, &access, error) ||
      !load_vm (client, "client", &self->client_vm_node, &self->client_vmid, error))
    return FALSE;

  if (access == NULL || g_str_equal (access, "local"))
    self->client_access = FL_CLIENT_ACCESS_LOCAL;
  else if (g_str_equal (access, "guest-agent"))
    self->client_access = FL_CLIENT_ACCESS_GUEST_AGENT;
  else if (g_str_equal (access, "none"))
    self->client_access = FL_CLIENT_ACCESS_NONE;
  else
    {
      g_set_error (error, FL_LAB_ERROR, FL_LAB_ERROR_VALUE,
                   _("%s: \"%s\" is not an access method (local, guest-agent or none)"),
                   "client.access", access);
      return FALSE;
    }

  self->has_client = TRUE;
  return TRUE;
}

static gboolean
load_hypervisor (FlLab       *self,
                 JsonObject  *root,
                 GError     **error)
{
  g_autofree char *type = NULL;
  JsonObject *hv;

  hv = get_object (root, NULL, "hypervisor", FALSE, error);
  if (hv == NULL)
    return *error == NULL;

  /* secrets are refused whatever the type */
  if (!check_keys (hv, "hypervisor", hv_all_keys, error))
    return FALSE;

  if (!get_string (hv, "hypervisor", "type", TRUE, &type, error))
    return FALSE;

  if (g_str_equal (type, "proxmox-api"))
    {
      self->hv_kind = FL_HYPERVISOR_PROXMOX_API;
      if (!check_keys (hv, "hypervisor", api_keys, error) ||
          !get_string (hv, "hypervisor", "url", TRUE, &self->hv_url, error) ||
          !get_string (hv, "hypervisor", "token_id", FALSE, &self->hv_token_id, error) ||
          !get_string (hv, "hypervisor", "user", FALSE, &self->hv_user, error) ||
          !get_string (hv, "hypervisor", "fingerprint", FALSE, &self->hv_fingerprint, error))
        return FALSE;
    }
  else if (g_str_equal (type, "proxmox-ssh"))
    {
      self->hv_kind = FL_HYPERVISOR_PROXMOX_SSH;
      self->hv_port = 22;
      if (!check_keys (hv, "hypervisor", ssh_keys, error) ||
          !get_string (hv, "hypervisor", "host", TRUE, &self->hv_host, error) ||
          !get_string (hv, "hypervisor", "user", FALSE, &self->hv_user, error) ||
          !get_uint (hv, "hypervisor", "port", FALSE, 1, 65535, &self->hv_port, error) ||
          !get_string (hv, "hypervisor", "known_hosts", FALSE, &self->hv_known_hosts, error))
        return FALSE;
    }
  else
    {
      g_set_error (error, FL_LAB_ERROR, FL_LAB_ERROR_VALUE,
                   _("%s: \"%s\" is not a hypervisor type (proxmox-api or proxmox-ssh)"),
                   "hypervisor.type", type);
      return FALSE;
    }

  return TRUE;
}

static gboolean
load_credentials (FlLab       *self,
                  JsonObject  *root,
                  GError     **error)
{
  JsonObject *cred;

  cred = get_object (root, NULL, "credentials", FALSE, error);
  if (cred == NULL)
    return *error == NULL;

  return check_keys (cred, "credentials", credentials_keys, error) &&
         get_string (cred, "credentials", "user", FALSE, &self->cred_user, error) &&
         get_string (cred, "credentials", "machine", FALSE, &self->cred_machine, error) &&
         get_string (cred, "credentials", "keytab", FALSE, &self->cred_keytab, error) &&
         get_string (cred, "credentials", "keyring_key", FALSE, &self->cred_keyring_key, error);
}

static gboolean
load_probe (FlLab       *self,
            JsonObject  *root,
            GError     **error)
{
  JsonObject *probe;

  probe = get_object (root, NULL, "probe", FALSE, error);
  if (probe == NULL)
    return *error == NULL;

  return check_keys (probe, "probe", probe_keys, error) &&
         get_uint (probe, "probe", "interval_ms", FALSE, FL_LAB_INTERVAL_MIN_MS,
                   FL_LAB_INTERVAL_MAX_MS, &self->interval_ms, error) &&
         get_uint (probe, "probe", "deadline_ms", FALSE, FL_LAB_DEADLINE_MIN_MS,
                   FL_LAB_DEADLINE_MAX_MS, &self->deadline_ms, error);
}

/**
 * fl_lab_new_from_data:
 * @data: the JSON text of a lab file
 * @length: its length, or -1 if nul-terminated
 *
 * Parses and validates a lab file. A pure function of @data: no file or network access.
 *
 * Returns: (transfer full): the lab, or %NULL with @error naming the JSON path at fault
 */
FlLab *
fl_lab_new_from_data (const char  *data,
                      gssize       length,
                      GError     **error)
{
  g_autoptr(JsonParser) parser = NULL;
  g_autoptr(FlLab) self = NULL;
  g_autoptr(GError) local_error = NULL;
  JsonNode *root_node;
  JsonObject *root;
  guint format = 0;
  gsize len;

  g_return_val_if_fail (data != NULL || length == 0, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  len = length < 0 ? strlen (data) : (gsize)length;

  if (len > FL_LAB_MAX_FILE_SIZE)
    {
      g_autofree char *size = g_format_size_full (len, G_FORMAT_SIZE_IEC_UNITS);

      g_set_error (error, FL_LAB_ERROR, FL_LAB_ERROR_SYNTAX,
                   _("not a lab file: %s is too large (a lab file has at most 1 MiB)"), size);
      return NULL;
    }
  if (!g_utf8_validate_len (data, len, NULL))
    {
      g_set_error_literal (error, FL_LAB_ERROR, FL_LAB_ERROR_SYNTAX,
                           _("not a lab file: the text is not valid UTF-8"));
      return NULL;
    }
  {
    gsize i = 0;

    while (i < len && g_ascii_isspace (data[i]))
      i++;
    if (i == len)
      {
        g_set_error_literal (error, FL_LAB_ERROR, FL_LAB_ERROR_SYNTAX,
                             _("not a lab file: the file is empty"));
        return NULL;
      }
  }
  if (fl_json_max_nesting (data, len) > MAX_NESTING)
    {
      g_set_error (error, FL_LAB_ERROR, FL_LAB_ERROR_SYNTAX,
                   _("not a lab file: JSON nested deeper than %d levels"), MAX_NESTING);
      return NULL;
    }

  parser = json_parser_new_immutable ();
  if (!json_parser_load_from_data (parser, data, len, &local_error))
    {
      g_set_error (error, FL_LAB_ERROR, FL_LAB_ERROR_SYNTAX,
                   _("not valid JSON: %s"), local_error->message);
      return NULL;
    }

  root_node = json_parser_get_root (parser);
  if (root_node == NULL || !JSON_NODE_HOLDS_OBJECT (root_node))
    {
      g_set_error_literal (error, FL_LAB_ERROR, FL_LAB_ERROR_TYPE,
                           _("not a lab file: the top level must be a JSON object"));
      return NULL;
    }
  root = json_node_get_object (root_node);

  if (!json_object_has_member (root, "format"))
    {
      g_set_error (error, FL_LAB_ERROR, FL_LAB_ERROR_MISSING,
                   _("%s: required field is missing (this version writes \"format\": %d)"),
                   "format", FL_LAB_FORMAT);
      return NULL;
    }
  if (!get_uint (root, NULL, "format", TRUE, 0, G_MAXINT32, &format, error))
    return NULL;
  if (format != FL_LAB_FORMAT)
    {
      g_set_error (error, FL_LAB_ERROR, FL_LAB_ERROR_FORMAT,
                   _("%s: %u is not supported (this version reads format %d; a newer Failover "
                     "Lab may read it)"),
                   "format", format, FL_LAB_FORMAT);
      return NULL;
    }

  self = g_object_new (FL_TYPE_LAB, NULL);

  if (!check_keys (root, NULL, top_keys, error) ||
      !get_string (root, NULL, "name", TRUE, &self->name, error) ||
      !get_string (root, NULL, "domain", TRUE, &self->domain, error) ||
      !get_string (root, NULL, "realm", FALSE, &self->realm, error) ||
      !get_string (root, NULL, "netbios", FALSE, &self->netbios, error) ||
      !load_controllers (self, root, error) ||
      !load_client (self, root, error) ||
      !get_string (root, NULL, "reference_host", FALSE, &self->reference_host, error) ||
      !load_hypervisor (self, root, error) ||
      !load_credentials (self, root, error) ||
      !load_probe (self, root, error))
    return NULL;

  if (!fl_lab_validate (self, error))
    return NULL;

  return g_steal_pointer (&self);
}

/**
 * fl_lab_new_from_file:
 *
 * Returns: (transfer full): the lab, or %NULL with @error (the message names the file)
 */
FlLab *
fl_lab_new_from_file (const char  *path,
                      GError     **error)
{
  g_autoptr(GError) local_error = NULL;
  g_autofree char *contents = NULL;
  g_autoptr(FlLab) self = NULL;
  gsize len = 0;

  g_return_val_if_fail (path != NULL, NULL);

  if (!g_file_get_contents (path, &contents, &len, &local_error))
    {
      g_set_error (error, FL_LAB_ERROR, FL_LAB_ERROR_IO, "%s", local_error->message);
      return NULL;
    }

  self = fl_lab_new_from_data (contents, len, &local_error);
  if (self == NULL)
    {
      g_set_error (error, FL_LAB_ERROR, local_error->code, "%s: %s", path, local_error->message);
      return NULL;
    }

  self->file = g_canonicalize_filename (path, NULL);
  return g_steal_pointer (&self);
}

/* ------------------------------------------------------------------------------------------ */
/* validation */

static gboolean
invalid (GError     **error,
         const char  *where,
         const char  *value,
         const char  *what)
{
  /* TRANSLATORS: 'controllers[1].address: "10.0.0.300" is not an IP address' */
  g_set_error (error, FL_LAB_ERROR, FL_LAB_ERROR_VALUE, _("%s: \"%s\" is not %s"),
               where, value, what);
  return FALSE;
}

static gboolean
validate_vm (const char  *where,
             const char  *node,
             guint        vmid,
             GError     **error)
{
  g_autofree char *node_where = g_strdup_printf ("%s.vm.node", where);
  g_autofree char *vmid_where = g_strdup_printf ("%s.vm.vmid", where);

  if (node == NULL)
    return TRUE;
  if (!is_node_name (node))
    return invalid (error, node_where, node, _("a Proxmox node name"));
  if (vmid < 100 || vmid > 999999999)
    {
      set_range_error (error, vmid_where, vmid, 100, 999999999);
      return FALSE;
    }
  return TRUE;
}

/**
 * fl_lab_validate:
 *
 * Checks every value of the lab. The loader calls it; so does the saver, so an invalid lab is
 * never written.
 */
gboolean
fl_lab_validate (FlLab   *self,
                 GError **error)
{
  g_autofree char *expected_realm = NULL;

  g_return_val_if_fail (FL_IS_LAB (self), FALSE);

  if (!is_display_text (self->name, 200))
    return invalid (error, "name", self->name ? self->name : "", _("a lab name (1–200 characters)"));
  if (!fl_lab_is_dns_name (self->domain) || strchr (self->domain, '_') != NULL)
    return invalid (error, "domain", self->domain ? self->domain : "", _("a DNS domain name"));

  expected_realm = g_ascii_strup (self->domain, -1);
  if (expected_realm[strlen (expected_realm) - 1] == '.')
    expected_realm[strlen (expected_realm) - 1] = '\0';
  if (self->realm != NULL && !g_str_equal (self->realm, expected_realm))
    {
      g_set_error (error, FL_LAB_ERROR, FL_LAB_ERROR_VALUE,
                   _("%s: \"%s\" does not match the domain (the realm of an AD domain is its "
                     "DNS name in capitals: \"%s\")"),
                   "realm", self->realm, expected_realm);
      return FALSE;
    }
  if (self->netbios != NULL && !is_netbios_name (self->netbios))
    return invalid (error, "netbios", self->netbios,
                    _("a NetBIOS domain name (1–15 characters, no dots or spaces)"));

  if (self->controllers->len == 0)
    {
      g_set_error (error, FL_LAB_ERROR, FL_LAB_ERROR_MISSING,
                   _("%s: a lab needs at least one domain controller"), "controllers");
      return FALSE;
    }
  if (self->controllers->len > FL_LAB_MAX_CONTROLLERS)
    {
      g_set_error (error, FL_LAB_ERROR, FL_LAB_ERROR_VALUE,
                   _("%s: %u domain controllers; at most %d are supported"),
                   "controllers", self->controllers->len, FL_LAB_MAX_CONTROLLERS);
      return FALSE;
    }

  for (guint i = 0; i < self->controllers->len; i++)
    {
      FlLabController *c = g_ptr_array_index (self->controllers, i);
      g_autofree char *where = g_strdup_printf ("controllers[%u]", i);
      g_autofree char *w_name = g_strdup_printf ("%s.name", where);
      g_autofree char *w_host = g_strdup_printf ("%s.host", where);
      g_autofree char *w_address = g_strdup_printf ("%s.address", where);
      g_autofree char *w_site = g_strdup_printf ("%s.site", where);
      const char *name = fl_lab_controller_get_name (c);
      const char *host = fl_lab_controller_get_host (c);
      const char *address = fl_lab_controller_get_address (c);
      const char *site = fl_lab_controller_get_site (c);
      const char *node = NULL;
      guint vmid = 0;

      if (!is_display_text (name, 63))
        return invalid (error, w_name, name ? name : "", _("a name (1–63 characters)"));
      if (!fl_lab_is_dns_name (host))
        return invalid (error, w_host, host ? host : "", _("a DNS host name"));
      if (!is_ip_address (address))
        return invalid (error, w_address, address ? address : "", _("an IP address"));
      if (site != NULL && !is_display_text (site, 63))
        return invalid (error, w_site, site, _("a site name (1–63 characters)"));
      fl_lab_controller_get_vm (c, &node, &vmid);
      if (!validate_vm (where, node, vmid, error))
        return FALSE;

      for (guint j = 0; j < i; j++)
        {
          FlLabController *o = g_ptr_array_index (self->controllers, j);
          const char *o_node = NULL;
          guint o_vmid = 0;

          if (g_ascii_strcasecmp (name, fl_lab_controller_get_name (o)) == 0)
            {
              g_set_error (error, FL_LAB_ERROR, FL_LAB_ERROR_DUPLICATE,
                           _("%s: \"%s\" is used twice (also controllers[%u])"), w_name, name, j);
              return FALSE;
            }
          if (g_ascii_strcasecmp (host, fl_lab_controller_get_host (o)) == 0)
            {
              g_set_error (error, FL_LAB_ERROR, FL_LAB_ERROR_DUPLICATE,
                           _("%s: \"%s\" is used twice (also controllers[%u])"), w_host, host, j);
              return FALSE;
            }
          if (g_str_equal (address, fl_lab_controller_get_address (o)))
            {
              g_set_error (error, FL_LAB_ERROR, FL_LAB_ERROR_DUPLICATE,
                           _("%s: \"%s\" is used twice (also controllers[%u])"),
                           w_address, address, j);
              return FALSE;
            }
          fl_lab_controller_get_vm (o, &o_node, &o_vmid);
          if (node != NULL && o_node != NULL && o_vmid == vmid)
            {
              g_autofree char *w_vmid = g_strdup_printf ("%s.vm.vmid", where);

              /* VM ids are unique across a Proxmox cluster */
              g_set_error (error, FL_LAB_ERROR, FL_LAB_ERROR_DUPLICATE,
                           _("%s: VM %u is used twice (also controllers[%u])"), w_vmid, vmid, j);
              return FALSE;
            }
        }
    }

  if (self->has_client)
    {
      if (!is_display_text (self->client_name, 63))
        return invalid (error, "client.name", self->client_name ? self->client_name : "",
                        _("a name (1–63 characters)"));
      if (!validate_vm ("client", self->client_vm_node, self->client_vmid, error))
        return FALSE;
      if (self->client_access == FL_CLIENT_ACCESS_GUEST_AGENT && self->client_vm_node == NULL)
        {
          g_set_error (error, FL_LAB_ERROR, FL_LAB_ERROR_MISSING,
                       _("%s: the guest-agent access method needs the client's VM (client.vm)"),
                       "client.access");
          return FALSE;
        }
      for (guint j = 0; self->client_vm_node && j < self->controllers->len; j++)
        {
          guint o_vmid = 0;

          if (fl_lab_controller_get_vm (g_ptr_array_index (self->controllers, j), NULL, &o_vmid) &&
              o_vmid == self->client_vmid)
            {
              g_set_error (error, FL_LAB_ERROR, FL_LAB_ERROR_DUPLICATE,
                           _("%s: VM %u is used twice (also controllers[%u])"),
                           "client.vm.vmid", self->client_vmid, j);
              return FALSE;
            }
        }
    }

  if (self->reference_host != NULL &&
      !is_ip_address (self->reference_host) && !fl_lab_is_dns_name (self->reference_host))
    return invalid (error, "reference_host", self->reference_host,
                    _("an IP address or a host name"));

  if (self->hv_kind == FL_HYPERVISOR_PROXMOX_API)
    {
      g_autoptr(GUri) uri = g_uri_parse (self->hv_url ? self->hv_url : "", G_URI_FLAGS_NONE, NULL);

      if (uri != NULL && g_uri_get_userinfo (uri) != NULL)
        {
          /* https://user:PASSWORD@host: never echoed back, not even in an error */
          g_set_error (error, FL_LAB_ERROR, FL_LAB_ERROR_SECRET,
                       _("%s: a user or password in the URL (user@ or user:password@ before the host): "
                         "remove it; the user goes in hypervisor.user or token_id, the secret in the keyring"),
                       "hypervisor.url");
          return FALSE;
        }
      if (uri == NULL || g_strcmp0 (g_uri_get_scheme (uri), "https") != 0 ||
          g_uri_get_host (uri) == NULL || *g_uri_get_host (uri) == '\0')
        return invalid (error, "hypervisor.url", self->hv_url ? self->hv_url : "",
                        _("an https:// URL of a Proxmox VE host (e.g. https://pve1:8006)"));
      if (self->hv_token_id != NULL && !is_token_id (self->hv_token_id))
        {
          if (strchr (self->hv_token_id, '=') != NULL)
            {
              g_set_error (error, FL_LAB_ERROR, FL_LAB_ERROR_SECRET,
                           _("%s: contains the token's secret after \"=\": keep only "
                             "USER@REALM!TOKENID here and store the secret in the keyring"),
                           "hypervisor.token_id");
              return FALSE;
            }
          return invalid (error, "hypervisor.token_id", self->hv_token_id,
                          _("a Proxmox API token id (USER@REALM!TOKENID)"));
        }
      if (self->hv_user != NULL && !is_principal (self->hv_user))
        return invalid (error, "hypervisor.user", self->hv_user,
                        _("a Proxmox user (USER@REALM, e.g. root@pam)"));
      if (self->hv_token_id == NULL && self->hv_user == NULL)
        {
          g_set_error (error, FL_LAB_ERROR, FL_LAB_ERROR_MISSING,
                       _("%s: give an API token id (token_id) or a user for ticket login (user)"),
                       "hypervisor");
          return FALSE;
        }
      if (self->hv_fingerprint != NULL)
        {
          g_autofree char *norm = fl_lab_normalize_fingerprint (self->hv_fingerprint);

          if (norm == NULL)
            return invalid (error, "hypervisor.fingerprint", self->hv_fingerprint,
                            _("a SHA-256 certificate fingerprint (64 hex digits, colons optional)"));
          g_free (self->hv_fingerprint);
          self->hv_fingerprint = g_steal_pointer (&norm);
        }
    }
  else if (self->hv_kind == FL_HYPERVISOR_PROXMOX_SSH)
    {
      if (!fl_lab_is_dns_name (self->hv_host) && !is_ip_address (self->hv_host))
        return invalid (error, "hypervisor.host", self->hv_host ? self->hv_host : "",
                        _("a host name or an IP address"));
      if (self->hv_user != NULL && !is_display_text (self->hv_user, 32))
        return invalid (error, "hypervisor.user", self->hv_user, _("a user name"));
      if (self->hv_port < 1 || self->hv_port > 65535)
        {
          set_range_error (error, "hypervisor.port", self->hv_port, 1, 65535);
          return FALSE;
        }
    }

  if (self->cred_user != NULL && !is_principal (self->cred_user))
    return invalid (error, "credentials.user", self->cred_user,
                    _("a Kerberos principal (user@REALM)"));
  if (self->cred_machine != NULL &&
      (!is_principal (self->cred_machine) || strstr (self->cred_machine, "$@") == NULL))
    return invalid (error, "credentials.machine", self->cred_machine,
                    _("a machine principal (NAME$@REALM)"));
  if (self->cred_keyring_key != NULL && !is_display_text (self->cred_keyring_key, 200))
    return invalid (error, "credentials.keyring_key", self->cred_keyring_key,
                    _("a keyring item name"));

  if (self->interval_ms < FL_LAB_INTERVAL_MIN_MS || self->interval_ms > FL_LAB_INTERVAL_MAX_MS)
    {
      set_range_error (error, "probe.interval_ms", self->interval_ms,
                       FL_LAB_INTERVAL_MIN_MS, FL_LAB_INTERVAL_MAX_MS);
      return FALSE;
    }
  if (self->deadline_ms < FL_LAB_DEADLINE_MIN_MS || self->deadline_ms > FL_LAB_DEADLINE_MAX_MS)
    {
      set_range_error (error, "probe.deadline_ms", self->deadline_ms,
                       FL_LAB_DEADLINE_MIN_MS, FL_LAB_DEADLINE_MAX_MS);
      return FALSE;
    }

  return TRUE;
}

/* ------------------------------------------------------------------------------------------ */
/* the saver */

static void
add_string (JsonBuilder *builder,
            const char  *key,
            const char  *value)
{
  if (value == NULL)
    return;
  json_builder_set_member_name (builder, key);
  json_builder_add_string_value (builder, value);
}

static void
add_vm (JsonBuilder *builder,
        const char  *node,
        guint        vmid)
{
  if (node == NULL)
    return;
  json_builder_set_member_name (builder, "vm");
  json_builder_begin_object (builder);
  add_string (builder, "node", node);
  json_builder_set_member_name (builder, "vmid");
  json_builder_add_int_value (builder, vmid);
  json_builder_end_object (builder);
}

/**
 * fl_lab_to_data:
 * @length: (out) (optional): the length of the text
 *
 * Returns: (transfer full): the lab as pretty-printed JSON, which fl_lab_new_from_data() reads
 *   back to an equal lab
 */
char *
fl_lab_to_data (FlLab *self,
                gsize *length)
{
  g_autoptr(JsonBuilder) builder = json_builder_new_immutable ();
  g_autoptr(JsonGenerator) generator = json_generator_new ();
  g_autoptr(JsonNode) root = NULL;
  g_autofree char *text = NULL;
  gsize len = 0;

  g_return_val_if_fail (FL_IS_LAB (self), NULL);

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "format");
  json_builder_add_int_value (builder, FL_LAB_FORMAT);
  add_string (builder, "name", self->name);
  add_string (builder, "domain", self->domain);
  add_string (builder, "realm", fl_lab_get_realm (self));
  add_string (builder, "netbios", fl_lab_get_netbios (self));

  json_builder_set_member_name (builder, "controllers");
  json_builder_begin_array (builder);
  for (guint i = 0; i < self->controllers->len; i++)
    {
      FlLabController *c = g_ptr_array_index (self->controllers, i);
      const char *node = NULL;
      guint vmid = 0;

      json_builder_begin_object (builder);
      add_string (builder, "name", fl_lab_controller_get_name (c));
      add_string (builder, "host", fl_lab_controller_get_host (c));
      add_string (builder, "address", fl_lab_controller_get_address (c));
      add_string (builder, "site", fl_lab_controller_get_site (c));
      fl_lab_controller_get_vm (c, &node, &vmid);
      add_vm (builder, node, vmid);
      json_builder_end_object (builder);
    }
  json_builder_end_array (builder);

  if (self->has_client)
    {
      json_builder_set_member_name (builder, "client");
      json_builder_begin_object (builder);
      add_string (builder, "name", self->client_name);
      add_vm (builder, self->client_vm_node, self->client_vmid);
      add_string (builder, "access", fl_client_access_to_string (self->client_access));
      json_builder_end_object (builder);
    }

  add_string (builder, "reference_host", self->reference_host);

  if (self->hv_kind != FL_HYPERVISOR_NONE)
    {
      json_builder_set_member_name (builder, "hypervisor");
      json_builder_begin_object (builder);
      add_string (builder, "type", fl_hypervisor_kind_to_string (self->hv_kind));
      if (self->hv_kind == FL_HYPERVISOR_PROXMOX_API)
        {
          add_string (builder, "url", self->hv_url);
          add_string (builder, "token_id", self->hv_token_id);
          add_string (builder, "user", self->hv_user);
          add_string (builder, "fingerprint", self->hv_fingerprint);
        }
      else
        {
          add_string (builder, "host", self->hv_host);
          add_string (builder, "user", self->hv_user);
          json_builder_set_member_name (builder, "port");
          json_builder_add_int_value (builder, self->hv_port);
          add_string (builder, "known_hosts", self->hv_known_hosts);
        }
      json_builder_end_object (builder);
    }

  if (self->cred_user || self->cred_machine || self->cred_keytab || self->cred_keyring_key)
    {
      json_builder_set_member_name (builder, "credentials");
      json_builder_begin_object (builder);
      add_string (builder, "user", self->cred_user);
      add_string (builder, "machine", self->cred_machine);
      add_string (builder, "keytab", self->cred_keytab);
      add_string (builder, "keyring_key", self->cred_keyring_key);
      json_builder_end_object (builder);
    }

  json_builder_set_member_name (builder, "probe");
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "interval_ms");
  json_builder_add_int_value (builder, self->interval_ms);
  json_builder_set_member_name (builder, "deadline_ms");
  json_builder_add_int_value (builder, self->deadline_ms);
  json_builder_end_object (builder);

  json_builder_end_object (builder);

  root = json_builder_get_root (builder);
  json_generator_set_root (generator, root);
  json_generator_set_pretty (generator, TRUE);
  json_generator_set_indent (generator, 2);
  text = json_generator_to_data (generator, &len);

  if (length != NULL)
    *length = len + 1;
  return g_strconcat (text, "\n", NULL);
}

/**
 * fl_lab_save_to_file:
 *
 * Validates, then writes the lab atomically (a crash leaves the old file or the new one).
 */
gboolean
fl_lab_save_to_file (FlLab       *self,
                     const char  *path,
                     GError     **error)
{
  g_autoptr(GError) local_error = NULL;
  g_autofree char *data = NULL;
  gsize len = 0;

  g_return_val_if_fail (FL_IS_LAB (self), FALSE);
  g_return_val_if_fail (path != NULL, FALSE);

  if (!fl_lab_validate (self, error))
    return FALSE;

  data = fl_lab_to_data (self, &len);
  if (!g_file_set_contents_full (path, data, len, G_FILE_SET_CONTENTS_CONSISTENT, 0644,
                                 &local_error))
    {
      g_set_error (error, FL_LAB_ERROR, FL_LAB_ERROR_IO, "%s", local_error->message);
      return FALSE;
    }

  g_free (self->file);
  self->file = g_canonicalize_filename (path, NULL);
  return TRUE;
}

/* ------------------------------------------------------------------------------------------ */
/* accessors */

/**
 * fl_lab_get_file:
 *
 * Returns: (nullable): the absolute path the lab was loaded from or saved to
 */
const char *
fl_lab_get_file (FlLab *self)
{
  g_return_val_if_fail (FL_IS_LAB (self), NULL);
  return self->file;
}

/**
 * fl_lab_set_file:
 * @path: (nullable): where the lab was read from, when it was read by the caller
 */
void
fl_lab_set_file (FlLab      *self,
                 const char *path)
{
  g_return_if_fail (FL_IS_LAB (self));

  g_free (self->file);
  self->file = path ? g_canonicalize_filename (path, NULL) : NULL;
}

/**
 * fl_lab_resolve_path:
 * @path: (nullable): a path from the lab file
 *
 * Returns: (transfer full) (nullable): @path with `~/` expanded, and relative to the lab
 *   file's folder when relative
 */
char *
fl_lab_resolve_path (FlLab      *self,
                     const char *path)
{
  g_autofree char *dir = NULL;

  g_return_val_if_fail (FL_IS_LAB (self), NULL);

  if (path == NULL)
    return NULL;
  if (g_str_has_prefix (path, "~/"))
    return g_build_filename (g_get_home_dir (), path + 2, NULL);
  if (g_path_is_absolute (path) || self->file == NULL)
    return g_strdup (path);
  dir = g_path_get_dirname (self->file);
  return g_canonicalize_filename (path, dir);
}

const char *
fl_lab_get_name (FlLab *self)
{
  g_return_val_if_fail (FL_IS_LAB (self), NULL);
  return self->name;
}

const char *
fl_lab_get_domain (FlLab *self)
{
  g_return_val_if_fail (FL_IS_LAB (self), NULL);
  return self->domain;
}

/**
 * fl_lab_get_realm:
 *
 * Returns: the Kerberos realm: as given, or the domain in capitals
 */
const char *
fl_lab_get_realm (FlLab *self)
{
  g_return_val_if_fail (FL_IS_LAB (self), NULL);

  if (self->realm == NULL && self->domain != NULL)
    {
      self->realm = g_ascii_strup (self->domain, -1);
      if (*self->realm && self->realm[strlen (self->realm) - 1] == '.')
        self->realm[strlen (self->realm) - 1] = '\0';
    }
  return self->realm;
}

void
fl_lab_set_realm (FlLab      *self,
                  const char *realm)
{
  g_return_if_fail (FL_IS_LAB (self));
  set_str (&self->realm, realm);
}

/**
 * fl_lab_get_netbios:
 *
 * Returns: the NetBIOS domain name: as given, or the domain's first label in capitals
 */
const char *
fl_lab_get_netbios (FlLab *self)
{
  g_return_val_if_fail (FL_IS_LAB (self), NULL);

  if (self->netbios == NULL && self->domain != NULL)
    {
      const char *dot = strchr (self->domain, '.');
      gsize len = dot ? (gsize)(dot - self->domain) : strlen (self->domain);
      g_autofree char *first = g_strndup (self->domain, MIN (len, 15));

      self->netbios = g_ascii_strup (first, -1);
    }
  return self->netbios;
}

void
fl_lab_set_netbios (FlLab      *self,
                    const char *netbios)
{
  g_return_if_fail (FL_IS_LAB (self));
  set_str (&self->netbios, netbios);
}

guint
fl_lab_get_n_controllers (FlLab *self)
{
  g_return_val_if_fail (FL_IS_LAB (self), 0);
  return self->controllers->len;
}

/**
 * fl_lab_get_controller:
 *
 * Returns: (transfer none) (nullable): the controller at @position
 */
FlLabController *
fl_lab_get_controller (FlLab *self,
                       guint  position)
{
  g_return_val_if_fail (FL_IS_LAB (self), NULL);

  if (position >= self->controllers->len)
    return NULL;
  return g_ptr_array_index (self->controllers, position);
}

/**
 * fl_lab_lookup_controller:
 * @name: a controller's name (any case), host name or address
 *
 * Returns: (transfer none) (nullable): the controller
 */
FlLabController *
fl_lab_lookup_controller (FlLab      *self,
                          const char *name)
{
  g_return_val_if_fail (FL_IS_LAB (self), NULL);
  g_return_val_if_fail (name != NULL, NULL);

  for (guint i = 0; i < self->controllers->len; i++)
    {
      FlLabController *c = g_ptr_array_index (self->controllers, i);

      if (g_ascii_strcasecmp (fl_lab_controller_get_name (c), name) == 0 ||
          g_ascii_strcasecmp (fl_lab_controller_get_host (c), name) == 0 ||
          g_strcmp0 (fl_lab_controller_get_address (c), name) == 0)
        return c;
    }
  return NULL;
}

void
fl_lab_add_controller (FlLab           *self,
                       FlLabController *controller)
{
  g_return_if_fail (FL_IS_LAB (self));
  g_return_if_fail (FL_IS_LAB_CONTROLLER (controller));

  g_ptr_array_add (self->controllers, g_object_ref (controller));
}

gboolean
fl_lab_has_client (FlLab *self)
{
  g_return_val_if_fail (FL_IS_LAB (self), FALSE);
  return self->has_client;
}

const char *
fl_lab_get_client_name (FlLab *self)
{
  g_return_val_if_fail (FL_IS_LAB (self), NULL);
  return self->client_name;
}

FlClientAccess
fl_lab_get_client_access (FlLab *self)
{
  g_return_val_if_fail (FL_IS_LAB (self), FL_CLIENT_ACCESS_NONE);
  return self->client_access;
}

gboolean
fl_lab_get_client_vm (FlLab       *self,
                      const char **node,
                      guint       *vmid)
{
  g_return_val_if_fail (FL_IS_LAB (self), FALSE);

  if (node != NULL)
    *node = self->client_vm_node;
  if (vmid != NULL)
    *vmid = self->client_vmid;
  return self->client_vm_node != NULL;
}

void
fl_lab_set_client (FlLab          *self,
                   const char     *name,
                   FlClientAccess  access,
                   const char     *vm_node,
                   guint           vmid)
{
  g_return_if_fail (FL_IS_LAB (self));

  self->has_client = name != NULL;
  set_str (&self->client_name, name);
  set_str (&self->client_vm_node, vm_node);
  self->client_vmid = vm_node != NULL ? vmid : 0;
  self->client_access = access;
}

const char *
fl_lab_get_reference_host (FlLab *self)
{
  g_return_val_if_fail (FL_IS_LAB (self), NULL);
  return self->reference_host;
}

void
fl_lab_set_reference_host (FlLab      *self,
                           const char *host)
{
  g_return_if_fail (FL_IS_LAB (self));
  set_str (&self->reference_host, host);
}

FlHypervisorKind
fl_lab_get_hypervisor_kind (FlLab *self)
{
  g_return_val_if_fail (FL_IS_LAB (self), FL_HYPERVISOR_NONE);
  return self->hv_kind;
}

const char *
fl_lab_get_hypervisor_url (FlLab *self)
{
  g_return_val_if_fail (FL_IS_LAB (self), NULL);
  return self->hv_url;
}

const char *
fl_lab_get_hypervisor_token_id (FlLab *self)
{
  g_return_val_if_fail (FL_IS_LAB (self), NULL);
  return self->hv_token_id;
}

const char *
fl_lab_get_hypervisor_user (FlLab *self)
{
  g_return_val_if_fail (FL_IS_LAB (self), NULL);
  return self->hv_user;
}

const char *
fl_lab_get_hypervisor_fingerprint (FlLab *self)
{
  g_return_val_if_fail (FL_IS_LAB (self), NULL);
  return self->hv_fingerprint;
}

/**
 * fl_lab_set_hypervisor_fingerprint:
 * @fingerprint: (nullable): a SHA-256 fingerprint the user accepted (trust on first use)
 */
void
fl_lab_set_hypervisor_fingerprint (FlLab      *self,
                                   const char *fingerprint)
{
  g_return_if_fail (FL_IS_LAB (self));
  set_str (&self->hv_fingerprint, fingerprint);
}

const char *
fl_lab_get_hypervisor_host (FlLab *self)
{
  g_return_val_if_fail (FL_IS_LAB (self), NULL);
  return self->hv_host;
}

guint
fl_lab_get_hypervisor_port (FlLab *self)
{
  g_return_val_if_fail (FL_IS_LAB (self), 0);
  return self->hv_port;
}

const char *
fl_lab_get_hypervisor_known_hosts (FlLab *self)
{
  g_return_val_if_fail (FL_IS_LAB (self), NULL);
  return self->hv_known_hosts;
}

void
fl_lab_set_proxmox_api (FlLab      *self,
                        const char *url,
                        const char *token_id,
                        const char *user,
                        const char *fingerprint)
{
  g_return_if_fail (FL_IS_LAB (self));

  self->hv_kind = FL_HYPERVISOR_PROXMOX_API;
  set_str (&self->hv_url, url);
  set_str (&self->hv_token_id, token_id);
  set_str (&self->hv_user, user);
  set_str (&self->hv_fingerprint, fingerprint);
  set_str (&self->hv_host, NULL);
  set_str (&self->hv_known_hosts, NULL);
  self->hv_port = 0;
}

void
fl_lab_set_proxmox_ssh (FlLab      *self,
                        const char *host,
                        const char *user,
                        guint       port,
                        const char *known_hosts)
{
  g_return_if_fail (FL_IS_LAB (self));

  self->hv_kind = FL_HYPERVISOR_PROXMOX_SSH;
  set_str (&self->hv_host, host);
  set_str (&self->hv_user, user);
  set_str (&self->hv_known_hosts, known_hosts);
  set_str (&self->hv_url, NULL);
  set_str (&self->hv_token_id, NULL);
  set_str (&self->hv_fingerprint, NULL);
  self->hv_port = port ? port : 22;
}

const char *
fl_lab_get_user_principal (FlLab *self)
{
  g_return_val_if_fail (FL_IS_LAB (self), NULL);
  return self->cred_user;
}

const char *
fl_lab_get_machine_principal (FlLab *self)
{
  g_return_val_if_fail (FL_IS_LAB (self), NULL);
  return self->cred_machine;
}

const char *
fl_lab_get_keytab (FlLab *self)
{
  g_return_val_if_fail (FL_IS_LAB (self), NULL);
  return self->cred_keytab;
}

static int
compare_lines (gconstpointer a,
               gconstpointer b)
{
  return g_strcmp0 (*(char * const *)a, *(char * const *)b);
}

/**
 * fl_lab_get_identity:
 *
 * What the lab is, for what may be stored for it (the user's password): its domain, realm and
 * each DC's host and address, in any order. Another file naming the same DCs is the same lab;
 * one that names other addresses is not.
 *
 * Returns: (transfer full): a fingerprint of all that (hex)
 */
char *
fl_lab_get_identity (FlLab *self)
{
  g_autoptr(GPtrArray) lines = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GChecksum) sum = g_checksum_new (G_CHECKSUM_SHA256);
  g_autofree char *domain = NULL, *realm = NULL;

  g_return_val_if_fail (FL_IS_LAB (self), NULL);

  for (guint i = 0; i < fl_lab_get_n_controllers (self); i++)
    {
      FlLabController *c = fl_lab_get_controller (self, i);
      g_autofree char *host = g_ascii_strdown (fl_lab_controller_get_host (c), -1);

      g_ptr_array_add (lines, g_strdup_printf ("%s=%s", host, fl_lab_controller_get_address (c)));
    }
  g_ptr_array_sort (lines, compare_lines);
  domain = g_ascii_strdown (fl_lab_get_domain (self), -1);
  realm = g_ascii_strup (fl_lab_get_realm (self) ? fl_lab_get_realm (self) : fl_lab_get_domain (self), -1);
  g_checksum_update (sum, (const guchar *)domain, -1);
  g_checksum_update (sum, (const guchar *)"\n", 1);
  g_checksum_update (sum, (const guchar *)realm, -1);
  for (guint i = 0; i < lines->len; i++)
    {
      g_checksum_update (sum, (const guchar *)"\n", 1);
      g_checksum_update (sum, lines->pdata[i], -1);
    }
  return g_strndup (g_checksum_get_string (sum), 32);
}

const char *
fl_lab_get_keyring_key (FlLab *self)
{
  g_return_val_if_fail (FL_IS_LAB (self), NULL);
  return self->cred_keyring_key;
}

void
fl_lab_set_credentials (FlLab      *self,
                        const char *user_principal,
                        const char *machine_principal,
                        const char *keytab,
                        const char *keyring_key)
{
  g_return_if_fail (FL_IS_LAB (self));

  set_str (&self->cred_user, user_principal);
  set_str (&self->cred_machine, machine_principal);
  set_str (&self->cred_keytab, keytab);
  set_str (&self->cred_keyring_key, keyring_key);
}

guint
fl_lab_get_interval_ms (FlLab *self)
{
  g_return_val_if_fail (FL_IS_LAB (self), FL_LAB_INTERVAL_DEFAULT_MS);
  return self->interval_ms;
}

guint
fl_lab_get_deadline_ms (FlLab *self)
{
  g_return_val_if_fail (FL_IS_LAB (self), FL_LAB_DEADLINE_DEFAULT_MS);
  return self->deadline_ms;
}

void
fl_lab_set_probe_timing (FlLab *self,
                         guint  interval_ms,
                         guint  deadline_ms)
{
  g_return_if_fail (FL_IS_LAB (self));

  self->interval_ms = interval_ms;
  self->deadline_ms = deadline_ms;
}
