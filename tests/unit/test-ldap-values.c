/* test-ldap-values.c: the LDAP values a DC returns, made safe and taken apart
 *
 * Copyright 2026 The Failover Lab authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <string.h>

#include "fl-ldap-values.h"
#include "fl-probe-types.h"

static void
test_value_text (void)
{
  g_autofree char *plain = fl_ldap_value_text ("dc1.test.local", 14);
  g_autofree char *bad = fl_ldap_value_text ("dc\xff\xfe" "1", 5);
  g_autofree char *nul = fl_ldap_value_text ("a\0b", 3);
  g_autofree char *japanese = fl_ldap_value_text ("\xe6\x97\xa5\xe6\x9c\xac", 6);
  g_autofree char *cut = NULL;
  g_autofree char *huge = g_malloc (FL_LDAP_VALUE_MAX + 100);

  g_assert_cmpstr (plain, ==, "dc1.test.local");
  g_assert_true (g_utf8_validate (bad, -1, NULL));
  g_assert_cmpstr (bad, ==, "dc\xef\xbf\xbd\xef\xbf\xbd" "1");
  g_assert_cmpstr (nul, ==, "a\xef\xbf\xbd" "b");
  g_assert_cmpstr (japanese, ==, "\xe6\x97\xa5\xe6\x9c\xac");
  g_assert_null (fl_ldap_value_text (NULL, 0));

  /* bounded, and a character cut at the bound is mended, not left half */
  memset (huge, 'x', FL_LDAP_VALUE_MAX + 100);
  huge[FL_LDAP_VALUE_MAX - 1] = '\xe6';
  huge[FL_LDAP_VALUE_MAX] = '\x97';
  huge[FL_LDAP_VALUE_MAX + 1] = '\xa5';
  cut = fl_ldap_value_text (huge, FL_LDAP_VALUE_MAX + 100);
  g_assert_true (g_utf8_validate (cut, -1, NULL));
  g_assert_cmpuint (strlen (cut), <=, FL_LDAP_VALUE_MAX + 2);
}

static void
test_fsmo_owner (void)
{
  static const char owner[] = "CN=NTDS Settings,CN=DC1,CN=Servers,CN=Default-First-Site-Name,"
                              "CN=Sites,CN=Configuration,DC=test,DC=local";
  g_autofree char *server = fl_fsmo_owner_server_dn (owner);
  g_autofree char *name = fl_dn_first_value (server);
  g_autofree char *escaped = fl_dn_first_value ("CN=DC\\,1,CN=Servers");
  g_autofree char *escaped_parent = fl_dn_parent ("CN=a\\,b,CN=c");

  g_assert_cmpstr (server, ==, "CN=DC1,CN=Servers,CN=Default-First-Site-Name,CN=Sites,"
                               "CN=Configuration,DC=test,DC=local");
  g_assert_cmpstr (name, ==, "DC1");
  g_assert_cmpstr (escaped, ==, "DC,1");
  g_assert_cmpstr (escaped_parent, ==, "CN=c");

  /* what a hostile or broken server may send: no server DN, never a read past the end */
  g_assert_null (fl_fsmo_owner_server_dn ("x,ab"));
  g_assert_null (fl_fsmo_owner_server_dn ("x,"));
  g_assert_null (fl_fsmo_owner_server_dn (","));
  g_assert_null (fl_fsmo_owner_server_dn ("no comma"));
  g_assert_null (fl_fsmo_owner_server_dn ("CN=a\\,b"));
  g_assert_null (fl_fsmo_owner_server_dn ("CN=a,CN="));
  g_assert_null (fl_fsmo_owner_server_dn ("CN=a\\"));
  g_assert_null (fl_fsmo_owner_server_dn (NULL));
  g_assert_null (fl_dn_first_value ("=x,CN=y"));
  g_assert_null (fl_dn_first_value ("CN,x=y"));
}

/* what stops while a role holder is down: one line a role held, none for none */
static void
test_fsmo_down_text (void)
{
  g_autofree char *none = fl_fsmo_down_text (0);
  g_autofree char *two = fl_fsmo_down_text ((1u << FL_FSMO_PDC) | (1u << FL_FSMO_RID));
  g_auto(GStrv) lines = g_strsplit (two, "\n", -1);

  g_assert_cmpstr (none, ==, "");
  g_assert_cmpuint (g_strv_length (lines), ==, 2);
  g_assert_true (g_str_has_prefix (lines[0], "PDC emulator: "));
  g_assert_nonnull (strstr (lines[0], "password"));
  g_assert_true (g_str_has_prefix (lines[1], "RID master: "));
}

/* the role vocabulary: the keys round-trip, each role has its rootDSE attribute, lists */
static void
test_fsmo_vocabulary (void)
{
  g_autofree char *none = fl_fsmo_roles_to_labels (0);
  g_autofree char *two = fl_fsmo_roles_to_labels ((1u << FL_FSMO_PDC) | (1u << FL_FSMO_SCHEMA));
  FlFsmoRole r;

  for (guint i = 0; i < FL_FSMO_N_ROLES; i++)
    {
      g_assert_true (fl_fsmo_role_from_string (fl_fsmo_role_to_string ((FlFsmoRole)i), &r));
      g_assert_cmpint (r, ==, i);
      g_assert_true (g_str_has_prefix (fl_fsmo_role_to_become ((FlFsmoRole)i), "become"));
    }
  g_assert_true (fl_fsmo_role_from_string ("PDC", &r) && r == FL_FSMO_PDC);
  g_assert_false (fl_fsmo_role_from_string ("emperor", &r));
  g_assert_false (fl_fsmo_role_from_string (NULL, &r));
  g_assert_cmpstr (fl_fsmo_role_to_become (FL_FSMO_PDC), ==, "becomePdc");
  g_assert_cmpstr (fl_fsmo_role_to_become (FL_FSMO_NAMING), ==, "becomeDomainMaster");
  g_assert_cmpstr (none, ==, "");
  g_assert_cmpstr (two, ==, "PDC emulator, Schema master");
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/ldap-values/text", test_value_text);
  g_test_add_func ("/ldap-values/fsmo-owner", test_fsmo_owner);
  g_test_add_func ("/fsmo/down-text", test_fsmo_down_text);
  g_test_add_func ("/fsmo/vocabulary", test_fsmo_vocabulary);
  return g_test_run ();
}
