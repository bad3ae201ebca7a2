/* fl-keyring.h: the lab user's password in the desktop keyring (libsecret), never on disk
 *
 * Copyright 2026 The Failover Lab authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

void     fl_keyring_lookup_async  (const char           *principal,
                                   GCancellable         *cancellable,
                                   GAsyncReadyCallback   callback,
                                   gpointer              user_data);
char    *fl_keyring_lookup_finish (GAsyncResult         *result,
                                   GError              **error);
void     fl_keyring_store_async   (const char           *principal,
                                   const char           *password,
                                   GCancellable         *cancellable,
                                   GAsyncReadyCallback   callback,
                                   gpointer              user_data);
gboolean fl_keyring_store_finish  (GAsyncResult         *result,
                                   GError              **error);
void     fl_keyring_clear_async   (const char           *principal,
                                   GCancellable         *cancellable,
                                   GAsyncReadyCallback   callback,
                                   gpointer              user_data);
gboolean fl_keyring_clear_finish  (GAsyncResult         *result,
                                   GError              **error);

G_END_DECLS
