/* fl-probe-types.h
 *
 * Copyright 2026 The Failover Lab authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib-object.h>

G_BEGIN_DECLS

#define FL_PROBE_ERROR (fl_probe_error_quark ())

/**
 * FlProbeError:
 * @FL_PROBE_ERROR_MALFORMED: a reply that does not parse (its bytes are kept in the detail)
 * @FL_PROBE_ERROR_REFUSED: the port is closed (RST / ICMP port unreachable)
 * @FL_PROBE_ERROR_UNREACHABLE: no route, host unreachable (ARP failed)
 * @FL_PROBE_ERROR_TIMEOUT: no answer before the deadline
 * @FL_PROBE_ERROR_PROTOCOL: a well-formed answer that says no (DNS rcode, LDAP result, KDC error)
 * @FL_PROBE_ERROR_AUTH: credentials refused
 * @FL_PROBE_ERROR_CONFIG: missing configuration or credentials for this check
 * @FL_PROBE_ERROR_FAILED: anything else (the message says what)
 */
typedef enum
{
  FL_PROBE_ERROR_MALFORMED,
  FL_PROBE_ERROR_REFUSED,
  FL_PROBE_ERROR_UNREACHABLE,
  FL_PROBE_ERROR_TIMEOUT,
  FL_PROBE_ERROR_PROTOCOL,
  FL_PROBE_ERROR_AUTH,
  FL_PROBE_ERROR_CONFIG,
  FL_PROBE_ERROR_FAILED,
} FlProbeError;

/**
 * FlCheckKind:
 *
 * What a sample measured. The first ones are per DC; %FL_CHECK_NETWORK, %FL_CHECK_LOCATOR,
 * %FL_CHECK_KDC_VIEW (an AS exchange with every KDC in lab order, as the client's krb5.conf
 * would: which KDC issues tickets now), %FL_CHECK_FSMO and %FL_CHECK_SSSD are domain-wide.
 */
typedef enum
{
  FL_CHECK_REACH,
  FL_CHECK_DNS,
  FL_CHECK_LDAP_PING,
  FL_CHECK_LDAP,
  FL_CHECK_KERBEROS,
  FL_CHECK_MACHINE_TRUST,
  FL_CHECK_SMB,
  FL_CHECK_TIME,
  FL_CHECK_NETWORK,
  FL_CHECK_LOCATOR,
  FL_CHECK_KDC_VIEW,
  FL_CHECK_FSMO,
  FL_CHECK_SSSD,
  FL_N_CHECKS
} FlCheckKind;

#define FL_N_DC_CHECKS (FL_CHECK_TIME + 1)

typedef enum
{
  FL_STATUS_OK,
  FL_STATUS_DEGRADED,
  FL_STATUS_FAIL,
  FL_STATUS_TIMEOUT,
  FL_STATUS_SKIPPED,
} FlStatus;

GQuark       fl_probe_error_quark      (void);
const char  *fl_check_kind_to_string   (FlCheckKind  kind);
const char  *fl_check_kind_to_label    (FlCheckKind  kind);
const char  *fl_status_to_label        (FlStatus     status);
char        *fl_format_clock_time      (gint64       wall_us);
gboolean     fl_check_kind_from_string (const char  *text,
                                        FlCheckKind *kind);
gboolean     fl_check_kind_is_per_dc   (FlCheckKind  kind);
const char  *fl_status_to_string       (FlStatus     status);
gboolean     fl_status_from_string     (const char  *text,
                                        FlStatus    *status);

G_END_DECLS
