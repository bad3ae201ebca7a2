/* fl-grader.c: one run's grades.
 *
 * An expectation is graded at each observation (a sample's end) and when time moves on:
 * - "within W": it passes at the first observation at which it holds, up to W s after the
 *   step's start (the state at the start counts); it fails when W s pass first (an observation
 *   made after the limit is too late, even when it holds);
 * - "for F" as well: once it holds, it must keep holding at every observation for F s; it fails
 *   at the first observation where it does not, and passes F s after it first held.
 * A failure's reason says which limit was missed and what was observed last.
 *
 * Copyright 2026 The Failover Lab authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "fl-exercise"

#include "config.h"

#include <glib/gi18n-lib.h>

#include "fl-exercise-enums.h"
#include "fl-grader.h"
#include "fl-probe-enums.h"

struct _FlGrader
{
  GObject parent_instance;

  FlExercise    *exercise;
  FlObservation *observation;
  FlRoleBinding  binding;
  GPtrArray     *steps;          /* FlStepResult, one per step */
  int            current;        /* -1 before the first step */
  gint64         now;            /* the latest time seen */
  gboolean       aborted;
};

G_DEFINE_FINAL_TYPE (FlGrader, fl_grader, G_TYPE_OBJECT)

enum { CHANGED, N_SIGNALS };
static guint signals[N_SIGNALS];

static void
expectation_result_free (FlExpectationResult *r)
{
  g_free (r->reason);
  g_free (r);
}

static void
step_result_free (FlStepResult *r)
{
  g_ptr_array_unref (r->expectations);
  for (guint v = 0; v < FL_N_VIEWS; v++)
    g_free (r->switched_to[v]);
  g_free (r->error);
  g_free (r);
}

static void
fl_grader_finalize (GObject *object)
{
  FlGrader *self = FL_GRADER (object);

  g_object_unref (self->exercise);
  fl_observation_free (self->observation);
  fl_role_binding_clear (&self->binding);
  g_ptr_array_unref (self->steps);

  G_OBJECT_CLASS (fl_grader_parent_class)->finalize (object);
}

static void
fl_grader_class_init (FlGraderClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = fl_grader_finalize;

  /**
   * FlGrader::changed:
   * @step: the step whose grades changed
   */
  signals[CHANGED] = g_signal_new ("changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                                   NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_UINT);
}

static void
fl_grader_init (FlGrader *self)
{
  self->steps = g_ptr_array_new_with_free_func ((GDestroyNotify)step_result_free);
  self->current = -1;
  self->now = G_MININT64;
}

/**
 * fl_grader_new:
 * @dcs: the lab's DC names, in the lab's order
 */
FlGrader *
fl_grader_new (FlExercise         *exercise,
               const char * const *dcs)
{
  FlGrader *self;

  g_return_val_if_fail (FL_IS_EXERCISE (exercise), NULL);

  self = g_object_new (FL_TYPE_GRADER, NULL);
  self->exercise = g_object_ref (exercise);
  self->observation = fl_observation_new (dcs);
  for (guint i = 0; i < fl_exercise_get_n_steps (exercise); i++)
    {
      FlExerciseStep *step = fl_exercise_get_step (exercise, i);
      FlStepResult *r = g_new0 (FlStepResult, 1);

      r->grade = FL_GRADE_PENDING;
      r->started = r->ended = -1;
      r->detection_us = -1;
      for (guint v = 0; v < FL_N_VIEWS; v++)
        r->switchover_us[v] = -1;
      r->expectations = g_ptr_array_new_with_free_func ((GDestroyNotify)expectation_result_free);
      for (guint j = 0; j < step->expectations->len; j++)
        {
          FlExpectationResult *e = g_new0 (FlExpectationResult, 1);

          e->grade = FL_GRADE_PENDING;
          e->time_us = e->held_since = -1;
          g_ptr_array_add (r->expectations, e);
        }
      g_ptr_array_add (self->steps, r);
    }
  return self;
}

FlExercise *
fl_grader_get_exercise (FlGrader *self)
{
  g_return_val_if_fail (FL_IS_GRADER (self), NULL);
  return self->exercise;
}

FlObservation *
fl_grader_get_observation (FlGrader *self)
{
  g_return_val_if_fail (FL_IS_GRADER (self), NULL);
  return self->observation;
}

const FlRoleBinding *
fl_grader_get_binding (FlGrader *self)
{
  g_return_val_if_fail (FL_IS_GRADER (self), NULL);
  return &self->binding;
}

int
fl_grader_get_current_step (FlGrader *self)
{
  g_return_val_if_fail (FL_IS_GRADER (self), -1);
  return self->current;
}

const FlStepResult *
fl_grader_get_step_result (FlGrader *self,
                           guint     index)
{
  g_return_val_if_fail (FL_IS_GRADER (self), NULL);
  g_return_val_if_fail (index < self->steps->len, NULL);
  return self->steps->pdata[index];
}

/**
 * fl_grader_bind_roles:
 * @pdc: (nullable): the holder of the PDC emulator role, as the domain's FSMO check found it
 * @client: (nullable): the lab's client VM
 *
 * Decides which DC each role is, from what is observed now: $serving is the DC the locator
 * names, $other the first other DC (in the lab's order) that answers, $pdc the role's holder.
 * Fails, saying what is missing, when the lab cannot run the exercise.
 */
gboolean
fl_grader_bind_roles (FlGrader    *self,
                      const char  *pdc,
                      const char  *client,
                      GError     **error)
{
  guint used = fl_exercise_get_roles_used (self->exercise);
  guint n = fl_observation_get_n_dcs (self->observation);
  guint need = fl_exercise_get_min_dcs (self->exercise);
  const char *serving;
  gboolean known;

  g_return_val_if_fail (FL_IS_GRADER (self), FALSE);

  fl_role_binding_clear (&self->binding);
  if (n < need)
    {
      g_set_error (error, FL_EXERCISE_ERROR, FL_EXERCISE_ERROR_LAB,
                   g_dngettext (GETTEXT_PACKAGE,
                                "this exercise needs at least %u domain controller, and the lab "
                                "has %u",
                                "this exercise needs at least %u domain controllers, and the lab "
                                "has %u", need),
                   need, n);
      return FALSE;
    }

  serving = fl_observation_get_view (self->observation, FL_VIEW_LOCATOR, &known);
  if ((used & ((1u << FL_ROLE_SERVING) | (1u << FL_ROLE_OTHER))) && serving == NULL)
    {
      g_set_error_literal (error, FL_EXERCISE_ERROR, FL_EXERCISE_ERROR_LAB,
                           known ? _("the DC locator finds no domain controller now, so there "
                                     "is no serving DC to start from")
                                 : _("the DC locator has not answered yet"));
      return FALSE;
    }
  self->binding.dc[FL_ROLE_SERVING] = g_strdup (serving);

  if (used & (1u << FL_ROLE_OTHER))
    {
      for (guint i = 0; i < n && self->binding.dc[FL_ROLE_OTHER] == NULL; i++)
        {
          const char *dc = fl_observation_get_dc (self->observation, i);

          if (g_strcmp0 (dc, serving) != 0 && fl_observation_answers (self->observation, dc, &known))
            self->binding.dc[FL_ROLE_OTHER] = g_strdup (dc);
        }
      if (self->binding.dc[FL_ROLE_OTHER] == NULL)
        {
          g_set_error (error, FL_EXERCISE_ERROR, FL_EXERCISE_ERROR_LAB,
                       _("no domain controller other than %s answers, and this exercise needs "
                         "one"), serving);
          return FALSE;
        }
    }

  if (used & (1u << FL_ROLE_PDC))
    {
      if (pdc == NULL)
        {
          g_set_error_literal (error, FL_EXERCISE_ERROR, FL_EXERCISE_ERROR_LAB,
                               _("the holder of the PDC emulator role is not known yet: the FSMO "
                                 "check has not read it (it needs the lab user's credentials and "
                                 "a DC that answers; a DC that has just started may need a "
                                 "minute)"));
          return FALSE;
        }
      self->binding.dc[FL_ROLE_PDC] = g_strdup (pdc);
    }

  if (used & (1u << FL_ROLE_CHANNEL))
    {
      const char *channel = fl_observation_get_view (self->observation, FL_VIEW_SECURE_CHANNEL, &known);

      if (channel == NULL)
        {
          g_set_error_literal (error, FL_EXERCISE_ERROR, FL_EXERCISE_ERROR_LAB,
                               known ? _("the Windows client's secure channel is down now, so there is "
                                         "no channel DC to start from")
                                     : _("the Windows client's secure channel has not been read yet "
                                         "(the lab must reach the client through the guest agent)"));
          return FALSE;
        }
      self->binding.dc[FL_ROLE_CHANNEL] = g_strdup (channel);
    }

  if (used & (1u << FL_ROLE_CLIENT))
    {
      if (client == NULL)
        {
          g_set_error_literal (error, FL_EXERCISE_ERROR, FL_EXERCISE_ERROR_LAB,
                               _("this exercise acts on the client's VM, and the lab file names "
                                 "no client VM"));
          return FALSE;
        }
      self->binding.dc[FL_ROLE_CLIENT] = g_strdup (client);
    }
  return TRUE;
}

static char *
expectation_text (const FlExpectation *e,
                  const FlRoleBinding *binding)
{
  return e->text != NULL ? g_strdup (e->text) : fl_predicate_describe (e->that, binding);
}

/**
 * fl_grader_check_preconditions:
 *
 * Returns: %TRUE when the steady state holds now; else @error names the first condition that
 *   does not, and what is observed
 */
gboolean
fl_grader_check_preconditions (FlGrader  *self,
                               GError   **error)
{
  GPtrArray *preconditions = fl_exercise_get_preconditions (self->exercise);

  g_return_val_if_fail (FL_IS_GRADER (self), FALSE);

  for (guint i = 0; i < preconditions->len; i++)
    {
      FlExpectation *e = preconditions->pdata[i];

      if (!fl_predicate_eval (e->that, self->observation, &self->binding, 0))
        {
          g_autofree char *text = expectation_text (e, &self->binding);
          g_autofree char *seen = fl_predicate_explain (e->that, self->observation,
                                                        &self->binding, 0);

          /* TRANSLATORS: "the lab is not ready: every DC answers (observed: DC2 does not answer)" */
          g_set_error (error, FL_EXERCISE_ERROR, FL_EXERCISE_ERROR_PRECONDITION,
                       _("the lab is not ready: %s (observed: %s)"), text, seen);
          return FALSE;
        }
    }
  return TRUE;
}

static void
fail (FlExpectationResult *r,
      char                *reason)
{
  r->grade = FL_GRADE_FAILED;
  g_free (r->reason);
  r->reason = reason;
}

/* grade the current step's expectations at time @t; @observed: an observation just happened */
static gboolean
grade (FlGrader *self,
       gint64    t,
       gboolean  observed)
{
  FlStepResult *r;
  FlExerciseStep *step;
  gboolean changed = FALSE;

  if (self->current < 0 || self->aborted)
    return FALSE;
  r = self->steps->pdata[self->current];
  if (r->grade != FL_GRADE_PENDING)
    return FALSE;
  step = fl_exercise_get_step (self->exercise, (guint)self->current);

  for (guint j = 0; j < r->expectations->len; j++)
    {
      FlExpectation *e = step->expectations->pdata[j];
      FlExpectationResult *x = r->expectations->pdata[j];
      gint64 deadline = r->started + e->within_us;
      gboolean holds;

      if (x->grade != FL_GRADE_PENDING)
        continue;
      holds = observed && fl_predicate_eval (e->that, self->observation, &self->binding, r->started);

      if (x->held_since < 0)
        {
          /* a moment after the limit is too late, even when it holds */
          if (holds && t <= deadline)
            {
              x->time_us = MAX (0, t - r->started);
              x->held_since = t;
              if (e->for_us == 0)
                x->grade = FL_GRADE_PASSED;
              changed = TRUE;
            }
          else if (t > deadline)
            {
              g_autofree char *seen = fl_predicate_explain (e->that, self->observation,
                                                            &self->binding, r->started);

              /* TRANSLATORS: "not within 10.0 s (observed: the DC locator: DC1)" */
              fail (x, g_strdup_printf (_("not within %.1f s (observed: %s)"),
                                        e->within_us / 1e6, seen));
              changed = TRUE;
            }
        }
      else if (observed && !holds)
        {
          g_autofree char *seen = fl_predicate_explain (e->that, self->observation,
                                                        &self->binding, r->started);

          /* TRANSLATORS: "held for 12.3 s of 30.0 s, then: the DC locator: DC1" */
          fail (x, g_strdup_printf (_("held for %.1f s of %.1f s, then: %s"),
                                    (t - x->held_since) / 1e6, e->for_us / 1e6, seen));
          changed = TRUE;
        }
      else if (t - x->held_since >= e->for_us)
        {
          x->grade = FL_GRADE_PASSED;
          changed = TRUE;
        }
    }
  return changed;
}

static void
emit_changed (FlGrader *self)
{
  g_signal_emit (self, signals[CHANGED], 0, (guint)self->current);
}

void
fl_grader_add_sample (FlGrader *self,
                      FlSample *sample)
{
  gint64 t;

  g_return_if_fail (FL_IS_GRADER (self));

  t = fl_observation_add_sample (self->observation, sample);
  if (t < 0)
    return;
  self->now = MAX (self->now, t);
  if (grade (self, t, TRUE))
    emit_changed (self);
}

void
fl_grader_add_event (FlGrader *self,
                     FlEvent  *event)
{
  FlStepResult *r;

  g_return_if_fail (FL_IS_GRADER (self));

  fl_observation_add_event (self->observation, event);
  if (self->current < 0)
    return;
  r = self->steps->pdata[self->current];
  if (r->started < 0 || fl_event_get_mono_us (event) < r->started)
    return;

  /* the step's fault: its detection and each view's switchover */
  /* measured from the fault (t_fault), as the switchover is */
  if (fl_event_get_kind (event) == FL_EVENT_DETECTED && r->detection_us < 0)
    r->detection_us = fl_event_get_detection_us (event);
  if (fl_event_get_kind (event) == FL_EVENT_SWITCHED)
    {
      int v;

      if (fl_enum_from_nick (FL_TYPE_VIEW, fl_event_get_view (event), &v) && r->switchover_us[v] < 0)
        {
          r->switchover_us[v] = fl_event_get_switchover_us (event);
          r->switched_to[v] = g_strdup (fl_event_get_to (event));
          if (r->detection_us < 0 && fl_event_get_detection_us (event) >= 0)
            r->detection_us = fl_event_get_detection_us (event);
        }
      /* a switchover is an observation too: "switchover(locator) < 5 s" may hold now */
      if (grade (self, fl_event_get_mono_us (event), TRUE))
        emit_changed (self);
    }
}

/**
 * fl_grader_begin_step:
 * @t0: when its action started (monotonic µs): expectation times count from here
 *
 * The state observed at @t0 counts: an expectation that holds already passes at once.
 */
void
fl_grader_begin_step (FlGrader *self,
                      guint     index,
                      gint64    t0)
{
  FlStepResult *r;

  g_return_if_fail (FL_IS_GRADER (self));
  g_return_if_fail (index < self->steps->len);

  self->current = (int)index;
  r = self->steps->pdata[index];
  r->started = t0;
  self->now = MAX (self->now, t0);
  grade (self, t0, TRUE);
  emit_changed (self);
}

/**
 * fl_grader_advance:
 * @now: the time every sample up to which has been added (monotonic µs)
 *
 * Grades what time alone decides: limits that passed, holds that lasted.
 */
void
fl_grader_advance (FlGrader *self,
                   gint64    now)
{
  g_return_if_fail (FL_IS_GRADER (self));

  self->now = MAX (self->now, now);
  if (grade (self, now, FALSE))
    emit_changed (self);
}

/**
 * fl_grader_step_graded:
 *
 * Returns: %TRUE when every expectation of the current step has its grade
 */
gboolean
fl_grader_step_graded (FlGrader *self)
{
  FlStepResult *r;

  g_return_val_if_fail (FL_IS_GRADER (self), FALSE);
  if (self->current < 0)
    return FALSE;
  r = self->steps->pdata[self->current];
  for (guint j = 0; j < r->expectations->len; j++)
    if (((FlExpectationResult *)r->expectations->pdata[j])->grade == FL_GRADE_PENDING)
      return FALSE;
  return TRUE;
}

/**
 * fl_grader_end_step:
 * @rest: the grade of expectations still pending (skipped, aborted, failed)
 * @error: (nullable): the step's action failed: why (the step fails)
 *
 * Ends the current step at the latest time the grader has seen.
 */
void
fl_grader_end_step (FlGrader   *self,
                    FlGrade     rest,
                    const char *error)
{
  g_return_if_fail (FL_IS_GRADER (self));
  fl_grader_end_step_at (self, rest, error, self->now);
}

/**
 * fl_grader_end_step_at:
 * @t_end: when the step ended (monotonic µs): its duration runs from its start to here
 */
void
fl_grader_end_step_at (FlGrader   *self,
                       FlGrade     rest,
                       const char *error,
                       gint64      t_end)
{
  FlStepResult *r;
  FlGrade grade = FL_GRADE_PASSED;

  g_return_if_fail (FL_IS_GRADER (self));
  g_return_if_fail (self->current >= 0);

  r = self->steps->pdata[self->current];
  for (guint j = 0; j < r->expectations->len; j++)
    {
      FlExpectationResult *x = r->expectations->pdata[j];

      if (x->grade == FL_GRADE_PENDING)
        {
          x->grade = rest;
          if (rest == FL_GRADE_FAILED && x->reason == NULL)
            x->reason = g_strdup (error != NULL ? error : _("the step ended first"));
        }
      if (x->grade == FL_GRADE_FAILED)
        grade = FL_GRADE_FAILED;
      else if (x->grade != FL_GRADE_PASSED && grade == FL_GRADE_PASSED)
        grade = x->grade;
    }
  if (error != NULL)
    {
      g_free (r->error);
      r->error = g_strdup (error);
      grade = FL_GRADE_FAILED;
    }
  if (r->expectations->len == 0 && rest != FL_GRADE_PASSED && rest != FL_GRADE_FAILED &&
      error == NULL)
    grade = rest;
  r->grade = grade;
  r->ended = MAX (t_end, r->started);
  g_signal_emit (self, signals[CHANGED], 0, (guint)self->current);
}

/**
 * fl_grader_close:
 * @grade: what the steps that never started get (skipped after a failure)
 */
void
fl_grader_close (FlGrader *self,
                 FlGrade   grade)
{
  g_return_if_fail (FL_IS_GRADER (self));

  for (guint i = 0; i < self->steps->len; i++)
    {
      FlStepResult *r = self->steps->pdata[i];

      if (r->grade != FL_GRADE_PENDING || r->started >= 0)
        continue;
      r->grade = grade;
      for (guint j = 0; j < r->expectations->len; j++)
        ((FlExpectationResult *)r->expectations->pdata[j])->grade = grade;
    }
}

/**
 * fl_grader_abort:
 *
 * The current step and every step after it are aborted; what was graded stays.
 */
void
fl_grader_abort (FlGrader *self)
{
  g_return_if_fail (FL_IS_GRADER (self));
  fl_grader_abort_at (self, self->now);
}

/**
 * fl_grader_abort_at:
 * @t_end: when the run was aborted (monotonic µs): the current step ends there
 */
void
fl_grader_abort_at (FlGrader *self,
                    gint64    t_end)
{
  g_return_if_fail (FL_IS_GRADER (self));

  if (self->current >= 0 &&
      ((FlStepResult *)self->steps->pdata[self->current])->grade == FL_GRADE_PENDING)
    fl_grader_end_step_at (self, FL_GRADE_ABORTED, NULL, t_end);
  self->aborted = TRUE;
  for (guint i = 0; i < self->steps->len; i++)
    {
      FlStepResult *r = self->steps->pdata[i];

      if (r->grade == FL_GRADE_PENDING)
        r->grade = FL_GRADE_ABORTED;
    }
}

/**
 * fl_grader_get_outcome:
 *
 * Returns: aborted, failed (a step failed), passed (every step passed or was skipped by
 *   hand), or pending
 */
FlGrade
fl_grader_get_outcome (FlGrader *self)
{
  gboolean pending = FALSE, failed = FALSE;

  g_return_val_if_fail (FL_IS_GRADER (self), FL_GRADE_PENDING);

  if (self->aborted)
    return FL_GRADE_ABORTED;
  for (guint i = 0; i < self->steps->len; i++)
    {
      FlStepResult *r = self->steps->pdata[i];

      failed |= r->grade == FL_GRADE_FAILED || r->grade == FL_GRADE_ABORTED;
      pending |= r->grade == FL_GRADE_PENDING;
    }
  return failed ? FL_GRADE_FAILED : pending ? FL_GRADE_PENDING : FL_GRADE_PASSED;
}

/* a duration as whole milliseconds (null: none): integers read back exactly */
static void
add_ms (JsonBuilder *b,
        const char  *key,
        gint64       us)
{
  json_builder_set_member_name (b, key);
  if (us < 0)
    json_builder_add_null_value (b);
  else
    json_builder_add_int_value (b, (us + 500) / 1000);
}

/**
 * fl_grader_to_json:
 *
 * Returns: (transfer full): the result: the outcome, the roles, and each step's grade,
 *   measurements and expectations (times in whole milliseconds, null when none)
 */
JsonNode *
fl_grader_to_json (FlGrader *self)
{
  /* mutable: the recorder and failoverctl add their own members */
  g_autoptr(JsonBuilder) b = json_builder_new ();

  g_return_val_if_fail (FL_IS_GRADER (self), NULL);

  json_builder_begin_object (b);
  json_builder_set_member_name (b, "exercise");
  json_builder_add_string_value (b, fl_exercise_get_id (self->exercise));
  json_builder_set_member_name (b, "outcome");
  json_builder_add_string_value (b, fl_enum_to_nick (FL_TYPE_GRADE, fl_grader_get_outcome (self)));
  json_builder_set_member_name (b, "roles");
  json_builder_begin_object (b);
  for (guint r = 0; r < FL_N_ROLES; r++)
    if (self->binding.dc[r] != NULL)
      {
        json_builder_set_member_name (b, fl_enum_to_nick (FL_TYPE_ROLE, r));
        json_builder_add_string_value (b, self->binding.dc[r]);
      }
  json_builder_end_object (b);

  json_builder_set_member_name (b, "steps");
  json_builder_begin_array (b);
  for (guint i = 0; i < self->steps->len; i++)
    {
      FlStepResult *r = self->steps->pdata[i];
      FlExerciseStep *step = fl_exercise_get_step (self->exercise, i);

      json_builder_begin_object (b);
      json_builder_set_member_name (b, "title");
      json_builder_add_string_value (b, step->title);
      json_builder_set_member_name (b, "grade");
      json_builder_add_string_value (b, fl_enum_to_nick (FL_TYPE_GRADE, r->grade));
      if (r->error != NULL)
        {
          json_builder_set_member_name (b, "error");
          json_builder_add_string_value (b, r->error);
        }
      add_ms (b, "duration_ms", r->started >= 0 && r->ended >= r->started ? r->ended - r->started : -1);
      add_ms (b, "detection_ms", r->detection_us);
      json_builder_set_member_name (b, "switchover_ms");
      json_builder_begin_object (b);
      for (guint v = 0; v < FL_N_VIEWS; v++)
        add_ms (b, fl_enum_to_nick (FL_TYPE_VIEW, v), r->switchover_us[v]);
      json_builder_end_object (b);

      json_builder_set_member_name (b, "expect");
      json_builder_begin_array (b);
      for (guint j = 0; j < r->expectations->len; j++)
        {
          FlExpectationResult *x = r->expectations->pdata[j];
          FlExpectation *e = step->expectations->pdata[j];
          g_autofree char *text = expectation_text (e, &self->binding);

          json_builder_begin_object (b);
          json_builder_set_member_name (b, "text");
          json_builder_add_string_value (b, text);
          json_builder_set_member_name (b, "grade");
          json_builder_add_string_value (b, fl_enum_to_nick (FL_TYPE_GRADE, x->grade));
          add_ms (b, "time_ms", x->grade == FL_GRADE_PASSED ? x->time_us : -1);
          if (x->reason != NULL)
            {
              json_builder_set_member_name (b, "reason");
              json_builder_add_string_value (b, x->reason);
            }
          if (x->grade == FL_GRADE_FAILED && e->hint != NULL)
            {
              json_builder_set_member_name (b, "hint");
              json_builder_add_string_value (b, e->hint);
            }
          json_builder_end_object (b);
        }
      json_builder_end_array (b);
      json_builder_end_object (b);
    }
  json_builder_end_array (b);
  json_builder_end_object (b);
  return json_builder_get_root (b);
}
