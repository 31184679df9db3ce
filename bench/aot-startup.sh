#!/bin/bash
# Start-up and memory of one gateway build, on a direct_response config (no upstream): the time from
# exec to the first 200, RSS 1 s after it, and RSS after 2000 sequential requests over one curl.
# usage: bench/aot-startup.sh <label> <command...>   (run from a directory holding bench.yaml:
#   deploy/docker/envoy.yaml with the listener on 18611 and the admin on 19611)
# e.g. bench/aot-startup.sh AOT /tmp/aot/Gateway ; bench/aot-startup.sh JIT dotnet src/Gateway/bin/Release/net10.0/Gateway.dll
label=$1; shift
start=$(date +%s%N)
"$@" -c bench.yaml --disable-hot-reload 2>/dev/null &
pid=$!
until curl -sf -o /dev/null http://127.0.0.1:18611/; do sleep 0.005; done
t=$(( ($(date +%s%N) - start) / 1000000 ))
sleep 1
rss=$(awk '/VmRSS/{print $2}' /proc/$pid/status)
for i in $(seq 1 2000); do echo "url = \"http://127.0.0.1:18611/\""; done > urls.txt
s2=$(date +%s%N); curl -s -K urls.txt > /dev/null; d=$(( ($(date +%s%N) - s2) / 1000000 ))
rss2=$(awk '/VmRSS/{print $2}' /proc/$pid/status)
echo "$label first200_ms=$t rss_start_kb=$rss rss_after_2000_req_kb=$rss2 2000_sequential_req_ms=$d"
curl -s -X POST http://127.0.0.1:19611/quitquitquit >/dev/null; wait $pid
