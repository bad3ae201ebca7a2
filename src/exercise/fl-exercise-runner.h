/* fl-exercise-runner.h: runs an exercise on a lab session: binds the roles, checks the steady
 * state, performs each step's action (through the session, so with its interlocks and lock),
 * feeds the grader, and gives the lab back (the exercise's rollback) when a run fails or is
 * aborted. No GTK: the window and failoverctl both drive it.
 *
 * Copyright 2026 The Failover Lab authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "fl-grader.h"
#include "fl-lab-session.h"
#include "fl-recording-file.h"

G_BEGIN_DECLS

#define FL_TYPE_EXERCISE_RUNNER (fl_exercise_runner_get_type ())
G_DECLARE_FINAL_TYPE (FlExerciseRunner, fl_exercise_runner, FL, EXERCISE_RUNNER, GObject)

FlExerciseRunner *fl_exercise_runner_new              (FlLabSession         *session,
                                                       FlExercise           *exercise);
FlGrader         *fl_exercise_runner_get_grader       (FlExerciseRunner     *self);
FlExercise       *fl_exercise_runner_get_exercise     (FlExerciseRunner     *self);
FlRunState        fl_exercise_runner_get_state        (FlExerciseRunner     *self);
int               fl_exercise_runner_get_step         (FlExerciseRunner     *self);
GPtrArray        *fl_exercise_runner_get_rollback_errors (FlExerciseRunner  *self);
gboolean          fl_exercise_runner_get_interlocked  (FlExerciseRunner     *self);
void              fl_exercise_runner_set_confirmed    (FlExerciseRunner     *self,
                                                       guint                 interlocks);
void              fl_exercise_runner_set_auto_confirm (FlExerciseRunner     *self,
                                                       gboolean              auto_confirm);
void              fl_exercise_runner_set_recorder     (FlExerciseRunner     *self,
                                                       FlRecorder           *recorder);
void              fl_exercise_runner_run_async        (FlExerciseRunner     *self,
                                                       GCancellable         *cancellable,
                                                       GAsyncReadyCallback   callback,
                                                       gpointer              user_data);
FlGrade           fl_exercise_runner_run_finish       (FlExerciseRunner     *self,
                                                       GAsyncResult         *result,
                                                       GError              **error);
void              fl_exercise_runner_pause            (FlExerciseRunner     *self);
gboolean          fl_exercise_runner_get_paused       (FlExerciseRunner     *self);
void              fl_exercise_runner_resume           (FlExerciseRunner     *self);
void              fl_exercise_runner_confirm          (FlExerciseRunner     *self);
void              fl_exercise_runner_skip             (FlExerciseRunner     *self);
void              fl_exercise_runner_abort            (FlExerciseRunner     *self);

G_END_DECLS
