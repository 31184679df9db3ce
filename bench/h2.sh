#!/usr/bin/env bash
# HTTP/2 (h2c prior knowledge) pass-through, side by side: h2load against two gateway builds with the
# same config (codec_type HTTP2 in front of the nginx upstream), rounds interleaved.
#   BASE_DLL=$(bench/build-base.sh main) bench/h2.sh
# Knobs: ROUNDS (5) REQUESTS (-n, 20000) CLIENTS (-c, 16) STREAMS (-m, 10) PATHS ("/get /16k")
#   GATEWAY_DLL (this checkout's Release build). Prints, per build, round and path, requests/s and the
#   gateway process's CPU time per request (user+system, from /proc: far less disturbed by other load
#   on the machine than requests/s), then the medians.
set -euo pipefail
BENCH_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO=$(dirname "$BENCH_DIR")
ROUNDS=${ROUNDS:-5}
REQUESTS=${REQUESTS:-20000}
CLIENTS=${CLIENTS:-16}
STREAMS=${STREAMS:-10}
PATHS=${PATHS:-"/get /16k"}
GATEWAY_DLL=${GATEWAY_DLL:-$REPO/src/Gateway/bin/Release/net10.0/Gateway.dll}
[[ -n ${BASE_DLL:-} && -f $BASE_DLL ]] || { echo "BASE_DLL=path/to/Gateway.dll needed (bench/build-base.sh REF prints one)" >&2; exit 1; }
command -v h2load >/dev/null || { echo "h2load not found (Debian nghttp2-client)" >&2; exit 1; }
WORK=$(mktemp -d /tmp/gateway-h2.XXXXXX)
mkdir -p "$WORK/www" "$WORK/nginx-tmp"
chmod 755 "$WORK" "$WORK/www"; chmod 1777 "$WORK/nginx-tmp"
PIDS=()
cleanup() { for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done; rm -rf "$WORK"; }
trap cleanup EXIT
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'; }
render() { local tmpl=$1 out=$2; shift 2; local args=(); for kv in "$@"; do args+=(-e "s|@${kv%%=*}@|${kv#*=}|g"); done; sed "${args[@]}" "$tmpl" >"$out"; }
wait_up() { for _ in $(seq 300); do curl -s -o /dev/null --http2-prior-knowledge "$1" && return 0; sleep 0.1; done; echo "no answer on $1" >&2; exit 1; }

UP=$(free_port)
head -c 16384 /dev/zero | tr '\0' 'a' >"$WORK/www/16k"
render "$BENCH_DIR/conf/upstream.nginx.conf.tmpl" "$WORK/upstream.conf" PORT="$UP" WORKERS=1 DIR="$WORK"
nginx -p "$WORK" -c "$WORK/upstream.conf" -e "$WORK/upstream.error.log" >/dev/null 2>&1 & PIDS+=($!)
declare -A PORT=() GWPID=()
for name in base branch; do
    PORT[$name]=$(free_port)
    render "$BENCH_DIR/conf/passthrough.envoy.yaml.tmpl" "$WORK/$name.yaml" PORT="${PORT[$name]}" ADMIN_PORT="$(free_port)" UPSTREAM_PORT="$UP"
    sed -i 's/codec_type: AUTO/codec_type: HTTP2/' "$WORK/$name.yaml"
    dll=$GATEWAY_DLL; [[ $name == base ]] && dll=$BASE_DLL
    dotnet "$dll" -c "$WORK/$name.yaml" --log-level warning >"$WORK/$name.log" 2>&1 & PIDS+=($!); GWPID[$name]=$!
done
for name in base branch; do wait_up "http://127.0.0.1:${PORT[$name]}/get"; done
# Warm-up (JIT, connections) for both.
for name in base branch; do h2load -n "$REQUESTS" -c "$CLIENTS" -m "$STREAMS" "http://127.0.0.1:${PORT[$name]}/get" >/dev/null; done
echo "load: $(uptime | sed 's/.*load average: //')"
cpu_ticks() { awk '{ print $14 + $15 }' "/proc/$1/stat"; }
TICK=$(getconf CLK_TCK)
declare -A ALL=() CPU=()
for round in $(seq "$ROUNDS"); do
    for path in $PATHS; do
        for name in base branch; do
            t0=$(cpu_ticks "${GWPID[$name]}")
            rps=$(h2load -n "$REQUESTS" -c "$CLIENTS" -m "$STREAMS" "http://127.0.0.1:${PORT[$name]}$path" | awk '/^finished in/ { gsub(",", "", $4); print $4 }')
            t1=$(cpu_ticks "${GWPID[$name]}")
            us=$(( (t1 - t0) * 1000000 / TICK / REQUESTS ))
            echo "round $round $path $name ${rps} req/s ${us} us CPU/request"
            ALL[$name$path]+="$rps "
            CPU[$name$path]+="$us "
        done
    done
done
echo "load: $(uptime | sed 's/.*load average: //')"
for path in $PATHS; do
    for name in base branch; do
        median() { tr ' ' '\n' <<<"$1" | grep -v '^$' | sort -n | awk '{ a[NR]=$1 } END { print a[int((NR+1)/2)] }'; }
        echo "median $path $name $(median "${ALL[$name$path]}") req/s $(median "${CPU[$name$path]}") us CPU/request"
    done
done
