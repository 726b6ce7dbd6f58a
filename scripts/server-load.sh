#!/usr/bin/env bash
# Load test of the server on loopback (docs/server.md): starts the built server on a fresh data folder, runs
# scripts/server-load.py (RUNS small toy runs from CLIENTS concurrent clients), stops the server.
# Usage: scripts/server-load.sh [RUNS=200] [CLIENTS=20] [WORKERS=2]
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
runs="${1:-200}"; clients="${2:-20}"; workers="${3:-2}"
port=5391
data="$(mktemp -d)"
dotnet "$here/hosts/Diffusion.Server/bin/Release/net10.0/diffusion-server.dll" --urls "http://127.0.0.1:$port" \
  --Server:DataDirectory "$data" --Server:PipelineDirectory "$here/pipelines" --Server:Workers "$workers" \
  --Server:MaxQueuedRuns 1000 --Diffusion:Device cpu --Logging:LogLevel:Default Warning &
server=$!
trap 'kill $server 2>/dev/null; wait $server 2>/dev/null; rm -rf "$data"' EXIT
for _ in $(seq 1 120); do curl -sf "http://127.0.0.1:$port/v1/health" >/dev/null && break; sleep 0.5; done
python3 "$here/scripts/server-load.py" "http://127.0.0.1:$port" "$runs" "$clients"
