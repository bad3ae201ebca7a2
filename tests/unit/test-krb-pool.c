/* test-krb-pool.c: krb5 contexts kept per profile; the etype and key learned, forgotten, wiped
 *
 * No KDC: what the pool keeps is checked through MIT krb5's own keytab and key functions.
 *
 * Copyright 2026 The Failover Lab authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include <glib.h>
#include <glib/gstdio.h>
#include <krb5.h>
#include <string.h>

#include "fl-krb-pool.h"

typedef struct
{
  char *dir;
  char *profile;
  char *other;
} Fixture;

static void
fixture_set_up (Fixture       *f,
                gconstpointer  data)
{
  const char *text = "[libdefaults]\n\tdefault_realm = TEST.LOCAL\n"
                     "[realms]\n\tTEST.LOCAL = {\n\t\tkdc = 127.0.0.1:88\n\t}\n";

  f->dir = g_dir_make_tmp ("test-krb-pool-XXXXXX", NULL);
  g_assert_nonnull (f->dir);
  f->profile = g_build_filename (f->dir, "krb5-0.conf", NULL);
  f->other = g_build_filename (f->dir, "krb5-1.conf", NULL);
  g_assert_true (g_file_set_contents (f->profile, text, -1, NULL));
  g_assert_true (g_file_set_contents (f->other, text, -1, NULL));
}

static void
fixture_tear_down (Fixture       *f,
                   gconstpointer  data)
{
  g_unlink (f->profile);
  g_unlink (f->other);
  g_rmdir (f->dir);
  g_free (f->profile);
  g_free (f->other);
  g_free (f->dir);
}

/* a context goes back to the pool and is handed out again, to one user at a time */
static void
test_contexts (Fixture       *f,
               gconstpointer  data)
{
  FlKrbPool *pool = fl_krb_pool_new ();
  krb5_context a = NULL, b = NULL, c = NULL, d = NULL;
  char *realm = NULL;

  g_assert_cmpint (fl_krb_pool_acquire (pool, f->profile, &a), ==, 0);
  g_assert_cmpint (fl_krb_pool_acquire (pool, f->profile, &b), ==, 0);
  g_assert_true (a != b);
  g_assert_cmpint (krb5_get_default_realm (a, &realm), ==, 0);
  g_assert_cmpstr (realm, ==, "TEST.LOCAL");
  krb5_free_default_realm (a, realm);

  fl_krb_pool_release (pool, f->profile, a);
  g_assert_cmpint (fl_krb_pool_acquire (pool, f->profile, &c), ==, 0);
  g_assert_true (c == a);
  /* another profile never gets this profile's context */
  fl_krb_pool_release (pool, f->profile, c);
  g_assert_cmpint (fl_krb_pool_acquire (pool, f->other, &d), ==, 0);
  g_assert_true (d != a && d != b);

  fl_krb_pool_release (pool, f->profile, b);
  fl_krb_pool_release (pool, f->other, d);
  fl_krb_pool_free (pool);
}

static void
test_missing_profile (Fixture       *f,
                      gconstpointer  data)
{
  FlKrbPool *pool = fl_krb_pool_new ();
  g_autofree char *missing = g_build_filename (f->dir, "none.conf", NULL);
  krb5_context ctx = NULL;

  g_assert_cmpint (fl_krb_pool_acquire (pool, missing, &ctx), !=, 0);
  g_assert_null (ctx);
  fl_krb_pool_free (pool);
}

static krb5_keyblock *
keytab_key (krb5_context  ctx,
            const char   *name,
            krb5_principal client,
            krb5_enctype  etype,
            krb5_error_code *code)
{
  krb5_keytab keytab = NULL;
  krb5_keytab_entry entry;
  krb5_keyblock *key = NULL;

  memset (&entry, 0, sizeof entry);
  if ((*code = krb5_kt_resolve (ctx, name, &keytab)) != 0)
    return NULL;
  *code = krb5_kt_get_entry (ctx, keytab, client, 0, etype, &entry);
  if (*code == 0)
    {
      krb5_copy_keyblock (ctx, &entry.key, &key);
      krb5_free_keytab_entry_contents (ctx, &entry);
    }
  krb5_kt_close (ctx, keytab);
  return key;
}

/* the password's key is derived once with the KDC's salt; a failure forgets it; the pool wipes
 * it when it goes */
static void
test_learn_forget_wipe (Fixture       *f,
                        gconstpointer  data)
{
  FlKrbPool *pool = fl_krb_pool_new ();
  const char *principal = "user01@TEST.LOCAL";
  krb5_context ctx = NULL, check = NULL;
  krb5_principal client = NULL;
  krb5_data salt = { KV5M_DATA, 16, (char *) "TEST.LOCALuser01" };
  krb5_data pw = { KV5M_DATA, 13, (char *) "Sandbox-User1" };
  krb5_keyblock want, *got;
  krb5_enctype etype = ENCTYPE_NULL;
  g_autofree char *keytab = NULL;
  g_autofree char *keytab2 = NULL;
  krb5_error_code code;

  g_assert_cmpint (fl_krb_pool_acquire (pool, f->profile, &ctx), ==, 0);
  g_assert_cmpint (krb5_parse_name (ctx, principal, &client), ==, 0);
  g_assert_false (fl_krb_pool_lookup (pool, f->profile, principal, &etype, &keytab));

  g_assert_cmpint (fl_krb_pool_learn (pool, ctx, f->profile, client, principal, "Sandbox-User1",
                                      ENCTYPE_AES256_CTS_HMAC_SHA1_96, &salt, NULL, &keytab2), ==, 0);
  g_assert_true (g_str_has_prefix (keytab2, "MEMORY:"));
  g_assert_true (fl_krb_pool_lookup (pool, f->profile, principal, &etype, &keytab));
  g_assert_cmpint (etype, ==, ENCTYPE_AES256_CTS_HMAC_SHA1_96);
  /* learn hands out the same keytab a lookup finds */
  g_assert_cmpstr (keytab, ==, keytab2);
  g_clear_pointer (&keytab2, g_free);
  /* learned per profile: another KDC's profile asks for itself */
  g_assert_false (fl_krb_pool_lookup (pool, f->other, principal, &etype, &keytab2));

  /* the key in the keytab is the password's key with the KDC's salt */
  g_assert_cmpint (krb5_c_string_to_key (ctx, ENCTYPE_AES256_CTS_HMAC_SHA1_96, &pw, &salt, &want),
                   ==, 0);
  got = keytab_key (ctx, keytab, client, ENCTYPE_AES256_CTS_HMAC_SHA1_96, &code);
  g_assert_cmpint (code, ==, 0);
  g_assert_nonnull (got);
  g_assert_cmpmem (got->contents, got->length, want.contents, want.length);
  krb5_free_keyblock (ctx, got);

  /* a machine account's keys are in its keytab file: only the etype is kept */
  g_assert_cmpint (fl_krb_pool_learn (pool, ctx, f->profile, client, "WS01$@TEST.LOCAL", NULL,
                                      ENCTYPE_AES128_CTS_HMAC_SHA1_96, &salt, NULL, &keytab2), ==, 0);
  g_assert_null (keytab2);
  g_assert_true (fl_krb_pool_lookup (pool, f->profile, "WS01$@TEST.LOCAL", &etype, &keytab2));
  g_assert_cmpint (etype, ==, ENCTYPE_AES128_CTS_HMAC_SHA1_96);
  g_assert_null (keytab2);

  fl_krb_pool_forget (pool, f->profile, principal);
  g_assert_false (fl_krb_pool_lookup (pool, f->profile, principal, &etype, &keytab2));
  /* forgotten, but kept for a check that still reads it */
  got = keytab_key (ctx, keytab, client, ENCTYPE_AES256_CTS_HMAC_SHA1_96, &code);
  g_assert_cmpint (code, ==, 0);
  krb5_free_keyblock (ctx, got);

  fl_krb_pool_release (pool, f->profile, ctx);
  fl_krb_pool_free (pool);

  /* gone with the pool: the name now resolves to an empty keytab */
  g_assert_cmpint (krb5_init_context (&check), ==, 0);
  got = keytab_key (check, keytab, client, ENCTYPE_AES256_CTS_HMAC_SHA1_96, &code);
  g_assert_null (got);
  g_assert_cmpint (code, !=, 0);
  krb5_free_keyblock_contents (check, &want);
  krb5_free_principal (check, client);
  krb5_free_context (check);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  g_test_add ("/krb-pool/contexts", Fixture, NULL, fixture_set_up, test_contexts,
              fixture_tear_down);
  g_test_add ("/krb-pool/missing-profile", Fixture, NULL, fixture_set_up, test_missing_profile,
              fixture_tear_down);
  g_test_add ("/krb-pool/learn-forget-wipe", Fixture, NULL, fixture_set_up,
              test_learn_forget_wipe, fixture_tear_down);
  return g_test_run ();
}
