#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
#
# End to end through Proxmox VE: the emulator (tests/pve) runs in the sandbox's gateway
# namespace on 10.231.7.1:8007 (8006 is the sandbox's own rehearsal hypervisor) with the sandbox DCs
# as its VMs; failoverctl, in the client
# namespace, shuts down the DC that serves, through the REST API, while a watch runs:
# task OK → the DC's Samba is gone and its cable out → the probes see it → the locator moves to
# the other DC → the detector reports detection and switchover from the fault the action
# marked. Then start (link at once, services after the boot delay: "running, not answering"),
# unplug/plug, the interlocks, and the errors a class meets (wrong secret, wrong pin).

import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time

sys.path.insert(0, os.path.dirname(os.path.realpath(__file__)))
import labtap  # noqa: E402

LAB_ID = os.environ.get("FL_SANDBOX_ID")
CTL = os.environ.get("FL_FAILOVERCTL", "failoverctl")
EMULATOR = os.environ["FL_PVE_EMULATOR"]
SCHEMA = os.environ["FL_PVE_SCHEMA"]
MAKE_CERT = os.environ["FL_PVE_MAKE_CERT"]
BOOT_S = 4.0
PORT = 8007
SECRET = "7f0c1d2e-3b4a-4c5d-8e9f-0a1b2c3d4e5f"
TOKEN = "failoverlab@pve!classroom"

if os.environ.get("FL_IN_CLIENT_NS") != "1":
    # the host side: certificate, emulator in the gateway namespace, then ourselves in the client's
    if os.geteuid() != 0:
        labtap.skip_all("the lab suite needs root (network namespaces); run it as root")
    st = labtap.status(LAB_ID)
    if st is None or not st.get("up"):
        labtap.skip_all("the sandbox lab is not up: run `tests/lab/sandbox up` as root first")
    REF = st["reference_host"]["address"] if isinstance(st["reference_host"], dict) else st["reference_host"]
    tmp = tempfile.mkdtemp(prefix="fl-pve-lab-")
    os.chmod(tmp, 0o755)
    subprocess.run([MAKE_CERT, tmp], check=True)
    config = {
        "version": "9.1.5", "nodes": ["pve1"], "step_ms": 300,
        "users": {"failoverlab@pve": {"password": "unused", "privs": ["*"]}},
        "tokens": {TOKEN: {"secret": SECRET, "privs": [
            "VM.Audit", "VM.PowerMgmt", "VM.Config.Network", "SDN.Use", "VM.Snapshot.Rollback"]}},
        "vms": [{"vmid": 101 + i, "node": "pve1", "name": d["name"], "dc": d["name"],
                 "boot_s": BOOT_S, "shutdown_s": 1.5} for i, d in enumerate(st["controllers"])],
    }
    if LAB_ID:
        # the hook is one argv word: a wrapper passes --id
        wrapper = os.path.join(tmp, "sandbox")
        with open(wrapper, "w") as f:
            f.write(f"#!/bin/sh\nexec {labtap.SANDBOX} --id {LAB_ID} \"$@\"\n")
        os.chmod(wrapper, 0o755)
        config["sandbox"] = wrapper
    else:
        config["sandbox"] = labtap.SANDBOX
    with open(os.path.join(tmp, "emulator.json"), "w") as f:
        json.dump(config, f)
    emu = labtap.spawn(
        [labtap.SANDBOX] + (["--id", LAB_ID] if LAB_ID else []) +
        ["exec", "gateway", "--", EMULATOR, "--schema", SCHEMA, "--config", os.path.join(tmp, "emulator.json"),
         "--cert", os.path.join(tmp, "pve-ssl.pem"), "--key", os.path.join(tmp, "pve-ssl.key"),
         "--listen", REF, "--port", str(PORT)],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    # an OpenSSH server on the same "node", whose only command is the fake pvesh/qm
    ssh_ok = os.path.exists(labtap.SSHD) and bool(os.environ.get("FL_PVE_FAKE_SHELL"))
    sshd = None
    if ssh_ok:
        with open(os.path.join(tmp, "fake.json"), "w") as f:
            json.dump({"url": f"https://{REF}:{PORT}", "token": f"{TOKEN}={SECRET}",
                       "ca": os.path.join(tmp, "pve-root-ca.pem")}, f)
        sshd_argv, host_fp, host_pub = labtap.fake_shell_sshd(tmp, REF, os.path.join(tmp, "fake.json"))
        sshd = labtap.spawn([labtap.SANDBOX] + (["--id", LAB_ID] if LAB_ID else []) +
                            ["exec", "gateway", "--"] + sshd_argv)
        with open(os.path.join(tmp, "known_hosts"), "w") as f:
            f.write(f"{REF} {host_pub}\n")
        open(os.path.join(tmp, "known_hosts.empty"), "w").close()
    line = emu.stdout.readline()
    if not line.startswith("listening"):
        print(f"1..0 # SKIP the emulator did not start: {line}{emu.stderr.read()[-500:]}")
        sys.exit(1)
    fingerprint = line.split("fingerprint ")[1].strip()
    # the lab file: the sandbox's, with the VMs and the hypervisor
    with open(st["lab_file"]) as f:
        lab = json.load(f)
    for i, c in enumerate(lab["controllers"]):
        c["vm"] = {"node": "pve1", "vmid": 101 + i}
    # this emulator has the DCs' VMs only: the client is this host, as without a hypervisor
    lab["client"] = {"name": lab["client"]["name"], "access": "local"}
    lab["hypervisor"] = {"type": "proxmox-api", "url": f"https://{REF}:{PORT}",
                         "token_id": TOKEN, "fingerprint": fingerprint}
    lab_path = os.path.join(tmp, "pve.lab.json")
    with open(lab_path, "w") as f:
        json.dump(lab, f, indent=2)
    if ssh_ok:
        for name, kh in (("ssh.lab.json", "known_hosts"), ("ssh-new.lab.json", "known_hosts.empty")):
            lab["hypervisor"] = {"type": "proxmox-ssh", "host": REF, "user": "root", "port": 22,
                                 "known_hosts": os.path.join(tmp, kh)}
            with open(os.path.join(tmp, name), "w") as f:
                json.dump(lab, f, indent=2)
    # keytab and other relative paths resolve against the lab file's folder
    for k in os.listdir(os.path.dirname(st["lab_file"])):
        src = os.path.join(os.path.dirname(st["lab_file"]), k)
        if os.path.isdir(src) and not os.path.exists(os.path.join(tmp, k)):
            os.symlink(src, os.path.join(tmp, k))
    rc = 1
    try:
        argv = [labtap.SANDBOX] + (["--id", LAB_ID] if LAB_ID else []) + [
            "exec", "client", "--", "env", "FL_IN_CLIENT_NS=1", f"FL_PVE_LAB={lab_path}",
            f"FL_PVE_FINGERPRINT={fingerprint}", f"FL_PVE_TMP={tmp}",
            f"FL_PVE_SSH={'1' if ssh_ok else ''}", f"FL_PVE_HOST_FP={host_fp if ssh_ok else ''}",
            sys.executable] + sys.argv
        rc = subprocess.run(argv).returncode
    finally:
        if sshd is not None:
            sshd.send_signal(signal.SIGTERM)  # our own child, by PID (sandbox exec execs sshd)
            try:
                sshd.wait(timeout=10)
            except subprocess.TimeoutExpired:
                sshd.kill()
        emu.send_signal(signal.SIGTERM)      # our own child, by PID
        try:
            emu.wait(timeout=10)
        except subprocess.TimeoutExpired:
            emu.kill()
        # whatever happened, the lab is whole again
        for d in st["controllers"]:
            labtap.sandbox("plug", d["name"], check=False, lab_id=LAB_ID)
            labtap.sandbox("start", d["name"], check=False, lab_id=LAB_ID)
        # replicating again, so that the next test sees a healthy domain
        labtap.sandbox("resync", check=False, lab_id=LAB_ID)
        shutil.rmtree(tmp, ignore_errors=True)
    sys.exit(rc)

# ------------------------------------------------------------------------------------------
# in the client namespace

t = labtap.Tap()
st = labtap.status(LAB_ID)
lab_path = os.environ["FL_PVE_LAB"]
tmp = os.environ["FL_PVE_TMP"]
password_file = os.path.join(st["state_dir"], "client", "user01.password")
addr = {d["name"]: d["address"] for d in st["controllers"]}
env = dict(os.environ, FAILOVER_LAB_PVE_SECRET=SECRET, XDG_RUNTIME_DIR=tmp)


def vm(*args, secret=SECRET, timeout=120):
    e = dict(env, FAILOVER_LAB_PVE_SECRET=secret)
    t0 = time.monotonic()
    p = subprocess.run([CTL, "vm", "--lab", lab_path] + list(args), stdout=subprocess.PIPE,
                       stderr=subprocess.PIPE, text=True, timeout=timeout, env=e)
    return p, time.monotonic() - t0


def tcp_state(address, port=389, timeout=1.0):
    s = socket.socket()
    s.settimeout(timeout)
    try:
        s.connect((address, port))
        return "open"
    except ConnectionRefusedError:
        return "refused"
    except OSError:
        return "silent"
    finally:
        s.close()


class Watch:
    def __init__(self):
        self.lines = []
        self.lock = threading.Lock()
        self.proc = labtap.spawn(
            [CTL, "watch", "--jsonl", "--interval", "250", "--deadline", "800", "--lab", lab_path,
             "--password-file", password_file], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
            text=True, env=env)
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self):
        for line in self.proc.stdout:
            try:
                item = json.loads(line)
            except ValueError:
                continue
            with self.lock:
                self.lines.append(item)

    def wait(self, cond, timeout):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            with self.lock:
                items = list(self.lines)
            found = cond(items)
            if found:
                return found
            time.sleep(0.05)
        return None

    def stop(self):
        self.proc.send_signal(signal.SIGTERM)   # our own child, by PID
        try:
            self.proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()


def events(items, kind, **kw):
    return [x for x in items if x.get("type") == "event" and x["event"] == kind
            and all(x.get(k) == v for k, v in kw.items())]


def recent(w, n=15):
    """The evidence: the watch's last events and locator samples."""
    with w.lock:
        items = list(w.lines)
    evs = [x for x in items if x.get("type") == "event"][-n:]
    locs = [x for x in items if x.get("type") == "sample" and x["check"] == "locator"][-n:]
    return "\n".join([f"event t={e['t_us']} {e['event']} {e.get('dc') or ''} {e.get('message') or ''}" for e in evs] +
                     [f"locator t={s['t_us']} {s['status']} {s['detail'].get('server') if s.get('detail') else ''} "
                      f"{s.get('message') or ''}" for s in locs])


def stable_server(w, rounds=8, timeout=30):
    """The DC the locator has named in its last @rounds answers (about 2 s at 250 ms): the one a
    stop will move it away from. A locator may change by itself (a DC slow to answer a ping
    while it catches up on replication loses to the other, as a Windows client's would)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with w.lock:
            locs = [x for x in w.lines if x.get("type") == "sample" and x["check"] == "locator"
                    and x["status"] == "ok"][-rounds:]
        names = {x["detail"]["server"] for x in locs}
        if len(locs) == rounds and len(names) == 1:
            return names.pop()
        time.sleep(0.1)
    return None


def locator(items):
    locs = [x for x in items if x.get("type") == "sample" and x["check"] == "locator" and x["status"] == "ok"]
    return locs[-1]["detail"]["server"] if locs else None


# 1. status through the API
p, secs = vm("DC1", "status", "--json")
state = json.loads(p.stdout) if p.returncode == 0 else {}
t.ok(p.returncode == 0 and state.get("status") == "running" and state.get("link_down") is False,
     f"status over the REST API: DC1 running, cable in ({secs * 1000:.0f} ms)", labtap.evidence(p))

# 2. wrong secret, wrong pin: clear messages, nothing done
p, _ = vm("DC1", "status", secret="00000000-0000-0000-0000-000000000000")
t.ok(p.returncode == 1 and "refused the credentials" in p.stderr, "a wrong token secret: 401, said so", labtap.evidence(p))
with open(lab_path) as f:
    bad = json.load(f)
bad["hypervisor"]["fingerprint"] = ":".join(["AB"] * 32)
bad_path = os.path.join(tmp, "bad-pin.lab.json")
with open(bad_path, "w") as f:
    json.dump(bad, f)
p = subprocess.run([CTL, "vm", "--lab", bad_path, "DC1", "stop"], stdout=subprocess.PIPE,
                   stderr=subprocess.PIPE, text=True, env=env, timeout=60)
t.ok(p.returncode == 1 and "does not match the pinned fingerprint" in p.stderr
     and os.environ["FL_PVE_FINGERPRINT"] in p.stderr,
     "a certificate that is not the pinned one is refused, both fingerprints shown", labtap.evidence(p))
p, _ = vm("WS99", "stop")
t.ok(p.returncode == 2 and "not a VM of this lab" in p.stderr, "only the lab's VMs can be touched", labtap.evidence(p))

# 3. shut down the DC that serves, with a watch running
w = Watch()
serving = w.wait(locator, 20) and stable_server(w)
t.ok(serving in addr, f"the watch sees the logon server ({serving})", recent(w))
other = [d for d in addr if d != serving][0]
p, secs = vm(serving, "shutdown", "--timeout", "30", "--restart-guard", "0")
t.ok(p.returncode == 0 and "task OK" in p.stdout, f"vm {serving} shutdown: task OK in {secs:.1f} s", labtap.evidence(p))
t.ok(tcp_state(addr[serving]) == "silent",
     f"a shut-down VM is gone from the network: {serving}:389 is silent, not refusing")
faults = w.wait(lambda items: events(items, "fault", dc=serving), 5)
t.ok(bool(faults), f"the action marked the fault in the running watch ({faults[0].get('message') if faults else None})")
sw = w.wait(lambda items: events(items, "switched", view="locator"), 30)
det = w.wait(lambda items: events(items, "detected", dc=serving), 5)
t.ok(bool(sw) and sw[-1].get("to") == other,
     f"the locator moved to {other}: switchover {sw[-1]['switchover_us'] / 1e6:.2f} s after the fault" if sw
     else "the locator moved", recent(w))
t.ok(bool(det), f"detected {det[-1]['detection_us'] / 1e6:.2f} s after the fault" if det else "detected",
     json.dumps(det[-1] if det else None))

# 4. the interlock: the last answering DC
p, _ = vm(other, "stop", "--restart-guard", "0")
t.ok(p.returncode == 4 and "total outage" in p.stderr, f"stopping {other}, the last one, is refused without --yes", labtap.evidence(p))
p, _ = vm(other, "status", "--json")
t.ok(p.returncode == 0 and json.loads(p.stdout)["status"] == "running", f"{other} still runs")

# 5. start: the link comes at once, the services after the boot delay
p, secs = vm(serving, "start")
t.ok(p.returncode == 0, f"vm {serving} start: task OK in {secs:.1f} s", labtap.evidence(p))
t0 = time.monotonic()
states = set()
while time.monotonic() - t0 < BOOT_S + 15:
    s = tcp_state(addr[serving], timeout=0.5)
    states.add(s)
    if s == "open":
        break
    time.sleep(0.2)
up_after = time.monotonic() - t0
t.ok("refused" in states and "open" in states,
     f"running but not answering first (link up, port refused), LDAP open {up_after:.1f} s after start "
     f"(boot delay {BOOT_S} s)", str(states))
p, _ = vm(other, "stop", "--restart-guard", "15")
t.ok(p.returncode == 4 and "came back" in p.stderr,
     f"stopping {other} right after {serving} came back is refused (restart guard)", labtap.evidence(p))

# 6. unplug / plug: the cable only, the VM keeps running
time.sleep(2)
p, secs = vm(serving, "unplug", "--restart-guard", "0")
t.ok(p.returncode == 0, f"vm {serving} unplug in {secs:.1f} s", labtap.evidence(p))
p2, _ = vm(serving, "status", "--json")
stt = json.loads(p2.stdout) if p2.returncode == 0 else {}
t.ok(stt.get("status") == "running" and stt.get("link_down") is True and tcp_state(addr[serving]) == "silent",
     f"unplugged: {serving} runs, cable out, silent on the network")
lost = w.wait(lambda items: len(events(items, "reach_lost", dc=serving)) >= 2 and
              len(events(items, "fault", dc=serving)) >= 2, 15)
t.ok(bool(lost), "the watch saw the unplug as a fault and the reach lost",
     None if lost else json.dumps([x for x in w.lines if x.get("type") == "event"][-12:], indent=0))
p, secs = vm(serving, "plug")
t.ok(p.returncode == 0 and tcp_state(addr[serving], timeout=2) == "open", f"vm {serving} plug: LDAP answers again", labtap.evidence(p))

# 6b. two stops of the two DCs started together: the lab's lock lets one decide and act first;
# the other then sees the domain's last DC and is refused (a total outage is never two races)
for d in addr:
    t0 = time.monotonic()
    while time.monotonic() - t0 < BOOT_S + 15 and tcp_state(addr[d], timeout=0.5) != "open":
        time.sleep(0.2)
e2 = dict(env, FAILOVER_LAB_PVE_SECRET=SECRET)
procs = {d: subprocess.Popen([CTL, "vm", "--lab", lab_path, d, "stop", "--restart-guard", "0"],
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=e2) for d in addr}
outs = {d: p.communicate(timeout=120) for d, p in procs.items()}
codes = {d: procs[d].returncode for d in addr}
ran = [d for d in addr if codes[d] == 0]
refused = [d for d in addr if codes[d] == 4]
t.ok(len(ran) == 1 and len(refused) == 1 and "total outage" in outs[refused[0]][1],
     f"two stops at once: exactly one runs ({', '.join(ran)}), the other is refused ({', '.join(refused)})",
     "\n".join(f"{d}: exit status {codes[d]}\nstdout: {outs[d][0]}\nstderr: {outs[d][1]}" for d in addr))
for d in ran:
    p, _ = vm(d, "start")
    t.ok(p.returncode == 0, f"vm {d} start again", labtap.evidence(p))
    t0 = time.monotonic()
    while time.monotonic() - t0 < BOOT_S + 15 and tcp_state(addr[d], timeout=0.5) != "open":
        time.sleep(0.2)

# 7. the same through SSH: pvesh on the node, its host key checked
if os.environ.get("FL_PVE_SSH") == "1":
    ssh_env = dict(env, FAILOVER_LAB_SSH_KEY=os.path.join(tmp, "client_key"))
    ssh_env.pop("SSH_AUTH_SOCK", None)

    def vm_ssh(lab, *args):
        t0 = time.monotonic()
        p = subprocess.run([CTL, "vm", "--lab", os.path.join(tmp, lab)] + list(args), stdout=subprocess.PIPE,
                           stderr=subprocess.PIPE, text=True, timeout=120, env=ssh_env)
        return p, time.monotonic() - t0

    p, _ = vm_ssh("ssh-new.lab.json", other, "status")
    t.ok(p.returncode == 1 and "not known" in p.stderr and os.environ["FL_PVE_HOST_FP"] in p.stderr,
         "SSH: an unknown host key is refused, its fingerprint shown", labtap.evidence(p))
    p, _ = vm_ssh("ssh-new.lab.json", other, "status", "--accept-host-key", "SHA256:not-this-one")
    t.ok(p.returncode == 1, "SSH: a fingerprint that is not the host's does not get it accepted", labtap.evidence(p))
    p, secs = vm_ssh("ssh-new.lab.json", other, "status", "--accept-host-key", os.environ["FL_PVE_HOST_FP"])
    t.ok(p.returncode == 0 and "accepted" in p.stdout, f"SSH: the host key accepted with its fingerprint ({secs:.1f} s)",
         p.stdout + p.stderr)
    p, secs = vm_ssh("ssh.lab.json", other, "status", "--json")
    t.ok(p.returncode == 0 and json.loads(p.stdout)["status"] == "running",
         f"SSH: status through pvesh ({secs * 1000:.0f} ms)", labtap.evidence(p))
    # the DC that serves now, steadily, just before it is stopped
    serving = stable_server(w) or locator(w.lines)
    other = [d for d in addr if d != serving][0]
    n_switch = len(events(w.lines, "switched", view="locator"))
    p, secs = vm_ssh("ssh.lab.json", serving, "stop", "--restart-guard", "0")
    t.ok(p.returncode == 0 and "task OK" in p.stdout, f"SSH: vm {serving} stop: task OK in {secs:.1f} s",
         p.stdout + p.stderr)
    sw = w.wait(lambda items: len(events(items, "switched", view="locator")) > n_switch and
                events(items, "switched", view="locator"), 30)
    t.ok(bool(sw) and sw[-1].get("to") == other,
         f"SSH: the locator moved to {other} again, {sw[-1]['switchover_us'] / 1e6:.2f} s after the fault" if sw
         else "SSH: the locator moved", recent(w))
    p, secs = vm_ssh("ssh.lab.json", serving, "start")
    t.ok(p.returncode == 0, f"SSH: vm {serving} start in {secs:.1f} s", labtap.evidence(p))
    p, _ = vm_ssh("ssh.lab.json", serving, "start")
    t.ok(p.returncode == 1 and "already running" in p.stderr,
         "SSH: a start of a running VM fails with Proxmox's own words (the task's status, not pvesh's exit)", labtap.evidence(p))
    t0 = time.monotonic()
    while time.monotonic() - t0 < BOOT_S + 15 and tcp_state(addr[serving], timeout=0.5) != "open":
        time.sleep(0.2)
    t.ok(tcp_state(addr[serving]) == "open", f"SSH: {serving} answers again after its boot")
else:
    t.diag("no /usr/sbin/sshd: the SSH half is not run")

w.stop()
sys.exit(t.done())
