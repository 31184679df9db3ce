#!/usr/bin/env bash
# Publishes the gateway with Native AOT (linux-x64 unless RID=...) into OUT (default /tmp/gateway-aot) and
# prints the binary's path, for bench/run.sh (AOT_BIN=...) and the test suite (GATEWAY_TEST_BINARY=...):
#   AOT_BIN=$(bench/aot-publish.sh) PROXIES="gateway aot yarp direct" bench/run.sh
# Extra arguments go to dotnet publish (e.g. -p:IlcGenerateMstatFile=true).
# Any trim/AOT analysis warning fails the publish (see src/Gateway/Gateway.csproj).
set -euo pipefail
REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
OUT=${OUT:-/tmp/gateway-aot}
RID=${RID:-linux-x64}
dotnet publish "$REPO/src/Gateway/Gateway.csproj" -c Release -r "$RID" -p:PublishAot=true -o "$OUT" -nologo -v q "$@" >&2
echo "$OUT/Gateway"
