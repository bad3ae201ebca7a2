/* fl-recording.c
 *
 * Copyright 2026 The Failover Lab authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "fl-recording"

#include "config.h"

#include <string.h>

#include "fl-recording.h"

typedef struct
{
  gint64    t_us;
  FlSample *sample;   /* one of the two */
  FlEvent  *event;
} Item;

static void
item_free (gpointer data)
{
  Item *item = data;

  g_clear_pointer (&item->sample, fl_sample_unref);
  g_clear_pointer (&item->event, fl_event_unref);
  g_free (item);
}

static int
compare_items (gconstpointer a,
               gconstpointer b)
{
  const Item *x = *(const Item * const *)a, *y = *(const Item * const *)b;

  return x->t_us < y->t_us ? -1 : x->t_us > y->t_us;
}

/**
 * fl_recording_collect:
 *
 * On the main thread: references to every sample and event the timeline holds, in time
 * order, so that a worker can write them while probing goes on.
 *
 * Returns: (transfer full): the items
 */
GPtrArray *
fl_recording_collect (FlTimeline *timeline)
{
  GPtrArray *items = g_ptr_array_new_with_free_func (item_free);
  FlProbeConfig *config = fl_timeline_get_config (timeline);
  GPtrArray *events = fl_timeline_get_events (timeline);

  for (guint d = 0; d <= fl_probe_config_get_n_dcs (config); d++)
    {
      const char *dc = d < fl_probe_config_get_n_dcs (config) ? fl_probe_config_get_dc (config, d)->name : NULL;

      for (guint k = 0; k < FL_N_CHECKS; k++)
        {
          if ((dc != NULL) != fl_check_kind_is_per_dc (k))
            continue;
          for (guint i = 0; i < fl_timeline_get_n_samples (timeline, dc, k); i++)
            {
              Item *item = g_new0 (Item, 1);

              item->sample = fl_sample_ref (fl_timeline_get_sample (timeline, dc, k, i));
              item->t_us = fl_sample_get_mono_us (item->sample);
              g_ptr_array_add (items, item);
            }
        }
    }
  for (guint i = 0; i < events->len; i++)
    {
      Item *item = g_new0 (Item, 1);

      item->event = fl_event_ref (events->pdata[i]);
      item->t_us = fl_event_get_mono_us (item->event);
      g_ptr_array_add (items, item);
    }
  g_ptr_array_sort (items, compare_items);
  return items;
}

static void
csv_field (GString    *line,
           const char *value)
{
  g_autofree char *guarded = NULL;

  if (line->len > 0 && line->str[line->len - 1] != '\n')
    g_string_append_c (line, ',');
  if (value == NULL || value[0] == '\0')
    return;
  /* a cell a spreadsheet would run as a formula (server text can start with anything) is
   * text with a leading ' (OWASP's advice against CSV injection) */
  if (strchr ("=+-@\t\r", value[0]) != NULL)
    value = guarded = g_strconcat ("'", value, NULL);
  if (strpbrk (value, ",\"\r\n") == NULL)
    {
      g_string_append (line, value);
      return;
    }
  g_string_append_c (line, '"');
  for (const char *p = value; *p; p++)
    {
      if (*p == '"')
        g_string_append_c (line, '"');
      g_string_append_c (line, *p);
    }
  g_string_append_c (line, '"');
}

static char *
iso_time (gint64 wall_us)
{
  g_autoptr(GDateTime) dt = g_date_time_new_from_unix_utc (wall_us / G_USEC_PER_SEC);
  g_autofree char *base = dt ? g_date_time_format (dt, "%Y-%m-%dT%H:%M:%S") : g_strdup ("");

  return g_strdup_printf ("%s.%06" G_GINT64_FORMAT "Z", base, wall_us % G_USEC_PER_SEC);
}

/**
 * fl_recording_write:
 * @items: from fl_recording_collect()
 *
 * Writes JSON Lines (the samples and events as `failoverctl watch --jsonl` streams them) or a
 * CSV of the samples (time, dc, check, status, latency_ms, server, message). May run on a
 * worker thread.
 */
gboolean
fl_recording_write (GPtrArray          *items,
                    FlRecordingFormat   format,
                    GOutputStream      *out,
                    GCancellable       *cancellable,
                    GError            **error)
{
  g_autoptr(GString) buffer = g_string_new (NULL);
  g_autoptr(JsonGenerator) gen = json_generator_new ();

  if (format == FL_RECORDING_CSV)
    g_string_append (buffer, "time,dc,check,status,latency_ms,server,message\n");

  for (guint i = 0; i < items->len; i++)
    {
      Item *item = items->pdata[i];

      if (format == FL_RECORDING_JSONL)
        {
          g_autoptr(JsonNode) node = item->sample ? fl_sample_to_json (item->sample)
                                                  : fl_event_to_json (item->event);
          g_autofree char *text = NULL;

          json_generator_set_root (gen, node);
          text = json_generator_to_data (gen, NULL);
          g_string_append (buffer, text);
          g_string_append_c (buffer, '\n');
        }
      else if (item->sample != NULL)
        {
          g_autofree char *when = iso_time (fl_sample_get_wall_us (item->sample));
          g_autofree char *ms = g_strdup_printf ("%.3f", fl_sample_get_latency_us (item->sample) / 1000.0);
          g_autoptr(GString) line = g_string_new (NULL);

          csv_field (line, when);
          csv_field (line, fl_sample_get_dc (item->sample) ? fl_sample_get_dc (item->sample) : "");
          csv_field (line, fl_check_kind_to_string (fl_sample_get_kind (item->sample)));
          csv_field (line, fl_status_to_string (fl_sample_get_status (item->sample)));
          csv_field (line, fl_sample_get_latency_us (item->sample) >= 0 ? ms : "");
          csv_field (line, fl_sample_lookup_string (item->sample, "server") ?: "");
          csv_field (line, fl_sample_get_message (item->sample) ?: "");
          g_string_append_len (buffer, line->str, line->len);
          g_string_append_c (buffer, '\n');
        }

      if (buffer->len > 64 * 1024 || i + 1 == items->len)
        {
          if (!g_output_stream_write_all (out, buffer->str, buffer->len, NULL, cancellable, error))
            return FALSE;
          g_string_truncate (buffer, 0);
        }
    }
  if (buffer->len > 0 && !g_output_stream_write_all (out, buffer->str, buffer->len, NULL, cancellable, error))
    return FALSE;
  return g_output_stream_close (out, cancellable, error);
}

/**
 * fl_recording_write_samples:
 * @samples: (element-type FlSample): in time order (a recording's)
 *
 * fl_recording_write() for samples read back from a recording.
 */
gboolean
fl_recording_write_samples (GPtrArray          *samples,
                            FlRecordingFormat   format,
                            GOutputStream      *out,
                            GCancellable       *cancellable,
                            GError            **error)
{
  g_autoptr(GPtrArray) items = g_ptr_array_new_with_free_func (item_free);

  for (guint i = 0; i < samples->len; i++)
    {
      Item *item = g_new0 (Item, 1);

      item->sample = fl_sample_ref (samples->pdata[i]);
      item->t_us = fl_sample_get_mono_us (item->sample);
      g_ptr_array_add (items, item);
    }
  return fl_recording_write (items, format, out, cancellable, error);
}
