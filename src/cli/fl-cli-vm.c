/* fl-cli-vm.c: failoverctl vm — the lab's VMs through its hypervisor, with the interlocks a
 * class needs: the last answering DC is not stopped by accident, a DC that has just come back
 * is given time to replicate, a snapshot rollback is not done without knowing what it costs.
 * And failoverctl fsmo transfer, the lab's other change: a role moved by its holder, never
 * seized.
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
#include "fl-interlock.h"
#include "fl-lab-hypervisor.h"
#include "fl-lab-probe.h"
#include "fl-lab-session.h"
#include "fl-pve.h"

#define FL_EXIT_INTERLOCK 4

/* what `vm` is asked to do: read, or one of the lab actions (their nicks are the verbs) */
typedef enum
{
  VERB_STATUS,
  VERB_SNAPSHOTS,
  VERB_ACTION,
} Verb;

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

/* prints the object @b holds as one line of JSON */
static void
print_json (JsonBuilder *b)
{
  g_autoptr(JsonNode) root = json_builder_get_root (b);

  fl_cli_print_json (root, FALSE);
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

/**
 * fl_cli_open_hypervisor:
 * @vmid: a VM of the lab to look at once: a second factor to type (ticket login), an unknown
 *   SSH host key that the user named with --accept-host-key
 *
 * @connected: (out): set when the failure came from the hypervisor itself (exit 1), not from
 *   what the user gave (exit 2)
 *
 * Returns: (transfer full) (nullable): the lab's hypervisor, connected; free it with
 *   fl_hypervisor_release()
 */
FlHypervisor *
fl_cli_open_hypervisor (FlLab       *lab,
                        const char  *secret_file,
                        const char  *accept_key,
                        guint        vmid,
                        gboolean     quiet,
                        gboolean    *connected,
                        GError     **error)
{
  g_auto(FlHypervisorOwned) hv = NULL;
  g_autofree char *secret = NULL;
  g_autoptr(GError) local = NULL;
  g_autoptr(FlVmState) st = NULL;
  Wait w = { NULL };

  *connected = FALSE;
  secret = read_secret (secret_file, &local);
  if (local != NULL)
    {
      g_set_error (error, local->domain, local->code, "--secret-file: %s", local->message);
      return NULL;
    }
  hv = fl_lab_create_hypervisor (lab, secret, &local);
  if (secret != NULL)
    explicit_bzero (secret, strlen (secret));
  if (hv == NULL && g_error_matches (local, FL_PVE_ERROR, FL_PVE_ERROR_NO_SECRET))
    {
      g_set_error (error, FL_PVE_ERROR, FL_PVE_ERROR_NO_SECRET,
                   _("%s: set FAILOVER_LAB_PVE_SECRET or give --secret-file FILE (owner-only)"),
                   local->message);
      return NULL;
    }
  if (hv == NULL)
    {
      g_propagate_error (error, g_steal_pointer (&local));
      return NULL;
    }

  *connected = TRUE;
  fl_hypervisor_get_state_async (hv, vmid, NULL, done, &w);
  st = fl_hypervisor_get_state_finish (hv, wait (&w), &local);
  g_clear_object (&w.result);
  if (st == NULL && g_error_matches (local, FL_PVE_ERROR, FL_PVE_ERROR_TOTP_REQUIRED) && isatty (0))
    {
      char code[64] = { 0 };

      fprintf (stderr, _("TOTP code for %s: "), fl_lab_get_hypervisor_user (lab));
      fflush (stderr);
      if (fgets (code, sizeof code, stdin) == NULL)
        {
          g_propagate_error (error, g_steal_pointer (&local));
          return NULL;
        }
      if (!fl_hypervisor_set_second_factor (hv, g_strstrip (code)))
        {
          explicit_bzero (code, sizeof code);
          g_set_error_literal (error, FL_PVE_ERROR, FL_PVE_ERROR_TOTP_REQUIRED,
                               _("this hypervisor's login takes no second factor"));
          return NULL;
        }
      explicit_bzero (code, sizeof code);
    }
  else if (st == NULL && g_error_matches (local, FL_PVE_ERROR, FL_PVE_ERROR_HOST_KEY) &&
           accept_key != NULL && fl_hypervisor_peer_may_be_trusted (hv) &&
           g_strcmp0 (accept_key, fl_hypervisor_get_peer_fingerprint (hv)) == 0)
    {
      g_clear_error (&local);
      if (!fl_hypervisor_trust_peer (hv, accept_key, error))
        return NULL;
      if (!quiet)
        printf (_("Host key %s accepted and remembered\n"), accept_key);
    }
  else if (st == NULL)
    {
      g_propagate_error (error, g_steal_pointer (&local));
      return NULL;
    }
  return g_steal_pointer (&hv);
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
  g_auto(FlCliActOptions) act = { 0 };
  gboolean force = FALSE;
  int timeout_s = 0;
  g_autoptr(GOptionContext) ctx = g_option_context_new (_("VM status|start|shutdown|stop|reboot|unplug|plug|snapshots|rollback [SNAPSHOT] — the lab's VMs"));
  g_autoptr(GError) error = NULL;
  g_autoptr(FlLab) lab = NULL;
  g_auto(FlHypervisorOwned) hv = NULL;
  const GOptionEntry entries[] = {
    { "force", 0, 0, G_OPTION_ARG_NONE, &force, N_("shutdown: power off if the guest has not stopped at the timeout"), NULL },
    { "timeout", 0, 0, G_OPTION_ARG_INT, &timeout_s, N_("shutdown: seconds the guest has (default 60)"), N_("S") },
    { "json", 0, 0, G_OPTION_ARG_NONE, &op->json, N_("Print JSON"), NULL },
    { NULL }
  };
  const char *name, *canonical = NULL, *snapshot = NULL;
  Verb verb = VERB_STATUS;
  FlLabAction action = FL_N_LAB_ACTIONS;
  gboolean is_dc, connected;
  guint vmid = 0;
  gint64 t0;

  g_option_context_set_translation_domain (ctx, GETTEXT_PACKAGE);
  g_option_context_add_main_entries (ctx, entries, GETTEXT_PACKAGE);
  fl_cli_add_act_options (ctx, &act);
  g_option_context_add_group (ctx, fl_cli_lab_options (op));
  if (!g_option_context_parse (ctx, &argc, &argv, &error))
    return fl_cli_fail ("%s", error->message);
  if (argc < 3)
    return fl_cli_fail (_("usage: failoverctl vm --lab FILE VM status|start|shutdown|stop|reboot|unplug|plug|snapshots|rollback SNAPSHOT"));
  name = argv[1];
  if (g_str_equal (argv[2], "status"))
    verb = VERB_STATUS;
  else if (g_str_equal (argv[2], "snapshots"))
    verb = VERB_SNAPSHOTS;
  else if (fl_lab_action_from_string (argv[2], &action))
    verb = VERB_ACTION;
  else
    return fl_cli_fail (_("“%s” is not a VM action: status, start, shutdown, stop, reboot, unplug, plug, snapshots, rollback"), argv[2]);
  if (action == FL_LAB_ACTION_ROLLBACK && (argc < 4 || (snapshot = argv[3]) == NULL))
    return fl_cli_fail (_("rollback: which snapshot? (failoverctl vm DC snapshots lists them)"));

  lab = fl_cli_load_lab (op, &error);
  if (lab == NULL)
    return fl_cli_fail ("%s", error->message);
  /* only the lab's own VMs */
  if (!fl_lab_find_vm (lab, name, &vmid, &canonical))
    return fl_cli_fail (_("“%s” is not a VM of this lab (%s): only the lab's DCs and client can be touched"),
                        name, fl_lab_get_name (lab));
  is_dc = fl_lab_lookup_controller (lab, name) != NULL;
  hv = fl_cli_open_hypervisor (lab, act.secret_file, act.accept_key, vmid, op->json, &connected, &error);
  if (hv == NULL)
    return fl_cli_fail_with (connected ? FL_EXIT_PROBLEM : FL_EXIT_USAGE, "%s", error->message);

  /* a change goes through the lab session, as the window's do: the interlocks decided on one
   * look at the lab (every DC's LDAP ping, every VM's state), then again under the lab's lock
   * right before the action (a second process, or window, decides only once this action has
   * done its work) */
  if (verb == VERB_ACTION)
    {
      g_autoptr(FlProbeConfig) config = fl_lab_create_probe_config (lab, NULL, &error);
      g_autoptr(FlLabSession) session = NULL;
      g_autoptr(FlVerdict) verdict = NULL;
      g_autoptr(FlTaskResult) r = NULL;
      g_autofree char *why = NULL;
      g_autofree char *note = NULL;
      Wait w = { NULL };

      if (config == NULL)
        return fl_cli_fail ("%s", error->message);
      session = fl_lab_session_new (lab, config, hv, 16);
      fl_lab_session_set_restart_guard (session, act.guard_min > 0 ? (guint)act.guard_min : 0);
      fl_lab_session_set_shutdown (session, timeout_s > 0 ? (guint)timeout_s : 0, force);
      fl_lab_session_look_async (session, NULL, done, &w);
      fl_lab_session_look_finish (session, wait (&w), NULL);
      g_clear_object (&w.result);

      verdict = fl_lab_session_check_action (session, canonical, action);
      why = fl_verdict_describe (verdict);
      if (verdict->kind == FL_VERDICT_REFUSED)
        {
          g_printerr (_("failoverctl: refused: %s\n"), why);
          return FL_EXIT_INTERLOCK;
        }
      if (verdict->kind == FL_VERDICT_CONFIRM && !act.yes)
        {
          g_printerr (_("failoverctl: refused: %s %s\n"), fl_lab_action_to_string (action), canonical);
          g_printerr ("%s\n", why);
          if (verdict->reasons & FL_INTERLOCK_RESTART_GUARD)
            g_printerr (_("(--restart-guard sets the minutes; 0 turns the guard off.)\n"));
          g_printerr (_("Run again with --yes to do it anyway.\n"));
          return FL_EXIT_INTERLOCK;
        }

      note = g_strdup_printf ("vm %s %s", fl_lab_action_to_string (action), canonical);
      if (is_dc && fl_lab_action_takes_down (action))
        mark_fault (canonical, note, op->json);
      t0 = g_get_monotonic_time ();
      fl_lab_session_run_action_async (session, canonical, action, snapshot,
                                       act.yes ? FL_INTERLOCK_CONFIRMABLE : verdict->reasons, NULL, done, &w);
      r = fl_lab_session_run_action_finish (session, wait (&w), &error);
      g_clear_object (&w.result);
      if (r == NULL && g_error_matches (error, FL_LAB_SESSION_ERROR, FL_LAB_SESSION_ERROR_INTERLOCK))
        {
          g_printerr (_("failoverctl: not done, the lab changed: %s\n"), error->message);
          return FL_EXIT_INTERLOCK;
        }
      if (r == NULL && g_error_matches (error, FL_PVE_ERROR, FL_PVE_ERROR_TASK_FAILED))
        {
          g_printerr (_("failoverctl: %s: %s failed: %s\n"), canonical, fl_lab_action_to_string (action), error->message);
          return FL_EXIT_PROBLEM;
        }
      if (r == NULL)
        return fl_cli_fail_with (FL_EXIT_PROBLEM, "%s: %s: %s", canonical, fl_lab_action_to_string (action),
                                 error->message);
      if (op->json)
        print_action (canonical, action == FL_LAB_ACTION_UNPLUG || action == FL_LAB_ACTION_PLUG ? 0 : vmid,
                      fl_lab_action_to_string (action), action == FL_LAB_ACTION_UNPLUG || action == FL_LAB_ACTION_PLUG ? NULL : r, t0);
      else if (action == FL_LAB_ACTION_UNPLUG || action == FL_LAB_ACTION_PLUG)
        printf (action == FL_LAB_ACTION_UNPLUG ? _("%s: cable pulled (net0 link_down=1) in %.1f s\n")
                                               : _("%s: cable plugged in (net0) in %.1f s\n"),
                canonical, (g_get_monotonic_time () - t0) / 1e6);
      else
        printf (_("%s: %s — task %s in %.1f s (%s)\n"), canonical, fl_lab_action_to_string (action), r->exitstatus,
                (g_get_monotonic_time () - t0) / 1e6, r->upid);
      return FL_EXIT_OK;
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

    case VERB_ACTION:
    default:
      g_assert_not_reached ();
    }
}

/* --- fsmo transfer ---------------------------------------------------------------------------- */

/* {"role": "pdc", "from": "DC1", "holder": "DC2", "moved": true, "seconds": 0.8} */
static void
print_transfer (FlFsmoRole  role,
                const char *from,
                const char *holder,
                gboolean    moved,
                double      seconds)
{
  g_autoptr(JsonBuilder) b = json_builder_new ();

  json_builder_begin_object (b);
  json_builder_set_member_name (b, "role");
  json_builder_add_string_value (b, fl_fsmo_role_to_string (role));
  json_builder_set_member_name (b, "from");
  from ? json_builder_add_string_value (b, from) : json_builder_add_null_value (b);
  json_builder_set_member_name (b, "holder");
  json_builder_add_string_value (b, holder);
  json_builder_set_member_name (b, "moved");
  json_builder_add_boolean_value (b, moved);
  json_builder_set_member_name (b, "seconds");
  json_builder_add_double_value (b, seconds);
  json_builder_end_object (b);
  print_json (b);
}

/**
 * fl_cli_fsmo_transfer:
 *
 * failoverctl fsmo transfer ROLE --to DC: the lab looked at once (every DC's LDAP ping, the
 * roles' holders), the interlocks decided by the lab session, then the transfer under the
 * lab's lock, verified by reading fSMORoleOwner back from the DC that took it.
 */
int
fl_cli_fsmo_transfer (int    argc,
                      char **argv)
{
  g_autoptr(GOptionContext) ctx = g_option_context_new (_("ROLE --to DC — move an FSMO role to another DC (pdc, rid, infrastructure, naming, schema)"));
  g_auto(FlCliOptions) o = { 0 };
  g_autoptr(GError) error = NULL;
  g_autofree char *to = NULL;
  g_autoptr(FlLab) lab = NULL;
  g_autoptr(FlProbeConfig) config = NULL;
  g_autoptr(FlLabSession) session = NULL;
  g_autoptr(FlVerdict) verdict = NULL;
  g_autoptr(FlSample) roles = NULL;
  g_autofree char *holder = NULL;
  g_autofree char *from = NULL;
  gboolean yes = FALSE;
  int timeout_s = 120;
  const GOptionEntry entries[] = {
    { "to", 0, 0, G_OPTION_ARG_STRING, &to, N_("The DC that is to hold the role"), N_("DC") },
    { "timeout", 0, 0, G_OPTION_ARG_INT, &timeout_s, N_("Seconds the transfer may take (default 120)"), N_("S") },
    { "yes", 'y', 0, G_OPTION_ARG_NONE, &yes, N_("Go ahead when the interlocks ask for a confirmation"), NULL },
    { "json", 0, 0, G_OPTION_ARG_NONE, &o.json, N_("Print JSON"), NULL },
    { NULL }
  };
  FlFsmoRole role;
  Wait w = { NULL };
  gint64 t0;

  g_option_context_set_translation_domain (ctx, GETTEXT_PACKAGE);
  g_option_context_set_description (ctx, _("The lab's --user must be allowed to move the role: a member of Domain "
                                           "Admins (Enterprise Admins for naming and schema). Its password comes "
                                           "from --password-file or FAILOVER_LAB_PASSWORD.\n\nA role is moved only "
                                           "while its holder answers. Seizing a role from a holder that will never "
                                           "return is not done here."));
  g_option_context_add_main_entries (ctx, entries, GETTEXT_PACKAGE);
  g_option_context_add_group (ctx, fl_cli_lab_options (&o));
  if (!g_option_context_parse (ctx, &argc, &argv, &error))
    return fl_cli_fail ("%s", error->message);
  if (argc < 2 || to == NULL)
    return fl_cli_fail (_("usage: failoverctl fsmo transfer ROLE --to DC --lab FILE --user ADMIN@REALM"));
  if (!fl_fsmo_role_from_string (argv[1], &role))
    return fl_cli_fail (_("“%s” is not an FSMO role: pdc, rid, infrastructure, naming, schema"), argv[1]);
  if (timeout_s < 5 || timeout_s > 3600)
    return fl_cli_fail (_("--timeout: between 5 and 3600 seconds"));

  lab = fl_cli_load_lab (&o, &error);
  if (lab == NULL)
    return fl_cli_fail ("%s", error->message);
  if (fl_lab_lookup_controller (lab, to) == NULL)
    return fl_cli_fail (_("“%s” is not a DC of this lab (%s)"), to, fl_lab_get_name (lab));
  config = fl_cli_probe_config (&o, lab, &error);
  if (config == NULL)
    return fl_cli_fail ("%s", error->message);
  if (fl_probe_config_get_user (config) == NULL || fl_probe_config_get_password (config) == NULL)
    return fl_cli_fail (_("a role is moved as an administrator: give --user ADMIN@REALM and its password "
                          "(--password-file or FAILOVER_LAB_PASSWORD)"));

  /* one look at the lab: who answers, who holds the role */
  session = fl_lab_session_new (lab, config, NULL, 16);
  fl_lab_session_look_async (session, NULL, done, &w);
  fl_lab_session_look_finish (session, wait (&w), NULL);
  g_clear_object (&w.result);
  roles = fl_check_run (FL_CHECK_FSMO, config, NULL,
                        g_get_monotonic_time () + (gint64)fl_probe_config_get_deadline_ms (config) * 1000 * 4, NULL);
  fl_lab_session_add_sample (session, roles);
  from = g_strdup (fl_lab_session_get_fsmo_holder (session, role));

  verdict = fl_lab_session_check_transfer (session, role, to);
  if (verdict->kind == FL_VERDICT_ALLOWED && from != NULL && g_ascii_strcasecmp (from, to) == 0)
    {
      if (o.json)
        print_transfer (role, from, from, FALSE, 0);
      else
        printf (_("%s already holds the %s role\n"), from, fl_fsmo_role_to_label (role));
      return FL_EXIT_OK;
    }
  if (verdict->kind == FL_VERDICT_REFUSED || (verdict->kind == FL_VERDICT_CONFIRM && !yes))
    {
      g_autofree char *why = fl_verdict_describe (verdict);

      g_printerr (_("failoverctl: refused: move the %s role to %s\n"), fl_fsmo_role_to_label (role), verdict->vm);
      g_printerr ("%s\n", why);
      if (fl_sample_get_status (roles) != FL_STATUS_OK && fl_sample_get_message (roles) != NULL)
        {
          g_autofree char *text = fl_cli_safe (fl_sample_get_message (roles));

          g_printerr (_("(reading the roles: %s)\n"), text);
        }
      if (verdict->kind == FL_VERDICT_CONFIRM)
        g_printerr (_("Run again with --yes to do it anyway.\n"));
      return FL_EXIT_INTERLOCK;
    }

  t0 = g_get_monotonic_time ();
  fl_lab_session_transfer_role_async (session, role, verdict->vm, fl_probe_config_get_user (config),
                                      fl_probe_config_get_password (config), yes ? FL_INTERLOCK_CONFIRMABLE : 0,
                                      (guint)timeout_s * 1000, NULL, done, &w);
  holder = fl_lab_session_transfer_role_finish (session, wait (&w), &error);
  g_clear_object (&w.result);
  if (holder == NULL)
    return fl_cli_fail_with (FL_EXIT_PROBLEM, _("%s role to %s: %s"), fl_fsmo_role_to_label (role), verdict->vm,
                             error->message);

  if (o.json)
    print_transfer (role, from, holder, TRUE, (g_get_monotonic_time () - t0) / 1e6);
  else
    {
      g_autofree char *safe_from = fl_cli_safe (from ? from : "?");
      g_autofree char *safe_holder = fl_cli_safe (holder);

      /* TRANSLATORS: "PDC emulator: DC1 → DC2 in 2.1 s (fSMORoleOwner read back from DC2)" */
      printf (_("%s: %s → %s in %.1f s (fSMORoleOwner read back from %s)\n"), fl_fsmo_role_to_label (role),
              safe_from, safe_holder, (g_get_monotonic_time () - t0) / 1e6, verdict->vm);
    }
  return FL_EXIT_OK;
}
