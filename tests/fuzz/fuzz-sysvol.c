/* fuzz-sysvol.c: libFuzzer target for what the SYSVOL helper prints and the GPT.INI files it
 * reads from a DC (both untrusted)
 *
 * Copyright 2026 The Failover Lab authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "fl-sysvol.h"
#include "fuzz.h"

int
LLVMFuzzerTestOneInput (const unsigned char *data,
                        size_t               size)
{
  g_autoptr(FlSysvolReply) reply = NULL;
  g_autoptr(GError) error = NULL;
  guint32 version = 0;

  fuzz_set_logging_func ();
  reply = fl_sysvol_parse_reply ((const char *)data, size, &error);
  g_assert ((reply == NULL) == (error != NULL));
  if (reply != NULL)
    {
      g_assert (reply->gpos->len <= FL_SYSVOL_MAX_GPOS);
      g_assert (reply->log == NULL || g_utf8_validate (reply->log, -1, NULL));
      for (guint i = 0; i < reply->gpos->len; i++)
        {
          const FlSysvolGpo *gpo = g_ptr_array_index (reply->gpos, i);

          g_assert (fl_gpo_guid_is_valid (gpo->guid));
          g_assert (fl_sysvol_reply_lookup (reply, gpo->guid) == gpo);
        }
    }
  g_clear_error (&error);
  if (!fl_gpt_ini_parse ((const char *)data, size, &version, &error))
    g_assert (error != NULL);
  return 0;
}
