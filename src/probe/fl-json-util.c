/* fl-json-util.c: limits for JSON from outside (servers, files), before json-glib sees it
 *
 * Copyright 2026 The Failover Lab authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <math.h>

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
