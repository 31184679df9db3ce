#!/usr/bin/env python3
"""Turns the TSVs bench/run.sh wrote into bench/RESULTS.md (or SOAK.md with --soak) and prints it.

Usage: report.py WORKDIR OUT.md | report.py --soak WORKDIR OUT.md | report.py tcp WORKDIR OUT.md
(tcp replaces only the TCP section of OUT.md; a full run keeps that section.)
Medians over rounds; every ratio is against the gateway pass-through measured in the same run.
"""
import os
import statistics
import sys
from collections import defaultdict

LABELS = {
    "gateway": "gateway pass-through",
    "httpcall": "gateway + http-call",
    "base": "gateway at the base commit",
    "base2": "gateway at the second base commit",
    "gen0": "gateway, gen0 budget 64 MiB",
    "server": "gateway, server GC",
    "aot": "gateway Native AOT",
    "aotgen0": "gateway Native AOT, gen0 budget 64 MiB",
    "yarp": "plain YARP",
    "nginx": "nginx proxy",
    "haproxy": "HAProxy",
    "direct": "upstream direct",
}
SCEN = {"get": "GET small", "16k": "GET 16 KiB", "post": "POST 1 KiB"}


def read_tsv(path):
    if not os.path.exists(path):
        return []
    with open(path) as f:
        return [line.rstrip("\n").split("\t") for line in f if line.strip()]


def med(values):
    return statistics.median(values) if values else float("nan")


def ratio(a, b):
    return a / b if b else float("nan")


def fmt_alloc(v):
    return "-" if v != v else f"{v:,.0f}"


def fmt_gcs(rows):
    if any(r[7] < 0 for r in rows):
        return "-"
    return f"{sum(r[7] for r in rows)}/{sum(r[8] for r in rows)}"


def machine_section(work):
    rows = read_tsv(os.path.join(work, "machine.tsv"))
    out = ["## Machine", "", "| | |", "|---|---|"]
    out += [f"| {k} | {v} |" for k, v in rows]
    return out


def full(work, dest):
    load = read_tsv(os.path.join(work, "load.tsv"))
    cells = defaultdict(lambda: defaultdict(list))  # (scen, conns) -> proxy -> [rows]
    order, scen_order = [], []
    for scen, conns, proxy, _round, rps, p50, p99, err, cpu, rss, *alloc in load:
        bytes_per_req = float(alloc[0]) if alloc and alloc[0] != "-" else float("nan")
        gen0 = int(alloc[1]) if len(alloc) > 1 and alloc[1] != "-" else -1
        gen2 = int(alloc[2]) if len(alloc) > 2 and alloc[2] != "-" else -1
        cells[(scen, int(conns))][proxy].append((float(rps), int(p50), int(p99), int(err), float(cpu), int(rss), bytes_per_req, gen0, gen2))
        if proxy not in order:
            order.append(proxy)
        if (scen, int(conns)) not in scen_order:
            scen_order.append((scen, int(conns)))

    def m(scen, conns, proxy, i):
        rows = cells[(scen, conns)].get(proxy, [])
        return med([r[i] for r in rows]) if rows else float("nan")

    notes = open(os.path.join(work, "notes.txt")).read().strip() if os.path.exists(os.path.join(work, "notes.txt")) else ""
    md = ["# Benchmark results", "",
          "Produced by `bench/run.sh` (see bench/README.md). **Ratios, not absolute numbers, are what to compare "
          "across machines.** wrk, the upstream nginx and the proxy under test share the same cores "
          "(load generator and proxy on one machine), so absolute requests/s are far below what a dedicated "
          "machine gives, and a proxy that burns less CPU per request leaves more for wrk and the upstream.", ""]
    md += machine_section(work) + [""]
    if notes:
        md += [f"**Note:** {notes}", ""]

    # Ratio summary.
    md += ["## Requests/s against the gateway pass-through (X / gateway, same run, median of rounds)", ""]
    header = "| proxy | " + " | ".join(f"{SCEN[s]} @{c}" for s, c in scen_order) + " |"
    md += [header, "|---" * (len(scen_order) + 1) + "|"]
    for p in order:
        cols = []
        for s, c in scen_order:
            v, g = m(s, c, p, 0), m(s, c, "gateway", 0)
            cols.append(f"{ratio(v, g):.2f}x ({v:,.0f})")
        md.append(f"| {LABELS.get(p, p)} | " + " | ".join(cols) + " |")
    md.append("")

    # Detail per scenario.
    md += ["## Detail (medians)", "",
           "CPU µs/req: CPU time the proxy process tree used (user+system from /proc) divided by the requests "
           "it served: what each request costs the proxy itself, the least machine-dependent figure here. "
           "Alloc B/req and GCs (gen0/gen2, summed over rounds): managed allocations per request and collections, "
           "read through bench/AllocProbe (a startup hook) in the .NET proxies.", ""]
    for s, c in scen_order:
        md += [f"### {SCEN[s]}, {c} connections", "",
               "| proxy | req/s | vs gateway | p50 ms | p99 ms | errors | CPU µs/req | alloc B/req | GCs gen0/gen2 |",
               "|---|---|---|---|---|---|---|---|---|"]
        g = m(s, c, "gateway", 0)
        for p in order:
            rows = cells[(s, c)].get(p)
            if not rows:
                continue
            md.append(f"| {LABELS.get(p, p)} | {m(s, c, p, 0):,.0f} | {ratio(m(s, c, p, 0), g):.2f}x | "
                      f"{m(s, c, p, 1) / 1000:.2f} | {m(s, c, p, 2) / 1000:.2f} | {sum(r[3] for r in rows)} | "
                      f"{m(s, c, p, 4):.0f} | {fmt_alloc(m(s, c, p, 6))} | {fmt_gcs(rows)} |")
        md.append("")

    # RSS at load.
    rss_key = ("get", 32) if ("get", 32) in cells else (scen_order[0] if scen_order else None)
    rss = {}
    if rss_key:
        md += [f"## RSS at load ({SCEN[rss_key[0]]}, {rss_key[1]} connections; peak VmRSS during each round, median)", "",
               "nginx and HAProxy figures add up the master and every worker (shared pages counted in each).", "",
               "| proxy | RSS MiB | vs gateway |", "|---|---|---|"]
        for p in order:
            if p == "direct":
                continue
            rss[p] = m(*rss_key, p, 5) / 1024
        for p, v in rss.items():
            md.append(f"| {LABELS.get(p, p)} | {v:.1f} | {ratio(v, rss.get('gateway', float('nan'))):.2f}x |")
        md.append("")

    # RSS once started (1 s after the first 200, no load yet).
    rs0 = read_tsv(os.path.join(work, "rss_start.tsv"))
    if rs0:
        md += ["## RSS after start (1 s after the first 200, before load)", "", "| proxy | RSS MiB |", "|---|---|"]
        md += [f"| {LABELS.get(p, p)} | {int(kb) / 1024:.1f} |" for p, kb in rs0]
        md.append("")

    # Start-up.
    st = defaultdict(list)
    for proxy, _r, ms in read_tsv(os.path.join(work, "startup.tsv")):
        st[proxy].append(float(ms))
    if st:
        md += ["## Start-up: process launch to first proxied 200 (`dotnet X.dll`, median)", "",
               "| proxy | runs (ms) | median ms | vs gateway |", "|---|---|---|---|"]
        for p, v in st.items():
            md.append(f"| {LABELS.get(p, p)} | {', '.join(f'{x:.0f}' for x in v)} | {med(v):.0f} | {ratio(med(v), med(st['gateway'])):.2f}x |")
        md.append("")

    # Routing cost.
    rt = defaultdict(lambda: defaultdict(list))
    for n, kind, _r, v in read_tsv(os.path.join(work, "routes.tsv")):
        rt[int(n)][kind].append(float(v))
    if rt:
        base = min(rt)
        md += ["## Routing cost as the config grows (hit route last: worst case for a first-match scan)", "",
               "validate: wall time of `dotnet Gateway.dll --mode validate -c FILE` (includes runtime start); "
               "start-up: launch to first proxied 200; req/s: GET /get at 32 connections.", "",
               "| routes | validate ms | start-up ms | req/s | vs " + str(base) + " routes |", "|---|---|---|---|---|"]
        for n in sorted(rt):
            d = rt[n]
            md.append(f"| {n:,} | {med(d['validate']):.0f} | {med(d['startup']):.0f} | {med(d['rps']):,.0f} | "
                      f"{ratio(med(d['rps']), med(rt[base]['rps'])):.2f}x |")
        md.append("")

    # Targets from issue 6.
    def get(s, c, p):
        return m(s, c, p, 0) if p in cells[(s, c)] else float("nan")

    md += ["## Targets (issue 6)", "", "| target | measured | met |", "|---|---|---|"]

    def line(name, value_text, ok):
        md.append(f"| {name} | {value_text} | {'yes' if ok else 'NO'} |")

    for p, target, label in (("yarp", 1.0, "pass-through ≥ 1.0x plain YARP"), ("nginx", 0.8, "pass-through ~0.8x nginx (aim)")):
        rs = [ratio(get(s, c, "gateway"), get(s, c, p)) for s, c in scen_order]
        if all(r == r for r in rs) and rs:
            line(label, ", ".join(f"{SCEN[s]}@{c}: {r:.2f}x" for (s, c), r in zip(scen_order, rs)), min(rs) >= target)
    hc = [ratio(get(s, c, "httpcall"), get(s, c, "gateway")) for s, c in scen_order]
    if hc and all(r == r for r in hc):
        line("http-call ≥ 0.5x pass-through", ", ".join(f"{SCEN[s]}@{c}: {r:.2f}x" for (s, c), r in zip(scen_order, hc)), min(hc) >= 0.5)
    else:
        line("http-call ≥ 0.5x pass-through", notes or "not measured", False)
    if st.get("gateway") and st.get("yarp"):
        g, y = med(st["gateway"]), med(st["yarp"])
        line("start-up ≤ plain YARP", f"{g:.0f} ms vs {y:.0f} ms ({ratio(g, y):.2f}x)", g <= y)
    if "gateway" in rss and "yarp" in rss:
        line("RSS at 32 connections ≤ plain YARP", f"{rss['gateway']:.1f} MiB vs {rss['yarp']:.1f} MiB ({ratio(rss['gateway'], rss['yarp']):.2f}x)",
             rss["gateway"] <= rss["yarp"])
    if rt and max(rt) >= 10000:
        big, small = max(rt), min(rt)
        v_big, v_small = med(rt[big]["validate"]), med(rt[small]["validate"])
        line(f"{big:,} routes load < 1 s", f"validate {v_big:.0f} ms ({v_small:.0f} ms with {small}), start-up {med(rt[big]['startup']):.0f} ms", v_big < 1000)
        r = ratio(med(rt[big]["rps"]), med(rt[small]["rps"]))
        line(f"{big:,} routes req/s within 10% of {small}", f"{r:.2f}x", r >= 0.9)
    md += ["", "What limits each target, with file and line: bench/ANALYSIS.md (written by hand; rerun "
           "`bench/run.sh alloc` for the allocation profile)."]
    md.append("")

    text = "\n".join(md) + "\n" + existing_tcp_section(dest)
    with open(dest, "w") as f:
        f.write(text)
    print(text)


TCP_BEGIN, TCP_END = "<!-- tcp:begin -->", "<!-- tcp:end -->"


def existing_tcp_section(dest):
    text = open(dest).read() if os.path.exists(dest) else ""
    if TCP_BEGIN in text and TCP_END in text:
        return "\n" + text[text.index(TCP_BEGIN):text.index(TCP_END) + len(TCP_END)] + "\n"
    return ""


def tcp(work, dest):
    """tcp_proxy vs HAProxy mode tcp (bench/run.sh tcp): medians of MB/s, connections/s, CPU per request."""
    rows = read_tsv(os.path.join(work, "tcp.tsv"))
    cells = defaultdict(lambda: defaultdict(list))
    for scen, conns, proxy, _round, rps, p50, p99, err, cpu, rss, *rest in rows:
        cells[(scen, int(conns))][proxy].append((float(rps), int(p99), int(err), float(cpu), int(rss), float(rest[-1])))
    labels = {"gateway-tcp": "gateway tcp_proxy", "haproxy-tcp": "HAProxy mode tcp", "direct": "upstream direct"}
    machine = dict(r[:2] for r in read_tsv(os.path.join(work, "machine.tsv")) if len(r) >= 2)
    md = [TCP_BEGIN, "## TCP proxy: gateway tcp_proxy vs HAProxy in TCP mode", "",
          f"Produced by `bench/run.sh tcp` ({machine.get('date', '?')}, commit {machine.get('commit', '?')}, "
          f"nproc {machine.get('nproc', '?')}, load average at start {machine.get('load average at start', '?').split(' (')[0]}). "
          "Both relay bytes to the same nginx upstream; wrk drives HTTP through them. "
          "Throughput: GET of a 1 MiB file over keep-alive connections, MB/s of response bytes wrk read. "
          "Connections/s: GET /get with `Connection: close`, so each request is a new TCP connection through the proxy "
          "(and a new upstream connection). Medians of rounds; rounds alternate between the proxies.", "",
          "| proxy | 1 MiB @8 MB/s | 1 MiB @64 MB/s | conn/s @32 | p99 ms (conn/s) | CPU µs/conn | RSS MiB | errors |",
          "|---|---|---|---|---|---|---|---|"]
    for proxy in ["gateway-tcp", "haproxy-tcp", "direct"]:
        def med_of(key, i):
            return med([r[i] for r in cells[key].get(proxy, [])])
        errors = sum(r[2] for key in cells for r in cells[key].get(proxy, []))
        rss = max([r[4] for key in cells for r in cells[key].get(proxy, [])] or [0]) / 1024
        md.append(f"| {labels[proxy]} | {med_of(('1m', 8), 5):,.0f} | {med_of(('1m', 64), 5):,.0f} | {med_of(('cps', 32), 0):,.0f} | "
                  f"{med_of(('cps', 32), 1) / 1000:.2f} | {med_of(('cps', 32), 3):.0f} | {rss:.1f} | {errors} |")
    g, h = cells[("cps", 32)], cells[("1m", 64)]
    if g.get("gateway-tcp") and g.get("haproxy-tcp"):
        md += ["", f"gateway / HAProxy: throughput {ratio(med([r[5] for r in h['gateway-tcp']]), med([r[5] for r in h['haproxy-tcp']])):.2f}x, "
                   f"connections/s {ratio(med([r[0] for r in g['gateway-tcp']]), med([r[0] for r in g['haproxy-tcp']])):.2f}x."]
    md.append(TCP_END)
    section = "\n".join(md)
    text = open(dest).read() if os.path.exists(dest) else ""
    if TCP_BEGIN in text and TCP_END in text:
        text = text[:text.index(TCP_BEGIN)] + section + text[text.index(TCP_END) + len(TCP_END):]
    else:
        text = text.rstrip("\n") + "\n\n" + section + "\n"
    with open(dest, "w") as f:
        f.write(text)
    print(section)


def soak(work, dest):
    rows = read_tsv(os.path.join(work, "soak.tsv"))
    md = ["# Soak results", "", "Produced by `bench/run.sh soak`: the gateway pass-through under GET /get load, "
          "measured in segments; events fire in the middle of their segment.", ""]
    md += machine_section(work) + ["", "| t (s) | req/s | p99 ms | errors | RSS MiB | alloc B/req | gen0/gen2 GCs | event |",
                                   "|---|---|---|---|---|---|---|---|"]
    for r in rows:
        t, rps, _p50, p99, err, _cpu, rss, alloc, gen0, gen2 = r[:10]
        event = r[10] if len(r) > 10 else ""
        md.append(f"| {t} | {float(rps):,.0f} | {int(p99) / 1000:.2f} | {err} | {int(rss) / 1024:.1f} | {alloc} | {gen0}/{gen2} | {event} |")
    if rows:
        total_err = sum(int(r[4]) for r in rows)
        rss = [int(r[6]) / 1024 for r in rows]
        md += ["", f"Total errors: {total_err}. RSS first/last/max: {rss[0]:.1f} / {rss[-1]:.1f} / {max(rss):.1f} MiB."]
    text = "\n".join(md) + "\n"
    with open(dest, "w") as f:
        f.write(text)
    print(text)


if __name__ == "__main__":
    if sys.argv[1] == "--soak":
        soak(sys.argv[2], sys.argv[3])
    elif sys.argv[1] == "tcp":
        tcp(sys.argv[2], sys.argv[3])
    else:
        full(sys.argv[1], sys.argv[2])
