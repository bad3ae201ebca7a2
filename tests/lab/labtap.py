# SPDX-License-Identifier: GPL-3.0-or-later
"""Small helpers shared by the lab suite's tests: TAP output, the sandbox, timed probes.

Every probe here runs inside the sandbox's client namespace (the test re-executes itself there),
so it talks only to the lab's own addresses.
"""

import atexit
import json
import os
import random
import socket
import struct
import subprocess
import sys
import time

SANDBOX = os.environ.get("FL_SANDBOX") or os.path.join(os.path.dirname(__file__), "sandbox")


_children = []


def spawn(argv, **kwargs):
    """subprocess.Popen for a background process (a watch, an emulator, an sshd): a test that dies
    by an exception or a failed wait leaves none of them running behind it (an orphaned watch at
    4 Hz loads the machine for every test after it). Ends only our own children, by PID."""
    proc = subprocess.Popen(argv, **kwargs)
    _children.append(proc)
    return proc


@atexit.register
def _reap_children():
    for proc in _children:
        if proc.poll() is None:
            proc.kill()
            try:
                proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                pass


class Tap:
    def __init__(self):
        self.n = 0
        self.failed = 0

    def ok(self, cond, desc, diag=None):
        self.n += 1
        print(f"{'ok' if cond else 'not ok'} {self.n} - {desc}", flush=True)
        if diag and not cond:   # the evidence, where it is needed
            for line in str(diag).splitlines():
                print(f"# {line}", flush=True)
        if not cond:
            self.failed += 1
        return cond

    def skip(self, desc, reason):
        self.n += 1
        print(f"ok {self.n} - {desc} # SKIP {reason}", flush=True)

    def diag(self, text):
        for line in str(text).splitlines():
            print(f"# {line}", flush=True)

    def done(self):
        print(f"1..{self.n}", flush=True)
        return 1 if self.failed else 0


def evidence(p):
    """What a failed command said: its exit status (or the signal that ended it), stdout, stderr."""
    rc = p.returncode
    status = f"killed by signal {-rc}" if rc is not None and rc < 0 else f"exit status {rc}"
    return f"{status}\nstdout: {p.stdout or ''}\nstderr: {p.stderr or ''}"


def skip_all(reason):
    print(f"1..0 # SKIP {reason}", flush=True)
    sys.exit(0)


def sandbox(*args, env=None, check=True, lab_id=None):
    argv = [SANDBOX] + (["--id", lab_id] if lab_id else []) + list(args)
    p = subprocess.run(argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                       env=dict(os.environ, **(env or {})), timeout=900)
    if check and p.returncode != 0:
        raise RuntimeError(f"sandbox {' '.join(args)} failed: {p.stdout}{p.stderr}")
    return p


def status(lab_id=None):
    p = sandbox("status", "--json", check=False, lab_id=lab_id)
    if p.returncode != 0:
        return None
    return json.loads(p.stdout)


def _client_argv(lab_id):
    """The command that runs this test again in the sandbox's client namespace (or a skip)."""
    if os.geteuid() != 0:
        skip_all("the lab suite needs root (network namespaces); run it as root")
    st = status(lab_id)
    if st is None or not st.get("up"):
        skip_all("the sandbox lab is not up: run `tests/lab/sandbox up` as root first")
    return [SANDBOX] + (["--id", lab_id] if lab_id else []) + [
        "exec", "client", "--", "env", "FL_IN_CLIENT_NS=1", sys.executable] + sys.argv


def enter_client_namespace(lab_id=None):
    """Re-executes this test inside the sandbox's client namespace (once)."""
    if os.environ.get("FL_IN_CLIENT_NS") == "1":
        return
    os.execv(SANDBOX, _client_argv(lab_id))


def run_in_client_namespace(lab_id=None):
    """Runs this test again inside the sandbox's client namespace; returns its exit status.
    For a test that must do something outside first (and undo it after): the caller checks
    FL_IN_CLIENT_NS itself."""
    return subprocess.run(_client_argv(lab_id)).returncode


def run_with_hypervisor(lab_id=None, up_args=()):
    """Runs this test in the client namespace with the sandbox's rehearsal hypervisor: when the
    lab runs without it, it is started for this test (with @up_args) and stopped again after.
    Exits with the test's status; skips when there is none to be had."""
    st = status(lab_id)
    started = False
    if st is not None and st.get("up"):
        with open(st["lab_file"]) as f:
            named = "hypervisor" in json.load(f)
        emulator = os.environ.get("FL_PVE_EMULATOR")
        if not named and not emulator:
            skip_all("the sandbox runs without its rehearsal hypervisor, and FL_PVE_EMULATOR "
                     "is not set (meson test sets it)")
        if not named:
            p = sandbox("hypervisor", "up", "--emulator", emulator, *up_args, check=False, lab_id=lab_id)
            if p.returncode != 0:
                print("not ok 1 - the rehearsal hypervisor starts")
                for line in evidence(p).splitlines():
                    print(f"# {line}")
                print("1..1")
                sys.exit(1)
            started = True
    try:
        rc = run_in_client_namespace(lab_id)
    finally:
        if started:
            sandbox("hypervisor", "down", check=False, lab_id=lab_id)
    sys.exit(rc)


SSHD = "/usr/sbin/sshd"


def fake_shell_sshd(tmp, listen, fake_config):
    """An OpenSSH server's files in @tmp: host and client keys (ed25519), authorized_keys whose
    only command is tests/pve/fake-pve-shell with @fake_config, and sshd_config listening on
    @listen:22 for root. Returns (sshd argv, host key's fingerprint, host key's public line)."""
    for k in ("host_key", "client_key"):
        subprocess.run(["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", os.path.join(tmp, k)], check=True)
    with open(os.path.join(tmp, "client_key.pub")) as f:
        pub = f.read().strip()
    with open(os.path.join(tmp, "authorized_keys"), "w") as f:
        f.write(f'command="{os.environ["FL_PVE_FAKE_SHELL"]} {fake_config}",no-port-forwarding,'
                f'no-agent-forwarding,no-X11-forwarding,no-pty {pub}\n')
    with open(os.path.join(tmp, "sshd_config"), "w") as f:
        f.write(f"ListenAddress {listen}\nPort 22\nHostKey {tmp}/host_key\nPidFile none\n"
                f"AuthorizedKeysFile {tmp}/authorized_keys\nPasswordAuthentication no\n"
                "KbdInteractiveAuthentication no\nUsePAM no\nStrictModes no\n"
                "PermitRootLogin prohibit-password\nAllowUsers root\nLogLevel ERROR\n")
    os.makedirs("/run/sshd", exist_ok=True)
    with open(os.path.join(tmp, "host_key.pub")) as f:
        host_pub = f.read().strip()
    host_fp = subprocess.run(["ssh-keygen", "-lf", os.path.join(tmp, "host_key.pub")], stdout=subprocess.PIPE,
                             text=True).stdout.split()[1]
    return [SSHD, "-D", "-e", "-f", os.path.join(tmp, "sshd_config")], host_fp, host_pub


def run(argv, env=None, timeout=60, input=None):
    t0 = time.monotonic()
    p = subprocess.run(argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                       env=dict(os.environ, **(env or {})), timeout=timeout, input=input)
    return p, time.monotonic() - t0


def _attempt(sock, action, success, timeout):
    """Runs action(sock); returns (outcome, seconds): success, refused, timeout, unreachable."""
    sock.settimeout(timeout)
    t0 = time.monotonic()
    try:
        action(sock)
        r = success
    except ConnectionRefusedError:
        r = "refused"
    except socket.timeout:
        r = "timeout"
    except OSError as e:
        r = "unreachable" if e.errno in (113, 101) else f"errno {e.errno}"
    finally:
        sock.close()
    return r, time.monotonic() - t0


def tcp_connect(addr, port, timeout):
    """Returns (outcome, seconds): open, refused, timeout, unreachable."""
    return _attempt(socket.socket(socket.AF_INET, socket.SOCK_STREAM),
                    lambda s: s.connect((addr, port)), "open", timeout)


def dns_udp(server, name, qtype=33, timeout=1.0):
    """One UDP DNS query on a connected socket: (outcome, rcode, answers, seconds)."""
    qid = random.randrange(65536)
    q = struct.pack(">HHHHHH", qid, 0x0100, 1, 0, 0, 0)
    for label in name.split("."):
        q += bytes([len(label)]) + label.encode()
    q += b"\0" + struct.pack(">HH", qtype, 1)
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.settimeout(timeout)
    t0 = time.monotonic()
    try:
        s.connect((server, 53))
        s.send(q)
        while True:
            r = s.recv(4096)
            if len(r) >= 12 and struct.unpack(">H", r[:2])[0] == qid:
                flags, _, an = struct.unpack(">HHH", r[2:8])
                return "answer", flags & 0xF, an, time.monotonic() - t0
    except ConnectionRefusedError:
        return "refused", None, 0, time.monotonic() - t0
    except socket.timeout:
        return "timeout", None, 0, time.monotonic() - t0
    except OSError as e:
        return ("unreachable" if e.errno in (113, 101) else f"errno {e.errno}"), None, 0, \
            time.monotonic() - t0
    finally:
        s.close()


def ping(addr, timeout=1.0):
    def echo(s):
        s.connect((addr, 0))
        s.send(struct.pack(">BBHHH", 8, 0, 0, 0, 1) + b"failover-lab")
        s.recv(1024)
    return _attempt(socket.socket(socket.AF_INET, socket.SOCK_DGRAM, socket.IPPROTO_ICMP),
                    echo, "ok", timeout)


def kinit(principal, krb5_conf, ccache_dir, password=None, keytab=None, timeout=60):
    """kinit against the KDCs krb5_conf names; returns (ok, seconds, answering KDC, output)."""
    ccache = os.path.join(ccache_dir, f"cc-{random.randrange(1 << 30)}")
    trace = ccache + ".trace"
    argv = ["kinit", "-c", f"FILE:{ccache}"]
    argv += ["-k", "-t", keytab, principal] if keytab else [principal]
    p, secs = run(argv, env={"KRB5_CONFIG": krb5_conf, "KRB5_TRACE": trace}, timeout=timeout,
                  input=(password + "\n") if password else None)
    kdc = None
    try:
        with open(trace) as f:
            for line in f:
                if "Received answer" in line and " from " in line:
                    kdc = line.split(" from ")[1].split()[-1].rsplit(":", 1)[0]
        os.unlink(trace)
    except OSError:
        pass
    ok = p.returncode == 0 and os.path.exists(ccache)
    if ok:
        k, _ = run(["klist", "-c", f"FILE:{ccache}"])
        ok = "krbtgt/" in k.stdout
    for f in (ccache,):
        try:
            os.unlink(f)
        except OSError:
            pass
    return ok, secs, kdc, (p.stdout + p.stderr).strip()


def ms(secs):
    return f"{secs * 1000:.1f} ms"
