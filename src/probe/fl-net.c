/* fl-net.c
 *
 * Copyright 2026 The Failover Lab authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "fl-net"

#include "config.h"

#include <errno.h>
#include <glib/gi18n-lib.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>
#include <string.h>

#include "fl-net.h"
#include "fl-probe-types.h"

gint64
fl_net_remaining_us (gint64 deadline_us)
{
  return MAX (0, deadline_us - g_get_monotonic_time ());
}

/**
 * fl_net_set_error:
 *
 * Turns a GIO error into a probe error that says what it means for a DC: refused (the
 * service is down but the host answers), unreachable (no route / ARP failed), timeout.
 */
void
fl_net_set_error (GError       **error,
                  const GError  *io_error,
                  const char    *address,
                  guint16        port,
                  const char    *service)
{
  if (g_error_matches (io_error, G_IO_ERROR, G_IO_ERROR_CONNECTION_REFUSED))
    /* TRANSLATORS: "LDAP (10.0.0.11:389): connection refused: the host answers but the service
     * is not running" */
    g_set_error (error, FL_PROBE_ERROR, FL_PROBE_ERROR_REFUSED,
                 _("%s (%s:%u): connection refused: the host answers but the service is not running"),
                 service, address, port);
  else if (g_error_matches (io_error, G_IO_ERROR, G_IO_ERROR_HOST_UNREACHABLE) ||
           g_error_matches (io_error, G_IO_ERROR, G_IO_ERROR_NETWORK_UNREACHABLE))
    g_set_error (error, FL_PROBE_ERROR, FL_PROBE_ERROR_UNREACHABLE,
                 _("%s (%s:%u): host unreachable: no answer on the network (powered off or unplugged?)"),
                 service, address, port);
  else if (g_error_matches (io_error, G_IO_ERROR, G_IO_ERROR_TIMED_OUT))
    g_set_error (error, FL_PROBE_ERROR, FL_PROBE_ERROR_TIMEOUT,
                 _("%s (%s:%u): no answer before the deadline"), service, address, port);
  else
    g_set_error (error, FL_PROBE_ERROR, FL_PROBE_ERROR_FAILED, "%s (%s:%u): %s",
                 service, address, port, io_error->message);
}

static GSocketAddress *
socket_address (const char *address,
                guint16     port,
                GError    **error)
{
  g_autoptr(GInetAddress) inet = g_inet_address_new_from_string (address);

  if (inet == NULL)
    {
      g_set_error (error, FL_PROBE_ERROR, FL_PROBE_ERROR_CONFIG,
                   _("“%s” is not an IP address"), address);
      return NULL;
    }
  return g_inet_socket_address_new (inet, port);
}

static gboolean
wait_for (GSocket      *socket,
          GIOCondition  condition,
          gint64        deadline_us,
          GError      **error)
{
  gint64 remaining = fl_net_remaining_us (deadline_us);

  if (remaining <= 0)
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_TIMED_OUT, "timed out");
      return FALSE;
    }
  return g_socket_condition_timed_wait (socket, condition, remaining, NULL, error);
}

/**
 * fl_net_tcp_connect:
 * @service: what errors call it, e.g. "LDAP"
 *
 * Returns: (transfer full): a connected socket, or %NULL with a probe error
 */
GSocket *
fl_net_tcp_connect (const char  *address,
                    guint16      port,
                    const char  *service,
                    gint64       deadline_us,
                    GError     **error)
{
  g_autoptr(GSocketAddress) sa = socket_address (address, port, error);
  g_autoptr(GSocket) socket = NULL;
  g_autoptr(GError) io_error = NULL;

  if (sa == NULL)
    return NULL;

  socket = g_socket_new (g_socket_address_get_family (sa), G_SOCKET_TYPE_STREAM,
                         G_SOCKET_PROTOCOL_TCP, &io_error);
  if (socket == NULL)
    goto failed;
  g_socket_set_blocking (socket, FALSE);

  if (!g_socket_connect (socket, sa, NULL, &io_error))
    {
      if (!g_error_matches (io_error, G_IO_ERROR, G_IO_ERROR_PENDING))
        goto failed;
      g_clear_error (&io_error);
      if (!wait_for (socket, G_IO_OUT, deadline_us, &io_error) ||
          !g_socket_check_connect_result (socket, &io_error))
        goto failed;
    }

  g_socket_set_blocking (socket, TRUE);
  return g_steal_pointer (&socket);

failed:
  fl_net_set_error (error, io_error, address, port, service);
  return NULL;
}

/**
 * fl_net_udp_exchange:
 * @accept: (nullable): checks that a datagram answers this request (ids)
 *
 * Sends @request on a *connected* UDP socket, so that an ICMP port unreachable comes back at
 * once as "refused", and waits until @deadline_us for an accepted answer.
 *
 * Returns: (transfer full): the answer
 */
GBytes *
fl_net_udp_exchange (const char       *address,
                     guint16           port,
                     GBytes           *request,
                     gint64            deadline_us,
                     FlNetAcceptFunc   accept,
                     gpointer          user_data,
                     GError          **error)
{
  g_autoptr(GSocketAddress) sa = socket_address (address, port, error);
  g_autoptr(GSocket) socket = NULL;
  g_autoptr(GError) io_error = NULL;
  guint8 buffer[65536];
  gsize len;
  const guint8 *data;

  if (sa == NULL)
    return NULL;

  socket = g_socket_new (g_socket_address_get_family (sa), G_SOCKET_TYPE_DATAGRAM,
                         G_SOCKET_PROTOCOL_UDP, &io_error);
  if (socket == NULL || !g_socket_connect (socket, sa, NULL, &io_error))
    goto failed;
  g_socket_set_blocking (socket, FALSE);

  data = g_bytes_get_data (request, &len);
  if (g_socket_send (socket, (const char *)data, len, NULL, &io_error) < 0)
    goto failed;

  for (;;)
    {
      gssize n;

      if (!wait_for (socket, G_IO_IN, deadline_us, &io_error))
        goto failed;
      n = g_socket_receive (socket, (char *)buffer, sizeof buffer, NULL, &io_error);
      if (n < 0)
        {
          if (g_error_matches (io_error, G_IO_ERROR, G_IO_ERROR_WOULD_BLOCK))
            {
              g_clear_error (&io_error);
              continue;
            }
          goto failed;
        }
      if (accept == NULL || accept (buffer, (gsize)n, user_data))
        return g_bytes_new (buffer, (gsize)n);
    }

failed:
  fl_net_set_error (error, io_error, address, port, port == 53 ? "DNS" :
                                                    port == 389 ? "CLDAP" :
                                                    port == 123 ? "NTP" : "UDP");
  return NULL;
}

/**
 * fl_net_icmp_echo:
 *
 * One ICMP echo from an unprivileged datagram socket (net.ipv4.ping_group_range).
 *
 * Returns: %TRUE on an answer; %FALSE with %G_IO_ERROR_PERMISSION_DENIED (in the G_IO_ERROR
 *   domain) when such sockets are not allowed here, or a probe error
 */
gboolean
fl_net_icmp_echo (const char  *address,
                  gint64       deadline_us,
                  GError     **error)
{
  g_autoptr(GSocketAddress) sa = socket_address (address, 0, error);
  g_autoptr(GSocket) sock = NULL;
  g_autoptr(GError) io_error = NULL;
  guint8 packet[8 + 16] = { 8, 0, 0, 0, 0, 0, 0, 1 };
  int fd;
  guint8 reply[1500];

  if (sa == NULL)
    return FALSE;

  /* GSocket's protocol property knows no ICMP: make the socket, then wrap it */
  fd = socket (AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, IPPROTO_ICMP);
  if (fd < 0)
    {
      int saved = errno;

      /* EACCES: the group is outside net.ipv4.ping_group_range; the caller falls back to TCP */
      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved), "ICMP: %s", g_strerror (saved));
      return FALSE;
    }
  sock = g_socket_new_from_fd (fd, &io_error);
  if (sock == NULL)
    {
      close (fd);
      goto failed;
    }
  memcpy (packet + 8, "failover-lab-pi", 16);
  if (!g_socket_connect (sock, sa, NULL, &io_error))
    goto failed;
  g_socket_set_blocking (sock, FALSE);
  if (g_socket_send (sock, (const char *)packet, sizeof packet, NULL, &io_error) < 0)
    goto failed;

  for (;;)
    {
      gssize n;

      if (!wait_for (sock, G_IO_IN, deadline_us, &io_error))
        goto failed;
      n = g_socket_receive (sock, (char *)reply, sizeof reply, NULL, &io_error);
      if (n < 0)
        {
          if (g_error_matches (io_error, G_IO_ERROR, G_IO_ERROR_WOULD_BLOCK))
            {
              g_clear_error (&io_error);
              continue;
            }
          goto failed;
        }
      if (n >= 8 && reply[0] == 0) /* echo reply; the kernel matched the id to this socket */
        return TRUE;
    }

failed:
  fl_net_set_error (error, io_error, address, 0, "ICMP");
  return FALSE;
}

static void
unref_if_set (gpointer object)
{
  if (object != NULL)
    g_object_unref (object);
}

/**
 * fl_net_udp_race:
 * @addresses: (array zero-terminated=1): where to send, in order of preference
 * @stagger_us: the pause before each next address (the DC locator waits ~100 ms); an address
 *   that refuses releases the next one at once
 * @accept: (nullable): decides whether an answer counts (a usable DC, a NOERROR answer…)
 * @winner: (out): the index of the address that answered
 * @failures: (element-type utf8): a line per address that failed, for the message
 *
 * Sends @request to each address in turn, without waiting for answers, on connected UDP
 * sockets, and returns the first accepted answer before @deadline_us.
 *
 * Returns: (transfer full) (nullable): the answer, %NULL when nobody answered in time
 */
GBytes *
fl_net_udp_race (const char * const *addresses,
                 guint16             port,
                 GBytes             *request,
                 gint64              stagger_us,
                 gint64              deadline_us,
                 FlNetAcceptFunc     accept,
                 gpointer            user_data,
                 guint              *winner,
                 GPtrArray          *failures)
{
  guint n = g_strv_length ((char **)addresses);
  g_autoptr(GPtrArray) sockets = g_ptr_array_new_with_free_func (unref_if_set);
  g_autofree gboolean *done = g_new0 (gboolean, MAX (n, 1));
  guint next = 0, n_done = 0;
  gint64 next_at = g_get_monotonic_time ();
  guint8 buffer[65536];
  gsize req_len;
  const guint8 *req = g_bytes_get_data (request, &req_len);

  for (guint i = 0; i < n; i++)
    g_ptr_array_add (sockets, NULL);

  while (n_done < n)
    {
      g_autofree GPollFD *fds = g_new0 (GPollFD, n);
      g_autofree guint *index = g_new0 (guint, n);
      guint nfds = 0;
      gint64 now = g_get_monotonic_time ();
      gint64 wake;
      int ready;

      if (now >= deadline_us)
        break;

      /* send to the next address when its turn comes */
      while (next < n && now >= next_at)
        {
          g_autoptr(GSocketAddress) sa = NULL;
          g_autoptr(GError) io_error = NULL;
          GSocket *socket;
          guint i = next++;

          next_at = now + stagger_us;
          sa = socket_address (addresses[i], port, &io_error);
          socket = sa ? g_socket_new (g_socket_address_get_family (sa), G_SOCKET_TYPE_DATAGRAM,
                                      G_SOCKET_PROTOCOL_UDP, &io_error) : NULL;
          if (socket == NULL || !g_socket_connect (socket, sa, NULL, &io_error) ||
              g_socket_send (socket, (const char *)req, req_len, NULL, &io_error) < 0)
            {
              if (failures != NULL)
                g_ptr_array_add (failures, g_strdup_printf ("%s: %s", addresses[i], io_error->message));
              g_clear_object (&socket);
              done[i] = TRUE;
              n_done++;
              next_at = now; /* no reason to wait for this one */
              continue;
            }
          g_socket_set_blocking (socket, FALSE);
          sockets->pdata[i] = socket;
        }

      for (guint i = 0; i < n; i++)
        if (!done[i] && sockets->pdata[i] != NULL)
          {
            fds[nfds].fd = g_socket_get_fd (sockets->pdata[i]);
            fds[nfds].events = G_IO_IN | G_IO_ERR;
            index[nfds++] = i;
          }

      wake = deadline_us;
      if (next < n)
        wake = MIN (wake, next_at);
      ready = g_poll (fds, nfds, (int)MAX (1, (wake - g_get_monotonic_time () + 999) / 1000));
      if (ready <= 0)
        continue;

      for (guint k = 0; k < nfds; k++)
        {
          guint i = index[k];
          g_autoptr(GError) io_error = NULL;
          gssize got;

          if (fds[k].revents == 0)
            continue;
          got = g_socket_receive (sockets->pdata[i], (char *)buffer, sizeof buffer, NULL, &io_error);
          if (got < 0)
            {
              if (g_error_matches (io_error, G_IO_ERROR, G_IO_ERROR_WOULD_BLOCK))
                continue;
              if (failures != NULL)
                {
                  g_autoptr(GError) mapped = NULL;

                  fl_net_set_error (&mapped, io_error, addresses[i], port,
                                    port == 53 ? "DNS" : port == 389 ? "CLDAP" : "UDP");
                  g_ptr_array_add (failures, g_strdup (mapped->message));
                }
              done[i] = TRUE;
              n_done++;
              next_at = g_get_monotonic_time (); /* refused: the next one may go now */
              continue;
            }
          if (accept == NULL || accept (buffer, (gsize)got, user_data))
            {
              *winner = i;
              return g_bytes_new (buffer, (gsize)got);
            }
          /* a connected socket hears only that server: its answer is final, if unusable */
          if (failures != NULL)
            g_ptr_array_add (failures, g_strdup_printf (_("%s: answered, but not usably"),
                                                        addresses[i]));
          done[i] = TRUE;
          n_done++;
          next_at = g_get_monotonic_time ();
        }
    }

  if (failures != NULL)
    for (guint i = 0; i < n; i++)
      if (!done[i])
        g_ptr_array_add (failures, g_strdup_printf (_("%s: no answer before the deadline"),
                                                    addresses[i]));
  return NULL;
}
