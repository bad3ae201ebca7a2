/* test-hint.c: the failure classes, their texts, and which sample gets which
 *
 * Copyright 2026 The Failover Lab authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <locale.h>
#include <string.h>

#include "fl-hint.h"

/* a sample as a check makes it: @error (nullable) the detail's "error", @key/@value (nullable)
 * one more string, @offset_us ≠ 0 the time check's offset */
static FlSample *
sample (FlCheckKind  kind,
        FlStatus     status,
        const char  *error,
        const char  *key,
        const char  *value,
        gint64       offset_us)
{
  GVariantDict d;

  g_variant_dict_init (&d, NULL);
  if (error != NULL)
    g_variant_dict_insert (&d, "error", "s", error);
  if (key != NULL)
    g_variant_dict_insert (&d, key, "s", value);
  if (offset_us != 0)
    g_variant_dict_insert (&d, "offset_us", "x", offset_us);
  return fl_sample_new (kind, fl_check_kind_is_per_dc (kind) ? "DC1" : NULL, status, 0, 1000,
                        "message", g_variant_dict_end (&d));
}

static void
test_table (void)
{
  g_autoptr(GHashTable) titles = g_hash_table_new (g_str_hash, g_str_equal);

  g_assert_null (fl_hint_get_title (FL_HINT_NONE));
  g_assert_null (fl_hint_get_text (FL_HINT_NONE, "DC1", "lab.test"));
  for (FlHint h = FL_HINT_NONE + 1; h < FL_N_HINTS; h++)
    {
      const char *title = fl_hint_get_title (h);
      g_autofree char *text = fl_hint_get_text (h, "DC7", "lab.test");
      g_autofree char *generic = fl_hint_get_text (h, NULL, NULL);

      if (title == NULL || text == NULL || strlen (text) < 80)
        g_error ("hint %s: title \"%s\", text \"%s\"", fl_hint_to_string (h), title, text);
      if (!g_hash_table_add (titles, (gpointer)title))
        g_error ("hint %s: the title \"%s\" is another hint's too", fl_hint_to_string (h), title);
      /* every placeholder is replaced, with or without names */
      if (strchr (text, '<') != NULL || strchr (generic, '<') != NULL)
        g_error ("hint %s: a placeholder is left:\n%s\n%s", fl_hint_to_string (h), text, generic);
      g_assert_true (g_utf8_validate (text, -1, NULL));
    }
  g_assert_cmpstr (fl_hint_to_string (FL_HINT_TRUST_BROKEN), ==, "trust-broken");
  g_assert_cmpstr (fl_hint_to_string (FL_HINT_NO_DC), ==, "no-dc");
}

static void
test_texts (void)
{
  g_autofree char *trust = fl_hint_get_text (FL_HINT_TRUST_BROKEN, "DC2", "lab.test");
  g_autofree char *ws2025 = fl_hint_get_text (FL_HINT_TRUST_BROKEN_WS2025, "DC2", "lab.test");
  g_autofree char *skew = fl_hint_get_text (FL_HINT_CLOCK_SKEW, "DC1", NULL);

  /* the repairs name the DC that answers, and the events to look for */
  g_assert_nonnull (strstr (trust, "Test-ComputerSecureChannel -Repair"));
  g_assert_nonnull (strstr (trust, "Reset-ComputerMachinePassword -Server DC2"));
  g_assert_nonnull (strstr (trust, "netdom resetpwd /server:DC2"));
  g_assert_nonnull (strstr (trust, "adcli update --domain=lab.test"));
  g_assert_nonnull (strstr (trust, "5722"));
  g_assert_nonnull (strstr (trust, "40961"));
  /* where every DC is a 2025 one: the same, then the stop-gap and that it must be undone */
  g_assert_true (g_str_has_prefix (ws2025, trust));
  g_assert_nonnull (strstr (ws2025, "Refuse machine account password changes"));
  g_assert_nonnull (strstr (ws2025, "Undo"));
  g_assert_nonnull (strstr (skew, "5 minutes"));
  g_assert_nonnull (strstr (skew, "w32tm /resync"));
}

static void
test_classify (void)
{
  static const struct
  {
    FlCheckKind kind;
    FlStatus    status;
    const char *error;
    const char *key, *value;
    gint64      offset_us;
    FlHint      want;
  } cases[] = {
    { FL_CHECK_REACH, FL_STATUS_OK, NULL, NULL, NULL, 0, FL_HINT_NONE },
    { FL_CHECK_REACH, FL_STATUS_TIMEOUT, "timeout", NULL, NULL, 0, FL_HINT_DC_DOWN },
    { FL_CHECK_REACH, FL_STATUS_FAIL, "unreachable", NULL, NULL, 0, FL_HINT_DC_DOWN },
    { FL_CHECK_LDAP_PING, FL_STATUS_FAIL, "refused", NULL, NULL, 0, FL_HINT_SERVICE_STOPPED },
    { FL_CHECK_SMB, FL_STATUS_FAIL, "refused", NULL, NULL, 0, FL_HINT_SERVICE_STOPPED },
    { FL_CHECK_LDAP, FL_STATUS_TIMEOUT, "timeout", NULL, NULL, 0, FL_HINT_NO_ANSWER },
    { FL_CHECK_KERBEROS, FL_STATUS_FAIL, "unreachable", NULL, NULL, 0, FL_HINT_NO_ANSWER },
    { FL_CHECK_TIME, FL_STATUS_FAIL, NULL, "method", "sntp", 400000000, FL_HINT_CLOCK_SKEW },
    { FL_CHECK_TIME, FL_STATUS_DEGRADED, NULL, "method", "sntp", -90000000, FL_HINT_CLOCK_SKEW },
    { FL_CHECK_TIME, FL_STATUS_FAIL, "refused", NULL, NULL, 0, FL_HINT_SERVICE_STOPPED },
    { FL_CHECK_KERBEROS, FL_STATUS_FAIL, "skew", NULL, NULL, 0, FL_HINT_CLOCK_SKEW },
    { FL_CHECK_MACHINE_TRUST, FL_STATUS_FAIL, "auth", NULL, NULL, 0, FL_HINT_TRUST_BROKEN },
    { FL_CHECK_KERBEROS, FL_STATUS_FAIL, "auth", NULL, NULL, 0, FL_HINT_CREDENTIALS },
    { FL_CHECK_KERBEROS, FL_STATUS_SKIPPED, "config", NULL, NULL, 0, FL_HINT_NONE },
    { FL_CHECK_LDAP, FL_STATUS_DEGRADED, NULL, "isSynchronized", "FALSE", 0, FL_HINT_NOT_SYNCHRONIZED },
    { FL_CHECK_LDAP_PING, FL_STATUS_DEGRADED, NULL, NULL, NULL, 0, FL_HINT_NETLOGON_PAUSED },
    { FL_CHECK_DNS, FL_STATUS_FAIL, "protocol", "rcode", "NXDOMAIN", 0, FL_HINT_DNS_RECORDS },
    { FL_CHECK_DNS, FL_STATUS_DEGRADED, NULL, NULL, NULL, 0, FL_HINT_DNS_RECORDS },
    { FL_CHECK_DNS, FL_STATUS_FAIL, "refused", NULL, NULL, 0, FL_HINT_SERVICE_STOPPED },
    { FL_CHECK_LOCATOR, FL_STATUS_FAIL, "no-answer", "code", "ERROR_NO_SUCH_DOMAIN", 0, FL_HINT_NO_DC },
    { FL_CHECK_LOCATOR, FL_STATUS_FAIL, "dns", "code", "ERROR_NO_SUCH_DOMAIN", 0, FL_HINT_NO_DC },
    { FL_CHECK_LOCATOR, FL_STATUS_FAIL, "no-srv", "code", "ERROR_NO_SUCH_DOMAIN", 0, FL_HINT_LOCATOR_DNS },
    { FL_CHECK_LOCATOR, FL_STATUS_SKIPPED, NULL, NULL, NULL, 0, FL_HINT_NONE },
    { FL_CHECK_SSSD, FL_STATUS_SKIPPED, "unavailable", NULL, NULL, 0, FL_HINT_SSSD_UNAVAILABLE },
    { FL_CHECK_SSSD, FL_STATUS_SKIPPED, NULL, NULL, NULL, 0, FL_HINT_NONE },   /* still running */
    { FL_CHECK_SSSD, FL_STATUS_DEGRADED, NULL, "active_server", "", 0, FL_HINT_SSSD_OFFLINE },
    { FL_CHECK_NETWORK, FL_STATUS_FAIL, "unreachable", NULL, NULL, 0, FL_HINT_NONE },
    { FL_CHECK_SYSVOL, FL_STATUS_FAIL, "protocol", "step", "policies", 0, FL_HINT_SYSVOL },
    { FL_CHECK_SYSVOL, FL_STATUS_FAIL, "auth", "step", "share", 0, FL_HINT_SYSVOL },
    { FL_CHECK_SYSVOL, FL_STATUS_FAIL, "malformed", "step", "gpt", 0, FL_HINT_SYSVOL },
    { FL_CHECK_SYSVOL, FL_STATUS_FAIL, "refused", "step", "share", 0, FL_HINT_SERVICE_STOPPED },
    { FL_CHECK_SYSVOL, FL_STATUS_TIMEOUT, "timeout", NULL, NULL, 0, FL_HINT_NO_ANSWER },
    { FL_CHECK_SYSVOL, FL_STATUS_SKIPPED, "config", NULL, NULL, 0, FL_HINT_NONE },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(FlSample) s = sample (cases[i].kind, cases[i].status, cases[i].error, cases[i].key,
                                      cases[i].value, cases[i].offset_us);
      FlHint got = fl_hint_classify (s, NULL);

      if (got != cases[i].want)
        g_error ("%s %s error=%s %s=%s: %s, wanted %s", fl_check_kind_to_string (cases[i].kind),
                 fl_status_to_string (cases[i].status), cases[i].error, cases[i].key, cases[i].value,
                 fl_hint_to_string (got), fl_hint_to_string (cases[i].want));
    }
}

static void
test_context (void)
{
  g_autoptr(FlSample) a = sample (FL_CHECK_LDAP, FL_STATUS_OK, NULL, "domainControllerFunctionality", "10", 0);
  g_autoptr(FlSample) b = sample (FL_CHECK_LDAP, FL_STATUS_OK, NULL, "domainControllerFunctionality", "10", 0);
  g_autoptr(FlSample) old = sample (FL_CHECK_LDAP, FL_STATUS_OK, NULL, "domainControllerFunctionality", "7", 0);
  g_autoptr(FlSample) trust = sample (FL_CHECK_MACHINE_TRUST, FL_STATUS_FAIL, "auth", NULL, NULL, 0);
  g_autoptr(FlSample) reach = sample (FL_CHECK_REACH, FL_STATUS_OK, NULL, NULL, NULL, 0);
  FlSample *all_2025[] = { a, reach, b };
  FlSample *mixed[] = { a, old, reach };
  FlHintContext context = { TRUE };

  fl_hint_context_scan (&context, all_2025, G_N_ELEMENTS (all_2025));
  g_assert_true (context.all_dcs_ws2025);
  g_assert_cmpint (fl_hint_classify (trust, &context), ==, FL_HINT_TRUST_BROKEN_WS2025);
  fl_hint_context_scan (&context, mixed, G_N_ELEMENTS (mixed));
  g_assert_false (context.all_dcs_ws2025);
  g_assert_cmpint (fl_hint_classify (trust, &context), ==, FL_HINT_TRUST_BROKEN);
  /* no rootDSE read at all: nothing is known about the DCs' version */
  fl_hint_context_scan (&context, &reach, 1);
  g_assert_false (context.all_dcs_ws2025);
}

static FlSample *
ping (const char *dc,
      FlStatus    status,
      gint64      flags)
{
  GVariantDict d;

  g_variant_dict_init (&d, NULL);
  g_variant_dict_insert (&d, "flags", "x", flags);
  return fl_sample_new (FL_CHECK_LDAP_PING, dc, status, 0, 1000, NULL, g_variant_dict_end (&d));
}

/* the Infrastructure master on a global catalog while another DC that answers is not one */
static void
test_infra_on_gc (void)
{
  GVariantDict d;
  g_autoptr(FlSample) fsmo = NULL;
  g_autoptr(FlSample) dc1_gc = ping ("DC1", FL_STATUS_OK, 0x4 | 0x1);
  g_autoptr(FlSample) dc2_gc = ping ("DC2", FL_STATUS_OK, 0x4);
  g_autoptr(FlSample) dc2_not = ping ("DC2", FL_STATUS_OK, 0x8);
  g_autoptr(FlSample) dc2_down = ping ("DC2", FL_STATUS_TIMEOUT, 0);
  g_autoptr(FlSample) dc1_not = ping ("DC1", FL_STATUS_OK, 0x1);
  FlSample *broken[] = { fsmo, dc1_gc, dc2_not };
  FlSample *all_gc[] = { fsmo, dc1_gc, dc2_gc };
  FlSample *down[] = { fsmo, dc1_gc, dc2_down };
  FlSample *holder_not_gc[] = { fsmo, dc1_not, dc2_not };
  FlHintContext context = { 0 };

  g_variant_dict_init (&d, NULL);
  for (guint r = 0; r < FL_FSMO_N_ROLES; r++)
    g_variant_dict_insert (&d, fl_fsmo_role_to_string (r), "s", "DC1");
  fsmo = fl_sample_new (FL_CHECK_FSMO, NULL, FL_STATUS_OK, 0, 1000, NULL, g_variant_dict_end (&d));
  broken[0] = all_gc[0] = down[0] = holder_not_gc[0] = fsmo;

  fl_hint_context_scan (&context, broken, G_N_ELEMENTS (broken));
  g_assert_cmpstr (context.infra_on_gc, ==, "DC1");
  g_assert_cmpint (fl_hint_classify (fsmo, &context), ==, FL_HINT_INFRA_ON_GC);
  g_assert_cmpstr (fl_hint_get_dc (fsmo, FL_HINT_INFRA_ON_GC, &context), ==, "DC1");
  /* every DC a GC; the other DC silent (nothing known of it); the holder no GC: no rule broken */
  fl_hint_context_scan (&context, all_gc, G_N_ELEMENTS (all_gc));
  g_assert_null (context.infra_on_gc);
  g_assert_cmpint (fl_hint_classify (fsmo, &context), ==, FL_HINT_NONE);
  fl_hint_context_scan (&context, down, G_N_ELEMENTS (down));
  g_assert_null (context.infra_on_gc);
  fl_hint_context_scan (&context, holder_not_gc, G_N_ELEMENTS (holder_not_gc));
  g_assert_null (context.infra_on_gc);
  /* the text names the holder and the way out */
  {
    g_autofree char *text = fl_hint_get_text (FL_HINT_INFRA_ON_GC, "DC1", "lab.test");

    g_assert_true (g_str_has_prefix (text, "DC1 holds the Infrastructure master"));
    g_assert_nonnull (strstr (text, "fsmo transfer infrastructure"));
  }
}

int
main (int   argc,
      char *argv[])
{
  setlocale (LC_ALL, "C.UTF-8");
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/hint/table", test_table);
  g_test_add_func ("/hint/texts", test_texts);
  g_test_add_func ("/hint/classify", test_classify);
  g_test_add_func ("/hint/context", test_context);
  g_test_add_func ("/hint/infra-on-gc", test_infra_on_gc);
  return g_test_run ();
}
