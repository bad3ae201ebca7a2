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

void
fl_check_krb_ldap_disconnect (FlKrbLdap *c)
{
  OM_uint32 minor;

  g_clear_pointer (&c->ld, fl_check_ldap_unbind);
  gss_krb5_ccache_name (&minor, NULL, NULL);
  if (c->cc != NULL)
    krb5_cc_destroy (c->ctx, c->cc);
  if (c->ctx != NULL)
    krb5_free_context (c->ctx);
  g_free (c->domain_nc);
  g_free (c->config_nc);
  g_free (c->schema_nc);
  memset (c, 0, sizeof *c);
}

/* A Kerberos-bound (SASL/GSSAPI) LDAP connection to one DC, and its naming contexts; the
 * FSMO reading, a role's move and the GPO reading use it */
gboolean
fl_check_krb_ldap_connect (FlCheckRun       *run,
                           const FlProbeDc  *dc,
                           FlKrbLdap        *c,
                           GError          **error)
{
  g_autofree char *ccache = NULL;
  char *nc_attrs[] = { (char *)"defaultNamingContext", (char *)"configurationNamingContext",
                       (char *)"schemaNamingContext", NULL };
  LDAPMessage *result = NULL;
  GError *local_error = NULL;
  OM_uint32 minor;
  int rc;

  memset (c, 0, sizeof *c);
  ccache = fsmo_credentials (run, dc, &c->ctx, &c->cc, error);
  if (ccache == NULL)
    return FALSE;

  /* the GSSAPI mechanism of this thread uses that ccache (and only this thread) */
  gss_krb5_ccache_name (&minor, ccache, NULL);

  c->ld = fl_check_ldap_open (dc, run->deadline, &local_error);
  if (c->ld != NULL)
    {
      rc = ldap_sasl_interactive_bind_s (c->ld, NULL, "GSSAPI", NULL, NULL, LDAP_SASL_QUIET,
                                         sasl_interact_none, NULL);
      if (rc != LDAP_SUCCESS)
        fl_check_ldap_error (&local_error, c->ld, rc, _("Kerberos bind"));
    }

  if (local_error == NULL)
    {
      rc = fl_check_ldap_search (c->ld, "", "(objectClass=*)", nc_attrs, run->deadline, &result);
      if (rc == LDAP_SUCCESS && ldap_first_entry (c->ld, result) != NULL)
        {
          LDAPMessage *e = ldap_first_entry (c->ld, result);

          c->domain_nc = fl_check_ldap_value (c->ld, e, "defaultNamingContext");
          c->config_nc = fl_check_ldap_value (c->ld, e, "configurationNamingContext");
          c->schema_nc = fl_check_ldap_value (c->ld, e, "schemaNamingContext");
        }
      ldap_msgfree (result);
      if (rc != LDAP_SUCCESS || c->domain_nc == NULL || c->config_nc == NULL || c->schema_nc == NULL)
        fl_check_ldap_error (&local_error, c->ld, rc != LDAP_SUCCESS ? rc : LDAP_NO_SUCH_OBJECT, "rootDSE");
    }

  if (local_error != NULL)
    {
      fl_check_krb_ldap_disconnect (c);
      g_propagate_error (error, local_error);
      return FALSE;
    }
  return TRUE;
}

/* the object whose fSMORoleOwner names @role's holder */
static char *
fsmo_role_object (const FlKrbLdap *c,
                  FlFsmoRole      role)
{
  switch (role)
    {
    case FL_FSMO_PDC:
      return g_strdup (c->domain_nc);
    case FL_FSMO_RID:
      return g_strdup_printf ("CN=RID Manager$,CN=System,%s", c->domain_nc);
    case FL_FSMO_INFRASTRUCTURE:
      return g_strdup_printf ("CN=Infrastructure,%s", c->domain_nc);
    case FL_FSMO_NAMING:
      return g_strdup_printf ("CN=Partitions,%s", c->config_nc);
    case FL_FSMO_SCHEMA:
    case FL_FSMO_N_ROLES:
    default:
      return g_strdup (c->schema_nc);
    }
}

/* One DC's view of the five roles: @owners[i] set where it could be read. */
static gboolean
fsmo_read (FlCheckRun       *run,
           const FlProbeDc  *dc,
           char            **owners,
           GError          **error)
{
  FlKrbLdap c;
  GError *local_error = NULL;

  if (!fl_check_krb_ldap_connect (run, dc, &c, error))
    return FALSE;

  for (guint i = 0; local_error == NULL && i < FL_FSMO_N_ROLES; i++)
    {
      g_autofree char *dn = NULL;
      char *owner;

      if (owners[i] != NULL)
        continue;
      dn = fsmo_role_object (&c, (FlFsmoRole)i);
      owner = fsmo_owner (run, c.ld, dn, &local_error);
      if (owner != NULL && !g_str_equal (owner, "?"))
        owners[i] = owner;
      else
        g_free (owner);
    }

  fl_check_krb_ldap_disconnect (&c);
  if (local_error != NULL)
    {
      g_propagate_error (error, local_error);
      return FALSE;
    }
  return TRUE;
}

/* the DCs a domain-wide reading asks, in turn: the one the locator uses first, then lab order */
GPtrArray *
fl_check_dc_order (FlCheckRun         *run,
                   const FlCheckHints *hints)
{
  GPtrArray *order = g_ptr_array_new ();

  if (hints != NULL && hints->logon_server != NULL &&
      fl_probe_config_lookup_dc (run->config, hints->logon_server) != NULL)
    g_ptr_array_add (order, (gpointer)fl_probe_config_lookup_dc (run->config, hints->logon_server));
  for (guint i = 0; i < fl_probe_config_get_n_dcs (run->config); i++)
    if (!g_ptr_array_find (order, fl_probe_config_get_dc (run->config, i), NULL))
      g_ptr_array_add (order, (gpointer)fl_probe_config_get_dc (run->config, i));
  return order;
}

FlSample *
fl_check_fsmo (FlCheckRun         *run,
               const FlCheckHints *hints)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) order = NULL;
  g_autofree char *unknown_labels = NULL;
  char *owners[FL_FSMO_N_ROLES] = { NULL };
  const char *read_from = NULL;
  guint unknown = 0;   /* 1 << FlFsmoRole */
  FlSample *sample;

  /* without the user's credentials there is no Kerberos bind: nothing to say about the DCs, as
   * for the Kerberos checks (skipped, not failed) */
  if ((sample = fl_check_need_user (run, _("the FSMO roles are read with a Kerberos bind"))) != NULL)
    return sample;

  /* read from the DC the locator uses; a DC that cannot say (still starting, a partition not
   * yet in place) hands over to the next one */
  order = fl_check_dc_order (run, hints);

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
        unknown |= 1u << i;
      g_free (owners[i]);
    }

  if (unknown != 0)
    {
      g_autofree char *message = NULL;

      unknown_labels = fl_fsmo_roles_to_labels (unknown);
      message = g_strdup_printf (_("the owner of these FSMO roles could not be read: %s"), unknown_labels);

      return fl_check_finish (run, FL_STATUS_DEGRADED, message);
    }
  return fl_check_finish (run, FL_STATUS_OK, NULL);
}

/* --- moving a role -------------------------------------------------------------------------- */

/* The value the becomeX attribute is written with: the domain's SID for the PDC emulator (as
 * Windows requires; Samba takes any value), "1" for the others. */
static struct berval *
become_value (FlCheckRun  *run,
              FlKrbLdap    *c,
              FlFsmoRole   role,
              GError     **error)
{
  char *attrs[] = { (char *)"objectSid", NULL };
  LDAPMessage *result = NULL;
  struct berval **vals = NULL;
  struct berval *value = NULL;
  int rc;

  if (role != FL_FSMO_PDC)
    {
      value = g_new0 (struct berval, 1);
      value->bv_val = g_strdup ("1");
      value->bv_len = 1;
      return value;
    }
  rc = fl_check_ldap_search (c->ld, c->domain_nc, "(objectClass=*)", attrs, run->deadline, &result);
  if (rc == LDAP_SUCCESS && ldap_first_entry (c->ld, result) != NULL)
    vals = ldap_get_values_len (c->ld, ldap_first_entry (c->ld, result), "objectSid");
  /* a SID is 8 to 68 bytes */
  if (vals != NULL && vals[0] != NULL && vals[0]->bv_len >= 8 && vals[0]->bv_len <= 68)
    {
      value = g_new0 (struct berval, 1);
      value->bv_val = g_memdup2 (vals[0]->bv_val, vals[0]->bv_len);
      value->bv_len = vals[0]->bv_len;
    }
  else
    fl_check_ldap_error (error, c->ld, rc != LDAP_SUCCESS ? rc : LDAP_NO_SUCH_ATTRIBUTE, _("the domain's SID"));
  ldap_value_free_len (vals);
  ldap_msgfree (result);
  return value;
}

static void
berval_free (struct berval *b)
{
  if (b == NULL)
    return;
  g_free (b->bv_val);
  g_free (b);
}

/* The modify of the target's rootDSE; the target then takes the role from its holder over
 * replication and answers once it holds it (or once the holder refused). */
static gboolean
become (FlCheckRun  *run,
        FlKrbLdap    *c,
        FlFsmoRole   role,
        GError     **error)
{
  struct berval *value = become_value (run, c, role, error);
  struct berval *values[] = { value, NULL };
  LDAPMod mod = { 0 };
  LDAPMod *mods[] = { &mod, NULL };
  LDAPMessage *result = NULL;
  struct timeval tv;
  gint64 remaining;
  int msgid = -1, code = LDAP_OTHER;
  int rc;

  if (value == NULL)
    return FALSE;
  mod.mod_op = LDAP_MOD_REPLACE | LDAP_MOD_BVALUES;
  mod.mod_type = (char *)fl_fsmo_role_to_become (role);
  mod.mod_bvalues = values;
  rc = ldap_modify_ext (c->ld, "", mods, NULL, NULL, &msgid);
  berval_free (value);
  if (rc == LDAP_SUCCESS)
    {
      remaining = MAX (fl_net_remaining_us (run->deadline), 0);
      tv.tv_sec = (time_t)(remaining / G_USEC_PER_SEC);
      tv.tv_usec = (suseconds_t)(remaining % G_USEC_PER_SEC);
      rc = ldap_result (c->ld, msgid, LDAP_MSG_ALL, &tv, &result);
      if (rc == 0)
        {
          ldap_abandon_ext (c->ld, msgid, NULL, NULL);
          g_set_error (error, FL_PROBE_ERROR, FL_PROBE_ERROR_TIMEOUT,
                       _("the transfer did not finish within %d s; it may still finish: read the roles "
                         "again before trying once more"),
                       (int)((run->deadline - run->started) / G_USEC_PER_SEC));
          return FALSE;
        }
      if (rc < 0)
        {
          rc = LDAP_SERVER_DOWN;
          ldap_get_option (c->ld, LDAP_OPT_RESULT_CODE, &rc);
          if (rc == LDAP_SUCCESS)
            rc = LDAP_SERVER_DOWN;
        }
      else
        {
          rc = ldap_parse_result (c->ld, result, &code, NULL, NULL, NULL, NULL, 0);
          if (rc == LDAP_SUCCESS)
            rc = code;
        }
      ldap_msgfree (result);
    }
  if (rc == LDAP_SUCCESS)
    return TRUE;

  if (rc == LDAP_INSUFFICIENT_ACCESS)
    {
      g_autoptr(GError) detail = NULL;

      fl_check_ldap_error (&detail, c->ld, rc, fl_fsmo_role_to_become (role));
      g_set_error (error, FL_PROBE_ERROR, FL_PROBE_ERROR_AUTH,
                   _("%s is not allowed to move a role: it takes a member of Domain Admins (Enterprise "
                     "Admins for the naming and schema masters). %s"),
                   fl_probe_config_get_user (run->config), detail->message);
      return FALSE;
    }
  fl_check_ldap_error (error, c->ld, rc, fl_fsmo_role_to_become (role));
  return FALSE;
}

/* The target takes the role over its replication connection to the holder. A connection that
 * the holder dropped when it restarted fails the first request ("Failed FSMO transfer:
 * WERR_NETNAME_DELETED", LDAP unavailable) and is made anew by it: the same request once more,
 * a second later, as an administrator would. A holder that is really gone fails it again. */
static gboolean
become_again (FlCheckRun  *run,
              FlKrbLdap    *c,
              FlFsmoRole   role,
              GError     **error)
{
  g_autoptr(GError) first = NULL;

  if (become (run, c, role, &first))
    return TRUE;
  if (!g_error_matches (first, FL_PROBE_ERROR, FL_PROBE_ERROR_PROTOCOL) ||
      strstr (first->message, "Failed FSMO transfer") == NULL ||
      fl_net_remaining_us (run->deadline) < 2 * G_USEC_PER_SEC)
    {
      g_propagate_error (error, g_steal_pointer (&first));
      return FALSE;
    }
  g_debug ("%s: %s; asking once more", fl_fsmo_role_to_become (role), first->message);
  g_usleep (G_USEC_PER_SEC);
  return become (run, c, role, error);
}

/**
 * fl_fsmo_transfer:
 * @config: the lab, with the credentials of an account allowed to move the role (Domain
 *   Admins; Enterprise Admins for the naming and schema masters)
 * @target: the lab's name of the DC that is to hold @role
 * @timeout_ms: how long the whole transfer may take
 * @holder: (out) (optional) (transfer full): @role's holder as @target says afterwards
 *
 * Transfers @role to @target: a Kerberos-bound LDAP modify of @target's rootDSE (becomePdc,
 * becomeRidMaster, …), after which @target takes the role from its holder over replication,
 * as Windows' and Samba's own tools do. The holder must answer: a role is never seized here.
 * Verified afterwards by reading fSMORoleOwner on @target. Blocks: run it on a worker thread.
 *
 * Returns: %TRUE when @target holds @role (also when it held it already)
 */
gboolean
fl_fsmo_transfer (FlProbeConfig  *config,
                  const char     *target,
                  FlFsmoRole      role,
                  guint           timeout_ms,
                  char          **holder,
                  GError        **error)
{
  const FlProbeDc *dc;
  g_autofree char *dn = NULL;
  g_autofree char *owner = NULL;
  GError *local_error = NULL;
  FlCheckRun run = { 0 };
  FlKrbLdap c;

  g_return_val_if_fail (config != NULL, FALSE);
  g_return_val_if_fail (role < FL_FSMO_N_ROLES, FALSE);

  if (holder != NULL)
    *holder = NULL;
  dc = fl_probe_config_lookup_dc (config, target);
  if (dc == NULL)
    {
      g_set_error (error, FL_PROBE_ERROR, FL_PROBE_ERROR_CONFIG, _("“%s” is not a DC of this lab"), target);
      return FALSE;
    }
  if (fl_probe_config_get_user (config) == NULL || fl_probe_config_get_password (config) == NULL)
    {
      g_set_error_literal (error, FL_PROBE_ERROR, FL_PROBE_ERROR_CONFIG,
                           _("no credentials: a role is moved with a Kerberos bind as an administrator; give "
                             "its principal and password"));
      return FALSE;
    }

  run.kind = FL_CHECK_FSMO;
  run.config = config;
  run.dc = dc;
  run.started = g_get_monotonic_time ();
  run.deadline = run.started + (gint64)timeout_ms * 1000;
  g_variant_dict_init (&run.detail, NULL);

  fl_check_running_enter ();
  if (fl_check_krb_ldap_connect (&run, dc, &c, &local_error))
    {
      dn = fsmo_role_object (&c, role);
      owner = fsmo_owner (&run, c.ld, dn, &local_error);
      if (owner != NULL && g_ascii_strcasecmp (owner, dc->name) != 0 && become_again (&run, &c, role, &local_error))
        {
          /* what the target says now: the role is only moved once it says so */
          g_clear_pointer (&owner, g_free);
          owner = fsmo_owner (&run, c.ld, dn, &local_error);
          if (owner != NULL && g_ascii_strcasecmp (owner, dc->name) != 0)
            g_set_error (&local_error, FL_PROBE_ERROR, FL_PROBE_ERROR_PROTOCOL,
                         _("%s accepted the transfer, but its fSMORoleOwner still names %s"), dc->name, owner);
        }
      fl_check_krb_ldap_disconnect (&c);
    }
  fl_check_running_leave ();
  g_variant_dict_clear (&run.detail);

  if (local_error != NULL)
    {
      g_propagate_error (error, local_error);
      return FALSE;
    }
  if (holder != NULL)
    *holder = g_steal_pointer (&owner);
  return TRUE;
}
