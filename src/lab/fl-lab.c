/* fl-lab.c: the lab model: the domain, its controllers, the client, the hypervisor's settings
 * (a tagged choice) and references to credentials; fl-lab-codec.c reads and writes lab files,
 * fl-lab-validate.c checks a lab.
 *
 * Copyright 2026 The Failover Lab authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "fl-lab"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <json-glib/json-glib.h>
#include <string.h>

#include "fl-lab-enums.h"
#include "fl-lab-private.h"
#include "fl-probe-types.h"


G_DEFINE_FINAL_TYPE (FlLab, fl_lab, G_TYPE_OBJECT)

G_DEFINE_QUARK (fl-lab-error-quark, fl_lab_error)

/* the lab file's word for it: hypervisor.type */
const char *
fl_hypervisor_kind_to_string (FlHypervisorKind kind)
{
  const char *nick = fl_enum_to_nick (FL_TYPE_HYPERVISOR_KIND, (int)kind);

  return nick ? nick : "none";
}

/* the lab file's word for it: client.access */
const char *
fl_client_access_to_string (FlClientAccess access)
{
  const char *nick = fl_enum_to_nick (FL_TYPE_CLIENT_ACCESS, (int)access);

  return nick ? nick : "local";
}

/* frees the settings of the kind they are; none is left */
void
fl_lab_hypervisor_clear (FlLabHypervisor *hv)
{
  switch (hv->kind)
    {
    case FL_HYPERVISOR_PROXMOX_API:
      g_free (hv->api.url);
      g_free (hv->api.token_id);
      g_free (hv->api.user);
      g_free (hv->api.fingerprint);
      break;
    case FL_HYPERVISOR_PROXMOX_SSH:
      g_free (hv->ssh.host);
      g_free (hv->ssh.user);
      g_free (hv->ssh.known_hosts);
      break;
    case FL_HYPERVISOR_NONE:
    default:
      break;
    }
  memset (hv, 0, sizeof *hv);
  hv->kind = FL_HYPERVISOR_NONE;
}

/* kept in Proxmox's form ("AB:CD:…"); one that is no fingerprint stays as given, for
 * fl_lab_validate() to name */
void
fl_lab_set_api_fingerprint (FlLabProxmoxApi *api,
                            const char      *fingerprint)
{
  char *norm = fingerprint ? fl_lab_normalize_fingerprint (fingerprint) : NULL;

  g_free (api->fingerprint);
  api->fingerprint = norm ? norm : g_strdup (fingerprint);
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
  g_clear_pointer (&self->client_codepage, g_free);
  g_clear_pointer (&self->client_ssh.host, g_free);
  g_clear_pointer (&self->client_ssh.user, g_free);
  g_clear_pointer (&self->client_ssh.known_hosts, g_free);
  g_clear_pointer (&self->reference_host, g_free);
  fl_lab_hypervisor_clear (&self->hv);
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
  self->client_poll_ms = FL_LAB_CLIENT_POLL_DEFAULT_MS;
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

/* how often the Windows client is asked for its views */
guint
fl_lab_get_client_poll_ms (FlLab *self)
{
  g_return_val_if_fail (FL_IS_LAB (self), FL_LAB_CLIENT_POLL_DEFAULT_MS);
  return self->client_poll_ms;
}

/* the client console's code page, when its output is not UTF-8; NULL: CP932, then as is */
const char *
fl_lab_get_client_codepage (FlLab *self)
{
  g_return_val_if_fail (FL_IS_LAB (self), NULL);
  return self->client_codepage;
}

/**
 * fl_lab_client_is_remote:
 *
 * Returns: whether the lab's Windows client can be asked for its own views (through the
 *   hypervisor's guest agent, or its OpenSSH server)
 */
gboolean
fl_lab_client_is_remote (FlLab *self)
{
  g_return_val_if_fail (FL_IS_LAB (self), FALSE);
  return self->has_client &&
         (self->client_access == FL_CLIENT_ACCESS_GUEST_AGENT ||
          (self->client_access == FL_CLIENT_ACCESS_SSH && self->client_ssh.host != NULL));
}

/**
 * fl_lab_client_needs_hypervisor:
 *
 * Returns: whether asking the client goes through the hypervisor (its guest agent)
 */
gboolean
fl_lab_client_needs_hypervisor (FlLab *self)
{
  g_return_val_if_fail (FL_IS_LAB (self), FALSE);
  return self->has_client && self->client_access == FL_CLIENT_ACCESS_GUEST_AGENT;
}

/**
 * fl_lab_get_client_ssh:
 * @host: (out) (optional) (transfer none): its OpenSSH server
 * @port: (out) (optional)
 * @user: (out) (optional) (transfer none)
 * @known_hosts: (out) (optional) (transfer none) (nullable): the file, when not ~/.ssh/known_hosts
 *
 * Returns: whether the lab file says how to reach the client over SSH ("client.ssh")
 */
gboolean
fl_lab_get_client_ssh (FlLab       *self,
                       const char **host,
                       guint       *port,
                       const char **user,
                       const char **known_hosts)
{
  g_return_val_if_fail (FL_IS_LAB (self), FALSE);

  if (host != NULL)
    *host = self->client_ssh.host;
  if (port != NULL)
    *port = self->client_ssh.port;
  if (user != NULL)
    *user = self->client_ssh.user;
  if (known_hosts != NULL)
    *known_hosts = self->client_ssh.known_hosts;
  return self->client_ssh.host != NULL;
}

/**
 * fl_lab_set_client_ssh:
 * @host: (nullable): none when %NULL
 * @port: 0 for 22
 * @known_hosts: (nullable)
 */
void
fl_lab_set_client_ssh (FlLab      *self,
                       const char *host,
                       guint       port,
                       const char *user,
                       const char *known_hosts)
{
  g_return_if_fail (FL_IS_LAB (self));

  g_free (self->client_ssh.host);
  g_free (self->client_ssh.user);
  g_free (self->client_ssh.known_hosts);
  self->client_ssh.host = g_strdup (host);
  self->client_ssh.user = g_strdup (user);
  self->client_ssh.known_hosts = g_strdup (known_hosts);
  self->client_ssh.port = port ? port : 22;
}

/* "CP932", "CP437", "UTF-8", "SHIFT_JIS": letters, digits, "-" and "_", and iconv knows it */
gboolean
fl_lab_codepage_valid (const char *codepage)
{
  GIConv cd;
  gsize n = strlen (codepage);

  if (n == 0 || n > 32)
    return FALSE;
  for (const char *p = codepage; *p; p++)
    if (!g_ascii_isalnum (*p) && *p != '-' && *p != '_')
      return FALSE;
  cd = g_iconv_open ("UTF-8", codepage);
  if (cd == (GIConv)-1)
    return FALSE;
  g_iconv_close (cd);
  return TRUE;
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
  return self->hv.kind;
}

/* proxmox-api: the API's URL */
const char *
fl_lab_get_hypervisor_url (FlLab *self)
{
  g_return_val_if_fail (FL_IS_LAB (self), NULL);
  return self->hv.kind == FL_HYPERVISOR_PROXMOX_API ? self->hv.api.url : NULL;
}

/* proxmox-api: the API token's id (USER@REALM!TOKENID) */
const char *
fl_lab_get_hypervisor_token_id (FlLab *self)
{
  g_return_val_if_fail (FL_IS_LAB (self), NULL);
  return self->hv.kind == FL_HYPERVISOR_PROXMOX_API ? self->hv.api.token_id : NULL;
}

/* proxmox-api: the user of a ticket login; proxmox-ssh: the SSH user */
const char *
fl_lab_get_hypervisor_user (FlLab *self)
{
  g_return_val_if_fail (FL_IS_LAB (self), NULL);
  switch (self->hv.kind)
    {
    case FL_HYPERVISOR_PROXMOX_API:
      return self->hv.api.user;
    case FL_HYPERVISOR_PROXMOX_SSH:
      return self->hv.ssh.user;
    case FL_HYPERVISOR_NONE:
    default:
      return NULL;
    }
}

/* proxmox-api: the pinned certificate's SHA-256 fingerprint ("AB:CD:…") */
const char *
fl_lab_get_hypervisor_fingerprint (FlLab *self)
{
  g_return_val_if_fail (FL_IS_LAB (self), NULL);
  return self->hv.kind == FL_HYPERVISOR_PROXMOX_API ? self->hv.api.fingerprint : NULL;
}

/**
 * fl_lab_set_hypervisor_fingerprint:
 * @fingerprint: (nullable): a SHA-256 fingerprint the user accepted (trust on first use), in
 *   any of the forms fl_lab_normalize_fingerprint() reads
 *
 * For a proxmox-api hypervisor only.
 */
void
fl_lab_set_hypervisor_fingerprint (FlLab      *self,
                                   const char *fingerprint)
{
  g_return_if_fail (FL_IS_LAB (self));
  g_return_if_fail (self->hv.kind == FL_HYPERVISOR_PROXMOX_API);
  fl_lab_set_api_fingerprint (&self->hv.api, fingerprint);
}

/* proxmox-ssh: the node */
const char *
fl_lab_get_hypervisor_host (FlLab *self)
{
  g_return_val_if_fail (FL_IS_LAB (self), NULL);
  return self->hv.kind == FL_HYPERVISOR_PROXMOX_SSH ? self->hv.ssh.host : NULL;
}

/* proxmox-ssh: the SSH port; 0 for another kind */
guint
fl_lab_get_hypervisor_port (FlLab *self)
{
  g_return_val_if_fail (FL_IS_LAB (self), 0);
  return self->hv.kind == FL_HYPERVISOR_PROXMOX_SSH ? self->hv.ssh.port : 0;
}

/* proxmox-ssh: the known_hosts file the lab names, if any */
const char *
fl_lab_get_hypervisor_known_hosts (FlLab *self)
{
  g_return_val_if_fail (FL_IS_LAB (self), NULL);
  return self->hv.kind == FL_HYPERVISOR_PROXMOX_SSH ? self->hv.ssh.known_hosts : NULL;
}

void
fl_lab_set_proxmox_api (FlLab      *self,
                        const char *url,
                        const char *token_id,
                        const char *user,
                        const char *fingerprint)
{
  g_return_if_fail (FL_IS_LAB (self));

  fl_lab_hypervisor_clear (&self->hv);
  self->hv.kind = FL_HYPERVISOR_PROXMOX_API;
  self->hv.api.url = g_strdup (url);
  self->hv.api.token_id = g_strdup (token_id);
  self->hv.api.user = g_strdup (user);
  fl_lab_set_api_fingerprint (&self->hv.api, fingerprint);
}

void
fl_lab_set_proxmox_ssh (FlLab      *self,
                        const char *host,
                        const char *user,
                        guint       port,
                        const char *known_hosts)
{
  g_return_if_fail (FL_IS_LAB (self));

  fl_lab_hypervisor_clear (&self->hv);
  self->hv.kind = FL_HYPERVISOR_PROXMOX_SSH;
  self->hv.ssh.host = g_strdup (host);
  self->hv.ssh.user = g_strdup (user);
  self->hv.ssh.port = port ? port : 22;
  self->hv.ssh.known_hosts = g_strdup (known_hosts);
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

