# Sourced by bench/aot-compare.sh and bench/aot-profile.sh: a scratch directory removed on exit with every process
# in PIDS, free_port, render (@KEY@ templates), and start_upstream, which starts the loopback nginx upstream
# (bench/conf/upstream.nginx.conf.tmpl, one worker per core) on a free port, sets UP to it and waits for it.
# Needs BENCH_DIR and NPROC; the caller names the scratch directory: loopback_scratch <name>.
loopback_scratch() {
    WORK=$(mktemp -d "/tmp/$1.XXXXXX")
    mkdir -p "$WORK/nginx-tmp" "$WORK/www"; chmod 755 "$WORK" "$WORK/www"; chmod 1777 "$WORK/nginx-tmp"
    PIDS=()
    trap cleanup EXIT
}
cleanup() { for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done; sleep 0.3; rm -rf "$WORK"; }
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'; }
render() { local t=$1 o=$2; shift 2; local a=(); for kv in "$@"; do a+=(-e "s|@${kv%%=*}@|${kv#*=}|g"); done; sed "${a[@]}" "$t" >"$o"; }
start_upstream() {
    UP=$(free_port)
    render "$BENCH_DIR/conf/upstream.nginx.conf.tmpl" "$WORK/up.conf" PORT="$UP" WORKERS="$NPROC" DIR="$WORK"
    nginx -p "$WORK" -c "$WORK/up.conf" -e "$WORK/up.err" >/dev/null 2>&1 & PIDS+=($!)
    until curl -sf -o /dev/null "http://127.0.0.1:$UP/get"; do sleep 0.1; done
}
