/* fl-dc-tile.h
 *
 * Copyright 2026 The Failover Lab authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

#include "fl-sample.h"

G_BEGIN_DECLS

#define FL_TYPE_DC_TILE (fl_dc_tile_get_type ())

G_DECLARE_FINAL_TYPE (FlDcTile, fl_dc_tile, FL, DC_TILE, AdwBin)

GtkWidget  *fl_dc_tile_new          (const char *name,
                                     const char *host,
                                     const char *address,
                                     const char *site);
const char *fl_dc_tile_get_name     (FlDcTile   *self);
void        fl_dc_tile_add_sample   (FlDcTile   *self,
                                     FlSample   *sample);
void        fl_dc_tile_set_serving  (FlDcTile   *self,
                                     gboolean    serving);
void        fl_dc_tile_set_roles    (FlDcTile   *self,
                                     const char *roles);
const char *fl_dc_tile_get_state    (FlDcTile   *self);
FlSample   *fl_dc_tile_get_sample   (FlDcTile   *self,
                                     FlCheckKind kind,
                                     guint       which);
char       *fl_dc_tile_get_where    (FlDcTile   *self);
const char *fl_dc_tile_get_roles    (FlDcTile   *self);

void        fl_dc_tile_set_vm       (FlDcTile   *self,
                                     guint       vmid,
                                     const char *node);
guint       fl_dc_tile_get_vmid     (FlDcTile   *self);
void        fl_dc_tile_set_vm_state (FlDcTile   *self,
                                     const char *status,
                                     gboolean    link_down,
                                     gint64      uptime_s);
const char *fl_dc_tile_get_vm_status (FlDcTile  *self);
gint64      fl_dc_tile_get_vm_uptime (FlDcTile  *self);
void        fl_dc_tile_set_vm_busy  (FlDcTile   *self,
                                     const char *what);
void        fl_dc_tile_set_vm_error (FlDcTile   *self,
                                     const char *message);

G_END_DECLS
