/* fl-keyring.h: the lab user's password in the desktop keyring (libsecret), never on disk
 *
 * Copyright 2026 The Failover Lab authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

typedef enum
{
  FL_KEYRING_USER_PASSWORD,      /* the lab user's password, for one lab */
  FL_KEYRING_HYPERVISOR_SECRET,  /* a Proxmox API token secret or password, for one hypervisor */
} FlKeyringKind;

void     fl_keyring_lookup_async  (FlKeyringKind         kind,
                                   const char           *principal,
                                   const char           *scope,
                                   GCancellable         *cancellable,
                                   GAsyncReadyCallback   callback,
                                   gpointer              user_data);
char    *fl_keyring_lookup_finish (GAsyncResult         *result,
                                   GError              **error);
void     fl_keyring_store_async   (FlKeyringKind         kind,
                                   const char           *principal,
                                   const char           *scope,
                                   const char           *label_where,
                                   const char           *password,
                                   GCancellable         *cancellable,
                                   GAsyncReadyCallback   callback,
                                   gpointer              user_data);
gboolean fl_keyring_store_finish  (GAsyncResult         *result,
                                   GError              **error);
void     fl_keyring_clear_async   (FlKeyringKind         kind,
                                   const char           *principal,
                                   const char           *scope,
                                   GCancellable         *cancellable,
                                   GAsyncReadyCallback   callback,
                                   gpointer              user_data);
gboolean fl_keyring_clear_finish  (GAsyncResult         *result,
                                   GError              **error);

G_END_DECLS
