/* fl-app-text.h: text from outside (servers, files, command output) into widgets that read
 * Pango markup: a toast's title and a preferences row's title and subtitle are markup in
 * libadwaita, so "<a href=…>" or a stray "&" in a server's message would be taken as markup.
 *
 * Copyright 2026 The Failover Lab authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

G_BEGIN_DECLS

/* a toast whose title is @text as it is, never markup */
static inline AdwToast *
fl_toast_new_plain (const char *text)
{
  g_autofree char *valid = g_utf8_make_valid (text ? text : "", -1);
  g_autofree char *escaped = g_markup_escape_text (valid, -1);

  return adw_toast_new (escaped);
}

/* a preferences row whose title and subtitle are shown as they are, never as markup */
static inline void
fl_row_set_plain (GtkWidget *row)
{
  adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
}

G_END_DECLS
