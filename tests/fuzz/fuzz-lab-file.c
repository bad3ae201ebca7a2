/* fuzz-lab-file.c: libFuzzer target for the lab-file loader
 *
 * Copyright 2026 The Failover Lab authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "fl-lab.h"
#include "fuzz.h"

int
LLVMFuzzerTestOneInput (const unsigned char *data,
                        size_t               size)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(FlLab) lab = NULL;

  fuzz_set_logging_func ();

  lab = fl_lab_new_from_data ((const char *)data, size, &error);
  g_assert ((lab == NULL) != (error == NULL));

  if (lab != NULL)
    {
      /* whatever loads must save and load back to the same text */
      g_autofree char *text = fl_lab_to_data (lab, NULL);
      g_autoptr(FlLab) again = fl_lab_new_from_data (text, -1, &error);
      g_autofree char *text2 = NULL;

      g_assert_no_error (error);
      text2 = fl_lab_to_data (again, NULL);
      g_assert_cmpstr (text, ==, text2);
    }

  return 0;
}
