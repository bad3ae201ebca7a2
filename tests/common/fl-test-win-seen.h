/* fl-test-win-seen.h: the Windows client's views as a test sees them: one round's samples, kept
 * per check, and an assertion that prints every view it saw when one is not as expected
 *
 * Copyright 2026 The Failover Lab authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "fl-win-client.h"

typedef struct
{
  GHashTable *last;   /* check nick → FlSample */
  guint       n;
} WinSeen;

static inline void
on_win_sample (FlWinClient *client,
               FlSample    *sample,
               WinSeen     *seen)
{
  g_hash_table_insert (seen->last, (char *)fl_check_kind_to_string (fl_sample_get_kind (sample)),
                       fl_sample_ref (sample));
  seen->n++;
}

static inline char *
win_seen_text (WinSeen *seen)
{
  GString *s = g_string_new (NULL);
  GHashTableIter it;
  gpointer key, value;

  g_hash_table_iter_init (&it, seen->last);
  while (g_hash_table_iter_next (&it, &key, &value))
    g_string_append_printf (s, "[%s %s server=%s: %s] ", (char *)key, fl_status_to_string (fl_sample_get_status (value)),
                            fl_sample_lookup_string (value, "server") ?: "-", fl_sample_get_message (value) ?: "");
  return g_string_free (s, FALSE);
}

/* one round, waited for (the round's own deadline ends it) */
static inline void
win_round (FlWinClient *client,
           WinSeen     *seen)
{
  guint want = seen->n + 4;

  fl_win_client_run_round (client);
  while (seen->n < want)
    g_main_context_iteration (NULL, TRUE);
}

static inline void
expect_view (WinSeen     *seen,
             const char  *check,
             FlStatus     status,
             const char  *server)
{
  FlSample *s = g_hash_table_lookup (seen->last, check);

  if (s == NULL || fl_sample_get_status (s) != status ||
      g_strcmp0 (fl_sample_lookup_string (s, "server"), server) != 0)
    {
      g_autofree char *all = win_seen_text (seen);

      g_error ("%s: expected %s with server %s; seen: %s", check, fl_status_to_string (status),
               server ? server : "(none)", all);
    }
}
