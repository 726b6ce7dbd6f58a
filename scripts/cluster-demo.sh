#!/usr/bin/env bash
# Loopback cluster demo (issue 14, docs/scale.md): starts a private redis-server, three silo processes and the HTTP
# front end, submits RUNS runs of a shipped pipeline (toy2d-sample, each its own seed) from 20 clients that follow each
# run's event stream, then prints per-silo counts, failures, lost runs and duplicates. With --kill-one-after N it
# SIGKILLs one busy silo process after N runs have ended (a real crash: no deactivation, no goodbye). Everything it
# started is stopped on exit (trap), whatever happens.
# Usage: scripts/cluster-demo.sh [RUNS=100] [--kill-one-after N] [--silos 3] [--workers 1] [--clients 20]
#          [--pipeline toy2d-sample] [--seed-param sample.params.seed] [--set node.params.k=v ...]
# CLUSTER_DEMO_LOGS=dir keeps the processes' logs there.
# Needs: dotnet build hosts/Diffusion.Cluster -c Release; redis-server (apt-get install -y redis-server).
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
runs=100; kill_after=""; silos=3; workers=1; clients=20; pipeline=toy2d-sample; seed_param=sample.params.seed; sets=()
while [ $# -gt 0 ]; do
  case "$1" in
    --kill-one-after) kill_after="$2"; shift 2 ;;
    --silos) silos="$2"; shift 2 ;;
    --workers) workers="$2"; shift 2 ;;
    --set) sets+=("$2"); shift 2 ;;
    --clients) clients="$2"; shift 2 ;;
    --pipeline) pipeline="$2"; shift 2 ;;
    --seed-param) seed_param="$2"; shift 2 ;;
    [0-9]*) runs="$1"; shift ;;
    *) echo "unknown argument $1 (usage: cluster-demo.sh [RUNS] [--kill-one-after N] [--silos N] [--workers N] [--set k=v])" >&2; exit 2 ;;
  esac
done
dll="$here/hosts/Diffusion.Cluster/bin/Release/net10.0/diffusion-cluster.dll"
[ -f "$dll" ] || { echo "build first: dotnet build hosts/Diffusion.Cluster -c Release" >&2; exit 2; }
command -v redis-server >/dev/null || { echo "redis-server is missing: apt-get install -y redis-server" >&2; exit 2; }

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'; }
data="$(mktemp -d)"; logs="$data/logs"; mkdir -p "$logs"
pids=()
cleanup() {
  status=$?
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done
  if [ $status -ne 0 ]; then echo "--- last log lines (exit $status) ---" >&2; tail -n 5 "$logs"/*.log >&2 || true; fi
  if [ -n "${CLUSTER_DEMO_LOGS:-}" ]; then mkdir -p "$CLUSTER_DEMO_LOGS" && cp "$logs"/*.log "$CLUSTER_DEMO_LOGS"/; fi
  rm -rf "$data"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

redis_port="$(free_port)"
redis-server --port "$redis_port" --bind 127.0.0.1 --save '' --appendonly no >"$logs/redis.log" 2>&1 &
pids+=($!)
for _ in $(seq 1 50); do redis-cli -p "$redis_port" ping >/dev/null 2>&1 && break; sleep 0.1; done
redis="127.0.0.1:$redis_port"
common=(--Cluster:Redis "$redis" --Cluster:FastFailureDetection true --Cluster:ReminderPeriod 00:00:05
        --Server:DataDirectory "$data/shared" --Server:PipelineDirectory "$here/pipelines" --Server:InputRoots:0 "$here/pipelines"
        --Diffusion:Device cpu --Logging:LogLevel:Default Warning)

silo_pids=()
for i in $(seq 1 "$silos"); do
  silo_port="$(free_port)"; gateway_port="$(free_port)"
  dotnet "$dll" silo "${common[@]}" --Cluster:SiloPort "$silo_port" --Cluster:GatewayPort "$gateway_port" \
    --Server:Workers "$workers" --Diffusion:Threads 1 >"$logs/silo$i.log" 2>&1 &
  pids+=($!); silo_pids+=("$!:$silo_port")
done
web_port="$(free_port)"
dotnet "$dll" frontend "${common[@]}" --urls "http://127.0.0.1:$web_port" --Server:MaxQueuedRuns 10000 >"$logs/frontend.log" 2>&1 &
pids+=($!)
base="http://127.0.0.1:$web_port"
for _ in $(seq 1 240); do
  n="$(curl -sf "$base/v1/cluster/workers" 2>/dev/null | python3 -c 'import json,sys; print(len(json.load(sys.stdin)))' 2>/dev/null || echo 0)"
  [ "$n" -ge "$silos" ] && break; sleep 0.5
done
[ "$n" -ge "$silos" ] || { echo "the cluster did not come up ($n of $silos silos reporting)" >&2; exit 1; }
echo "cluster up: redis $redis, $silos silos x $workers workers, front end $base"

status=0
python3 "$here/scripts/cluster-demo.py" "$base" "$runs" "${kill_after:-0}" "${silo_pids[*]}" "$pipeline" "$clients" "$seed_param" "${sets[@]+"${sets[@]}"}" || status=$?
# What the store did: Redis commands over the whole demo (start-up, membership, runs) and the memory it holds.
redis-cli -p "$redis_port" info stats | awk -F: -v runs="$runs" '/^total_commands_processed/ { printf "redis: %d commands in all, %.0f per run\n", $2, $2 / runs }'
redis-cli -p "$redis_port" info memory | awk -F: '/^used_memory_human/ { sub(/\r/, "", $2); print "redis: " $2 " used" }'
exit $status
