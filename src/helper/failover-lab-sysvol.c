/* failover-lab-sysvol: reads a DC's SYSVOL the way a domain member does, over SMB2/3 with
 * Kerberos through libsmbclient, and prints what it found for the probe's `sysvol` check
 *
 *   failover-lab-sysvol --host dc1.test.local --address 10.0.0.11 --domain test.local \
 *                       --user user01@TEST.LOCAL --cache-dir DIR [--timeout-ms 5000]
 *
 * Standard input brings the password (the first line, never in argv), then requests: each line
 * "read" (or "read MS", MS its time in milliseconds) reads the SYSVOL again, over the SMB session kept from the last read when it still
 * works, and answers with lines (see src/probe/fl-sysvol.c) and a last line "done":
 *
 *   entries N | gpt {GUID} ERRNO [BASE64] | error share|policies|gpt ERRNO [BASE64]
 *
 * It ends at the end of its input. KRB5_CONFIG names the KDC to ask (the probe gives each DC a
 * profile of its own).
 *
 * Why a process of its own: libsmbclient links Samba's own Heimdal Kerberos, which must not
 * meet the probe's MIT krb5 in one process; its calls cannot be cut short, and a process can be
 * (the probe kills it at the check's deadline); and it keeps Samba's global state away from the
 * probe's threads.
 *
 * Why getaddrinfo() is defined here: Kerberos needs the DC's host name (the ticket is for
 * cifs/<host>), and libsmbclient refuses Kerberos to an IP address. But the probe never asks
 * DNS: it reaches each DC at the address the lab file gives, so a dead DNS server cannot delay
 * a live DC. This definition, found before the C library's, answers the DC's host name with that
 * address and refuses every other name; numeric addresses pass through.
 *
 * Copyright 2026 The Failover Lab authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define _GNU_SOURCE

#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <unistd.h>

#include <glib.h>
#include <libsmbclient.h>

#include "fl-sysvol.h"   /* its limits and names; macros and an inline function only */

#define PASSWORD_MAX FL_SYSVOL_PASSWORD_MAX
#define GPT_INI_MAX FL_GPT_INI_MAX
#define MAX_GPOS FL_SYSVOL_MAX_GPOS
#define DEFAULT_DOMAIN_POLICY FL_DEFAULT_DOMAIN_POLICY

static const char *dc_host;
static const char *dc_address;
static char *user;
static char password[PASSWORD_MAX + 2];   /* the line, its newline read in place of the NUL */
static char last_words[1024];

/* ------------------------------------------------------------------------------------------ */

typedef int (*GetaddrinfoFunc) (const char *, const char *, const struct addrinfo *,
                                struct addrinfo **);

int
getaddrinfo (const char             *node,
             const char             *service,
             const struct addrinfo  *hints,
             struct addrinfo       **res)
{
  static GetaddrinfoFunc real;
  struct addrinfo numeric = { 0 };
  gsize n;

  if (real == NULL)
    real = (GetaddrinfoFunc)dlsym (RTLD_NEXT, "getaddrinfo");
  if (real == NULL)
    return EAI_SYSTEM;
  if (hints != NULL)
    numeric = *hints;
  numeric.ai_flags = (numeric.ai_flags | AI_NUMERICHOST) & ~AI_CANONNAME;
  n = node != NULL ? strlen (node) : 0;
  if (node != NULL && dc_host != NULL &&
      (g_ascii_strcasecmp (node, dc_host) == 0 ||
       (n == strlen (dc_host) + 1 && node[n - 1] == '.' && g_ascii_strncasecmp (node, dc_host, n - 1) == 0)))
    node = dc_address;
  return real (node, service, &numeric, res);
}

/* ------------------------------------------------------------------------------------------ */

static void
auth_cb (const char *server,
         const char *share,
         char       *workgroup,
         int         workgroup_len,
         char       *username,
         int         username_len,
         char       *pw,
         int         pw_len)
{
  (void)server;
  (void)share;
  (void)workgroup;
  (void)workgroup_len;
  g_strlcpy (username, user, (gsize)username_len);
  g_strlcpy (pw, password, (gsize)pw_len);
}

/* libsmbclient's own words: the last line that says what failed ("Kinit for … failed:
 * Preauthentication failed", "… NT_STATUS_…") */
static void
log_cb (void       *data,
        int         level,
        const char *message)
{
  (void)data;
  if (level > 1 || message == NULL)
    return;
  if (strstr (message, "NT_STATUS_") != NULL || strcasestr (message, "fail") != NULL ||
      strcasestr (message, "error") != NULL)
    g_strlcpy (last_words, message, sizeof last_words);
}

static void
say_error (const char *step,
           int         errnum)
{
  if (errnum <= 0 || errnum > 4095)
    errnum = EIO;
  if (last_words[0] != '\0')
    {
      g_autofree char *b64 = g_base64_encode ((const guchar *)last_words, strlen (last_words));

      printf ("error %s %d %s\n", step, errnum, b64);
    }
  else
    printf ("error %s %d\n", step, errnum);
}

/* host and domain names go into an smb:// URL as they are: letters, digits, '-' and '.' */
static gboolean
is_dns_name (const char *text)
{
  if (text == NULL || *text == '\0' || strlen (text) > 253)
    return FALSE;
  for (const char *p = text; *p != '\0'; p++)
    if (!g_ascii_isalnum (*p) && *p != '-' && *p != '.')
      return FALSE;
  return TRUE;
}

/* reads one GPT.INI whole (at most GPT_INI_MAX bytes): 0, or an errno */
static int
read_gpt (const char *url,
          GString    *out)
{
  char buf[4096];
  int fd = smbc_open (url, O_RDONLY, 0);
  ssize_t n;

  if (fd < 0)
    return errno;
  while ((n = smbc_read (fd, buf, sizeof buf)) > 0)
    {
      if (out->len + (gsize)n > GPT_INI_MAX)
        {
          smbc_close (fd);
          return EFBIG;
        }
      g_string_append_len (out, buf, n);
    }
  if (n < 0)
    {
      int errnum = errno;

      smbc_close (fd);
      return errnum;
    }
  smbc_close (fd);
  return 0;
}

/* one line of standard input, without its newline; FALSE at its end (or a line too long) */
static gboolean
read_line (char  *buf,
           gsize  size)
{
  gsize n = 0;

  while (n + 1 < size)
    {
      ssize_t r = read (STDIN_FILENO, buf + n, 1);

      if (r < 0 && errno == EINTR)
        continue;
      if (r <= 0)
        break;
      if (buf[n] == '\n')
        {
          buf[n] = '\0';
          return TRUE;
        }
      n++;
    }
  buf[n] = '\0';
  return FALSE;
}

/* Samba's client settings, from a file only this process sees: names through getaddrinfo()
 * above and nothing else (no NetBIOS broadcasts, no cached name), SMB2 or later, Kerberos only,
 * and its caches in the caller's private folder */
static char *
write_config (const char *cache_dir)
{
  g_autofree char *text =
    g_strdup_printf ("[global]\n"
                     "\tname resolve order = host\n"
                     "\tname cache timeout = 0\n"
                     "\tdisable netbios = yes\n"
                     "\tclient min protocol = SMB2_02\n"
                     "\tclient use kerberos = required\n"
                     "\tlog level = 1\n"
                     "\tcache directory = %s\n"
                     "\tlock directory = %s\n"
                     "\tstate directory = %s\n"
                     "\tprivate dir = %s\n"
                     "\tncalrpc dir = %s\n",
                     cache_dir, cache_dir, cache_dir, cache_dir, cache_dir);
  int fd = memfd_create ("smb.conf", 0);
  gsize len = strlen (text);

  if (fd < 0 || write (fd, text, len) != (ssize_t)len)
    return NULL;
  return g_strdup_printf ("/proc/self/fd/%d", fd);
}

/* one request: connect (or keep the session), list Policies, read every GPT.INI */
static void
read_sysvol (const char *domain)
{
  g_autofree char *url = NULL;
  g_autoptr(GPtrArray) guids = g_ptr_array_new_with_free_func (g_free);
  gboolean have_default = FALSE;
  struct smbc_dirent *entry;
  guint entries = 0;
  int dir;

  last_words[0] = '\0';
  /* connect, session (Kerberos), tree connect: kept from the last request while it works */
  url = g_strdup_printf ("smb://%s/SYSVOL", dc_host);
  if ((dir = smbc_opendir (url)) < 0)
    {
      say_error ("share", errno);
      return;
    }
  smbc_closedir (dir);

  g_free (url);
  url = g_strdup_printf ("smb://%s/SYSVOL/%s/Policies", dc_host, domain);
  last_words[0] = '\0';
  if ((dir = smbc_opendir (url)) < 0)
    {
      say_error ("policies", errno);
      return;
    }
  while ((entry = smbc_readdir ((unsigned int)dir)) != NULL)
    {
      if (entry->smbc_type != SMBC_DIR || g_str_equal (entry->name, ".") ||
          g_str_equal (entry->name, ".."))
        continue;
      entries++;
      if (fl_gpo_guid_is_valid (entry->name) && guids->len < MAX_GPOS)
        g_ptr_array_add (guids, g_ascii_strup (entry->name, -1));
    }
  smbc_closedir (dir);
  printf ("entries %u\n", entries);

  for (guint i = 0; i < guids->len; i++)
    {
      const char *guid = g_ptr_array_index (guids, i);
      g_autoptr(GString) ini = g_string_new (NULL);
      g_autofree char *path = g_strdup_printf ("smb://%s/SYSVOL/%s/Policies/%s/GPT.INI",
                                               dc_host, domain, guid);
      int errnum;

      last_words[0] = '\0';
      errnum = read_gpt (path, ini);
      if (g_str_equal (guid, DEFAULT_DOMAIN_POLICY))
        have_default = errnum == 0;
      if (errnum != 0)
        printf ("gpt %s %d\n", guid, errnum);
      else if (ini->len == 0)
        printf ("gpt %s 0\n", guid);
      else
        {
          g_autofree char *b64 = g_base64_encode ((const guchar *)ini->str, ini->len);

          printf ("gpt %s 0 %s\n", guid, b64);
        }
      if (!have_default && g_str_equal (guid, DEFAULT_DOMAIN_POLICY))
        {
          say_error ("gpt", errnum);
          return;
        }
    }
  if (!have_default)
    {
      last_words[0] = '\0';
      say_error ("gpt", ENOENT);
    }
}

int
main (int    argc,
      char **argv)
{
  const char *domain = NULL, *cache_dir = NULL;
  guint64 timeout_ms = 5000;
  g_autofree char *config = NULL;
  char request[64];
  SMBCCTX *ctx;
  int status = 0;

  for (int i = 1; i + 1 < argc; i += 2)
    {
      if (g_str_equal (argv[i], "--host"))
        dc_host = argv[i + 1];
      else if (g_str_equal (argv[i], "--address"))
        dc_address = argv[i + 1];
      else if (g_str_equal (argv[i], "--domain"))
        domain = argv[i + 1];
      else if (g_str_equal (argv[i], "--user"))
        user = argv[i + 1];
      else if (g_str_equal (argv[i], "--cache-dir"))
        cache_dir = argv[i + 1];
      else if (g_str_equal (argv[i], "--timeout-ms"))
        {
          if (!g_ascii_string_to_unsigned (argv[i + 1], 10, 100, 600000, &timeout_ms, NULL))
            dc_host = NULL;
        }
      else
        dc_host = NULL;
    }
  if (argc % 2 != 1 || !is_dns_name (dc_host) || !is_dns_name (domain) || dc_address == NULL ||
      user == NULL || cache_dir == NULL || !g_path_is_absolute (cache_dir))
    {
      fprintf (stderr, "usage: %s --host HOST --address ADDRESS --domain DOMAIN --user PRINCIPAL "
                       "--cache-dir DIR [--timeout-ms MS] < password and requests\n", argv[0]);
      return 2;
    }

  /* it holds the password for as long as it serves: no core dump, no ptrace by others */
  prctl (PR_SET_DUMPABLE, 0);
  if (!read_line (password, sizeof password))
    {
      fprintf (stderr, "no password on standard input\n");
      return 2;
    }

  if ((config = write_config (cache_dir)) == NULL)
    {
      fprintf (stderr, "cannot write Samba's settings: %s\n", g_strerror (errno));
      return 1;
    }
  if ((ctx = smbc_new_context ()) == NULL)
    {
      fprintf (stderr, "libsmbclient: %s\n", g_strerror (errno));
      return 1;
    }
  smbc_setDebug (ctx, 1);
  smbc_setLogCallback (ctx, NULL, log_cb);
  smbc_setFunctionAuthData (ctx, auth_cb);
  smbc_setOptionUseKerberos (ctx, TRUE);
  smbc_setOptionFallbackAfterKerberos (ctx, FALSE);
  smbc_setOptionNoAutoAnonymousLogin (ctx, TRUE);
  smbc_setOptionUseCCache (ctx, FALSE);
  smbc_setTimeout (ctx, (int)timeout_ms);
  if (smbc_init_context (ctx) == NULL)
    {
      fprintf (stderr, "libsmbclient: %s\n", g_strerror (errno));
      return 1;
    }
  if (smbc_setConfiguration (ctx, config) < 0)
    {
      fprintf (stderr, "libsmbclient did not take its settings: %s\n", g_strerror (errno));
      return 1;
    }
  smbc_set_context (ctx);

  while (read_line (request, sizeof request))
    {
      guint64 request_ms = timeout_ms;

      if (request[0] == '\0')
        continue;
      /* "read", or "read MS": this read's own time (the check's deadline) */
      if (!(g_str_equal (request, "read") ||
            (g_str_has_prefix (request, "read ") &&
             g_ascii_string_to_unsigned (request + 5, 10, 100, 600000, &request_ms, NULL))))
        {
          fprintf (stderr, "unknown request\n");
          status = 2;
          break;
        }
      smbc_setTimeout (ctx, (int)request_ms);
      /* the caller kills this process at the check's deadline; this is the backstop */
      alarm ((guint)(request_ms / 1000) + 2);
      read_sysvol (domain);
      printf ("done\n");
      fflush (stdout);
      alarm (0);
    }

  explicit_bzero (password, sizeof password);
  fflush (stdout);
  smbc_set_context (NULL);
  smbc_free_context (ctx, TRUE);
  return status;
}
