/* fl-lab-control.h: the message `failoverctl mark-fault` sends a running watch (pure functions)
 *
 * Copyright 2026 The Failover Lab authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* one line of JSON: {"dc": "DC1", "note": "…"}; nothing longer is read */
#define FL_FAULT_REQUEST_MAX 1024

gboolean fl_fault_request_parse (const char  *data,
                                 gsize        length,
                                 char       **dc,
                                 char       **note,
                                 GError     **error);

G_END_DECLS
