#!/usr/bin/env bash
# Regenerates src/Gateway/Aot/method-order.txt, the method order the Native AOT publish lays its code out in
# (IlcOrderFile in src/Gateway/Gateway.csproj): the methods the binary runs while it starts and serves its first
# requests, the request path first, then what only start-up runs, so that they share a few hundred KiB of the image instead of
# being spread over all of its 10 MB of code (each first touch of a page maps the large page-cache folio around
# it: spread out, start-up alone made 8.5 MB of the code resident; bench/SESSION6.md).
#   bench/aot-order.sh [BINARY]      BINARY: a published gateway with its .dbg beside it (default: publish one)
# Each config below runs under valgrind's callgrind (exact: every function executed, not a sample): dump after the
# first proxied 200 (start-up), then GET and POST through it and the admin pages (request path: everything that runs
# in this second part), then stop.
# Needs valgrind, elfutils (eu-unstrip), binutils (nm), nginx, curl. Rerun it when start-up or the request path
# changes much; names that no longer exist are skipped by ILC, so a stale file costs memory, never correctness.
set -euo pipefail
BENCH_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO=$(cd "$BENCH_DIR/.." && pwd)
ORDER=${ORDER:-$REPO/src/Gateway/Aot/method-order.txt}
NPROC=$(nproc)
for tool in valgrind callgrind_control eu-unstrip nm strip nginx curl; do
    command -v "$tool" >/dev/null || { echo "aot-order: $tool is needed (apt-get install valgrind elfutils binutils nginx curl)" >&2; exit 2; }
done
. "$BENCH_DIR/loopback-upstream.sh"
loopback_scratch aot-order
BIN=${1:-}
if [[ -z $BIN ]]; then BIN=$(OUT="$WORK/publish" "$BENCH_DIR/aot-publish.sh"); fi
[[ -f $BIN.dbg ]] || { echo "aot-order: $BIN.dbg not found (publish without StripSymbols=false keeps it beside the binary)" >&2; exit 2; }
# valgrind cannot read ILC's separate .dbg; one file with the code and the symbol table (no DWARF) it can.
eu-unstrip "$BIN" "$BIN.dbg" -o "$WORK/Gateway"
strip --strip-debug "$WORK/Gateway"
nm -S "$WORK/Gateway" | awk '$3 ~ /^[tT]$/ {print $1, $4}' >"$WORK/text-symbols"

start_upstream
profile() { # name config-file listener-url admin-url
    local name=$1 cfg=$2 url=$3 admin=$4 pid
    valgrind --tool=callgrind --callgrind-out-file="$WORK/$name.cg" "$WORK/Gateway" -c "$cfg" --log-level warning \
        --disable-hot-reload >"$WORK/$name.log" 2>&1 & pid=$!; PIDS+=($pid)
    for _ in $(seq 600); do curl -s -o /dev/null "$url" && break; sleep 0.2; done
    callgrind_control --dump=startup "$pid" >/dev/null 2>&1
    head -c 1024 /dev/urandom >"$WORK/body"
    for _ in $(seq 100); do curl -s -o /dev/null "$url"; curl -s -o /dev/null --data-binary @"$WORK/body" "$url"; done
    seq 400 | xargs -P 8 -I{} curl -s -o /dev/null "$url"   # concurrent: pool growth, contention paths
    for p in ready stats "stats?format=prometheus" server_info clusters listeners config_dump; do curl -s -o /dev/null "$admin/$p"; done
    callgrind_control --dump=requests "$pid" >/dev/null 2>&1
    kill "$pid"; wait "$pid" 2>/dev/null || true
}
P=$(free_port); A=$(free_port)
render "$BENCH_DIR/conf/passthrough.envoy.yaml.tmpl" "$WORK/passthrough.yaml" PORT="$P" ADMIN_PORT="$A" UPSTREAM_PORT="$UP"
profile passthrough "$WORK/passthrough.yaml" "http://127.0.0.1:$P/get" "http://127.0.0.1:$A"
# The image's bundled config (a direct_response page and the admin), on free loopback ports.
P=$(free_port); A=$(free_port)
sed -e "s/0\.0\.0\.0/127.0.0.1/; s/port_value: 9901/port_value: $A/; s/port_value: 10000/port_value: $P/" \
    "$REPO/deploy/docker/envoy.yaml" >"$WORK/bundled.yaml"
profile bundled "$WORK/bundled.yaml" "http://127.0.0.1:$P/" "http://127.0.0.1:$A"

python3 - "$WORK" "$ORDER" <<'EOF'
import re, sys, glob
work, order = sys.argv[1], sys.argv[2]
address = {}
for line in open(f"{work}/text-symbols"):
    a, name = line.split(maxsplit=1)
    address[name.strip()] = int(a, 16)
def executed(path):  # callgrind names every function it saw run (fn=) or called (cfn=); recursion levels get 'N
    names = set()
    for line in open(path, errors="replace"):
        m = re.match(r"^c?fn=\(\d+\) (.*?)('\d+)?$", line.rstrip("\n"))
        if m and m.group(1) in address:
            names.add(m.group(1))
    return names
startup, requests = set(), set()
for cg in glob.glob(f"{work}/*.cg.1"):
    startup |= executed(cg)
for cg in glob.glob(f"{work}/*.cg.2"):
    requests |= executed(cg)
startup -= requests
# The request path first (what runs per request sits together), then what only start-up runs; within each group
# the binary's current order (what the default layout put together stays together).
lines = sorted(requests, key=address.get) + sorted(startup, key=address.get)
open(order, "w").write("\n".join(lines) + "\n")
print(f"aot-order: {len(requests)} request-path and {len(startup)} start-up-only methods -> {order}", file=sys.stderr)
EOF
