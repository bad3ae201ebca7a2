/* fl-pve-ssh.c: Proxmox VE over SSH (libssh2), as an FlHypervisor.
 *
 * One connection, reused (with keepalives) for every command; its host key checked against
 * known_hosts (an unknown or changed key is refused until the user accepts its fingerprint);
 * the key from ssh-agent or a key file. Commands are `pvesh … --output-format json` (any node
 * of the cluster, task-aware through the task's status); their exit status and stderr become
 * the same errors as the REST API's (fl_pve_parse_cli). libssh2 blocks: everything runs in
 * worker threads, one command at a time on the session, one action at a time per VM.
 *
 * Copyright 2026 The Failover Lab authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "fl-pve-ssh"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <libssh2.h>
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fl-pve.h"
#include "fl-pve-ssh.h"

struct _FlPveSsh
{
  GObject             parent_instance;

  char               *host;
  guint               port;
  char               *user;
  char               *known_hosts;
  char               *key_file;
  char               *passphrase;
  gboolean            use_agent;

  GMutex              lock;         /* the session: one command at a time */
  GSocketConnection  *connection;
  LIBSSH2_SESSION    *session;
  char               *host_fingerprint;
  GBytes             *host_key;     /* as presented, for accepting it */
  gboolean            host_key_changed;  /* known_hosts has another key for this host */
  int                 host_key_type;

  GMutex              vm_lock;
  GHashTable         *vm_busy;      /* vmid → GCond* waiters: one action per VM */
  GCond               vm_cond;
  GHashTable         *nodes;        /* vmid → node */

  guint               command_timeout_s;
  guint               poll_ms;
  guint               task_timeout_s;
};

static void fl_pve_ssh_hypervisor_init (FlHypervisorInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (FlPveSsh, fl_pve_ssh, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (FL_TYPE_HYPERVISOR, fl_pve_ssh_hypervisor_init))

static void
disconnect (FlPveSsh *self)
{
  if (self->session != NULL)
    {
      libssh2_session_disconnect (self->session, "bye");
      libssh2_session_free (self->session);
      self->session = NULL;
    }
  g_clear_object (&self->connection);
}

static void
fl_pve_ssh_finalize (GObject *object)
{
  FlPveSsh *self = FL_PVE_SSH (object);

  disconnect (self);
  g_free (self->host);
  g_free (self->user);
  g_free (self->known_hosts);
  g_free (self->key_file);
  if (self->passphrase != NULL)
    memset (self->passphrase, 0, strlen (self->passphrase));
  g_free (self->passphrase);
  g_free (self->host_fingerprint);
  g_clear_pointer (&self->host_key, g_bytes_unref);
  g_clear_pointer (&self->vm_busy, g_hash_table_unref);
  g_clear_pointer (&self->nodes, g_hash_table_unref);
  g_mutex_clear (&self->lock);
  g_mutex_clear (&self->vm_lock);
  g_cond_clear (&self->vm_cond);
  G_OBJECT_CLASS (fl_pve_ssh_parent_class)->finalize (object);
}

static void
fl_pve_ssh_class_init (FlPveSshClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = fl_pve_ssh_finalize;
  libssh2_init (0);
}

static void
fl_pve_ssh_init (FlPveSsh *self)
{
  g_mutex_init (&self->lock);
  g_mutex_init (&self->vm_lock);
  g_cond_init (&self->vm_cond);
  self->vm_busy = g_hash_table_new (NULL, NULL);
  self->nodes = g_hash_table_new_full (NULL, NULL, NULL, g_free);
  self->use_agent = TRUE;
  self->command_timeout_s = 30;
  self->poll_ms = 500;
  self->task_timeout_s = 300;
}

/**
 * fl_pve_ssh_new:
 * @known_hosts: (nullable): the known_hosts file (default ~/.ssh/known_hosts)
 */
FlPveSsh *
fl_pve_ssh_new (const char *host,
                guint       port,
                const char *user,
                const char *known_hosts)
{
  FlPveSsh *self = g_object_new (FL_TYPE_PVE_SSH, NULL);

  self->host = g_strdup (host);
  self->port = port ? port : 22;
  self->user = g_strdup (user ? user : "root");
  self->known_hosts = known_hosts ? g_strdup (known_hosts)
                                  : g_build_filename (g_get_home_dir (), ".ssh", "known_hosts", NULL);
  return self;
}

void
fl_pve_ssh_set_key_file (FlPveSsh   *self,
                         const char *path,
                         const char *passphrase)
{
  g_return_if_fail (FL_IS_PVE_SSH (self));
  g_free (self->key_file);
  g_free (self->passphrase);
  self->key_file = g_strdup (path);
  self->passphrase = g_strdup (passphrase);
}

void
fl_pve_ssh_set_use_agent (FlPveSsh *self,
                          gboolean  use_agent)
{
  g_return_if_fail (FL_IS_PVE_SSH (self));
  self->use_agent = use_agent;
}

void
fl_pve_ssh_set_vm_node (FlPveSsh   *self,
                        guint       vmid,
                        const char *node)
{
  g_return_if_fail (FL_IS_PVE_SSH (self));
  g_mutex_lock (&self->lock);
  g_hash_table_insert (self->nodes, GUINT_TO_POINTER (vmid), g_strdup (node));
  g_mutex_unlock (&self->lock);
}

void
fl_pve_ssh_set_timing (FlPveSsh *self,
                       guint     command_timeout_s,
                       guint     poll_ms,
                       guint     task_timeout_s)
{
  g_return_if_fail (FL_IS_PVE_SSH (self));
  self->command_timeout_s = MAX (command_timeout_s, 1);
  self->poll_ms = MAX (poll_ms, 10);
  self->task_timeout_s = MAX (task_timeout_s, 1);
}

/**
 * fl_pve_ssh_get_host_fingerprint:
 *
 * Returns: (nullable): the host key the server showed last, as OpenSSH prints it
 *   ("SHA256:…"), to offer the user when it is unknown
 */
const char *
fl_pve_ssh_get_host_fingerprint (FlPveSsh *self)
{
  g_return_val_if_fail (FL_IS_PVE_SSH (self), NULL);
  return self->host_fingerprint;
}

static int
knownhost_key_type (int hostkey_type)
{
  switch (hostkey_type)
    {
    case LIBSSH2_HOSTKEY_TYPE_RSA:
      return LIBSSH2_KNOWNHOST_KEY_SSHRSA;
    case LIBSSH2_HOSTKEY_TYPE_ECDSA_256:
      return LIBSSH2_KNOWNHOST_KEY_ECDSA_256;
    case LIBSSH2_HOSTKEY_TYPE_ECDSA_384:
      return LIBSSH2_KNOWNHOST_KEY_ECDSA_384;
    case LIBSSH2_HOSTKEY_TYPE_ECDSA_521:
      return LIBSSH2_KNOWNHOST_KEY_ECDSA_521;
    case LIBSSH2_HOSTKEY_TYPE_ED25519:
      return LIBSSH2_KNOWNHOST_KEY_ED25519;
    default:
      return LIBSSH2_KNOWNHOST_KEY_UNKNOWN;
    }
}

static char *
known_host_name (FlPveSsh *self)
{
  return self->port == 22 ? g_strdup (self->host) : g_strdup_printf ("[%s]:%u", self->host, self->port);
}

/**
 * fl_pve_ssh_get_host_key_changed:
 *
 * Returns: whether the last refusal was a changed host key (never to be accepted here), not
 *   an unknown one
 */
gboolean
fl_pve_ssh_get_host_key_changed (FlPveSsh *self)
{
  g_return_val_if_fail (FL_IS_PVE_SSH (self), FALSE);
  return self->host_key_changed;
}

/* The user's known_hosts, read line by line into @nh: comments, blank lines, markers
 * (@cert-authority, @revoked) and lines libssh2 cannot parse are passed over one at a time (its
 * readfile stops at the first of them, and every entry after it would be lost). A file that
 * does not exist is empty; one that cannot be read is an error, never "unknown". */
static gboolean
load_known_hosts (FlPveSsh            *self,
                  LIBSSH2_KNOWNHOSTS  *nh,
                  GError             **error)
{
  g_autofree char *text = NULL;
  g_autoptr(GError) local = NULL;
  g_auto(GStrv) lines = NULL;
  gsize len = 0;

  if (!g_file_get_contents (self->known_hosts, &text, &len, &local))
    {
      if (g_error_matches (local, G_FILE_ERROR, G_FILE_ERROR_NOENT))
        return TRUE;
      g_set_error (error, FL_PVE_ERROR, FL_PVE_ERROR_HOST_KEY, _("Cannot read %s: %s"), self->known_hosts,
                   local->message);
      return FALSE;
    }
  if (len > 16 << 20)
    {
      g_set_error (error, FL_PVE_ERROR, FL_PVE_ERROR_HOST_KEY, _("%s is larger than 16 MiB"), self->known_hosts);
      return FALSE;
    }
  lines = g_strsplit (text, "\n", -1);
  for (guint i = 0; lines[i] != NULL; i++)
    {
      char *line = g_strstrip (lines[i]);

      if (*line == '\0' || *line == '#' || *line == '@')
        continue;
      (void)libssh2_knownhost_readline (nh, line, strlen (line), LIBSSH2_KNOWNHOST_FILE_OPENSSH);
    }
  return TRUE;
}

/* Appends @line (with its newline) to the user's file in one write, O_APPEND: nothing in the
 * file is rewritten, reordered or dropped, and a reader never sees half a line. */
static gboolean
append_line (const char  *path,
             const char  *line,
             GError     **error)
{
  g_autofree char *dir = g_path_get_dirname (path);
  g_autoptr(GString) out = g_string_new (NULL);
  struct stat st;
  int fd;

  if (g_mkdir_with_parents (dir, 0700) != 0)
    {
      g_set_error (error, FL_PVE_ERROR, FL_PVE_ERROR_HOST_KEY, "%s: %s", dir, g_strerror (errno));
      return FALSE;
    }
  fd = open (path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);
  if (fd < 0)
    {
      g_set_error (error, FL_PVE_ERROR, FL_PVE_ERROR_HOST_KEY, _("Cannot write %s: %s"), path, g_strerror (errno));
      return FALSE;
    }
  /* a last line without its newline gets one first */
  if (fstat (fd, &st) == 0 && st.st_size > 0)
    {
      char last = '\n';
      int rfd = open (path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);

      if (rfd >= 0)
        {
          if (pread (rfd, &last, 1, st.st_size - 1) != 1)
            last = '\n';
          close (rfd);
        }
      if (last != '\n')
        g_string_append_c (out, '\n');
    }
  g_string_append (out, line);
  if (out->len == 0 || out->str[out->len - 1] != '\n')
    g_string_append_c (out, '\n');
  if (write (fd, out->str, out->len) != (gssize)out->len)
    {
      int errsv = errno;

      close (fd);
      g_set_error (error, FL_PVE_ERROR, FL_PVE_ERROR_HOST_KEY, _("Cannot write %s: %s"), path, g_strerror (errsv));
      return FALSE;
    }
  if (close (fd) != 0)
    {
      g_set_error (error, FL_PVE_ERROR, FL_PVE_ERROR_HOST_KEY, _("Cannot write %s: %s"), path, g_strerror (errno));
      return FALSE;
    }
  return TRUE;
}

/**
 * fl_pve_ssh_accept_host_key:
 *
 * Adds the host key the server showed (after a FL_PVE_ERROR_HOST_KEY error: the user compared
 * its fingerprint and accepts it) to known_hosts: one line appended, the rest of the user's
 * file untouched. @fingerprint is the one the user was shown: a key the node shows since (a
 * later connection's) is not accepted in its place.
 */
gboolean
fl_pve_ssh_accept_host_key (FlPveSsh    *self,
                            const char  *fingerprint,
                            GError     **error)
{
  LIBSSH2_SESSION *session;
  LIBSSH2_KNOWNHOSTS *nh;
  struct libssh2_knownhost *entry = NULL;
  g_autofree char *name = NULL;
  char line[8192];
  size_t line_len = 0;
  gsize len = 0;
  const char *key;
  int rc;

  g_return_val_if_fail (FL_IS_PVE_SSH (self), FALSE);

  g_mutex_lock (&self->lock);
  if (self->host_key == NULL || self->host_key_changed)
    {
      g_mutex_unlock (&self->lock);
      g_set_error (error, FL_PVE_ERROR, FL_PVE_ERROR_HOST_KEY, _("No host key to accept: connect first"));
      return FALSE;
    }
  if (fingerprint == NULL || g_strcmp0 (fingerprint, self->host_fingerprint) != 0)
    {
      g_set_error (error, FL_PVE_ERROR, FL_PVE_ERROR_HOST_KEY,
                   _("%s now shows the host key %s, not %s: nothing accepted"), self->host,
                   self->host_fingerprint, fingerprint ? fingerprint : "");
      g_mutex_unlock (&self->lock);
      return FALSE;
    }
  session = libssh2_session_init ();
  nh = libssh2_knownhost_init (session);
  name = known_host_name (self);
  key = g_bytes_get_data (self->host_key, &len);
  rc = libssh2_knownhost_addc (nh, name, NULL, key, len, NULL, 0,
                               LIBSSH2_KNOWNHOST_TYPE_PLAIN | LIBSSH2_KNOWNHOST_KEYENC_RAW |
                               knownhost_key_type (self->host_key_type), &entry);
  if (rc == 0)
    rc = libssh2_knownhost_writeline (nh, entry, line, sizeof line, &line_len, LIBSSH2_KNOWNHOST_FILE_OPENSSH);
  libssh2_knownhost_free (nh);
  libssh2_session_free (session);
  g_mutex_unlock (&self->lock);
  if (rc != 0)
    {
      g_set_error (error, FL_PVE_ERROR, FL_PVE_ERROR_HOST_KEY, _("Cannot write %s (libssh2 error %d)"),
                   self->known_hosts, rc);
      return FALSE;
    }
  line[MIN (line_len, sizeof line - 1)] = '\0';
  return append_line (self->known_hosts, line, error);
}

static char *
session_error (LIBSSH2_SESSION *session)
{
  char *msg = NULL;

  libssh2_session_last_error (session, &msg, NULL, 0);
  return g_strdup (msg ? msg : "?");
}

/* the host key against known_hosts: match, or refuse (unknown, changed) */
static gboolean
check_host_key (FlPveSsh  *self,
                GError   **error)
{
  gsize len = 0;
  int type = 0;
  const char *key = libssh2_session_hostkey (self->session, &len, &type);
  const char *hash = libssh2_hostkey_hash (self->session, LIBSSH2_HOSTKEY_HASH_SHA256);
  LIBSSH2_KNOWNHOSTS *nh;
  struct libssh2_knownhost *found = NULL;
  g_autofree char *b64 = NULL;
  int rc;

  if (key == NULL || hash == NULL)
    {
      g_set_error (error, FL_PVE_ERROR, FL_PVE_ERROR_HOST_KEY, _("%s sent no host key"), self->host);
      return FALSE;
    }
  b64 = g_base64_encode ((const guchar *)hash, 32);
  /* OpenSSH prints it without padding */
  while (*b64 && b64[strlen (b64) - 1] == '=')
    b64[strlen (b64) - 1] = '\0';
  g_free (self->host_fingerprint);
  self->host_fingerprint = g_strconcat ("SHA256:", b64, NULL);
  g_clear_pointer (&self->host_key, g_bytes_unref);
  self->host_key = g_bytes_new (key, len);
  self->host_key_type = type;

  nh = libssh2_knownhost_init (self->session);
  if (!load_known_hosts (self, nh, error))
    {
      libssh2_knownhost_free (nh);
      self->host_key_changed = FALSE;
      return FALSE;
    }
  rc = libssh2_knownhost_checkp (nh, self->host, (int)self->port, key, len,
                                 LIBSSH2_KNOWNHOST_TYPE_PLAIN | LIBSSH2_KNOWNHOST_KEYENC_RAW, &found);
  libssh2_knownhost_free (nh);
  self->host_key_changed = rc == LIBSSH2_KNOWNHOST_CHECK_MISMATCH;
  if (rc == LIBSSH2_KNOWNHOST_CHECK_MATCH)
    return TRUE;
  if (rc == LIBSSH2_KNOWNHOST_CHECK_MISMATCH)
    g_set_error (error, FL_PVE_ERROR, FL_PVE_ERROR_HOST_KEY,
                 _("The host key of %s has CHANGED (it now shows %s): refused. If the node was reinstalled, "
                   "check the new key on its console and remove the old line from %s"),
                 self->host, self->host_fingerprint, self->known_hosts);
  else
    g_set_error (error, FL_PVE_ERROR, FL_PVE_ERROR_HOST_KEY,
                 _("The host key of %s is not known (%s): refused. Compare it with “ssh-keygen -lf "
                   "/etc/ssh/ssh_host_ed25519_key.pub” on the node and accept it"),
                 self->host, self->host_fingerprint);
  return FALSE;
}

static gboolean
authenticate (FlPveSsh  *self,
              GError   **error)
{
  if (self->use_agent && g_getenv ("SSH_AUTH_SOCK") != NULL)
    {
      LIBSSH2_AGENT *agent = libssh2_agent_init (self->session);
      struct libssh2_agent_publickey *identity = NULL, *prev = NULL;
      gboolean ok = FALSE;

      if (agent != NULL && libssh2_agent_connect (agent) == 0 && libssh2_agent_list_identities (agent) == 0)
        while (!ok && libssh2_agent_get_identity (agent, &identity, prev) == 0)
          {
            ok = libssh2_agent_userauth (agent, self->user, identity) == 0;
            prev = identity;
          }
      if (agent != NULL)
        {
          libssh2_agent_disconnect (agent);
          libssh2_agent_free (agent);
        }
      if (ok)
        return TRUE;
    }
  if (self->key_file != NULL &&
      libssh2_userauth_publickey_fromfile_ex (self->session, self->user, (unsigned)strlen (self->user), NULL,
                                              self->key_file, self->passphrase) == 0)
    return TRUE;
  g_set_error (error, FL_PVE_ERROR, FL_PVE_ERROR_AUTH,
               _("%s@%s refused the SSH key (%s): is it in the node's authorized_keys, is the agent running?"),
               self->user, self->host, self->key_file ? self->key_file : _("ssh-agent"));
  return FALSE;
}

/* with the lock held */
static gboolean
ensure_connected (FlPveSsh  *self,
                  GError   **error)
{
  g_autoptr(GSocketClient) client = NULL;
  g_autoptr(GError) local = NULL;
  int next = 0;

  if (self->session != NULL && libssh2_keepalive_send (self->session, &next) == 0)
    return TRUE;
  disconnect (self);

  client = g_socket_client_new ();
  g_socket_client_set_timeout (client, self->command_timeout_s);
  /* straight to the node, as the REST client: no desktop proxy in between */
  g_socket_client_set_enable_proxy (client, FALSE);
  self->connection = g_socket_client_connect_to_host (client, self->host, (guint16)self->port, NULL, &local);
  if (self->connection == NULL)
    {
      g_set_error (error, FL_PVE_ERROR,
                   g_error_matches (local, G_IO_ERROR, G_IO_ERROR_TIMED_OUT) ? FL_PVE_ERROR_TIMEOUT
                                                                             : FL_PVE_ERROR_NODE_UNREACHABLE,
                   _("Cannot reach SSH on %s:%u: %s"), self->host, self->port, local->message);
      return FALSE;
    }
  self->session = libssh2_session_init ();
  libssh2_session_set_blocking (self->session, 1);
  libssh2_session_set_timeout (self->session, (long)self->command_timeout_s * 1000);
  if (libssh2_session_handshake (self->session, g_socket_get_fd (g_socket_connection_get_socket (self->connection))) != 0)
    {
      g_autofree char *why = session_error (self->session);

      g_set_error (error, FL_PVE_ERROR, FL_PVE_ERROR_PROTOCOL, _("SSH handshake with %s failed: %s"), self->host, why);
      disconnect (self);
      return FALSE;
    }
  if (!check_host_key (self, error) || !authenticate (self, error))
    {
      disconnect (self);
      return FALSE;
    }
  /* no libssh2 keepalive: with one configured, its blocking calls return a false
   * LIBSSH2_ERROR_TIMEOUT when a keepalive falls due while they wait; a connection the node
   * dropped is found when its next channel will not open, and made again */
  return TRUE;
}

/* Reads the command's stdout and stderr together (a large stderr cannot stall stdout), without
 * blocking: libssh2's blocking reads return a false LIBSSH2_ERROR_TIMEOUT whenever a keepalive
 * falls due while they wait (its poll() waits only until then), so this loop keeps its own
 * deadline and polls the socket itself. */
static gboolean
read_output (FlPveSsh         *self,
             LIBSSH2_CHANNEL  *channel,
             guint             timeout_s,
             GString          *out,
             GString          *err,
             GError          **error)
{
  gint64 deadline = g_get_monotonic_time () + (gint64)timeout_s * G_USEC_PER_SEC;
  int fd = g_socket_get_fd (g_socket_connection_get_socket (self->connection));
  gboolean out_done = FALSE, err_done = FALSE;
  char buffer[4096];

  while (!out_done || !err_done)
    {
      gboolean progress = FALSE;
      ssize_t n;

      for (guint stream = 0; stream < 2; stream++)
        {
          gboolean *done = stream == 0 ? &out_done : &err_done;

          if (*done)
            continue;
          n = libssh2_channel_read_ex (channel, stream == 0 ? 0 : SSH_EXTENDED_DATA_STDERR, buffer, sizeof buffer);
          if (n > 0)
            {
              g_string_append_len (stream == 0 ? out : err, buffer, n);
              progress = TRUE;
            }
          else if (n == 0)
            *done = TRUE;
          else if (n != LIBSSH2_ERROR_EAGAIN)
            {
              g_set_error (error, FL_PVE_ERROR, FL_PVE_ERROR_PROTOCOL, _("%s: the SSH connection broke"), self->host);
              return FALSE;
            }
        }
      if (out->len + err->len > FL_PVE_MAX_BODY)
        {
          g_set_error (error, FL_PVE_ERROR, FL_PVE_ERROR_PROTOCOL, _("%s: the command printed more than %d MiB"),
                       self->host, FL_PVE_MAX_BODY >> 20);
          return FALSE;
        }
      if (progress || (out_done && err_done))
        continue;
      {
        gint64 left = deadline - g_get_monotonic_time ();
        int dir = libssh2_session_block_directions (self->session);
        GPollFD pfd = { fd, 0, 0 };

        if (left <= 0)
          {
            g_set_error (error, FL_PVE_ERROR, FL_PVE_ERROR_TIMEOUT, _("%s: the command did not finish within %u s"),
                         self->host, timeout_s);
            return FALSE;
          }
        if (dir & LIBSSH2_SESSION_BLOCK_INBOUND)
          pfd.events |= G_IO_IN;
        if (dir & LIBSSH2_SESSION_BLOCK_OUTBOUND)
          pfd.events |= G_IO_OUT;
        if (pfd.events == 0)
          pfd.events = G_IO_IN;
        g_poll (&pfd, 1, (int)MIN (left / 1000 + 1, 1000));
      }
    }
  return TRUE;
}

/* one command, its stdout, stderr and exit status (the lock held); @timeout_s 0 is the
 * connection's command timeout */
static gboolean
run (FlPveSsh    *self,
     const char  *command,
     guint        timeout_s,
     GString     *out,
     GString     *err,
     int         *exit_status,
     GError     **error)
{
  LIBSSH2_CHANNEL *channel;
  gboolean ok;

  for (guint attempt = 0; ; attempt++)
    {
      if (!ensure_connected (self, error))
        return FALSE;
      channel = libssh2_channel_open_session (self->session);
      if (channel != NULL)
        break;
      /* a connection the server dropped: once more, on a new one */
      disconnect (self);
      if (attempt > 0)
        {
          g_set_error (error, FL_PVE_ERROR, FL_PVE_ERROR_PROTOCOL, _("%s: cannot open an SSH channel"), self->host);
          return FALSE;
        }
    }
  if (libssh2_channel_exec (channel, command) != 0)
    {
      g_autofree char *why = session_error (self->session);

      libssh2_channel_free (channel);
      disconnect (self);
      g_set_error (error, FL_PVE_ERROR, FL_PVE_ERROR_PROTOCOL, _("%s: cannot run a command: %s"), self->host, why);
      return FALSE;
    }
  libssh2_session_set_blocking (self->session, 0);
  ok = read_output (self, channel, timeout_s > 0 ? timeout_s : self->command_timeout_s, out, err, error);
  libssh2_session_set_blocking (self->session, 1);
  if (!ok)
    {
      libssh2_channel_free (channel);
      disconnect (self);
      return FALSE;
    }
  libssh2_channel_close (channel);
  libssh2_channel_wait_closed (channel);
  *exit_status = libssh2_channel_get_exit_status (channel);
  libssh2_channel_free (channel);
  return TRUE;
}

/* `pvesh VERB PATH --output-format json ARGS…` → its data, or the error; @timeout_s 0 is the
 * connection's command timeout (a task that pvesh runs in the foreground needs its own) */
static JsonNode *
pvesh_timed (FlPveSsh            *self,
             const char          *verb,
             const char          *path,
             const char * const  *args,
             guint                timeout_s,
             GError             **error)
{
  g_autoptr(GString) cmd = g_string_new ("pvesh ");
  g_autoptr(GString) out = g_string_new (NULL);
  g_autoptr(GString) err = g_string_new (NULL);
  int status = -1;
  gboolean ok;

  g_string_append_printf (cmd, "%s ", verb);
  {
    g_autofree char *q = g_shell_quote (path);

    g_string_append (cmd, q);
  }
  for (guint i = 0; args != NULL && args[i] != NULL && args[i + 1] != NULL; i += 2)
    {
      g_autofree char *v = g_shell_quote (args[i + 1]);

      g_string_append_printf (cmd, " --%s %s", args[i], v);
    }
  g_string_append (cmd, " --output-format json");

  g_mutex_lock (&self->lock);
  ok = run (self, cmd->str, timeout_s, out, err, &status, error);
  g_mutex_unlock (&self->lock);
  if (!ok)
    return NULL;
  return fl_pve_parse_cli (status, out->str, out->len, err->str, error);
}

static JsonNode *
pvesh (FlPveSsh            *self,
       const char          *verb,
       const char          *path,
       const char * const  *args,
       GError             **error)
{
  return pvesh_timed (self, verb, path, args, 0, error);
}

/* `qm ARGS…`: the fallback where pvesh is missing. Its exit status is the task's (0 for OK and
 * for warnings); *@warnings is set when it finished with warnings. */
static gboolean
qm (FlPveSsh            *self,
    const char * const  *args,
    guint                timeout_s,
    char               **out_text,
    gboolean            *warnings,
    GError             **error)
{
  g_autoptr(GString) cmd = g_string_new ("qm");
  g_autoptr(GString) out = g_string_new (NULL);
  g_autoptr(GString) err = g_string_new (NULL);
  int status = -1;
  gboolean ok;

  for (guint i = 0; args[i] != NULL; i++)
    {
      g_autofree char *q = g_shell_quote (args[i]);

      g_string_append_printf (cmd, " %s", q);
    }
  g_mutex_lock (&self->lock);
  ok = run (self, cmd->str, timeout_s, out, err, &status, error);
  g_mutex_unlock (&self->lock);
  if (!ok)
    return FALSE;
  if (status != 0)
    {
      /* the error, as pvesh's would be: with a non-zero status there is only the error */
      JsonNode *nothing = fl_pve_parse_cli (status, out->str, out->len, err->str, error);

      g_assert (nothing == NULL);
      /* a task's failure, as the REST API reports it */
      if (error != NULL && *error != NULL && (*error)->code == FL_PVE_ERROR_SERVER && status == 255)
        (*error)->code = FL_PVE_ERROR_TASK_FAILED;
      return FALSE;
    }
  if (warnings != NULL)
    *warnings = strstr (err->str, "warning(s)") != NULL;
  if (out_text != NULL)
    *out_text = g_strdup (out->str);
  return TRUE;
}

/* ------------------------------------------------------------------------------------------ */
/* operations, in worker threads */

typedef struct
{
  guint       vmid;
  FlVmAction  action;
  guint       timeout_s;
  gboolean    force;
  gboolean    link_down;
  char       *snapshot;
  GStrv       argv;
} Op;

static void
op_free (Op *op)
{
  g_free (op->snapshot);
  g_strfreev (op->argv);
  g_free (op);
}

static char *
node_of (FlPveSsh  *self,
         guint      vmid,
         GError   **error)
{
  char *node;
  g_autoptr(JsonNode) res = NULL;

  g_mutex_lock (&self->lock);
  node = g_strdup (g_hash_table_lookup (self->nodes, GUINT_TO_POINTER (vmid)));
  g_mutex_unlock (&self->lock);
  if (node != NULL)
    return node;
  res = pvesh (self, "get", "/cluster/resources", (const char *[]) { "type", "vm", NULL }, error);
  if (res == NULL)
    return NULL;
  node = fl_pve_find_vm_node (res, vmid);
  if (node == NULL)
    g_set_error (error, FL_PVE_ERROR, FL_PVE_ERROR_PARAMETER, _("VM %u is not on this Proxmox VE cluster"), vmid);
  else
    fl_pve_ssh_set_vm_node (self, vmid, node);
  return node;
}

static void
vm_acquire (FlPveSsh *self,
            guint     vmid)
{
  g_mutex_lock (&self->vm_lock);
  while (g_hash_table_contains (self->vm_busy, GUINT_TO_POINTER (vmid)))
    g_cond_wait (&self->vm_cond, &self->vm_lock);
  g_hash_table_add (self->vm_busy, GUINT_TO_POINTER (vmid));
  g_mutex_unlock (&self->vm_lock);
}

static void
vm_release (FlPveSsh *self,
            guint     vmid)
{
  g_mutex_lock (&self->vm_lock);
  g_hash_table_remove (self->vm_busy, GUINT_TO_POINTER (vmid));
  g_cond_broadcast (&self->vm_cond);
  g_mutex_unlock (&self->vm_lock);
}

/* the task behind a UPID, followed on its node until it has ended */
static FlTaskResult *
follow (FlPveSsh      *self,
        JsonNode      *upid_node,
        GCancellable  *cancellable,
        GError       **error)
{
  FlPveUpid upid;
  g_autofree char *path = NULL;
  gint64 deadline = g_get_monotonic_time () + (gint64)self->task_timeout_s * G_USEC_PER_SEC;
  guint wait_ms = 25;
  const char *text;

  if (upid_node == NULL || !JSON_NODE_HOLDS_VALUE (upid_node) ||
      json_node_get_value_type (upid_node) != G_TYPE_STRING ||
      !fl_pve_upid_parse ((text = json_node_get_string (upid_node)), &upid))
    {
      g_set_error (error, FL_PVE_ERROR, FL_PVE_ERROR_PROTOCOL, _("Proxmox VE did not answer with a task id"));
      return NULL;
    }
  path = g_strdup_printf ("/nodes/%s/tasks/%s/status", upid.node, text);
  fl_pve_upid_clear (&upid);
  for (;;)
    {
      g_autoptr(JsonNode) st = pvesh (self, "get", path, NULL, error);
      JsonObject *o;
      JsonNode *exitstatus;

      if (st == NULL || !JSON_NODE_HOLDS_OBJECT (st))
        {
          if (st != NULL)
            g_set_error (error, FL_PVE_ERROR, FL_PVE_ERROR_PROTOCOL, _("The task status has no fields"));
          return NULL;
        }
      o = json_node_get_object (st);
      exitstatus = json_object_get_member (o, "exitstatus");
      if (exitstatus != NULL && JSON_NODE_HOLDS_VALUE (exitstatus) &&
          json_node_get_value_type (exitstatus) == G_TYPE_STRING)
        {
          const char *status = json_node_get_string (exitstatus);
          FlTaskResult *r;

          if (!fl_pve_task_exit_ok (status))
            {
              g_set_error (error, FL_PVE_ERROR, FL_PVE_ERROR_TASK_FAILED, "%s", status);
              return NULL;
            }
          r = g_new0 (FlTaskResult, 1);
          r->upid = g_strdup (text);
          r->exitstatus = g_strdup (status);
          return r;
        }
      if (g_get_monotonic_time () > deadline)
        {
          g_set_error (error, FL_PVE_ERROR, FL_PVE_ERROR_TIMEOUT, _("The task is still running after %u s (%s)"),
                       self->task_timeout_s, text);
          return NULL;
        }
      if (g_cancellable_set_error_if_cancelled (cancellable, error))
        return NULL;
      g_usleep (wait_ms * 1000);
      wait_ms = MIN (wait_ms * 2, self->poll_ms);
    }
}

static void
state_thread (GTask        *task,
              gpointer      source,
              gpointer      data,
              GCancellable *cancellable)
{
  FlPveSsh *self = source;
  Op *op = data;
  g_autoptr(GError) error = NULL;
  g_autofree char *node = node_of (self, op->vmid, &error);
  g_autofree char *path = NULL, *cpath = NULL;
  g_autoptr(JsonNode) cur = NULL, cfg = NULL;
  FlVmState *state;

  if (node == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  path = g_strdup_printf ("/nodes/%s/qemu/%u/status/current", node, op->vmid);
  cpath = g_strdup_printf ("/nodes/%s/qemu/%u/config", node, op->vmid);
  if ((cur = pvesh (self, "get", path, NULL, &error)) == NULL &&
      g_error_matches (error, FL_PVE_ERROR, FL_PVE_ERROR_NOT_IMPLEMENTED))
    {
      /* no pvesh: `qm status` says at least running or stopped (of this node's VMs) */
      g_autofree char *vmid = g_strdup_printf ("%u", op->vmid);
      g_autofree char *out = NULL;
      g_autofree char *qmp = NULL;

      g_clear_error (&error);
      if (!qm (self, (const char *[]) { "status", vmid, NULL }, 0, &out, NULL, &error))
        {
          g_task_return_error (task, g_steal_pointer (&error));
          return;
        }
      qmp = fl_pve_parse_qm_status (out);
      if (qmp == NULL)
        {
          g_task_return_new_error (task, FL_PVE_ERROR, FL_PVE_ERROR_PROTOCOL, _("“qm status” said: %s"), out);
          return;
        }
      state = g_new0 (FlVmState, 1);
      state->vmid = op->vmid;
      state->node = g_strdup (node);
      state->status = g_strdup (g_str_equal (qmp, "stopped") ? "stopped" : "running");
      state->qmpstatus = g_steal_pointer (&qmp);
      g_task_return_pointer (task, state, (GDestroyNotify)fl_vm_state_free);
      return;
    }
  if (cur == NULL ||
      (cfg = pvesh (self, "get", cpath, NULL, &error)) == NULL ||
      (state = fl_pve_vm_state_new (op->vmid, node, cur, cfg, &error)) == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  g_task_return_pointer (task, state, (GDestroyNotify)fl_vm_state_free);
}

static void
power_thread (GTask        *task,
              gpointer      source,
              gpointer      data,
              GCancellable *cancellable)
{
  FlPveSsh *self = source;
  Op *op = data;
  g_autoptr(GError) error = NULL;
  g_autofree char *node = NULL, *path = NULL, *timeout = NULL;
  g_autoptr(JsonNode) upid = NULL;
  g_autoptr(GPtrArray) args = g_ptr_array_new ();
  FlTaskResult *r = NULL;
  guint task_s;

  /* pvesh and qm run the task in the foreground: the command lasts as long as the task (a
   * shutdown waits up to its timeout, Proxmox's default 180 s) */
  task_s = (op->timeout_s > 0 ? op->timeout_s : 180) + self->command_timeout_s;
  vm_acquire (self, op->vmid);
  node = node_of (self, op->vmid, &error);
  if (node == NULL)
    goto out;
  if (op->snapshot != NULL)
    path = g_strdup_printf ("/nodes/%s/qemu/%u/snapshot/%s/rollback", node, op->vmid, op->snapshot);
  else
    path = g_strdup_printf ("/nodes/%s/qemu/%u/status/%s", node, op->vmid, fl_vm_action_to_string (op->action));
  timeout = g_strdup_printf ("%u", op->timeout_s);
  if (op->snapshot == NULL && op->timeout_s > 0)
    {
      g_ptr_array_add (args, (char *)"timeout");
      g_ptr_array_add (args, timeout);
    }
  if (op->snapshot == NULL && op->force && op->action == FL_VM_ACTION_SHUTDOWN)
    {
      g_ptr_array_add (args, (char *)"forceStop");
      g_ptr_array_add (args, (char *)"1");
    }
  g_ptr_array_add (args, NULL);
  /* pvesh runs the task in the foreground; its exit status says nothing of the task's: the
   * task's own status does */
  upid = pvesh_timed (self, "create", path, (const char * const *)args->pdata, task_s, &error);
  if (upid == NULL && g_error_matches (error, FL_PVE_ERROR, FL_PVE_ERROR_NOT_IMPLEMENTED))
    {
      /* no pvesh: qm, whose exit status is the task's */
      g_autoptr(GPtrArray) qargs = g_ptr_array_new_with_free_func (g_free);
      gboolean warnings = FALSE;

      g_clear_error (&error);
      g_ptr_array_add (qargs, g_strdup (op->snapshot ? "rollback" : fl_vm_action_to_string (op->action)));
      g_ptr_array_add (qargs, g_strdup_printf ("%u", op->vmid));
      if (op->snapshot != NULL)
        g_ptr_array_add (qargs, g_strdup (op->snapshot));
      for (guint i = 0; i + 1 < args->len; i += 2)
        {
          g_ptr_array_add (qargs, g_strconcat ("--", (char *)args->pdata[i], NULL));
          g_ptr_array_add (qargs, g_strdup (args->pdata[i + 1]));
        }
      g_ptr_array_add (qargs, NULL);
      if (qm (self, (const char * const *)qargs->pdata, task_s, NULL, &warnings, &error))
        {
          r = g_new0 (FlTaskResult, 1);
          r->upid = g_strdup ("");
          r->exitstatus = g_strdup (warnings ? "WARNINGS: 1" : "OK");
        }
      if (r == NULL)
        goto out;
      vm_release (self, op->vmid);
      g_task_return_pointer (task, r, (GDestroyNotify)fl_task_result_free);
      return;
    }
  if (upid == NULL)
    goto out;
  r = follow (self, upid, cancellable, &error);
  if (r != NULL)
    {
      vm_release (self, op->vmid);
      g_task_return_pointer (task, r, (GDestroyNotify)fl_task_result_free);
      return;
    }
out:
  vm_release (self, op->vmid);
  g_task_return_error (task, g_steal_pointer (&error));
}

static void
link_thread (GTask        *task,
             gpointer      source,
             gpointer      data,
             GCancellable *cancellable)
{
  FlPveSsh *self = source;
  Op *op = data;
  g_autoptr(GError) error = NULL;
  g_autofree char *node = NULL, *path = NULL, *value = NULL;
  g_autoptr(JsonNode) cfg = NULL, done = NULL;
  JsonObject *o;
  JsonNode *net0, *digest;

  vm_acquire (self, op->vmid);
  if ((node = node_of (self, op->vmid, &error)) == NULL)
    goto out;
  path = g_strdup_printf ("/nodes/%s/qemu/%u/config", node, op->vmid);
  if ((cfg = pvesh (self, "get", path, NULL, &error)) == NULL)
    goto out;
  o = JSON_NODE_HOLDS_OBJECT (cfg) ? json_node_get_object (cfg) : NULL;
  net0 = o ? json_object_get_member (o, "net0") : NULL;
  digest = o ? json_object_get_member (o, "digest") : NULL;
  if (net0 == NULL || !JSON_NODE_HOLDS_VALUE (net0) || json_node_get_value_type (net0) != G_TYPE_STRING)
    {
      g_set_error (&error, FL_PVE_ERROR, FL_PVE_ERROR_PARAMETER, _("VM %u has no network device net0"), op->vmid);
      goto out;
    }
  if ((value = fl_pve_net_set_link (json_node_get_string (net0), op->link_down, &error)) == NULL)
    goto out;
  done = pvesh (self, "set", path,
                digest && JSON_NODE_HOLDS_VALUE (digest) && json_node_get_value_type (digest) == G_TYPE_STRING
                ? (const char *[]) { "net0", value, "digest", json_node_get_string (digest), NULL }
                : (const char *[]) { "net0", value, NULL }, &error);
  if (done == NULL)
    goto out;
  vm_release (self, op->vmid);
  g_task_return_boolean (task, TRUE);
  return;
out:
  vm_release (self, op->vmid);
  g_task_return_error (task, g_steal_pointer (&error));
}

static void
snapshots_thread (GTask        *task,
                  gpointer      source,
                  gpointer      data,
                  GCancellable *cancellable)
{
  FlPveSsh *self = source;
  Op *op = data;
  g_autoptr(GError) error = NULL;
  g_autofree char *node = node_of (self, op->vmid, &error);
  g_autofree char *path = NULL;
  g_autoptr(JsonNode) res = NULL;
  GPtrArray *snaps;

  if (node == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  path = g_strdup_printf ("/nodes/%s/qemu/%u/snapshot", node, op->vmid);
  if ((res = pvesh (self, "get", path, NULL, &error)) == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  snaps = fl_pve_parse_snapshots (res);
  g_task_return_pointer (task, snaps, (GDestroyNotify)g_ptr_array_unref);
}

static void
list_thread (GTask        *task,
             gpointer      source,
             gpointer      data,
             GCancellable *cancellable)
{
  FlPveSsh *self = source;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) res = pvesh (self, "get", "/cluster/resources", (const char *[]) { "type", "vm", NULL }, &error);
  GPtrArray *vms;

  if (res == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  vms = g_ptr_array_new_with_free_func ((GDestroyNotify)fl_vm_state_free);
  for (guint i = 0; JSON_NODE_HOLDS_ARRAY (res) && i < json_array_get_length (json_node_get_array (res)); i++)
    {
      JsonNode *n = json_array_get_element (json_node_get_array (res), i);
      JsonObject *o = JSON_NODE_HOLDS_OBJECT (n) ? json_node_get_object (n) : NULL;
      FlVmState *vm;
      gint64 v = 0;

      if (o == NULL || !fl_pve_json_get_int (o, "vmid", &v))
        continue;
      vm = g_new0 (FlVmState, 1);
      vm->vmid = (guint)v;
      vm->status = g_strdup ("unknown");
      g_ptr_array_add (vms, vm);
    }
  g_task_return_pointer (task, vms, (GDestroyNotify)g_ptr_array_unref);
}

static void
agent_thread (GTask        *task,
              gpointer      source,
              gpointer      data,
              GCancellable *cancellable)
{
  FlPveSsh *self = source;
  Op *op = data;
  g_autoptr(GError) error = NULL;
  g_autofree char *node = node_of (self, op->vmid, &error);
  g_autofree char *path = NULL;
  g_autoptr(JsonNode) res = NULL;

  if (node == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  if (op->argv == NULL)
    {
      path = g_strdup_printf ("/nodes/%s/qemu/%u/agent/ping", node, op->vmid);
      res = pvesh (self, "create", path, NULL, &error);
      if (res == NULL)
        g_task_return_error (task, g_steal_pointer (&error));
      else
        g_task_return_boolean (task, TRUE);
      return;
    }
  {
    g_autoptr(GPtrArray) args = g_ptr_array_new ();
    gint64 pid = 0, deadline = g_get_monotonic_time () + (gint64)MAX (op->timeout_s, 1) * G_USEC_PER_SEC;
    g_autofree char *status_path = g_strdup_printf ("/nodes/%s/qemu/%u/agent/exec-status", node, op->vmid);

    for (guint i = 0; op->argv[i] != NULL; i++)
      {
        g_ptr_array_add (args, (char *)"command");
        g_ptr_array_add (args, op->argv[i]);
      }
    g_ptr_array_add (args, NULL);
    path = g_strdup_printf ("/nodes/%s/qemu/%u/agent/exec", node, op->vmid);
    res = pvesh (self, "create", path, (const char * const *)args->pdata, &error);
    if (res == NULL || !fl_pve_parse_agent_pid (res, &pid, &error))
      {
        g_task_return_error (task, g_steal_pointer (&error));
        return;
      }
    for (;;)
      {
        g_autofree char *p = g_strdup_printf ("%" G_GINT64_FORMAT, pid);
        g_autoptr(JsonNode) st = pvesh (self, "get", status_path, (const char *[]) { "pid", p, NULL }, &error);
        FlAgentResult *r = NULL;

        if (st == NULL || !fl_pve_parse_agent_status (st, &r, &error))
          {
            g_task_return_error (task, g_steal_pointer (&error));
            return;
          }
        if (r != NULL)
          {
            g_task_return_pointer (task, r, (GDestroyNotify)fl_agent_result_free);
            return;
          }
        if (g_get_monotonic_time () > deadline)
          {
            g_task_return_new_error (task, FL_PVE_ERROR, FL_PVE_ERROR_TIMEOUT,
                                     _("The command in VM %u is still running after %u s"), op->vmid, op->timeout_s);
            return;
          }
        g_usleep (MIN (self->poll_ms, 200) * 1000);
      }
  }
}

/* ------------------------------------------------------------------------------------------ */
/* FlHypervisor */

static void
start (FlPveSsh            *self,
       Op                  *op,
       GTaskThreadFunc      func,
       gpointer             tag,
       GCancellable        *cancellable,
       GAsyncReadyCallback  callback,
       gpointer             user_data)
{
  g_autoptr(GTask) task = g_task_new (self, cancellable, callback, user_data);

  g_task_set_source_tag (task, tag);
  g_task_set_task_data (task, op, (GDestroyNotify)op_free);
  g_task_run_in_thread (task, func);
}

static Op *
op_new (guint vmid)
{
  Op *op = g_new0 (Op, 1);

  op->vmid = vmid;
  return op;
}

static void
list_vms_async (FlHypervisor *hv, GCancellable *c, GAsyncReadyCallback cb, gpointer data)
{
  start (FL_PVE_SSH (hv), op_new (0), list_thread, list_vms_async, c, cb, data);
}

static void
get_state_async (FlHypervisor *hv, guint vmid, GCancellable *c, GAsyncReadyCallback cb, gpointer data)
{
  start (FL_PVE_SSH (hv), op_new (vmid), state_thread, get_state_async, c, cb, data);
}

static void
power_async (FlHypervisor *hv, guint vmid, FlVmAction action, guint timeout_s, gboolean force, GCancellable *c,
             GAsyncReadyCallback cb, gpointer data)
{
  Op *op = op_new (vmid);

  op->action = action;
  op->timeout_s = timeout_s;
  op->force = force;
  start (FL_PVE_SSH (hv), op, power_thread, power_async, c, cb, data);
}

static void
set_link_async (FlHypervisor *hv, guint vmid, gboolean link_down, GCancellable *c, GAsyncReadyCallback cb,
                gpointer data)
{
  Op *op = op_new (vmid);

  op->link_down = link_down;
  start (FL_PVE_SSH (hv), op, link_thread, set_link_async, c, cb, data);
}

static void
list_snapshots_async (FlHypervisor *hv, guint vmid, GCancellable *c, GAsyncReadyCallback cb, gpointer data)
{
  start (FL_PVE_SSH (hv), op_new (vmid), snapshots_thread, list_snapshots_async, c, cb, data);
}

static void
rollback_async (FlHypervisor *hv, guint vmid, const char *snapshot, GCancellable *c, GAsyncReadyCallback cb,
                gpointer data)
{
  Op *op = op_new (vmid);

  op->snapshot = g_strdup (snapshot);
  start (FL_PVE_SSH (hv), op, power_thread, rollback_async, c, cb, data);
}

static void
agent_ping_async (FlHypervisor *hv, guint vmid, GCancellable *c, GAsyncReadyCallback cb, gpointer data)
{
  start (FL_PVE_SSH (hv), op_new (vmid), agent_thread, agent_ping_async, c, cb, data);
}

static void
agent_exec_async (FlHypervisor *hv, guint vmid, const char * const *argv, guint timeout_s, GCancellable *c,
                  GAsyncReadyCallback cb, gpointer data)
{
  Op *op = op_new (vmid);

  op->argv = g_strdupv ((char **)argv);
  op->timeout_s = timeout_s ? timeout_s : 30;
  start (FL_PVE_SSH (hv), op, agent_thread, agent_exec_async, c, cb, data);
}

static const char *
peer_fingerprint (FlHypervisor *hv)
{
  return fl_pve_ssh_get_host_fingerprint (FL_PVE_SSH (hv));
}

/* an unknown host key, never a changed one */
static gboolean
peer_may_be_trusted (FlHypervisor *hv)
{
  return !fl_pve_ssh_get_host_key_changed (FL_PVE_SSH (hv));
}

static gboolean
trust_peer (FlHypervisor  *hv,
            const char    *fingerprint,
            GError       **error)
{
  return fl_pve_ssh_accept_host_key (FL_PVE_SSH (hv), fingerprint, error);
}

static void
fl_pve_ssh_hypervisor_init (FlHypervisorInterface *iface)
{
  iface->get_peer_fingerprint = peer_fingerprint;
  iface->peer_may_be_trusted = peer_may_be_trusted;
  iface->trust_peer = trust_peer;
  iface->list_vms_async = list_vms_async;
  iface->get_state_async = get_state_async;
  iface->power_async = power_async;
  iface->set_link_async = set_link_async;
  iface->list_snapshots_async = list_snapshots_async;
  iface->rollback_async = rollback_async;
  iface->agent_ping_async = agent_ping_async;
  iface->agent_exec_async = agent_exec_async;
}
