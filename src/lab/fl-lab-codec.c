/* fl-lab-codec.c: lab files: JSON ("format": 1) to an FlLab and back. Strict on the way in:
 * unknown keys are refused (with the likely meant one), keys and values that look like secrets
 * are refused, nesting and sizes are bounded; every error names the JSON path at fault.
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
#include "fl-lab-enums.h"
#include "fl-lab-private.h"
#include "fl-probe-types.h"

#define MAX_NESTING 32

static const char * const top_keys[] = {
  "format", "name", "domain", "realm", "netbios", "controllers", "client", "reference_host",
  "hypervisor", "credentials", "probe", NULL
};
static const char * const controller_keys[] = { "name", "host", "address", "site", "vm", NULL };
static const char * const vm_keys[] = { "node", "vmid", NULL };
static const char * const client_keys[] = { "name", "vm", "access", "poll_ms", "codepage", "ssh", NULL };
static const char * const client_ssh_keys[] = { "host", "user", "port", "known_hosts", NULL };
static const char * const api_keys[] = { "type", "url", "token_id", "user", "fingerprint", NULL };
static const char * const ssh_keys[] = { "type", "host", "user", "port", "known_hosts", NULL };
static const char * const hv_all_keys[] = {
  "type", "url", "token_id", "user", "fingerprint", "host", "port", "known_hosts", NULL
};
static const char * const credentials_keys[] = { "user", "machine", "keytab", "keyring_key", NULL };
static const char * const probe_keys[] = { "interval_ms", "deadline_ms", NULL };

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

/* ------------------------------------------------------------------------------------------ */
/* the loader */

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
          g_autofree char *where = fl_json_path_join (path, key);

          g_set_error (error, FL_LAB_ERROR, FL_LAB_ERROR_SECRET,
                       _("%s: looks like a secret, and a lab file never holds secrets: store "
                         "it in the keyring (Preferences), or give it to failoverctl through "
                         "FAILOVER_LAB_PASSWORD, --password-file or a keytab"),
                       where);
          return FALSE;
        }
    }

  return fl_json_check_keys (object, path, known, FL_LAB_ERROR, FL_LAB_ERROR_UNKNOWN_KEY, error);
}

static void
set_type_error (GError     **error,
                const char  *where,
                const char  *expected,
                JsonNode    *node)
{
  fl_json_set_type_error (error, FL_LAB_ERROR, FL_LAB_ERROR_TYPE, where, expected, node);
}


/* Returns FALSE with @error set on a problem; *out stays NULL when absent and optional. */
/* the member @key, a JSON value of @type; *node stays NULL when it is absent and may be */
static gboolean
get_value (JsonObject  *object,
           const char  *where,
           const char  *key,
           gboolean     required,
           GType        type,
           const char  *type_text,
           JsonNode   **node,
           GError     **error)
{
  const FlJsonErrors errors = { FL_LAB_ERROR, FL_LAB_ERROR_MISSING, FL_LAB_ERROR_TYPE };

  return fl_json_get_value (object, where, key, required, type, type_text, &errors, node, error);
}

static gboolean
get_string (JsonObject  *object,
            const char  *path,
            const char  *key,
            gboolean     required,
            char       **out,
            GError     **error)
{
  g_autofree char *where = fl_json_path_join (path, key);
  JsonNode *node = NULL;
  const char *value;

  if (!get_value (object, where, key, required, G_TYPE_STRING, _("a string"), &node, error))
    return FALSE;
  if (node == NULL)
    return TRUE;

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
  g_autofree char *where = fl_json_path_join (path, key);
  JsonNode *node = NULL;
  gint64 value;

  if (!get_value (object, where, key, required, G_TYPE_INT64, _("an integer"), &node, error))
    return FALSE;
  if (node == NULL)
    return TRUE;

  value = json_node_get_int (node);
  if (value < min || value > max)
    {
      fl_lab_set_range_error (error, where, value, min, max);
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
  g_autofree char *where = fl_json_path_join (path, key);
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
  g_autofree char *where = fl_json_path_join (path, "vm");
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
  int value;
  g_autofree char *access = NULL;
  JsonObject *client;

  client = get_object (root, NULL, "client", FALSE, error);
  if (client == NULL)
    return *error == NULL;

  if (!check_keys (client, "client", client_keys, error) ||
      !get_string (client, "client", "name", TRUE, &self->client_name, error) ||
      !get_string (client, "client", "access", FALSE, &access, error) ||
      !load_vm (client, "client", &self->client_vm_node, &self->client_vmid, error) ||
      !get_uint (client, "client", "poll_ms", FALSE, FL_LAB_CLIENT_POLL_MIN_MS, FL_LAB_CLIENT_POLL_MAX_MS,
                 &self->client_poll_ms, error) ||
      !get_string (client, "client", "codepage", FALSE, &self->client_codepage, error))
    return FALSE;
  /* a code page the console may use: a name iconv knows, never anything else */
  if (self->client_codepage != NULL && !fl_lab_codepage_valid (self->client_codepage))
    {
      g_set_error (error, FL_LAB_ERROR, FL_LAB_ERROR_VALUE,
                   _("%s: \"%s\" is not a code page (for example CP932 or CP437)"),
                   "client.codepage", self->client_codepage);
      return FALSE;
    }

  if (access == NULL)
    self->client_access = FL_CLIENT_ACCESS_LOCAL;
  else if (fl_enum_from_nick (FL_TYPE_CLIENT_ACCESS, access, &value))
    self->client_access = (FlClientAccess)value;
  else
    {
      g_set_error (error, FL_LAB_ERROR, FL_LAB_ERROR_VALUE,
                   _("%s: \"%s\" is not an access method (local, guest-agent, ssh or none)"),
                   "client.access", access);
      return FALSE;
    }

  if (json_object_has_member (client, "ssh"))
    {
      JsonObject *ssh = get_object (client, "client", "ssh", TRUE, error);

      if (ssh == NULL)
        return FALSE;
      self->client_ssh.port = 22;
      if (!check_keys (ssh, "client.ssh", client_ssh_keys, error) ||
          !get_string (ssh, "client.ssh", "host", TRUE, &self->client_ssh.host, error) ||
          !get_string (ssh, "client.ssh", "user", TRUE, &self->client_ssh.user, error) ||
          !get_uint (ssh, "client.ssh", "port", FALSE, 1, 65535, &self->client_ssh.port, error) ||
          !get_string (ssh, "client.ssh", "known_hosts", FALSE, &self->client_ssh.known_hosts, error))
        return FALSE;
    }
  if (self->client_access == FL_CLIENT_ACCESS_SSH && self->client_ssh.host == NULL)
    {
      g_set_error (error, FL_LAB_ERROR, FL_LAB_ERROR_MISSING,
                   _("%s: \"ssh\" needs %s (its OpenSSH server: host and user)"), "client.access", "client.ssh");
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
  int kind;

  hv = get_object (root, NULL, "hypervisor", FALSE, error);
  if (hv == NULL)
    return *error == NULL;

  /* secrets are refused whatever the type */
  if (!check_keys (hv, "hypervisor", hv_all_keys, error))
    return FALSE;

  if (!get_string (hv, "hypervisor", "type", TRUE, &type, error))
    return FALSE;

  if (!fl_enum_from_nick (FL_TYPE_HYPERVISOR_KIND, type, &kind) || kind == FL_HYPERVISOR_NONE)
    {
      g_set_error (error, FL_LAB_ERROR, FL_LAB_ERROR_VALUE,
                   _("%s: \"%s\" is not a hypervisor type (proxmox-api or proxmox-ssh)"),
                   "hypervisor.type", type);
      return FALSE;
    }
  if (kind == FL_HYPERVISOR_PROXMOX_API)
    {
      FlLabProxmoxApi *api = &self->hv.api;
      g_autofree char *written = NULL;

      self->hv.kind = FL_HYPERVISOR_PROXMOX_API;
      if (!check_keys (hv, "hypervisor", api_keys, error) ||
          !get_string (hv, "hypervisor", "url", TRUE, &api->url, error) ||
          !get_string (hv, "hypervisor", "token_id", FALSE, &api->token_id, error) ||
          !get_string (hv, "hypervisor", "user", FALSE, &api->user, error) ||
          !get_string (hv, "hypervisor", "fingerprint", FALSE, &written, error))
        return FALSE;
      fl_lab_set_api_fingerprint (api, written);
    }
  else
    {
      FlLabProxmoxSsh *ssh = &self->hv.ssh;

      self->hv.kind = FL_HYPERVISOR_PROXMOX_SSH;
      ssh->port = 22;
      if (!check_keys (hv, "hypervisor", ssh_keys, error) ||
          !get_string (hv, "hypervisor", "host", TRUE, &ssh->host, error) ||
          !get_string (hv, "hypervisor", "user", FALSE, &ssh->user, error) ||
          !get_uint (hv, "hypervisor", "port", FALSE, 1, 65535, &ssh->port, error) ||
          !get_string (hv, "hypervisor", "known_hosts", FALSE, &ssh->known_hosts, error))
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
      if (self->client_poll_ms != FL_LAB_CLIENT_POLL_DEFAULT_MS)
        {
          json_builder_set_member_name (builder, "poll_ms");
          json_builder_add_int_value (builder, self->client_poll_ms);
        }
      add_string (builder, "codepage", self->client_codepage);
      if (self->client_ssh.host != NULL)
        {
          json_builder_set_member_name (builder, "ssh");
          json_builder_begin_object (builder);
          add_string (builder, "host", self->client_ssh.host);
          add_string (builder, "user", self->client_ssh.user);
          if (self->client_ssh.port != 22)
            {
              json_builder_set_member_name (builder, "port");
              json_builder_add_int_value (builder, self->client_ssh.port);
            }
          add_string (builder, "known_hosts", self->client_ssh.known_hosts);
          json_builder_end_object (builder);
        }
      json_builder_end_object (builder);
    }

  add_string (builder, "reference_host", self->reference_host);

  if (self->hv.kind != FL_HYPERVISOR_NONE)
    {
      json_builder_set_member_name (builder, "hypervisor");
      json_builder_begin_object (builder);
      add_string (builder, "type", fl_hypervisor_kind_to_string (self->hv.kind));
      if (self->hv.kind == FL_HYPERVISOR_PROXMOX_API)
        {
          add_string (builder, "url", self->hv.api.url);
          add_string (builder, "token_id", self->hv.api.token_id);
          add_string (builder, "user", self->hv.api.user);
          add_string (builder, "fingerprint", self->hv.api.fingerprint);
        }
      else
        {
          add_string (builder, "host", self->hv.ssh.host);
          add_string (builder, "user", self->hv.ssh.user);
          json_builder_set_member_name (builder, "port");
          json_builder_add_int_value (builder, self->hv.ssh.port);
          add_string (builder, "known_hosts", self->hv.ssh.known_hosts);
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
