/* pve-emulator-main.c: the Proxmox VE API emulator as a program.
 *
 *   pve-emulator --schema FILE --config FILE --cert PEM --key PEM [--listen ADDR] [--port N]
 *
 * Prints "listening https://ADDR:PORT fingerprint XX:…" on one line once it listens, then
 * serves until SIGTERM or SIGINT.
 *
 * Copyright 2026 The Failover Lab authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib-unix.h>
#include <stdio.h>

#include "pve-emulator.h"

static gboolean
quit (gpointer loop)
{
  g_main_loop_quit (loop);
  return G_SOURCE_REMOVE;
}

int
main (int   argc,
      char *argv[])
{
  g_autofree char *schema = NULL, *config = NULL, *cert = NULL, *key = NULL, *listen = NULL;
  int port = 8006;
  GOptionEntry entries[] = {
    { "schema", 0, 0, G_OPTION_ARG_FILENAME, &schema, "pve-api-schema-subset.json", "FILE" },
    { "config", 0, 0, G_OPTION_ARG_FILENAME, &config, "the emulated cluster (JSON)", "FILE" },
    { "cert", 0, 0, G_OPTION_ARG_FILENAME, &cert, "the server certificate (PEM)", "FILE" },
    { "key", 0, 0, G_OPTION_ARG_FILENAME, &key, "its private key (PEM)", "FILE" },
    { "listen", 0, 0, G_OPTION_ARG_STRING, &listen, "the address (default 127.0.0.1)", "ADDR" },
    { "port", 0, 0, G_OPTION_ARG_INT, &port, "the port (default 8006; 0: any free one)", "N" },
    { NULL }
  };
  g_autoptr(GOptionContext) context = g_option_context_new ("- a Proxmox VE API emulator for tests");
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GTlsCertificate) certificate = NULL;
  g_autoptr(PveEmulator) emulator = NULL;
  g_autoptr(GMainLoop) loop = g_main_loop_new (NULL, FALSE);

  g_option_context_add_main_entries (context, entries, NULL);
  if (!g_option_context_parse (context, &argc, &argv, &error) || schema == NULL || config == NULL ||
      cert == NULL || key == NULL)
    {
      g_printerr ("pve-emulator: %s\n", error ? error->message : "--schema, --config, --cert and --key are needed");
      return 2;
    }
  if (!json_parser_load_from_file (parser, config, &error) ||
      (certificate = g_tls_certificate_new_from_files (cert, key, &error)) == NULL ||
      (emulator = pve_emulator_new (schema, json_parser_get_root (parser), &error)) == NULL ||
      !pve_emulator_listen (emulator, listen ? listen : "127.0.0.1", (guint)port, certificate, &error))
    {
      g_printerr ("pve-emulator: %s\n", error->message);
      return 1;
    }
  printf ("listening https://%s:%u fingerprint %s\n", listen ? listen : "127.0.0.1",
          pve_emulator_get_port (emulator), pve_emulator_get_fingerprint (emulator));
  fflush (stdout);
  g_unix_signal_add (SIGTERM, quit, loop);
  g_unix_signal_add (SIGINT, quit, loop);
  g_main_loop_run (loop);
  return 0;
}
