#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
#
# A second sandbox with three DCs and another domain name, side by side with the default one:
# the sandbox must not depend on test.local or on two DCs. Brings its lab up, checks it from its
# own client namespace with the standard tools, and always takes it down again.

import json
import os
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.realpath(__file__)))
import labtap  # noqa: E402
from labtap import ms  # noqa: E402

LAB_ID = "fl3dc"
DOMAIN = "branch.example.net"
NETBIOS = "BRANCH"
SUBNET = "10.231.8.0/24"

if os.environ.get("FL_IN_CLIENT_NS") != "1":
    if os.geteuid() != 0:
        labtap.skip_all("the lab suite needs root (network namespaces); run it as root")
    if subprocess.run(["which", "samba"], stdout=subprocess.DEVNULL).returncode != 0:
        labtap.skip_all("Samba is not installed (see README.md)")
    up = labtap.sandbox("up", "--domain", DOMAIN, "--netbios", NETBIOS, "--dcs", "3",
                        "--subnet", SUBNET, lab_id=LAB_ID, check=False)
    try:
        if up.returncode != 0:
            print(f"not ok 1 - sandbox up with 3 DCs for {DOMAIN}")
            for line in (up.stdout + up.stderr).splitlines():
                print(f"# {line}")
            print("1..1")
            sys.exit(1)
        for line in up.stdout.splitlines():
            print(f"# {line}")
        rc = subprocess.run([labtap.SANDBOX, "--id", LAB_ID, "exec", "client", "--", "env",
                             "FL_IN_CLIENT_NS=1", sys.executable] + sys.argv).returncode
    finally:
        down = labtap.sandbox("down", lab_id=LAB_ID, check=False)
        print(f"# {down.stdout.strip()}")
    sys.exit(rc)

# --- inside the 3-DC lab's client namespace --------------------------------------------------
t = labtap.Tap()
st = labtap.status(LAB_ID)
with open(st["lab_file"]) as f:
    lab = json.load(f)
client_dir = os.path.join(st["state_dir"], "client")
with open(os.path.join(client_dir, "user01.password")) as f:
    password = f.read().strip()
dcs = st["controllers"]
tmp = tempfile.mkdtemp(prefix="fl-lab3-test-")
srv = f"_ldap._tcp.dc._msdcs.{DOMAIN}"
want = sorted(d["host"] for d in dcs)

t.ok(len(dcs) == 3 and lab["domain"] == DOMAIN and lab["realm"] == DOMAIN.upper()
     and lab["netbios"] == NETBIOS, f"3 DCs in {DOMAIN} (realm {lab['realm']}, NetBIOS "
     f"{lab['netbios']})")
t.ok(all(d["answering"] for d in dcs), "every DC answers DNS/LDAP/KDC/SMB",
     "\n".join(f"{d['name']}: {d['services']}" for d in dcs))
p = subprocess.run([os.environ.get("FL_CHECK_LAB_FILES", "check-lab-files"), st["lab_file"]],
                   stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
t.ok(p.returncode == 0, "its lab file loads with the product's loader", p.stdout)
for d in dcs:
    p, secs = labtap.run(["dig", "+time=2", "+tries=1", f"@{d['address']}", "SRV", srv, "+short"])
    got = sorted(line.split()[-1].rstrip(".") for line in p.stdout.splitlines() if line.strip())
    t.ok(got == want, f"dig SRV @{d['name']} lists all three DCs ({ms(secs)})", got)
for d in dcs:
    ok, secs, kdc, out = labtap.kinit(f"user01@{DOMAIN.upper()}",
                                      os.path.join(client_dir, f"krb5-{d['name'].lower()}.conf"),
                                      tmp, password=password)
    t.ok(ok and kdc == d["address"], f"kinit via {d['name']} alone ({ms(secs)})", out)
ok, secs, kdc, out = labtap.kinit(lab["credentials"]["machine"],
                                  os.path.join(client_dir, "krb5-dc3.conf"), tmp,
                                  keytab=lab["credentials"]["keytab"])
t.ok(ok, f"the workstation keytab works against DC3 ({ms(secs)})", out)
p, secs = labtap.run(["getent", "ahostsv4", f"dc3.{DOMAIN}"])
t.ok(p.returncode == 0 and dcs[2]["address"] in p.stdout,
     f"the client resolves dc3.{DOMAIN} through the DCs' DNS ({ms(secs)})", p.stdout)

# the probe library on this lab: locator, flags, every check (issue: a 3-DC lab, another domain)
ctl = os.environ.get("FL_FAILOVERCTL")
if ctl:
    # what the DCs say, with a deadline that holds on a loaded machine (the lab's 800 ms is for
    # the watch's switchover timing)
    p = subprocess.run([ctl, "check", "--json", "--deadline", "5000", "--lab", st["lab_file"], "--password-file",
                        os.path.join(client_dir, "user01.password")],
                       stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, timeout=60)
    samples = json.loads(p.stdout) if p.stdout.startswith("[") else []
    t.ok(p.returncode == 0, f"failoverctl check: every check ok on the 3-DC lab ({len(samples)} samples)",
         "\n".join(f"{s.get('dc')} {s['check']} {s['status']} {s.get('message', '')}"
                   for s in samples if s["status"] != "ok") + p.stderr)
    loc = [s for s in samples if s["check"] == "locator"]
    t.ok(loc and loc[0]["status"] == "ok" and loc[0]["detail"]["server"] in ("DC1", "DC2", "DC3")
         and loc[0]["detail"]["domain"] == DOMAIN,
         f"the locator finds a DC of {DOMAIN}: {loc[0]['detail'].get('server') if loc else None}")
    flags = {s["dc"]: s["detail"]["flags_text"].split() for s in samples if s["check"] == "ldap_ping"}
    t.ok(flags.get("DC1", []).count("PDC") == 1 and "PDC" not in flags.get("DC2", [])
         and "PDC" not in flags.get("DC3", []) and all("KDC" in f and "WRITABLE" in f for f in flags.values()),
         f"LDAP ping flags: only DC1 is PDC; all are writable KDCs ({flags.get('DC3')})")
    nb = {s["dc"]: s["detail"]["netbios_domain"] for s in samples if s["check"] == "ldap_ping"}
    t.ok(set(nb.values()) == {NETBIOS}, f"every DC answers for NetBIOS domain {NETBIOS}")
    fs = [s for s in samples if s["check"] == "fsmo"]
    t.ok(fs and fs[0]["status"] == "ok" and all(fs[0]["detail"][r] == "DC1" for r in
                                                 ("pdc", "rid", "infrastructure", "naming", "schema")),
         "FSMO: DC1 (the provisioning DC) holds the five roles", fs[0].get("message") if fs else "")

    # an exercise on three DCs of another domain: the roles bind to whatever is there
    secret = os.path.join(client_dir, "pve.secret")
    if os.path.exists(secret):
        p = subprocess.run([ctl, "exercise", "run", "planned-failover", "--lab", st["lab_file"],
                            "--password-file", os.path.join(client_dir, "user01.password"),
                            "--secret-file", secret, "--yes", "--auto-confirm", "--json"],
                           stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, timeout=1200)
        try:
            result = json.loads(p.stdout)
        except ValueError:
            result = {}
        bad = [f"{s['title']}: {e['text']}: {e.get('reason')}" for s in result.get("steps", [])
               for e in s.get("expect", []) if e["grade"] != "passed"]
        t.ok(p.returncode == 0 and result.get("outcome") == "passed",
             f"the planned failover passes on 3 DCs of {DOMAIN} (roles {result.get('roles')})",
             "\n".join(bad) + "\n" + labtap.evidence(p))
sys.exit(t.done())
