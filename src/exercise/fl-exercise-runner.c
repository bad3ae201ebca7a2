/* fl-exercise-runner.c: one run of an exercise on a running lab session.
 *
 * Settle (every DC and the locator have answered at least once) → bind the roles → check the
 * preconditions → each step: its action (VM actions through the session: its interlocks, its
 * per-lab lock, the fault it marks), then its expectations graded from the session's samples
 * and events until each has its grade → the outcome. A failed step or an abort runs the
 * exercise's rollback (start every stopped DC, plug every cable), then waits, under a limit,
 * until every DC answers again.
 *
 * Time: expectations are graded on the samples' own times; "now" for the limits is held back
 * by the probes' deadline and interval, so a sample still in flight is never judged missing.
 *
 * Copyright 2026 The Failover Lab authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "fl-exercise"

#include "config.h"

#include <glib/gi18n-lib.h>

#include "fl-exercise-enums.h"
#include "fl-exercise-runner.h"
#include "fl-lab-enums.h"
#include "fl-lab-hypervisor.h"

#define TICK_MS            200
#define SETTLE_LIMIT_US    (60 * G_USEC_PER_SEC)
#define SKIP_PATIENCE_US   (15 * G_USEC_PER_SEC)
#define PDC_PATIENCE_US    (50 * G_USEC_PER_SEC)   /* the FSMO holder, read after a DC came back (within SETTLE_LIMIT) */
#define SERVING_PATIENCE_US (20 * G_USEC_PER_SEC)  /* a DC found by the locator (within SETTLE_LIMIT) */
#define PRECONDITION_PATIENCE_US (10 * G_USEC_PER_SEC)  /* the steady state, asked again each tick */
#define RECOVER_LIMIT_US   (600 * G_USEC_PER_SEC)

struct _FlExerciseRunner
{
  GObject parent_instance;

  FlLabSession *session;
  FlExercise   *exercise;
  FlGrader     *grader;
  GTask        *task;            /* the run, while it runs */
  GCancellable *cancellable;     /* the caller's: cancelling it aborts */
  gulong        cancelled_handler;
  guint         in_flight;       /* VM actions under way (an abort waits for them) */
  FlRunState    state;
  int           step;
  guint         confirmed;
  gboolean      auto_confirm;
  gboolean      paused;
  gboolean      aborted;
  gboolean      failed;
  gboolean      interlocked;     /* a step's action was refused by an interlock */
  guint         tick;
  gulong        sample_handler;
  gulong        event_handler;
  gint64        phase_started;   /* settling, recovering: since when */
  gint64        wait_until;      /* a "wait" step: not before */
  GPtrArray    *targets;         /* VM names the current action has still to do */
  GPtrArray    *rollback;        /* RollbackItem: what the rollback still has to do */
  gboolean      rollback_started;
  gint64        rollback_done;   /* its actions are done: DCs must answer after this */
  GPtrArray    *rollback_errors; /* char*: what the rollback could not do */
  GError       *refusal;         /* the run was refused before its first step */
  FlRecorder   *recorder;        /* nullable: where the run's progress is recorded */
};

G_DEFINE_FINAL_TYPE (FlExerciseRunner, fl_exercise_runner, G_TYPE_OBJECT)

typedef struct
{
  FlLabAction action;
  char       *vm;
  char       *snapshot;
} RollbackItem;

static void
rollback_item_free (RollbackItem *item)
{
  g_free (item->vm);
  g_free (item->snapshot);
  g_free (item);
}

enum { PROP_0, PROP_STATE, PROP_STEP, N_PROPS };
static GParamSpec *props[N_PROPS];

static void next_target (FlExerciseRunner *self);
static void finish (FlExerciseRunner *self);

static void
fl_exercise_runner_dispose (GObject *object)
{
  FlExerciseRunner *self = FL_EXERCISE_RUNNER (object);

  g_clear_handle_id (&self->tick, g_source_remove);
  if (self->session != NULL)
    {
      FlTimeline *timeline = fl_lab_session_get_timeline (self->session);

      g_clear_signal_handler (&self->sample_handler, timeline);
      g_clear_signal_handler (&self->event_handler, timeline);
    }
  g_clear_object (&self->session);
  g_clear_object (&self->exercise);
  g_clear_object (&self->grader);
  if (self->cancellable != NULL)
    g_cancellable_disconnect (self->cancellable, self->cancelled_handler);
  self->cancelled_handler = 0;
  g_clear_object (&self->cancellable);
  g_clear_pointer (&self->targets, g_ptr_array_unref);
  g_clear_pointer (&self->rollback, g_ptr_array_unref);
  g_clear_pointer (&self->rollback_errors, g_ptr_array_unref);
  g_clear_error (&self->refusal);
  g_clear_object (&self->recorder);

  G_OBJECT_CLASS (fl_exercise_runner_parent_class)->dispose (object);
}

static void
fl_exercise_runner_get_property (GObject    *object,
                                 guint       prop_id,
                                 GValue     *value,
                                 GParamSpec *pspec)
{
  FlExerciseRunner *self = FL_EXERCISE_RUNNER (object);

  switch (prop_id)
    {
    case PROP_STATE:
      g_value_set_enum (value, self->state);
      break;
    case PROP_STEP:
      g_value_set_int (value, self->step);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
fl_exercise_runner_class_init (FlExerciseRunnerClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = fl_exercise_runner_dispose;
  object_class->get_property = fl_exercise_runner_get_property;

  props[PROP_STATE] = g_param_spec_enum ("state", NULL, NULL, FL_TYPE_RUN_STATE, FL_RUN_IDLE,
                                         G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY |
                                         G_PARAM_STATIC_STRINGS);
  props[PROP_STEP] = g_param_spec_int ("step", NULL, NULL, -1, G_MAXINT, -1,
                                       G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY |
                                       G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, props);
}

static void
fl_exercise_runner_init (FlExerciseRunner *self)
{
  self->step = -1;
  self->rollback_errors = g_ptr_array_new_with_free_func (g_free);
  self->confirmed = 0;
}

static void
on_sample (FlTimeline       *timeline,
           FlSample         *sample,
           FlExerciseRunner *self)
{
  fl_grader_add_sample (self->grader, sample);
}

static void
on_event (FlTimeline       *timeline,
          FlEvent          *event,
          FlExerciseRunner *self)
{
  fl_grader_add_event (self->grader, event);
}

/**
 * fl_exercise_runner_new:
 *
 * The grader observes the session's timeline from now on.
 */
FlExerciseRunner *
fl_exercise_runner_new (FlLabSession *session,
                        FlExercise   *exercise)
{
  FlExerciseRunner *self;
  FlProbeConfig *config;
  g_autoptr(GPtrArray) dcs = g_ptr_array_new ();
  FlTimeline *timeline;

  g_return_val_if_fail (FL_IS_LAB_SESSION (session), NULL);
  g_return_val_if_fail (FL_IS_EXERCISE (exercise), NULL);

  self = g_object_new (FL_TYPE_EXERCISE_RUNNER, NULL);
  self->session = g_object_ref (session);
  self->exercise = g_object_ref (exercise);
  config = fl_lab_session_get_config (session);
  for (guint i = 0; i < fl_probe_config_get_n_dcs (config); i++)
    g_ptr_array_add (dcs, (gpointer)fl_probe_config_get_dc (config, i)->name);
  g_ptr_array_add (dcs, NULL);
  self->grader = fl_grader_new (exercise, (const char * const *)dcs->pdata);

  timeline = fl_lab_session_get_timeline (session);
  self->sample_handler = g_signal_connect (timeline, "sample-added", G_CALLBACK (on_sample), self);
  self->event_handler = g_signal_connect (timeline, "event-added", G_CALLBACK (on_event), self);
  return self;
}

FlGrader *
fl_exercise_runner_get_grader (FlExerciseRunner *self)
{
  g_return_val_if_fail (FL_IS_EXERCISE_RUNNER (self), NULL);
  return self->grader;
}

FlExercise *
fl_exercise_runner_get_exercise (FlExerciseRunner *self)
{
  g_return_val_if_fail (FL_IS_EXERCISE_RUNNER (self), NULL);
  return self->exercise;
}

FlRunState
fl_exercise_runner_get_state (FlExerciseRunner *self)
{
  g_return_val_if_fail (FL_IS_EXERCISE_RUNNER (self), FL_RUN_IDLE);
  return self->state;
}

int
fl_exercise_runner_get_step (FlExerciseRunner *self)
{
  g_return_val_if_fail (FL_IS_EXERCISE_RUNNER (self), -1);
  return self->step;
}

/**
 * fl_exercise_runner_get_rollback_errors:
 *
 * Returns: (transfer none) (element-type utf8): what the rollback could not do
 */
GPtrArray *
fl_exercise_runner_get_rollback_errors (FlExerciseRunner *self)
{
  g_return_val_if_fail (FL_IS_EXERCISE_RUNNER (self), NULL);
  return self->rollback_errors;
}

/**
 * fl_exercise_runner_get_interlocked:
 *
 * Returns: whether a step's action was refused by an interlock (a confirmation not given)
 */
gboolean
fl_exercise_runner_get_interlocked (FlExerciseRunner *self)
{
  g_return_val_if_fail (FL_IS_EXERCISE_RUNNER (self), FALSE);
  return self->interlocked;
}

/**
 * fl_exercise_runner_set_confirmed:
 * @interlocks: the interlock reasons the user confirmed for this run (#FlInterlock bits;
 *   failoverctl's --yes: %FL_INTERLOCK_CONFIRMABLE)
 */
void
fl_exercise_runner_set_confirmed (FlExerciseRunner *self,
                                  guint             interlocks)
{
  g_return_if_fail (FL_IS_EXERCISE_RUNNER (self));
  self->confirmed = interlocks;
}

/**
 * fl_exercise_runner_set_auto_confirm:
 *
 * Steps that the class carries out by hand end as if "Done" was pressed at once.
 */
void
fl_exercise_runner_set_auto_confirm (FlExerciseRunner *self,
                                     gboolean          auto_confirm)
{
  g_return_if_fail (FL_IS_EXERCISE_RUNNER (self));
  self->auto_confirm = auto_confirm;
}

/**
 * fl_exercise_runner_set_recorder:
 * @recorder: (nullable): records the run: its start, each step's grades, the result
 */
void
fl_exercise_runner_set_recorder (FlExerciseRunner *self,
                                 FlRecorder       *recorder)
{
  g_return_if_fail (FL_IS_EXERCISE_RUNNER (self));
  g_set_object (&self->recorder, recorder);
}

/* {"type":"exercise","record":WHAT,"exercise":ID,"t_us":…, …}: the grader's result for "step"
 * (that step's part) and "result" */
static void
record (FlExerciseRunner *self,
        const char       *what)
{
  g_autoptr(JsonNode) result = NULL;
  JsonObject *o;

  if (self->recorder == NULL)
    return;
  result = fl_grader_to_json (self->grader);
  o = json_node_get_object (result);
  if (g_str_equal (what, "step") && self->step >= 0)
    {
      JsonArray *steps = json_object_get_array_member (o, "steps");
      JsonObject *step = json_object_ref (json_array_get_object_element (steps, (guint)self->step));

      json_object_remove_member (o, "steps");
      json_object_set_int_member (o, "step", self->step);
      json_object_set_object_member (o, "result", step);
    }
  json_object_set_string_member (o, "type", "exercise");
  json_object_set_string_member (o, "record", what);
  json_object_set_string_member (o, "title", fl_exercise_get_title (self->exercise));
  json_object_set_int_member (o, "t_us", g_get_monotonic_time ());
  json_object_set_int_member (o, "wall_us", g_get_real_time ());
  fl_recorder_add_record (self->recorder, result);
}

static void
set_state (FlExerciseRunner *self,
           FlRunState        state)
{
  if (self->state == state)
    return;
  self->state = state;
  g_object_notify_by_pspec (G_OBJECT (self), props[PROP_STATE]);
}

/* the latest moment every sample of which has arrived */
static gint64
settled_now (FlExerciseRunner *self)
{
  FlProbeConfig *config = fl_lab_session_get_config (self->session);
  gint64 grace = (gint64)(fl_probe_config_get_deadline_ms (config) +
                          fl_probe_config_get_interval_ms (config)) * 1000;

  return g_get_monotonic_time () - grace;
}

static FlExerciseStep *
current_step (FlExerciseRunner *self)
{
  return fl_exercise_get_step (self->exercise, (guint)self->step);
}

/* ------------------------------------------------------------------------------------------ */
/* the rollback, and the wait for the lab to answer again */

/* every DC's LDAP ping answered, in a result that came after the rollback's actions */
static gboolean
every_dc_answers (FlExerciseRunner *self)
{
  FlObservation *o = fl_grader_get_observation (self->grader);

  for (guint i = 0; i < fl_observation_get_n_dcs (o); i++)
    {
      const char *dc = fl_observation_get_dc (o, i);
      gboolean known;

      if (!fl_observation_answers (o, dc, &known) ||
          fl_observation_get_result_time (o, dc, FL_CHECK_LDAP_PING) <= self->rollback_done)
        return FALSE;
    }
  return TRUE;
}

static void rollback_next (FlExerciseRunner *self);

static void
on_rollback_done (GObject      *source,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  FlExerciseRunner *self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(FlTaskResult) r = fl_lab_session_run_action_finish (FL_LAB_SESSION (source), result, &error);

  if (r == NULL)
    g_ptr_array_add (self->rollback_errors, g_strdup (error->message));
  rollback_next (self);
  g_object_unref (self);
}

/* the next rollback action that is needed: a start for a VM not running, a plug for a cable
 * out (a VM whose state is not known gets both: they are harmless on a running VM) */
static void
rollback_next (FlExerciseRunner *self)
{
  while (self->rollback->len > 0)
    {
      RollbackItem *item = self->rollback->pdata[0];
      FlDcState *dc = fl_lab_session_lookup_dc (self->session, item->vm);
      const FlVmState *vm = dc != NULL ? fl_dc_state_get_vm_state (dc) : NULL;
      gboolean wanted = TRUE;

      if (item->action == FL_LAB_ACTION_START)
        wanted = vm == NULL || g_strcmp0 (vm->status, "running") != 0;
      else if (item->action == FL_LAB_ACTION_PLUG)
        wanted = vm == NULL || vm->link_down;
      if (wanted)
        {
          fl_lab_session_run_action_async (self->session, item->vm, item->action, item->snapshot,
                                           self->confirmed, NULL, on_rollback_done,
                                           g_object_ref (self));
          g_ptr_array_remove_index (self->rollback, 0);
          return;
        }
      g_ptr_array_remove_index (self->rollback, 0);
    }

  /* then wait until every DC answers again (the tick finishes the run) */
  self->rollback_done = g_get_monotonic_time ();
  self->phase_started = self->rollback_done;
}

static void
on_rollback_look (GObject      *source,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  FlExerciseRunner *self = user_data;

  /* a fresh look at the VMs decides what to start and plug; without one, all of it is done */
  fl_lab_session_look_finish (FL_LAB_SESSION (source), result, NULL);
  rollback_next (self);
  g_object_unref (self);
}

/* the exercise's rollback, on the VMs its roles name */
static void
begin_rollback (FlExerciseRunner *self)
{
  GPtrArray *rollback = fl_exercise_get_rollback (self->exercise);
  const FlRoleBinding *binding = fl_grader_get_binding (self->grader);
  FlObservation *o = fl_grader_get_observation (self->grader);

  self->rollback_started = TRUE;
  self->rollback = g_ptr_array_new_with_free_func ((GDestroyNotify)rollback_item_free);
  for (guint i = 0; i < rollback->len; i++)
    {
      FlStepAction *a = rollback->pdata[i];
      guint n = a->target == FL_ROLE_ALL ? fl_observation_get_n_dcs (o) : 1;

      for (guint j = 0; j < n; j++)
        {
          const char *vm = a->target == FL_ROLE_ALL ? fl_observation_get_dc (o, j)
                                                    : binding->dc[a->target];
          RollbackItem *item;

          if (vm == NULL)
            continue;
          item = g_new0 (RollbackItem, 1);
          item->action = a->vm_action;
          item->vm = g_strdup (vm);
          item->snapshot = g_strdup (a->snapshot);
          g_ptr_array_add (self->rollback, item);
        }
    }

  if (fl_lab_session_get_hypervisor (self->session) == NULL)
    {
      g_ptr_array_add (self->rollback_errors,
                       g_strdup (_("No connection to the hypervisor: start and plug the DCs by hand")));
      finish (self);
      return;
    }
  fl_lab_session_look_async (self->session, NULL, on_rollback_look, g_object_ref (self));
}

/* the rollback starts once no action of the run is under way (a shutdown Proxmox has accepted
 * goes on whatever we do: the rollback must see its end) */
static void
start_rollback (FlExerciseRunner *self)
{
  set_state (self, FL_RUN_ROLLING_BACK);
  self->phase_started = G_MAXINT64;   /* not waiting for answers yet: actions first */
  self->rollback_done = G_MAXINT64;
  if (self->in_flight == 0 && !self->rollback_started)
    begin_rollback (self);
}

/* ------------------------------------------------------------------------------------------ */
/* steps */

static void begin_step (FlExerciseRunner *self,
                        guint             index);

static void
fail_run (FlExerciseRunner *self)
{
  self->failed = TRUE;
  fl_grader_close (self->grader, FL_GRADE_SKIPPED);
  if (fl_exercise_get_rollback (self->exercise)->len > 0)
    start_rollback (self);
  else
    finish (self);
}

static void
end_step (FlExerciseRunner *self,
          FlGrade           rest,
          const char       *error)
{
  const FlStepResult *r;

  fl_grader_end_step_at (self->grader, rest, error, g_get_monotonic_time ());
  record (self, "step");
  r = fl_grader_get_step_result (self->grader, (guint)self->step);
  g_clear_pointer (&self->targets, g_ptr_array_unref);

  if (r->grade == FL_GRADE_FAILED)
    {
      fail_run (self);
      return;
    }
  if ((guint)self->step + 1 >= fl_exercise_get_n_steps (self->exercise))
    {
      finish (self);
      return;
    }
  if (self->paused)
    {
      set_state (self, FL_RUN_PAUSED);
      return;
    }
  begin_step (self, (guint)self->step + 1);
}

/* an action of the step ended: FALSE when the run has moved on (aborted meanwhile: the rollback
 * waited for this action's end) */
static gboolean
action_ended (FlExerciseRunner *self)
{
  self->in_flight--;
  if (self->state == FL_RUN_ACTING)
    return TRUE;
  if (self->state == FL_RUN_ROLLING_BACK && self->in_flight == 0 && !self->rollback_started)
    begin_rollback (self);
  return FALSE;
}

/* the step's action could not be done: the step fails, saying why */
static void
action_failed (FlExerciseRunner *self,
               const GError     *error)
{
  g_autofree char *action = fl_step_action_describe (&current_step (self)->action);
  /* TRANSLATORS: "shutdown $serving: refused: No other DC answers …" */
  g_autofree char *message = g_strdup_printf (_("%s: %s"), action, error->message);

  end_step (self, FL_GRADE_FAILED, message);
}

static void
on_action_done (GObject      *source,
                GAsyncResult *result,
                gpointer      user_data)
{
  FlExerciseRunner *self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(FlTaskResult) r = fl_lab_session_run_action_finish (FL_LAB_SESSION (source), result, &error);

  if (!action_ended (self))
    ;
  else if (r == NULL)
    {
      self->interlocked |= g_error_matches (error, FL_LAB_SESSION_ERROR, FL_LAB_SESSION_ERROR_INTERLOCK);
      action_failed (self, error);
    }
  else
    next_target (self);
  g_object_unref (self);
}

static void
on_snapshots (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  FlExerciseRunner *self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) snaps = fl_hypervisor_list_snapshots_finish (FL_HYPERVISOR (source), result,
                                                                    &error);
  FlVmSnapshot *latest = NULL;

  if (!action_ended (self))
    {
      g_object_unref (self);
      return;
    }
  for (guint i = 0; snaps != NULL && i < snaps->len; i++)
    {
      FlVmSnapshot *s = snaps->pdata[i];

      if (g_strcmp0 (s->name, "current") != 0 && (latest == NULL || s->snaptime > latest->snaptime))
        latest = s;
    }
  if (latest == NULL)
    {
      g_autofree char *message =
        snaps == NULL ? g_strdup (error->message)
                      : g_strdup_printf (_("%s has no snapshot to roll back to"),
                                         (char *)self->targets->pdata[0]);

      end_step (self, FL_GRADE_FAILED, message);
      g_object_unref (self);
      return;
    }
  self->in_flight++;
  fl_lab_session_run_action_async (self->session, self->targets->pdata[0], FL_LAB_ACTION_ROLLBACK,
                                   latest->name, self->confirmed, NULL, on_action_done,
                                   g_object_ref (self));
  g_ptr_array_remove_index (self->targets, 0);
  g_object_unref (self);
}

/* the current VM action, on its next target (one at a time, in the lab's order) */
static void
next_target (FlExerciseRunner *self)
{
  FlStepAction *a = &current_step (self)->action;

  if (self->targets == NULL || self->targets->len == 0)
    {
      set_state (self, FL_RUN_OBSERVING);
      return;
    }
  if (a->vm_action == FL_LAB_ACTION_ROLLBACK && a->snapshot == NULL)
    {
      FlHypervisor *hv = fl_lab_session_get_hypervisor (self->session);
      FlLab *lab = fl_lab_session_get_lab (self->session);
      const char *canonical = NULL;
      guint vmid = 0;

      if (hv == NULL || !fl_lab_find_vm (lab, self->targets->pdata[0], &vmid, &canonical))
        {
          end_step (self, FL_GRADE_FAILED, _("No connection to the hypervisor"));
          return;
        }
      self->in_flight++;
      fl_hypervisor_list_snapshots_async (hv, vmid, NULL, on_snapshots, g_object_ref (self));
      return;
    }
  self->in_flight++;
  fl_lab_session_run_action_async (self->session, self->targets->pdata[0], a->vm_action,
                                   a->snapshot, self->confirmed, NULL, on_action_done,
                                   g_object_ref (self));
  g_ptr_array_remove_index (self->targets, 0);
}

/* a command on the Windows client ended: what it printed is the step's to observe (a failed
 * gpupdate in a total outage is the lesson, not the step's failure); only a command that could
 * not run at all fails the step */
static void
on_client_done (GObject      *source,
                GAsyncResult *result,
                gpointer      user_data)
{
  FlExerciseRunner *self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(FlWinActionResult) r = fl_win_client_run_action_finish (FL_WIN_CLIENT (source), result, &error);

  if (!action_ended (self))
    ;
  else if (r == NULL)
    action_failed (self, error);
  else
    set_state (self, FL_RUN_OBSERVING);
  g_object_unref (self);
}

static void
start_action (FlExerciseRunner *self)
{
  FlExerciseStep *step = current_step (self);
  gint64 t0 = g_get_monotonic_time ();

  switch (step->action.kind)
    {
    case FL_STEP_VM:
      {
        const FlRoleBinding *binding = fl_grader_get_binding (self->grader);
        FlObservation *o = fl_grader_get_observation (self->grader);

        self->targets = g_ptr_array_new_with_free_func (g_free);
        if (step->action.target == FL_ROLE_ALL)
          for (guint i = 0; i < fl_observation_get_n_dcs (o); i++)
            g_ptr_array_add (self->targets, g_strdup (fl_observation_get_dc (o, i)));
        else
          g_ptr_array_add (self->targets, g_strdup (binding->dc[step->action.target]));
        set_state (self, FL_RUN_ACTING);
        fl_grader_begin_step (self->grader, (guint)self->step, t0);
        next_target (self);
        return;
      }

    case FL_STEP_CLIENT:
      {
        FlWinClient *client = fl_lab_session_get_win_client (self->session);

        set_state (self, FL_RUN_ACTING);
        fl_grader_begin_step (self->grader, (guint)self->step, t0);
        if (client == NULL)
          {
            end_step (self, FL_GRADE_FAILED,
                      _("The lab does not reach its Windows client (a connected hypervisor and "
                        "client.access \"guest-agent\" are needed)"));
            return;
          }
        self->in_flight++;
        fl_win_client_run_action_async (client, step->action.client_action, NULL, on_client_done,
                                        g_object_ref (self));
        return;
      }

    case FL_STEP_WAIT:
      self->wait_until = t0 + (gint64)step->action.seconds * G_USEC_PER_SEC;
      break;

    case FL_STEP_MARK:
      {
        g_autoptr(FlEvent) fault = fl_event_new (FL_EVENT_FAULT, t0, g_get_real_time (), NULL, NULL,
                                                 NULL, NULL, -1, -1, step->action.text);

        fl_timeline_add_event (fl_lab_session_get_timeline (self->session), fault);
        break;
      }

    case FL_STEP_INSTRUCT:
    case FL_STEP_NONE:
    default:
      break;
    }

  set_state (self, FL_RUN_OBSERVING);
  fl_grader_begin_step (self->grader, (guint)self->step, t0);
}

static void
begin_step (FlExerciseRunner *self,
            guint             index)
{
  self->step = (int)index;
  self->wait_until = 0;
  g_object_notify_by_pspec (G_OBJECT (self), props[PROP_STEP]);

  /* a step done by hand counts from "Done" */
  if (current_step (self)->action.kind == FL_STEP_INSTRUCT && !self->auto_confirm)
    {
      set_state (self, FL_RUN_WAITING_DONE);
      return;
    }
  start_action (self);
}

/* ------------------------------------------------------------------------------------------ */
/* the run */

static void
finish (FlExerciseRunner *self)
{
  g_autoptr(GTask) task = g_steal_pointer (&self->task);

  g_clear_handle_id (&self->tick, g_source_remove);
  if (self->refusal == NULL)
    record (self, "result");
  if (self->recorder != NULL)
    fl_recorder_flush (self->recorder);
  set_state (self, FL_RUN_FINISHED);
  if (task == NULL)
    return;
  if (self->refusal != NULL)
    g_task_return_error (task, g_steal_pointer (&self->refusal));
  else
    g_task_return_int (task, fl_grader_get_outcome (self->grader));
}

/* refuse the run before its first step: nothing was done, nothing to roll back */
static void
refuse (FlExerciseRunner *self,
        GError           *error)
{
  self->refusal = error;
  finish (self);
}

static const char *
pdc_holder (FlExerciseRunner *self)
{
  GListModel *dcs = fl_lab_session_get_dcs (self->session);

  for (guint i = 0; i < g_list_model_get_n_items (dcs); i++)
    {
      g_autoptr(FlDcState) dc = g_list_model_get_item (dcs, i);

      if (fl_dc_state_get_fsmo_roles (dc) & (1u << FL_FSMO_PDC))
        return fl_dc_state_get_name (dc);
    }
  return NULL;
}

/* every check the run starts from has said something: the locator, each DC's LDAP ping, what
 * the preconditions look at, and the FSMO check when $pdc is named (a check that is skipped,
 * e.g. without credentials, counts: the precondition then says so) */
static gboolean
settled (FlExerciseRunner *self)
{
  FlObservation *o = fl_grader_get_observation (self->grader);
  GPtrArray *preconditions = fl_exercise_get_preconditions (self->exercise);
  guint checks = (1u << FL_CHECK_LOCATOR) | (1u << FL_CHECK_LDAP_PING);
  /* a skipped sample may mean "still running" (a slow first FSMO bind at 4 Hz) as well as
   * "cannot run here": it counts only once the checks have had a while to answer */
  gboolean patient = g_get_monotonic_time () - self->phase_started > SKIP_PATIENCE_US;
  gboolean located;

  /* $pdc needs the holder read, not only the FSMO check's first word: a read that failed or
   * timed out (a DC just back, a busy machine at 4 Hz) is followed by others, for up to a minute
   * (as the refusal says); then binding the roles says why it cannot start */
  if ((fl_exercise_get_roles_used (self->exercise) & (1u << FL_ROLE_PDC)) && pdc_holder (self) == NULL &&
      g_get_monotonic_time () - self->phase_started < PDC_PATIENCE_US)
    return FALSE;
  /* so does a locator that found no DC in its first rounds (a reply that missed its deadline on
   * a busy machine): the serving DC is what the run starts from */
  if ((fl_exercise_get_roles_used (self->exercise) & ((1u << FL_ROLE_SERVING) | (1u << FL_ROLE_OTHER))) &&
      fl_observation_get_view (o, FL_VIEW_LOCATOR, &located) == NULL &&
      g_get_monotonic_time () - self->phase_started < SERVING_PATIENCE_US)
    return FALSE;
  for (guint i = 0; i < preconditions->len; i++)
    checks |= fl_predicate_get_checks (((FlExpectation *)preconditions->pdata[i])->that);
  if (fl_exercise_get_roles_used (self->exercise) & (1u << FL_ROLE_PDC))
    checks |= 1u << FL_CHECK_FSMO;
  if (fl_exercise_get_roles_used (self->exercise) & (1u << FL_ROLE_CHANNEL))
    checks |= 1u << FL_CHECK_SECURE_CHANNEL;

  for (guint c = 0; c < FL_N_CHECKS; c++)
    {
      if (!(checks & (1u << c)))
        continue;
      for (guint i = 0; i < (c >= FL_N_DC_CHECKS ? 1 : fl_observation_get_n_dcs (o)); i++)
        {
          const char *dc = c >= FL_N_DC_CHECKS ? NULL : fl_observation_get_dc (o, i);
          gboolean known;

          fl_observation_get_status (o, dc, c, &known);
          if (!known && !(patient && fl_observation_has_news (o, dc, c)))
            return FALSE;
        }
    }
  return TRUE;
}

static void
start_first_step (FlExerciseRunner *self)
{
  FlLab *lab = fl_lab_session_get_lab (self->session);
  GError *error = NULL;

  if (fl_exercise_get_total_outage (self->exercise) &&
      !(self->confirmed & FL_INTERLOCK_TOTAL_OUTAGE))
    {
      refuse (self, g_error_new_literal (FL_EXERCISE_ERROR, FL_EXERCISE_ERROR_REFUSED,
                                         _("this exercise stops every DC: a total outage, which "
                                           "needs its confirmation")));
      return;
    }
  if ((fl_exercise_get_roles_used (self->exercise) & (1u << FL_ROLE_CLIENT)) &&
      fl_lab_has_client (lab) && fl_lab_get_client_access (lab) == FL_CLIENT_ACCESS_LOCAL)
    {
      refuse (self, g_error_new_literal (FL_EXERCISE_ERROR, FL_EXERCISE_ERROR_LAB,
                                         _("this exercise acts on the client's VM, and the lab "
                                           "file says Failover Lab runs on that client")));
      return;
    }
  if (!fl_grader_bind_roles (self->grader, pdc_holder (self),
                             fl_lab_has_client (lab) ? fl_lab_get_client_name (lab) : NULL, &error))
    {
      refuse (self, error);
      return;
    }
  if (!fl_grader_check_preconditions (self->grader, &error))
    {
      /* one answer past its deadline (a busy machine: Kerberos on one DC of three, under
       * ASan with two busy loops beside it) is not a lab that is not ready: the steady state
       * is asked again each tick, for a while, before the run is refused with what failed */
      if (g_get_monotonic_time () - self->phase_started < PRECONDITION_PATIENCE_US)
        {
          g_clear_error (&error);
          return;
        }
      refuse (self, error);
      return;
    }
  record (self, "start");
  begin_step (self, 0);
}

static gboolean
on_tick (gpointer user_data)
{
  FlExerciseRunner *self = user_data;
  gint64 now = g_get_monotonic_time ();

  switch (self->state)
    {
    case FL_RUN_SETTLING:
      if (settled (self))
        start_first_step (self);
      else if (now - self->phase_started > SETTLE_LIMIT_US)
        refuse (self, g_error_new (FL_EXERCISE_ERROR, FL_EXERCISE_ERROR_LAB,
                                   _("the lab gave no answer from every DC and the DC locator "
                                     "within %d s"), (int)(SETTLE_LIMIT_US / G_USEC_PER_SEC)));
      break;

    case FL_RUN_ACTING:
    case FL_RUN_OBSERVING:
      fl_grader_advance (self->grader, settled_now (self));
      if (self->state == FL_RUN_OBSERVING && now >= self->wait_until &&
          fl_grader_step_graded (self->grader))
        end_step (self, FL_GRADE_PASSED, NULL);
      break;

    case FL_RUN_ROLLING_BACK:
      if (self->rollback_started && self->rollback->len == 0 && now >= self->phase_started &&
          (every_dc_answers (self) || now - self->phase_started > RECOVER_LIMIT_US))
        {
          if (!every_dc_answers (self))
            g_ptr_array_add (self->rollback_errors,
                             g_strdup_printf (_("not every DC answers %d s after the rollback"),
                                              (int)(RECOVER_LIMIT_US / G_USEC_PER_SEC)));
          finish (self);
        }
      break;

    case FL_RUN_IDLE:
    case FL_RUN_WAITING_DONE:
    case FL_RUN_PAUSED:
    case FL_RUN_FINISHED:
    default:
      break;
    }
  return G_SOURCE_CONTINUE;
}

static gboolean
abort_idle (gpointer user_data)
{
  fl_exercise_runner_abort (user_data);
  return G_SOURCE_REMOVE;
}

/* the caller's cancellable: an abort (its rollback included), in the main context */
static void
on_cancelled (GCancellable     *cancellable,
              FlExerciseRunner *self)
{
  g_idle_add_full (G_PRIORITY_DEFAULT, abort_idle, g_object_ref (self), g_object_unref);
}

/**
 * fl_exercise_runner_run_async:
 *
 * Runs the exercise on what the session observes (the caller starts the session, or feeds it:
 * a replay, a test). Finishes when the run has an
 * outcome (after the rollback, when it ran), or with an error when the run was refused before
 * its first step: the lab cannot run it (%FL_EXERCISE_ERROR_LAB), the steady state does not
 * hold (%FL_EXERCISE_ERROR_PRECONDITION), or a total outage was not confirmed
 * (%FL_EXERCISE_ERROR_REFUSED). Cancelling @cancellable aborts the run (with its rollback).
 */
void
fl_exercise_runner_run_async (FlExerciseRunner    *self,
                              GCancellable        *cancellable,
                              GAsyncReadyCallback  callback,
                              gpointer             user_data)
{
  g_return_if_fail (FL_IS_EXERCISE_RUNNER (self));
  g_return_if_fail (self->task == NULL && self->state == FL_RUN_IDLE);

  self->task = g_task_new (self, NULL, callback, user_data);
  g_task_set_source_tag (self->task, fl_exercise_runner_run_async);
  if (cancellable != NULL)
    {
      self->cancellable = g_object_ref (cancellable);
      self->cancelled_handler = g_cancellable_connect (cancellable, G_CALLBACK (on_cancelled),
                                                       self, NULL);
    }
  set_state (self, FL_RUN_SETTLING);
  self->phase_started = g_get_monotonic_time ();
  self->tick = g_timeout_add (TICK_MS, on_tick, self);
}

/**
 * fl_exercise_runner_run_finish:
 *
 * Returns: the outcome: %FL_GRADE_PASSED, %FL_GRADE_FAILED or %FL_GRADE_ABORTED; or
 *   %FL_GRADE_PENDING with @error set when the run was refused
 */
FlGrade
fl_exercise_runner_run_finish (FlExerciseRunner  *self,
                               GAsyncResult      *result,
                               GError           **error)
{
  GError *local = NULL;
  gssize grade;

  g_return_val_if_fail (g_task_is_valid (result, self), FL_GRADE_PENDING);

  grade = g_task_propagate_int (G_TASK (result), &local);
  if (local != NULL)
    {
      g_propagate_error (error, local);
      return FL_GRADE_PENDING;
    }
  return (FlGrade)grade;
}

gboolean
fl_exercise_runner_get_paused (FlExerciseRunner *self)
{
  g_return_val_if_fail (FL_IS_EXERCISE_RUNNER (self), FALSE);
  return self->paused;
}

/**
 * fl_exercise_runner_pause:
 *
 * The lab goes on (a fault in progress cannot be paused): the current step is graded to its
 * end, and the next one waits for fl_exercise_runner_resume().
 */
void
fl_exercise_runner_pause (FlExerciseRunner *self)
{
  g_return_if_fail (FL_IS_EXERCISE_RUNNER (self));
  self->paused = TRUE;
}

void
fl_exercise_runner_resume (FlExerciseRunner *self)
{
  g_return_if_fail (FL_IS_EXERCISE_RUNNER (self));

  self->paused = FALSE;
  if (self->state == FL_RUN_PAUSED)
    begin_step (self, (guint)self->step + 1);
}

/**
 * fl_exercise_runner_confirm:
 *
 * "Done": the class carried out the step's instruction; its expectations count from now.
 */
void
fl_exercise_runner_confirm (FlExerciseRunner *self)
{
  g_return_if_fail (FL_IS_EXERCISE_RUNNER (self));

  if (self->state == FL_RUN_WAITING_DONE)
    start_action (self);
}

/**
 * fl_exercise_runner_skip:
 *
 * Skips the current step: what it still expects is graded "skipped", and the run goes on.
 */
void
fl_exercise_runner_skip (FlExerciseRunner *self)
{
  g_return_if_fail (FL_IS_EXERCISE_RUNNER (self));

  if (self->state == FL_RUN_WAITING_DONE)
    fl_grader_begin_step (self->grader, (guint)self->step, g_get_monotonic_time ());
  if (self->state == FL_RUN_WAITING_DONE || self->state == FL_RUN_OBSERVING)
    end_step (self, FL_GRADE_SKIPPED, NULL);
}

/**
 * fl_exercise_runner_abort:
 *
 * Stops the run: the rest is graded "aborted", and once the action under way (if any) has
 * ended, the exercise's rollback gives the lab back.
 */
void
fl_exercise_runner_abort (FlExerciseRunner *self)
{
  g_return_if_fail (FL_IS_EXERCISE_RUNNER (self));

  if (self->state == FL_RUN_FINISHED || self->state == FL_RUN_IDLE ||
      self->state == FL_RUN_ROLLING_BACK)
    return;
  self->aborted = TRUE;
  g_clear_pointer (&self->targets, g_ptr_array_unref);
  if (self->state == FL_RUN_SETTLING)
    {
      refuse (self, g_error_new_literal (G_IO_ERROR, G_IO_ERROR_CANCELLED,
                                         _("Aborted before the first step")));
      return;
    }
  fl_grader_abort_at (self->grader, g_get_monotonic_time ());
  if (fl_exercise_get_rollback (self->exercise)->len > 0)
    start_rollback (self);
  else
    finish (self);
}
