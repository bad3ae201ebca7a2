/* fl-test-win-argv.h: a Windows command line split as CommandLineToArgvW (and the Microsoft C
 * runtime since 2008) splits it, to check fl_win_command_line() against: 2n backslashes and a
 * quote are n backslashes and a quote toggle, 2n+1 and a quote are n and a literal quote, a ""
 * inside quotes is a literal quote; the program name (the first) is split the same here (its
 * own rules differ only for backslashes, which our program names do not have).
 *
 * Copyright 2026 The Failover Lab authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>

static inline GStrv
fl_test_win_split (const char *line)
{
  g_autoptr(GStrvBuilder) b = g_strv_builder_new ();
  const char *p = line;

  for (;;)
    {
      GString *arg;
      gboolean quoted = FALSE;

      while (*p == ' ' || *p == '\t')
        p++;
      if (*p == '\0')
        break;
      arg = g_string_new (NULL);
      while (*p != '\0' && (quoted || (*p != ' ' && *p != '\t')))
        {
          if (*p == '\\')
            {
              guint n = 0;

              while (*p == '\\')
                n++, p++;
              if (*p == '"')
                {
                  for (guint k = 0; k < n / 2; k++)
                    g_string_append_c (arg, '\\');
                  if (n % 2)
                    {
                      g_string_append_c (arg, '"');
                      p++;
                    }
                }
              else
                for (guint k = 0; k < n; k++)
                  g_string_append_c (arg, '\\');
              continue;
            }
          if (*p == '"')
            {
              if (quoted && p[1] == '"')
                {
                  g_string_append_c (arg, '"');
                  p += 2;
                  continue;
                }
              quoted = !quoted;
              p++;
              continue;
            }
          g_string_append_c (arg, *p++);
        }
      g_strv_builder_add (b, arg->str);
      g_string_free (arg, TRUE);
    }
  return g_strv_builder_end (b);
}
