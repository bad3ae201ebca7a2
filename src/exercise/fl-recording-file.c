/* fl-recording-file.c: the recorder (every sample, event and exercise record, one JSON line
 * each, written out every 250 ms without blocking the main loop) and the reader (a pure
 * function of the bytes: bounded, tolerant of a crash's cut last line, counting what it skips).
 *
 * Copyright 2026 The Failover Lab authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "fl-recording"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <stdio.h>
#include <string.h>

#include "fl-exercise-enums.h"
#include "fl-json-util.h"
#include "fl-probe-types.h"
#include "fl-recording-file.h"

#define FLUSH_MS     250
#define MAX_NESTING  16

G_DEFINE_QUARK (fl-recording-error-quark, fl_recording_error)

/* ------------------------------------------------------------------------------------------ */
/* the reader */

void
fl_recording_contents_free (FlRecordingContents *c)
{
  if (c == NULL)
    return;
  g_clear_pointer (&c->header, json_object_unref);
  g_ptr_array_unref (c->samples);
  g_ptr_array_unref (c->events);
  g_ptr_array_unref (c->exercise);
  g_free (c);
}

/**
 * fl_recording_contents_share:
 *
 * Returns: (transfer full): the same contents, shared (their arrays and header referenced, not
 *   copied): a replay keeps them while the caller frees its own
 */
FlRecordingContents *
fl_recording_contents_share (const FlRecordingContents *contents)
{
  FlRecordingContents *c = g_memdup2 (contents, sizeof *contents);

  c->header = c->header ? json_object_ref (c->header) : NULL;
  g_ptr_array_ref (c->samples);
  g_ptr_array_ref (c->events);
  g_ptr_array_ref (c->exercise);
  return c;
}

/* ------------------------------------------------------------------------------------------ */
/* an exercise run at one moment of a recording */

#define MAX_RECORDED_STEPS 256
#define MAX_RECORDED_EXPECT 256

static void
recorded_expectation_free (FlRecordedExpectation *x)
{
  g_free (x->text);
  g_free (x->reason);
  g_free (x->hint);
  g_free (x);
}

static void
recorded_step_free (FlRecordedStep *step)
{
  g_free (step->title);
  g_free (step->error);
  g_ptr_array_unref (step->expect);
  g_free (step);
}

void
fl_recorded_run_free (FlRecordedRun *run)
{
  if (run == NULL)
    return;
  g_free (run->exercise);
  g_free (run->title);
  g_ptr_array_unref (run->steps);
  g_free (run);
}

static FlGrade
grade_nick (const char *nick)
{
  int grade = FL_GRADE_PENDING;

  if (nick == NULL || !fl_enum_from_nick (FL_TYPE_GRADE, nick, &grade))
    return FL_GRADE_PENDING;
  return (FlGrade)grade;
}

static FlGrade
grade_of (JsonObject *o)
{
  return grade_nick (fl_json_get_string (o, "grade"));
}

static JsonObject *
array_object (JsonArray *array,
              guint      i)
{
  JsonNode *n = json_array_get_element (array, i);

  return JSON_NODE_HOLDS_OBJECT (n) ? json_node_get_object (n) : NULL;
}

static JsonArray *
member_array (JsonObject *o,
              const char *key)
{
  JsonNode *n = o ? json_object_get_member (o, key) : NULL;

  return n && JSON_NODE_HOLDS_ARRAY (n) ? json_node_get_array (n) : NULL;
}

/* one step's grades as the grader wrote them (fl_grader_to_json); NULL if it is not an object */
static FlRecordedStep *
recorded_step_new (JsonObject *o)
{
  FlRecordedStep *step;
  JsonArray *expect = member_array (o, "expect");

  if (o == NULL)
    return NULL;
  step = g_new0 (FlRecordedStep, 1);
  step->title = g_strdup (fl_json_get_string (o, "title") ?: "");
  step->grade = grade_of (o);
  step->error = g_strdup (fl_json_get_string (o, "error"));
  step->expect = g_ptr_array_new_with_free_func ((GDestroyNotify)recorded_expectation_free);
  for (guint j = 0; expect != NULL && j < json_array_get_length (expect) && j < MAX_RECORDED_EXPECT; j++)
    {
      JsonObject *xo = array_object (expect, j);
      FlRecordedExpectation *x;
      gint64 ms;

      if (xo == NULL)
        continue;
      x = g_new0 (FlRecordedExpectation, 1);
      x->text = g_strdup (fl_json_get_string (xo, "text") ?: "");
      x->grade = grade_of (xo);
      ms = fl_json_get_int (xo, "time_ms", -1);
      x->time_us = ms >= 0 ? ms * 1000 : -1;
      x->reason = g_strdup (fl_json_get_string (xo, "reason"));
      x->hint = g_strdup (fl_json_get_string (xo, "hint"));
      g_ptr_array_add (step->expect, x);
    }
  return step;
}

static FlRecordedRun *
recorded_run_new (JsonObject *record)
{
  FlRecordedRun *run = g_new0 (FlRecordedRun, 1);
  JsonArray *steps = member_array (record, "steps");

  run->exercise = g_strdup (fl_json_get_string (record, "exercise") ?: "");
  run->title = g_strdup (fl_json_get_string (record, "title") ?: run->exercise);
  run->steps = g_ptr_array_new_with_free_func ((GDestroyNotify)recorded_step_free);
  for (guint i = 0; steps != NULL && i < json_array_get_length (steps) && i < MAX_RECORDED_STEPS; i++)
    {
      FlRecordedStep *step = recorded_step_new (array_object (steps, i));

      if (step != NULL)
        g_ptr_array_add (run->steps, step);
    }
  return run;
}

/**
 * fl_recording_exercise_at:
 * @until_us: a moment of the recording (its monotonic clock), or %FL_RECORDING_END
 *
 * The exercise run as it stood at @until_us: the last run started by then, each step as last
 * graded by then, and its outcome once the result was recorded. A record without a time counts
 * only at the end. Records that are not what the grader writes are ignored, never an error.
 *
 * Returns: (transfer full) (nullable): the run, or %NULL when none had started
 */
FlRecordedRun *
fl_recording_exercise_at (const FlRecordingContents *contents,
                          gint64                     until_us)
{
  g_autoptr(FlRecordedRun) run = NULL;

  g_return_val_if_fail (contents != NULL, NULL);

  for (guint i = 0; i < contents->exercise->len; i++)
    {
      JsonObject *record = contents->exercise->pdata[i];
      const char *what = fl_json_get_string (record, "record");
      gint64 t = fl_json_get_int (record, "t_us", FL_RECORDING_END);

      if (t > until_us || what == NULL)
        continue;
      if (g_str_equal (what, "start") || g_str_equal (what, "result"))
        {
          g_clear_pointer (&run, fl_recorded_run_free);
          run = recorded_run_new (record);
          run->finished = g_str_equal (what, "result");
          run->outcome = run->finished ? grade_nick (fl_json_get_string (record, "outcome"))
                                       : FL_GRADE_PENDING;
        }
      else if (g_str_equal (what, "step") && run != NULL && !run->finished)
        {
          gint64 index = fl_json_get_int (record, "step", -1);
          JsonNode *n = json_object_get_member (record, "result");
          FlRecordedStep *step = n && JSON_NODE_HOLDS_OBJECT (n) ? recorded_step_new (json_node_get_object (n)) : NULL;

          if (step == NULL)
            continue;
          if (index >= 0 && index < (gint64)run->steps->len)
            {
              recorded_step_free (run->steps->pdata[index]);
              run->steps->pdata[index] = step;
            }
          else
            recorded_step_free (step);
        }
    }
  if (run == NULL)
    return NULL;
  run->current = -1;
  for (guint i = 0; !run->finished && i < run->steps->len && run->current < 0; i++)
    if (((FlRecordedStep *)run->steps->pdata[i])->grade == FL_GRADE_PENDING)
      run->current = (int)i;
  return g_steal_pointer (&run);
}

/* one line to a JSON object, or NULL: bounded, valid UTF-8, not nested deeper than a record */
static JsonObject *
parse_line (JsonParser *parser,
            const char *line,
            gsize       length)
{
  JsonNode *root;

  if (length == 0 || length > FL_RECORDING_MAX_LINE || !g_utf8_validate_len (line, length, NULL) ||
      fl_json_max_nesting (line, length) > MAX_NESTING ||
      !json_parser_load_from_data (parser, line, (gssize)length, NULL))
    return NULL;
  root = json_parser_get_root (parser);
  if (root == NULL || !JSON_NODE_HOLDS_OBJECT (root))
    return NULL;
  return json_object_ref (json_node_get_object (root));
}

static gboolean
take_record (FlRecordingContents *c,
             JsonObject          *o)
{
  const char *type = fl_json_get_string (o, "type");
  g_autoptr(JsonNode) node = json_node_init_object (json_node_alloc (), o);

  if (g_strcmp0 (type, "sample") == 0)
    {
      FlSample *sample = fl_sample_new_from_json (node, NULL);

      if (sample == NULL)
        return FALSE;
      g_ptr_array_add (c->samples, sample);
      return TRUE;
    }
  if (g_strcmp0 (type, "event") == 0)
    {
      FlEvent *event = fl_event_new_from_json (node, NULL);

      if (event == NULL)
        return FALSE;
      g_ptr_array_add (c->events, event);
      return TRUE;
    }
  if (g_strcmp0 (type, "exercise") == 0)
    {
      g_ptr_array_add (c->exercise, json_object_ref (o));
      return TRUE;
    }
  if (g_strcmp0 (type, "capped") == 0)
    {
      c->capped = TRUE;
      return TRUE;
    }
  return FALSE;
}

/**
 * fl_recording_read_data:
 *
 * Reads a recording. A last line without its newline was cut by a crash: skipped, and
 * `truncated` says so. A line in the middle that is not a record is skipped and counted
 * (`n_corrupt`, `first_corrupt`): the rest is still read. Only a file that does not start with
 * a recording's header is an error.
 *
 * Returns: (transfer full) (nullable): the contents
 */
/* one part of a recording's body, whole lines, read by one thread into its own arrays */
typedef struct
{
  const char          *p, *end;
  guint                first_line;   /* the line number of its first line */
  FlRecordingContents  part;
} Chunk;

static gpointer
read_chunk (gpointer data)
{
  Chunk *k = data;
  g_autoptr(JsonParser) parser = json_parser_new_immutable ();
  FlRecordingContents *c = &k->part;
  guint line = k->first_line;

  c->samples = g_ptr_array_new_with_free_func ((GDestroyNotify)fl_sample_unref);
  c->events = g_ptr_array_new_with_free_func ((GDestroyNotify)fl_event_unref);
  c->exercise = g_ptr_array_new_with_free_func ((GDestroyNotify)json_object_unref);
  for (const char *p = k->p; p < k->end; line++)
    {
      const char *nl = memchr (p, '\n', (gsize)(k->end - p));
      g_autoptr(JsonObject) o = parse_line (parser, p, (gsize)(nl - p));

      p = nl + 1;
      if (o == NULL || !take_record (c, o))
        {
          if (c->first_corrupt == 0)
            c->first_corrupt = line;
          c->n_corrupt++;
        }
    }
  return NULL;
}

/* a long body is read by one thread a core, in parts split at line ends, then put together in
 * file order: an 8 h recording opens in the time its lines take to parse on one core, halved */
#define CHUNK_MIN (4 * 1024 * 1024)

static void
read_body (FlRecordingContents *c,
           const char          *p,
           const char          *end,
           guint                first_line,
           guint                n_lines)
{
  guint n = CLAMP ((guint)((end - p) / CHUNK_MIN), 1, MIN (8u, g_get_num_processors ()));
  g_autofree Chunk *chunks = g_new0 (Chunk, n);
  g_autofree GThread **threads = g_new0 (GThread *, n);
  guint line = first_line;

  for (guint i = 0; i < n; i++)
    {
      const char *cut = i + 1 == n ? end : p + (end - p) / (n - i);

      /* the part ends after a whole line */
      if (cut < end)
        cut = (const char *)memchr (cut, '\n', (gsize)(end - cut)) + 1;
      chunks[i].p = p;
      chunks[i].end = cut;
      chunks[i].first_line = line;
      for (const char *q = p; q < cut; q = (const char *)memchr (q, '\n', (gsize)(cut - q)) + 1)
        line++;
      p = cut;
    }
  for (guint i = 1; i < n; i++)
    threads[i] = g_thread_try_new ("fl-read", read_chunk, &chunks[i], NULL);
  read_chunk (&chunks[0]);
  for (guint i = 0; i < n; i++)
    {
      FlRecordingContents *part = &chunks[i].part;

      if (i > 0 && threads[i] != NULL)
        g_thread_join (threads[i]);
      else if (i > 0)
        read_chunk (&chunks[i]);   /* no thread to be had: read it here */
      g_ptr_array_extend_and_steal (c->samples, part->samples);
      g_ptr_array_extend_and_steal (c->events, part->events);
      g_ptr_array_extend_and_steal (c->exercise, part->exercise);
      c->capped |= part->capped;
      if (c->first_corrupt == 0)
        c->first_corrupt = part->first_corrupt;
      c->n_corrupt += part->n_corrupt;
    }
  c->n_lines += n_lines;
}

/**
 * fl_recording_is_recording:
 *
 * Whether @data starts like a recording (its first line an object whose "type" is "header"),
 * however its JSON is spaced; a lab file does not. For a file given to open, before it is read
 * as one or the other.
 */
gboolean
fl_recording_is_recording (const char *data,
                           gsize       length)
{
  g_autoptr(JsonParser) parser = json_parser_new_immutable ();
  g_autoptr(JsonObject) first = NULL;
  const char *nl = length > 0 ? memchr (data, '\n', MIN (length, (gsize)FL_RECORDING_MAX_LINE + 1)) : NULL;

  if (nl == NULL)
    return FALSE;
  first = parse_line (parser, data, (gsize)(nl - data));
  return first != NULL && g_strcmp0 (fl_json_get_string (first, "type"), "header") == 0;
}

FlRecordingContents *
fl_recording_read_data (const char  *data,
                        gsize        length,
                        GError     **error)
{
  g_autoptr(FlRecordingContents) c = g_new0 (FlRecordingContents, 1);
  g_autoptr(JsonParser) parser = json_parser_new_immutable ();
  g_autoptr(JsonObject) header = NULL;
  const char *end = data + length, *nl, *body, *body_end;
  gint64 format = 0;
  guint n_body = 0;

  c->samples = g_ptr_array_new_with_free_func ((GDestroyNotify)fl_sample_unref);
  c->events = g_ptr_array_new_with_free_func ((GDestroyNotify)fl_event_unref);
  c->exercise = g_ptr_array_new_with_free_func ((GDestroyNotify)json_object_unref);

  if ((gint64)length > FL_RECORDING_MAX_BYTES + FL_RECORDING_MAX_LINE)
    {
      g_set_error_literal (error, FL_RECORDING_ERROR, FL_RECORDING_ERROR_TOO_LARGE,
                           _("not a recording: larger than a recording can be"));
      return NULL;
    }

  /* the header: every line is written whole, with its newline */
  nl = length > 0 ? memchr (data, '\n', length) : NULL;
  if (nl == NULL)
    {
      g_set_error_literal (error, FL_RECORDING_ERROR, FL_RECORDING_ERROR_NOT_A_RECORDING,
                           _("not a recording of Failover Lab: the file is empty or cut before "
                             "its header"));
      return NULL;
    }
  header = parse_line (parser, data, (gsize)(nl - data));
  if (header == NULL || g_strcmp0 (fl_json_get_string (header, "type"), "header") != 0)
    {
      g_set_error_literal (error, FL_RECORDING_ERROR, FL_RECORDING_ERROR_NOT_A_RECORDING,
                           _("not a recording of Failover Lab: it does not start with "
                             "a recording's header"));
      return NULL;
    }
  if (json_object_has_member (header, "format") &&
      JSON_NODE_HOLDS_VALUE (json_object_get_member (header, "format")) &&
      json_node_get_value_type (json_object_get_member (header, "format")) == G_TYPE_INT64)
    format = json_object_get_int_member (header, "format");
  if (format != FL_RECORDING_FORMAT)
    {
      g_set_error (error, FL_RECORDING_ERROR, FL_RECORDING_ERROR_FORMAT,
                   _("a recording of format %lld: this version reads format %d"),
                   (long long)format, FL_RECORDING_FORMAT);
      return NULL;
    }
  c->header = g_steal_pointer (&header);
  c->n_lines = 1;

  /* the body: whole lines, at most what a recording holds (more is read as far as that, and
   * said); after the last newline, a line cut by a crash */
  body = body_end = nl + 1;
  while (body_end < end)
    {
      const char *next = memchr (body_end, '\n', (gsize)(end - body_end));

      if (next == NULL)
        {
          c->truncated = TRUE;
          break;
        }
      body_end = next + 1;
      if (++n_body > FL_RECORDING_MAX_LINES + 15)
        {
          c->capped = TRUE;
          break;
        }
    }
  if (body < body_end)
    read_body (c, body, body_end, 2, n_body);
  if (c->truncated)
    c->n_lines++;
  return g_steal_pointer (&c);
}

FlRecordingContents *
fl_recording_read_file (const char  *path,
                        GError     **error)
{
  g_autoptr(GMappedFile) file = NULL;
  g_autoptr(GError) local = NULL;
  FlRecordingContents *c;

  file = g_mapped_file_new (path, FALSE, &local);
  if (file == NULL)
    {
      g_set_error (error, FL_RECORDING_ERROR, FL_RECORDING_ERROR_IO, "%s", local->message);
      return NULL;
    }
  c = fl_recording_read_data (g_mapped_file_get_contents (file), g_mapped_file_get_length (file),
                              &local);
  if (c == NULL)
    g_set_error (error, FL_RECORDING_ERROR, local->code, "%s: %s", path, local->message);
  return c;
}

/* ------------------------------------------------------------------------------------------ */
/* the recorder */

struct _FlRecorder
{
  GObject parent_instance;

  FlTimeline    *timeline;
  GOutputStream *out;
  JsonGenerator *generator;
  GString       *pending;       /* lines not written yet */
  GBytes        *writing;       /* lines being written */
  GError        *error;         /* the write that failed: recording stopped */
  guint          flush_source;
  gulong         sample_handler;
  gulong         event_handler;
  guint64        n_lines;
  gint64         n_bytes;
  gboolean       capped;
  gboolean       closed;
  gboolean       finishing;     /* fl_recorder_finish(): close once written */
  guint64        appended;      /* bytes given to pending, ever */
  guint64        written;       /* bytes the stream took, ever */
  GQueue         waiters;       /* GTask of fl_recorder_sync_async(), oldest first */
};

G_DEFINE_FINAL_TYPE (FlRecorder, fl_recorder, G_TYPE_OBJECT)

enum { FAILED, N_SIGNALS };
static guint signals[N_SIGNALS];

static void
stop_listening (FlRecorder *self)
{
  if (self->timeline != NULL)
    {
      g_clear_signal_handler (&self->sample_handler, self->timeline);
      g_clear_signal_handler (&self->event_handler, self->timeline);
    }
  g_clear_handle_id (&self->flush_source, g_source_remove);
}

static void
fl_recorder_dispose (GObject *object)
{
  FlRecorder *self = FL_RECORDER (object);

  stop_listening (self);
  g_clear_object (&self->timeline);

  G_OBJECT_CLASS (fl_recorder_parent_class)->dispose (object);
}

static void
fl_recorder_finalize (GObject *object)
{
  FlRecorder *self = FL_RECORDER (object);

  g_clear_object (&self->out);
  g_clear_object (&self->generator);
  g_string_free (self->pending, TRUE);
  g_clear_pointer (&self->writing, g_bytes_unref);
  g_clear_error (&self->error);

  G_OBJECT_CLASS (fl_recorder_parent_class)->finalize (object);
}

static void
fl_recorder_class_init (FlRecorderClass *klass)
{
  G_OBJECT_CLASS (klass)->dispose = fl_recorder_dispose;
  G_OBJECT_CLASS (klass)->finalize = fl_recorder_finalize;

  /**
   * FlRecorder::failed:
   * @error: why the recording stopped (the disk is full, …); probing goes on
   */
  signals[FAILED] = g_signal_new ("failed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL,
                                  NULL, NULL, G_TYPE_NONE, 1, G_TYPE_ERROR);
}

static void
fl_recorder_init (FlRecorder *self)
{
  self->pending = g_string_new (NULL);
  self->generator = json_generator_new ();
}

static void
append_node (FlRecorder *self,
             JsonNode   *node)
{
  g_autofree char *line = NULL;
  gsize len;

  if (self->capped || self->error != NULL || self->closed)
    return;
  json_generator_set_root (self->generator, node);
  line = json_generator_to_data (self->generator, &len);
  if (self->n_lines + 2 > FL_RECORDING_MAX_LINES ||
      self->n_bytes + (gint64)len + 256 > FL_RECORDING_MAX_BYTES)
    {
      /* the cap: a last record says so, and nothing more is written */
      g_string_append (self->pending, "{\"type\":\"capped\"}\n");
      self->appended += strlen ("{\"type\":\"capped\"}\n");
      self->capped = TRUE;
      self->n_lines++;
      return;
    }
  g_string_append_len (self->pending, line, (gssize)len);
  g_string_append_c (self->pending, '\n');
  self->appended += len + 1;
  self->n_lines++;
  self->n_bytes += (gint64)len + 1;
}

static void
on_sample (FlTimeline *timeline,
           FlSample   *sample,
           FlRecorder *self)
{
  g_autoptr(JsonNode) node = fl_sample_to_json (sample);

  append_node (self, node);
}

static void
on_event (FlTimeline *timeline,
          FlEvent    *event,
          FlRecorder *self)
{
  g_autoptr(JsonNode) node = fl_event_to_json (event);

  append_node (self, node);
}

static void flush_now (FlRecorder *self);
static void finish_step (FlRecorder *self);

/* completes the syncs whose lines are written (or that never will be), and writes on for
 * the others */
static void
wake_waiters (FlRecorder *self)
{
  GTask *task;

  while ((task = g_queue_peek_head (&self->waiters)) != NULL)
    {
      guint64 target = *(guint64 *) g_task_get_task_data (task);

      if (self->error != NULL)
        g_task_return_error (task, g_error_copy (self->error));
      else if (self->written >= target)
        g_task_return_boolean (task, TRUE);
      else
        break;
      g_object_unref (g_queue_pop_head (&self->waiters));
    }
  if (!g_queue_is_empty (&self->waiters))
    flush_now (self);
}

static void
on_written (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  FlRecorder *self = user_data;
  g_autoptr(GError) error = NULL;
  gsize len = g_bytes_get_size (self->writing);

  g_clear_pointer (&self->writing, g_bytes_unref);
  if (!g_output_stream_write_all_finish (G_OUTPUT_STREAM (source), result, NULL, &error))
    {
      /* the disk is full, the file went away: the recording stops, probing goes on */
      self->error = g_error_new (FL_RECORDING_ERROR, FL_RECORDING_ERROR_IO,
                                 _("The recording stopped: %s"), error->message);
      stop_listening (self);
      g_signal_emit (self, signals[FAILED], 0, self->error);
    }
  else
    self->written += len;
  wake_waiters (self);
  if (self->finishing)
    finish_step (self);
  g_object_unref (self);
}

static void
flush_now (FlRecorder *self)
{
  gsize len;

  if (self->writing != NULL || self->pending->len == 0 || self->error != NULL)
    return;
  len = self->pending->len;
  self->writing = g_bytes_new_take (g_string_free (self->pending, FALSE), len);
  self->pending = g_string_new (NULL);
  g_output_stream_write_all_async (self->out, g_bytes_get_data (self->writing, NULL), len,
                                   G_PRIORITY_DEFAULT, NULL, on_written, g_object_ref (self));
}

static gboolean
on_flush (gpointer user_data)
{
  flush_now (user_data);
  return G_SOURCE_CONTINUE;
}

static JsonNode *
header_node (FlTimeline *timeline,
             FlLab      *lab)
{
  g_autoptr(JsonBuilder) b = json_builder_new_immutable ();
  FlProbeConfig *config = fl_timeline_get_config (timeline);
  g_autofree char *lab_text = lab ? fl_lab_to_data (lab, NULL) : NULL;
  g_autoptr(JsonNode) lab_node = lab_text ? json_from_string (lab_text, NULL) : NULL;

  json_builder_begin_object (b);
  json_builder_set_member_name (b, "type");
  json_builder_add_string_value (b, "header");
  json_builder_set_member_name (b, "format");
  json_builder_add_int_value (b, FL_RECORDING_FORMAT);
  json_builder_set_member_name (b, "app");
  json_builder_add_string_value (b, "failover-lab");
  json_builder_set_member_name (b, "version");
  json_builder_add_string_value (b, PACKAGE_VERSION);
  json_builder_set_member_name (b, "started_wall_us");
  json_builder_add_int_value (b, g_get_real_time ());
  json_builder_set_member_name (b, "started_mono_us");
  json_builder_add_int_value (b, g_get_monotonic_time ());
  json_builder_set_member_name (b, "domain");
  json_builder_add_string_value (b, fl_probe_config_get_domain (config));
  if (lab_node != NULL)
    {
      /* the lab file as it is: it never holds a secret (the loader refuses one) */
      json_builder_set_member_name (b, "lab");
      json_builder_add_value (b, g_steal_pointer (&lab_node));
    }
  json_builder_set_member_name (b, "settings");
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "interval_ms");
  json_builder_add_int_value (b, fl_probe_config_get_interval_ms (config));
  json_builder_set_member_name (b, "deadline_ms");
  json_builder_add_int_value (b, fl_probe_config_get_deadline_ms (config));
  json_builder_end_object (b);
  json_builder_end_object (b);
  return json_builder_get_root (b);
}

/**
 * fl_recorder_new:
 * @lab: (nullable): the lab, recorded in the header (a lab file holds no secret)
 * @out: where the lines go
 *
 * Records every sample and event the timeline gets from now on, after a header line; writes
 * every 250 ms, asynchronously (never blocking the main loop), so a crash loses at most that
 * much. A write that fails (disk full) stops the recording with the ::failed signal.
 */
FlRecorder *
fl_recorder_new (FlTimeline    *timeline,
                 FlLab         *lab,
                 GOutputStream *out)
{
  FlRecorder *self;
  g_autoptr(JsonNode) header = NULL;

  g_return_val_if_fail (FL_IS_TIMELINE (timeline), NULL);
  g_return_val_if_fail (G_IS_OUTPUT_STREAM (out), NULL);

  self = g_object_new (FL_TYPE_RECORDER, NULL);
  self->timeline = g_object_ref (timeline);
  self->out = g_object_ref (out);
  header = header_node (timeline, lab);
  append_node (self, header);
  self->sample_handler = g_signal_connect (timeline, "sample-added", G_CALLBACK (on_sample), self);
  self->event_handler = g_signal_connect (timeline, "event-added", G_CALLBACK (on_event), self);
  self->flush_source = g_timeout_add (FLUSH_MS, on_flush, self);
  flush_now (self);
  return self;
}

/**
 * fl_recorder_new_for_file:
 *
 * A new file (owner-only), never an existing one overwritten: a recording is not lost to a
 * reused name.
 */
FlRecorder *
fl_recorder_new_for_file (FlTimeline  *timeline,
                          FlLab       *lab,
                          const char  *path,
                          GError     **error)
{
  g_autoptr(GFile) file = g_file_new_for_path (path);
  g_autoptr(GFileOutputStream) out = NULL;
  g_autoptr(GFile) parent = g_file_get_parent (file);

  if (parent != NULL)
    g_file_make_directory_with_parents (parent, NULL, NULL);
  out = g_file_create (file, G_FILE_CREATE_PRIVATE, NULL, error);
  if (out == NULL)
    return NULL;
  return fl_recorder_new (timeline, lab, G_OUTPUT_STREAM (out));
}

/**
 * fl_recorder_add_record:
 * @record: an object with "type": "exercise" (a run's start, a step's grades, the result)
 */
void
fl_recorder_add_record (FlRecorder *self,
                        JsonNode   *record)
{
  g_return_if_fail (FL_IS_RECORDER (self));
  append_node (self, record);
}

void
fl_recorder_flush (FlRecorder *self)
{
  g_return_if_fail (FL_IS_RECORDER (self));
  flush_now (self);
}

/**
 * fl_recorder_sync_async:
 *
 * Writes now, and completes once every line recorded before this call is in the file (or
 * with the error that stopped the recording): then the file can be read whole, for a report.
 */
void
fl_recorder_sync_async (FlRecorder          *self,
                        GCancellable        *cancellable,
                        GAsyncReadyCallback  callback,
                        gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  guint64 *target;

  g_return_if_fail (FL_IS_RECORDER (self));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, fl_recorder_sync_async);
  target = g_new (guint64, 1);
  *target = self->appended;
  g_task_set_task_data (task, target, g_free);
  g_queue_push_tail (&self->waiters, g_steal_pointer (&task));
  wake_waiters (self);
}

gboolean
fl_recorder_sync_finish (FlRecorder    *self,
                         GAsyncResult  *result,
                         GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}

static void
on_closed (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_output_stream_close_finish (G_OUTPUT_STREAM (source), result, NULL);
  g_object_unref (user_data);   /* the reference fl_recorder_finish() took */
}

/* the rest written, then the stream closed, asynchronously */
static void
finish_step (FlRecorder *self)
{
  if (self->writing != NULL)
    return;
  if (self->error == NULL && self->pending->len > 0)
    {
      flush_now (self);
      return;
    }
  self->finishing = FALSE;
  g_output_stream_close_async (self->out, G_PRIORITY_DEFAULT, NULL, on_closed, self);
}

/**
 * fl_recorder_finish:
 *
 * fl_recorder_close() for a main loop that must not wait: records nothing more, writes what is
 * pending and closes the stream, all asynchronously; the recorder keeps itself alive until then.
 */
void
fl_recorder_finish (FlRecorder *self)
{
  g_return_if_fail (FL_IS_RECORDER (self));

  if (self->closed)
    return;
  stop_listening (self);
  self->closed = TRUE;
  self->finishing = TRUE;
  g_object_ref (self);
  finish_step (self);
}

/**
 * fl_recorder_close:
 *
 * Writes what is pending and closes the stream (waits, in the main context, for a write
 * under way).
 */
gboolean
fl_recorder_close (FlRecorder  *self,
                   GError     **error)
{
  g_return_val_if_fail (FL_IS_RECORDER (self), FALSE);

  stop_listening (self);
  while (self->writing != NULL)
    g_main_context_iteration (NULL, TRUE);
  if (self->error == NULL && self->pending->len > 0)
    {
      g_autoptr(GError) local = NULL;

      if (!g_output_stream_write_all (self->out, self->pending->str, self->pending->len, NULL,
                                      NULL, &local))
        self->error = g_error_new (FL_RECORDING_ERROR, FL_RECORDING_ERROR_IO,
                                   _("The recording stopped: %s"), local->message);
      else
        self->written += self->pending->len;
      g_string_truncate (self->pending, 0);
    }
  self->closed = TRUE;
  wake_waiters (self);
  if (!g_output_stream_is_closed (self->out))
    g_output_stream_close (self->out, NULL, NULL);
  if (self->error != NULL)
    {
      g_propagate_error (error, g_error_copy (self->error));
      return FALSE;
    }
  return TRUE;
}

const GError *
fl_recorder_get_error (FlRecorder *self)
{
  g_return_val_if_fail (FL_IS_RECORDER (self), NULL);
  return self->error;
}

guint64
fl_recorder_get_n_lines (FlRecorder *self)
{
  g_return_val_if_fail (FL_IS_RECORDER (self), 0);
  return self->n_lines;
}

static int
compare_names (gconstpointer a,
               gconstpointer b)
{
  return strcmp (*(char * const *) a, *(char * const *) b);
}

/**
 * fl_recording_list_recent:
 * @max: how many at most
 *
 * Blocking (a folder listing): call it on a worker thread.
 *
 * Returns: (transfer full) (element-type utf8): the paths of the newest recordings in the
 *   default folder, newest first (their names begin with their start time)
 */
GPtrArray *
fl_recording_list_recent (guint max)
{
  g_autofree char *dir = g_build_filename (g_get_user_data_dir (), "failover-lab", "recordings", NULL);
  g_autoptr(GDir) d = g_dir_open (dir, 0, NULL);
  g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func (g_free);
  GPtrArray *paths = g_ptr_array_new_with_free_func (g_free);
  const char *name;

  while (d != NULL && (name = g_dir_read_name (d)) != NULL)
    if (g_str_has_suffix (name, ".jsonl") && g_ascii_isdigit (name[0]))
      g_ptr_array_add (names, g_strdup (name));
  g_ptr_array_sort (names, compare_names);
  for (guint i = names->len; i > 0 && paths->len < max; i--)
    g_ptr_array_add (paths, g_build_filename (dir, names->pdata[i - 1], NULL));
  return paths;
}

/**
 * fl_recording_name_parse:
 * @name: a file name as fl_recording_default_path() makes them ("2026-01-01-090000-classroom.jsonl")
 * @lab: (out) (transfer full): the lab's name in it
 *
 * Returns: (transfer full) (nullable): the local start time it names, or %NULL (another name)
 */
GDateTime *
fl_recording_name_parse (const char  *name,
                         char       **lab)
{
  int y, mo, d, h, mi, sec, used = 0;
  g_autoptr(GTimeZone) local = g_time_zone_new_local ();
  GDateTime *start;
  gsize len;

  *lab = NULL;
  if (!g_str_has_suffix (name, ".jsonl") ||
      sscanf (name, "%4d-%2d-%2d-%2d%2d%2d-%n", &y, &mo, &d, &h, &mi, &sec, &used) != 6 || used != 18)
    return NULL;
  start = g_date_time_new (local, y, mo, d, h, mi, sec);
  len = strlen (name + used) - strlen (".jsonl");
  if (start == NULL || len == 0)
    {
      g_clear_pointer (&start, g_date_time_unref);
      return NULL;
    }
  *lab = g_strndup (name + used, len);
  return start;
}

/**
 * fl_recording_default_path:
 *
 * Returns: (transfer full): $XDG_DATA_HOME/failover-lab/recordings/<start>-<lab>.jsonl
 */
char *
fl_recording_default_path (FlLab     *lab,
                           GDateTime *start)
{
  g_autofree char *when = g_date_time_format (start, "%Y-%m-%d-%H%M%S");
  g_autoptr(GString) name = g_string_new (NULL);
  g_autofree char *file = NULL;

  for (const char *p = lab ? fl_lab_get_name (lab) : "lab"; p && *p && name->len < 48; p++)
    g_string_append_c (name, g_ascii_isalnum (*p) || *p == '-' || *p == '_' ? *p : '-');
  file = g_strdup_printf ("%s-%s.jsonl", when, name->len ? name->str : "lab");
  return g_build_filename (g_get_user_data_dir (), "failover-lab", "recordings", file, NULL);
}
