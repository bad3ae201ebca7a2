/* test-pve-client.c: the Proxmox VE REST client against the emulator, on loopback: every
 * endpoint it uses, both auth methods, every error the issue names, TLS pinning.
 *
 * Copyright 2026 The Failover Lab authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <locale.h>
#include <string.h>

#include "fl-pve.h"
#include "fl-pve-client.h"
#include "fl-win-client.h"
#include "pve-emulator.h"
#include "fl-test-win-seen.h"

#define TOKEN_ID "failoverlab@pve!classroom"
#define TOKEN_SECRET "2c6b8b1e-7a39-4a0e-9d53-5d3f0f6a1b22"

static char *cert_dir;
static const char *schema_path;

typedef struct
{
  PveEmulator *emu;
  FlPveClient *client;
  char        *url;
} Fixture;

static const char config_json[] =
  "{"
  " \"version\": \"9.1.5\", \"nodes\": [\"pve1\", \"pve2\"], \"step_ms\": 50, \"lock_wait_ms\": 100,"
  " \"users\": {"
  "   \"root@pam\": {\"password\": \"rootpw\", \"privs\": [\"*\"]},"
  "   \"failoverlab@pve\": {\"password\": \"classpw\", \"privs\": [\"*\"]},"
  "   \"teacher@pve\": {\"password\": \"teachpw\", \"totp\": \"123456\", \"privs\": [\"*\"]},"
  "   \"auditor@pve\": {\"password\": \"auditpw\", \"privs\": [\"VM.Audit\"]}"
  " },"
  " \"tokens\": {"
  "   \"" TOKEN_ID "\": {\"secret\": \"" TOKEN_SECRET "\", \"privs\": [\"VM.Audit\", \"VM.PowerMgmt\","
  "       \"VM.Config.Network\", \"SDN.Use\", \"VM.Snapshot.Rollback\", \"VM.GuestAgent.Audit\","
  "       \"VM.GuestAgent.Unrestricted\"]},"
  "   \"failoverlab@pve!readonly\": {\"secret\": \"11111111-2222-3333-4444-555555555555\", \"privs\": [\"VM.Audit\"]}"
  " },"
  " \"vms\": ["
  "   {\"vmid\": 101, \"node\": \"pve1\", \"name\": \"DC1\", \"boot_s\": 0.2, \"shutdown_s\": 0.2,"
  "    \"net0\": \"virtio=BC:24:11:2E:C5:4A,bridge=vmbr0,firewall=1\","
  "    \"snapshots\": [{\"name\": \"before-lab\", \"snaptime\": 1700000000, \"vmstate\": 0, \"description\": \"clean\"}]},"
  "   {\"vmid\": 102, \"node\": \"pve2\", \"name\": \"DC2\", \"guest_shutdown\": false},"
  "   {\"vmid\": 103, \"node\": \"pve1\", \"name\": \"HA-DC\", \"ha\": true, \"ha_s\": 0.5},"
  "   {\"vmid\": 104, \"node\": \"pve1\", \"name\": \"WIN11\", \"boot_s\": 0.2, \"shutdown_s\": 0.2,"
  "    \"windows\": {\"domain\": \"test.local\", \"lang\": \"ja\", \"rebind_s\": 0.5, \"dcs\": ["
  "      {\"name\": \"DC1\", \"host\": \"dc1.test.local\", \"address\": \"10.231.7.11\", \"vmid\": 101},"
  "      {\"name\": \"DC2\", \"host\": \"dc2.test.local\", \"address\": \"10.231.7.12\", \"vmid\": 102}]}}"
  " ]"
  "}";

static void
fixture_setup (Fixture       *f,
               gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) config = json_from_string (config_json, &error);
  g_autofree char *cert = g_build_filename (cert_dir, "pve-ssl.pem", NULL);
  g_autofree char *key = g_build_filename (cert_dir, "pve-ssl.key", NULL);
  g_autoptr(GTlsCertificate) tls = g_tls_certificate_new_from_files (cert, key, &error);

  g_assert_no_error (error);
  f->emu = pve_emulator_new (schema_path, config, &error);
  g_assert_no_error (error);
  g_assert_true (pve_emulator_listen (f->emu, "127.0.0.1", 0, tls, &error));
  g_assert_no_error (error);
  f->url = g_strdup_printf ("https://127.0.0.1:%u", pve_emulator_get_port (f->emu));
  f->client = fl_pve_client_new (f->url, &error);
  g_assert_no_error (error);
  fl_pve_client_set_fingerprint (f->client, pve_emulator_get_fingerprint (f->emu));
  fl_pve_client_set_timing (f->client, 5, 20, 10);
  if (data == NULL)
    {
      g_assert_true (fl_pve_client_set_token (f->client, TOKEN_ID, TOKEN_SECRET, &error));
      g_assert_no_error (error);
    }
}

static void
fixture_teardown (Fixture       *f,
                  gconstpointer  data)
{
  g_assert_finalize_object (f->client);
  pve_emulator_free (f->emu);
  g_free (f->url);
}

/* runs the main loop until an async call has finished */
static GAsyncResult *
wait_result (GAsyncResult **slot)
{
  while (*slot == NULL)
    g_main_context_iteration (NULL, TRUE);
  return *slot;
}

static void
got (GObject      *object,
     GAsyncResult *result,
     gpointer      data)
{
  *(GAsyncResult **)data = g_object_ref (result);
}

static FlVmState *
get_state (Fixture  *f,
           guint     vmid,
           GError  **error)
{
  g_autoptr(GAsyncResult) r = NULL;

  fl_hypervisor_get_state_async (FL_HYPERVISOR (f->client), vmid, NULL, got, &r);
  return fl_hypervisor_get_state_finish (FL_HYPERVISOR (f->client), wait_result (&r), error);
}

static FlTaskResult *
power (Fixture     *f,
       guint        vmid,
       FlVmAction   action,
       guint        timeout_s,
       gboolean     force,
       GError     **error)
{
  g_autoptr(GAsyncResult) r = NULL;

  fl_hypervisor_power_async (FL_HYPERVISOR (f->client), vmid, action, timeout_s, force, NULL, got, &r);
  return fl_hypervisor_power_finish (FL_HYPERVISOR (f->client), wait_result (&r), error);
}

static JsonNode *
call (Fixture             *f,
      const char          *method,
      const char          *path,
      const char * const  *params,
      GError             **error)
{
  g_autoptr(GAsyncResult) r = NULL;

  fl_pve_client_call_async (f->client, method, path, params, NULL, got, &r);
  return fl_pve_client_call_finish (f->client, wait_result (&r), error);
}

static void
spin_ms (guint ms)
{
  gint64 end = g_get_monotonic_time () + ms * 1000;

  while (g_get_monotonic_time () < end)
    g_main_context_iteration (NULL, FALSE), g_usleep (2000);
}

static void
test_state_and_list (Fixture       *f,
                     gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(FlVmState) st = get_state (f, 101, &error);
  g_autoptr(GAsyncResult) r = NULL;
  g_autoptr(GPtrArray) vms = NULL;

  g_assert_no_error (error);
  g_assert_cmpstr (st->status, ==, "running");
  g_assert_cmpstr (st->qmpstatus, ==, "running");
  g_assert_cmpstr (st->name, ==, "DC1");
  g_assert_cmpstr (st->node, ==, "pve1");
  g_assert_true (st->agent);
  g_assert_false (st->link_down);
  g_assert_false (st->ha_managed);

  fl_hypervisor_list_vms_async (FL_HYPERVISOR (f->client), NULL, got, &r);
  vms = fl_hypervisor_list_vms_finish (FL_HYPERVISOR (f->client), wait_result (&r), &error);
  g_assert_no_error (error);
  g_assert_cmpuint (vms->len, ==, 4);
  /* the node is found through /cluster/resources when the lab does not say it */
  {
    g_autoptr(FlVmState) dc2 = get_state (f, 102, &error);

    g_assert_no_error (error);
    g_assert_cmpstr (dc2->node, ==, "pve2");
  }
  /* no such VM */
  g_assert_null (get_state (f, 999, &error));
  g_assert_error (error, FL_PVE_ERROR, FL_PVE_ERROR_PARAMETER);
}

static void
test_power_cycle (Fixture       *f,
                  gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(FlTaskResult) stop = power (f, 101, FL_VM_ACTION_STOP, 0, FALSE, &error);
  g_autoptr(FlTaskResult) again = NULL;
  g_autoptr(FlTaskResult) start = NULL;
  g_autoptr(FlTaskResult) twice = NULL;
  FlPveUpid upid;

  g_assert_no_error (error);
  g_assert_cmpstr (stop->exitstatus, ==, "OK");
  g_assert_true (fl_pve_upid_parse (stop->upid, &upid));
  g_assert_cmpstr (upid.type, ==, "qmstop");
  g_assert_cmpstr (upid.user, ==, TOKEN_ID);
  fl_pve_upid_clear (&upid);
  g_assert_cmpstr (pve_emulator_get_state (f->emu, 101), ==, "stopped");

  /* stopping a stopped VM is fine */
  again = power (f, 101, FL_VM_ACTION_STOP, 0, FALSE, &error);
  g_assert_no_error (error);

  start = power (f, 101, FL_VM_ACTION_START, 0, FALSE, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (pve_emulator_get_state (f->emu, 101), ==, "running");

  /* the HTTP call succeeds, the task fails */
  twice = power (f, 101, FL_VM_ACTION_START, 0, FALSE, &error);
  g_assert_null (twice);
  g_assert_error (error, FL_PVE_ERROR, FL_PVE_ERROR_TASK_FAILED);
  g_assert_cmpstr (error->message, ==, "VM 101 already running");
}

static void
test_shutdown_timeout (Fixture       *f,
                       gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(FlTaskResult) polite = NULL;
  g_autoptr(FlTaskResult) forced = NULL;
  g_autoptr(FlTaskResult) clean = NULL;

  /* DC2 ignores ACPI: the shutdown times out, the VM keeps running */
  polite = power (f, 102, FL_VM_ACTION_SHUTDOWN, 1, FALSE, &error);
  g_assert_null (polite);
  g_assert_error (error, FL_PVE_ERROR, FL_PVE_ERROR_TASK_FAILED);
  g_assert_cmpstr (error->message, ==, "VM quit/powerdown failed - got timeout");
  g_assert_cmpstr (pve_emulator_get_state (f->emu, 102), ==, "running");
  g_clear_error (&error);

  /* forceStop: success with a warning */
  forced = power (f, 102, FL_VM_ACTION_SHUTDOWN, 1, TRUE, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (forced->exitstatus, ==, "WARNINGS: 1");
  g_assert_cmpstr (pve_emulator_get_state (f->emu, 102), ==, "stopped");

  /* DC1 honours it */
  clean = power (f, 101, FL_VM_ACTION_SHUTDOWN, 10, FALSE, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (clean->exitstatus, ==, "OK");
  g_assert_cmpstr (pve_emulator_get_state (f->emu, 101), ==, "stopped");
}

static void
test_errors (Fixture       *f,
             gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(FlTaskResult) stop = NULL;

  /* locked: the task says so */
  pve_emulator_set_vm_lock (f->emu, 101, "backup");
  g_assert_null (power (f, 101, FL_VM_ACTION_STOP, 0, FALSE, &error));
  g_assert_error (error, FL_PVE_ERROR, FL_PVE_ERROR_TASK_FAILED);
  g_assert_cmpstr (error->message, ==, "VM is locked (backup)");
  g_clear_error (&error);
  pve_emulator_set_vm_lock (f->emu, 101, NULL);

  /* reboot of a stopped VM: a synchronous 500 */
  stop = power (f, 101, FL_VM_ACTION_STOP, 0, FALSE, &error);
  g_assert_no_error (error);
  g_assert_null (power (f, 101, FL_VM_ACTION_REBOOT, 0, FALSE, &error));
  g_assert_error (error, FL_PVE_ERROR, FL_PVE_ERROR_SERVER);
  g_assert_cmpstr (error->message, ==, "VM 101 not running");
  g_clear_error (&error);

  /* the node is down behind the proxy */
  pve_emulator_set_node_down (f->emu, "pve2", TRUE);
  {
    g_autoptr(FlVmState) st = get_state (f, 102, &error);

    g_assert_null (st);
    g_assert_error (error, FL_PVE_ERROR, FL_PVE_ERROR_NODE_UNREACHABLE);
    g_clear_error (&error);
  }
  pve_emulator_set_node_down (f->emu, "pve2", FALSE);

  /* an unknown path, a parameter the schema does not accept */
  g_assert_null (call (f, "GET", "/nodes/pve1/qemu/101/nonsense", NULL, &error));
  g_assert_error (error, FL_PVE_ERROR, FL_PVE_ERROR_NOT_IMPLEMENTED);
  g_clear_error (&error);
  g_assert_null (call (f, "POST", "/nodes/pve1/qemu/101/status/shutdown", (const char *[]) { "forceStop", "true", NULL },
                       &error));
  g_assert_error (error, FL_PVE_ERROR, FL_PVE_ERROR_PARAMETER);
  g_assert_nonnull (strstr (error->message, "forceStop: type check ('boolean') failed - got 'true'"));
  g_clear_error (&error);

  /* someone changed the config meanwhile: the digest refuses the write */
  g_assert_null (call (f, "PUT", "/nodes/pve1/qemu/101/config",
                       (const char *[]) { "net0", "virtio=BC:24:11:2E:C5:4A,bridge=vmbr0", "digest",
                                          "0000000000000000000000000000000000000000", NULL }, &error));
  g_assert_error (error, FL_PVE_ERROR, FL_PVE_ERROR_SERVER);
  g_assert_cmpstr (error->message, ==, "checksum mismatch (file change by other user?)");
}

static void
test_permissions (Fixture       *f,
                  gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(FlVmState) st = NULL;

  /* a read-only token: 403 naming the privilege */
  g_assert_true (fl_pve_client_set_token (f->client, "failoverlab@pve!readonly", "11111111-2222-3333-4444-555555555555", &error));
  st = get_state (f, 101, &error);
  g_assert_no_error (error);
  g_assert_null (power (f, 101, FL_VM_ACTION_STOP, 0, FALSE, &error));
  g_assert_error (error, FL_PVE_ERROR, FL_PVE_ERROR_PERMISSION);
  g_assert_nonnull (strstr (error->message, "VM.PowerMgmt"));
  g_assert_nonnull (strstr (error->message, "/vms/101"));
  g_clear_error (&error);
  g_assert_cmpstr (pve_emulator_get_state (f->emu, 101), ==, "running");

  /* a wrong secret: 401 */
  g_assert_true (fl_pve_client_set_token (f->client, TOKEN_ID, "99999999-2222-3333-4444-555555555555", &error));
  g_assert_null (get_state (f, 101, &error));
  g_assert_error (error, FL_PVE_ERROR, FL_PVE_ERROR_AUTH);
  g_clear_error (&error);

  /* the usual mix-ups are caught before anything is sent */
  g_assert_false (fl_pve_client_set_token (f->client, "classroom", TOKEN_SECRET, &error));
  g_assert_error (error, FL_PVE_ERROR, FL_PVE_ERROR_PARAMETER);
  g_clear_error (&error);
  g_assert_false (fl_pve_client_set_token (f->client, "PVEAPIToken=failoverlab@pve!classroom", TOKEN_SECRET, &error));
  g_assert_error (error, FL_PVE_ERROR, FL_PVE_ERROR_PARAMETER);
}

static void
test_link_and_snapshots (Fixture       *f,
                         gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GAsyncResult) r1 = NULL, r2 = NULL, r3 = NULL, r4 = NULL;
  g_autoptr(GPtrArray) snaps = NULL;
  g_autoptr(FlTaskResult) rolled = NULL;
  g_autoptr(FlVmState) st = NULL;
  FlVmSnapshot *s;

  fl_hypervisor_set_link_async (FL_HYPERVISOR (f->client), 101, TRUE, NULL, got, &r1);
  { gboolean ok_ = fl_hypervisor_set_link_finish (FL_HYPERVISOR (f->client), wait_result (&r1), &error); g_assert_no_error (error); g_assert_true (ok_); }
  g_assert_no_error (error);
  /* the MAC and model kept: no new adapter for Windows */
  g_assert_cmpstr (pve_emulator_get_net0 (f->emu, 101), ==, "virtio=BC:24:11:2E:C5:4A,bridge=vmbr0,firewall=1,link_down=1");
  st = get_state (f, 101, &error);
  g_assert_true (st->link_down);
  fl_hypervisor_set_link_async (FL_HYPERVISOR (f->client), 101, FALSE, NULL, got, &r2);
  { gboolean ok_ = fl_hypervisor_set_link_finish (FL_HYPERVISOR (f->client), wait_result (&r2), &error); g_assert_no_error (error); g_assert_true (ok_); }
  g_assert_cmpstr (pve_emulator_get_net0 (f->emu, 101), ==, "virtio=BC:24:11:2E:C5:4A,bridge=vmbr0,firewall=1");

  fl_hypervisor_list_snapshots_async (FL_HYPERVISOR (f->client), 101, NULL, got, &r3);
  snaps = fl_hypervisor_list_snapshots_finish (FL_HYPERVISOR (f->client), wait_result (&r3), &error);
  g_assert_no_error (error);
  g_assert_cmpuint (snaps->len, ==, 1);   /* "current" is not a snapshot */
  s = snaps->pdata[0];
  g_assert_cmpstr (s->name, ==, "before-lab");
  g_assert_cmpint (s->snaptime, ==, 1700000000);

  /* a rollback hard-stops the running VM, which stays off (no RAM state) */
  fl_hypervisor_rollback_async (FL_HYPERVISOR (f->client), 101, "before-lab", NULL, got, &r4);
  rolled = fl_hypervisor_rollback_finish (FL_HYPERVISOR (f->client), wait_result (&r4), &error);
  g_assert_no_error (error);
  g_assert_cmpstr (rolled->exitstatus, ==, "OK");
  g_assert_cmpstr (pve_emulator_get_state (f->emu, 101), ==, "stopped");
  {
    g_autoptr(GAsyncResult) r5 = NULL;

    fl_hypervisor_rollback_async (FL_HYPERVISOR (f->client), 101, "no-such", NULL, got, &r5);
    g_assert_null (fl_hypervisor_rollback_finish (FL_HYPERVISOR (f->client), wait_result (&r5), &error));
    g_assert_error (error, FL_PVE_ERROR, FL_PVE_ERROR_TASK_FAILED);
    g_assert_cmpstr (error->message, ==, "snapshot 'no-such' does not exist");
  }
}

static void
test_agent (Fixture       *f,
            gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GAsyncResult) r1 = NULL, r2 = NULL, r3 = NULL;
  g_autoptr(FlAgentResult) out = NULL;
  g_autoptr(FlTaskResult) stop = NULL;

  fl_hypervisor_agent_ping_async (FL_HYPERVISOR (f->client), 101, NULL, got, &r1);
  { gboolean ok_ = fl_hypervisor_agent_ping_finish (FL_HYPERVISOR (f->client), wait_result (&r1), &error); g_assert_no_error (error); g_assert_true (ok_); }
  g_assert_no_error (error);

  fl_hypervisor_agent_exec_async (FL_HYPERVISOR (f->client), 101, (const char *[]) { "cmd.exe", "/c", "hostname", NULL },
                                  5, NULL, got, &r2);
  out = fl_hypervisor_agent_exec_finish (FL_HYPERVISOR (f->client), wait_result (&r2), &error);
  g_assert_no_error (error);
  g_assert_cmpint (out->exitcode, ==, 0);
  g_assert_cmpstr (out->out_data, ==, "DC1\r\n");

  stop = power (f, 101, FL_VM_ACTION_STOP, 0, FALSE, &error);
  fl_hypervisor_agent_ping_async (FL_HYPERVISOR (f->client), 101, NULL, got, &r3);
  g_assert_false (fl_hypervisor_agent_ping_finish (FL_HYPERVISOR (f->client), wait_result (&r3), &error));
  g_assert_error (error, FL_PVE_ERROR, FL_PVE_ERROR_SERVER);
  g_assert_cmpstr (error->message, ==, "VM 101 is not running");
}

static void
test_win_client (Fixture       *f,
                 gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(FlProbeConfig) config = fl_probe_config_new ("test.local", "TEST.LOCAL");
  g_autoptr(FlWinClient) client = NULL;
  g_autoptr(FlTaskResult) stop = NULL, off = NULL;
  g_autoptr(FlPveClient) readonly = NULL;
  g_autoptr(FlWinClient) denied = NULL;
  WinSeen seen = { g_hash_table_new_full (g_str_hash, g_str_equal, NULL, (GDestroyNotify)fl_sample_unref), 0 };
  WinSeen seen_denied = { g_hash_table_new_full (g_str_hash, g_str_equal, NULL, (GDestroyNotify)fl_sample_unref), 0 };
  gint64 deadline;

  fl_probe_config_add_dc (config, "DC1", "dc1.test.local", "10.231.7.11", NULL);
  fl_probe_config_add_dc (config, "DC2", "dc2.test.local", "10.231.7.12", NULL);
  client = fl_win_client_new (FL_HYPERVISOR (f->client), 104, "WIN11", config, NULL);
  g_signal_connect (client, "sample", G_CALLBACK (on_win_sample), &seen);
  fl_win_client_start (client, 60000, 10000);   /* a round now; the next ones when asked */
  while (seen.n < 4)
    g_main_context_iteration (NULL, TRUE);

  /* Japanese Windows, CP932 through Proxmox VE's Latin-1 (the code page asked once with
   * chcp): read as DC1 everywhere */
  g_assert_cmpint (fl_win_client_get_state (client), ==, FL_WIN_CLIENT_ANSWERING);
  g_assert_cmpstr (fl_win_client_get_codepage (client), ==, "CP932");
  expect_view (&seen, "win_locator", FL_STATUS_OK, "DC1");
  expect_view (&seen, "secure_channel", FL_STATUS_OK, "DC1");
  expect_view (&seen, "win_logon", FL_STATUS_OK, "DC1");
  expect_view (&seen, "win_kdc", FL_STATUS_SKIPPED, NULL);

  /* DC1 stops: the locator moves at once, the secure channel fails with 1722 until its rebind
   * delay (0.5 s here) has passed, LOGONSERVER stays */
  stop = power (f, 101, FL_VM_ACTION_STOP, 0, FALSE, &error);
  g_assert_no_error (error);
  win_round (client, &seen);
  expect_view (&seen, "win_locator", FL_STATUS_OK, "DC2");
  expect_view (&seen, "secure_channel", FL_STATUS_FAIL, NULL);
  g_assert_nonnull (strstr (fl_sample_get_message (g_hash_table_lookup (seen.last, "secure_channel")),
                            "1722 RPC_S_SERVER_UNAVAILABLE"));
  expect_view (&seen, "win_logon", FL_STATUS_OK, "DC1");
  deadline = g_get_monotonic_time () + 30 * G_USEC_PER_SEC;   /* a hang guard */
  do
    win_round (client, &seen);
  while (fl_sample_get_status (g_hash_table_lookup (seen.last, "secure_channel")) != FL_STATUS_OK &&
         g_get_monotonic_time () < deadline);
  expect_view (&seen, "secure_channel", FL_STATUS_OK, "DC2");
  expect_view (&seen, "win_logon", FL_STATUS_OK, "DC1");

  /* a token without VM.GuestAgent.Unrestricted: a clear state, the privilege named */
  readonly = fl_pve_client_new (f->url, &error);
  fl_pve_client_set_fingerprint (readonly, pve_emulator_get_fingerprint (f->emu));
  g_assert_true (fl_pve_client_set_token (readonly, "failoverlab@pve!readonly",
                                          "11111111-2222-3333-4444-555555555555", &error));
  denied = fl_win_client_new (FL_HYPERVISOR (readonly), 104, "WIN11", config, NULL);
  g_signal_connect (denied, "sample", G_CALLBACK (on_win_sample), &seen_denied);
  win_round (denied, &seen_denied);
  if (fl_win_client_get_state (denied) != FL_WIN_CLIENT_DENIED ||
      strstr (fl_win_client_get_message (denied), "VM.GuestAgent.Unrestricted") == NULL)
    g_error ("without the privilege: state %d, \"%s\"", fl_win_client_get_state (denied),
             fl_win_client_get_message (denied));
  expect_view (&seen_denied, "win_locator", FL_STATUS_SKIPPED, NULL);

  /* the client VM off: its agent does not answer, a state and skipped views */
  off = power (f, 104, FL_VM_ACTION_STOP, 0, FALSE, &error);
  g_assert_no_error (error);
  win_round (client, &seen);
  if (fl_win_client_get_state (client) != FL_WIN_CLIENT_NO_AGENT)
    g_error ("the client off: state %d, \"%s\"", fl_win_client_get_state (client),
             fl_win_client_get_message (client));
  expect_view (&seen, "win_locator", FL_STATUS_SKIPPED, NULL);

  fl_win_client_stop (client);
  fl_win_client_stop (denied);
  g_clear_object (&denied);
  g_assert_finalize_object (g_steal_pointer (&readonly));
  g_clear_object (&client);
  g_hash_table_unref (seen.last);
  g_hash_table_unref (seen_denied.last);
}

static void
test_ticket (Fixture       *f,
             gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(FlVmState) st = NULL;
  g_autoptr(FlTaskResult) stop = NULL;
  g_autoptr(FlVmState) later = NULL;

  fl_pve_client_set_login (f->client, "failoverlab@pve", "classpw", NULL);
  st = get_state (f, 101, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (pve_emulator_count_requests (f->emu, "POST", "/access/ticket"), ==, 1);
  /* a write carries the CSRF token */
  stop = power (f, 101, FL_VM_ACTION_STOP, 0, FALSE, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (pve_emulator_count_requests (f->emu, "POST", "/access/ticket"), ==, 1);

  /* two hours later the ticket has expired: the client logs in again by itself */
  pve_emulator_set_time_offset (f->emu, 3 * 3600);
  later = get_state (f, 101, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (pve_emulator_count_requests (f->emu, "POST", "/access/ticket"), ==, 2);

  /* a wrong password */
  fl_pve_client_set_login (f->client, "failoverlab@pve", "nope", NULL);
  g_assert_null (get_state (f, 101, &error));
  g_assert_error (error, FL_PVE_ERROR, FL_PVE_ERROR_AUTH);
}

static void
test_totp (Fixture       *f,
           gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(FlVmState) st = NULL;

  fl_pve_client_set_login (f->client, "teacher@pve", "teachpw", NULL);
  g_assert_null (get_state (f, 101, &error));
  g_assert_error (error, FL_PVE_ERROR, FL_PVE_ERROR_TOTP_REQUIRED);
  g_assert_nonnull (strstr (error->message, "TOTP"));
  g_clear_error (&error);

  fl_pve_client_set_login (f->client, "teacher@pve", "teachpw", "000000");
  g_assert_null (get_state (f, 101, &error));
  g_assert_error (error, FL_PVE_ERROR, FL_PVE_ERROR_AUTH);
  g_clear_error (&error);

  /* asked for after the first try, as a prompt does */
  fl_pve_client_set_login (f->client, "teacher@pve", "teachpw", NULL);
  fl_pve_client_set_totp (f->client, "123456");
  st = get_state (f, 101, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (st->status, ==, "running");
}

static void
test_tls (Fixture       *f,
          gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *other = g_build_filename (cert_dir, "other.pem", NULL);
  g_autofree char *ca = g_build_filename (cert_dir, "pve-root-ca.pem", NULL);
  g_autoptr(GTlsCertificate) impostor = g_tls_certificate_new_from_file (other, &error);
  g_autoptr(GByteArray) der = NULL;
  g_autofree char *wrong = NULL;
  const char *right = pve_emulator_get_fingerprint (f->emu);

  g_object_get (impostor, "certificate", &der, NULL);
  wrong = fl_pve_fingerprint (der->data, der->len);

  /* pinned to another certificate: refused, both fingerprints in the message */
  fl_pve_client_set_fingerprint (f->client, wrong);
  g_assert_null (get_state (f, 101, &error));
  g_assert_error (error, FL_PVE_ERROR, FL_PVE_ERROR_TLS);
  g_assert_nonnull (strstr (error->message, wrong));
  g_assert_nonnull (strstr (error->message, right));
  g_clear_error (&error);

  /* nothing pinned, a self-signed cluster CA: refused, with the fingerprint to accept */
  {
    g_autoptr(FlPveClient) fresh = fl_pve_client_new (f->url, &error);
    g_autoptr(GAsyncResult) r = NULL;

    g_assert_true (fl_pve_client_set_token (fresh, TOKEN_ID, TOKEN_SECRET, &error));
    fl_hypervisor_get_state_async (FL_HYPERVISOR (fresh), 101, NULL, got, &r);
    g_assert_null (fl_hypervisor_get_state_finish (FL_HYPERVISOR (fresh), wait_result (&r), &error));
    g_assert_error (error, FL_PVE_ERROR, FL_PVE_ERROR_TLS);
    g_assert_nonnull (strstr (error->message, "pvenode cert info"));
    g_assert_cmpstr (fl_pve_client_get_peer_fingerprint (fresh), ==, right);
    g_clear_error (&error);
  }

  /* the cluster's CA as the trust: accepted without a pin, and a pin still holds on top */
  {
    g_autoptr(FlPveClient) trusting = fl_pve_client_new (f->url, &error);
    g_autoptr(GAsyncResult) r = NULL, r2 = NULL;
    g_autoptr(FlVmState) st = NULL;

    guint seen;

    g_assert_true (fl_pve_client_set_token (trusting, TOKEN_ID, TOKEN_SECRET, &error));
    fl_pve_client_set_ca_file (trusting, ca);
    fl_hypervisor_get_state_async (FL_HYPERVISOR (trusting), 101, NULL, got, &r);
    st = fl_hypervisor_get_state_finish (FL_HYPERVISOR (trusting), wait_result (&r), &error);
    g_assert_no_error (error);
    /* a certificate the trust store vouches for (a school's TLS-inspection CA would) but not
     * the pinned one: refused in the handshake, so the server never sees a request, the
     * token with it */
    seen = pve_emulator_count_requests (f->emu, "GET", "/status/current");
    fl_pve_client_set_fingerprint (trusting, wrong);
    fl_hypervisor_get_state_async (FL_HYPERVISOR (trusting), 101, NULL, got, &r2);
    g_assert_null (fl_hypervisor_get_state_finish (FL_HYPERVISOR (trusting), wait_result (&r2), &error));
    g_assert_error (error, FL_PVE_ERROR, FL_PVE_ERROR_TLS);
    g_clear_error (&error);
    g_assert_cmpuint (pve_emulator_count_requests (f->emu, "GET", "/status/current"), ==, seen);
  }

  /* the right pin, in lower case without colons: accepted */
  {
    g_autofree char *lower = g_ascii_strdown (right, -1);
    g_auto(GStrv) parts = g_strsplit (lower, ":", -1);
    g_autofree char *bare = g_strjoinv ("", parts);
    g_autoptr(FlVmState) st = NULL;

    fl_pve_client_set_fingerprint (f->client, bare);
    st = get_state (f, 101, &error);
    g_assert_no_error (error);
  }

  /* nobody listening */
  {
    g_autoptr(FlPveClient) nobody = fl_pve_client_new ("https://127.0.0.1:1", &error);
    g_autoptr(GAsyncResult) r = NULL;

    g_assert_true (fl_pve_client_set_token (nobody, TOKEN_ID, TOKEN_SECRET, &error));
    fl_hypervisor_get_state_async (FL_HYPERVISOR (nobody), 101, NULL, got, &r);
    g_assert_null (fl_hypervisor_get_state_finish (FL_HYPERVISOR (nobody), wait_result (&r), &error));
    g_assert_error (error, FL_PVE_ERROR, FL_PVE_ERROR_NODE_UNREACHABLE);
    g_assert_nonnull (strstr (error->message, "refused"));
  }
}

static void
test_serialised (Fixture       *f,
                 gconstpointer  data)
{
  g_autoptr(GError) e1 = NULL, e2 = NULL, e3 = NULL;
  g_autoptr(GAsyncResult) r1 = NULL, r2 = NULL, r3 = NULL;
  g_autoptr(FlTaskResult) a = NULL, b = NULL, c = NULL;

  /* three actions at once on one VM: the shutdown takes 250 ms, Proxmox would make the next
   * one wait 100 ms for the config lock and fail it; the client sends them one after another */
  fl_hypervisor_power_async (FL_HYPERVISOR (f->client), 101, FL_VM_ACTION_SHUTDOWN, 10, FALSE, NULL, got, &r1);
  fl_hypervisor_power_async (FL_HYPERVISOR (f->client), 101, FL_VM_ACTION_START, 0, FALSE, NULL, got, &r2);
  fl_hypervisor_power_async (FL_HYPERVISOR (f->client), 101, FL_VM_ACTION_STOP, 0, FALSE, NULL, got, &r3);
  a = fl_hypervisor_power_finish (FL_HYPERVISOR (f->client), wait_result (&r1), &e1);
  b = fl_hypervisor_power_finish (FL_HYPERVISOR (f->client), wait_result (&r2), &e2);
  c = fl_hypervisor_power_finish (FL_HYPERVISOR (f->client), wait_result (&r3), &e3);
  g_assert_no_error (e1);
  g_assert_no_error (e2);
  g_assert_no_error (e3);
  g_assert_cmpstr (pve_emulator_get_state (f->emu, 101), ==, "stopped");
}

static void
test_ha (Fixture       *f,
         gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(FlTaskResult) stop = power (f, 103, FL_VM_ACTION_STOP, 0, FALSE, &error);
  FlPveUpid upid;

  /* the HA task ends at once; the VM follows when the CRM gets to it */
  g_assert_no_error (error);
  g_assert_true (fl_pve_upid_parse (stop->upid, &upid));
  g_assert_cmpstr (upid.type, ==, "hastop");
  fl_pve_upid_clear (&upid);
  g_assert_cmpstr (pve_emulator_get_state (f->emu, 103), ==, "running");
  spin_ms (800);
  g_assert_cmpstr (pve_emulator_get_state (f->emu, 103), ==, "stopped");
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GError) error = NULL;
  g_autofree char *make_cert = NULL;
  int status = 0, rc;

  setlocale (LC_ALL, "C.UTF-8");
  g_test_init (&argc, &argv, NULL);
  schema_path = g_getenv ("FL_PVE_SCHEMA");
  make_cert = g_strdup (g_getenv ("FL_PVE_MAKE_CERT"));
  g_assert_nonnull (schema_path);
  g_assert_nonnull (make_cert);
  cert_dir = g_dir_make_tmp ("fl-pve-XXXXXX", &error);
  g_assert_no_error (error);
  g_assert_true (g_spawn_sync (NULL, (char *[]) { make_cert, cert_dir, NULL }, NULL, G_SPAWN_DEFAULT, NULL, NULL,
                               NULL, NULL, &status, &error));
  g_assert_no_error (error);
  g_assert_true (g_spawn_check_wait_status (status, NULL));

#define ADD(path, fn, data) g_test_add (path, Fixture, data, fixture_setup, fn, fixture_teardown)
  ADD ("/pve-client/state-and-list", test_state_and_list, NULL);
  ADD ("/pve-client/power-cycle", test_power_cycle, NULL);
  ADD ("/pve-client/shutdown-timeout", test_shutdown_timeout, NULL);
  ADD ("/pve-client/errors", test_errors, NULL);
  ADD ("/pve-client/permissions", test_permissions, NULL);
  ADD ("/pve-client/link-and-snapshots", test_link_and_snapshots, NULL);
  ADD ("/pve-client/agent", test_agent, NULL);
  ADD ("/pve-client/win-client", test_win_client, NULL);
  ADD ("/pve-client/ticket", test_ticket, "ticket");
  ADD ("/pve-client/totp", test_totp, "ticket");
  ADD ("/pve-client/tls", test_tls, NULL);
  ADD ("/pve-client/serialised", test_serialised, NULL);
  ADD ("/pve-client/ha", test_ha, NULL);
  rc = g_test_run ();
  {
    g_autofree char *rm = g_strdup_printf ("rm -rf '%s'", cert_dir);

    (void)!system (rm);
  }
  return rc;
}
