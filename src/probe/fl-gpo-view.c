/* fl-gpo-view.c: the gpo view: each Group Policy object's version in AD (the `gpo` sample)
 * against its GPT.INI on each DC's SYSVOL (that DC's `sysvol` sample). AD replicates on its own
 * and SYSVOL on its own (DFS-R; not at all on Samba), so the two can differ: a DC whose SYSVOL
 * is behind hands out the old policy, exactly when `gpupdate` on a client that picked it would.
 * A pure function of the samples, so a live lab, `failoverctl check` and a replayed recording
 * say the same.
 *
 * Copyright 2026 The Failover Lab authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <string.h>

#include <glib/gi18n-lib.h>

#include "fl-gpo-view.h"
#include "fl-sysvol.h"

/* "{GUID}=value" entries of a sample's list (from a recording: checked, not trusted) */
static GHashTable *
entries (FlSample   *sample,
         const char *key,
         gboolean    numbers)
{
  GHashTable *table = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  g_autoptr(GVariant) list = NULL;
  g_autofree const char **items = NULL;

  if (sample == NULL || fl_sample_get_detail (sample) == NULL ||
      (list = g_variant_lookup_value (fl_sample_get_detail (sample), key, G_VARIANT_TYPE_STRING_ARRAY)) == NULL)
    return table;
  items = g_variant_get_strv (list, NULL);
  for (guint i = 0; items[i] != NULL; i++)
    {
      const char *eq = strchr (items[i], '=');
      g_autofree char *guid = eq != NULL ? g_ascii_strup (items[i], eq - items[i]) : NULL;
      guint64 v;

      if (guid == NULL || !fl_gpo_guid_is_valid (guid) ||
          (numbers && !g_ascii_string_to_unsigned (eq + 1, 10, 0, G_MAXUINT32, &v, NULL)))
        continue;
      g_hash_table_replace (table, g_steal_pointer (&guid), g_strdup (eq + 1));
    }
  return table;
}

/**
 * fl_gpo_view:
 * @gpo: (nullable): the latest `gpo` sample (the versions in AD)
 * @sysvol: (array length=n_dcs): each DC's latest `sysvol` sample, %NULL where there is none
 * @dcs: (array length=n_dcs): the DCs' names
 * @text: (out) (transfer full): what the view shows, one line, translated
 *
 * Returns: %FL_STATUS_OK when every SYSVOL that was read has every GPO at its AD version,
 *   %FL_STATUS_DEGRADED when one differs or misses one ("not replicated yet"),
 *   %FL_STATUS_SKIPPED when AD's versions or every SYSVOL are unknown
 */
FlStatus
fl_gpo_view (FlSample          *gpo,
             FlSample * const  *sysvol,
             const char * const *dcs,
             guint              n_dcs,
             char             **text)
{
  g_autoptr(GHashTable) ad = NULL;
  g_autoptr(GHashTable) names = NULL;
  g_autoptr(GPtrArray) stale = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GPtrArray) matched = g_ptr_array_new ();
  g_autoptr(GPtrArray) unread = g_ptr_array_new ();
  g_autoptr(GList) guids = NULL;

  if (gpo == NULL || fl_sample_get_status (gpo) != FL_STATUS_OK)
    {
      *text = g_strdup (_("the Group Policy objects in AD are not read yet"));
      return FL_STATUS_SKIPPED;
    }
  ad = entries (gpo, "ad_versions", TRUE);
  names = entries (gpo, "names", FALSE);
  guids = g_list_sort (g_hash_table_get_keys (ad), (GCompareFunc)g_strcmp0);

  for (guint d = 0; d < n_dcs; d++)
    {
      g_autoptr(GHashTable) on_dc = NULL;
      gboolean same = TRUE;

      if (sysvol[d] == NULL || fl_sample_get_status (sysvol[d]) != FL_STATUS_OK)
        {
          g_ptr_array_add (unread, (gpointer)dcs[d]);
          continue;
        }
      on_dc = entries (sysvol[d], "gpt_versions", TRUE);
      for (const GList *l = guids; l != NULL; l = l->next)
        {
          const char *want = g_hash_table_lookup (ad, l->data);
          const char *have = g_hash_table_lookup (on_dc, l->data);
          const char *name = g_hash_table_lookup (names, l->data);

          if (name == NULL)
            name = l->data;
          if (g_strcmp0 (want, have) == 0)
            continue;
          same = FALSE;
          if (have == NULL)
            /* TRANSLATORS: a GPO's name, a DC's name */
            g_ptr_array_add (stale, g_strdup_printf (_("%s is missing on %s's SYSVOL"), name, dcs[d]));
          else
            /* TRANSLATORS: a GPO's name, a DC's name, two version numbers */
            g_ptr_array_add (stale, g_strdup_printf (_("%s on %s: SYSVOL version %s, AD version %s"),
                                                     name, dcs[d], have, want));
        }
      if (same)
        g_ptr_array_add (matched, (gpointer)dcs[d]);
    }

  g_ptr_array_add (stale, NULL);
  g_ptr_array_add (matched, NULL);
  g_ptr_array_add (unread, NULL);
  if (stale->len > 1)
    {
      g_autofree char *list = g_strjoinv ("; ", (char **)stale->pdata);

      /* TRANSLATORS: what the gpo view found: a list of GPOs whose SYSVOL copy differs */
      *text = g_strdup_printf (_("policy not replicated yet: %s"), list);
      return FL_STATUS_DEGRADED;
    }
  if (matched->len == 1)
    {
      *text = g_strdup (_("no DC's SYSVOL is read yet"));
      return FL_STATUS_SKIPPED;
    }
  {
    g_autofree char *ok = g_strjoinv (", ", (char **)matched->pdata);
    guint n = g_hash_table_size (ad);

    if (unread->len > 1)
      {
        g_autofree char *rest = g_strjoinv (", ", (char **)unread->pdata);

        /* TRANSLATORS: DC names; some DCs' SYSVOL could not be read */
        *text = g_strdup_printf (ngettext ("SYSVOL matches AD for %u GPO on %s (not read on %s)",
                                           "SYSVOL matches AD for %u GPOs on %s (not read on %s)", n),
                                 n, ok, rest);
      }
    else
      *text = g_strdup_printf (ngettext ("SYSVOL matches AD for %u GPO on %s",
                                         "SYSVOL matches AD for %u GPOs on %s", n), n, ok);
  }
  return FL_STATUS_OK;
}
