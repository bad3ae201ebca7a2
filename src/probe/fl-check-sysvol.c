/* fl-check-sysvol.c: the `sysvol` check: a DC's SYSVOL share read the way a domain member reads
 * it (SMB2/3, Kerberos as the lab user): the Policies folder listed and every GPO's GPT.INI
 * read, the Default Domain Policy's version in the sample
 *
 * The SMB client is libsmbclient, in a helper process (failover-lab-sysvol, see its header for
 * why). This file starts it with the DC's own krb5 profile, hands it the password on its
 * standard input, asks it for a read per check, reads what it prints until the check's deadline,
 * kills it there, and takes its words apart (fl-sysvol.c). Between checks that went well the
 * helper waits in the config for the next one (see HELPER_MAX_AGE).
 *
 * Copyright 2026 The Failover Lab authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "fl-checks"

#include "config.h"

#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <glib/gi18n-lib.h>
#include <gio/gio.h>
#include <glib/gstdio.h>

#include "fl-check-private.h"
#include "fl-ldap-values.h"
#include "fl-sysvol.h"

#define STDERR_MAX 4096

/**
 * fl_sysvol_helper_path:
 *
 * Returns: the helper: $FL_SYSVOL_HELPER (the build tree's, for tests and `meson devenv`), or
 *   the installed one
 */
const char *
fl_sysvol_helper_path (void)
{
  const char *env = g_getenv ("FL_SYSVOL_HELPER");

  return env != NULL && *env != '\0' ? env : FL_SYSVOL_HELPER;
}

/* A helper serves one DC for many checks: it keeps its SMB session (and its Kerberos ticket)
 * between them, so a healthy round costs a directory listing and a few small reads instead of a
 * process start, a string-to-key and a session setup. It is given up (killed) after any check
 * that was not ok, so every failure and every recovery is seen by a fresh session, and after
 * HELPER_MAX_AGE: a kept session is one Kerberos authentication, so what breaks only a new one
 * (a DC's clock skewed, the user's password changed on the DC) shows within that time, as a
 * member's own kept SMB session would show it. */
#define HELPER_MAX_AGE (10 * 60 * G_USEC_PER_SEC)

struct _FlSysvolHelper
{
  GPid   pid;
  int    in;        /* our end of its standard input: a socket, so a dead helper is EPIPE, not SIGPIPE */
  int    out;
  int    err;
  char  *identity;  /* SHA-256 of everything it was started with (the password among them) */
  gint64 started;
};

/* ends a helper and closes what leads to it. One that is ending on its own (its output
 * closed) is given until @deadline; how it ended goes to @status. */
static void
helper_drop (FlSysvolHelper *h,
             gint64          deadline,
             int            *status)
{
  int s = 0;
  pid_t r;

  while ((r = waitpid (h->pid, &s, WNOHANG)) == 0 && g_get_monotonic_time () < deadline)
    g_usleep (2000);
  if (r == 0)
    {
      /* nothing it holds needs saving; a kill also ends it inside a call that does not return */
      kill (h->pid, SIGKILL);
      while (waitpid (h->pid, &s, 0) < 0 && errno == EINTR)
        ;
    }
  if (status != NULL)
    *status = s;
  g_spawn_close_pid (h->pid);
  close (h->in);
  close (h->out);
  close (h->err);
  g_free (h->identity);
  g_free (h);
}

void
fl_sysvol_helper_free (FlSysvolHelper *h)
{
  if (h != NULL)
    helper_drop (h, 0, NULL);
}

static gboolean
send_all (int         fd,
          const char *data,
          gsize       len)
{
  gsize done = 0;

  while (done < len)
    {
      ssize_t n = send (fd, data + done, len - done, MSG_NOSIGNAL);

      if (n < 0 && errno == EINTR)
        continue;
      if (n <= 0)
        return FALSE;
      done += (gsize)n;
    }
  return TRUE;
}

static char *
helper_identity (FlCheckRun *run)
{
  g_autoptr(GChecksum) sum = g_checksum_new (G_CHECKSUM_SHA256);
  const char *parts[] = {
    fl_sysvol_helper_path (), run->dc->host, run->dc->address, run->dc->krb5_conf,
    fl_probe_config_get_domain (run->config), fl_probe_config_get_user (run->config),
    fl_probe_config_get_password (run->config),
  };

  for (gsize i = 0; i < G_N_ELEMENTS (parts); i++)
    g_checksum_update (sum, (const guchar *)(parts[i] != NULL ? parts[i] : ""), (gssize)strlen (parts[i] != NULL ? parts[i] : "") + 1);
  return g_strdup (g_checksum_get_string (sum));
}

static FlSysvolHelper *
spawn_helper (FlCheckRun  *run,
              const char  *identity,
              GError     **error)
{
  const char *password = fl_probe_config_get_password (run->config);
  g_autofree char *timeout = g_strdup_printf ("%" G_GINT64_FORMAT,
                                              MAX ((run->deadline - g_get_monotonic_time ()) / 1000, 100));
  const char *argv[] = {
    fl_sysvol_helper_path (),
    "--host", run->dc->host,
    "--address", run->dc->address,
    "--domain", fl_probe_config_get_domain (run->config),
    "--user", fl_probe_config_get_user (run->config),
    "--cache-dir", fl_probe_config_get_private_dir (run->config),
    "--timeout-ms", timeout,
    NULL
  };
  g_auto(GStrv) envp = g_get_environ ();
  g_autofree FlSysvolHelper *h = g_new0 (FlSysvolHelper, 1);
  int pair[2];

  envp = g_environ_setenv (envp, "KRB5_CONFIG", run->dc->krb5_conf, TRUE);
  envp = g_environ_setenv (envp, "KRB5CCNAME", "MEMORY:failover-lab-sysvol", TRUE);
  envp = g_environ_unsetenv (envp, "KRB5_CLIENT_KTNAME");
  /* the helper gets the one secret it needs, on its standard input, and no other */
  envp = g_environ_unsetenv (envp, "FAILOVER_LAB_PASSWORD");
  envp = g_environ_unsetenv (envp, "FAILOVER_LAB_PVE_SECRET");
  /* libsmbclient reads ~/.smb/smb.conf before the helper's own settings */
  envp = g_environ_setenv (envp, "HOME", fl_probe_config_get_private_dir (run->config), TRUE);

  if (socketpair (AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, pair) != 0)
    {
      int e = errno;

      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (e), "socketpair: %s", g_strerror (e));
      return NULL;
    }
  if (!g_spawn_async_with_pipes_and_fds (NULL, argv, (const char * const *)envp,
                                         G_SPAWN_DO_NOT_REAP_CHILD | G_SPAWN_CLOEXEC_PIPES,
                                         NULL, NULL, pair[1], -1, -1, NULL, NULL, 0,
                                         &h->pid, NULL, &h->out, &h->err, error))
    {
      close (pair[0]);
      close (pair[1]);
      return NULL;
    }
  close (pair[1]);
  h->in = pair[0];
  h->identity = g_strdup (identity);
  h->started = g_get_monotonic_time ();
  /* the password, one line; it is far smaller than a socket's buffer: no wait for the helper.
   * A helper that is already gone shows in what it said and how it ended. */
  if (send_all (h->in, password, strlen (password)))
    send_all (h->in, "\n", 1);
  return g_steal_pointer (&h);
}

typedef enum
{
  READ_DONE,     /* the reply ended with "done": the helper waits for the next request */
  READ_ENDED,    /* the helper closed its output: it has ended (or is ending) */
  READ_TIMEOUT,
} ReadResult;

/* what is on @fd now, without waiting (what a request wrote on stderr stays with it) */
static void
drain (int      fd,
       GString *text)
{
  struct pollfd p = { fd, POLLIN, 0 };
  char buf[4096];
  ssize_t n;

  while (poll (&p, 1, 0) > 0 && (n = read (fd, buf, sizeof buf)) > 0)
    if (text->len < STDERR_MAX)
      g_string_append_len (text, buf, MIN ((gsize)n, STDERR_MAX - text->len));
}

/* reads what the helper says to one request, until "done", the end of its output, or
 * @deadline; stderr is read beside, so a chatty helper cannot block on it */
static ReadResult
read_helper (FlSysvolHelper *h,
             gint64          deadline,
             GString        *out_text,
             GString        *err_text,
             gboolean       *too_much)
{
  struct pollfd fds[2] = { { h->out, POLLIN, 0 }, { h->err, POLLIN, 0 } };
  GString *texts[2] = { out_text, err_text };
  const gsize max[2] = { FL_SYSVOL_REPLY_MAX + 1, STDERR_MAX };
  gboolean out_open = TRUE;
  gboolean err_open = TRUE;
  char tail[7];        /* the last bytes said */
  gsize tail_len = 0;
  gsize total = 0;

  while (out_open || err_open)
    {
      gint64 left = deadline - g_get_monotonic_time ();
      int r;

      if (left <= 0)
        return READ_TIMEOUT;
      fds[0].fd = out_open ? h->out : -1;
      fds[1].fd = err_open ? h->err : -1;
      r = poll (fds, 2, (int)MIN ((left + 999) / 1000, G_MAXINT));
      if (r < 0 && errno == EINTR)
        continue;
      if (r < 0)
        return READ_TIMEOUT;
      for (guint i = 0; i < 2; i++)
        {
          char buf[4096];
          ssize_t n;

          if (fds[i].fd < 0 || fds[i].revents == 0)
            continue;
          n = read (fds[i].fd, buf, sizeof buf);
          if (n < 0 && errno == EINTR)
            continue;
          if (n <= 0)
            {
              if (i == 0)
                out_open = FALSE;
              else
                err_open = FALSE;
              continue;
            }
          if ((gsize)n > max[i] - MIN (texts[i]->len, max[i]) && i == 0)
            *too_much = TRUE;   /* what is past the limit is not kept; its end is still looked for */
          if (texts[i]->len < max[i])
            g_string_append_len (texts[i], buf, MIN ((gsize)n, max[i] - texts[i]->len));
          if (i == 0)
            {
              /* the last bytes of everything it said (kept or not): is it "done"? */
              gsize take = MIN ((gsize)n, sizeof tail);

              if (tail_len + take > sizeof tail)
                {
                  gsize drop = tail_len + take - sizeof tail;

                  memmove (tail, tail + drop, tail_len - drop);
                  tail_len -= drop;
                }
              memcpy (tail + tail_len, buf + n - take, take);
              tail_len += take;
              total += (gsize)n;
              if ((tail_len >= 6 && memcmp (tail + tail_len - 6, "\ndone\n", 6) == 0) ||
                  (total == 5 && memcmp (tail, "done\n", 5) == 0))
                {
                  if (!*too_much)
                    g_string_truncate (out_text, out_text->len - strlen ("done\n"));
                  drain (h->err, err_text);
                  return READ_DONE;
                }
            }
        }
      /* its output closed: it has ended; what it wrote on stderr is there already or soon */
      if (!out_open && err_open && poll (&fds[1], 1, 0) == 0)
        break;
    }
  return READ_ENDED;
}

/* what failed, in words a lab user understands; the errno is libsmbclient's */
static FlSample *
step_failed (FlCheckRun          *run,
             const FlSysvolReply *reply)
{
  const char *domain = fl_probe_config_get_domain (run->config);
  int e = reply->error_number;
  FlProbeError code = FL_PROBE_ERROR_PROTOCOL;
  g_autofree char *what = NULL;
  g_autofree char *message = NULL;
  g_autoptr(GError) error = NULL;

  g_variant_dict_insert (&run->detail, "errno", "i", e);
  switch (reply->failed_step)
    {
    case FL_SYSVOL_STEP_SHARE:
      g_variant_dict_insert (&run->detail, "step", "s", "share");
      if (e == ECONNREFUSED)
        code = FL_PROBE_ERROR_REFUSED, what = g_strdup (_("SMB refused the connection (port 445 closed)"));
      else if (e == ETIMEDOUT || e == EAGAIN)
        code = FL_PROBE_ERROR_TIMEOUT, what = g_strdup (_("no answer from SMB"));
      else if (e == EHOSTUNREACH || e == ENETUNREACH)
        code = FL_PROBE_ERROR_UNREACHABLE, what = g_strdup (_("the DC is unreachable for SMB"));
      else if (e == EACCES || e == EPERM)
        code = FL_PROBE_ERROR_AUTH, what = g_strdup (_("the SMB session or the SYSVOL share refused the lab user"));
      else if (e == ENOENT || e == ENODEV || e == ENXIO)
        what = g_strdup (_("the DC has no SYSVOL share"));
      else
        code = FL_PROBE_ERROR_FAILED, what = g_strdup_printf (_("SYSVOL share: %s"), g_strerror (e));
      break;
    case FL_SYSVOL_STEP_POLICIES:
      g_variant_dict_insert (&run->detail, "step", "s", "policies");
      if (e == EACCES || e == EPERM)
        what = g_strdup_printf (_("access denied to SYSVOL\\%s\\Policies"), domain);
      else if (e == ENOENT || e == ENOTDIR)
        what = g_strdup_printf (_("SYSVOL has no %s\\Policies folder"), domain);
      else
        code = FL_PROBE_ERROR_FAILED,
        what = g_strdup_printf (_("SYSVOL\\%s\\Policies: %s"), domain, g_strerror (e));
      break;
    case FL_SYSVOL_STEP_GPT:
    case FL_SYSVOL_STEP_NONE:
    default:
      g_variant_dict_insert (&run->detail, "step", "s", "gpt");
      if (e == EACCES || e == EPERM)
        what = g_strdup (_("access denied to the Default Domain Policy's GPT.INI"));
      else if (e == ENOENT || e == ENOTDIR)
        what = g_strdup (_("the Default Domain Policy's GPT.INI is missing"));
      else
        code = FL_PROBE_ERROR_FAILED,
        what = g_strdup_printf (_("the Default Domain Policy's GPT.INI: %s"), g_strerror (e));
      break;
    }
  if (reply->log != NULL && *reply->log != '\0')
    {
      g_variant_dict_insert (&run->detail, "smb_log", "s", reply->log);
      message = g_strdup_printf ("%s (%s)", what, reply->log);
    }
  error = g_error_new_literal (FL_PROBE_ERROR, code, message != NULL ? message : what);
  return fl_check_fail (run, error);
}

static FlSample *
read_reply (FlCheckRun          *run,
            const FlSysvolReply *reply)
{
  const FlSysvolGpo *ddp = fl_sysvol_reply_lookup (reply, FL_DEFAULT_DOMAIN_POLICY);
  GVariantBuilder gpos;
  g_autofree char *message = NULL;

  /* "{GUID}=version" each: a list of strings survives a recording's JSON and its reading back */
  g_variant_builder_init (&gpos, G_VARIANT_TYPE_STRING_ARRAY);
  for (guint i = 0; i < reply->gpos->len; i++)
    {
      const FlSysvolGpo *gpo = g_ptr_array_index (reply->gpos, i);
      g_autofree char *entry = g_strdup_printf ("%s=%u", gpo->guid, gpo->version);

      if (gpo->has_version)
        g_variant_builder_add (&gpos, "s", entry);
    }
  g_variant_dict_insert_value (&run->detail, "gpt_versions", g_variant_builder_end (&gpos));
  g_variant_dict_insert (&run->detail, "policies", "u", reply->n_entries);

  if (reply->failed_step != FL_SYSVOL_STEP_NONE)
    return step_failed (run, reply);
  if (ddp == NULL || !ddp->has_version)
    {
      g_autoptr(GError) error = g_error_new_literal (FL_PROBE_ERROR, FL_PROBE_ERROR_MALFORMED,
                                                     _("the Default Domain Policy's GPT.INI has no valid Version"));

      g_variant_dict_insert (&run->detail, "step", "s", "gpt");
      return fl_check_fail (run, error);
    }
  g_variant_dict_insert (&run->detail, "version", "u", ddp->version);
  /* Version: the user part in the high 16 bits, the computer part in the low 16 */
  message = g_strdup_printf (ngettext ("Default Domain Policy version %u (user %u, computer %u); %u policy folder",
                                       "Default Domain Policy version %u (user %u, computer %u); %u policy folders",
                                       reply->n_entries),
                             ddp->version, ddp->version >> 16, ddp->version & 0xffff, reply->n_entries);
  return fl_check_finish (run, FL_STATUS_OK, message);
}

FlSample *
fl_check_sysvol (FlCheckRun *run)
{
  FlSysvolHelper *h = NULL;
  g_autofree char *identity = NULL;
  g_autofree char *request = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(FlSysvolReply) reply = NULL;
  g_autoptr(GString) out_text = NULL;
  g_autoptr(GString) err_text = NULL;
  gboolean too_much = FALSE;
  int wait_status = 0;
  FlSample *sample;

  if ((sample = fl_check_need_user (run, NULL)) != NULL)
    return sample;
  if (run->dc->host == NULL || *run->dc->host == '\0')
    {
      g_variant_dict_insert (&run->detail, "error", "s", "config");
      return fl_check_finish (run, FL_STATUS_SKIPPED,
                              _("SYSVOL is read with Kerberos, which needs the DC's host name: "
                                "give the DC a host in the lab file"));
    }
  if (!g_file_test (fl_sysvol_helper_path (), G_FILE_TEST_IS_EXECUTABLE))
    {
      g_autofree char *message = g_strdup_printf (_("the SMB client for this check is not installed (%s)"),
                                                  fl_sysvol_helper_path ());

      g_variant_dict_insert (&run->detail, "error", "s", "config");
      return fl_check_finish (run, FL_STATUS_SKIPPED, message);
    }

  g_variant_dict_insert (&run->detail, "principal", "s", fl_probe_config_get_user (run->config));
  g_variant_dict_insert (&run->detail, "host", "s", run->dc->host);
  if (strchr (fl_probe_config_get_password (run->config), '\n') != NULL ||
      strlen (fl_probe_config_get_password (run->config)) > FL_SYSVOL_PASSWORD_MAX)
    {
      g_variant_dict_insert (&run->detail, "error", "s", "config");
      return fl_check_finish (run, FL_STATUS_SKIPPED,
                              _("the password has a line break or is longer than 1023 bytes, which "
                                "the SMB client cannot be given"));
    }

  /* each read is bounded by this check's own deadline (libsmbclient's timeout, and the
   * helper's backstop), whatever the check that started the helper had left */
  request = g_strdup_printf ("read %" G_GINT64_FORMAT "\n",
                             CLAMP ((run->deadline - g_get_monotonic_time ()) / 1000, 100, 600000));
  identity = helper_identity (run);
  h = fl_probe_config_take_sysvol_helper (run->config, run->dc->name);
  if (h != NULL && (!g_str_equal (h->identity, identity) ||
                    g_get_monotonic_time () - h->started > HELPER_MAX_AGE ||
                    !send_all (h->in, request, strlen (request))))
    g_clear_pointer (&h, fl_sysvol_helper_free);
  if (h == NULL)
    {
      if ((h = spawn_helper (run, identity, &error)) == NULL)
        {
          g_autofree char *message = g_strdup_printf (_("cannot start the SMB client: %s"), error->message);

          g_variant_dict_insert (&run->detail, "error", "s", "config");
          return fl_check_finish (run, FL_STATUS_FAIL, message);
        }
      send_all (h->in, request, strlen (request));
    }

  out_text = g_string_new (NULL);
  err_text = g_string_new (NULL);
  switch (read_helper (h, run->deadline, out_text, err_text, &too_much))
    {
    case READ_TIMEOUT:
      helper_drop (h, 0, NULL);
      g_set_error_literal (&error, FL_PROBE_ERROR, FL_PROBE_ERROR_TIMEOUT,
                           _("SYSVOL was not read within the deadline"));
      return fl_check_fail (run, error);
    case READ_ENDED:
      helper_drop (h, run->deadline, &wait_status);
      h = NULL;
      break;
    case READ_DONE:
    default:
      break;
    }
  if (h == NULL && (!WIFEXITED (wait_status) || WEXITSTATUS (wait_status) != 0))
    {
      g_autofree char *words = fl_ldap_value_text (err_text->str, err_text->len);
      g_autofree char *message = NULL;

      g_strstrip (words);
      for (char *p = words; *p != '\0'; p++)
        if ((guchar)*p < 0x20)
          *p = ' ';
      message = WIFEXITED (wait_status)
                  ? g_strdup_printf (_("the SMB client failed (exit status %d): %s"),
                                     WEXITSTATUS (wait_status), words)
                  : g_strdup_printf (_("the SMB client ended by signal %d: %s"),
                                     WTERMSIG (wait_status), words);
      g_variant_dict_insert (&run->detail, "error", "s", "failed");
      return fl_check_finish (run, FL_STATUS_FAIL, message);
    }
  reply = too_much ? NULL : fl_sysvol_parse_reply (out_text->str, out_text->len, &error);
  if (too_much && error == NULL)
    g_set_error (&error, FL_PROBE_ERROR, FL_PROBE_ERROR_MALFORMED,
                 _("the SYSVOL helper said more than %u bytes"), FL_SYSVOL_REPLY_MAX);
  if (reply != NULL)
    sample = read_reply (run, reply);
  else
    sample = fl_check_fail (run, error);
  /* kept for the next check only after a clean read */
  if (h != NULL && fl_sample_get_status (sample) == FL_STATUS_OK)
    fl_probe_config_keep_sysvol_helper (run->config, run->dc->name, g_steal_pointer (&h));
  g_clear_pointer (&h, fl_sysvol_helper_free);
  return sample;
}
