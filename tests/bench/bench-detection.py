#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
#
# Benchmark: detection latency after `stop` and after `unplug`, at 250 ms and 1 s intervals,
# measured by the detector from a mark-fault sent right before the sandbox action. Targets:
# ≤ interval + 50 ms (stop), ≤ interval + deadline (unplug). Prints; asserts nothing.

import json
import os
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.realpath(__file__)), "..", "lab"))
import labtap  # noqa: E402

LAB_ID = os.environ.get("FL_SANDBOX_ID")
labtap.enter_client_namespace(LAB_ID)
CTL = os.environ["FL_FAILOVERCTL"]
TRIALS = int(os.environ.get("FL_BENCH_TRIALS", "3"))
DEADLINE = 800
st = labtap.status(LAB_ID)
pw = os.path.join(st["state_dir"], "client", "user01.password")
tmp = tempfile.mkdtemp()


def trial(interval, action, undo):
    sock = os.path.join(tmp, f"w{interval}{action}.sock")
    events = []
    proc = subprocess.Popen([CTL, "watch", "--jsonl", "--interval", str(interval), "--deadline",
                             str(DEADLINE), "--lab", st["lab_file"], "--password-file", pw,
                             "--control", sock], stdout=subprocess.PIPE, text=True)

    def read():
        for line in proc.stdout:
            e = json.loads(line)
            if e["type"] == "event":
                events.append(e)
    th = threading.Thread(target=read, daemon=True)
    th.start()
    while not os.path.exists(sock):
        time.sleep(0.02)
    time.sleep(max(1.0, 3 * interval / 1000))
    subprocess.run([CTL, "mark-fault", "--control", sock, "--dc", "DC1", "--note", action],
                   stdout=subprocess.DEVNULL)
    labtap.sandbox(action, "DC1", lab_id=LAB_ID)
    deadline = time.monotonic() + 15
    while not any(e["event"] == "detected" for e in events) and time.monotonic() < deadline:
        time.sleep(0.05)
    labtap.sandbox(undo, "DC1", lab_id=LAB_ID)
    deadline = time.monotonic() + 30
    while not any(e["event"] == "service_up" for e in events) and time.monotonic() < deadline:
        time.sleep(0.05)
    proc.send_signal(signal.SIGTERM)
    proc.wait(timeout=15)
    det = [e["detection_us"] for e in events if e["event"] == "detected"]
    return det[0] / 1000 if det else None


for interval in (250, 1000):
    for action, undo, target in (("stop", "start", interval + 50), ("unplug", "plug", interval + DEADLINE)):
        results = [trial(interval, action, undo) for _ in range(TRIALS)]
        got = [r for r in results if r is not None]
        print(f"detection after {action:6} at {interval:4} ms interval: "
              + ", ".join(f"{r:.0f}" for r in got) + " ms"
              + (f" (median {statistics.median(got):.0f} ms, max {max(got):.0f} ms; target <= {target} ms"
                 f"{'' if max(got) <= target else ' MISSED'})" if got else " (not detected)"),
              flush=True)
