/* fl-probe-types.c
 *
 * Copyright 2026 The Failover Lab authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "fl-probe"

#include "config.h"

#include <glib/gi18n-lib.h>

#include "fl-probe-types.h"

G_DEFINE_QUARK (fl-probe-error-quark, fl_probe_error)

static const char * const check_names[FL_N_CHECKS] = {
  [FL_CHECK_REACH] = "reach",
  [FL_CHECK_DNS] = "dns",
  [FL_CHECK_LDAP_PING] = "ldap_ping",
  [FL_CHECK_LDAP] = "ldap",
  [FL_CHECK_KERBEROS] = "kerberos",
  [FL_CHECK_MACHINE_TRUST] = "machine_trust",
  [FL_CHECK_SMB] = "smb",
  [FL_CHECK_TIME] = "time",
  [FL_CHECK_NETWORK] = "network",
  [FL_CHECK_LOCATOR] = "locator",
  [FL_CHECK_KDC_VIEW] = "kdc_view",
  [FL_CHECK_FSMO] = "fsmo",
  [FL_CHECK_SSSD] = "sssd",
};

static const char * const status_names[] = {
  [FL_STATUS_OK] = "ok",
  [FL_STATUS_DEGRADED] = "degraded",
  [FL_STATUS_FAIL] = "fail",
  [FL_STATUS_TIMEOUT] = "timeout",
  [FL_STATUS_SKIPPED] = "skipped",
};

const char *
fl_check_kind_to_string (FlCheckKind kind)
{
  g_return_val_if_fail (kind < FL_N_CHECKS, "unknown");
  return check_names[kind];
}

/**
 * fl_format_clock_time:
 * @wall_us: a wall-clock time (g_get_real_time())
 *
 * Returns: (transfer full): its local time of day to the millisecond, "14:03:27.412"
 */
char *
fl_format_clock_time (gint64 wall_us)
{
  g_autoptr(GDateTime) dt = g_date_time_new_from_unix_local (wall_us / G_USEC_PER_SEC);
  g_autofree char *hms = dt ? g_date_time_format (dt, "%H:%M:%S") : g_strdup ("--:--:--");

  return g_strdup_printf ("%s.%03d", hms, (int)(wall_us % G_USEC_PER_SEC / 1000));
}

/**
 * fl_status_to_label:
 *
 * Returns: a check status as people read it, translated ("OK", "No answer")
 */
const char *
fl_status_to_label (FlStatus status)
{
  switch (status)
    {
    case FL_STATUS_OK:
      return C_("check", "OK");
    case FL_STATUS_DEGRADED:
      return C_("check", "Degraded");
    case FL_STATUS_FAIL:
      return C_("check", "Failed");
    case FL_STATUS_TIMEOUT:
      return C_("check", "No answer");
    case FL_STATUS_SKIPPED:
    default:
      return C_("check", "Skipped");
    }
}

/**
 * fl_check_kind_to_label:
 *
 * Returns: what people call the check, translated ("LDAP ping", "Logon server")
 */
const char *
fl_check_kind_to_label (FlCheckKind kind)
{
  switch (kind)
    {
    case FL_CHECK_REACH:
      return _("Network");
    case FL_CHECK_DNS:
      return _("DNS");
    case FL_CHECK_LDAP_PING:
      return _("LDAP ping");
    case FL_CHECK_LDAP:
      return _("LDAP");
    case FL_CHECK_KERBEROS:
      return _("Kerberos");
    case FL_CHECK_MACHINE_TRUST:
      return _("Machine trust");
    case FL_CHECK_SMB:
      return _("SMB");
    case FL_CHECK_TIME:
      return _("Time");
    case FL_CHECK_NETWORK:
      return _("Reference host");
    case FL_CHECK_LOCATOR:
      return _("Logon server");
    case FL_CHECK_KDC_VIEW:
      return _("Tickets from");
    case FL_CHECK_FSMO:
      return _("FSMO roles");
    case FL_CHECK_SSSD:
      return _("SSSD");
    case FL_N_CHECKS:
    default:
      return "";
    }
}

gboolean
fl_check_kind_from_string (const char  *text,
                           FlCheckKind *kind)
{
  for (guint i = 0; i < FL_N_CHECKS; i++)
    if (g_strcmp0 (text, check_names[i]) == 0)
      {
        *kind = (FlCheckKind)i;
        return TRUE;
      }
  return FALSE;
}

gboolean
fl_check_kind_is_per_dc (FlCheckKind kind)
{
  return kind < FL_N_DC_CHECKS;
}

const char *
fl_status_to_string (FlStatus status)
{
  g_return_val_if_fail (status <= FL_STATUS_SKIPPED, "unknown");
  return status_names[status];
}

gboolean
fl_status_from_string (const char *text,
                       FlStatus   *status)
{
  for (guint i = 0; i < G_N_ELEMENTS (status_names); i++)
    if (g_strcmp0 (text, status_names[i]) == 0)
      {
        *status = (FlStatus)i;
        return TRUE;
      }
  return FALSE;
}
