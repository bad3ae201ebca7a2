/* fl-chart.c: the live switchover chart — a status lane per DC and check, the client views,
 * and the event markers, drawn with cairo (GTK 4.8 has no GskPath)
 *
 * Copyright 2026 The Failover Lab authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "fl-chart"

#include "config.h"

#include <glib/gi18n.h>
#include <cairo-svg.h>
#include <math.h>

#include "fl-chart.h"
#include "fl-chart-math.h"

#define LABEL_WIDTH  120
#define LANE_HEIGHT  7
#define LANE_GAP     2
#define GROUP_GAP    10
#define AXIS_HEIGHT  22
#define MIN_SPAN_US  (G_GINT64_CONSTANT (10) * G_USEC_PER_SEC)
#define MAX_SPAN_US  (G_GINT64_CONSTANT (8) * 3600 * G_USEC_PER_SEC)

static const FlCheckKind lane_checks[] = {
  FL_CHECK_REACH, FL_CHECK_DNS, FL_CHECK_LDAP_PING, FL_CHECK_LDAP, FL_CHECK_KERBEROS,
  FL_CHECK_MACHINE_TRUST, FL_CHECK_SMB, FL_CHECK_TIME,
};

struct _FlChart
{
  GtkWidget parent_instance;

  /* owned */
  FlTimeline    *timeline;
  GdkRGBA        status_colors[5];
  GdkRGBA        dc_colors[6];
  GdkRGBA        fg;
  gulong         sample_handler;
  gulong         event_handler;

  FlChartWindow  view;          /* start and span; width set at draw */
  double         drag_start_x;
  double         drag_x;

  guint          follow_live : 1;
  guint          dragging : 1;
  guint          colorblind : 1;
};

enum {
  PROP_0,
  PROP_FOLLOW_LIVE,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

G_DEFINE_FINAL_TYPE (FlChart, fl_chart, GTK_TYPE_WIDGET)

static void
set_rgba (GdkRGBA    *c,
          const char *spec)
{
  gdk_rgba_parse (c, spec);
}

static void
load_colors (FlChart *self)
{
  GtkStyleContext *ctx = gtk_widget_get_style_context (GTK_WIDGET (self));
  GdkRGBA c;

  /* colour-blind safe (Okabe–Ito) or the theme's named colours */
  if (self->colorblind)
    {
      set_rgba (&self->status_colors[FL_STATUS_OK], "#009E73");
      set_rgba (&self->status_colors[FL_STATUS_DEGRADED], "#E69F00");
      set_rgba (&self->status_colors[FL_STATUS_FAIL], "#D55E00");
      set_rgba (&self->status_colors[FL_STATUS_TIMEOUT], "#CC79A7");
    }
  else
    {
      if (!gtk_style_context_lookup_color (ctx, "success_color", &self->status_colors[FL_STATUS_OK]))
        set_rgba (&self->status_colors[FL_STATUS_OK], "#26a269");
      if (!gtk_style_context_lookup_color (ctx, "warning_color", &self->status_colors[FL_STATUS_DEGRADED]))
        set_rgba (&self->status_colors[FL_STATUS_DEGRADED], "#cd9309");
      if (!gtk_style_context_lookup_color (ctx, "error_color", &self->status_colors[FL_STATUS_FAIL]))
        set_rgba (&self->status_colors[FL_STATUS_FAIL], "#c01c28");
      set_rgba (&self->status_colors[FL_STATUS_TIMEOUT], "#9141ac");
    }
  set_rgba (&self->status_colors[FL_STATUS_SKIPPED], "rgba(128,128,128,0.35)");
  set_rgba (&self->dc_colors[0], "#3584e4");
  set_rgba (&self->dc_colors[1], "#e66100");
  set_rgba (&self->dc_colors[2], "#2ec27e");
  set_rgba (&self->dc_colors[3], "#9141ac");
  set_rgba (&self->dc_colors[4], "#865e3c");
  set_rgba (&self->dc_colors[5], "#1c71d8");
  gtk_style_context_get_color (ctx, &c);
  self->fg = c;
}

static void
fl_chart_measure (GtkWidget      *widget,
                  GtkOrientation  orientation,
                  int             for_size,
                  int            *minimum,
                  int            *natural,
                  int            *minimum_baseline,
                  int            *natural_baseline)
{
  FlChart *self = FL_CHART (widget);

  if (orientation == GTK_ORIENTATION_HORIZONTAL)
    *minimum = *natural = LABEL_WIDTH + 200;
  else
    {
      int dcs = self->timeline ? (int)fl_probe_config_get_n_dcs (fl_timeline_get_config (self->timeline)) : 2;

      *minimum = *natural = AXIS_HEIGHT + dcs * ((int)G_N_ELEMENTS (lane_checks) * (LANE_HEIGHT + LANE_GAP) + GROUP_GAP)
                            + 2 * (LANE_HEIGHT * 2 + LANE_GAP) + GROUP_GAP + 8;
    }
}

static void
fill_columns (FlChart         *self,
              cairo_t         *cr,
              const char      *dc,
              FlCheckKind      kind,
              double           y,
              double           height,
              gint64           interval_us,
              gboolean         by_server)
{
  guint n = fl_timeline_get_n_samples (self->timeline, dc, kind);
  g_autofree gint64 *starts = g_new (gint64, MAX (n, 1));
  g_autofree gint64 *ends = g_new (gint64, MAX (n, 1));
  g_autofree FlStatus *statuses = g_new (FlStatus, MAX (n, 1));
  g_autofree int *columns = g_new (int, MAX (self->view.width_px, 1));
  g_autofree int *servers = by_server ? g_new0 (int, MAX (self->view.width_px, 1)) : NULL;
  FlProbeConfig *config = fl_timeline_get_config (self->timeline);
  gint64 first_visible = self->view.start_us - interval_us * 2;
  guint first = 0;

  /* skip what lies before the window (binary search on start times) */
  {
    guint lo = 0, hi = n;

    while (lo < hi)
      {
        guint mid = (lo + hi) / 2;

        if (fl_sample_get_mono_us (fl_timeline_get_sample (self->timeline, dc, kind, mid)) < first_visible)
          lo = mid + 1;
        else
          hi = mid;
      }
    first = lo;
  }

  for (guint i = first; i < n; i++)
    {
      FlSample *s = fl_timeline_get_sample (self->timeline, dc, kind, i);
      guint j = i - first;

      starts[j] = fl_sample_get_mono_us (s);
      ends[j] = i + 1 < n ? fl_sample_get_mono_us (fl_timeline_get_sample (self->timeline, dc, kind, i + 1))
                          : starts[j] + interval_us;
      statuses[j] = fl_sample_get_status (s);
      if (by_server)
        {
          double x = fl_chart_x_for_time (&self->view, starts[j]);
          const char *server = fl_sample_lookup_string (s, "server");

          for (guint d = 0; server && d < fl_probe_config_get_n_dcs (config); d++)
            if (g_strcmp0 (fl_probe_config_get_dc (config, d)->name, server) == 0 &&
                x >= 0 && x < self->view.width_px)
              servers[(int)x] = (int)d + 1;
        }
    }
  fl_chart_decimate (&self->view, starts, ends, statuses, n - first, columns);

  /* runs of one colour as one rectangle */
  for (int x = 0; x < self->view.width_px; )
    {
      int run = x;
      int colour = columns[x];

      while (run < self->view.width_px && columns[run] == colour)
        run++;
      if (colour >= 0)
        {
          const GdkRGBA *c = &self->status_colors[colour];

          if (by_server && colour == FL_STATUS_OK)
            {
              /* a client view: coloured by the DC that serves it */
              int server = 0;

              for (int k = x; k < run && server == 0; k++)
                server = servers[k];
              if (server > 0)
                c = &self->dc_colors[(server - 1) % G_N_ELEMENTS (self->dc_colors)];
            }
          gdk_cairo_set_source_rgba (cr, c);
          cairo_rectangle (cr, LABEL_WIDTH + x, y, run - x, height);
          cairo_fill (cr);
        }
      x = run;
    }
}

static void
draw_label (FlChart    *self,
            cairo_t    *cr,
            double      y,
            const char *text,
            gboolean    bold)
{
  PangoLayout *layout = gtk_widget_create_pango_layout (GTK_WIDGET (self), NULL);
  g_autofree char *markup = g_markup_printf_escaped (bold ? "<b>%s</b>" : "<small>%s</small>", text);

  pango_layout_set_markup (layout, markup, -1);
  gdk_cairo_set_source_rgba (cr, &self->fg);
  cairo_move_to (cr, 4, y);
  pango_cairo_show_layout (cr, layout);
  g_object_unref (layout);
}

static void
draw_markers (FlChart *self,
              cairo_t *cr,
              double   top,
              double   bottom)
{
  GPtrArray *events = fl_timeline_get_events (self->timeline);
  gint64 t_fault = -1;
  double label_y = top;

  for (guint i = 0; i < events->len; i++)
    {
      FlEvent *e = events->pdata[i];
      FlEventKind kind = fl_event_get_kind (e);
      double x = fl_chart_x_for_time (&self->view, fl_event_get_mono_us (e));
      g_autofree char *label = NULL;
      const GdkRGBA *c;

      if (kind == FL_EVENT_FAULT)
        t_fault = fl_event_get_mono_us (e);
      if (kind != FL_EVENT_FAULT && kind != FL_EVENT_DETECTED && kind != FL_EVENT_SWITCHED &&
          kind != FL_EVENT_RECOVERED && kind != FL_EVENT_FAILBACK)
        continue;
      if (x < 0 || x >= self->view.width_px)
        continue;

      if (kind == FL_EVENT_FAULT)
        {
          c = &self->status_colors[FL_STATUS_FAIL];
          label = g_strdup (_("fault"));
        }
      else if (kind == FL_EVENT_DETECTED)
        {
          c = &self->status_colors[FL_STATUS_DEGRADED];
          label = g_strdup_printf (_("detected +%.1f s"), fl_event_get_detection_us (e) / 1e6);
        }
      else if (kind == FL_EVENT_SWITCHED)
        {
          c = &self->status_colors[FL_STATUS_OK];
          label = g_strdup_printf (_("%s → %s +%.1f s"), fl_event_get_view (e), fl_event_get_to (e),
                                   fl_event_get_switchover_us (e) / 1e6);
        }
      else
        {
          c = &self->dc_colors[0];
          label = t_fault >= 0 ? g_strdup_printf (_("back +%.1f s"), (fl_event_get_mono_us (e) - t_fault) / 1e6)
                               : g_strdup (_("back"));
        }

      gdk_cairo_set_source_rgba (cr, c);
      cairo_set_line_width (cr, 2);
      if (kind == FL_EVENT_FAULT)
        cairo_set_dash (cr, (double[]) { 5, 3 }, 2, 0);
      cairo_move_to (cr, LABEL_WIDTH + x + 0.5, top);
      cairo_line_to (cr, LABEL_WIDTH + x + 0.5, bottom);
      cairo_stroke (cr);
      cairo_set_dash (cr, NULL, 0, 0);

      {
        PangoLayout *layout = gtk_widget_create_pango_layout (GTK_WIDGET (self), NULL);
        g_autofree char *markup = g_markup_printf_escaped ("<small><b>%s</b></small>", label);

        pango_layout_set_markup (layout, markup, -1);
        gdk_cairo_set_source_rgba (cr, c);
        cairo_move_to (cr, LABEL_WIDTH + x + 4, label_y);
        pango_cairo_show_layout (cr, layout);
        g_object_unref (layout);
        label_y += 14;
        if (label_y > top + 56)
          label_y = top;
      }
    }
}

static void
draw_axis (FlChart *self,
           cairo_t *cr,
           double   y)
{
  gint64 steps[] = { 1, 2, 5, 10, 15, 30, 60, 120, 300, 600, 1800, 3600 };
  gint64 step = 3600;
  gint64 now_mono = g_get_monotonic_time (), now_wall = g_get_real_time ();

  for (guint i = 0; i < G_N_ELEMENTS (steps); i++)
    if (self->view.span_us / (steps[i] * G_USEC_PER_SEC) <= 8)
      {
        step = steps[i];
        break;
      }

  {
    gint64 wall_start = now_wall - (now_mono - self->view.start_us);
    gint64 first = (wall_start / (step * G_USEC_PER_SEC) + 1) * step * G_USEC_PER_SEC;

    for (gint64 t = first; t < wall_start + self->view.span_us; t += step * G_USEC_PER_SEC)
      {
        double x = fl_chart_x_for_time (&self->view, self->view.start_us + (t - wall_start));
        g_autoptr(GDateTime) dt = g_date_time_new_from_unix_local (t / G_USEC_PER_SEC);
        g_autofree char *text = g_date_time_format (dt, "%H:%M:%S");
        PangoLayout *layout = gtk_widget_create_pango_layout (GTK_WIDGET (self), NULL);
        g_autofree char *markup = g_markup_printf_escaped ("<small>%s</small>", text);

        cairo_set_source_rgba (cr, self->fg.red, self->fg.green, self->fg.blue, 0.15);
        cairo_set_line_width (cr, 1);
        cairo_move_to (cr, LABEL_WIDTH + x + 0.5, 0);
        cairo_line_to (cr, LABEL_WIDTH + x + 0.5, y);
        cairo_stroke (cr);
        pango_layout_set_markup (layout, markup, -1);
        gdk_cairo_set_source_rgba (cr, &self->fg);
        cairo_move_to (cr, LABEL_WIDTH + x - 24, y + 3);
        pango_cairo_show_layout (cr, layout);
        g_object_unref (layout);
      }
  }
}

/* Draws the whole chart on @cr: the widget's snapshot and the PNG/SVG exports share it. */
static void
fl_chart_draw (FlChart *self,
               cairo_t *cr,
               int      width)
{
  FlProbeConfig *config = fl_timeline_get_config (self->timeline);
  gint64 interval_us = (gint64)fl_probe_config_get_interval_ms (config) * 1000;
  double y = 4;

  self->view.width_px = width - LABEL_WIDTH;
  if (self->follow_live)
    self->view.start_us = g_get_monotonic_time () - self->view.span_us;

  for (guint d = 0; d < fl_probe_config_get_n_dcs (config); d++)
    {
      const char *dc = fl_probe_config_get_dc (config, d)->name;

      draw_label (self, cr, y - 2, dc, TRUE);
      for (guint k = 0; k < G_N_ELEMENTS (lane_checks); k++)
        {
          fill_columns (self, cr, dc, lane_checks[k], y, LANE_HEIGHT, interval_us, FALSE);
          y += LANE_HEIGHT + LANE_GAP;
        }
      y += GROUP_GAP;
    }

  draw_label (self, cr, y - 3, _("Logon server"), FALSE);
  fill_columns (self, cr, NULL, FL_CHECK_LOCATOR, y, LANE_HEIGHT * 2, interval_us, TRUE);
  y += LANE_HEIGHT * 2 + LANE_GAP;
  draw_label (self, cr, y - 3, _("Tickets from"), FALSE);
  fill_columns (self, cr, NULL, FL_CHECK_KDC_VIEW, y, LANE_HEIGHT * 2, interval_us, TRUE);
  y += LANE_HEIGHT * 2 + GROUP_GAP;

  draw_axis (self, cr, y);
  draw_markers (self, cr, 0, y);

  if (self->dragging)
    {
      double x0 = MIN (self->drag_start_x, self->drag_x), x1 = MAX (self->drag_start_x, self->drag_x);

      cairo_set_source_rgba (cr, self->dc_colors[0].red, self->dc_colors[0].green, self->dc_colors[0].blue, 0.2);
      cairo_rectangle (cr, x0, 0, x1 - x0, y);
      cairo_fill (cr);
    }
}

static void
fl_chart_snapshot (GtkWidget   *widget,
                   GtkSnapshot *snapshot)
{
  FlChart *self = FL_CHART (widget);
  int width = gtk_widget_get_width (widget), height = gtk_widget_get_height (widget);
  cairo_t *cr;

  if (self->timeline == NULL || width <= LABEL_WIDTH)
    return;
  cr = gtk_snapshot_append_cairo (snapshot, &GRAPHENE_RECT_INIT (0, 0, width, height));
  fl_chart_draw (self, cr, width);
  cairo_destroy (cr);
}

/**
 * fl_chart_export:
 * @svg: SVG rather than PNG
 *
 * Writes the chart as it is shown now (window, zoom) to @path, on a white background.
 */
gboolean
fl_chart_export (FlChart     *self,
                 const char  *path,
                 gboolean     svg,
                 GError     **error)
{
  int width = MAX (gtk_widget_get_width (GTK_WIDGET (self)), 800);
  int height = MAX (gtk_widget_get_height (GTK_WIDGET (self)), 200);
  cairo_surface_t *surface;
  cairo_status_t status;
  cairo_t *cr;

  g_return_val_if_fail (FL_IS_CHART (self), FALSE);

  if (self->timeline == NULL)
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_NOT_INITIALIZED, _("There is no chart yet"));
      return FALSE;
    }
  surface = svg ? cairo_svg_surface_create (path, width, height)
                : cairo_image_surface_create (CAIRO_FORMAT_ARGB32, width, height);
  cr = cairo_create (surface);
  cairo_set_source_rgb (cr, 1, 1, 1);
  cairo_paint (cr);
  fl_chart_draw (self, cr, width);
  cairo_destroy (cr);
  if (svg)
    cairo_surface_finish (surface);
  else
    cairo_surface_write_to_png (surface, path);
  status = cairo_surface_status (surface);
  cairo_surface_destroy (surface);
  if (status != CAIRO_STATUS_SUCCESS)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED, "%s: %s", path, cairo_status_to_string (status));
      return FALSE;
    }
  return TRUE;
}

static void
fl_chart_css_changed (GtkWidget         *widget,
                      GtkCssStyleChange *change)
{
  GTK_WIDGET_CLASS (fl_chart_parent_class)->css_changed (widget, change);
  load_colors (FL_CHART (widget));
  gtk_widget_queue_draw (widget);
}

static gboolean
on_scroll (GtkEventControllerScroll *controller,
           double                    dx,
           double                    dy,
           FlChart                  *self)
{
  GdkModifierType mods = gtk_event_controller_get_current_event_state (GTK_EVENT_CONTROLLER (controller));

  if (mods & GDK_CONTROL_MASK)
    fl_chart_zoom (&self->view, self->view.width_px, dy > 0 ? 1.25 : 0.8, MIN_SPAN_US, MAX_SPAN_US);
  else
    fl_chart_pan (&self->view, (dx != 0 ? dx : dy) * 40);
  fl_chart_set_follow_live (self, FALSE);
  gtk_widget_queue_draw (GTK_WIDGET (self));
  return TRUE;
}

static void
on_drag_begin (GtkGestureDrag *gesture,
               double          x,
               double          y,
               FlChart        *self)
{
  self->dragging = TRUE;
  self->drag_start_x = self->drag_x = MAX (x, LABEL_WIDTH);
}

static void
on_drag_update (GtkGestureDrag *gesture,
                double          dx,
                double          dy,
                FlChart        *self)
{
  self->drag_x = MAX (self->drag_start_x + dx, LABEL_WIDTH);
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

static void
on_drag_end (GtkGestureDrag *gesture,
             double          dx,
             double          dy,
             FlChart        *self)
{
  double x0 = MIN (self->drag_start_x, self->drag_x) - LABEL_WIDTH;
  double x1 = MAX (self->drag_start_x, self->drag_x) - LABEL_WIDTH;

  self->dragging = FALSE;
  if (x1 - x0 >= 8)
    {
      /* the selection becomes the window */
      gint64 t0 = fl_chart_time_for_x (&self->view, x0), t1 = fl_chart_time_for_x (&self->view, x1);

      self->view.start_us = t0;
      self->view.span_us = MAX (t1 - t0, MIN_SPAN_US / 10);
      fl_chart_set_follow_live (self, FALSE);
    }
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

static void
on_timeline_changed (FlChart *self)
{
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

static void
fl_chart_dispose (GObject *object)
{
  fl_chart_set_timeline (FL_CHART (object), NULL);
  G_OBJECT_CLASS (fl_chart_parent_class)->dispose (object);
}

static void
fl_chart_get_property (GObject    *object,
                       guint       prop_id,
                       GValue     *value,
                       GParamSpec *pspec)
{
  switch (prop_id)
    {
    case PROP_FOLLOW_LIVE:
      g_value_set_boolean (value, FL_CHART (object)->follow_live);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
fl_chart_set_property (GObject      *object,
                       guint         prop_id,
                       const GValue *value,
                       GParamSpec   *pspec)
{
  switch (prop_id)
    {
    case PROP_FOLLOW_LIVE:
      fl_chart_set_follow_live (FL_CHART (object), g_value_get_boolean (value));
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
fl_chart_class_init (FlChartClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = fl_chart_dispose;
  object_class->get_property = fl_chart_get_property;
  object_class->set_property = fl_chart_set_property;
  widget_class->measure = fl_chart_measure;
  widget_class->snapshot = fl_chart_snapshot;
  widget_class->css_changed = fl_chart_css_changed;

  properties[PROP_FOLLOW_LIVE] =
    g_param_spec_boolean ("follow-live", NULL, NULL, TRUE,
                          (G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));
  g_object_class_install_properties (object_class, N_PROPS, properties);
  gtk_widget_class_set_css_name (widget_class, "flchart");
}

static void
fl_chart_init (FlChart *self)
{
  GtkEventController *scroll = gtk_event_controller_scroll_new (GTK_EVENT_CONTROLLER_SCROLL_BOTH_AXES);
  GtkGesture *drag = gtk_gesture_drag_new ();

  self->follow_live = TRUE;
  self->view.span_us = G_GINT64_CONSTANT (120) * G_USEC_PER_SEC;
  self->view.width_px = 1;
  load_colors (self);

  g_signal_connect (scroll, "scroll", G_CALLBACK (on_scroll), self);
  gtk_widget_add_controller (GTK_WIDGET (self), scroll);
  g_signal_connect (drag, "drag-begin", G_CALLBACK (on_drag_begin), self);
  g_signal_connect (drag, "drag-update", G_CALLBACK (on_drag_update), self);
  g_signal_connect (drag, "drag-end", G_CALLBACK (on_drag_end), self);
  gtk_widget_add_controller (GTK_WIDGET (self), GTK_EVENT_CONTROLLER (drag));
}

GtkWidget *
fl_chart_new (void)
{
  return g_object_new (FL_TYPE_CHART, NULL);
}

/**
 * fl_chart_set_timeline:
 * @timeline: (nullable): what to draw; redrawn as samples and events arrive
 */
void
fl_chart_set_timeline (FlChart    *self,
                       FlTimeline *timeline)
{
  g_return_if_fail (FL_IS_CHART (self));

  if (self->timeline != NULL)
    {
      g_clear_signal_handler (&self->sample_handler, self->timeline);
      g_clear_signal_handler (&self->event_handler, self->timeline);
      g_clear_object (&self->timeline);
    }
  if (timeline != NULL)
    {
      self->timeline = g_object_ref (timeline);
      self->sample_handler = g_signal_connect_swapped (timeline, "sample-added",
                                                       G_CALLBACK (on_timeline_changed), self);
      self->event_handler = g_signal_connect_swapped (timeline, "event-added",
                                                      G_CALLBACK (on_timeline_changed), self);
    }
  gtk_widget_queue_resize (GTK_WIDGET (self));
}

void
fl_chart_set_follow_live (FlChart  *self,
                          gboolean  follow)
{
  g_return_if_fail (FL_IS_CHART (self));

  follow = !!follow;
  if (self->follow_live == follow)
    return;
  self->follow_live = follow;
  gtk_widget_queue_draw (GTK_WIDGET (self));
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_FOLLOW_LIVE]);
}

gboolean
fl_chart_get_follow_live (FlChart *self)
{
  g_return_val_if_fail (FL_IS_CHART (self), FALSE);
  return self->follow_live;
}

/**
 * fl_chart_set_span:
 * @seconds: the visible window, 10 s to 8 h
 */
void
fl_chart_set_span (FlChart *self,
                   guint    seconds)
{
  g_return_if_fail (FL_IS_CHART (self));

  self->view.span_us = CLAMP ((gint64)seconds * G_USEC_PER_SEC, MIN_SPAN_US, MAX_SPAN_US);
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

void
fl_chart_set_colorblind (FlChart  *self,
                         gboolean  colorblind)
{
  g_return_if_fail (FL_IS_CHART (self));

  self->colorblind = !!colorblind;
  load_colors (self);
  gtk_widget_queue_draw (GTK_WIDGET (self));
}
