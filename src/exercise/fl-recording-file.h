/* fl-recording-file.h: every session recorded, crash-safe (JSON Lines, written every round), and
 * read back for replay and reports.
 *
 * A recording is a header line, then one line per sample, event and exercise record:
 *   {"type":"header","format":1,"app":"failover-lab","version":…,"started_wall_us":…,
 *    "lab":{the lab file, which holds no secret},"settings":{"interval_ms":…,"deadline_ms":…}}
 *   {"type":"sample",…}   {"type":"event",…}   (as failoverctl watch --jsonl streams them)
 *   {"type":"exercise",…} (a run's start, each step's grades, the result)
 *
 * Copyright 2026 The Failover Lab authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>
#include <json-glib/json-glib.h>

#include "fl-event.h"
#include "fl-exercise-types.h"
#include "fl-lab.h"
#include "fl-sample.h"
#include "fl-timeline.h"

G_BEGIN_DECLS

#define FL_RECORDING_FORMAT          1
#define FL_RECORDING_MAX_LINE        (1024 * 1024)         /* bytes of one line */
#define FL_RECORDING_MAX_LINES       (12 * 1000 * 1000)    /* 8 h at 4 Hz of a 2-DC lab, and room */
#define FL_RECORDING_MAX_BYTES       ((gint64)4 * 1024 * 1024 * 1024)

#define FL_RECORDING_ERROR (fl_recording_error_quark ())
GQuark fl_recording_error_quark (void);

typedef enum
{
  FL_RECORDING_ERROR_NOT_A_RECORDING,  /* no header line: not a recording at all */
  FL_RECORDING_ERROR_FORMAT,           /* a format this version does not read */
  FL_RECORDING_ERROR_TOO_LARGE,
  FL_RECORDING_ERROR_IO,
} FlRecordingError;

/* what a recording holds; the lines that could not be read are counted, never fatal */
typedef struct
{
  JsonObject *header;          /* the header line */
  GPtrArray  *samples;         /* FlSample, in file order */
  GPtrArray  *events;          /* FlEvent */
  GPtrArray  *exercise;        /* JsonObject: the exercise records */
  guint       n_lines;
  guint       n_corrupt;       /* lines in the middle that were not a record: skipped */
  guint       first_corrupt;   /* the first of them (1-based), 0: none */
  gboolean    truncated;       /* the last line was cut (a crash while writing): skipped */
  gboolean    capped;          /* the recording reached its cap and stopped */
} FlRecordingContents;

gboolean             fl_recording_is_recording   (const char           *data,
                                                  gsize                 length);
FlRecordingContents *fl_recording_read_data      (const char           *data,
                                                  gsize                 length,
                                                  GError              **error);
FlRecordingContents *fl_recording_read_file      (const char           *path,
                                                  GError              **error);
void                 fl_recording_contents_free  (FlRecordingContents  *contents);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (FlRecordingContents, fl_recording_contents_free)

FlRecordingContents *fl_recording_contents_share (const FlRecordingContents *contents);

/* an exercise run as a recording tells it at one moment: the checklist a replay shows */
typedef struct
{
  char    *text;
  FlGrade  grade;
  gint64   time_us;    /* passed: from its step's start; else -1 */
  char    *reason;     /* failed: why */
  char    *hint;       /* failed: what to do */
} FlRecordedExpectation;

typedef struct
{
  char      *title;
  FlGrade    grade;
  char      *error;    /* the step's action failed: why */
  GPtrArray *expect;   /* FlRecordedExpectation */
} FlRecordedStep;

typedef struct
{
  char      *exercise;  /* its id */
  char      *title;
  gboolean   finished;  /* the result was recorded */
  FlGrade    outcome;   /* finished: the outcome; else pending */
  int        current;   /* not finished: the first step not graded yet; -1: none */
  GPtrArray *steps;     /* FlRecordedStep */
} FlRecordedRun;

#define FL_RECORDING_END G_MAXINT64   /* "as the recording ended" */

FlRecordedRun *fl_recording_exercise_at  (const FlRecordingContents *contents,
                                          gint64                     until_us);
void           fl_recorded_run_free      (FlRecordedRun             *run);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (FlRecordedRun, fl_recorded_run_free)

#define FL_TYPE_RECORDER (fl_recorder_get_type ())
G_DECLARE_FINAL_TYPE (FlRecorder, fl_recorder, FL, RECORDER, GObject)

FlRecorder *fl_recorder_new          (FlTimeline    *timeline,
                                      FlLab         *lab,
                                      GOutputStream *out);
FlRecorder *fl_recorder_new_for_file (FlTimeline    *timeline,
                                      FlLab         *lab,
                                      const char    *path,
                                      GError       **error);
void        fl_recorder_add_record   (FlRecorder    *self,
                                      JsonNode      *record);
void        fl_recorder_flush        (FlRecorder    *self);
void        fl_recorder_sync_async   (FlRecorder          *self,
                                      GCancellable        *cancellable,
                                      GAsyncReadyCallback  callback,
                                      gpointer             user_data);
gboolean    fl_recorder_sync_finish  (FlRecorder    *self,
                                      GAsyncResult  *result,
                                      GError       **error);
gboolean    fl_recorder_close        (FlRecorder    *self,
                                      GError       **error);
void        fl_recorder_finish       (FlRecorder    *self);
const GError *fl_recorder_get_error  (FlRecorder    *self);
guint64     fl_recorder_get_n_lines  (FlRecorder    *self);

char       *fl_recording_default_path (FlLab        *lab,
                                       GDateTime    *start);
GPtrArray  *fl_recording_list_recent  (guint         max);
GDateTime  *fl_recording_name_parse   (const char   *name,
                                       char        **lab);

G_END_DECLS
