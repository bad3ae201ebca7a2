/* test-recording.c: the recorder writes what the timeline gets, the reader reads it back;
 * a cut last line, a corrupt line in the middle, a file that is not a recording, a full disk
 *
 * Copyright 2026 The Failover Lab authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <locale.h>
#include <string.h>

#include "fl-recording-file.h"
#include "fl-report.h"
#include "fl-lab-controller.h"

static FlTimeline *
new_timeline (void)
{
  g_autoptr(FlProbeConfig) config = fl_probe_config_new ("test.local", NULL);

  fl_probe_config_add_dc (config, "DC1", "dc1.test.local", "192.0.2.11", NULL);
  fl_probe_config_add_dc (config, "DC2", "dc2.test.local", "192.0.2.12", NULL);
  return fl_timeline_new (config, 0);
}

static void
add_samples (FlTimeline *timeline,
             guint       n)
{
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(FlSample) s = fl_sample_new_full (FL_CHECK_LDAP_PING, i % 2 ? "DC2" : "DC1",
                                                  i % 3 ? FL_STATUS_OK : FL_STATUS_TIMEOUT,
                                                  1000000 + (gint64) i * 250000, 1700000000000000 + (gint64) i,
                                                  1234, i % 3 ? NULL : "no answer (é, 日本語)", NULL);

      fl_timeline_add_sample (timeline, s);
    }
}

static GBytes *
record (guint n)
{
  g_autoptr(FlTimeline) timeline = new_timeline ();
  g_autoptr(GOutputStream) out = g_memory_output_stream_new_resizable ();
  g_autoptr(FlLab) lab = fl_lab_new ("classroom", "test.local");
  g_autoptr(FlRecorder) recorder = fl_recorder_new (timeline, lab, out);
  g_autoptr(FlEvent) fault = fl_event_new (FL_EVENT_FAULT, 2000000, 1700000000000000, "DC1", NULL,
                                           NULL, NULL, -1, -1, "shutdown DC1");
  g_autoptr(JsonNode) exercise = json_from_string ("{\"type\":\"exercise\",\"exercise\":\"planned-failover\",\"outcome\":\"passed\"}", NULL);
  g_autoptr(GError) error = NULL;

  add_samples (timeline, n);
  fl_timeline_add_event (timeline, fault);
  fl_recorder_add_record (recorder, exercise);
  g_assert_true (fl_recorder_close (recorder, &error));
  g_assert_no_error (error);
  return g_memory_output_stream_steal_as_bytes (G_MEMORY_OUTPUT_STREAM (out));
}

static void
test_round_trip (void)
{
  g_autoptr(GBytes) bytes = record (100);
  g_autoptr(GError) error = NULL;
  gsize len;
  const char *data = g_bytes_get_data (bytes, &len);
  g_autoptr(FlRecordingContents) c = fl_recording_read_data (data, len, &error);
  FlSample *s;

  g_assert_no_error (error);
  g_assert_cmpstr (json_object_get_string_member (c->header, "app"), ==, "failover-lab");
  g_assert_cmpstr (json_object_get_string_member (c->header, "domain"), ==, "test.local");
  g_assert_true (json_object_has_member (c->header, "lab"));
  g_assert_cmpuint (c->samples->len, ==, 100);
  g_assert_cmpuint (c->events->len, ==, 1);
  g_assert_cmpuint (c->exercise->len, ==, 1);
  g_assert_cmpuint (c->n_corrupt, ==, 0);
  g_assert_false (c->truncated);
  s = c->samples->pdata[3];
  g_assert_cmpstr (fl_sample_get_dc (s), ==, "DC2");
  g_assert_cmpint (fl_sample_get_status (s), ==, FL_STATUS_TIMEOUT);
  g_assert_cmpstr (fl_sample_get_message (s), ==, "no answer (é, 日本語)");
  g_assert_cmpint (fl_sample_get_mono_us (s), ==, 1000000 + 3 * 250000);
  g_assert_cmpint (fl_event_get_kind (c->events->pdata[0]), ==, FL_EVENT_FAULT);
}

/* a crash cuts the last line: it is skipped and said; a line in the middle that is not a
 * record is skipped and counted, the rest is read */
static void
test_damaged (void)
{
  g_autoptr(GBytes) bytes = record (10);
  gsize len;
  const char *data = g_bytes_get_data (bytes, &len);
  g_autoptr(GError) error = NULL;
  g_autofree char *cut = g_strndup (data, len - 7);
  g_autoptr(GString) corrupt = g_string_new (NULL);
  g_auto(GStrv) lines = g_strsplit (data, "\n", -1);

  {
    g_autoptr(FlRecordingContents) c = fl_recording_read_data (cut, strlen (cut), &error);

    g_assert_no_error (error);
    g_assert_true (c->truncated);
    g_assert_cmpuint (c->samples->len, ==, 10);
    g_assert_cmpuint (c->exercise->len, ==, 0);   /* the last line, cut */
  }

  /* line 4: garbage; line 6: invalid UTF-8; line 8: a sample with an unknown check */
  for (guint i = 0; lines[i] != NULL && lines[i][0] != '\0'; i++)
    {
      if (i == 3)
        g_string_append (corrupt, "{\"type\":\"sample\",garbage");
      else if (i == 5)
        g_string_append (corrupt, "{\"type\":\"sample\",\"message\":\"\xff\xfe\"}");
      else if (i == 7)
        g_string_append (corrupt, "{\"type\":\"sample\",\"check\":\"nope\",\"status\":\"ok\"}");
      else
        g_string_append (corrupt, lines[i]);
      g_string_append_c (corrupt, '\n');
    }
  {
    g_autoptr(FlRecordingContents) c = fl_recording_read_data (corrupt->str, corrupt->len, &error);

    g_assert_no_error (error);
    g_assert_cmpuint (c->n_corrupt, ==, 3);
    g_assert_cmpuint (c->first_corrupt, ==, 4);
    g_assert_cmpuint (c->samples->len, ==, 7);
    g_assert_false (c->truncated);
    g_assert_cmpuint (c->exercise->len, ==, 1);
  }
}

/* a long recording is read in parts (one thread a core): the same contents, in file order,
 * the corrupt lines named by their number in the file, the cut last line said */
static void
test_long (void)
{
  g_autoptr(GBytes) bytes = record (60000);   /* ≈ 12 MB: several parts */
  gsize len;
  const char *data = g_bytes_get_data (bytes, &len);
  g_autoptr(GError) error = NULL;
  g_autoptr(GString) damaged = g_string_new_len (data, (gssize) len);
  g_autoptr(FlRecordingContents) c = NULL;
  const char *p;
  guint line = 1;

  /* line 50,001 (in the second half): garbage of the same length */
  p = damaged->str;
  while (line < 50001)
    {
      p = strchr (p, '\n') + 1;
      line++;
    }
  memset ((char *) p, '#', (size_t)(strchr (p, '\n') - p));
  g_string_append (damaged, "{\"type\":\"sample\",\"t_us\":");   /* cut */
  c = fl_recording_read_data (damaged->str, damaged->len, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (c->n_corrupt, ==, 1);
  g_assert_cmpuint (c->first_corrupt, ==, 50001);
  g_assert_true (c->truncated);
  g_assert_cmpuint (c->samples->len, ==, 60000 - 1);
  g_assert_cmpuint (c->n_lines, ==, 1 + 60000 + 2 + 1);   /* header, samples, event, exercise, cut */
  for (guint i = 1; i < c->samples->len; i++)
    g_assert_cmpint (fl_sample_get_mono_us (c->samples->pdata[i - 1]), <=,
                     fl_sample_get_mono_us (c->samples->pdata[i]));
}

static void
test_not_a_recording (void)
{
  static const char * const cases[] = {
    "", "hello\n", "{\"type\":\"sample\"}\n", "[1,2]\n", "{\"type\":\"header\"", "\xff\n",
  };
  g_autoptr(GError) error = NULL;
  g_autoptr(FlRecordingContents) c = NULL;

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      c = fl_recording_read_data (cases[i], strlen (cases[i]), &error);
      if (c != NULL || !g_error_matches (error, FL_RECORDING_ERROR, FL_RECORDING_ERROR_NOT_A_RECORDING))
        g_error ("case %u: %s", i, error ? error->message : "read as a recording");
      g_clear_error (&error);
    }
  c = fl_recording_read_data ("{\"type\":\"header\",\"format\":7}\n", 29, &error);
  g_assert_null (c);
  g_assert_error (error, FL_RECORDING_ERROR, FL_RECORDING_ERROR_FORMAT);
}

static void
on_failed (FlRecorder   *recorder,
           const GError *error,
           char        **message)
{
  *message = g_strdup (error->message);
}

/* the disk is full: the recording stops with a clear message, and says so once */
static void
test_disk_full (void)
{
  g_autoptr(FlTimeline) timeline = new_timeline ();
  g_autoptr(GFile) full = g_file_new_for_path ("/dev/full");
  g_autoptr(GError) error = NULL;
  g_autoptr(GFileOutputStream) out = g_file_append_to (full, G_FILE_CREATE_NONE, NULL, &error);
  g_autoptr(FlRecorder) recorder = NULL;
  g_autofree char *message = NULL;

  if (out == NULL)
    {
      g_test_skip ("/dev/full cannot be opened here");
      return;
    }
  recorder = fl_recorder_new (timeline, NULL, G_OUTPUT_STREAM (out));
  g_signal_connect (recorder, "failed", G_CALLBACK (on_failed), &message);
  add_samples (timeline, 10);
  fl_recorder_flush (recorder);
  while (message == NULL)
    g_main_context_iteration (NULL, TRUE);
  g_assert_nonnull (strstr (message, "The recording stopped"));
  g_assert_nonnull (fl_recorder_get_error (recorder));
  /* probing goes on: more samples are no trouble */
  add_samples (timeline, 10);
  g_assert_false (fl_recorder_close (recorder, &error));
  g_assert_error (error, FL_RECORDING_ERROR, FL_RECORDING_ERROR_IO);
}

static void
synced (GObject      *recorder,
        GAsyncResult *result,
        gpointer      data)
{
  int *state = data;
  g_autoptr(GError) error = NULL;

  *state = fl_recorder_sync_finish (FL_RECORDER (recorder), result, &error) ? 1 : 2;
  g_assert_no_error (error);
}

/* sync: once it completes, every line recorded before it is in the file, while a write was
 * already under way and more lines come after (a report exported mid-session reads it whole) */
static void
test_sync (void)
{
  g_autoptr(FlTimeline) timeline = new_timeline ();
  g_autoptr(GOutputStream) out = g_memory_output_stream_new_resizable ();
  g_autoptr(FlRecorder) recorder = fl_recorder_new (timeline, NULL, out);
  g_autoptr(GError) error = NULL;
  int state = 0;
  guint64 lines;

  add_samples (timeline, 30);
  fl_recorder_flush (recorder);     /* a write under way */
  add_samples (timeline, 40);       /* lines waiting behind it */
  lines = fl_recorder_get_n_lines (recorder);
  fl_recorder_sync_async (recorder, NULL, synced, &state);
  add_samples (timeline, 5);        /* after the sync: may or may not be in */
  while (state == 0)
    g_main_context_iteration (NULL, TRUE);
  g_assert_cmpint (state, ==, 1);
  {
    gsize len = g_memory_output_stream_get_data_size (G_MEMORY_OUTPUT_STREAM (out));
    g_autoptr(FlRecordingContents) c =
      fl_recording_read_data (g_memory_output_stream_get_data (G_MEMORY_OUTPUT_STREAM (out)), len, &error);

    g_assert_no_error (error);
    g_assert_cmpuint (c->n_lines, >=, lines);
    g_assert_cmpuint (c->samples->len, >=, 70);
  }
  /* nothing to wait for: completes at once (on the next iteration) */
  state = 0;
  g_assert_true (fl_recorder_close (recorder, &error));
  fl_recorder_sync_async (recorder, NULL, synced, &state);
  while (state == 0)
    g_main_context_iteration (NULL, TRUE);
  g_assert_cmpint (state, ==, 1);
}

/* finish: nothing more recorded, the rest written and the stream closed, without waiting */
static void
test_finish (void)
{
  g_autoptr(FlTimeline) timeline = new_timeline ();
  g_autoptr(GOutputStream) out = g_memory_output_stream_new_resizable ();
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(FlRecordingContents) c = NULL;
  FlRecorder *recorder = fl_recorder_new (timeline, NULL, out);
  const char *data;
  gsize len;

  add_samples (timeline, 30);
  fl_recorder_finish (recorder);
  g_object_unref (recorder);          /* the recorder lives on until it has closed */
  add_samples (timeline, 5);          /* after finish: not recorded */
  while (!g_output_stream_is_closed (out))
    g_main_context_iteration (NULL, TRUE);
  bytes = g_memory_output_stream_steal_as_bytes (G_MEMORY_OUTPUT_STREAM (out));
  data = g_bytes_get_data (bytes, &len);
  c = fl_recording_read_data (data, len, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (c->samples->len, ==, 30);
  g_assert_false (c->truncated);
}

static void
test_default_path (void)
{
  g_autoptr(FlLab) lab = fl_lab_new ("Room 3/B", "test.local");
  g_autoptr(GDateTime) t = g_date_time_new_utc (2026, 12, 1, 9, 5, 7);
  g_autofree char *path = fl_recording_default_path (lab, t);

  g_autofree char *base = g_path_get_basename (path);
  g_autofree char *name = NULL;
  g_autoptr(GDateTime) start = NULL;

  g_assert_true (g_str_has_suffix (path, "/failover-lab/recordings/2026-12-01-090507-Room-3-B.jsonl"));
  /* and read back for the list of recent recordings: the lab and the start (local time) */
  start = fl_recording_name_parse (base, &name);
  g_assert_nonnull (start);
  g_assert_cmpstr (name, ==, "Room-3-B");
  g_assert_cmpint (g_date_time_get_hour (start), ==, 9);
  g_assert_cmpint (g_date_time_get_second (start), ==, 7);
  g_clear_pointer (&name, g_free);
  for (guint i = 0; i < 5; i++)
    {
      static const char * const other[] = { "notes.jsonl", "2026-13-01-090507-x.jsonl",
                                            "2026-12-01-090507-.jsonl", "2026-12-01-090507-x.csv",
                                            "2026-12-01-0905-x.jsonl" };

      g_assert_null (fl_recording_name_parse (other[i], &name));
      g_assert_null (name);
    }
}

/* the report: one well-formed file, nothing outside it, the numbers, every text escaped */
static void
test_report (void)
{
  g_autoptr(FlTimeline) timeline = new_timeline ();
  g_autoptr(GOutputStream) out = g_memory_output_stream_new_resizable ();
  g_autoptr(FlLab) lab = fl_lab_new ("classroom <3>", "test.local");
  g_autoptr(FlLabController) dc1 = fl_lab_controller_new ("DC1", "dc1.test.local", "192.0.2.11");
  g_autoptr(FlLabController) dc2 = fl_lab_controller_new ("DC2", "dc2.test.local", "192.0.2.12");
  g_autoptr(FlRecorder) recorder = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(FlRecordingContents) c = NULL;
  g_autoptr(GMarkupParseContext) markup = NULL;
  g_autofree char *html = NULL;
  const char *events[][2] = { { "fault", NULL }, { "detected", NULL }, { "switched", "locator" } };
  const GMarkupParser parser = { NULL };
  const char *body, *data;
  gsize len;

  fl_lab_add_controller (lab, dc1);
  fl_lab_add_controller (lab, dc2);
  recorder = fl_recorder_new (timeline, lab, out);
  for (guint i = 0; i < 40; i++)
    {
      gint64 t = 1000000 + i * 250000;
      gboolean down = i >= 20;
      GVariantDict d;
      g_autoptr(FlSample) p1 = fl_sample_new_full (FL_CHECK_LDAP_PING, "DC1", down ? FL_STATUS_TIMEOUT : FL_STATUS_OK,
                                                   t, t, 1000, down ? "<b>no</b> & answer" : NULL, NULL);
      g_autoptr(FlSample) p2 = fl_sample_new_full (FL_CHECK_LDAP_PING, "DC2", FL_STATUS_OK, t, t, 1000, NULL, NULL);
      g_autoptr(FlSample) loc = NULL;

      g_variant_dict_init (&d, NULL);
      g_variant_dict_insert (&d, "server", "s", i >= 21 ? "DC2" : "DC1");
      loc = fl_sample_new_full (FL_CHECK_LOCATOR, NULL, FL_STATUS_OK, t, t, 1000, NULL, g_variant_dict_end (&d));
      fl_timeline_add_sample (timeline, p1);
      fl_timeline_add_sample (timeline, p2);
      fl_timeline_add_sample (timeline, loc);
    }
  for (guint i = 0; i < G_N_ELEMENTS (events); i++)
    {
      FlEventKind kind = 0;
      g_autoptr(FlEvent) e = NULL;

      g_assert_true (fl_event_kind_from_string (events[i][0], &kind));
      e = fl_event_new (kind, 5800000 + i * 300000, 1700000000000000, "DC1", events[i][1], "DC1", "DC2",
                        i > 0 ? 300000 : -1, i == 2 ? 1250000 : -1, "DC1 → DC2 <script>");
      fl_timeline_add_event (timeline, e);
    }
  {
    g_autoptr(JsonNode) result = json_from_string (
      "{\"type\":\"exercise\",\"record\":\"result\",\"exercise\":\"planned-failover\","
      "\"title\":\"Planned failover\",\"outcome\":\"failed\",\"steps\":[{\"title\":\"Shut down\","
      "\"grade\":\"failed\",\"expect\":[{\"text\":\"The locator moves\",\"grade\":\"passed\",\"time_ms\":1250},"
      "{\"text\":\"Tickets move\",\"grade\":\"failed\",\"reason\":\"not within 10.0 s\","
      "\"hint\":\"Check krb5.conf\"}]}]}", NULL);

    fl_recorder_add_record (recorder, result);
  }
  g_assert_true (fl_recorder_close (recorder, &error));
  bytes = g_memory_output_stream_steal_as_bytes (G_MEMORY_OUTPUT_STREAM (out));
  data = g_bytes_get_data (bytes, &len);
  c = fl_recording_read_data (data, len, &error);
  g_assert_no_error (error);
  html = fl_report_html (c, "test.jsonl");

  g_assert_true (g_str_has_prefix (html, "<!DOCTYPE html>\n"));
  body = strchr (html, '\n') + 1;
  markup = g_markup_parse_context_new (&parser, 0, NULL, NULL);
  if (!g_markup_parse_context_parse (markup, body, -1, &error) ||
      !g_markup_parse_context_end_parse (markup, &error))
    g_error ("the report is not well-formed: %s", error->message);
  g_assert_nonnull (strstr (html, "<svg"));
  g_assert_null (strstr (html, "<script"));
  g_assert_null (strstr (html, " src="));
  g_assert_null (strstr (html, "href="));
  g_assert_null (strstr (html, "url("));
  g_assert_nonnull (strstr (html, "&lt;script&gt;"));
  g_assert_nonnull (strstr (html, "classroom &lt;3&gt;"));
  g_assert_nonnull (strstr (html, "<td class=\"num\">1.2 s</td>"));   /* the switchover, 1.25 s */
  g_assert_nonnull (strstr (html, "Check krb5.conf"));
  g_assert_nonnull (strstr (html, "not within 10.0 s"));
  g_assert_nonnull (strstr (html, "@media print"));
}

/* a replay's checklist: the run as it stood at each moment, from the records made by then */
static void
test_exercise_at (void)
{
  const char *data =
    "{\"type\":\"header\",\"format\":1,\"app\":\"failover-lab\",\"lab\":{}}\n"
    "{\"type\":\"exercise\",\"record\":\"start\",\"exercise\":\"x\",\"title\":\"Planned\",\"t_us\":1000,"
    "\"outcome\":\"pending\",\"steps\":[{\"title\":\"A\",\"grade\":\"pending\",\"expect\":"
    "[{\"text\":\"a1\",\"grade\":\"pending\",\"time_ms\":null}]},{\"title\":\"B\",\"grade\":\"pending\","
    "\"expect\":[{\"text\":\"b1\",\"grade\":\"pending\"}]}]}\n"
    "{\"type\":\"exercise\",\"record\":\"step\",\"exercise\":\"x\",\"t_us\":2000,\"step\":0,\"result\":"
    "{\"title\":\"A\",\"grade\":\"passed\",\"expect\":[{\"text\":\"a1\",\"grade\":\"passed\",\"time_ms\":1250}]}}\n"
    /* out of range, and not an object: ignored */
    "{\"type\":\"exercise\",\"record\":\"step\",\"t_us\":2100,\"step\":7,\"result\":{\"title\":\"Z\"}}\n"
    "{\"type\":\"exercise\",\"record\":\"step\",\"t_us\":2200,\"step\":1,\"result\":[1]}\n"
    "{\"type\":\"exercise\",\"record\":\"result\",\"exercise\":\"x\",\"title\":\"Planned\",\"outcome\":\"failed\","
    "\"steps\":[{\"title\":\"A\",\"grade\":\"passed\",\"expect\":[]},{\"title\":\"B\",\"grade\":\"failed\","
    "\"expect\":[{\"text\":\"b1\",\"grade\":\"failed\",\"reason\":\"not within 10 s\",\"hint\":\"Look\"}]}]}\n";
  g_autoptr(GError) error = NULL;
  g_autoptr(FlRecordingContents) c = fl_recording_read_data (data, strlen (data), &error);
  g_autoptr(FlRecordedRun) none = NULL, started = NULL, one = NULL, late = NULL, end = NULL;
  FlRecordedStep *step;
  FlRecordedExpectation *x;

  g_assert_no_error (error);
  g_assert_cmpuint (c->exercise->len, ==, 5);

  none = fl_recording_exercise_at (c, 999);
  g_assert_null (none);

  started = fl_recording_exercise_at (c, 1000);
  g_assert_nonnull (started);
  g_assert_cmpstr (started->title, ==, "Planned");
  g_assert_false (started->finished);
  g_assert_cmpuint (started->steps->len, ==, 2);
  g_assert_cmpint (started->current, ==, 0);
  x = ((FlRecordedStep *)started->steps->pdata[0])->expect->pdata[0];
  g_assert_cmpint (x->grade, ==, FL_GRADE_PENDING);
  g_assert_cmpint (x->time_us, ==, -1);

  one = fl_recording_exercise_at (c, 2000);
  step = one->steps->pdata[0];
  g_assert_cmpint (step->grade, ==, FL_GRADE_PASSED);
  x = step->expect->pdata[0];
  g_assert_cmpint (x->time_us, ==, 1250000);
  g_assert_cmpint (one->current, ==, 1);

  /* the broken step records change nothing */
  late = fl_recording_exercise_at (c, 1000000);
  g_assert_cmpuint (late->steps->len, ==, 2);
  g_assert_cmpstr (((FlRecordedStep *)late->steps->pdata[1])->title, ==, "B");
  g_assert_false (late->finished);

  /* the result has no time: it counts at the end */
  end = fl_recording_exercise_at (c, FL_RECORDING_END);
  g_assert_true (end->finished);
  g_assert_cmpint (end->outcome, ==, FL_GRADE_FAILED);
  g_assert_cmpint (end->current, ==, -1);
  x = ((FlRecordedStep *)end->steps->pdata[1])->expect->pdata[0];
  g_assert_cmpstr (x->reason, ==, "not within 10 s");
  g_assert_cmpstr (x->hint, ==, "Look");
}

/* a file given to open is told apart by its first line, however its JSON is spaced */
static void
test_sniff (void)
{
  static const struct { const char *text; gboolean recording; } cases[] = {
    { "{\"type\":\"header\",\"format\":1}\n", TRUE },
    { "{\"type\": \"header\", \"format\": 1}\n{\"type\": \"sample\"}\n", TRUE },
    { "{ \"format\": 1, \"type\" : \"header\" }\n", TRUE },
    { "{\"format\": 1, \"name\": \"classroom\", \"domain\": \"test.local\"}\n", FALSE },
    { "{\"type\": \"sample\"}\n", FALSE },
    { "{\"type\": \"header\"}", FALSE },          /* no newline: not a recording's line */
    { "[\"type\", \"header\"]\n", FALSE },
    { "\n", FALSE },
    { "", FALSE },
  };

  for (gsize i = 0; i < G_N_ELEMENTS (cases); i++)
    if (fl_recording_is_recording (cases[i].text, strlen (cases[i].text)) != cases[i].recording)
      g_error ("\"%s\": read as %s", cases[i].text, cases[i].recording ? "a lab file" : "a recording");
}

int
main (int   argc,
      char *argv[])
{
  setlocale (LC_ALL, "C.UTF-8");
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/recording/round-trip", test_round_trip);
  g_test_add_func ("/recording/damaged", test_damaged);
  g_test_add_func ("/recording/long", test_long);
  g_test_add_func ("/recording/not-a-recording", test_not_a_recording);
  g_test_add_func ("/recording/sniff", test_sniff);
  g_test_add_func ("/recording/disk-full", test_disk_full);
  g_test_add_func ("/recording/default-path", test_default_path);
  g_test_add_func ("/recording/finish", test_finish);
  g_test_add_func ("/recording/sync", test_sync);
  g_test_add_func ("/recording/report", test_report);
  g_test_add_func ("/recording/exercise-at", test_exercise_at);

  return g_test_run ();
}
