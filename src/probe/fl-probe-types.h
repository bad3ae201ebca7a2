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
typedef enum /*< prefix=FL_PROBE_ERROR >*/
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
 * would: which KDC issues tickets now), %FL_CHECK_FSMO and %FL_CHECK_SSSD are domain-wide. The
 * %FL_CHECK_WIN_* ones and %FL_CHECK_SECURE_CHANNEL are the Windows client's own view, asked of
 * the client (nltest, klist, LOGONSERVER), never run by the probe scheduler.
 * The nicks are the names in JSON, recordings and the command line.
 */
typedef enum
{
  FL_CHECK_REACH,           /*< nick=reach >*/
  FL_CHECK_DNS,             /*< nick=dns >*/
  FL_CHECK_LDAP_PING,       /*< nick=ldap_ping >*/
  FL_CHECK_LDAP,            /*< nick=ldap >*/
  FL_CHECK_KERBEROS,        /*< nick=kerberos >*/
  FL_CHECK_MACHINE_TRUST,   /*< nick=machine_trust >*/
  FL_CHECK_SMB,             /*< nick=smb >*/
  FL_CHECK_SYSVOL,          /*< nick=sysvol >*/
  FL_CHECK_TIME,            /*< nick=time >*/
  FL_CHECK_NETWORK,         /*< nick=network >*/
  FL_CHECK_LOCATOR,         /*< nick=locator >*/
  FL_CHECK_KDC_VIEW,        /*< nick=kdc_view >*/
  FL_CHECK_FSMO,            /*< nick=fsmo >*/
  FL_CHECK_GPO,             /*< nick=gpo >*/              /* each GPO's versionNumber in AD */
  FL_CHECK_SSSD,            /*< nick=sssd >*/
  FL_CHECK_WIN_LOCATOR,     /*< nick=win_locator >*/      /* nltest /dsgetdc /force on the client */
  FL_CHECK_SECURE_CHANNEL,  /*< nick=secure_channel >*/   /* nltest /sc_query: its DC and status */
  FL_CHECK_WIN_KDC,         /*< nick=win_kdc >*/          /* klist: the KDC of the newest tickets */
  FL_CHECK_WIN_LOGON,       /*< nick=win_logon >*/        /* $env:LOGONSERVER: the DC at sign-in */
  FL_N_CHECKS               /*< skip >*/
} FlCheckKind;

#define FL_N_DC_CHECKS (FL_CHECK_TIME + 1)

/* a sample's outcome; "skipped" is no news (the check still ran, or cannot run here) */
typedef enum
{
  FL_STATUS_OK,        /*< nick=ok >*/
  FL_STATUS_DEGRADED,  /*< nick=degraded >*/
  FL_STATUS_FAIL,      /*< nick=fail >*/
  FL_STATUS_TIMEOUT,   /*< nick=timeout >*/
  FL_STATUS_SKIPPED,   /*< nick=skipped >*/
} FlStatus;

/* a client's view of the domain that a failover moves to another DC; the nicks are the
 * "view" of events and recordings */
typedef enum
{
  FL_VIEW_LOCATOR,   /*< nick=locator >*/  /* the DC locator's choice: the active logon server */
  FL_VIEW_KERBEROS,  /*< nick=kerberos >*/ /* the KDC that issues tickets now */
  FL_VIEW_WIN_LOCATOR,    /*< nick=win_locator >*/    /* the Windows client's locator */
  FL_VIEW_SECURE_CHANNEL, /*< nick=secure_channel >*/ /* the client's secure channel, when up */
  FL_VIEW_WIN_KDC,        /*< nick=win_kdc >*/        /* the KDC of the client's newest tickets */
  FL_N_VIEWS         /*< skip >*/
} FlView;

/* the five FSMO roles; the nicks are the keys of the fsmo sample's detail */
typedef enum
{
  FL_FSMO_PDC,             /*< nick=pdc >*/
  FL_FSMO_RID,             /*< nick=rid >*/
  FL_FSMO_INFRASTRUCTURE,  /*< nick=infrastructure >*/
  FL_FSMO_NAMING,          /*< nick=naming >*/
  FL_FSMO_SCHEMA,          /*< nick=schema >*/
  FL_FSMO_N_ROLES          /*< skip >*/
} FlFsmoRole;

/* one table per concept: the enums' nicks (glib-mkenums), read through these */
const char  *fl_enum_to_nick           (GType        type,
                                        int          value);
gboolean     fl_enum_from_nick         (GType        type,
                                        const char  *nick,
                                        int         *value);

GQuark       fl_probe_error_quark      (void);
const char  *fl_check_kind_to_string   (FlCheckKind  kind);
const char  *fl_check_kind_to_label    (FlCheckKind  kind);
gboolean     fl_check_kind_is_windows  (FlCheckKind  kind);
gboolean     fl_check_kind_to_view     (FlCheckKind  kind,
                                        FlView      *view);
FlCheckKind  fl_view_to_check_kind     (FlView       view);
const char  *fl_status_to_label        (FlStatus     status);
const char  *fl_view_to_label          (FlView       view);
char        *fl_format_clock_time      (gint64       wall_us);
gboolean     fl_check_kind_from_string (const char  *text,
                                        FlCheckKind *kind);
gboolean     fl_check_kind_is_per_dc   (FlCheckKind  kind);
const char  *fl_status_to_string       (FlStatus     status);
gboolean     fl_status_from_string     (const char  *text,
                                        FlStatus    *status);
const char  *fl_fsmo_role_to_string    (FlFsmoRole   role);
gboolean     fl_fsmo_role_from_string  (const char  *text,
                                        FlFsmoRole  *role);
const char  *fl_fsmo_role_to_become    (FlFsmoRole   role);
char        *fl_fsmo_roles_to_labels   (guint        roles);
const char  *fl_fsmo_role_to_label     (FlFsmoRole   role);
const char  *fl_fsmo_role_to_short     (FlFsmoRole   role);
const char  *fl_fsmo_role_to_impact    (FlFsmoRole   role);
char        *fl_fsmo_down_text         (guint        roles);

G_END_DECLS
