#!/usr/bin/env python3
"""Load test of the HTTP server on loopback (issue 13): N small runs from C concurrent clients.

Each client submits a named toy pipeline (small counts, its own seed), follows the run's event stream until it ends,
then checks the run succeeded and its PNG and table download with the listed sizes. Prints p50/p99 of submit-to-end
latency, throughput, and every run that was lost or wrong. Usage: server-load.py BASE_URL [RUNS] [CLIENTS]
"""
import json, sys, threading, time, urllib.request

from loadgen import percentile, run_clients

base = sys.argv[1].rstrip("/")
runs = int(sys.argv[2]) if len(sys.argv) > 2 else 200
clients = int(sys.argv[3]) if len(sys.argv) > 3 else 20
latencies, problems, lock = [], [], threading.Lock()


def request(method, path, body=None, headers=None):
    data = json.dumps(body).encode() if body is not None else None
    req = urllib.request.Request(base + path, data=data, method=method, headers={"Content-Type": "application/json", **(headers or {})})
    return urllib.request.urlopen(req, timeout=600)


def one(i):
    start = time.perf_counter()
    body = {"name": "toy2d-sample", "seed": i,
            "set": ["sample.params.steps=4", "sample.params.count=64", "truth.params.count=64", f"sample.params.seed={i}"]}
    while True:
        try:
            run = json.load(request("POST", "/v1/runs", body))
            break
        except urllib.error.HTTPError as e:
            if e.code != 429:
                raise
            time.sleep(int(e.headers.get("Retry-After", "1")))
    last = None
    with request("GET", f"/v1/runs/{run['id']}/events", headers={"Accept": "text/event-stream"}) as stream:
        for line in stream:
            if line.startswith(b"event: "):
                last = line[7:].strip().decode()
    elapsed = time.perf_counter() - start
    final = json.load(request("GET", f"/v1/runs/{run['id']}"))
    sizes = {o["name"]: o["bytes"] for o in final["outputs"]}
    wrong = []
    if final["state"] != "succeeded" or last != "finished":
        wrong.append(f"state {final['state']}, last event {last}: {final.get('error')}")
    for name in ("toy2d-sample.png", "toy2d-sample-metrics.md"):
        got = request("GET", f"/v1/runs/{run['id']}/outputs/{name}").read() if name in sizes else b""
        if len(got) != sizes.get(name, -1) or (name.endswith(".png") and not got.startswith(b"\x89PNG")):
            wrong.append(f"output {name} missing or wrong")
    with lock:
        latencies.append(elapsed)
        if wrong:
            problems.append((run["id"], wrong))


def lost(i, e):
    # A lost run is a finding, not a crash of the load test.
    with lock:
        problems.append((f"run {i}", [repr(e)]))


wall = run_clients(runs, clients, one, lost)
latencies.sort()
print(f"runs {runs}, clients {clients}, finished {len(latencies)}, problems {len(problems)}")
if latencies:
    print(f"latency submit->end: p50 {percentile(latencies, 50):.2f} s, p99 {percentile(latencies, 99):.2f} s, max {latencies[-1]:.2f} s")
print(f"wall {wall:.1f} s, throughput {len(latencies) / wall:.2f} runs/s")
for run_id, wrong in problems[:20]:
    print("PROBLEM", run_id, "; ".join(wrong))
sys.exit(1 if problems or len(latencies) != runs else 0)
