/* fl-cli-decode.c: failoverctl decode netlogon HEX|FILE|-
 *
 * Copyright 2026 The Failover Lab authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "failoverctl"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <json-glib/json-glib.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <errno.h>
#include <fcntl.h>

#include "fl-cldap.h"
#include "fl-cli-common.h"
#include "fl-netlogon.h"
#include "fl-win-output.h"

static GBytes *
read_input (const char  *arg,
            GError     **error)
{
  g_autofree char *contents = NULL;
  gsize len = 0;
  GBytes *hex;

  if (g_str_equal (arg, "-"))
    {
      g_autoptr(GByteArray) buf = g_byte_array_new ();
      guint8 chunk[4096];
      ssize_t n;

      while ((n = read (STDIN_FILENO, chunk, sizeof chunk)) > 0)
        g_byte_array_append (buf, chunk, (guint)n);
      len = buf->len;
      contents = (char *)g_byte_array_free (g_steal_pointer (&buf), FALSE);
    }
  else if (g_file_test (arg, G_FILE_TEST_IS_REGULAR))
    {
      if (!g_file_get_contents (arg, &contents, &len, error))
        return NULL;
    }
  else
    {
      hex = fl_hex_decode (arg, strlen (arg));
      if (hex == NULL)
        g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                     _("“%s” is neither a file nor hex bytes"), arg);
      return hex;
    }

  /* a file or stdin holds hex text or the raw bytes */
  hex = fl_hex_decode (contents, len);
  if (hex != NULL)
    return hex;
  return g_bytes_new_take (g_steal_pointer (&contents), len);
}

/* the bytes of FILE or stdin, as a Windows console wrote them; bounded */
static GBytes *
read_raw (const char  *arg,
          GError     **error)
{
  g_autoptr(GByteArray) buf = g_byte_array_new ();
  guint8 chunk[4096];
  ssize_t n;
  int fd = g_str_equal (arg, "-") ? STDIN_FILENO : open (arg, O_RDONLY | O_CLOEXEC);

  if (fd < 0)
    {
      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (errno), "%s: %s", arg, g_strerror (errno));
      return NULL;
    }
  while (buf->len <= FL_WIN_MAX_OUTPUT)
    {
      n = read (fd, chunk, sizeof chunk);
      if (n < 0 && errno == EINTR)
        continue;
      if (n < 0)
        {
          int saved = errno;

          if (fd != STDIN_FILENO)
            close (fd);
          g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved), "%s: %s", arg, g_strerror (saved));
          return NULL;
        }
      if (n == 0)
        break;
      g_byte_array_append (buf, chunk, (guint)n);
    }
  if (fd != STDIN_FILENO)
    close (fd);
  return g_byte_array_free_to_bytes (g_steal_pointer (&buf));
}

static void
add_field (JsonBuilder *b,
           const char  *key,
           const char  *value,
           gboolean     json)
{
  if (value == NULL)
    return;
  if (json)
    {
      json_builder_set_member_name (b, key);
      json_builder_add_string_value (b, value);
    }
  else
    {
      g_autofree char *safe = fl_cli_safe (value);

      printf ("%-14s %s\n", key, safe);
    }
}

static void
add_status (JsonBuilder       *b,
            const char        *key,
            const FlWinStatus *status,
            gboolean           json)
{
  g_autofree char *text = NULL;

  if (!status->known)
    return;
  text = g_strdup_printf ("%u %s", status->code, status->symbol ? status->symbol : "");
  if (json)
    {
      json_builder_set_member_name (b, key);
      json_builder_add_int_value (b, status->code);
      if (status->symbol != NULL)
        {
          g_autofree char *sym = g_strconcat (key, "_symbol", NULL);

          json_builder_set_member_name (b, sym);
          json_builder_add_string_value (b, status->symbol);
        }
    }
  else
    add_field (b, key, text, FALSE);
}

static const char * const windows_kinds[] = { "dsgetdc", "sc_query", "klist", "logonserver", "gpupdate",
                                               "test_channel", "test_path", NULL };

static const char *
gp_result_name (FlWinGpResult r)
{
  return r == FL_WIN_GP_SUCCESS ? "success" : r == FL_WIN_GP_FAILURE ? "failure" : NULL;
}

/* decode dsgetdc|sc_query|klist|logonserver|gpupdate|test_channel|test_path FILE|-: the Windows
 * client's outputs, in UTF-8 or the console's code page. Exit 1 when the output reports a
 * failure, 2 when nothing in it can be read as that command's output */
static int
decode_windows (const char *kind,
                const char *arg,
                gboolean    json)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) raw = read_raw (arg, &error);
  g_autoptr(JsonBuilder) b = json_builder_new ();
  g_autofree char *text = NULL;
  gboolean failed = FALSE, unreadable = FALSE;
  gsize len;
  const guint8 *data;

  if (raw == NULL)
    return fl_cli_fail ("%s", error->message);
  data = g_bytes_get_data (raw, &len);
  text = fl_win_decode_output (data, len, NULL);
  json_builder_begin_object (b);
  if (g_str_equal (kind, "dsgetdc"))
    {
      g_autoptr(FlWinDsGetDc) r = fl_win_parse_dsgetdc (text);
      g_autofree char *flags = g_strjoinv (" ", r->flags);

      add_status (b, "status", &r->status, json);
      add_field (b, "dc", r->dc, json);
      add_field (b, "address", r->address, json);
      add_field (b, "domain_guid", r->domain_guid, json);
      add_field (b, "domain", r->domain, json);
      add_field (b, "forest", r->forest, json);
      add_field (b, "dc_site", r->dc_site, json);
      add_field (b, "client_site", r->client_site, json);
      add_field (b, "flags", *flags ? flags : NULL, json);
      failed = r->status.known && r->status.code != 0;
      unreadable = !r->status.known && r->dc == NULL;
    }
  else if (g_str_equal (kind, "sc_query"))
    {
      g_autoptr(FlWinSecureChannel) r = fl_win_parse_sc_query (text);

      add_field (b, "trusted_dc", r->trusted_dc, json);
      add_status (b, "connection", &r->connection, json);
      add_status (b, "verification", &r->verification, json);
      failed = (r->connection.known && r->connection.code != 0) ||
               (r->verification.known && r->verification.code != 0);
      unreadable = !r->connection.known;
    }
  else if (g_str_equal (kind, "klist"))
    {
      g_autoptr(FlWinKlist) r = fl_win_parse_klist (text);

      add_field (b, "tgt_kdc", r->tgt_kdc, json);
      add_field (b, "service_kdc", r->service_kdc, json);
      for (guint i = 0; i < r->tickets->len; i++)
        {
          FlWinTicket *t = r->tickets->pdata[i];
          g_autofree char *key = g_strdup_printf ("ticket%u", i);
          g_autofree char *line = g_strdup_printf ("%s → %s (KDC %s)", t->client ? t->client : "?",
                                                   t->server ? t->server : "?",
                                                   t->kdc_called ? t->kdc_called : "?");

          add_field (b, key, line, json);
        }
      /* an empty cache is an answer, and no tickets to read */
      failed = r->tickets->len == 0;
    }
  else if (g_str_equal (kind, "gpupdate"))
    {
      g_autoptr(FlWinGpupdate) r = fl_win_parse_gpupdate (text);

      add_field (b, "result", gp_result_name (r->result), json);
      add_field (b, "computer", gp_result_name (r->computer), json);
      add_field (b, "user", gp_result_name (r->user), json);
      add_field (b, "applied_from", r->applied_from, json);
      failed = r->result == FL_WIN_GP_FAILURE;
      unreadable = r->result == FL_WIN_GP_UNKNOWN;
    }
  else if (g_str_equal (kind, "test_channel") || g_str_equal (kind, "test_path"))
    {
      FlWinAnswer a = fl_win_parse_answer (text);

      add_field (b, "answer", a == FL_WIN_ANSWER_TRUE ? "true" : a == FL_WIN_ANSWER_FALSE ? "false" : NULL, json);
      failed = a == FL_WIN_ANSWER_FALSE;
      unreadable = a == FL_WIN_ANSWER_NONE;
    }
  else
    {
      g_autofree char *dc = fl_win_parse_logonserver (text);

      add_field (b, "logon_server", dc, json);
      unreadable = dc == NULL;
    }
  json_builder_end_object (b);
  if (json)
    {
      g_autoptr(JsonNode) root = json_builder_get_root (b);

      fl_cli_print_json (root, TRUE);
    }
  if (unreadable)
    {
      g_printerr (_("Nothing in this input reads as the output of %s\n"), kind);
      return FL_EXIT_USAGE;
    }
  return failed ? FL_EXIT_PROBLEM : FL_EXIT_OK;
}

int
fl_cli_decode (int    argc,
               char **argv)
{
  gboolean json = FALSE;
  g_autoptr(GOptionContext) ctx =
    g_option_context_new (_("netlogon HEX|FILE|- | dsgetdc|sc_query|klist|logonserver|gpupdate|test_channel|test_path FILE|- — decode a capture"));
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) input = NULL;
  g_autoptr(GBytes) netlogon = NULL;
  g_autoptr(FlNetlogonReply) r = NULL;
  g_autofree char *guid = NULL;
  g_autofree char *flags = NULL;
  const GOptionEntry entries[] = {
    { "json", 0, 0, G_OPTION_ARG_NONE, &json, N_("Print JSON"), NULL },
    { NULL }
  };
  const guint8 *data;
  gsize len;

  g_option_context_set_translation_domain (ctx, GETTEXT_PACKAGE);
  g_option_context_add_main_entries (ctx, entries, GETTEXT_PACKAGE);
  g_option_context_set_description (ctx,
    _("The input is the netlogon attribute value (NETLOGON_SAM_LOGON_RESPONSE_EX), or a whole\n"
      "LDAP ping reply datagram, as hex text or raw bytes."));
  if (!g_option_context_parse (ctx, &argc, &argv, &error))
    return fl_cli_fail ("%s", error->message);
  if (argc == 3 && g_strv_contains (windows_kinds, argv[1]))
    return decode_windows (argv[1], argv[2], json);
  if (argc != 3 || !g_str_equal (argv[1], "netlogon"))
    return fl_cli_fail ("%s", _("usage: failoverctl decode netlogon HEX|FILE|-, or decode "
                                "dsgetdc|sc_query|klist|logonserver|gpupdate|test_channel|test_path FILE|- (a Windows client's "
                                "output, UTF-8 or its code page)"));

  input = read_input (argv[2], &error);
  if (input == NULL)
    return fl_cli_fail ("%s", error->message);

  /* a whole datagram starts with an LDAPMessage SEQUENCE; a blob with its opcode */
  data = g_bytes_get_data (input, &len);
  netlogon = fl_cldap_netlogon_from_capture (data, len, &error);
  if (netlogon == NULL)
    return fl_cli_fail_with (FL_EXIT_PROBLEM, "%s", error->message);
  data = g_bytes_get_data (netlogon, &len);

  r = fl_netlogon_decode (data, len, &error);
  if (r == NULL)
    return fl_cli_fail_with (FL_EXIT_PROBLEM, "%s", error->message);

  guid = fl_netlogon_guid_to_string (r->guid);
  flags = fl_netlogon_flags_to_string (r->flags);
  if (json)
    {
      g_autoptr(JsonBuilder) b = json_builder_new ();
      g_autoptr(JsonGenerator) gen = json_generator_new ();
      g_autoptr(JsonNode) root = NULL;
      g_autofree char *text = NULL;
      const struct { const char *key; const char *value; } fields[] = {
        { "response_type", fl_netlogon_opcode_to_string (r->opcode) }, { "guid", guid },
        { "flags_text", flags }, { "forest", r->forest }, { "domain", r->domain },
        { "domain_controller", r->dc_host }, { "pre_win2k_domain", r->netbios_domain },
        { "pre_win2k_hostname", r->netbios_computer }, { "user", r->user },
        { "server_site", r->dc_site }, { "client_site", r->client_site },
        { "dc_address", r->dc_address }, { "next_closest_site", r->next_closest_site },
      };

      json_builder_begin_object (b);
      for (guint i = 0; i < G_N_ELEMENTS (fields); i++)
        if (fields[i].value != NULL)
          {
            json_builder_set_member_name (b, fields[i].key);
            json_builder_add_string_value (b, fields[i].value);
          }
      json_builder_set_member_name (b, "opcode");
      json_builder_add_int_value (b, r->opcode);
      json_builder_set_member_name (b, "flags");
      json_builder_add_int_value (b, r->flags);
      json_builder_set_member_name (b, "nt_version");
      json_builder_add_int_value (b, r->nt_version);
      json_builder_set_member_name (b, "lmnt_token");
      json_builder_add_int_value (b, r->lm_nt_token);
      json_builder_set_member_name (b, "lm20_token");
      json_builder_add_int_value (b, r->lm20_token);
      json_builder_end_object (b);
      root = json_builder_get_root (b);
      json_generator_set_root (gen, root);
      json_generator_set_pretty (gen, TRUE);
      text = json_generator_to_data (gen, NULL);
      printf ("%s\n", text);
      return FL_EXIT_OK;
    }

  /* the labels of `net ads lookup`, so the outputs can be compared */
  printf ("Response Type: %s\n", fl_netlogon_opcode_to_string (r->opcode));
  printf ("GUID: %s\n", guid);
  printf ("Flags: 0x%x %s\n", r->flags, flags);
  printf ("Forest: %s\n", r->forest);
  printf ("Domain: %s\n", r->domain);
  printf ("Domain Controller: %s\n", r->dc_host);
  printf ("Pre-Win2k Domain: %s\n", r->netbios_domain);
  printf ("Pre-Win2k Hostname: %s\n", r->netbios_computer);
  if (r->user != NULL && *r->user)
    printf ("User name: %s\n", r->user);
  printf ("Server Site Name: %s\n", r->dc_site);
  printf ("Client Site Name: %s\n", r->client_site);
  if (r->dc_address != NULL)
    printf ("DC Address: %s\n", r->dc_address);
  if (r->next_closest_site != NULL)
    printf ("Next Closest Site Name: %s\n", r->next_closest_site);
  printf ("NT Version: %u\n", r->nt_version);
  printf ("LMNT Token: %.2x\n", r->lm_nt_token);
  printf ("LM20 Token: %.2x\n", r->lm20_token);
  return FL_EXIT_OK;
}
