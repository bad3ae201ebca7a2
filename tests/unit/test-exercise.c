/* test-exercise.c: exercise files (the built-in ones, and invalid ones naming their JSON path)
 * and the grader on timelines fed through the real timeline and switchover detector
 *
 * Copyright 2026 The Failover Lab authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <locale.h>
#include <string.h>

#include "fl-exercise-enums.h"
#include "fl-grader.h"
#include "fl-test-sample.h"
#include "fl-switchover-detector.h"
#include "fl-timeline.h"

#define S(x) ((gint64)((x) * G_USEC_PER_SEC))

/* ------------------------------------------------------------------------------------------ */
/* files */

static void
test_builtin (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) list = fl_exercise_list_builtin (&error);
  const char *expected[] = { "planned-failover", "pulled-cable", "total-outage",
                             "recovery-and-failback", "fsmo-holder-down", "broken-trust", "client-view" };

  g_assert_no_error (error);
  g_assert_cmpuint (list->len, ==, G_N_ELEMENTS (expected));
  for (guint i = 0; i < list->len; i++)
    {
      FlExercise *exercise = list->pdata[i];

      g_assert_cmpstr (fl_exercise_get_id (exercise), ==, expected[i]);
      g_assert_cmpuint (fl_exercise_get_n_steps (exercise), >, 0);
      g_assert_cmpuint (fl_exercise_get_rollback (exercise)->len, >, 0);
    }
  /* roles decide the DCs needed; the total outage says so */
  {
    g_autoptr(FlExercise) outage = fl_exercise_lookup_builtin ("total-outage", &error);

    g_assert_no_error (error);
    g_assert_true (fl_exercise_get_total_outage (outage));
    g_assert_cmpuint (fl_exercise_get_min_dcs (outage), ==, 1);
  }
  {
    g_autoptr(FlExercise) planned = fl_exercise_lookup_builtin ("planned-failover", &error);

    g_assert_no_error (error);
    g_assert_cmpuint (fl_exercise_get_min_dcs (planned), ==, 2);
    g_assert_false (fl_exercise_get_total_outage (planned));
  }
  g_assert_null (fl_exercise_lookup_builtin ("no-such-thing", &error));
  g_assert_error (error, FL_EXERCISE_ERROR, FL_EXERCISE_ERROR_NOT_FOUND);
  g_assert_nonnull (strstr (error->message, "planned-failover"));
}

#define HEAD "{\"format\":1,\"id\":\"t\",\"title\":\"T\",\"description\":\"D\",\"minutes\":1,"

static void
test_invalid (void)
{
  static const struct {
    const char *text;
    int         code;
    const char *says;     /* the message names this (the JSON path, the likely word) */
  } cases[] = {
    { HEAD "\"steps\":[{\"title\":", FL_EXERCISE_ERROR_SYNTAX, "JSON" },
    { "", FL_EXERCISE_ERROR_SYNTAX, "empty" },
    { "[1]", FL_EXERCISE_ERROR_SYNTAX, "object" },
    { "{\"format\":2}", FL_EXERCISE_ERROR_FORMAT, "format" },
    { HEAD "\"steps\":[]}", FL_EXERCISE_ERROR_VALUE, "steps" },
    { HEAD "\"stepz\":[]}", FL_EXERCISE_ERROR_UNKNOWN_KEY, "did you mean \"steps\"" },
    { HEAD "\"steps\":[{\"title\":\"a\",\"expect\":[{\"that\":{\"answers\":\"$all\"},\"within\":\"10\"}]}]}",
      FL_EXERCISE_ERROR_TYPE, "steps[0].expect[0].within" },
    { HEAD "\"steps\":[{\"title\":\"a\",\"expect\":[{\"that\":{\"answers\":\"$all\"},\"whithin\":10}]}]}",
      FL_EXERCISE_ERROR_UNKNOWN_KEY, "steps[0].expect[0].whithin: unknown field (did you mean \"within\"" },
    { HEAD "\"steps\":[{\"title\":\"a\",\"action\":{\"vm\":\"stop\",\"on\":\"$server\"}}]}",
      FL_EXERCISE_ERROR_VALUE, "steps[0].action.on: unknown value \"$server\"" },
    { HEAD "\"steps\":[{\"title\":\"a\",\"action\":{\"vm\":\"stop\",\"on\":\"serving\"}}]}",
      FL_EXERCISE_ERROR_VALUE, "steps[0].action.on" },
    { HEAD "\"steps\":[{\"title\":\"a\",\"expect\":[{\"that\":{\"check\":\"kerbros\",\"on\":\"$all\",\"is\":\"ok\"}}]}]}",
      FL_EXERCISE_ERROR_VALUE, "steps[0].expect[0].that.check: unknown value \"kerbros\"" },
    { HEAD "\"steps\":[{\"title\":\"a\",\"expect\":[{\"that\":{\"check\":\"locator\",\"on\":\"$all\",\"is\":\"ok\"}}]}]}",
      FL_EXERCISE_ERROR_VALUE, "that.on" },
    { HEAD "\"steps\":[{\"title\":\"a\",\"expect\":[{\"that\":{\"check\":\"kerberos\",\"on\":\"$all\",\"is\":\"skipped\"}}]}]}",
      FL_EXERCISE_ERROR_VALUE, "that.is" },
    { HEAD "\"steps\":[{\"title\":\"a\",\"expect\":[{\"that\":{\"answers\":\"$all\",\"view\":\"locator\"}}]}]}",
      FL_EXERCISE_ERROR_VALUE, "one condition per object" },
    { HEAD "\"steps\":[{\"title\":\"a\",\"expect\":[{\"that\":{\"answers\":\"$client\"}}]}]}",
      FL_EXERCISE_ERROR_VALUE, "$client" },
    { HEAD "\"steps\":[{\"title\":\"a\",\"expect\":[{\"that\":{\"view\":\"locator\",\"is\":\"$all\"}}]}]}",
      FL_EXERCISE_ERROR_VALUE, "that.is" },
    { HEAD "\"steps\":[{\"title\":\"a\",\"expect\":[{\"that\":{\"all\":[]}}]}]}",
      FL_EXERCISE_ERROR_VALUE, "that.all" },
    { HEAD "\"steps\":[{\"title\":\"a\",\"expect\":[{\"that\":{\"no_dc_answers\":false}}]}]}",
      FL_EXERCISE_ERROR_VALUE, "no_dc_answers" },
    { HEAD "\"steps\":[{\"title\":\"a\",\"expect\":[{\"that\":{\"answers\":\"$all\"},\"within\":100000}]}]}",
      FL_EXERCISE_ERROR_VALUE, "within" },
    { HEAD "\"steps\":[{\"title\":\"a\",\"action\":{\"wait\":5,\"vm\":\"stop\",\"on\":\"$all\"}}]}",
      FL_EXERCISE_ERROR_VALUE, "one action per step" },
    { HEAD "\"steps\":[{\"title\":\"a\"}]}", FL_EXERCISE_ERROR_VALUE, "steps[0]" },
    { HEAD "\"steps\":[{\"title\":\"a\",\"action\":{\"client\":\"format-c\"}}]}",
      FL_EXERCISE_ERROR_VALUE, "steps[0].action.client" },
    { HEAD "\"steps\":[{\"title\":\"a\",\"action\":{\"client\":\"sc-reset\",\"on\":\"$serving\"}}]}",
      FL_EXERCISE_ERROR_VALUE, "belong to a VM action" },
    { HEAD "\"steps\":[{\"title\":\"a\",\"action\":{\"client\":\"gpupdate\"}}],\"rollback\":[{\"client\":\"sc-reset\"}]}",
      FL_EXERCISE_ERROR_VALUE, "rollback[0]" },
    { HEAD "\"steps\":[{\"title\":\"a\",\"action\":{\"wait\":5}}],\"rollback\":[{\"wait\":3}]}",
      FL_EXERCISE_ERROR_VALUE, "rollback[0]" },
    { HEAD "\"needs\":{\"dcs\":1},\"steps\":[{\"title\":\"a\",\"expect\":[{\"that\":{\"answers\":\"$other\"}}]}]}",
      FL_EXERCISE_ERROR_VALUE, "needs.dcs" },
    { HEAD "\"id\":\"../x\",\"steps\":[{\"title\":\"a\",\"action\":{\"wait\":5}}]}",
      FL_EXERCISE_ERROR_VALUE, "id" },
    { HEAD "\"steps\":{}}", FL_EXERCISE_ERROR_TYPE, "steps: expected an array" },
    { HEAD "\"steps\":[{\"title\":\"a\",\"action\":{\"vm\":\"none\",\"on\":\"$all\"}}]}",
      FL_EXERCISE_ERROR_VALUE, "steps[0].action.vm: not a VM action" },
    { HEAD "\"steps\":[{\"title\":\"a\",\"expect\":\"x\"}]}", FL_EXERCISE_ERROR_TYPE,
      "steps[0].expect: expected an array" },
    { HEAD "\"steps\":[{\"title\":\"a\",\"action\":{\"wait\":5}}],\"rollback\":[{\"vm\":\"rollback\",\"on\":\"$client\"}]}",
      FL_EXERCISE_ERROR_MISSING, "rollback[0].snapshot" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(FlExercise) exercise = fl_exercise_new_from_data (cases[i].text, -1, &error);

      if (exercise != NULL || error == NULL || error->code != cases[i].code ||
          strstr (error->message, cases[i].says) == NULL)
        g_error ("case %u: %s\n  expected code %d naming “%s”\n  got %s (code %d): %s", i,
                 cases[i].text, cases[i].code, cases[i].says, exercise ? "an exercise" : "an error",
                 error ? error->code : -1, error ? error->message : "(none)");
    }

  /* nested deeper than conditions may nest */
  {
    g_autoptr(GString) deep = g_string_new (HEAD "\"steps\":[{\"title\":\"a\",\"expect\":[{\"that\":");
    g_autoptr(GError) error = NULL;
    g_autoptr(FlExercise) exercise = NULL;

    for (guint i = 0; i < 12; i++)
      g_string_append (deep, "{\"not\":");
    g_string_append (deep, "{\"answers\":\"$all\"}");
    for (guint i = 0; i < 12; i++)
      g_string_append (deep, "}");
    g_string_append (deep, "}]}]}");
    exercise = fl_exercise_new_from_data (deep->str, -1, &error);
    g_assert_null (exercise);
    g_assert_error (error, FL_EXERCISE_ERROR, FL_EXERCISE_ERROR_VALUE);
    g_assert_nonnull (strstr (error->message, "nested deeper"));
  }
}

/* ------------------------------------------------------------------------------------------ */
/* grading, through the real timeline and detector */

typedef struct
{
  FlTimeline           *timeline;
  FlSwitchoverDetector *detector;
  FlGrader             *grader;
} Run;

static void
on_sample (FlTimeline *timeline,
           FlSample   *sample,
           FlGrader   *grader)
{
  fl_grader_add_sample (grader, sample);
}

static void
on_event (FlTimeline *timeline,
          FlEvent    *event,
          FlGrader   *grader)
{
  fl_grader_add_event (grader, event);
}

static void
run_init (Run        *run,
          const char *json)
{
  g_autoptr(FlProbeConfig) config = fl_probe_config_new ("test.local", NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(FlExercise) exercise = fl_exercise_new_from_data (json, -1, &error);
  const char *dcs[] = { "DC1", "DC2", NULL };

  g_assert_no_error (error);
  fl_probe_config_add_dc (config, "DC1", "dc1.test.local", "192.0.2.11", NULL);
  fl_probe_config_add_dc (config, "DC2", "dc2.test.local", "192.0.2.12", NULL);
  run->timeline = fl_timeline_new (config, 0);
  run->detector = fl_switchover_detector_new (run->timeline);
  run->grader = fl_grader_new (exercise, dcs);
  g_signal_connect (run->timeline, "sample-added", G_CALLBACK (on_sample), run->grader);
  g_signal_connect (run->timeline, "event-added", G_CALLBACK (on_event), run->grader);
}

static void
run_clear (Run *run)
{
  g_clear_object (&run->grader);
  g_clear_object (&run->detector);
  g_clear_object (&run->timeline);
}

static void
add (Run         *run,
     FlCheckKind  kind,
     const char  *dc,
     FlStatus     status,
     gint64       t,
     const char  *server,
     const char  *code)
{
  g_autoptr(FlSample) sample = fl_test_sample_new (kind, dc, status, t, t, S (0.01), server, code);

  fl_timeline_add_sample (run->timeline, sample);
}

/* one round: each DC's LDAP ping, Kerberos and DNS, then the locator and the KDC view */
static void
round_of (Run        *run,
          gint64      t,
          FlStatus    dc1,
          FlStatus    dc2,
          const char *server)
{
  const char *names[] = { "DC1", "DC2" };
  FlStatus st[] = { dc1, dc2 };

  for (guint i = 0; i < 2; i++)
    {
      add (run, FL_CHECK_LDAP_PING, names[i], st[i], t, NULL, NULL);
      add (run, FL_CHECK_KERBEROS, names[i], st[i], t, NULL, NULL);
      add (run, FL_CHECK_DNS, names[i], st[i], t, NULL, NULL);
    }
  add (run, FL_CHECK_LOCATOR, NULL, server ? FL_STATUS_OK : FL_STATUS_FAIL, t, server,
       server ? NULL : "ERROR_NO_SUCH_DOMAIN");
  add (run, FL_CHECK_KDC_VIEW, NULL, server ? FL_STATUS_OK : FL_STATUS_FAIL, t, server, NULL);
}

static void
fault (Run        *run,
       gint64      t,
       const char *dc)
{
  g_autoptr(FlEvent) event = fl_event_new (FL_EVENT_FAULT, t, t, dc, NULL, NULL, NULL, -1, -1,
                                           "shutdown");

  fl_timeline_add_event (run->timeline, event);
}

static void
print_result (FlGrader *grader)
{
  g_autoptr(JsonNode) node = fl_grader_to_json (grader);
  g_autofree char *text = json_to_string (node, TRUE);

  g_printerr ("%s\n", text);
}

static const FlExpectationResult *
expectation (FlGrader *grader,
             guint     step,
             guint     index)
{
  return fl_grader_get_step_result (grader, step)->expectations->pdata[index];
}

#define assert_grade(grader, step, index, expected)                                             \
  G_STMT_START {                                                                                \
    const FlExpectationResult *x_ = expectation ((grader), (step), (index));                    \
    if (x_->grade != (expected))                                                                \
      {                                                                                         \
        print_result (grader);                                                                  \
        g_error ("step %u expectation %u: grade %s, expected %s (reason: %s)", (step), (index), \
                 fl_enum_to_nick (FL_TYPE_GRADE, x_->grade),                                    \
                 fl_enum_to_nick (FL_TYPE_GRADE, (expected)), x_->reason);                     \
      }                                                                                         \
  } G_STMT_END

/* the planned failover as a client sees it: DC1 serves; shut down at 10 s; its pings fail from
 * 11 s; the locator names DC2 at 11.25 s */
static void
test_planned_failover (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) json_exercise = NULL;
  Run run = { 0 };
  const FlStepResult *r;
  const FlRoleBinding *binding;
  gint64 t;

  {
    g_autofree char *contents = NULL;
    gsize len;

    g_assert_true (g_file_get_contents (SRCDIR "/data/exercises/10-planned-failover.json",
                                        &contents, &len, NULL));
    run_init (&run, contents);
  }

  for (t = S (0); t < S (5); t += S (0.25))
    round_of (&run, t, FL_STATUS_OK, FL_STATUS_OK, "DC1");

  g_assert_true (fl_grader_bind_roles (run.grader, NULL, NULL, &error));
  g_assert_no_error (error);
  binding = fl_grader_get_binding (run.grader);
  g_assert_cmpstr (binding->dc[FL_ROLE_SERVING], ==, "DC1");
  g_assert_cmpstr (binding->dc[FL_ROLE_OTHER], ==, "DC2");
  g_assert_true (fl_grader_check_preconditions (run.grader, &error));
  g_assert_no_error (error);

  /* 1. baseline: holds at its start */
  fl_grader_begin_step (run.grader, 0, S (5));
  g_assert_true (fl_grader_step_graded (run.grader));
  assert_grade (run.grader, 0, 0, FL_GRADE_PASSED);
  g_assert_cmpint (expectation (run.grader, 0, 0)->time_us, ==, 0);
  fl_grader_end_step (run.grader, FL_GRADE_SKIPPED, NULL);

  /* 2. the shutdown */
  fl_grader_begin_step (run.grader, 1, S (10));
  fault (&run, S (10), "DC1");
  for (t = S (10); t < S (11); t += S (0.25))
    round_of (&run, t, FL_STATUS_OK, FL_STATUS_OK, "DC1");
  g_assert_false (fl_grader_step_graded (run.grader));
  round_of (&run, S (11), FL_STATUS_FAIL, FL_STATUS_OK, "DC1");
  for (t = S (11.25); t < S (13); t += S (0.25))
    round_of (&run, t, FL_STATUS_FAIL, FL_STATUS_OK, "DC2");
  fl_grader_advance (run.grader, S (13));
  if (!fl_grader_step_graded (run.grader))
    {
      print_result (run.grader);
      g_error ("step 2 is not graded at 13 s");
    }
  for (guint i = 0; i < 5; i++)
    assert_grade (run.grader, 1, i, FL_GRADE_PASSED);
  /* times count from the step's start (10 s) to the end of the sample that showed it */
  g_assert_cmpint (expectation (run.grader, 1, 0)->time_us, ==, S (1.01));
  g_assert_cmpint (expectation (run.grader, 1, 1)->time_us, ==, S (1.26));
  fl_grader_end_step (run.grader, FL_GRADE_SKIPPED, NULL);
  r = fl_grader_get_step_result (run.grader, 1);
  g_assert_cmpint (r->detection_us, ==, S (1.01));
  g_assert_cmpint (r->switchover_us[FL_VIEW_LOCATOR], ==, S (1.26));
  g_assert_cmpstr (r->switched_to[FL_VIEW_LOCATOR], ==, "DC2");
  g_assert_cmpint (r->grade, ==, FL_GRADE_PASSED);

  /* 3. start it again: answers at 40 s */
  fl_grader_begin_step (run.grader, 2, S (20));
  for (t = S (20); t < S (40); t += S (1))
    round_of (&run, t, FL_STATUS_TIMEOUT, FL_STATUS_OK, "DC2");
  g_assert_false (fl_grader_step_graded (run.grader));
  round_of (&run, S (40), FL_STATUS_OK, FL_STATUS_OK, "DC2");
  assert_grade (run.grader, 2, 0, FL_GRADE_PASSED);
  fl_grader_end_step (run.grader, FL_GRADE_SKIPPED, NULL);
  g_assert_cmpint (fl_grader_get_outcome (run.grader), ==, FL_GRADE_PASSED);

  json_exercise = fl_grader_to_json (run.grader);
  {
    JsonObject *o = json_node_get_object (json_exercise);
    JsonObject *step = json_array_get_object_element (json_object_get_array_member (o, "steps"), 1);

    g_assert_cmpstr (json_object_get_string_member (o, "outcome"), ==, "passed");
    g_assert_cmpint (json_object_get_int_member (json_object_get_object_member (step, "switchover_ms"),
                                                 "locator"), ==, 1260);
  }
  run_clear (&run);
}

/* an expectation that cannot hold fails with its reason: what was observed last */
static void
test_cannot_hold (void)
{
  const char *json =
    HEAD "\"steps\":[{\"title\":\"down\",\"action\":{\"vm\":\"shutdown\",\"on\":\"$serving\"},"
    "\"expect\":[{\"that\":{\"view\":\"locator\",\"is\":\"$serving\"},\"within\":2,"
    "\"hint\":\"cannot hold\"},"
    "{\"that\":{\"view\":\"locator\",\"is_not\":\"$serving\"},\"within\":2,\"for\":5}]}]}";
  g_autoptr(GError) error = NULL;
  Run run = { 0 };
  const FlExpectationResult *x;

  run_init (&run, json);
  round_of (&run, S (0), FL_STATUS_OK, FL_STATUS_OK, "DC1");
  g_assert_true (fl_grader_bind_roles (run.grader, NULL, NULL, &error));
  fl_grader_begin_step (run.grader, 0, S (1));
  /* at the start the locator still names DC1: the first one passes at once. Make it fail:
   * the second (is_not) must hold within 2 s and keep holding for 5 s */
  assert_grade (run.grader, 0, 0, FL_GRADE_PASSED);
  round_of (&run, S (1.5), FL_STATUS_FAIL, FL_STATUS_OK, "DC2");
  round_of (&run, S (2), FL_STATUS_FAIL, FL_STATUS_OK, "DC2");
  g_assert_false (fl_grader_step_graded (run.grader));
  /* fail-back within the hold: fails, saying after how long and what was seen */
  round_of (&run, S (4), FL_STATUS_OK, FL_STATUS_OK, "DC1");
  assert_grade (run.grader, 0, 1, FL_GRADE_FAILED);
  x = expectation (run.grader, 0, 1);
  if (strstr (x->reason, "DC1") == NULL || strstr (x->reason, "2.5") == NULL)
    g_error ("reason: %s", x->reason);
  fl_grader_end_step (run.grader, FL_GRADE_FAILED, NULL);
  g_assert_cmpint (fl_grader_get_outcome (run.grader), ==, FL_GRADE_FAILED);
  run_clear (&run);

  /* the classic: after the shutdown, "the locator names $serving within 2 s" from a state
   * where it already moved */
  run_init (&run, json);
  round_of (&run, S (0), FL_STATUS_OK, FL_STATUS_OK, "DC1");
  g_assert_true (fl_grader_bind_roles (run.grader, NULL, NULL, &error));
  round_of (&run, S (0.5), FL_STATUS_FAIL, FL_STATUS_OK, "DC2");
  fl_grader_begin_step (run.grader, 0, S (1));
  round_of (&run, S (2), FL_STATUS_FAIL, FL_STATUS_OK, "DC2");
  g_assert_cmpint (expectation (run.grader, 0, 0)->grade, ==, FL_GRADE_PENDING);
  fl_grader_advance (run.grader, S (3.5));
  assert_grade (run.grader, 0, 0, FL_GRADE_FAILED);
  x = expectation (run.grader, 0, 0);
  if (strstr (x->reason, "2.0 s") == NULL || strstr (x->reason, "DC2") == NULL)
    g_error ("reason: %s", x->reason);
  fl_grader_end_step (run.grader, FL_GRADE_FAILED, NULL);
  {
    g_autoptr(JsonNode) node = fl_grader_to_json (run.grader);
    g_autofree char *text = json_to_string (node, FALSE);

    /* the hint goes with a failure */
    g_assert_nonnull (strstr (text, "cannot hold"));
  }
  run_clear (&run);
}

/* the total outage: no DC answers, the locator says ERROR_NO_SUCH_DOMAIN; and a lab that cannot
 * run an exercise says why */
static void
test_outage_and_binding (void)
{
  const char *json =
    HEAD "\"steps\":[{\"title\":\"all down\",\"action\":{\"vm\":\"stop\",\"on\":\"$all\"},"
    "\"expect\":[{\"that\":{\"all\":[{\"no_dc_answers\":true},"
    "{\"check\":\"locator\",\"is\":\"fail\",\"code\":\"ERROR_NO_SUCH_DOMAIN\"},"
    "{\"view\":\"locator\",\"is\":\"none\"},"
    "{\"not\":{\"answers\":\"$serving\"}}]},\"within\":30}]}]}";
  g_autoptr(GError) error = NULL;
  Run run = { 0 };

  run_init (&run, json);
  /* before any locator answer: cannot bind $serving */
  g_assert_false (fl_grader_bind_roles (run.grader, NULL, NULL, &error));
  g_assert_error (error, FL_EXERCISE_ERROR, FL_EXERCISE_ERROR_LAB);
  g_clear_error (&error);

  round_of (&run, S (0), FL_STATUS_OK, FL_STATUS_OK, "DC1");
  g_assert_true (fl_grader_bind_roles (run.grader, NULL, NULL, &error));
  fl_grader_begin_step (run.grader, 0, S (1));
  round_of (&run, S (2), FL_STATUS_TIMEOUT, FL_STATUS_OK, "DC2");
  g_assert_false (fl_grader_step_graded (run.grader));
  round_of (&run, S (3), FL_STATUS_TIMEOUT, FL_STATUS_TIMEOUT, NULL);
  assert_grade (run.grader, 0, 0, FL_GRADE_PASSED);
  run_clear (&run);

  /* $other needs two DCs, $pdc a known holder */
  {
    const char *pdc_json = HEAD "\"steps\":[{\"title\":\"x\",\"action\":{\"vm\":\"stop\",\"on\":\"$pdc\"}}]}";

    run_init (&run, pdc_json);
    round_of (&run, S (0), FL_STATUS_OK, FL_STATUS_OK, "DC1");
    g_assert_false (fl_grader_bind_roles (run.grader, NULL, NULL, &error));
    g_assert_error (error, FL_EXERCISE_ERROR, FL_EXERCISE_ERROR_LAB);
    g_assert_nonnull (strstr (error->message, "PDC"));
    g_clear_error (&error);
    g_assert_true (fl_grader_bind_roles (run.grader, "DC2", NULL, &error));
    g_assert_cmpstr (fl_grader_get_binding (run.grader)->dc[FL_ROLE_PDC], ==, "DC2");
    run_clear (&run);
  }
  {
    g_autoptr(FlExercise) planned = fl_exercise_lookup_builtin ("planned-failover", &error);
    const char *one[] = { "DC1", NULL };
    g_autoptr(FlGrader) grader = fl_grader_new (planned, one);

    g_assert_false (fl_grader_bind_roles (grader, NULL, NULL, &error));
    g_assert_error (error, FL_EXERCISE_ERROR, FL_EXERCISE_ERROR_LAB);
    g_assert_nonnull (strstr (error->message, "at least 2"));
    g_clear_error (&error);
  }
  /* a precondition that does not hold is named, with what is observed */
  {
    g_autofree char *contents = NULL;

    g_assert_true (g_file_get_contents (SRCDIR "/data/exercises/10-planned-failover.json",
                                        &contents, NULL, NULL));
    run_init (&run, contents);
    round_of (&run, S (0), FL_STATUS_OK, FL_STATUS_TIMEOUT, "DC1");
    g_assert_false (fl_grader_bind_roles (run.grader, NULL, NULL, &error));
    g_assert_nonnull (strstr (error->message, "DC1"));
    g_clear_error (&error);
    round_of (&run, S (1), FL_STATUS_OK, FL_STATUS_OK, "DC1");
    add (&run, FL_CHECK_LDAP_PING, "DC2", FL_STATUS_TIMEOUT, S (1.5), NULL, NULL);
    g_assert_false (fl_grader_check_preconditions (run.grader, &error));
    g_assert_error (error, FL_EXERCISE_ERROR, FL_EXERCISE_ERROR_PRECONDITION);
    if (strstr (error->message, "DC2") == NULL)
      g_error ("%s", error->message);
    run_clear (&run);
  }
}

/* an observation made after the limit is too late, even when it holds */
static void
test_too_late (void)
{
  const char *json =
    HEAD "\"steps\":[{\"title\":\"down\",\"action\":{\"vm\":\"stop\",\"on\":\"$serving\"},"
    "\"expect\":[{\"that\":{\"view\":\"locator\",\"is_not\":\"$serving\"},\"within\":2}]}]}";
  g_autoptr(GError) error = NULL;
  Run run = { 0 };

  run_init (&run, json);
  round_of (&run, S (0), FL_STATUS_OK, FL_STATUS_OK, "DC1");
  g_assert_true (fl_grader_bind_roles (run.grader, NULL, NULL, &error));
  fl_grader_begin_step (run.grader, 0, S (1));
  round_of (&run, S (2), FL_STATUS_FAIL, FL_STATUS_OK, "DC1");
  round_of (&run, S (3.5), FL_STATUS_FAIL, FL_STATUS_OK, "DC2");
  assert_grade (run.grader, 0, 0, FL_GRADE_FAILED);
  run_clear (&run);
}

/* abort: the current step and the rest are aborted, what passed stays */
static void
test_abort (void)
{
  const char *json =
    HEAD "\"steps\":[{\"title\":\"a\",\"expect\":[{\"that\":{\"answers\":\"$all\"}}]},"
    "{\"title\":\"b\",\"action\":{\"wait\":30},\"expect\":[{\"that\":{\"no_dc_answers\":true},\"within\":30}]},"
    "{\"title\":\"c\",\"action\":{\"wait\":5}}]}";
  Run run = { 0 };

  run_init (&run, json);
  round_of (&run, S (0), FL_STATUS_OK, FL_STATUS_OK, "DC1");
  fl_grader_begin_step (run.grader, 0, S (0));
  assert_grade (run.grader, 0, 0, FL_GRADE_PASSED);
  fl_grader_end_step (run.grader, FL_GRADE_SKIPPED, NULL);
  fl_grader_begin_step (run.grader, 1, S (1));
  fl_grader_abort (run.grader);
  g_assert_cmpint (fl_grader_get_step_result (run.grader, 0)->grade, ==, FL_GRADE_PASSED);
  g_assert_cmpint (fl_grader_get_step_result (run.grader, 1)->grade, ==, FL_GRADE_ABORTED);
  g_assert_cmpint (fl_grader_get_step_result (run.grader, 2)->grade, ==, FL_GRADE_ABORTED);
  g_assert_cmpint (fl_grader_get_outcome (run.grader), ==, FL_GRADE_ABORTED);
  run_clear (&run);
}

/* a step can run a command on the Windows client; the exercise then needs the client reached
 * through the guest agent, and the hypervisor connected */
static void
test_client_step (void)
{
  static const char text[] = HEAD "\"steps\":[{\"title\":\"Reset\",\"action\":{\"client\":\"sc-reset\"},"
                             "\"expect\":[{\"that\":{\"view\":\"secure_channel\",\"is\":\"$other\"},\"within\":30}]}]}";
  g_autoptr(GError) error = NULL;
  g_autoptr(FlExercise) e = fl_exercise_new_from_data (text, -1, &error);
  g_autoptr(FlLab) lab = fl_lab_new ("lab", "test.local");
  g_autofree char *said = NULL;
  FlExerciseStep *step;

  g_assert_no_error (error);
  step = fl_exercise_get_step (e, 0);
  g_assert_cmpint (step->action.kind, ==, FL_STEP_CLIENT);
  g_assert_cmpint (step->action.client_action, ==, FL_WIN_ACTION_RESET_CHANNEL);
  said = fl_step_action_describe (&step->action);
  g_assert_nonnull (strstr (said, "nltest /sc_reset"));
  g_assert_true (fl_exercise_uses_step_kind (e, FL_STEP_CLIENT));
  g_assert_false (fl_exercise_uses_step_kind (e, FL_STEP_VM));

  /* no client in the lab file: said before it starts */
  g_assert_false (fl_exercise_check_lab (e, lab, TRUE, &error));
  g_assert_nonnull (strstr (error->message, "guest-agent"));
  g_clear_error (&error);
  fl_lab_set_client (lab, "WS01", FL_CLIENT_ACCESS_GUEST_AGENT, "pve1", 201);
  g_assert_false (fl_exercise_check_lab (e, lab, FALSE, &error));
  g_assert_nonnull (strstr (error->message, "hypervisor"));
  g_clear_error (&error);
  g_assert_true (fl_exercise_check_lab (e, lab, TRUE, &error));
  g_assert_no_error (error);
  /* over OpenSSH the client's commands need no hypervisor */
  fl_lab_set_client (lab, "WS01", FL_CLIENT_ACCESS_SSH, NULL, 0);
  fl_lab_set_client_ssh (lab, "ws01.test.local", 22, "teacher", NULL);
  g_assert_true (fl_exercise_check_lab (e, lab, FALSE, &error));
  g_assert_no_error (error);
}

/* the client's secure channel failing: its code names it by symbol, by number or whole */
static void
test_secure_channel_code (void)
{
  const char *codes[] = { "RPC_S_SERVER_UNAVAILABLE", "1722", "1722 RPC_S_SERVER_UNAVAILABLE" };

  for (guint i = 0; i < G_N_ELEMENTS (codes); i++)
    {
      g_autofree char *json = g_strdup_printf (
        HEAD "\"steps\":[{\"title\":\"cable\",\"action\":{\"vm\":\"unplug\",\"on\":\"$serving\"},"
        "\"expect\":[{\"that\":{\"check\":\"secure_channel\",\"is\":\"fail\",\"code\":\"%s\"},\"within\":60}]}]}",
        codes[i]);
      g_autoptr(GError) error = NULL;
      Run run = { 0 };

      run_init (&run, json);
      round_of (&run, S (0), FL_STATUS_OK, FL_STATUS_OK, "DC1");
      g_assert_true (fl_grader_bind_roles (run.grader, NULL, NULL, &error));
      fl_grader_begin_step (run.grader, 0, S (1));
      /* a failure with another code does not do */
      add (&run, FL_CHECK_SECURE_CHANNEL, NULL, FL_STATUS_FAIL, S (2), NULL, "1311 ERROR_NO_LOGON_SERVERS");
      add (&run, FL_CHECK_SECURE_CHANNEL, NULL, FL_STATUS_FAIL, S (3), NULL, "17220 RPC_S_SERVER_UNAVAILABLEX");
      round_of (&run, S (3), FL_STATUS_TIMEOUT, FL_STATUS_OK, "DC2");
      g_assert_false (fl_grader_step_graded (run.grader));
      add (&run, FL_CHECK_SECURE_CHANNEL, NULL, FL_STATUS_FAIL, S (4), NULL, "1722 RPC_S_SERVER_UNAVAILABLE");
      round_of (&run, S (4), FL_STATUS_TIMEOUT, FL_STATUS_OK, "DC2");
      assert_grade (run.grader, 0, 0, FL_GRADE_PASSED);
      run_clear (&run);
    }
}

int
main (int   argc,
      char *argv[])
{
  setlocale (LC_ALL, "C.UTF-8");
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/exercise/builtin", test_builtin);
  g_test_add_func ("/exercise/invalid", test_invalid);
  g_test_add_func ("/exercise/client-step", test_client_step);
  g_test_add_func ("/exercise/grade/secure-channel-code", test_secure_channel_code);
  g_test_add_func ("/exercise/grade/planned-failover", test_planned_failover);
  g_test_add_func ("/exercise/grade/cannot-hold", test_cannot_hold);
  g_test_add_func ("/exercise/grade/outage-and-binding", test_outage_and_binding);
  g_test_add_func ("/exercise/grade/too-late", test_too_late);
  g_test_add_func ("/exercise/grade/abort", test_abort);

  return g_test_run ();
}
