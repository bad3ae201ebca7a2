/* fl-lab-probe.c
 *
 * Copyright 2026 The Failover Lab authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "fl-lab-probe"

#include "config.h"

#include "fl-lab-probe.h"

/**
 * fl_lab_create_probe_config:
 * @password: (nullable): the user's password, from the keyring or the environment; copied
 *
 * Returns: (transfer full): a prepared probe config, or %NULL with @error
 */
FlProbeConfig *
fl_lab_create_probe_config (FlLab       *lab,
                            const char  *password,
                            GError     **error)
{
  g_return_val_if_fail (FL_IS_LAB (lab), NULL);

  return fl_lab_create_probe_config_as (lab, fl_lab_get_user_principal (lab), password, error);
}

/**
 * fl_lab_create_probe_config_as:
 * @principal: (nullable): the user the Kerberos checks and binds use instead of the lab's
 *   (an administrator, to move a role)
 * @password: (nullable): its password; copied
 *
 * Returns: (transfer full): a prepared probe config, or %NULL with @error
 */
FlProbeConfig *
fl_lab_create_probe_config_as (FlLab       *lab,
                               const char  *principal,
                               const char  *password,
                               GError     **error)
{
  g_autoptr(FlProbeConfig) config = NULL;
  g_autofree char *keytab = NULL;

  g_return_val_if_fail (FL_IS_LAB (lab), NULL);

  config = fl_probe_config_new (fl_lab_get_domain (lab), fl_lab_get_realm (lab));
  for (guint i = 0; i < fl_lab_get_n_controllers (lab); i++)
    {
      FlLabController *c = fl_lab_get_controller (lab, i);

      fl_probe_config_add_dc (config, fl_lab_controller_get_name (c),
                              fl_lab_controller_get_host (c),
                              fl_lab_controller_get_address (c),
                              fl_lab_controller_get_site (c));
    }
  fl_probe_config_set_reference (config, fl_lab_get_reference_host (lab));
  fl_probe_config_set_user (config, principal, password);
  keytab = fl_lab_resolve_path (lab, fl_lab_get_keytab (lab));
  fl_probe_config_set_machine (config, fl_lab_get_machine_principal (lab), keytab);
  fl_probe_config_set_timing (config, fl_lab_get_interval_ms (lab), fl_lab_get_deadline_ms (lab));

  if (!fl_probe_config_prepare (config, error))
    return NULL;
  return g_steal_pointer (&config);
}
