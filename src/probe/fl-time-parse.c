/* fl-time-parse.c
 *
 * Copyright 2026 The Failover Lab authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "fl-time"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "fl-probe-types.h"
#include "fl-time-parse.h"

#define NTP_UNIX_OFFSET G_GINT64_CONSTANT (2208988800)

static void
put_timestamp (guint8 *p,
               gint64  wall_us)
{
  guint64 secs = (guint64)(wall_us / G_USEC_PER_SEC + NTP_UNIX_OFFSET);
  guint64 frac = ((guint64)(wall_us % G_USEC_PER_SEC) << 32) / G_USEC_PER_SEC;

  for (int i = 0; i < 4; i++)
    {
      p[i] = (guint8)(secs >> (24 - 8 * i));
      p[4 + i] = (guint8)(frac >> (24 - 8 * i));
    }
}

/* An NTP timestamp's seconds wrap every 2^32 s (the first era ends in February 2036): of the
 * eras, the one that puts it nearest our own clock @near_us is the one meant (RFC 5905 §6). */
static gint64
get_timestamp (const guint8 *p,
               gint64        near_us)
{
  const gint64 era = G_GINT64_CONSTANT (1) << 32;
  guint64 secs32 = 0, frac = 0;
  gint64 near_ntp = near_us / G_USEC_PER_SEC + NTP_UNIX_OFFSET;
  gint64 secs;

  for (int i = 0; i < 4; i++)
    {
      secs32 = (secs32 << 8) | p[i];
      frac = (frac << 8) | p[4 + i];
    }
  secs = (near_ntp & ~(era - 1)) | (gint64)secs32;
  if (secs - near_ntp > era / 2)
    secs -= era;
  else if (near_ntp - secs > era / 2)
    secs += era;
  return (secs - NTP_UNIX_OFFSET) * G_USEC_PER_SEC + (gint64)((frac * G_USEC_PER_SEC) >> 32);
}

/**
 * fl_sntp_build_request:
 *
 * A 48-byte client request (LI 0, version 4, mode 3): the plain kind a Windows DC answers
 * without authentication (MS-SNTP 3.2.5.1). Its transmit time is echoed as "originate".
 */
void
fl_sntp_build_request (guint8 packet[FL_SNTP_PACKET_SIZE],
                       gint64 t1_wall_us)
{
  memset (packet, 0, FL_SNTP_PACKET_SIZE);
  packet[0] = 0x23;
  put_timestamp (packet + 40, t1_wall_us);
}

static gboolean
sntp_error (GError    **error,
            const char *what)
{
  g_set_error (error, FL_PROBE_ERROR, FL_PROBE_ERROR_MALFORMED, _("malformed NTP answer: %s"),
               what);
  return FALSE;
}

/**
 * fl_sntp_parse_reply:
 * @t1_wall_us: when the request left (its transmit timestamp)
 * @t4_wall_us: when the answer arrived
 * @offset_us: (out): the server's clock minus ours, ((T2−T1)+(T3−T4))/2
 * @delay_us: (out): the round trip minus the server's time, (T4−T1)−(T3−T2)
 *
 * Returns: %FALSE for a malformed or unsynchronised answer, or one that does not answer our
 *   request (originate ≠ T1)
 */
gboolean
fl_sntp_parse_reply (const guint8  *data,
                     gsize          length,
                     gint64         t1_wall_us,
                     gint64         t4_wall_us,
                     gint64        *offset_us,
                     gint64        *delay_us,
                     guint         *stratum,
                     GError       **error)
{
  guint8 expected_origin[8];
  gint64 t2, t3;
  guint mode, li;

  if (length < FL_SNTP_PACKET_SIZE)
    return sntp_error (error, _("shorter than 48 bytes"));
  mode = data[0] & 0x7;
  li = data[0] >> 6;
  if (mode != 4)
    return sntp_error (error, _("not a server reply"));
  put_timestamp (expected_origin, t1_wall_us);
  if (memcmp (data + 24, expected_origin, 8) != 0)
    return sntp_error (error, _("it does not answer our request"));
  if (li == 3 || data[1] == 0)
    {
      g_set_error (error, FL_PROBE_ERROR, FL_PROBE_ERROR_PROTOCOL,
                   _("the NTP server is not synchronised (stratum %u)"), data[1]);
      return FALSE;
    }

  t2 = get_timestamp (data + 32, t4_wall_us);
  t3 = get_timestamp (data + 40, t4_wall_us);
  *offset_us = ((t2 - t1_wall_us) + (t3 - t4_wall_us)) / 2;
  *delay_us = (t4_wall_us - t1_wall_us) - (t3 - t2);
  *stratum = data[1];
  return TRUE;
}

/**
 * fl_parse_generalized_time:
 * @text: an LDAP GeneralizedTime in UTC, e.g. "20261121092345.0Z" (rootDSE currentTime)
 *
 * Returns: %TRUE with @wall_us set
 */
gboolean
fl_parse_generalized_time (const char *text,
                           gint64     *wall_us)
{
  int f[6] = { 0 };
  const int width[6] = { 4, 2, 2, 2, 2, 2 };
  const char *p = text;
  gint64 frac = 0, scale = G_USEC_PER_SEC;
  g_autoptr(GDateTime) dt = NULL;

  if (text == NULL)
    return FALSE;
  for (int i = 0; i < 6; i++)
    for (int j = 0; j < width[i]; j++, p++)
      {
        if (!g_ascii_isdigit (*p))
          return FALSE;
        f[i] = f[i] * 10 + (*p - '0');
      }
  if (*p == '.' || *p == ',')
    {
      p++;
      if (!g_ascii_isdigit (*p))
        return FALSE;
      while (g_ascii_isdigit (*p))
        {
          if (scale > 1)
            {
              scale /= 10;
              frac += (*p - '0') * scale;
            }
          p++;
        }
    }
  if (p[0] != 'Z' || p[1] != '\0')
    return FALSE;

  dt = g_date_time_new_utc (f[0], f[1], f[2], f[3], f[4], f[5]);
  if (dt == NULL)
    return FALSE;
  *wall_us = g_date_time_to_unix (dt) * G_USEC_PER_SEC + frac;
  return TRUE;
}
