/* fl-cli-vm.c: failoverctl vm — the lab's VMs through its hypervisor, with the interlocks a
 * class needs: the last answering DC is not stopped by accident, a DC that has just come back
 * is given time to replicate, a snapshot rollback is not done without knowing what it costs.
 *
 * Copyright 2026 The Failover Lab authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gi18n.h>
#include <json-glib/json-glib.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "fl-checks.h"
#include "fl-cli-common.h"
#include "fl-lab-hypervisor.h"
#include "fl-lab-probe.h"
#include "fl-pve.h"
#include "fl-pve-client.h"
#include "fl-pve-ssh.h"

#define FL_EXIT_INTERLOCK 4

typedef enum
{
  VERB_STATUS,
  VERB_START,
  VERB_SHUTDOWN,
  VERB_STOP,
  VERB_REBOOT,
  VERB_UNPLUG,
  VERB_PLUG,
  VERB_SNAPSHOTS,
  VERB_ROLLBACK,
} Verb;

static const char * const verbs[] = {
  "status", "start", "shutdown", "stop", "reboot", "unplug", "plug", "snapshots", "rollback",
};

typedef struct
{
  GAsyncResult *result;
} Wait;

static void
done (GObject      *object,
      GAsyncResult *result,
      gpointer      data)
{
  ((Wait *)data)->result = g_object_ref (result);
}

static GAsyncResult *
wait (Wait *w)
{
  while (w->result == NULL)
    g_main_context_iteration (NULL, TRUE);
  return w->result;
}

static char *
read_secret (const char  *file,
             GError     **error)
{
  char *secret = NULL;

  if (file == NULL)
    return g_strdup (g_getenv ("FAILOVER_LAB_PVE_SECRET"));
  secret = fl_cli_read_secret_file (file, error);
  return secret != NULL ? g_strstrip (secret) : NULL;
}

static char *
format_uptime (gint64 s)
{
  if (s <= 0)
    return g_strdup ("—");
  if (s < 3600)
    return g_strdup_printf (_("%d min %02d s"), (int)(s / 60), (int)(s % 60));
  return g_strdup_printf (_("%d h %02d min"), (int)(s / 3600), (int)(s % 3600 / 60));
}

/* does any other DC of the lab answer an LDAP ping now? */
static gboolean
others_answer (FlProbeConfig *config,
               const char    *dc,
               GString       *silent)
{
  gboolean any = FALSE;

  for (guint i = 0; i < fl_probe_config_get_n_dcs (config); i++)
    {
      const FlProbeDc *other = fl_probe_config_get_dc (config, i);
      g_autoptr(FlSample) s = NULL;

      if (g_ascii_strcasecmp (other->name, dc) == 0)
        continue;
      s = fl_check_run (FL_CHECK_LDAP_PING, config, other, g_get_monotonic_time () + 1500 * 1000, NULL);
      if (fl_sample_get_status (s) == FL_STATUS_OK || fl_sample_get_status (s) == FL_STATUS_DEGRADED)
        any = TRUE;
      else
        g_string_append_printf (silent, "%s%s", silent->len ? ", " : "", other->name);
    }
  return any;
}

/* prints the object @b holds as one line of JSON: every string escaped by json-glib, never by
 * hand (server text can hold quotes, backslashes and control characters) */
static void
print_json (JsonBuilder *b)
{
  g_autoptr(JsonNode) root = json_builder_get_root (b);
  g_autofree char *text = json_to_string (root, FALSE);

  printf ("%s\n", text);
}

static void
print_state (const char *name,
             FlVmState  *st,
             gboolean    json)
{
  g_autofree char *uptime = format_uptime (st->uptime_s);

  if (json)
    {
      g_autoptr(JsonBuilder) b = json_builder_new ();

      json_builder_begin_object (b);
      json_builder_set_member_name (b, "vm");
      json_builder_add_string_value (b, name);
      json_builder_set_member_name (b, "vmid");
      json_builder_add_int_value (b, st->vmid);
      json_builder_set_member_name (b, "node");
      json_builder_add_string_value (b, st->node);
      json_builder_set_member_name (b, "status");
      json_builder_add_string_value (b, st->status);
      json_builder_set_member_name (b, "qmpstatus");
      json_builder_add_string_value (b, st->qmpstatus);
      json_builder_set_member_name (b, "uptime_s");
      json_builder_add_int_value (b, st->uptime_s);
      json_builder_set_member_name (b, "lock");
      st->lock ? json_builder_add_string_value (b, st->lock) : json_builder_add_null_value (b);
      json_builder_set_member_name (b, "ha_state");
      st->ha_state ? json_builder_add_string_value (b, st->ha_state) : json_builder_add_null_value (b);
      json_builder_set_member_name (b, "agent");
      json_builder_add_boolean_value (b, st->agent);
      json_builder_set_member_name (b, "link_down");
      json_builder_add_boolean_value (b, st->link_down);
      json_builder_end_object (b);
      print_json (b);
      return;
    }
  printf (_("%s (VM %u on %s): %s"), name, st->vmid, st->node ? st->node : "?", st->qmpstatus);
  if (st->lock != NULL)
    printf (_(", locked (%s)"), st->lock);
  printf ("\n");
  printf ("  %-12s %s\n", _("uptime"), uptime);
  printf ("  %-12s %s\n", _("network"), st->link_down ? _("cable pulled (link_down=1)") : _("plugged"));
  printf ("  %-12s %s\n", _("HA"), st->ha_managed ? st->ha_state : _("not managed"));
  printf ("  %-12s %s\n", _("guest agent"), st->agent ? _("enabled") : _("not configured"));
}

/* an action's outcome as JSON; @r is the Proxmox task's (none for the cable) */
static void
print_action (const char         *vm,
              guint               vmid,
              const char         *action,
              const FlTaskResult *r,
              gint64              t0)
{
  g_autoptr(JsonBuilder) b = json_builder_new ();

  json_builder_begin_object (b);
  json_builder_set_member_name (b, "vm");
  json_builder_add_string_value (b, vm);
  if (vmid != 0)
    {
      json_builder_set_member_name (b, "vmid");
      json_builder_add_int_value (b, vmid);
    }
  json_builder_set_member_name (b, "action");
  json_builder_add_string_value (b, action);
  if (r != NULL)
    {
      json_builder_set_member_name (b, "upid");
      json_builder_add_string_value (b, r->upid);
      json_builder_set_member_name (b, "exitstatus");
      json_builder_add_string_value (b, r->exitstatus);
    }
  json_builder_set_member_name (b, "seconds");
  json_builder_add_double_value (b, (g_get_monotonic_time () - t0) / 1e6);
  json_builder_end_object (b);
  print_json (b);
}

/* tells a running watch that a fault starts now: the detector measures from it */
static void
mark_fault (const char *dc,
            const char *note,
            gboolean    quiet)
{
  g_autoptr(GError) error = NULL;
  gint64 t;

  if (fl_cli_send_fault (NULL, dc, note, &t, &error))
    {
      g_autofree char *when = g_strdup_printf ("%" G_GINT64_FORMAT, t);

      if (!quiet)
        printf (_("Fault marked in the running watch (t=%s µs)\n"), when);
    }
  else if (!quiet && !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND))
    g_printerr (_("failoverctl: the fault was not marked: %s\n"), error->message);
}

static int vm_main (FlCliOptions *o, int argc, char **argv);

int
fl_cli_vm (int    argc,
           char **argv)
{
  FlCliOptions o = { 0 };
  int rc = vm_main (&o, argc, argv);

  fl_cli_options_clear (&o);
  return rc;
}

static int
vm_main (FlCliOptions  *op,
         int            argc,
         char         **argv)
{
  g_autofree char *secret_file = NULL;
  g_autofree char *accept_key = NULL;
  gboolean yes = FALSE, force = FALSE;
  int timeout_s = 0, guard_min = 15;
  g_autoptr(GOptionContext) ctx = g_option_context_new (_("VM status|start|shutdown|stop|reboot|unplug|plug|snapshots|rollback [SNAPSHOT] — the lab's VMs"));
  g_autoptr(GError) error = NULL;
  g_autoptr(FlLab) lab = NULL;
  g_auto(FlHypervisorOwned) hv = NULL;
  g_autofree char *secret = NULL;
  const GOptionEntry entries[] = {
    { "yes", 'y', 0, G_OPTION_ARG_NONE, &yes, N_("Pass the interlocks (total outage, a DC that just came back, rollback)"), NULL },
    { "force", 0, 0, G_OPTION_ARG_NONE, &force, N_("shutdown: power off if the guest has not stopped at the timeout"), NULL },
    { "timeout", 0, 0, G_OPTION_ARG_INT, &timeout_s, N_("shutdown: seconds the guest has (default 60)"), N_("S") },
    { "restart-guard", 0, 0, G_OPTION_ARG_INT, &guard_min,
      N_("Minutes a DC needs after coming back before another is broken (default 15)"), N_("MIN") },
    { "secret-file", 0, 0, G_OPTION_ARG_FILENAME, &secret_file,
      N_("Read the Proxmox token secret (or password) from FILE (or set FAILOVER_LAB_PVE_SECRET)"), N_("FILE") },
    { "accept-host-key", 0, 0, G_OPTION_ARG_STRING, &accept_key,
      N_("SSH: trust the node's host key if its fingerprint is this one (SHA256:…), and remember it"), N_("FINGERPRINT") },
    { "json", 0, 0, G_OPTION_ARG_NONE, &op->json, N_("Print JSON"), NULL },
    { NULL }
  };
  const char *name, *canonical = NULL, *snapshot = NULL;
  Verb verb = VERB_STATUS;
  gboolean found = FALSE, is_dc;
  guint vmid = 0;
  gint64 t0;

  g_option_context_set_translation_domain (ctx, GETTEXT_PACKAGE);
  g_option_context_add_main_entries (ctx, entries, GETTEXT_PACKAGE);
  g_option_context_add_group (ctx, fl_cli_lab_options (op));
  if (!g_option_context_parse (ctx, &argc, &argv, &error))
    return fl_cli_fail ("%s", error->message);
  if (argc < 3)
    return fl_cli_fail (_("usage: failoverctl vm --lab FILE VM status|start|shutdown|stop|reboot|unplug|plug|snapshots|rollback SNAPSHOT"));
  name = argv[1];
  for (guint i = 0; i < G_N_ELEMENTS (verbs); i++)
    if (g_str_equal (argv[2], verbs[i]))
      verb = (Verb)i, found = TRUE;
  if (!found)
    return fl_cli_fail (_("“%s” is not a VM action: status, start, shutdown, stop, reboot, unplug, plug, snapshots, rollback"), argv[2]);
  if (verb == VERB_ROLLBACK && (argc < 4 || (snapshot = argv[3]) == NULL))
    return fl_cli_fail (_("rollback: which snapshot? (failoverctl vm DC snapshots lists them)"));

  lab = fl_cli_load_lab (op, &error);
  if (lab == NULL)
    return fl_cli_fail ("%s", error->message);
  /* only the lab's own VMs */
  if (!fl_lab_find_vm (lab, name, &vmid, &canonical))
    return fl_cli_fail (_("“%s” is not a VM of this lab (%s): only the lab's DCs and client can be touched"),
                        name, fl_lab_get_name (lab));
  is_dc = fl_lab_lookup_controller (lab, name) != NULL;
  secret = read_secret (secret_file, &error);
  if (error != NULL)
    return fl_cli_fail ("--secret-file: %s", error->message);
  hv = fl_lab_create_hypervisor (lab, secret, &error);
  if (secret != NULL)
    explicit_bzero (secret, strlen (secret));
  if (hv == NULL)
    return fl_cli_fail ("%s", error->message);

  /* one look at the VM first: a second factor to type (ticket login), an unknown SSH host key
   * that the user named with --accept-host-key */
  {
    Wait w = { NULL };
    g_autoptr(FlVmState) st = NULL;

    fl_hypervisor_get_state_async (hv, vmid, NULL, done, &w);
    st = fl_hypervisor_get_state_finish (hv, wait (&w), &error);
    g_clear_object (&w.result);
    if (st == NULL && g_error_matches (error, FL_PVE_ERROR, FL_PVE_ERROR_TOTP_REQUIRED) &&
        FL_IS_PVE_CLIENT (hv) && isatty (0))
      {
        char code[64] = { 0 };

        fprintf (stderr, _("TOTP code for %s: "), fl_lab_get_hypervisor_user (lab));
        fflush (stderr);
        if (fgets (code, sizeof code, stdin) == NULL)
          return fl_cli_fail_with (FL_EXIT_PROBLEM, "%s", error->message);
        g_clear_error (&error);
        fl_pve_client_set_totp (FL_PVE_CLIENT (hv), g_strstrip (code));
      }
    else if (st == NULL && g_error_matches (error, FL_PVE_ERROR, FL_PVE_ERROR_HOST_KEY) && FL_IS_PVE_SSH (hv) &&
             accept_key != NULL && !fl_pve_ssh_get_host_key_changed (FL_PVE_SSH (hv)) &&
             g_strcmp0 (accept_key, fl_pve_ssh_get_host_fingerprint (FL_PVE_SSH (hv))) == 0)
      {
        g_clear_error (&error);
        if (!fl_pve_ssh_accept_host_key (FL_PVE_SSH (hv), &error))
          return fl_cli_fail_with (FL_EXIT_PROBLEM, "%s", error->message);
        if (!op->json)
          printf (_("Host key %s accepted and remembered\n"), accept_key);
      }
    else if (st == NULL)
      return fl_cli_fail_with (FL_EXIT_PROBLEM, "%s", error->message);
  }

  /* interlocks */
  if (!yes && is_dc && (verb == VERB_STOP || verb == VERB_SHUTDOWN || verb == VERB_UNPLUG || verb == VERB_REBOOT))
    {
      g_autoptr(FlProbeConfig) config = fl_lab_create_probe_config (lab, NULL, &error);
      g_autoptr(GString) silent = g_string_new (NULL);

      if (config == NULL)
        return fl_cli_fail ("%s", error->message);
      if (!others_answer (config, canonical, silent))
        {
          g_printerr (_("failoverctl: refused: no other DC answers (%s). %s %s is a total outage of the domain: "
                        "clients will have no logon server. Run again with --yes to do it anyway.\n"),
                      silent->len ? silent->str : _("there is none"), verbs[verb], canonical);
          return FL_EXIT_INTERLOCK;
        }
    }
  if (!yes && is_dc && verb != VERB_STATUS && verb != VERB_SNAPSHOTS && verb != VERB_PLUG &&
      verb != VERB_START && guard_min > 0)
    {
      /* another DC that came back a moment ago may not have replicated yet */
      for (guint i = 0; i < fl_lab_get_n_controllers (lab); i++)
        {
          FlLabController *c = fl_lab_get_controller (lab, i);
          const char *node = NULL;
          guint other = 0;
          Wait w = { NULL };
          g_autoptr(FlVmState) st = NULL;

          if (g_str_equal (fl_lab_controller_get_name (c), canonical) || !fl_lab_controller_get_vm (c, &node, &other))
            continue;
          fl_hypervisor_get_state_async (hv, other, NULL, done, &w);
          st = fl_hypervisor_get_state_finish (hv, wait (&w), NULL);
          g_clear_object (&w.result);
          if (st != NULL && g_strcmp0 (st->status, "running") == 0 && st->uptime_s < guard_min * 60)
            {
              g_autofree char *up = format_uptime (st->uptime_s);

              g_printerr (_("failoverctl: refused: %s came back %s ago; give it %d minutes to replicate before "
                            "breaking %s (--restart-guard), or run again with --yes.\n"),
                          fl_lab_controller_get_name (c), up, guard_min, canonical);
              return FL_EXIT_INTERLOCK;
            }
        }
    }
  if (!yes && verb == VERB_ROLLBACK)
    {
      g_printerr (_("failoverctl: refused: rolling %s back to “%s” also rolls back its machine-account and "
                    "trust passwords: expect “trust relationship failed” until they are reset (for a DC: USN "
                    "rollback protection, replication stops). Run again with --yes to do it anyway.\n"),
                  canonical, snapshot);
      return FL_EXIT_INTERLOCK;
    }

  t0 = g_get_monotonic_time ();
  switch (verb)
    {
    case VERB_STATUS:
      {
        Wait w = { NULL };
        g_autoptr(FlVmState) st = NULL;

        fl_hypervisor_get_state_async (hv, vmid, NULL, done, &w);
        st = fl_hypervisor_get_state_finish (hv, wait (&w), &error);
        g_clear_object (&w.result);
        if (st == NULL)
          return fl_cli_fail_with (FL_EXIT_PROBLEM, "%s: %s", canonical, error->message);
        print_state (canonical, st, op->json);
        return FL_EXIT_OK;
      }

    case VERB_SNAPSHOTS:
      {
        Wait w = { NULL };
        g_autoptr(GPtrArray) snaps = NULL;
        g_autoptr(JsonBuilder) b = json_builder_new ();

        fl_hypervisor_list_snapshots_async (hv, vmid, NULL, done, &w);
        snaps = fl_hypervisor_list_snapshots_finish (hv, wait (&w), &error);
        g_clear_object (&w.result);
        if (snaps == NULL)
          return fl_cli_fail_with (FL_EXIT_PROBLEM, "%s: %s", canonical, error->message);
        json_builder_begin_array (b);
        for (guint i = 0; i < snaps->len; i++)
          {
            FlVmSnapshot *s = snaps->pdata[i];
            g_autoptr(GDateTime) dt = s->snaptime ? g_date_time_new_from_unix_local (s->snaptime) : NULL;
            g_autofree char *when = dt ? g_date_time_format (dt, "%Y-%m-%d %H:%M:%S") : g_strdup ("");

            if (op->json)
              {
                json_builder_begin_object (b);
                json_builder_set_member_name (b, "name");
                json_builder_add_string_value (b, s->name);
                json_builder_set_member_name (b, "snaptime");
                json_builder_add_int_value (b, s->snaptime);
                json_builder_set_member_name (b, "vmstate");
                json_builder_add_boolean_value (b, s->vmstate);
                json_builder_set_member_name (b, "description");
                json_builder_add_string_value (b, s->description);
                json_builder_end_object (b);
              }
            else
              printf ("%-24s %-19s %s\n", s->name, when, s->description ? s->description : "");
          }
        json_builder_end_array (b);
        if (op->json)
          print_json (b);
        else if (snaps->len == 0)
          printf (_("%s has no snapshots\n"), canonical);
        return FL_EXIT_OK;
      }

    case VERB_UNPLUG:
    case VERB_PLUG:
      {
        Wait w = { NULL };
        g_autofree char *note = g_strdup_printf ("vm %s %s", verbs[verb], canonical);

        if (verb == VERB_UNPLUG && is_dc)
          mark_fault (canonical, note, op->json);
        fl_hypervisor_set_link_async (hv, vmid, verb == VERB_UNPLUG, NULL, done, &w);
        if (!fl_hypervisor_set_link_finish (hv, wait (&w), &error))
          {
            g_clear_object (&w.result);
            return fl_cli_fail_with (FL_EXIT_PROBLEM, "%s: %s: %s", canonical, verbs[verb], error->message);
          }
        g_clear_object (&w.result);
        if (op->json)
          print_action (canonical, 0, verbs[verb], NULL, t0);
        else
          printf (verb == VERB_UNPLUG ? _("%s: cable pulled (net0 link_down=1) in %.1f s\n")
                                      : _("%s: cable plugged in (net0) in %.1f s\n"),
                  canonical, (g_get_monotonic_time () - t0) / 1e6);
        return FL_EXIT_OK;
      }

    case VERB_START:
    case VERB_SHUTDOWN:
    case VERB_STOP:
    case VERB_REBOOT:
    case VERB_ROLLBACK:
    default:
      {
        Wait w = { NULL };
        g_autoptr(FlTaskResult) r = NULL;
        g_autofree char *note = g_strdup_printf ("vm %s %s", verbs[verb], canonical);
        FlVmAction action = verb == VERB_START ? FL_VM_ACTION_START : verb == VERB_SHUTDOWN ? FL_VM_ACTION_SHUTDOWN
                            : verb == VERB_STOP ? FL_VM_ACTION_STOP : FL_VM_ACTION_REBOOT;

        if (is_dc && verb != VERB_START)
          mark_fault (canonical, note, op->json);
        if (verb == VERB_ROLLBACK)
          {
            fl_hypervisor_rollback_async (hv, vmid, snapshot, NULL, done, &w);
            r = fl_hypervisor_rollback_finish (hv, wait (&w), &error);
          }
        else
          {
            fl_hypervisor_power_async (hv, vmid, action, timeout_s > 0 ? (guint)timeout_s : 0, force, NULL, done, &w);
            r = fl_hypervisor_power_finish (hv, wait (&w), &error);
          }
        g_clear_object (&w.result);
        if (r == NULL)
          {
            if (g_error_matches (error, FL_PVE_ERROR, FL_PVE_ERROR_TASK_FAILED))
              {
                g_printerr (_("failoverctl: %s: %s failed: %s\n"), canonical, verbs[verb], error->message);
                return FL_EXIT_PROBLEM;
              }
            return fl_cli_fail_with (FL_EXIT_PROBLEM, "%s: %s: %s", canonical, verbs[verb], error->message);
          }
        if (op->json)
          print_action (canonical, vmid, verbs[verb], r, t0);
        else
          printf (_("%s: %s — task %s in %.1f s (%s)\n"), canonical, verbs[verb], r->exitstatus,
                  (g_get_monotonic_time () - t0) / 1e6, r->upid);
        return FL_EXIT_OK;
      }
    }
}
