#!/usr/bin/env bash
# perf profile of one gateway build under wrk load through the pass-through config to a loopback nginx (issue 15:
# where the AOT binary spends its CPU compared with the JIT build). Writes OUT.data and OUT.txt (self time by
# symbol and by module). For the JIT build perf map files are turned on (DOTNET_PerfMapEnabled=1, and W^X off so perf sees the code mappings); publish the
# AOT binary with -p:StripSymbols=false to get its symbols.
#   OUT=/tmp/prof-jit bench/aot-profile.sh dotnet src/Gateway/bin/Release/net10.0/Gateway.dll
#   OUT=/tmp/prof-aot bench/aot-profile.sh /tmp/gateway-aot/Gateway
# Knobs: SCENARIO (get|post), DURATION (10 s of recording after WARMUP, 4 s, of load), CONNECTIONS (32).
set -euo pipefail
BENCH_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
export BENCH_DIR
OUT=${OUT:-/tmp/gateway-prof}; WARMUP=${WARMUP:-4}; SCENARIO=${SCENARIO:-get}; DURATION=${DURATION:-10}; CONNECTIONS=${CONNECTIONS:-32}
NPROC=$(nproc)
[[ $# -gt 0 ]] || { sed -n '2,8p' "$0" >&2; exit 2; }
. "$BENCH_DIR/loopback-upstream.sh"
loopback_scratch aot-profile
start_upstream; PORT=$(free_port)
render "$BENCH_DIR/conf/passthrough.envoy.yaml.tmpl" "$WORK/g.yaml" PORT="$PORT" ADMIN_PORT="$(free_port)" UPSTREAM_PORT="$UP"
DOTNET_PerfMapEnabled=1 DOTNET_EnableWriteXorExecute=0 "$@" -c "$WORK/g.yaml" --log-level warning --disable-hot-reload >"$WORK/g.log" 2>&1 & GW=$!; PIDS+=($GW)
until curl -sf -o /dev/null "http://127.0.0.1:$PORT/get"; do sleep 0.1; done
script=$BENCH_DIR/get.lua; path=/get; [[ $SCENARIO == post ]] && { script=$BENCH_DIR/post1k.lua; path=/post; }
wrk -t "$NPROC" -c "$CONNECTIONS" -d "$((WARMUP + DURATION + 1))s" -s "$script" "http://127.0.0.1:$PORT$path" >"$WORK/wrk.out" 2>&1 & W=$!
sleep "$WARMUP"
perf record -F 999 -g -p "$GW" -o "$OUT.data" -- sleep "$DURATION" 2>"$WORK/perf.err" >/dev/null
wait $W || true
grep '^RESULT' "$WORK/wrk.out" || cat "$WORK/wrk.out"
set +o pipefail
{
    echo "# $* $SCENARIO; load average $(cut -d' ' -f1-3 /proc/loadavg); $(grep '^RESULT' "$WORK/wrk.out" || true)"
    echo "## by module"; perf report -i "$OUT.data" --no-children --sort dso --stdio -g none 2>/dev/null | grep -v '^#' | grep -v '^$' | head -25
    echo "## by symbol"; perf report -i "$OUT.data" --no-children --sort dso,sym --stdio -g none 2>/dev/null | grep -v '^#' | grep -v '^$' | head -150
} >"$OUT.txt"
cp "$WORK/g.log" "$OUT.log"
echo "$OUT.txt"
