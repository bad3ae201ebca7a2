/* check-lab-files.c: loads lab files and reports each as a TAP line (the `data` suite checks
 * the shipped examples with it, the `lab` suite the sandbox's own lab file)
 *
 * Copyright 2026 The Failover Lab authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <locale.h>
#include <stdio.h>

#include "fl-lab.h"

int
main (int   argc,
      char *argv[])
{
  int failed = 0;

  setlocale (LC_ALL, "");
  printf ("1..%d\n", argc - 1);
  for (int i = 1; i < argc; i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(FlLab) lab = fl_lab_new_from_file (argv[i], &error);

      if (lab == NULL)
        {
          printf ("not ok %d - %s\n# %s\n", i, argv[i], error->message);
          failed++;
        }
      else
        printf ("ok %d - %s: \"%s\", %s, %u controllers\n", i, argv[i], fl_lab_get_name (lab),
                fl_lab_get_domain (lab), fl_lab_get_n_controllers (lab));
    }

  return failed ? 1 : 0;
}
