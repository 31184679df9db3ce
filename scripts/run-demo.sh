#!/usr/bin/env bash
# Runs the gateway with config/envoy.yaml in front of the bundled demo upstream (127.0.0.1:8000).
# Then: curl -i localhost:10000/get   (admin: curl localhost:9901/ready)
set -euo pipefail
cd "$(dirname "$0")/.."
dotnet build Gateway.sln -c Release -nologo -v quiet
dotnet samples/DemoUpstream/bin/Release/net10.0/DemoUpstream.dll --urls http://127.0.0.1:8000 &
upstream=$!
trap 'kill $upstream 2>/dev/null || true' EXIT INT TERM
exec_args=(-c config/envoy.yaml "$@")
dotnet src/Gateway/bin/Release/net10.0/Gateway.dll "${exec_args[@]}"
