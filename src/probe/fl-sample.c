/* fl-sample.c: one immutable observation of one check
 *
 * Copyright 2026 The Failover Lab authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "fl-sample"

#include "config.h"

#include "fl-json-util.h"

#include <glib/gi18n-lib.h>

#include "fl-sample.h"

/* Immutable once made, so it crosses threads freely: a worker makes it, the main context
 * stores and shows it. Times are microseconds: monotonic (for arithmetic) and wall (for
 * people and recordings). The detail is an a{sv} of small facts (which KDC answered, DS
 * flags, locator choice…). */
struct _FlSample
{
  char        *dc;
  char        *message;
  GVariant    *detail;
  gint64       mono_us;
  gint64       wall_us;
  gint64       latency_us;
  FlCheckKind  kind;
  FlStatus     status;
};

G_DEFINE_BOXED_TYPE (FlSample, fl_sample, fl_sample_ref, fl_sample_unref)

static void
fl_sample_clear (gpointer data)
{
  FlSample *self = data;

  g_clear_pointer (&self->message, g_ref_string_release);
  g_clear_pointer (&self->detail, g_variant_unref);
}

/**
 * fl_sample_new_full:
 * @dc: (nullable): the DC's name, %NULL for a domain-wide check
 * @mono_us: when the check started (g_get_monotonic_time())
 * @wall_us: the same moment on the wall clock (g_get_real_time())
 * @latency_us: how long it took, or -1 when it has no meaning (skipped)
 * @message: (nullable): a line for people, e.g. the error in full
 * @detail: (nullable): an a{sv}; a floating reference is sunk
 */
FlSample *
fl_sample_new_full (FlCheckKind  kind,
                    const char  *dc,
                    FlStatus     status,
                    gint64       mono_us,
                    gint64       wall_us,
                    gint64       latency_us,
                    const char  *message,
                    GVariant    *detail)
{
  FlSample *self;

  g_return_val_if_fail (kind < FL_N_CHECKS, NULL);
  g_return_val_if_fail (detail == NULL || g_variant_is_of_type (detail, G_VARIANT_TYPE_VARDICT),
                        NULL);

  self = g_atomic_rc_box_new0 (FlSample);
  self->kind = kind;
  /* DC names are few: interned, one copy for every sample */
  self->dc = (char *)g_intern_string (dc);
  self->status = status;
  self->mono_us = mono_us;
  self->wall_us = wall_us;
  self->latency_us = latency_us;
  /* a message may quote a server (LDAP diagnostics, KDC e-text, SSH stderr): valid UTF-8 from
   * here on, for GTK, JSON and recordings alike */
  if (message != NULL && !g_utf8_validate (message, -1, NULL))
    {
      g_autofree char *valid = g_utf8_make_valid (message, -1);

      self->message = g_ref_string_new (valid);
    }
  else
    self->message = message ? g_ref_string_new (message) : NULL;
  self->detail = detail ? g_variant_ref_sink (detail) : NULL;
  /* serialise now, on the thread that made it: one compact buffer instead of a tree of small
   * GVariants (a timeline keeps hundreds of thousands of samples) */
  if (self->detail != NULL)
    (void)g_variant_get_data (self->detail);
  return self;
}

/**
 * fl_sample_new:
 * @started_us: the monotonic time the check started; the wall time is derived from now
 */
FlSample *
fl_sample_new (FlCheckKind  kind,
               const char  *dc,
               FlStatus     status,
               gint64       started_us,
               gint64       latency_us,
               const char  *message,
               GVariant    *detail)
{
  gint64 wall = g_get_real_time () - (g_get_monotonic_time () - started_us);

  return fl_sample_new_full (kind, dc, status, started_us, wall, latency_us, message, detail);
}

/**
 * fl_sample_new_sharing:
 * @self: a sample
 * @previous: (nullable): the sample before it in the same series
 *
 * A timeline keeps hundreds of thousands of samples, and one check says the same thing round
 * after round: this returns @self, or an equal copy of it that shares @previous's message and
 * detail where they are equal (a few dozen bytes instead of a few hundred).
 *
 * Returns: (transfer full): @self or its compact copy
 */
FlSample *
fl_sample_new_sharing (FlSample       *self,
                       const FlSample *previous)
{
  gboolean same_detail, same_message;
  FlSample *copy;

  g_return_val_if_fail (self != NULL, NULL);

  if (previous == NULL)
    return fl_sample_ref (self);
  same_detail = self->detail != NULL && previous->detail != NULL &&
                self->detail != previous->detail && g_variant_equal (self->detail, previous->detail);
  same_message = self->message != NULL && previous->message != NULL &&
                 self->message != previous->message && g_str_equal (self->message, previous->message);
  if (!same_detail && !same_message)
    return fl_sample_ref (self);

  copy = g_atomic_rc_box_new0 (FlSample);
  *copy = *self;
  copy->message = same_message ? g_ref_string_acquire (previous->message)
                               : (self->message ? g_ref_string_acquire (self->message) : NULL);
  copy->detail = same_detail ? g_variant_ref (previous->detail)
                             : (self->detail ? g_variant_ref (self->detail) : NULL);
  return copy;
}

FlSample *
fl_sample_ref (FlSample *self)
{
  return g_atomic_rc_box_acquire (self);
}

void
fl_sample_unref (FlSample *self)
{
  g_atomic_rc_box_release_full (self, fl_sample_clear);
}

FlCheckKind
fl_sample_get_kind (const FlSample *self)
{
  return self->kind;
}

const char *
fl_sample_get_dc (const FlSample *self)
{
  return self->dc;
}

FlStatus
fl_sample_get_status (const FlSample *self)
{
  return self->status;
}

gint64
fl_sample_get_mono_us (const FlSample *self)
{
  return self->mono_us;
}

gint64
fl_sample_get_wall_us (const FlSample *self)
{
  return self->wall_us;
}

gint64
fl_sample_get_latency_us (const FlSample *self)
{
  return self->latency_us;
}

const char *
fl_sample_get_message (const FlSample *self)
{
  return self->message;
}

/**
 * fl_sample_get_detail:
 *
 * Returns: (transfer none) (nullable): the a{sv} detail
 */
GVariant *
fl_sample_get_detail (const FlSample *self)
{
  return self->detail;
}

/**
 * fl_sample_lookup_string:
 *
 * Returns: (nullable): the string detail @key, e.g. "server" (which DC answered)
 */
const char *
fl_sample_lookup_string (const FlSample *self,
                         const char     *key)
{
  const char *value = NULL;

  if (self->detail == NULL || !g_variant_lookup (self->detail, key, "&s", &value))
    return NULL;
  return value;
}

gboolean
fl_sample_lookup_int64 (const FlSample *self,
                        const char     *key,
                        gint64         *value)
{
  g_autoptr(GVariant) v = NULL;

  if (self->detail == NULL)
    return FALSE;
  v = g_variant_lookup_value (self->detail, key, NULL);
  if (v == NULL)
    return FALSE;
  if (g_variant_is_of_type (v, G_VARIANT_TYPE_INT64))
    *value = g_variant_get_int64 (v);
  else if (g_variant_is_of_type (v, G_VARIANT_TYPE_UINT32))
    *value = g_variant_get_uint32 (v);
  else if (g_variant_is_of_type (v, G_VARIANT_TYPE_INT32))
    *value = g_variant_get_int32 (v);
  else
    return FALSE;
  return TRUE;
}

/**
 * fl_sample_to_json:
 *
 * Returns: (transfer full): {"type":"sample","t_us":…,"wall_us":…,"dc":…,"check":…,
 *   "status":…,"latency_us":…,"message":…,"detail":{…}} — one line of a recording
 */
JsonNode *
fl_sample_to_json (const FlSample *self)
{
  g_autoptr(JsonBuilder) b = json_builder_new_immutable ();

  json_builder_begin_object (b);
  json_builder_set_member_name (b, "type");
  json_builder_add_string_value (b, "sample");
  json_builder_set_member_name (b, "t_us");
  json_builder_add_int_value (b, self->mono_us);
  json_builder_set_member_name (b, "wall_us");
  json_builder_add_int_value (b, self->wall_us);
  if (self->dc != NULL)
    {
      json_builder_set_member_name (b, "dc");
      json_builder_add_string_value (b, self->dc);
    }
  json_builder_set_member_name (b, "check");
  json_builder_add_string_value (b, fl_check_kind_to_string (self->kind));
  json_builder_set_member_name (b, "status");
  json_builder_add_string_value (b, fl_status_to_string (self->status));
  json_builder_set_member_name (b, "latency_us");
  json_builder_add_int_value (b, self->latency_us);
  if (self->message != NULL)
    {
      json_builder_set_member_name (b, "message");
      json_builder_add_string_value (b, self->message);
    }
  if (self->detail != NULL && g_variant_n_children (self->detail) > 0)
    {
      json_builder_set_member_name (b, "detail");
      json_builder_add_value (b, json_gvariant_serialize (self->detail));
    }
  json_builder_end_object (b);

  return json_builder_get_root (b);
}

static GVariant *
detail_from_json (JsonObject *object)
{
  GVariantDict dict;
  g_autoptr(GList) members = json_object_get_members (object);

  g_variant_dict_init (&dict, NULL);
  for (const GList *l = members; l != NULL; l = l->next)
    {
      JsonNode *v = json_object_get_member (object, l->data);

      if (JSON_NODE_HOLDS_VALUE (v))
        switch (json_node_get_value_type (v))
          {
          case G_TYPE_STRING:
            g_variant_dict_insert (&dict, l->data, "s", json_node_get_string (v));
            break;
          case G_TYPE_INT64:
            g_variant_dict_insert (&dict, l->data, "x", json_node_get_int (v));
            break;
          case G_TYPE_DOUBLE:
            g_variant_dict_insert (&dict, l->data, "d", json_node_get_double (v));
            break;
          case G_TYPE_BOOLEAN:
            g_variant_dict_insert (&dict, l->data, "b", json_node_get_boolean (v));
            break;
          default:
            break;
          }
      else if (JSON_NODE_HOLDS_ARRAY (v))
        {
          JsonArray *a = json_node_get_array (v);
          g_autoptr(GPtrArray) strv = g_ptr_array_new ();

          for (guint i = 0; i < json_array_get_length (a); i++)
            {
              JsonNode *e = json_array_get_element (a, i);

              if (JSON_NODE_HOLDS_VALUE (e) && json_node_get_value_type (e) == G_TYPE_STRING)
                g_ptr_array_add (strv, (gpointer)json_node_get_string (e));
            }
          g_ptr_array_add (strv, NULL);
          g_variant_dict_insert (&dict, l->data, "^as", (char **)strv->pdata);
        }
    }
  return g_variant_ref_sink (g_variant_dict_end (&dict));
}

/**
 * fl_sample_new_from_json:
 *
 * Reads back what fl_sample_to_json() wrote (a recording line).
 */
FlSample *
fl_sample_new_from_json (JsonNode  *node,
                         GError   **error)
{
  JsonObject *o;
  const char *check, *status_text;
  FlCheckKind kind;
  FlStatus status;
  g_autoptr(GVariant) detail = NULL;

  if (!JSON_NODE_HOLDS_OBJECT (node))
    goto bad;
  o = json_node_get_object (node);
  check = fl_json_get_string (o, "check");
  status_text = fl_json_get_string (o, "status");
  if (!fl_check_kind_from_string (check, &kind) || !fl_status_from_string (status_text, &status))
    goto bad;
  if (json_object_has_member (o, "detail"))
    {
      JsonNode *dn = json_object_get_member (o, "detail");

      /* built by hand: json-glib 1.6's json_gvariant_deserialize() makes malformed a{sv} */
      if (!JSON_NODE_HOLDS_OBJECT (dn) || (detail = detail_from_json (json_node_get_object (dn))) == NULL)
        goto bad;
    }

  return fl_sample_new_full (kind,
                             fl_json_get_string (o, "dc"),
                             status,
                             fl_json_get_int (o, "t_us", 0),
                             fl_json_get_int (o, "wall_us", 0),
                             fl_json_get_int (o, "latency_us", -1),
                             fl_json_get_string (o, "message"),
                             detail);

bad:
  g_set_error_literal (error, FL_PROBE_ERROR, FL_PROBE_ERROR_MALFORMED,
                       _("not a sample record"));
  return NULL;
}
