/* test-lab-session.c: the lab session's model and its verdicts, fed with recorded samples and
 * VM states (no network, no hypervisor, no pixels, no translated strings)
 *
 * Copyright 2026 The Failover Lab authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <stdarg.h>

#include "fl-probe-enums.h"
#include "fl-lab-enums.h"
#include "fl-lab-probe.h"
#include "fl-lab-session.h"

static FlLabSession *
new_session (void)
{
  g_autoptr(FlLab) lab = fl_lab_new ("classroom", "test.local");
  g_autoptr(FlProbeConfig) config = NULL;
  g_autoptr(GError) error = NULL;

  for (guint i = 0; i < 2; i++)
    {
      g_autofree char *name = g_strdup_printf ("DC%u", i + 1);
      g_autofree char *host = g_strdup_printf ("dc%u.test.local", i + 1);
      g_autofree char *address = g_strdup_printf ("192.0.2.%u", 11 + i);
      g_autoptr(FlLabController) c = fl_lab_controller_new (name, host, address);

      fl_lab_controller_set_vm (c, "pve1", 101 + i);
      fl_lab_add_controller (lab, c);
    }
  fl_lab_set_client (lab, "WIN11", FL_CLIENT_ACCESS_GUEST_AGENT, "pve1", 201);
  config = fl_lab_create_probe_config (lab, NULL, &error);
  g_assert_no_error (error);
  return fl_lab_session_new (lab, config, NULL, 64);
}

/* an LDAP ping as the scheduler would emit it: ok with DS flags, or a failure */
static void
ping (FlLabSession *session,
      const char   *dc,
      FlStatus      status,
      guint32       flags)
{
  GVariantDict d;
  g_autoptr(FlSample) s = NULL;

  g_variant_dict_init (&d, NULL);
  if (status == FL_STATUS_OK)
    g_variant_dict_insert (&d, "flags", "u", flags);
  s = fl_sample_new (FL_CHECK_LDAP_PING, dc, status, g_get_monotonic_time (), 1000,
                     status == FL_STATUS_OK ? NULL : "refused", g_variant_dict_end (&d));
  fl_lab_session_add_sample (session, s);
}

static void
vm (FlLabSession *session,
    const char   *dc,
    const char   *name,
    const char   *status,
    gint64        uptime_s)
{
  FlVmState st = { .vmid = 0, .name = (char *)name, .status = (char *)status, .uptime_s = uptime_s };

  fl_lab_session_set_vm_state (session, dc, &st);
}

static guint notified;

static void
count (GObject    *object,
       GParamSpec *pspec,
       gpointer    data)
{
  notified++;
}

static void
test_model (void)
{
  g_autoptr(FlLabSession) session = new_session ();
  FlDcState *dc1 = fl_lab_session_lookup_dc (session, "dc1");

  g_assert_nonnull (dc1);
  g_assert_cmpuint (g_list_model_get_n_items (fl_lab_session_get_dcs (session)), ==, 2);
  g_assert_cmpuint (fl_dc_state_get_vmid (dc1), ==, 101);
  g_assert_cmpint (fl_dc_state_get_answering (dc1), ==, FL_ANSWERING_UNKNOWN);
  g_signal_connect (dc1, "notify::answering", G_CALLBACK (count), NULL);

  /* PDC and GC from the DS flags (0x1, 0x4), not from any display string */
  ping (session, "DC1", FL_STATUS_OK, 0x1 | 0x4);
  g_assert_cmpint (fl_dc_state_get_answering (dc1), ==, FL_ANSWERING_YES);
  g_assert_true (fl_dc_state_get_pdc (dc1));
  g_assert_true (fl_dc_state_get_gc (dc1));
  g_assert_cmpuint (notified, ==, 1);
  ping (session, "DC1", FL_STATUS_OK, 0x1 | 0x4);
  g_assert_cmpuint (notified, ==, 1);   /* explicit notify: only on a change */

  /* a skipped round is no news: the DC still answers */
  {
    g_autoptr(FlSample) s = fl_sample_new (FL_CHECK_LDAP_PING, "DC1", FL_STATUS_SKIPPED, g_get_monotonic_time (),
                                           -1, "still running", NULL);

    fl_lab_session_add_sample (session, s);
    g_assert_cmpint (fl_dc_state_get_answering (dc1), ==, FL_ANSWERING_YES);
    g_assert_cmpint (fl_sample_get_status (fl_dc_state_get_sample (dc1, FL_CHECK_LDAP_PING)), ==, FL_STATUS_OK);
  }
  ping (session, "DC1", FL_STATUS_FAIL, 0);
  g_assert_cmpint (fl_dc_state_get_answering (dc1), ==, FL_ANSWERING_NO);
  g_assert_cmpuint (notified, ==, 2);
}

static void
test_verdicts (void)
{
  g_autoptr(FlLabSession) session = new_session ();
  g_autoptr(FlVerdict) unknown = NULL, allowed = NULL, outage = NULL, guard = NULL, neighbour = NULL;

  /* nothing known yet: fail closed */
  unknown = fl_lab_session_check_action (session, "DC1", FL_LAB_ACTION_STOP);
  g_assert_cmpint (unknown->kind, ==, FL_VERDICT_CONFIRM);
  g_assert_cmpuint (unknown->reasons, ==, FL_INTERLOCK_STATE_UNKNOWN);

  ping (session, "DC1", FL_STATUS_OK, 0x1);
  ping (session, "DC2", FL_STATUS_OK, 0);
  vm (session, "DC1", "DC1", "running", 86400);
  vm (session, "DC2", "DC2", "running", 86400);
  allowed = fl_lab_session_check_action (session, "DC1", FL_LAB_ACTION_STOP);
  g_assert_cmpint (allowed->kind, ==, FL_VERDICT_ALLOWED);

  ping (session, "DC2", FL_STATUS_TIMEOUT, 0);
  outage = fl_lab_session_check_action (session, "DC1", FL_LAB_ACTION_SHUTDOWN);
  g_assert_cmpint (outage->kind, ==, FL_VERDICT_CONFIRM);
  g_assert_cmpuint (outage->reasons, ==, FL_INTERLOCK_TOTAL_OUTAGE);

  ping (session, "DC2", FL_STATUS_OK, 0);
  vm (session, "DC2", "DC2", "running", 60);
  guard = fl_lab_session_check_action (session, "DC1", FL_LAB_ACTION_UNPLUG);
  g_assert_cmpuint (guard->reasons, ==, FL_INTERLOCK_RESTART_GUARD);
  fl_lab_session_set_restart_guard (session, 0);
  g_clear_pointer (&guard, fl_verdict_free);
  guard = fl_lab_session_check_action (session, "DC1", FL_LAB_ACTION_UNPLUG);
  g_assert_cmpint (guard->kind, ==, FL_VERDICT_ALLOWED);

  /* DC1's vmid names somebody else's VM: never, not even a start */
  vm (session, "DC1", "fileserver", "running", 86400);
  neighbour = fl_lab_session_check_action (session, "DC1", FL_LAB_ACTION_START);
  g_assert_cmpint (neighbour->kind, ==, FL_VERDICT_REFUSED);
  g_assert_cmpuint (neighbour->reasons, ==, FL_INTERLOCK_NAME_MISMATCH);
}

static void
got (GObject      *object,
     GAsyncResult *result,
     gpointer      data)
{
  *(GAsyncResult **)data = g_object_ref (result);
}

static void
test_no_hypervisor (void)
{
  g_autoptr(FlLabSession) session = new_session ();
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(FlTaskResult) r = NULL;

  fl_lab_session_run_action_async (session, "DC1", FL_LAB_ACTION_STOP, NULL, 0, NULL, got, &result);
  while (result == NULL)
    g_main_context_iteration (NULL, TRUE);
  r = fl_lab_session_run_action_finish (session, result, &error);
  g_assert_null (r);
  g_assert_error (error, FL_LAB_SESSION_ERROR, FL_LAB_SESSION_ERROR_NO_HYPERVISOR);
  /* the enum's nicks are the CLI's verbs and the JSON strings */
  {
    g_autoptr(GEnumClass) klass = g_type_class_ref (FL_TYPE_LAB_ACTION);

    for (guint i = 0; i < FL_N_LAB_ACTIONS; i++)
      g_assert_cmpstr (g_enum_get_value (klass, (int)i)->value_nick, ==, fl_lab_action_to_string (i));
  }
}

/* a domain-wide sample (no DC) with string details */
static void
domain_sample (FlLabSession *session,
               FlCheckKind   kind,
               FlStatus      status,
               const char   *first_key,
               ...)
{
  GVariantDict d;
  va_list ap;
  g_autoptr(FlSample) s = NULL;

  g_variant_dict_init (&d, NULL);
  va_start (ap, first_key);
  for (const char *k = first_key; k != NULL; k = va_arg (ap, const char *))
    g_variant_dict_insert (&d, k, "s", va_arg (ap, const char *));
  va_end (ap);
  s = fl_sample_new (kind, NULL, status, g_get_monotonic_time (), 1000, NULL, g_variant_dict_end (&d));
  fl_lab_session_add_sample (session, s);
}

/* what the tiles and the banner bind to: FSMO roles, the DC serving the locator and since
 * when, SSSD's server, each check's last answer and last problem */
static void
test_views (void)
{
  g_autoptr(FlLabSession) session = new_session ();
  FlDcState *dc1 = fl_lab_session_lookup_dc (session, "DC1");
  FlDcState *dc2 = fl_lab_session_lookup_dc (session, "DC2");

  domain_sample (session, FL_CHECK_FSMO, FL_STATUS_OK, "pdc", "DC1", "rid", "DC1", "infrastructure", "DC2",
                 "naming", "dc2", "schema", "DC1", NULL);
  g_assert_cmphex (fl_dc_state_get_fsmo_roles (dc1), ==, 1u << FL_FSMO_PDC | 1u << FL_FSMO_RID | 1u << FL_FSMO_SCHEMA);
  g_assert_cmphex (fl_dc_state_get_fsmo_roles (dc2), ==, 1u << FL_FSMO_INFRASTRUCTURE | 1u << FL_FSMO_NAMING);
  /* a failed read changes nothing: the roles are what was last read */
  domain_sample (session, FL_CHECK_FSMO, FL_STATUS_TIMEOUT, NULL);
  g_assert_cmphex (fl_dc_state_get_fsmo_roles (dc2), ==, 1u << FL_FSMO_INFRASTRUCTURE | 1u << FL_FSMO_NAMING);

  domain_sample (session, FL_CHECK_LOCATOR, FL_STATUS_OK, "server", "DC1", NULL);
  g_assert_cmpstr (fl_lab_session_get_logon_server (session), ==, "DC1");
  g_assert_true (fl_dc_state_get_serving (dc1));
  g_assert_false (fl_dc_state_get_serving (dc2));
  g_assert_cmpint (fl_lab_session_get_logon_since (session), ==, 0);   /* known, not changed */
  domain_sample (session, FL_CHECK_LOCATOR, FL_STATUS_OK, "server", "DC2", NULL);
  g_assert_cmpstr (fl_lab_session_get_logon_server (session), ==, "DC2");
  g_assert_false (fl_dc_state_get_serving (dc1));
  g_assert_true (fl_dc_state_get_serving (dc2));
  g_assert_cmpint (fl_lab_session_get_logon_since (session), >, 0);

  domain_sample (session, FL_CHECK_SSSD, FL_STATUS_OK, "server", "DC2", NULL);
  g_assert_cmpstr (fl_lab_session_get_sssd_server (session), ==, "DC2");

  /* the network: unknown until the reference host is asked */
  g_assert_cmpint (fl_lab_session_get_network (session), ==, FL_STATUS_SKIPPED);
  domain_sample (session, FL_CHECK_NETWORK, FL_STATUS_OK, NULL);
  g_assert_cmpint (fl_lab_session_get_network (session), ==, FL_STATUS_OK);

  ping (session, "DC1", FL_STATUS_OK, 0x1);
  g_assert_cmphex (fl_lab_session_get_fsmo_down (session), ==, 0);
  /* a check still running says nothing about the DC: still answering */
  ping (session, "DC1", FL_STATUS_SKIPPED, 0);
  g_assert_cmpint (fl_dc_state_get_answering (dc1), ==, FL_ANSWERING_YES);
  ping (session, "DC1", FL_STATUS_TIMEOUT, 0);
  /* DC1's roles are down with it */
  g_assert_cmphex (fl_lab_session_get_fsmo_down (session), ==,
                   1u << FL_FSMO_PDC | 1u << FL_FSMO_RID | 1u << FL_FSMO_SCHEMA);
  g_assert_cmpint (fl_sample_get_status (fl_dc_state_get_last_answer (dc1, FL_CHECK_LDAP_PING)), ==, FL_STATUS_OK);
  g_assert_cmpint (fl_sample_get_status (fl_dc_state_get_last_problem (dc1, FL_CHECK_LDAP_PING)), ==, FL_STATUS_TIMEOUT);
  g_assert_cmpint (fl_sample_get_status (fl_dc_state_get_sample (dc1, FL_CHECK_LDAP_PING)), ==, FL_STATUS_TIMEOUT);
  g_assert_null (fl_dc_state_get_last_problem (dc2, FL_CHECK_LDAP_PING));
}

/* the client's VM is in the lab: the interlocks know it and never fail open on it */
static void
test_client_vm (void)
{
  g_autoptr(FlLabSession) session = new_session ();
  g_autoptr(FlVerdict) unknown = NULL, allowed = NULL, neighbour = NULL, stranger = NULL;

  ping (session, "DC1", FL_STATUS_OK, 0x1);
  ping (session, "DC2", FL_STATUS_OK, 0);
  vm (session, "DC1", "DC1", "running", 86400);
  vm (session, "DC2", "DC2", "running", 86400);
  unknown = fl_lab_session_check_action (session, "win11", FL_LAB_ACTION_REBOOT);
  g_assert_cmpint (unknown->kind, ==, FL_VERDICT_CONFIRM);
  g_assert_cmpuint (unknown->reasons, ==, FL_INTERLOCK_STATE_UNKNOWN);
  vm (session, "WIN11", "WIN11", "running", 600);
  allowed = fl_lab_session_check_action (session, "WIN11", FL_LAB_ACTION_REBOOT);
  g_assert_cmpint (allowed->kind, ==, FL_VERDICT_ALLOWED);
  vm (session, "WIN11", "mailserver", "running", 600);
  neighbour = fl_lab_session_check_action (session, "WIN11", FL_LAB_ACTION_STOP);
  g_assert_cmpint (neighbour->kind, ==, FL_VERDICT_REFUSED);
  g_assert_cmpuint (neighbour->reasons, ==, FL_INTERLOCK_NAME_MISMATCH);
  stranger = fl_lab_session_check_action (session, "FS01", FL_LAB_ACTION_STOP);
  g_assert_cmpint (stranger->kind, ==, FL_VERDICT_REFUSED);
  g_assert_cmpuint (stranger->reasons, ==, FL_INTERLOCK_NOT_IN_LAB);
}

/* one table per concept: the enums' nicks are the names in JSON, recordings and the CLI */
static void
test_vocabulary (void)
{
  static const char * const checks[] = { "reach", "dns", "ldap_ping", "ldap", "kerberos", "machine_trust", "smb", "sysvol",
                                         "time", "network", "locator", "kdc_view", "fsmo", "gpo", "sssd",
                                         "win_locator", "secure_channel", "win_kdc", "win_logon" };
  static const char * const statuses[] = { "ok", "degraded", "fail", "timeout", "skipped" };
  static const char * const roles[] = { "pdc", "rid", "infrastructure", "naming", "schema" };
  FlCheckKind kind;
  FlStatus status;
  FlEventKind event;

  g_assert_cmpuint (G_N_ELEMENTS (checks), ==, FL_N_CHECKS);
  for (guint i = 0; i < FL_N_CHECKS; i++)
    {
      g_assert_cmpstr (fl_check_kind_to_string (i), ==, checks[i]);
      g_assert_true (fl_check_kind_from_string (checks[i], &kind));
      g_assert_cmpint (kind, ==, i);
    }
  for (guint i = 0; i < G_N_ELEMENTS (statuses); i++)
    {
      g_assert_cmpstr (fl_status_to_string (i), ==, statuses[i]);
      g_assert_true (fl_status_from_string (statuses[i], &status));
      g_assert_cmpint (status, ==, i);
    }
  for (guint i = 0; i < FL_FSMO_N_ROLES; i++)
    g_assert_cmpstr (fl_fsmo_role_to_string (i), ==, roles[i]);
  g_assert_true (fl_event_kind_from_string ("locator_changed", &event));
  g_assert_cmpint (event, ==, FL_EVENT_LOCATOR_CHANGED);
  g_assert_cmpstr (fl_event_kind_to_string (FL_EVENT_WATCH_STARTED), ==, "watch_started");
  g_assert_false (fl_check_kind_from_string ("ldap-ping", &kind));
  /* which check observes which view: one table, both ways */
  for (guint v = 0; v < FL_N_VIEWS; v++)
    {
      FlView back = FL_N_VIEWS;

      g_assert_true (fl_check_kind_to_view (fl_view_to_check_kind (v), &back));
      g_assert_cmpint (back, ==, v);
      g_assert_cmpstr (fl_enum_to_nick (FL_TYPE_VIEW, v), !=, NULL);
    }
  g_assert_false (fl_check_kind_to_view (FL_CHECK_WIN_LOGON, NULL));
  g_assert_false (fl_check_kind_to_view (FL_CHECK_LDAP, NULL));
  g_assert_true (fl_check_kind_is_windows (FL_CHECK_SECURE_CHANNEL));
  g_assert_false (fl_check_kind_is_windows (FL_CHECK_SSSD));
  g_assert_false (fl_status_from_string (NULL, &status));
  g_assert_false (fl_event_kind_from_string ("", &event));
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/lab-session/model", test_model);
  g_test_add_func ("/lab-session/verdicts", test_verdicts);
  g_test_add_func ("/lab-session/no-hypervisor", test_no_hypervisor);
  g_test_add_func ("/lab-session/views", test_views);
  g_test_add_func ("/lab-session/client-vm", test_client_vm);
  g_test_add_func ("/lab-session/vocabulary", test_vocabulary);
  return g_test_run ();
}
