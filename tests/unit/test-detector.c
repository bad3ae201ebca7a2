/* test-detector.c: the timeline's ring buffers and the switchover detector, on synthetic samples
 *
 * Copyright 2026 The Failover Lab authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <locale.h>
#include <string.h>

#include "fl-recording.h"
#include "fl-test-sample.h"
#include "fl-switchover-detector.h"
#include "fl-timeline.h"

#define S(x) ((gint64)((x) * G_USEC_PER_SEC))

static FlProbeConfig *
two_dcs (void)
{
  FlProbeConfig *config = fl_probe_config_new ("test.local", NULL);

  fl_probe_config_add_dc (config, "DC1", "dc1.test.local", "192.0.2.11", NULL);
  fl_probe_config_add_dc (config, "DC2", "dc2.test.local", "192.0.2.12", NULL);
  return config;
}

static void
add (FlTimeline  *timeline,
     FlCheckKind  kind,
     const char  *dc,
     FlStatus     status,
     gint64       t,
     const char  *server)
{
  g_autoptr(FlSample) sample = fl_test_sample_new (kind, dc, status, t, t, S (0.01), server, NULL);

  fl_timeline_add_sample (timeline, sample);
}

static void
round_of (FlTimeline *timeline,
          gint64      t,
          FlStatus    dc1,
          FlStatus    dc2,
          const char *locator)
{
  add (timeline, FL_CHECK_LDAP_PING, "DC1", dc1, t, NULL);
  add (timeline, FL_CHECK_LDAP_PING, "DC2", dc2, t, NULL);
  add (timeline, FL_CHECK_LOCATOR, NULL, locator ? FL_STATUS_OK : FL_STATUS_FAIL, t, locator);
}

static GPtrArray *
kinds_of (FlTimeline *timeline)
{
  GPtrArray *events = fl_timeline_get_events (timeline);
  GPtrArray *kinds = g_ptr_array_new ();

  for (guint i = 0; i < events->len; i++)
    g_ptr_array_add (kinds, (gpointer)fl_event_kind_to_string (fl_event_get_kind (events->pdata[i])));
  g_ptr_array_add (kinds, NULL);
  return kinds;
}

static FlEvent *
find (FlTimeline  *timeline,
      FlEventKind  kind,
      const char  *view)
{
  GPtrArray *events = fl_timeline_get_events (timeline);

  for (guint i = 0; i < events->len; i++)
    if (fl_event_get_kind (events->pdata[i]) == kind &&
        (view == NULL || g_strcmp0 (fl_event_get_view (events->pdata[i]), view) == 0))
      return events->pdata[i];
  return NULL;
}

static void
test_stop_and_failback (void)
{
  g_autoptr(FlProbeConfig) config = two_dcs ();
  g_autoptr(FlTimeline) timeline = fl_timeline_new (config, 0);
  g_autoptr(FlSwitchoverDetector) detector = fl_switchover_detector_new (timeline);
  g_autoptr(FlEvent) fault = NULL;
  g_autoptr(GPtrArray) kinds = NULL;
  FlEvent *e;

  round_of (timeline, S (1), FL_STATUS_OK, FL_STATUS_OK, "DC1");
  round_of (timeline, S (2), FL_STATUS_OK, FL_STATUS_OK, "DC1");
  g_assert_cmpstr (fl_switchover_detector_get_logon_server (detector), ==, "DC1");

  fault = fl_event_new (FL_EVENT_FAULT, S (2.5), S (2.5), "DC1", NULL, NULL, NULL, -1, -1, "stop DC1");
  fl_timeline_add_event (timeline, fault);
  round_of (timeline, S (3), FL_STATUS_FAIL, FL_STATUS_OK, "DC2");
  round_of (timeline, S (4), FL_STATUS_FAIL, FL_STATUS_OK, "DC2");
  round_of (timeline, S (5), FL_STATUS_OK, FL_STATUS_OK, "DC2");
  round_of (timeline, S (6), FL_STATUS_OK, FL_STATUS_OK, "DC1");

  kinds = kinds_of (timeline);
  g_assert_cmpstrv ((char **)kinds->pdata,
                    ((const char *[]) { "fault", "service_down", "detected", "locator_changed",
                                        "switched", "service_up", "locator_changed", "failback",
                                        NULL }));
  e = find (timeline, FL_EVENT_DETECTED, NULL);
  g_assert_cmpint (fl_event_get_detection_us (e), ==, S (0.51));
  e = find (timeline, FL_EVENT_SWITCHED, "locator");
  g_assert_cmpstr (fl_event_get_from (e), ==, "DC1");
  g_assert_cmpstr (fl_event_get_to (e), ==, "DC2");
  g_assert_cmpint (fl_event_get_switchover_us (e), ==, S (0.51));
  g_assert_cmpint (fl_event_get_detection_us (e), ==, S (0.51));
  g_assert_true (fl_switchover_detector_get_last_switch (detector) == e);
  g_assert_true (fl_switchover_detector_get_headline_switch (detector) == e);
  /* its wall time is on the samples' clock (here wall = monotonic), not today's: a replayed
   * recording says when things happened then */
  g_assert_cmpint (fl_event_get_wall_us (e), ==, fl_event_get_mono_us (e));
  /* fail-back is measured from DC1 answering again, not from the fault */
  e = find (timeline, FL_EVENT_FAILBACK, "locator");
  g_assert_cmpint (fl_event_get_switchover_us (e), ==, S (1));
}

static void
test_observed_fault_and_all_down (void)
{
  g_autoptr(FlProbeConfig) config = two_dcs ();
  g_autoptr(FlTimeline) timeline = fl_timeline_new (config, 0);
  g_autoptr(FlSwitchoverDetector) detector = fl_switchover_detector_new (timeline);
  g_autoptr(GPtrArray) kinds = NULL;
  FlEvent *e;

  round_of (timeline, S (1), FL_STATUS_OK, FL_STATUS_OK, "DC1");
  /* the locator moves before the DC's own check notices (a pulled cable) */
  add (timeline, FL_CHECK_LOCATOR, NULL, FL_STATUS_OK, S (2), "DC2");
  add (timeline, FL_CHECK_LDAP_PING, "DC1", FL_STATUS_TIMEOUT, S (2), NULL);
  add (timeline, FL_CHECK_LDAP_PING, "DC2", FL_STATUS_OK, S (2), NULL);
  round_of (timeline, S (3), FL_STATUS_TIMEOUT, FL_STATUS_FAIL, NULL);
  g_assert_null (fl_switchover_detector_get_logon_server (detector));
  /* the last switchover is kept, but is no headline while no DC answers */
  g_assert_nonnull (fl_switchover_detector_get_last_switch (detector));
  g_assert_null (fl_switchover_detector_get_headline_switch (detector));
  round_of (timeline, S (4), FL_STATUS_TIMEOUT, FL_STATUS_OK, "DC2");

  kinds = kinds_of (timeline);
  g_assert_cmpstrv ((char **)kinds->pdata,
                    ((const char *[]) { "locator_changed", "fault", "switched", "service_down",
                                        "detected", "service_down", "all_down", "locator_changed",
                                        "service_up", "recovered", "locator_changed", NULL }));
  /* the observed fault starts at the first failed sample */
  e = find (timeline, FL_EVENT_FAULT, NULL);
  g_assert_cmpint (fl_event_get_mono_us (e), ==, S (2));
  e = find (timeline, FL_EVENT_SWITCHED, "locator");
  g_assert_cmpint (fl_event_get_switchover_us (e), ==, S (0.01));
}

static void
test_ring_buffer (void)
{
  g_autoptr(FlProbeConfig) config = two_dcs ();
  g_autoptr(FlTimeline) timeline = fl_timeline_new (config, 100);

  for (guint i = 0; i < 250; i++)
    add (timeline, FL_CHECK_REACH, "DC2", FL_STATUS_OK, S (i), NULL);
  g_assert_cmpuint (fl_timeline_get_n_samples (timeline, "DC2", FL_CHECK_REACH), ==, 100);
  g_assert_cmpint (fl_sample_get_mono_us (fl_timeline_get_sample (timeline, "DC2", FL_CHECK_REACH, 0)), ==, S (150));
  g_assert_cmpint (fl_sample_get_mono_us (fl_timeline_get_latest (timeline, "DC2", FL_CHECK_REACH)), ==, S (249));
  g_assert_null (fl_timeline_get_sample (timeline, "DC2", FL_CHECK_REACH, 100));
  g_assert_cmpuint (fl_timeline_get_n_samples (timeline, "DC1", FL_CHECK_REACH), ==, 0);
  g_assert_cmpuint (fl_timeline_get_n_samples (timeline, "DC9", FL_CHECK_REACH), ==, 0);
}

static void
test_json_round_trip (void)
{
  g_autoptr(GError) error = NULL;
  GVariantDict d;
  g_autoptr(FlSample) a = NULL;
  g_autoptr(FlSample) b = NULL;
  g_autoptr(JsonNode) node = NULL;
  g_autoptr(FlEvent) e = fl_event_new (FL_EVENT_SWITCHED, 5, 6, "DC1", "locator", "DC1", "DC2", 7, 8, "m");
  g_autoptr(JsonNode) enode = fl_event_to_json (e);
  g_autoptr(FlEvent) e2 = fl_event_new_from_json (enode, &error);

  g_variant_dict_init (&d, NULL);
  g_variant_dict_insert (&d, "server", "s", "DC2");
  a = fl_sample_new_full (FL_CHECK_LOCATOR, NULL, FL_STATUS_OK, 1, 2, 3, "msg", g_variant_dict_end (&d));
  node = fl_sample_to_json (a);
  b = fl_sample_new_from_json (node, &error);
  g_assert_no_error (error);
  g_assert_cmpint (fl_sample_get_kind (b), ==, FL_CHECK_LOCATOR);
  g_assert_cmpint (fl_sample_get_latency_us (b), ==, 3);
  g_assert_cmpstr (fl_sample_lookup_string (b, "server"), ==, "DC2");
  g_assert_cmpstr (fl_sample_get_message (b), ==, "msg");

  g_assert_no_error (error);
  g_assert_cmpint (fl_event_get_kind (e2), ==, FL_EVENT_SWITCHED);
  g_assert_cmpint (fl_event_get_switchover_us (e2), ==, 8);
  g_assert_cmpstr (fl_event_get_to (e2), ==, "DC2");
}

static char *
write_recording (FlTimeline        *timeline,
                 FlRecordingFormat  format)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) items = fl_recording_collect (timeline);
  g_autoptr(GOutputStream) out = g_memory_output_stream_new_resizable ();

  g_assert_true (fl_recording_write (items, format, out, NULL, &error));
  g_assert_no_error (error);
  return g_strndup (g_memory_output_stream_get_data (G_MEMORY_OUTPUT_STREAM (out)),
                    g_memory_output_stream_get_data_size (G_MEMORY_OUTPUT_STREAM (out)));
}

static void
test_recording (void)
{
  g_autoptr(FlProbeConfig) config = two_dcs ();
  g_autoptr(FlTimeline) timeline = fl_timeline_new (config, 0);
  g_autoptr(FlSwitchoverDetector) detector = fl_switchover_detector_new (timeline);
  g_autoptr(FlSample) quoted = fl_sample_new_full (FL_CHECK_LDAP, "DC2", FL_STATUS_FAIL, S (2.5), S (2.5), 1500,
                                                   "LDAP rootDSE: \"odd\", with a comma", NULL);
  g_autoptr(FlSample) formula = fl_sample_new_full (FL_CHECK_LDAP, "DC1", FL_STATUS_FAIL, S (2.6), S (2.6), 1500,
                                                    "=HYPERLINK(\"http://x\",\"y\")", NULL);
  g_autofree char *csv = NULL;
  g_autofree char *jsonl = NULL;
  g_auto(GStrv) lines = NULL;
  guint n_samples = 0, n_events = 0;

  round_of (timeline, S (1), FL_STATUS_OK, FL_STATUS_OK, "DC1");
  round_of (timeline, S (2), FL_STATUS_FAIL, FL_STATUS_OK, "DC2");
  fl_timeline_add_sample (timeline, quoted);
  fl_timeline_add_sample (timeline, formula);
  g_assert_cmpstr (fl_switchover_detector_get_logon_server (detector), ==, "DC2");

  csv = write_recording (timeline, FL_RECORDING_CSV);
  g_assert_true (g_str_has_prefix (csv, "time,dc,check,status,latency_ms,server,message\n"));
  g_assert_nonnull (strstr (csv, ",DC2,ldap,fail,1.500,,\"LDAP rootDSE: \"\"odd\"\", with a comma\"\n"));
  g_assert_nonnull (strstr (csv, ",,locator,ok,10.000,DC2,\n"));
  /* a formula stays text in a spreadsheet */
  g_assert_nonnull (strstr (csv, ",DC1,ldap,fail,1.500,,\"'=HYPERLINK(\"\"http://x\"\",\"\"y\"\")\"\n"));

  jsonl = write_recording (timeline, FL_RECORDING_JSONL);
  lines = g_strsplit (jsonl, "\n", -1);
  for (guint i = 0; lines[i] && *lines[i]; i++)
    {
      g_autoptr(JsonParser) parser = json_parser_new ();
      JsonObject *o;

      g_assert_true (json_parser_load_from_data (parser, lines[i], -1, NULL));
      o = json_node_get_object (json_parser_get_root (parser));
      if (g_str_equal (json_object_get_string_member (o, "type"), "sample"))
        {
          g_autoptr(FlSample) back = fl_sample_new_from_json (json_parser_get_root (parser), NULL);

          g_assert_nonnull (back);
          n_samples++;
        }
      else
        n_events++;
    }
  g_assert_cmpuint (n_samples, ==, 8);
  g_assert_cmpuint (n_events, >=, 3);
}

static GVariant *
detail_with (const char *server)
{
  GVariantDict d;

  g_variant_dict_init (&d, NULL);
  g_variant_dict_insert (&d, "server", "s", server);
  return g_variant_dict_end (&d);
}

static void
test_sharing_and_bulk_access (void)
{
  g_autoptr(FlProbeConfig) config = fl_probe_config_new ("test.local", "TEST.LOCAL");
  g_autoptr(FlTimeline) timeline = NULL;
  FlSample *got[8];

  fl_probe_config_add_dc (config, "DC1", "dc1.test.local", "192.0.2.11", NULL);
  timeline = fl_timeline_new (config, 4);
  for (guint i = 0; i < 6; i++)
    {
      g_autoptr(FlSample) s = fl_sample_new_full (FL_CHECK_LOCATOR, NULL, FL_STATUS_OK, 1000 * (i + 1), 0, 10,
                                                  "same words", detail_with (i < 5 ? "DC1" : "DC2"));

      fl_timeline_add_sample (timeline, s);
    }
  /* 4 kept (3..6 ms), in order, and what stayed the same is shared */
  g_assert_cmpuint (fl_timeline_get_samples (timeline, NULL, FL_CHECK_LOCATOR, 0, 8, got), ==, 4);
  g_assert_cmpint (fl_sample_get_mono_us (got[0]), ==, 3000);
  g_assert_cmpint (fl_sample_get_mono_us (got[3]), ==, 6000);
  g_assert_true (fl_sample_get_detail (got[0]) == fl_sample_get_detail (got[1]));
  g_assert_true (fl_sample_get_message (got[0]) == fl_sample_get_message (got[2]));
  g_assert_false (fl_sample_get_detail (got[2]) == fl_sample_get_detail (got[3]));
  g_assert_cmpstr (fl_sample_lookup_string (got[3], "server"), ==, "DC2");
  g_assert_cmpstr (fl_sample_get_message (got[3]), ==, "same words");
  /* a window of the ring that wraps */
  g_assert_cmpuint (fl_timeline_get_samples (timeline, NULL, FL_CHECK_LOCATOR, 2, 8, got), ==, 2);
  g_assert_cmpint (fl_sample_get_mono_us (got[0]), ==, 5000);
  /* binary search by time */
  g_assert_cmpuint (fl_timeline_find_sample (timeline, NULL, FL_CHECK_LOCATOR, 0), ==, 0);
  g_assert_cmpuint (fl_timeline_find_sample (timeline, NULL, FL_CHECK_LOCATOR, 4000), ==, 1);
  g_assert_cmpuint (fl_timeline_find_sample (timeline, NULL, FL_CHECK_LOCATOR, 4001), ==, 2);
  g_assert_cmpuint (fl_timeline_find_sample (timeline, NULL, FL_CHECK_LOCATOR, 99999), ==, 4);
}

/* a recording is read in the reader's words: a view's move is said again from its fields (an
 * older recording said "locator view: …"); any other event keeps what it recorded */
static void
test_event_words (void)
{
  g_autoptr(FlEvent) old = fl_event_new (FL_EVENT_SWITCHED, 22000000, 0, "DC1", "locator", "DC1", "DC2",
                                         1000000, 1200000,
                                         "locator view: DC1 → DC2 in 1.2 s (detected after 1.0 s)");
  g_autoptr(FlEvent) kdc = fl_event_new (FL_EVENT_KDC_CHANGED, 1, 0, NULL, "kerberos", "DC1", NULL, -1, -1, "x");
  g_autoptr(FlEvent) fault = fl_event_new (FL_EVENT_FAULT, 1, 0, "DC1", NULL, NULL, NULL, -1, -1, "vm shutdown DC1");
  g_autoptr(FlEvent) seen = fl_event_new (FL_EVENT_DETECTED, 1, 0, "DC1", NULL, NULL, NULL, 800000, -1, "DC1 failure detected after 0.8 s");
  g_autoptr(FlEvent) odd = fl_event_new (FL_EVENT_SWITCHED, 1, 0, "DC1", "no-such-view", "DC1", "DC2", -1, 5, "as recorded");
  g_autofree char *a = fl_event_describe (old);
  g_autofree char *b = fl_event_describe (kdc);
  g_autofree char *c = fl_event_describe (fault);
  g_autofree char *d = fl_event_describe (odd);
  g_autofree char *e = NULL;

  g_assert_cmpstr (a, ==, "Logon server: DC1 → DC2 in 1.2 s (detected after 1.0 s)");
  g_assert_cmpstr (b, ==, "Tickets now come from no KDC (before: DC1)");
  g_assert_cmpstr (c, ==, "vm shutdown DC1");
  g_assert_cmpstr (d, ==, "as recorded");
  /* the detector's own words are these: a live event and its reading agree */
  g_assert_cmpstr (fl_event_get_message (seen), ==, (e = fl_event_describe (seen)));
}

int
main (int   argc,
      char *argv[])
{
  setlocale (LC_ALL, "C.UTF-8");
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/detector/stop-and-failback", test_stop_and_failback);
  g_test_add_func ("/detector/event-words", test_event_words);
  g_test_add_func ("/detector/observed-fault-and-all-down", test_observed_fault_and_all_down);
  g_test_add_func ("/timeline/ring-buffer", test_ring_buffer);
  g_test_add_func ("/timeline/sharing-and-bulk-access", test_sharing_and_bulk_access);
  g_test_add_func ("/timeline/json-round-trip", test_json_round_trip);
  g_test_add_func ("/timeline/recording-csv-jsonl", test_recording);
  return g_test_run ();
}
