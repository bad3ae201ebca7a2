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
    }
  return 0;
}
