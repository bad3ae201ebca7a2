/* fl-test-sshd.h: a real OpenSSH server for a test, on loopback only: key authentication only
 * (the keys in @dir/authorized_keys, each with its forced command), its host keys
 * @dir/host_key (ed25519, the one known_hosts lists) and @dir/host_key_ecdsa (offered first, as
 * a Windows server may: the client must still settle on ed25519), ending with the test (even
 * one an assertion aborts). Needs root and /usr/sbin/sshd.
 *
 * Copyright 2026 The Failover Lab authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>
#include <signal.h>
#include <sys/prctl.h>
#include <unistd.h>

static inline gboolean
fl_test_sshd_possible (void)
{
  return g_file_test ("/usr/sbin/sshd", G_FILE_TEST_IS_EXECUTABLE) && getuid () == 0;
}

static inline void
fl_test_die_with_parent (gpointer data)
{
  prctl (PR_SET_PDEATHSIG, SIGTERM);
}

static inline guint
fl_test_free_port (void)
{
  g_autoptr(GSocket) s = g_socket_new (G_SOCKET_FAMILY_IPV4, G_SOCKET_TYPE_STREAM, G_SOCKET_PROTOCOL_TCP, NULL);
  g_autoptr(GInetAddress) lo = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  g_autoptr(GSocketAddress) any = g_inet_socket_address_new (lo, 0);
  g_autoptr(GSocketAddress) bound = NULL;

  g_assert_true (g_socket_bind (s, any, TRUE, NULL));
  bound = g_socket_get_local_address (s, NULL);
  return g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (bound));
}

/* starts sshd (its host key made when @dir has none) and waits until it accepts connections;
 * end it by its PID: g_subprocess_send_signal (sshd, SIGTERM) */
static inline GSubprocess *
fl_test_sshd_start (const char *dir,
                    guint      *port)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GSubprocessLauncher) launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_NONE);
  g_autofree char *host_key = g_build_filename (dir, "host_key", NULL);
  g_autofree char *ecdsa_key = g_build_filename (dir, "host_key_ecdsa", NULL);
  g_autofree char *conf_path = g_build_filename (dir, "sshd_config", NULL);
  g_autofree char *conf = NULL;
  gint64 deadline;
  GSubprocess *sshd;
  gboolean up = FALSE;

  for (guint i = 0; i < 2; i++)
    {
      const char *file = i == 0 ? host_key : ecdsa_key;
      const char *argv[] = { "ssh-keygen", "-q", "-t", i == 0 ? "ed25519" : "ecdsa", "-N", "", "-f", file, NULL };
      int status = 0;

      if (g_file_test (file, G_FILE_TEST_EXISTS))
        continue;
      g_assert_true (g_spawn_sync (NULL, (char **)argv, NULL, G_SPAWN_SEARCH_PATH, NULL, NULL, NULL, NULL,
                                   &status, &error));
      g_assert_no_error (error);
      g_assert_true (g_spawn_check_wait_status (status, NULL));
    }
  *port = fl_test_free_port ();
  conf = g_strdup_printf ("ListenAddress 127.0.0.1\nPort %u\nHostKey %s\nHostKey %s\nPidFile none\n"
                          "AuthorizedKeysFile %s/authorized_keys\nPasswordAuthentication no\n"
                          "KbdInteractiveAuthentication no\nPubkeyAuthentication yes\nUsePAM no\n"
                          "StrictModes no\nPermitRootLogin prohibit-password\nAllowUsers %s\n"
                          "AllowTcpForwarding no\nX11Forwarding no\nLogLevel ERROR\n",
                          *port, ecdsa_key, host_key, dir, g_get_user_name ());
  g_assert_true (g_file_set_contents (conf_path, conf, -1, NULL));
  g_mkdir_with_parents ("/run/sshd", 0755);
  g_subprocess_launcher_set_child_setup (launcher, fl_test_die_with_parent, NULL, NULL);
  sshd = g_subprocess_launcher_spawn (launcher, &error, "/usr/sbin/sshd", "-D", "-e", "-f", conf_path, NULL);
  g_assert_no_error (error);
  deadline = g_get_monotonic_time () + 10 * G_USEC_PER_SEC;   /* a hang guard */
  while (!up && g_get_monotonic_time () < deadline)
    {
      g_autoptr(GSocketClient) sc = g_socket_client_new ();
      g_autoptr(GSocketConnection) c = NULL;

      g_socket_client_set_enable_proxy (sc, FALSE);
      c = g_socket_client_connect_to_host (sc, "127.0.0.1", (guint16)*port, NULL, NULL);
      up = c != NULL;
      if (!up)
        g_usleep (50000);
    }
  g_assert_true (up);
  return sshd;
}
