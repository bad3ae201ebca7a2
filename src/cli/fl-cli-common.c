/* fl-cli-common.c
 *
 * Copyright 2026 The Failover Lab authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "failoverctl"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <stdio.h>
#include <errno.h>
#include <fcntl.h>
#include <gio/gio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fl-cli-common.h"
#include "fl-lab-probe.h"

GOptionGroup *
fl_cli_lab_options (FlCliOptions *o)
{
  const GOptionEntry entries[] = {
    { "lab", 'l', 0, G_OPTION_ARG_FILENAME, &o->lab_file,
      N_("The lab file (or $FAILOVER_LAB_FILE)"), N_("FILE") },
    { "domain", 0, 0, G_OPTION_ARG_STRING, &o->domain,
      N_("Without a lab file: the AD domain"), N_("DOMAIN") },
    { "dc", 0, 0, G_OPTION_ARG_STRING_ARRAY, &o->dcs,
      N_("Without a lab file: a DC, as NAME=ADDRESS (repeat for each DC)"), N_("NAME=ADDRESS") },
    { "user", 0, 0, G_OPTION_ARG_STRING, &o->user,
      N_("The user principal for the Kerberos check"), N_("USER@REALM") },
    { "machine", 0, 0, G_OPTION_ARG_STRING, &o->machine,
      N_("The machine principal for the trust check"), N_("NAME$@REALM") },
    { "keytab", 0, 0, G_OPTION_ARG_FILENAME, &o->keytab,
      N_("The machine account's keytab"), N_("FILE") },
    { "reference", 0, 0, G_OPTION_ARG_STRING, &o->reference,
      N_("A host that is not a DC (the gateway): is the network alive?"), N_("ADDRESS") },
    { "password-file", 0, 0, G_OPTION_ARG_FILENAME, &o->password_file,
      N_("Read the user's password from FILE (or set FAILOVER_LAB_PASSWORD); never on the command line"),
      N_("FILE") },
    { "interval", 'i', 0, G_OPTION_ARG_INT, &o->interval_ms,
      N_("Milliseconds between rounds (100–10000)"), N_("MS") },
    { "deadline", 'd', 0, G_OPTION_ARG_INT, &o->deadline_ms,
      N_("Milliseconds each check may take (50–10000)"), N_("MS") },
    { NULL }
  };
  GOptionGroup *group = g_option_group_new ("lab", _("Lab options:"), _("Show the lab options"),
                                            NULL, NULL);

  g_option_group_add_entries (group, entries);
  g_option_group_set_translation_domain (group, GETTEXT_PACKAGE);
  return group;
}

void
fl_cli_options_clear (FlCliOptions *o)
{
  g_clear_pointer (&o->lab_file, g_free);
  g_clear_pointer (&o->domain, g_free);
  g_clear_pointer (&o->dcs, g_strfreev);
  g_clear_pointer (&o->user, g_free);
  g_clear_pointer (&o->machine, g_free);
  g_clear_pointer (&o->keytab, g_free);
  g_clear_pointer (&o->reference, g_free);
  g_clear_pointer (&o->password_file, g_free);
}

/**
 * fl_cli_safe:
 * @text: (nullable): text that may quote a server, a file or another program
 *
 * Returns: (transfer full): @text for a terminal: valid UTF-8, and every control character
 *   (C0, DEL, C1: escape sequences that would move the cursor, retitle the window or worse)
 *   shown as "?"; line ends are kept
 */
char *
fl_cli_safe (const char *text)
{
  g_autofree char *valid = g_utf8_make_valid (text ? text : "", -1);
  GString *out = g_string_sized_new (strlen (valid));

  for (const char *p = valid; *p != '\0'; p = g_utf8_next_char (p))
    {
      gunichar c = g_utf8_get_char (p);

      if (c == '\n' || (c >= 0x20 && c != 0x7f && (c < 0x80 || c > 0x9f)))
        g_string_append_unichar (out, c);
      else
        g_string_append_c (out, '?');
    }
  return g_string_free (out, FALSE);
}

static int G_GNUC_PRINTF (2, 0)
fail_with (int         code,
           const char *format,
           va_list     args)
{
  g_autofree char *text = g_strdup_vprintf (format, args);
  g_autofree char *safe = fl_cli_safe (text);

  fprintf (stderr, "failoverctl: %s\n", safe);
  return code;
}

/* a usage or lab error (exit 2) */
int
fl_cli_fail (const char *format,
             ...)
{
  va_list args;
  int code;

  va_start (args, format);
  code = fail_with (FL_EXIT_USAGE, format, args);
  va_end (args);
  return code;
}

/* any other failure, with its exit status (the hypervisor said no: FL_EXIT_PROBLEM) */
int
fl_cli_fail_with (int         code,
                  const char *format,
                  ...)
{
  va_list args;

  va_start (args, format);
  code = fail_with (code, format, args);
  va_end (args);
  return code;
}

char *
fl_cli_format_ms (gint64 us)
{
  if (us < 0)
    return g_strdup ("—");
  if (us < 10000)
    return g_strdup_printf ("%.1f ms", us / 1000.0);
  return g_strdup_printf ("%.0f ms", us / 1000.0);
}

/**
 * fl_cli_load_lab:
 *
 * The lab from --lab (or $FAILOVER_LAB_FILE), or built from --domain and --dc.
 */
FlLab *
fl_cli_load_lab (FlCliOptions  *o,
                 GError       **error)
{
  g_autoptr(FlLab) lab = NULL;
  const char *file = o->lab_file ? o->lab_file : g_getenv ("FAILOVER_LAB_FILE");

  if (o->domain == NULL && file != NULL)
    {
      lab = fl_lab_new_from_file (file, error);
      if (lab == NULL)
        return NULL;
    }
  else if (o->domain != NULL)
    {
      lab = fl_lab_new (o->domain, o->domain);
      for (guint i = 0; o->dcs != NULL && o->dcs[i]; i++)
        {
          g_auto(GStrv) parts = g_strsplit (o->dcs[i], "=", 2);
          g_autofree char *host = NULL;
          g_autoptr(FlLabController) c = NULL;

          if (g_strv_length (parts) != 2)
            {
              g_set_error (error, FL_LAB_ERROR, FL_LAB_ERROR_VALUE,
                           _("--dc %s: expected NAME=ADDRESS"), o->dcs[i]);
              return NULL;
            }
          {
            g_autofree char *fqdn = g_strdup_printf ("%s.%s", parts[0], o->domain);

            host = g_ascii_strdown (fqdn, -1);
          }
          c = fl_lab_controller_new (parts[0], host, parts[1]);
          fl_lab_add_controller (lab, c);
        }
      fl_lab_set_reference_host (lab, o->reference);
    }
  else
    {
      g_set_error_literal (error, FL_LAB_ERROR, FL_LAB_ERROR_MISSING,
                           _("no lab: give --lab FILE (or set FAILOVER_LAB_FILE), or --domain "
                             "and --dc NAME=ADDRESS"));
      return NULL;
    }

  if (o->user != NULL || o->machine != NULL || o->keytab != NULL)
    fl_lab_set_credentials (lab,
                            o->user ? o->user : fl_lab_get_user_principal (lab),
                            o->machine ? o->machine : fl_lab_get_machine_principal (lab),
                            o->keytab ? o->keytab : fl_lab_get_keytab (lab),
                            fl_lab_get_keyring_key (lab));
  if (o->reference != NULL)
    fl_lab_set_reference_host (lab, o->reference);
  if (o->interval_ms != 0 || o->deadline_ms != 0)
    fl_lab_set_probe_timing (lab, o->interval_ms ? (guint)o->interval_ms : fl_lab_get_interval_ms (lab),
                             o->deadline_ms ? (guint)o->deadline_ms : fl_lab_get_deadline_ms (lab));
  if (!fl_lab_validate (lab, error))
    return NULL;
  return g_steal_pointer (&lab);
}

/**
 * fl_cli_read_secret_file:
 * @path: a file holding a secret on its first line
 *
 * Reads a secret the way ssh reads a private key: the file must be a regular file owned by
 * the user (or root) that no group and no other user can read or write, and it is small.
 *
 * Returns: (transfer full): its first line (without the line end), or %NULL with @error
 */
char *
fl_cli_read_secret_file (const char  *path,
                         GError     **error)
{
  g_autofree char *buf = NULL;
  struct stat st;
  gssize n;
  int fd;
  char *nl;

  fd = open (path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
  if (fd < 0)
    {
      int errsv = errno;

      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (errsv), _("%s: %s"), path, g_strerror (errsv));
      return NULL;
    }
  if (fstat (fd, &st) != 0 || !S_ISREG (st.st_mode))
    {
      close (fd);
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT, _("%s: not a regular file"), path);
      return NULL;
    }
  if ((st.st_mode & 077) != 0 || (st.st_uid != getuid () && st.st_uid != 0))
    {
      close (fd);
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_PERMISSION_DENIED,
                   _("%s: other users can read or change it (mode %04o, owner %u): a secret file must be "
                     "yours alone; run “chmod 600 %s”"),
                   path, (unsigned)(st.st_mode & 07777), (unsigned)st.st_uid, path);
      return NULL;
    }
  buf = g_malloc0 (4097);
  n = read (fd, buf, 4096);
  close (fd);
  if (n < 0)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED, _("%s: %s"), path, g_strerror (errno));
      return NULL;
    }
  nl = strpbrk (buf, "\r\n");
  if (nl != NULL)
    *nl = '\0';
  else if (n == 4096)
    {
      explicit_bzero (buf, 4096);
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA, _("%s: longer than a secret (4 KiB)"), path);
      return NULL;
    }
  return g_steal_pointer (&buf);
}

/* The password: $FAILOVER_LAB_PASSWORD or --password-file, never argv. */
static char *
read_password (FlCliOptions  *o,
               GError       **error)
{
  const char *env = g_getenv ("FAILOVER_LAB_PASSWORD");

  if (o->password_file != NULL)
    return fl_cli_read_secret_file (o->password_file, error);
  if (env != NULL && *env != '\0')
    return g_strdup (env);
  return NULL;
}

FlProbeConfig *
fl_cli_probe_config (FlCliOptions  *o,
                     FlLab         *lab,
                     GError       **error)
{
  g_autoptr(GError) local_error = NULL;
  g_autofree char *password = read_password (o, &local_error);
  FlProbeConfig *config;

  if (local_error != NULL)
    {
      g_set_error (error, FL_LAB_ERROR, FL_LAB_ERROR_IO, _("--password-file: %s"),
                   local_error->message);
      return NULL;
    }
  config = fl_lab_create_probe_config (lab, password, error);
  if (password != NULL)
    explicit_bzero (password, strlen (password));
  return config;
}

/**
 * fl_cli_add_act_options:
 *
 * The options of commands that act on the lab's VMs: the interlocks' confirmation, the
 * restart guard, the hypervisor's secret and SSH host key. @options->guard_min starts at 15.
 */
void
fl_cli_add_act_options (GOptionContext  *context,
                        FlCliActOptions *options)
{
  const GOptionEntry entries[] = {
    { "yes", 'y', 0, G_OPTION_ARG_NONE, &options->yes,
      N_("Confirm the interlocks (total outage, a DC that just came back, rollback)"), NULL },
    { "restart-guard", 0, 0, G_OPTION_ARG_INT, &options->guard_min,
      N_("Minutes a DC needs after coming back before another is broken (default 15)"), N_("MIN") },
    { "secret-file", 0, 0, G_OPTION_ARG_FILENAME, &options->secret_file,
      N_("Read the Proxmox token secret (or password) from FILE (or set FAILOVER_LAB_PVE_SECRET)"), N_("FILE") },
    { "accept-host-key", 0, 0, G_OPTION_ARG_STRING, &options->accept_key,
      N_("SSH: trust the host key (the node's, or the Windows client's) if its fingerprint is this one (SHA256:…), and remember it"), N_("FINGERPRINT") },
    { NULL }
  };

  options->guard_min = 15;
  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
}

void
fl_cli_act_options_clear (FlCliActOptions *options)
{
  g_clear_pointer (&options->secret_file, g_free);
  g_clear_pointer (&options->accept_key, g_free);
}

/* JSON out: every string escaped by json-glib, never by hand (server text can hold quotes,
 * backslashes and control characters) */
void
fl_cli_print_json (JsonNode *node,
                   gboolean  pretty)
{
  g_autoptr(JsonGenerator) generator = json_generator_new ();
  g_autofree char *text = NULL;

  json_generator_set_root (generator, node);
  json_generator_set_pretty (generator, pretty);
  text = json_generator_to_data (generator, NULL);
  printf ("%s\n", text);
  fflush (stdout);
}
