/* fl-check-net.c: reach, smb and network: is the host there, does the port answer
 *
 * Copyright 2026 The Failover Lab authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "fl-checks"

#include "config.h"

#include "fl-check-private.h"
#include "fl-net.h"

FlSample *
fl_check_reach (FlCheckRun *run,
                const char *address)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GSocket) socket = NULL;

  if (fl_net_icmp_echo (address, run->deadline, &error))
    {
      g_variant_dict_insert (&run->detail, "method", "s", "icmp");
      return fl_check_finish (run, FL_STATUS_OK, NULL);
    }
  if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_PERMISSION_DENIED))
    {
      g_variant_dict_insert (&run->detail, "method", "s", "icmp");
      return fl_check_fail (run, error);
    }

  /* No unprivileged ICMP here: a TCP connect to the LDAP port says as much, since a refusal
   * comes from the host itself. */
  g_clear_error (&error);
  g_variant_dict_insert (&run->detail, "method", "s", "tcp");
  socket = fl_net_tcp_connect (address, 389, "TCP", run->deadline, &error);
  if (socket != NULL || g_error_matches (error, FL_PROBE_ERROR, FL_PROBE_ERROR_REFUSED))
    return fl_check_finish (run, FL_STATUS_OK, NULL);
  return fl_check_fail (run, error);
}

FlSample *
fl_check_tcp_service (FlCheckRun *run,
                      guint16     port,
                      const char *service)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GSocket) socket = fl_net_tcp_connect (run->dc->address, port, service, run->deadline,
                                                  &error);

  if (socket == NULL)
    return fl_check_fail (run, error);
  return fl_check_finish (run, FL_STATUS_OK, NULL);
}
