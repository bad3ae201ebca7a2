#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
#
# `failoverctl decode dsgetdc|sc_query|klist|logonserver|gpupdate|test_channel|test_path FILE|-`
# on captured Windows output, in UTF-8 and in CP932 bytes: the decoded fields, exit 0 for a
# success, 1 for a failure the output reports, 2 for input that is not that command's output.

import json
import os
import subprocess
import sys

CTL = sys.argv[1]
CORPUS = sys.argv[2]
n = 0
failed = 0


def ok(cond, desc, p):
    global n, failed
    n += 1
    print(f"{'ok' if cond else 'not ok'} {n} - {desc}", flush=True)
    if not cond:
        failed += 1
        print(f"# exit {p.returncode}", flush=True)
        for line in (p.stdout + p.stderr).splitlines():
            print(f"# {line}", flush=True)


def decode(kind, data, *extra):
    return subprocess.run([CTL, "decode", kind, "-", *extra], input=data, capture_output=True,
                          timeout=60)


def text(p):
    p.stdout = p.stdout.decode("utf-8", "replace")
    p.stderr = p.stderr.decode("utf-8", "replace")
    return p


def corpus(name):
    with open(os.path.join(CORPUS, name), "rb") as f:
        return f.read()


JA_DSGETDC = ("           DC: \\\\DC2.test.local\r\n"
              "      アドレス: \\\\10.0.1.2\r\n"
              "  ドメイン GUID: 3c1a6f5e-8d2b-4a7e-9f10-2b6c8d4e5f70\r\n"
              "    ドメイン名: test.local\r\n"
              "        フラグ: GC DS LDAP KDC TIMESERV WRITABLE\r\n"
              "コマンドは正しく完了しました\r\n")
p = text(decode("dsgetdc", JA_DSGETDC.encode("cp932"), "--json"))
d = json.loads(p.stdout or "{}")
ok(p.returncode == 0 and d.get("dc") == "DC2.test.local" and d.get("address") == "10.0.1.2"
   and "KDC" in d.get("flags", ""), "dsgetdc: Japanese labels in CP932 bytes: the DC, its address, flags", p)

p = text(decode("dsgetdc", corpus("dsgetdc-ja-cp932.txt")))
ok(p.returncode == 2, "dsgetdc: a fragment with neither a DC nor a status exits 2", p)

p = text(decode("dsgetdc", corpus("dsgetdc-fail.txt"), "--json"))
ok(p.returncode == 1 and json.loads(p.stdout).get("status") == 1355
   and json.loads(p.stdout).get("status_symbol") == "ERROR_NO_SUCH_DOMAIN",
   "dsgetdc: a failed locator exits 1 with its status and symbol", p)

p = text(decode("gpupdate", corpus("gpupdate.txt"), "--json"))
d = json.loads(p.stdout or "{}")
ok(p.returncode == 1 and d.get("result") == "failure" and d.get("computer") == "success"
   and d.get("user") == "failure" and d.get("applied_from") == "DC2.test.local",
   "gpupdate: one part failed: a failure (exit 1), each part and the DC that served policy", p)

p = text(decode("gpupdate", corpus("gpupdate-ja-cp932.txt")))
ok(p.returncode == 0 and "success" in p.stdout and "DC1.test.local" in p.stdout,
   "gpupdate: Japanese in CP932 bytes: a success, applied from DC1 (text output)", p)

p = text(decode("gpupdate", "Updating policy...\r\nSomething else happened.\r\n".encode()))
ok(p.returncode == 2 and "gpupdate" in p.stderr,
   "gpupdate: a phrasing it cannot read exits 2 and says so, not a failure", p)

p = text(decode("test_channel", corpus("test-channel.txt"), "--json"))
ok(p.returncode == 0 and json.loads(p.stdout).get("answer") == "true",
   "test_channel: Test-ComputerSecureChannel's True", p)

p = text(decode("test_path", b"False\r\n", "--json"))
ok(p.returncode == 1 and json.loads(p.stdout).get("answer") == "false",
   "test_path: Test-Path's False exits 1", p)

p = text(decode("logonserver", b"\r\n"))
ok(p.returncode == 2, "logonserver: no \\\\NAME in the input exits 2", p)

p = text(decode("sc_query", corpus("sc-query.txt"), "--json"))
ok(p.returncode in (0, 1) and "connection" in json.loads(p.stdout),
   "sc_query: the connection status is decoded", p)

p = text(decode("sc_query", b"\x00\xff\xfe garbage", "--json"))
ok(p.returncode == 2, "sc_query: garbage exits 2", p)

print(f"1..{n}")
sys.exit(1 if failed else 0)
