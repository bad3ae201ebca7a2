/* fl-check-time.c: time: the DC's clock against ours (SNTP, or the rootDSE's currentTime)
 *
 * Copyright 2026 The Failover Lab authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "fl-checks"

#include "config.h"

#include <glib/gi18n-lib.h>

#include "fl-check-private.h"
#include "fl-net.h"
#include "fl-time-parse.h"

#define TIME_WARN_US  (G_GINT64_CONSTANT (60) * G_USEC_PER_SEC)
#define TIME_FAIL_US  (G_GINT64_CONSTANT (300) * G_USEC_PER_SEC)

static FlSample *
time_verdict (FlCheckRun *run,
              gint64      offset_us,
              const char *method)
{
  gint64 abs_offset = ABS (offset_us);
  g_autofree char *message = NULL;

  g_variant_dict_insert (&run->detail, "method", "s", method);
  g_variant_dict_insert (&run->detail, "offset_us", "x", offset_us);
  if (abs_offset >= TIME_FAIL_US)
    {
      message = g_strdup_printf (_("the DC's clock is %.1f s off ours: Kerberos fails beyond 300 s"),
                                 offset_us / 1e6);
      return fl_check_finish (run, FL_STATUS_FAIL, message);
    }
  if (abs_offset >= TIME_WARN_US)
    {
      message = g_strdup_printf (_("the DC's clock is %.1f s off ours"), offset_us / 1e6);
      return fl_check_finish (run, FL_STATUS_DEGRADED, message);
    }
  return fl_check_finish (run, FL_STATUS_OK, NULL);
}

FlSample *
fl_check_time (FlCheckRun *run)
{
  guint8 packet[FL_SNTP_PACKET_SIZE];
  g_autoptr(GBytes) request = NULL;
  g_autoptr(GBytes) answer = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GError) sntp_error = NULL;
  g_autoptr(LDAP) ld = NULL;
  gint64 t1 = g_get_real_time ();
  gint64 sntp_deadline = run->started + (run->deadline - run->started) / 2;
  char *attrs[] = { (char *)"currentTime", NULL };
  LDAPMessage *result = NULL;
  g_autofree char *current = NULL;
  gint64 before, after, dc_time;
  int rc;

  fl_sntp_build_request (packet, t1);
  request = g_bytes_new (packet, sizeof packet);
  answer = fl_net_udp_exchange (run->dc->address, 123, request, sntp_deadline, NULL, NULL,
                                &sntp_error);
  if (answer != NULL)
    {
      gint64 t4 = g_get_real_time ();
      gint64 offset, delay;
      guint stratum;
      gsize len;
      const guint8 *data = g_bytes_get_data (answer, &len);

      if (fl_sntp_parse_reply (data, len, t1, t4, &offset, &delay, &stratum, &sntp_error))
        {
          g_variant_dict_insert (&run->detail, "stratum", "u", stratum);
          g_variant_dict_insert (&run->detail, "delay_us", "x", delay);
          return time_verdict (run, offset, "sntp");
        }
    }

  /* No NTP service: the DC's LDAP clock (rootDSE currentTime, 1 s resolution) */
  g_variant_dict_insert (&run->detail, "sntp", "s", sntp_error->message);
  ld = fl_check_ldap_open (run->dc, run->deadline, &error);
  if (ld == NULL)
    return fl_check_fail (run, error);
  before = g_get_real_time ();
  rc = fl_check_ldap_search (ld, "", "(objectClass=*)", attrs, run->deadline, &result);
  after = g_get_real_time ();
  if (rc == LDAP_SUCCESS && ldap_first_entry (ld, result) != NULL)
    current = fl_check_ldap_value (ld, ldap_first_entry (ld, result), "currentTime");
  ldap_msgfree (result);
  if (rc != LDAP_SUCCESS)
    {
      fl_check_ldap_error (&error, ld, rc, _("currentTime"));
      return fl_check_fail (run, error);
    }
  if (!fl_parse_generalized_time (current, &dc_time))
    {
      g_set_error (&error, FL_PROBE_ERROR, FL_PROBE_ERROR_MALFORMED,
                   _("the DC's currentTime “%s” is not a time"), current ? current : "");
      return fl_check_fail (run, error);
    }
  /* the DC truncates to whole seconds: compare with the middle of our second */
  return time_verdict (run, dc_time + G_USEC_PER_SEC / 2 - (before + after) / 2, "ldap");
}
