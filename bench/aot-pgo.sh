#!/usr/bin/env bash
# Regenerates src/Gateway/Aot/gateway.mibc, the profile the Native AOT publish compiles with (MibcFile in
# src/Gateway/Gateway.csproj): static PGO, so the AOT binary gets what tiered PGO gives the JIT build at run time
# (which class an interface or virtual call site sees, so it is called directly and inlined behind a type check;
# which blocks are hot, for layout and inlining). Without it the AOT build spent 1.10-1.25x the JIT build's CPU per
# request (bench/RESULTS.md, issue 15).
#   bench/aot-pgo.sh   the JIT build (src/Gateway, Release) serves the bench pass-through config, then the filters
#                      and http-call ones for less time, to a loopback nginx under wrk (GET, POST 1 KiB, GET 16 KiB,
#                      admin pages), every method starting at tier 0 (DOTNET_ReadyToRun=0) so that every method it
#                      runs is instrumented; at exit the runtime writes its profile (DOTNET_WritePGOData), and
#                      bench/MibcWriter merges the runs into the .mibc, naming methods and types by metadata.
# Knobs: TRAIN_SECONDS (8, per scenario and round), MIBC (output path), SKIP_BUILD=1.
# Needs wrk, nginx, curl. Rerun it when the request path changes much: a method whose IL changed keeps no profile
# (its IL size no longer matches) and names that no longer exist are skipped, so a stale file costs speed, never
# correctness.
set -euo pipefail
BENCH_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO=$(cd "$BENCH_DIR/.." && pwd)
MIBC=${MIBC:-$REPO/src/Gateway/Aot/gateway.mibc}
TRAIN_SECONDS=${TRAIN_SECONDS:-8}
NPROC=$(nproc)
export BENCH_DIR
for tool in wrk nginx curl dotnet; do
    command -v "$tool" >/dev/null || { echo "aot-pgo: $tool is needed (apt-get install wrk nginx curl)" >&2; exit 2; }
done
. "$BENCH_DIR/loopback-upstream.sh"
loopback_scratch aot-pgo
if [[ -z ${SKIP_BUILD:-} ]]; then
    dotnet build "$REPO/src/Gateway" -c Release -nologo -v q >&2
fi
dotnet build "$BENCH_DIR/MibcWriter" -c Release -nologo -v q >&2
GATEWAY_DIR=$REPO/src/Gateway/bin/Release/net10.0
# The shared frameworks the JIT build runs on (the newest 10.0 of each): the profile's framework methods are theirs.
frameworks=()
for fx in Microsoft.NETCore.App Microsoft.AspNetCore.App; do
    dir=$(dotnet --list-runtimes | awk -v fx="$fx" '$1 == fx && $2 ~ /^10\./ {v = $2; p = $3} END {gsub(/[][]/, "", p); if (v != "") print p "/" v}')
    [[ -d $dir ]] || { echo "aot-pgo: no $fx 10.0 runtime found (dotnet --list-runtimes)" >&2; exit 2; }
    frameworks+=("$dir")
done

start_upstream
head -c 16384 /dev/zero | tr '\0' 'a' >"$WORK/www/16k"
# train NAME TEMPLATE SECONDS SCENARIO...: one gateway on that config, each scenario (name:path:wrk script) twice.
profiles=()
train() {
    local name=$1 template=$2 seconds=$3 port admin gateway round scenario path script rps
    shift 3
    port=$(free_port); admin=$(free_port)
    render "$BENCH_DIR/conf/$template" "$WORK/$name.yaml" PORT="$port" ADMIN_PORT="$admin" UPSTREAM_PORT="$UP"
    DOTNET_WritePGOData=1 DOTNET_PGODataPath="$WORK/$name.pgo.txt" DOTNET_ReadyToRun=0 DOTNET_TieredPGO=1 \
        dotnet "$GATEWAY_DIR/Gateway.dll" -c "$WORK/$name.yaml" --log-level warning & gateway=$!
    PIDS+=($gateway)
    for _ in $(seq 300); do curl -sf -o /dev/null "http://127.0.0.1:$port/get" && break; sleep 0.1; done
    curl -sf -o /dev/null "http://127.0.0.1:$port/get" ||
        { echo "aot-pgo: the gateway on $WORK/$name.yaml gave no 200 on /get within 30 s (its log is above)" >&2; exit 1; }
    for round in 1 2; do
        for scenario in "$@"; do
            IFS=: read -r scenario path script <<<"$scenario"
            rps=$(wrk -t1 -c16 -d"${seconds}s" -s "$BENCH_DIR/$script" "http://127.0.0.1:$port$path" | awk '/^Requests\/sec/ {print $2}')
            echo "aot-pgo: $name round $round $scenario: $rps req/s" >&2
        done
        for page in stats clusters server_info listeners ready; do curl -s -o /dev/null "http://127.0.0.1:$admin/$page"; done
    done
    kill -TERM "$gateway"; wait "$gateway" || true
    [[ -s $WORK/$name.pgo.txt ]] || { echo "aot-pgo: the runtime wrote no profile for $name ($WORK/$name.pgo.txt)" >&2; exit 1; }
    profiles+=("$WORK/$name.pgo.txt")
}
# The pass-through carries most of the weight (it is every config's core); cors + local_ratelimit + compressor and
# Higress's http-call (native) add their own code and the filter-chain paths, so those are not laid out as cold.
train passthrough passthrough.envoy.yaml.tmpl "$TRAIN_SECONDS" get:/get:get.lua post:/post:post1k.lua 16k:/16k:get.lua
train filters filters.envoy.yaml.tmpl $((TRAIN_SECONDS / 2)) get:/get:get.lua post:/post:post1k.lua
train httpcall httpcall.envoy.yaml.tmpl $((TRAIN_SECONDS / 2)) get:/get:get.lua post:/post:post1k.lua
dotnet "$BENCH_DIR/MibcWriter/bin/Release/net10.0/MibcWriter.dll" "$(IFS=,; echo "${profiles[*]}")" "$MIBC" "$GATEWAY_DIR" "${frameworks[@]}"
