/* fl-json-util.c: limits for JSON from outside (servers, files), before json-glib sees it
 *
 * Copyright 2026 The Failover Lab authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gi18n-lib.h>
#include <math.h>
#include <string.h>

#include "fl-json-util.h"

/**
 * fl_json_max_nesting:
 *
 * json-glib parses recursively: tens of thousands of `[` exhaust a thread's stack. Callers
 * refuse a text nested deeper than they need before parsing it.
 *
 * Returns: how deep the text's objects and arrays nest (strings skipped)
 */
guint
fl_json_max_nesting (const char *data,
                     gsize       length)
{
  guint depth = 0, max = 0;
  gboolean in_string = FALSE;

  for (gsize i = 0; i < length; i++)
    {
      char c = data[i];

      if (in_string)
        {
          if (c == '\\')
            i++;
          else if (c == '"')
            in_string = FALSE;
          continue;
        }
      if (c == '"')
        in_string = TRUE;
      else if (c == '{' || c == '[')
        {
          depth++;   /* not inside MAX(): it evaluates its arguments twice */
          max = MAX (max, depth);
        }
      else if ((c == '}' || c == ']') && depth > 0)
        depth--;
    }

  return max;
}

/**
 * fl_json_double_to_int:
 *
 * A JSON number as an integer: `(gint64) 1e300` is undefined behaviour, so anything not
 * finite or outside gint64's range is refused.
 *
 * Returns: %TRUE with *@out set (truncated toward zero), %FALSE when it does not fit
 */
gboolean
fl_json_double_to_int (double  value,
                       gint64 *out)
{
  /* 2^63 is exact as a double; every double below it in magnitude converts */
  if (!isfinite (value) || value >= 9223372036854775808.0 || value < -9223372036854775808.0)
    return FALSE;
  *out = (gint64)value;
  return TRUE;
}

/**
 * fl_json_path_join:
 *
 * Returns: (transfer full): "@path.@key", or @key at the top
 */
char *
fl_json_path_join (const char *path,
                   const char *key)
{
  if (path == NULL || *path == '\0')
    return g_strdup (key);
  return g_strdup_printf ("%s.%s", path, key);
}

/**
 * fl_json_node_type_name:
 *
 * Returns: what @node is, for "expected an integer, found a string"
 */
const char *
fl_json_node_type_name (JsonNode *node)
{
  switch (json_node_get_node_type (node))
    {
    case JSON_NODE_OBJECT:
      return _("an object");
    case JSON_NODE_ARRAY:
      return _("an array");
    case JSON_NODE_NULL:
      return _("null");
    case JSON_NODE_VALUE:
      switch (json_node_get_value_type (node))
        {
        case G_TYPE_BOOLEAN:
          return _("a boolean");
        case G_TYPE_STRING:
          return _("a string");
        case G_TYPE_INT64:
        case G_TYPE_DOUBLE:
          return _("a number");
        default:
          return _("a value");
        }
    default:
      return _("a value");
    }
}

static guint
edit_distance (const char *a,
               const char *b)
{
  gsize la = strlen (a), lb = strlen (b);
  g_autofree guint *row = NULL;

  if (la > 64 || lb > 64)
    return G_MAXUINT;

  row = g_new (guint, lb + 1);
  for (gsize j = 0; j <= lb; j++)
    row[j] = j;
  for (gsize i = 1; i <= la; i++)
    {
      guint diag = row[0];

      row[0] = i;
      for (gsize j = 1; j <= lb; j++)
        {
          guint up = row[j];
          guint cost = g_ascii_tolower (a[i - 1]) == g_ascii_tolower (b[j - 1]) ? 0 : 1;

          row[j] = MIN (MIN (row[j] + 1, row[j - 1] + 1), diag + cost);
          diag = up;
        }
    }
  return row[lb];
}

/**
 * fl_json_closest_key:
 *
 * Returns: (nullable): the name in @known that @key was likely meant to be (at most two
 *   edits away), for "unknown field (did you mean …?)"
 */
const char *
fl_json_closest_key (const char         *key,
                     const char * const *known)
{
  const char *best = NULL;
  guint best_distance = 3;

  for (guint i = 0; known[i]; i++)
    {
      guint d = edit_distance (key, known[i]);

      if (d < best_distance)
        {
          best = known[i];
          best_distance = d;
        }
    }
  return best;
}

/**
 * fl_json_check_keys:
 * @known: the names this object may have
 * @domain: (type GQuark): the loader's error domain, and @code its "unknown field" code
 *
 * Returns: %FALSE with @error naming the first unknown field, with the name likely meant
 */
gboolean
fl_json_check_keys (JsonObject         *object,
                    const char         *path,
                    const char * const *known,
                    GQuark              domain,
                    int                 code,
                    GError            **error)
{
  g_autoptr(GList) members = json_object_get_members (object);

  for (const GList *l = members; l; l = l->next)
    {
      const char *key = l->data;
      const char *best;
      g_autofree char *where = NULL;

      if (g_strv_contains (known, key))
        continue;
      where = fl_json_path_join (path, key);
      best = fl_json_closest_key (key, known);
      if (best != NULL)
        g_set_error (error, domain, code, _("%s: unknown field (did you mean \"%s\"?)"), where, best);
      else
        {
          g_autofree char *list = g_strjoinv (", ", (char **)known);

          g_set_error (error, domain, code, _("%s: unknown field (this object has: %s)"), where, list);
        }
      return FALSE;
    }
  return TRUE;
}

/**
 * fl_json_set_type_error:
 *
 * "controllers[0].vm.vmid: expected an integer, found a string"
 */
void
fl_json_set_type_error (GError     **error,
                        GQuark       domain,
                        int          code,
                        const char  *where,
                        const char  *expected,
                        JsonNode    *node)
{
  /* TRANSLATORS: "controllers[0].vm.vmid: expected an integer, found a string" */
  g_set_error (error, domain, code, _("%s: expected %s, found %s"), where, expected,
               fl_json_node_type_name (node));
}

const char *
fl_json_get_string (JsonObject *object,
                    const char *key)
{
  JsonNode *node = object ? json_object_get_member (object, key) : NULL;

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_STRING)
    return NULL;
  return json_node_get_string (node);
}

gint64
fl_json_get_int (JsonObject *object,
                 const char *key,
                 gint64      fallback)
{
  JsonNode *node = object ? json_object_get_member (object, key) : NULL;
  gint64 value;

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_INT64)
    return fallback;
  value = json_node_get_int (node);
  /* no sum or difference of two such values can overflow */
  if (value > (G_GINT64_CONSTANT (1) << 52) || value < -(G_GINT64_CONSTANT (1) << 52))
    return fallback;
  return value;
}

/**
 * fl_json_get_value:
 * @where: the member's JSON path, for the errors
 * @type_text: "an integer", for "expected an integer, found a string"
 * @node: (out): the member, a JSON value of @type; stays %NULL when it is absent and may be
 *
 * Returns: %FALSE with @error set when it is absent but required, or of another type
 */
gboolean
fl_json_get_value (JsonObject         *object,
                   const char         *where,
                   const char         *key,
                   gboolean            required,
                   GType               type,
                   const char         *type_text,
                   const FlJsonErrors *errors,
                   JsonNode          **node,
                   GError            **error)
{
  JsonNode *member = json_object_get_member (object, key);

  if (member == NULL)
    {
      if (!required)
        return TRUE;
      g_set_error (error, errors->domain, errors->missing, _("%s: required field is missing"), where);
      return FALSE;
    }
  if (!JSON_NODE_HOLDS_VALUE (member) || json_node_get_value_type (member) != type)
    {
      fl_json_set_type_error (error, errors->domain, errors->type, where, type_text, member);
      return FALSE;
    }
  *node = member;
  return TRUE;
}
