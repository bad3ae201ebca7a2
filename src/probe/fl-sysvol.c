/* fl-sysvol.c: what the SYSVOL helper says, and GPT.INI, taken apart (pure functions)
 *
 * The helper (src/helper/failover-lab-sysvol.c) talks SMB through libsmbclient and prints what
 * it found, one line each, nothing else:
 *
 *   entries N                       folders listed in \\dc\SYSVOL\<domain>\Policies
 *   gpt {GUID} ERRNO [BASE64]       a GPO's GPT.INI: 0 and its bytes (none: empty), or the
 *                                   errno reading it
 *   error STEP ERRNO [BASE64]       share | policies | gpt failed; libsmbclient's own words
 *
 * Both are untrusted here: the output comes from a process that read a server's files, and
 * GPT.INI is a file on the DC. Sizes are capped, every field is checked.
 *
 * Copyright 2026 The Failover Lab authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <string.h>

#include <glib/gi18n-lib.h>

#include "fl-ldap-values.h"
#include "fl-probe-types.h"
#include "fl-sysvol.h"

#define MAX_LINES (FL_SYSVOL_MAX_GPOS + 8)

static void
gpo_free (gpointer data)
{
  FlSysvolGpo *gpo = data;

  g_free (gpo->guid);
  g_free (gpo);
}

void
fl_sysvol_reply_free (FlSysvolReply *reply)
{
  if (reply == NULL)
    return;
  g_free (reply->log);
  g_ptr_array_unref (reply->gpos);
  g_free (reply);
}

static gboolean
parse_errno (const char *text,
             int        *out)
{
  guint64 v;

  if (!g_ascii_string_to_unsigned (text, 10, 0, 4095, &v, NULL))
    return FALSE;
  *out = (int)v;
  return TRUE;
}

/* base64 from the helper: only its alphabet, bounded */
static GBytes *
decode_base64 (const char *text,
               gsize       max)
{
  gsize n = strlen (text);
  guchar *bytes;
  gsize length;

  if (n == 0 || n % 4 != 0 || n / 4 * 3 > max + 2)
    return NULL;
  for (gsize i = 0; i < n; i++)
    if (!g_ascii_isalnum (text[i]) && text[i] != '+' && text[i] != '/' &&
        !(text[i] == '=' && i + 2 >= n))
      return NULL;
  bytes = g_base64_decode (text, &length);
  if (length > max)
    {
      g_free (bytes);
      return NULL;
    }
  return g_bytes_new_take (bytes, length);
}

/* libsmbclient's words: valid UTF-8, one line, no control characters */
static char *
log_text (GBytes *bytes)
{
  gsize n;
  const char *data = g_bytes_get_data (bytes, &n);
  char *text = fl_ldap_value_text (data, MIN (n, 1024));

  for (char *p = text; p != NULL && *p != '\0'; p++)
    if ((guchar)*p < 0x20 || *p == 0x7f)
      *p = ' ';
  return g_strstrip (text);
}

static gboolean
malformed (GError    **error,
           guint       line,
           const char *what)
{
  g_set_error (error, FL_PROBE_ERROR, FL_PROBE_ERROR_MALFORMED,
               _("the SYSVOL helper's line %u is malformed: %s"), line, what);
  return FALSE;
}

static gboolean
parse_line (FlSysvolReply  *reply,
            const char     *line,
            guint           number,
            GError        **error)
{
  g_auto(GStrv) f = g_strsplit (line, " ", 5);
  guint n = g_strv_length (f);

  if (n == 0)   /* an empty line splits into nothing */
    return malformed (error, number, "an empty line");
  if (g_str_equal (f[0], "entries"))
    {
      guint64 v;

      if (n != 2 || !g_ascii_string_to_unsigned (f[1], 10, 0, 1000000, &v, NULL))
        return malformed (error, number, "entries");
      reply->n_entries = (guint)v;
      return TRUE;
    }
  if (g_str_equal (f[0], "gpt"))
    {
      FlSysvolGpo *gpo;
      int errnum;

      /* errno 0 and no bytes: an empty file */
      if (n < 3 || n > 4 || !fl_gpo_guid_is_valid (f[1]) || !parse_errno (f[2], &errnum) ||
          (errnum != 0 && n == 4))
        return malformed (error, number, "gpt");
      if (fl_sysvol_reply_lookup (reply, f[1]) != NULL)
        return malformed (error, number, "a GPO twice");
      if (reply->gpos->len >= FL_SYSVOL_MAX_GPOS)
        return malformed (error, number, "too many GPOs");
      gpo = g_new0 (FlSysvolGpo, 1);
      gpo->guid = g_ascii_strup (f[1], -1);
      gpo->error_number = errnum;
      g_ptr_array_add (reply->gpos, gpo);
      if (n == 4)
        {
          g_autoptr(GBytes) ini = decode_base64 (f[3], FL_GPT_INI_MAX);
          gsize len;
          const char *data;

          if (ini == NULL)
            return malformed (error, number, "GPT.INI is not base64");
          data = g_bytes_get_data (ini, &len);
          gpo->has_version = fl_gpt_ini_parse (data, len, &gpo->version, NULL);
        }
      return TRUE;
    }
  if (g_str_equal (f[0], "error"))
    {
      static const char * const steps[] = { "share", "policies", "gpt" };
      int errnum;

      if (reply->failed_step != FL_SYSVOL_STEP_NONE)
        return malformed (error, number, "a second error");
      if (n < 3 || n > 4 || !parse_errno (f[2], &errnum) || errnum == 0)
        return malformed (error, number, "error");
      for (guint i = 0; i < G_N_ELEMENTS (steps); i++)
        if (g_str_equal (f[1], steps[i]))
          reply->failed_step = FL_SYSVOL_STEP_SHARE + i;
      if (reply->failed_step == FL_SYSVOL_STEP_NONE)
        return malformed (error, number, "unknown step");
      reply->error_number = errnum;
      if (n == 4)
        {
          g_autoptr(GBytes) log = decode_base64 (f[3], 4096);

          if (log == NULL)
            return malformed (error, number, "its words are not base64");
          reply->log = log_text (log);
        }
      return TRUE;
    }
  return malformed (error, number, "unknown line");
}

/**
 * fl_sysvol_parse_reply:
 * @data: (array length=length): the helper's standard output, whole
 *
 * Returns: (transfer full) (nullable): what the helper found, or %NULL with @error
 *   (%FL_PROBE_ERROR_MALFORMED) when the output is not what it prints
 */
FlSysvolReply *
fl_sysvol_parse_reply (const char  *data,
                       gsize        length,
                       GError     **error)
{
  g_autoptr(FlSysvolReply) reply = g_new0 (FlSysvolReply, 1);
  g_autofree char *text = NULL;
  g_auto(GStrv) lines = NULL;
  guint n_lines = 0;

  reply->gpos = g_ptr_array_new_with_free_func (gpo_free);
  if (length > FL_SYSVOL_REPLY_MAX)
    {
      g_set_error (error, FL_PROBE_ERROR, FL_PROBE_ERROR_MALFORMED,
                   _("the SYSVOL helper said more than %u bytes"), FL_SYSVOL_REPLY_MAX);
      return NULL;
    }
  if (length == 0 || memchr (data, '\0', length) != NULL ||
      !g_str_is_ascii ((text = g_strndup (data, length))) || data[length - 1] != '\n')
    {
      g_set_error_literal (error, FL_PROBE_ERROR, FL_PROBE_ERROR_MALFORMED,
                           length == 0 ? _("the SYSVOL helper said nothing")
                                       : _("the SYSVOL helper's output is not lines of text"));
      return NULL;
    }
  text[length - 1] = '\0';
  lines = g_strsplit (text, "\n", MAX_LINES + 1);
  n_lines = g_strv_length (lines);
  if (n_lines == 0)
    return malformed (error, 1, "an empty line"), NULL;
  if (n_lines > MAX_LINES)
    {
      g_set_error (error, FL_PROBE_ERROR, FL_PROBE_ERROR_MALFORMED,
                   _("the SYSVOL helper said more than %u lines"), MAX_LINES);
      return NULL;
    }
  for (guint i = 0; i < n_lines; i++)
    if (!parse_line (reply, lines[i], i + 1, error))
      return NULL;
  return g_steal_pointer (&reply);
}

const FlSysvolGpo *
fl_sysvol_reply_lookup (const FlSysvolReply *reply,
                        const char          *guid)
{
  for (guint i = 0; i < reply->gpos->len; i++)
    {
      const FlSysvolGpo *gpo = g_ptr_array_index (reply->gpos, i);

      if (g_ascii_strcasecmp (gpo->guid, guid) == 0)
        return gpo;
    }
  return NULL;
}

/* GPT.INI is ANSI text as Windows writes it; some tools write UTF-16LE with a BOM, or UTF-8
 * with one. Only ASCII matters here ([General], Version=digits): keep the ASCII bytes. */
static char *
ini_ascii (const char *data,
           gsize       length)
{
  GString *s = g_string_sized_new (length);
  gsize i = 0, step = 1;

  if (length >= 2 && (guchar)data[0] == 0xff && (guchar)data[1] == 0xfe)
    i = 2, step = 2;
  else if (length >= 3 && memcmp (data, "\xef\xbb\xbf", 3) == 0)
    i = 3;
  for (; i < length; i += step)
    {
      guchar c = (guchar)data[i];

      if (step == 2 && (i + 1 >= length || data[i + 1] != '\0'))
        c = '?';
      g_string_append_c (s, c != '\0' && c < 0x80 ? (char)c : '?');
    }
  return g_string_free (s, FALSE);
}

/**
 * fl_gpt_ini_parse:
 * @data: (array length=length): a GPO's GPT.INI as read from SYSVOL
 * @version: (out): its [General] Version (user version << 16 | computer version)
 *
 * Returns: %TRUE, or %FALSE with @error when the file has no valid Version in [General]
 */
gboolean
fl_gpt_ini_parse (const char  *data,
                  gsize        length,
                  guint32     *version,
                  GError     **error)
{
  g_autofree char *text = NULL;
  g_auto(GStrv) lines = NULL;
  gboolean general = FALSE;

  if (length > FL_GPT_INI_MAX)
    {
      g_set_error (error, FL_PROBE_ERROR, FL_PROBE_ERROR_MALFORMED,
                   _("GPT.INI is larger than %u bytes"), FL_GPT_INI_MAX);
      return FALSE;
    }
  text = ini_ascii (data, length);
  lines = g_strsplit_set (text, "\r\n", -1);
  for (guint i = 0; lines[i] != NULL; i++)
    {
      char *line = g_strstrip (lines[i]);
      char *eq;

      if (line[0] == '[')
        {
          general = g_ascii_strcasecmp (line, "[General]") == 0;
          continue;
        }
      if (!general || (eq = strchr (line, '=')) == NULL)
        continue;
      *eq = '\0';
      if (g_ascii_strcasecmp (g_strstrip (line), "Version") == 0)
        {
          guint64 v;

          if (!g_ascii_string_to_unsigned (g_strstrip (eq + 1), 10, 0, G_MAXUINT32, &v, NULL))
            {
              g_set_error_literal (error, FL_PROBE_ERROR, FL_PROBE_ERROR_MALFORMED,
                                   _("GPT.INI's Version is not a number"));
              return FALSE;
            }
          *version = (guint32)v;
          return TRUE;
        }
    }
  g_set_error_literal (error, FL_PROBE_ERROR, FL_PROBE_ERROR_MALFORMED,
                       _("GPT.INI has no Version in [General]"));
  return FALSE;
}
