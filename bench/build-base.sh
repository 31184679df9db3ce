#!/usr/bin/env bash
# Builds the gateway at another commit (default: the parent of HEAD) in a temporary worktree and prints
# the path of its Gateway.dll, for a side-by-side run:
#   BASE_DLL=$(bench/build-base.sh HEAD~3) PROXIES="base gateway filters direct" bench/run.sh
set -euo pipefail
REF=${1:-HEAD~1}
REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
DIR=/tmp/gateway-base-$(git -C "$REPO" rev-parse --short "$REF")
if [[ ! -d $DIR ]]; then
    git -C "$REPO" worktree add --detach "$DIR" "$REF" >&2
fi
dotnet build "$DIR/src/Gateway" -c Release -nologo -v q >&2
echo "$DIR/src/Gateway/bin/Release/net10.0/Gateway.dll"
