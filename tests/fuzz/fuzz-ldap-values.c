/* fuzz-ldap-values.c: libFuzzer target for the LDAP values a DC returns (fSMORoleOwner DNs,
 * attribute text)
 *
 * Copyright 2026 The Failover Lab authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "fl-ldap-values.h"
#include "fuzz.h"

int
LLVMFuzzerTestOneInput (const unsigned char *data,
                        size_t               size)
{
  g_autofree char *text = NULL;
  g_autofree char *server = NULL;
  g_autofree char *name = NULL;
  g_autofree char *parent = NULL;

  fuzz_set_logging_func ();
  text = fl_ldap_value_text ((const char *)data, size);
  g_assert (g_utf8_validate (text, -1, NULL));
  server = fl_fsmo_owner_server_dn (text);
  name = fl_dn_first_value (server != NULL ? server : text);
  parent = fl_dn_parent (text);
  g_assert (server == NULL || g_utf8_validate (server, -1, NULL));
  g_assert (name == NULL || (g_utf8_validate (name, -1, NULL) && *name != '\0'));
  return 0;
}
