#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
#
# Benchmark: one full probe round against the healthy sandbox, versus gathering the same facts
# with the command-line pipeline a user would script (dig ×2, net ads lookup ×2, ldapsearch ×2,
# kinit ×2, TCP 445 ×2), in the same run. Prints both and the ratio. Asserts nothing.

import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.realpath(__file__)), "..", "lab"))
import labtap  # noqa: E402

labtap.enter_client_namespace(os.environ.get("FL_SANDBOX_ID"))
st = labtap.status(os.environ.get("FL_SANDBOX_ID"))
state = st["state_dir"]
client = os.path.join(state, "client")
password_file = os.path.join(client, "user01.password")
with open(password_file) as f:
    password = f.read().strip()
domain = st["domain"]
realm = st["realm"]
dcs = st["controllers"][:2]
bench = os.environ["FL_BENCH_ROUND"]
tmp = tempfile.mkdtemp()
smbconf = os.path.join(tmp, "smb.conf")
with open(smbconf, "w") as f:
    f.write(f"[global]\n\tworkgroup = {st['netbios']}\n\trealm = {realm}\n"
            f"\tsecurity = ads\n\tclient ldap sasl wrapping = plain\n")


def pipeline():
    t0 = time.monotonic()
    for d in dcs:
        a = d["address"]
        subprocess.run(["dig", "+time=1", "+tries=1", f"@{a}", "SRV",
                        f"_ldap._tcp.dc._msdcs.{domain}"], stdout=subprocess.DEVNULL)
        subprocess.run(["net", "-s", smbconf, "ads", "lookup", "-S", a], stdout=subprocess.DEVNULL,
                       stderr=subprocess.DEVNULL)
        subprocess.run(["ldapsearch", "-x", "-LLL", "-H", f"ldap://{a}", "-b", "", "-s", "base",
                        "dnsHostName"], stdout=subprocess.DEVNULL)
        cc = os.path.join(tmp, "cc")
        subprocess.run(["kinit", "-c", f"FILE:{cc}", f"user01@{realm}"], input=password + "\n",
                       text=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                       env=dict(os.environ, KRB5_CONFIG=os.path.join(client, f"krb5-{d['name'].lower()}.conf")))
        s = socket.create_connection((a, 445), timeout=2)
        s.close()
    return time.monotonic() - t0


pipe = [pipeline() for _ in range(5)]
p = subprocess.run([bench, st["lab_file"], password_file, "50"], stdout=subprocess.PIPE, text=True)
full = p.stdout.strip()
p2 = subprocess.run([bench, st["lab_file"], password_file, "50"], stdout=subprocess.PIPE, text=True,
                    env=dict(os.environ, BENCH_DC_CHECKS_ONLY="1"))
dc_only = p2.stdout.strip()
p3 = subprocess.run([bench, st["lab_file"], password_file, "50"], stdout=subprocess.PIPE, text=True,
                    env=dict(os.environ, BENCH_NO_KERBEROS="1"))
no_krb = p3.stdout.strip()
p4 = subprocess.run([bench, st["lab_file"], password_file, "50"], stdout=subprocess.PIPE, text=True,
                    env=dict(os.environ, BENCH_PIPELINE_EQUIVALENT="1"))
equiv = p4.stdout.strip()
median_pipe = statistics.median(pipe)
round_ms = float(full.split("median ")[1].split(" ms")[0])
dc_ms = float(dc_only.split("median ")[1].split(" ms")[0])
print(f"pipeline (dig, net ads lookup, ldapsearch, kinit, TCP 445; x2 DCs): median "
      f"{median_pipe * 1000:.0f} ms over {len(pipe)} runs")
print(f"failoverctl library, full round (every check incl. locator and kdc_view): {full}")
print(f"failoverctl library, per-DC checks only: {dc_only}")
print(f"failoverctl library, round without the Kerberos checks: {no_krb}")
print(f"failoverctl library, the pipeline's facts only (dns, ldap_ping, ldap, kerberos, smb): {equiv}")
eq_ms = float(equiv.split("median ")[1].split(" ms")[0])
print(f"ratio pipeline / full round: {median_pipe * 1000 / round_ms:.1f}x; "
      f"pipeline / per-DC round: {median_pipe * 1000 / dc_ms:.1f}x; "
      f"pipeline / same facts: {median_pipe * 1000 / eq_ms:.1f}x")

