/* fl-predicate.h: what a client sees now (FlObservation, fed samples and events in order), and
 * the one evaluator of an exercise's conditions over it. Pure: no clock, no session, no I/O, so
 * it is tested on recorded timelines.
 *
 * Copyright 2026 The Failover Lab authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "fl-event.h"
#include "fl-exercise.h"
#include "fl-sample.h"

G_BEGIN_DECLS

/* which DC each role is, decided when a run starts; $all is every DC of the observation */
typedef struct
{
  char *dc[FL_N_ROLES];
} FlRoleBinding;

void           fl_role_binding_clear         (FlRoleBinding       *binding);

typedef struct _FlObservation FlObservation;

FlObservation *fl_observation_new            (const char * const  *dcs);
void           fl_observation_free           (FlObservation       *self);
gint64         fl_observation_add_sample     (FlObservation       *self,
                                              FlSample            *sample);
void           fl_observation_add_event      (FlObservation       *self,
                                              FlEvent             *event);
guint          fl_observation_get_n_dcs      (const FlObservation *self);
const char    *fl_observation_get_dc         (const FlObservation *self,
                                              guint                index);
const char    *fl_observation_get_view       (const FlObservation *self,
                                              FlView               view,
                                              gboolean            *known);
FlStatus       fl_observation_get_status     (const FlObservation *self,
                                              const char          *dc,
                                              FlCheckKind          check,
                                              gboolean            *known);
gint64         fl_observation_get_result_time (const FlObservation *self,
                                              const char          *dc,
                                              FlCheckKind          check);
gboolean       fl_observation_has_news       (const FlObservation *self,
                                              const char          *dc,
                                              FlCheckKind          check);
gboolean       fl_observation_answers        (const FlObservation *self,
                                              const char          *dc,
                                              gboolean            *known);
FlEvent       *fl_observation_get_switch     (const FlObservation *self,
                                              FlView               view,
                                              gint64               since);

gboolean       fl_predicate_eval             (const FlPredicate   *predicate,
                                              const FlObservation *observation,
                                              const FlRoleBinding *binding,
                                              gint64               since);
guint          fl_predicate_get_checks       (const FlPredicate   *predicate);
char          *fl_predicate_describe         (const FlPredicate   *predicate,
                                              const FlRoleBinding *binding);
char          *fl_predicate_explain          (const FlPredicate   *predicate,
                                              const FlObservation *observation,
                                              const FlRoleBinding *binding,
                                              gint64               since);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (FlObservation, fl_observation_free)

G_END_DECLS
