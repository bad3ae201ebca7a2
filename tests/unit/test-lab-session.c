/* test-lab-session.c: the lab session's model and its verdicts, fed with recorded samples and
 * VM states (no network, no hypervisor, no pixels, no translated strings)
 *
 * Copyright 2026 The Failover Lab authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

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

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/lab-session/model", test_model);
  g_test_add_func ("/lab-session/verdicts", test_verdicts);
  g_test_add_func ("/lab-session/no-hypervisor", test_no_hypervisor);
  return g_test_run ();
}
