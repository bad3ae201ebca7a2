/* fl-net.h: socket operations bounded by a deadline, with errors people can act on
 *
 * Copyright 2026 The Failover Lab authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/* Accepts or rejects a datagram that arrived (e.g. wrong id: keep waiting). */
typedef gboolean (*FlNetAcceptFunc) (const guint8 *data,
                                     gsize         length,
                                     gpointer      user_data);

gint64    fl_net_remaining_us  (gint64           deadline_us);
GSocket  *fl_net_tcp_connect   (const char      *address,
                                guint16          port,
                                const char      *service,
                                gint64           deadline_us,
                                GError         **error);
GBytes   *fl_net_udp_exchange  (const char      *address,
                                guint16          port,
                                GBytes          *request,
                                gint64           deadline_us,
                                FlNetAcceptFunc  accept,
                                gpointer         user_data,
                                GError         **error);
gboolean  fl_net_icmp_echo     (const char      *address,
                                gint64           deadline_us,
                                GError         **error);
void      fl_net_set_error     (GError         **error,
                                const GError    *io_error,
                                const char      *address,
                                guint16          port,
                                const char      *service);

G_END_DECLS

G_BEGIN_DECLS

GBytes   *fl_net_udp_race      (const char * const *addresses,
                                guint16             port,
                                GBytes             *request,
                                gint64              stagger_us,
                                gint64              deadline_us,
                                FlNetAcceptFunc     accept,
                                gpointer            user_data,
                                guint              *winner,
                                GPtrArray          *failures);

G_END_DECLS
