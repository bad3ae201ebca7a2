#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
#
# The Windows client's own view on the sandbox: `failoverctl watch` asks the client WS01 (the
# rehearsal hypervisor's Windows guest, through its guest agent) for nltest /dsgetdc, nltest
# /sc_query, klist (a real Kerberos exchange with the sandbox's KDC) and LOGONSERVER every few
# seconds. The serving DC's VM is stopped through the hypervisor (as the classroom exercise
# does): the client's locator moves to the other DC within its poll, the secure channel
# fails with 1722 and then binds to the other DC after its rebind delay, LOGONSERVER stays, and
# the detector measures each view's switchover. Prints those times. The client is read over
# OpenSSH too (an sshd at the client's address in front of the same Windows guest).

import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time

sys.path.insert(0, os.path.dirname(os.path.realpath(__file__)))
import labtap  # noqa: E402

LAB_ID = os.environ.get("FL_SANDBOX_ID")
if os.environ.get("FL_IN_CLIENT_NS") != "1":
    labtap.run_with_hypervisor(LAB_ID, ("--rebind-delay", "8"))

CTL = os.environ.get("FL_FAILOVERCTL", "failoverctl")
t = labtap.Tap()
st = labtap.status(LAB_ID)
lab_file = st["lab_file"]
client_dir = os.path.join(st["state_dir"], "client")
password_file = os.path.join(client_dir, "user01.password")
secret_file = os.path.join(client_dir, "pve.secret")
tmp = tempfile.mkdtemp(prefix="fl-win-client-test-")
with open(lab_file) as f:
    lab = json.load(f)
if lab.get("client", {}).get("access") != "guest-agent":
    labtap.skip_all("the lab file does not reach its client through the guest agent")

lines = []
lock = threading.Lock()
control = os.path.join(tmp, "watch.sock")
watch = labtap.spawn([CTL, "watch", "--jsonl", "--interval", "500", "--lab", lab_file, "--password-file",
                          password_file, "--secret-file", secret_file, "--control", control],
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def reader():
    for line in watch.stdout:
        try:
            item = json.loads(line)
        except ValueError:
            continue
        with lock:
            lines.append(item)


threading.Thread(target=reader, daemon=True).start()


def wait(cond, timeout):
    """Waits for cond over what the watch printed; the timeout is a hang guard, not a measure."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with lock:
            found = cond(list(lines))
        if found:
            return found
        time.sleep(0.1)
    return None


def views(items, check, since=0):
    return [x for x in items if x.get("type") == "sample" and x["check"] == check and x["t_us"] >= since]


def last_view(items, check):
    v = views(items, check)
    return v[-1] if v else None


def evidence(since=0):
    with lock:
        items = list(lines)
    out = []
    for x in items:
        if x.get("type") == "sample" and x["check"] in ("win_locator", "secure_channel", "win_kdc", "win_logon") \
                and x["t_us"] >= since:
            out.append(f"{x['t_us'] / 1e6:.1f} {x['check']} {x['status']} "
                       f"{(x.get('detail') or {}).get('server')} {x.get('message') or ''}")
        elif x.get("type") == "event" and x["t_us"] >= since:
            out.append(f"{x['t_us'] / 1e6:.1f} event {x['event']} {x.get('view')} {x.get('message')}")
    return "\n".join(out[-40:])


def vm(*args):
    return subprocess.run([CTL, "vm", "--lab", lab_file, "--secret-file", secret_file] + list(args),
                          stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, timeout=120)


def client(action):
    p = subprocess.run([CTL, "client", "--lab", lab_file, "--secret-file", secret_file, "--json", action],
                       stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, timeout=180)
    try:
        out = json.loads(p.stdout)
    except ValueError:
        out = {}
    return p, out


# WS01 reached over OpenSSH as well (client.access "ssh"): an sshd in the client's namespace, at
# the client's address, whose only command is the fake cmd.exe (tests/pve/fake-pve-shell): the
# command line split as Windows splits it and run by the same Windows guest, so both transports
# read the same real state
FAKE_SHELL = os.environ.get("FL_PVE_FAKE_SHELL")
ssh_lab = ssh_env = host_fp = None
sshd = None
if os.path.exists(labtap.SSHD) and FAKE_SHELL:
    with open(secret_file) as f:
        token_secret = f.read().strip()
    with open(os.path.join(tmp, "fake.json"), "w") as f:
        json.dump({"url": lab["hypervisor"]["url"], "token": f"{lab['hypervisor']['token_id']}={token_secret}",
                   "ca": os.path.join(st["state_dir"], "hypervisor", "pve-root-ca.pem"),
                   "node": lab["client"]["vm"]["node"], "windows": {"vmid": lab["client"]["vm"]["vmid"]}}, f)
    os.chmod(os.path.join(tmp, "fake.json"), 0o600)
    sshd_argv, host_fp, _ = labtap.fake_shell_sshd(tmp, st["client"]["address"], os.path.join(tmp, "fake.json"))
    sshd = labtap.spawn(sshd_argv)
    # a known_hosts the first contact adds to
    open(os.path.join(tmp, "known_hosts"), "w").close()
    doc = json.loads(json.dumps(lab))
    doc["client"] = {"name": lab["client"]["name"], "access": "ssh",
                     "ssh": {"host": st["client"]["address"], "user": "root", "port": 22,
                             "known_hosts": os.path.join(tmp, "known_hosts")}}
    ssh_lab = os.path.join(tmp, "ssh.lab.json")
    with open(ssh_lab, "w") as f:
        json.dump(doc, f)
    # the keytab and other relative paths resolve against the lab file's folder
    for k in os.listdir(os.path.dirname(lab_file)):
        if os.path.isdir(os.path.join(os.path.dirname(lab_file), k)):
            os.symlink(os.path.join(os.path.dirname(lab_file), k), os.path.join(tmp, k))
    ssh_env = dict(os.environ, FAILOVER_LAB_SSH_KEY=os.path.join(tmp, "client_key"), LC_ALL="C.UTF-8")
    ssh_env.pop("SSH_AUTH_SOCK", None)


def over_ssh(*args):
    """failoverctl client over OpenSSH: (process, samples or answer)."""
    p = subprocess.run([CTL, "client", "--lab", ssh_lab] + list(args), stdout=subprocess.PIPE,
                       stderr=subprocess.PIPE, text=True, timeout=180, env=ssh_env)
    try:
        out = json.loads(p.stdout)
    except ValueError:
        out = None
    return p, out


def ssh_view(samples, check):
    found = [s for s in (samples if isinstance(samples, list) else []) if s.get("check") == check]
    return found[0] if found else None


def served(check):
    def cond(items):
        s = last_view(items, check)
        return s if s and s["status"] == "ok" else None
    return cond


stopped = []
broken = []
unplugged = []
powered_off = []
try:
    loc = wait(served("win_locator"), 90)
    sc = wait(served("secure_channel"), 30)
    logon = wait(served("win_logon"), 30)
    ok = t.ok(loc is not None and sc is not None and logon is not None,
              "the client's locator, secure channel and LOGONSERVER are read through the guest agent",
              evidence() + "\n" + (watch.stderr.read() if watch.poll() is not None else ""))
    if not ok:
        raise SystemExit
    serving = loc["detail"]["server"]
    other = [c["name"] for c in lab["controllers"] if c["name"] != serving][0]
    kdc = wait(served("win_kdc"), 30)
    t.ok(sc["detail"]["server"] == serving and logon["detail"]["server"] == serving
         and kdc is not None and kdc["detail"]["server"] == serving,
         f"before the fault every view of the client is on {serving} (its tickets from {serving}'s KDC)",
         evidence())

    if ssh_lab is None:
        t.skip("WS01 over OpenSSH", f"no {labtap.SSHD} or FL_PVE_FAKE_SHELL")
    else:
        # the first contact: the host key is not known yet, and is trusted only once compared
        p, out = over_ssh("views")
        t.ok(p.returncode == 1 and f"--accept-host-key {host_fp}" in p.stderr,
             f"over OpenSSH: WS01's host key is not known yet; failoverctl names it ({host_fp}) and refuses",
             labtap.evidence(p))
        p, out = over_ssh("--accept-host-key", host_fp, "views")
        with open(os.path.join(tmp, "known_hosts")) as f:
            known = f.read().splitlines()
        t.ok(p.returncode == 0 and len(known) == 1 and known[0].startswith(st["client"]["address"] + " ssh-ed25519 "),
             "over OpenSSH: the compared key trusted, one line added to known_hosts", labtap.evidence(p)
             + "\nknown_hosts:\n" + "\n".join(known))
        p, out = over_ssh("--json", "views")
        sl, ss = ssh_view(out, "win_locator"), ssh_view(out, "secure_channel")
        t.ok(p.returncode == 0 and sl and sl["status"] == "ok" and sl["detail"]["server"] == serving
             and ss and ss["status"] == "ok" and ss["detail"]["server"] == serving,
             f"over OpenSSH in the sandbox (sshd at {st['client']['address']}): nltest names {serving} for the "
             f"locator and the secure channel, as through the guest agent", labtap.evidence(p))

    t_fault = int(time.clock_gettime(time.CLOCK_MONOTONIC) * 1e6)
    p = subprocess.run([CTL, "mark-fault", "--control", control, "--dc", serving, "--note", "VM stopped"],
                       stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, timeout=30)
    t.ok(p.returncode == 0, "the fault marked in the running watch", labtap.evidence(p))
    p = vm(serving, "stop", "--restart-guard", "0")
    t.ok(p.returncode == 0, f"{serving}'s VM stopped through the rehearsal hypervisor", labtap.evidence(p))
    if p.returncode == 0:
        powered_off.append(serving)

    moved = wait(lambda items: [s for s in views(items, "win_locator", t_fault)
                                if s["status"] == "ok" and s["detail"]["server"] == other], 90)
    t.ok(moved is not None, f"the client's locator moves to {other} (nltest /dsgetdc /force)", evidence(t_fault))
    if ssh_lab is not None:
        p, out = over_ssh("--json", "views")
        sl = ssh_view(out, "win_locator")
        t.ok(sl is not None and sl["status"] == "ok" and sl["detail"]["server"] == other,
             f"over OpenSSH: the client's locator names {other} too", labtap.evidence(p))
    kdc = wait(lambda items: [s for s in views(items, "win_kdc", t_fault)
                              if s["status"] == "ok" and s["detail"]["server"] == other], 90)
    t.ok(kdc is not None and kdc[0]["detail"].get("tgt_kdc") == serving,
         f"klist: the newest ticket comes from {other}'s KDC (a real exchange with its Samba), "
         f"the TGT from {serving} stays", evidence(t_fault))
    failing = wait(lambda items: [s for s in views(items, "secure_channel", t_fault)
                                  if s["status"] == "fail" and "1722" in (s.get("message") or "")], 60)
    t.ok(failing is not None, "the secure channel fails with 1722 while it keeps its DC", evidence(t_fault))
    rebound = wait(lambda items: [s for s in views(items, "secure_channel", t_fault)
                                  if s["status"] == "ok" and s["detail"]["server"] == other], 120)
    t.ok(rebound is not None, f"the secure channel binds to {other} after its rebind delay", evidence(t_fault))
    if failing and rebound:
        t.diag(f"secure channel: failing from {(failing[0]['t_us'] - t_fault) / 1e6:.1f} s, "
               f"on {other} at {(rebound[0]['t_us'] - t_fault) / 1e6:.1f} s after the fault")
    with lock:
        items = list(lines)
    logons = [s for s in views(items, "win_logon", t_fault) if s["status"] == "ok"]
    t.ok(logons and all(s["detail"]["server"] == serving for s in logons),
         f"LOGONSERVER stays {serving} (it changes only at the next sign-in)", evidence(t_fault))
    switched = wait(lambda items: {x["view"]: x for x in items if x.get("type") == "event"
                                   and x["event"] == "switched" and x["t_us"] >= t_fault
                                   and x.get("view") in ("win_locator", "secure_channel")}
                    if len({x["view"] for x in items if x.get("type") == "event" and x["event"] == "switched"
                            and x["t_us"] >= t_fault and x.get("view") in ("win_locator", "secure_channel")}) == 2
                    else None, 30)
    t.ok(switched is not None, "the detector measures the switchover of the client's locator and secure channel",
         evidence(t_fault))
    if switched:
        for view, e in sorted(switched.items()):
            t.diag(f"{view}: {e['from']} → {e['to']} in {e['switchover_us'] / 1e6:.1f} s")

    # the actions a lesson runs on the client, from the same state the watch sees
    p, r = client("gpupdate")
    t.ok(p.returncode == 0 and r.get("ok") and r.get("server") == other,
         f"gpupdate /force: policy refreshed, served by {other} (gpresult /r)", labtap.evidence(p))
    p, r = client("test-channel")
    t.ok(p.returncode == 0 and r.get("ok"), f"Test-ComputerSecureChannel: True (the channel is on {other})",
         labtap.evidence(p))

    # back to the first DC, then the channel's DC goes away: nltest /sc_reset rebinds it at once
    p = vm(serving, "start")
    t.ok(p.returncode == 0, f"{serving}'s VM started again", labtap.evidence(p))
    if p.returncode == 0:
        powered_off.remove(serving)
    # the interlock asks whether another DC answers: wait until the watch sees it answer again
    t_plug = int(time.clock_gettime(time.CLOCK_MONOTONIC) * 1e6)
    answering = wait(lambda items: [s for s in items if s.get("type") == "sample" and s.get("dc") == serving
                                    and s["check"] == "ldap" and s["status"] == "ok" and s["t_us"] >= t_plug], 120)
    t.ok(answering is not None, f"{serving} answers LDAP again", evidence(t_plug))
    t_second = int(time.clock_gettime(time.CLOCK_MONOTONIC) * 1e6)
    p = vm(other, "unplug", "--restart-guard", "0")
    t.ok(p.returncode == 0, f"{other}'s cable pulled", labtap.evidence(p))
    if p.returncode == 0:
        unplugged.append(other)
    failing = wait(lambda items: [s for s in views(items, "secure_channel", t_second)
                                  if s["status"] == "fail" and "1722" in (s.get("message") or "")], 60)
    t.ok(failing is not None, f"the secure channel fails with 1722 while it keeps {other}", evidence(t_second))
    p, r = client("sc-reset")
    t.ok(p.returncode == 0 and r.get("ok") and r.get("server") == serving,
         f"nltest /sc_reset: the channel is reset to {serving}", labtap.evidence(p))
    back = wait(lambda items: [s for s in views(items, "secure_channel", t_second)
                               if s["status"] == "ok" and s["detail"]["server"] == serving], 60)
    t.ok(back is not None, f"the watch's next look sees the channel on {serving} (asked again after the action)",
         evidence(t_second))

    # every DC gone: the failure forms, each read as a failure
    p = vm(serving, "unplug", "--restart-guard", "0", "--yes")
    t.ok(p.returncode == 0, f"{serving}'s cable pulled too: no DC answers", labtap.evidence(p))
    if p.returncode == 0:
        unplugged.append(serving)
    p, r = client("gpupdate")
    t.ok(p.returncode == 1 and r.get("ok") is False and "failed" in (r.get("summary") or ""),
         "gpupdate /force fails: no DC served the policy (exit 1)", labtap.evidence(p))
    p, r = client("test-sysvol")
    t.ok(p.returncode == 1 and r.get("ok") is False, "Test-Path \\\\DOMAIN\\SYSVOL: False (exit 1)",
         labtap.evidence(p))
    p, r = client("sc-reset")
    t.ok(p.returncode == 1 and "1311" in (r.get("summary") or ""),
         "nltest /sc_reset fails with 1311 ERROR_NO_LOGON_SERVERS", labtap.evidence(p))

    # the client's views come from what it sees, not from the hypervisor's word: with both cables
    # back, the DC its locator holds has its Samba ended behind the hypervisor's back (the VM
    # still "running"); the client's own probe finds the other DC
    for name in list(unplugged):
        p = vm(name, "plug")
        t.ok(p.returncode == 0, f"{name}'s cable plugged back", labtap.evidence(p))
        if p.returncode == 0:
            unplugged.remove(name)
    t_third = int(time.clock_gettime(time.CLOCK_MONOTONIC) * 1e6)
    found = wait(lambda items: [s for s in views(items, "win_locator", t_third) if s["status"] == "ok"], 60)
    held = found[-1]["detail"]["server"] if found else None
    t.ok(held is not None, "with both cables back the client's locator holds a DC", evidence(t_third))
    if held is not None:
        t_third = int(time.clock_gettime(time.CLOCK_MONOTONIC) * 1e6)
        rest = [d for d in (serving, other) if d != held][0]
        labtap.sandbox("stop", held.lower(), lab_id=LAB_ID)
        stopped.append(held.lower())
        moved = wait(lambda items: [s for s in views(items, "win_locator", t_third)
                                    if s["status"] == "ok" and s["detail"]["server"] == rest], 60)
        t.ok(moved is not None, f"{held}'s Samba ended, its VM still running: the client's locator "
             f"moves to {rest} (its own probe)", evidence(t_third))
        # as it was at the start: every view on the DC of the sign-in (the next run starts there)
        labtap.sandbox("start", held.lower(), lab_id=LAB_ID)
        stopped.remove(held.lower())
        p = vm(other, "unplug", "--restart-guard", "0", "--yes")
        if p.returncode == 0:
            unplugged.append(other)
        t_back = int(time.clock_gettime(time.CLOCK_MONOTONIC) * 1e6)
        again = wait(lambda items: [s for s in views(items, "win_locator", t_back)
                                    if s["status"] == "ok" and s["detail"]["server"] == serving], 60)
        p, r = client("sc-reset")
        t.ok(again is not None and p.returncode == 0 and r.get("server") == serving,
             f"{held} started again, {other}'s cable pulled: the locator and the channel are back on {serving}",
             evidence(t_back) + "\n" + labtap.evidence(p))
    for name in list(unplugged):
        p = vm(name, "plug")
        t.ok(p.returncode == 0, f"{name}'s cable plugged back", labtap.evidence(p))
        if p.returncode == 0:
            unplugged.remove(name)

    # a broken trust (what rolling the client back does): the DCs refuse the machine account's
    # key, which the client's own secure channel says; repaired, it works again
    broken.append(True)   # repaired in the end, even when breaking it failed half-way
    labtap.sandbox("break-trust", lab_id=LAB_ID)
    t_trust = int(time.clock_gettime(time.CLOCK_MONOTONIC) * 1e6)
    denied = wait(lambda items: [s for s in views(items, "secure_channel", t_trust)
                                 if s["status"] == "fail" and "5 ERROR_ACCESS_DENIED" in (s.get("message") or "")], 60)
    t.ok(denied is not None, "WS01$'s password changed on the DCs: the client's secure channel fails with "
         "5 ERROR_ACCESS_DENIED (its real kinit refused)", evidence(t_trust))
    p, r = client("test-channel")
    t.ok(p.returncode == 1 and r.get("ok") is False, "Test-ComputerSecureChannel: False with the trust broken",
         labtap.evidence(p))
    labtap.sandbox("repair-trust", lab_id=LAB_ID)
    broken.clear()
    t_repair = int(time.clock_gettime(time.CLOCK_MONOTONIC) * 1e6)
    works = wait(lambda items: [s for s in views(items, "secure_channel", t_repair) if s["status"] == "ok"], 60)
    t.ok(works is not None, "the trust repaired (the keytab re-exported): the secure channel works again",
         evidence(t_repair))
finally:
    with lock:
        items = list(lines)
    for name in unplugged:
        p = vm(name, "plug")
        t.ok(p.returncode == 0, f"{name}'s cable plugged back", labtap.evidence(p))
    for name in powered_off:
        p = vm(name, "start")
        t.ok(p.returncode == 0, f"{name}'s VM started again", labtap.evidence(p))
    if broken:
        labtap.sandbox("repair-trust", lab_id=LAB_ID)
        t.ok(True, "the trust repaired")
    for name in stopped:
        labtap.sandbox("start", name, lab_id=LAB_ID)
        t.ok(True, f"{name}'s Samba started again")
    if sshd is not None:
        sshd.send_signal(signal.SIGTERM)   # our own child, by PID
        try:
            sshd.wait(timeout=10)
        except subprocess.TimeoutExpired:
            sshd.kill()
    watch.send_signal(signal.SIGTERM)   # our own child, by PID
    try:
        watch.wait(timeout=15)
    except subprocess.TimeoutExpired:
        watch.kill()
        watch.wait()
    shutil.rmtree(tmp, ignore_errors=True)   # the fake shell's copy of the token, the keys
sys.exit(t.done())
