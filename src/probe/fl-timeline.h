/* fl-timeline.h
 *
 * Copyright 2026 The Failover Lab authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib-object.h>

#include "fl-event.h"
#include "fl-probe-config.h"
#include "fl-sample.h"

G_BEGIN_DECLS

#define FL_TYPE_TIMELINE (fl_timeline_get_type ())

G_DECLARE_FINAL_TYPE (FlTimeline, fl_timeline, FL, TIMELINE, GObject)

FlTimeline *fl_timeline_new             (FlProbeConfig *config,
                                         guint          capacity);
guint       fl_timeline_get_capacity    (FlTimeline    *self);
void        fl_timeline_add_sample      (FlTimeline    *self,
                                         FlSample      *sample);
void        fl_timeline_add_event       (FlTimeline    *self,
                                         FlEvent       *event);
FlEvent    *fl_timeline_mark_fault      (FlTimeline    *self,
                                         FlEventKind    kind,
                                         const char    *dc,
                                         const char    *note);
guint       fl_timeline_get_n_samples   (FlTimeline    *self,
                                         const char    *dc,
                                         FlCheckKind    kind);
FlSample   *fl_timeline_get_sample      (FlTimeline    *self,
                                         const char    *dc,
                                         FlCheckKind    kind,
                                         guint          i);
guint       fl_timeline_get_samples     (FlTimeline    *self,
                                         const char    *dc,
                                         FlCheckKind    kind,
                                         guint          first,
                                         guint          n,
                                         FlSample     **samples);
guint       fl_timeline_find_sample     (FlTimeline    *self,
                                         const char    *dc,
                                         FlCheckKind    kind,
                                         gint64         mono_us);
FlSample   *fl_timeline_get_latest      (FlTimeline    *self,
                                         const char    *dc,
                                         FlCheckKind    kind);
GPtrArray  *fl_timeline_get_events      (FlTimeline    *self);
FlProbeConfig *fl_timeline_get_config   (FlTimeline    *self);

G_END_DECLS
