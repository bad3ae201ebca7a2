#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
#
# A recording survives a crash: `failoverctl watch --record` (against loopback addresses: every
# check is refused at once) is killed with SIGKILL mid-session; the file reads back, `failoverctl
# report` makes its report, and what was written before the kill is in it. A line cut by the
# kill, and a corrupt line, are said and left out, never fatal.

import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time

CTL = sys.argv[1]
n = 0
failed = 0


def ok(cond, desc, diag=""):
    global n, failed
    n += 1
    print(f"{'ok' if cond else 'not ok'} {n} - {desc}", flush=True)
    if not cond:
        failed += 1
        for line in str(diag).splitlines():
            print(f"# {line}", flush=True)


tmp = tempfile.mkdtemp(prefix="fl-record-kill-")
rec = os.path.join(tmp, "session.jsonl")
# the probes' Kerberos profiles go to $XDG_RUNTIME_DIR/failover-lab: here, to see what is left
runtime = os.path.join(tmp, "run")
os.environ["XDG_RUNTIME_DIR"] = runtime
profiles = os.path.join(runtime, "failover-lab")
watch = subprocess.Popen([CTL, "watch", "--domain", "test.local", "--dc", "DC1=127.0.0.2",
                          "--dc", "DC2=127.0.0.3", "--interval", "250", "--jsonl",
                          "--control", os.path.join(tmp, "control"), "--record", rec],
                         stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
# until a few rounds are on disk (no time limit: the test's own timeout ends a hang)
while not os.path.exists(rec) or sum(1 for _ in open(rec)) < 40:
    if watch.poll() is not None:
        break
    time.sleep(0.1)
before = sum(1 for _ in open(rec)) if os.path.exists(rec) else 0
watch.send_signal(signal.SIGKILL)
watch.wait()
ok(watch.returncode == -signal.SIGKILL and before >= 40,
   f"the watch recorded {before} lines and was killed", watch.stderr.read() if watch.stderr else "")


# a killed process leaves its profile folder; the next one to start probing removes it
left = [e for e in os.listdir(profiles) if e.startswith(f"probe-{watch.pid}-")] \
    if os.path.isdir(profiles) else []
ok(len(left) == 1, "the killed watch left its Kerberos profile folder", os.listdir(runtime))
p = subprocess.run([CTL, "check", "--domain", "test.local", "--dc", "DC1=127.0.0.2"],
                   stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
entries = sorted(os.listdir(profiles)) if os.path.isdir(profiles) else []
ok(entries == ["gssapi-krb5.conf"],
   "the next probing process removed it, and left only the shared GSSAPI profile",
   f"check exit {p.returncode}\n{p.stderr}\nleft: {entries}")

html = os.path.join(tmp, "session.html")
p = subprocess.run([CTL, "report", rec, "-o", html, "--csv", os.path.join(tmp, "s.csv")],
                   stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
ok(p.returncode == 0 and os.path.exists(html), "report works on the killed recording",
   f"exit {p.returncode}\n{p.stdout}\n{p.stderr}")
text = open(html, encoding="utf-8").read() if os.path.exists(html) else ""
ok("<svg" in text and "DC1" in text and "DC2" in text, "the report holds the chart and both DCs")
csv_lines = sum(1 for _ in open(os.path.join(tmp, "s.csv"))) if os.path.exists(os.path.join(tmp, "s.csv")) else 0
ok(csv_lines >= before - 10, f"the samples written before the kill are all there ({csv_lines - 1} in the CSV, "
   f"{before} lines recorded)")

# a line cut short, then a corrupt line in the middle: said, left out
with open(rec, "a", encoding="utf-8") as f:
    f.write('{"type":"sample","check":"reach","stat')
p = subprocess.run([CTL, "report", rec, "-o", html], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
ok(p.returncode == 0 and "cut short" in p.stderr, "a cut last line is said and left out",
   f"exit {p.returncode}\n{p.stderr}")
lines = open(rec, encoding="utf-8").read().split("\n")
lines[5] = "{not json"
with open(rec, "w", encoding="utf-8") as f:
    f.write("\n".join(lines))
p = subprocess.run([CTL, "report", rec, "-o", html], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
ok(p.returncode == 0 and "line 6" in p.stderr, "a corrupt line is counted, named and left out",
   f"exit {p.returncode}\n{p.stderr}")
with open(os.path.join(tmp, "not.jsonl"), "w") as f:
    f.write("hello\n")
p = subprocess.run([CTL, "report", os.path.join(tmp, "not.jsonl")], stdout=subprocess.PIPE,
                   stderr=subprocess.PIPE, text=True)
ok(p.returncode == 2 and "not a recording" in p.stderr, "a file that is not a recording: exit 2, said",
   f"exit {p.returncode}\n{p.stderr}")

print(f"1..{n}", flush=True)
if not failed:
    shutil.rmtree(tmp, ignore_errors=True)
else:
    print(f"# the files are kept in {tmp}", flush=True)
sys.exit(1 if failed else 0)
