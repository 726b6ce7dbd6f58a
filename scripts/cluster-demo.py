#!/usr/bin/env python3
"""Client side of scripts/cluster-demo.sh: RUNS runs of a named pipeline (each its own seed) from CLIENTS clients.

Each client submits a run, follows its event stream to the end (reconnecting with Last-Event-ID if the stream breaks),
then checks the run's state and downloads every output (sizes as listed, PNGs start with the PNG signature). After KILL_AFTER runs have ended (0: never) one busy silo process is killed
with SIGKILL. Prints per-silo counts (the silo of each run's finishing attempt), failures, lost runs, runs that
finished twice, runs re-run after the kill, wall time and throughput.
Usage: cluster-demo.py BASE RUNS KILL_AFTER "pid:siloport ..." PIPELINE CLIENTS SEED_PARAM [node.params.k=v ...]
"""
import collections, datetime, json, os, signal, sys, threading, time, urllib.error, urllib.request

from loadgen import percentile, run_clients

base, runs, kill_after = sys.argv[1].rstrip("/"), int(sys.argv[2]), int(sys.argv[3])
silo_pids = dict((int(port), int(pid)) for pid, port in (p.split(":") for p in sys.argv[4].split()))
pipeline, clients, seed_param = sys.argv[5], int(sys.argv[6]), sys.argv[7]
extra_sets = sys.argv[8:]
lock = threading.Lock()
results, problems, ended = {}, [], [0]
killed = {}


def request(method, path, body=None, headers=None, timeout=600):
    data = json.dumps(body).encode() if body is not None else None
    req = urllib.request.Request(base + path, data=data, method=method,
                                 headers={"Content-Type": "application/json", **(headers or {})})
    return urllib.request.urlopen(req, timeout=timeout)


def follow(run_id):
    """Events of the run to its end; a broken stream is resumed with Last-Event-ID, as a browser would."""
    events, last_id = [], None
    for _ in range(20):
        headers = {"Accept": "text/event-stream"}
        if last_id is not None:
            headers["Last-Event-ID"] = str(last_id)
        try:
            with request("GET", f"/v1/runs/{run_id}/events", headers=headers) as stream:
                ev = {}
                for raw in stream:
                    line = raw.decode().rstrip("\n")
                    if not line:
                        if "id" in ev:
                            events.append(ev)
                            last_id = ev["id"]
                        ev = {}
                    elif line.startswith("id: "):
                        ev["id"] = int(line[4:])
                    elif line.startswith("event: "):
                        ev["kind"] = line[7:]
                    elif line.startswith("data: "):
                        ev["data"] = json.loads(line[6:])
            if events and events[-1]["kind"] in ("finished", "failed", "cancelled"):
                return events
        except (urllib.error.URLError, ConnectionError, TimeoutError) as e:
            time.sleep(0.5)
    return events


def maybe_kill():
    if not kill_after or killed or ended[0] < kill_after:
        return
    workers = json.load(request("GET", "/v1/cluster/workers"))
    busy = [w for w in workers if w["running"] > 0] or workers
    victim = busy[0]
    port = int(victim["silo"].split(":")[1])
    pid = silo_pids.get(port)
    if pid:
        os.kill(pid, signal.SIGKILL)
        killed.update(silo=victim["silo"], pid=pid, after=ended[0], running=victim["running"], waiting=victim["waiting"], at=time.time())
        print(f"killed silo {victim['silo']} (pid {pid}) with SIGKILL after {ended[0]} runs ended; "
              f"it was running {victim['running']} and had {victim['waiting']} waiting", flush=True)


def one(i):
    body = {"name": pipeline, "seed": i, "set": ([f"{seed_param}={i}"] if seed_param != "-" else []) + extra_sets}
    submitted = time.perf_counter()
    run = json.load(request("POST", "/v1/runs", body))
    events = follow(run["id"])
    final = json.load(request("GET", f"/v1/runs/{run['id']}"))
    terminal = [e for e in events if e["kind"] in ("finished", "failed", "cancelled")]
    starts = [e["data"].get("silo") for e in events if e["kind"] == "started"]
    # Execution time of the finishing attempt (its started event to the end event), from the events' own times.
    times = [datetime.datetime.fromisoformat(e["data"]["time"].replace("Z", "+00:00")) for e in events if e["kind"] in ("started", "finished")]
    execution = (times[-1] - times[-2]).total_seconds() if len(times) >= 2 else None
    wrong = []
    if final["state"] != "succeeded" or len(terminal) != 1:
        wrong.append(f"state {final['state']}, {len(terminal)} end events: {final.get('error')}")
    if not final["outputs"]:
        wrong.append("no outputs")
    for output in final["outputs"]:
        got = request("GET", output["url"]).read()
        if len(got) != output["bytes"] or (output["name"].endswith(".png") and not got.startswith(b"\x89PNG")):
            wrong.append(f"output {output['name']} wrong")
    with lock:
        results[run["id"]] = dict(seed=i, state=final["state"], attempts=final["attempts"], silos=starts, latency=time.perf_counter() - submitted, execution=execution, started_at=times[-2] if len(times) >= 2 else None,
                                  requeued=sum(e["kind"] == "requeued" for e in events), terminal=len(terminal))
        if wrong:
            problems.append((run["id"], i, wrong))
        ended[0] += 1
        maybe_kill()


def failed(i, e):
    # A client error is a finding, not a crash of the demo.
    with lock:
        problems.append((None, i, [f"{type(e).__name__}: {e}"]))
        ended[0] += 1


wall = run_clients(runs, clients, one, failed)

listed = []
before = None
while True:
    page = json.load(request("GET", "/v1/runs?limit=200" + (f"&before={before}" if before else "")))
    listed += page["runs"]
    before = page.get("next")
    if not before:
        break
ids = [r["id"] for r in listed]
per_silo = collections.Counter(r["silos"][-1] if r["silos"] else "(never started)" for r in results.values())
reruns = [r for r in results.values() if r["attempts"] > 1]
twice = [rid for rid, r in results.items() if r["terminal"] > 1]
seeds = collections.Counter(r["seed"] for r in results.values())
succeeded = sum(r["state"] == "succeeded" for r in results.values())
print(f"runs submitted {runs}, listed by the cluster {len(ids)} ({len(set(ids))} distinct), succeeded {succeeded}, "
      f"failed or wrong {len(problems)}, lost {runs - len(results)}, finished twice {len(twice)}, "
      f"seeds run more than once as separate runs {sum(1 for c in seeds.values() if c > 1)}")
print(f"re-run after losing their silo: {len(reruns)} (attempts 2: {sum(r['attempts'] == 2 for r in reruns)}, more: {sum(r['attempts'] > 2 for r in reruns)})")
for rid, r in results.items():
    if r["attempts"] > 1:
        print(f"  re-run {rid}: attempts on {' then '.join(r['silos'])}")
print("runs finished per silo (silo of the finishing attempt):")
for silo, count in sorted(per_silo.items()):
    print(f"  {silo:<28} {count:>4}{'   <- killed' if killed.get('silo') == silo else ''}")
time.sleep(1.5)  # silos report their counts every second
workers = json.load(request("GET", "/v1/cluster/workers"))
print("silos alive at the end: " + ", ".join(f"{w['silo']} ({w['completed']} runs ended there)" for w in workers))
latencies = sorted(r["latency"] for r in results.values())
if latencies:
    print(f"submit-to-end latency p50 {percentile(latencies, 50):.2f} s, p99 {percentile(latencies, 99):.2f} s")
executions = sorted(r["execution"] for r in results.values() if r["execution"] is not None)
if executions:
    first_on_silo = {}
    for r in sorted((r for r in results.values() if r["started_at"] is not None), key=lambda r: r["started_at"]):
        if r["silos"] and r["attempts"] == 1:
            first_on_silo.setdefault(r["silos"][-1], r["execution"])
    print(f"execution per run (started to finished): min {executions[0]:.2f} s, median {executions[len(executions) // 2]:.2f} s, "
          f"max {executions[-1]:.2f} s; first run on each silo (model load, warm-up): "
          + ", ".join(f"{v:.2f} s" for v in first_on_silo.values()))
rss = []
for port, pid in sorted(silo_pids.items()):
    try:
        with open(f"/proc/{pid}/status") as status:
            kb = next(int(line.split()[1]) for line in status if line.startswith("VmRSS:"))
        rss.append(f"pid {pid} {kb / 1024:.0f} MB")
    except (OSError, StopIteration):
        rss.append(f"pid {pid} gone")
print("silo resident memory: " + ", ".join(rss))
print(f"wall {wall:.1f} s, {runs / wall:.2f} runs/s")
for p in problems[:10]:
    print("PROBLEM", p)
sys.exit(1 if problems or len(results) != runs or twice or len(set(ids)) != runs else 0)
