/* fl-time-parse.h: SNTP packets and LDAP GeneralizedTime, pure functions
 *
 * Copyright 2026 The Failover Lab authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define FL_SNTP_PACKET_SIZE 48

void      fl_sntp_build_request    (guint8        packet[FL_SNTP_PACKET_SIZE],
                                    gint64        t1_wall_us);
gboolean  fl_sntp_parse_reply      (const guint8 *data,
                                    gsize         length,
                                    gint64        t1_wall_us,
                                    gint64        t4_wall_us,
                                    gint64       *offset_us,
                                    gint64       *delay_us,
                                    guint        *stratum,
                                    GError      **error);
gboolean  fl_parse_generalized_time (const char  *text,
                                     gint64      *wall_us);

G_END_DECLS
