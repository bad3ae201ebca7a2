/* fl-exercise-pane.h: the exercise's checklist beside the chart: the current instruction, large
 * enough for a projector; Done, Pause, Skip and Abort; each step with its expectations, pending,
 * passed (with the time) or failed (with the reason and the hint).
 *
 * Copyright 2026 The Failover Lab authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

#include "fl-exercise-runner.h"
#include "fl-recording-file.h"

G_BEGIN_DECLS

#define FL_TYPE_EXERCISE_PANE (fl_exercise_pane_get_type ())
G_DECLARE_FINAL_TYPE (FlExercisePane, fl_exercise_pane, FL, EXERCISE_PANE, AdwBin)

GtkWidget        *fl_exercise_pane_new        (void);
void              fl_exercise_pane_set_runner (FlExercisePane   *self,
                                               FlExerciseRunner *runner);
void              fl_exercise_pane_set_grader (FlExercisePane   *self,
                                               FlGrader         *grader,
                                               int               current_step);
void              fl_exercise_pane_set_recorded (FlExercisePane *self,
                                                 FlRecordedRun  *run);
FlExerciseRunner *fl_exercise_pane_get_runner (FlExercisePane   *self);

G_END_DECLS
