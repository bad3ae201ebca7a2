/* fl-win-output.c: Windows command outputs by token shape.
 *
 * nltest /dsgetdc prints its fields in a fixed order (DC, Address, Dom Guid, Dom Name, Forest
 * Name, Dc Site Name, Our Site Name, Flags) behind labels that are translated on a Japanese
 * Windows: values are recognised by their shape ("\\" prefix, IP literal, GUID, DS flags) and
 * the rest by their place after the GUID. Every status comes from "Status = N 0xHEX SYMBOL",
 * never from the banner ("The command completed successfully" is printed even when the secure
 * channel is down).
 *
 * Copyright 2026 The Failover Lab authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "fl-win-output"

#include "config.h"

#include <gio/gio.h>
#include <string.h>

#include "fl-win-output.h"

#define MAX_LINES 4096
#define MAX_TICKETS 256

static const struct { guint32 code; const char *symbol; } known_symbols[] = {
  { 0, "NERR_Success" },
  { 5, "ERROR_ACCESS_DENIED" },
  { 1311, "ERROR_NO_LOGON_SERVERS" },
  { 1355, "ERROR_NO_SUCH_DOMAIN" },
  { 1722, "RPC_S_SERVER_UNAVAILABLE" },
  { 1787, "ERROR_NO_TRUST_SAM_ACCOUNT" },
  { 1789, "ERROR_TRUSTED_RELATIONSHIP_FAILURE" },
};

static void
status_clear (FlWinStatus *s)
{
  g_clear_pointer (&s->symbol, g_free);
}

void
fl_win_dsgetdc_free (FlWinDsGetDc *self)
{
  if (self == NULL)
    return;
  status_clear (&self->status);
  g_free (self->dc);
  g_free (self->address);
  g_free (self->domain_guid);
  g_free (self->domain);
  g_free (self->forest);
  g_free (self->dc_site);
  g_free (self->client_site);
  g_strfreev (self->flags);
  g_free (self);
}

void
fl_win_secure_channel_free (FlWinSecureChannel *self)
{
  if (self == NULL)
    return;
  status_clear (&self->connection);
  status_clear (&self->verification);
  g_free (self->trusted_dc);
  g_free (self);
}

static void
ticket_free (FlWinTicket *t)
{
  g_free (t->client);
  g_free (t->server);
  g_free (t->kdc_called);
  g_strfreev (t->flags);
  g_free (t);
}

void
fl_win_klist_free (FlWinKlist *self)
{
  if (self == NULL)
    return;
  g_ptr_array_unref (self->tickets);
  g_free (self->tgt_kdc);
  g_free (self->service_kdc);
  g_free (self);
}

/**
 * fl_win_decode_output:
 * @codepage: (nullable): the console's code page ("CP932"), when known
 *
 * Console output as valid UTF-8: UTF-8 as it is (a BOM dropped), else from the code page
 * (CP932 when none is given: the classroom's Japanese Windows), else with what cannot be read
 * replaced. Bounded to %FL_WIN_MAX_OUTPUT bytes.
 *
 * Returns: (transfer full): the text
 */
char *
fl_win_decode_output (const guint8 *data,
                      gsize         length,
                      const char   *codepage)
{
  const char *text = (const char *)data;
  g_autofree char *converted = NULL;

  const char *end = NULL;
  gboolean cut = length > FL_WIN_MAX_OUTPUT;

  length = MIN (length, FL_WIN_MAX_OUTPUT);
  /* PowerShell 5's redirections write UTF-16 with a byte-order mark */
  if (length >= 2 && (memcmp (data, "\xff\xfe", 2) == 0 || memcmp (data, "\xfe\xff", 2) == 0))
    {
      converted = g_convert (text + 2, (gssize)((length - 2) & ~(gsize)1), "UTF-8",
                             data[0] == 0xff ? "UTF-16LE" : "UTF-16BE", NULL, NULL, NULL);
      if (converted != NULL && g_utf8_validate (converted, -1, NULL))
        return g_steal_pointer (&converted);
      g_clear_pointer (&converted, g_free);
    }
  if (length >= 3 && memcmp (data, "\xef\xbb\xbf", 3) == 0)
    text += 3, length -= 3;
  if (g_utf8_validate_len (text, length, &end))
    return g_strndup (text, length);
  /* a cut in the middle of a character is still UTF-8 */
  if (cut && (gsize)(end - text) + 4 > length)
    return g_strndup (text, (gsize)(end - text));
  converted = g_convert (text, (gssize)length, "UTF-8", codepage ? codepage : "CP932", NULL, NULL, NULL);
  if (converted != NULL && g_utf8_validate (converted, -1, NULL))
    return g_steal_pointer (&converted);
  return g_utf8_make_valid (text, (gssize)length);
}

/* ------------------------------------------------------------------------------------------ */
/* a round: what is sent, and its output cut into parts */

static const char * const part_names[FL_WIN_N_PARTS] = { "dsgetdc", "sc_query", "klist", "logonserver" };

const char *
fl_win_part_name (FlWinPart part)
{
  g_return_val_if_fail (part < FL_WIN_N_PARTS, "");
  return part_names[part];
}

/* a DNS name and nothing else: it goes into a command line */
static gboolean
is_dns_name (const char *s)
{
  gsize n = s ? strlen (s) : 0;

  if (n == 0 || n > 253 || s[0] == '.' || s[0] == '-')
    return FALSE;
  for (const char *p = s; *p; p++)
    if (!g_ascii_isalnum (*p) && *p != '.' && *p != '-')
      return FALSE;
  return TRUE;
}

/**
 * fl_win_round_script:
 * @domain: the lab's domain, a DNS name
 *
 * The PowerShell that asks the client for its views in one run: its output in UTF-8, each
 * command's output after a marker line ("@@failover-lab:dsgetdc", …).
 *
 * Returns: (transfer full) (nullable): the script, or %NULL when @domain is not a DNS name
 */
char *
fl_win_round_script (const char *domain)
{
  if (!is_dns_name (domain))
    return NULL;
  return g_strdup_printf ("[Console]::OutputEncoding = [System.Text.UTF8Encoding]::new($false)\n"
                          "$OutputEncoding = [Console]::OutputEncoding\n"
                          "'" FL_WIN_MARK "dsgetdc'\n"
                          "nltest /dsgetdc:%s /force\n"
                          "'" FL_WIN_MARK "sc_query'\n"
                          "nltest /sc_query:%s\n"
                          "'" FL_WIN_MARK "klist'\n"
                          "klist\n"
                          "'" FL_WIN_MARK "logonserver'\n"
                          "$env:LOGONSERVER\n", domain, domain);
}

/**
 * fl_win_powershell_encode:
 *
 * Returns: (transfer full): @script as `powershell -EncodedCommand` takes it: UTF-16LE, base64
 */
char *
fl_win_powershell_encode (const char *script)
{
  glong n = 0;
  g_autofree gunichar2 *utf16 = g_utf8_to_utf16 (script, -1, NULL, &n, NULL);
  g_autofree guint8 *le = NULL;

  g_return_val_if_fail (utf16 != NULL, NULL);
  le = g_new (guint8, (gsize)n * 2 + 1);
  for (glong i = 0; i < n; i++)
    {
      le[2 * i] = (guint8)(utf16[i] & 0xff);
      le[2 * i + 1] = (guint8)(utf16[i] >> 8);
    }
  return g_base64_encode (le, (gsize)n * 2);
}

/* powershell.exe running @script, as the guest agent is given it */
static GStrv
powershell_argv (const char *script)
{
  g_autofree char *encoded = fl_win_powershell_encode (script);
  g_autoptr(GStrvBuilder) b = g_strv_builder_new ();

  g_strv_builder_add_many (b, "powershell.exe", "-NoLogo", "-NoProfile", "-NonInteractive",
                           "-ExecutionPolicy", "Bypass", "-EncodedCommand", encoded, NULL);
  return g_strv_builder_end (b);
}

/**
 * fl_win_command_line:
 * @argv: a program and its arguments
 *
 * One Windows command line that CommandLineToArgvW (every Microsoft C runtime) splits back into
 * @argv: an argument with a space, a tab or a quote (or empty) is quoted, its quotes escaped and
 * the backslashes before a quote (or before its closing quote) doubled. What the Windows
 * client's OpenSSH server runs: its default shell (cmd or PowerShell) starts the program with
 * it. None of the program's own characters is given to the shell to interpret: the scripts go
 * as -EncodedCommand.
 *
 * Returns: (transfer full): the line
 */
char *
fl_win_command_line (const char * const *argv)
{
  GString *line = g_string_new (NULL);

  for (guint i = 0; argv != NULL && argv[i] != NULL; i++)
    {
      const char *a = argv[i];
      gboolean quote = *a == '\0' || strpbrk (a, " \t\"") != NULL;
      guint slashes = 0;

      if (i > 0)
        g_string_append_c (line, ' ');
      if (!quote)
        {
          g_string_append (line, a);
          continue;
        }
      g_string_append_c (line, '"');
      for (const char *p = a; ; p++)
        {
          if (*p == '\\')
            {
              slashes++;
              continue;
            }
          if (*p == '"' || *p == '\0')
            {
              /* backslashes before a quote, or before the closing one, are doubled */
              for (guint k = 0; k < slashes * 2; k++)
                g_string_append_c (line, '\\');
              if (*p == '\0')
                break;
              g_string_append (line, "\\\"");
            }
          else
            {
              for (guint k = 0; k < slashes; k++)
                g_string_append_c (line, '\\');
              g_string_append_c (line, *p);
            }
          slashes = 0;
        }
      g_string_append_c (line, '"');
    }
  return g_string_free (line, FALSE);
}

/**
 * fl_win_parse_chcp:
 * @text: what `chcp` printed ("Active code page: 932", "現在のコード ページ: 932")
 *
 * The label is localized, the number is not: the last run of digits after the last colon
 * (a half- or full-width colon). 65001 is UTF-8.
 *
 * Returns: the code page, or 0 when @text says none
 */
guint
fl_win_parse_chcp (const char *text)
{
  const char *colon = NULL;
  guint64 cp = 0;
  guint digits = 0;

  if (text == NULL)
    return 0;
  for (const char *p = text; *p && p - text < 4096; p = g_utf8_next_char (p))
    if (*p == ':' || g_str_has_prefix (p, "\xef\xbc\x9a"))   /* ":" or "：" */
      colon = p;
  if (colon == NULL)
    return 0;
  for (const char *p = colon; *p && *p != '\r' && *p != '\n'; p++)
    if (g_ascii_isdigit (*p))
      {
        if (++digits > 5)
          return 0;
        cp = cp * 10 + (guint64)(*p - '0');
      }
    else if (digits > 0)
      break;
  return cp > 0 && cp <= 65535 ? (guint)cp : 0;
}

/**
 * fl_win_round_argv:
 *
 * Returns: (transfer full) (nullable): the guest agent's command for one round
 */
GStrv
fl_win_round_argv (const char *domain)
{
  g_autofree char *script = fl_win_round_script (domain);

  return script ? powershell_argv (script) : NULL;
}

/**
 * fl_win_action_script:
 * @domain: the lab's domain, a DNS name
 *
 * The PowerShell for one action, its output in UTF-8: `ipconfig /flushdns`, `klist purge`,
 * `nltest /sc_reset:DOMAIN`, `gpupdate /force` then `gpresult /r /scope:computer`,
 * `Test-ComputerSecureChannel`, `Test-Path \\DOMAIN\SYSVOL`.
 *
 * Returns: (transfer full) (nullable): the script, or %NULL when @domain is not a DNS name
 */
char *
fl_win_action_script (FlWinAction  action,
                      const char  *domain)
{
  g_autofree char *command = NULL;

  if (!is_dns_name (domain))
    return NULL;
  switch (action)
    {
    case FL_WIN_ACTION_FLUSH_DNS:
      command = g_strdup ("ipconfig /flushdns");
      break;
    case FL_WIN_ACTION_PURGE_TICKETS:
      command = g_strdup ("klist purge");
      break;
    case FL_WIN_ACTION_RESET_CHANNEL:
      command = g_strdup_printf ("nltest /sc_reset:%s", domain);
      break;
    case FL_WIN_ACTION_GPUPDATE:
      command = g_strdup ("gpupdate /force\ngpresult /r /scope:computer");
      break;
    case FL_WIN_ACTION_TEST_CHANNEL:
      command = g_strdup ("Test-ComputerSecureChannel");
      break;
    case FL_WIN_ACTION_TEST_SYSVOL:
      command = g_strdup_printf ("Test-Path \\\\%s\\SYSVOL", domain);
      break;
    case FL_WIN_N_ACTIONS:
    default:
      g_return_val_if_reached (NULL);
    }
  return g_strdup_printf ("[Console]::OutputEncoding = [System.Text.UTF8Encoding]::new($false)\n"
                          "$OutputEncoding = [Console]::OutputEncoding\n"
                          "%s\n", command);
}

/**
 * fl_win_action_argv:
 *
 * Returns: (transfer full) (nullable): the guest agent's command for @action
 */
GStrv
fl_win_action_argv (FlWinAction  action,
                    const char  *domain)
{
  g_autofree char *script = fl_win_action_script (action, domain);

  return script ? powershell_argv (script) : NULL;
}

/**
 * fl_win_split_round:
 * @text: a round's output, valid UTF-8
 *
 * Returns: (transfer full): %FL_WIN_N_PARTS texts, each part's output ("" when its marker is
 *   missing: a cut or failed run)
 */
GStrv
fl_win_split_round (const char *text)
{
  GString *parts[FL_WIN_N_PARTS] = { NULL };
  GString *current = NULL;
  const char *p = text, *end = text + MIN (strlen (text), (gsize)FL_WIN_MAX_OUTPUT);
  GStrv out = g_new0 (char *, FL_WIN_N_PARTS + 1);

  while (p < end)
    {
      const char *nl = memchr (p, '\n', (gsize)(end - p));
      gsize len = nl ? (gsize)(nl - p) : (gsize)(end - p);
      gsize bare = len > 0 && p[len - 1] == '\r' ? len - 1 : len;
      gboolean marker = FALSE;

      if (bare > strlen (FL_WIN_MARK) && strncmp (p, FL_WIN_MARK, strlen (FL_WIN_MARK)) == 0)
        for (guint i = 0; i < FL_WIN_N_PARTS; i++)
          if (bare == strlen (FL_WIN_MARK) + strlen (part_names[i]) &&
              strncmp (p + strlen (FL_WIN_MARK), part_names[i], strlen (part_names[i])) == 0)
            {
              if (parts[i] == NULL)
                parts[i] = g_string_new (NULL);
              current = parts[i];
              marker = TRUE;
            }
      if (!marker && current != NULL)
        {
          g_string_append_len (current, p, (gssize)bare);
          g_string_append (current, "\r\n");
        }
      p += len + (nl ? 1 : 0);
    }
  for (guint i = 0; i < FL_WIN_N_PARTS; i++)
    out[i] = parts[i] ? g_string_free (parts[i], FALSE) : g_strdup ("");
  return out;
}

/**
 * fl_win_agent_text:
 * @out_data: (nullable): the guest agent's "out-data" as Proxmox VE returns it
 * @codepage: (nullable): the console's, when not UTF-8 (CP932 when none is given)
 *
 * Proxmox VE decodes the agent's base64 and JSON-encodes the bytes as if they were Latin-1:
 * a Japanese console's CP932 (or even UTF-8) arrives as U+0080…U+00FF characters. Text made
 * only of such characters is taken back to its bytes first, then decoded as console output.
 *
 * Returns: (transfer full): the text, valid UTF-8
 */
char *
fl_win_agent_text (const char *out_data,
                   const char *codepage)
{
  gsize n = out_data ? strnlen (out_data, (gsize)FL_WIN_MAX_OUTPUT * 2) : 0;
  g_autofree guint8 *bytes = NULL;
  gsize len = 0;
  gboolean latin1 = g_utf8_validate_len (out_data ? out_data : "", n, NULL);

  if (out_data == NULL)
    return g_strdup ("");
  bytes = g_new (guint8, n + 1);
  for (const char *p = out_data; latin1 && p < out_data + n; p = g_utf8_next_char (p))
    {
      gunichar c = g_utf8_get_char (p);

      if (c > 0xff)
        latin1 = FALSE;
      else
        bytes[len++] = (guint8)c;
    }
  if (latin1)
    return fl_win_decode_output (bytes, len, codepage);
  return fl_win_decode_output ((const guint8 *)out_data, n, codepage);
}

/* the text's lines, CR dropped, bounded */
static GStrv
lines_of (const char *text)
{
  g_auto(GStrv) raw = g_strsplit (text ? text : "", "\n", MAX_LINES);

  for (guint i = 0; raw[i] != NULL; i++)
    {
      gsize n = strlen (raw[i]);

      while (n > 0 && (raw[i][n - 1] == '\r' || raw[i][n - 1] == ' ' || raw[i][n - 1] == '\t'))
        raw[i][--n] = '\0';
    }
  return g_steal_pointer (&raw);
}

/* "Status = 1722 0x6ba RPC_S_SERVER_UNAVAILABLE" anywhere in @line */
static gboolean
parse_status (const char  *line,
              FlWinStatus *out)
{
  const char *p = strstr (line, "Status = ");
  char *end;
  guint64 code;

  if (p == NULL)
    return FALSE;
  p += strlen ("Status = ");
  code = g_ascii_strtoull (p, &end, 10);
  if (end == p || code > G_MAXUINT32)
    return FALSE;
  status_clear (out);
  out->known = TRUE;
  out->code = (guint32)code;
  p = end;
  while (*p == ' ')
    p++;
  if (g_str_has_prefix (p, "0x") || g_str_has_prefix (p, "0X"))
    {
      while (*p && *p != ' ')
        p++;
      while (*p == ' ')
        p++;
    }
  if (*p != '\0')
    {
      const char *q = p;

      while (*q && (g_ascii_isalnum (*q) || *q == '_'))
        q++;
      if (q > p)
        out->symbol = g_strndup (p, (gsize)(q - p));
    }
  for (guint i = 0; out->symbol == NULL && i < G_N_ELEMENTS (known_symbols); i++)
    if (known_symbols[i].code == out->code)
      out->symbol = g_strdup (known_symbols[i].symbol);
  return TRUE;
}

/* "… failed with ERROR_NO_SUCH_DOMAIN": a symbol without a "Status =" */
static gboolean
parse_bare_symbol (const char  *line,
                   FlWinStatus *out)
{
  for (guint i = 1; i < G_N_ELEMENTS (known_symbols); i++)
    if (strstr (line, known_symbols[i].symbol) != NULL)
      {
        status_clear (out);
        out->known = TRUE;
        out->code = known_symbols[i].code;
        out->symbol = g_strdup (known_symbols[i].symbol);
        return TRUE;
      }
  return FALSE;
}

/* the value after a label's colon (full-width colons too), or NULL */
static const char *
value_of (const char *line)
{
  const char *colon = strstr (line, ": ");
  const char *wide = strstr (line, "\xef\xbc\x9a");   /* ： */
  const char *v;

  if (wide != NULL && (colon == NULL || wide < colon))
    v = wide + 3;
  else if (colon != NULL)
    v = colon + 2;
  else
    return NULL;
  while (*v == ' ')
    v++;
  return v;
}

static gboolean
is_ip_literal (const char *s)
{
  g_autoptr(GInetAddress) a = g_inet_address_new_from_string (s);

  return a != NULL;
}

static gboolean
is_guid (const char *s)
{
  gsize n = strlen (s);

  if (n == 38 && s[0] == '{' && s[37] == '}')
    s++, n = 36;
  if (n != 36)
    return FALSE;
  for (gsize i = 0; i < 36; i++)
    if ((i == 8 || i == 13 || i == 18 || i == 23) ? s[i] != '-' : !g_ascii_isxdigit (s[i]))
      return FALSE;
  return TRUE;
}

/* "PDC GC DS LDAP KDC …": every word upper-case ASCII, and a DC's own flag among them */
static gboolean
is_ds_flags (const char *s)
{
  g_auto(GStrv) words = g_strsplit (s, " ", 64);
  gboolean dc_flag = FALSE;
  guint n = 0;

  for (guint i = 0; words[i] != NULL; i++)
    {
      if (*words[i] == '\0')
        continue;
      for (const char *p = words[i]; *p; p++)
        if (!(g_ascii_isupper (*p) || g_ascii_isdigit (*p) || *p == '_'))
          return FALSE;
      dc_flag |= g_str_equal (words[i], "DS") || g_str_equal (words[i], "KDC") ||
                 g_str_equal (words[i], "LDAP") || g_str_equal (words[i], "WRITABLE");
      n++;
    }
  return n > 0 && dc_flag;
}

static char *
strip_backslashes (const char *s)
{
  while (*s == '\\')
    s++;
  return g_strdup (s);
}

/**
 * fl_win_parse_dsgetdc:
 *
 * `nltest /dsgetdc:<domain> [/force]`.
 *
 * Returns: (transfer full): what it said; on a failure, a known non-zero status
 */
FlWinDsGetDc *
fl_win_parse_dsgetdc (const char *text)
{
  FlWinDsGetDc *r = g_new0 (FlWinDsGetDc, 1);
  g_auto(GStrv) lines = lines_of (text);
  g_autoptr(GPtrArray) after_guid = g_ptr_array_new_with_free_func (g_free);
  gboolean seen_guid = FALSE;

  for (guint i = 0; lines[i] != NULL; i++)
    {
      const char *v;

      if (parse_status (lines[i], &r->status) || (!r->status.known && parse_bare_symbol (lines[i], &r->status)))
        continue;
      v = value_of (lines[i]);
      if (v == NULL || *v == '\0')
        continue;
      if (g_str_has_prefix (v, "\\\\"))
        {
          g_autofree char *bare = strip_backslashes (v);

          if (is_ip_literal (bare) && r->address == NULL)
            r->address = g_steal_pointer (&bare);
          else if (r->dc == NULL && !is_ip_literal (bare))
            r->dc = g_steal_pointer (&bare);
          continue;
        }
      if (is_guid (v) && r->domain_guid == NULL)
        {
          r->domain_guid = g_strdup (v);
          seen_guid = TRUE;
          continue;
        }
      if (is_ds_flags (v) && r->flags == NULL)
        {
          r->flags = g_strsplit_set (v, " ", 64);
          continue;
        }
      if (seen_guid && after_guid->len < 4)
        g_ptr_array_add (after_guid, g_strdup (v));
    }

  /* Dom Name, Forest Name, Dc Site Name, Our Site Name: their place after the GUID */
  if (after_guid->len > 0)
    r->domain = g_strdup (after_guid->pdata[0]);
  if (after_guid->len > 1)
    r->forest = g_strdup (after_guid->pdata[1]);
  if (after_guid->len > 2)
    r->dc_site = g_strdup (after_guid->pdata[2]);
  if (after_guid->len > 3)
    r->client_site = g_strdup (after_guid->pdata[3]);

  if (r->flags == NULL)
    r->flags = g_new0 (char *, 1);
  else
    {
      /* two spaces make empty words: drop them */
      guint k = 0;

      for (guint i = 0; r->flags[i] != NULL; i++)
        if (*r->flags[i] != '\0')
          r->flags[k++] = r->flags[i];
        else
          g_free (r->flags[i]);
      r->flags[k] = NULL;
    }
  return r;
}

/**
 * fl_win_parse_sc_query:
 *
 * `nltest /sc_query:<domain>` (the cached secure channel) and `/sc_verify:<domain>` (checked
 * now: a second status, the verification's). A call that failed has only its status.
 *
 * Returns: (transfer full): what it said
 */
FlWinSecureChannel *
fl_win_parse_sc_query (const char *text)
{
  FlWinSecureChannel *r = g_new0 (FlWinSecureChannel, 1);
  g_auto(GStrv) lines = lines_of (text);
  guint n_status = 0;

  for (guint i = 0; lines[i] != NULL; i++)
    {
      const char *line = lines[i];
      const char *dc = strstr (line, "\\\\");
      FlWinStatus s = { 0 };

      if (parse_status (line, &s))
        {
          if (n_status++ == 0)
            r->connection = s;
          else if (n_status == 2)
            r->verification = s;
          else
            status_clear (&s);
          continue;
        }
      if (dc != NULL && r->trusted_dc == NULL)
        {
          const char *end = dc + 2;

          while (*end && *end != ' ' && *end != '\t')
            end++;
          r->trusted_dc = g_strndup (dc + 2, (gsize)(end - dc - 2));
          continue;
        }
      /* "Flags: 30 HAS_IP  HAS_TIMESERV": a hex number then flag words */
      if (strstr (line, "HAS_") != NULL)
        {
          const char *v = value_of (line);

          if (v != NULL)
            r->flags = (guint32)g_ascii_strtoull (v, NULL, 16);
        }
    }
  return r;
}

/* a host name: letters, digits, dots and dashes, with a dot */
static gboolean
is_host_name (const char *s)
{
  gboolean dot = FALSE;

  if (*s == '\0' || strlen (s) > 255)
    return FALSE;
  for (const char *p = s; *p; p++)
    {
      if (*p == '.')
        dot = TRUE;
      else if (!(g_ascii_isalnum (*p) || *p == '-'))
        return FALSE;
    }
  return dot;
}

/**
 * fl_win_parse_klist:
 *
 * `klist`: each ticket ("#N>") with its client and server ("name @ REALM"), its flags (after
 * "->") and the KDC called (the ticket's host-name value).
 *
 * Returns: (transfer full): the tickets, and which KDC issued the TGT and the newest service
 *   ticket
 */
FlWinKlist *
fl_win_parse_klist (const char *text)
{
  FlWinKlist *r = g_new0 (FlWinKlist, 1);
  g_auto(GStrv) lines = lines_of (text);
  FlWinTicket *t = NULL;

  r->tickets = g_ptr_array_new_with_free_func ((GDestroyNotify)ticket_free);
  for (guint i = 0; lines[i] != NULL; i++)
    {
      const char *line = lines[i];
      const char *v;

      while (*line == ' ' || *line == '\t')
        line++;
      if (line[0] == '#' && g_ascii_isdigit (line[1]) && strchr (line, '>') != NULL)
        {
          if (r->tickets->len >= MAX_TICKETS)
            break;
          t = g_new0 (FlWinTicket, 1);
          g_ptr_array_add (r->tickets, t);
          line = strchr (line, '>') + 1;
        }
      if (t == NULL)
        continue;
      if (strstr (line, " -> ") != NULL && t->flags == NULL)
        {
          t->flags = g_strsplit (strstr (line, " -> ") + 4, " ", 32);
          continue;
        }
      v = value_of (line);
      if (v == NULL)
        continue;
      if (strstr (v, " @ ") != NULL)
        {
          if (t->client == NULL)
            t->client = g_strdup (v);
          else if (t->server == NULL)
            t->server = g_strdup (v);
          continue;
        }
      if (is_host_name (v) && t->kdc_called == NULL)
        t->kdc_called = g_strdup (v);
    }

  for (guint i = 0; i < r->tickets->len; i++)
    {
      FlWinTicket *x = r->tickets->pdata[i];

      if (x->flags == NULL)
        x->flags = g_new0 (char *, 1);
      if (x->server == NULL || x->kdc_called == NULL)
        continue;
      if (g_str_has_prefix (x->server, "krbtgt/") && r->tgt_kdc == NULL)
        r->tgt_kdc = g_strdup (x->kdc_called);
      else if (!g_str_has_prefix (x->server, "krbtgt/") && r->service_kdc == NULL)
        r->service_kdc = g_strdup (x->kdc_called);
    }
  return r;
}

/**
 * fl_win_parse_logonserver:
 *
 * `$env:LOGONSERVER` (or `set L`): "\\DC01" → "DC01".
 *
 * Returns: (transfer full) (nullable): the DC at sign-in
 */
char *
fl_win_parse_logonserver (const char *text)
{
  g_auto(GStrv) lines = lines_of (text);

  for (guint i = 0; lines[i] != NULL; i++)
    {
      const char *p = strstr (lines[i], "\\\\");
      const char *end;

      if (p == NULL)
        continue;
      p += 2;
      end = p;
      while (*end && (g_ascii_isalnum (*end) || *end == '-' || *end == '.' || *end == '_'))
        end++;
      if (end > p)
        return g_strndup (p, (gsize)(end - p));
    }
  return NULL;
}

/**
 * fl_win_parse_answer:
 *
 * A PowerShell boolean alone on its line (`Test-ComputerSecureChannel`, `Test-Path`): the
 * last such line wins (VERBOSE lines before and after it are localized prose).
 *
 * Returns: true, false, or none when no line is exactly one of them
 */
FlWinAnswer
fl_win_parse_answer (const char *text)
{
  g_auto(GStrv) lines = lines_of (text);
  FlWinAnswer answer = FL_WIN_ANSWER_NONE;

  for (guint i = 0; lines[i] != NULL; i++)
    {
      const char *line = lines[i];

      while (*line == ' ' || *line == '\t')
        line++;
      if (g_ascii_strcasecmp (line, "True") == 0)
        answer = FL_WIN_ANSWER_TRUE;
      else if (g_ascii_strcasecmp (line, "False") == 0)
        answer = FL_WIN_ANSWER_FALSE;
    }
  return answer;
}

void
fl_win_gpupdate_free (FlWinGpupdate *self)
{
  if (self == NULL)
    return;
  g_free (self->applied_from);
  g_free (self);
}

/* gpupdate's result lines have no token to key on: its phrasings, in the languages the
 * classroom's Windows speaks; a failure's is checked first ("could not be updated
 * successfully" holds a success word) */
static const struct { FlWinGpResult result; const char *phrase; } gp_phrases[] = {
  { FL_WIN_GP_FAILURE, "could not be updated" },
  { FL_WIN_GP_FAILURE, "\xe3\x81\xa7\xe3\x81\x8d\xe3\x81\xbe\xe3\x81\x9b\xe3\x82\x93\xe3\x81\xa7\xe3\x81\x97\xe3\x81\x9f" },  /* できませんでした */
  { FL_WIN_GP_SUCCESS, "update has completed successfully" },
  { FL_WIN_GP_SUCCESS, "\xe6\xad\xa3\xe5\xb8\xb8\xe3\x81\xab\xe5\xae\x8c\xe4\xba\x86\xe3\x81\x97\xe3\x81\xbe\xe3\x81\x97\xe3\x81\x9f" },  /* 正常に完了しました */
};

static FlWinGpResult
gp_line_result (const char *line)
{
  g_autofree char *lower = g_ascii_strdown (line, -1);

  for (guint i = 0; i < G_N_ELEMENTS (gp_phrases); i++)
    if (strstr (lower, gp_phrases[i].phrase) != NULL)
      return gp_phrases[i].result;
  return FL_WIN_GP_UNKNOWN;
}

/**
 * fl_win_parse_gpupdate:
 *
 * `gpupdate /force`, and `gpresult /r` after it when present: the computer's and the user's
 * result lines (English or Japanese phrasing; one that is neither stays unknown, never a
 * failure), and the DC that served the policy: the first label's value that is a host name
 * (gpresult's "Group Policy was applied from:"; its other values are dates, DNs, NetBIOS names
 * and prose).
 *
 * Returns: (transfer full): what the text says
 */
FlWinGpupdate *
fl_win_parse_gpupdate (const char *text)
{
  FlWinGpupdate *r = g_new0 (FlWinGpupdate, 1);
  g_auto(GStrv) lines = lines_of (text);
  guint results = 0;

  for (guint i = 0; lines[i] != NULL; i++)
    {
      FlWinGpResult line = gp_line_result (lines[i]);
      const char *v;

      if (line != FL_WIN_GP_UNKNOWN)
        {
          if (results == 0)
            r->computer = line;
          else if (results == 1)
            r->user = line;
          results++;
          if (r->result != FL_WIN_GP_FAILURE)
            r->result = line;
          continue;
        }
      v = value_of (lines[i]);
      if (v != NULL && r->applied_from == NULL && is_host_name (v))
        r->applied_from = g_strdup (v);
    }
  return r;
}
