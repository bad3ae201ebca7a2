/* fl-krb-pool.h: krb5 contexts and learned pre-authentication, kept across a config's checks
 *
 * Copyright 2026 The Failover Lab authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>
#include <krb5.h>

#include "fl-probe-config.h"

G_BEGIN_DECLS

typedef struct _FlKrbPool FlKrbPool;

FlKrbPool      *fl_krb_pool_new      (void);
void            fl_krb_pool_free     (FlKrbPool       *pool);
FlKrbPool      *fl_probe_config_get_krb_pool (FlProbeConfig *config);

krb5_error_code fl_krb_pool_acquire  (FlKrbPool       *pool,
                                      const char      *profile_path,
                                      krb5_context    *ctx_out);
void            fl_krb_pool_release  (FlKrbPool       *pool,
                                      const char      *profile_path,
                                      krb5_context     ctx);

gboolean        fl_krb_pool_lookup   (FlKrbPool       *pool,
                                      const char      *profile_path,
                                      const char      *principal,
                                      krb5_enctype    *etype_out,
                                      char           **keytab_out);
krb5_error_code fl_krb_pool_learn    (FlKrbPool       *pool,
                                      krb5_context     ctx,
                                      const char      *profile_path,
                                      krb5_principal   client,
                                      const char      *principal,
                                      const char      *password,
                                      krb5_enctype     etype,
                                      const krb5_data *salt,
                                      const krb5_data *params,
                                      char           **keytab_out);
void            fl_krb_pool_forget   (FlKrbPool       *pool,
                                      const char      *profile_path,
                                      const char      *principal);

G_END_DECLS
