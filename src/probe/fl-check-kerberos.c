/* fl-check-kerberos.c: kerberos, machine_trust and kdc_view: an AS exchange as the user or the machine account
 *
 * Copyright 2026 The Failover Lab authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "fl-checks"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <krb5.h>
#include <string.h>

#include "fl-check-private.h"
#include "fl-krb-pool.h"

typedef struct
{
  GMutex  lock;
  char   *answered_by;
  guint   requests;
} Trace;

static void
trace_cb (krb5_context           ctx,
          const krb5_trace_info *info,
          void                  *data)
{
  Trace *trace = data;
  const char *from;

  if (info == NULL || info->message == NULL)
    return;

  /* "Sending request (261 bytes) to TEST.LOCAL": one exchange with a KDC (counted until the
   * ticket-granting ticket is in: the AS exchanges) */
  if (strstr (info->message, ": Sending request (") != NULL)
    {
      g_mutex_lock (&trace->lock);
      trace->requests++;
      g_mutex_unlock (&trace->lock);
    }

  /* "Received answer (1637 bytes) from stream 10.0.0.12:88" names the KDC that answered */
  if (strstr (info->message, "Received answer") != NULL &&
      (from = strstr (info->message, " from ")) != NULL)
    {
      const char *addr = strrchr (from, ' ') + 1;
      const char *colon = strrchr (addr, ':');
      g_autofree char *host = g_strndup (addr, colon ? (gsize)(colon - addr) : strlen (addr));

      g_strstrip (host);
      if (host[0] == '[')
        memmove (host, host + 1, strlen (host));
      if (strlen (host) > 0 && host[strlen (host) - 1] == ']')
        host[strlen (host) - 1] = '\0';
      g_mutex_lock (&trace->lock);
      g_free (trace->answered_by);
      trace->answered_by = g_strdup (host);
      g_mutex_unlock (&trace->lock);
    }
}

static const char *
krb5_error_kind (krb5_error_code code,
                 FlProbeError   *kind)
{
  switch (code)
    {
    case KRB5KDC_ERR_PREAUTH_FAILED:
    case KRB5KRB_AP_ERR_BAD_INTEGRITY:
      *kind = FL_PROBE_ERROR_AUTH;
      return "auth";
    case KRB5KDC_ERR_C_PRINCIPAL_UNKNOWN:
    case KRB5KDC_ERR_CLIENT_REVOKED:
    case KRB5KDC_ERR_KEY_EXP:
      *kind = FL_PROBE_ERROR_AUTH;
      return "auth";
    case KRB5_KDC_UNREACH:
      *kind = FL_PROBE_ERROR_UNREACHABLE;
      return "unreachable";
    case KRB5KRB_AP_ERR_SKEW:
      *kind = FL_PROBE_ERROR_PROTOCOL;
      return "skew";
    default:
      *kind = FL_PROBE_ERROR_PROTOCOL;
      return "protocol";
    }
}

/* The first exchange of a principal with this profile's KDCs asks for the etype and salt
 * (krb5_get_etype_info, a request without pre-authentication, as every client's first); the
 * answer is kept (fl-krb-pool.c) and every exchange pre-authenticates at once: one round trip,
 * no key derivation. */
static krb5_error_code
kerberos_exchange (FlCheckRun              *run,
                   krb5_context             ctx,
                   const char              *krb5_conf,
                   krb5_principal           client,
                   krb5_creds              *creds,
                   krb5_get_init_creds_opt *opt,
                   const char              *principal,
                   gboolean                 machine)
{
  FlKrbPool *pool = fl_probe_config_get_krb_pool (run->config);
  g_autofree char *keytab_name = NULL;
  krb5_preauthtype encts = KRB5_PADATA_ENC_TIMESTAMP;
  krb5_enctype etype = ENCTYPE_NULL;
  krb5_keytab keytab = NULL;
  krb5_error_code code;
  gboolean learned;

  learned = fl_krb_pool_lookup (pool, krb5_conf, principal, &etype, &keytab_name);
  if (!learned)
    {
      krb5_data salt = { 0 }, params = { 0 };

      code = krb5_get_etype_info (ctx, client, NULL, &etype, &salt, &params);
      if (code == 0 && etype != ENCTYPE_NULL)
        code = fl_krb_pool_learn (pool, ctx, krb5_conf, client, principal,
                                  machine ? NULL : fl_probe_config_get_password (run->config),
                                  etype, &salt, &params, &keytab_name);
      krb5_free_data_contents (ctx, &salt);
      krb5_free_data_contents (ctx, &params);
      if (code != 0)
        return code;
      learned = etype != ENCTYPE_NULL;
      g_variant_dict_insert (&run->detail, "preauth", "s", "asked");
    }
  else
    g_variant_dict_insert (&run->detail, "preauth", "s", "known");

  if (learned)
    {
      krb5_get_init_creds_opt_set_etype_list (opt, &etype, 1);
      krb5_get_init_creds_opt_set_preauth_list (opt, &encts, 1);
    }

  if (machine || keytab_name != NULL)
    {
      g_autofree char *name = machine ? g_strconcat ("FILE:", fl_probe_config_get_keytab (run->config), NULL)
                                      : g_steal_pointer (&keytab_name);

      code = krb5_kt_resolve (ctx, name, &keytab);
      if (code == 0)
        code = krb5_get_init_creds_keytab (ctx, creds, client, keytab, 0, NULL, opt);
      if (keytab != NULL)
        krb5_kt_close (ctx, keytab);
    }
  else
    /* the KDC gave no etype-info (no pre-authentication required): as a client would */
    code = krb5_get_init_creds_password (ctx, creds, client,
                                         fl_probe_config_get_password (run->config), NULL, NULL,
                                         0, NULL, opt);
  if (code != 0)
    fl_krb_pool_forget (pool, krb5_conf, principal);
  return code;
}

FlSample *
fl_check_kerberos (FlCheckRun *run,
                   const char *krb5_conf,
                   gboolean    machine)
{
  const char *principal = machine ? fl_probe_config_get_machine (run->config)
                                  : fl_probe_config_get_user (run->config);
  const char *keytab_path = fl_probe_config_get_keytab (run->config);
  FlKrbPool *pool = fl_probe_config_get_krb_pool (run->config);
  krb5_context ctx = NULL;
  krb5_principal client = NULL;
  krb5_get_init_creds_opt *opt = NULL;
  krb5_ccache cc = NULL;
  krb5_creds creds;
  krb5_error_code code;
  Trace trace = { 0 };
  FlSample *sample;

  memset (&creds, 0, sizeof creds);

  if (!machine && (sample = fl_check_need_user (run, NULL)) != NULL)
    return sample;
  if (machine && (principal == NULL || keytab_path == NULL))
    {
      g_variant_dict_insert (&run->detail, "error", "s", "config");
      return fl_check_finish (run, FL_STATUS_SKIPPED,
                              _("no machine account: give the lab a keytab and a machine "
                                "principal (credentials.keytab, credentials.machine)"));
    }

  g_mutex_init (&trace.lock);
  g_variant_dict_insert (&run->detail, "principal", "s", principal);

  if ((code = fl_krb_pool_acquire (pool, krb5_conf, &ctx)) != 0)
    {
      g_autofree char *message = g_strdup_printf (_("cannot set up Kerberos: error %d"), (int)code);

      g_variant_dict_insert (&run->detail, "error", "s", "config");
      g_mutex_clear (&trace.lock);
      return fl_check_finish (run, FL_STATUS_FAIL, message);
    }
  krb5_set_trace_callback (ctx, trace_cb, &trace);

  if ((code = krb5_parse_name (ctx, principal, &client)) == 0 &&
      (code = krb5_get_init_creds_opt_alloc (ctx, &opt)) == 0 &&
      (code = krb5_cc_new_unique (ctx, "MEMORY", NULL, &cc)) == 0 &&
      (code = krb5_get_init_creds_opt_set_out_ccache (ctx, opt, cc)) == 0)
    code = kerberos_exchange (run, ctx, krb5_conf, client, &creds, opt, principal, machine);

  g_mutex_lock (&trace.lock);
  if (trace.answered_by != NULL)
    {
      const FlProbeDc *by = fl_probe_config_lookup_dc (run->config, trace.answered_by);

      g_variant_dict_insert (&run->detail, "kdc", "s", trace.answered_by);
      if (by != NULL)
        g_variant_dict_insert (&run->detail, "server", "s", by->name);
    }
  g_variant_dict_insert (&run->detail, "as_requests", "u", trace.requests);
  g_mutex_unlock (&trace.lock);

  if (code != 0)
    {
      const char *text = krb5_get_error_message (ctx, code);
      g_autofree char *message = NULL;
      FlProbeError kind;
      const char *what = krb5_error_kind (code, &kind);

      if (machine && kind == FL_PROBE_ERROR_AUTH)
        message = g_strdup_printf (_("the machine account's key was refused (%s): the "
                                     "workstation's password no longer matches the domain's — "
                                     "the trust relationship is broken"), text);
      else if (kind == FL_PROBE_ERROR_AUTH)
        message = g_strdup_printf (_("the KDC refused the credentials of %s: %s"), principal, text);
      else if (code == KRB5KRB_AP_ERR_SKEW)
        message = g_strdup_printf (_("clock skew too great: %s"), text);
      else
        message = g_strdup_printf ("Kerberos: %s", text);
      krb5_free_error_message (ctx, text);
      g_variant_dict_insert (&run->detail, "error", "s", what);
      sample = fl_check_finish (run, FL_STATUS_FAIL, message);
    }
  else
    {
      /* the service ticket a client would get next: ldap/<this DC> */
      if (run->dc != NULL && !machine)
        {
          g_autofree char *service = g_strdup_printf ("ldap/%s@%s", run->dc->host,
                                                      fl_probe_config_get_realm (run->config));
          krb5_creds in, *out = NULL;

          memset (&in, 0, sizeof in);
          in.client = client;
          if (krb5_parse_name (ctx, service, &in.server) == 0)
            {
              if (krb5_get_credentials (ctx, 0, cc, &in, &out) == 0)
                g_variant_dict_insert (&run->detail, "service_ticket", "s", service);
              krb5_free_principal (ctx, in.server);
              krb5_free_creds (ctx, out);
            }
        }
      sample = fl_check_finish (run, FL_STATUS_OK, NULL);
    }

  krb5_free_cred_contents (ctx, &creds);
  if (cc != NULL)
    krb5_cc_destroy (ctx, cc);
  if (opt != NULL)
    krb5_get_init_creds_opt_free (ctx, opt);
  if (client != NULL)
    krb5_free_principal (ctx, client);
  fl_krb_pool_release (pool, krb5_conf, ctx);
  g_free (trace.answered_by);
  g_mutex_clear (&trace.lock);
  return sample;
}
