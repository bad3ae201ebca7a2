/* fl-exercise-picker.h: the Exercises dialog
 *
 * Copyright 2026 The Failover Lab authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

#include "fl-exercise.h"

G_BEGIN_DECLS

typedef void (*FlExercisePicked) (FlExercise *exercise,
                                  gpointer    user_data);

GtkWindow *fl_exercise_picker_new (GtkWindow        *parent,
                                   FlExercisePicked  picked,
                                   gpointer          user_data);

G_END_DECLS
