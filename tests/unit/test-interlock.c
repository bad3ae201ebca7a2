/* test-interlock.c: the verdict table of the VM interlocks (no pixels, no translated strings:
 * the verdict's kind and reasons)
 *
 * Copyright 2026 The Failover Lab authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "fl-interlock.h"

static FlVmState running_long = { .vmid = 101, .name = (char *)"DC1", .status = (char *)"running", .uptime_s = 86400 };
static FlVmState running_dc2 = { .vmid = 102, .name = (char *)"dc2", .status = (char *)"running", .uptime_s = 86400 };
static FlVmState just_back = { .vmid = 102, .name = (char *)"DC2", .status = (char *)"running", .uptime_s = 120 };
static FlVmState stopped = { .vmid = 102, .name = (char *)"DC2", .status = (char *)"stopped", .uptime_s = 0 };
static FlVmState neighbour = { .vmid = 101, .name = (char *)"web-prod", .status = (char *)"running", .uptime_s = 9 };
static FlVmState win11 = { .vmid = 201, .name = (char *)"WIN11", .status = (char *)"running", .uptime_s = 500 };

typedef struct
{
  const char      *what;
  FlAnswering      dc2_answering;
  gboolean         dc2_in_flight;
  const FlVmState *dc1_vm;
  const FlVmState *dc2_vm;
  const char      *target;
  FlLabAction      action;
  guint            guard_min;
  FlVerdictKind    kind;
  guint            reasons;
} Case;

static const Case cases[] = {
  { "stop DC1, DC2 answers: allowed", FL_ANSWERING_YES, FALSE, &running_long, &running_dc2, "DC1", FL_LAB_ACTION_STOP, 15,
    FL_VERDICT_ALLOWED, 0 },
  { "any case of the name", FL_ANSWERING_YES, FALSE, &running_long, &running_dc2, "dc1", FL_LAB_ACTION_SHUTDOWN, 15,
    FL_VERDICT_ALLOWED, 0 },
  { "stop DC1, DC2 silent: total outage", FL_ANSWERING_NO, FALSE, &running_long, &stopped, "DC1", FL_LAB_ACTION_STOP, 15,
    FL_VERDICT_CONFIRM, FL_INTERLOCK_TOTAL_OUTAGE },
  { "unplug is a take-down too", FL_ANSWERING_NO, FALSE, &running_long, &stopped, "DC1", FL_LAB_ACTION_UNPLUG, 15,
    FL_VERDICT_CONFIRM, FL_INTERLOCK_TOTAL_OUTAGE },
  { "DC2 answers but its own stop is in flight: it counts as down", FL_ANSWERING_YES, TRUE, &running_long,
    &running_dc2, "DC1", FL_LAB_ACTION_STOP, 15, FL_VERDICT_CONFIRM, FL_INTERLOCK_TOTAL_OUTAGE },
  { "DC2 not probed yet: fail closed", FL_ANSWERING_UNKNOWN, FALSE, &running_long, &running_dc2, "DC1",
    FL_LAB_ACTION_STOP, 15, FL_VERDICT_CONFIRM, FL_INTERLOCK_STATE_UNKNOWN },
  { "DC1's VM state unknown: fail closed", FL_ANSWERING_YES, FALSE, NULL, &running_dc2, "DC1", FL_LAB_ACTION_STOP, 15,
    FL_VERDICT_CONFIRM, FL_INTERLOCK_STATE_UNKNOWN },
  { "DC2 came back 2 min ago: restart guard", FL_ANSWERING_YES, FALSE, &running_long, &just_back, "DC1",
    FL_LAB_ACTION_SHUTDOWN, 15, FL_VERDICT_CONFIRM, FL_INTERLOCK_RESTART_GUARD },
  { "guard 0: no restart guard", FL_ANSWERING_YES, FALSE, &running_long, &just_back, "DC1", FL_LAB_ACTION_SHUTDOWN, 0,
    FL_VERDICT_ALLOWED, 0 },
  { "rollback with DC2 up: the trust reason", FL_ANSWERING_YES, FALSE, &running_long, &running_dc2, "DC1",
    FL_LAB_ACTION_ROLLBACK, 15, FL_VERDICT_CONFIRM, FL_INTERLOCK_ROLLBACK_TRUST },
  { "rollback of the last DC: trust and total outage", FL_ANSWERING_NO, FALSE, &running_long, &stopped, "DC1",
    FL_LAB_ACTION_ROLLBACK, 15, FL_VERDICT_CONFIRM, FL_INTERLOCK_ROLLBACK_TRUST | FL_INTERLOCK_TOTAL_OUTAGE },
  { "start is allowed whatever the others do", FL_ANSWERING_NO, FALSE, &running_long, &stopped, "DC1",
    FL_LAB_ACTION_START, 15, FL_VERDICT_ALLOWED, 0 },
  { "a vmid that is a neighbour's VM: refused, even to start it", FL_ANSWERING_YES, FALSE, &neighbour, &running_dc2,
    "DC1", FL_LAB_ACTION_START, 15, FL_VERDICT_REFUSED, FL_INTERLOCK_NAME_MISMATCH },
  { "a neighbour's VM, with --yes-able reasons too: still refused", FL_ANSWERING_NO, FALSE, &neighbour, &stopped, "DC1",
    FL_LAB_ACTION_STOP, 15, FL_VERDICT_REFUSED, FL_INTERLOCK_NAME_MISMATCH },
  { "not a VM of the lab", FL_ANSWERING_YES, FALSE, &running_long, &running_dc2, "DC9", FL_LAB_ACTION_STOP, 15,
    FL_VERDICT_REFUSED, FL_INTERLOCK_NOT_IN_LAB },
  { "the client: no DC reasons", FL_ANSWERING_NO, FALSE, &running_long, &stopped, "WIN11", FL_LAB_ACTION_STOP, 15,
    FL_VERDICT_ALLOWED, 0 },
};

static void
test_table (void)
{
  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      const Case *c = &cases[i];
      FlInterlockVm vms[] = {
        { "DC1", "dc1.test.local", TRUE, FL_ANSWERING_YES, FALSE, c->dc1_vm },
        { "DC2", "dc2.test.local", TRUE, c->dc2_answering, c->dc2_in_flight, c->dc2_vm },
        { "WIN11", NULL, FALSE, FL_ANSWERING_UNKNOWN, FALSE, &win11 },
      };
      g_autoptr(FlVerdict) v = fl_interlock_decide (vms, G_N_ELEMENTS (vms), c->target, c->action, c->guard_min);
      g_autofree char *text = fl_verdict_describe (v);

      g_test_message ("%s: kind %d reasons 0x%x (%s)", c->what, v->kind, v->reasons, text);
      g_assert_cmpint (v->kind, ==, c->kind);
      g_assert_cmpuint (v->reasons, ==, c->reasons);
      g_assert_true ((v->kind == FL_VERDICT_ALLOWED) == (*text == '\0'));
    }
}

static void
test_actions (void)
{
  FlLabAction a;

  for (guint i = 0; i < FL_N_LAB_ACTIONS; i++)
    {
      g_assert_true (fl_lab_action_from_string (fl_lab_action_to_string (i), &a));
      g_assert_cmpint (a, ==, i);
    }
  g_assert_false (fl_lab_action_from_string ("destroy", &a));
  g_assert_false (fl_lab_action_from_string (NULL, &a));
}

typedef struct
{
  const char   *what;
  FlAnswering   dc1;
  FlAnswering   dc2;
  gboolean      dc1_in_flight;
  const char   *target;
  const char   *holder;
  FlVerdictKind kind;
  guint         reasons;
} TransferCase;

static const TransferCase transfer_cases[] = {
  { "both answer: allowed", FL_ANSWERING_YES, FL_ANSWERING_YES, FALSE, "DC2", "DC1", FL_VERDICT_ALLOWED, 0 },
  { "any case of the names", FL_ANSWERING_YES, FL_ANSWERING_YES, FALSE, "dc2", "dc1", FL_VERDICT_ALLOWED, 0 },
  { "the target holds it: nothing to do", FL_ANSWERING_NO, FL_ANSWERING_YES, FALSE, "DC2", "DC2",
    FL_VERDICT_ALLOWED, 0 },
  { "the holder is down: that would be a seizure", FL_ANSWERING_NO, FL_ANSWERING_YES, FALSE, "DC2", "DC1",
    FL_VERDICT_REFUSED, FL_INTERLOCK_HOLDER_DOWN },
  { "the holder is being stopped: down", FL_ANSWERING_YES, FL_ANSWERING_YES, TRUE, "DC2", "DC1",
    FL_VERDICT_REFUSED, FL_INTERLOCK_HOLDER_DOWN },
  { "the target is down", FL_ANSWERING_YES, FL_ANSWERING_NO, FALSE, "DC2", "DC1", FL_VERDICT_REFUSED,
    FL_INTERLOCK_TARGET_DOWN },
  { "both down", FL_ANSWERING_NO, FL_ANSWERING_NO, FALSE, "DC2", "DC1", FL_VERDICT_REFUSED,
    FL_INTERLOCK_TARGET_DOWN | FL_INTERLOCK_HOLDER_DOWN },
  { "the holder not known: confirm", FL_ANSWERING_YES, FL_ANSWERING_YES, FALSE, "DC2", NULL, FL_VERDICT_CONFIRM,
    FL_INTERLOCK_HOLDER_UNKNOWN },
  { "the holder not probed yet: confirm", FL_ANSWERING_UNKNOWN, FL_ANSWERING_YES, FALSE, "DC2", "DC1",
    FL_VERDICT_CONFIRM, FL_INTERLOCK_HOLDER_UNKNOWN },
  { "the target not probed yet: confirm", FL_ANSWERING_YES, FL_ANSWERING_UNKNOWN, FALSE, "DC2", "DC1",
    FL_VERDICT_CONFIRM, FL_INTERLOCK_STATE_UNKNOWN },
  { "a holder outside the lab (a third DC) counts as not known", FL_ANSWERING_YES, FL_ANSWERING_YES, FALSE, "DC2",
    "DC3", FL_VERDICT_CONFIRM, FL_INTERLOCK_HOLDER_UNKNOWN },
  { "not a DC of the lab", FL_ANSWERING_YES, FL_ANSWERING_YES, FALSE, "DC9", "DC1", FL_VERDICT_REFUSED,
    FL_INTERLOCK_NOT_IN_LAB },
  { "the client is no DC", FL_ANSWERING_YES, FL_ANSWERING_YES, FALSE, "WIN11", "DC1", FL_VERDICT_REFUSED,
    FL_INTERLOCK_NOT_IN_LAB },
};

static void
test_transfer (void)
{
  for (guint i = 0; i < G_N_ELEMENTS (transfer_cases); i++)
    {
      const TransferCase *c = &transfer_cases[i];
      FlInterlockVm vms[] = {
        { "DC1", "dc1.test.local", TRUE, c->dc1, c->dc1_in_flight, &running_long },
        { "DC2", "dc2.test.local", TRUE, c->dc2, FALSE, &running_dc2 },
        { "WIN11", NULL, FALSE, FL_ANSWERING_UNKNOWN, FALSE, &win11 },
      };
      g_autoptr(FlVerdict) v = fl_interlock_decide_transfer (vms, G_N_ELEMENTS (vms), c->target, FL_FSMO_PDC,
                                                             c->holder);
      g_autofree char *text = fl_verdict_describe (v);

      g_test_message ("%s: kind %d reasons 0x%x (%s)", c->what, v->kind, v->reasons, text);
      g_assert_cmpint (v->kind, ==, c->kind);
      g_assert_cmpuint (v->reasons, ==, c->reasons);
      g_assert_true ((v->kind == FL_VERDICT_ALLOWED) == (*text == '\0'));
      g_assert_true (v->transfer);
    }
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/interlock/table", test_table);
  g_test_add_func ("/interlock/actions", test_actions);
  g_test_add_func ("/interlock/transfer", test_transfer);
  return g_test_run ();
}
