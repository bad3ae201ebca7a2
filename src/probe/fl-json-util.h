/* fl-json-util.h: limits for JSON from outside (servers, files), before json-glib sees it;
 * helpers for loaders whose errors name the JSON path
 *
 * Copyright 2026 The Failover Lab authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <json-glib/json-glib.h>

G_BEGIN_DECLS

guint    fl_json_max_nesting   (const char *data,
                                gsize       length);
gboolean fl_json_double_to_int (double      value,
                                gint64     *out);


/* for loaders of files people write (labs, exercises): errors name the JSON path */
char       *fl_json_path_join      (const char         *path,
                                    const char         *key);
const char *fl_json_node_type_name (JsonNode           *node);
const char *fl_json_closest_key    (const char         *key,
                                    const char * const *known);
gboolean    fl_json_check_keys     (JsonObject         *object,
                                    const char         *path,
                                    const char * const *known,
                                    GQuark              domain,
                                    int                 code,
                                    GError            **error);
/* error codes of a loader's domain, for the helpers that report them */
typedef struct
{
  GQuark domain;
  int    missing;   /* a required member is absent */
  int    type;      /* a member has the wrong JSON type */
} FlJsonErrors;

gboolean    fl_json_get_value      (JsonObject         *object,
                                    const char         *where,
                                    const char         *key,
                                    gboolean            required,
                                    GType               type,
                                    const char         *type_text,
                                    const FlJsonErrors *errors,
                                    JsonNode          **node,
                                    GError            **error);
void        fl_json_set_type_error (GError            **error,
                                    GQuark              domain,
                                    int                 code,
                                    const char         *where,
                                    const char         *expected,
                                    JsonNode           *node);

/* a member read from untrusted JSON: the default when absent or of another type (never a
 * g_critical, unlike json-glib's *_with_default); times bounded to ±2^52 µs (142 years) */
const char *fl_json_get_string     (JsonObject         *object,
                                    const char         *key);
gint64      fl_json_get_int        (JsonObject         *object,
                                    const char         *key,
                                    gint64              fallback);

G_END_DECLS
