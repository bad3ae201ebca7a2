/* failoverctl.c: the command line of Failover Lab
 *
 * Copyright 2026 The Failover Lab authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "failoverctl"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <locale.h>
#include <malloc.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "fl-cli-common.h"
#include "fl-probe-config.h"

static const struct {
  const char *name;
  int       (*run) (int, char **);
  const char *help;
} commands[] = {
  { "check", fl_cli_check, N_("Run every check once and print a table (or --json)") },
  { "watch", fl_cli_watch, N_("Probe continuously: a live table, or --jsonl samples and events") },
  { "locate", fl_cli_locate, N_("Find a DC as nltest /dsgetdc:DOMAIN /force does") },
  { "fsmo", fl_cli_fsmo, N_("Show the five FSMO role owners, or move one: fsmo transfer ROLE --to DC") },
  { "decode", fl_cli_decode, N_("Decode a captured LDAP ping reply: decode netlogon HEX|FILE|-") },
  { "mark-fault", fl_cli_mark_fault, N_("Mark a fault now in a running watch (t_fault)") },
  { "exercise", fl_cli_exercise, N_("The guided exercises: exercise list | show ID|FILE | validate FILE…") },
  { "report", fl_cli_report, N_("A recording as one HTML report to keep (and its samples as CSV)") },
  { "client", fl_cli_client, N_("The Windows client's own views, and its actions: client views|flushdns|klist-purge|sc-reset|gpupdate|…") },
  { "vm", fl_cli_vm, N_("The lab's VMs through Proxmox VE: vm DC1 status|start|shutdown|stop|reboot|unplug|plug|…") },
};

static void
usage (FILE *out)
{
  fprintf (out, "%s\n\n", _("Usage: failoverctl COMMAND [OPTION…]"));
  fprintf (out, "%s\n", _("Observe Active Directory domain controllers the way a domain client does."));
  fprintf (out, "\n%s\n", _("Commands:"));
  for (guint i = 0; i < G_N_ELEMENTS (commands); i++)
    fprintf (out, "  %-11s %s\n", commands[i].name, _(commands[i].help));
  fprintf (out, "\n%s\n", _("Run “failoverctl COMMAND --help” for a command's options."));
  fprintf (out, "%s\n", _("Exit status: 0 all answered, 1 a check or VM action failed, 2 usage or lab "
                          "error, 3 no domain controller found, 4 refused by an interlock."));
}

int
main (int   argc,
      char *argv[])
{
  int rc;

  /* many short-lived worker allocations: a few malloc arenas instead of one per thread keep
   * the resident size of a long watch flat */
  mallopt (M_ARENA_MAX, 2);

  setlocale (LC_ALL, "");
  bindtextdomain (GETTEXT_PACKAGE, LOCALEDIR);
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  textdomain (GETTEXT_PACKAGE);
  g_set_prgname ("failoverctl");

  if (argc < 2 || g_str_equal (argv[1], "--help") || g_str_equal (argv[1], "-h") ||
      g_str_equal (argv[1], "help"))
    {
      usage (argc < 2 ? stderr : stdout);
      return argc < 2 ? FL_EXIT_USAGE : FL_EXIT_OK;
    }
  if (g_str_equal (argv[1], "--version"))
    {
      printf ("failoverctl %s\n", PACKAGE_VERSION);
      return FL_EXIT_OK;
    }

  fl_probe_init ();

  for (guint i = 0; i < G_N_ELEMENTS (commands); i++)
    if (g_str_equal (argv[1], commands[i].name))
      {
        g_autofree char *prgname = g_strdup_printf ("failoverctl %s", commands[i].name);

        g_set_prgname (prgname);
        rc = commands[i].run (argc - 1, argv + 1);
        if (!fl_probe_shutdown ())
          {
            /* a check still inside MIT krb5: leave without running its destructors */
            fflush (stdout);
            fflush (stderr);
            _exit (rc);
          }
        return rc;
      }

  fprintf (stderr, _("failoverctl: unknown command “%s”\n\n"), argv[1]);
  usage (stderr);
  return FL_EXIT_USAGE;
}
