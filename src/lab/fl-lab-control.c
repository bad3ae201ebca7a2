/* fl-lab-control.c: the message `failoverctl mark-fault` sends a running watch
 *
 * The watch's control socket is the user's own (a private folder, mode 0600), but the bytes
 * still come from another process: bounded, valid UTF-8, one flat object, known keys only.
 *
 * Copyright 2026 The Failover Lab authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gi18n-lib.h>
#include <json-glib/json-glib.h>

#include "fl-json-util.h"
#include "fl-lab-control.h"
#include "fl-lab.h"

static gboolean
get_text (JsonObject  *o,
          const char  *key,
          char       **out,
          GError     **error)
{
  JsonNode *node = json_object_get_member (o, key);

  *out = NULL;
  if (node == NULL || JSON_NODE_HOLDS_NULL (node))
    return TRUE;
  if (!JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_STRING)
    {
      g_set_error (error, FL_LAB_ERROR, FL_LAB_ERROR_SYNTAX, _("“%s” is not a string"), key);
      return FALSE;
    }
  *out = g_strdup (json_node_get_string (node));
  return TRUE;
}

/**
 * fl_fault_request_parse:
 * @dc: (out) (transfer full) (nullable): the DC named, or %NULL for the domain
 * @note: (out) (transfer full) (nullable): the note
 *
 * Returns: %TRUE when @data is a fault request, else %FALSE with @error saying why
 */
gboolean
fl_fault_request_parse (const char  *data,
                        gsize        length,
                        char       **dc,
                        char       **note,
                        GError     **error)
{
  g_autoptr(JsonParser) parser = json_parser_new_immutable ();
  g_autofree char *d = NULL, *n = NULL;
  JsonObject *o;
  JsonObjectIter iter;
  const char *key;

  *dc = *note = NULL;
  if (length > FL_FAULT_REQUEST_MAX)
    {
      g_set_error (error, FL_LAB_ERROR, FL_LAB_ERROR_SYNTAX, _("longer than %d bytes"), FL_FAULT_REQUEST_MAX);
      return FALSE;
    }
  if (!g_utf8_validate_len (data, length, NULL))
    {
      g_set_error_literal (error, FL_LAB_ERROR, FL_LAB_ERROR_SYNTAX, _("not UTF-8 text"));
      return FALSE;
    }
  if (fl_json_max_nesting (data, length) > 1 || !json_parser_load_from_data (parser, data, (gssize)length, NULL) ||
      json_parser_get_root (parser) == NULL || !JSON_NODE_HOLDS_OBJECT (json_parser_get_root (parser)))
    {
      g_set_error_literal (error, FL_LAB_ERROR, FL_LAB_ERROR_SYNTAX, _("not a JSON object"));
      return FALSE;
    }
  o = json_node_get_object (json_parser_get_root (parser));
  json_object_iter_init (&iter, o);
  while (json_object_iter_next (&iter, &key, NULL))
    if (!g_str_equal (key, "dc") && !g_str_equal (key, "note"))
      {
        g_set_error (error, FL_LAB_ERROR, FL_LAB_ERROR_SYNTAX, _("unknown key “%s”"), key);
        return FALSE;
      }
  if (!get_text (o, "dc", &d, error) || !get_text (o, "note", &n, error))
    return FALSE;
  *dc = g_steal_pointer (&d);
  *note = g_steal_pointer (&n);
  return TRUE;
}
