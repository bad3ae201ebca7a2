/* fl-check-sysvol.c: the `sysvol` check: a DC's SYSVOL share read the way a domain member reads
 * it (SMB2/3, Kerberos as the lab user): the Policies folder listed and every GPO's GPT.INI
 * read, the Default Domain Policy's version in the sample
 *
 * The SMB client is libsmbclient, in a helper process (failover-lab-sysvol, see its header for
 * why). This file starts it with the DC's own krb5 profile, hands it the password on a pipe,
 * reads what it prints until the check's deadline, kills it there, and takes its words apart
 * (fl-sysvol.c).
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
#include <sys/wait.h>
#include <unistd.h>

#include <glib/gi18n-lib.h>
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

typedef struct
{
  GPid     pid;
  int      out;
  int      err;
  GString *stdout_text;
  GString *stderr_text;
  gboolean too_much;
  int      wait_status;
} Helper;

static gboolean
spawn_helper (FlCheckRun  *run,
              Helper      *h,
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
  int in = -1;
  gsize len = strlen (password);
  gsize done = 0;

  envp = g_environ_setenv (envp, "KRB5_CONFIG", run->dc->krb5_conf, TRUE);
  envp = g_environ_setenv (envp, "KRB5CCNAME", "MEMORY:failover-lab-sysvol", TRUE);
  envp = g_environ_unsetenv (envp, "KRB5_CLIENT_KTNAME");
  /* the helper gets the one secret it needs, on its pipe, and no other */
  envp = g_environ_unsetenv (envp, "FAILOVER_LAB_PASSWORD");
  envp = g_environ_unsetenv (envp, "FAILOVER_LAB_PVE_SECRET");
  /* libsmbclient reads ~/.smb/smb.conf before the helper's own settings */
  envp = g_environ_setenv (envp, "HOME", fl_probe_config_get_private_dir (run->config), TRUE);

  if (!g_spawn_async_with_pipes_and_fds (NULL, argv, (const char * const *)envp,
                                         G_SPAWN_DO_NOT_REAP_CHILD | G_SPAWN_CLOEXEC_PIPES,
                                         NULL, NULL, -1, -1, -1, NULL, NULL, 0,
                                         &h->pid, &in, &h->out, &h->err, error))
    return FALSE;
  /* a password is far smaller than a pipe's buffer: this write does not wait for the helper */
  while (done < len)
    {
      ssize_t n = write (in, password + done, len - done);

      if (n < 0 && errno == EINTR)
        continue;
      if (n <= 0)
        break;
      done += (gsize)n;
    }
  close (in);
  return TRUE;
}

/* reads both pipes until the helper closes them or @deadline passes; FALSE at the deadline */
static gboolean
read_helper (Helper *h,
             gint64  deadline)
{
  struct pollfd fds[2] = { { h->out, POLLIN, 0 }, { h->err, POLLIN, 0 } };
  GString *texts[2] = { h->stdout_text, h->stderr_text };
  const gsize max[2] = { FL_SYSVOL_REPLY_MAX + 1, STDERR_MAX };
  guint open = 2;

  while (open > 0)
    {
      gint64 left = deadline - g_get_monotonic_time ();
      int r;

      if (left <= 0)
        return FALSE;
      r = poll (fds, 2, (int)MIN ((left + 999) / 1000, G_MAXINT));
      if (r < 0 && errno == EINTR)
        continue;
      if (r < 0)
        return FALSE;
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
              fds[i].fd = -1;
              open--;
              continue;
            }
          if (texts[i]->len < max[i])
            g_string_append_len (texts[i], buf, MIN ((gsize)n, max[i] - texts[i]->len));
          else if (i == 0)
            h->too_much = TRUE;
        }
    }
  return TRUE;
}

static void
end_helper (Helper   *h,
            gboolean  kill_it)
{
  if (kill_it)
    kill (h->pid, SIGKILL);
  while (waitpid (h->pid, &h->wait_status, 0) < 0 && errno == EINTR)
    ;
  g_spawn_close_pid (h->pid);
  close (h->out);
  close (h->err);
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
  Helper h = { 0 };
  g_autoptr(GError) error = NULL;
  g_autoptr(FlSysvolReply) reply = NULL;
  gboolean in_time;

  if (fl_probe_config_get_user (run->config) == NULL || fl_probe_config_get_password (run->config) == NULL)
    {
      g_variant_dict_insert (&run->detail, "error", "s", "config");
      return fl_check_finish (run, FL_STATUS_SKIPPED,
                              _("no user credentials: give the lab a user principal and a "
                                "password (keyring, FAILOVER_LAB_PASSWORD or --password-file)"));
    }
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
  h.stdout_text = g_string_new (NULL);
  h.stderr_text = g_string_new (NULL);
  if (!spawn_helper (run, &h, &error))
    {
      g_autofree char *message = g_strdup_printf (_("cannot start the SMB client: %s"), error->message);

      g_string_free (h.stdout_text, TRUE);
      g_string_free (h.stderr_text, TRUE);
      g_variant_dict_insert (&run->detail, "error", "s", "config");
      return fl_check_finish (run, FL_STATUS_FAIL, message);
    }
  in_time = read_helper (&h, run->deadline);
  end_helper (&h, !in_time);

  if (!in_time)
    {
      g_string_free (h.stdout_text, TRUE);
      g_string_free (h.stderr_text, TRUE);
      g_set_error_literal (&error, FL_PROBE_ERROR, FL_PROBE_ERROR_TIMEOUT,
                           _("SYSVOL was not read within the deadline"));
      return fl_check_fail (run, error);
    }
  if (!WIFEXITED (h.wait_status) || WEXITSTATUS (h.wait_status) != 0)
    {
      g_autofree char *words = fl_ldap_value_text (h.stderr_text->str, h.stderr_text->len);
      g_autofree char *message = NULL;

      g_strstrip (words);
      for (char *p = words; *p != '\0'; p++)
        if ((guchar)*p < 0x20)
          *p = ' ';
      message = WIFEXITED (h.wait_status)
                  ? g_strdup_printf (_("the SMB client failed (exit status %d): %s"),
                                     WEXITSTATUS (h.wait_status), words)
                  : g_strdup_printf (_("the SMB client ended by signal %d: %s"),
                                     WTERMSIG (h.wait_status), words);
      g_string_free (h.stdout_text, TRUE);
      g_string_free (h.stderr_text, TRUE);
      g_variant_dict_insert (&run->detail, "error", "s", "failed");
      return fl_check_finish (run, FL_STATUS_FAIL, message);
    }
  reply = h.too_much ? NULL : fl_sysvol_parse_reply (h.stdout_text->str, h.stdout_text->len, &error);
  if (h.too_much && error == NULL)
    g_set_error (&error, FL_PROBE_ERROR, FL_PROBE_ERROR_MALFORMED,
                 _("the SYSVOL helper said more than %u bytes"), FL_SYSVOL_REPLY_MAX);
  g_string_free (h.stdout_text, TRUE);
  g_string_free (h.stderr_text, TRUE);
  if (reply == NULL)
    return fl_check_fail (run, error);
  return read_reply (run, reply);
}
