/* fl-exercise-pane.c: renders an exercise run (FlExerciseRunner and its FlGrader); decides
 * nothing: the grades, the steps and what the buttons may do come from the runner.
 *
 * Copyright 2026 The Failover Lab authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "fl-exercise-pane"

#include "config.h"

#include <glib/gi18n.h>

#include "fl-exercise-enums.h"
#include "fl-exercise-pane.h"

struct _FlExercisePane
{
  AdwBin parent_instance;

  GtkLabel        *title_label;
  GtkLabel        *outcome_label;
  GtkBox          *now_box;
  GtkLabel        *step_label;
  GtkLabel        *instruction_label;
  GtkLabel        *explanation_label;
  GtkButton       *done_button;
  GtkToggleButton *pause_button;
  GtkListBox      *checklist;
  GtkWidget       *buttons;

  FlExerciseRunner *runner;
  FlGrader         *grader;
  FlRecordedRun    *recorded;     /* a run as a recording tells it: no runner, no grader */
  int               current;      /* without a runner: the step to show as current */
  gulong            changed_handler;
  gulong            state_handler;
  gulong            step_handler;
};

G_DEFINE_FINAL_TYPE (FlExercisePane, fl_exercise_pane, ADW_TYPE_BIN)

static void update (FlExercisePane *self);

static void
disconnect (FlExercisePane *self)
{
  if (self->grader != NULL)
    g_clear_signal_handler (&self->changed_handler, self->grader);
  if (self->runner != NULL)
    {
      g_clear_signal_handler (&self->state_handler, self->runner);
      g_clear_signal_handler (&self->step_handler, self->runner);
    }
  g_clear_object (&self->grader);
  g_clear_object (&self->runner);
  g_clear_pointer (&self->recorded, fl_recorded_run_free);
}

static void
fl_exercise_pane_dispose (GObject *object)
{
  FlExercisePane *self = FL_EXERCISE_PANE (object);

  disconnect (self);
  gtk_widget_dispose_template (GTK_WIDGET (self), FL_TYPE_EXERCISE_PANE);

  G_OBJECT_CLASS (fl_exercise_pane_parent_class)->dispose (object);
}

static void
action_done (GtkWidget  *widget,
             const char *name,
             GVariant   *param)
{
  FlExercisePane *self = FL_EXERCISE_PANE (widget);

  if (self->runner != NULL)
    fl_exercise_runner_confirm (self->runner);
}

/* a toggle with an action would only show the action's state: this one is its own switch */
static void
on_pause_toggled (GtkToggleButton *button,
                  FlExercisePane  *self)
{
  if (self->runner == NULL)
    return;
  if (gtk_toggle_button_get_active (button))
    fl_exercise_runner_pause (self->runner);
  else
    fl_exercise_runner_resume (self->runner);
  update (self);
}

static void
action_skip (GtkWidget  *widget,
             const char *name,
             GVariant   *param)
{
  FlExercisePane *self = FL_EXERCISE_PANE (widget);

  if (self->runner != NULL)
    fl_exercise_runner_skip (self->runner);
}

static void
action_abort (GtkWidget  *widget,
              const char *name,
              GVariant   *param)
{
  FlExercisePane *self = FL_EXERCISE_PANE (widget);

  if (self->runner != NULL)
    fl_exercise_runner_abort (self->runner);
}

static void
fl_exercise_pane_class_init (FlExercisePaneClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = fl_exercise_pane_dispose;

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/failoverlab/FailoverLab/ui/fl-exercise-pane.ui");
  gtk_widget_class_bind_template_child (widget_class, FlExercisePane, title_label);
  gtk_widget_class_bind_template_child (widget_class, FlExercisePane, outcome_label);
  gtk_widget_class_bind_template_child (widget_class, FlExercisePane, now_box);
  gtk_widget_class_bind_template_child (widget_class, FlExercisePane, step_label);
  gtk_widget_class_bind_template_child (widget_class, FlExercisePane, instruction_label);
  gtk_widget_class_bind_template_child (widget_class, FlExercisePane, explanation_label);
  gtk_widget_class_bind_template_child (widget_class, FlExercisePane, done_button);
  gtk_widget_class_bind_template_child (widget_class, FlExercisePane, pause_button);
  gtk_widget_class_bind_template_child (widget_class, FlExercisePane, checklist);
  gtk_widget_class_bind_template_child (widget_class, FlExercisePane, buttons);

  gtk_widget_class_install_action (widget_class, "exercise.done", NULL, action_done);
  gtk_widget_class_bind_template_callback (widget_class, on_pause_toggled);
  gtk_widget_class_install_action (widget_class, "exercise.skip", NULL, action_skip);
  gtk_widget_class_install_action (widget_class, "exercise.abort", NULL, action_abort);

  gtk_widget_class_set_css_name (widget_class, "exercisepane");
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_GROUP);
}

static void
fl_exercise_pane_init (FlExercisePane *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  self->current = -1;
  update (self);
}

GtkWidget *
fl_exercise_pane_new (void)
{
  return g_object_new (FL_TYPE_EXERCISE_PANE, NULL);
}

/* ------------------------------------------------------------------------------------------ */
/* rendering */

static const char *
grade_icon (FlGrade grade)
{
  switch (grade)
    {
    case FL_GRADE_PASSED:
      return "emblem-ok-symbolic";
    case FL_GRADE_FAILED:
      return "dialog-error-symbolic";
    case FL_GRADE_SKIPPED:
    case FL_GRADE_ABORTED:
      return "action-unavailable-symbolic";
    case FL_GRADE_PENDING:
    default:
      return "content-loading-symbolic";
    }
}

/* never by colour alone: an icon and a word */
static const char *
grade_label (FlGrade grade)
{
  switch (grade)
    {
    case FL_GRADE_PASSED:
      return C_("grade", "Passed");
    case FL_GRADE_FAILED:
      return C_("grade", "Failed");
    case FL_GRADE_SKIPPED:
      return C_("grade", "Skipped");
    case FL_GRADE_ABORTED:
      return C_("grade", "Aborted");
    case FL_GRADE_PENDING:
    default:
      return C_("grade", "Pending");
    }
}

static const char *
grade_class (FlGrade grade)
{
  return grade == FL_GRADE_PASSED ? "success" : grade == FL_GRADE_FAILED ? "error" : "dim-label";
}

/* what is known of an expectation's grade: when it held, or why it failed and what to do */
static char *
graded_detail (FlGrade     grade,
               gint64      time_us,
               const char *reason,
               const char *hint)
{
  if (grade == FL_GRADE_PASSED && time_us >= 0)
    /* TRANSLATORS: when an expectation held, from its step's start: "after 1.3 s" */
    return g_strdup_printf (_("after %.1f s"), time_us / 1e6);
  if (grade == FL_GRADE_FAILED && reason != NULL && hint != NULL)
    return g_strdup_printf ("%s\n%s", reason, hint);
  if (grade == FL_GRADE_FAILED && reason != NULL)
    return g_strdup (reason);
  return NULL;
}

static GtkWidget *
expectation_row (const char *text,
                 FlGrade     grade,
                 const char *detail)
{
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 8);
  GtkWidget *icon = gtk_image_new_from_icon_name (grade_icon (grade));
  GtkWidget *texts = gtk_box_new (GTK_ORIENTATION_VERTICAL, 2);
  GtkWidget *label;

  gtk_widget_add_css_class (box, "expectation");
  gtk_widget_add_css_class (icon, grade_class (grade));
  gtk_widget_set_valign (icon, GTK_ALIGN_START);
  gtk_accessible_update_property (GTK_ACCESSIBLE (icon), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  grade_label (grade), -1);
  gtk_box_append (GTK_BOX (box), icon);

  label = gtk_label_new (text);   /* plain text: never markup from a file */
  gtk_label_set_wrap (GTK_LABEL (label), TRUE);
  gtk_label_set_xalign (GTK_LABEL (label), 0);
  gtk_box_append (GTK_BOX (texts), label);
  if (detail != NULL)
    {
      GtkWidget *small = gtk_label_new (detail);

      gtk_label_set_wrap (GTK_LABEL (small), TRUE);
      gtk_label_set_xalign (GTK_LABEL (small), 0);
      gtk_widget_add_css_class (small, "caption");
      gtk_widget_add_css_class (small, grade == FL_GRADE_FAILED ? "error" : "dim-label");
      gtk_box_append (GTK_BOX (texts), small);
    }
  gtk_widget_set_hexpand (texts, TRUE);
  gtk_box_append (GTK_BOX (box), texts);
  return box;
}

static GtkWidget *
graded_expectation_row (const FlExpectation       *e,
                        const FlExpectationResult *x,
                        const FlRoleBinding       *binding)
{
  g_autofree char *text = e->text ? g_strdup (e->text) : fl_predicate_describe (e->that, binding);
  g_autofree char *detail = graded_detail (x->grade, x->time_us, x->reason, e->hint);

  if (detail == NULL && x->grade == FL_GRADE_PENDING && e->for_us > 0)
    /* TRANSLATORS: an expectation's limits: "within 10 s, then for 30 s" */
    detail = g_strdup_printf (_("within %g s, then for %g s"), e->within_us / 1e6, e->for_us / 1e6);
  else if (detail == NULL && x->grade == FL_GRADE_PENDING)
    detail = g_strdup_printf (_("within %g s"), e->within_us / 1e6);
  return expectation_row (text, x->grade, detail);
}

/* a step's row: its title, its grade, the error of its action; @box_out takes the
 * expectations */
static GtkWidget *
step_row (guint        index,
          const char  *step_title,
          FlGrade      grade,
          const char  *error_text,
          gboolean     current,
          GtkBox     **box_out)
{
  GtkWidget *row = gtk_list_box_row_new ();
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 6);
  GtkWidget *head = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 8);
  g_autofree char *title = g_strdup_printf ("%u. %s", index + 1, step_title);
  GtkWidget *label = gtk_label_new (title);

  gtk_widget_add_css_class (box, "exercise-step");
  if (current)
    gtk_widget_add_css_class (box, "current");
  gtk_label_set_wrap (GTK_LABEL (label), TRUE);
  gtk_label_set_xalign (GTK_LABEL (label), 0);
  gtk_widget_set_hexpand (label, TRUE);
  gtk_widget_add_css_class (label, "heading");
  gtk_box_append (GTK_BOX (head), label);
  if (grade != FL_GRADE_PENDING || current)
    {
      GtkWidget *state = gtk_label_new (grade_label (grade));

      gtk_widget_add_css_class (state, "caption");
      gtk_widget_add_css_class (state, grade_class (grade));
      gtk_box_append (GTK_BOX (head), state);
    }
  gtk_box_append (GTK_BOX (box), head);

  if (error_text != NULL)
    {
      GtkWidget *error = gtk_label_new (error_text);

      gtk_label_set_wrap (GTK_LABEL (error), TRUE);
      gtk_label_set_xalign (GTK_LABEL (error), 0);
      gtk_widget_add_css_class (error, "error");
      gtk_box_append (GTK_BOX (box), error);
    }
  gtk_list_box_row_set_child (GTK_LIST_BOX_ROW (row), box);
  gtk_list_box_row_set_activatable (GTK_LIST_BOX_ROW (row), FALSE);
  *box_out = GTK_BOX (box);
  return row;
}

static GtkWidget *
graded_step_row (FlExercise *exercise,
                 FlGrader   *grader,
                 guint       index,
                 gboolean    current)
{
  FlExerciseStep *step = fl_exercise_get_step (exercise, index);
  const FlStepResult *r = fl_grader_get_step_result (grader, index);
  const FlRoleBinding *binding = fl_grader_get_binding (grader);
  GtkBox *box;
  GtkWidget *row = step_row (index, step->title, r->grade, r->error, current, &box);

  for (guint j = 0; j < r->expectations->len; j++)
    gtk_box_append (box, graded_expectation_row (step->expectations->pdata[j],
                                                 r->expectations->pdata[j], binding));
  return row;
}

static GtkWidget *
recorded_step_row (const FlRecordedStep *step,
                   guint                 index,
                   gboolean              current)
{
  GtkBox *box;
  GtkWidget *row = step_row (index, step->title, step->grade, step->error, current, &box);

  for (guint j = 0; j < step->expect->len; j++)
    {
      const FlRecordedExpectation *x = step->expect->pdata[j];
      g_autofree char *detail = graded_detail (x->grade, x->time_us, x->reason, x->hint);

      gtk_box_append (box, expectation_row (x->text, x->grade, detail));
    }
  return row;
}

static const char *
outcome_text (FlGrade grade)
{
  switch (grade)
    {
    case FL_GRADE_PASSED:
      return C_("exercise outcome", "Passed");
    case FL_GRADE_FAILED:
      return C_("exercise outcome", "Failed");
    case FL_GRADE_ABORTED:
      return C_("exercise outcome", "Aborted");
    case FL_GRADE_PENDING:
    case FL_GRADE_SKIPPED:
    default:
      return NULL;
    }
}

static void
show_outcome (FlExercisePane *self,
              FlGrade         outcome,
              gboolean        finished)
{
  const char *text = finished ? outcome_text (outcome) : NULL;

  gtk_widget_set_visible (GTK_WIDGET (self->outcome_label), text != NULL);
  gtk_label_set_text (self->outcome_label, text ? text : "");
  gtk_widget_remove_css_class (GTK_WIDGET (self->outcome_label), "success");
  gtk_widget_remove_css_class (GTK_WIDGET (self->outcome_label), "error");
  if (text != NULL)
    gtk_widget_add_css_class (GTK_WIDGET (self->outcome_label),
                              outcome == FL_GRADE_PASSED ? "success" : "error");
}

/* a recorded run: its checklist as it stood, read-only */
static void
update_recorded (FlExercisePane *self)
{
  const FlRecordedRun *run = self->recorded;

  gtk_widget_set_sensitive (GTK_WIDGET (self->pause_button), FALSE);
  gtk_widget_set_visible (GTK_WIDGET (self->done_button), FALSE);
  gtk_label_set_text (self->title_label, run->title);
  show_outcome (self, run->outcome, run->finished);
  gtk_widget_set_visible (GTK_WIDGET (self->now_box), TRUE);
  if (run->current >= 0)
    {
      const FlRecordedStep *step = run->steps->pdata[run->current];
      g_autofree char *where = g_strdup_printf (_("Step %d of %u"), run->current + 1, run->steps->len);

      gtk_label_set_text (self->step_label, where);
      gtk_label_set_text (self->instruction_label, step->title);
    }
  else
    {
      gtk_label_set_text (self->step_label, run->finished ? _("Finished") : _("Getting ready"));
      gtk_label_set_text (self->instruction_label, run->title);
    }
  gtk_label_set_text (self->explanation_label, "");
  for (guint i = 0; i < run->steps->len; i++)
    gtk_list_box_append (self->checklist,
                         recorded_step_row (run->steps->pdata[i], i, (int)i == run->current));
}

static void
update (FlExercisePane *self)
{
  FlExercise *exercise = self->grader ? fl_grader_get_exercise (self->grader) : NULL;
  FlRunState state = self->runner ? fl_exercise_runner_get_state (self->runner) : FL_RUN_IDLE;
  int current = self->runner ? fl_exercise_runner_get_step (self->runner) : self->current;
  gboolean live = self->runner != NULL && state != FL_RUN_FINISHED && state != FL_RUN_IDLE;
  GtkWidget *child;

  gtk_widget_action_set_enabled (GTK_WIDGET (self), "exercise.done", state == FL_RUN_WAITING_DONE);
  gtk_widget_set_sensitive (GTK_WIDGET (self->pause_button),
                            live && state != FL_RUN_ROLLING_BACK && state != FL_RUN_SETTLING);
  g_signal_handlers_block_by_func (self->pause_button, on_pause_toggled, self);
  gtk_toggle_button_set_active (self->pause_button,
                                self->runner != NULL && fl_exercise_runner_get_paused (self->runner));
  g_signal_handlers_unblock_by_func (self->pause_button, on_pause_toggled, self);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "exercise.skip",
                                 state == FL_RUN_OBSERVING || state == FL_RUN_WAITING_DONE);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "exercise.abort",
                                 live && state != FL_RUN_ROLLING_BACK);
  gtk_widget_set_visible (GTK_WIDGET (self->done_button), state == FL_RUN_WAITING_DONE);
  /* a recording is history: nothing to pause, skip or abort */
  gtk_widget_set_visible (self->buttons, self->recorded == NULL);

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->checklist))))
    gtk_list_box_remove (self->checklist, child);
  if (self->recorded != NULL)
    {
      update_recorded (self);
      return;
    }
  if (exercise == NULL)
    {
      gtk_label_set_text (self->title_label, "");
      gtk_widget_set_visible (GTK_WIDGET (self->now_box), FALSE);
      return;
    }

  gtk_label_set_text (self->title_label, fl_exercise_get_title (exercise));
  show_outcome (self, fl_grader_get_outcome (self->grader), state == FL_RUN_FINISHED || self->runner == NULL);

  /* what happens now, in large type */
  gtk_widget_set_visible (GTK_WIDGET (self->now_box), TRUE);
  if (state == FL_RUN_SETTLING)
    {
      gtk_label_set_text (self->step_label, _("Getting ready"));
      gtk_label_set_text (self->instruction_label, _("Waiting for every DC to answer…"));
      gtk_label_set_text (self->explanation_label, fl_exercise_get_description (exercise));
    }
  else if (state == FL_RUN_ROLLING_BACK)
    {
      gtk_label_set_text (self->step_label, _("Giving the lab back"));
      gtk_label_set_text (self->instruction_label, _("Starting stopped DCs and plugging cables…"));
      gtk_label_set_text (self->explanation_label, _("The exercise ends when every DC answers again."));
    }
  else if (current >= 0 && (guint)current < fl_exercise_get_n_steps (exercise) &&
           state != FL_RUN_FINISHED)
    {
      FlExerciseStep *step = fl_exercise_get_step (exercise, (guint)current);
      /* TRANSLATORS: "Step 2 of 3" */
      g_autofree char *where = g_strdup_printf (_("Step %d of %u"), current + 1,
                                                fl_exercise_get_n_steps (exercise));
      g_autofree char *action = step->action.kind == FL_STEP_INSTRUCT ? g_strdup (step->action.text)
                                                                      : g_strdup (step->title);

      if (state == FL_RUN_PAUSED)
        {
          g_autofree char *paused = g_strdup_printf (_("%s — paused"), where);

          gtk_label_set_text (self->step_label, paused);
        }
      else
        gtk_label_set_text (self->step_label, where);
      gtk_label_set_text (self->instruction_label, action);
      gtk_label_set_text (self->explanation_label, step->explanation ? step->explanation : "");
    }
  else
    {
      gtk_label_set_text (self->step_label, state == FL_RUN_FINISHED ? _("Finished") : _("Ready"));
      gtk_label_set_text (self->instruction_label, fl_exercise_get_title (exercise));
      gtk_label_set_text (self->explanation_label, fl_exercise_get_description (exercise));
    }

  for (guint i = 0; i < fl_exercise_get_n_steps (exercise); i++)
    gtk_list_box_append (self->checklist,
                         graded_step_row (exercise, self->grader, i, (int)i == current && state != FL_RUN_FINISHED));
}

static void
on_changed (FlGrader       *grader,
            guint           step,
            FlExercisePane *self)
{
  update (self);
}

static void
on_runner_notify (FlExerciseRunner *runner,
                  GParamSpec       *pspec,
                  FlExercisePane   *self)
{
  update (self);
}

/**
 * fl_exercise_pane_set_grader:
 * @current_step: the step to show as current (-1: none)
 *
 * Shows a grader without a run (a recording, a finished run): no button acts.
 */
void
fl_exercise_pane_set_grader (FlExercisePane *self,
                             FlGrader       *grader,
                             int             current_step)
{
  g_return_if_fail (FL_IS_EXERCISE_PANE (self));

  disconnect (self);
  if (grader != NULL)
    {
      self->grader = g_object_ref (grader);
      self->changed_handler = g_signal_connect (grader, "changed", G_CALLBACK (on_changed), self);
    }
  self->current = current_step;
  update (self);
}

/**
 * fl_exercise_pane_set_runner:
 * @runner: (nullable): the run to show and drive
 */
void
fl_exercise_pane_set_runner (FlExercisePane   *self,
                             FlExerciseRunner *runner)
{
  g_return_if_fail (FL_IS_EXERCISE_PANE (self));

  disconnect (self);
  if (runner != NULL)
    {
      self->runner = g_object_ref (runner);
      self->grader = g_object_ref (fl_exercise_runner_get_grader (runner));
      self->changed_handler = g_signal_connect (self->grader, "changed", G_CALLBACK (on_changed), self);
      self->state_handler = g_signal_connect (runner, "notify::state", G_CALLBACK (on_runner_notify), self);
      self->step_handler = g_signal_connect (runner, "notify::step", G_CALLBACK (on_runner_notify), self);
    }
  update (self);
}

/**
 * fl_exercise_pane_set_recorded:
 * @run: (transfer full) (nullable): a run as a recording tells it
 *
 * Shows a recorded run's checklist as it stood: no button acts.
 */
void
fl_exercise_pane_set_recorded (FlExercisePane *self,
                               FlRecordedRun  *run)
{
  g_return_if_fail (FL_IS_EXERCISE_PANE (self));

  disconnect (self);
  self->recorded = run;
  update (self);
}

FlExerciseRunner *
fl_exercise_pane_get_runner (FlExercisePane *self)
{
  g_return_val_if_fail (FL_IS_EXERCISE_PANE (self), NULL);
  return self->runner;
}
