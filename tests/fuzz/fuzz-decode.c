/* fuzz-decode.c: libFuzzer target for what `failoverctl decode` reads: hex text or raw bytes,
 * a whole LDAP ping datagram or the netlogon value
 *
 * Copyright 2026 The Failover Lab authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "fl-cldap.h"
#include "fl-netlogon.h"
#include "fuzz.h"

static void
decode (const guint8 *data,
        gsize         len)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) netlogon = fl_cldap_netlogon_from_capture (data, len, &error);

  g_assert ((netlogon == NULL) != (error == NULL));
  if (netlogon != NULL)
    {
      gsize n;
      const guint8 *blob = g_bytes_get_data (netlogon, &n);
      g_autoptr(FlNetlogonReply) r = fl_netlogon_decode (blob, n, NULL);

      (void)r;
    }
}

int
LLVMFuzzerTestOneInput (const unsigned char *data,
                        size_t               size)
{
  g_autoptr(GBytes) hex = NULL;

  fuzz_set_logging_func ();
  decode (data, size);
  hex = fl_hex_decode ((const char *)data, size);
  if (hex != NULL)
    {
      gsize n;
      const guint8 *bytes = g_bytes_get_data (hex, &n);

      decode (bytes, n);
    }
  return 0;
}
