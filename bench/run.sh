#!/usr/bin/env bash
# Side-by-side benchmark of the gateway against plain YARP, nginx, HAProxy and the upstream direct.
#   bench/run.sh          full run (~10 min on 2 cores), writes bench/RESULTS.md
#   bench/run.sh soak     N minutes at load with config touches and an upstream restart, writes bench/SOAK.md
#   bench/run.sh alloc    allocation profile (dotnet-trace gc-verbose) of the gateway vs plain YARP, writes bench/ALLOC.md
#   bench/run.sh tcp      tcp_proxy vs HAProxy mode tcp: MB/s and connections/s, writes the TCP section of bench/RESULTS.md
# Knobs (environment): DURATION ROUNDS WARMUP CONNECTIONS SCENARIOS PROXIES STARTUP_RUNS ROUTE_COUNTS
#   WRK_THREADS SOAK_MINUTES SOAK_SEGMENT SOAK_CONNECTIONS SKIP_BUILD=1 KEEP_TMP=1 RESULTS=path. See bench/README.md.
set -euo pipefail

MODE=${1:-full}
BENCH_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO=$(dirname "$BENCH_DIR")
NPROC=$(nproc)
DURATION=${DURATION:-4}
ROUNDS=${ROUNDS:-3}
WARMUP=${WARMUP:-2}
CONNECTIONS=${CONNECTIONS:-"32 256"}
SCENARIOS=${SCENARIOS:-"get 16k post"}
PROXIES=${PROXIES:-"gateway httpcall yarp nginx haproxy direct"}
STARTUP_RUNS=${STARTUP_RUNS:-5}
ROUTE_COUNTS=${ROUTE_COUNTS:-"10 1000 10000"}
WRK_THREADS=${WRK_THREADS:-$NPROC}
SOAK_MINUTES=${SOAK_MINUTES:-5}
SOAK_SEGMENT=${SOAK_SEGMENT:-10}
SOAK_CONNECTIONS=${SOAK_CONNECTIONS:-32}
GATEWAY_DLL=$REPO/src/Gateway/bin/Release/net10.0/Gateway.dll
YARP_DLL=$BENCH_DIR/PlainYarp/bin/Release/net10.0/PlainYarp.dll
PROBE_DLL=$BENCH_DIR/AllocProbe/bin/Release/net10.0/AllocProbe.dll
export BENCH_DIR
ulimit -n "$(ulimit -Hn)" 2>/dev/null || true

log() { printf '[bench %s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }
die() { printf '[bench] ERROR: %s\n' "$*" >&2; exit 1; }

case $MODE in full | soak | alloc | tcp | pair) ;; *) die "unknown mode '$MODE'; use: bench/run.sh [full|soak|alloc|tcp|pair]" ;; esac

WORK=$(mktemp -d /tmp/gateway-bench.XXXXXX)
mkdir -p "$WORK/nginx-tmp" "$WORK/www" "$WORK/logs"
# nginx workers drop to an unprivileged user when started as root: let them read www/ and write nginx-tmp/.
chmod 755 "$WORK" "$WORK/www"; chmod 1777 "$WORK/nginx-tmp"
declare -A PID=() PORT=()
ALL_PIDS=()

# Every process this script starts is recorded in ALL_PIDS and killed here, by pid (nginx masters take their workers).
cleanup() {
    local code=$?
    for pid in "${ALL_PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done
    sleep 0.5
    for pid in "${ALL_PIDS[@]}"; do kill -9 "$pid" 2>/dev/null || true; done
    if [[ -n ${KEEP_TMP:-} || $code -ne 0 ]]; then log "logs and configs kept in $WORK"; else rm -rf "$WORK"; fi
    exit $code
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# ---------------------------------------------------------------- tools
ensure_tools() {
    local missing=()
    command -v wrk >/dev/null || missing+=(wrk)
    command -v nginx >/dev/null || missing+=(nginx-light)
    command -v haproxy >/dev/null || missing+=(haproxy)
    command -v python3 >/dev/null || missing+=(python3)
    command -v curl >/dev/null || missing+=(curl)
    if ((${#missing[@]})); then
        log "installing ${missing[*]} with apt-get"
        [[ $(id -u) -eq 0 ]] || die "need root to apt-get install ${missing[*]} (or install them yourself)"
        apt-get update -qq || die "apt-get update failed"
        DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >"$WORK/logs/apt.log" 2>&1 ||
            die "apt-get install ${missing[*]} failed; see $WORK/logs/apt.log"
    fi
    command -v dotnet >/dev/null || die "dotnet SDK not found on PATH"
}

build() {
    if [[ -n ${SKIP_BUILD:-} && -f $GATEWAY_DLL && -f $YARP_DLL && -f $PROBE_DLL ]]; then log "SKIP_BUILD: using existing builds"; return; fi
    log "building the gateway (Release)"
    dotnet build "$REPO/src/Gateway" -c Release -nologo -v q >"$WORK/logs/build-gateway.log" 2>&1 ||
        { tail -30 "$WORK/logs/build-gateway.log" >&2; die "gateway build failed"; }
    log "building bench/PlainYarp (Release)"
    dotnet build "$BENCH_DIR/PlainYarp" -c Release -nologo -v q >"$WORK/logs/build-yarp.log" 2>&1 ||
        { tail -30 "$WORK/logs/build-yarp.log" >&2; die "PlainYarp build failed"; }
    dotnet build "$BENCH_DIR/AllocProbe" -c Release -nologo -v q >"$WORK/logs/build-probe.log" 2>&1 ||
        { tail -30 "$WORK/logs/build-probe.log" >&2; die "AllocProbe build failed"; }
}

# ---------------------------------------------------------------- processes
free_port() {
    python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'
}

# render TEMPLATE OUT name=value...: replaces @NAME@ placeholders.
render() {
    local tmpl=$1 out=$2; shift 2
    local args=()
    for kv in "$@"; do args+=(-e "s|@${kv%%=*}@|${kv#*=}|g"); done
    sed "${args[@]}" "$tmpl" >"$out"
}

wait_200() { # name url [timeout_s]
    local name=$1 url=$2 deadline=$((SECONDS + ${3:-60}))
    until [[ $(curl -s -o /dev/null -w '%{http_code}' --max-time 2 "$url" || true) == 200 ]]; do
        if ((SECONDS > deadline)); then
            tail -20 "$WORK/logs/$name.log" >&2 || true
            die "$name did not answer 200 on $url; log: $WORK/logs/$name.log"
        fi
        if [[ -n ${PID[$name]:-} ]] && ! kill -0 "${PID[$name]}" 2>/dev/null; then
            tail -20 "$WORK/logs/$name.log" >&2 || true
            die "$name exited before answering $url; log: $WORK/logs/$name.log"
        fi
        sleep 0.1
    done
}

spawn() { # name cmd...: starts in the background, records the pid
    local name=$1; shift
    "$@" >"$WORK/logs/$name.log" 2>&1 &
    PID[$name]=$!
    ALL_PIDS+=($!)
}

stop() { # name
    local pid=${PID[$1]:-}
    [[ -n $pid ]] || return 0
    kill "$pid" 2>/dev/null || true
    for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -9 "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
    unset "PID[$1]"
}

start_upstream() {
    [[ -n ${PORT[direct]:-} ]] || PORT[direct]=$(free_port)
    head -c 16384 /dev/zero | tr '\0' 'a' >"$WORK/www/16k"
    render "$BENCH_DIR/conf/upstream.nginx.conf.tmpl" "$WORK/upstream.nginx.conf" PORT="${PORT[direct]}" WORKERS="$NPROC" DIR="$WORK"
    spawn direct nginx -p "$WORK" -c "$WORK/upstream.nginx.conf" -e "$WORK/logs/direct.error.log"
    wait_200 direct "http://127.0.0.1:${PORT[direct]}/get" 20
    [[ $(curl -s "http://127.0.0.1:${PORT[direct]}/16k" | wc -c) -eq 16384 ]] || die "upstream /16k is not 16 KiB"
}

gateway_cmd() { echo dotnet "${2:-$GATEWAY_DLL}" -c "$1" --log-level warning; }
# Under load the .NET proxies carry bench/AllocProbe (a startup hook) so measure() can read allocations.
probe_env() { echo env DOTNET_STARTUP_HOOKS="$PROBE_DLL" ALLOC_PROBE_FILE="$WORK/alloc.$1"; }

HTTPCALL_NOTE=""
start_proxy() { # name
    local name=$1 port
    [[ $name == direct ]] && return 0
    port=$(free_port)
    PORT[$name]=$port
    local up=${PORT[direct]}
    case $name in
        gateway | httpcall | filters | base | base2)
            # base (base2): the same pass-through config on another build ($BASE_DLL, $BASE2_DLL; see bench/build-base.sh), side by side.
            # filters: pass-through with cors + local_ratelimit + compressor configured.
            local tmpl=passthrough dll=$GATEWAY_DLL
            [[ $name == httpcall ]] && tmpl=httpcall
            [[ $name == filters ]] && tmpl=filters
            if [[ $name == base ]]; then
                [[ -n ${BASE_DLL:-} && -f ${BASE_DLL:-} ]] || die "proxy 'base' needs BASE_DLL=path/to/Gateway.dll (bench/build-base.sh REF prints one)"
                dll=$BASE_DLL
            elif [[ $name == base2 ]]; then
                [[ -n ${BASE2_DLL:-} && -f ${BASE2_DLL:-} ]] || die "proxy 'base2' needs BASE2_DLL=path/to/Gateway.dll (bench/build-base.sh REF prints one)"
                dll=$BASE2_DLL
            fi
            render "$BENCH_DIR/conf/$tmpl.envoy.yaml.tmpl" "$WORK/$name.envoy.yaml" PORT="$port" ADMIN_PORT="$(free_port)" UPSTREAM_PORT="$up"
            if [[ $name == httpcall ]] && ! dotnet "$GATEWAY_DLL" --mode validate -c "$WORK/httpcall.envoy.yaml" >"$WORK/logs/httpcall.validate.log" 2>&1; then
                HTTPCALL_NOTE="http-call: not available in this build (the gateway refused the config: $(head -1 "$WORK/logs/httpcall.validate.log" | sed "s|$WORK/||" | cut -c1-220))"
                log "$HTTPCALL_NOTE"
                return 1
            fi
            spawn "$name" $(probe_env "$name") $(gateway_cmd "$WORK/$name.envoy.yaml" "$dll") ;;
        gen0 | server)
            # The JIT build with another GC setting, same config: gen0 = a 64 MiB gen0 budget
            # (DOTNET_GCgen0size; runtimeconfig cannot carry it for the JIT runtime), server = server GC.
            render "$BENCH_DIR/conf/passthrough.envoy.yaml.tmpl" "$WORK/$name.envoy.yaml" PORT="$port" ADMIN_PORT="$(free_port)" UPSTREAM_PORT="$up"
            local gc=DOTNET_GCgen0size=0x4000000
            [[ $name == server ]] && gc=DOTNET_gcServer=1
            spawn "$name" env "$gc" $(probe_env "$name") $(gateway_cmd "$WORK/$name.envoy.yaml") ;;
        var1 | var2 | var3)
            # This build (or \$VARn_DLL, or the native \$VARn_BIN) with extra environment from \$VARn_ENV ("K=V K=V"), same pass-through config:
            # runtime / transport knobs side by side without a rebuild.
            local vn=${name^^} vdll vargs
            vdll=${vn}_DLL; vdll=${!vdll:-$GATEWAY_DLL}
            vargs=${vn}_ENV; vargs=${!vargs:-}
            render "$BENCH_DIR/conf/passthrough.envoy.yaml.tmpl" "$WORK/$name.envoy.yaml" PORT="$port" ADMIN_PORT="$(free_port)" UPSTREAM_PORT="$up"
            local vbin=${vn}_BIN; vbin=${!vbin:-}   # VARn_BIN: a native (AOT) binary instead, no alloc figures
            # shellcheck disable=SC2086
            if [[ -n $vbin ]]; then spawn "$name" env $vargs "$vbin" -c "$WORK/$name.envoy.yaml" --log-level warning
            else spawn "$name" env $vargs $(probe_env "$name") $(gateway_cmd "$WORK/$name.envoy.yaml" "$vdll"); fi ;;
        aot | aotgen0)
            # The Native AOT binary ($AOT_BIN, e.g. from bench/aot-publish.sh): no startup hooks, so no alloc figures.
            # aotgen0: the same binary with a 64 MiB gen0 budget from the environment (whatever the binary has built in).
            [[ -n ${AOT_BIN:-} && -x ${AOT_BIN:-} ]] || die "proxy '$name' needs AOT_BIN=path/to/published/Gateway (bench/aot-publish.sh prints one)"
            render "$BENCH_DIR/conf/passthrough.envoy.yaml.tmpl" "$WORK/$name.envoy.yaml" PORT="$port" ADMIN_PORT="$(free_port)" UPSTREAM_PORT="$up"
            local aotenv=AOT_BENCH=1
            [[ $name == aotgen0 ]] && aotenv=DOTNET_GCgen0size=4000000   # the AOT runtime reads hex without 0x
            spawn "$name" env "$aotenv" "$AOT_BIN" -c "$WORK/$name.envoy.yaml" --log-level warning ;;
        yarp) spawn yarp $(probe_env yarp) dotnet "$YARP_DLL" --urls "http://127.0.0.1:$port" --upstream "http://127.0.0.1:$up/" ;;
        nginx)
            render "$BENCH_DIR/conf/proxy.nginx.conf.tmpl" "$WORK/proxy.nginx.conf" PORT="$port" UPSTREAM_PORT="$up" WORKERS="$NPROC" DIR="$WORK"
            spawn nginx nginx -p "$WORK" -c "$WORK/proxy.nginx.conf" -e "$WORK/logs/nginx.error.log" ;;
        gateway-tcp)
            render "$BENCH_DIR/conf/tcp.envoy.yaml.tmpl" "$WORK/gateway-tcp.envoy.yaml" PORT="$port" ADMIN_PORT="$(free_port)" UPSTREAM_PORT="$up"
            spawn gateway-tcp $(gateway_cmd "$WORK/gateway-tcp.envoy.yaml") ;;
        haproxy-tcp)
            render "$BENCH_DIR/conf/haproxy-tcp.cfg.tmpl" "$WORK/haproxy-tcp.cfg" PORT="$port" UPSTREAM_PORT="$up" WORKERS="$NPROC"
            spawn haproxy-tcp haproxy -db -f "$WORK/haproxy-tcp.cfg" ;;
        haproxy)
            render "$BENCH_DIR/conf/haproxy.cfg.tmpl" "$WORK/haproxy.cfg" PORT="$port" UPSTREAM_PORT="$up" WORKERS="$NPROC"
            spawn haproxy haproxy -db -f "$WORK/haproxy.cfg" ;;
        *) die "unknown proxy '$name'; known: gateway httpcall filters base base2 var1 var2 var3 gen0 server aot aotgen0 yarp nginx haproxy direct" ;;
    esac
    if [[ $name == httpcall ]]; then
        local deadline=$((SECONDS + 60)) code=
        while ((SECONDS < deadline)); do
            code=$(curl -s -o /dev/null -w '%{http_code}' --max-time 5 "http://127.0.0.1:$port/get" || true)
            [[ $code == 200 ]] && break
            kill -0 "${PID[httpcall]}" 2>/dev/null || break
            sleep 0.2
        done
        if [[ $code != 200 ]]; then
            HTTPCALL_NOTE="http-call: not available in this build (the gateway answered ${code:-nothing} with the http-call filter on: $(tail -c 300 "$WORK/logs/httpcall.log" | tr '\n' ' '))"
            log "$HTTPCALL_NOTE"
            stop httpcall
            return 1
        fi
        return 0
    fi
    wait_200 "$name" "http://127.0.0.1:$port/get" 60
    # RSS once started: 1 s after the first 200, before any load.
    sleep 1
    echo -e "$name\t$(rss_kb "${PID[$name]}")" >>"$WORK/rss_start.tsv"
}

# Process tree of a pid (nginx master + workers), for RSS and CPU.
tree_pids() { local p=$1; echo "$p"; for c in $(pgrep -P "$p" 2>/dev/null); do tree_pids "$c"; done; }
rss_kb() { local t=0 v; for p in $(tree_pids "$1"); do v=$(awk '/^VmRSS/{print $2}' "/proc/$p/status" 2>/dev/null || echo 0); t=$((t + ${v:-0})); done; echo $t; }
cpu_ticks() { local t=0 v; for p in $(tree_pids "$1"); do v=$(awk '{print $14+$15}' "/proc/$p/stat" 2>/dev/null || echo 0); t=$((t + ${v:-0})); done; echo $t; }
CLK_TCK=$(getconf CLK_TCK)

scenario_path() { case $1 in get | cps) echo /get ;; 16k) echo /16k ;; 1m) echo /1m ;; post) echo /post ;; *) die "unknown scenario '$1'" ;; esac; }
scenario_script() { case $1 in post) echo "$BENCH_DIR/post1k.lua" ;; 1m | cps) echo "$BENCH_DIR/tcp.lua" ;; *) echo "$BENCH_DIR/get.lua" ;; esac; }

# measure proxy scenario conns duration
#   -> "rps p50_us p99_us errors cpu_us_per_req max_rss_kb alloc_bytes_per_req gen0_gcs gen2_gcs" (- when not .NET)
measure() {
    local name=$1 scen=$2 conns=$3 dur=$4 pid=${PID[$1]:-} out rss=0 c0=0 c1=0
    local url="http://127.0.0.1:${PORT[$name]}$(scenario_path "$scen")"
    [[ $name == direct ]] && pid=${PID[direct]}
    c0=$(cpu_ticks "$pid")
    local probe=$WORK/alloc.$name a0="" a1=""
    [[ -f $probe ]] && a0=$(cat "$probe")
    CLOSE=$([[ $scen == cps ]] && echo 1 || echo 0) \
        wrk -t "$WRK_THREADS" -c "$conns" -d "${dur}s" --timeout 10s -s "$(scenario_script "$scen")" "$url" >"$WORK/wrk.out" 2>&1 &
    local wrk_pid=$!
    ALL_PIDS+=($wrk_pid)
    while kill -0 $wrk_pid 2>/dev/null; do
        local r; r=$(rss_kb "$pid"); ((r > rss)) && rss=$r
        sleep 0.5
    done
    wait $wrk_pid || true
    c1=$(cpu_ticks "$pid")
    if [[ -n $a0 ]]; then sleep 0.3; a1=$(cat "$probe"); fi
    out=$(grep '^RESULT' "$WORK/wrk.out" || true)
    [[ -n $out ]] || { cat "$WORK/wrk.out" >&2; die "wrk gave no result for $name $scen c=$conns"; }
    local rps p50 p99 req err
    rps=$(sed -E 's/.*rps=([0-9.]+).*/\1/' <<<"$out"); p50=$(sed -E 's/.*p50_us=([0-9]+).*/\1/' <<<"$out")
    p99=$(sed -E 's/.*p99_us=([0-9]+).*/\1/' <<<"$out"); req=$(sed -E 's/.*requests=([0-9]+).*/\1/' <<<"$out")
    err=$(sed -E 's/.* errors=([0-9]+).*/\1/' <<<"$out")
    local cpu_us=0
    ((req > 0)) && cpu_us=$(awk -v d=$((c1 - c0)) -v t="$CLK_TCK" -v n="$req" 'BEGIN{printf "%.1f", d/t*1e6/n}')
    local alloc="- - -"
    if [[ -n $a0 && -n $a1 && $req -gt 0 ]]; then
        alloc=$(awk -v a="$a0" -v b="$a1" -v n="$req" 'BEGIN{split(a,x," "); split(b,y," "); printf "%.0f %d %d", (y[1]-x[1])/n, y[2]-x[2], y[4]-x[4]}')
    fi
    if [[ $out == *mbps=* ]]; then # tcp.lua (bench/run.sh tcp): MB/s read as an extra last field
        echo "$rps $p50 $p99 $err $cpu_us $rss $alloc $(sed -E 's/.*mbps=([0-9.]+).*/\1/' <<<"$out")"
    else
        echo "$rps $p50 $p99 $err $cpu_us $rss $alloc"
    fi
}

machine_tsv() {
    {
        echo -e "nproc\t$NPROC"
        echo -e "cpu\t$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//')"
        echo -e "memory\t$(awk '/MemTotal/{printf "%.1f GiB", $2/1048576}' /proc/meminfo)"
        echo -e "dotnet\t$(dotnet --version) (runtime $(dotnet --list-runtimes | awk '/Microsoft.NETCore.App/{v=$2} END{print v}'))"
        echo -e "kernel\t$(uname -r)"
        echo -e "wrk\t$(wrk -v 2>&1 | head -1 | awk '{print $2}')"
        echo -e "nginx\t$(nginx -v 2>&1 | sed 's/.*nginx\///')"
        echo -e "haproxy\t$(haproxy -v | head -1 | awk '{print $3}')"
        echo -e "date\t$(date -u '+%Y-%m-%d %H:%M UTC')"
        echo -e "commit\t$(git -C "$REPO" rev-parse --short HEAD 2>/dev/null || echo '?')"
        echo -e "load average at start\t$(cut -d' ' -f1-3 /proc/loadavg) (other work on the machine skews absolute figures; alternation + medians keep ratios fairer)"
        if [[ $MODE == soak ]]; then
            echo -e "settings\t${SOAK_MINUTES} min at $SOAK_CONNECTIONS connections, ${SOAK_SEGMENT}s segments, wrk -t $WRK_THREADS"
        else
            echo -e "settings\tduration ${DURATION}s x ${ROUNDS} rounds (median), warm-up ${WARMUP}s per scenario, wrk -t $WRK_THREADS, connections: $CONNECTIONS"
        fi
    } >"$WORK/machine.tsv"
}

# ---------------------------------------------------------------- full run
run_full() {
    ensure_tools
    build
    machine_tsv
    start_upstream
    local proxies=()
    for p in $PROXIES; do
        if start_proxy "$p"; then proxies+=("$p"); fi
    done
    log "proxies up: ${proxies[*]} (upstream nginx on ${PORT[direct]})"

    log "warm-up: ${WARMUP}s per proxy and scenario"
    for p in "${proxies[@]}"; do for s in $SCENARIOS; do measure "$p" "$s" 32 "$WARMUP" >/dev/null; done; done

    : >"$WORK/load.tsv"
    for c in $CONNECTIONS; do
        for s in $SCENARIOS; do
            for r in $(seq "$ROUNDS"); do
                for p in "${proxies[@]}"; do
                    local m; m=$(measure "$p" "$s" "$c" "$DURATION")
                    echo -e "$s\t$c\t$p\t$r\t${m// /$'\t'}" >>"$WORK/load.tsv"
                    log "$s c=$c round $r $p: $m"
                done
            done
        done
    done
    for p in "${proxies[@]}"; do [[ $p == direct ]] || stop "$p"; done

    log "start-up to first proxied 200: gateway vs plain YARP, $STARTUP_RUNS runs each"
    : >"$WORK/startup.tsv"
    local gport yport
    gport=$(free_port); yport=$(free_port)
    render "$BENCH_DIR/conf/passthrough.envoy.yaml.tmpl" "$WORK/startup.envoy.yaml" PORT="$gport" ADMIN_PORT="$(free_port)" UPSTREAM_PORT="${PORT[direct]}"
    for r in $(seq "$STARTUP_RUNS"); do
        local ms
        ms=$(python3 "$BENCH_DIR/startup.py" 60 "http://127.0.0.1:$gport/get" -- $(gateway_cmd "$WORK/startup.envoy.yaml")) || die "gateway start-up run failed"
        echo -e "gateway\t$r\t$ms" >>"$WORK/startup.tsv"
        ms=$(python3 "$BENCH_DIR/startup.py" 60 "http://127.0.0.1:$yport/get" -- dotnet "$YARP_DLL" --urls "http://127.0.0.1:$yport" --upstream "http://127.0.0.1:${PORT[direct]}/") || die "PlainYarp start-up run failed"
        echo -e "yarp\t$r\t$ms" >>"$WORK/startup.tsv"
        if [[ " $PROXIES " == *" aot "* ]]; then
            ms=$(python3 "$BENCH_DIR/startup.py" 60 "http://127.0.0.1:$gport/get" -- "$AOT_BIN" -c "$WORK/startup.envoy.yaml" --log-level warning) || die "AOT start-up run failed"
            echo -e "aot\t$r\t$ms" >>"$WORK/startup.tsv"
        fi
    done

    log "routing cost: $ROUTE_COUNTS routes"
    : >"$WORK/routes.tsv"
    local names=()
    for n in $ROUTE_COUNTS; do
        local name=routes$n port=$(free_port) admin=$(free_port)
        python3 "$BENCH_DIR/gen-routes.py" "$n" "$port" "$admin" "${PORT[direct]}" "$WORK/$name.envoy.yaml"
        for r in $(seq "$STARTUP_RUNS"); do
            local t0 t1 ms
            t0=$(date +%s%N)
            dotnet "$GATEWAY_DLL" --mode validate -c "$WORK/$name.envoy.yaml" >"$WORK/logs/$name.validate.log" 2>&1 ||
                { cat "$WORK/logs/$name.validate.log" >&2; die "gateway refused the $n-route config"; }
            t1=$(date +%s%N)
            ms=$(python3 "$BENCH_DIR/startup.py" 60 "http://127.0.0.1:$port/get" -- $(gateway_cmd "$WORK/$name.envoy.yaml")) || die "gateway with $n routes did not start"
            echo -e "$n\tvalidate\t$r\t$(((t1 - t0) / 1000000))" >>"$WORK/routes.tsv"
            echo -e "$n\tstartup\t$r\t$ms" >>"$WORK/routes.tsv"
        done
        PORT[$name]=$port
        spawn "$name" $(probe_env "$name") $(gateway_cmd "$WORK/$name.envoy.yaml")
        wait_200 "$name" "http://127.0.0.1:$port/get" 60
        names+=("$name")
    done
    for name in "${names[@]}"; do measure "$name" get 32 "$WARMUP" >/dev/null; done
    for r in $(seq "$ROUNDS"); do
        for name in "${names[@]}"; do
            local m; m=$(measure "$name" get 32 "$DURATION")
            echo -e "${name#routes}\trps\t$r\t${m%% *}" >>"$WORK/routes.tsv"
            log "routes ${name#routes} round $r: $m"
        done
    done
    for name in "${names[@]}"; do stop "$name"; done

    local results=${RESULTS:-$BENCH_DIR/RESULTS.md}
    echo -e "load average at end\t$(cut -d' ' -f1-3 /proc/loadavg)" >>"$WORK/machine.tsv"
    echo "$HTTPCALL_NOTE" >"$WORK/notes.txt"
    python3 "$BENCH_DIR/report.py" "$WORK" "$results"
    log "wrote $results"
}

# ---------------------------------------------------------------- pair: CPU per request, proxies loaded at once
# Each round loads every proxy in PROXIES at the same time (one single-threaded wrk each, PAIR_CONNECTIONS
# connections), so whatever else runs on the machine during that round hits all of them alike; the per-round
# ratio of CPU per request to the first proxy is what is compared (median over ROUNDS). Interleaved rounds
# (the full run) see a different machine each; on a shared 2-core box that spread is larger than the effects.
run_pair() {
    ensure_tools
    build
    machine_tsv
    start_upstream
    local proxies=() p s r
    for p in $PROXIES; do
        if start_proxy "$p"; then proxies+=("$p"); fi
    done
    log "proxies up: ${proxies[*]}; warm-up ${WARMUP}s per proxy and scenario"
    for p in "${proxies[@]}"; do for s in $SCENARIOS; do measure "$p" "$s" 32 "$WARMUP" >/dev/null; done; done
    local out=${PAIR_OUT:-$WORK/pair.tsv}
    : >"$out"
    for s in $SCENARIOS; do
        for r in $(seq "$ROUNDS"); do
            local -A c0=() wp=()
            for p in "${proxies[@]}"; do c0[$p]=$(cpu_ticks "${PID[$p]}"); done
            for p in "${proxies[@]}"; do
                wrk -t 1 -c "${PAIR_CONNECTIONS:-16}" -d "${DURATION}s" --timeout 10s -s "$(scenario_script "$s")" \
                    "http://127.0.0.1:${PORT[$p]}$(scenario_path "$s")" >"$WORK/wrk.$p.out" 2>&1 &
                wp[$p]=$!
                ALL_PIDS+=($!)
            done
            for p in "${proxies[@]}"; do wait "${wp[$p]}" || true; done
            local line="$s\t$r" first=""
            for p in "${proxies[@]}"; do
                local c1 res req rps cpu
                c1=$(cpu_ticks "${PID[$p]}")
                res=$(grep '^RESULT' "$WORK/wrk.$p.out" || true)
                [[ -n $res ]] || { cat "$WORK/wrk.$p.out" >&2; die "wrk gave no result for $p $s"; }
                req=$(sed -E 's/.*requests=([0-9]+).*/\1/' <<<"$res"); rps=$(sed -E 's/.*rps=([0-9.]+).*/\1/' <<<"$res")
                cpu=$(awk -v d=$((c1 - c0[$p])) -v t="$CLK_TCK" -v n="$req" 'BEGIN{printf "%.1f", (n > 0 ? d/t*1e6/n : 0)}')
                [[ -n $first ]] || first=$cpu
                line+="\t$p\t$rps\t$cpu\t$(awk -v a="$cpu" -v b="$first" 'BEGIN{printf "%.3f", (b > 0 ? a/b : 0)}')"
            done
            echo -e "$line" >>"$out"
            log "pair $s round $r: $(echo -e "$line" | cut -f3-)"
        done
    done
    echo -e "load average at end\t$(cut -d' ' -f1-3 /proc/loadavg)" >>"$WORK/machine.tsv"
    python3 - "$out" <<'PY'
import sys, statistics as st, collections
ratios, cpus, rpss, order = collections.defaultdict(list), collections.defaultdict(list), collections.defaultdict(list), []
for line in open(sys.argv[1]):
    f = line.rstrip("\n").split("\t")
    for i in range(2, len(f), 4):
        k = (f[0], f[i]); order.append(k) if k not in order else None
        rpss[k].append(float(f[i + 1])); cpus[k].append(float(f[i + 2])); ratios[k].append(float(f[i + 3]))
print("| scenario | proxy | req/s (median) | CPU us/req (median) | CPU/req vs first, per round | median ratio |")
print("|---|---|---|---|---|---|")
for k in order:
    print(f"| {k[0]} | {k[1]} | {st.median(rpss[k]):,.0f} | {st.median(cpus[k]):.1f} | {', '.join(f'{x:.2f}' for x in ratios[k])} | **{st.median(ratios[k]):.2f}x** |")
PY
}

# ---------------------------------------------------------------- tcp_proxy vs HAProxy mode tcp
# Both relay bytes to the nginx upstream: "1m" = GET of a 1 MiB file over keep-alive connections
# (throughput, MB/s read by wrk), "cps" = GET /get with Connection: close (one TCP connection per
# request through the proxy, connections/s). Rounds alternate between the proxies.
run_tcp() {
    ensure_tools
    build
    machine_tsv
    head -c 1048576 /dev/zero | tr '\0' 'b' >"$WORK/www/1m"
    start_upstream
    local proxies=(gateway-tcp haproxy-tcp direct) p
    for p in gateway-tcp haproxy-tcp; do start_proxy "$p"; done
    : >"$WORK/tcp.tsv"
    for p in "${proxies[@]}"; do measure "$p" 1m 8 "$WARMUP" >/dev/null; measure "$p" cps 32 "$WARMUP" >/dev/null; done
    for r in $(seq "$ROUNDS"); do
        for s in "1m 8" "1m 64" "cps 32"; do
            for p in "${proxies[@]}"; do
                local m; m=$(measure "$p" ${s% *} ${s#* } "$DURATION")
                echo -e "${s% *}\t${s#* }\t$p\t$r\t${m// /$'\t'}" >>"$WORK/tcp.tsv"
                log "tcp ${s% *} c=${s#* } round $r $p: $m"
            done
        done
    done
    echo -e "load average at end\t$(cut -d' ' -f1-3 /proc/loadavg)" >>"$WORK/machine.tsv"
    local results=${RESULTS:-$BENCH_DIR/RESULTS.md}
    python3 "$BENCH_DIR/report.py" tcp "$WORK" "$results"
    log "wrote the TCP section of $results"
}

# ---------------------------------------------------------------- soak
run_soak() {
    ensure_tools
    build
    machine_tsv
    start_upstream
    start_proxy gateway
    local admin_port total segs
    admin_port=$(sed -n 's/.*port_value: \([0-9]*\) }.*/\1/p' "$WORK/gateway.envoy.yaml" | head -1)
    total=$((SOAK_MINUTES * 60)); segs=$(((total + SOAK_SEGMENT - 1) / SOAK_SEGMENT))
    log "soak: $SOAK_MINUTES min at $SOAK_CONNECTIONS connections (GET /get), $segs segments of ${SOAK_SEGMENT}s"
    : >"$WORK/soak.tsv"
    for i in $(seq "$segs"); do
        local event=""
        # Events fire in the middle of a segment, in the background, so the segment shows their errors.
        if ((i == segs / 4)); then
            event="config touched (route added)"
            (sleep $((SOAK_SEGMENT / 2)); sed -i 's|- match: { prefix: "/" }|- match: { path: "/soak-touch" }\n                route: { cluster: upstream }\n              - match: { prefix: "/" }|' "$WORK/gateway.envoy.yaml") &
        elif ((i == segs / 2)); then
            event="upstream nginx restarted"
            (sleep $((SOAK_SEGMENT / 2)); kill "${PID[direct]}"; sleep 1
             nginx -p "$WORK" -c "$WORK/upstream.nginx.conf" -e "$WORK/logs/direct.error.log" >>"$WORK/logs/direct.log" 2>&1 & echo $! >"$WORK/upstream2.pid"; wait) &
        elif ((i == 3 * segs / 4)); then
            local code
            code=$(curl -s -o /dev/null -w '%{http_code}' -X POST --max-time 5 "http://127.0.0.1:$admin_port/reload" || true)
            event="POST /reload -> ${code:-no answer}; config touched again"
            touch "$WORK/gateway.envoy.yaml"
        fi
        local m; m=$(measure gateway get "$SOAK_CONNECTIONS" "$SOAK_SEGMENT")
        if [[ -f $WORK/upstream2.pid ]]; then PID[direct]=$(cat "$WORK/upstream2.pid"); ALL_PIDS+=("${PID[direct]}"); rm "$WORK/upstream2.pid"; fi
        echo -e "$((i * SOAK_SEGMENT))\t${m// /$'\t'}\t$event" >>"$WORK/soak.tsv"
        log "soak t=$((i * SOAK_SEGMENT))s: $m $event"
    done
    local results=${RESULTS:-$BENCH_DIR/SOAK.md}
    python3 "$BENCH_DIR/report.py" --soak "$WORK" "$results"
    log "wrote $results"
}

# ---------------------------------------------------------------- allocation profile
run_alloc() {
    ensure_tools
    build
    local tools=${BENCH_TOOLS:-$HOME/.cache/gateway-bench/tools} report_dll=$BENCH_DIR/AllocReport/bin/Release/net10.0/AllocReport.dll
    if [[ ! -x $tools/dotnet-trace ]]; then
        log "installing dotnet-trace into $tools"
        dotnet tool install dotnet-trace --version "${DOTNET_TRACE_VERSION:-10.0.750501}" --tool-path "$tools" >"$WORK/logs/dotnet-trace-install.log" 2>&1 ||
            { tail -5 "$WORK/logs/dotnet-trace-install.log" >&2; die "could not install dotnet-trace"; }
    fi
    dotnet build "$BENCH_DIR/AllocReport" -c Release -nologo -v q >"$WORK/logs/build-allocreport.log" 2>&1 ||
        { tail -30 "$WORK/logs/build-allocreport.log" >&2; die "AllocReport build failed"; }
    machine_tsv
    start_upstream
    local out=${RESULTS:-$BENCH_DIR/ALLOC.md}
    {
        echo "# Allocation profile: managed types allocated per request"
        echo
        echo "Produced by \`bench/run.sh alloc\`: \`dotnet-trace collect --profile gc-verbose\` while wrk runs (32 connections), then"
        echo "bench/AllocReport sums the AllocationTick samples (one per ~100 KB allocated, naming the type) per"
        echo "type and divides by the requests wrk counted. A sample, so small types are approximate."
        echo
        awk -F'\t' '{print "- " $1 ": " $2}' "$WORK/machine.tsv"
        echo
    } >"$out"
    for scen in ${ALLOC_SCENARIOS:-get post}; do
        for p in ${ALLOC_PROXIES:-gateway yarp}; do
            [[ -n ${PID[$p]:-} ]] || start_proxy "$p" || continue
            measure "$p" "$scen" 32 "$WARMUP" >/dev/null
            "$tools/dotnet-trace" collect -p "${PID[$p]}" --profile gc-verbose --duration "00:00:00:$((DURATION + 3))" \
                -o "$WORK/$p-$scen.nettrace" >"$WORK/logs/trace-$p-$scen.log" 2>&1 &
            local tracer=$!
            sleep 1.5
            measure "$p" "$scen" 32 "$DURATION" >/dev/null
            wait $tracer || { tail -5 "$WORK/logs/trace-$p-$scen.log" >&2; die "dotnet-trace failed for $p"; }
            local req; req=$(sed -nE 's/.*requests=([0-9]+).*/\1/p' "$WORK/wrk.out")
            log "alloc profile $p $scen: $req requests"
            { echo "## ${p} ${scen}"; echo; echo '```'; dotnet "$report_dll" "$WORK/$p-$scen.nettrace" "$req" "${ALLOC_TOP:-20}"; echo '```'; echo; } >>"$out"
        done
    done
    cat "$out"
    log "wrote $out"
}

case $MODE in
    full) run_full ;;
    soak) run_soak ;;
    alloc) run_alloc ;;
    tcp) run_tcp ;;
    pair) run_pair ;;
esac
