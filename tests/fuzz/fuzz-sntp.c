/* fuzz-sntp.c: libFuzzer target for the SNTP reply parser and GeneralizedTime
 *
 * Copyright 2026 The Failover Lab authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "fl-time-parse.h"
#include "fuzz.h"

int
LLVMFuzzerTestOneInput (const unsigned char *data,
                        size_t               size)
{
  gint64 offset, delay, t;
  guint stratum;
  g_autofree char *text = g_strndup ((const char *)data, size);

  fuzz_set_logging_func ();
  (void)fl_sntp_parse_reply (data, size, 0, 1000, &offset, &delay, &stratum, NULL);
  (void)fl_parse_generalized_time (text, &t);
  return 0;
}
