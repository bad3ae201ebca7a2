#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
#
# Every built-in exercise end to end on the sandbox: `failoverctl exercise run` in the client
# namespace, its VM actions through the sandbox's rehearsal hypervisor (the Proxmox VE API
# emulator, whose actions really stop, start and unplug the Samba DCs). Then an exercise whose
# expectation cannot hold: it fails with its reason, and its rollback leaves every DC answering.
# Prints each exercise's wall time and the switchover numbers it graded.

import json
import os
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.realpath(__file__)))
import labtap  # noqa: E402

LAB_ID = os.environ.get("FL_SANDBOX_ID")
if os.environ.get("FL_IN_CLIENT_NS") != "1":
    # The exercises act through the rehearsal hypervisor: when the lab runs without it (a
    # sandbox brought up before the emulator was built), start it for this test, and stop it
    # again after, as it was.
    labtap.run_with_hypervisor(LAB_ID, ())

CTL = os.environ.get("FL_FAILOVERCTL", "failoverctl")
t = labtap.Tap()
st = labtap.status(LAB_ID)
lab_file = st["lab_file"]
client_dir = os.path.join(st["state_dir"], "client")
password_file = os.path.join(client_dir, "user01.password")
secret_file = os.path.join(client_dir, "pve.secret")
tmp = tempfile.mkdtemp(prefix="fl-exercise-test-")
COMMON = ["--lab", lab_file, "--password-file", password_file, "--secret-file", secret_file,
          "--interval", "250", "--json"]


def run(*args, timeout=1200):
    start = time.monotonic()
    p = subprocess.run([CTL, "exercise", "run"] + list(args) + COMMON, stdout=subprocess.PIPE,
                       stderr=subprocess.PIPE, text=True, timeout=timeout)
    try:
        result = json.loads(p.stdout)
    except ValueError:
        result = None
    return p, result, time.monotonic() - start


def failures(result):
    """The evidence of a run: every step's grade, and each expectation not passed with its reason."""
    if result is None:
        return "no JSON result"
    lines = [f"outcome {result.get('outcome')} roles {result.get('roles')} "
             f"rollback errors {result.get('rollback_errors')}"]
    for i, s in enumerate(result.get("steps", [])):
        lines.append(f"step {i + 1} {s['title']}: {s['grade']} {s.get('error', '')}")
        for e in s.get("expect", []):
            if e["grade"] != "passed":
                lines.append(f"  {e['grade']}: {e['text']}: {e.get('reason')}")
    return "\n".join(lines)


def all_answer():
    p = subprocess.run([CTL, "check", "--json", "--deadline", "5000", "--lab", lab_file, "--password-file", password_file],
                       stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, timeout=60)
    samples = json.loads(p.stdout) if p.stdout.strip().startswith("[") else []
    pings = [s for s in samples if s["check"] == "ldap_ping"]
    return pings and all(s["status"] in ("ok", "degraded") for s in pings), pings


def steady():
    """Every check ok, the FSMO holders read: what the exercises' preconditions ask of a lab.
    A DC that an exercise has just restarted answers LDAP pings well before its machine trust,
    Kerberos and FSMO reads are ok again; an instructor waits for that before the next one, and
    so does this test (at most 300 s: then the exercise refuses and says why)."""
    deadline = time.monotonic() + 300
    while time.monotonic() < deadline:
        p = subprocess.run([CTL, "check", "--json", "--deadline", "5000", "--lab", lab_file, "--password-file", password_file],
                           stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, timeout=60)
        samples = json.loads(p.stdout) if p.stdout.strip().startswith("[") else []
        wanted = [s for s in samples if s["check"] != "sssd"]
        if wanted and all(s["status"] in ("ok", "degraded") for s in wanted):
            return
        time.sleep(2)


# the steady state first: a previous test may have left a DC coming back
steady()

with open(lab_file) as f:
    reaches_client = json.load(f).get("client", {}).get("access") == "guest-agent"
for ident in ("planned-failover", "pulled-cable", "recovery-and-failback", "fsmo-holder-down",
              "total-outage") + (("client-view",) if reaches_client else ()):
    steady()
    p, result, secs = run(ident, "--yes")
    passed = p.returncode == 0 and result is not None and result.get("outcome") == "passed"
    t.ok(passed, f"{ident}: passed (exit {p.returncode}, {secs:.0f} s)",
         failures(result) + "\n" + labtap.evidence(p))
    if result is not None:
        for s in result.get("steps", []):
            sw = s.get("switchover_ms", {})
            if s.get("detection_ms") is not None or any(v is not None for v in sw.values()):
                t.diag(f"{ident}: {s['title']}: {s.get('duration_ms')} ms; detection {s.get('detection_ms')} ms, "
                       f"switchover locator {sw.get('locator')} ms, kerberos {sw.get('kerberos')} ms")
    ok, pings = all_answer()
    t.ok(ok, f"{ident}: every DC answers afterwards", json.dumps(pings, indent=1))

# broken trust: the client's VM rolled back (the rehearsal hypervisor's rollback breaks the
# trust: sandbox break-trust); its repair is done by hand, so the test does it when asked
# (sandbox repair-trust, as Test-ComputerSecureChannel -Repair on the client) and says Done
def run_with_repair(ident):
    start = time.monotonic()
    argv = [CTL, "exercise", "run", ident, "--yes"] + [a for a in COMMON if a != "--json"]
    proc = labtap.spawn(argv, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)
    out, repair = [], None
    for line in proc.stdout:
        out.append(line)
        if "Press Enter when it is done" in line and repair is None:
            repair = labtap.sandbox("repair-trust", check=False, lab_id=LAB_ID)
            proc.stdin.write("\n")
            proc.stdin.flush()
    proc.stdin.close()
    err = proc.stderr.read()
    proc.wait()
    return proc.returncode, "".join(out), err, repair, time.monotonic() - start


try:
    steady()
    rc, out, err, repair, secs = run_with_repair("broken-trust")
    t.ok(rc == 0 and repair is not None and repair.returncode == 0,
         f"broken-trust: passed, the repair done when asked (exit {rc}, {secs:.0f} s)",
         f"exit status {rc}\nstdout: {out}\nstderr: {err}\n" +
         (labtap.evidence(repair) if repair is not None else "never asked for the repair"))
    for line in out.splitlines():
        if line.strip().startswith(("✓", "✗")):
            t.diag(f"broken-trust: {line.strip()}")
finally:
    # whatever happened, the trust works again for the tests after this one
    labtap.sandbox("repair-trust", check=False, lab_id=LAB_ID)

# an expectation that cannot hold: the locator stays on the DC that was just shut down
impossible = os.path.join(tmp, "impossible.json")
with open(impossible, "w") as f:
    json.dump({
        "format": 1, "id": "impossible", "title": "Impossible", "description": "Cannot pass.",
        "minutes": 1, "needs": {"dcs": 2},
        "steps": [{"title": "Shut down the serving DC", "action": {"vm": "shutdown", "on": "$serving"},
                   "expect": [{"that": {"view": "locator", "is": "$serving"}, "within": 0,
                               "for": 20, "hint": "it cannot hold"}]}],
        "rollback": [{"vm": "start", "on": "$all"}, {"vm": "plug", "on": "$all"}],
    }, f)
steady()
p, result, secs = run(impossible, "--yes")
failed = p.returncode == 1 and result is not None and result.get("outcome") == "failed"
t.ok(failed, f"an impossible expectation fails (exit {p.returncode}, {secs:.0f} s)",
     failures(result) + "\n" + labtap.evidence(p))
reason = ""
if result is not None and result.get("steps"):
    e = result["steps"][0]["expect"][0]
    reason = f"{e.get('reason')} / hint {e.get('hint')}"
t.ok("held for" in reason and "it cannot hold" in reason, "…with its reason and hint", reason)
ok, pings = all_answer()
t.ok(ok, "…and its rollback leaves every DC answering", json.dumps(pings, indent=1))

# the total outage is not done without its confirmation
p, result, secs = run("total-outage")
t.ok(p.returncode == 4 and "total outage" in p.stderr, "total-outage without --yes: refused (exit 4)",
     labtap.evidence(p))

sys.exit(t.done())
