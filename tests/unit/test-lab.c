/* test-lab.c: the lab file loader, validator and saver
 *
 * Copyright 2026 The Failover Lab authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gstdio.h>
#include <locale.h>
#include <string.h>

#include "fl-lab.h"
#include "fl-lab-control.h"

static const char *good_lab =
  "{\n"
  "  \"format\": 1,\n"
  "  \"name\": \"Classroom 3\",\n"
  "  \"domain\": \"test.local\",\n"
  "  \"realm\": \"TEST.LOCAL\",\n"
  "  \"netbios\": \"TEST\",\n"
  "  \"controllers\": [\n"
  "    { \"name\": \"DC1\", \"host\": \"dc1.test.local\", \"address\": \"10.0.0.11\",\n"
  "      \"site\": \"Default-First-Site-Name\", \"vm\": { \"node\": \"pve1\", \"vmid\": 101 } },\n"
  "    { \"name\": \"DC2\", \"host\": \"dc2.test.local\", \"address\": \"10.0.0.12\",\n"
  "      \"vm\": { \"node\": \"pve1\", \"vmid\": 102 } }\n"
  "  ],\n"
  "  \"client\": { \"name\": \"WIN11\", \"vm\": { \"node\": \"pve1\", \"vmid\": 103 },\n"
  "              \"access\": \"guest-agent\" },\n"
  "  \"reference_host\": \"10.0.0.1\",\n"
  "  \"hypervisor\": { \"type\": \"proxmox-api\", \"url\": \"https://pve1.test.local:8006\",\n"
  "                  \"token_id\": \"failoverlab@pve!classroom\",\n"
  "                  \"fingerprint\": \"3a915c0e7d22b4186fa0c359e1448b0297dd6a31f80c25b74e931ac658e20f7b\" },\n"
  "  \"credentials\": { \"user\": \"user01@TEST.LOCAL\", \"machine\": \"WS01$@TEST.LOCAL\",\n"
  "                   \"keytab\": \"ws01.keytab\", \"keyring_key\": \"classroom3:user01\" },\n"
  "  \"probe\": { \"interval_ms\": 250, \"deadline_ms\": 200 }\n"
  "}\n";

static void
test_lab_good (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(FlLab) lab = fl_lab_new_from_data (good_lab, -1, &error);
  FlLabController *dc;
  const char *node = NULL;
  guint vmid = 0;

  g_assert_no_error (error);
  g_assert_nonnull (lab);
  g_assert_cmpstr (fl_lab_get_name (lab), ==, "Classroom 3");
  g_assert_cmpstr (fl_lab_get_domain (lab), ==, "test.local");
  g_assert_cmpstr (fl_lab_get_realm (lab), ==, "TEST.LOCAL");
  g_assert_cmpstr (fl_lab_get_netbios (lab), ==, "TEST");
  g_assert_cmpuint (fl_lab_get_n_controllers (lab), ==, 2);

  dc = fl_lab_get_controller (lab, 0);
  g_assert_cmpstr (fl_lab_controller_get_name (dc), ==, "DC1");
  g_assert_cmpstr (fl_lab_controller_get_host (dc), ==, "dc1.test.local");
  g_assert_cmpstr (fl_lab_controller_get_address (dc), ==, "10.0.0.11");
  g_assert_cmpstr (fl_lab_controller_get_site (dc), ==, "Default-First-Site-Name");
  g_assert_true (fl_lab_controller_get_vm (dc, &node, &vmid));
  g_assert_cmpstr (node, ==, "pve1");
  g_assert_cmpuint (vmid, ==, 101);
  g_assert_null (fl_lab_controller_get_site (fl_lab_get_controller (lab, 1)));
  g_assert_null (fl_lab_get_controller (lab, 2));

  g_assert_true (fl_lab_lookup_controller (lab, "dc2") == fl_lab_get_controller (lab, 1));
  g_assert_true (fl_lab_lookup_controller (lab, "DC2.TEST.LOCAL") == fl_lab_get_controller (lab, 1));
  g_assert_true (fl_lab_lookup_controller (lab, "10.0.0.11") == dc);
  g_assert_null (fl_lab_lookup_controller (lab, "DC3"));

  g_assert_true (fl_lab_has_client (lab));
  g_assert_cmpstr (fl_lab_get_client_name (lab), ==, "WIN11");
  g_assert_cmpint (fl_lab_get_client_access (lab), ==, FL_CLIENT_ACCESS_GUEST_AGENT);
  g_assert_true (fl_lab_get_client_vm (lab, NULL, &vmid));
  g_assert_cmpuint (vmid, ==, 103);
  g_assert_cmpstr (fl_lab_get_reference_host (lab), ==, "10.0.0.1");

  g_assert_cmpint (fl_lab_get_hypervisor_kind (lab), ==, FL_HYPERVISOR_PROXMOX_API);
  g_assert_cmpstr (fl_lab_get_hypervisor_url (lab), ==, "https://pve1.test.local:8006");
  g_assert_cmpstr (fl_lab_get_hypervisor_token_id (lab), ==, "failoverlab@pve!classroom");
  /* normalised to Proxmox's form */
  g_assert_cmpstr (fl_lab_get_hypervisor_fingerprint (lab), ==,
                   "3A:91:5C:0E:7D:22:B4:18:6F:A0:C3:59:E1:44:8B:02:"
                   "97:DD:6A:31:F8:0C:25:B7:4E:93:1A:C6:58:E2:0F:7B");

  g_assert_cmpstr (fl_lab_get_user_principal (lab), ==, "user01@TEST.LOCAL");
  g_assert_cmpstr (fl_lab_get_machine_principal (lab), ==, "WS01$@TEST.LOCAL");
  g_assert_cmpstr (fl_lab_get_keytab (lab), ==, "ws01.keytab");
  g_assert_cmpstr (fl_lab_get_keyring_key (lab), ==, "classroom3:user01");
  g_assert_cmpuint (fl_lab_get_interval_ms (lab), ==, 250);
  g_assert_cmpuint (fl_lab_get_deadline_ms (lab), ==, 200);

  g_assert_finalize_object (g_steal_pointer (&lab));
}

static void
test_lab_minimal_defaults (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(FlLab) lab = fl_lab_new_from_data (
    "{\"format\":1,\"name\":\"x\",\"domain\":\"corp.example.com\","
    "\"controllers\":[{\"name\":\"A\",\"host\":\"a.corp.example.com\",\"address\":\"fd00::11\"}]}",
    -1, &error);

  g_assert_no_error (error);
  g_assert_cmpstr (fl_lab_get_realm (lab), ==, "CORP.EXAMPLE.COM");
  g_assert_cmpstr (fl_lab_get_netbios (lab), ==, "CORP");
  g_assert_false (fl_lab_has_client (lab));
  g_assert_cmpint (fl_lab_get_hypervisor_kind (lab), ==, FL_HYPERVISOR_NONE);
  g_assert_cmpuint (fl_lab_get_interval_ms (lab), ==, FL_LAB_INTERVAL_DEFAULT_MS);
  g_assert_cmpuint (fl_lab_get_deadline_ms (lab), ==, FL_LAB_DEADLINE_DEFAULT_MS);
  g_assert_false (fl_lab_controller_get_vm (fl_lab_get_controller (lab, 0), NULL, NULL));
}

typedef struct
{
  const char *what;
  const char *json;
  FlLabError  code;
  const char *message; /* the exact message, or its start when it ends with '*' */
} BadCase;

#define LAB_HEAD "{\"format\":1,\"name\":\"L\",\"domain\":\"test.local\","
#define DC1 "{\"name\":\"DC1\",\"host\":\"dc1.test.local\",\"address\":\"10.0.0.11\"}"
#define DC2 "{\"name\":\"DC2\",\"host\":\"dc2.test.local\",\"address\":\"10.0.0.12\"}"
#define DCS "\"controllers\":[" DC1 "," DC2 "]"

static const BadCase bad_cases[] = {
  { "not json", "{\"format\": 1,", FL_LAB_ERROR_SYNTAX, "not valid JSON: *" },
  { "empty", " \n", FL_LAB_ERROR_SYNTAX, "not a lab file: the file is empty" },
  { "array at top", "[1,2]", FL_LAB_ERROR_TYPE,
    "not a lab file: the top level must be a JSON object" },
  { "no format", "{\"name\":\"x\"}", FL_LAB_ERROR_MISSING,
    "format: required field is missing (this version writes \"format\": 1)" },
  { "format as string", "{\"format\":\"1\"}", FL_LAB_ERROR_TYPE,
    "format: expected an integer, found a string" },
  { "format 2", "{\"format\":2}", FL_LAB_ERROR_FORMAT,
    "format: 2 is not supported (this version reads format 1; a newer Failover Lab may read it)" },
  { "missing name", "{\"format\":1,\"domain\":\"test.local\"," DCS "}", FL_LAB_ERROR_MISSING,
    "name: required field is missing" },
  { "missing controllers", LAB_HEAD "\"realm\":\"TEST.LOCAL\"}", FL_LAB_ERROR_MISSING,
    "controllers: required field is missing" },
  { "controllers not array", LAB_HEAD "\"controllers\":{}}", FL_LAB_ERROR_TYPE,
    "controllers: expected an array, found an object" },
  { "no controllers", LAB_HEAD "\"controllers\":[]}", FL_LAB_ERROR_MISSING,
    "controllers: a lab needs at least one domain controller" },
  { "controller not object", LAB_HEAD "\"controllers\":[" DC1 ",\"DC2\"]}", FL_LAB_ERROR_TYPE,
    "controllers[1]: expected an object, found a string" },
  { "bad address", LAB_HEAD "\"controllers\":[" DC1 ",{\"name\":\"DC2\",\"host\":\"dc2.test.local\","
    "\"address\":\"10.0.0.300\"}]}", FL_LAB_ERROR_VALUE,
    "controllers[1].address: \"10.0.0.300\" is not an IP address" },
  { "missing address", LAB_HEAD "\"controllers\":[{\"name\":\"DC1\",\"host\":\"dc1.test.local\"}]}",
    FL_LAB_ERROR_MISSING, "controllers[0].address: required field is missing" },
  { "address as number", LAB_HEAD "\"controllers\":[{\"name\":\"DC1\",\"host\":\"dc1\","
    "\"address\":10}]}", FL_LAB_ERROR_TYPE,
    "controllers[0].address: expected a string, found a number" },
  { "bad host", LAB_HEAD "\"controllers\":[{\"name\":\"DC1\",\"host\":\"dc 1\","
    "\"address\":\"10.0.0.11\"}]}", FL_LAB_ERROR_VALUE,
    "controllers[0].host: \"dc 1\" is not a DNS host name" },
  { "bad domain", "{\"format\":1,\"name\":\"L\",\"domain\":\"-test.local\"," DCS "}",
    FL_LAB_ERROR_VALUE, "domain: \"-test.local\" is not a DNS domain name" },
  { "realm mismatch", LAB_HEAD "\"realm\":\"EXAMPLE.COM\"," DCS "}", FL_LAB_ERROR_VALUE,
    "realm: \"EXAMPLE.COM\" does not match the domain (the realm of an AD domain is its DNS "
    "name in capitals: \"TEST.LOCAL\")" },
  { "netbios too long", LAB_HEAD "\"netbios\":\"ABCDEFGHIJKLMNOP\"," DCS "}", FL_LAB_ERROR_VALUE,
    "netbios: \"ABCDEFGHIJKLMNOP\" is not a NetBIOS domain name (1–15 characters, no dots or "
    "spaces)" },
  { "duplicate name", LAB_HEAD "\"controllers\":[" DC1 ",{\"name\":\"dc1\",\"host\":\"dc2.test.local\","
    "\"address\":\"10.0.0.12\"}]}", FL_LAB_ERROR_DUPLICATE,
    "controllers[1].name: \"dc1\" is used twice (also controllers[0])" },
  { "duplicate address", LAB_HEAD "\"controllers\":[" DC1 ",{\"name\":\"DC2\",\"host\":\"dc2.test.local\","
    "\"address\":\"10.0.0.11\"}]}", FL_LAB_ERROR_DUPLICATE,
    "controllers[1].address: \"10.0.0.11\" is used twice (also controllers[0])" },
  { "duplicate vmid", LAB_HEAD "\"controllers\":["
    "{\"name\":\"DC1\",\"host\":\"dc1.test.local\",\"address\":\"10.0.0.11\",\"vm\":{\"node\":\"a\",\"vmid\":101}},"
    "{\"name\":\"DC2\",\"host\":\"dc2.test.local\",\"address\":\"10.0.0.12\",\"vm\":{\"node\":\"b\",\"vmid\":101}}]}",
    FL_LAB_ERROR_DUPLICATE, "controllers[1].vm.vmid: VM 101 is used twice (also controllers[0])" },
  { "vmid range", LAB_HEAD "\"controllers\":[{\"name\":\"DC1\",\"host\":\"dc1.test.local\","
    "\"address\":\"10.0.0.11\",\"vm\":{\"node\":\"pve1\",\"vmid\":7}}]}", FL_LAB_ERROR_VALUE,
    "controllers[0].vm.vmid: 7 is out of range (100–999999999)" },
  { "vmid as float", LAB_HEAD "\"controllers\":[{\"name\":\"DC1\",\"host\":\"dc1.test.local\","
    "\"address\":\"10.0.0.11\",\"vm\":{\"node\":\"pve1\",\"vmid\":101.5}}]}", FL_LAB_ERROR_TYPE,
    "controllers[0].vm.vmid: expected an integer, found a number" },
  { "unknown key with suggestion", LAB_HEAD "\"controllers\":[{\"name\":\"DC1\",\"host\":\"dc1.test.local\","
    "\"adress\":\"10.0.0.11\"}]}", FL_LAB_ERROR_UNKNOWN_KEY,
    "controllers[0].adress: unknown field (did you mean \"address\"?)" },
  { "unknown top key", LAB_HEAD DCS ",\"colour\":\"blue\"}", FL_LAB_ERROR_UNKNOWN_KEY,
    "colour: unknown field (this object has: format, name, domain, realm, netbios, controllers, "
    "client, reference_host, hypervisor, credentials, probe)" },
  { "password field", LAB_HEAD DCS ",\"credentials\":{\"user\":\"user01@TEST.LOCAL\","
    "\"password\":\"hunter2\"}}", FL_LAB_ERROR_SECRET, "credentials.password: looks like a secret*" },
  { "token secret field", LAB_HEAD DCS ",\"hypervisor\":{\"type\":\"proxmox-api\","
    "\"url\":\"https://pve:8006\",\"token_id\":\"a@pve!b\",\"token_secret\":\"x\"}}",
    FL_LAB_ERROR_SECRET, "hypervisor.token_secret: looks like a secret*" },
  { "secret in token id", LAB_HEAD DCS ",\"hypervisor\":{\"type\":\"proxmox-api\","
    "\"url\":\"https://pve:8006\",\"token_id\":\"a@pve!b=0b7e2a9c-1d2e-4f3a-9b8c-7d6e5f4a3b2c\"}}",
    FL_LAB_ERROR_SECRET, "hypervisor.token_id: contains the token's secret after \"=\"*" },
  { "API token header as value", LAB_HEAD DCS ",\"credentials\":{\"keyring_key\":"
    "\"PVEAPIToken=a@pve!b=0b7e2a9c\"}}", FL_LAB_ERROR_SECRET,
    "credentials.keyring_key: holds a secret*" },
  { "http url", LAB_HEAD DCS ",\"hypervisor\":{\"type\":\"proxmox-api\",\"url\":\"http://pve:8006\","
    "\"token_id\":\"a@pve!b\"}}", FL_LAB_ERROR_VALUE,
    "hypervisor.url: \"http://pve:8006\" is not an https:// URL of a Proxmox VE host (e.g. "
    "https://pve1:8006)" },
  { "password in the url", LAB_HEAD DCS ",\"hypervisor\":{\"type\":\"proxmox-api\","
    "\"url\":\"https://root:Hunter2Secret@pve:8006\",\"token_id\":\"a@pve!b\"}}", FL_LAB_ERROR_SECRET,
    "hypervisor.url: a user or password in the URL*" },
  { "api without identity", LAB_HEAD DCS ",\"hypervisor\":{\"type\":\"proxmox-api\","
    "\"url\":\"https://pve:8006\"}}", FL_LAB_ERROR_MISSING,
    "hypervisor: give an API token id (token_id) or a user for ticket login (user)" },
  { "bad fingerprint", LAB_HEAD DCS ",\"hypervisor\":{\"type\":\"proxmox-api\","
    "\"url\":\"https://pve:8006\",\"user\":\"root@pam\",\"fingerprint\":\"AB:CD\"}}",
    FL_LAB_ERROR_VALUE, "hypervisor.fingerprint: \"AB:CD\" is not a SHA-256 certificate "
    "fingerprint (64 hex digits, colons optional)" },
  { "ssh key on api", LAB_HEAD DCS ",\"hypervisor\":{\"type\":\"proxmox-api\","
    "\"url\":\"https://pve:8006\",\"user\":\"root@pam\",\"port\":22}}", FL_LAB_ERROR_UNKNOWN_KEY,
    "hypervisor.port: unknown field (this object has: type, url, token_id, user, fingerprint)" },
  { "unknown hypervisor", LAB_HEAD DCS ",\"hypervisor\":{\"type\":\"vmware\"}}", FL_LAB_ERROR_VALUE,
    "hypervisor.type: \"vmware\" is not a hypervisor type (proxmox-api or proxmox-ssh)" },
  { "ssh port", LAB_HEAD DCS ",\"hypervisor\":{\"type\":\"proxmox-ssh\",\"host\":\"pve1\","
    "\"port\":70000}}", FL_LAB_ERROR_VALUE, "hypervisor.port: 70000 is out of range (1–65535)" },
  { "guest agent without vm", LAB_HEAD DCS ",\"client\":{\"name\":\"WIN11\",\"access\":\"guest-agent\"}}",
    FL_LAB_ERROR_MISSING,
    "client.access: the guest-agent access method needs the client's VM (client.vm)" },
  { "bad access", LAB_HEAD DCS ",\"client\":{\"name\":\"WIN11\",\"access\":\"rdp\"}}",
    FL_LAB_ERROR_VALUE,
    "client.access: \"rdp\" is not an access method (local, guest-agent, ssh or none)" },
  { "ssh without its server", LAB_HEAD DCS ",\"client\":{\"name\":\"WIN11\",\"access\":\"ssh\"}}",
    FL_LAB_ERROR_MISSING,
    "client.access: \"ssh\" needs client.ssh (its OpenSSH server: host and user)" },
  { "client ssh without user", LAB_HEAD DCS ",\"client\":{\"name\":\"WIN11\",\"access\":\"ssh\","
    "\"ssh\":{\"host\":\"win11.test.local\"}}}", FL_LAB_ERROR_MISSING,
    "client.ssh.user: required field is missing" },
  { "client ssh bad host", LAB_HEAD DCS ",\"client\":{\"name\":\"WIN11\",\"access\":\"ssh\","
    "\"ssh\":{\"host\":\"win 11\",\"user\":\"TEST\\\\admin\"}}}", FL_LAB_ERROR_VALUE,
    "client.ssh.host: \"win 11\" is not a host name or an IP address" },
  { "client ssh unknown field", LAB_HEAD DCS ",\"client\":{\"name\":\"WIN11\",\"access\":\"ssh\","
    "\"ssh\":{\"host\":\"win11\",\"user\":\"admin\",\"password\":\"x\"}}}", FL_LAB_ERROR_SECRET,
    "client.ssh.password: *" },
  { "bad principal", LAB_HEAD DCS ",\"credentials\":{\"user\":\"user01\"}}", FL_LAB_ERROR_VALUE,
    "credentials.user: \"user01\" is not a Kerberos principal (user@REALM)" },
  { "interval too small", LAB_HEAD DCS ",\"probe\":{\"interval_ms\":10}}", FL_LAB_ERROR_VALUE,
    "probe.interval_ms: 10 is out of range (100–10000)" },
  { "deadline negative", LAB_HEAD DCS ",\"probe\":{\"deadline_ms\":-5}}", FL_LAB_ERROR_VALUE,
    "probe.deadline_ms: -5 is out of range (50–10000)" },
  { "bad reference host", LAB_HEAD DCS ",\"reference_host\":\"gate way\"}", FL_LAB_ERROR_VALUE,
    "reference_host: \"gate way\" is not an IP address or a host name" },
  { "null name", "{\"format\":1,\"name\":null,\"domain\":\"test.local\"," DCS "}", FL_LAB_ERROR_TYPE,
    "name: expected a string, found null" },
};

static void
test_lab_bad (gconstpointer data)
{
  const BadCase *c = data;
  g_autoptr(GError) error = NULL;
  g_autoptr(FlLab) lab = fl_lab_new_from_data (c->json, -1, &error);
  gsize len = strlen (c->message);

  g_assert_null (lab);
  g_assert_error (error, FL_LAB_ERROR, (int)c->code);
  /* a secret in the file is never repeated in the error */
  g_assert_null (strstr (error->message, "Hunter2Secret"));
  if (len > 0 && c->message[len - 1] == '*')
    {
      g_autofree char *prefix = g_strndup (c->message, len - 1);

      if (!g_str_has_prefix (error->message, prefix))
        g_error ("%s: got “%s”, expected it to start with “%s”", c->what, error->message, prefix);
    }
  else
    g_assert_cmpstr (error->message, ==, c->message);
}

static void
test_lab_hostile_input (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GString) deep = g_string_new (NULL);
  g_autoptr(FlLab) lab = NULL;
  const char not_utf8[] = "{\"format\":1,\"name\":\"\xff\xfe\"}";
  const char with_nul[] = "{\"format\":1}\0trailing";

  for (guint i = 0; i < 100000; i++)
    g_string_append_c (deep, '[');
  lab = fl_lab_new_from_data (deep->str, deep->len, &error);
  g_assert_null (lab);
  g_assert_error (error, FL_LAB_ERROR, FL_LAB_ERROR_SYNTAX);
  g_clear_error (&error);

  lab = fl_lab_new_from_data (not_utf8, sizeof not_utf8 - 1, &error);
  g_assert_null (lab);
  g_assert_error (error, FL_LAB_ERROR, FL_LAB_ERROR_SYNTAX);
  g_assert_cmpstr (error->message, ==, "not a lab file: the text is not valid UTF-8");
  g_clear_error (&error);

  lab = fl_lab_new_from_data (with_nul, sizeof with_nul - 1, &error);
  g_assert_null (lab);
  g_assert_nonnull (error);
  g_clear_error (&error);

  g_string_set_size (deep, 0);
  g_string_append (deep, "{\"format\":1,\"name\":\"");
  while (deep->len < FL_LAB_MAX_FILE_SIZE + 10)
    g_string_append (deep, "xxxxxxxxxxxxxxxx");
  lab = fl_lab_new_from_data (deep->str, deep->len, &error);
  g_assert_null (lab);
  g_assert_error (error, FL_LAB_ERROR, FL_LAB_ERROR_SYNTAX);
}

static void
test_lab_round_trip (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(FlLab) lab = fl_lab_new_from_data (good_lab, -1, &error);
  g_autoptr(FlLab) again = NULL;
  g_autoptr(FlLab) from_file = NULL;
  g_autofree char *first = NULL;
  g_autofree char *second = NULL;
  g_autofree char *third = NULL;
  g_autofree char *dir = NULL;
  g_autofree char *path = NULL;
  g_autofree char *keytab = NULL;

  g_assert_no_error (error);
  first = fl_lab_to_data (lab, NULL);
  again = fl_lab_new_from_data (first, -1, &error);
  g_assert_no_error (error);
  second = fl_lab_to_data (again, NULL);
  g_assert_cmpstr (first, ==, second);

  dir = g_dir_make_tmp ("fl-lab-XXXXXX", &error);
  g_assert_no_error (error);
  path = g_build_filename (dir, "saved.lab.json", NULL);
  g_assert_true (fl_lab_save_to_file (again, path, &error));
  g_assert_no_error (error);
  from_file = fl_lab_new_from_file (path, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (fl_lab_get_file (from_file), ==, path);
  third = fl_lab_to_data (from_file, NULL);
  g_assert_cmpstr (first, ==, third);

  /* relative paths in a lab file are relative to its folder */
  keytab = fl_lab_resolve_path (from_file, fl_lab_get_keytab (from_file));
  g_assert_true (g_str_has_prefix (keytab, dir));
  g_assert_true (g_str_has_suffix (keytab, "/ws01.keytab"));

  g_assert_cmpint (g_remove (path), ==, 0);
  g_assert_cmpint (g_rmdir (dir), ==, 0);
}

static void
test_lab_built_in_code (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(FlLab) lab = fl_lab_new ("ad hoc", "branch.example.net");
  g_autoptr(FlLabController) dc1 = fl_lab_controller_new ("DC1", "dc1.branch.example.net", "192.0.2.11");
  g_autoptr(FlLabController) bad = fl_lab_controller_new ("DC2", "dc2.branch.example.net", "192.0.2");
  g_autoptr(FlLab) reloaded = NULL;
  g_autofree char *text = NULL;

  g_assert_false (fl_lab_validate (lab, &error));
  g_assert_error (error, FL_LAB_ERROR, FL_LAB_ERROR_MISSING);
  g_clear_error (&error);

  fl_lab_add_controller (lab, dc1);
  fl_lab_set_proxmox_ssh (lab, "pve1.branch.example.net", "root", 0, NULL);
  fl_lab_set_client (lab, "WS01", FL_CLIENT_ACCESS_LOCAL, NULL, 0);
  g_assert_true (fl_lab_validate (lab, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (fl_lab_get_hypervisor_port (lab), ==, 22);
  g_assert_cmpstr (fl_lab_get_netbios (lab), ==, "BRANCH");

  text = fl_lab_to_data (lab, NULL);
  reloaded = fl_lab_new_from_data (text, -1, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (fl_lab_get_hypervisor_host (reloaded), ==, "pve1.branch.example.net");
  g_assert_false (fl_lab_client_is_remote (reloaded));

  /* the client over OpenSSH: its user named (a file saved without one would not load) */
  fl_lab_set_client (lab, "WS01", FL_CLIENT_ACCESS_SSH, NULL, 0);
  fl_lab_set_client_ssh (lab, "ws01.branch.example.net", 2222, NULL, NULL);
  g_assert_false (fl_lab_validate (lab, &error));
  g_assert_cmpstr (error->message, ==, "client.ssh.user: required field is missing");
  g_clear_error (&error);
  /* saved, read back, no hypervisor needed for it */
  fl_lab_set_client_ssh (lab, "ws01.branch.example.net", 2222, "BRANCH\\teacher", "~/.ssh/known_hosts.lab");
  g_assert_true (fl_lab_validate (lab, &error));
  g_assert_no_error (error);
  g_clear_pointer (&text, g_free);
  g_clear_object (&reloaded);
  text = fl_lab_to_data (lab, NULL);
  reloaded = fl_lab_new_from_data (text, -1, &error);
  g_assert_no_error (error);
  {
    const char *host = NULL, *user = NULL, *kh = NULL;
    guint port = 0;

    g_assert_true (fl_lab_get_client_ssh (reloaded, &host, &port, &user, &kh));
    g_assert_cmpstr (host, ==, "ws01.branch.example.net");
    g_assert_cmpuint (port, ==, 2222);
    g_assert_cmpstr (user, ==, "BRANCH\\teacher");
    g_assert_cmpstr (kh, ==, "~/.ssh/known_hosts.lab");
    g_assert_cmpint (fl_lab_get_client_access (reloaded), ==, FL_CLIENT_ACCESS_SSH);
    g_assert_true (fl_lab_client_is_remote (reloaded));
    g_assert_false (fl_lab_client_needs_hypervisor (reloaded));
  }

  fl_lab_add_controller (lab, bad);
  g_assert_false (fl_lab_validate (lab, &error));
  g_assert_cmpstr (error->message, ==, "controllers[1].address: \"192.0.2\" is not an IP address");
}

/* the hypervisor's settings are one kind's; validation changes nothing it checks */
static void
test_lab_hypervisor_kinds (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(FlLab) lab = fl_lab_new ("kinds", "test.local");
  g_autoptr(FlLabController) dc1 = fl_lab_controller_new ("DC1", "dc1.test.local", "192.0.2.11");
  g_autofree char *before = NULL, *after = NULL;
  const char *fp;

  fl_lab_add_controller (lab, dc1);
  /* written any way: kept in Proxmox's form where it is set */
  fl_lab_set_proxmox_api (lab, "https://pve1:8006", "fl@pve!lab", NULL,
                          "ab01cd23ef45ab01cd23ef45ab01cd23ef45ab01cd23ef45ab01cd23ef45ab01");
  fp = fl_lab_get_hypervisor_fingerprint (lab);
  g_assert_cmpstr (fp, ==, "AB:01:CD:23:EF:45:AB:01:CD:23:EF:45:AB:01:CD:23:EF:45:AB:01:CD:23:EF:45:AB:01:CD:23:EF:45:AB:01");
  g_assert_null (fl_lab_get_hypervisor_host (lab));
  g_assert_cmpuint (fl_lab_get_hypervisor_port (lab), ==, 0);
  before = fl_lab_to_data (lab, NULL);
  g_assert_true (fl_lab_validate (lab, &error));
  after = fl_lab_to_data (lab, NULL);
  g_assert_cmpstr (before, ==, after);
  g_assert_true (fl_lab_get_hypervisor_fingerprint (lab) == fp);   /* not even reallocated */

  /* one that is no fingerprint stays as given, and validation names it */
  fl_lab_set_hypervisor_fingerprint (lab, "not-a-fingerprint");
  g_assert_false (fl_lab_validate (lab, &error));
  g_assert_error (error, FL_LAB_ERROR, FL_LAB_ERROR_VALUE);
  g_assert_nonnull (strstr (error->message, "hypervisor.fingerprint: \"not-a-fingerprint\""));
  g_assert_cmpstr (fl_lab_get_hypervisor_fingerprint (lab), ==, "not-a-fingerprint");
  g_clear_error (&error);

  /* another kind: the API's settings are gone, not left behind */
  fl_lab_set_proxmox_ssh (lab, "pve1.test.local", "root", 2222, NULL);
  g_assert_cmpint (fl_lab_get_hypervisor_kind (lab), ==, FL_HYPERVISOR_PROXMOX_SSH);
  g_assert_null (fl_lab_get_hypervisor_url (lab));
  g_assert_null (fl_lab_get_hypervisor_fingerprint (lab));
  g_assert_null (fl_lab_get_hypervisor_token_id (lab));
  g_assert_cmpstr (fl_lab_get_hypervisor_user (lab), ==, "root");
  g_assert_cmpuint (fl_lab_get_hypervisor_port (lab), ==, 2222);
  g_assert_true (fl_lab_validate (lab, &error));
  g_assert_no_error (error);
  g_assert_cmpstr (fl_hypervisor_kind_to_string (FL_HYPERVISOR_PROXMOX_SSH), ==, "proxmox-ssh");
  g_assert_cmpstr (fl_client_access_to_string (FL_CLIENT_ACCESS_GUEST_AGENT), ==, "guest-agent");
}

static void
test_lab_missing_file (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(FlLab) lab = fl_lab_new_from_file ("/nonexistent/lab.json", &error);

  g_assert_null (lab);
  g_assert_error (error, FL_LAB_ERROR, FL_LAB_ERROR_IO);
  g_assert_nonnull (strstr (error->message, "/nonexistent/lab.json"));
}

static void
test_lab_helpers (void)
{
  g_autofree char *fp = NULL;

  g_assert_true (fl_lab_is_dns_name ("dc1.test.local"));
  g_assert_true (fl_lab_is_dns_name ("dc1.test.local."));
  g_assert_true (fl_lab_is_dns_name ("localhost"));
  g_assert_false (fl_lab_is_dns_name (""));
  g_assert_false (fl_lab_is_dns_name ("a..b"));
  g_assert_false (fl_lab_is_dns_name ("a-.b"));
  g_assert_false (fl_lab_is_dns_name ("-a.b"));
  g_assert_false (fl_lab_is_dns_name ("xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx.b"));

  fp = fl_lab_normalize_fingerprint ("sha256:3a915c0e7d22b4186fa0c359e1448b0297dd6a31f80c25b74e931ac658e20f7b");
  g_assert_nonnull (fp);
  g_assert_cmpuint (strlen (fp), ==, 95);
  g_assert_null (fl_lab_normalize_fingerprint ("3a:915c"));
  g_assert_null (fl_lab_normalize_fingerprint ("3A::91"));
  g_assert_null (fl_lab_normalize_fingerprint ("zz"));
}

/* what a stored password is keyed by, besides the user: the lab's domain and DCs */
static void
test_identity (void)
{
  const char *dcs[][2] = { { "dc1.test.local", "10.0.0.11" }, { "dc2.test.local", "10.0.0.12" } };
  g_autoptr(FlLab) a = fl_lab_new ("A", "test.local");
  g_autoptr(FlLab) b = fl_lab_new ("B, the same DCs in another order", "TEST.LOCAL");
  g_autoptr(FlLab) evil = fl_lab_new ("A", "test.local");
  g_autofree char *ia = NULL, *ib = NULL, *ie = NULL;

  for (guint i = 0; i < 2; i++)
    {
      g_autoptr(FlLabController) c = fl_lab_controller_new (i ? "DC2" : "DC1", dcs[i][0], dcs[i][1]);
      g_autoptr(FlLabController) d = fl_lab_controller_new (i ? "DC1" : "DC2", dcs[1 - i][0], dcs[1 - i][1]);
      g_autoptr(FlLabController) e = fl_lab_controller_new (i ? "DC2" : "DC1", dcs[i][0], i ? "192.0.2.66" : dcs[i][1]);

      fl_lab_add_controller (a, c);
      fl_lab_add_controller (b, d);
      fl_lab_add_controller (evil, e);
    }
  ia = fl_lab_get_identity (a);
  ib = fl_lab_get_identity (b);
  ie = fl_lab_get_identity (evil);
  g_assert_cmpstr (ia, ==, ib);
  g_assert_cmpstr (ia, !=, ie);   /* same user and domain, another address: not the same lab */
}

static void
test_fault_request (void)
{
  static const struct { const char *text; gboolean ok; const char *dc, *note, *why; } cases[] = {
    { "{\"dc\": \"DC1\", \"note\": \"vm stop DC1\"}", TRUE, "DC1", "vm stop DC1", NULL },
    { "{}", TRUE, NULL, NULL, NULL },
    { "{\"dc\": null}", TRUE, NULL, NULL, NULL },
    { "{\"dc\": 1}", FALSE, NULL, NULL, "not a string" },
    { "{\"dc\": \"DC1\", \"x\": 1}", FALSE, NULL, NULL, "unknown key" },
    { "{\"dc\": {\"a\": 1}}", FALSE, NULL, NULL, "not a JSON object" },
    { "[[[[[[", FALSE, NULL, NULL, "not a JSON object" },
    { "\xff{}", FALSE, NULL, NULL, "not UTF-8" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *dc = NULL, *note = NULL;
      g_autoptr(GError) error = NULL;
      gboolean ok = fl_fault_request_parse (cases[i].text, strlen (cases[i].text), &dc, &note, &error);

      g_test_message ("%s", cases[i].text);
      g_test_message ("%s", error ? error->message : "ok");
      g_assert_cmpint (ok, ==, cases[i].ok);
      g_assert_cmpstr (dc, ==, cases[i].dc);
      g_assert_cmpstr (note, ==, cases[i].note);
      if (!ok)
        g_assert_nonnull (strstr (error->message, cases[i].why));
    }
  {
    g_autofree char *big = g_strnfill (FL_FAULT_REQUEST_MAX + 1, ' ');
    g_autofree char *dc = NULL, *note = NULL;
    g_autoptr(GError) error = NULL;

    g_assert_false (fl_fault_request_parse (big, strlen (big), &dc, &note, &error));
  }
}

int
main (int   argc,
      char *argv[])
{
  setlocale (LC_ALL, "C.UTF-8");
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/lab/good", test_lab_good);
  g_test_add_func ("/lab/minimal-defaults", test_lab_minimal_defaults);
  g_test_add_func ("/lab/hostile-input", test_lab_hostile_input);
  g_test_add_func ("/lab/round-trip", test_lab_round_trip);
  g_test_add_func ("/lab/built-in-code", test_lab_built_in_code);
  g_test_add_func ("/lab/missing-file", test_lab_missing_file);
  g_test_add_func ("/lab/helpers", test_lab_helpers);
  g_test_add_func ("/lab/fault-request", test_fault_request);
  g_test_add_func ("/lab/identity", test_identity);
  g_test_add_func ("/lab/hypervisor-kinds", test_lab_hypervisor_kinds);
  for (guint i = 0; i < G_N_ELEMENTS (bad_cases); i++)
    {
      g_autofree char *path = g_strdup_printf ("/lab/bad/%s", bad_cases[i].what);

      g_strdelimit (path + 9, " ", '-');
      g_test_add_data_func (path, &bad_cases[i], test_lab_bad);
    }

  return g_test_run ();
}
