/* fl-ldap-values.c: values a DC returns over LDAP, made safe and taken apart
 *
 * Everything here reads bytes a server chose: no function trusts a length, a comma or a
 * terminator it has not checked, and every string it returns is valid UTF-8 (GVariant "s",
 * JSON, Pango and the terminal all need that).
 *
 * Copyright 2026 The Failover Lab authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <string.h>

#include "fl-ldap-values.h"

/**
 * fl_ldap_value_text:
 * @bytes: (array length=length) (nullable): a value as the server sent it
 *
 * Returns: (transfer full): the value as valid UTF-8 without NUL bytes, at most
 *   %FL_LDAP_VALUE_MAX bytes of it (cut on a character boundary), or %NULL for no value
 */
char *
fl_ldap_value_text (const char *bytes,
                    gsize       length)
{
  GString *out;
  gsize n, i = 0;

  if (bytes == NULL)
    return NULL;
  n = MIN (length, FL_LDAP_VALUE_MAX);
  out = g_string_sized_new (n);
  /* a NUL inside would silently end the C string: it becomes U+FFFD like any invalid byte */
  while (i < n)
    {
      const char *nul = memchr (bytes + i, '\0', n - i);
      gsize run = nul != NULL ? (gsize)(nul - (bytes + i)) : n - i;
      g_autofree char *part = g_utf8_make_valid (bytes + i, (gssize)run);

      g_string_append (out, part);
      if (nul != NULL)
        g_string_append (out, "\xef\xbf\xbd");
      i += run + (nul != NULL ? 1 : 0);
    }
  /* cut at FL_LDAP_VALUE_MAX bytes may have split a character: g_utf8_make_valid mended it */
  return g_string_free (out, FALSE);
}

/* the end of a DN's first RDN: the first comma that a backslash does not escape, or NULL */
static const char *
first_separator (const char *dn)
{
  for (const char *p = dn; *p != '\0'; p++)
    {
      if (*p == '\\')
        {
          if (p[1] == '\0')
            return NULL;
          p++;
          continue;
        }
      if (*p == ',')
        return p;
    }
  return NULL;
}

/**
 * fl_dn_parent:
 * @dn: (nullable): a DN, e.g. "CN=NTDS Settings,CN=DC1,CN=Servers,…"
 *
 * Returns: (transfer full) (nullable): the DN without its first RDN ("CN=DC1,CN=Servers,…"),
 *   or %NULL when it has no parent (no unescaped comma, or nothing after it)
 */
char *
fl_dn_parent (const char *dn)
{
  const char *comma;

  if (dn == NULL || (comma = first_separator (dn)) == NULL)
    return NULL;
  comma++;
  while (*comma == ' ')
    comma++;
  if (*comma == '\0')
    return NULL;
  return g_utf8_make_valid (comma, -1);
}

/**
 * fl_dn_first_value:
 * @dn: (nullable): a DN, e.g. "CN=DC1,CN=Servers,…"
 *
 * Returns: (transfer full) (nullable): the value of its first RDN with escapes removed ("DC1"),
 *   or %NULL when the first RDN is not TYPE=VALUE with a value
 */
char *
fl_dn_first_value (const char *dn)
{
  const char *eq, *end;
  g_autoptr(GString) value = NULL;

  if (dn == NULL || (eq = strchr (dn, '=')) == NULL)
    return NULL;
  end = first_separator (dn);
  if (end == NULL)
    end = dn + strlen (dn);
  if (eq > end || eq == dn)
    return NULL;
  value = g_string_new (NULL);
  for (const char *p = eq + 1; p < end; p++)
    {
      if (*p == '\\' && p + 1 < end)
        p++;
      g_string_append_c (value, *p);
    }
  if (value->len == 0)
    return NULL;
  return g_utf8_make_valid (value->str, (gssize)value->len);
}

/**
 * fl_fsmo_owner_server_dn:
 * @owner: (nullable): an fSMORoleOwner value: the role holder's NTDS Settings DN
 *
 * Returns: (transfer full) (nullable): the DN of the server object that holds the role
 *   ("CN=DC1,CN=Servers,…", where its dNSHostName is), or %NULL when @owner is not such a DN
 */
char *
fl_fsmo_owner_server_dn (const char *owner)
{
  g_autofree char *parent = fl_dn_parent (owner);
  g_autofree char *name = fl_dn_first_value (parent);

  if (parent == NULL || name == NULL)
    return NULL;
  return g_steal_pointer (&parent);
}
