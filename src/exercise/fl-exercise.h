/* fl-exercise.h: an exercise file ("format": 1) as data: roles, preconditions, steps with an
 * action, an explanation and expectations, and the rollback. Predicates are data, evaluated by
 * one evaluator (fl-predicate.c); nothing is ever evaluated as code.
 *
 * Copyright 2026 The Failover Lab authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <json-glib/json-glib.h>

#include "fl-exercise-types.h"
#include "fl-interlock.h"
#include "fl-lab-types.h"
#include "fl-lab.h"
#include "fl-probe-types.h"

G_BEGIN_DECLS

#define FL_EXERCISE_MAX_FILE_SIZE   (256 * 1024)
#define FL_EXERCISE_MAX_STEPS       64
#define FL_EXERCISE_MAX_EXPECT      32
#define FL_EXERCISE_MAX_OPERANDS    16
#define FL_EXERCISE_MAX_DEPTH       8      /* predicates inside predicates */
#define FL_EXERCISE_MAX_TEXT        4096   /* characters of one text */
#define FL_EXERCISE_MAX_SECONDS     3600   /* a time limit, a wait, a hold */
#define FL_EXERCISE_MAX_DCS         8

typedef struct _FlPredicate FlPredicate;

struct _FlPredicate
{
  FlPredicateKind kind;
  FlCheckKind     check;       /* CHECK */
  FlRole          role;        /* CHECK (per-DC checks), VIEW (unless none), ANSWERS */
  guint           statuses;    /* CHECK: 1 << FlStatus */
  char           *code;        /* CHECK: nullable; the sample's "code" (ERROR_NO_SUCH_DOMAIN) */
  FlView          view;        /* VIEW, SWITCHOVER */
  gboolean        is_not;      /* VIEW: "is_not" instead of "is" */
  gboolean        none;        /* VIEW: "is": "none" (no DC serves it) */
  gint64          under_us;    /* SWITCHOVER */
  GPtrArray      *operands;    /* ALL, ANY, NOT (one): FlPredicate */
};

typedef struct
{
  FlPredicate *that;
  gint64       within_us;      /* it must hold by the step's start + this */
  gint64       for_us;         /* …and then keep holding this long (0: once is enough) */
  char        *text;           /* nullable: what is expected, in words */
  char        *hint;           /* nullable: shown when it fails */
} FlExpectation;

typedef struct
{
  FlStepKind  kind;
  FlLabAction vm_action;       /* VM */
  FlRole      target;          /* VM */
  char       *snapshot;        /* VM rollback */
  guint       seconds;         /* WAIT */
  FlWinAction client_action;   /* CLIENT */
  char       *text;            /* INSTRUCT, MARK */
} FlStepAction;

typedef struct
{
  char         *title;
  FlStepAction  action;
  char         *explanation;   /* nullable: what to observe, and why */
  GPtrArray    *expectations;  /* FlExpectation */
} FlExerciseStep;

#define FL_TYPE_EXERCISE (fl_exercise_get_type ())
G_DECLARE_FINAL_TYPE (FlExercise, fl_exercise, FL, EXERCISE, GObject)

FlExercise     *fl_exercise_new_from_data     (const char    *data,
                                               gssize         length,
                                               GError       **error);
FlExercise     *fl_exercise_new_from_file     (const char    *path,
                                               GError       **error);
FlExercise     *fl_exercise_lookup_builtin    (const char    *id,
                                               GError       **error);
GPtrArray      *fl_exercise_list_builtin      (GError       **error);

const char     *fl_exercise_get_id            (FlExercise    *self);
const char     *fl_exercise_get_title         (FlExercise    *self);
const char     *fl_exercise_get_description   (FlExercise    *self);
FlExerciseLevel fl_exercise_get_level         (FlExercise    *self);
guint           fl_exercise_get_minutes       (FlExercise    *self);
guint           fl_exercise_get_min_dcs       (FlExercise    *self);
gboolean        fl_exercise_get_total_outage  (FlExercise    *self);
const char     *fl_exercise_get_file          (FlExercise    *self);
guint           fl_exercise_get_roles_used    (FlExercise    *self);
GPtrArray      *fl_exercise_get_preconditions (FlExercise    *self);
guint           fl_exercise_get_n_steps       (FlExercise    *self);
FlExerciseStep *fl_exercise_get_step          (FlExercise    *self,
                                               guint          index);
GPtrArray      *fl_exercise_get_rollback      (FlExercise    *self);
gboolean        fl_exercise_uses_step_kind    (FlExercise    *self,
                                               FlStepKind     kind);
gboolean        fl_exercise_check_lab         (FlExercise    *self,
                                               FlLab         *lab,
                                               gboolean       hypervisor,
                                               GError       **error);

const char     *fl_exercise_level_to_label    (FlExerciseLevel level);
char           *fl_step_action_describe       (const FlStepAction *action);

G_END_DECLS
