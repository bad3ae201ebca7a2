/* fl-lab-hypervisor.c: the hypervisor a lab file names, with the secret from outside it
 *
 * Copyright 2026 The Failover Lab authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "fl-lab-hypervisor"

#include "config.h"

#include <glib/gi18n-lib.h>

#include "fl-lab-hypervisor.h"
#include "fl-pve.h"
#include "fl-pve-client.h"
#include "fl-pve-ssh.h"
#include "fl-ssh.h"

/* "~/.ssh/known_hosts" */
static char *
expand_home (const char *path)
{
  if (g_str_has_prefix (path, "~/"))
    return g_build_filename (g_get_home_dir (), path + 2, NULL);
  return g_strdup (path);
}

/* the SSH key when ssh-agent has none that works: $FAILOVER_LAB_SSH_KEY, or the usual files */
static char *
default_ssh_key (void)
{
  static const char * const names[] = { "id_ed25519", "id_ecdsa", "id_rsa" };

  if (g_getenv ("FAILOVER_LAB_SSH_KEY") != NULL)
    return g_strdup (g_getenv ("FAILOVER_LAB_SSH_KEY"));
  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    {
      g_autofree char *candidate = g_build_filename (g_get_home_dir (), ".ssh", names[i], NULL);

      if (g_file_test (candidate, G_FILE_TEST_EXISTS))
        return g_steal_pointer (&candidate);
    }
  return NULL;
}

/**
 * fl_lab_create_client_ssh:
 * @passphrase: (nullable): the SSH key's, from outside the lab file
 *
 * Returns: (transfer full) (nullable): the connection to the Windows client's OpenSSH server
 *   ("client.ssh"; the key from ssh-agent, $FAILOVER_LAB_SSH_KEY or ~/.ssh), or %NULL when the
 *   lab file names none
 */
FlSsh *
fl_lab_create_client_ssh (FlLab      *lab,
                          const char *passphrase)
{
  const char *host = NULL, *user = NULL, *known_hosts = NULL;
  g_autofree char *kh = NULL;
  g_autofree char *key = NULL;
  guint port = 0;
  FlSsh *ssh;

  if (!fl_lab_get_client_ssh (lab, &host, &port, &user, &known_hosts))
    return NULL;
  kh = known_hosts ? expand_home (known_hosts) : NULL;
  ssh = fl_ssh_new (host, port, user, kh);
  /* where Windows keeps it, for the user to compare the fingerprint with */
  fl_ssh_set_host_key_dir (ssh, "C:\\ProgramData\\ssh\\");
  fl_ssh_set_timeout (ssh, 10);
  key = default_ssh_key ();
  if (key != NULL)
    fl_ssh_set_key_file (ssh, key, passphrase);
  return ssh;
}

/**
 * fl_lab_create_hypervisor:
 * @secret: (nullable): the API token's secret, the user's password (ticket login), or the SSH
 *   key's passphrase; from the keyring, the environment or a file: never from the lab file
 *
 * Returns: (transfer full): the hypervisor, its VMs' nodes known from the lab
 */
FlHypervisor *
fl_lab_create_hypervisor (FlLab       *lab,
                          const char  *secret,
                          GError     **error)
{
  g_autoptr(FlPveClient) client = NULL;

  switch (fl_lab_get_hypervisor_kind (lab))
    {
    case FL_HYPERVISOR_PROXMOX_API:
      client = fl_pve_client_new (fl_lab_get_hypervisor_url (lab), error);
      if (client == NULL)
        return NULL;
      if (secret == NULL)
        {
          g_set_error (error, FL_PVE_ERROR, FL_PVE_ERROR_NO_SECRET,
                       _("No Proxmox VE secret (the lab file never holds one)"));
          return NULL;
        }
      if (fl_lab_get_hypervisor_token_id (lab) != NULL)
        {
          if (!fl_pve_client_set_token (client, fl_lab_get_hypervisor_token_id (lab), secret, error))
            return NULL;
        }
      else
        fl_pve_client_set_login (client, fl_lab_get_hypervisor_user (lab), secret, NULL);
      fl_pve_client_set_fingerprint (client, fl_lab_get_hypervisor_fingerprint (lab));
      for (guint i = 0; i < fl_lab_get_n_controllers (lab); i++)
        {
          const char *node = NULL;
          guint vmid = 0;

          if (fl_lab_controller_get_vm (fl_lab_get_controller (lab, i), &node, &vmid) && node != NULL)
            fl_pve_client_set_vm_node (client, vmid, node);
        }
      return FL_HYPERVISOR (g_steal_pointer (&client));

    case FL_HYPERVISOR_PROXMOX_SSH:
      {
        g_autoptr(FlPveSsh) ssh = NULL;
        g_autofree char *known_hosts = fl_lab_get_hypervisor_known_hosts (lab)
                                       ? expand_home (fl_lab_get_hypervisor_known_hosts (lab)) : NULL;
        g_autofree char *key = NULL;

        ssh = fl_pve_ssh_new (fl_lab_get_hypervisor_host (lab), fl_lab_get_hypervisor_port (lab),
                              fl_lab_get_hypervisor_user (lab), known_hosts);
        /* ssh-agent first; then $FAILOVER_LAB_SSH_KEY or the usual key files; @secret: its passphrase */
        key = default_ssh_key ();
        if (key != NULL)
          fl_pve_ssh_set_key_file (ssh, key, secret);
        for (guint i = 0; i < fl_lab_get_n_controllers (lab); i++)
          {
            const char *node = NULL;
            guint vmid = 0;

            if (fl_lab_controller_get_vm (fl_lab_get_controller (lab, i), &node, &vmid) && node != NULL)
              fl_pve_ssh_set_vm_node (ssh, vmid, node);
          }
        return FL_HYPERVISOR (g_steal_pointer (&ssh));
      }

    case FL_HYPERVISOR_NONE:
    default:
      g_set_error (error, FL_PVE_ERROR, FL_PVE_ERROR_PARAMETER,
                   _("The lab file names no hypervisor: its VMs cannot be controlled"));
      return NULL;
    }
}

/**
 * fl_lab_find_vm:
 * @name: a DC's or the client's name, as the lab file has it (any case)
 * @canonical: (out) (optional): the name as the lab spells it
 *
 * Only the lab's own VMs can be touched: anything else is not found.
 */
gboolean
fl_lab_find_vm (FlLab       *lab,
                const char  *name,
                guint       *vmid,
                const char **canonical)
{
  FlLabController *c = fl_lab_lookup_controller (lab, name);
  const char *node = NULL;

  if (c != NULL)
    {
      if (canonical)
        *canonical = fl_lab_controller_get_name (c);
      return fl_lab_controller_get_vm (c, &node, vmid);
    }
  if (fl_lab_has_client (lab) && g_ascii_strcasecmp (fl_lab_get_client_name (lab), name) == 0)
    {
      if (canonical)
        *canonical = fl_lab_get_client_name (lab);
      return fl_lab_get_client_vm (lab, &node, vmid);
    }
  return FALSE;
}
