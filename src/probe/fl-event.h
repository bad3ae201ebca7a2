/* fl-event.h: something that happened, derived from samples or done by the user
 *
 * Copyright 2026 The Failover Lab authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <json-glib/json-glib.h>

G_BEGIN_DECLS

/* what happened; the nicks are the names in JSON and recordings */
typedef enum
{
  FL_EVENT_WATCH_STARTED, /*< nick=watch_started >*/
  FL_EVENT_FAULT, /*< nick=fault >*/ /* a VM action or `mark-fault`: t_fault */
  FL_EVENT_SERVICE_DOWN, /*< nick=service_down >*/ /* a DC's services stopped answering */
  FL_EVENT_SERVICE_UP, /*< nick=service_up >*/ /* …answer again */
  FL_EVENT_REACH_LOST, /*< nick=reach_lost >*/
  FL_EVENT_REACH_BACK, /*< nick=reach_back >*/
  FL_EVENT_LOCATOR_CHANGED, /*< nick=locator_changed >*/ /* the active logon server changed (to may be NULL: none) */
  FL_EVENT_KDC_CHANGED, /*< nick=kdc_changed >*/ /* the KDC issuing tickets changed */
  FL_EVENT_ALL_DOWN, /*< nick=all_down >*/ /* no DC answers */
  FL_EVENT_RECOVERED, /*< nick=recovered >*/ /* a DC answers again after all were down */
  FL_EVENT_DETECTED, /*< nick=detected >*/ /* the first sample showing the faulted DC failing */
  FL_EVENT_SWITCHED, /*< nick=switched >*/ /* a view is served by another DC after a fault */
  FL_EVENT_FAILBACK, /*< nick=failback >*/ /* a view moved back to the DC that had failed */
  FL_EVENT_ACTION, /*< nick=action >*/ /* a VM action that is not a fault (start, plug): noted */
  FL_EVENT_VIEW_CHANGED, /*< nick=view_changed >*/ /* one of the Windows client's views changed */
} FlEventKind;

#define FL_TYPE_EVENT (fl_event_get_type ())

typedef struct _FlEvent FlEvent;

GType         fl_event_get_type          (void) G_GNUC_CONST;
FlEvent      *fl_event_new               (FlEventKind    kind,
                                          gint64         mono_us,
                                          gint64         wall_us,
                                          const char    *dc,
                                          const char    *view,
                                          const char    *from,
                                          const char    *to,
                                          gint64         detection_us,
                                          gint64         switchover_us,
                                          const char    *message);
FlEvent      *fl_event_ref               (FlEvent       *self);
void          fl_event_unref             (FlEvent       *self);
FlEventKind   fl_event_get_kind          (const FlEvent *self);
gint64        fl_event_get_mono_us       (const FlEvent *self);
gint64        fl_event_get_wall_us       (const FlEvent *self);
const char   *fl_event_get_dc            (const FlEvent *self);
const char   *fl_event_get_view          (const FlEvent *self);
const char   *fl_event_get_from          (const FlEvent *self);
const char   *fl_event_get_to            (const FlEvent *self);
gint64        fl_event_get_detection_us  (const FlEvent *self);
gint64        fl_event_get_switchover_us (const FlEvent *self);
const char   *fl_event_get_message       (const FlEvent *self);
char         *fl_event_words             (FlEventKind    kind,
                                          const char    *dc,
                                          const char    *view,
                                          const char    *from,
                                          const char    *to,
                                          gint64         detection_us,
                                          gint64         switchover_us);
char         *fl_event_describe          (const FlEvent *self);
const char   *fl_event_kind_to_string    (FlEventKind    kind);
gboolean      fl_event_kind_from_string  (const char    *text,
                                          FlEventKind   *kind);
JsonNode     *fl_event_to_json           (const FlEvent *self);
FlEvent      *fl_event_new_from_json     (JsonNode      *node,
                                          GError       **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (FlEvent, fl_event_unref)

G_END_DECLS
