/* fl-probe-config.h: what the probes need to know, immutable and shared across threads
 *
 * Copyright 2026 The Failover Lab authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef struct
{
  char *name;     /* "DC1" */
  char *host;     /* "dc1.test.local" */
  char *address;  /* probes use addresses, never names */
  char *site;     /* nullable */
  char *krb5_conf; /* a krb5 profile naming this KDC alone */
} FlProbeDc;

typedef struct _FlProbeConfig FlProbeConfig;

FlProbeConfig   *fl_probe_config_new            (const char     *domain,
                                                 const char     *realm);
FlProbeConfig   *fl_probe_config_ref            (FlProbeConfig  *self);
void             fl_probe_config_unref          (FlProbeConfig  *self);
void             fl_probe_config_add_dc         (FlProbeConfig  *self,
                                                 const char     *name,
                                                 const char     *host,
                                                 const char     *address,
                                                 const char     *site);
void             fl_probe_config_set_reference  (FlProbeConfig  *self,
                                                 const char     *address);
void             fl_probe_config_set_user       (FlProbeConfig  *self,
                                                 const char     *principal,
                                                 const char     *password);
void             fl_probe_config_set_machine    (FlProbeConfig  *self,
                                                 const char     *principal,
                                                 const char     *keytab);
void             fl_probe_config_set_timing     (FlProbeConfig  *self,
                                                 guint           interval_ms,
                                                 guint           deadline_ms);
gboolean         fl_probe_config_prepare        (FlProbeConfig  *self,
                                                 GError        **error);

const char      *fl_probe_config_get_domain     (FlProbeConfig  *self);
const char      *fl_probe_config_get_realm      (FlProbeConfig  *self);
guint            fl_probe_config_get_n_dcs      (FlProbeConfig  *self);
const FlProbeDc *fl_probe_config_get_dc         (FlProbeConfig  *self,
                                                 guint           i);
const FlProbeDc *fl_probe_config_lookup_dc      (FlProbeConfig  *self,
                                                 const char     *name_host_or_address);
const char      *fl_probe_config_get_reference  (FlProbeConfig  *self);
const char      *fl_probe_config_get_user       (FlProbeConfig  *self);
const char      *fl_probe_config_get_password   (FlProbeConfig  *self);
const char      *fl_probe_config_get_machine    (FlProbeConfig  *self);
const char      *fl_probe_config_get_keytab     (FlProbeConfig  *self);
const char      *fl_probe_config_get_client_krb5_conf (FlProbeConfig *self);
const char      *fl_probe_config_get_private_dir (FlProbeConfig *self);
guint            fl_probe_config_get_interval_ms (FlProbeConfig *self);
guint            fl_probe_config_get_deadline_ms (FlProbeConfig *self);

void             fl_probe_init                  (void);
gboolean         fl_probe_shutdown              (void);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (FlProbeConfig, fl_probe_config_unref)

G_END_DECLS
