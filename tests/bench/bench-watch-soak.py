#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
#
# Benchmark: `failoverctl watch --jsonl` at 4 Hz for FL_BENCH_SOAK_S seconds (default 600):
# CPU %, RSS and open fds near the start and at the end (a leak shows as growth).

import os
import signal
import subprocess
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.realpath(__file__)), "..", "lab"))
import labtap  # noqa: E402

LAB_ID = os.environ.get("FL_SANDBOX_ID")
labtap.enter_client_namespace(LAB_ID)
CTL = os.environ["FL_FAILOVERCTL"]
DURATION = int(os.environ.get("FL_BENCH_SOAK_S", "600"))
st = labtap.status(LAB_ID)
pw = os.path.join(st["state_dir"], "client", "user01.password")
tick = os.sysconf("SC_CLK_TCK")


def snapshot(pid):
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    cpu = (int(fields[11]) + int(fields[12])) / tick
    with open(f"/proc/{pid}/status") as f:
        rss = next(int(line.split()[1]) for line in f if line.startswith("VmRSS"))
    fds = len(os.listdir(f"/proc/{pid}/fd"))
    return time.monotonic(), cpu, rss, fds


lines = 0
proc = subprocess.Popen([CTL, "watch", "--jsonl", "--interval", "250", "--lab", st["lab_file"],
                         "--password-file", pw], stdout=subprocess.PIPE, text=True)
time.sleep(10)
t0, c0, r0, f0 = snapshot(proc.pid)
end = time.monotonic() + DURATION
os.set_blocking(proc.stdout.fileno(), False)
while time.monotonic() < end:
    try:
        chunk = proc.stdout.read()
        if chunk:
            lines += chunk.count("\n")
    except (BlockingIOError, TypeError):
        pass
    time.sleep(1)
t1, c1, r1, f1 = snapshot(proc.pid)
proc.send_signal(signal.SIGTERM)
proc.wait(timeout=15)
print(f"watch at 4 Hz for {DURATION} s: CPU {100 * (c1 - c0) / (t1 - t0):.2f} % of one core; "
      f"RSS {r0 / 1024:.1f} MiB -> {r1 / 1024:.1f} MiB; fds {f0} -> {f1}; {lines} JSON lines")
