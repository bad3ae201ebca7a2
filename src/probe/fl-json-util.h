/* fl-json-util.h: limits for JSON from outside (servers, files), before json-glib sees it
 *
 * Copyright 2026 The Failover Lab authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

guint    fl_json_max_nesting   (const char *data,
                                gsize       length);
gboolean fl_json_double_to_int (double      value,
                                gint64     *out);

G_END_DECLS
