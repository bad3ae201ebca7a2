/* fl-client-tile.h: the Windows client's own views beside the DC tiles
 *
 * Copyright 2026 The Failover Lab authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

#include "fl-lab-session.h"

G_BEGIN_DECLS

#define FL_TYPE_CLIENT_TILE (fl_client_tile_get_type ())

G_DECLARE_FINAL_TYPE (FlClientTile, fl_client_tile, FL, CLIENT_TILE, AdwBin)

GtkWidget *fl_client_tile_new (FlLabSession *session);

G_END_DECLS
