/* fl-report.c: the report. Every text from the recording is escaped; the document is
 * well-formed (polyglot HTML/XML), in the UI's language, and refers to nothing outside itself.
 *
 * Copyright 2026 The Failover Lab authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "fl-report"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "fl-probe-enums.h"
#include "fl-dc-colors.h"
#include "fl-report.h"

#define CHART_W      900
#define LANE_H       26
#define LABEL_W      150
#define MAX_SEGMENTS 4000
#define FL_EXERCISE_REPORT_KEYS 3   /* per lane: a long recording is drawn coarser, never larger */

static const char *style =
  ":root{--ok:#26a269;--bad:#c01c28;--warn:#e5a50a;--ink:#241f31;--dim:#5e5c64;--line:#deddda}"
  "body{font-family:Cantarell,'Noto Sans','Noto Sans CJK JP',sans-serif;color:var(--ink);"
  "max-width:960px;margin:2em auto;padding:0 1em;line-height:1.45}"
  "h1{font-size:1.6em;margin-bottom:.2em}h2{font-size:1.2em;margin-top:1.6em;"
  "border-bottom:1px solid var(--line);padding-bottom:.2em}"
  ".meta{color:var(--dim)}table{border-collapse:collapse;width:100%;margin:.5em 0}"
  "th,td{text-align:left;padding:.25em .5em;border-bottom:1px solid var(--line);vertical-align:top}"
  "th{font-weight:600}td.num{text-align:right;font-variant-numeric:tabular-nums}"
  ".passed{color:var(--ok);font-weight:600}.failed{color:var(--bad);font-weight:600}"
  ".skipped,.aborted,.pending{color:var(--dim);font-weight:600}"
  ".outcome{display:inline-block;padding:.1em .7em;border-radius:1em;font-weight:700}"
  ".outcome.passed{background:#26a26922}.outcome.failed,.outcome.aborted{background:#c01c2822}"
  ".hint{color:var(--dim);font-size:.92em}.reason{font-size:.92em}"
  "svg{width:100%;height:auto}svg text{font-size:12px;fill:var(--ink)}"
  "@media print{@page{size:A4;margin:15mm}body{max-width:none;margin:0;font-size:10.5pt}"
  "h2{break-after:avoid}table,svg{break-inside:avoid}a{color:inherit;text-decoration:none}}";

static void
esc (GString    *out,
     const char *text)
{
  g_autofree char *valid = g_utf8_make_valid (text ? text : "", -1);
  g_autofree char *escaped = NULL;

  /* XML has no place for C0 controls but tab and line ends (nor U+FFFE, U+FFFF) */
  for (char *p = valid; *p; p = g_utf8_next_char (p))
    {
      gunichar c = g_utf8_get_char (p);

      if ((c < 0x20 && c != '\t' && c != '\n' && c != '\r') || c == 0xfffe || c == 0xffff)
        memset (p, '?', (gsize)(g_utf8_next_char (p) - p));
    }
  escaped = g_markup_escape_text (valid, -1);
  g_string_append (out, escaped);
}

static void
tag_text (GString    *out,
          const char *tag,
          const char *klass,
          const char *text)
{
  if (klass != NULL)
    g_string_append_printf (out, "<%s class=\"%s\">", tag, klass);
  else
    g_string_append_printf (out, "<%s>", tag);
  esc (out, text);
  g_string_append_printf (out, "</%s>", tag);
}

static char *
clock_time (gint64 wall_us)
{
  g_autoptr(GDateTime) dt = g_date_time_new_from_unix_local (wall_us / G_USEC_PER_SEC);

  return dt ? g_date_time_format (dt, "%Y-%m-%d %H:%M:%S") : g_strdup ("—");
}

static const char *
json_string (JsonObject *o,
             const char *member)
{
  JsonNode *n = o ? json_object_get_member (o, member) : NULL;

  if (n == NULL || !JSON_NODE_HOLDS_VALUE (n) || json_node_get_value_type (n) != G_TYPE_STRING)
    return NULL;
  return json_node_get_string (n);
}

static gboolean
json_seconds (JsonObject *o,
              const char *member,
              double     *out)
{
  JsonNode *n = o ? json_object_get_member (o, member) : NULL;

  if (n == NULL || !JSON_NODE_HOLDS_VALUE (n))
    return FALSE;
  if (json_node_get_value_type (n) == G_TYPE_DOUBLE)
    *out = json_node_get_double (n);
  else if (json_node_get_value_type (n) == G_TYPE_INT64)
    *out = (double)json_node_get_int (n);
  else
    return FALSE;
  return TRUE;
}

static void
seconds_cell (GString *out,
              double   s,
              gboolean known)
{
  if (known)
    g_string_append_printf (out, "<td class=\"num\">%.1f s</td>", s);
  else
    g_string_append (out, "<td class=\"num\">—</td>");
}

static const char *
grade_text (const char *grade)
{
  if (g_strcmp0 (grade, "passed") == 0)
    return C_("grade", "Passed");
  if (g_strcmp0 (grade, "failed") == 0)
    return C_("grade", "Failed");
  if (g_strcmp0 (grade, "skipped") == 0)
    return C_("grade", "Skipped");
  if (g_strcmp0 (grade, "aborted") == 0)
    return C_("grade", "Aborted");
  return C_("grade", "Pending");
}

static const char *
grade_class (const char *grade)
{
  static const char * const known[] = { "passed", "failed", "skipped", "aborted", NULL };

  return grade != NULL && g_strv_contains (known, grade) ? grade : "pending";
}

/* ------------------------------------------------------------------------------------------ */

static void
section_lab (GString    *out,
             JsonObject *header)
{
  JsonNode *lab_node = json_object_get_member (header, "lab");
  JsonObject *lab = lab_node && JSON_NODE_HOLDS_OBJECT (lab_node) ? json_node_get_object (lab_node) : NULL;
  JsonNode *dcs_node = lab ? json_object_get_member (lab, "controllers") : NULL;
  JsonArray *dcs = dcs_node && JSON_NODE_HOLDS_ARRAY (dcs_node) ? json_node_get_array (dcs_node) : NULL;

  tag_text (out, "h2", NULL, _("Lab"));
  g_string_append (out, "<table><tr>");
  tag_text (out, "th", NULL, _("Domain controller"));
  tag_text (out, "th", NULL, _("Host"));
  tag_text (out, "th", NULL, _("Address"));
  tag_text (out, "th", NULL, _("Site"));
  g_string_append (out, "</tr>");
  for (guint i = 0; dcs != NULL && i < json_array_get_length (dcs) && i < 64; i++)
    {
      JsonNode *e = json_array_get_element (dcs, i);
      JsonObject *dc = JSON_NODE_HOLDS_OBJECT (e) ? json_node_get_object (e) : NULL;

      g_string_append (out, "<tr>");
      tag_text (out, "td", NULL, json_string (dc, "name"));
      tag_text (out, "td", NULL, json_string (dc, "host"));
      tag_text (out, "td", NULL, json_string (dc, "address"));
      tag_text (out, "td", NULL, json_string (dc, "site") ? json_string (dc, "site") : "—");
      g_string_append (out, "</tr>");
    }
  g_string_append (out, "</table>");
}

static void
section_exercise (GString                   *out,
                  const FlRecordingContents *c)
{
  JsonObject *result = NULL;
  JsonNode *steps_node;
  JsonArray *steps;

  for (guint i = 0; i < c->exercise->len; i++)
    if (g_strcmp0 (json_string (c->exercise->pdata[i], "record"), "result") == 0)
      result = c->exercise->pdata[i];
  if (result == NULL)
    return;

  tag_text (out, "h2", NULL, _("Exercise"));
  g_string_append (out, "<p>");
  tag_text (out, "strong", NULL, json_string (result, "title") ? json_string (result, "title")
                                                                : json_string (result, "exercise"));
  g_string_append (out, " ");
  g_string_append_printf (out, "<span class=\"outcome %s\">", grade_class (json_string (result, "outcome")));
  esc (out, grade_text (json_string (result, "outcome")));
  g_string_append (out, "</span></p>");

  steps_node = json_object_get_member (result, "steps");
  steps = steps_node && JSON_NODE_HOLDS_ARRAY (steps_node) ? json_node_get_array (steps_node) : NULL;
  g_string_append (out, "<table><tr>");
  tag_text (out, "th", NULL, _("Step"));
  tag_text (out, "th", NULL, _("Expected"));
  tag_text (out, "th", NULL, _("Result"));
  tag_text (out, "th", NULL, C_("report column", "Time"));
  g_string_append (out, "</tr>");
  for (guint i = 0; steps != NULL && i < json_array_get_length (steps) && i < 256; i++)
    {
      JsonNode *sn = json_array_get_element (steps, i);
      JsonObject *step = JSON_NODE_HOLDS_OBJECT (sn) ? json_node_get_object (sn) : NULL;
      JsonNode *en = step ? json_object_get_member (step, "expect") : NULL;
      JsonArray *expect = en && JSON_NODE_HOLDS_ARRAY (en) ? json_node_get_array (en) : NULL;
      guint n = expect ? json_array_get_length (expect) : 0;
      g_autofree char *title = g_strdup_printf ("%u. %s", i + 1, json_string (step, "title") ?: "");

      if (step == NULL)
        continue;
      for (guint j = 0; j < MAX (n, 1) && j < 256; j++)
        {
          JsonNode *xn = j < n ? json_array_get_element (expect, j) : NULL;
          JsonObject *x = xn && JSON_NODE_HOLDS_OBJECT (xn) ? json_node_get_object (xn) : NULL;
          const char *grade = x ? json_string (x, "grade") : json_string (step, "grade");
          double t = 0;
          gboolean timed = x != NULL && json_seconds (x, "time_ms", &t);

          g_string_append (out, "<tr>");
          if (j == 0)
            {
              g_string_append_printf (out, "<td rowspan=\"%u\">", MIN (MAX (n, 1), 256));
              esc (out, title);
              if (json_string (step, "error") != NULL)
                {
                  g_string_append (out, "<br/>");
                  tag_text (out, "span", "failed", json_string (step, "error"));
                }
              g_string_append (out, "</td>");
            }
          g_string_append (out, "<td>");
          esc (out, x ? json_string (x, "text") : "");
          if (x != NULL && json_string (x, "reason") != NULL)
            {
              g_string_append (out, "<br/>");
              tag_text (out, "span", "reason", json_string (x, "reason"));
            }
          if (x != NULL && json_string (x, "hint") != NULL)
            {
              g_string_append (out, "<br/>");
              tag_text (out, "span", "hint", json_string (x, "hint"));
            }
          g_string_append (out, "</td>");
          tag_text (out, "td", grade_class (grade), grade_text (grade));
          seconds_cell (out, t / 1000, timed);
          g_string_append (out, "</tr>");
        }
    }
  g_string_append (out, "</table>");
}

static void
section_faults (GString                   *out,
                const FlRecordingContents *c,
                gint64                     t0)
{
  gboolean any = FALSE;

  for (guint i = 0; i < c->events->len; i++)
    {
      FlEvent *e = c->events->pdata[i];
      FlEventKind kind = fl_event_get_kind (e);
      g_autofree char *words = NULL;

      if (kind != FL_EVENT_FAULT && kind != FL_EVENT_DETECTED && kind != FL_EVENT_SWITCHED &&
          kind != FL_EVENT_FAILBACK)
        continue;
      words = fl_event_describe (e);
      if (!any)
        {
          tag_text (out, "h2", NULL, _("Faults and switchovers"));
          g_string_append (out, "<table><tr>");
          tag_text (out, "th", NULL, _("At"));
          tag_text (out, "th", NULL, _("What"));
          tag_text (out, "th", NULL, _("Detection"));
          tag_text (out, "th", NULL, _("Switchover"));
          g_string_append (out, "</tr>");
          any = TRUE;
        }
      g_string_append_printf (out, "<tr><td class=\"num\">%.1f s</td>", (fl_event_get_mono_us (e) - t0) / 1e6);
      tag_text (out, "td", NULL, words);
      seconds_cell (out, fl_event_get_detection_us (e) / 1e6, fl_event_get_detection_us (e) >= 0);
      seconds_cell (out, fl_event_get_switchover_us (e) / 1e6,
                    kind == FL_EVENT_SWITCHED && fl_event_get_switchover_us (e) >= 0);
      g_string_append (out, "</tr>");
    }
  if (any)
    g_string_append (out, "</table>");
}

/* one lane: consecutive samples of one state merged into a segment */
typedef struct
{
  const char *label;
  GArray     *t;       /* gint64 start */
  GArray     *state;   /* int: 0 ok, 1 bad, 2+ a DC index (views), -1 none */
} Lane;

static void
lane_add (Lane  *lane,
          gint64 t,
          int    state)
{
  if (lane->state->len > 0 && g_array_index (lane->state, int, lane->state->len - 1) == state)
    return;
  g_array_append_val (lane->t, t);
  g_array_append_val (lane->state, state);
}

static const char *
dc_colour (int index)
{
  return fl_chart_dc_colors[index % FL_CHART_N_DC_COLORS];
}

/* about how wide @text is at 12 px: a wide (CJK) character twice a narrow one */
static guint
text_width (const char *text)
{
  guint w = 0;

  for (const char *p = text; *p && w < 400; p = g_utf8_next_char (p))
    w += g_unichar_iswide (g_utf8_get_char (p)) ? 13 : 7;
  return w;
}

static void
section_chart (GString                   *out,
               const FlRecordingContents *c,
               GPtrArray                 *dc_names,
               gint64                     t0,
               gint64                     t1)
{
  guint n_dcs = dc_names->len;
  Lane *all;
  double span = MAX (1.0, (double)(t1 - t0));
  double plot_w = CHART_W - LABEL_W - 10;
  guint height;

  all = g_new0 (Lane, n_dcs + 2);
  for (guint i = 0; i < n_dcs + 2; i++)
    {
      all[i].t = g_array_new (FALSE, FALSE, sizeof (gint64));
      all[i].state = g_array_new (FALSE, FALSE, sizeof (int));
      all[i].label = i < n_dcs ? dc_names->pdata[i] : i == n_dcs ? _("DC locator") : _("Tickets from");
    }
  for (guint i = 0; i < c->samples->len; i++)
    {
      FlSample *s = c->samples->pdata[i];
      FlStatus st = fl_sample_get_status (s);
      FlCheckKind k = fl_sample_get_kind (s);
      gint64 t = fl_sample_get_mono_us (s) + MAX (0, fl_sample_get_latency_us (s));

      if (st == FL_STATUS_SKIPPED)
        continue;
      if (k == FL_CHECK_LDAP_PING)
        {
          for (guint d = 0; d < n_dcs; d++)
            if (g_strcmp0 (dc_names->pdata[d], fl_sample_get_dc (s)) == 0)
              lane_add (&all[d], t, st == FL_STATUS_OK || st == FL_STATUS_DEGRADED ? 0 : 1);
        }
      else if (k == FL_CHECK_LOCATOR || k == FL_CHECK_KDC_VIEW)
        {
          const char *server = st == FL_STATUS_OK ? fl_sample_lookup_string (s, "server") : NULL;
          int state = -1;

          for (guint d = 0; server != NULL && d < n_dcs; d++)
            if (g_strcmp0 (dc_names->pdata[d], server) == 0)
              state = 2 + (int)d;
          lane_add (&all[k == FL_CHECK_LOCATOR ? n_dcs : n_dcs + 1], t, state);
        }
    }

  height = (n_dcs + 2) * LANE_H + 60;   /* the lanes, the time axis, the legend */
  tag_text (out, "h2", NULL, _("Chart"));
  g_string_append_printf (out, "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 %d %u\" "
                          "role=\"img\" aria-label=\"", CHART_W, height);
  esc (out, _("Each DC's LDAP ping (green: answers, red: does not) and which DC each view uses"));
  g_string_append (out, "\">");
  for (guint i = 0; i < n_dcs + 2; i++)
    {
      Lane *lane = &all[i];
      double y = 10 + i * LANE_H;
      guint step = lane->t->len > MAX_SEGMENTS ? lane->t->len / MAX_SEGMENTS + 1 : 1;

      g_string_append_printf (out, "<text x=\"0\" y=\"%.1f\">", y + LANE_H * 0.62);
      esc (out, lane->label);
      g_string_append (out, "</text>");
      for (guint j = 0; j < lane->t->len; j += step)
        {
          gint64 a = g_array_index (lane->t, gint64, j);
          gint64 b = j + step < lane->t->len ? g_array_index (lane->t, gint64, j + step) : t1;
          int state = g_array_index (lane->state, int, j);
          const char *fill = state == 0 ? "#26a269" : state == 1 ? "#c01c28"
                             : state < 0 ? "#deddda" : dc_colour (state - 2);
          double x = LABEL_W + (double)(a - t0) / span * plot_w;
          double w = MAX (0.5, (double)(b - a) / span * plot_w);

          g_string_append_printf (out, "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%d\" fill=\"%s\"/>",
                                  x, y + 3, w, LANE_H - 6, fill);
        }
      g_array_unref (lane->t);
      g_array_unref (lane->state);
    }
  /* the faults, and the time axis */
  for (guint i = 0; i < c->events->len; i++)
    {
      FlEvent *e = c->events->pdata[i];
      double x = LABEL_W + (double)(fl_event_get_mono_us (e) - t0) / span * plot_w;

      if (fl_event_get_kind (e) == FL_EVENT_FAULT)
        g_string_append_printf (out, "<line x1=\"%.1f\" y1=\"6\" x2=\"%.1f\" y2=\"%u\" stroke=\"#241f31\" "
                                "stroke-dasharray=\"4 3\"/>", x, x, 10 + (n_dcs + 2) * LANE_H);
    }
  for (guint k = 0; k <= 5; k++)
    {
      double x = LABEL_W + plot_w * k / 5;

      g_string_append_printf (out, "<text x=\"%.1f\" y=\"%u\" text-anchor=\"%s\">%.0f s</text>",
                              x, 28 + (n_dcs + 2) * LANE_H, k == 0 ? "start" : k == 5 ? "end" : "middle",
                              span / 1e6 * k / 5);
    }
  /* the legend: never colour alone, every colour named */
  {
    struct { const char *fill; const char *text; } keys[FL_EXERCISE_REPORT_KEYS] = {
      { "#26a269", _("answers") }, { "#c01c28", _("does not answer") }, { "#deddda", _("no DC") },
    };
    guint x = LABEL_W;

    for (guint k = 0; k < FL_EXERCISE_REPORT_KEYS + n_dcs; k++)
      {
        const char *fill = k < FL_EXERCISE_REPORT_KEYS ? keys[k].fill : dc_colour ((int)(k - FL_EXERCISE_REPORT_KEYS));
        const char *text = k < FL_EXERCISE_REPORT_KEYS ? keys[k].text : dc_names->pdata[k - FL_EXERCISE_REPORT_KEYS];

        g_string_append_printf (out, "<rect x=\"%u\" y=\"%u\" width=\"10\" height=\"10\" fill=\"%s\"/>",
                                x, height - 18, fill);
        g_string_append_printf (out, "<text x=\"%u\" y=\"%u\">", x + 14, height - 9);
        esc (out, text);
        g_string_append (out, "</text>");
        x += 14 + text_width (text) + 20;
      }
  }
  g_string_append (out, "</svg>");
  g_free (all);
}

static void
section_events (GString                   *out,
                const FlRecordingContents *c,
                gint64                     t0)
{
  tag_text (out, "h2", NULL, _("Events"));
  g_string_append (out, "<table><tr>");
  tag_text (out, "th", NULL, _("At"));
  tag_text (out, "th", NULL, _("Clock"));
  tag_text (out, "th", NULL, _("Event"));
  g_string_append (out, "</tr>");
  for (guint i = 0; i < c->events->len && i < 5000; i++)
    {
      FlEvent *e = c->events->pdata[i];
      g_autofree char *clock = clock_time (fl_event_get_wall_us (e));
      g_autofree char *words = fl_event_describe (e);

      g_string_append_printf (out, "<tr><td class=\"num\">%.1f s</td>", (fl_event_get_mono_us (e) - t0) / 1e6);
      tag_text (out, "td", NULL, clock);
      tag_text (out, "td", NULL, words);
      g_string_append (out, "</tr>");
    }
  g_string_append (out, "</table>");
}

/**
 * fl_report_html:
 * @source_name: (nullable): the recording's file name, shown in the report
 *
 * Returns: (transfer full): the report
 */
char *
fl_report_html (const FlRecordingContents *c,
                const char                *source_name)
{
  g_autoptr(GString) out = g_string_new (NULL);
  g_autoptr(GPtrArray) dc_names = g_ptr_array_new ();
  const char *lang = g_str_has_prefix (g_get_language_names ()[0], "ja") ? "ja" : "en";
  JsonNode *lab_node = json_object_get_member (c->header, "lab");
  JsonObject *lab = lab_node && JSON_NODE_HOLDS_OBJECT (lab_node) ? json_node_get_object (lab_node) : NULL;
  JsonNode *dcs_node = lab ? json_object_get_member (lab, "controllers") : NULL;
  JsonArray *dcs = dcs_node && JSON_NODE_HOLDS_ARRAY (dcs_node) ? json_node_get_array (dcs_node) : NULL;
  gint64 t0 = G_MAXINT64, t1 = G_MININT64;
  double started = 0;
  g_autofree char *started_text = NULL;
  g_autofree char *title = NULL;

  for (guint i = 0; dcs != NULL && i < json_array_get_length (dcs) && i < 64; i++)
    {
      JsonNode *e = json_array_get_element (dcs, i);
      const char *name = JSON_NODE_HOLDS_OBJECT (e) ? json_string (json_node_get_object (e), "name") : NULL;

      if (name != NULL)
        g_ptr_array_add (dc_names, (gpointer)name);
    }
  for (guint i = 0; i < c->samples->len; i++)
    {
      FlSample *s = c->samples->pdata[i];

      t0 = MIN (t0, fl_sample_get_mono_us (s));
      t1 = MAX (t1, fl_sample_get_mono_us (s) + MAX (0, fl_sample_get_latency_us (s)));
    }
  if (t0 > t1)
    t0 = t1 = 0;

  json_seconds (c->header, "started_wall_us", &started);
  started_text = clock_time ((gint64)started);
  /* TRANSLATORS: the report's title: "Failover Lab report: classroom (test.local)" */
  title = g_strdup_printf (_("Failover Lab report: %s (%s)"),
                           lab && json_string (lab, "name") ? json_string (lab, "name") : "—",
                           json_string (c->header, "domain") ? json_string (c->header, "domain") : "—");

  g_string_append_printf (out, "<!DOCTYPE html>\n<html xmlns=\"http://www.w3.org/1999/xhtml\" lang=\"%s\">"
                          "<head><meta charset=\"utf-8\"/><meta name=\"viewport\" "
                          "content=\"width=device-width\"/><title>", lang);
  esc (out, title);
  g_string_append_printf (out, "</title><style>%s</style></head><body>", style);
  tag_text (out, "h1", NULL, title);
  {
    /* TRANSLATORS: under the report's title: "Recorded 2026-12-01 09:05:07 · 1,234 samples · 12 events" */
    g_autofree char *meta = g_strdup_printf (_("Recorded %s · %u samples · %u events"), started_text,
                                             c->samples->len, c->events->len);

    tag_text (out, "p", "meta", meta);
  }
  if (c->truncated || c->n_corrupt > 0 || c->capped)
    {
      g_autoptr(GString) note = g_string_new (NULL);

      if (c->truncated)
        g_string_append (note, _("The recording ends with a line cut short (the program stopped while writing): it is left out. "));
      if (c->n_corrupt > 0)
        g_string_append_printf (note, g_dngettext (GETTEXT_PACKAGE,
                                                   "%u line could not be read (the first: line %u) and is left out. ",
                                                   "%u lines could not be read (the first: line %u) and are left out. ",
                                                   c->n_corrupt), c->n_corrupt, c->first_corrupt);
      if (c->capped)
        g_string_append (note, _("The recording reached its size limit and stopped."));
      tag_text (out, "p", "meta", note->str);
    }

  section_exercise (out, c);
  section_faults (out, c, t0);
  section_chart (out, c, dc_names, t0, t1);
  section_lab (out, c->header);
  section_events (out, c, t0);

  {
    /* TRANSLATORS: the report's footer: "Failover Lab 0.1.0 · from 2026-12-01-090507-classroom.jsonl" */
    g_autofree char *footer = g_strdup_printf (_("Failover Lab %s · from %s"), PACKAGE_VERSION,
                                               source_name ? source_name : "—");

    g_string_append (out, "<hr/>");
    tag_text (out, "p", "meta", footer);
  }
  g_string_append (out, "</body></html>\n");
  return g_string_free (g_steal_pointer (&out), FALSE);
}
