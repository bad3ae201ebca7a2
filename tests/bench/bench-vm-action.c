/* bench-vm-action.c: what the REST client adds to a VM action, against the emulator on
 * loopback (TLS, token auth, the task followed to its end): the emulator's tasks take
 * step_ms; the rest is the client's round trips and its polling. Prints medians and p90 of
 * N cycles of stop+start and of status reads. Asserts nothing.
 *
 * Copyright 2026 The Failover Lab authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <stdio.h>
#include <stdlib.h>

#include "fl-pve-client.h"
#include "pve-emulator.h"

#define STEP_MS 20

static void
got (GObject      *object,
     GAsyncResult *result,
     gpointer      data)
{
  *(GAsyncResult **)data = g_object_ref (result);
}

static GAsyncResult *
wait_result (GAsyncResult **slot)
{
  while (*slot == NULL)
    g_main_context_iteration (NULL, TRUE);
  return *slot;
}

static int
cmp_double (const void *a,
            const void *b)
{
  double x = *(const double *)a, y = *(const double *)b;

  return (x > y) - (x < y);
}

static void
report (const char *what,
        double     *ms,
        guint       n)
{
  qsort (ms, n, sizeof *ms, cmp_double);
  printf ("%-44s median %7.1f ms   p90 %7.1f ms   (%u)\n", what, ms[n / 2], ms[n * 9 / 10], n);
}

int
main (int   argc,
      char *argv[])
{
  guint n = argc > 1 ? (guint)atoi (argv[1]) : 30;
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("fl-bench-pve-XXXXXX", &error);
  g_autofree char *cert = g_build_filename (dir, "pve-ssl.pem", NULL);
  g_autofree char *key = g_build_filename (dir, "pve-ssl.key", NULL);
  g_autofree char *url = NULL;
  g_autofree double *action_ms = g_new (double, n);
  g_autofree double *state_ms = g_new (double, n);
  g_autoptr(GTlsCertificate) tls = NULL;
  g_autoptr(JsonNode) config = NULL;
  g_autoptr(PveEmulator) emu = NULL;
  g_autoptr(FlPveClient) client = NULL;
  int status = 0;

  g_assert_true (g_spawn_sync (NULL, (char *[]) { (char *)g_getenv ("FL_PVE_MAKE_CERT"), dir, NULL }, NULL,
                               G_SPAWN_DEFAULT, NULL, NULL, NULL, NULL, &status, &error));
  tls = g_tls_certificate_new_from_files (cert, key, &error);
  g_assert_no_error (error);
  config = json_from_string ("{\"nodes\": [\"pve1\"], \"step_ms\": " G_STRINGIFY (STEP_MS) ","
                             " \"users\": {\"fl@pve\": {\"password\": \"x\", \"privs\": [\"*\"]}},"
                             " \"tokens\": {\"fl@pve!bench\": {\"secret\": \"11111111-2222-3333-4444-555555555555\","
                             "   \"privs\": [\"VM.Audit\", \"VM.PowerMgmt\"]}},"
                             " \"vms\": [{\"vmid\": 101, \"name\": \"DC1\"}]}", &error);
  emu = pve_emulator_new (g_getenv ("FL_PVE_SCHEMA"), config, &error);
  g_assert_no_error (error);
  g_assert_true (pve_emulator_listen (emu, "127.0.0.1", 0, tls, &error));
  url = g_strdup_printf ("https://127.0.0.1:%u", pve_emulator_get_port (emu));
  client = fl_pve_client_new (url, &error);
  g_assert_true (fl_pve_client_set_token (client, "fl@pve!bench", "11111111-2222-3333-4444-555555555555", &error));
  fl_pve_client_set_fingerprint (client, pve_emulator_get_fingerprint (emu));

  for (guint i = 0; i < n; i++)
    {
      g_autoptr(GAsyncResult) r1 = NULL, r2 = NULL, r3 = NULL;
      g_autoptr(FlTaskResult) a = NULL, b = NULL;
      g_autoptr(FlVmState) st = NULL;
      gint64 t0 = g_get_monotonic_time (), t1, t2;

      fl_hypervisor_power_async (FL_HYPERVISOR (client), 101, FL_VM_ACTION_STOP, 0, FALSE, NULL, got, &r1);
      a = fl_hypervisor_power_finish (FL_HYPERVISOR (client), wait_result (&r1), &error);
      g_assert_no_error (error);
      fl_hypervisor_power_async (FL_HYPERVISOR (client), 101, FL_VM_ACTION_START, 0, FALSE, NULL, got, &r2);
      b = fl_hypervisor_power_finish (FL_HYPERVISOR (client), wait_result (&r2), &error);
      g_assert_no_error (error);
      t1 = g_get_monotonic_time ();
      fl_hypervisor_get_state_async (FL_HYPERVISOR (client), 101, NULL, got, &r3);
      st = fl_hypervisor_get_state_finish (FL_HYPERVISOR (client), wait_result (&r3), &error);
      g_assert_no_error (error);
      t2 = g_get_monotonic_time ();
      /* two actions, each a task of STEP_MS in the emulator */
      action_ms[i] = ((t1 - t0) / 1000.0 - 2 * STEP_MS) / 2;
      state_ms[i] = (t2 - t1) / 1000.0;
    }
  printf ("REST API over TLS on loopback, token auth, emulator tasks of %d ms\n", STEP_MS);
  report ("action overhead (request, task followed to OK)", action_ms, n);
  report ("status read (status/current + config)", state_ms, n);
  {
    g_autofree char *rm = g_strdup_printf ("rm -rf '%s'", dir);

    (void)!system (rm);
  }
  return 0;
}
