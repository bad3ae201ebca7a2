/* fl-ldap-values.h: values a DC returns over LDAP, made safe and taken apart (pure functions)
 *
 * Copyright 2026 The Failover Lab authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* longest attribute value kept as text; longer ones are cut (a rootDSE value is a few hundred) */
#define FL_LDAP_VALUE_MAX 4096

char *fl_ldap_value_text         (const char *bytes,
                                  gsize       length);
char *fl_dn_parent               (const char *dn);
char *fl_dn_first_value          (const char *dn);
char *fl_fsmo_owner_server_dn    (const char *owner);

G_END_DECLS
