/* fl-check-sssd.c: sssd: the system's own view, SSSD InfoPipe ActiveServer("AD"), when SSSD is there
 *
 * Copyright 2026 The Failover Lab authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "fl-checks"

#include "config.h"

#include <glib/gi18n-lib.h>

#include "fl-check-private.h"
#include "fl-net.h"

static FlSample *
unavailable (FlCheckRun *run,
             const char *message)
{
  g_variant_dict_insert (&run->detail, "error", "s", "unavailable");
  return fl_check_finish (run, FL_STATUS_SKIPPED, message);
}

FlSample *
fl_check_sssd (FlCheckRun *run)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GDBusConnection) bus = NULL;
  g_autoptr(GVariant) reply = NULL;
  g_autoptr(GVariant) server_reply = NULL;
  const char *path = NULL;
  const char *server = NULL;
  const FlProbeDc *dc;
  int timeout_ms = (int)MAX (1, fl_net_remaining_us (run->deadline) / 1000);

  bus = g_bus_get_sync (G_BUS_TYPE_SYSTEM, NULL, &error);
  /* "unavailable": the scheduler asks again only every 30 s */
  if (bus == NULL)
    return unavailable (run, _("not available: no system bus"));

  reply = g_dbus_connection_call_sync (bus, "org.freedesktop.sssd.infopipe",
                                       "/org/freedesktop/sssd/infopipe",
                                       "org.freedesktop.sssd.infopipe", "FindDomainByName",
                                       g_variant_new ("(s)", fl_probe_config_get_domain (run->config)),
                                       G_VARIANT_TYPE ("(o)"), G_DBUS_CALL_FLAGS_NO_AUTO_START,
                                       timeout_ms, NULL, &error);
  if (reply == NULL)
    {
      if (g_error_matches (error, G_DBUS_ERROR, G_DBUS_ERROR_SERVICE_UNKNOWN) ||
          g_error_matches (error, G_DBUS_ERROR, G_DBUS_ERROR_NAME_HAS_NO_OWNER))
        return unavailable (run, _("not available: SSSD's InfoPipe is not running"));
      if (g_error_matches (error, G_DBUS_ERROR, G_DBUS_ERROR_ACCESS_DENIED))
        return unavailable (run, _("not available: SSSD's InfoPipe lets only root in (add this user to "
                                   "allowed_uids in [ifp])"));
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_TIMED_OUT))
        return fl_check_finish (run, FL_STATUS_TIMEOUT, error->message);
      return fl_check_finish (run, FL_STATUS_SKIPPED, error->message);
    }
  g_variant_get (reply, "(&o)", &path);

  server_reply = g_dbus_connection_call_sync (bus, "org.freedesktop.sssd.infopipe", path,
                                              "org.freedesktop.sssd.infopipe.Domains.Domain",
                                              "ActiveServer", g_variant_new ("(s)", "AD"),
                                              G_VARIANT_TYPE ("(s)"), G_DBUS_CALL_FLAGS_NO_AUTO_START,
                                              timeout_ms, NULL, &error);
  if (server_reply == NULL)
    return fl_check_finish (run, FL_STATUS_FAIL, error->message);
  g_variant_get (server_reply, "(&s)", &server);
  g_variant_dict_insert (&run->detail, "active_server", "s", server);
  if (*server == '\0')
    return fl_check_finish (run, FL_STATUS_DEGRADED, _("SSSD has no active server (offline?)"));
  dc = fl_probe_config_lookup_dc (run->config, server);
  if (dc != NULL)
    g_variant_dict_insert (&run->detail, "server", "s", dc->name);
  return fl_check_finish (run, FL_STATUS_OK, NULL);
}
