#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
#
# Benchmark: cold start of failover-lab to its first painted frame (GSK_RENDERER=cairo, under
# the Xvfb that run-ui-test provides), with no lab (the welcome page) and with the sandbox's lab
# file when there is one. The process start is taken just before exec; the app prints the time
# of its first frame ($FL_BENCH_FIRST_FRAME) and quits. Prints median and max. Asserts nothing.
#
#   tests/app/run-ui-test tests/bench/bench-startup.py   (FL_FAILOVER_LAB: the binary)

import os
import statistics
import subprocess
import sys
import time

RUNS = int(sys.argv[1]) if len(sys.argv) > 1 else 10
binary = os.environ["FL_FAILOVER_LAB"]
env = dict(os.environ, FL_BENCH_FIRST_FRAME="quit", GSETTINGS_BACKEND="memory")


def once(args):
    t0 = time.time()
    p = subprocess.run([binary] + args, env=env, capture_output=True, text=True, timeout=60)
    for line in p.stdout.splitlines():
        if line.startswith("first-frame-wall-us "):
            return int(line.split()[1]) / 1e6 - t0
    raise SystemExit(f"no first frame reported (exit {p.returncode}; the hook is in development builds only: "
                     f"meson setup -Ddevelopment=true): {p.stderr[-400:]}")


cases = [("welcome page (no lab)", [])]
if os.environ.get("FL_UI_LAB_FILE"):
    cases.append(("with the sandbox lab file", [os.environ["FL_UI_LAB_FILE"]]))
once([])  # warm the page cache: "cold" is a new process, not a cold disk
for name, args in cases:
    ms = sorted(once(args) * 1000 for _ in range(RUNS))
    print(f"start to first frame, {name:28s} median {statistics.median(ms):6.1f} ms   "
          f"max {ms[-1]:6.1f} ms   ({RUNS} runs)")
