/* test-exercise-runner.c: the runner's state machine on a lab session fed by hand (the session
 * is never started: no probe, no network): settle, bind, preconditions, a marked fault, a step
 * done by hand, a wait; an abort and its rollback; a refusal
 *
 * Copyright 2026 The Failover Lab authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <locale.h>
#include <string.h>

#include "fl-exercise-enums.h"
#include "fl-exercise-runner.h"
#include "fl-lab-controller.h"
#include "fl-lab-probe.h"

#define HEAD "{\"format\":1,\"id\":\"t\",\"title\":\"T\",\"description\":\"D\",\"minutes\":1,"

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

      fl_lab_add_controller (lab, c);
    }
  config = fl_lab_create_probe_config (lab, NULL, &error);
  g_assert_no_error (error);
  return fl_lab_session_new (lab, config, NULL, 64);
}

static void
add (FlLabSession *session,
     FlCheckKind   kind,
     const char   *dc,
     FlStatus      status,
     const char   *server)
{
  g_autoptr(FlSample) s = NULL;
  GVariantDict d;

  g_variant_dict_init (&d, NULL);
  if (server != NULL)
    g_variant_dict_insert (&d, "server", "s", server);
  s = fl_sample_new (kind, dc, status, g_get_monotonic_time (), 1000, NULL, g_variant_dict_end (&d));
  fl_lab_session_add_sample (session, s);
}

static void
round_of (FlLabSession *session,
          FlStatus      dc1,
          FlStatus      dc2)
{
  add (session, FL_CHECK_LDAP_PING, "DC1", dc1, NULL);
  add (session, FL_CHECK_LDAP_PING, "DC2", dc2, NULL);
  add (session, FL_CHECK_LOCATOR, NULL, FL_STATUS_OK, dc1 == FL_STATUS_OK ? "DC1" : "DC2");
}

typedef struct
{
  GAsyncResult *result;
} Wait;

static void
done (GObject      *source,
      GAsyncResult *result,
      gpointer      data)
{
  ((Wait *)data)->result = g_object_ref (result);
}

/* runs the main loop until @state, or the run ended (no time limit: the runner ticks every
 * 200 ms; meson's test timeout ends a hang) */
static gboolean
until_state (FlExerciseRunner *runner,
             FlRunState        state,
             Wait             *w)
{
  while (fl_exercise_runner_get_state (runner) != state && w->result == NULL)
    g_main_context_iteration (NULL, TRUE);
  return fl_exercise_runner_get_state (runner) == state;
}

/* a test leaves no run behind: one that ends later would write its result into a Wait on a
 * stack frame that is gone (another test's, by then: ASan saw it, and the gcc build read it as
 * the next test's run ending) */
static void
abort_and_wait (FlExerciseRunner *runner,
                Wait             *w)
{
  fl_exercise_runner_abort (runner);
  while (w->result == NULL)
    g_main_context_iteration (NULL, TRUE);
  g_clear_object (&w->result);
}

static FlExerciseRunner *
new_runner (FlLabSession *session,
            const char   *json)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(FlExercise) exercise = fl_exercise_new_from_data (json, -1, &error);

  g_assert_no_error (error);
  return fl_exercise_runner_new (session, exercise);
}

static void
print_result (FlExerciseRunner *runner)
{
  g_autoptr(JsonNode) node = fl_grader_to_json (fl_exercise_runner_get_grader (runner));
  g_autofree char *text = json_to_string (node, TRUE);

  g_printerr ("state %s step %d\n%s\n",
              fl_enum_to_nick (FL_TYPE_RUN_STATE, fl_exercise_runner_get_state (runner)),
              fl_exercise_runner_get_step (runner), text);
}

#define assert_state(runner, state, w)                                                          \
  G_STMT_START {                                                                                \
    if (!until_state ((runner), (state), (w)))                                                  \
      {                                                                                         \
        print_result (runner);                                                                  \
        g_error ("the run did not reach %s", fl_enum_to_nick (FL_TYPE_RUN_STATE, (state)));     \
      }                                                                                         \
  } G_STMT_END

static void
test_run (void)
{
  const char *json =
    HEAD "\"preconditions\":[{\"that\":{\"answers\":\"$all\"}}],"
    "\"steps\":["
    "{\"title\":\"cable\",\"action\":{\"mark\":\"pulled by hand\"},"
    " \"expect\":[{\"that\":{\"check\":\"ldap_ping\",\"on\":\"$serving\",\"is\":\"timeout\"},\"within\":30}]},"
    "{\"title\":\"plug\",\"action\":{\"instruct\":\"Plug it back in\"},"
    " \"expect\":[{\"that\":{\"answers\":\"$serving\"},\"within\":30}]},"
    "{\"title\":\"rest\",\"action\":{\"wait\":1}}],"
    "\"rollback\":[{\"vm\":\"start\",\"on\":\"$all\"}]}";
  g_autoptr(FlLabSession) session = new_session ();
  g_autoptr(FlExerciseRunner) runner = new_runner (session, json);
  g_autoptr(GError) error = NULL;
  FlGrader *grader = fl_exercise_runner_get_grader (runner);
  GPtrArray *events;
  gboolean marked = FALSE;
  Wait w = { NULL };
  FlGrade outcome;
  g_autoptr(GOutputStream) out = g_memory_output_stream_new_resizable ();
  g_autoptr(FlRecorder) recorder = fl_recorder_new (fl_lab_session_get_timeline (session),
                                                    fl_lab_session_get_lab (session), out);

  fl_exercise_runner_set_recorder (runner, recorder);
  fl_exercise_runner_run_async (runner, NULL, done, &w);
  g_assert_cmpint (fl_exercise_runner_get_state (runner), ==, FL_RUN_SETTLING);
  round_of (session, FL_STATUS_OK, FL_STATUS_OK);

  /* settled, bound, step 1 marks the fault and waits for DC1's timeout */
  assert_state (runner, FL_RUN_OBSERVING, &w);
  g_assert_cmpstr (fl_grader_get_binding (grader)->dc[FL_ROLE_SERVING], ==, "DC1");
  g_assert_cmpint (fl_exercise_runner_get_step (runner), ==, 0);
  events = fl_timeline_get_events (fl_lab_session_get_timeline (session));
  for (guint i = 0; i < events->len; i++)
    marked |= fl_event_get_kind (events->pdata[i]) == FL_EVENT_FAULT &&
              g_strcmp0 (fl_event_get_message (events->pdata[i]), "pulled by hand") == 0;
  g_assert_true (marked);
  round_of (session, FL_STATUS_TIMEOUT, FL_STATUS_OK);

  /* step 2 is done by hand: it waits for Done, and counts from there */
  assert_state (runner, FL_RUN_WAITING_DONE, &w);
  g_assert_cmpint (fl_exercise_runner_get_step (runner), ==, 1);
  g_assert_cmpint (fl_grader_get_step_result (grader, 0)->grade, ==, FL_GRADE_PASSED);
  fl_exercise_runner_confirm (runner);
  g_assert_cmpint (fl_exercise_runner_get_state (runner), ==, FL_RUN_OBSERVING);
  round_of (session, FL_STATUS_OK, FL_STATUS_OK);

  /* step 3 waits a second, then the run ends: passed */
  while (w.result == NULL)
    g_main_context_iteration (NULL, TRUE);
  outcome = fl_exercise_runner_run_finish (runner, w.result, &error);
  g_assert_no_error (error);
  if (outcome != FL_GRADE_PASSED)
    {
      print_result (runner);
      g_error ("outcome %s", fl_enum_to_nick (FL_TYPE_GRADE, outcome));
    }
  g_assert_cmpint (fl_grader_get_step_result (grader, 2)->grade, ==, FL_GRADE_PASSED);
  g_assert_cmpint (fl_exercise_runner_get_state (runner), ==, FL_RUN_FINISHED);
  g_clear_object (&w.result);

  /* the recording holds the run: its start, each step, the result */
  g_assert_true (fl_recorder_close (recorder, &error));
  {
    g_autoptr(GBytes) bytes = g_memory_output_stream_steal_as_bytes (G_MEMORY_OUTPUT_STREAM (out));
    gsize len;
    const char *data = g_bytes_get_data (bytes, &len);
    g_autoptr(FlRecordingContents) c = fl_recording_read_data (data, len, &error);
    const char *expected[] = { "start", "step", "step", "step", "result" };

    g_assert_no_error (error);
    g_assert_cmpuint (c->n_corrupt, ==, 0);
    g_assert_cmpuint (c->exercise->len, ==, G_N_ELEMENTS (expected));
    for (guint i = 0; i < c->exercise->len; i++)
      g_assert_cmpstr (json_object_get_string_member (c->exercise->pdata[i], "record"), ==, expected[i]);
    g_assert_cmpstr (json_object_get_string_member (c->exercise->pdata[4], "outcome"), ==, "passed");
    g_assert_cmpuint (c->samples->len, >=, 9);
  }
}

/* an abort gives the lab back; without a hypervisor the rollback says it cannot, at once */
static void
test_abort (void)
{
  const char *json =
    HEAD "\"steps\":[{\"title\":\"wait\",\"action\":{\"wait\":600},"
    "\"expect\":[{\"that\":{\"no_dc_answers\":true},\"within\":600}]},"
    "{\"title\":\"never\",\"action\":{\"wait\":1}}],"
    "\"rollback\":[{\"vm\":\"start\",\"on\":\"$all\"}]}";
  g_autoptr(FlLabSession) session = new_session ();
  g_autoptr(FlExerciseRunner) runner = new_runner (session, json);
  g_autoptr(GError) error = NULL;
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  FlGrader *grader = fl_exercise_runner_get_grader (runner);
  Wait w = { NULL };
  FlGrade outcome;

  fl_exercise_runner_run_async (runner, cancellable, done, &w);
  round_of (session, FL_STATUS_OK, FL_STATUS_OK);
  assert_state (runner, FL_RUN_OBSERVING, &w);

  /* pause: the step goes on; skip ends it; cancelling the run aborts it */
  fl_exercise_runner_pause (runner);
  fl_exercise_runner_skip (runner);
  assert_state (runner, FL_RUN_PAUSED, &w);
  g_assert_cmpint (fl_grader_get_step_result (grader, 0)->grade, ==, FL_GRADE_SKIPPED);
  g_cancellable_cancel (cancellable);
  while (w.result == NULL)
    g_main_context_iteration (NULL, TRUE);
  outcome = fl_exercise_runner_run_finish (runner, w.result, &error);
  g_assert_no_error (error);
  g_assert_cmpint (outcome, ==, FL_GRADE_ABORTED);
  g_assert_cmpint (fl_grader_get_step_result (grader, 1)->grade, ==, FL_GRADE_ABORTED);
  g_assert_cmpuint (fl_exercise_runner_get_rollback_errors (runner)->len, ==, 1);
  g_assert_nonnull (strstr (fl_exercise_runner_get_rollback_errors (runner)->pdata[0], "hypervisor"));
  g_clear_object (&w.result);
}

/* a run that cannot start says why and does nothing: the steady state does not hold (for the
 * runner's patience, 10 s), the total outage is not confirmed */
static void
test_refused (void)
{
  const char *json =
    HEAD "\"preconditions\":[{\"that\":{\"answers\":\"$all\"},\"text\":\"Every DC answers\"}],"
    "\"steps\":[{\"title\":\"x\",\"action\":{\"wait\":1}}]}";
  const char *outage =
    HEAD "\"needs\":{\"total_outage\":true},\"steps\":[{\"title\":\"x\",\"action\":{\"vm\":\"stop\",\"on\":\"$all\"}}]}";
  g_autoptr(FlLabSession) session = new_session ();
  g_autoptr(FlExerciseRunner) runner = new_runner (session, json);
  g_autoptr(FlExerciseRunner) runner2 = new_runner (session, outage);
  g_autoptr(GError) error = NULL;
  Wait w = { NULL };

  fl_exercise_runner_run_async (runner, NULL, done, &w);
  round_of (session, FL_STATUS_OK, FL_STATUS_TIMEOUT);
  while (w.result == NULL)
    g_main_context_iteration (NULL, TRUE);
  g_assert_cmpint (fl_exercise_runner_run_finish (runner, w.result, &error), ==, FL_GRADE_PENDING);
  g_assert_error (error, FL_EXERCISE_ERROR, FL_EXERCISE_ERROR_PRECONDITION);
  if (strstr (error->message, "Every DC answers") == NULL || strstr (error->message, "DC2") == NULL)
    g_error ("%s", error->message);
  g_clear_error (&error);
  g_clear_object (&w.result);

  fl_exercise_runner_run_async (runner2, NULL, done, &w);
  round_of (session, FL_STATUS_OK, FL_STATUS_OK);
  while (w.result == NULL)
    g_main_context_iteration (NULL, TRUE);
  g_assert_cmpint (fl_exercise_runner_run_finish (runner2, w.result, &error), ==, FL_GRADE_PENDING);
  g_assert_error (error, FL_EXERCISE_ERROR, FL_EXERCISE_ERROR_REFUSED);
  g_clear_object (&w.result);
}

/* a second of ticks (the runner ticks every 200 ms) after a first bad word: the run is still
 * settling, not refused (@what: that word, for the message) */
static void
assert_still_settling (FlExerciseRunner *runner,
                       Wait             *w,
                       const char       *what)
{
  gint64 until = g_get_monotonic_time () + G_USEC_PER_SEC;

  while (g_get_monotonic_time () < until && w->result == NULL)
    g_main_context_iteration (NULL, FALSE);
  if (w->result != NULL)
    {
      g_autoptr(GError) error = NULL;

      fl_exercise_runner_run_finish (runner, w->result, &error);
      g_error ("refused at %s: %s", what, error ? error->message : "(no error)");
    }
  g_assert_cmpint (fl_exercise_runner_get_state (runner), ==, FL_RUN_SETTLING);
}

/* a locator that found no DC in the first rounds (a reply past its deadline on a busy machine)
 * is waited for: the run starts from the DC it finds next, not refused at its first word */
static void
test_locator_late (void)
{
  const char *json =
    HEAD "\"steps\":[{\"title\":\"x\",\"action\":{\"wait\":1},"
    "\"expect\":[{\"that\":{\"view\":\"locator\",\"is\":\"$serving\"},\"within\":5}]}]}";
  g_autoptr(FlLabSession) session = new_session ();
  g_autoptr(FlExerciseRunner) runner = new_runner (session, json);
  Wait w = { NULL };

  fl_exercise_runner_run_async (runner, NULL, done, &w);
  add (session, FL_CHECK_LDAP_PING, "DC1", FL_STATUS_OK, NULL);
  add (session, FL_CHECK_LDAP_PING, "DC2", FL_STATUS_OK, NULL);
  add (session, FL_CHECK_LOCATOR, NULL, FL_STATUS_TIMEOUT, NULL);
  /* no DC located yet: still settling */
  assert_still_settling (runner, &w, "the locator's first timeout");
  round_of (session, FL_STATUS_OK, FL_STATUS_OK);
  assert_state (runner, FL_RUN_OBSERVING, &w);
  g_assert_cmpstr (fl_grader_get_binding (fl_exercise_runner_get_grader (runner))->dc[FL_ROLE_SERVING], ==, "DC1");
  abort_and_wait (runner, &w);
}

/* a precondition that fails once (one DC's answer past its deadline) and holds at the next round
 * starts the run: it is not refused at its first word */
static void
test_precondition_late (void)
{
  const char *json =
    HEAD "\"preconditions\":[{\"that\":{\"answers\":\"$all\"},\"text\":\"Every DC answers\"}],"
    "\"steps\":[{\"title\":\"x\",\"action\":{\"wait\":1}}]}";
  g_autoptr(FlLabSession) session = new_session ();
  g_autoptr(FlExerciseRunner) runner = new_runner (session, json);
  Wait w = { NULL };

  fl_exercise_runner_run_async (runner, NULL, done, &w);
  round_of (session, FL_STATUS_OK, FL_STATUS_TIMEOUT);
  assert_still_settling (runner, &w, "DC2's first timeout");
  round_of (session, FL_STATUS_OK, FL_STATUS_OK);
  assert_state (runner, FL_RUN_OBSERVING, &w);
  abort_and_wait (runner, &w);
}

int
main (int   argc,
      char *argv[])
{
  setlocale (LC_ALL, "C.UTF-8");
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/exercise-runner/run", test_run);
  g_test_add_func ("/exercise-runner/abort", test_abort);
  g_test_add_func ("/exercise-runner/refused", test_refused);
  g_test_add_func ("/exercise-runner/locator-late", test_locator_late);
  g_test_add_func ("/exercise-runner/precondition-late", test_precondition_late);

  return g_test_run ();
}
