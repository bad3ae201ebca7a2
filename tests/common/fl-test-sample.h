/* fl-test-sample.h: a sample as a check would make it, for the tests that feed timelines,
 * sessions and graders by hand
 *
 * Copyright 2026 The Failover Lab authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "fl-sample.h"

/* @server, @code: the detail's "server" (views) and "code" (ERROR_NO_SUCH_DOMAIN), when given */
static inline FlSample *
fl_test_sample_new (FlCheckKind  kind,
                    const char  *dc,
                    FlStatus     status,
                    gint64       mono_us,
                    gint64       wall_us,
                    gint64       latency_us,
                    const char  *server,
                    const char  *code)
{
  GVariantDict d;

  g_variant_dict_init (&d, NULL);
  if (server != NULL)
    g_variant_dict_insert (&d, "server", "s", server);
  if (code != NULL)
    g_variant_dict_insert (&d, "code", "s", code);
  return fl_sample_new_full (kind, dc, status, mono_us, wall_us, latency_us, NULL,
                             g_variant_dict_end (&d));
}
