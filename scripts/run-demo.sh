#!/usr/bin/env bash
# Runs the gateway with config/envoy.yaml in front of the bundled demo upstream (127.0.0.1:8000).
# Then: curl -i localhost:10000/get   (admin: curl localhost:9901/ready)
# Ctrl-C, or SIGTERM to this script's PID, stops both the gateway and the upstream.
set -euo pipefail
cd "$(dirname "$0")/.."
if [ -z "${GATEWAY_DEMO_NO_BUILD:-}" ]; then
  dotnet build Gateway.sln -c Release -nologo -v quiet
fi
upstream=""; gateway=""
stop() {
  trap - EXIT INT TERM
  # The gateway first (it drains and flushes its access log), then the upstream it was calling.
  [ -n "$gateway" ] && kill -TERM "$gateway" 2>/dev/null && wait "$gateway" 2>/dev/null
  [ -n "$upstream" ] && kill -TERM "$upstream" 2>/dev/null && wait "$upstream" 2>/dev/null
  return 0
}
trap 'stop; exit 130' INT
trap 'stop; exit 143' TERM
trap 'stop' EXIT
dotnet samples/DemoUpstream/bin/Release/net10.0/DemoUpstream.dll --urls "http://127.0.0.1:${DEMO_UPSTREAM_PORT:-8000}" &
upstream=$!
# In the background and waited for, not in the foreground: bash runs a trap only between commands,
# so a foreground gateway would keep SIGTERM to this script from being acted on until it exited.
dotnet src/Gateway/bin/Release/net10.0/Gateway.dll -c config/envoy.yaml "$@" &
gateway=$!
set +e
wait "$gateway"
rc=$?
gateway=""
exit "$rc"
