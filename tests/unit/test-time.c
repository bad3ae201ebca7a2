/* test-time.c: SNTP packets and LDAP GeneralizedTime
 *
 * Copyright 2026 The Failover Lab authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <locale.h>
#include <string.h>

#include "fl-probe-types.h"
#include "fl-time-parse.h"

static void
put_ts (guint8 *p,
        gint64  wall_us)
{
  /* the same encoding as the request's, through the public builder */
  guint8 packet[FL_SNTP_PACKET_SIZE];

  fl_sntp_build_request (packet, wall_us);
  memcpy (p, packet + 40, 8);
}

static void
test_sntp_round_trip (void)
{
  g_autoptr(GError) error = NULL;
  guint8 request[FL_SNTP_PACKET_SIZE];
  guint8 reply[FL_SNTP_PACKET_SIZE] = { 0 };
  gint64 t1 = G_GINT64_CONSTANT (1795255272000000);
  gint64 t4 = t1 + 10000;   /* 10 ms round trip */
  gint64 offset = 0, delay = 0;
  guint stratum = 0;

  fl_sntp_build_request (request, t1);
  g_assert_cmpuint (request[0], ==, 0x23);

  /* a server 2.5 s ahead that took 1 ms */
  reply[0] = 0x24;   /* LI 0, version 4, mode 4 */
  reply[1] = 3;
  memcpy (reply + 24, request + 40, 8);
  put_ts (reply + 32, t1 + 4500 + 2500000);
  put_ts (reply + 40, t1 + 5500 + 2500000);
  g_assert_true (fl_sntp_parse_reply (reply, sizeof reply, t1, t4, &offset, &delay, &stratum, &error));
  g_assert_no_error (error);
  g_assert_cmpint (ABS (offset - 2500000), <, 5);
  g_assert_cmpint (ABS (delay - 9000), <, 5);
  g_assert_cmpuint (stratum, ==, 3);

  /* not our request */
  reply[24] ^= 1;
  g_assert_false (fl_sntp_parse_reply (reply, sizeof reply, t1, t4, &offset, &delay, &stratum, &error));
  g_assert_error (error, FL_PROBE_ERROR, FL_PROBE_ERROR_MALFORMED);
  g_clear_error (&error);
  reply[24] ^= 1;

  /* unsynchronised */
  reply[0] = 0xe4;
  g_assert_false (fl_sntp_parse_reply (reply, sizeof reply, t1, t4, &offset, &delay, &stratum, &error));
  g_assert_error (error, FL_PROBE_ERROR, FL_PROBE_ERROR_PROTOCOL);
  g_clear_error (&error);

  /* short, and a client packet */
  g_assert_false (fl_sntp_parse_reply (reply, 47, t1, t4, &offset, &delay, &stratum, NULL));
  reply[0] = 0x23;
  g_assert_false (fl_sntp_parse_reply (reply, sizeof reply, t1, t4, &offset, &delay, &stratum, NULL));
}

/* across the NTP era rollover (2036-02-07 06:28:16 UTC): a client on one side, the server's
 * timestamps on the other, still a small offset */
static void
test_sntp_era (void)
{
  /* 2^32 s after 1900-01-01, in Unix µs; a client 1 s before it, a server 2 s ahead */
  gint64 rollover = (G_GINT64_CONSTANT (4294967296) - G_GINT64_CONSTANT (2208988800)) * G_USEC_PER_SEC;

  for (int side = 0; side < 2; side++)
    {
      g_autoptr(GError) error = NULL;
      guint8 request[FL_SNTP_PACKET_SIZE];
      guint8 reply[FL_SNTP_PACKET_SIZE] = { 0 };
      gint64 t1 = rollover + (side ? 500000 : -1000000);
      gint64 t4 = t1 + 10000;
      gint64 offset = 0, delay = 0;
      guint stratum = 0;

      fl_sntp_build_request (request, t1);
      reply[0] = 0x24;
      reply[1] = 2;
      memcpy (reply + 24, request + 40, 8);
      put_ts (reply + 32, t1 + 4500 + 2000000);
      put_ts (reply + 40, t1 + 5500 + 2000000);
      g_assert_true (fl_sntp_parse_reply (reply, sizeof reply, t1, t4, &offset, &delay, &stratum, &error));
      g_assert_no_error (error);
      g_test_message ("side %d: offset %" G_GINT64_FORMAT " µs", side, offset);
      g_assert_cmpint (ABS (offset - 2000000), <, 5);
      g_assert_cmpint (ABS (delay - 9000), <, 5);
    }
}

static void
test_generalized_time (void)
{
  gint64 t = 0;

  g_assert_true (fl_parse_generalized_time ("20261121092345.0Z", &t));
  g_assert_cmpint (t, ==, G_GINT64_CONSTANT (1795253025) * G_USEC_PER_SEC);
  g_assert_true (fl_parse_generalized_time ("20261121092345.25Z", &t));
  g_assert_cmpint (t % G_USEC_PER_SEC, ==, 250000);
  g_assert_true (fl_parse_generalized_time ("20261121092345Z", &t));
  g_assert_false (fl_parse_generalized_time ("20261121092345", &t));
  g_assert_false (fl_parse_generalized_time ("20261321092345.0Z", &t));
  g_assert_false (fl_parse_generalized_time ("2026", &t));
  g_assert_false (fl_parse_generalized_time ("20261121092345.Z", &t));
  g_assert_false (fl_parse_generalized_time (NULL, &t));
}

int
main (int   argc,
      char *argv[])
{
  setlocale (LC_ALL, "C.UTF-8");
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/time/sntp", test_sntp_round_trip);
  g_test_add_func ("/time/generalized-time", test_generalized_time);
  g_test_add_func ("/time/sntp-era", test_sntp_era);
  return g_test_run ();
}
