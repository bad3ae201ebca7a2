/* fuzz-exercise.c: libFuzzer target for the exercise loader, and the evaluator and grader over
 * whatever loads
 *
 * Copyright 2026 The Failover Lab authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "fl-grader.h"
#include "fl-test-sample.h"
#include "fuzz.h"

static void
feed (FlGrader   *grader,
      FlCheckKind kind,
      const char *dc,
      FlStatus    status,
      gint64      t,
      const char *server)
{
  g_autoptr(FlSample) sample = fl_test_sample_new (kind, dc, status, t, t, 1000, server, NULL);

  fl_grader_add_sample (grader, sample);
}

int
LLVMFuzzerTestOneInput (const unsigned char *data,
                        size_t               size)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(FlExercise) exercise = NULL;
  g_autoptr(FlGrader) grader = NULL;
  g_autoptr(JsonNode) result = NULL;
  const char *dcs[] = { "DC1", "DC2", NULL };

  fuzz_set_logging_func ();

  exercise = fl_exercise_new_from_data ((const char *)data, size, &error);
  g_assert ((exercise == NULL) != (error == NULL));
  if (exercise == NULL)
    return 0;

  /* whatever loads is described and graded without a crash */
  grader = fl_grader_new (exercise, dcs);
  for (guint i = 0; i < FL_N_CHECKS; i++)
    {
      feed (grader, i, i < FL_N_DC_CHECKS ? "DC1" : NULL, FL_STATUS_OK, 1000 * i, "DC1");
      feed (grader, i, i < FL_N_DC_CHECKS ? "DC2" : NULL, FL_STATUS_TIMEOUT, 1000 * i, NULL);
    }
  (void)fl_grader_bind_roles (grader, "DC1", "CLIENT", NULL);
  (void)fl_grader_check_preconditions (grader, NULL);
  for (guint i = 0; i < fl_exercise_get_n_steps (exercise); i++)
    {
      FlExerciseStep *step = fl_exercise_get_step (exercise, i);
      g_autofree char *action = fl_step_action_describe (&step->action);

      g_assert (g_utf8_validate (action, -1, NULL));

      fl_grader_begin_step (grader, i, G_USEC_PER_SEC * (i + 1));
      for (guint j = 0; j < step->expectations->len; j++)
        {
          FlExpectation *e = step->expectations->pdata[j];
          g_autofree char *text = fl_predicate_describe (e->that, fl_grader_get_binding (grader));
          g_autofree char *seen = fl_predicate_explain (e->that, fl_grader_get_observation (grader),
                                                        fl_grader_get_binding (grader), 0);

          g_assert (g_utf8_validate (text, -1, NULL) && g_utf8_validate (seen, -1, NULL));
        }
      feed (grader, FL_CHECK_LOCATOR, NULL, FL_STATUS_OK, G_USEC_PER_SEC * (i + 1) + 500, "DC2");
      fl_grader_advance (grader, G_USEC_PER_SEC * (i + 2));
      fl_grader_end_step (grader, FL_GRADE_SKIPPED, NULL);
    }
  result = fl_grader_to_json (grader);
  return 0;
}
