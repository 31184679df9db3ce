#!/usr/bin/env bash
# Side-by-side comparison of gateway builds and runtime settings (issue 15): for each variant, start-up (first
# proxied 200, CPU ms and RSS at it, RSS 1 s later) and, at load, GET /get and POST 1 KiB through the pass-through
# config to a loopback nginx (req/s, CPU µs per request, peak RSS), rounds interleaved across the variants.
#   VARIANTS="jit=dotnet:src/Gateway/bin/Release/net10.0/Gateway.dll aot=/tmp/gateway-aot/Gateway \
#             aot-gen0-4m=/tmp/gateway-aot/Gateway@DOTNET_GCgen0size=0x400000" bench/aot-compare.sh
# A variant is label=command, ':' separating the command's words, '@' adding environment variables (comma-separated).
# Knobs: ROUNDS (5) DURATION (4 s) CONNECTIONS (32) SCENARIOS ("get post") STARTS (5) OUT (a TSV, default stdout only).
set -euo pipefail
BENCH_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
export BENCH_DIR
ROUNDS=${ROUNDS:-5}; DURATION=${DURATION:-4}; CONNECTIONS=${CONNECTIONS:-32}; SCENARIOS=${SCENARIOS:-"get post"}
STARTS=${STARTS:-5}; NPROC=$(nproc)
[[ -n ${VARIANTS:-} ]] || { sed -n '2,8p' "$0" >&2; exit 2; }
. "$BENCH_DIR/loopback-upstream.sh"
loopback_scratch aot-compare
rss_kb() { awk '/^VmRSS/{print $2}' "/proc/$1/status" 2>/dev/null || echo 0; }
ticks() { awk '{print $14+$15}' "/proc/$1/stat" 2>/dev/null || echo 0; }
TCK=$(getconf CLK_TCK)

start_upstream

declare -A CMD ENVS PORT PID
LABELS=()
for v in $VARIANTS; do
    label=${v%%=*}; rest=${v#*=}
    LABELS+=("$label"); CMD[$label]=${rest%%@*}; ENVS[$label]=""
    [[ $rest == *@* ]] && ENVS[$label]=${rest#*@}
done
run_cmd() { # label config -> prints the command line words
    local envs=${ENVS[$1]//,/ }
    echo env AOT_COMPARE=1 $envs ${CMD[$1]//:/ } -c "$2" --log-level warning --disable-hot-reload
}

echo -e "variant\tkind\tround\tfirst200_ms\tcpu_ms_at_200\trss_at_200_kb\trss_1s_kb" >"$WORK/start.tsv"
for r in $(seq "$STARTS"); do
    for l in "${LABELS[@]}"; do
        p=$(free_port)
        render "$BENCH_DIR/conf/passthrough.envoy.yaml.tmpl" "$WORK/s.yaml" PORT="$p" ADMIN_PORT="$(free_port)" UPSTREAM_PORT="$UP"
        line=$(python3 "$BENCH_DIR/startup.py" --stats 60 "http://127.0.0.1:$p/get" -- $(run_cmd "$l" "$WORK/s.yaml"))
        echo -e "$l\tstart\t$r\t${line// /$'\t'}" >>"$WORK/start.tsv"
    done
done

for l in "${LABELS[@]}"; do
    PORT[$l]=$(free_port)
    render "$BENCH_DIR/conf/passthrough.envoy.yaml.tmpl" "$WORK/$l.yaml" PORT="${PORT[$l]}" ADMIN_PORT="$(free_port)" UPSTREAM_PORT="$UP"
    $(run_cmd "$l" "$WORK/$l.yaml") >"$WORK/$l.log" 2>&1 & PID[$l]=$!; PIDS+=($!)
done
for l in "${LABELS[@]}"; do until curl -sf -o /dev/null "http://127.0.0.1:${PORT[$l]}/get"; do sleep 0.1; done; done
sleep 1
declare -A RSS0
for l in "${LABELS[@]}"; do RSS0[$l]=$(rss_kb "${PID[$l]}"); done

script() { [[ $1 == post ]] && echo "$BENCH_DIR/post1k.lua" || echo "$BENCH_DIR/get.lua"; }
path() { [[ $1 == post ]] && echo /post || echo /get; }
measure() { # label scenario seconds -> rps cpu_us_per_req peak_rss_kb
    local l=$1 pid=${PID[$1]} c0 c1 peak=0 out
    c0=$(ticks "$pid")
    wrk -t "$NPROC" -c "$CONNECTIONS" -d "${3}s" --timeout 10s -s "$(script "$2")" "http://127.0.0.1:${PORT[$l]}$(path "$2")" >"$WORK/wrk.out" 2>&1 &
    local w=$!
    while kill -0 $w 2>/dev/null; do local x; x=$(rss_kb "$pid"); ((x > peak)) && peak=$x; sleep 0.5; done
    wait $w || true
    c1=$(ticks "$pid")
    out=$(grep '^RESULT' "$WORK/wrk.out") || { cat "$WORK/wrk.out" >&2; return 1; }
    local rps req
    rps=$(sed -E 's/.*rps=([0-9.]+).*/\1/' <<<"$out"); req=$(sed -E 's/.*requests=([0-9]+).*/\1/' <<<"$out")
    echo "$rps $(awk -v d=$((c1 - c0)) -v t="$TCK" -v n="$req" 'BEGIN{printf "%.1f", n ? d/t*1e6/n : 0}') $peak"
}
echo -e "variant\tscenario\tround\trps\tcpu_us_per_req\tpeak_rss_kb" >"$WORK/load.tsv"
for l in "${LABELS[@]}"; do for s in $SCENARIOS; do measure "$l" "$s" 2 >/dev/null; done; done
for s in $SCENARIOS; do
    for r in $(seq "$ROUNDS"); do
        for l in "${LABELS[@]}"; do
            m=$(measure "$l" "$s" "$DURATION")
            echo -e "$l\t$s\t$r\t${m// /$'\t'}" >>"$WORK/load.tsv"
        done
    done
done

{
    echo "# $(date -u '+%F %H:%M UTC') load average $(cut -d' ' -f1-3 /proc/loadavg); $ROUNDS x ${DURATION}s at $CONNECTIONS connections, $STARTS starts"
    python3 - "$WORK" "${LABELS[@]}" <<'EOF'
import csv, statistics, sys
work, labels = sys.argv[1], sys.argv[2:]
med = lambda xs: statistics.median(xs) if xs else float("nan")
start = list(csv.DictReader(open(f"{work}/start.tsv"), delimiter="\t"))
load = list(csv.DictReader(open(f"{work}/load.tsv"), delimiter="\t"))
scen = sorted({r["scenario"] for r in load}, key=lambda s: s != "get")
base = {s: med([float(r["rps"]) for r in load if r["variant"] == labels[0] and r["scenario"] == s]) for s in scen}
hdr = ["variant", "first 200 ms (median, min-max)", "CPU ms to 200", "RSS at 200 / 1 s later MiB"]
for s in scen: hdr += [f"{s} req/s (vs {labels[0]})", f"{s} CPU µs/req", f"{s} peak RSS MiB"]
print("| " + " | ".join(hdr) + " |"); print("|" + "---|" * len(hdr))
for l in labels:
    st = [r for r in start if r["variant"] == l]
    f = [float(r["first200_ms"]) for r in st]
    row = [l, f"{med(f):.0f} ({min(f):.0f}-{max(f):.0f})", f"{med([float(r['cpu_ms_at_200']) for r in st]):.0f}",
           f"{med([float(r['rss_at_200_kb']) for r in st])/1024:.1f} / {med([float(r['rss_1s_kb']) for r in st])/1024:.1f}"]
    for s in scen:
        ld = [r for r in load if r["variant"] == l and r["scenario"] == s]
        rps = med([float(r["rps"]) for r in ld])
        row += [f"{rps:,.0f} ({rps/base[s]:.2f}x)", f"{med([float(r['cpu_us_per_req']) for r in ld]):.0f}",
                f"{max(float(r['peak_rss_kb']) for r in ld)/1024:.1f}"]
    print("| " + " | ".join(row) + " |")
EOF
    for l in "${LABELS[@]}"; do echo "# $l: RSS after start (long-running instance) $(awk -v k="${RSS0[$l]}" 'BEGIN{printf "%.1f", k/1024}') MiB; $(run_cmd "$l" cfg)"; done
} | tee -a "${OUT:-/dev/null}"
[[ -z ${RAW:-} ]] || cp "$WORK/start.tsv" "$WORK/load.tsv" "$RAW/"
