/* fuzz-fault-request.c: libFuzzer target for the message mark-fault sends a running watch
 *
 * Copyright 2026 The Failover Lab authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "fl-lab-control.h"
#include "fuzz.h"

int
LLVMFuzzerTestOneInput (const unsigned char *data,
                        size_t               size)
{
  g_autofree char *dc = NULL, *note = NULL;
  g_autoptr(GError) error = NULL;

  fuzz_set_logging_func ();
  if (fl_fault_request_parse ((const char *)data, size, &dc, &note, &error))
    g_assert ((dc == NULL || g_utf8_validate (dc, -1, NULL)) && (note == NULL || g_utf8_validate (note, -1, NULL)));
  else
    g_assert (error != NULL && dc == NULL && note == NULL);
  return 0;
}
