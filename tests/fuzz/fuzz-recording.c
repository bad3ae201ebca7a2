/* fuzz-recording.c: libFuzzer target for the recording reader
 *
 * Copyright 2026 The Failover Lab authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "fl-recording-file.h"
#include "fuzz.h"

int
LLVMFuzzerTestOneInput (const unsigned char *data,
                        size_t               size)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(FlRecordingContents) c = NULL;

  fuzz_set_logging_func ();

  c = fl_recording_read_data ((const char *)data, size, &error);
  g_assert ((c == NULL) != (error == NULL));
  if (c != NULL)
    {
      g_assert (c->header != NULL);
      g_assert (c->n_corrupt <= c->n_lines);
      for (guint i = 0; i < c->samples->len; i++)
        g_assert (fl_sample_get_message (c->samples->pdata[i]) == NULL ||
                  g_utf8_validate (fl_sample_get_message (c->samples->pdata[i]), -1, NULL));
      /* a replay's checklist, at the end and at a moment of its exercise records */
      for (guint k = 0; k < 2; k++)
        {
          gint64 at = k == 0 ? FL_RECORDING_END : 1000 + (gint64)size;
          g_autoptr(FlRecordedRun) run = fl_recording_exercise_at (c, at);

          if (run == NULL)
            continue;
          g_assert (run->current < (int)run->steps->len);
          g_assert (run->steps->len <= 256);
          g_assert (g_utf8_validate (run->title, -1, NULL));
          for (guint i = 0; i < run->steps->len; i++)
            {
              FlRecordedStep *step = run->steps->pdata[i];

              g_assert (step->expect->len <= 256);
              g_assert (g_utf8_validate (step->title, -1, NULL));
            }
        }
    }
  return 0;
}
