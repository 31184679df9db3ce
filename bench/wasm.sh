#!/usr/bin/env bash
# bench/wasm.sh: the C http-call plugin (tests/.../plugins/http_call.c on the proxy-wasm host) against the
# native http-call filter, same envoy.yaml, side by side in one run; writes bench/WASM.md and prints it.
#   throughput (wrk, alternating rounds, medians), CPU µs per request and the host overhead per call,
#   first request after start (compiled-code cache cold and warm), RSS, memory per plugin instance.
# Env: SKIP_BUILD=1, ROUNDS (3), DURATION (10 s), CONNS (32), WARMUP (5 s), KEEP_TMP=1.
set -euo pipefail
BENCH_DIR=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$BENCH_DIR/.." && pwd)
export BENCH_DIR
ROUNDS=${ROUNDS:-3} DURATION=${DURATION:-10} CONNS=${CONNS:-32} WARMUP=${WARMUP:-5}
NPROC=$(nproc) CLK_TCK=$(getconf CLK_TCK)
WORK=$(mktemp -d /tmp/gateway-wasm-bench.XXXXXX)
mkdir -p "$WORK/logs" "$WORK/www" "$WORK/nginx-tmp"
declare -A PID PORT
ALL_PIDS=()
die() { echo "wasm.sh: $*" >&2; exit 1; }
cleanup() {
    for p in "${ALL_PIDS[@]}"; do kill "$p" 2>/dev/null || true; done
    [[ ${KEEP_TMP:-0} == 1 ]] || rm -rf "$WORK"
}
trap cleanup EXIT

for tool in wrk nginx clang curl python3; do command -v $tool >/dev/null || die "$tool is missing (bench/run.sh installs wrk and nginx; apt-get install clang lld wasi-libc libclang-rt-14-dev-wasm32)"; done
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'; }
render() { local t=$1 o=$2; shift 2; local a=(); for kv in "$@"; do a+=(-e "s|@${kv%%=*}@|${kv#*=}|g"); done; sed "${a[@]}" "$t" >"$o"; }
cpu_ticks() { local t=0; for p in $1 $(pgrep -P "$1" || true); do t=$((t + $(awk '{print $14+$15}' /proc/$p/stat 2>/dev/null || echo 0))); done; echo $t; }
rss_kb() { awk '/VmRSS/{print $2}' /proc/$1/status 2>/dev/null || echo 0; }
wait_200() { local deadline=$((SECONDS + 60)); until [[ $(curl -s -o /dev/null -w '%{http_code}' --max-time 2 "$1" || true) == 200 ]]; do ((SECONDS < deadline)) || die "no 200 from $1"; sleep 0.1; done; }

if [[ ${SKIP_BUILD:-0} != 1 ]]; then
    dotnet build "$ROOT/src/Gateway" -c Release -v q -nologo >"$WORK/logs/build.log" 2>&1 || { tail -20 "$WORK/logs/build.log"; die "build failed"; }
    dotnet build "$BENCH_DIR/Gateway.Benchmarks" -c Release -v q -nologo >>"$WORK/logs/build.log" 2>&1 || { tail -20 "$WORK/logs/build.log"; die "benchmarks build failed"; }
fi
GATEWAY="$ROOT/src/Gateway/bin/Release/net10.0/Gateway.dll"
PROBE="$BENCH_DIR/Gateway.Benchmarks/bin/Release/net10.0/Gateway.Benchmarks.dll"
WASM="$WORK/http_call.wasm"
clang --target=wasm32-wasi --sysroot=/usr -O2 -mexec-model=reactor -Wl,--export=malloc -o "$WASM" "$ROOT/tests/Gateway.Tests/Filters/Wasm/plugins/http_call.c"

PORT[up]=$(free_port)
render "$BENCH_DIR/conf/upstream.nginx.conf.tmpl" "$WORK/upstream.nginx.conf" PORT="${PORT[up]}" WORKERS=1 DIR="$WORK"
nginx -p "$WORK" -c "$WORK/upstream.nginx.conf" -e "$WORK/logs/upstream.error.log" >"$WORK/logs/upstream.log" 2>&1 &
PID[up]=$!; ALL_PIDS+=($!)
wait_200 "http://127.0.0.1:${PORT[up]}/get"

for name in native wasm; do
    PORT[$name]=$(free_port)
    file=$WASM; [[ $name == native ]] && file="$WORK/absent/main.wasm"
    render "$BENCH_DIR/conf/wasm-httpcall.envoy.yaml.tmpl" "$WORK/$name.yaml" PORT="${PORT[$name]}" ADMIN_PORT="$(free_port)" UPSTREAM_PORT="${PORT[up]}" WASM_FILE="$file"
done

# First request after start: process launch to the first 200 (which includes the plugin's first callout).
export GATEWAY_WASM_CACHE="$WORK/wasm-cache"
start_ms() { python3 "$BENCH_DIR/startup.py" 60 "http://127.0.0.1:${PORT[$1]}/get" -- dotnet "$GATEWAY" -c "$WORK/$1.yaml" --log-level warning --disable-hot-reload; }
first_native=$(start_ms native)
first_cold=$(start_ms wasm)      # compiles the module and writes the cache
first_warm=$(start_ms wasm)      # loads compiled code from the cache

# Throughput: both gateways up, warmed, then alternating rounds.
for name in native wasm; do
    dotnet "$GATEWAY" -c "$WORK/$name.yaml" --log-level warning --disable-hot-reload >"$WORK/logs/$name.log" 2>&1 &
    PID[$name]=$!; ALL_PIDS+=($!)
    wait_200 "http://127.0.0.1:${PORT[$name]}/get"
    curl -s "http://127.0.0.1:${PORT[$name]}/get" >"$WORK/$name.body"
    grep -q 'X-External-Response\|x-external-response' "$WORK/$name.body" || grep -q . "$WORK/$name.body" || die "$name: no answer"
    wrk -t 1 -c "$CONNS" -d "${WARMUP}s" "http://127.0.0.1:${PORT[$name]}/get" >/dev/null 2>&1
done
declare -A RPS CPU P99 RSS
for r in $(seq "$ROUNDS"); do
    for name in native wasm; do
        c0=$(cpu_ticks "${PID[$name]}")
        out=$(wrk -t 1 -c "$CONNS" -d "${DURATION}s" --timeout 10s -s "$BENCH_DIR/get.lua" "http://127.0.0.1:${PORT[$name]}/get" 2>&1 | grep '^RESULT')
        c1=$(cpu_ticks "${PID[$name]}")
        rps=$(sed -E 's/.*rps=([0-9.]+).*/\1/' <<<"$out"); req=$(sed -E 's/.*requests=([0-9]+).*/\1/' <<<"$out")
        p99=$(sed -E 's/.*p99_us=([0-9]+).*/\1/' <<<"$out")
        RPS[$name]+="$rps "; P99[$name]+="$p99 "
        CPU[$name]+="$(awk -v d=$((c1 - c0)) -v t="$CLK_TCK" -v n="$req" 'BEGIN{printf "%.1f", d/t*1e6/n}') "
        r_kb=$(rss_kb "${PID[$name]}"); RSS[$name]=$r_kb
    done
done
median() { tr ' ' '\n' <<<"$1" | grep . | sort -g | awk '{a[NR]=$1} END{print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}'; }
n_rps=$(median "${RPS[native]}") w_rps=$(median "${RPS[wasm]}")
n_cpu=$(median "${CPU[native]}") w_cpu=$(median "${CPU[wasm]}")
ratio=$(awk -v a="$w_rps" -v b="$n_rps" 'BEGIN{printf "%.2f", a/b}')
overhead=$(awk -v a="$w_cpu" -v b="$n_cpu" 'BEGIN{printf "%.1f", a-b}')
mem=$(dotnet "$PROBE" wasm-memory "$WASM" 16 "${PORT[up]}")

cat >"$BENCH_DIR/WASM.md" <<EOF
# wasm http-call vs native http-call (bench/wasm.sh)

$(date -u +%Y-%m-%d), $NPROC cores ($(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//')), shared with other work:
numbers are indicative. Same envoy.yaml (\`conf/wasm-httpcall.envoy.yaml.tmpl\`), GET /get through the
gateway, each request first POSTs to the upstream's /echo/post (nginx, 1 worker) and adds X-External-Response.
wrk 1 thread, $CONNS connections, $ROUNDS alternating rounds of ${DURATION}s, medians.

| | native filter | C plugin on the wasm host |
|---|---|---|
| requests/s | $n_rps | $w_rps (**${ratio}x** native; target >= 0.7x) |
| p99 latency (µs, per round) | ${P99[native]} | ${P99[wasm]} |
| gateway CPU µs per request | $n_cpu | $w_cpu (host overhead **${overhead} µs** per request/call) |
| RSS after the run (KiB) | ${RSS[native]} | ${RSS[wasm]} |
| first 200 after launch (ms) | $first_native | $first_cold (compiling), $first_warm (compiled-code cache) |

Memory per plugin instance (in-process probe: 16 plugins loaded, each one instance, module shared): $mem
EOF
cat "$BENCH_DIR/WASM.md"
