/* fl-gpo-guid.h: a GPO folder's name, checked; shared by the probe and the SYSVOL helper (which
 * links GLib and libsmbclient only, never the probe library and its MIT krb5)
 *
 * Copyright 2026 The Failover Lab authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>

/**
 * fl_gpo_guid_is_valid:
 *
 * Returns: whether @text is a GPO folder's name: a GUID in braces, "{8-4-4-4-12}" hex digits
 */
static inline gboolean
fl_gpo_guid_is_valid (const char *text)
{
  static const guint8 groups[] = { 8, 4, 4, 4, 12 };
  const char *p = text;

  if (text == NULL || *p++ != '{')
    return FALSE;
  for (guint g = 0; g < G_N_ELEMENTS (groups); g++)
    {
      for (guint i = 0; i < groups[g]; i++)
        if (!g_ascii_isxdigit (*p++))
          return FALSE;
      if (*p++ != (g + 1 < G_N_ELEMENTS (groups) ? '-' : '}'))
        return FALSE;
    }
  return *p == '\0';
}
