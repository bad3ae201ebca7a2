/* fl-exercise-types.h: the exercise vocabularies. The nicks are the words of exercise files
 * (roles are written with a leading "$" there: "$serving").
 *
 * Copyright 2026 The Failover Lab authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* a DC named by what it does, bound when a run starts: exercises never name DCs */
typedef enum
{
  FL_ROLE_SERVING,  /*< nick=serving >*/ /* the DC the locator serves at the start */
  FL_ROLE_OTHER,    /*< nick=other >*/   /* another DC that answers */
  FL_ROLE_PDC,      /*< nick=pdc >*/     /* the holder of the PDC emulator role */
  FL_ROLE_ALL,      /*< nick=all >*/     /* every DC of the lab */
  FL_ROLE_CLIENT,   /*< nick=client >*/  /* the lab's client VM (VM actions only) */
  FL_ROLE_CHANNEL,  /*< nick=channel >*/ /* the DC of the Windows client's secure channel at the start */
  FL_N_ROLES        /*< skip >*/
} FlRole;

typedef enum
{
  FL_PREDICATE_CHECK,          /*< nick=check >*/         /* a check's status on a role */
  FL_PREDICATE_VIEW,           /*< nick=view >*/          /* which DC serves a view */
  FL_PREDICATE_ANSWERS,        /*< nick=answers >*/       /* a role's LDAP ping answers */
  FL_PREDICATE_NO_DC_ANSWERS,  /*< nick=no_dc_answers >*/ /* no DC's LDAP ping answers */
  FL_PREDICATE_SWITCHOVER,     /*< nick=switchover >*/    /* a view moved, faster than a limit */
  FL_PREDICATE_ALL,            /*< nick=all >*/
  FL_PREDICATE_ANY,            /*< nick=any >*/
  FL_PREDICATE_NOT,            /*< nick=not >*/
} FlPredicateKind;

typedef enum
{
  FL_STEP_NONE,      /*< nick=none >*/     /* only expectations */
  FL_STEP_VM,        /*< nick=vm >*/       /* a VM action on a role */
  FL_STEP_WAIT,      /*< nick=wait >*/     /* wait N seconds */
  FL_STEP_INSTRUCT,  /*< nick=instruct >*/ /* the students do something by hand, then "Done" */
  FL_STEP_MARK,      /*< nick=mark >*/     /* a fault from outside: marks t_fault now */
  FL_STEP_CLIENT,    /*< nick=client >*/   /* a command on the Windows client (nltest /sc_reset) */
} FlStepKind;

typedef enum
{
  FL_EXERCISE_LEVEL_BEGINNER,      /*< nick=beginner >*/
  FL_EXERCISE_LEVEL_INTERMEDIATE,  /*< nick=intermediate >*/
  FL_EXERCISE_LEVEL_ADVANCED,      /*< nick=advanced >*/
} FlExerciseLevel;

/* an expectation's (and a step's, and a run's) grade */
typedef enum
{
  FL_GRADE_PENDING,  /*< nick=pending >*/
  FL_GRADE_PASSED,   /*< nick=passed >*/
  FL_GRADE_FAILED,   /*< nick=failed >*/
  FL_GRADE_SKIPPED,  /*< nick=skipped >*/
  FL_GRADE_ABORTED,  /*< nick=aborted >*/
} FlGrade;

/* where a run is */
typedef enum
{
  FL_RUN_IDLE,         /*< nick=idle >*/
  FL_RUN_SETTLING,     /*< nick=settling >*/     /* waiting for a first answer from every DC */
  FL_RUN_ACTING,       /*< nick=acting >*/       /* the step's action is under way */
  FL_RUN_OBSERVING,    /*< nick=observing >*/    /* grading the step's expectations */
  FL_RUN_WAITING_DONE, /*< nick=waiting-done >*/ /* the class does it by hand: "Done" */
  FL_RUN_PAUSED,       /*< nick=paused >*/       /* between steps */
  FL_RUN_ROLLING_BACK, /*< nick=rolling-back >*/
  FL_RUN_FINISHED,     /*< nick=finished >*/
} FlRunState;

typedef enum /*< prefix=FL_EXERCISE_ERROR >*/
{
  FL_EXERCISE_ERROR_SYNTAX,       /* not JSON, too large, too deep, empty */
  FL_EXERCISE_ERROR_FORMAT,       /* a "format" this version does not read */
  FL_EXERCISE_ERROR_MISSING,      /* a required field is absent */
  FL_EXERCISE_ERROR_TYPE,         /* a field has the wrong JSON type */
  FL_EXERCISE_ERROR_VALUE,        /* a value out of range, or not in its vocabulary */
  FL_EXERCISE_ERROR_UNKNOWN_KEY,  /* a field this format does not have */
  FL_EXERCISE_ERROR_IO,
  FL_EXERCISE_ERROR_NOT_FOUND,    /* no built-in exercise has that id */
  FL_EXERCISE_ERROR_LAB,          /* the lab cannot run it (too few DCs, no PDC known, ...) */
  FL_EXERCISE_ERROR_PRECONDITION, /* the steady state does not hold */
  FL_EXERCISE_ERROR_REFUSED,      /* it needs a confirmation it was not given (total outage) */
} FlExerciseError;

#define FL_EXERCISE_ERROR (fl_exercise_error_quark ())
GQuark fl_exercise_error_quark (void);

G_END_DECLS
