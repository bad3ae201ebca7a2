/* test-win-output.c: the Windows client's outputs, published samples (English) and the same in
 * Japanese (labels translated, tokens not), in UTF-8 and in CP932 bytes, CRLF, cut, garbage
 *
 * Copyright 2026 The Failover Lab authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <locale.h>
#include <string.h>

#include "fl-win-client.h"
#include "fl-win-output.h"
#include "fl-test-win-argv.h"

static const char *dsgetdc_en =
  "           DC: \\\\DC.contoso.com\r\n"
  "      Address: \\\\10.0.1.2\r\n"
  "     Dom Guid: 3c1a6f5e-8d2b-4a7e-9f10-2b6c8d4e5f70\r\n"
  "     Dom Name: contoso.com\r\n"
  "  Forest Name: contoso.com\r\n"
  " Dc Site Name: Default-First-Site-Name\r\n"
  "Our Site Name: Default-First-Site-Name\r\n"
  "        Flags: PDC GC DS LDAP KDC TIMESERV WRITABLE DNS_DC DNS_DOMAIN DNS_FOREST CLOSE_SITE FULL_SECRET WS DS_8 DS_9 DS_10 KEYLIST\r\n"
  "The command completed successfully\r\n";

static const char *dsgetdc_ja =
  "           DC: \\\\DC2.test.local\r\n"
  "      アドレス: \\\\10.231.7.12\r\n"
  "  ドメイン GUID: 3c1a6f5e-8d2b-4a7e-9f10-2b6c8d4e5f70\r\n"
  "    ドメイン名: test.local\r\n"
  "  フォレスト名: test.local\r\n"
  "  DC サイト名: Default-First-Site-Name\r\n"
  "自分のサイト名: Default-First-Site-Name\r\n"
  "        フラグ: GC DS LDAP KDC TIMESERV WRITABLE DNS_DC DNS_DOMAIN DNS_FOREST CLOSE_SITE FULL_SECRET WS\r\n"
  "コマンドは正しく完了しました\r\n";

static void
check_dsgetdc (FlWinDsGetDc *r,
               const char   *dc,
               const char   *address,
               const char   *domain)
{
  g_assert_false (r->status.known && r->status.code != 0);
  g_assert_cmpstr (r->dc, ==, dc);
  g_assert_cmpstr (r->address, ==, address);
  g_assert_cmpstr (r->domain_guid, ==, "3c1a6f5e-8d2b-4a7e-9f10-2b6c8d4e5f70");
  g_assert_cmpstr (r->domain, ==, domain);
  g_assert_cmpstr (r->forest, ==, domain);
  g_assert_cmpstr (r->dc_site, ==, "Default-First-Site-Name");
  g_assert_cmpstr (r->client_site, ==, "Default-First-Site-Name");
  g_assert_true (g_strv_contains ((const char * const *)r->flags, "KDC"));
  g_assert_true (g_strv_contains ((const char * const *)r->flags, "WRITABLE"));
}

static void
test_dsgetdc (void)
{
  g_autoptr(FlWinDsGetDc) en = fl_win_parse_dsgetdc (dsgetdc_en);
  g_autoptr(FlWinDsGetDc) ja = fl_win_parse_dsgetdc (dsgetdc_ja);
  g_autoptr(FlWinDsGetDc) fail =
    fl_win_parse_dsgetdc ("Getting DC name failed: Status = 1355 0x54b ERROR_NO_SUCH_DOMAIN\r\n");
  g_autoptr(FlWinDsGetDc) bare =
    fl_win_parse_dsgetdc ("DsGetDcName function Failed with ERROR_NO_SUCH_DOMAIN\r\n");
  g_autofree char *cp932 = g_convert (dsgetdc_ja, -1, "CP932", "UTF-8", NULL, NULL, NULL);
  g_autofree char *decoded = NULL;
  g_autoptr(FlWinDsGetDc) from_cp932 = NULL;

  check_dsgetdc (en, "DC.contoso.com", "10.0.1.2", "contoso.com");
  g_assert_true (g_strv_contains ((const char * const *)en->flags, "PDC"));
  check_dsgetdc (ja, "DC2.test.local", "10.231.7.12", "test.local");
  g_assert_false (g_strv_contains ((const char * const *)ja->flags, "PDC"));

  /* the console's bytes on a Japanese Windows */
  g_assert_nonnull (cp932);
  g_assert_false (g_utf8_validate (cp932, -1, NULL));
  decoded = fl_win_decode_output ((const guint8 *)cp932, strlen (cp932), NULL);
  g_assert_cmpstr (decoded, ==, dsgetdc_ja);
  from_cp932 = fl_win_parse_dsgetdc (decoded);
  check_dsgetdc (from_cp932, "DC2.test.local", "10.231.7.12", "test.local");

  g_assert_true (fail->status.known);
  g_assert_cmpuint (fail->status.code, ==, 1355);
  g_assert_cmpstr (fail->status.symbol, ==, "ERROR_NO_SUCH_DOMAIN");
  g_assert_null (fail->dc);
  g_assert_true (bare->status.known);
  g_assert_cmpuint (bare->status.code, ==, 1355);
}

static void
test_sc_query (void)
{
  g_autoptr(FlWinSecureChannel) ok = fl_win_parse_sc_query (
    "Flags: 30 HAS_IP  HAS_TIMESERV\r\n"
    "Trusted DC Name \\\\dc10.domain.example\r\n"
    "Trusted DC Connection Status Status = 0 0x0 NERR_Success\r\n"
    "The command completed successfully\r\n");
  g_autoptr(FlWinSecureChannel) down = fl_win_parse_sc_query (
    "I_NetLogonControl failed: Status = 1722 0x6ba RPC_S_SERVER_UNAVAILABLE\r\n");
  /* the banner is printed even when the channel is down: the status decides */
  g_autoptr(FlWinSecureChannel) banner = fl_win_parse_sc_query (
    "フラグ: 30 HAS_IP  HAS_TIMESERV\r\n"
    "信頼された DC 名 \\\\DC2.test.local\r\n"
    "信頼された DC 接続状態 Status = 1311 0x51f ERROR_NO_LOGON_SERVERS\r\n"
    "信頼の検証状態 Status = 1722 0x6ba RPC_S_SERVER_UNAVAILABLE\r\n"
    "コマンドは正しく完了しました\r\n");

  g_assert_true (ok->connection.known);
  g_assert_cmpuint (ok->connection.code, ==, 0);
  g_assert_cmpstr (ok->connection.symbol, ==, "NERR_Success");
  g_assert_cmpstr (ok->trusted_dc, ==, "dc10.domain.example");
  g_assert_cmphex (ok->flags, ==, 0x30);
  g_assert_false (ok->verification.known);

  g_assert_cmpuint (down->connection.code, ==, 1722);
  g_assert_cmpstr (down->connection.symbol, ==, "RPC_S_SERVER_UNAVAILABLE");
  g_assert_null (down->trusted_dc);

  g_assert_cmpuint (banner->connection.code, ==, 1311);
  g_assert_cmpuint (banner->verification.code, ==, 1722);
  g_assert_cmpstr (banner->trusted_dc, ==, "DC2.test.local");
}

static void
test_klist (void)
{
  g_autoptr(FlWinKlist) k = fl_win_parse_klist (
    "\r\nCurrent LogonId is 0:0xaa79ef8\r\n\r\nCached Tickets: (2)\r\n\r\n"
    "#0>     Client: user01 @ TEST.LOCAL\r\n"
    "        Server: krbtgt/TEST.LOCAL @ TEST.LOCAL\r\n"
    "        KerbTicket Encryption Type: AES-256-CTS-HMAC-SHA1-96\r\n"
    "        Ticket Flags 0x40e10000 -> forwardable renewable initial pre_authent name_canonicalize\r\n"
    "        Start Time: 3/21/2019 4:17:53 (local)\r\n"
    "        End Time:   3/21/2019 14:17:53 (local)\r\n"
    "        Renew Time: 3/28/2019 4:17:42 (local)\r\n"
    "        Session Key Type: AES-256-CTS-HMAC-SHA1-96\r\n"
    "        Cache Flags: 0x1 -> PRIMARY\r\n"
    "        Kdc Called: DC1.test.local\r\n\r\n"
    "#1>     クライアント: user01 @ TEST.LOCAL\r\n"
    "        サーバー: cifs/DC2.test.local @ TEST.LOCAL\r\n"
    "        Kerberos チケットの暗号化の種類: AES-256-CTS-HMAC-SHA1-96\r\n"
    "        チケット フラグ 0x40a50000 -> forwardable renewable pre_authent ok_as_delegate name_canonicalize\r\n"
    "        開始時刻: 2026/12/01 9:05:07 (ローカル)\r\n"
    "        呼び出された KDC: DC2.test.local\r\n");
  FlWinTicket *t0, *t1;

  g_assert_cmpuint (k->tickets->len, ==, 2);
  t0 = k->tickets->pdata[0];
  t1 = k->tickets->pdata[1];
  g_assert_cmpstr (t0->client, ==, "user01 @ TEST.LOCAL");
  g_assert_cmpstr (t0->server, ==, "krbtgt/TEST.LOCAL @ TEST.LOCAL");
  g_assert_cmpstr (t0->kdc_called, ==, "DC1.test.local");
  g_assert_true (g_strv_contains ((const char * const *)t0->flags, "initial"));
  g_assert_cmpstr (t1->server, ==, "cifs/DC2.test.local @ TEST.LOCAL");
  g_assert_cmpstr (t1->kdc_called, ==, "DC2.test.local");
  g_assert_cmpstr (k->tgt_kdc, ==, "DC1.test.local");
  g_assert_cmpstr (k->service_kdc, ==, "DC2.test.local");
}

static void
test_logonserver (void)
{
  g_autofree char *a = fl_win_parse_logonserver ("\\\\DC01\r\n");
  g_autofree char *b = fl_win_parse_logonserver ("LOGONSERVER=\\\\DC1\r\n");
  g_autofree char *c = fl_win_parse_logonserver ("\r\n");

  g_assert_cmpstr (a, ==, "DC01");
  g_assert_cmpstr (b, ==, "DC1");
  g_assert_null (c);
}

/* the command line OpenSSH on Windows is given: split back, it is the argv */
static void
test_command_line (void)
{
  static const char * const cases[][5] = {
    { "powershell.exe", "-NoProfile", "-EncodedCommand", "SQBkAA==", NULL },
    { "a b", "", "tab\there", "q\"uote", NULL },
    { "C:\\Program Files\\x\\", "\\\\DOM\\SYSVOL", "end\\\\", "\\\"", NULL },
    { "x", "a\\\\\"b", "\"\"", "\\", NULL },
  };
  static const char * const expected[] = {
    "powershell.exe -NoProfile -EncodedCommand SQBkAA==",
    "\"a b\" \"\" \"tab\there\" \"q\\\"uote\"",
    "\"C:\\Program Files\\x\\\\\" \\\\DOM\\SYSVOL end\\\\ \"\\\\\\\"\"",
    "x \"a\\\\\\\\\\\"b\" \"\\\"\\\"\" \\",
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *line = fl_win_command_line (cases[i]);
      g_auto(GStrv) back = fl_test_win_split (line);

      g_assert_cmpstr (line, ==, expected[i]);
      if (!g_strv_equal ((const char * const *)back, cases[i]))
        {
          g_autofree char *got = g_strjoinv ("|", back);

          g_error ("case %u: %s split back into %s", i, line, got);
        }
    }
  {
    const char *none[] = { NULL };
    g_autofree char *empty = fl_win_command_line (none);

    g_assert_cmpstr (empty, ==, "");
  }
}

/* chcp: the label is localized, the number is not */
static void
test_chcp (void)
{
  g_assert_cmpuint (fl_win_parse_chcp ("Active code page: 932\r\n"), ==, 932);
  g_assert_cmpuint (fl_win_parse_chcp ("現在のコード ページ: 932\r\n"), ==, 932);
  g_assert_cmpuint (fl_win_parse_chcp ("Page de codes active : 850\r\n"), ==, 850);
  g_assert_cmpuint (fl_win_parse_chcp ("現在のコード ページ：65001\r\n"), ==, 65001);
  g_assert_cmpuint (fl_win_parse_chcp ("Active code page: 437"), ==, 437);
  /* no number, too long a number, none after the colon, nothing */
  g_assert_cmpuint (fl_win_parse_chcp ("Active code page:\r\n"), ==, 0);
  g_assert_cmpuint (fl_win_parse_chcp ("Active code page: 9999999\r\n"), ==, 0);
  g_assert_cmpuint (fl_win_parse_chcp ("'chcp' is not recognized as an internal or external command\r\n"), ==, 0);
  g_assert_cmpuint (fl_win_parse_chcp (""), ==, 0);
  g_assert_cmpuint (fl_win_parse_chcp (NULL), ==, 0);
}

/* Test-ComputerSecureChannel -Verbose and Test-Path: the boolean alone on its line */
static void
test_answer (void)
{
  g_assert_cmpint (fl_win_parse_answer ("VERBOSE: Performing operation \"Test-ComputerSecureChannel\" on Target \"SERVER01\".\r\n"
                                        "True\r\n"
                                        "VERBOSE: \"The secure channel between 'SERVER01' and 'net.fabrikam.com' is alive and working correctly.\"\r\n"),
                   ==, FL_WIN_ANSWER_TRUE);
  /* localized VERBOSE prose around it does not matter */
  g_assert_cmpint (fl_win_parse_answer ("詳細: 対象 \"WS01\" に対して操作 \"Test-ComputerSecureChannel\" を実行しています。\r\nFalse\r\n"),
                   ==, FL_WIN_ANSWER_FALSE);
  g_assert_cmpint (fl_win_parse_answer ("  True  \r\n"), ==, FL_WIN_ANSWER_TRUE);
  /* prose that merely holds the word is no answer */
  g_assert_cmpint (fl_win_parse_answer ("It is True that\r\nFalsely\r\n"), ==, FL_WIN_ANSWER_NONE);
  g_assert_cmpint (fl_win_parse_answer (""), ==, FL_WIN_ANSWER_NONE);
}

static const char gpupdate_ok[] =
  "Updating policy...\r\n\r\n"
  "Computer Policy update has completed successfully.\r\n"
  "User Policy update has completed successfully.\r\n\r\n";

static const char gpupdate_fail[] =
  "Updating policy...\r\n\r\n"
  "Computer policy could not be updated successfully. The following errors were encountered:\r\n\r\n"
  "The processing of Group Policy failed because of lack of network connectivity to a domain controller. "
  "This may be a transient condition. A success message would be generated once the machine gets connected "
  "to the domain controller and Group Policy has successfully processed. If you do not see a success message "
  "for several hours, then contact your administrator.\r\n"
  "User Policy could not be updated successfully. The following errors were encountered:\r\n\r\n"
  "The processing of Group Policy failed because of lack of network connectivity to a domain controller. ...\r\n\r\n"
  "To diagnose the failure, review the event log or run GPRESULT /H GPReport.html from the command line to "
  "access information about Group Policy results.\r\n";

static const char gpresult[] =
  "COMPUTER SETTINGS\r\n"
  "------------------\r\n"
  "    CN=WS01,CN=Computers,DC=test,DC=local\r\n"
  "    Last time Group Policy was applied: 12/1/2026 at 10:00:00 AM\r\n"
  "    Group Policy was applied from:      DC2.test.local\r\n"
  "    Group Policy slow link threshold:   500 kbps\r\n"
  "    Domain Name:                        TEST\r\n"
  "    Domain Type:                        Windows 2008 or later\r\n";

static void
test_gpupdate (void)
{
  g_autofree char *both = g_strconcat (gpupdate_ok, gpresult, NULL);
  g_autoptr(FlWinGpupdate) ok = fl_win_parse_gpupdate (both);
  g_autoptr(FlWinGpupdate) fail = fl_win_parse_gpupdate (gpupdate_fail);
  g_autoptr(FlWinGpupdate) ja = fl_win_parse_gpupdate ("ポリシーを更新しています...\r\n\r\n"
                                                       "コンピューター ポリシーの更新が正常に完了しました。\r\n"
                                                       "ユーザー ポリシーを正常に更新できませんでした。次のエラーが発生しました:\r\n"
                                                       "グループ ポリシーの適用元：DC1.test.local\r\n");
  g_autoptr(FlWinGpupdate) unknown = fl_win_parse_gpupdate ("Updating policy...\r\nThe command completed successfully\r\n");

  g_assert_cmpint (ok->result, ==, FL_WIN_GP_SUCCESS);
  g_assert_cmpint (ok->computer, ==, FL_WIN_GP_SUCCESS);
  g_assert_cmpint (ok->user, ==, FL_WIN_GP_SUCCESS);
  /* the DC that served the policy, not the date, the DN, the NetBIOS name or the threshold */
  g_assert_cmpstr (ok->applied_from, ==, "DC2.test.local");

  /* "could not be updated successfully" holds a success word; the event's prose too */
  g_assert_cmpint (fail->result, ==, FL_WIN_GP_FAILURE);
  g_assert_cmpint (fail->computer, ==, FL_WIN_GP_FAILURE);
  g_assert_cmpint (fail->user, ==, FL_WIN_GP_FAILURE);
  g_assert_null (fail->applied_from);

  g_assert_cmpint (ja->computer, ==, FL_WIN_GP_SUCCESS);
  g_assert_cmpint (ja->user, ==, FL_WIN_GP_FAILURE);
  g_assert_cmpint (ja->result, ==, FL_WIN_GP_FAILURE);
  g_assert_cmpstr (ja->applied_from, ==, "DC1.test.local");

  /* a phrasing it does not know is unknown, never a failure (nor nltest's banner a success) */
  g_assert_cmpint (unknown->result, ==, FL_WIN_GP_UNKNOWN);
}

/* cut output and garbage: no crash, nothing invented */
static void
test_garbage (void)
{
  static const char * const inputs[] = {
    "", "\\\\", "Status = ", "Status = 99999999999999 0x", "Flags: HAS_", "#1>", "#0> : @ \r\n",
    "           DC: \\\\DC.cont", "     Dom Guid: 3c1a6f5e-8d2b", ":", "：",
  };
  guint8 junk[256];

  for (guint i = 0; i < G_N_ELEMENTS (inputs); i++)
    {
      g_autoptr(FlWinDsGetDc) d = fl_win_parse_dsgetdc (inputs[i]);
      g_autoptr(FlWinSecureChannel) s = fl_win_parse_sc_query (inputs[i]);
      g_autoptr(FlWinKlist) k = fl_win_parse_klist (inputs[i]);
      g_autofree char *l = fl_win_parse_logonserver (inputs[i]);
      g_autoptr(FlWinGpupdate) g = fl_win_parse_gpupdate (inputs[i]);

      g_assert_null (d->domain_guid);
      g_assert_false (s->connection.known && s->connection.code == 0);
      g_assert_cmpuint (k->tickets->len, <=, 1);
      g_assert_true (l == NULL || *l != '\0');
      g_assert_cmpint (g->result, ==, FL_WIN_GP_UNKNOWN);
      g_assert_cmpint (fl_win_parse_answer (inputs[i]), ==, FL_WIN_ANSWER_NONE);
    }
  for (guint i = 0; i < sizeof junk; i++)
    junk[i] = (guint8)(i * 37 + 11);
  {
    g_autofree char *text = fl_win_decode_output (junk, sizeof junk, "CP437");

    g_assert_true (g_utf8_validate (text, -1, NULL));
  }
}

/* one round: the script sent (the domain checked: it goes into a command line), its encoding,
 * and its output cut into parts */
static void
test_round (void)
{
  g_autofree char *script = fl_win_round_script ("test.local");
  g_autofree char *dir = fl_win_powershell_encode ("dir");
  g_auto(GStrv) argv = fl_win_round_argv ("test.local");
  g_autofree guchar *raw = NULL;
  g_autofree char *back = NULL;
  gsize n = 0;
  g_auto(GStrv) parts = NULL;
  g_auto(GStrv) cut = NULL;
  const char *output =
    "@@failover-lab:dsgetdc\r\n"
    "           DC: \\\\DC2.test.local\r\n"
    "The command completed successfully\r\n"
    "@@failover-lab:sc_query\r\n"
    "Flags: 30 HAS_IP  HAS_TIMESERV\r\n"
    "@@failover-lab:klist\r\n"
    "@@failover-lab:logonserver\r\n"
    "\\\\DC1\r\n";

  g_assert_nonnull (strstr (script, "nltest /dsgetdc:test.local /force\n"));
  g_assert_nonnull (strstr (script, "nltest /sc_query:test.local\n"));
  g_assert_nonnull (strstr (script, "UTF8Encoding"));
  g_assert_null (fl_win_round_script ("test.local; Remove-Item C:\\"));
  g_assert_null (fl_win_round_script ("test.local\nklist purge"));
  g_assert_null (fl_win_round_script (""));
  g_assert_null (fl_win_round_script ("-x"));
  g_assert_null (fl_win_round_argv ("a b"));

  /* PowerShell's own example: -EncodedCommand of "dir" */
  g_assert_cmpstr (dir, ==, "ZABpAHIA");
  g_assert_cmpuint (g_strv_length (argv), ==, 8);
  g_assert_cmpstr (argv[0], ==, "powershell.exe");
  g_assert_cmpstr (argv[6], ==, "-EncodedCommand");
  raw = g_base64_decode (argv[7], &n);
  back = g_convert ((const char *)raw, (gssize)n, "UTF-8", "UTF-16LE", NULL, NULL, NULL);
  g_assert_cmpstr (back, ==, script);

  parts = fl_win_split_round (output);
  g_assert_cmpuint (g_strv_length (parts), ==, FL_WIN_N_PARTS);
  g_assert_cmpstr (parts[FL_WIN_PART_DSGETDC], ==,
                   "           DC: \\\\DC2.test.local\r\nThe command completed successfully\r\n");
  g_assert_cmpstr (parts[FL_WIN_PART_SC_QUERY], ==, "Flags: 30 HAS_IP  HAS_TIMESERV\r\n");
  g_assert_cmpstr (parts[FL_WIN_PART_KLIST], ==, "");
  g_assert_cmpstr (parts[FL_WIN_PART_LOGONSERVER], ==, "\\\\DC1\r\n");
  g_assert_cmpstr (fl_win_part_name (FL_WIN_PART_SC_QUERY), ==, "sc_query");

  /* cut after the first part, with LF only, and a marker-like line that is not one */
  cut = fl_win_split_round ("@@failover-lab:dsgetdc\n@@failover-lab:dsgetdcx\nDC: \\\\DC1");
  g_assert_cmpstr (cut[FL_WIN_PART_DSGETDC], ==, "@@failover-lab:dsgetdcx\r\nDC: \\\\DC1\r\n");
  g_assert_cmpstr (cut[FL_WIN_PART_LOGONSERVER], ==, "");
}

/* an action's script (the domain checked) and its outcome read from what the client printed */
static void
test_actions (void)
{
  g_autoptr(FlProbeConfig) config = fl_probe_config_new ("test.local", "TEST.LOCAL");
  g_autofree char *reset = fl_win_action_script (FL_WIN_ACTION_RESET_CHANNEL, "test.local");
  g_autofree char *sysvol = fl_win_action_script (FL_WIN_ACTION_TEST_SYSVOL, "test.local");
  g_autofree char *gp = fl_win_action_script (FL_WIN_ACTION_GPUPDATE, "test.local");
  g_autofree char *gp_text = g_strconcat (gpupdate_ok, gpresult, NULL);
  g_autoptr(FlWinActionResult) sc_ok = NULL, sc_fail = NULL, sc_junk = NULL, gp_ok = NULL, gp_fail = NULL;
  g_autoptr(FlWinActionResult) flush = NULL, purge_fail = NULL, channel = NULL, path = NULL, path_junk = NULL;
  FlWinAction a;

  fl_probe_config_add_dc (config, "DC1", "dc1.test.local", "10.231.7.11", NULL);
  fl_probe_config_add_dc (config, "DC2", "dc2.test.local", "10.231.7.12", NULL);

  g_assert_nonnull (strstr (reset, "[Console]::OutputEncoding"));
  g_assert_nonnull (strstr (reset, "\nnltest /sc_reset:test.local\n"));
  g_assert_nonnull (strstr (sysvol, "\nTest-Path \\\\test.local\\SYSVOL\n"));
  g_assert_nonnull (strstr (gp, "\ngpupdate /force\ngpresult /r /scope:computer\n"));
  g_assert_null (fl_win_action_script (FL_WIN_ACTION_RESET_CHANNEL, "x; Remove-Item C:\\"));
  g_assert_null (fl_win_action_argv (FL_WIN_ACTION_TEST_SYSVOL, "a b"));
  for (guint i = 0; i < FL_WIN_N_ACTIONS; i++)
    {
      g_auto(GStrv) argv = fl_win_action_argv (i, "test.local");

      g_assert_cmpstr (argv[0], ==, "powershell.exe");
      g_assert_cmpstr (argv[6], ==, "-EncodedCommand");
      g_assert_true (fl_win_action_from_string (fl_win_action_to_string (i), &a) && a == i);
      g_assert_cmpstr (fl_win_action_get_label (i), !=, "");
    }
  g_assert_false (fl_win_action_from_string ("format-c", &a));

  sc_ok = fl_win_action_result_new (config, FL_WIN_ACTION_RESET_CHANNEL, 0,
                                    "Flags: 30 HAS_IP  HAS_TIMESERV\r\n"
                                    "Trusted DC Name \\\\dc2.test.local\r\n"
                                    "Trusted DC Connection Status Status = 0 0x0 NERR_Success\r\n"
                                    "The command completed successfully\r\n");
  g_assert_true (sc_ok->ok);
  g_assert_cmpstr (sc_ok->server, ==, "DC2");
  g_assert_nonnull (strstr (sc_ok->summary, "DC2"));
  /* the banner is printed even when the reset failed: the status decides */
  sc_fail = fl_win_action_result_new (config, FL_WIN_ACTION_RESET_CHANNEL, 0,
                                      "Flags: 0\r\nTrusted DC Name\r\n"
                                      "Trusted DC Connection Status Status = 1311 0x51f ERROR_NO_LOGON_SERVERS\r\n"
                                      "The command completed successfully\r\n");
  g_assert_false (sc_fail->ok);
  g_assert_nonnull (strstr (sc_fail->summary, "1311 ERROR_NO_LOGON_SERVERS"));
  sc_junk = fl_win_action_result_new (config, FL_WIN_ACTION_RESET_CHANNEL, 1, "garbage");
  g_assert_false (sc_junk->ok);

  gp_ok = fl_win_action_result_new (config, FL_WIN_ACTION_GPUPDATE, 0, gp_text);
  g_assert_true (gp_ok->ok);
  g_assert_cmpstr (gp_ok->server, ==, "DC2");
  gp_fail = fl_win_action_result_new (config, FL_WIN_ACTION_GPUPDATE, 1, gpupdate_fail);
  g_assert_false (gp_fail->ok);
  g_assert_null (gp_fail->server);
  g_assert_cmpstr (gp_fail->output, ==, gpupdate_fail);

  flush = fl_win_action_result_new (config, FL_WIN_ACTION_FLUSH_DNS, 0, "Successfully flushed the DNS Resolver Cache.\r\n");
  g_assert_true (flush->ok);
  purge_fail = fl_win_action_result_new (config, FL_WIN_ACTION_PURGE_TICKETS, 5, "");
  g_assert_false (purge_fail->ok);
  g_assert_nonnull (strstr (purge_fail->summary, "5"));

  channel = fl_win_action_result_new (config, FL_WIN_ACTION_TEST_CHANNEL, 0, "True\r\n");
  g_assert_true (channel->ok);
  path = fl_win_action_result_new (config, FL_WIN_ACTION_TEST_SYSVOL, 0, "False\r\n");
  g_assert_false (path->ok);
  path_junk = fl_win_action_result_new (config, FL_WIN_ACTION_TEST_SYSVOL, 0, "Test-Path : Access is denied\r\n");
  g_assert_false (path_junk->ok);
  g_assert_cmpstr (path_junk->summary, !=, path->summary);
}

static FlSample *
sample_of (GPtrArray   *samples,
           FlCheckKind  kind)
{
  for (guint i = 0; i < samples->len; i++)
    if (fl_sample_get_kind (samples->pdata[i]) == kind)
      return samples->pdata[i];
  g_error ("no %s sample", fl_check_kind_to_string (kind));
}

/* Proxmox VE's out-data: the console's bytes as Latin-1 characters, CP932 and UTF-8 alike */
static void
test_agent_text (void)
{
  g_autofree char *cp932 = g_convert (dsgetdc_ja, -1, "CP932", "UTF-8", NULL, NULL, NULL);
  g_autofree char *mangled_cp932 = g_convert (cp932, -1, "UTF-8", "ISO-8859-1", NULL, NULL, NULL);
  g_autofree char *mangled_utf8 = g_convert (dsgetdc_ja, -1, "UTF-8", "ISO-8859-1", NULL, NULL, NULL);
  g_autofree char *a = fl_win_agent_text (mangled_cp932, NULL);
  g_autofree char *b = fl_win_agent_text (mangled_utf8, NULL);
  g_autofree char *c = fl_win_agent_text (dsgetdc_ja, NULL);
  g_autofree char *d = fl_win_agent_text ("DC1\r\n", NULL);
  g_autofree char *e = fl_win_agent_text (NULL, NULL);

  g_assert_cmpstr (a, ==, dsgetdc_ja);
  g_assert_cmpstr (b, ==, dsgetdc_ja);
  g_assert_cmpstr (c, ==, dsgetdc_ja);   /* already text: as it is */
  g_assert_cmpstr (d, ==, "DC1\r\n");
  g_assert_cmpstr (e, ==, "");
}

/* a round's output to one sample per view, DCs by the lab's names */
static void
test_round_samples (void)
{
  g_autoptr(FlProbeConfig) config = fl_probe_config_new ("test.local", "TEST.LOCAL");
  g_autofree char *ok_text = NULL;
  g_autoptr(GPtrArray) ok = NULL, down = NULL, empty = NULL;
  g_autofree char *by_host = NULL, *by_label = NULL, *unknown = NULL;
  FlSample *s;

  fl_probe_config_add_dc (config, "DC1", "dc1.test.local", "10.231.7.11", NULL);
  fl_probe_config_add_dc (config, "DC2", "dc2.test.local", "10.231.7.12", NULL);
  by_host = fl_win_dc_name (config, "DC2.TEST.LOCAL");
  by_label = fl_win_dc_name (config, "dc1");
  unknown = fl_win_dc_name (config, "dc9.test.local");
  g_assert_cmpstr (by_host, ==, "DC2");
  g_assert_cmpstr (by_label, ==, "DC1");
  g_assert_cmpstr (unknown, ==, "DC9");
  g_assert_null (fl_win_dc_name (config, ""));

  ok_text = g_strconcat ("@@failover-lab:dsgetdc\r\n", dsgetdc_ja,
                         "@@failover-lab:sc_query\r\n"
                         "フラグ: 30 HAS_IP  HAS_TIMESERV\r\n"
                         "信頼された DC 名 \\\\DC2.test.local\r\n"
                         "信頼された DC 接続状態 Status = 0 0x0 NERR_Success\r\n"
                         "@@failover-lab:klist\r\n"
                         "@@failover-lab:logonserver\r\n"
                         "\\\\DC1\r\n", NULL);
  ok = fl_win_round_samples (config, ok_text, 1000, 2000, 1500000);
  g_assert_cmpuint (ok->len, ==, 4);
  s = sample_of (ok, FL_CHECK_WIN_LOCATOR);
  g_assert_cmpint (fl_sample_get_status (s), ==, FL_STATUS_OK);
  g_assert_cmpstr (fl_sample_lookup_string (s, "server"), ==, "DC2");
  g_assert_cmpstr (fl_sample_lookup_string (s, "address"), ==, "10.231.7.12");
  g_assert_cmpint (fl_sample_get_latency_us (s), ==, 1500000);
  s = sample_of (ok, FL_CHECK_SECURE_CHANNEL);
  g_assert_cmpint (fl_sample_get_status (s), ==, FL_STATUS_OK);
  g_assert_cmpstr (fl_sample_lookup_string (s, "server"), ==, "DC2");
  g_assert_cmpstr (fl_sample_lookup_string (s, "code"), ==, "0 NERR_Success");
  /* no tickets yet: no news, not a failure */
  s = sample_of (ok, FL_CHECK_WIN_KDC);
  g_assert_cmpint (fl_sample_get_status (s), ==, FL_STATUS_SKIPPED);
  s = sample_of (ok, FL_CHECK_WIN_LOGON);
  g_assert_cmpstr (fl_sample_lookup_string (s, "server"), ==, "DC1");

  /* the channel's DC stopped: 1722, the trusted DC named, no server */
  down = fl_win_round_samples (config,
                               "@@failover-lab:dsgetdc\r\n"
                               "Getting DC name failed: Status = 1355 0x54b ERROR_NO_SUCH_DOMAIN\r\n"
                               "@@failover-lab:sc_query\r\n"
                               "Flags: 30 HAS_IP  HAS_TIMESERV\r\n"
                               "Trusted DC Name \\\\DC1.test.local\r\n"
                               "Trusted DC Connection Status Status = 1722 0x6ba RPC_S_SERVER_UNAVAILABLE\r\n",
                               1000, 2000, 3);
  s = sample_of (down, FL_CHECK_WIN_LOCATOR);
  g_assert_cmpint (fl_sample_get_status (s), ==, FL_STATUS_FAIL);
  g_assert_nonnull (strstr (fl_sample_get_message (s), "1355 ERROR_NO_SUCH_DOMAIN"));
  s = sample_of (down, FL_CHECK_SECURE_CHANNEL);
  g_assert_cmpint (fl_sample_get_status (s), ==, FL_STATUS_FAIL);
  g_assert_null (fl_sample_lookup_string (s, "server"));
  g_assert_cmpstr (fl_sample_lookup_string (s, "trusted_dc"), ==, "DC1");
  g_assert_nonnull (strstr (fl_sample_get_message (s), "1722 RPC_S_SERVER_UNAVAILABLE"));
  s = sample_of (down, FL_CHECK_WIN_LOGON);
  g_assert_cmpint (fl_sample_get_status (s), ==, FL_STATUS_SKIPPED);

  /* nothing at all (a cut run): every view skipped, saying why */
  empty = fl_win_round_samples (config, "", 0, 0, 0);
  for (guint i = 0; i < empty->len; i++)
    {
      g_assert_cmpint (fl_sample_get_status (empty->pdata[i]), ==, FL_STATUS_SKIPPED);
      g_assert_nonnull (fl_sample_get_message (empty->pdata[i]));
    }
}

int
main (int   argc,
      char *argv[])
{
  setlocale (LC_ALL, "C.UTF-8");
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/win-output/dsgetdc", test_dsgetdc);
  g_test_add_func ("/win-output/sc-query", test_sc_query);
  g_test_add_func ("/win-output/klist", test_klist);
  g_test_add_func ("/win-output/logonserver", test_logonserver);
  g_test_add_func ("/win-output/answer", test_answer);
  g_test_add_func ("/win-output/gpupdate", test_gpupdate);
  g_test_add_func ("/win-output/garbage", test_garbage);
  g_test_add_func ("/win-output/actions", test_actions);
  g_test_add_func ("/win-output/round", test_round);
  g_test_add_func ("/win-output/round-samples", test_round_samples);
  g_test_add_func ("/win-output/agent-text", test_agent_text);
  g_test_add_func ("/win-output/command-line", test_command_line);
  g_test_add_func ("/win-output/chcp", test_chcp);

  return g_test_run ();
}
