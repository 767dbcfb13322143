#!/usr/bin/env python3
"""Turn bench/run.sh's raw results into a table, CSV, markdown and a PNG.

usage: report.py OUT_DIR    (reads OUT_DIR/raw, writes OUT_DIR/results.*)

Standard library only; the PNG is drawn by gnuplot when it is installed.
"""
import csv
import json
import os
import shutil
import statistics
import subprocess
import sys

TCP_TESTS = ["tcp1_up", "tcp1_down", "tcp4_up", "tcp4_down"]
TCP_TITLES = {
    "tcp1_up": "TCP x1 up",
    "tcp1_down": "TCP x1 down",
    "tcp4_up": "TCP x4 up",
    "tcp4_down": "TCP x4 down",
}
UDP_LEN = 64
DCOVPN = ("dcocli", "dcocli_ossl", "dcod", "dcocli_tcp", "dcod_ovpn")


def read(path, default=""):
    try:
        with open(path, encoding="utf-8", errors="replace") as f:
            return f.read().strip()
    except OSError:
        return default


def read_meta(raw):
    meta = {}
    for line in read(os.path.join(raw, "meta")).splitlines():
        key, _, val = line.partition("=")
        meta[key] = val
    return meta


def iperf(case_dir, name):
    """(result dict or None, error text) of one iperf3 JSON file."""
    text = read(os.path.join(case_dir, name + ".json"))
    if not text:
        err = read(os.path.join(case_dir, name + ".err")) or "no output"
        return None, err.splitlines()[-1]
    try:
        doc = json.loads(text)
    except ValueError:
        return None, "unreadable iperf3 output"
    if doc.get("error"):
        return None, doc["error"]
    recv = doc.get("end", {}).get("sum_received")
    if not recv or not recv.get("seconds"):
        return None, "iperf3 reported nothing received"
    return recv, ""


def rounds(case_dir, test):
    """Result names of one test, in round order (test.r1, test.r2, ...)."""
    pre = test + ".r"
    found = []
    for f in os.listdir(case_dir):
        if f.startswith(pre) and f.endswith(".cputicks"):
            num = f[len(pre):-len(".cputicks")]
            if num.isdigit():
                found.append(int(num))
    return ["%s%d" % (pre, n) for n in sorted(found)]


def ping_stats(case_dir):
    times = []
    for line in read(os.path.join(case_dir, "ping.txt")).splitlines():
        pos = line.find("time=")
        if pos >= 0:
            times.append(float(line[pos + 5:].split()[0]))
    if not times:
        return None
    return {
        "avg": statistics.fmean(times),
        "p50": statistics.median(times),
        "max": max(times),
        "n": len(times),
    }


def load_case(raw, name, order):
    d = os.path.join(raw, name)
    hz = os.sysconf("SC_CLK_TCK")
    row = {
        "case": name,
        "order": order,
        "tunnel": read(os.path.join(d, "label"), name),
        "status": read(os.path.join(d, "status"), "not run"),
        "note": read(os.path.join(d, "note")),
        "mtu": read(os.path.join(d, "mtu")),
        "problems": read(os.path.join(d, "problems")),
        "has_procs": bool(read(os.path.join(d, "pids"))),
        "mixed": read(os.path.join(d, "mixed")),
        "dir": d,
        "errors": {},
    }
    if row["status"] != "ok":
        return row
    cpu_s = sys_s = 0.0
    tcp_bytes = 0
    delivered = []
    for t in TCP_TESTS + ["udp64"]:
        got = []
        for name in rounds(d, t):
            res, err = iperf(d, name)
            ticks = read(os.path.join(d, name + ".cputicks"), "")
            cpu = int(ticks) / hz if ticks.isdigit() else 0.0
            ticks = read(os.path.join(d, name + ".systicks"), "")
            sys_cpu = int(ticks) / hz if ticks.isdigit() else 0.0
            if res is None:
                row["errors"][name] = err
                continue
            if t == "udp64":
                value = res["bytes"] / UDP_LEN / res["seconds"]
                drops = read(os.path.join(d, name + ".sockdrops"), "")
                if drops.lstrip("-").isdigit() and int(drops) >= 0:
                    delivered.append(value + int(drops) / res["seconds"])
            else:
                value = res["bits_per_second"] / 1e9
                tcp_bytes += res["bytes"]
                cpu_s += cpu
                sys_s += sys_cpu
            got.append((value, res, cpu))
        if not got:
            continue
        got.sort(key=lambda g: g[0])
        value, res, cpu = got[(len(got) - 1) // 2]   # the median round
        row[t + "_cpu_s"] = cpu
        row[t + "_runs"] = len(got)
        row[t + "_min"] = got[0][0]
        row[t + "_max"] = got[-1][0]
        if t == "udp64":
            row["udp64_rx_pps"] = value
            row["udp64_loss_pct"] = res.get("lost_percent")
        else:
            row[t + "_gbps"] = value
    if delivered:   # the lower median, as the median round above
        row["udp64_deliv_pps"] = statistics.median_low(delivered)
    # CPU per GB pools every round: the steadiest estimate of a ratio.
    if row["has_procs"] and tcp_bytes:
        row["cpu_s_tcp"] = cpu_s
        row["cpu_s_per_gb"] = cpu_s / (tcp_bytes / 1e9)
    if tcp_bytes and sys_s:
        row["sys_cpu_s_tcp"] = sys_s
        row["sys_cpu_s_per_gb"] = sys_s / (tcp_bytes / 1e9)
    row["tcp_gb"] = tcp_bytes / 1e9
    p = ping_stats(d)
    if p:
        row["ping_avg_ms"] = p["avg"]
        row["ping_p50_ms"] = p["p50"]
        row["ping_max_ms"] = p["max"]
        row["ping_replies"] = p["n"]
    return row


METRICS = [t + "_gbps" for t in TCP_TESTS] + ["udp64_rx_pps", "udp64_deliv_pps"]


def ratio(row, base, key):
    if not base or key not in row or not base.get(key):
        return None
    return row[key] / base[key]


def fmt(v, spec="{:.2f}", none="-"):
    return none if v is None else spec.format(v)


def print_table(rows, meta, out):
    w = out.write
    w("\n== dcovpn bench: %s, kernel %s, %s, %s CPUs, %s s per run, %s ==\n"
      % (meta.get("date"), meta.get("kernel"), meta.get("cpu"),
         meta.get("nproc"), meta.get("seconds"), rounds_text(meta)))
    w("   load average before %s, after %s (other work on the machine makes"
      " figures noisy)\n\n" % (meta.get("load"), meta.get("load_after")))
    head = ("%-18s %8s %8s %8s %8s %10s %10s %7s %7s %7s %8s %8s %5s\n"
            % ("tunnel", "TCP1 up", "TCP1 dn", "TCP4 up", "TCP4 dn",
               "UDP64 pps", "UDP64 pps", "ping", "p50", "max", "CPU s/GB",
               "sys s/GB", "MTU"))
    w(head)
    w("%-18s %8s %8s %8s %8s %10s %10s %7s %7s %7s %8s %8s\n"
      % ("", "Gbit/s", "Gbit/s", "Gbit/s", "Gbit/s", "received", "delivered",
         "avg ms", "ms", "ms", "tunnel", "machine"))
    w("-" * (len(head) - 1) + "\n")
    for r in rows:
        if r["status"] != "ok":
            w("%-18s %s\n" % (r["tunnel"], r["status"]))
            continue
        w("%-18s %8s %8s %8s %8s %10s %10s %7s %7s %7s %8s %8s %5s\n" % (
            r["tunnel"],
            *[fmt(r.get(t + "_gbps")) for t in TCP_TESTS],
            fmt(r.get("udp64_rx_pps"), "{:,.0f}"),
            fmt(r.get("udp64_deliv_pps"), "{:,.0f}"),
            fmt(r.get("ping_avg_ms"), "{:.3f}"),
            fmt(r.get("ping_p50_ms"), "{:.3f}"),
            fmt(r.get("ping_max_ms"), "{:.3f}"),
            fmt(r.get("cpu_s_per_gb"), "{:.2f}", "n/a"),
            fmt(r.get("sys_cpu_s_per_gb"), "{:.2f}"),
            r.get("mtu") or "?"))
    for r in rows:
        skipped = [t for t, e in r["errors"].items() if e.startswith("not run")]
        for t, e in r["errors"].items():
            if t not in skipped:
                w("  %s %s: %s\n" % (r["tunnel"], t, e))
        if skipped:
            w("  %s: %d later runs not run (%s ... %s): a tunnel process was"
              " gone\n" % (r["tunnel"], len(skipped), skipped[0], skipped[-1]))
        if r.get("problems"):
            w("  %s: %s\n" % (r["tunnel"], r["problems"].replace("\n", "; ")))

    base_v = find(rows, "veth")
    w("\nRatios (x = this tunnel / reference; higher is better except CPU"
      " and ping)\n")
    w("%-36s %8s %8s %8s %8s %8s %8s %8s %8s\n" % (
        "", "TCP1 up", "TCP1 dn", "TCP4 up", "TCP4 dn", "UDP64 rx",
        "UDP64 dl", "CPU/GB", "ping p50"))
    for r in rows:
        if r["status"] != "ok" or r["case"] == "veth":
            continue
        base_o = openvpn_for(rows, r)
        base_w = find(rows, "wggo25") if r["case"] in DCOVPN else None
        for label, base in (("/ " + (base_o or {}).get("tunnel", "OpenVPN"), base_o),
                            ("/ wireguard-go 2025", base_w),
                            ("/ bare veth", base_v)):
            if base is None or base is r:
                continue
            cells = [fmt(ratio(r, base, k), "{:.2f}x") for k in METRICS]
            cpu = ping = "-"
            if base is base_o:
                cpu = fmt(ratio(r, base, "cpu_s_per_gb"), "{:.2f}x")
                ping = fmt(ratio(r, base, "ping_p50_ms"), "{:.2f}x")
            w("%-36s %8s %8s %8s %8s %8s %8s %8s %8s\n"
              % (r["tunnel"] + " " + label, *cells, cpu, ping))
    for r in rows:
        if r["note"]:
            w("  %s: %s\n" % (r["tunnel"], r["note"]))
    print_profiles(rows, w)
    for r in rows:
        if r["case"] in DCOVPN and r["status"] == "ok" and r["mixed"]:
            w("\nTargets, %s: not checked (%s)\n" % (r["tunnel"], r["mixed"]))
        elif r["case"] in DCOVPN and r["status"] == "ok":
            w("\nTargets (issue 12), %s (against %s):\n"
              % (r["tunnel"], (openvpn_for(rows, r) or {}).get("tunnel", "no OpenVPN")))
            for ok, text in targets(r, openvpn_for(rows, r), base_v, rows):
                w("  [%s] %s\n" % (ok, text))
    lines = ceiling(rows, meta)
    if lines:
        w("\n" + "\n".join(lines) + "\n")
    w("\n")


def ceiling(rows, meta):
    """Lines of the ceiling estimate (bench/README.md): the tunnel without a
    cipher (dcocli_none) measures every stage but the crypto; the engine's
    AEAD speed on one CPU (aead-speed, in meta) gives the crypto's CPU time
    per byte, both ends' share spread over the machine's CPUs. Stages that
    share the CPUs add up: 1/max = 1/no-crypto + crypto time per GB."""
    none = find(rows, "dcocli_none")
    speed = meta.get("aead_speed", "").split()
    try:
        seal, opn = float(speed[2]), float(speed[3])
        ncpu = int(meta.get("nproc", "0"))
    except (IndexError, ValueError):
        return []
    if not none or seal <= 0 or opn <= 0 or ncpu <= 0:
        return []
    crypto = (1 / seal + 1 / opn) / ncpu  # wall seconds per GB (10^9 bytes)
    base_o, base_v = find(rows, "openvpn"), find(rows, "veth")
    out = ["Ceiling estimate, one TCP stream: the crypto (%s, %s-byte packets:"
           " seal %.2f GB/s, open %.2f GB/s per CPU, %d CPUs) costs %.3f s per"
           " GB on top of the no-crypto path (%s); target <= 0.1 s per GB: %s"
           % (speed[0], speed[1], seal, opn, ncpu, crypto, none["tunnel"],
              check(crypto, lambda v: v <= 0.1))]
    for key in sorted(k for k in meta if k.startswith("aead_speed_")):
        out.append("  aead-speed, backend %s: %s" % (key[len("aead_speed_"):], meta[key]))
    for t in ("tcp1_up", "tcp1_down"):
        r_none = none.get(t + "_gbps")
        if not r_none:
            continue
        r_max = 8 / (8 / r_none + crypto)
        got = ", ".join("%s %.2f (%.0f%% of it)" % (
            r["tunnel"], r[t + "_gbps"], 100 * r[t + "_gbps"] / r_max)
            for r in (find(rows, "dcocli"), find(rows, "dcod"))
            if r and r.get(t + "_gbps"))
        line = ("- %s: no-crypto path %.2f Gbit/s -> with crypto at most %.2f"
                " Gbit/s; measured %s" % (TCP_TITLES[t], r_none, r_max,
                                           got or "nothing"))
        if base_o and base_o.get(t + "_gbps"):
            need = 10 * base_o[t + "_gbps"]
            rest = 8 / need - crypto
            line += ". 10x OpenVPN (%.2f Gbit/s) needs " % need
            if rest <= 0:
                line += "more than the crypto alone allows"
            else:
                line += "the no-crypto path at %.2f Gbit/s" % (8 / rest)
                if base_v and base_v.get(t + "_gbps"):
                    line += " (%.2fx bare veth; it runs at %.2fx)" % (
                        8 / rest / base_v[t + "_gbps"],
                        r_none / base_v[t + "_gbps"])
        out.append(line)
    if base_o and none.get("udp64_rx_pps") and base_o.get("udp64_rx_pps"):
        out.append("- UDP 64 B: without any crypto iperf3 receives %s pkt/s"
                   " through the tunnel, %.2fx OpenVPN%s" % (
                       "{:,.0f}".format(none["udp64_rx_pps"]),
                       none["udp64_rx_pps"] / base_o["udp64_rx_pps"],
                       "; the tunnel delivers %s pkt/s to the receiving host"
                       % "{:,.0f}".format(none["udp64_deliv_pps"])
                       if none.get("udp64_deliv_pps") else ""))
    return out


def rounds_text(meta):
    n = meta.get("repeat", "1")
    return "1 round" if n == "1" else "median of %s rounds" % n


def print_profiles(rows, w, top=8):
    """Top symbols of each perf profile run.sh took (BENCH_PERF)."""
    for r in rows:
        d = r.get("dir", "")
        for name in ("tcp1_up", "tcp1_down"):
            path = os.path.join(d, "perf-%s.txt" % name)
            lines = [ln.strip() for ln in read(path).splitlines()
                     if ln.strip()[:1].isdigit() and "%" in ln]
            if not lines:
                continue
            w("\nperf, %s, %s (top %d of %s):\n" % (r["tunnel"], name, top, path))
            for ln in lines[:top]:
                w("  %s\n" % " ".join(ln.split()))


def find(rows, case):
    for r in rows:
        if r["case"] == case and r["status"] == "ok":
            return r
    return None


def openvpn_for(rows, r):
    """The OpenVPN row a tunnel is compared with: same transport if measured."""
    if r["case"].endswith("_tcp"):
        return find(rows, "openvpn_tcp") or find(rows, "openvpn")
    return find(rows, "openvpn")


def check(v, good):
    if v is None:
        return "n/a "
    return "PASS" if good(v) else "FAIL"


def targets(r, base_o, base_v, rows):
    out = []
    base_w = find(rows, "wggo25")
    cli = find(rows, "dcocli")
    for t in ("tcp1_up", "tcp1_down"):
        x = ratio(r, base_o, t + "_gbps")
        out.append((check(x, lambda v: v >= 10),
                    "%s >= 10x OpenVPN: %s" % (TCP_TITLES[t], fmt(x, "{:.2f}x"))))
        x = ratio(r, base_w, t + "_gbps")
        out.append((check(x, lambda v: v >= 3),
                    "%s >= 3x wireguard-go 2025: %s" % (TCP_TITLES[t], fmt(x, "{:.2f}x"))))
        if r["case"] == "dcod":
            x = ratio(r, cli, t + "_gbps")
            out.append((check(x, lambda v: v >= 0.95),
                        "%s daemon within 5%% of dcovpn-cli: %s"
                        % (TCP_TITLES[t], fmt(x, "{:.2f}x"))))
        x = ratio(r, base_v, t + "_gbps")
        out.append((check(x, lambda v: v >= 0.4),
                    "%s >= 0.4x bare veth: %s" % (TCP_TITLES[t], fmt(x, "{:.2f}x"))))
    x = ratio(r, base_o, "cpu_s_per_gb")
    out.append((check(x, lambda v: v <= 0.1),
                "CPU s/GB <= 0.1x OpenVPN: %s" % fmt(x, "{:.2f}x")))
    x = ratio(r, base_o, "ping_p50_ms")
    out.append((check(x, lambda v: v <= 1.0),
                "ping p50 <= OpenVPN: %s (avg %s)"
                % (fmt(x, "{:.2f}x"), fmt(ratio(r, base_o, "ping_avg_ms"), "{:.2f}x"))))
    for d in ("up", "down"):
        one, four = r.get("tcp1_%s_gbps" % d), r.get("tcp4_%s_gbps" % d)
        x = four / one if one and four is not None else None
        out.append((check(x, lambda v: v >= 1.0),
                    "TCP x4 %s >= TCP x1 %s: %s" % (d, d, fmt(x, "{:.2f}x"))))
    x = ratio(r, base_o, "udp64_rx_pps")
    out.append((check(x, lambda v: v >= 3),
                "UDP 64 B packet rate >= 3x OpenVPN: %s" % fmt(x, "{:.2f}x")))
    x = ratio(r, base_o, "udp64_deliv_pps")
    out.append((check(x, lambda v: v >= 3),
                "UDP 64 B packets delivered to the receiving host >= 3x"
                " OpenVPN: %s" % fmt(x, "{:.2f}x")))
    return out


CSV_COLS = [
    "tunnel", "status", "mtu",
    "tcp1_up_gbps", "tcp1_down_gbps", "tcp4_up_gbps", "tcp4_down_gbps",
    "udp64_rx_pps", "udp64_deliv_pps", "udp64_loss_pct",
    "ping_avg_ms", "ping_p50_ms", "ping_max_ms", "ping_replies",
    "cpu_s_tcp", "tcp_gb", "cpu_s_per_gb", "sys_cpu_s_tcp", "sys_cpu_s_per_gb",
    "tcp1_up_cpu_s", "tcp1_down_cpu_s", "tcp4_up_cpu_s", "tcp4_down_cpu_s",
    "udp64_cpu_s",
] + ["%s_%s" % (t, k) for t in TCP_TESTS + ["udp64"]
     for k in ("runs", "min", "max")]


def write_csv(rows, meta, path):
    base_v = find(rows, "veth")
    cols = CSV_COLS + [m + "_x_openvpn" for m in METRICS] + \
        [m + "_x_veth" for m in METRICS] + \
        ["cpu_s_per_gb_x_openvpn", "ping_avg_x_openvpn", "ping_p50_x_openvpn",
         "date", "kernel", "cpu", "nproc", "seconds", "repeat", "note"]
    with open(path, "w", newline="", encoding="utf-8") as f:
        wr = csv.writer(f)
        wr.writerow(cols)
        for r in rows:
            rec = dict(r)
            base_o = openvpn_for(rows, r)
            for m in METRICS:
                rec[m + "_x_openvpn"] = ratio(r, base_o, m)
                rec[m + "_x_veth"] = ratio(r, base_v, m)
            rec["cpu_s_per_gb_x_openvpn"] = ratio(r, base_o, "cpu_s_per_gb")
            rec["ping_avg_x_openvpn"] = ratio(r, base_o, "ping_avg_ms")
            rec["ping_p50_x_openvpn"] = ratio(r, base_o, "ping_p50_ms")
            for k in ("date", "kernel", "cpu", "nproc", "seconds", "repeat"):
                rec[k] = meta.get(k, "")
            wr.writerow([num(rec.get(c)) for c in cols])


def num(v):
    if isinstance(v, float):
        return "%.6g" % v
    return "" if v is None else v


def write_md(rows, meta, path):
    base_v = find(rows, "veth")
    lines = [
        "Measured %s on Linux %s, %s, %s CPUs; %s s per iperf3 run, %s; "
        "both tunnel ends in network namespaces of the same machine, joined by "
        "a veth pair. Load average before/after: %s / %s."
        % (meta.get("date"), meta.get("kernel"), meta.get("cpu"),
           meta.get("nproc"), meta.get("seconds"), rounds_text(meta),
           meta.get("load"), meta.get("load_after")),
        "",
        "| tunnel | TCP x1 up | TCP x1 down | TCP x4 up | TCP x4 down "
        "| UDP 64 B rx pkt/s | delivered pkt/s | ping avg / p50 / max ms "
        "| CPU s per GB | TCP x1 up/down vs OpenVPN | vs bare veth |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for r in rows:
        if r["status"] != "ok":
            lines.append("| %s | %s |  |  |  |  |  |  |  |  |  |"
                         % (r["tunnel"], r["status"].replace("|", "/")))
            continue
        base_o = openvpn_for(rows, r)
        ro = "%s / %s" % (fmt(ratio(r, base_o, "tcp1_up_gbps"), "{:.2f}x"),
                          fmt(ratio(r, base_o, "tcp1_down_gbps"), "{:.2f}x"))
        rv = "%s / %s" % (fmt(ratio(r, base_v, "tcp1_up_gbps"), "{:.2f}x"),
                          fmt(ratio(r, base_v, "tcp1_down_gbps"), "{:.2f}x"))
        lines.append("| %s | %s | %s | %s | %s | %s | %s | %s / %s / %s | %s | %s | %s |" % (
            r["tunnel"],
            *[fmt(r.get(t + "_gbps"), "{:.2f} Gbit/s") for t in TCP_TESTS],
            fmt(r.get("udp64_rx_pps"), "{:,.0f}"),
            fmt(r.get("udp64_deliv_pps"), "{:,.0f}"),
            fmt(r.get("ping_avg_ms"), "{:.3f}"),
            fmt(r.get("ping_p50_ms"), "{:.3f}"),
            fmt(r.get("ping_max_ms"), "{:.3f}"),
            fmt(r.get("cpu_s_per_gb"), "{:.2f}", "n/a"), ro, rv))
    lines.append("")
    for r in rows:
        if r["note"]:
            lines.append("- %s: %s" % (r["tunnel"], r["note"]))
        if r.get("problems"):
            lines.append("- %s: **%s**; its later runs were skipped, so its"
                         " figures come from fewer rounds" % (
                             r["tunnel"],
                             r["problems"].split(" (logs in")[0].replace("\n", "; ")))
    ceil = ceiling(rows, meta)
    if ceil:
        lines += [""] + ceil
    lines += ["", "![throughput per tunnel](results.png)", ""]
    with open(path, "w", encoding="utf-8") as f:
        f.write("\n".join(lines))


def write_png(rows, meta, out_dir):
    if not shutil.which("gnuplot"):
        return "gnuplot not installed: no PNG"
    ok = [r for r in rows if r["status"] == "ok"]
    if not ok:
        return "nothing measured: no PNG"
    dat = os.path.join(out_dir, "results.dat")
    with open(dat, "w", encoding="utf-8") as f:
        f.write("# tunnel tcp1_up tcp1_down tcp4_up tcp4_down udp64_kpps\n")
        for r in ok:
            vals = [r.get(t + "_gbps") or 0 for t in TCP_TESTS]
            vals.append((r.get("udp64_rx_pps") or 0) / 1e3)
            name = r["tunnel"] + (" (died)" if r.get("problems") else "") + \
                (" *" if r.get("mixed") else "")
            f.write('"%s" %s\n' % (name, " ".join("%.4f" % v for v in vals)))
    missing = ", ".join("%s: %s" % (r["tunnel"], r["status"])
                        for r in rows if r["status"] != "ok")
    mixed = "; ".join("* %s: %s" % (r["tunnel"], r["mixed"]) for r in ok if r.get("mixed"))
    title = "dcovpn bench, %s, %s, %s CPUs, kernel %s" % (
        meta.get("date"), meta.get("cpu"), meta.get("nproc"), meta.get("kernel"))
    script = GNUPLOT % {
        "png": os.path.join(out_dir, "results.png"), "dat": dat,
        "xmax": len(ok) - 0.4,
        "width": max(1500, 700 + 170 * len(ok)),
        "title": title.replace('"', "'"),
        "foot": "   ".join(x for x in (mixed, "not measured: " + missing if missing else "")
                           if x).replace('"', "'"),
    }
    gp = os.path.join(out_dir, "results.gp")
    with open(gp, "w", encoding="utf-8") as f:
        f.write(script)
    res = subprocess.run(["gnuplot", gp], capture_output=True, text=True)
    if res.returncode != 0:
        return "gnuplot failed: " + res.stderr.strip().splitlines()[-1]
    return ""


# Clustered bars: 4 bars per tunnel, each 1/(4+gap) wide; value on top.
GNUPLOT = r"""
set terminal pngcairo size %(width)d,680 font "sans,11"
set output "%(png)s"
set multiplot title "%(title)s" font ",12"
set style data histograms
set style histogram clustered gap 1
set style fill solid 0.85 border -1
set boxwidth 0.9
set key above horizontal
set grid ytics
set yrange [0:*]
set offsets 0,0,graph 0.12,0
set xtics nomirror
set xrange [-0.6:%(xmax)s]
set lmargin 10
set bmargin 5
set label 1 "%(foot)s" at screen 0.01,0.02 font ",10"
set size 0.68,0.92
set origin 0,0.04
set title "iperf3 TCP throughput through the tunnel (Gbit/s, higher is better)"
set ylabel "Gbit/s"
plot "%(dat)s" using 2:xtic(1) title "1 stream, up" lc rgb "#1f77b4", \
     "" using 3 title "1 stream, down" lc rgb "#aec7e8", \
     "" using 4 title "4 streams, up" lc rgb "#2ca02c", \
     "" using 5 title "4 streams, down" lc rgb "#98df8a", \
     "" using ($0-0.3):2:(sprintf("%%.2f",$2)) with labels offset 0,0.7 font ",9" notitle, \
     "" using ($0-0.1):3:(sprintf("%%.2f",$3)) with labels offset 0,0.7 font ",9" notitle, \
     "" using ($0+0.1):4:(sprintf("%%.2f",$4)) with labels offset 0,0.7 font ",9" notitle, \
     "" using ($0+0.3):5:(sprintf("%%.2f",$5)) with labels offset 0,0.7 font ",9" notitle
unset label 1
set size 0.32,0.92
set origin 0.68,0.04
set key off
set xtics rotate by 30 right
set rmargin 6
set title "UDP, 64-byte packets received (thousand/s)"
set ylabel "kpps"
plot "%(dat)s" using 6:xtic(1) lc rgb "#ff7f0e", \
     "" using ($0):6:(sprintf("%%.0f",$6)) with labels offset 0,0.7 font ",9" notitle
unset multiplot
"""


def main():
    if len(sys.argv) != 2:
        sys.stderr.write(__doc__)
        return 2
    out_dir = sys.argv[1]
    raw = os.path.join(out_dir, "raw")
    meta = read_meta(raw)
    cases = meta.get("cases", "").split() or sorted(
        e for e in os.listdir(raw) if os.path.isdir(os.path.join(raw, e)))
    rows = [load_case(raw, c, i) for i, c in enumerate(cases)
            if os.path.isdir(os.path.join(raw, c))]
    print_table(rows, meta, sys.stdout)
    write_csv(rows, meta, os.path.join(out_dir, "results.csv"))
    write_md(rows, meta, os.path.join(out_dir, "results.md"))
    err = write_png(rows, meta, out_dir)
    print("wrote %s/results.csv, results.md%s"
          % (out_dir, ", results.png" if not err else " (" + err + ")"))
    return 0


if __name__ == "__main__":
    sys.exit(main())
