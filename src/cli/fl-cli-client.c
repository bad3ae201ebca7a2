/* fl-cli-client.c: failoverctl client — the Windows client's own view, asked once, and the
 * actions a lesson runs on it (ipconfig /flushdns, klist purge, nltest /sc_reset, gpupdate,
 * Test-ComputerSecureChannel, Test-Path \\DOMAIN\SYSVOL), through the hypervisor's guest agent
 * or the client's OpenSSH server.
 *
 * Copyright 2026 The Failover Lab authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gi18n.h>
#include <json-glib/json-glib.h>
#include <stdio.h>

#include "fl-cli-common.h"
#include "fl-lab-enums.h"
#include "fl-lab-hypervisor.h"
#include "fl-lab-probe.h"
#include "fl-pve.h"
#include "fl-win-client.h"

typedef struct
{
  GPtrArray    *samples;
  GAsyncResult *result;
} Wait;

static void
on_sample (FlWinClient *client,
           FlSample    *sample,
           Wait        *w)
{
  g_ptr_array_add (w->samples, fl_sample_ref (sample));
}

static void
done (GObject      *object,
      GAsyncResult *result,
      gpointer      data)
{
  ((Wait *)data)->result = g_object_ref (result);
}

static char *
usage_verbs (void)
{
  g_autoptr(GString) s = g_string_new ("views");

  for (guint i = 0; i < FL_WIN_N_ACTIONS; i++)
    g_string_append_printf (s, "|%s", fl_win_action_to_string (i));
  return g_string_free (g_steal_pointer (&s), FALSE);
}

/* one round: each view as a line (or JSON samples), exit 1 when one could not be read */
static int
print_views (FlWinClient *client,
             gboolean     json)
{
  Wait w = { g_ptr_array_new_with_free_func ((GDestroyNotify)fl_sample_unref), NULL };
  g_autoptr(GPtrArray) samples = w.samples;
  g_autoptr(JsonBuilder) b = json_builder_new ();
  gboolean problem = FALSE;

  g_signal_connect (client, "sample", G_CALLBACK (on_sample), &w);
  fl_win_client_run_round (client);
  if (samples->len == 0 && fl_win_client_get_state (client) == FL_WIN_CLIENT_FAILED)
    return fl_cli_fail_with (FL_EXIT_PROBLEM, "%s", fl_win_client_get_message (client));
  /* the round ends with its samples, answered or skipped at its deadline */
  while (samples->len < 4)
    g_main_context_iteration (NULL, TRUE);
  g_signal_handlers_disconnect_by_data (client, &w);
  if (fl_win_client_get_state (client) == FL_WIN_CLIENT_UNTRUSTED && fl_win_client_get_ssh (client) != NULL &&
      fl_ssh_get_host_key_unknown (fl_win_client_get_ssh (client)) &&
      fl_ssh_get_host_fingerprint (fl_win_client_get_ssh (client)) != NULL)
    /* TRANSLATORS: %s: an SSH host key fingerprint (SHA256:…) */
    fprintf (stderr, _("failoverctl: once compared, trust it with --accept-host-key %s\n"),
             fl_ssh_get_host_fingerprint (fl_win_client_get_ssh (client)));

  json_builder_begin_array (b);
  for (guint i = 0; i < samples->len; i++)
    {
      FlSample *s = samples->pdata[i];
      const char *server = fl_sample_lookup_string (s, "server");
      g_autofree char *message = fl_cli_safe (fl_sample_get_message (s) ? fl_sample_get_message (s) : "");

      if (fl_sample_get_status (s) == FL_STATUS_FAIL || fl_sample_get_status (s) == FL_STATUS_TIMEOUT ||
          fl_sample_get_status (s) == FL_STATUS_SKIPPED)
        problem = problem || fl_sample_get_kind (s) != FL_CHECK_WIN_KDC;
      if (json)
        json_builder_add_value (b, fl_sample_to_json (s));
      else
        printf ("%-15s %-8s %-8s %s\n", fl_check_kind_to_string (fl_sample_get_kind (s)),
                fl_status_to_string (fl_sample_get_status (s)), server ? server : "-", message);
    }
  json_builder_end_array (b);
  if (json)
    {
      g_autoptr(JsonNode) root = json_builder_get_root (b);

      fl_cli_print_json (root, TRUE);
    }
  return problem ? FL_EXIT_PROBLEM : FL_EXIT_OK;
}

static int
run_action (FlWinClient *client,
            FlWinAction  action,
            gboolean     json)
{
  Wait w = { NULL, NULL };
  g_autoptr(GError) error = NULL;
  g_autoptr(FlWinActionResult) r = NULL;
  g_autofree char *summary = NULL;

  fl_win_client_run_action_async (client, action, NULL, done, &w);
  while (w.result == NULL)
    g_main_context_iteration (NULL, TRUE);
  r = fl_win_client_run_action_finish (client, w.result, &error);
  g_clear_object (&w.result);
  if (r == NULL)
    return fl_cli_fail_with (FL_EXIT_PROBLEM, "%s: %s", fl_win_action_get_command (action), error->message);
  if (json)
    {
      g_autoptr(JsonBuilder) b = json_builder_new ();
      g_autoptr(JsonNode) root = NULL;

      json_builder_begin_object (b);
      json_builder_set_member_name (b, "action");
      json_builder_add_string_value (b, fl_win_action_to_string (action));
      json_builder_set_member_name (b, "ok");
      json_builder_add_boolean_value (b, r->ok);
      json_builder_set_member_name (b, "summary");
      json_builder_add_string_value (b, r->summary);
      json_builder_set_member_name (b, "server");
      json_builder_add_string_value (b, r->server);
      json_builder_set_member_name (b, "latency_ms");
      json_builder_add_int_value (b, r->latency_us / 1000);
      json_builder_set_member_name (b, "output");
      json_builder_add_string_value (b, r->output);
      json_builder_end_object (b);
      root = json_builder_get_root (b);
      fl_cli_print_json (root, TRUE);
    }
  else
    {
      summary = fl_cli_safe (r->summary);
      printf ("%s (%s, %.1f s)\n", summary, fl_win_action_get_command (action), r->latency_us / 1e6);
      if (!r->ok)
        {
          g_autofree char *output = fl_cli_safe (r->output);

          printf ("%s\n", output);
        }
    }
  return r->ok ? FL_EXIT_OK : FL_EXIT_PROBLEM;
}

/* --accept-host-key for the client's OpenSSH server: connect once; a key that is not known
 * yet and shows the fingerprint the user named is remembered (one line appended to
 * known_hosts); a changed key never */
static gboolean
accept_client_key (FlSsh       *ssh,
                   const char  *fingerprint,
                   gboolean     quiet,
                   GError     **error)
{
  g_autoptr(GString) out = g_string_new (NULL);
  g_autoptr(GString) err = g_string_new (NULL);
  g_autoptr(GError) local = NULL;
  int status = 0;

  if (fl_ssh_run (ssh, "chcp.com", 0, out, err, &status, &local) ||
      !g_error_matches (local, FL_PVE_ERROR, FL_PVE_ERROR_HOST_KEY))
    return TRUE;   /* known already, or another problem the views will tell */
  if (!fl_ssh_get_host_key_unknown (ssh) || g_strcmp0 (fingerprint, fl_ssh_get_host_fingerprint (ssh)) != 0)
    {
      g_propagate_error (error, g_steal_pointer (&local));
      return FALSE;
    }
  if (!fl_ssh_accept_host_key (ssh, fingerprint, error))
    return FALSE;
  if (!quiet)
    printf (_("Host key %s accepted and remembered\n"), fingerprint);
  return TRUE;
}

static int client_main (FlCliOptions *o, int argc, char **argv);

int
fl_cli_client (int    argc,
               char **argv)
{
  FlCliOptions o = { 0 };
  int rc = client_main (&o, argc, argv);

  fl_cli_options_clear (&o);
  return rc;
}

static int
client_main (FlCliOptions  *op,
             int            argc,
             char         **argv)
{
  g_auto(FlCliActOptions) act = { 0 };
  g_autofree char *verbs = usage_verbs ();
  g_autofree char *summary = g_strdup_printf ("%s — %s", verbs, _("the Windows client's own view, and what a lesson runs on it"));
  g_autoptr(GOptionContext) ctx = g_option_context_new (summary);
  g_autoptr(GError) error = NULL;
  g_autoptr(FlLab) lab = NULL;
  g_autoptr(FlProbeConfig) config = NULL;
  g_auto(FlHypervisorOwned) hv = NULL;          /* released last: the client holds it */
  g_autoptr(FlWinClient) client = NULL;
  const GOptionEntry entries[] = {
    { "json", 0, 0, G_OPTION_ARG_NONE, &op->json, N_("Print JSON"), NULL },
    { NULL }
  };
  FlWinAction action = FL_WIN_N_ACTIONS;
  const char *node = NULL;
  gboolean connected;
  guint vmid = 0;

  g_option_context_set_translation_domain (ctx, GETTEXT_PACKAGE);
  g_option_context_add_main_entries (ctx, entries, GETTEXT_PACKAGE);
  fl_cli_add_act_options (ctx, &act);
  g_option_context_add_group (ctx, fl_cli_lab_options (op));
  if (!g_option_context_parse (ctx, &argc, &argv, &error))
    return fl_cli_fail ("%s", error->message);
  if (argc != 2 || (!g_str_equal (argv[1], "views") && !fl_win_action_from_string (argv[1], &action)))
    return fl_cli_fail (_("usage: failoverctl client --lab FILE %s"), verbs);

  lab = fl_cli_load_lab (op, &error);
  if (lab == NULL)
    return fl_cli_fail ("%s", error->message);
  if (!fl_lab_has_client (lab))
    return fl_cli_fail (_("The lab %s names no Windows client (its \"client\")"), fl_lab_get_name (lab));
  if (!fl_lab_client_is_remote (lab))
    return fl_cli_fail (_("%s is not reached through the guest agent or OpenSSH (client.access in the lab "
                          "file: \"guest-agent\" or \"ssh\")"),
                        fl_lab_get_client_name (lab));
  config = fl_lab_create_probe_config (lab, NULL, &error);
  if (config == NULL)
    return fl_cli_fail ("%s", error->message);
  if (!fl_lab_client_needs_hypervisor (lab))
    {
      g_autoptr(FlSsh) ssh = fl_lab_create_client_ssh (lab, NULL);

      if (act.accept_key != NULL && !accept_client_key (ssh, act.accept_key, op->json, &error))
        return fl_cli_fail_with (FL_EXIT_PROBLEM, "%s", error->message);
      client = fl_win_client_new_ssh (ssh, fl_lab_get_client_name (lab), config, fl_lab_get_client_codepage (lab));
    }
  else if (!fl_lab_get_client_vm (lab, &node, &vmid))
    return fl_cli_fail (_("The lab %s names no Windows client VM (its \"client\" with a vmid)"), fl_lab_get_name (lab));
  else
    {
      hv = fl_cli_open_hypervisor (lab, act.secret_file, act.accept_key, vmid, op->json, &connected, &error);
      if (hv == NULL)
        return fl_cli_fail_with (connected ? FL_EXIT_PROBLEM : FL_EXIT_USAGE, "%s", error->message);
      client = fl_win_client_new (hv, vmid, fl_lab_get_client_name (lab), config, fl_lab_get_client_codepage (lab));
    }
  if (action == FL_WIN_N_ACTIONS)
    return print_views (client, op->json);
  return run_action (client, action, op->json);
}
