/* driver.c: runs a fuzz target over files, for builds without libFuzzer (the unit suite
 * replays every corpus and crash reproducer this way)
 *
 * Copyright 2026 The Failover Lab authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib.h>
#include <stdio.h>

#include "fuzz.h"

static int
run_file (const char *path)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *data = NULL;
  gsize len = 0;

  if (!g_file_get_contents (path, &data, &len, &error))
    {
      fprintf (stderr, "%s\n", error->message);
      return 1;
    }
  LLVMFuzzerTestOneInput ((const unsigned char *)data, len);
  return 0;
}

int
main (int   argc,
      char *argv[])
{
  guint n = 0;

  for (int i = 1; i < argc; i++)
    {
      if (g_file_test (argv[i], G_FILE_TEST_IS_DIR))
        {
          g_autoptr(GDir) dir = g_dir_open (argv[i], 0, NULL);
          const char *name;

          while (dir != NULL && (name = g_dir_read_name (dir)))
            {
              g_autofree char *path = g_build_filename (argv[i], name, NULL);

              if (run_file (path) != 0)
                return 1;
              n++;
            }
        }
      else
        {
          if (run_file (argv[i]) != 0)
            return 1;
          n++;
        }
    }

  printf ("1..1\nok 1 - %u inputs replayed\n", n);
  return 0;
}
