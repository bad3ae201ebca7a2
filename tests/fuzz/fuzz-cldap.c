/* fuzz-cldap.c: libFuzzer target for the LDAP ping reply parser (then the netlogon decoder)
 *
 * Copyright 2026 The Failover Lab authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "fl-cldap.h"
#include "fl-netlogon.h"
#include "fuzz.h"

int
LLVMFuzzerTestOneInput (const unsigned char *data,
                        size_t               size)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) netlogon = NULL;

  fuzz_set_logging_func ();

  if (fl_cldap_parse_reply (data, size, 1, &netlogon, &error))
    {
      g_assert_no_error (error);
      if (netlogon != NULL)
        {
          gsize len;
          const guint8 *blob = g_bytes_get_data (netlogon, &len);
          g_autoptr(FlNetlogonReply) reply = fl_netlogon_decode (blob, len, NULL);

          (void)reply;
        }
    }
  else
    g_assert (error != NULL);
  return 0;
}
