/* fl-check-fsmo.c: fsmo: the five role owners, read with a Kerberos (SASL/GSSAPI) bind
 *
 * Copyright 2026 The Failover Lab authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "fl-checks"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <gssapi/gssapi_krb5.h>
#include <krb5.h>
#include <profile.h>
#include <string.h>

#include "fl-check-private.h"
#include "fl-ldap-values.h"
#include "fl-net.h"

static int
sasl_interact_none (LDAP     *ld,
                    unsigned  flags,
                    void     *defaults,
                    void     *interact)
{
  /* GSSAPI needs no prompt: the credentials are in the thread's ccache */
  return LDAP_SUCCESS;
}

/* A TGT and the service ticket ldap/<host> in a fresh MEMORY ccache, from this DC's KDC alone.
 * Returns the ccache name for gss_krb5_ccache_name(), or NULL with @error. */
static char *
fsmo_credentials (FlCheckRun       *run,
                  const FlProbeDc  *dc,
                  krb5_context     *ctx_out,
                  krb5_ccache      *cc_out,
                  GError          **error)
{
  const char *principal = fl_probe_config_get_user (run->config);
  const char *password = fl_probe_config_get_password (run->config);
  g_autofree char *service = NULL;
  krb5_context ctx = NULL;
  krb5_principal client = NULL;
  krb5_get_init_creds_opt *opt = NULL;
  krb5_ccache cc = NULL;
  krb5_creds creds, in, *out = NULL;
  profile_t profile = NULL;
  krb5_error_code code;
  char *name = NULL;
  char *result = NULL;

  memset (&creds, 0, sizeof creds);
  memset (&in, 0, sizeof in);

  if (principal == NULL || password == NULL)
    {
      g_set_error_literal (error, FL_PROBE_ERROR, FL_PROBE_ERROR_CONFIG,
                           _("no user credentials: the FSMO roles are read with a Kerberos bind"));
      return NULL;
    }

  service = g_strdup_printf ("ldap/%s@%s", dc->host, fl_probe_config_get_realm (run->config));
  if ((code = profile_init_path (dc->krb5_conf, &profile)) == 0 &&
      (code = krb5_init_context_profile (profile, 0, &ctx)) == 0 &&
      (code = krb5_parse_name (ctx, principal, &client)) == 0 &&
      (code = krb5_get_init_creds_opt_alloc (ctx, &opt)) == 0 &&
      (code = krb5_cc_new_unique (ctx, "MEMORY", NULL, &cc)) == 0 &&
      (code = krb5_cc_initialize (ctx, cc, client)) == 0 &&
      (code = krb5_get_init_creds_opt_set_out_ccache (ctx, opt, cc)) == 0 &&
      (code = krb5_get_init_creds_password (ctx, &creds, client, password, NULL, NULL, 0, NULL,
                                            opt)) == 0 &&
      (code = krb5_parse_name (ctx, service, &in.server)) == 0)
    {
      in.client = client;
      code = krb5_get_credentials (ctx, 0, cc, &in, &out);
      if (code == 0)
        code = krb5_cc_get_full_name (ctx, cc, &name);
    }
  if (profile != NULL)
    profile_release (profile);

  if (code != 0)
    {
      const char *text = ctx ? krb5_get_error_message (ctx, code) : NULL;

      g_set_error (error, FL_PROBE_ERROR, FL_PROBE_ERROR_AUTH, _("Kerberos for the FSMO bind: %s"),
                   text ? text : "?");
      if (text != NULL)
        krb5_free_error_message (ctx, text);
    }
  else
    result = g_strdup (name);

  krb5_free_string (ctx, name);
  krb5_free_creds (ctx, out);
  if (in.server != NULL)
    krb5_free_principal (ctx, in.server);
  krb5_free_cred_contents (ctx, &creds);
  if (opt != NULL)
    krb5_get_init_creds_opt_free (ctx, opt);
  if (client != NULL)
    krb5_free_principal (ctx, client);
  if (result == NULL)
    {
      if (cc != NULL)
        krb5_cc_destroy (ctx, cc);
      if (ctx != NULL)
        krb5_free_context (ctx);
      return NULL;
    }
  *ctx_out = ctx;
  *cc_out = cc;
  return result;
}

/* The role owner: fSMORoleOwner is "CN=NTDS Settings,CN=<server>,CN=Servers,…"; the server
 * object's dNSHostName names the DC. */
static char *
fsmo_owner (FlCheckRun  *run,
            LDAP        *ld,
            const char  *dn,
            GError     **error)
{
  char *attrs[] = { (char *)"fSMORoleOwner", NULL };
  char *host_attrs[] = { (char *)"dNSHostName", NULL };
  LDAPMessage *result = NULL;
  g_autofree char *owner = NULL;
  g_autofree char *host = NULL;
  g_autofree char *server_dn = NULL;
  const FlProbeDc *dc;
  int rc;

  rc = fl_check_ldap_search (ld, dn, "(objectClass=*)", attrs, run->deadline, &result);
  if (rc == LDAP_SUCCESS && ldap_first_entry (ld, result) != NULL)
    owner = fl_check_ldap_value (ld, ldap_first_entry (ld, result), "fSMORoleOwner");
  ldap_msgfree (result);
  if (rc != LDAP_SUCCESS)
    {
      fl_check_ldap_error (error, ld, rc, dn);
      return NULL;
    }
  server_dn = fl_fsmo_owner_server_dn (owner);
  if (server_dn == NULL)
    return g_strdup ("?");

  result = NULL;
  rc = fl_check_ldap_search (ld, server_dn, "(objectClass=*)", host_attrs, run->deadline, &result);
  if (rc == LDAP_SUCCESS && ldap_first_entry (ld, result) != NULL)
    host = fl_check_ldap_value (ld, ldap_first_entry (ld, result), "dNSHostName");
  ldap_msgfree (result);

  dc = fl_probe_config_lookup_dc (run->config, host);
  if (dc != NULL)
    return g_strdup (dc->name);
  if (host != NULL)
    return g_steal_pointer (&host);
  /* "CN=DC1,CN=Servers,…" */
  return fl_dn_first_value (server_dn);
}

/* One DC's view of the five roles: @owners[i] set where it could be read. */
static gboolean
fsmo_read (FlCheckRun       *run,
           const FlProbeDc  *dc,
           char            **owners,
           GError          **error)
{
  g_autoptr(LDAP) ld = NULL;
  g_autofree char *ccache = NULL;
  krb5_context ctx = NULL;
  krb5_ccache cc = NULL;
  char *nc_attrs[] = { (char *)"defaultNamingContext", (char *)"configurationNamingContext",
                       (char *)"schemaNamingContext", NULL };
  g_autofree char *domain_nc = NULL;
  g_autofree char *config_nc = NULL;
  g_autofree char *schema_nc = NULL;
  LDAPMessage *result = NULL;
  GError *local_error = NULL;
  OM_uint32 minor;
  int rc;

  ccache = fsmo_credentials (run, dc, &ctx, &cc, error);
  if (ccache == NULL)
    return FALSE;

  /* the GSSAPI mechanism of this thread uses that ccache (and only this thread) */
  gss_krb5_ccache_name (&minor, ccache, NULL);

  ld = fl_check_ldap_open (dc, run->deadline, &local_error);
  if (ld != NULL)
    {
      rc = ldap_sasl_interactive_bind_s (ld, NULL, "GSSAPI", NULL, NULL, LDAP_SASL_QUIET,
                                         sasl_interact_none, NULL);
      if (rc != LDAP_SUCCESS)
        fl_check_ldap_error (&local_error, ld, rc, _("Kerberos bind"));
    }

  if (local_error == NULL)
    {
      rc = fl_check_ldap_search (ld, "", "(objectClass=*)", nc_attrs, run->deadline, &result);
      if (rc == LDAP_SUCCESS && ldap_first_entry (ld, result) != NULL)
        {
          domain_nc = fl_check_ldap_value (ld, ldap_first_entry (ld, result), "defaultNamingContext");
          config_nc = fl_check_ldap_value (ld, ldap_first_entry (ld, result), "configurationNamingContext");
          schema_nc = fl_check_ldap_value (ld, ldap_first_entry (ld, result), "schemaNamingContext");
        }
      ldap_msgfree (result);
      if (rc != LDAP_SUCCESS || domain_nc == NULL || config_nc == NULL || schema_nc == NULL)
        fl_check_ldap_error (&local_error, ld, rc != LDAP_SUCCESS ? rc : LDAP_NO_SUCH_OBJECT, "rootDSE");
    }

  if (local_error == NULL)
    {
      g_autofree char *rid = g_strdup_printf ("CN=RID Manager$,CN=System,%s", domain_nc);
      g_autofree char *infra = g_strdup_printf ("CN=Infrastructure,%s", domain_nc);
      g_autofree char *parts = g_strdup_printf ("CN=Partitions,%s", config_nc);
      const char *dns[] = { domain_nc, rid, infra, parts, schema_nc };

      for (guint i = 0; local_error == NULL && i < FL_FSMO_N_ROLES; i++)
        {
          char *owner;

          if (owners[i] != NULL)
            continue;
          owner = fsmo_owner (run, ld, dns[i], &local_error);
          if (owner != NULL && !g_str_equal (owner, "?"))
            owners[i] = owner;
          else
            g_free (owner);
        }
    }

  gss_krb5_ccache_name (&minor, NULL, NULL);
  krb5_cc_destroy (ctx, cc);
  krb5_free_context (ctx);

  if (local_error != NULL)
    {
      g_propagate_error (error, local_error);
      return FALSE;
    }
  return TRUE;
}

FlSample *
fl_check_fsmo (FlCheckRun         *run,
               const FlCheckHints *hints)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) order = g_ptr_array_new ();
  g_autoptr(GString) unknown_roles = g_string_new (NULL);
  char *owners[FL_FSMO_N_ROLES] = { NULL };
  const char *read_from = NULL;
  guint unknown = 0;

  /* without the user's credentials there is no Kerberos bind: nothing to say about the DCs, as
   * for the Kerberos checks (skipped, not failed) */
  if (fl_probe_config_get_user (run->config) == NULL || fl_probe_config_get_password (run->config) == NULL)
    {
      g_variant_dict_insert (&run->detail, "error", "s", "config");
      return fl_check_finish (run, FL_STATUS_SKIPPED,
                              _("no user credentials: the FSMO roles are read with a Kerberos bind; give the "
                                "lab a user principal and a password (keyring, FAILOVER_LAB_PASSWORD or "
                                "--password-file)"));
    }

  /* read from the DC the locator uses; a DC that cannot say (still starting, a partition not
   * yet in place) hands over to the next one */
  if (hints != NULL && hints->logon_server != NULL &&
      fl_probe_config_lookup_dc (run->config, hints->logon_server) != NULL)
    g_ptr_array_add (order, (gpointer)fl_probe_config_lookup_dc (run->config, hints->logon_server));
  for (guint i = 0; i < fl_probe_config_get_n_dcs (run->config); i++)
    if (!g_ptr_array_find (order, fl_probe_config_get_dc (run->config, i), NULL))
      g_ptr_array_add (order, (gpointer)fl_probe_config_get_dc (run->config, i));

  for (guint d = 0; d < order->len && fl_net_remaining_us (run->deadline) > 0; d++)
    {
      const FlProbeDc *dc = order->pdata[d];
      g_autoptr(GError) dc_error = NULL;
      guint missing = 0;

      if (!fsmo_read (run, dc, owners, &dc_error))
        {
          if (error == NULL)
            error = g_steal_pointer (&dc_error);
          continue;
        }
      if (read_from == NULL)
        read_from = dc->name;
      for (guint i = 0; i < FL_FSMO_N_ROLES; i++)
        if (owners[i] == NULL)
          missing++;
      if (missing == 0)
        break;
    }

  if (read_from == NULL)
    {
      for (guint i = 0; i < FL_FSMO_N_ROLES; i++)
        g_free (owners[i]);
      return fl_check_fail (run, error);
    }

  g_variant_dict_insert (&run->detail, "server", "s", read_from);
  for (guint i = 0; i < FL_FSMO_N_ROLES; i++)
    {
      g_variant_dict_insert (&run->detail, fl_fsmo_role_to_string ((FlFsmoRole)i), "s", owners[i] ? owners[i] : "?");
      if (owners[i] == NULL)
        {
          if (unknown_roles->len > 0)
            g_string_append (unknown_roles, ", ");
          g_string_append (unknown_roles, fl_fsmo_role_to_label ((FlFsmoRole)i));
          unknown++;
        }
      g_free (owners[i]);
    }

  if (unknown > 0)
    {
      g_autofree char *message =
        g_strdup_printf (_("the owner of these FSMO roles could not be read: %s"), unknown_roles->str);

      return fl_check_finish (run, FL_STATUS_DEGRADED, message);
    }
  return fl_check_finish (run, FL_STATUS_OK, NULL);
}
