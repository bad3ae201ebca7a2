/* fuzz.h: shared by the libFuzzer targets (GLib's fuzzing/ pattern)
 *
 * Copyright 2026 The Failover Lab authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>

int LLVMFuzzerTestOneInput (const unsigned char *data,
                            size_t               size);

static inline void
fuzz_log_nothing (const char     *log_domain,
                  GLogLevelFlags  log_level,
                  const char     *message,
                  gpointer        user_data)
{
}

/* Critical warnings abort (they are bugs); everything else stays quiet. */
static inline void
fuzz_set_logging_func (void)
{
  static gboolean set = FALSE;

  if (!set)
    {
      g_log_set_default_handler (fuzz_log_nothing, NULL);
      g_log_set_always_fatal (G_LOG_LEVEL_CRITICAL | G_LOG_LEVEL_WARNING);
      set = TRUE;
    }
}
