/* fl-probe-types.c
 *
 * Copyright 2026 The Failover Lab authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "fl-probe"

#include "config.h"

#include <glib/gi18n-lib.h>

#include "fl-probe-enums.h"
#include "fl-probe-types.h"

G_DEFINE_QUARK (fl-probe-error-quark, fl_probe_error)

/**
 * fl_enum_to_nick:
 *
 * Returns: (nullable): the nick of @value in the enum @type (a static string), %NULL when
 *   @value is not one of its values
 */
const char *
fl_enum_to_nick (GType type,
                 int   value)
{
  /* the class is kept for the program's life: a static type's class never goes away, and
   * peeking first spares a reference per call */
  GEnumClass *klass = g_type_class_peek (type);
  GEnumValue *v;

  if (klass == NULL)
    klass = g_type_class_ref (type);
  v = g_enum_get_value (klass, value);
  return v ? v->value_nick : NULL;
}

/**
 * fl_enum_from_nick:
 * @nick: (nullable): what was read (JSON, a file, the command line)
 * @value: (out): its value, when it is one
 */
gboolean
fl_enum_from_nick (GType       type,
                   const char *nick,
                   int        *value)
{
  GEnumClass *klass = g_type_class_peek (type);
  GEnumValue *v;

  if (nick == NULL)
    return FALSE;
  if (klass == NULL)
    klass = g_type_class_ref (type);
  if ((v = g_enum_get_value_by_nick (klass, nick)) == NULL)
    return FALSE;
  *value = v->value;
  return TRUE;
}

const char *
fl_check_kind_to_string (FlCheckKind kind)
{
  const char *nick = fl_enum_to_nick (FL_TYPE_CHECK_KIND, (int)kind);

  g_return_val_if_fail (nick != NULL, "unknown");
  return nick;
}

/**
 * fl_format_clock_time:
 * @wall_us: a wall-clock time (g_get_real_time())
 *
 * Returns: (transfer full): its local time of day to the millisecond, "14:03:27.412"
 */
char *
fl_format_clock_time (gint64 wall_us)
{
  g_autoptr(GDateTime) dt = g_date_time_new_from_unix_local (wall_us / G_USEC_PER_SEC);
  g_autofree char *hms = dt ? g_date_time_format (dt, "%H:%M:%S") : g_strdup ("--:--:--");

  return g_strdup_printf ("%s.%03d", hms, (int)(wall_us % G_USEC_PER_SEC / 1000));
}

/**
 * fl_status_to_label:
 *
 * Returns: a check status as people read it, translated ("OK", "No answer")
 */
const char *
fl_status_to_label (FlStatus status)
{
  switch (status)
    {
    case FL_STATUS_OK:
      return C_("check", "OK");
    case FL_STATUS_DEGRADED:
      return C_("check", "Degraded");
    case FL_STATUS_FAIL:
      return C_("check", "Failed");
    case FL_STATUS_TIMEOUT:
      return C_("check", "No answer");
    case FL_STATUS_SKIPPED:
    default:
      return C_("check", "Skipped");
    }
}

/**
 * fl_check_kind_to_label:
 *
 * Returns: what people call the check, translated ("LDAP ping", "Logon server")
 */
const char *
fl_check_kind_to_label (FlCheckKind kind)
{
  switch (kind)
    {
    case FL_CHECK_REACH:
      return _("Network");
    case FL_CHECK_DNS:
      return _("DNS");
    case FL_CHECK_LDAP_PING:
      return _("LDAP ping");
    case FL_CHECK_LDAP:
      return _("LDAP");
    case FL_CHECK_KERBEROS:
      return _("Kerberos");
    case FL_CHECK_MACHINE_TRUST:
      return _("Machine trust");
    case FL_CHECK_SMB:
      return _("SMB");
    case FL_CHECK_SYSVOL:
      return _("SYSVOL");
    case FL_CHECK_TIME:
      return _("Time");
    case FL_CHECK_NETWORK:
      return _("Reference host");
    case FL_CHECK_LOCATOR:
      return _("Logon server");
    case FL_CHECK_KDC_VIEW:
      return _("Tickets from");
    case FL_CHECK_FSMO:
      return _("FSMO roles");
    case FL_CHECK_GPO:
      return _("Group Policy");
    case FL_CHECK_SSSD:
      return _("SSSD");
    case FL_CHECK_WIN_LOCATOR:
      /* TRANSLATORS: what nltest /dsgetdc on the Windows client finds */
      return _("Client's locator");
    case FL_CHECK_SECURE_CHANNEL:
      return _("Secure channel");
    case FL_CHECK_WIN_KDC:
      /* TRANSLATORS: the KDC that issued the Windows client's newest tickets (klist) */
      return _("Client's tickets from");
    case FL_CHECK_WIN_LOGON:
      /* TRANSLATORS: %LOGONSERVER% on the Windows client: it changes only at the next sign-in */
      return _("DC at sign-in");
    case FL_N_CHECKS:
    default:
      return "";
    }
}

/* the Windows client's own views, asked of the client */
gboolean
fl_check_kind_is_windows (FlCheckKind kind)
{
  return kind >= FL_CHECK_WIN_LOCATOR && kind < FL_N_CHECKS;
}

/* one table: which check observes which view */
static const struct
{
  FlView      view;
  FlCheckKind check;
} view_checks[] = {
  { FL_VIEW_LOCATOR, FL_CHECK_LOCATOR },
  { FL_VIEW_KERBEROS, FL_CHECK_KDC_VIEW },
  { FL_VIEW_WIN_LOCATOR, FL_CHECK_WIN_LOCATOR },
  { FL_VIEW_SECURE_CHANNEL, FL_CHECK_SECURE_CHANNEL },
  { FL_VIEW_WIN_KDC, FL_CHECK_WIN_KDC },
};

G_STATIC_ASSERT (G_N_ELEMENTS (view_checks) == FL_N_VIEWS);

/**
 * fl_check_kind_to_view:
 *
 * Returns: whether the check observes a client's view (its samples' "server" is who serves it)
 */
gboolean
fl_check_kind_to_view (FlCheckKind  kind,
                       FlView      *view)
{
  for (guint i = 0; i < G_N_ELEMENTS (view_checks); i++)
    if (view_checks[i].check == kind)
      {
        if (view != NULL)
          *view = view_checks[i].view;
        return TRUE;
      }
  return FALSE;
}

FlCheckKind
fl_view_to_check_kind (FlView view)
{
  g_return_val_if_fail (view < FL_N_VIEWS, FL_CHECK_LOCATOR);
  return view_checks[view].check;
}

/**
 * fl_view_to_label:
 *
 * Returns: what people call a client's view, translated ("Logon server", "Kerberos tickets"):
 *   what messages and the chart say, never the nick
 */
const char *
fl_view_to_label (FlView view)
{
  switch (view)
    {
    case FL_VIEW_LOCATOR:
      return _("Logon server");
    case FL_VIEW_KERBEROS:
      return _("Kerberos tickets");
    case FL_VIEW_WIN_LOCATOR:
      /* TRANSLATORS: the Windows client's DC locator (nltest /dsgetdc) */
      return _("Client's locator");
    case FL_VIEW_SECURE_CHANNEL:
      return _("Secure channel");
    case FL_VIEW_WIN_KDC:
      /* TRANSLATORS: the KDC that issued the Windows client's newest tickets (klist) */
      return _("Client's tickets");
    case FL_N_VIEWS:
    default:
      return "";
    }
}

gboolean
fl_check_kind_from_string (const char  *text,
                           FlCheckKind *kind)
{
  int v;

  if (!fl_enum_from_nick (FL_TYPE_CHECK_KIND, text, &v))
    return FALSE;
  *kind = (FlCheckKind)v;
  return TRUE;
}

gboolean
fl_check_kind_is_per_dc (FlCheckKind kind)
{
  return kind < FL_N_DC_CHECKS;
}

const char *
fl_status_to_string (FlStatus status)
{
  const char *nick = fl_enum_to_nick (FL_TYPE_STATUS, (int)status);

  g_return_val_if_fail (nick != NULL, "unknown");
  return nick;
}

gboolean
fl_status_from_string (const char *text,
                       FlStatus   *status)
{
  int v;

  if (!fl_enum_from_nick (FL_TYPE_STATUS, text, &v))
    return FALSE;
  *status = (FlStatus)v;
  return TRUE;
}

/**
 * fl_fsmo_role_to_string:
 *
 * Returns: the role's key in the fsmo sample's detail ("pdc", "rid", …)
 */
const char *
fl_fsmo_role_to_string (FlFsmoRole role)
{
  const char *nick = fl_enum_to_nick (FL_TYPE_FSMO_ROLE, (int)role);

  g_return_val_if_fail (nick != NULL, "unknown");
  return nick;
}

/**
 * fl_fsmo_role_from_string:
 * @text: a role's key ("pdc", "rid", "infrastructure", "naming", "schema"), any case
 *
 * Returns: %TRUE with @role set when @text names a role
 */
gboolean
fl_fsmo_role_from_string (const char *text,
                          FlFsmoRole *role)
{
  for (guint r = 0; r < FL_FSMO_N_ROLES && text != NULL; r++)
    if (g_ascii_strcasecmp (text, fl_fsmo_role_to_string ((FlFsmoRole)r)) == 0)
      {
        *role = (FlFsmoRole)r;
        return TRUE;
      }
  return FALSE;
}

/**
 * fl_fsmo_role_to_become:
 *
 * Returns: the rootDSE operational attribute that makes the DC written to take @role from its
 *   holder (MS-ADTS "becomePdc" and its siblings), as Windows and Samba accept it
 */
const char *
fl_fsmo_role_to_become (FlFsmoRole role)
{
  switch (role)
    {
    case FL_FSMO_PDC:
      return "becomePdc";
    case FL_FSMO_RID:
      return "becomeRidMaster";
    case FL_FSMO_INFRASTRUCTURE:
      return "becomeInfrastructureMaster";
    case FL_FSMO_NAMING:
      return "becomeDomainMaster";
    case FL_FSMO_SCHEMA:
      return "becomeSchemaMaster";
    case FL_FSMO_N_ROLES:
    default:
      return NULL;
    }
}

/**
 * fl_fsmo_roles_to_labels:
 * @roles: 1 << #FlFsmoRole
 *
 * Returns: (transfer full): the roles' names as one list, in role order ("PDC emulator, RID
 *   master"), "" for none
 */
char *
fl_fsmo_roles_to_labels (guint roles)
{
  GString *s = g_string_new (NULL);

  for (guint r = 0; r < FL_FSMO_N_ROLES; r++)
    if (roles & (1u << r))
      {
        if (s->len > 0)
          /* TRANSLATORS: between two FSMO role names in a list ("PDC emulator, RID master") */
          g_string_append (s, C_("fsmo role list", ", "));
        g_string_append (s, fl_fsmo_role_to_label ((FlFsmoRole)r));
      }
  return g_string_free (s, FALSE);
}

/**
 * fl_fsmo_role_to_label:
 *
 * Returns: the role's name for people, translated ("PDC emulator")
 */
const char *
fl_fsmo_role_to_label (FlFsmoRole role)
{
  switch (role)
    {
    case FL_FSMO_PDC:
      return _("PDC emulator");
    case FL_FSMO_RID:
      return _("RID master");
    case FL_FSMO_INFRASTRUCTURE:
      return _("Infrastructure master");
    case FL_FSMO_NAMING:
      return _("Domain naming master");
    case FL_FSMO_SCHEMA:
      return _("Schema master");
    case FL_FSMO_N_ROLES:
    default:
      return "";
    }
}

/**
 * fl_fsmo_role_to_impact:
 *
 * Returns: what stops while the role's holder is down, translated
 */
const char *
fl_fsmo_role_to_impact (FlFsmoRole role)
{
  switch (role)
    {
    case FL_FSMO_PDC:
      return _("password changes and account lockout lose their preferred DC, and the domain's "
               "time has no root");
    case FL_FSMO_RID:
      return _("no new RID pools: a DC whose pool runs out cannot create users, groups or "
               "computers");
    case FL_FSMO_INFRASTRUCTURE:
      return _("references to other domains are not updated (no matter when every DC is a "
               "global catalog)");
    case FL_FSMO_NAMING:
      return _("no domain or application partition can be added or removed");
    case FL_FSMO_SCHEMA:
      return _("the schema cannot be changed");
    case FL_FSMO_N_ROLES:
    default:
      return "";
    }
}

/**
 * fl_fsmo_down_text:
 * @roles: the roles the DC holds (1 << #FlFsmoRole)
 *
 * Returns: (transfer full): what stops while a DC holding @roles is down, one role a line
 *   ("PDC emulator: password changes …"), "" for none
 */
char *
fl_fsmo_down_text (guint roles)
{
  GString *s = g_string_new (NULL);

  for (guint r = 0; r < FL_FSMO_N_ROLES; r++)
    if (roles & (1u << r))
      {
        if (s->len > 0)
          g_string_append_c (s, '\n');
        /* TRANSLATORS: "PDC emulator: password changes and account lockout …" */
        g_string_append_printf (s, _("%s: %s"), fl_fsmo_role_to_label (r), fl_fsmo_role_to_impact (r));
      }
  return g_string_free (s, FALSE);
}

/**
 * fl_fsmo_role_to_short:
 *
 * Returns: the role's short name for a tile, translated ("PDC", "Naming")
 */
const char *
fl_fsmo_role_to_short (FlFsmoRole role)
{
  switch (role)
    {
    case FL_FSMO_PDC:
      return C_("fsmo role", "PDC");
    case FL_FSMO_RID:
      return C_("fsmo role", "RID");
    case FL_FSMO_INFRASTRUCTURE:
      return C_("fsmo role", "Infrastructure");
    case FL_FSMO_NAMING:
      return C_("fsmo role", "Naming");
    case FL_FSMO_SCHEMA:
      return C_("fsmo role", "Schema");
    case FL_FSMO_N_ROLES:
    default:
      return "";
    }
}
