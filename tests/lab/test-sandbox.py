#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
#
# The lab suite's check of the sandbox itself, with the standard tools (dig, ldapsearch, kinit,
# samba-tool), and of its fault semantics with measured timings:
#   stop DCn   -> its address answers, its services refuse at once
#   unplug DCn -> packets vanish: timeouts / unreachable, never a refusal
# Runs inside the sandbox's client namespace (re-executes itself there).

import json
import os
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.realpath(__file__)))
import labtap  # noqa: E402
from labtap import ms  # noqa: E402

LAB_ID = os.environ.get("FL_SANDBOX_ID")
labtap.enter_client_namespace(LAB_ID)

t = labtap.Tap()
st = labtap.status(LAB_ID)
with open(st["lab_file"]) as f:
    lab = json.load(f)
state = st["state_dir"]
client_dir = os.path.join(state, "client")
domain = lab["domain"]
realm = lab["realm"]
dcs = st["controllers"]
gateway = st["reference_host"]["address"]
srv = f"_ldap._tcp.dc._msdcs.{domain}"
with open(os.path.join(client_dir, "user01.password")) as f:
    user_password = f.read().strip()
with open(os.path.join(client_dir, "admin.password")) as f:
    admin_password = f.read().strip()
tmp = tempfile.mkdtemp(prefix="fl-lab-test-")


def dig_srv(server):
    p, secs = labtap.run(["dig", "+time=2", "+tries=1", f"@{server}", "SRV", srv, "+short"])
    targets = sorted(line.split()[-1].rstrip(".").lower() for line in p.stdout.splitlines()
                     if line.strip() and line.split()[2] == "389")
    return p.returncode, targets, secs


def rootdse(addr):
    p, secs = labtap.run(["ldapsearch", "-x", "-LLL", "-o", "nettimeout=3", "-H", f"ldap://{addr}",
                          "-b", "", "-s", "base", "dnsHostName", "isSynchronized",
                          "domainControllerFunctionality"], timeout=30)
    attrs = {}
    for line in p.stdout.splitlines():
        if ": " in line:
            k, v = line.split(": ", 1)
            attrs[k] = v
    return p.returncode, attrs, secs, p.stderr.strip()


def kinit_via(dc_name, **kw):
    conf = os.path.join(client_dir, f"krb5-{dc_name.lower()}.conf")
    return labtap.kinit(kw.pop("principal", f"user01@{realm}"), conf, tmp, **kw)


def showrepl(dc_name):
    p = labtap.sandbox("exec", dc_name.lower(), "--", "samba-tool", "drs", "showrepl", "--summary",
                       "-s", os.path.join(state, dc_name.lower(), "etc", "smb.conf"),
                       "-U", "Administrator", env={"PASSWD": admin_password}, check=False,
                       lab_id=LAB_ID)
    return p.returncode, (p.stdout + p.stderr).strip()


def wait_showrepl_ok(timeout=90):
    """Right after an outage old failure records linger in showrepl for minutes: resync."""
    deadline = time.monotonic() + timeout
    while True:
        bad = {d["name"]: showrepl(d["name"]) for d in dcs}
        bad = {k: v for k, v in bad.items() if v[0] != 0}
        if not bad or time.monotonic() > deadline:
            return bad
        labtap.sandbox("resync", check=False, lab_id=LAB_ID)


# ---------------------------------------------------------------------------------------------
# healthy lab

all_dcs = sorted(d["host"].lower() for d in dcs)
t.ok(all(d["samba_pid"] and d["link"] == "up" and d["answering"] for d in dcs),
     "status: every DC runs samba, link up, DNS/LDAP/KDC/SMB answering",
     "\n".join(f"{d['name']}: pid {d['samba_pid']} link {d['link']} {d['services']}" for d in dcs))
t.ok(st["reference_host"]["answers"], f"status: the reference host {gateway} answers ping")

p = subprocess.run([os.environ.get("FL_CHECK_LAB_FILES", "check-lab-files"), st["lab_file"]],
                   stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
t.ok(p.returncode == 0, "the sandbox's lab file loads with the product's loader", p.stdout)
t.ok(len(lab["controllers"]) == len(dcs) and "password" not in json.dumps(lab).lower(),
     "the lab file lists every DC and holds no secret")

for d in dcs:
    rc, targets, secs = dig_srv(d["address"])
    t.ok(rc == 0 and targets == all_dcs,
         f"dig SRV {srv} @{d['name']} lists every DC on port 389 ({ms(secs)})",
         f"got {targets}, want {all_dcs}")

for d in dcs:
    rc, attrs, secs, err = rootdse(d["address"])
    t.ok(rc == 0 and attrs.get("dnsHostName", "").lower() == d["host"].lower()
         and attrs.get("isSynchronized") == "TRUE",
         f"ldapsearch rootDSE of {d['name']}: dnsHostName {attrs.get('dnsHostName')}, "
         f"isSynchronized {attrs.get('isSynchronized')}, DC functionality "
         f"{attrs.get('domainControllerFunctionality')} ({ms(secs)})", err)

for d in dcs:
    ok, secs, kdc, out = kinit_via(d["name"], password=user_password)
    t.ok(ok and kdc == d["address"], f"kinit user01@{realm} against {d['name']}'s KDC alone: "
         f"answered by {kdc} ({ms(secs)})", out)

keytab = lab["credentials"]["keytab"]
for d in dcs:
    ok, secs, kdc, out = kinit_via(d["name"], principal=lab["credentials"]["machine"], keytab=keytab)
    t.ok(ok and kdc == d["address"], f"the workstation keytab works: kinit -k "
         f"{lab['credentials']['machine']} via {d['name']} ({ms(secs)})", out)

for d in dcs:
    rc, out = showrepl(d["name"])
    if rc != 0:
        bad = wait_showrepl_ok()
        rc, out = (0, "healthy after resync") if d["name"] not in bad else bad[d["name"]]
    t.ok(rc == 0, f"samba-tool drs showrepl --summary on {d['name']} is healthy", out[-500:])

# ---------------------------------------------------------------------------------------------
# stop DC1: services die, the address stays

dc1, dc2 = dcs[0], dcs[1] if len(dcs) > 1 else None
addr1 = dc1["address"]
p = labtap.sandbox("stop", "DC1", lab_id=LAB_ID)
t.diag(p.stdout.strip())
r, secs = labtap.ping(addr1)
t.ok(r == "ok", f"stopped DC1 still answers ping ({ms(secs)})", r)
for port, name in ((389, "LDAP"), (88, "KDC"), (445, "SMB"), (53, "DNS/TCP")):
    r, secs = labtap.tcp_connect(addr1, port, 3.0)
    t.ok(r == "refused" and secs < 0.1, f"stopped DC1: TCP {port} ({name}) refused in {ms(secs)}", r)
r, rcode, an, secs = labtap.dns_udp(addr1, srv, timeout=3.0)
t.ok(r == "refused" and secs < 0.1, f"stopped DC1: UDP DNS query refused in {ms(secs)}", r)
rc, attrs, secs, err = rootdse(addr1)
t.ok(rc != 0 and secs < 1.0, f"stopped DC1: ldapsearch fails fast ({ms(secs)})", err)
ok, secs, kdc, out = kinit_via("DC1", password=user_password)
t.ok(not ok and secs < 1.0 and "Cannot contact any KDC" in out,
     f"stopped DC1: kinit against DC1 alone fails fast ({ms(secs)})", out)
if dc2:
    ok, secs, kdc, out = kinit_via("DC2", password=user_password)
    t.ok(ok and kdc == dc2["address"], f"stopped DC1: kinit via DC2 still works ({ms(secs)})", out)
    rc, targets, secs = dig_srv(dc2["address"])
    t.ok(rc == 0 and targets == all_dcs, f"stopped DC1: DC2's DNS still answers ({ms(secs)})")

t0 = time.monotonic()
p = labtap.sandbox("start", "DC1", lab_id=LAB_ID)
t.diag(p.stdout.strip())
rc, attrs, secs, err = rootdse(addr1)
t.ok(rc == 0, f"start DC1: ready again after {time.monotonic() - t0:.2f} s", err)

# ---------------------------------------------------------------------------------------------
# unplug DC1: packets vanish

p = labtap.sandbox("unplug", "DC1", lab_id=LAB_ID)
t.diag(p.stdout.strip())
r, secs = labtap.ping(addr1, timeout=1.0)
t.ok(r in ("timeout", "unreachable"), f"unplugged DC1: ping gets no answer ({r} after {ms(secs)})")
for port, name in ((389, "LDAP"), (88, "KDC")):
    r, secs = labtap.tcp_connect(addr1, port, 1.0)
    t.ok(r in ("timeout", "unreachable") and secs >= 0.9 or r == "unreachable",
         f"unplugged DC1: TCP {port} ({name}) {r} after {ms(secs)}, never refused", r)
r, rcode, an, secs = labtap.dns_udp(addr1, srv, timeout=1.0)
t.ok(r == "timeout" and secs >= 0.95, f"unplugged DC1: UDP DNS query times out ({ms(secs)})", r)
if dc2:
    r, secs = labtap.tcp_connect(dc2["address"], 389, 1.0)
    t.ok(r == "open" and secs < 0.1, f"unplugged DC1: DC2's LDAP still opens in {ms(secs)}", r)
r, secs = labtap.ping(gateway)
t.ok(r == "ok", f"unplugged DC1: the reference host still answers ({ms(secs)})", r)

t0 = time.monotonic()
labtap.sandbox("plug", "DC1", lab_id=LAB_ID)
back = None
while time.monotonic() - t0 < 30:
    r, _ = labtap.tcp_connect(addr1, 389, 0.5)
    if r == "open":
        back = time.monotonic() - t0
        break
    time.sleep(0.02)
t.ok(back is not None, f"plug DC1: LDAP answers again after {back if back is None else ms(back)}")

# ---------------------------------------------------------------------------------------------
# every DC stopped: the network is alive, only the DCs are gone

for d in dcs:
    labtap.sandbox("stop", d["name"], lab_id=LAB_ID)
r, secs = labtap.ping(gateway)
t.ok(r == "ok", f"all DCs stopped: the reference host answers ({ms(secs)})", r)
p, secs = labtap.run(["getent", "ahostsv4", domain], timeout=30)
t.ok(p.returncode != 0, f"all DCs stopped: the client resolves nothing (getent {domain}: "
     f"exit {p.returncode} after {ms(secs)})")
answered = [d["name"] for d in dcs if labtap.dns_udp(d["address"], srv)[0] == "answer"]
t.ok(not answered, "all DCs stopped: no DNS server answers", answered)
t0 = time.monotonic()
for d in dcs:
    labtap.sandbox("start", d["name"], lab_id=LAB_ID)
t.diag(f"all DCs started again, ready in {time.monotonic() - t0:.2f} s")
st2 = labtap.status(LAB_ID)
t.ok(all(d["answering"] for d in st2["controllers"]), "recovery: every DC answers again")
bad = wait_showrepl_ok()
t.ok(not bad, "recovery: replication healthy on every DC (after resync)", bad)

# ---------------------------------------------------------------------------------------------
# the rehearsal hypervisor: the Proxmox VE API emulator whose VMs are the DCs, in the lab file

emulator = os.environ.get("FL_PVE_EMULATOR")
ctl = os.environ.get("FL_FAILOVERCTL")
if emulator and ctl:
    was_up = "hypervisor" in json.load(open(st["lab_file"]))
    try:
        p = labtap.sandbox("hypervisor", "up", "--emulator", emulator, "--boot-delay", "2", check=False,
                           lab_id=LAB_ID)
        with open(st["lab_file"]) as f:
            lab = json.load(f)
        hv = lab.get("hypervisor", {})
        t.ok(p.returncode == 0 and hv.get("type") == "proxmox-api" and hv.get("fingerprint")
             and all(c.get("vm", {}).get("vmid") for c in lab["controllers"]),
             f"hypervisor up: the lab file names it ({hv.get('url')}) and each DC's VM", labtap.evidence(p))
        secret = os.path.join(st["state_dir"], "client", "pve.secret")
        t.ok(os.stat(secret).st_mode & 0o077 == 0, "hypervisor up: its token secret is owner-only (pve.secret)")
        p, secs = labtap.run([ctl, "vm", "--lab", st["lab_file"], "DC1", "status", "--json",
                              "--secret-file", secret], timeout=60)
        state = json.loads(p.stdout) if p.returncode == 0 else {}
        t.ok(state.get("status") == "running" and state.get("vm") == "DC1",
             f"failoverctl vm DC1 status through the rehearsal hypervisor ({secs * 1000:.0f} ms)",
             labtap.evidence(p))
        p = labtap.sandbox("hypervisor", "down", check=False, lab_id=LAB_ID)
        with open(st["lab_file"]) as f:
            lab = json.load(f)
        t.ok(p.returncode == 0 and "hypervisor" not in lab, "hypervisor down: the lab file no longer names it",
             labtap.evidence(p))
    finally:
        labtap.sandbox("hypervisor", "up" if was_up else "down", "--emulator", emulator, check=False,
                       lab_id=LAB_ID) if was_up else labtap.sandbox("hypervisor", "down", check=False,
                                                                    lab_id=LAB_ID)
else:
    t.diag("FL_PVE_EMULATOR or FL_FAILOVERCTL not set: the rehearsal hypervisor is not tested here")

# ---------------------------------------------------------------------------------------------
# status tells the truth: a state folder whose namespaces are another lab's is not "up"

other_state = tempfile.mkdtemp(prefix="fl-sandbox-other-")
try:
    with open(os.path.join(st["state_dir"], "sandbox.json")) as f:
        conf = json.load(f)
    conf["state"] = other_state
    with open(os.path.join(other_state, "sandbox.json"), "w") as f:
        json.dump(conf, f)
    p = labtap.sandbox("--state-dir", other_state, "status", "--json", check=False, lab_id=LAB_ID)
    other = json.loads(p.stdout) if p.returncode == 0 else {}
    t.ok(other.get("up") is False and "not this lab's" in (other.get("replaced") or ""),
         "status: a lab whose namespaces another state folder's lab made is not reported up",
         labtap.evidence(p))
    p = labtap.sandbox("--state-dir", other_state, "status", check=False, lab_id=LAB_ID)
    t.ok(p.returncode == 1 and "not up" in p.stdout + p.stderr, "status: and says so, exit 1", labtap.evidence(p))
    p = labtap.sandbox("status", "--json", check=False, lab_id=LAB_ID)
    t.ok(p.returncode == 0 and json.loads(p.stdout).get("up") is True, "status: the lab's own state folder: up",
         labtap.evidence(p))
finally:
    import shutil
    shutil.rmtree(other_state, ignore_errors=True)

sys.exit(t.done())
