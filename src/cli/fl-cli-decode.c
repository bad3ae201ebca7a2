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

#include "fl-cldap.h"
#include "fl-cli-common.h"
#include "fl-netlogon.h"

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

int
fl_cli_decode (int    argc,
               char **argv)
{
  gboolean json = FALSE;
  g_autoptr(GOptionContext) ctx =
    g_option_context_new (_("netlogon HEX|FILE|- — decode a captured LDAP ping reply"));
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
  if (argc != 3 || !g_str_equal (argv[1], "netlogon"))
    return fl_cli_fail ("%s", _("usage: failoverctl decode netlogon HEX|FILE|-"));

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
