/* fl-cli-report.c: failoverctl report REC [-o FILE.html] [--csv FILE]
 *
 * Copyright 2026 The Failover Lab authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "failoverctl"

#include "config.h"

#include <gio/gio.h>
#include <glib/gi18n-lib.h>
#include <stdio.h>
#include <string.h>

#include "fl-cli-common.h"
#include "fl-recording.h"
#include "fl-report.h"

/* written whole, owner-only (a report or CSV can be made again from its recording) */
static gboolean
write_file (const char  *path,
            const char  *data,
            gsize        length,
            GError     **error)
{
  g_autoptr(GFile) file = g_file_new_for_path (path);

  return g_file_replace_contents (file, data, length, NULL, FALSE, G_FILE_CREATE_PRIVATE, NULL,
                                  NULL, error);
}

int
fl_cli_report (int    argc,
               char **argv)
{
  g_autofree char *html_path = NULL;
  g_autofree char *csv_path = NULL;
  g_autoptr(GOptionContext) ctx =
    g_option_context_new (_("RECORDING — a report to keep: one HTML file, and the samples as CSV"));
  g_autoptr(GError) error = NULL;
  g_autoptr(FlRecordingContents) contents = NULL;
  g_autofree char *html = NULL;
  g_autofree char *base = NULL;
  const GOptionEntry entries[] = {
    { "output", 'o', 0, G_OPTION_ARG_FILENAME, &html_path,
      N_("Write the report to FILE (default: the recording's name, .html)"), N_("FILE") },
    { "csv", 0, 0, G_OPTION_ARG_FILENAME, &csv_path,
      N_("Also write the samples to FILE as CSV"), N_("FILE") },
    { NULL }
  };

  g_option_context_set_translation_domain (ctx, GETTEXT_PACKAGE);
  g_option_context_add_main_entries (ctx, entries, GETTEXT_PACKAGE);
  if (!g_option_context_parse (ctx, &argc, &argv, &error))
    return fl_cli_fail ("%s", error->message);
  if (argc != 2)
    return fl_cli_fail (_("usage: failoverctl report RECORDING [-o FILE.html] [--csv FILE]"));

  contents = fl_recording_read_file (argv[1], &error);
  if (contents == NULL)
    return fl_cli_fail ("%s", error->message);
  if (contents->truncated)
    g_printerr (_("%s: the last line was cut short (the program stopped while writing): left out\n"),
                argv[1]);
  if (contents->n_corrupt > 0)
    g_printerr (g_dngettext (GETTEXT_PACKAGE,
                             "%s: %u line could not be read (the first: line %u): left out\n",
                             "%s: %u lines could not be read (the first: line %u): left out\n",
                             contents->n_corrupt),
                argv[1], contents->n_corrupt, contents->first_corrupt);

  if (html_path == NULL)
    {
      g_autofree char *stem = g_str_has_suffix (argv[1], ".jsonl")
                                ? g_strndup (argv[1], strlen (argv[1]) - 6) : g_strdup (argv[1]);

      html_path = g_strconcat (stem, ".html", NULL);
    }
  {
    g_autoptr(GFile) in = g_file_new_for_commandline_arg (argv[1]);
    g_autoptr(GFile) out = g_file_new_for_commandline_arg (html_path);
    g_autoptr(GFile) csv = csv_path ? g_file_new_for_commandline_arg (csv_path) : NULL;

    /* the recording is the record: never written over */
    if (g_file_equal (in, out) || (csv != NULL && g_file_equal (in, csv)))
      return fl_cli_fail (_("%s: the report would replace the recording itself"), argv[1]);
  }
  base = g_path_get_basename (argv[1]);
  html = fl_report_html (contents, base);
  if (!write_file (html_path, html, strlen (html), &error))
    return fl_cli_fail_with (FL_EXIT_PROBLEM, "%s", error->message);
  printf (_("Report: %s\n"), html_path);

  if (csv_path != NULL)
    {
      g_autoptr(GOutputStream) out = g_memory_output_stream_new_resizable ();
      g_autoptr(GBytes) bytes = NULL;

      if (!fl_recording_write_samples (contents->samples, FL_RECORDING_CSV, out, NULL, &error))
        return fl_cli_fail_with (FL_EXIT_PROBLEM, "%s", error->message);
      g_output_stream_close (out, NULL, NULL);
      bytes = g_memory_output_stream_steal_as_bytes (G_MEMORY_OUTPUT_STREAM (out));
      if (!write_file (csv_path, g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes), &error))
        return fl_cli_fail_with (FL_EXIT_PROBLEM, "%s", error->message);
      printf (_("Samples: %s\n"), csv_path);
    }
  return FL_EXIT_OK;
}
