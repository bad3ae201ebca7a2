/* fuzz-netlogon.c: libFuzzer target for the NETLOGON_SAM_LOGON_RESPONSE_EX decoder
 *
 * Copyright 2026 The Failover Lab authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "fl-netlogon.h"
#include "fuzz.h"

int
LLVMFuzzerTestOneInput (const unsigned char *data,
                        size_t               size)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(FlNetlogonReply) reply = NULL;

  fuzz_set_logging_func ();

  reply = fl_netlogon_decode (data, size, &error);
  g_assert ((reply == NULL) != (error == NULL));
  if (reply != NULL)
    {
      g_autofree char *flags = fl_netlogon_flags_to_string (reply->flags);
      g_autofree char *guid = fl_netlogon_guid_to_string (reply->guid);

      g_assert (g_utf8_validate (reply->dc_host, -1, NULL));
      g_assert (flags != NULL && guid != NULL);
    }
  return 0;
}
