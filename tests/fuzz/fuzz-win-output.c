/* fuzz-win-output.c: libFuzzer target for the Windows client's output decoding and parsers
 *
 * Copyright 2026 The Failover Lab authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "fl-win-output.h"
#include "fl-test-win-argv.h"
#include <string.h>

#include "fuzz.h"

int
LLVMFuzzerTestOneInput (const unsigned char *data,
                        size_t               size)
{
  g_autofree char *text = NULL;
  g_autoptr(FlWinDsGetDc) d = NULL;
  g_autoptr(FlWinSecureChannel) s = NULL;
  g_autoptr(FlWinKlist) k = NULL;
  g_autofree char *l = NULL;
  g_auto(GStrv) parts = NULL;
  g_autoptr(FlWinGpupdate) g = NULL;
  FlWinAnswer a;

  fuzz_set_logging_func ();

  text = fl_win_decode_output (data, size, size % 2 ? "CP437" : NULL);
  g_assert (g_utf8_validate (text, -1, NULL));
  d = fl_win_parse_dsgetdc (text);
  s = fl_win_parse_sc_query (text);
  k = fl_win_parse_klist (text);
  l = fl_win_parse_logonserver (text);
  g = fl_win_parse_gpupdate (text);
  a = fl_win_parse_answer (text);
  g_assert (a == FL_WIN_ANSWER_NONE || a == FL_WIN_ANSWER_TRUE || a == FL_WIN_ANSWER_FALSE);
  g_assert (g->applied_from == NULL || g_utf8_validate (g->applied_from, -1, NULL));
  g_assert (g->result != FL_WIN_GP_SUCCESS || (g->computer == FL_WIN_GP_SUCCESS));
  g_assert (d->flags != NULL);
  g_assert (d->dc == NULL || g_utf8_validate (d->dc, -1, NULL));
  for (guint i = 0; i < k->tickets->len; i++)
    g_assert (((FlWinTicket *)k->tickets->pdata[i])->flags != NULL);
  /* the same as Proxmox VE's out-data (Latin-1 characters taken back to bytes) */
  {
    g_autofree char *agent = fl_win_agent_text (text, size % 3 ? NULL : "CP437");

    g_assert (g_utf8_validate (agent, -1, NULL));
  }
  /* chcp's number, and a command line for any arguments (split at the input's newlines)
   * splits back into them */
  g_assert (fl_win_parse_chcp (text) <= 65535);
  {
    g_auto(GStrv) args = g_strsplit (text, "\n", 16);
    g_autofree char *line = fl_win_command_line ((const char * const *)args);
    g_auto(GStrv) back = fl_test_win_split (line);

    g_assert (g_strv_equal ((const char * const *)args, (const char * const *)back));
  }
  /* a round's output, cut into its parts */
  parts = fl_win_split_round (text);
  g_assert (g_strv_length (parts) == FL_WIN_N_PARTS);
  for (guint i = 0; i < FL_WIN_N_PARTS; i++)
    g_assert (g_utf8_validate (parts[i], -1, NULL) && strlen (parts[i]) <= 2 * strlen (text) + 2);
  return 0;
}
