/* test-pve.c: Proxmox VE wire formats: UPIDs, task outcomes, the netN cable, responses and
 * their error messages, VM status with the type drift of real servers, fingerprints
 *
 * Copyright 2026 The Failover Lab authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <locale.h>
#include <string.h>

#include "fl-pve.h"

static void
test_upid (void)
{
  FlPveUpid u;
  g_autofree char *made = NULL;

  /* a real one (bpg/terraform-provider-proxmox#1255), token user */
  g_assert_true (fl_pve_upid_parse ("UPID:pve:00001ED0:00035693:66343A23:qmshutdown:100:terraform@pve!provider:", &u));
  g_assert_cmpstr (u.node, ==, "pve");
  g_assert_cmpuint (u.pid, ==, 0x1ED0);
  g_assert_cmpuint (u.pstart, ==, 0x35693);
  g_assert_cmpint (u.starttime, ==, 0x66343A23);
  g_assert_cmpstr (u.type, ==, "qmshutdown");
  g_assert_cmpstr (u.id, ==, "100");
  g_assert_cmpstr (u.user, ==, "terraform@pve!provider");
  fl_pve_upid_clear (&u);

  /* 9-digit pstart, empty id, lower-case hex */
  g_assert_true (fl_pve_upid_parse ("UPID:pve-2:0000abcd:100035693:66343a23:vzdump::root@pam:", &u));
  g_assert_cmpstr (u.id, ==, "");
  fl_pve_upid_clear (&u);

  for (guint i = 0; i < 7; i++)
    {
      static const char * const bad[] = {
        "", "UPID:pve:1:2:3:qmstart:100:root@pam",            /* no trailing colon */
        "UPID:pve:00001ED0:00035693:66343A23:qmstart:100::",  /* no user */
        "UPID:-pve:00001ED0:00035693:66343A23:qmstart:100:root@pam:",
        "UPID:pve:XYZ:00035693:66343A23:qmstart:100:root@pam:",
        "UPID:pve:00001ED0:00035693:66343A23:qmstart:100:root@pam:extra:",
        "TASK:pve:00001ED0:00035693:66343A23:qmstart:100:root@pam:",
      };
      g_assert_false (fl_pve_upid_parse (bad[i], &u));
    }

  made = fl_pve_upid_format ("pve1", 0x1234, 0x5678, 0x66343A23, "qmstart", "101", "fl@pve!lab");
  g_assert_cmpstr (made, ==, "UPID:pve1:00001234:00005678:66343A23:qmstart:101:fl@pve!lab:");
  g_assert_true (fl_pve_upid_parse (made, &u));
  fl_pve_upid_clear (&u);
}

static void
test_task_outcome (void)
{
  g_assert_true (fl_pve_task_exit_ok ("OK"));
  g_assert_true (fl_pve_task_exit_ok ("WARNINGS: 1"));
  g_assert_false (fl_pve_task_exit_ok ("VM 100 already running"));
  g_assert_false (fl_pve_task_exit_ok ("can't lock file '/var/lock/qemu-server/lock-100.conf' - got timeout"));
  g_assert_false (fl_pve_task_exit_ok ("unexpected status"));
  g_assert_false (fl_pve_task_exit_ok (NULL));
}

static void
test_net_cable (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *down = NULL, *up = NULL, *long_form = NULL;

  down = fl_pve_net_set_link ("virtio=BC:24:11:2E:C5:4A,bridge=vmbr0,firewall=1", TRUE, &error);
  g_assert_no_error (error);
  /* the MAC and model kept, link_down in its alphabetical place */
  g_assert_cmpstr (down, ==, "virtio=BC:24:11:2E:C5:4A,bridge=vmbr0,firewall=1,link_down=1");
  g_assert_true (fl_pve_net_link_down (down));
  up = fl_pve_net_set_link (down, FALSE, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (up, ==, "virtio=BC:24:11:2E:C5:4A,bridge=vmbr0,firewall=1");
  g_assert_false (fl_pve_net_link_down (up));

  /* before mtu/tag, after firewall */
  g_clear_pointer (&down, g_free);
  down = fl_pve_net_set_link ("e1000=AA:BB:CC:DD:EE:FF,bridge=vmbr1,mtu=1400,tag=20", TRUE, &error);
  g_assert_cmpstr (down, ==, "e1000=AA:BB:CC:DD:EE:FF,bridge=vmbr1,link_down=1,mtu=1400,tag=20");
  g_assert_true (fl_pve_net_link_down ("virtio=AA:BB:CC:DD:EE:FF,link_down=yes"));

  long_form = fl_pve_net_set_link ("model=virtio,macaddr=AA:BB:CC:DD:EE:FF,bridge=vmbr0", TRUE, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (long_form, ==, "model=virtio,macaddr=AA:BB:CC:DD:EE:FF,bridge=vmbr0,link_down=1");

  /* no MAC: refused, a new random one would be a new adapter in Windows */
  g_assert_null (fl_pve_net_set_link ("virtio,bridge=vmbr0", TRUE, &error));
  g_assert_error (error, FL_PVE_ERROR, FL_PVE_ERROR_PROTOCOL);
  g_clear_error (&error);
  g_assert_null (fl_pve_net_set_link ("bridge=vmbr0", TRUE, &error));
  g_assert_error (error, FL_PVE_ERROR, FL_PVE_ERROR_PROTOCOL);
  g_clear_error (&error);
  /* a key twice is not a property string (found by fuzz-pve) */
  g_assert_null (fl_pve_net_set_link ("virtio=AA:BB:CC:DD:EE:FF,link_down=1,link_down=1", FALSE, &error));
  g_assert_error (error, FL_PVE_ERROR, FL_PVE_ERROR_PROTOCOL);
}

static JsonNode *
respond (guint        status,
         const char  *reason,
         const char  *body,
         GError     **error)
{
  return fl_pve_parse_response (status, reason, body, body ? strlen (body) : 0, error);
}

static void
test_responses (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) data = NULL;

  data = respond (200, "OK", "{\"data\":\"UPID:pve:00001ED0:00035693:66343A23:qmstart:100:root@pam:\"}", &error);
  g_assert_no_error (error);
  g_assert_cmpstr (json_node_get_string (data), ==, "UPID:pve:00001ED0:00035693:66343A23:qmstart:100:root@pam:");
  g_clear_pointer (&data, json_node_unref);
  data = respond (200, "OK", "{\"data\":null}", &error);
  g_assert_no_error (error);
  g_assert_true (JSON_NODE_HOLDS_NULL (data));

  /* not Proxmox */
  g_assert_null (respond (200, "OK", "<html>", &error));
  g_assert_error (error, FL_PVE_ERROR, FL_PVE_ERROR_PROTOCOL);
  g_clear_error (&error);
  g_assert_null (respond (200, "OK", "{\"result\":1}", &error));
  g_assert_error (error, FL_PVE_ERROR, FL_PVE_ERROR_PROTOCOL);
  g_clear_error (&error);

  /* 401: empty body, the reason phrase */
  g_assert_null (respond (401, "Authentication failed!", NULL, &error));
  g_assert_error (error, FL_PVE_ERROR, FL_PVE_ERROR_AUTH);
  g_assert_nonnull (strstr (error->message, "token"));
  g_clear_error (&error);
  g_assert_null (respond (401, "No ticket", "", &error));
  g_assert_nonnull (strstr (error->message, "none were sent"));
  g_clear_error (&error);

  /* 403 names the privilege */
  g_assert_null (respond (403, "Permission check failed (/vms/101, VM.PowerMgmt)", "{\"data\":null}", &error));
  g_assert_error (error, FL_PVE_ERROR, FL_PVE_ERROR_PERMISSION);
  g_assert_nonnull (strstr (error->message, "VM.PowerMgmt"));
  g_assert_nonnull (strstr (error->message, "/vms/101"));
  g_clear_error (&error);

  /* 400 lists every parameter */
  g_assert_null (respond (400, "Parameter verification failed.",
                          "{\"errors\":{\"forceStop\":\"type check ('boolean') failed - got 'true'\"},\"data\":null}", &error));
  g_assert_error (error, FL_PVE_ERROR, FL_PVE_ERROR_PARAMETER);
  g_assert_nonnull (strstr (error->message, "forceStop: type check"));
  g_clear_error (&error);

  /* 500: the message (new servers) over the reason, without its newline */
  g_assert_null (respond (500, "VM is locked (backup)", "{\"data\":null,\"message\":\"VM is locked (backup)\\n\"}", &error));
  g_assert_error (error, FL_PVE_ERROR, FL_PVE_ERROR_SERVER);
  g_assert_cmpstr (error->message, ==, "VM is locked (backup)");
  g_clear_error (&error);

  g_assert_null (respond (595, "No route to host", NULL, &error));
  g_assert_error (error, FL_PVE_ERROR, FL_PVE_ERROR_NODE_UNREACHABLE);
  g_clear_error (&error);
  g_assert_null (respond (501, "Method 'GET /nodes/x/foo' not implemented", NULL, &error));
  g_assert_error (error, FL_PVE_ERROR, FL_PVE_ERROR_NOT_IMPLEMENTED);
}

static JsonNode *
json (const char *text)
{
  return json_from_string (text, NULL);
}

static void
test_vm_status (void)
{
  g_autoptr(JsonNode) a = json ("{\"status\":\"running\",\"qmpstatus\":\"paused\",\"name\":\"DC1\",\"uptime\":\"3600\","
                                "\"agent\":1,\"ha\":{\"managed\":1,\"state\":\"started\"},\"lock\":\"backup\"}");
  g_autoptr(JsonNode) b = json ("{\"status\":\"stopped\",\"ha\":{\"managed\":0},\"vmid\":101}");
  g_autoptr(JsonNode) c = json ("[1,2]");
  g_autoptr(GError) error = NULL;
  FlPveVmStatus st;

  g_assert_true (fl_pve_parse_vm_status (a, &st, &error));
  g_assert_cmpstr (st.status, ==, "running");
  g_assert_cmpstr (st.qmpstatus, ==, "paused");
  g_assert_cmpint (st.uptime, ==, 3600);       /* a string on some versions */
  g_assert_true (st.agent);
  g_assert_true (st.ha_managed);
  g_assert_cmpstr (st.ha_state, ==, "started");
  g_assert_cmpstr (st.lock, ==, "backup");
  fl_pve_vm_status_clear (&st);

  g_assert_true (fl_pve_parse_vm_status (b, &st, &error));
  g_assert_cmpstr (st.qmpstatus, ==, "stopped");   /* absent: the status */
  g_assert_false (st.ha_managed);
  g_assert_null (st.ha_state);
  fl_pve_vm_status_clear (&st);

  g_assert_false (fl_pve_parse_vm_status (c, &st, &error));
  g_assert_error (error, FL_PVE_ERROR, FL_PVE_ERROR_PROTOCOL);
}

static void
test_find_node (void)
{
  g_autoptr(JsonNode) r = json ("[{\"id\":\"lxc/101\",\"type\":\"lxc\",\"vmid\":101,\"node\":\"pve9\"},"
                                "{\"id\":\"qemu/101\",\"type\":\"qemu\",\"vmid\":\"101\",\"node\":\"pve2\"},"
                                "{\"id\":\"qemu/102\",\"type\":\"qemu\",\"vmid\":102,\"node\":\"pve1\"}, 7]");
  g_autofree char *n101 = fl_pve_find_vm_node (r, 101);
  g_autofree char *n102 = fl_pve_find_vm_node (r, 102);
  g_autofree char *n103 = fl_pve_find_vm_node (r, 103);

  g_assert_cmpstr (n101, ==, "pve2");   /* the qemu one, its vmid a string (PVE 6) */
  g_assert_cmpstr (n102, ==, "pve1");
  g_assert_null (n103);
}

static void
test_fingerprint (void)
{
  g_autofree char *fp = fl_pve_fingerprint ((const guint8 *)"abc", 3);

  /* SHA-256("abc") */
  g_assert_cmpstr (fp, ==, "BA:78:16:BF:8F:01:CF:EA:41:41:40:DE:5D:AE:22:23:B0:03:61:A3:96:17:7A:9C:B4:10:FF:61:F2:00:15:AD");
  g_assert_cmpuint (strlen (fp), ==, 95);
}

static JsonNode *
cli (int          status,
     const char  *out,
     const char  *err,
     GError     **error)
{
  return fl_pve_parse_cli (status, out, out ? strlen (out) : 0, err, error);
}

static void
test_cli (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) a = NULL, b = NULL, c = NULL;

  /* a task in the foreground: its log, then the UPID as the last JSON line */
  a = cli (0, "trying to acquire lock...\n OK\nTASK OK\n\"UPID:pve1:00001234:00005678:66343A23:qmstop:101:root@pam:\"\n",
           NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (json_node_get_string (a), ==, "UPID:pve1:00001234:00005678:66343A23:qmstop:101:root@pam:");
  b = cli (0, "{\"status\":\"running\",\"qmpstatus\":\"running\"}\n", "", &error);
  g_assert_true (JSON_NODE_HOLDS_OBJECT (b));
  c = cli (0, "", NULL, &error);
  g_assert_true (JSON_NODE_HOLDS_NULL (c));

  g_assert_null (cli (255, "", "VM 101 already running\n", &error));
  g_assert_error (error, FL_PVE_ERROR, FL_PVE_ERROR_SERVER);
  g_assert_cmpstr (error->message, ==, "VM 101 already running");
  g_clear_error (&error);
  g_assert_null (cli (255, "", "please run as root\n", &error));
  g_assert_error (error, FL_PVE_ERROR, FL_PVE_ERROR_PERMISSION);
  g_clear_error (&error);
  g_assert_null (cli (255, "", "400 Parameter verification failed.\nforceStop: type check ('boolean') failed - got 'true'\n", &error));
  g_assert_error (error, FL_PVE_ERROR, FL_PVE_ERROR_PARAMETER);
  g_assert_nonnull (strstr (error->message, "forceStop"));
  g_clear_error (&error);
  g_assert_null (cli (127, "", "bash: pvesh: command not found\n", &error));
  g_assert_error (error, FL_PVE_ERROR, FL_PVE_ERROR_NOT_IMPLEMENTED);
  g_clear_error (&error);
  g_assert_null (cli (0, "status: running\n", NULL, &error));
  g_assert_error (error, FL_PVE_ERROR, FL_PVE_ERROR_PROTOCOL);

  /* qm status: its one line */
  {
    g_autofree char *qa = fl_pve_parse_qm_status ("status: running\n");
    g_autofree char *qb = fl_pve_parse_qm_status ("  status: paused  ");
    g_autofree char *qc = fl_pve_parse_qm_status ("VM 101 not found\n");
    g_autofree char *qd = fl_pve_parse_qm_status ("status: \n");

    g_assert_cmpstr (qa, ==, "running");
    g_assert_cmpstr (qb, ==, "paused");
    g_assert_null (qc);
    g_assert_null (qd);
  }
}

/* the login's answer and the guest agent's, as pure parsers (both backends use them) */
static void
test_login_and_agent (void)
{
  g_autoptr(JsonNode) login = json ("{\"ticket\": \"PVE:fl@pve:6789ABCD::sig\", \"CSRFPreventionToken\": \"6789ABCD:tok\"}");
  g_autoptr(JsonNode) tfa = json ("{\"ticket\": \"PVE:!tfa!fl@pve:6789ABCD::sig\", \"CSRFPreventionToken\": \"x\", \"NeedTFA\": 1}");
  g_autoptr(JsonNode) no_csrf = json ("{\"ticket\": \"PVE:fl@pve:6789ABCD::sig\"}");
  g_autoptr(JsonNode) pid = json ("{\"pid\": \"4242\"}");
  g_autoptr(JsonNode) running = json ("{\"exited\": 0}");
  /* a console's byte that Proxmox passed on as a code point; "err-data" not even a string */
  g_autoptr(JsonNode) exited = json ("{\"exited\": true, \"exitcode\": 1722, \"out-data\": \"Status = 1722 0x6ba \\u0082\", \"err-data\": 7}");
  g_autoptr(GError) error = NULL;
  g_autofree char *ticket = NULL, *csrf = NULL;
  g_autoptr(FlAgentResult) r = NULL;
  gboolean need_tfa = TRUE;
  gint64 p = 0;

  g_assert_true (fl_pve_parse_ticket (login, &ticket, &csrf, &need_tfa, &error));
  g_assert_no_error (error);
  g_assert_cmpstr (csrf, ==, "6789ABCD:tok");
  g_assert_false (need_tfa);
  g_clear_pointer (&ticket, g_free);
  g_clear_pointer (&csrf, g_free);
  g_assert_true (fl_pve_parse_ticket (tfa, &ticket, &csrf, &need_tfa, &error));
  g_assert_true (need_tfa);
  g_clear_pointer (&ticket, g_free);
  g_clear_pointer (&csrf, g_free);
  g_assert_false (fl_pve_parse_ticket (no_csrf, &ticket, &csrf, &need_tfa, &error));
  g_assert_error (error, FL_PVE_ERROR, FL_PVE_ERROR_PROTOCOL);
  g_assert_null (ticket);
  g_clear_error (&error);

  g_assert_true (fl_pve_parse_agent_pid (pid, &p, &error));
  g_assert_cmpint (p, ==, 4242);
  g_assert_false (fl_pve_parse_agent_pid (running, &p, &error));
  g_assert_error (error, FL_PVE_ERROR, FL_PVE_ERROR_PROTOCOL);
  g_clear_error (&error);

  g_assert_true (fl_pve_parse_agent_status (running, &r, &error));
  g_assert_null (r);   /* still running */
  g_assert_true (fl_pve_parse_agent_status (exited, &r, &error));
  g_assert_nonnull (r);
  g_assert_cmpint (r->exitcode, ==, 1722);
  g_assert_true (g_utf8_validate (r->out_data, -1, NULL));
  g_assert_true (g_str_has_prefix (r->out_data, "Status = 1722 0x6ba "));
  g_assert_cmpstr (r->err_data, ==, "");   /* not a string: nothing */
  g_clear_pointer (&r, fl_agent_result_free);
  {
    /* a flood of output is cut at the bound, and stays valid where the cut splits a character */
    g_autoptr(GString) big = g_string_new ("{\"exited\": 1, \"exitcode\": 0, \"out-data\": \"");
    g_autoptr(JsonNode) node = NULL;

    for (guint i = 0; i < FL_PVE_MAX_AGENT_OUTPUT / 3 + 10; i++)
      g_string_append (big, "あ");
    g_string_append (big, "\"}");
    node = json (big->str);
    g_assert_true (fl_pve_parse_agent_status (node, &r, &error));
    g_assert_true (g_utf8_validate (r->out_data, -1, NULL));
    g_assert_cmpuint (strlen (r->out_data), <=, FL_PVE_MAX_AGENT_OUTPUT + 3);
    g_assert_cmpuint (strlen (r->out_data), >=, FL_PVE_MAX_AGENT_OUTPUT - 3);
    g_clear_pointer (&r, fl_agent_result_free);
  }
  g_assert_false (fl_pve_parse_agent_status (NULL, &r, &error));
  g_assert_null (r);
  g_assert_error (error, FL_PVE_ERROR, FL_PVE_ERROR_PROTOCOL);
}

int
main (int   argc,
      char *argv[])
{
  setlocale (LC_ALL, "C.UTF-8");
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/pve/upid", test_upid);
  g_test_add_func ("/pve/task-outcome", test_task_outcome);
  g_test_add_func ("/pve/net-cable", test_net_cable);
  g_test_add_func ("/pve/responses", test_responses);
  g_test_add_func ("/pve/vm-status", test_vm_status);
  g_test_add_func ("/pve/find-node", test_find_node);
  g_test_add_func ("/pve/fingerprint", test_fingerprint);
  g_test_add_func ("/pve/cli", test_cli);
  g_test_add_func ("/pve/login-and-agent", test_login_and_agent);
  return g_test_run ();
}
