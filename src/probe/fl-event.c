/* fl-event.c
 *
 * Copyright 2026 The Failover Lab authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "fl-event"

#include "config.h"

#include "fl-json-util.h"

#include <glib/gi18n-lib.h>

#include "fl-event.h"
#include "fl-probe-enums.h"
#include "fl-probe-types.h"

struct _FlEvent
{
  char        *dc;
  char        *view;
  char        *from;
  char        *to;
  char        *message;
  gint64       mono_us;
  gint64       wall_us;
  gint64       detection_us;
  gint64       switchover_us;
  FlEventKind  kind;
};

G_DEFINE_BOXED_TYPE (FlEvent, fl_event, fl_event_ref, fl_event_unref)

const char *
fl_event_kind_to_string (FlEventKind kind)
{
  const char *nick = fl_enum_to_nick (FL_TYPE_EVENT_KIND, (int)kind);

  g_return_val_if_fail (nick != NULL, "unknown");
  return nick;
}

gboolean
fl_event_kind_from_string (const char  *text,
                           FlEventKind *kind)
{
  int v;

  if (!fl_enum_from_nick (FL_TYPE_EVENT_KIND, text, &v))
    return FALSE;
  *kind = (FlEventKind)v;
  return TRUE;
}

static void
fl_event_clear (gpointer data)
{
  FlEvent *self = data;

  g_free (self->dc);
  g_free (self->view);
  g_free (self->from);
  g_free (self->to);
  g_free (self->message);
}

/**
 * fl_event_new:
 * @detection_us: for %FL_EVENT_DETECTED / %FL_EVENT_SWITCHED: t_detect − t_fault, else -1
 * @switchover_us: for %FL_EVENT_SWITCHED: t_switch − t_fault, else -1
 */
FlEvent *
fl_event_new (FlEventKind  kind,
              gint64       mono_us,
              gint64       wall_us,
              const char  *dc,
              const char  *view,
              const char  *from,
              const char  *to,
              gint64       detection_us,
              gint64       switchover_us,
              const char  *message)
{
  FlEvent *self = g_atomic_rc_box_new0 (FlEvent);

  self->kind = kind;
  self->mono_us = mono_us;
  self->wall_us = wall_us;
  self->dc = g_strdup (dc);
  self->view = g_strdup (view);
  self->from = g_strdup (from);
  self->to = g_strdup (to);
  self->detection_us = detection_us;
  self->switchover_us = switchover_us;
  self->message = message != NULL && !g_utf8_validate (message, -1, NULL) ? g_utf8_make_valid (message, -1)
                                                                         : g_strdup (message);
  return self;
}

FlEvent *
fl_event_ref (FlEvent *self)
{
  return g_atomic_rc_box_acquire (self);
}

void
fl_event_unref (FlEvent *self)
{
  g_atomic_rc_box_release_full (self, fl_event_clear);
}

FlEventKind fl_event_get_kind (const FlEvent *self) { return self->kind; }
gint64 fl_event_get_mono_us (const FlEvent *self) { return self->mono_us; }
gint64 fl_event_get_wall_us (const FlEvent *self) { return self->wall_us; }
const char *fl_event_get_dc (const FlEvent *self) { return self->dc; }
const char *fl_event_get_view (const FlEvent *self) { return self->view; }
const char *fl_event_get_from (const FlEvent *self) { return self->from; }
const char *fl_event_get_to (const FlEvent *self) { return self->to; }
gint64 fl_event_get_detection_us (const FlEvent *self) { return self->detection_us; }
gint64 fl_event_get_switchover_us (const FlEvent *self) { return self->switchover_us; }
const char *fl_event_get_message (const FlEvent *self) { return self->message; }

static void
add_opt_string (JsonBuilder *b,
                const char  *key,
                const char  *value)
{
  if (value == NULL)
    return;
  json_builder_set_member_name (b, key);
  json_builder_add_string_value (b, value);
}

/**
 * fl_event_words:
 * @dc: (nullable): the DC the event is about
 * @view: (nullable): the view's nick ("locator", "kerberos", "win_locator", …)
 * @from: (nullable): the DC before (%NULL: none)
 * @to: (nullable): the DC after (%NULL: none)
 * @detection_us: how long the fault took to be seen (< 0: not seen)
 * @switchover_us: how long the view took to move after the fault
 *
 * The words of a view's move, a fault's detection or a DC's return, in this language: the
 * switchover detector says them, and a recording is read with them (a recording made in another
 * language, or by an older version that named views by their ids, is shown in the reader's
 * words).
 *
 * Returns: (nullable): the text, or %NULL for an event these words do not cover
 */
char *
fl_event_words (FlEventKind  kind,
                const char  *dc,
                const char  *view,
                const char  *from,
                const char  *to,
                gint64       detection_us,
                gint64       switchover_us)
{
  int v;

  if (kind == FL_EVENT_DETECTED && dc != NULL && detection_us >= 0)
    return g_strdup_printf (_("%s failure detected after %.1f s"), dc, detection_us / 1e6);
  if (kind == FL_EVENT_SERVICE_UP && dc != NULL)
    return g_strdup_printf (_("%s answers again"), dc);
  if (view == NULL || !fl_enum_from_nick (FL_TYPE_VIEW, view, &v))
    return NULL;
  switch (kind)
    {
    case FL_EVENT_SWITCHED:
      if (to == NULL || switchover_us < 0)
        return NULL;
      if (detection_us >= 0)
        /* TRANSLATORS: "Logon server: DC1 → DC2 in 1.3 s (detected after 0.4 s)" */
        return g_strdup_printf (_("%s: %s → %s in %.1f s (detected after %.1f s)"),
                                fl_view_to_label ((FlView)v), from ? from : _("none"), to,
                                switchover_us / 1e6, detection_us / 1e6);
      /* TRANSLATORS: "Kerberos tickets: DC1 → DC2 in 1.3 s" */
      return g_strdup_printf (_("%s: %s → %s in %.1f s"), fl_view_to_label ((FlView)v),
                              from ? from : _("none"), to, switchover_us / 1e6);
    case FL_EVENT_LOCATOR_CHANGED:
      return g_strdup_printf (_("Active logon server: %s → %s"), from ? from : _("none"), to ? to : _("none"));
    case FL_EVENT_KDC_CHANGED:
      return g_strdup_printf (_("Tickets now come from %s (before: %s)"), to ? to : _("no KDC"),
                              from ? from : _("no KDC"));
    case FL_EVENT_VIEW_CHANGED:
      /* TRANSLATORS: a Windows client's view moved: "Secure channel: DC1 → none" */
      return g_strdup_printf (_("%s: %s → %s"), fl_view_to_label ((FlView)v), from ? from : _("none"),
                              to ? to : _("none"));
    case FL_EVENT_WATCH_STARTED:
    case FL_EVENT_FAULT:
    case FL_EVENT_SERVICE_DOWN:
    case FL_EVENT_SERVICE_UP:
    case FL_EVENT_REACH_LOST:
    case FL_EVENT_REACH_BACK:
    case FL_EVENT_ALL_DOWN:
    case FL_EVENT_RECOVERED:
    case FL_EVENT_DETECTED:
    case FL_EVENT_FAILBACK:
    case FL_EVENT_ACTION:
    default:
      return NULL;
    }
}

/**
 * fl_event_describe:
 *
 * Returns: what the event says, for a person: a view's move in this language
 *   (fl_event_words()), any other event as it was recorded
 */
char *
fl_event_describe (const FlEvent *self)
{
  char *words = fl_event_words (self->kind, self->dc, self->view, self->from, self->to, self->detection_us,
                                self->switchover_us);

  return words != NULL ? words : g_strdup (self->message != NULL ? self->message : "");
}

JsonNode *
fl_event_to_json (const FlEvent *self)
{
  g_autoptr(JsonBuilder) b = json_builder_new_immutable ();

  json_builder_begin_object (b);
  json_builder_set_member_name (b, "type");
  json_builder_add_string_value (b, "event");
  json_builder_set_member_name (b, "event");
  json_builder_add_string_value (b, fl_event_kind_to_string (self->kind));
  json_builder_set_member_name (b, "t_us");
  json_builder_add_int_value (b, self->mono_us);
  json_builder_set_member_name (b, "wall_us");
  json_builder_add_int_value (b, self->wall_us);
  add_opt_string (b, "dc", self->dc);
  add_opt_string (b, "view", self->view);
  add_opt_string (b, "from", self->from);
  add_opt_string (b, "to", self->to);
  if (self->detection_us >= 0)
    {
      json_builder_set_member_name (b, "detection_us");
      json_builder_add_int_value (b, self->detection_us);
    }
  if (self->switchover_us >= 0)
    {
      json_builder_set_member_name (b, "switchover_us");
      json_builder_add_int_value (b, self->switchover_us);
    }
  add_opt_string (b, "message", self->message);
  json_builder_end_object (b);
  return json_builder_get_root (b);
}

FlEvent *
fl_event_new_from_json (JsonNode  *node,
                        GError   **error)
{
  JsonObject *o;
  FlEventKind kind;

  if (!JSON_NODE_HOLDS_OBJECT (node))
    goto bad;
  o = json_node_get_object (node);
  if (!fl_event_kind_from_string (fl_json_get_string (o, "event"), &kind))
    goto bad;
  return fl_event_new (kind,
                       fl_json_get_int (o, "t_us", 0),
                       fl_json_get_int (o, "wall_us", 0),
                       fl_json_get_string (o, "dc"),
                       fl_json_get_string (o, "view"),
                       fl_json_get_string (o, "from"),
                       fl_json_get_string (o, "to"),
                       fl_json_get_int (o, "detection_us", -1),
                       fl_json_get_int (o, "switchover_us", -1),
                       fl_json_get_string (o, "message"));
bad:
  g_set_error_literal (error, FL_PROBE_ERROR, FL_PROBE_ERROR_MALFORMED, _("not an event record"));
  return NULL;
}
