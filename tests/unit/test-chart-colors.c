/* test-chart-colors.c: the chart's DC colours keep their promise (fl-dc-colors.h): eight,
 * none repeated, told apart by normal, protan, deutan and tritan vision, seen on light and dark
 * backgrounds, and none near a status colour
 *
 * Colour vision deficiency: Machado, Oliveira and Fernandes (2009), full severity, on linear
 * sRGB. Differences: CIEDE2000 (Sharma, Wu and Dalal 2005), checked here against their published
 * pairs. Contrast: WCAG 2's relative luminance ratio.
 *
 * Copyright 2026 The Failover Lab authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <locale.h>
#include <math.h>

#include <glib.h>

#include "fl-dc-colors.h"

#define MIN_DIFFERENCE 10.0
#define MIN_CONTRAST 1.8

typedef struct { double l, a, b; } Lab;

static const char * const vision_names[] = { "normal", "protan", "deutan", "tritan" };
static const double machado[4][3][3] = {
  { { 1, 0, 0 }, { 0, 1, 0 }, { 0, 0, 1 } },
  { { 0.152286, 1.052583, -0.204868 }, { 0.114503, 0.786281, 0.099216 }, { -0.003882, -0.048116, 1.051998 } },
  { { 0.367322, 0.860646, -0.227968 }, { 0.280085, 0.672501, 0.047413 }, { -0.011820, 0.042940, 0.968881 } },
  { { 1.255528, -0.076749, -0.178779 }, { -0.078411, 0.930809, 0.147602 }, { 0.004733, 0.691367, 0.303900 } },
};

static void
parse_hex (const char *hex,
           double      lin[3])
{
  g_assert_true (hex[0] == '#' && strlen (hex) == 7);
  for (int i = 0; i < 3; i++)
    {
      int hi = g_ascii_xdigit_value (hex[1 + 2 * i]), lo = g_ascii_xdigit_value (hex[2 + 2 * i]);
      double c;

      g_assert_true (hi >= 0 && lo >= 0);
      c = (hi * 16 + lo) / 255.0;
      lin[i] = c <= 0.04045 ? c / 12.92 : pow ((c + 0.055) / 1.055, 2.4);
    }
}

static double
labf (double t)
{
  return t > 216.0 / 24389 ? cbrt (t) : (24389.0 / 27 * t + 16) / 116;
}

static Lab
seen_as (const char *hex,
         guint       vision)
{
  double lin[3], s[3], x, y, z, fx, fy, fz;

  parse_hex (hex, lin);
  for (int i = 0; i < 3; i++)
    s[i] = CLAMP (machado[vision][i][0] * lin[0] + machado[vision][i][1] * lin[1] + machado[vision][i][2] * lin[2], 0, 1);
  x = 0.4124564 * s[0] + 0.3575761 * s[1] + 0.1804375 * s[2];
  y = 0.2126729 * s[0] + 0.7151522 * s[1] + 0.0721750 * s[2];
  z = 0.0193339 * s[0] + 0.1191920 * s[1] + 0.9503041 * s[2];
  fx = labf (x / 0.95047);
  fy = labf (y);
  fz = labf (z / 1.08883);
  return (Lab){ 116 * fy - 16, 500 * (fx - fy), 200 * (fy - fz) };
}

static double
rad (double deg)
{
  return deg * G_PI / 180;
}

static double
hue (double b,
     double a)
{
  double h;

  if (a == 0 && b == 0)
    return 0;
  h = atan2 (b, a) * 180 / G_PI;
  return h < 0 ? h + 360 : h;
}

static double
ciede2000 (Lab p,
           Lab q)
{
  double c1 = hypot (p.a, p.b), c2 = hypot (q.a, q.b), cb = (c1 + c2) / 2;
  double g = 0.5 * (1 - sqrt (pow (cb, 7) / (pow (cb, 7) + pow (25, 7))));
  double a1 = (1 + g) * p.a, a2 = (1 + g) * q.a;
  double c1p = hypot (a1, p.b), c2p = hypot (a2, q.b);
  double h1 = hue (p.b, a1), h2 = hue (q.b, a2);
  double dl = q.l - p.l, dc = c2p - c1p, dh = 0, hb, lb, cbp, t, dtheta, rc, sl, sc, sh, rt, dhh;

  if (c1p * c2p != 0)
    {
      dh = h2 - h1;
      if (dh > 180)
        dh -= 360;
      else if (dh < -180)
        dh += 360;
    }
  dhh = 2 * sqrt (c1p * c2p) * sin (rad (dh / 2));
  lb = (p.l + q.l) / 2;
  cbp = (c1p + c2p) / 2;
  if (c1p * c2p == 0)
    hb = h1 + h2;
  else if (fabs (h1 - h2) <= 180)
    hb = (h1 + h2) / 2;
  else
    hb = h1 + h2 < 360 ? (h1 + h2 + 360) / 2 : (h1 + h2 - 360) / 2;
  t = 1 - 0.17 * cos (rad (hb - 30)) + 0.24 * cos (rad (2 * hb)) + 0.32 * cos (rad (3 * hb + 6))
      - 0.20 * cos (rad (4 * hb - 63));
  dtheta = 30 * exp (-pow ((hb - 275) / 25, 2));
  rc = 2 * sqrt (pow (cbp, 7) / (pow (cbp, 7) + pow (25, 7)));
  sl = 1 + 0.015 * pow (lb - 50, 2) / sqrt (20 + pow (lb - 50, 2));
  sc = 1 + 0.045 * cbp;
  sh = 1 + 0.015 * cbp * t;
  rt = -sin (rad (2 * dtheta)) * rc;
  return sqrt (pow (dl / sl, 2) + pow (dc / sc, 2) + pow (dhh / sh, 2) + rt * (dc / sc) * (dhh / sh));
}

static double
luminance (const char *hex)
{
  double lin[3];

  parse_hex (hex, lin);
  return 0.2126 * lin[0] + 0.7152 * lin[1] + 0.0722 * lin[2];
}

static double
contrast (const char *a,
          const char *b)
{
  double la = luminance (a), lb = luminance (b);

  return (MAX (la, lb) + 0.05) / (MIN (la, lb) + 0.05);
}

/* the metric itself, against Sharma, Wu and Dalal's table (pairs 1, 7, 17 and 25) */
static void
test_ciede2000 (void)
{
  static const struct { Lab p, q; double want; } pairs[] = {
    { { 50, 2.6772, -79.7751 }, { 50, 0, -82.7485 }, 2.0425 },
    { { 50, 0, 0 }, { 50, -1, 2 }, 2.3669 },
    { { 50, 2.5, 0 }, { 73, 25, -18 }, 27.1492 },
    { { 60.2574, -34.0099, 36.2677 }, { 60.4626, -34.1751, 39.4387 }, 1.2644 },
  };

  for (gsize i = 0; i < G_N_ELEMENTS (pairs); i++)
    {
      double got = ciede2000 (pairs[i].p, pairs[i].q);

      if (fabs (got - pairs[i].want) > 0.0001)
        g_error ("CIEDE2000 pair %" G_GSIZE_FORMAT ": %.4f, the table says %.4f", i, got, pairs[i].want);
    }
}

/* eight colours, none repeated, every pair told apart by every kind of colour vision */
static void
test_dc_colors_distinct (void)
{
  double least = G_MAXDOUBLE;

  g_assert_cmpuint (G_N_ELEMENTS (fl_chart_dc_colors), ==, 8);
  for (guint v = 0; v < G_N_ELEMENTS (vision_names); v++)
    for (guint i = 0; i < FL_CHART_N_DC_COLORS; i++)
      for (guint j = i + 1; j < FL_CHART_N_DC_COLORS; j++)
        {
          double d = ciede2000 (seen_as (fl_chart_dc_colors[i], v), seen_as (fl_chart_dc_colors[j], v));

          if (d < MIN_DIFFERENCE)
            g_error ("DC%u (%s) and DC%u (%s) are %.1f apart for %s vision (CIEDE2000; at least %.0f wanted)",
                     i + 1, fl_chart_dc_colors[i], j + 1, fl_chart_dc_colors[j], d, vision_names[v],
                     MIN_DIFFERENCE);
          least = MIN (least, d);
        }
  g_test_message ("the DC colours' least difference, over every pair and vision: %.1f", least);
}

/* seen on Adwaita's light and dark window backgrounds; apart from every status colour */
static void
test_dc_colors_backgrounds_and_statuses (void)
{
  static const char * const backgrounds[] = { "#fafafa", "#242424" };

  for (guint i = 0; i < FL_CHART_N_DC_COLORS; i++)
    {
      for (gsize b = 0; b < G_N_ELEMENTS (backgrounds); b++)
        {
          double c = contrast (fl_chart_dc_colors[i], backgrounds[b]);

          if (c < MIN_CONTRAST)
            g_error ("DC%u (%s) on %s: contrast %.2f (at least %.1f wanted)", i + 1,
                     fl_chart_dc_colors[i], backgrounds[b], c, MIN_CONTRAST);
        }
      for (guint set = 0; set < 2; set++)
        for (guint s = 0; s < 4; s++)
          {
            double d = ciede2000 (seen_as (fl_chart_dc_colors[i], 0), seen_as (fl_chart_status_colors[set][s], 0));

            if (d < MIN_DIFFERENCE)
              g_error ("DC%u (%s) is %.1f from the status colour %s (CIEDE2000; at least %.0f wanted)",
                       i + 1, fl_chart_dc_colors[i], d, fl_chart_status_colors[set][s], MIN_DIFFERENCE);
          }
      /* the chart's skipped grey (opaque) and the report's "no DC" grey */
      g_assert_cmpfloat (ciede2000 (seen_as (fl_chart_dc_colors[i], 0), seen_as ("#808080", 0)), >=, MIN_DIFFERENCE);
      g_assert_cmpfloat (ciede2000 (seen_as (fl_chart_dc_colors[i], 0), seen_as ("#deddda", 0)), >=, MIN_DIFFERENCE);
    }
}

int
main (int    argc,
      char **argv)
{
  setlocale (LC_ALL, "");
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/chart-colors/ciede2000", test_ciede2000);
  g_test_add_func ("/chart-colors/dc-distinct", test_dc_colors_distinct);
  g_test_add_func ("/chart-colors/backgrounds-and-statuses", test_dc_colors_backgrounds_and_statuses);
  return g_test_run ();
}
