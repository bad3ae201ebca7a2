/* fl-pve.c: Proxmox VE wire formats (see fl-pve.h and the Proxmox VE API documentation)
 *
 * Copyright 2026 The Failover Lab authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "fl-pve"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <stdlib.h>
#include <string.h>

#include "fl-hypervisor.h"
#include "fl-json-util.h"
#include "fl-pve.h"

G_DEFINE_QUARK (fl-pve-error-quark, fl_pve_error)

/* ------------------------------------------------------------------------------------------ */
/* UPIDs */

static gboolean
parse_hex (const char *text,
           guint       max_digits,
           guint64    *value)
{
  char *end = NULL;
  gsize len = strlen (text);

  if (len == 0 || len > max_digits || !g_ascii_isxdigit (text[0]))
    return FALSE;
  *value = g_ascii_strtoull (text, &end, 16);
  return end != NULL && *end == '\0';
}

static gboolean
valid_node_name (const char *name)
{
  gsize len = strlen (name);

  if (len == 0 || !g_ascii_isalnum (name[0]) || !g_ascii_isalnum (name[len - 1]))
    return FALSE;
  for (gsize i = 0; i < len; i++)
    if (!g_ascii_isalnum (name[i]) && name[i] != '-')
      return FALSE;
  return TRUE;
}

/**
 * fl_pve_upid_parse:
 * @upid: (out caller-allocates): filled in on success; clear with fl_pve_upid_clear()
 *
 * Parses `UPID:<node>:<pid>:<pstart>:<starttime>:<type>:<id>:<user>:` (hex case-insensitive,
 * pstart 8 or 9 digits, id may be empty, user may be a token `user@realm!name`).
 */
gboolean
fl_pve_upid_parse (const char *text,
                   FlPveUpid  *upid)
{
  g_auto(GStrv) parts = NULL;
  guint64 pid, pstart, starttime;

  memset (upid, 0, sizeof *upid);
  if (text == NULL || !g_str_has_prefix (text, "UPID:") || !g_str_has_suffix (text, ":"))
    return FALSE;
  parts = g_strsplit (text, ":", -1);
  /* "UPID", 7 fields, and the empty string after the trailing colon */
  if (g_strv_length (parts) != 9 || *parts[8] != '\0')
    return FALSE;
  if (!valid_node_name (parts[1]) ||
      !parse_hex (parts[2], 8, &pid) ||
      !parse_hex (parts[3], 9, &pstart) ||
      !parse_hex (parts[4], 8, &starttime) ||
      *parts[5] == '\0' || *parts[7] == '\0' || strchr (parts[7], '@') == NULL)
    return FALSE;
  upid->node = g_strdup (parts[1]);
  upid->pid = (guint)pid;
  upid->pstart = pstart;
  upid->starttime = (gint64)starttime;
  upid->type = g_strdup (parts[5]);
  upid->id = g_strdup (parts[6]);
  upid->user = g_strdup (parts[7]);
  return TRUE;
}

void
fl_pve_upid_clear (FlPveUpid *upid)
{
  g_clear_pointer (&upid->node, g_free);
  g_clear_pointer (&upid->type, g_free);
  g_clear_pointer (&upid->id, g_free);
  g_clear_pointer (&upid->user, g_free);
}

char *
fl_pve_upid_format (const char *node,
                    guint       pid,
                    guint64     pstart,
                    gint64      starttime,
                    const char *type,
                    const char *id,
                    const char *user)
{
  return g_strdup_printf ("UPID:%s:%08X:%08" G_GINT64_MODIFIER "X:%08X:%s:%s:%s:", node, pid, pstart,
                          (guint)starttime, type, id ? id : "", user);
}

/**
 * fl_pve_task_exit_ok:
 *
 * Returns: whether a task's `exitstatus` means success: `OK` or `WARNINGS: n`
 */
gboolean
fl_pve_task_exit_ok (const char *exitstatus)
{
  return g_strcmp0 (exitstatus, "OK") == 0 ||
         (exitstatus != NULL && g_str_has_prefix (exitstatus, "WARNINGS: "));
}

/* ------------------------------------------------------------------------------------------ */
/* property strings (netN) */

typedef struct
{
  char *key;
  char *value;
} Pair;

static void
pair_free (gpointer data)
{
  Pair *p = data;

  g_free (p->key);
  g_free (p->value);
  g_free (p);
}

/**
 * fl_pve_property_parse:
 *
 * Splits a property string (`virtio=BC:24:11:2E:C5:4A,bridge=vmbr0,link_down=1`) into its
 * pairs, in order. Every item must be `key=value`.
 *
 * Returns: (transfer full) (element-type Pair): the pairs, for the other fl_pve_property_*
 */
GPtrArray *
fl_pve_property_parse (const char  *text,
                       GError     **error)
{
  g_autoptr(GPtrArray) pairs = g_ptr_array_new_with_free_func (pair_free);
  g_auto(GStrv) items = NULL;

  if (text == NULL || *text == '\0')
    {
      g_set_error (error, FL_PVE_ERROR, FL_PVE_ERROR_PROTOCOL, _("empty network device"));
      return NULL;
    }
  items = g_strsplit (text, ",", -1);
  for (guint i = 0; items[i] != NULL; i++)
    {
      const char *eq = strchr (items[i], '=');
      Pair *p;

      if (eq == NULL || eq == items[i])
        {
          g_set_error (error, FL_PVE_ERROR, FL_PVE_ERROR_PROTOCOL,
                       _("“%s” in the network device “%s” is not key=value"), items[i], text);
          return NULL;
        }
      p = g_new0 (Pair, 1);
      p->key = g_strndup (items[i], eq - items[i]);
      p->value = g_strdup (eq + 1);
      g_ptr_array_add (pairs, p);
      /* as Proxmox's own parser: a key once */
      for (guint j = 0; j + 1 < pairs->len; j++)
        if (g_str_equal (((Pair *)pairs->pdata[j])->key, p->key))
          {
            g_set_error (error, FL_PVE_ERROR, FL_PVE_ERROR_PROTOCOL,
                         _("“%s” appears twice in the network device “%s”"), p->key, text);
            return NULL;
          }
    }
  return g_steal_pointer (&pairs);
}

char *
fl_pve_property_print (GPtrArray *pairs)
{
  GString *s = g_string_new (NULL);

  for (guint i = 0; i < pairs->len; i++)
    {
      const Pair *p = pairs->pdata[i];

      g_string_append_printf (s, "%s%s=%s", i ? "," : "", p->key, p->value);
    }
  return g_string_free (s, FALSE);
}

const char *
fl_pve_property_get (GPtrArray  *pairs,
                     const char *key)
{
  for (guint i = 0; i < pairs->len; i++)
    if (g_str_equal (((Pair *)pairs->pdata[i])->key, key))
      return ((Pair *)pairs->pdata[i])->value;
  return NULL;
}

/**
 * fl_pve_property_set:
 * @value: (nullable): %NULL removes @key
 *
 * Changes @key in place, or adds it where Proxmox prints it: after the model=MAC item, in
 * alphabetical order among the other keys.
 */
void
fl_pve_property_set (GPtrArray  *pairs,
                     const char *key,
                     const char *value)
{
  guint at;

  for (guint i = 0; i < pairs->len; i++)
    {
      Pair *p = pairs->pdata[i];

      if (g_str_equal (p->key, key))
        {
          if (value == NULL)
            g_ptr_array_remove_index (pairs, i);
          else
            {
              g_free (p->value);
              p->value = g_strdup (value);
            }
          return;
        }
    }
  if (value == NULL)
    return;
  /* after the last key that sorts before it (the model=MAC item stays first) */
  at = MIN (1, pairs->len);
  for (guint i = 1; i < pairs->len; i++)
    if (strcmp (((Pair *)pairs->pdata[i])->key, key) < 0)
      at = i + 1;
  {
    Pair *p = g_new0 (Pair, 1);

    p->key = g_strdup (key);
    p->value = g_strdup (value);
    g_ptr_array_insert (pairs, (int)at, p);
  }
}

static gboolean
property_true (const char *value)
{
  return value != NULL && (g_str_equal (value, "1") || g_ascii_strcasecmp (value, "yes") == 0 ||
                           g_ascii_strcasecmp (value, "on") == 0 || g_ascii_strcasecmp (value, "true") == 0);
}

/**
 * fl_pve_net_set_link:
 * @net: the VM's current netN value, as GET config gave it
 *
 * The cable: sets or clears `link_down` and keeps everything else, the model and MAC above
 * all (a netN value without its MAC gets a new random one: a new adapter for Windows).
 *
 * Returns: (transfer full): the value to PUT, %NULL when @net has no model=MAC first item
 */
char *
fl_pve_net_set_link (const char  *net,
                     gboolean     link_down,
                     GError     **error)
{
  g_autoptr(GPtrArray) pairs = fl_pve_property_parse (net, error);
  const char *first;

  if (pairs == NULL)
    return NULL;
  first = ((Pair *)pairs->pdata[0])->value;
  /* the first item is model=MAC (or the long form model=…,macaddr=…) */
  if (fl_pve_property_get (pairs, "macaddr") == NULL &&
      (strlen (first) != 17 || first[2] != ':' || first[14] != ':'))
    {
      g_set_error (error, FL_PVE_ERROR, FL_PVE_ERROR_PROTOCOL,
                   _("the network device “%s” has no MAC address: changing it would give the VM a "
                     "new network adapter"), net);
      return NULL;
    }
  fl_pve_property_set (pairs, "link_down", link_down ? "1" : NULL);
  return fl_pve_property_print (pairs);
}

gboolean
fl_pve_net_link_down (const char *net)
{
  g_autoptr(GPtrArray) pairs = fl_pve_property_parse (net, NULL);

  return pairs != NULL && property_true (fl_pve_property_get (pairs, "link_down"));
}

/* ------------------------------------------------------------------------------------------ */
/* responses */

static char *
chomp_dup (const char *text)
{
  /* a reason phrase or a command's stderr: the server's bytes, valid UTF-8 from here on */
  char *s = g_utf8_make_valid (text, -1);

  return g_strstrip (s);
}

/* "Permission check failed (/vms/100, VM.PowerMgmt)" → path and privilege */
static gboolean
split_permission (const char  *reason,
                  char       **path,
                  char       **priv)
{
  const char *open = strrchr (reason, '(');
  const char *comma = open ? strchr (open, ',') : NULL;
  const char *close = comma ? strchr (comma, ')') : NULL;

  if (close == NULL)
    return FALSE;
  *path = g_strstrip (g_strndup (open + 1, comma - open - 1));
  *priv = g_strstrip (g_strndup (comma + 1, close - comma - 1));
  return **path != '\0' && **priv != '\0';
}

/**
 * fl_pve_parse_response:
 * @status: the HTTP status
 * @reason: (nullable): the reason phrase: Proxmox puts its error text there
 * @body: (array length=length) (nullable): the body
 *
 * Turns an API answer into its `data`, or an error a user can act on: 401 bad credentials,
 * 403 naming the missing privilege, 400 with every parameter's complaint, 500 with the
 * server's message ("VM is locked (backup)"), 595–599 the node behind the proxy.
 *
 * Returns: (transfer full): the `data` member (a JSON null node for `{"data":null}`)
 */
JsonNode *
fl_pve_parse_response (guint        status,
                       const char  *reason,
                       const char  *body,
                       gsize        length,
                       GError     **error)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) json_error = NULL;
  g_autofree char *why = chomp_dup (reason ? reason : "");
  JsonObject *object = NULL;
  gboolean parsed = FALSE;

  if (length > FL_PVE_MAX_BODY)
    {
      g_set_error (error, FL_PVE_ERROR, FL_PVE_ERROR_PROTOCOL,
                   _("The server's answer is larger than %d MiB: is this a Proxmox VE API?"), FL_PVE_MAX_BODY >> 20);
      return NULL;
    }
  if (body != NULL && length > 0 && fl_json_max_nesting (body, length) > FL_PVE_MAX_NESTING)
    {
      g_set_error (error, FL_PVE_ERROR, FL_PVE_ERROR_PROTOCOL,
                   _("The server's answer nests JSON deeper than %d levels: is this a Proxmox VE API?"),
                   FL_PVE_MAX_NESTING);
      return NULL;
    }
  if (body != NULL && length > 0 && g_utf8_validate_len (body, length, NULL))
    parsed = json_parser_load_from_data (parser, body, (gssize)length, &json_error) &&
             json_parser_get_root (parser) != NULL;   /* white space parses, to nothing */
  if (parsed && JSON_NODE_HOLDS_OBJECT (json_parser_get_root (parser)))
    object = json_node_get_object (json_parser_get_root (parser));

  if (status == 200)
    {
      if (!parsed)
        {
          g_set_error (error, FL_PVE_ERROR, FL_PVE_ERROR_PROTOCOL,
                       _("The server's answer is not JSON (%s): is this a Proxmox VE API?"),
                       json_error ? json_error->message : _("empty body"));
          return NULL;
        }
      if (object == NULL || !json_object_has_member (object, "data"))
        {
          g_set_error (error, FL_PVE_ERROR, FL_PVE_ERROR_PROTOCOL,
                       _("The server's answer has no “data”: is this a Proxmox VE API?"));
          return NULL;
        }
      return json_node_copy (json_object_get_member (object, "data"));
    }

  /* newer servers repeat the full message in the body */
  if (object != NULL && json_object_has_member (object, "message") &&
      JSON_NODE_HOLDS_VALUE (json_object_get_member (object, "message")) &&
      json_node_get_value_type (json_object_get_member (object, "message")) == G_TYPE_STRING)
    {
      g_free (why);
      why = chomp_dup (json_object_get_string_member (object, "message"));
    }

  switch (status)
    {
    case 401:
      if (g_strcmp0 (why, "No ticket") == 0)
        g_set_error (error, FL_PVE_ERROR, FL_PVE_ERROR_AUTH,
                     _("Proxmox VE asked for credentials: none were sent"));
      else
        g_set_error (error, FL_PVE_ERROR, FL_PVE_ERROR_AUTH,
                     _("Proxmox VE refused the credentials (%s): check the API token ID and secret, "
                       "or the user and password"), *why ? why : _("authentication failed"));
      return NULL;

    case 403:
      {
        g_autofree char *path = NULL, *priv = NULL;

        if (split_permission (why, &path, &priv))
          g_set_error (error, FL_PVE_ERROR, FL_PVE_ERROR_PERMISSION,
                       _("Permission denied: the Proxmox user or token lacks %s on %s"), priv, path);
        else
          g_set_error (error, FL_PVE_ERROR, FL_PVE_ERROR_PERMISSION, _("Permission denied: %s"), why);
        return NULL;
      }

    case 400:
      {
        g_autoptr(GString) s = g_string_new (why);
        JsonObject *errors = object && json_object_has_member (object, "errors") &&
                             JSON_NODE_HOLDS_OBJECT (json_object_get_member (object, "errors"))
                             ? json_object_get_object_member (object, "errors") : NULL;

        if (errors != NULL)
          {
            g_autoptr(GList) members = json_object_get_members (errors);

            for (GList *l = members; l != NULL; l = l->next)
              {
                JsonNode *n = json_object_get_member (errors, l->data);
                g_autofree char *text = JSON_NODE_HOLDS_VALUE (n) &&
                                        json_node_get_value_type (n) == G_TYPE_STRING
                                        ? chomp_dup (json_node_get_string (n)) : g_strdup ("?");

                g_string_append_printf (s, "%s%s: %s", l == members ? " — " : "; ", (char *)l->data, text);
              }
          }
        g_set_error (error, FL_PVE_ERROR, FL_PVE_ERROR_PARAMETER, _("Proxmox VE refused the request: %s"), s->str);
        return NULL;
      }

    case 500:
      g_set_error (error, FL_PVE_ERROR, FL_PVE_ERROR_SERVER, "%s", *why ? why : _("internal server error"));
      return NULL;

    case 501:
      g_set_error (error, FL_PVE_ERROR, FL_PVE_ERROR_NOT_IMPLEMENTED,
                   _("Proxmox VE does not know this call (%s): is the server too old?"), why);
      return NULL;

    case 595:
    case 596:
    case 597:
    case 599:
      g_set_error (error, FL_PVE_ERROR, FL_PVE_ERROR_NODE_UNREACHABLE,
                   _("The Proxmox node that holds the VM cannot be reached (%u %s): is it down?"),
                   status, why);
      return NULL;

    default:
      g_set_error (error, FL_PVE_ERROR, FL_PVE_ERROR_PROTOCOL, _("Unexpected answer from Proxmox VE: %u %s"),
                   status, why);
      return NULL;
    }
}

/* ------------------------------------------------------------------------------------------ */
/* VM status */

/**
 * fl_pve_json_get_int:
 *
 * Numbers arrive as JSON numbers or as strings ("4096"), depending on the version: both count.
 */
gboolean
fl_pve_json_get_int (JsonObject *object,
                     const char *member,
                     gint64     *value)
{
  JsonNode *node = json_object_get_member (object, member);

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node))
    return FALSE;
  switch (json_node_get_value_type (node))
    {
    case G_TYPE_INT64:
      *value = json_node_get_int (node);
      return TRUE;
    case G_TYPE_DOUBLE:
      return fl_json_double_to_int (json_node_get_double (node), value);
    case G_TYPE_BOOLEAN:
      *value = json_node_get_boolean (node);
      return TRUE;
    case G_TYPE_STRING:
      {
        const char *s = json_node_get_string (node);
        char *end = NULL;

        *value = g_ascii_strtoll (s, &end, 10);
        return *s != '\0' && end != NULL && *end == '\0';
      }
    default:
      return FALSE;
    }
}

static char *
dup_string_member (JsonObject *object,
                   const char *member)
{
  JsonNode *node = json_object_get_member (object, member);

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_STRING)
    return NULL;
  return g_strdup (json_node_get_string (node));
}

/**
 * fl_pve_parse_vm_status:
 * @data: the `data` of `GET …/status/current`
 * @status: (out caller-allocates): clear with fl_pve_vm_status_clear()
 */
gboolean
fl_pve_parse_vm_status (JsonNode       *data,
                        FlPveVmStatus  *status,
                        GError        **error)
{
  JsonObject *o;
  gint64 v = 0;

  memset (status, 0, sizeof *status);
  if (data == NULL || !JSON_NODE_HOLDS_OBJECT (data))
    goto bad;
  o = json_node_get_object (data);
  status->status = dup_string_member (o, "status");
  if (status->status == NULL)
    goto bad;
  status->qmpstatus = dup_string_member (o, "qmpstatus");
  if (status->qmpstatus == NULL)
    status->qmpstatus = g_strdup (status->status);
  status->name = dup_string_member (o, "name");
  status->lock = dup_string_member (o, "lock");
  if (fl_pve_json_get_int (o, "uptime", &v))
    status->uptime = v;
  status->agent = fl_pve_json_get_int (o, "agent", &v) && v != 0;
  if (json_object_has_member (o, "ha") && JSON_NODE_HOLDS_OBJECT (json_object_get_member (o, "ha")))
    {
      JsonObject *ha = json_object_get_object_member (o, "ha");

      status->ha_managed = fl_pve_json_get_int (ha, "managed", &v) && v != 0;
      if (status->ha_managed)
        status->ha_state = dup_string_member (ha, "state");
    }
  return TRUE;

bad:
  fl_pve_vm_status_clear (status);
  g_set_error (error, FL_PVE_ERROR, FL_PVE_ERROR_PROTOCOL, _("The VM status from Proxmox VE has no “status”"));
  return FALSE;
}

void
fl_pve_vm_status_clear (FlPveVmStatus *status)
{
  g_clear_pointer (&status->status, g_free);
  g_clear_pointer (&status->qmpstatus, g_free);
  g_clear_pointer (&status->name, g_free);
  g_clear_pointer (&status->lock, g_free);
  g_clear_pointer (&status->ha_state, g_free);
}

/**
 * fl_pve_find_vm_node:
 * @resources: the `data` of `GET /cluster/resources?type=vm`
 *
 * Returns: (transfer full) (nullable): the node of QEMU VM @vmid
 */
char *
fl_pve_find_vm_node (JsonNode *resources,
                     guint     vmid)
{
  JsonArray *a;

  if (resources == NULL || !JSON_NODE_HOLDS_ARRAY (resources))
    return NULL;
  a = json_node_get_array (resources);
  for (guint i = 0; i < json_array_get_length (a); i++)
    {
      JsonNode *n = json_array_get_element (a, i);
      JsonObject *o;
      g_autofree char *type = NULL;
      gint64 id = 0;

      if (!JSON_NODE_HOLDS_OBJECT (n))
        continue;
      o = json_node_get_object (n);
      type = dup_string_member (o, "type");
      if (g_strcmp0 (type, "qemu") == 0 && fl_pve_json_get_int (o, "vmid", &id) && id == vmid)
        return dup_string_member (o, "node");
    }
  return NULL;
}

/**
 * fl_pve_fingerprint:
 * @der: the certificate, DER
 *
 * Returns: (transfer full): its SHA-256 as Proxmox prints it: upper-case hex pairs joined by ':'
 */
char *
fl_pve_fingerprint (const guint8 *der,
                    gsize         length)
{
  g_autoptr(GChecksum) sum = g_checksum_new (G_CHECKSUM_SHA256);
  guint8 digest[32];
  gsize n = sizeof digest;
  GString *s = g_string_sized_new (96);

  g_checksum_update (sum, der, length);
  g_checksum_get_digest (sum, digest, &n);
  for (gsize i = 0; i < n; i++)
    g_string_append_printf (s, "%s%02X", i ? ":" : "", digest[i]);
  return g_string_free (s, FALSE);
}

/* ------------------------------------------------------------------------------------------ */
/* the command line: pvesh and qm over SSH */

/* the first line of what a Proxmox CLI printed on stderr, without the task log around it */
static char *
cli_message (const char *err)
{
  g_auto(GStrv) lines = g_strsplit (err ? err : "", "\n", -1);

  for (guint i = 0; lines[i] != NULL; i++)
    {
      char *l = g_strstrip (lines[i]);

      if (*l != '\0')
        return g_strdup (l);
    }
  return g_strdup ("");
}

/**
 * fl_pve_parse_cli:
 * @exit_status: the command's exit status (-1: killed by a signal)
 * @out: (array length=out_len): what it printed on stdout
 * @err: (nullable): on stderr
 *
 * `pvesh … --output-format json` prints the bare `data` (no envelope) on its last line, after
 * the log of a task it ran in the foreground; a failure is a non-zero exit and its reason on
 * stderr. Both become what fl_pve_parse_response() gives for the REST API.
 *
 * Returns: (transfer full): the data (a JSON null node when nothing was printed)
 */
JsonNode *
fl_pve_parse_cli (int          exit_status,
                  const char  *out,
                  gsize        out_len,
                  const char  *err,
                  GError     **error)
{
  g_autofree char *text = NULL;
  g_autofree char *err_text = err ? g_utf8_make_valid (err, -1) : NULL;   /* the node's bytes */
  g_auto(GStrv) lines = NULL;

  err = err_text;
  if (exit_status != 0)
    {
      g_autofree char *why = cli_message (err);

      if (exit_status == 127)
        g_set_error (error, FL_PVE_ERROR, FL_PVE_ERROR_NOT_IMPLEMENTED,
                     _("The SSH host has no Proxmox VE tools (%s): is it a Proxmox VE node?"), why);
      else if (strstr (why, "please run as root") != NULL)
        g_set_error (error, FL_PVE_ERROR, FL_PVE_ERROR_PERMISSION,
                     _("Proxmox VE's tools need root: log in as root, or allow them through sudo (%s)"), why);
      else if (g_str_has_prefix (why, "400 ") || strstr (why, "Parameter verification failed") != NULL)
        {
          g_autofree char *all = g_strdup (err ? err : "");

          g_strdelimit (all, "\n", ' ');
          g_set_error (error, FL_PVE_ERROR, FL_PVE_ERROR_PARAMETER, _("Proxmox VE refused the request: %s"),
                       g_strstrip (all));
        }
      else if (g_str_has_prefix (why, "403 ") || g_str_has_prefix (why, "Permission check failed"))
        g_set_error (error, FL_PVE_ERROR, FL_PVE_ERROR_PERMISSION, _("Permission denied: %s"), why);
      else
        g_set_error (error, FL_PVE_ERROR, FL_PVE_ERROR_SERVER, "%s",
                     *why ? why : _("the command failed without saying why"));
      return NULL;
    }

  if (out == NULL || out_len == 0)
    return json_node_new (JSON_NODE_NULL);
  if (out_len > FL_PVE_MAX_BODY)
    {
      g_set_error (error, FL_PVE_ERROR, FL_PVE_ERROR_PROTOCOL, _("The command printed more than %d MiB"),
                   FL_PVE_MAX_BODY >> 20);
      return NULL;
    }
  if (!g_utf8_validate_len (out, out_len, NULL))
    {
      g_set_error (error, FL_PVE_ERROR, FL_PVE_ERROR_PROTOCOL, _("The command printed something that is not text"));
      return NULL;
    }
  text = g_strndup (out, out_len);
  lines = g_strsplit (text, "\n", -1);
  /* the last line that is JSON: the task log before it is not */
  for (int i = (int)g_strv_length (lines) - 1; i >= 0; i--)
    {
      g_autoptr(JsonParser) parser = json_parser_new ();
      char *l = g_strstrip (lines[i]);

      if (*l == '\0')
        continue;
      if (fl_json_max_nesting (l, strlen (l)) > FL_PVE_MAX_NESTING)
        break;
      if (json_parser_load_from_data (parser, l, -1, NULL) && json_parser_get_root (parser) != NULL)
        return json_node_copy (json_parser_get_root (parser));
      /* a bare UPID (qm, or pvesh with the text format) */
      if (g_str_has_prefix (l, "UPID:"))
        {
          JsonNode *n = json_node_new (JSON_NODE_VALUE);

          json_node_set_string (n, l);
          return n;
        }
      break;
    }
  g_set_error (error, FL_PVE_ERROR, FL_PVE_ERROR_PROTOCOL,
               _("The command's output is not JSON: is --output-format json supported here?"));
  return NULL;
}

/**
 * fl_pve_parse_snapshots:
 * @data: the `data` of `GET …/snapshot`
 *
 * Returns: (transfer full) (element-type FlVmSnapshot): the snapshots, without "current"
 *   (where the VM is, not a snapshot)
 */
GPtrArray *
fl_pve_parse_snapshots (JsonNode *data)
{
  GPtrArray *snaps = g_ptr_array_new_with_free_func ((GDestroyNotify)fl_vm_snapshot_free);
  JsonArray *a = data && JSON_NODE_HOLDS_ARRAY (data) ? json_node_get_array (data) : NULL;

  for (guint i = 0; a != NULL && i < json_array_get_length (a); i++)
    {
      JsonNode *n = json_array_get_element (a, i);
      JsonObject *o = JSON_NODE_HOLDS_OBJECT (n) ? json_node_get_object (n) : NULL;
      g_autofree char *name = o ? dup_string_member (o, "name") : NULL;
      FlVmSnapshot *s;
      gint64 v = 0;

      if (name == NULL || g_str_equal (name, "current"))
        continue;
      s = g_new0 (FlVmSnapshot, 1);
      s->name = g_steal_pointer (&name);
      s->description = dup_string_member (o, "description");
      if (s->description == NULL)
        s->description = g_strdup ("");
      s->parent = dup_string_member (o, "parent");
      if (fl_pve_json_get_int (o, "snaptime", &v))
        s->snaptime = v;
      s->vmstate = fl_pve_json_get_int (o, "vmstate", &v) && v;
      g_ptr_array_add (snaps, s);
    }
  return snaps;
}

/**
 * fl_pve_vm_state_new:
 * @status: the `data` of `GET …/status/current`
 * @config: (nullable): the `data` of `GET …/config`: where the cable is (net0 link_down)
 *
 * Returns: (transfer full): the VM's state, or %NULL with @error set
 */
FlVmState *
fl_pve_vm_state_new (guint        vmid,
                     const char  *node,
                     JsonNode    *status,
                     JsonNode    *config,
                     GError     **error)
{
  FlPveVmStatus st;
  FlVmState *state;

  if (!fl_pve_parse_vm_status (status, &st, error))
    return NULL;
  state = g_new0 (FlVmState, 1);
  state->vmid = vmid;
  state->node = g_strdup (node);
  state->name = g_steal_pointer (&st.name);
  state->status = g_steal_pointer (&st.status);
  state->qmpstatus = g_steal_pointer (&st.qmpstatus);
  state->lock = g_steal_pointer (&st.lock);
  state->ha_state = g_steal_pointer (&st.ha_state);
  state->ha_managed = st.ha_managed;
  state->agent = st.agent;
  state->uptime_s = st.uptime;
  fl_pve_vm_status_clear (&st);
  if (config != NULL && JSON_NODE_HOLDS_OBJECT (config))
    {
      g_autofree char *net0 = dup_string_member (json_node_get_object (config), "net0");

      state->link_down = net0 != NULL && fl_pve_net_link_down (net0);
    }
  return state;
}

/**
 * fl_pve_parse_qm_status:
 * @out: what `qm status VMID` printed: one line, `status: <qmpstatus>`
 *
 * Returns: (transfer full) (nullable): the state (running, stopped, paused, …)
 */
char *
fl_pve_parse_qm_status (const char *out)
{
  g_auto(GStrv) lines = g_strsplit (out ? out : "", "\n", -1);

  for (guint i = 0; lines[i] != NULL; i++)
    {
      char *l = g_strstrip (lines[i]);

      if (g_str_has_prefix (l, "status:"))
        {
          char *v = g_strstrip (l + strlen ("status:"));

          if (*v != '\0' && strspn (v, "abcdefghijklmnopqrstuvwxyz-") == strlen (v))
            return g_strdup (v);
        }
    }
  return NULL;
}

/* a string member, or NULL (whatever else it is) */
static const char *
string_member (JsonObject *object,
               const char *member)
{
  JsonNode *node = object ? json_object_get_member (object, member) : NULL;

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_STRING)
    return NULL;
  return json_node_get_string (node);
}

/**
 * fl_pve_parse_ticket:
 * @data: the data of POST /access/ticket
 * @ticket: (out): the ticket (a secret: wipe it when done)
 * @csrf: (out): the CSRF prevention token (a secret too)
 * @need_tfa: (out): whether the login still needs the second factor
 *
 * Returns: whether @data is a login answer
 */
gboolean
fl_pve_parse_ticket (JsonNode  *data,
                     char     **ticket,
                     char     **csrf,
                     gboolean  *need_tfa,
                     GError   **error)
{
  JsonObject *o = data && JSON_NODE_HOLDS_OBJECT (data) ? json_node_get_object (data) : NULL;
  const char *t = string_member (o, "ticket");
  const char *c = string_member (o, "CSRFPreventionToken");
  gint64 tfa = 0;

  if (t == NULL || c == NULL || *t == '\0' || *c == '\0' || strlen (t) > FL_PVE_MAX_TICKET ||
      strlen (c) > FL_PVE_MAX_TICKET)
    {
      g_set_error (error, FL_PVE_ERROR, FL_PVE_ERROR_PROTOCOL, _("The login answer has no ticket"));
      return FALSE;
    }
  *need_tfa = (fl_pve_json_get_int (o, "NeedTFA", &tfa) && tfa) || g_str_has_prefix (t, "PVE:!tfa!");
  *ticket = g_strdup (t);
  *csrf = g_strdup (c);
  return TRUE;
}

/**
 * fl_pve_parse_agent_pid:
 * @data: the data of POST …/agent/exec
 */
gboolean
fl_pve_parse_agent_pid (JsonNode  *data,
                        gint64    *pid,
                        GError   **error)
{
  JsonObject *o = data && JSON_NODE_HOLDS_OBJECT (data) ? json_node_get_object (data) : NULL;

  if (o == NULL || !fl_pve_json_get_int (o, "pid", pid) || *pid <= 0)
    {
      g_set_error (error, FL_PVE_ERROR, FL_PVE_ERROR_PROTOCOL, _("The guest agent gave no process id"));
      return FALSE;
    }
  return TRUE;
}

/* the guest's words: valid UTF-8, and no more than a bound of them */
static char *
guest_text (JsonObject *o,
            const char *member)
{
  const char *text = string_member (o, member);
  gsize len = text ? strlen (text) : 0;

  if (text == NULL)
    return g_strdup ("");
  return g_utf8_make_valid (text, MIN (len, FL_PVE_MAX_AGENT_OUTPUT));
}

/**
 * fl_pve_parse_agent_status:
 * @data: the data of GET …/agent/exec-status
 * @result: (out) (nullable): the command's outcome once it has exited, %NULL while it runs
 *
 * Booleans arrive as 0/1 or true/false, out-data already decoded from base64 by Proxmox. The
 * output is made valid UTF-8 (a Japanese Windows writes CP932 unless told otherwise) and cut
 * at %FL_PVE_MAX_AGENT_OUTPUT bytes.
 *
 * Returns: whether @data is an exec-status answer
 */
gboolean
fl_pve_parse_agent_status (JsonNode       *data,
                           FlAgentResult **result,
                           GError        **error)
{
  JsonObject *o = data && JSON_NODE_HOLDS_OBJECT (data) ? json_node_get_object (data) : NULL;
  gint64 exited = 0, code = -1;
  FlAgentResult *r;

  *result = NULL;
  if (o == NULL)
    {
      g_set_error (error, FL_PVE_ERROR, FL_PVE_ERROR_PROTOCOL, _("The guest agent's answer has no fields"));
      return FALSE;
    }
  if (!fl_pve_json_get_int (o, "exited", &exited) || !exited)
    return TRUE;
  r = g_new0 (FlAgentResult, 1);
  r->exitcode = fl_pve_json_get_int (o, "exitcode", &code) ? code : -1;
  r->out_data = guest_text (o, "out-data");
  r->err_data = guest_text (o, "err-data");
  *result = r;
  return TRUE;
}
