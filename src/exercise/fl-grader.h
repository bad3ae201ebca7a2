/* fl-grader.h: grades one run of an exercise from what is observed: binds the roles, checks
 * the preconditions, and grades each step's expectations with the time they passed (from the
 * step's start) or the reason they failed. Pure (fed samples, events and times), so the same
 * object grades a live run, a recording, and the unit tests' timelines.
 *
 * Copyright 2026 The Failover Lab authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "fl-exercise.h"
#include "fl-predicate.h"

G_BEGIN_DECLS

typedef struct
{
  FlGrade grade;
  gint64  time_us;       /* passed: when it first held, from the step's start; else -1 */
  gint64  held_since;    /* a hold ("for") under way: since when (monotonic µs); else -1 */
  char   *reason;        /* failed: why, with what was observed last */
} FlExpectationResult;

typedef struct
{
  FlGrade    grade;
  gint64     started;                     /* monotonic µs; -1 until it starts */
  gint64     ended;                       /* -1 until graded */
  GPtrArray *expectations;                /* FlExpectationResult */
  gint64     detection_us;                /* the fault's detection time; -1: none */
  gint64     switchover_us[FL_N_VIEWS];   /* each view's switchover time; -1: none */
  char      *switched_to[FL_N_VIEWS];
  char      *error;                       /* the step's action failed: why */
} FlStepResult;

#define FL_TYPE_GRADER (fl_grader_get_type ())
G_DECLARE_FINAL_TYPE (FlGrader, fl_grader, FL, GRADER, GObject)

FlGrader            *fl_grader_new                (FlExercise          *exercise,
                                                   const char * const  *dcs);
FlExercise          *fl_grader_get_exercise       (FlGrader            *self);
FlObservation       *fl_grader_get_observation    (FlGrader            *self);
gboolean             fl_grader_bind_roles         (FlGrader            *self,
                                                   const char          *pdc,
                                                   const char          *client,
                                                   GError             **error);
const FlRoleBinding *fl_grader_get_binding        (FlGrader            *self);
gboolean             fl_grader_check_preconditions (FlGrader           *self,
                                                   GError             **error);
void                 fl_grader_add_sample         (FlGrader            *self,
                                                   FlSample            *sample);
void                 fl_grader_add_event          (FlGrader            *self,
                                                   FlEvent             *event);
void                 fl_grader_begin_step         (FlGrader            *self,
                                                   guint                index,
                                                   gint64               t0);
void                 fl_grader_advance            (FlGrader            *self,
                                                   gint64               now);
gboolean             fl_grader_step_graded        (FlGrader            *self);
void                 fl_grader_end_step           (FlGrader            *self,
                                                   FlGrade              rest,
                                                   const char          *error);
void                 fl_grader_end_step_at        (FlGrader            *self,
                                                   FlGrade              rest,
                                                   const char          *error,
                                                   gint64               t_end);
int                  fl_grader_get_current_step   (FlGrader            *self);
const FlStepResult  *fl_grader_get_step_result    (FlGrader            *self,
                                                   guint                index);
FlGrade              fl_grader_get_outcome        (FlGrader            *self);
void                 fl_grader_abort              (FlGrader            *self);
void                 fl_grader_abort_at           (FlGrader            *self,
                                                   gint64               t_end);
void                 fl_grader_close              (FlGrader            *self,
                                                   FlGrade              grade);
JsonNode            *fl_grader_to_json            (FlGrader            *self);

G_END_DECLS
