/* fl-check-private.h: what the check families (fl-check-*.c) share: one check's run, its
 * sample, the LDAP helpers
 *
 * Copyright 2026 The Failover Lab authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <krb5.h>
#include <ldap.h>

#include "fl-checks.h"
#include "fl-dns-message.h"
#include "fl-netlogon.h"

G_BEGIN_DECLS

#define NT_VERSION_REQUEST (FL_NT_VERSION_5 | FL_NT_VERSION_5EX | FL_NT_VERSION_WITH_CLOSEST_SITE)

/* one check under way: what its sample will say */
typedef struct
{
  FlCheckKind      kind;
  FlProbeConfig   *config;
  const FlProbeDc *dc;
  gint64           started;
  gint64           deadline;
  GVariantDict     detail;
} FlCheckRun;

static inline void
fl_check_ldap_unbind (LDAP *ld)
{
  ldap_unbind_ext_s (ld, NULL, NULL);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (LDAP, fl_check_ldap_unbind)

/* fl-checks.c */
G_GNUC_INTERNAL
void
fl_check_running_enter (void);

G_GNUC_INTERNAL
void
fl_check_running_leave (void);

G_GNUC_INTERNAL
FlSample *
fl_check_finish (FlCheckRun *run,
                 FlStatus    status,
                 const char *message);

G_GNUC_INTERNAL
FlSample *
fl_check_fail (FlCheckRun   *run,
               const GError *error);

G_GNUC_INTERNAL
FlSample *
fl_check_need_user (FlCheckRun *run,
                    const char *why);

/* fl-check-net.c */
G_GNUC_INTERNAL
FlSample *
fl_check_reach (FlCheckRun *run,
                const char *address);

G_GNUC_INTERNAL
FlSample *
fl_check_tcp_service (FlCheckRun *run,
                      guint16     port,
                      const char *service);

/* fl-check-dns.c */
G_GNUC_INTERNAL
FlDnsResponse *
fl_check_dns_ask_tcp (const char  *server,
                      guint16      port,
                      GBytes      *query,
                      guint16      id,
                      const char  *name,
                      guint16      qtype,
                      gint64       deadline_us,
                      GError     **error);

G_GNUC_INTERNAL
FlSample *
fl_check_dns (FlCheckRun *run);

/* fl-check-ldap.c */
G_GNUC_INTERNAL
int
fl_check_ldap_search (LDAP         *ld,
                      const char   *base,
                      const char   *filter,
                      char        **attrs,
                      gint64        deadline_us,
                      LDAPMessage **result);

G_GNUC_INTERNAL
int
fl_check_ldap_search_scope (LDAP         *ld,
                            const char   *base,
                            int           scope,
                            const char   *filter,
                            char        **attrs,
                            gint64        deadline_us,
                            LDAPMessage **result);

G_GNUC_INTERNAL
LDAP *
fl_check_ldap_open (const FlProbeDc  *dc,
                    gint64            deadline_us,
                    GError          **error);

G_GNUC_INTERNAL
void
fl_check_ldap_error (GError     **error,
                     LDAP        *ld,
                     int          rc,
                     const char  *what);

G_GNUC_INTERNAL
char *
fl_check_ldap_value (LDAP        *ld,
                     LDAPMessage *entry,
                     const char  *attr);

G_GNUC_INTERNAL
void
fl_check_netlogon_detail (GVariantDict          *d,
                          const FlNetlogonReply *r);

G_GNUC_INTERNAL
FlNetlogonReply *
fl_check_decode_ping (GBytes  *datagram,
                      int      message_id,
                      GError **error);

G_GNUC_INTERNAL
FlSample *
fl_check_ldap_ping (FlCheckRun *run);

G_GNUC_INTERNAL
FlSample *
fl_check_ldap (FlCheckRun *run);

/* fl-check-kerberos.c */
G_GNUC_INTERNAL
FlSample *
fl_check_kerberos (FlCheckRun *run,
                   const char *krb5_conf,
                   gboolean    machine);

/* fl-check-time.c */
G_GNUC_INTERNAL
FlSample *
fl_check_time (FlCheckRun *run);

/* fl-check-locator.c */
G_GNUC_INTERNAL
FlSample *
fl_check_locator (FlCheckRun         *run,
                  const FlCheckHints *hints);

/* fl-check-fsmo.c: a Kerberos-bound (SASL/GSSAPI) LDAP connection to one DC, and its naming
 * contexts */
typedef struct
{
  LDAP         *ld;
  krb5_context  ctx;
  krb5_ccache   cc;
  char         *domain_nc;
  char         *config_nc;
  char         *schema_nc;
} FlKrbLdap;

G_GNUC_INTERNAL
gboolean
fl_check_krb_ldap_connect (FlCheckRun       *run,
                           const FlProbeDc  *dc,
                           FlKrbLdap        *c,
                           GError          **error);

G_GNUC_INTERNAL
void
fl_check_krb_ldap_disconnect (FlKrbLdap *c);

G_GNUC_INTERNAL
FlSample *
fl_check_fsmo (FlCheckRun         *run,
               const FlCheckHints *hints);

G_GNUC_INTERNAL
GPtrArray *
fl_check_dc_order (FlCheckRun         *run,
                   const FlCheckHints *hints);

/* fl-check-gpo.c */
G_GNUC_INTERNAL
FlSample *
fl_check_gpo (FlCheckRun         *run,
              const FlCheckHints *hints);

/* fl-check-sysvol.c */
typedef struct _FlSysvolHelper FlSysvolHelper;

G_GNUC_INTERNAL
FlSample *
fl_check_sysvol (FlCheckRun *run);

G_GNUC_INTERNAL
void
fl_sysvol_helper_free (FlSysvolHelper *helper);

/* fl-probe-config.c */
G_GNUC_INTERNAL
FlSysvolHelper *
fl_probe_config_take_sysvol_helper (FlProbeConfig *self,
                                    const char    *dc_name);

G_GNUC_INTERNAL
void
fl_probe_config_drop_sysvol_helpers (FlProbeConfig *self);

G_GNUC_INTERNAL
void
fl_probe_config_keep_sysvol_helper (FlProbeConfig  *self,
                                    const char     *dc_name,
                                    FlSysvolHelper *helper);

/* fl-check-sssd.c */
G_GNUC_INTERNAL
FlSample *
fl_check_sssd (FlCheckRun *run);

G_END_DECLS
