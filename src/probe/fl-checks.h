/* fl-checks.h: the checks, each one blocking call bounded by a deadline (worker threads only)
 *
 * Copyright 2026 The Failover Lab authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "fl-dns-message.h"
#include "fl-probe-config.h"
#include "fl-sample.h"

G_BEGIN_DECLS

/* What earlier rounds learnt, as a client's Netlogon remembers it. Read-only. */
typedef struct
{
  const char *client_site;   /* DynamicSiteName: from the last LDAP ping answer */
  const char *logon_server;  /* the DC the locator found last time (the cached DC) */
} FlCheckHints;

gboolean  fl_check_wait_idle (gint64 timeout_us);
FlDnsResponse *fl_check_dns_ask (const char  *server,
                                 guint16      port,
                                 const char  *name,
                                 guint16      qtype,
                                 gint64       deadline_us,
                                 GError     **error);
const char *fl_sysvol_helper_path (void);

FlSample *fl_check_run (FlCheckKind          kind,
                        FlProbeConfig       *config,
                        const FlProbeDc     *dc,
                        gint64               deadline_us,
                        const FlCheckHints  *hints);
gboolean  fl_fsmo_transfer (FlProbeConfig  *config,
                            const char     *target,
                            FlFsmoRole      role,
                            guint           timeout_ms,
                            char          **holder,
                            GError        **error);

G_END_DECLS
