/* fl-check-gpo.c: gpo: each Group Policy object's version in AD (the groupPolicyContainer's
 * versionNumber), read with a Kerberos bind from the DC the locator uses
 *
 * Each DC's SYSVOL holds the other half of a GPO (GPT.INI, read by the `sysvol` check). The gpo
 * view (fl-gpo-view.c) sets the two side by side: where they differ, that DC hands out a policy
 * that has not replicated yet.
 *
 * Copyright 2026 The Failover Lab authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "fl-checks"

#include "config.h"

#include <glib/gi18n-lib.h>

#include "fl-check-private.h"
#include "fl-net.h"
#include "fl-sysvol.h"

#define MAX_GPOS 256

/* the GPOs in this DC's copy of AD: "{GUID}=versionNumber" and "{GUID}=displayName" */
static gboolean
gpo_read (FlCheckRun       *run,
          const FlProbeDc  *dc,
          GPtrArray        *versions,
          GPtrArray        *names,
          GError          **error)
{
  char *attrs[] = { (char *)"cn", (char *)"versionNumber", (char *)"displayName", NULL };
  g_autofree char *base = NULL;
  LDAPMessage *result = NULL;
  FlKrbLdap c;
  int rc;

  if (!fl_check_krb_ldap_connect (run, dc, &c, error))
    return FALSE;
  base = g_strdup_printf ("CN=Policies,CN=System,%s", c.domain_nc);
  rc = fl_check_ldap_search_scope (c.ld, base, LDAP_SCOPE_ONELEVEL, "(objectClass=groupPolicyContainer)",
                                   attrs, run->deadline, &result);
  if (rc != LDAP_SUCCESS)
    {
      fl_check_ldap_error (error, c.ld, rc, _("the Group Policy objects"));
      ldap_msgfree (result);
      fl_check_krb_ldap_disconnect (&c);
      return FALSE;
    }
  for (LDAPMessage *e = ldap_first_entry (c.ld, result); e != NULL && versions->len < MAX_GPOS;
       e = ldap_next_entry (c.ld, e))
    {
      g_autofree char *cn = fl_check_ldap_value (c.ld, e, "cn");
      g_autofree char *number = fl_check_ldap_value (c.ld, e, "versionNumber");
      g_autofree char *name = fl_check_ldap_value (c.ld, e, "displayName");
      gint64 v;

      if (!fl_gpo_guid_is_valid (cn) || number == NULL ||
          !g_ascii_string_to_signed (number, 10, G_MININT32, G_MAXUINT32, &v, NULL))
        continue;
      /* versionNumber is an Integer (32 bits, signed in LDAP); GPT.INI writes it unsigned */
      g_ptr_array_add (versions, g_strdup_printf ("%s=%u", cn, (guint32)v));
      if (name != NULL)
        g_ptr_array_add (names, g_strdup_printf ("%s=%s", cn, name));
    }
  ldap_msgfree (result);
  fl_check_krb_ldap_disconnect (&c);
  return TRUE;
}

FlSample *
fl_check_gpo (FlCheckRun         *run,
              const FlCheckHints *hints)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) order = NULL;
  g_autoptr(GPtrArray) versions = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func (g_free);
  g_autofree char *message = NULL;
  const char *read_from = NULL;
  FlSample *sample;

  if ((sample = fl_check_need_user (run, _("the Group Policy objects are read with a Kerberos bind"))) != NULL)
    return sample;

  order = fl_check_dc_order (run, hints);
  for (guint d = 0; d < order->len && read_from == NULL && fl_net_remaining_us (run->deadline) > 0; d++)
    {
      const FlProbeDc *dc = order->pdata[d];

      g_ptr_array_set_size (versions, 0);
      g_ptr_array_set_size (names, 0);
      g_clear_error (&error);
      if (gpo_read (run, dc, versions, names, &error))
        read_from = dc->name;
    }
  if (read_from == NULL)
    {
      if (error == NULL)
        g_set_error (&error, FL_PROBE_ERROR, FL_PROBE_ERROR_TIMEOUT,
                     _("no answer within the deadline (%u ms)"),
                     (guint)((run->deadline - run->started) / 1000));
      return fl_check_fail (run, error);
    }

  g_ptr_array_add (versions, NULL);
  g_ptr_array_add (names, NULL);
  g_variant_dict_insert (&run->detail, "server", "s", read_from);
  g_variant_dict_insert (&run->detail, "ad_versions", "^as", (char **)versions->pdata);
  g_variant_dict_insert (&run->detail, "names", "^as", (char **)names->pdata);
  message = g_strdup_printf (ngettext ("%u Group Policy object in AD (read from %s)",
                                       "%u Group Policy objects in AD (read from %s)",
                                       versions->len - 1),
                             versions->len - 1, read_from);
  return fl_check_finish (run, FL_STATUS_OK, message);
}
