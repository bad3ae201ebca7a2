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
#include <string.h>

#include "fl-chart.h"
#include "fl-chart-math.h"
#include "fl-dc-colors.h"
#include "fl-probe-enums.h"

#define LABEL_WIDTH  120    /* at least: wider when the labels need it (Japanese, presenter mode) */
#define MAX_LABEL_WIDTH 240
#define LANE_HEIGHT  7
#define LANE_GAP     2
#define GROUP_GAP    10
#define AXIS_HEIGHT  22
#define LATENCY_HEIGHT 72
#define MIN_LANE_HEIGHT 5    /* a projector's 768 px, with the tiles and an exercise beside */
#define MAX_LANE_HEIGHT 18
#define STRIP_HEIGHT 1       /* the thinnest strips, when a DC's lanes do not fit (many DCs) */
#define DC_LABEL_HEIGHT 14   /* a DC's name beside its strips, at least */
#define STRIPS_GAP   2       /* between two DCs' strips */
#define MIN_SPAN_US  (G_GINT64_CONSTANT (10) * G_USEC_PER_SEC)
#define MAX_SPAN_US  (G_GINT64_CONSTANT (8) * 3600 * G_USEC_PER_SEC)

/* the checks that time a failover (SYSVOL, read every 15 s, is on the tiles and in the details) */
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
  GdkRGBA        dc_colors[FL_CHART_N_DC_COLORS];
  GdkRGBA        fg;
  gulong         sample_handler;
  gulong         event_handler;

  FlChartWindow  view;          /* start and span; width set at draw */
  double         drag_start_x;
  double         drag_x;
  double         hover_x;       /* -1 when the pointer is elsewhere */

  /* drawing */
  FlSample     **scratch;       /* one lane's new samples (no references) */
  guint          scratch_size;
  FlChartColumns *columns;      /* per (DC or domain, check), as the timeline's series */
  guint          n_columns;
  GArray        *lanes;         /* Lane, where each was drawn: for tooltips */
  double         latency_top_ms;

  /* the chart as last drawn; redrawn only when the data, the window or the style change, not
   * for the pointer's selection and hover line */
  GdkTexture    *cache;
  guint64        generation;
  guint64        cache_generation;
  FlChartWindow  cache_view;
  int            cache_height;

  guint          follow_live : 1;
  gint64         configured_span_us;   /* the window asked for (Preferences) */
  int            label_width;          /* the labels' column, from their text at this font size */
  gint64         wall_minus_mono_us;   /* the samples' wall clock against their monotonic one; 0: not known */
  gint64         first_us;             /* the first sample of this timeline: the session's start */
  guint          dragging : 1;
  guint          colorblind : 1;
  guint          latency_log : 1;
  guint          windows : 1;          /* the Windows client's views came: their lanes are drawn */
};

/* the Windows client's views, lanes of their own once the first of their samples comes */
static const FlView windows_views[] = { FL_VIEW_WIN_LOCATOR, FL_VIEW_SECURE_CHANNEL, FL_VIEW_WIN_KDC };

typedef struct
{
  double       y;
  double       height;
  const char  *dc;    /* interned; NULL for a domain-wide view */
  FlCheckKind  kind;
  gboolean     latency;
} Lane;

enum {
  PROP_0,
  PROP_FOLLOW_LIVE,
  PROP_LATENCY_LOG,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
invalidate (FlChart *self)
{
  self->generation++;
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

/* the samples of one lane from @from_us on (and the one before, which covers the left edge) */
static guint
visible_samples (FlChart     *self,
                 const char  *dc,
                 FlCheckKind  kind,
                 gint64       from_us)
{
  guint n = fl_timeline_get_n_samples (self->timeline, dc, kind);
  guint first = fl_timeline_find_sample (self->timeline, dc, kind, from_us);

  if (first > 0)
    first--;
  if (n - first > self->scratch_size)
    {
      self->scratch_size = MAX (n - first, 1024);
      self->scratch = g_renew (FlSample *, self->scratch, self->scratch_size);
    }
  return fl_timeline_get_samples (self->timeline, dc, kind, first, n - first, self->scratch);
}

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

  /* colour-blind safe (Okabe–Ito) or the theme's named colours (fl-dc-colors.h) */
  if (self->colorblind)
    {
      set_rgba (&self->status_colors[FL_STATUS_OK], fl_chart_status_colors[1][0]);
      set_rgba (&self->status_colors[FL_STATUS_DEGRADED], fl_chart_status_colors[1][1]);
      set_rgba (&self->status_colors[FL_STATUS_FAIL], fl_chart_status_colors[1][2]);
      set_rgba (&self->status_colors[FL_STATUS_TIMEOUT], fl_chart_status_colors[1][3]);
    }
  else
    {
      if (!gtk_style_context_lookup_color (ctx, "success_color", &self->status_colors[FL_STATUS_OK]))
        set_rgba (&self->status_colors[FL_STATUS_OK], fl_chart_status_colors[0][0]);
      if (!gtk_style_context_lookup_color (ctx, "warning_color", &self->status_colors[FL_STATUS_DEGRADED]))
        set_rgba (&self->status_colors[FL_STATUS_DEGRADED], fl_chart_status_colors[0][1]);
      if (!gtk_style_context_lookup_color (ctx, "error_color", &self->status_colors[FL_STATUS_FAIL]))
        set_rgba (&self->status_colors[FL_STATUS_FAIL], fl_chart_status_colors[0][2]);
      set_rgba (&self->status_colors[FL_STATUS_TIMEOUT], fl_chart_status_colors[0][3]);
    }
  set_rgba (&self->status_colors[FL_STATUS_SKIPPED], FL_CHART_SKIPPED_COLOR);
  for (guint i = 0; i < FL_CHART_N_DC_COLORS; i++)
    set_rgba (&self->dc_colors[i], fl_chart_dc_colors[i]);
  gtk_style_context_get_color (ctx, &c);
  self->fg = c;
}

/* The chart's height is @fixed + @per_lane_px × the lane height: the lanes and the latency plot
 * grow with the room the window gives (a projector's full height), the gaps, labels and axis do
 * not. A DC's checks are lanes, or, when @strip_px is not 0, strips of that height (many DCs on
 * a short window). */
/* a DC's name beside its strips: the bold label's height in this font (presenter mode's is
 * larger), less the line's own spacing */
static int
dc_label_height (FlChart *self)
{
  g_autoptr(PangoLayout) layout = gtk_widget_create_pango_layout (GTK_WIDGET (self), NULL);
  int height = 0;

  pango_layout_set_markup (layout, "<b>DC</b>", -1);
  pango_layout_get_pixel_size (layout, NULL, &height);
  return MAX (DC_LABEL_HEIGHT, height - 3);
}

static void
chart_geometry (FlChart *self,
                int      strip_px,
                double  *fixed,
                double  *per_lane_px)
{
  int dcs = self->timeline ? (int)fl_probe_config_get_n_dcs (fl_timeline_get_config (self->timeline)) : 2;
  int views = 2 + (self->windows ? (int)G_N_ELEMENTS (windows_views) : 0);
  int lanes = (int)G_N_ELEMENTS (lane_checks);

  *fixed = AXIS_HEIGHT + views * LANE_GAP + 2 * GROUP_GAP + 8
           + dcs * (strip_px > 0 ? MAX (lanes * strip_px, dc_label_height (self)) + STRIPS_GAP
                                 : lanes * LANE_GAP + GROUP_GAP);
  *per_lane_px = (strip_px > 0 ? 0 : dcs * lanes) + views * 2 + (double)LATENCY_HEIGHT / LANE_HEIGHT;
}

/* 0 when a DC's checks fit as lanes in @height; otherwise the highest strips that fit (at least
 * STRIP_HEIGHT): every check still shows its colour, the DC's name stays readable, and the whole
 * chart is in sight */
static int
strip_height_for (FlChart *self,
                  int      height)
{
  double fixed, per_lane_px;

  chart_geometry (self, 0, &fixed, &per_lane_px);
  if (height >= fixed + per_lane_px * MIN_LANE_HEIGHT)
    return 0;
  for (int strip = MIN_LANE_HEIGHT - 1; strip > STRIP_HEIGHT; strip--)
    {
      chart_geometry (self, strip, &fixed, &per_lane_px);
      if (height >= fixed + per_lane_px * MIN_LANE_HEIGHT)
        return strip;
    }
  return STRIP_HEIGHT;
}

/* the lane height that fills @height, from MIN_LANE_HEIGHT to MAX_LANE_HEIGHT */
static double
lane_height_for (FlChart *self,
                 int      height,
                 int      strip_px)
{
  double fixed, per_lane_px;

  chart_geometry (self, strip_px, &fixed, &per_lane_px);
  return CLAMP (floor ((height - fixed) / per_lane_px), MIN_LANE_HEIGHT, MAX_LANE_HEIGHT);
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
    *minimum = *natural = self->label_width + 200;
  else
    {
      double fixed, per_lane_px, strips_fixed, strips_per_lane_px;

      chart_geometry (self, 0, &fixed, &per_lane_px);
      chart_geometry (self, STRIP_HEIGHT, &strips_fixed, &strips_per_lane_px);
      *minimum = (int)ceil (MIN (fixed + per_lane_px * MIN_LANE_HEIGHT,
                                 strips_fixed + strips_per_lane_px * MIN_LANE_HEIGHT));
      *natural = (int)ceil (fixed + per_lane_px * LANE_HEIGHT);
    }
}

/* Brings the buckets of one series up to date with the timeline: only what arrived since the
 * last frame is added, unless the zoom changed or the window moved before what is kept. The
 * newest sample's end is not known yet: it is returned in @pending, not added. */
static FlChartColumns *
update_columns (FlChart      *self,
                guint         row,
                const char   *dc,
                FlCheckKind   kind,
                gboolean      by_server,
                FlSample    **pending)
{
  FlChartColumns *cols = &self->columns[row * FL_N_CHECKS + kind];
  gint64 bucket_us = MAX (self->view.span_us / MAX (self->view.width_px, 1), 1);
  FlProbeConfig *config = fl_timeline_get_config (self->timeline);
  GVariant *last_detail = NULL;
  int last_server = 0;
  gint64 from;
  guint n;

  if (cols->buckets == NULL || cols->bucket_us != bucket_us ||
      fl_chart_columns_bucket_for (cols, self->view.start_us) < cols->from_b)
    fl_chart_columns_init (cols, bucket_us, self->view.start_us);
  from = cols->merged_us == G_MININT64 ? self->view.start_us : cols->merged_us + 1;
  n = visible_samples (self, dc, kind, from);

  *pending = n > 0 ? self->scratch[n - 1] : NULL;
  for (guint i = 0; i + 1 < n; i++)
    {
      const FlSample *s = self->scratch[i];
      GVariant *detail = fl_sample_get_detail (s);
      FlStatus st = fl_sample_get_status (s);

      /* the clock the samples were taken by: a recording played back is not now */
      if (fl_sample_get_wall_us (s) > 0)
        self->wall_minus_mono_us = fl_sample_get_wall_us (s) - fl_sample_get_mono_us (s);

      /* a view's detail is shared from round to round while it does not change */
      if (by_server && detail != last_detail)
        {
          const char *server = fl_sample_lookup_string (s, "server");

          last_detail = detail;
          last_server = 0;
          for (guint d = 0; server && d < fl_probe_config_get_n_dcs (config); d++)
            if (g_strcmp0 (fl_probe_config_get_dc (config, d)->name, server) == 0)
              last_server = (int)d + 1;
        }
      fl_chart_columns_add (cols, fl_sample_get_mono_us (s), fl_sample_get_mono_us (self->scratch[i + 1]),
                            st, last_server,
                            (st == FL_STATUS_OK || st == FL_STATUS_DEGRADED)
                            ? fl_sample_get_latency_us (s) / 1000.0 : NAN);
    }

  /* a live window leaves old buckets behind */
  if (cols->buckets->len > (guint)self->view.width_px * 3)
    fl_chart_columns_forget_before (cols, fl_chart_columns_bucket_for (cols, self->view.start_us) -
                                    self->view.width_px);
  return cols;
}

/* bucket @b of @cols with the pending newest sample (which lasts one interval) on top */
static FlChartBucket
bucket_with_pending (const FlChartColumns *cols,
                     gint64                b,
                     const FlSample       *pending,
                     gint64                interval_us,
                     int                   pending_server)
{
  const FlChartBucket *known = fl_chart_columns_lookup (cols, b);
  FlChartBucket bucket = known ? *known : (FlChartBucket) { -1, 0, NAN, NAN };

  if (pending != NULL)
    {
      gint64 start = fl_sample_get_mono_us (pending);
      FlStatus st = fl_sample_get_status (pending);

      if (b >= fl_chart_columns_bucket_for (cols, start) &&
          b <= fl_chart_columns_bucket_for (cols, start + interval_us - 1))
        {
          if (bucket.status < 0 || fl_status_severity (st) > fl_status_severity (bucket.status))
            bucket.status = (gint8)st;
          if (pending_server > 0)
            bucket.server = (gint8)pending_server;
          if (b == fl_chart_columns_bucket_for (cols, start) &&
              (st == FL_STATUS_OK || st == FL_STATUS_DEGRADED))
            {
              float v = (float)(fl_sample_get_latency_us (pending) / 1000.0);

              bucket.lo = isnan (bucket.lo) ? v : MIN (bucket.lo, v);
              bucket.hi = isnan (bucket.hi) ? v : MAX (bucket.hi, v);
            }
        }
    }
  return bucket;
}

static int
server_index (FlChart        *self,
              const FlSample *sample)
{
  FlProbeConfig *config = fl_timeline_get_config (self->timeline);
  const char *server = sample ? fl_sample_lookup_string (sample, "server") : NULL;

  for (guint d = 0; server && d < fl_probe_config_get_n_dcs (config); d++)
    if (g_strcmp0 (fl_probe_config_get_dc (config, d)->name, server) == 0)
      return (int)d + 1;
  return 0;
}

static void
fill_columns (FlChart         *self,
              cairo_t         *cr,
              guint            row,
              const char      *dc,
              FlCheckKind      kind,
              double           y,
              double           height,
              gint64           interval_us,
              gboolean         by_server)
{
  FlSample *pending = NULL;
  FlChartColumns *cols = update_columns (self, row, dc, kind, by_server, &pending);
  int pending_server = by_server ? server_index (self, pending) : 0;
  gint64 b_first = fl_chart_columns_bucket_for (cols, self->view.start_us);
  gint64 b_last = fl_chart_columns_bucket_for (cols, self->view.start_us + self->view.span_us);
  int last_server = 0;

  g_array_append_val (self->lanes, ((Lane) { y, height, dc, kind, FALSE }));

  /* runs of one colour as one rectangle */
  for (gint64 b = b_first; b <= b_last; )
    {
      FlChartBucket first = bucket_with_pending (cols, b, pending, interval_us, pending_server);
      int server = first.server ? first.server : last_server;
      gint64 run = b + 1;

      while (run <= b_last)
        {
          FlChartBucket next = bucket_with_pending (cols, run, pending, interval_us, pending_server);

          if (next.status != first.status || (by_server && next.server && next.server != server))
            break;
          run++;
        }
      if (first.status >= 0)
        {
          const GdkRGBA *c = &self->status_colors[first.status];
          double x0 = MAX (0, fl_chart_x_for_time (&self->view, b * cols->bucket_us));
          double x1 = MIN (self->view.width_px, fl_chart_x_for_time (&self->view, run * cols->bucket_us));

          /* a client view: coloured by the DC that serves it */
          if (by_server && first.status == FL_STATUS_OK && server > 0)
            c = &self->dc_colors[(server - 1) % G_N_ELEMENTS (self->dc_colors)];
          gdk_cairo_set_source_rgba (cr, c);
          cairo_rectangle (cr, self->label_width + round (x0), y, MAX (1, round (x1) - round (x0)), height);
          cairo_fill (cr);
        }
      last_server = server;
      b = run;
    }
}

static double
latency_y (FlChart *self,
           double   value_ms,
           double   y,
           double   height)
{
  return y + height - fl_chart_scale (value_ms, 0.1, self->latency_top_ms, self->latency_log) * height;
}

static char *
format_ms (double ms)
{
  if (ms >= 1000)
    return g_strdup_printf (_("%g s"), ms / 1000);
  return g_strdup_printf (_("%g ms"), ms);
}

/* The LDAP ping latency of every DC, the locator's own measure: min–max band and the column
 * maxima as a line, in the DC's colour; only answers count (no answer is a gap, not a value).
 * The LDAP ping lanes were drawn before: their buckets are up to date. */
static void
draw_latency (FlChart *self,
              cairo_t *cr,
              double   y,
              double   height,
              gint64   interval_us)
{
  FlProbeConfig *config = fl_timeline_get_config (self->timeline);
  guint n_dcs = fl_probe_config_get_n_dcs (config);
  int width = MAX (self->view.width_px, 1);
  g_autofree double *xs = g_new (double, (gsize)width + 2);
  g_autofree double *mins = g_new (double, ((gsize)width + 2) * n_dcs);
  g_autofree double *maxs = g_new (double, ((gsize)width + 2) * n_dcs);
  gint64 b_first = 0, bucket_us = 1;
  int n = 0;
  double top = 0;

  g_array_append_val (self->lanes, ((Lane) { y, height, NULL, FL_CHECK_LDAP_PING, TRUE }));

  for (guint d = 0; d < n_dcs; d++)
    {
      FlSample *pending = fl_timeline_get_latest (self->timeline, fl_probe_config_get_dc (config, d)->name,
                                                  FL_CHECK_LDAP_PING);
      FlChartColumns *cols = &self->columns[d * FL_N_CHECKS + FL_CHECK_LDAP_PING];
      gint64 b_last;

      if (cols->buckets == NULL)
        continue;
      b_first = fl_chart_columns_bucket_for (cols, self->view.start_us);
      bucket_us = cols->bucket_us;
      b_last = MIN (fl_chart_columns_bucket_for (cols, self->view.start_us + self->view.span_us),
                    b_first + width + 1);
      n = (int)(b_last - b_first + 1);
      for (int i = 0; i < n; i++)
        {
          FlChartBucket bucket = bucket_with_pending (cols, b_first + i, pending, interval_us, 0);

          xs[i] = fl_chart_x_for_time (&self->view, (b_first + i) * cols->bucket_us + cols->bucket_us / 2);
          mins[(gsize)d * (width + 2) + i] = bucket.lo;
          maxs[(gsize)d * (width + 2) + i] = bucket.hi;
          if (!isnan (bucket.hi))
            top = MAX (top, bucket.hi);
        }
    }
  self->latency_top_ms = self->latency_log ? MAX (1000, fl_chart_nice_ceiling (top))
                                           : fl_chart_nice_ceiling (MAX (top, 1));

  /* axis: a frame, and for the log scale one line a decade */
  cairo_set_line_width (cr, 1);
  cairo_set_source_rgba (cr, self->fg.red, self->fg.green, self->fg.blue, 0.15);
  cairo_rectangle (cr, self->label_width + 0.5, y + 0.5, width - 1, height - 1);
  cairo_stroke (cr);
  if (self->latency_log)
    for (double v = 1; v < self->latency_top_ms; v *= 10)
      {
        double ly = floor (latency_y (self, v, y, height)) + 0.5;

        cairo_move_to (cr, self->label_width, ly);
        cairo_line_to (cr, self->label_width + width, ly);
        cairo_stroke (cr);
      }

  /* drawn as pixel columns, not stroked paths: a stroked polyline of a thousand points costs
   * cairo ten times more than the whole rest of the chart */
  cairo_save (cr);
  cairo_rectangle (cr, self->label_width, y, width, height);
  cairo_clip (cr);
  cairo_set_antialias (cr, CAIRO_ANTIALIAS_NONE);
  for (guint d = 0; d < n_dcs; d++)
    {
      const GdkRGBA *c = &self->dc_colors[d % G_N_ELEMENTS (self->dc_colors)];
      const double *lo = mins + (gsize)d * (width + 2), *hi = maxs + (gsize)d * (width + 2);
      double prev = NAN, prev_x = 0;
      gint64 prev_t = 0;

      if (self->columns[d * FL_N_CHECKS + FL_CHECK_LDAP_PING].buckets == NULL)
        continue;

      /* the spread inside each column, faint */
      for (int i = 0; i < n; i++)
        if (!isnan (hi[i]) && hi[i] > lo[i])
          {
            double y0 = latency_y (self, hi[i], y, height), y1 = latency_y (self, lo[i], y, height);

            cairo_rectangle (cr, self->label_width + round (xs[i]), round (y0), 1, MAX (1, round (y1) - round (y0)));
          }
      cairo_set_source_rgba (cr, c->red, c->green, c->blue, 0.3);
      cairo_fill (cr);

      /* the maxima as a step line; no answer for longer than one and a half intervals is a gap */
      for (int i = 0; i < n; i++)
        {
          double v, x;

          if (isnan (hi[i]))
            {
              if (!isnan (prev) && (b_first + i) * bucket_us - prev_t > interval_us * 3 / 2)
                prev = NAN;
              continue;
            }
          v = round (latency_y (self, hi[i], y, height));
          x = self->label_width + round (xs[i]);
          if (isnan (prev))
            cairo_rectangle (cr, x, v - 1, 2, 2);
          else
            {
              cairo_rectangle (cr, prev_x, prev - 1, x - prev_x + 2, 2);
              cairo_rectangle (cr, x, MIN (prev, v) - 1, 2, fabs (prev - v) + 2);
            }
          prev = v;
          prev_x = x;
          prev_t = (b_first + i) * bucket_us;
        }
      gdk_cairo_set_source_rgba (cr, c);
      cairo_fill (cr);
    }
  cairo_restore (cr);
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
          int view = -1;

          c = &self->status_colors[FL_STATUS_OK];
          /* a view this build does not know (a newer recording) shows as it was written */
          label = g_strdup_printf (_("%s → %s +%.1f s"),
                                   fl_enum_from_nick (FL_TYPE_VIEW, fl_event_get_view (e), &view)
                                   ? fl_view_to_label (view) : fl_event_get_view (e),
                                   fl_event_get_to (e), fl_event_get_switchover_us (e) / 1e6);
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
      cairo_move_to (cr, self->label_width + x + 0.5, top);
      cairo_line_to (cr, self->label_width + x + 0.5, bottom);
      cairo_stroke (cr);
      cairo_set_dash (cr, NULL, 0, 0);

      {
        PangoLayout *layout = gtk_widget_create_pango_layout (GTK_WIDGET (self), NULL);
        g_autofree char *markup = g_markup_printf_escaped ("<small><b>%s</b></small>", label);

        pango_layout_set_markup (layout, markup, -1);
        gdk_cairo_set_source_rgba (cr, c);
        cairo_move_to (cr, self->label_width + x + 4, label_y);
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
  gint64 wall_minus_mono = self->wall_minus_mono_us != 0 ? self->wall_minus_mono_us
                                                          : g_get_real_time () - g_get_monotonic_time ();

  for (guint i = 0; i < G_N_ELEMENTS (steps); i++)
    if (self->view.span_us / (steps[i] * G_USEC_PER_SEC) <= 8)
      {
        step = steps[i];
        break;
      }

  {
    gint64 wall_start = self->view.start_us + wall_minus_mono;
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
        cairo_move_to (cr, self->label_width + x + 0.5, 0);
        cairo_line_to (cr, self->label_width + x + 0.5, y);
        cairo_stroke (cr);
        pango_layout_set_markup (layout, markup, -1);
        gdk_cairo_set_source_rgba (cr, &self->fg);
        cairo_move_to (cr, self->label_width + x - 24, y + 3);
        pango_cairo_show_layout (cr, layout);
        g_object_unref (layout);
      }
  }
}

/* the width of @text as draw_label shows it */
static int
label_text_width (FlChart    *self,
                  const char *text,
                  gboolean    bold)
{
  PangoLayout *layout = gtk_widget_create_pango_layout (GTK_WIDGET (self), NULL);
  g_autofree char *markup = g_markup_printf_escaped (bold ? "<b>%s</b>" : "<small>%s</small>", text);
  int w;

  pango_layout_set_markup (layout, markup, -1);
  pango_layout_get_pixel_size (layout, &w, NULL);
  g_object_unref (layout);
  return w;
}

/* the labels' column fits its longest label (a larger font, another language) */
static void
update_label_width (FlChart *self)
{
  FlProbeConfig *config = fl_timeline_get_config (self->timeline);
  const char *labels[] = { _("Logon server"), _("Tickets from"), _("LDAP ping (log)") };
  int widest = 0;

  for (guint i = 0; i < G_N_ELEMENTS (labels); i++)
    widest = MAX (widest, label_text_width (self, labels[i], FALSE));
  for (guint v = 0; self->windows && v < G_N_ELEMENTS (windows_views); v++)
    widest = MAX (widest, label_text_width (self, fl_view_to_label (windows_views[v]), FALSE));
  for (guint d = 0; d < fl_probe_config_get_n_dcs (config); d++)
    widest = MAX (widest, label_text_width (self, fl_probe_config_get_dc (config, d)->name, TRUE));
  self->label_width = CLAMP (widest + 12, LABEL_WIDTH, MAX_LABEL_WIDTH);
}

/* Draws the whole chart on @cr: the widget's snapshot and the PNG/SVG exports share it. */
static void
fl_chart_draw (FlChart *self,
               cairo_t *cr,
               int      width,
               int      height)
{
  int strips = strip_height_for (self, height);
  double lane = lane_height_for (self, height, strips);
  double latency = LATENCY_HEIGHT * lane / LANE_HEIGHT;
  FlProbeConfig *config = fl_timeline_get_config (self->timeline);
  gint64 interval_us = (gint64)fl_probe_config_get_interval_ms (config) * 1000;
  guint n_dcs = fl_probe_config_get_n_dcs (config);
  double y = 4;

  update_label_width (self);
  self->view.width_px = width - self->label_width;
  g_array_set_size (self->lanes, 0);

  for (guint d = 0; d < n_dcs; d++)
    {
      const char *dc = fl_probe_config_get_dc (config, d)->name;

      double top = y;

      draw_label (self, cr, y - 2, dc, TRUE);
      for (guint k = 0; k < G_N_ELEMENTS (lane_checks); k++)
        {
          fill_columns (self, cr, d, dc, lane_checks[k], y, strips > 0 ? strips : lane, interval_us, FALSE);
          y += strips > 0 ? strips : lane + LANE_GAP;
        }
      if (strips > 0)
        y = MAX (y, top + dc_label_height (self));
      y += strips > 0 ? STRIPS_GAP : GROUP_GAP;
    }

  draw_label (self, cr, y - 3, _("Logon server"), FALSE);
  fill_columns (self, cr, n_dcs, NULL, FL_CHECK_LOCATOR, y, lane * 2, interval_us, TRUE);
  y += lane * 2 + LANE_GAP;
  draw_label (self, cr, y - 3, _("Tickets from"), FALSE);
  fill_columns (self, cr, n_dcs, NULL, FL_CHECK_KDC_VIEW, y, lane * 2, interval_us, TRUE);
  y += lane * 2 + LANE_GAP;
  for (guint v = 0; self->windows && v < G_N_ELEMENTS (windows_views); v++)
    {
      draw_label (self, cr, y - 3, fl_view_to_label (windows_views[v]), FALSE);
      fill_columns (self, cr, n_dcs, NULL, fl_view_to_check_kind (windows_views[v]), y, lane * 2,
                    interval_us, TRUE);
      y += lane * 2 + LANE_GAP;
    }
  y += GROUP_GAP - LANE_GAP;

  draw_latency (self, cr, y, latency, interval_us);
  {
    g_autofree char *top = format_ms (self->latency_top_ms);
    g_autofree char *bottom = format_ms (self->latency_log ? 0.1 : 0);

    draw_label (self, cr, y - 3, self->latency_log ? _("LDAP ping (log)") : _("LDAP ping"), FALSE);
    draw_label (self, cr, y + 11, top, FALSE);
    draw_label (self, cr, y + latency - 16, bottom, FALSE);
  }
  y += latency + GROUP_GAP;

  draw_axis (self, cr, y);
  draw_markers (self, cr, 0, y);
}

static void
fl_chart_snapshot (GtkWidget   *widget,
                   GtkSnapshot *snapshot)
{
  FlChart *self = FL_CHART (widget);
  int width = gtk_widget_get_width (widget), height = gtk_widget_get_height (widget);

  if (self->timeline == NULL || width <= self->label_width)
    return;

  /* drawn into an image once per change, then only blitted: the pointer's overlays do not
   * redraw the chart, and a renderer does not replay thousands of cairo operations */
  if (self->cache == NULL || self->cache_generation != self->generation ||
      self->cache_height != height || self->cache_view.width_px != width - self->label_width ||
      self->cache_view.start_us != self->view.start_us || self->cache_view.span_us != self->view.span_us)
    {
      int scale = gtk_widget_get_scale_factor (widget);
      cairo_surface_t *surface = cairo_image_surface_create (CAIRO_FORMAT_ARGB32, width * scale, height * scale);
      cairo_t *cr = cairo_create (surface);
      g_autoptr(GBytes) bytes = NULL;

      cairo_surface_set_device_scale (surface, scale, scale);
      fl_chart_draw (self, cr, width, height);
      cairo_destroy (cr);
      cairo_surface_flush (surface);
      bytes = g_bytes_new_with_free_func (cairo_image_surface_get_data (surface),
                                          (gsize)cairo_image_surface_get_stride (surface) * height * scale,
                                          (GDestroyNotify)cairo_surface_destroy, surface);
      g_clear_object (&self->cache);
      self->cache = gdk_memory_texture_new (width * scale, height * scale, GDK_MEMORY_DEFAULT, bytes,
                                            cairo_image_surface_get_stride (surface));
      self->cache_generation = self->generation;
      self->cache_view = self->view;
      self->cache_height = height;
    }
  gtk_snapshot_append_texture (snapshot, self->cache, &GRAPHENE_RECT_INIT (0, 0, width, height));

  /* overlays: the selection being dragged and the hover line */
  if (self->dragging)
    {
      double x0 = MIN (self->drag_start_x, self->drag_x), x1 = MAX (self->drag_start_x, self->drag_x);
      GdkRGBA c = self->dc_colors[0];

      c.alpha = 0.2;
      gtk_snapshot_append_color (snapshot, &c, &GRAPHENE_RECT_INIT (x0, 0, x1 - x0, height));
    }
  else if (self->hover_x >= self->label_width)
    {
      GdkRGBA c = self->fg;

      c.alpha = 0.5;
      gtk_snapshot_append_color (snapshot, &c, &GRAPHENE_RECT_INIT (floor (self->hover_x), 0, 1, height));
    }
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
  fl_chart_draw (self, cr, width, height);
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
  invalidate (FL_CHART (widget));
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
  self->drag_start_x = self->drag_x = MAX (x, self->label_width);
}

static void
on_drag_update (GtkGestureDrag *gesture,
                double          dx,
                double          dy,
                FlChart        *self)
{
  self->drag_x = MAX (self->drag_start_x + dx, self->label_width);
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

static void
on_drag_end (GtkGestureDrag *gesture,
             double          dx,
             double          dy,
             FlChart        *self)
{
  double x0 = MIN (self->drag_start_x, self->drag_x) - self->label_width;
  double x1 = MAX (self->drag_start_x, self->drag_x) - self->label_width;

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

/* following live, the span fits the session until it reaches the configured window: a fresh
 * session's failover fills the width, not a sliver at its right edge */
static void
follow_now (FlChart *self)
{
  gint64 now = g_get_monotonic_time ();

  if (!self->follow_live)
    return;
  self->view.span_us = self->first_us > 0
                         ? fl_chart_live_span (now - self->first_us, self->configured_span_us, MIN_SPAN_US)
                         : self->configured_span_us;
  self->view.start_us = now - self->view.span_us;
}

/* redrawn when data arrives, and only then: following live, the window moves with it */
static void
on_timeline_changed (FlChart *self)
{
  if (self->first_us == 0)
    self->first_us = g_get_monotonic_time ();
  if (!self->windows && fl_timeline_get_latest (self->timeline, NULL, FL_CHECK_WIN_LOCATOR) != NULL)
    {
      self->windows = TRUE;
      gtk_widget_queue_resize (GTK_WIDGET (self));
    }
  follow_now (self);
  invalidate (self);
}

static void
on_motion (GtkEventControllerMotion *controller,
           double                    x,
           double                    y,
           FlChart                  *self)
{
  self->hover_x = x;
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

static void
on_leave (GtkEventControllerMotion *controller,
          FlChart                  *self)
{
  self->hover_x = -1;
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

/* the sample that was current at @t: the last one that started at or before it */
static FlSample *
sample_at (FlChart     *self,
           const char  *dc,
           FlCheckKind  kind,
           gint64       t)
{
  guint i = fl_timeline_find_sample (self->timeline, dc, kind, t + 1);

  return i > 0 ? fl_timeline_get_sample (self->timeline, dc, kind, i - 1) : NULL;
}

static void
append_sample_text (GString        *s,
                    const FlSample *sample)
{
  g_autofree char *when = fl_format_clock_time (fl_sample_get_wall_us (sample));
  const char *server = fl_sample_lookup_string (sample, "server");

  g_string_append_printf (s, "%s  %s", when, fl_status_to_label (fl_sample_get_status (sample)));
  if (server != NULL)
    g_string_append_printf (s, " · %s", server);
  if (fl_sample_get_latency_us (sample) >= 0 && fl_sample_get_status (sample) != FL_STATUS_SKIPPED)
    {
      g_string_append (s, " · ");
      g_string_append_printf (s, _("%.1f ms"), fl_sample_get_latency_us (sample) / 1000.0);
    }
  if (fl_sample_get_message (sample) != NULL)
    g_string_append_printf (s, "\n%s", fl_sample_get_message (sample));
}

static gboolean
fl_chart_query_tooltip (GtkWidget  *widget,
                        int         x,
                        int         y,
                        gboolean    keyboard,
                        GtkTooltip *tooltip)
{
  FlChart *self = FL_CHART (widget);
  g_autoptr(GString) s = g_string_new (NULL);
  gint64 t;

  if (self->timeline == NULL || keyboard || x < self->label_width)
    return FALSE;
  t = fl_chart_time_for_x (&self->view, x - self->label_width);

  /* an event marker under the pointer comes first */
  {
    GPtrArray *events = fl_timeline_get_events (self->timeline);

    for (guint i = 0; i < events->len; i++)
      {
        FlEvent *e = events->pdata[i];
        double ex = fl_chart_x_for_time (&self->view, fl_event_get_mono_us (e)) + self->label_width;

        if (fabs (ex - x) <= 3 && fl_event_get_message (e) != NULL)
          {
            g_autofree char *words = fl_event_describe (e);

            g_string_append_printf (s, "%s%s", s->len ? "\n" : "", words);
          }
      }
    if (s->len > 0)
      {
        gtk_tooltip_set_text (tooltip, s->str);
        return TRUE;
      }
  }

  for (guint i = 0; i < self->lanes->len; i++)
    {
      const Lane *lane = &g_array_index (self->lanes, Lane, i);
      FlProbeConfig *config = fl_timeline_get_config (self->timeline);

      if (y < lane->y - LANE_GAP / 2.0 || y >= lane->y + lane->height + LANE_GAP / 2.0)
        continue;
      if (lane->latency)
        {
          g_string_append (s, _("LDAP ping latency"));
          for (guint d = 0; d < fl_probe_config_get_n_dcs (config); d++)
            {
              const char *dc = fl_probe_config_get_dc (config, d)->name;
              FlSample *sample = sample_at (self, dc, FL_CHECK_LDAP_PING, t);

              if (sample == NULL)
                continue;
              g_string_append_printf (s, "\n%s: ", dc);
              append_sample_text (s, sample);
            }
        }
      else
        {
          FlSample *sample = sample_at (self, lane->dc, lane->kind, t);

          if (sample == NULL)
            return FALSE;
          g_string_append_printf (s, "%s%s%s\n", lane->dc ? lane->dc : "", lane->dc ? " · " : "",
                                  fl_check_kind_to_label (lane->kind));
          append_sample_text (s, sample);
        }
      gtk_tooltip_set_text (tooltip, s->str);
      return TRUE;
    }
  return FALSE;
}

static void
fl_chart_dispose (GObject *object)
{
  FlChart *self = FL_CHART (object);

  fl_chart_set_timeline (self, NULL);
  g_clear_object (&self->cache);
  G_OBJECT_CLASS (fl_chart_parent_class)->dispose (object);
}

static void
fl_chart_finalize (GObject *object)
{
  FlChart *self = FL_CHART (object);

  g_clear_pointer (&self->scratch, g_free);
  g_clear_pointer (&self->lanes, g_array_unref);
  g_clear_pointer (&self->columns, g_free);
  G_OBJECT_CLASS (fl_chart_parent_class)->finalize (object);
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

    case PROP_LATENCY_LOG:
      g_value_set_boolean (value, FL_CHART (object)->latency_log);
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

    case PROP_LATENCY_LOG:
      fl_chart_set_latency_log (FL_CHART (object), g_value_get_boolean (value));
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
  object_class->finalize = fl_chart_finalize;
  object_class->get_property = fl_chart_get_property;
  object_class->set_property = fl_chart_set_property;
  widget_class->measure = fl_chart_measure;
  widget_class->snapshot = fl_chart_snapshot;
  widget_class->css_changed = fl_chart_css_changed;
  widget_class->query_tooltip = fl_chart_query_tooltip;

  properties[PROP_FOLLOW_LIVE] =
    g_param_spec_boolean ("follow-live", NULL, NULL, TRUE,
                          (G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));
  properties[PROP_LATENCY_LOG] =
    g_param_spec_boolean ("latency-log", NULL, NULL, FALSE,
                          (G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));
  g_object_class_install_properties (object_class, N_PROPS, properties);
  gtk_widget_class_set_css_name (widget_class, "flchart");
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_IMG);
}

/* The keyboard does what the pointer does, once the chart has the focus (Tab): ← → pan, + −
 * zoom, Home or Escape follows the newest samples again. */
static gboolean
on_key (GtkEventControllerKey *controller,
        guint                  keyval,
        guint                  keycode,
        GdkModifierType        state,
        FlChart               *self)
{
  switch (keyval)
    {
    case GDK_KEY_Left:
    case GDK_KEY_KP_Left:
      fl_chart_pan (&self->view, -self->view.width_px / 8.0);
      break;
    case GDK_KEY_Right:
    case GDK_KEY_KP_Right:
      fl_chart_pan (&self->view, self->view.width_px / 8.0);
      break;
    case GDK_KEY_plus:
    case GDK_KEY_equal:
    case GDK_KEY_KP_Add:
      fl_chart_zoom (&self->view, self->view.width_px, 0.8, MIN_SPAN_US, MAX_SPAN_US);
      break;
    case GDK_KEY_minus:
    case GDK_KEY_KP_Subtract:
      fl_chart_zoom (&self->view, self->view.width_px, 1.25, MIN_SPAN_US, MAX_SPAN_US);
      break;
    case GDK_KEY_Home:
    case GDK_KEY_KP_Home:
    case GDK_KEY_Escape:
      if (self->follow_live)
        return FALSE;
      fl_chart_set_follow_live (self, TRUE);
      return TRUE;
    default:
      return FALSE;
    }
  fl_chart_set_follow_live (self, FALSE);
  gtk_widget_queue_draw (GTK_WIDGET (self));
  return TRUE;
}

static void
fl_chart_init (FlChart *self)
{
  GtkEventController *scroll = gtk_event_controller_scroll_new (GTK_EVENT_CONTROLLER_SCROLL_BOTH_AXES);
  GtkGesture *drag = gtk_gesture_drag_new ();
  GtkEventController *motion = gtk_event_controller_motion_new ();
  GtkEventController *keys = gtk_event_controller_key_new ();

  self->follow_live = TRUE;
  self->hover_x = -1;
  self->lanes = g_array_new (FALSE, FALSE, sizeof (Lane));
  gtk_widget_set_has_tooltip (GTK_WIDGET (self), TRUE);
  g_signal_connect (motion, "motion", G_CALLBACK (on_motion), self);
  g_signal_connect (motion, "leave", G_CALLBACK (on_leave), self);
  gtk_widget_add_controller (GTK_WIDGET (self), motion);
  self->view.span_us = G_GINT64_CONSTANT (120) * G_USEC_PER_SEC;
  self->configured_span_us = self->view.span_us;
  self->label_width = LABEL_WIDTH;
  self->view.width_px = 1;
  load_colors (self);

  g_signal_connect (scroll, "scroll", G_CALLBACK (on_scroll), self);
  gtk_widget_add_controller (GTK_WIDGET (self), scroll);
  g_signal_connect (drag, "drag-begin", G_CALLBACK (on_drag_begin), self);
  g_signal_connect (drag, "drag-update", G_CALLBACK (on_drag_update), self);
  g_signal_connect (drag, "drag-end", G_CALLBACK (on_drag_end), self);
  gtk_widget_add_controller (GTK_WIDGET (self), GTK_EVENT_CONTROLLER (drag));
  g_signal_connect (keys, "key-pressed", G_CALLBACK (on_key), self);
  gtk_widget_add_controller (GTK_WIDGET (self), keys);
  gtk_widget_set_focusable (GTK_WIDGET (self), TRUE);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, _("Switchover chart"),
                                  GTK_ACCESSIBLE_PROPERTY_DESCRIPTION,
                                  _("Each check's answers per domain controller over time, with the faults and "
                                    "switchovers marked. Left and Right pan, plus and minus zoom, Home follows "
                                    "the newest samples."),
                                  -1);
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
  for (guint i = 0; i < self->n_columns; i++)
    fl_chart_columns_clear (&self->columns[i]);
  g_clear_pointer (&self->columns, g_free);
  self->n_columns = 0;
  self->generation++;
  self->first_us = 0;
  self->wall_minus_mono_us = 0;
  self->windows = timeline != NULL && fl_timeline_get_latest (timeline, NULL, FL_CHECK_WIN_LOCATOR) != NULL;
  if (timeline != NULL)
    {
      self->timeline = g_object_ref (timeline);
      self->n_columns = (fl_probe_config_get_n_dcs (fl_timeline_get_config (timeline)) + 1) * FL_N_CHECKS;
      self->columns = g_new0 (FlChartColumns, self->n_columns);
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
  follow_now (self);
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
 * fl_chart_show_range:
 *
 * Shows [@t0_us, @t1_us] (monotonic µs), not following live (a recording: all of it).
 */
void
fl_chart_show_range (FlChart *self,
                     gint64   t0_us,
                     gint64   t1_us)
{
  g_return_if_fail (FL_IS_CHART (self));

  fl_chart_set_follow_live (self, FALSE);
  self->view.start_us = t0_us;
  self->view.span_us = CLAMP (t1_us - t0_us, MIN_SPAN_US / 10, MAX_SPAN_US);
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

/**
 * fl_chart_show_until:
 *
 * A replay at @now_us of a session that started at @t0_us: the window shows the session up to
 * then as it did live, growing with it until it reaches the configured window.
 */
void
fl_chart_show_until (FlChart *self,
                     gint64   t0_us,
                     gint64   now_us)
{
  g_return_if_fail (FL_IS_CHART (self));

  fl_chart_set_follow_live (self, FALSE);
  self->view.span_us = fl_chart_live_span (now_us - t0_us, self->configured_span_us, MIN_SPAN_US);
  self->view.start_us = now_us - self->view.span_us;
  gtk_widget_queue_draw (GTK_WIDGET (self));
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

  self->configured_span_us = CLAMP ((gint64)seconds * G_USEC_PER_SEC, MIN_SPAN_US, MAX_SPAN_US);
  self->view.span_us = self->configured_span_us;
  follow_now (self);
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

void
fl_chart_set_colorblind (FlChart  *self,
                         gboolean  colorblind)
{
  g_return_if_fail (FL_IS_CHART (self));

  self->colorblind = !!colorblind;
  load_colors (self);
  invalidate (self);
}

/**
 * fl_chart_set_latency_log:
 * @log_scale: a logarithmic latency axis (a decade a step) rather than a linear one
 */
void
fl_chart_set_latency_log (FlChart  *self,
                          gboolean  log_scale)
{
  g_return_if_fail (FL_IS_CHART (self));

  log_scale = !!log_scale;
  if (self->latency_log == log_scale)
    return;
  self->latency_log = log_scale;
  invalidate (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_LATENCY_LOG]);
}
