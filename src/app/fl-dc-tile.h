/* fl-dc-tile.h
 *
 * Copyright 2026 The Failover Lab authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

#include "fl-dc-state.h"

G_BEGIN_DECLS

#define FL_TYPE_DC_TILE (fl_dc_tile_get_type ())

G_DECLARE_FINAL_TYPE (FlDcTile, fl_dc_tile, FL, DC_TILE, AdwBin)

GtkWidget  *fl_dc_tile_new       (FlDcState    *state);
FlDcState  *fl_dc_tile_get_state (FlDcTile     *self);
const char *fl_dc_tile_describe  (FlDcState    *state,
                                  const char  **css);
char       *fl_dc_tile_format_roles (FlDcState *state);
char       *fl_dc_tile_format_where (FlDcState *state);
void        fl_dc_tile_status_look  (FlStatus     status,
                                     const char **icon,
                                     const char **css);
void        fl_dc_tile_set_css      (GtkWidget   *widget,
                                     const char  *css);

G_END_DECLS
