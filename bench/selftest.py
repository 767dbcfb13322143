#!/usr/bin/env python3
"""Check bench/report.py on made-up raw results (no namespaces, no root).

usage: bench/selftest.py     prints 'N passed, N failed'; exit 1 on a failure
"""
import csv
import json
import os
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
HZ = os.sysconf("SC_CLK_TCK")


def write(path, text):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w", encoding="utf-8") as f:
        f.write(text)


def tcp_json(gbps, secs=10.0):
    recv = {"seconds": secs, "bits_per_second": gbps * 1e9,
            "bytes": int(gbps * 1e9 * secs / 8)}
    return json.dumps({"end": {"sum_received": recv}})


def udp_json(pps, secs=10.0):
    recv = {"seconds": secs, "bytes": int(pps * secs * 64),
            "bits_per_second": pps * 64 * 8, "lost_percent": 5.0}
    return json.dumps({"end": {"sum_received": recv}})


def make_case(raw, name, label, gbps_rounds, pps, cpu_s, pings, pids="1 2",
              drops=0):
    """gbps_rounds: per round, the same Gbit/s for every TCP test."""
    d = os.path.join(raw, name)
    write(os.path.join(d, "label"), label)
    write(os.path.join(d, "status"), "ok")
    write(os.path.join(d, "pids"), pids)
    write(os.path.join(d, "mtu"), "1500")
    write(os.path.join(d, "ping.txt"), "".join(
        "64 bytes from 198.19.1.1: icmp_seq=%d ttl=64 time=%s ms\n" % (i, t)
        for i, t in enumerate(pings)))
    for r, g in enumerate(gbps_rounds, 1):
        for t in ("tcp1_up", "tcp1_down", "tcp4_up", "tcp4_down"):
            write(os.path.join(d, "%s.r%d.json" % (t, r)), tcp_json(g))
            write(os.path.join(d, "%s.r%d.cputicks" % (t, r)),
                  str(int(cpu_s * HZ)))
            write(os.path.join(d, "%s.r%d.systicks" % (t, r)),
                  str(int(2 * cpu_s * HZ)))
        write(os.path.join(d, "udp64.r%d.json" % r), udp_json(pps))
        write(os.path.join(d, "udp64.r%d.cputicks" % r), "0")
        write(os.path.join(d, "udp64.r%d.sockdrops" % r), str(drops))


def build(raw):
    write(os.path.join(raw, "meta"),
          "date=2000-01-01 00:00 UTC\nkernel=k\ncpu=c\nnproc=2\nseconds=10\n"
          "repeat=3\nload=0 0 0\nload_after=0 0 0\n"
          "aead_speed=AES-256-GCM 1400 2.000 2.000 700 700\n"
          "aead_speed_openssl=AES-256-GCM 1400 1.000 1.000 1400 1400 openssl\n"
          "cases=veth openvpn wggo25 dcocli dcocli_none dcod\n")
    make_case(raw, "veth", "bare veth", [10, 20, 30], 300000, 0,
              [0.05] * 3, pids="")
    make_case(raw, "openvpn", "OpenVPN 2.6", [0.4, 0.5, 0.9], 40000, 5,
              [0.2, 0.2, 0.2])
    # wireguard-go 2025: median 2.5 Gbit/s, so dcovpn-cli's 6 is 2.40x
    make_case(raw, "wggo25", "wireguard-go 2025", [2, 2.5, 3], 90000, 2,
              [0.2] * 3)
    # Median round 2: 6 Gbit/s, 12x OpenVPN's 0.5, 0.3x veth's 20.
    # 700,000 drops at iperf3's socket in 10 s: 70,000 pkt/s more delivered
    make_case(raw, "dcocli", "dcovpn-cli", [1, 6, 7], 130000, 1,
              [0.1, 0.1, 5.0], drops=700000)
    # No cipher: 8 Gbit/s; with 2 x 0.5 s/GB of crypto over 2 CPUs the
    # estimate is 8 / (8/8 + 0.5) = 5.33 Gbit/s.
    make_case(raw, "dcocli_none", "dcovpn-cli none", [8, 8, 8], 100000, 1,
              [0.1] * 3)
    write(os.path.join(raw, "dcod", "label"), "dcovpn daemon")
    write(os.path.join(raw, "dcod", "status"), "not built (x missing)")
    # A failed round: error JSON, must be ignored but reported.
    write(os.path.join(raw, "openvpn", "tcp1_up.r4.json"),
          json.dumps({"error": "unable to connect"}))
    write(os.path.join(raw, "openvpn", "tcp1_up.r4.cputicks"), "0")


def main():
    results = []

    def check(name, cond):
        results.append(cond)
        print("%s %s" % ("ok  " if cond else "FAIL", name))

    with tempfile.TemporaryDirectory() as out:
        raw = os.path.join(out, "raw")
        build(raw)
        res = subprocess.run([sys.executable, os.path.join(HERE, "report.py"),
                              out], capture_output=True, text=True)
        text = res.stdout
        check("report.py exits 0", res.returncode == 0)
        rows = {}
        try:
            with open(os.path.join(out, "results.csv"), encoding="utf-8") as f:
                rows = {r["tunnel"]: r for r in csv.DictReader(f)}
        except OSError:
            pass
        d, o = rows.get("dcovpn-cli", {}), rows.get("OpenVPN 2.6", {})

        def num(row, key):
            try:
                return float(row.get(key, ""))
            except ValueError:
                return float("nan")

        check("median round picked", abs(num(d, "tcp1_up_gbps") - 6) < 1e-6)
        check("ratio to OpenVPN", abs(num(d, "tcp1_up_gbps_x_openvpn") - 12) < 1e-6)
        check("ratio to veth", abs(num(d, "tcp1_up_gbps_x_veth") - 0.3) < 1e-6)
        check("min/max kept", num(d, "tcp1_up_min") == 1 and num(d, "tcp1_up_max") == 7)
        # dcovpn: 4 tests x 3 rounds x 1 s over 4 x (1+6+7) Gbit/s x 10 s / 8.
        gb = 4 * (1 + 6 + 7) * 10 / 8
        check("CPU s per GB pools all rounds",
              abs(num(d, "cpu_s_per_gb") - 12 / gb) < 1e-3)
        check("machine CPU s per GB",
              abs(num(d, "sys_cpu_s_per_gb") - 24 / gb) < 1e-3)
        check("pps from bytes / 64", abs(num(d, "udp64_rx_pps") - 130000) < 1)
        check("delivered = received + socket drops",
              abs(num(d, "udp64_deliv_pps") - 200000) < 1)
        check("delivered target",
              "[PASS] UDP 64 B packets delivered to the receiving host >= 3x"
              " OpenVPN: 5.00x" in text)
        check("ping p50 and max", num(d, "ping_p50_ms") == 0.1 and
              num(d, "ping_max_ms") == 5.0)
        check("failed round reported", "unable to connect" in text)
        check("failed round not counted", num(o, "tcp1_up_runs") == 3)
        check("not built row kept",
              rows.get("dcovpn daemon", {}).get("status", "").startswith("not built"))
        check("bare veth CPU is n/a", rows.get("bare veth", {}).get("cpu_s_per_gb") == "")
        check("target 10x passes", "[PASS] TCP x1 up >= 10x OpenVPN: 12.00x" in text)
        check("target 0.4x veth fails", "[FAIL] TCP x1 up >= 0.4x bare veth: 0.30x" in text)
        check("target UDP 3x passes",
              "[PASS] UDP 64 B packet rate >= 3x OpenVPN: 3.25x" in text)
        check("ping target on p50", "[PASS] ping p50 <= OpenVPN: 0.50x" in text)
        check("ceiling from the no-crypto path and the AEAD speed",
              "no-crypto path 8.00 Gbit/s -> with crypto at most 5.33 Gbit/s;"
              " measured dcovpn-cli 6.00 (112% of it)" in text)
        # 10x OpenVPN's 0.5 = 5 Gbit/s: 8/5 - 0.5 = 1.1 s/GB left, 7.27 Gbit/s
        check("what 10x OpenVPN would need of the no-crypto path",
              "needs the no-crypto path at 7.27 Gbit/s (0.36x bare veth;"
              " it runs at 0.40x)" in text)
        check("no target lines for the no-cipher case",
              "Targets (issue 12), dcovpn-cli none" not in text)
        check("target 3x wireguard-go 2025 fails",
              "[FAIL] TCP x1 up >= 3x wireguard-go 2025: 2.40x" in text)
        check("ratio row to wireguard-go 2025",
              "dcovpn-cli / wireguard-go 2025" in text)
        check("crypto stage target (0.5 s/GB > 0.1)",
              "target <= 0.1 s per GB: FAIL" in text)
        check("per-backend AEAD speed listed",
              "aead-speed, backend openssl: AES-256-GCM 1400 1.000" in text)
        check("markdown written",
              "| dcovpn-cli | 6.00 Gbit/s" in open(os.path.join(out, "results.md")).read())
    failed = results.count(False)
    print("%d passed, %d failed" % (len(results) - failed, failed))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
