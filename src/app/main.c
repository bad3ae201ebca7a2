/* main.c: failover-lab
 *
 * Copyright 2026 The Failover Lab authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <gio/gio.h>
#include <glib/gi18n.h>
#include <locale.h>
#include <malloc.h>
#include <unistd.h>

#include "fl-application.h"
#include "fl-probe-config.h"

int
main (int   argc,
      char *argv[])
{
  g_autoptr(FlApplication) app = NULL;
  int rc;

  /* many short-lived worker allocations: a few malloc arenas keep the resident size flat */
  mallopt (M_ARENA_MAX, 2);

  setlocale (LC_ALL, "");
  bindtextdomain (GETTEXT_PACKAGE, LOCALEDIR);
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  textdomain (GETTEXT_PACKAGE);

  /* run from the build tree without its schema, GSettings would abort: say how instead */
  {
    GSettingsSchemaSource *source = g_settings_schema_source_get_default ();
    g_autoptr(GSettingsSchema) schema =
      source ? g_settings_schema_source_lookup (source, "io.github.failoverlab.FailoverLab", TRUE) : NULL;

    if (schema == NULL)
      {
        g_printerr (_("failover-lab: its settings schema (io.github.failoverlab.FailoverLab) is not "
                      "installed. From a build folder, run it with “meson devenv -C _build "
                      "failover-lab”, or install it (meson install -C _build).\n"));
        return 1;
      }
  }

  /* before any thread: libldap's start-up lookups, the GSSAPI profile (see fl_probe_init) */
  fl_probe_init ();

  app = fl_application_new ();
  rc = g_application_run (G_APPLICATION (app), argc, argv);
  g_clear_object (&app);
  if (!fl_probe_shutdown ())
    _exit (rc);   /* a check still inside MIT krb5: leave without running its destructors */
  return rc;
}
