/* fuzz-dns.c: libFuzzer target for the DNS answer parser and SRV ordering
 *
 * Copyright 2026 The Failover Lab authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "fl-dns-message.h"
#include "fuzz.h"

int
LLVMFuzzerTestOneInput (const unsigned char *data,
                        size_t               size)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(FlDnsResponse) r = NULL;
  guint16 id;

  fuzz_set_logging_func ();

  if (size < 2)
    return 0;
  id = (guint16)((data[0] << 8) | data[1]);
  r = fl_dns_parse_response (data, size, id, NULL, 0, &error);
  g_assert ((r == NULL) != (error == NULL));
  if (r != NULL)
    {
      /* the same bytes read as the answer to the locator's question */
      g_autoptr(FlDnsResponse) q = fl_dns_parse_response (data, size, id, "_ldap._tcp.dc._msdcs.test.local",
                                                         33, NULL);

      (void)q;
    }
  if (r != NULL)
    fl_dns_sort_srv (r->srv, 42);
  return 0;
}
