#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
#
# Benchmark: `failoverctl watch --jsonl` at 4 Hz for FL_BENCH_SOAK_S seconds (default 600):
# CPU %, RSS and open fds near the start and at the end (a leak shows as growth).

import os
import signal
import subprocess
import sys
import threading
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


lines = [0]
# the benchmark measures the product, not glibc's or meson's malloc debugging
env = {k: v for k, v in os.environ.items() if k not in ("MALLOC_CHECK_", "MALLOC_PERTURB_", "G_DEBUG")}
proc = subprocess.Popen([CTL, "watch", "--jsonl", "--interval", "250", "--lab", st["lab_file"],
                         "--password-file", pw], stdout=subprocess.PIPE, text=True, env=env)


def drain():
    # read as fast as it comes: a slow reader would block the watch on a full pipe
    for _ in proc.stdout:
        lines[0] += 1


threading.Thread(target=drain, daemon=True).start()
time.sleep(10)
t0, c0, r0, f0 = snapshot(proc.pid)
samples = [(0, r0)]
end = time.monotonic() + DURATION
while time.monotonic() < end:
    time.sleep(min(60, max(0.1, end - time.monotonic())))
    samples.append((round(time.monotonic() - t0), snapshot(proc.pid)[2]))
t1, c1, r1, f1 = snapshot(proc.pid)
proc.send_signal(signal.SIGTERM)
proc.wait(timeout=15)
print(f"watch at 4 Hz for {DURATION} s: CPU {100 * (c1 - c0) / (t1 - t0):.2f} % of one core; "
      f"RSS {r0 / 1024:.1f} MiB -> {r1 / 1024:.1f} MiB; fds {f0} -> {f1}; {lines[0]} JSON lines")
print("RSS over time: " + ", ".join(f"{t} s {r / 1024:.1f} MiB" for t, r in samples))
