/* fl-ssh.c: one SSH connection (libssh2) that runs commands: the Proxmox VE node's (pvesh, qm)
 * and the Windows client's (OpenSSH on Windows).
 *
 * One connection, reused for every command; its host key checked against known_hosts (an
 * unknown or changed key is refused until the user accepts its fingerprint, and accepting one
 * appends one line: the user's file is never rewritten); the key from ssh-agent or a key file.
 * libssh2 blocks: fl_ssh_run() is for worker threads, one command at a time on the connection,
 * each under its deadline.
 *
 * Copyright 2026 The Failover Lab authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "fl-ssh"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <libssh2.h>
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fl-pve.h"
#include "fl-ssh.h"

struct _FlSsh
{
  GObject             parent_instance;

  char               *host;
  guint               port;
  char               *user;
  char               *known_hosts;
  char               *key_file;
  char               *passphrase;
  gboolean            use_agent;
  char               *host_key_dir;   /* where the peer keeps its keys, for the user to compare */
  guint               command_timeout_s;

  GMutex              lock;           /* the session: one command at a time */
  GSocketConnection  *connection;
  LIBSSH2_SESSION    *session;
  GMutex              key_lock;       /* the host key as presented: accepting it never waits
                                       * for a command on the session (the UI thread accepts) */
  char               *host_fingerprint;  /* the last one seen: one of fingerprints */
  GPtrArray          *fingerprints;  /* every one seen, kept: a pointer given out stays valid */
  GBytes             *host_key;       /* as presented, for accepting it */
  gboolean            host_key_changed;  /* known_hosts has another key for this host */
  gboolean            host_key_unknown;  /* known_hosts has no key of this type for this host */
  int                 host_key_type;
};

G_DEFINE_FINAL_TYPE (FlSsh, fl_ssh, G_TYPE_OBJECT)

static void
disconnect (FlSsh *self)
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
fl_ssh_finalize (GObject *object)
{
  FlSsh *self = FL_SSH (object);

  disconnect (self);
  g_free (self->host);
  g_free (self->user);
  g_free (self->known_hosts);
  g_free (self->key_file);
  if (self->passphrase != NULL)
    memset (self->passphrase, 0, strlen (self->passphrase));
  g_free (self->passphrase);
  g_free (self->host_key_dir);
  g_clear_pointer (&self->fingerprints, g_ptr_array_unref);
  g_clear_pointer (&self->host_key, g_bytes_unref);
  g_mutex_clear (&self->lock);
  g_mutex_clear (&self->key_lock);
  G_OBJECT_CLASS (fl_ssh_parent_class)->finalize (object);
}

static void
fl_ssh_class_init (FlSshClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = fl_ssh_finalize;
  libssh2_init (0);
}

static void
fl_ssh_init (FlSsh *self)
{
  g_mutex_init (&self->lock);
  g_mutex_init (&self->key_lock);
  self->use_agent = TRUE;
  self->command_timeout_s = 30;
  self->host_key_dir = g_strdup ("/etc/ssh/");
  self->fingerprints = g_ptr_array_new_with_free_func (g_free);
}

/**
 * fl_ssh_new:
 * @port: 0 for 22
 * @user: (nullable): root when %NULL
 * @known_hosts: (nullable): the known_hosts file (default ~/.ssh/known_hosts)
 */
FlSsh *
fl_ssh_new (const char *host,
            guint       port,
            const char *user,
            const char *known_hosts)
{
  FlSsh *self = g_object_new (FL_TYPE_SSH, NULL);

  self->host = g_strdup (host);
  self->port = port ? port : 22;
  self->user = g_strdup (user ? user : "root");
  self->known_hosts = known_hosts ? g_strdup (known_hosts)
                                  : g_build_filename (g_get_home_dir (), ".ssh", "known_hosts", NULL);
  return self;
}

/**
 * fl_ssh_new_like:
 *
 * Returns: (transfer full): a second connection to the same peer, with the same settings (its
 *   own session: a long command on one never holds the other up)
 */
FlSsh *
fl_ssh_new_like (FlSsh *other)
{
  FlSsh *self;

  g_return_val_if_fail (FL_IS_SSH (other), NULL);

  self = fl_ssh_new (other->host, other->port, other->user, other->known_hosts);
  g_mutex_lock (&other->lock);
  self->key_file = g_strdup (other->key_file);
  self->passphrase = g_strdup (other->passphrase);
  g_mutex_unlock (&other->lock);
  self->use_agent = other->use_agent;
  self->command_timeout_s = other->command_timeout_s;
  g_free (self->host_key_dir);
  self->host_key_dir = g_strdup (other->host_key_dir);
  return self;
}

void
fl_ssh_set_key_file (FlSsh      *self,
                     const char *path,
                     const char *passphrase)
{
  g_return_if_fail (FL_IS_SSH (self));
  g_mutex_lock (&self->lock);
  g_free (self->key_file);
  if (self->passphrase != NULL)
    memset (self->passphrase, 0, strlen (self->passphrase));
  g_free (self->passphrase);
  self->key_file = g_strdup (path);
  self->passphrase = g_strdup (passphrase);
  g_mutex_unlock (&self->lock);
}

void
fl_ssh_set_use_agent (FlSsh    *self,
                      gboolean  use_agent)
{
  g_return_if_fail (FL_IS_SSH (self));
  self->use_agent = use_agent;
}

/**
 * fl_ssh_set_timeout:
 * @command_timeout_s: connecting, and a command's deadline when it names none
 */
void
fl_ssh_set_timeout (FlSsh *self,
                    guint  command_timeout_s)
{
  g_return_if_fail (FL_IS_SSH (self));
  self->command_timeout_s = MAX (command_timeout_s, 1);
}

guint
fl_ssh_get_timeout (FlSsh *self)
{
  g_return_val_if_fail (FL_IS_SSH (self), 0);
  return self->command_timeout_s;
}

/**
 * fl_ssh_set_host_key_dir:
 * @dir: where the peer keeps its host keys, with its separator ("/etc/ssh/" by default,
 *   "C:\\ProgramData\\ssh\\" on Windows): named in the message that asks the user to compare
 *   fingerprints
 */
void
fl_ssh_set_host_key_dir (FlSsh      *self,
                         const char *dir)
{
  g_return_if_fail (FL_IS_SSH (self));
  g_mutex_lock (&self->lock);
  g_free (self->host_key_dir);
  self->host_key_dir = g_strdup (dir);
  g_mutex_unlock (&self->lock);
}

/* the peer's public key file of the type it showed (with the lock held) */
static char *
host_key_file (FlSsh *self)
{
  const char *type = "ed25519";

  switch (self->host_key_type)
    {
    case LIBSSH2_HOSTKEY_TYPE_RSA:
      type = "rsa";
      break;
    case LIBSSH2_HOSTKEY_TYPE_ECDSA_256:
    case LIBSSH2_HOSTKEY_TYPE_ECDSA_384:
    case LIBSSH2_HOSTKEY_TYPE_ECDSA_521:
      type = "ecdsa";
      break;
    default:
      break;
    }
  return g_strdup_printf ("%sssh_host_%s_key.pub", self->host_key_dir, type);
}

/**
 * fl_ssh_get_host_key_file:
 *
 * Returns: (transfer full): the peer's file for the host key it showed last, whose fingerprint
 *   the user compares (`ssh-keygen -lf FILE` there)
 */
char *
fl_ssh_get_host_key_file (FlSsh *self)
{
  char *file;

  g_return_val_if_fail (FL_IS_SSH (self), NULL);
  g_mutex_lock (&self->lock);
  file = host_key_file (self);
  g_mutex_unlock (&self->lock);
  return file;
}

const char *
fl_ssh_get_host (FlSsh *self)
{
  g_return_val_if_fail (FL_IS_SSH (self), NULL);
  return self->host;
}

/**
 * fl_ssh_get_host_fingerprint:
 *
 * Returns: (nullable): the host key the server showed last, as OpenSSH prints it
 *   ("SHA256:…"), to offer the user when it is unknown
 */
const char *
fl_ssh_get_host_fingerprint (FlSsh *self)
{
  g_return_val_if_fail (FL_IS_SSH (self), NULL);
  return g_atomic_pointer_get (&self->host_fingerprint);
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
known_host_name (FlSsh *self)
{
  return self->port == 22 ? g_strdup (self->host) : g_strdup_printf ("[%s]:%u", self->host, self->port);
}

/**
 * fl_ssh_get_host_key_changed:
 *
 * Returns: whether the last refusal was a changed host key (never to be accepted here), not
 *   an unknown one
 */
gboolean
fl_ssh_get_host_key_changed (FlSsh *self)
{
  g_return_val_if_fail (FL_IS_SSH (self), FALSE);
  return g_atomic_int_get (&self->host_key_changed);
}

/**
 * fl_ssh_get_host_key_unknown:
 *
 * Returns: whether the last refusal was a host key not known yet: the one the user may compare
 *   and accept (a changed key never is; a known_hosts that cannot be read is neither)
 */
gboolean
fl_ssh_get_host_key_unknown (FlSsh *self)
{
  g_return_val_if_fail (FL_IS_SSH (self), FALSE);
  return g_atomic_int_get (&self->host_key_unknown);
}

/* The user's known_hosts, read line by line into @nh: comments, blank lines, markers
 * (@cert-authority, @revoked) and lines libssh2 cannot parse are passed over one at a time (its
 * readfile stops at the first of them, and every entry after it would be lost). A file that
 * does not exist is empty; one that cannot be read is an error, never "unknown". */
static gboolean
load_known_hosts (FlSsh               *self,
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
 * fl_ssh_accept_host_key:
 *
 * Adds the host key the server showed (after a FL_PVE_ERROR_HOST_KEY error: the user compared
 * its fingerprint and accepts it) to known_hosts: one line appended, the rest of the user's
 * file untouched. @fingerprint is the one the user was shown: a key the node shows since (a
 * later connection's) is not accepted in its place. It never waits for a command running on
 * the connection: the UI thread may call it.
 */
gboolean
fl_ssh_accept_host_key (FlSsh       *self,
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

  g_return_val_if_fail (FL_IS_SSH (self), FALSE);

  g_mutex_lock (&self->key_lock);
  if (self->host_key == NULL || !self->host_key_unknown)
    {
      g_mutex_unlock (&self->key_lock);
      g_set_error (error, FL_PVE_ERROR, FL_PVE_ERROR_HOST_KEY, _("No host key to accept: connect first"));
      return FALSE;
    }
  if (fingerprint == NULL || g_strcmp0 (fingerprint, self->host_fingerprint) != 0)
    {
      g_set_error (error, FL_PVE_ERROR, FL_PVE_ERROR_HOST_KEY,
                   _("%s now shows the host key %s, not %s: nothing accepted"), self->host,
                   self->host_fingerprint, fingerprint ? fingerprint : "");
      g_mutex_unlock (&self->key_lock);
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
  if (rc == 0)
    {
      /* accepted once: a second call appends nothing */
      g_clear_pointer (&self->host_key, g_bytes_unref);
      g_atomic_int_set (&self->host_key_unknown, FALSE);
    }
  g_mutex_unlock (&self->key_lock);
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
check_host_key (FlSsh   *self,
                GError **error)
{
  gsize len = 0;
  int type = 0;
  const char *key = libssh2_session_hostkey (self->session, &len, &type);
  const char *hash = libssh2_hostkey_hash (self->session, LIBSSH2_HOSTKEY_HASH_SHA256);
  LIBSSH2_KNOWNHOSTS *nh;
  struct libssh2_knownhost *found = NULL;
  g_autofree char *b64 = NULL;
  int rc;

  g_atomic_int_set (&self->host_key_changed, FALSE);
  g_atomic_int_set (&self->host_key_unknown, FALSE);
  if (key == NULL || hash == NULL)
    {
      g_set_error (error, FL_PVE_ERROR, FL_PVE_ERROR_HOST_KEY, _("%s sent no host key"), self->host);
      return FALSE;
    }
  b64 = g_base64_encode ((const guchar *)hash, 32);
  /* OpenSSH prints it without padding */
  while (*b64 && b64[strlen (b64) - 1] == '=')
    b64[strlen (b64) - 1] = '\0';
  g_mutex_lock (&self->key_lock);
  {
    g_autofree char *fingerprint = g_strconcat ("SHA256:", b64, NULL);

    /* readers elsewhere keep the pointer they were given: a new key's is added, none freed */
    if (g_strcmp0 (fingerprint, self->host_fingerprint) != 0)
      {
        g_ptr_array_add (self->fingerprints, g_strdup (fingerprint));
        g_atomic_pointer_set (&self->host_fingerprint, g_ptr_array_index (self->fingerprints,
                                                                           self->fingerprints->len - 1));
      }
  }
  g_clear_pointer (&self->host_key, g_bytes_unref);
  self->host_key = g_bytes_new (key, len);
  self->host_key_type = type;
  g_mutex_unlock (&self->key_lock);

  nh = libssh2_knownhost_init (self->session);
  if (!load_known_hosts (self, nh, error))
    {
      libssh2_knownhost_free (nh);
      return FALSE;
    }
  /* against the lines of this key's type: another type's line for the host is not a change */
  rc = libssh2_knownhost_checkp (nh, self->host, (int)self->port, key, len,
                                 LIBSSH2_KNOWNHOST_TYPE_PLAIN | LIBSSH2_KNOWNHOST_KEYENC_RAW | knownhost_key_type (type),
                                 &found);
  libssh2_knownhost_free (nh);
  if (rc == LIBSSH2_KNOWNHOST_CHECK_MATCH)
    return TRUE;
  g_atomic_int_set (&self->host_key_changed, rc == LIBSSH2_KNOWNHOST_CHECK_MISMATCH);
  g_atomic_int_set (&self->host_key_unknown, rc != LIBSSH2_KNOWNHOST_CHECK_MISMATCH);
  if (rc == LIBSSH2_KNOWNHOST_CHECK_MISMATCH)
    g_set_error (error, FL_PVE_ERROR, FL_PVE_ERROR_HOST_KEY,
                 _("The host key of %s has CHANGED (it now shows %s): refused. If that machine was "
                   "reinstalled, check the new key on its console and remove the old line from %s"),
                 self->host, self->host_fingerprint, self->known_hosts);
  else
    {
      g_autofree char *file = host_key_file (self);

      g_set_error (error, FL_PVE_ERROR, FL_PVE_ERROR_HOST_KEY,
                   _("The host key of %s is not known (%s): refused. Compare it with “ssh-keygen -lf %s” "
                     "on that machine and accept it"),
                   self->host, self->host_fingerprint, file);
    }
  return FALSE;
}

/* The deadline passed: while connecting (the handshake, the login) or while the command ran */
static void
set_timed_out (FlSsh    *self,
               guint     timeout_s,
               gboolean  connecting,
               GError  **error)
{
  if (connecting)
    g_set_error (error, FL_PVE_ERROR, FL_PVE_ERROR_TIMEOUT,
                 _("%s: no SSH login within %u s (the handshake or the login did not finish)"),
                 self->host, timeout_s);
  else
    g_set_error (error, FL_PVE_ERROR, FL_PVE_ERROR_TIMEOUT, _("%s: the command did not finish within %u s"),
                 self->host, timeout_s);
}

/* Before each blocking libssh2 step: what is left of the command's deadline becomes the
 * session's timeout, so connecting, the handshake, authentication, the channel and the command
 * together end by the deadline. FALSE (and the error) once it has passed. */
static gboolean
step_deadline (FlSsh    *self,
               gint64    deadline,
               guint     timeout_s,
               gboolean  connecting,
               GError  **error)
{
  gint64 left = deadline - g_get_monotonic_time ();

  if (left <= 0)
    {
      set_timed_out (self, timeout_s, connecting, error);
      return FALSE;
    }
  if (self->session != NULL)
    libssh2_session_set_timeout (self->session, (long)MAX (left / 1000, 1));
  return TRUE;
}

/* A blocking libssh2 step failed: TRUE (and the error) when it was the deadline */
static gboolean
step_timed_out (FlSsh    *self,
                guint     timeout_s,
                gboolean  connecting,
                GError  **error)
{
  if (libssh2_session_last_errno (self->session) != LIBSSH2_ERROR_TIMEOUT)
    return FALSE;
  set_timed_out (self, timeout_s, connecting, error);
  return TRUE;
}

static gboolean
authenticate (FlSsh   *self,
              guint    timeout_s,
              GError **error)
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
  if (step_timed_out (self, timeout_s, TRUE, error))
    return FALSE;
  g_set_error (error, FL_PVE_ERROR, FL_PVE_ERROR_AUTH,
               _("%s@%s refused the SSH key (%s): is it in that machine's authorized keys, is the agent running?"),
               self->user, self->host, self->key_file ? self->key_file : _("ssh-agent"));
  return FALSE;
}

/* ed25519 first, as OpenSSH: the key users have in known_hosts and compare with (libssh2
 * before 1.11.1 prefers ECDSA, which Windows' OpenSSH also offers). Only names this libssh2
 * supports are given: 1.10 mishandles the others (an overlapping memcpy). */
static void
prefer_ed25519 (LIBSSH2_SESSION *session)
{
  const char **algs = NULL;
  int n = libssh2_session_supported_algs (session, LIBSSH2_METHOD_HOSTKEY, &algs);
  g_autoptr(GString) pref = g_string_new (NULL);
  gboolean has = FALSE;

  for (int i = 0; i < n; i++)
    has = has || g_str_equal (algs[i], "ssh-ed25519");
  if (has)
    {
      g_string_append (pref, "ssh-ed25519");
      for (int i = 0; i < n; i++)
        if (!g_str_equal (algs[i], "ssh-ed25519"))
          g_string_append_printf (pref, ",%s", algs[i]);
      libssh2_session_method_pref (session, LIBSSH2_METHOD_HOSTKEY, pref->str);
    }
  if (n > 0)
    libssh2_free (session, algs);
}

/* with the lock held */
static gboolean
ensure_connected (FlSsh   *self,
                  gint64   deadline,
                  guint    timeout_s,
                  GError **error)
{
  g_autoptr(GSocketClient) client = NULL;
  g_autoptr(GError) local = NULL;
  gint64 left = deadline - g_get_monotonic_time ();
  int next = 0;

  if (self->session != NULL && libssh2_keepalive_send (self->session, &next) == 0)
    return TRUE;
  disconnect (self);

  client = g_socket_client_new ();
  /* whole seconds: GSocketClient's unit; the connection's own timeout when that is sooner */
  g_socket_client_set_timeout (client, (guint)CLAMP ((left + G_USEC_PER_SEC - 1) / G_USEC_PER_SEC, 1,
                                                     self->command_timeout_s));
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
  prefer_ed25519 (self->session);
  if (!step_deadline (self, deadline, timeout_s, TRUE, error))
    {
      disconnect (self);
      return FALSE;
    }
  if (libssh2_session_handshake (self->session, g_socket_get_fd (g_socket_connection_get_socket (self->connection))) != 0)
    {
      if (!step_timed_out (self, timeout_s, TRUE, error))
        {
          g_autofree char *why = session_error (self->session);

          g_set_error (error, FL_PVE_ERROR, FL_PVE_ERROR_PROTOCOL, _("SSH handshake with %s failed: %s"),
                       self->host, why);
        }
      disconnect (self);
      return FALSE;
    }
  if (!check_host_key (self, error) || !step_deadline (self, deadline, timeout_s, TRUE, error) ||
      !authenticate (self, timeout_s, error))
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
read_output (FlSsh            *self,
             LIBSSH2_CHANNEL  *channel,
             gint64            deadline,
             guint             timeout_s,
             GString          *out,
             GString          *err,
             GError          **error)
{
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
            set_timed_out (self, timeout_s, FALSE, error);
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

/* fl_ssh_run() with the lock held */
static gboolean
run_locked (FlSsh       *self,
            const char  *command,
            guint        timeout_s,
            GString     *out,
            GString     *err,
            int         *exit_status,
            GError     **error)
{
  LIBSSH2_CHANNEL *channel;
  gint64 deadline;
  gboolean ok;

  /* one deadline for all of it: connecting, the handshake and authentication included */
  if (timeout_s == 0)
    timeout_s = self->command_timeout_s;
  deadline = g_get_monotonic_time () + (gint64)timeout_s * G_USEC_PER_SEC;
  for (guint attempt = 0; ; attempt++)
    {
      if (!ensure_connected (self, deadline, timeout_s, error) ||
          !step_deadline (self, deadline, timeout_s, FALSE, error))
        return FALSE;
      channel = libssh2_channel_open_session (self->session);
      if (channel != NULL)
        break;
      if (step_timed_out (self, timeout_s, FALSE, error))
        {
          disconnect (self);
          return FALSE;
        }
      /* a connection the server dropped: once more, on a new one */
      disconnect (self);
      if (attempt > 0)
        {
          g_set_error (error, FL_PVE_ERROR, FL_PVE_ERROR_PROTOCOL, _("%s: cannot open an SSH channel"), self->host);
          return FALSE;
        }
    }
  if (!step_deadline (self, deadline, timeout_s, FALSE, error))
    {
      libssh2_channel_free (channel);
      disconnect (self);
      return FALSE;
    }
  if (libssh2_channel_exec (channel, command) != 0)
    {
      if (!step_timed_out (self, timeout_s, FALSE, error))
        {
          g_autofree char *why = session_error (self->session);

          g_set_error (error, FL_PVE_ERROR, FL_PVE_ERROR_PROTOCOL, _("%s: cannot run a command: %s"), self->host, why);
        }
      libssh2_channel_free (channel);
      disconnect (self);
      return FALSE;
    }
  libssh2_session_set_blocking (self->session, 0);
  ok = read_output (self, channel, deadline, timeout_s, out, err, error);
  libssh2_session_set_blocking (self->session, 1);
  if (!ok)
    {
      libssh2_channel_free (channel);
      disconnect (self);
      return FALSE;
    }
  /* the output has ended: the exit status and the close follow at once (a second at most past
   * the deadline, so that a command ending just at it still gives its status) */
  libssh2_session_set_timeout (self->session,
                               (long)MAX ((deadline - g_get_monotonic_time ()) / 1000, 1000));
  libssh2_channel_close (channel);
  libssh2_channel_wait_closed (channel);
  *exit_status = libssh2_channel_get_exit_status (channel);
  libssh2_channel_free (channel);
  return TRUE;
}

/**
 * fl_ssh_run:
 * @command: the command line, as the peer's shell reads it
 * @timeout_s: its deadline (0: the connection's command timeout)
 * @exit_status: (out): its exit status
 *
 * Runs one command on the (reused) connection and reads its stdout and stderr. Blocks: for
 * worker threads only. A connection the peer dropped is made again once.
 */
gboolean
fl_ssh_run (FlSsh       *self,
            const char  *command,
            guint        timeout_s,
            GString     *out,
            GString     *err,
            int         *exit_status,
            GError     **error)
{
  gboolean ok;

  g_return_val_if_fail (FL_IS_SSH (self), FALSE);

  g_mutex_lock (&self->lock);
  ok = run_locked (self, command, timeout_s, out, err, exit_status, error);
  g_mutex_unlock (&self->lock);
  return ok;
}
