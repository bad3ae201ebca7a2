/* fl-dashboard-layout.c: the lab page's layout
 *
 * Two children: the tiles' column (a GtkScrolledWindow) and the chart's column. On a wide
 * window they stand side by side, each as tall as the page: the
 * tiles scroll in their own column when they do not all fit, and the chart takes every pixel
 * of height left, so the logon server, the tiles and the chart are seen together without
 * scrolling. On a narrow window they are stacked, the tiles at their full height, and the page
 * scrolls.
 *
 * Copyright 2026 The Failover Lab authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "fl-dashboard-layout.h"

/* the tiles' column holds two tiles side by side (12 px apart, as the flow box has them), or
 * one when the chart would be left less than its minimum width */
#define TILE_SPACING    12
#define MIN_MAIN_WIDTH  420
#define SPACING         18

struct _FlDashboardLayout
{
  GtkLayoutManager parent_instance;
};

G_DEFINE_FINAL_TYPE (FlDashboardLayout, fl_dashboard_layout, GTK_TYPE_LAYOUT_MANAGER)

/* a tile's width: the widest tile's natural width (a flow box lines its children up by their
 * natural widths), in this language and font; at least the column's minimum */
static int
tile_width (GtkWidget *side)
{
  GtkWidget *box = GTK_IS_SCROLLED_WINDOW (side) ? gtk_scrolled_window_get_child (GTK_SCROLLED_WINDOW (side)) : side;
  int widest = 0;

  if (!gtk_widget_should_layout (side))
    return 1;
  gtk_widget_measure (side, GTK_ORIENTATION_HORIZONTAL, -1, &widest, NULL, NULL, NULL);
  if (GTK_IS_VIEWPORT (box))
    box = gtk_viewport_get_child (GTK_VIEWPORT (box));
  for (GtkWidget *child = box ? gtk_widget_get_first_child (box) : NULL; child; child = gtk_widget_get_next_sibling (child))
    {
      int natural = 0;

      if (!gtk_widget_should_layout (child))
        continue;
      gtk_widget_measure (child, GTK_ORIENTATION_HORIZONTAL, -1, NULL, &natural, NULL, NULL);
      widest = MAX (widest, natural);
    }
  return MAX (widest, 1);
}

/* the tiles' column's width beside the chart at @width, or 0: stacked */
static int
side_width (GtkWidget *side,
            int        width)
{
  int tile = tile_width (side);

  if (width >= 2 * tile + TILE_SPACING + SPACING + MIN_MAIN_WIDTH)
    return 2 * tile + TILE_SPACING;
  if (width >= tile + SPACING + MIN_MAIN_WIDTH)
    return tile;
  return 0;
}

static gboolean
get_children (GtkWidget  *widget,
              GtkWidget **side,
              GtkWidget **main)
{
  *side = gtk_widget_get_first_child (widget);
  *main = *side ? gtk_widget_get_next_sibling (*side) : NULL;
  return *side != NULL && *main != NULL;
}

/* stacked, the tiles' column shows every tile: the height its scrolled content needs */
static void
measure_whole_side (GtkWidget *side,
                    int        width,
                    int       *minimum,
                    int       *natural)
{
  GtkWidget *content = GTK_IS_SCROLLED_WINDOW (side)
                         ? gtk_scrolled_window_get_child (GTK_SCROLLED_WINDOW (side)) : side;

  *minimum = *natural = 0;
  if (content != NULL && gtk_widget_should_layout (content))
    gtk_widget_measure (content, GTK_ORIENTATION_VERTICAL, width, minimum, natural, NULL, NULL);
}

static void
measure_child (GtkWidget      *child,
               GtkOrientation  orientation,
               int             for_size,
               int            *minimum,
               int            *natural)
{
  *minimum = *natural = 0;
  if (gtk_widget_should_layout (child))
    gtk_widget_measure (child, orientation, for_size, minimum, natural, NULL, NULL);
}

static GtkSizeRequestMode
fl_dashboard_layout_get_request_mode (GtkLayoutManager *manager,
                                      GtkWidget        *widget)
{
  return GTK_SIZE_REQUEST_HEIGHT_FOR_WIDTH;
}

static void
fl_dashboard_layout_measure (GtkLayoutManager *manager,
                             GtkWidget        *widget,
                             GtkOrientation    orientation,
                             int               for_size,
                             int              *minimum,
                             int              *natural,
                             int              *minimum_baseline,
                             int              *natural_baseline)
{
  GtkWidget *side, *main;
  int side_min, side_nat, main_min, main_nat;

  *minimum = *natural = 0;
  if (!get_children (widget, &side, &main))
    return;

  if (orientation == GTK_ORIENTATION_HORIZONTAL)
    {
      measure_child (side, orientation, -1, &side_min, &side_nat);
      measure_child (main, orientation, -1, &main_min, &main_nat);
      *minimum = MAX (side_min, main_min);
      *natural = MAX (*minimum, 2 * side_min + TILE_SPACING + SPACING + main_nat);
      return;
    }

  if (for_size >= 0 && side_width (side, for_size) > 0)
    {
      /* the tiles' column scrolls: the chart's column sets the height */
      int side_w = side_width (side, for_size);

      measure_child (side, orientation, side_w, &side_min, &side_nat);
      measure_child (main, orientation, for_size - side_w - SPACING, &main_min, &main_nat);
      *minimum = MAX (side_min, main_min);
      *natural = MAX (*minimum, main_nat);
    }
  else
    {
      measure_whole_side (side, for_size, &side_min, &side_nat);
      measure_child (main, orientation, for_size, &main_min, &main_nat);
      *minimum = side_min + SPACING + main_min;
      *natural = side_nat + SPACING + main_nat;
    }
}

static void
place (GtkWidget *child,
       GtkWidget *parent,
       int        x,
       int        y,
       int        width,
       int        height)
{
  int full = gtk_widget_get_width (parent);

  if (!gtk_widget_should_layout (child))
    return;
  if (gtk_widget_get_direction (parent) == GTK_TEXT_DIR_RTL)
    x = full - x - width;
  gtk_widget_size_allocate (child, &(GtkAllocation) { x, y, MAX (width, 0), MAX (height, 0) }, -1);
}

static void
fl_dashboard_layout_allocate (GtkLayoutManager *manager,
                              GtkWidget        *widget,
                              int               width,
                              int               height,
                              int               baseline)
{
  GtkWidget *side, *main;

  if (!get_children (widget, &side, &main))
    return;

  if (side_width (side, width) > 0)
    {
      int side_w = side_width (side, width);

      place (side, widget, 0, 0, side_w, height);
      place (main, widget, side_w + SPACING, 0, width - side_w - SPACING, height);
    }
  else
    {
      int side_min, side_nat, main_min, main_nat, side_height;

      measure_whole_side (side, width, &side_min, &side_nat);
      measure_child (main, GTK_ORIENTATION_VERTICAL, width, &main_min, &main_nat);
      /* what is left after the chart's minimum, up to every tile */
      side_height = CLAMP (height - SPACING - main_min, side_min, side_nat);
      place (side, widget, 0, 0, width, side_height);
      place (main, widget, 0, side_height + SPACING, width, height - side_height - SPACING);
    }
}

static void
fl_dashboard_layout_class_init (FlDashboardLayoutClass *klass)
{
  GtkLayoutManagerClass *layout_class = GTK_LAYOUT_MANAGER_CLASS (klass);

  layout_class->get_request_mode = fl_dashboard_layout_get_request_mode;
  layout_class->measure = fl_dashboard_layout_measure;
  layout_class->allocate = fl_dashboard_layout_allocate;
}

static void
fl_dashboard_layout_init (FlDashboardLayout *self)
{
}

GtkLayoutManager *
fl_dashboard_layout_new (void)
{
  return g_object_new (FL_TYPE_DASHBOARD_LAYOUT, NULL);
}
