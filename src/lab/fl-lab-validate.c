/* fl-lab-validate.c: what a lab must be (names, addresses, principals, the hypervisor's
 * settings), checked without changing it; each error names the JSON path of the value at fault
 * and what it should be.
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

/**
 * fl_lab_is_fingerprint:
 *
 * Returns: whether @text is a SHA-256 fingerprint fl_lab_normalize_fingerprint() reads
 */
gboolean
fl_lab_is_fingerprint (const char *text)
{
  g_autofree char *norm = text ? fl_lab_normalize_fingerprint (text) : NULL;

  return norm != NULL;
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

/* ------------------------------------------------------------------------------------------ */
/* validation */

void
fl_lab_set_range_error (GError     **error,
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
      fl_lab_set_range_error (error, vmid_where, vmid, 100, 999999999);
      return FALSE;
    }
  return TRUE;
}

/**
 * fl_lab_validate:
 *
 * Checks every value of the lab and changes none (a fingerprint is kept in Proxmox's form
 * where it is set: by the loader and the setters). The loader calls it; so does the saver, so
 * an invalid lab is never written.
 */

/* an SSH server's place in the lab file (the hypervisor's, the client's) */
static gboolean
validate_ssh (const FlLabSsh  *ssh,
              const char      *where,
              gboolean         user_required,
              GError         **error)
{
  g_autofree char *host = g_strconcat (where, ".host", NULL);
  g_autofree char *user = g_strconcat (where, ".user", NULL);
  g_autofree char *port = g_strconcat (where, ".port", NULL);

  if (!fl_lab_is_dns_name (ssh->host) && !is_ip_address (ssh->host))
    return invalid (error, host, ssh->host ? ssh->host : "", _("a host name or an IP address"));
  if (user_required && ssh->user == NULL)
    {
      g_set_error (error, FL_LAB_ERROR, FL_LAB_ERROR_MISSING, _("%s: required field is missing"), user);
      return FALSE;
    }
  if (ssh->user != NULL && !is_display_text (ssh->user, 32))
    return invalid (error, user, ssh->user, _("a user name"));
  if (ssh->port < 1 || ssh->port > 65535)
    {
      fl_lab_set_range_error (error, port, ssh->port, 1, 65535);
      return FALSE;
    }
  return TRUE;
}

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

  if (self->hv.kind == FL_HYPERVISOR_PROXMOX_API)
    {
      const FlLabProxmoxApi *api = &self->hv.api;
      g_autoptr(GUri) uri = g_uri_parse (api->url ? api->url : "", G_URI_FLAGS_NONE, NULL);

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
        return invalid (error, "hypervisor.url", api->url ? api->url : "",
                        _("an https:// URL of a Proxmox VE host (e.g. https://pve1:8006)"));
      if (api->token_id != NULL && !is_token_id (api->token_id))
        {
          if (strchr (api->token_id, '=') != NULL)
            {
              g_set_error (error, FL_LAB_ERROR, FL_LAB_ERROR_SECRET,
                           _("%s: contains the token's secret after \"=\": keep only "
                             "USER@REALM!TOKENID here and store the secret in the keyring"),
                           "hypervisor.token_id");
              return FALSE;
            }
          return invalid (error, "hypervisor.token_id", api->token_id,
                          _("a Proxmox API token id (USER@REALM!TOKENID)"));
        }
      if (api->user != NULL && !is_principal (api->user))
        return invalid (error, "hypervisor.user", api->user,
                        _("a Proxmox user (USER@REALM, e.g. root@pam)"));
      if (api->token_id == NULL && api->user == NULL)
        {
          g_set_error (error, FL_LAB_ERROR, FL_LAB_ERROR_MISSING,
                       _("%s: give an API token id (token_id) or a user for ticket login (user)"),
                       "hypervisor");
          return FALSE;
        }
      if (api->fingerprint != NULL && !fl_lab_is_fingerprint (api->fingerprint))
        return invalid (error, "hypervisor.fingerprint", api->fingerprint,
                        _("a SHA-256 certificate fingerprint (64 hex digits, colons optional)"));
    }
  else if (self->hv.kind == FL_HYPERVISOR_PROXMOX_SSH && !validate_ssh (&self->hv.ssh, "hypervisor", FALSE, error))
    return FALSE;
  if (self->client_ssh.host != NULL && !validate_ssh (&self->client_ssh, "client.ssh", TRUE, error))
    return FALSE;

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
      fl_lab_set_range_error (error, "probe.interval_ms", self->interval_ms,
                       FL_LAB_INTERVAL_MIN_MS, FL_LAB_INTERVAL_MAX_MS);
      return FALSE;
    }
  if (self->deadline_ms < FL_LAB_DEADLINE_MIN_MS || self->deadline_ms > FL_LAB_DEADLINE_MAX_MS)
    {
      fl_lab_set_range_error (error, "probe.deadline_ms", self->deadline_ms,
                       FL_LAB_DEADLINE_MIN_MS, FL_LAB_DEADLINE_MAX_MS);
      return FALSE;
    }

  return TRUE;
}
