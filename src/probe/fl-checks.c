/* fl-checks.c: observing a DC the way a domain client does: one check run now, on this thread
 *
 * The checks themselves are in fl-check-<family>.c (net, dns, ldap, kerberos, sysvol, time,
 * locator, fsmo, gpo, sssd); this file runs one and counts the checks under way. Every check blocks and runs
 * on a worker thread with its own sockets, LDAP handle and krb5 context. Each is bounded by
 * @deadline_us where the library lets us (sockets, libldap); MIT krb5 1.20 cannot be
 * cancelled, so the scheduler abandons a late Kerberos check at its deadline and reports a
 * timeout itself.
 *
 * Copyright 2026 The Failover Lab authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "fl-checks"

#include "config.h"

#include <glib/gi18n-lib.h>

#include "fl-check-private.h"

static void
fl_check_run_init (FlCheckRun      *run,
                   FlCheckKind      kind,
                   FlProbeConfig   *config,
                   const FlProbeDc *dc,
                   gint64           deadline_us)
{
  run->kind = kind;
  run->config = config;
  run->dc = dc;
  run->started = g_get_monotonic_time ();
  run->deadline = deadline_us;
  g_variant_dict_init (&run->detail, NULL);
  if (dc != NULL)
    g_variant_dict_insert (&run->detail, "address", "s", dc->address);
}

/**
 * fl_check_need_user:
 * @why: (nullable): what the check reads with the user's Kerberos bind, for the message
 *
 * Returns: (nullable): %NULL when the lab has a user principal and a password; otherwise the
 *   check's "skipped" sample, which says where they come from
 */
FlSample *
fl_check_need_user (FlCheckRun *run,
                    const char *why)
{
  g_autofree char *message = NULL;

  if (fl_probe_config_get_user (run->config) != NULL && fl_probe_config_get_password (run->config) != NULL)
    return NULL;
  g_variant_dict_insert (&run->detail, "error", "s", "config");
  message = why != NULL
    ? g_strdup_printf (_("no user credentials: %s; give the lab a user principal and a password "
                         "(keyring, FAILOVER_LAB_PASSWORD or --password-file)"), why)
    : g_strdup (_("no user credentials: give the lab a user principal and a "
                  "password (keyring, FAILOVER_LAB_PASSWORD or --password-file)"));
  return fl_check_finish (run, FL_STATUS_SKIPPED, message);
}

FlSample *
fl_check_finish (FlCheckRun *run,
                 FlStatus    status,
                 const char *message)
{
  return fl_sample_new (run->kind, run->dc ? run->dc->name : NULL, status, run->started,
                        g_get_monotonic_time () - run->started, message,
                        g_variant_dict_end (&run->detail));
}

static const char *
error_kind (const GError *error)
{
  if (error->domain != FL_PROBE_ERROR)
    return "failed";
  switch ((FlProbeError)error->code)
    {
    case FL_PROBE_ERROR_MALFORMED:
      return "malformed";
    case FL_PROBE_ERROR_REFUSED:
      return "refused";
    case FL_PROBE_ERROR_UNREACHABLE:
      return "unreachable";
    case FL_PROBE_ERROR_TIMEOUT:
      return "timeout";
    case FL_PROBE_ERROR_PROTOCOL:
      return "protocol";
    case FL_PROBE_ERROR_AUTH:
      return "auth";
    case FL_PROBE_ERROR_CONFIG:
      return "config";
    case FL_PROBE_ERROR_FAILED:
    default:
      return "failed";
    }
}

FlSample *
fl_check_fail (FlCheckRun   *run,
               const GError *error)
{
  g_variant_dict_insert (&run->detail, "error", "s", error_kind (error));
  return fl_check_finish (run,
                          g_error_matches (error, FL_PROBE_ERROR, FL_PROBE_ERROR_TIMEOUT)
                            ? FL_STATUS_TIMEOUT : FL_STATUS_FAIL,
                          error->message);
}

/* ------------------------------------------------------------------------------------------ */

/**
 * fl_check_run:
 * @dc: (nullable): the DC, or %NULL for a domain-wide check
 * @deadline_us: monotonic time by which the check must be over
 * @hints: (nullable): what earlier rounds learnt
 *
 * Runs one check now, on this (worker) thread.
 *
 * Returns: (transfer full): the sample
 */
static FlSample *check_run (FlCheckKind kind, FlProbeConfig *config, const FlProbeDc *dc,
                            gint64 deadline_us, const FlCheckHints *hints);

/* The checks running now, on any thread: a process must not exit while one of them is inside
 * MIT krb5, whose library destructor destroys mutexes that the check's thread still takes
 * ("k5_mutex_lock: Received error 22", then an assertion and abort). */
static GMutex running_lock;
static GCond running_cond;
static guint running;

FlSample *
fl_check_run (FlCheckKind         kind,
              FlProbeConfig      *config,
              const FlProbeDc    *dc,
              gint64              deadline_us,
              const FlCheckHints *hints)
{
  FlSample *sample;

  g_return_val_if_fail (config != NULL, NULL);
  g_return_val_if_fail (!fl_check_kind_is_per_dc (kind) || dc != NULL, NULL);

  fl_check_running_enter ();
  sample = check_run (kind, config, dc, deadline_us, hints);
  fl_check_running_leave ();
  return sample;
}

/* around anything on a worker thread that goes into MIT krb5 (a check, a role transfer) */
void
fl_check_running_enter (void)
{
  g_mutex_lock (&running_lock);
  running++;
  g_mutex_unlock (&running_lock);
}

void
fl_check_running_leave (void)
{
  g_mutex_lock (&running_lock);
  if (--running == 0)
    g_cond_broadcast (&running_cond);
  g_mutex_unlock (&running_lock);
}

/**
 * fl_check_wait_idle:
 * @timeout_us: how long to wait at most
 *
 * Waits until no check runs on any thread (the scheduler abandons late checks; their threads
 * finish on their own, by their deadline).
 *
 * Returns: %TRUE when none runs, %FALSE when some still did at the timeout
 */
gboolean
fl_check_wait_idle (gint64 timeout_us)
{
  gint64 end = g_get_monotonic_time () + timeout_us;
  gboolean idle;

  g_mutex_lock (&running_lock);
  while (running > 0)
    if (!g_cond_wait_until (&running_cond, &running_lock, end))
      break;
  idle = running == 0;
  g_mutex_unlock (&running_lock);
  return idle;
}

static FlSample *
check_run (FlCheckKind         kind,
           FlProbeConfig      *config,
           const FlProbeDc    *dc,
           gint64              deadline_us,
           const FlCheckHints *hints)
{
  FlCheckRun run;

  fl_check_run_init (&run, kind, config, fl_check_kind_is_per_dc (kind) ? dc : NULL, deadline_us);

  switch (kind)
    {
    case FL_CHECK_REACH:
      return fl_check_reach (&run, dc->address);
    case FL_CHECK_DNS:
      return fl_check_dns (&run);
    case FL_CHECK_LDAP_PING:
      return fl_check_ldap_ping (&run);
    case FL_CHECK_LDAP:
      return fl_check_ldap (&run);
    case FL_CHECK_KERBEROS:
      return fl_check_kerberos (&run, dc->krb5_conf, FALSE);
    case FL_CHECK_MACHINE_TRUST:
      return fl_check_kerberos (&run, dc->krb5_conf, TRUE);
    case FL_CHECK_SMB:
      return fl_check_tcp_service (&run, 445, "SMB");
    case FL_CHECK_SYSVOL:
      return fl_check_sysvol (&run);
    case FL_CHECK_TIME:
      return fl_check_time (&run);
    case FL_CHECK_NETWORK:
      if (fl_probe_config_get_reference (config) == NULL)
        return fl_check_finish (&run, FL_STATUS_SKIPPED,
                                _("no reference host: give the lab a reference_host (the gateway)"));
      g_variant_dict_insert (&run.detail, "address", "s", fl_probe_config_get_reference (config));
      return fl_check_reach (&run, fl_probe_config_get_reference (config));
    case FL_CHECK_LOCATOR:
      return fl_check_locator (&run, hints);
    case FL_CHECK_KDC_VIEW:
      return fl_check_kerberos (&run, fl_probe_config_get_client_krb5_conf (config), FALSE);
    case FL_CHECK_FSMO:
      return fl_check_fsmo (&run, hints);
    case FL_CHECK_GPO:
      return fl_check_gpo (&run, hints);
    case FL_CHECK_SSSD:
      return fl_check_sssd (&run);
    case FL_CHECK_WIN_LOCATOR:
    case FL_CHECK_SECURE_CHANNEL:
    case FL_CHECK_WIN_KDC:
    case FL_CHECK_WIN_LOGON:
      return fl_check_finish (&run, FL_STATUS_SKIPPED, _("asked of the Windows client, not probed from here"));
    case FL_N_CHECKS:
    default:
      return fl_check_finish (&run, FL_STATUS_SKIPPED, _("not available"));
    }
}
