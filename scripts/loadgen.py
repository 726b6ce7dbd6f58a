"""Client threads and latency summaries shared by the load and demo scripts (server-load.py, cluster-demo.py)."""
import threading, time


def percentile(sorted_values, p):
    """The nearest-rank p-th percentile (0-100) of an ascending list: the value below which p % of the samples fall."""
    return sorted_values[min(len(sorted_values) - 1, int(p / 100 * len(sorted_values)))]


def run_clients(count, clients, one, on_error):
    """Calls one(i) for i in 0..count-1 from `clients` threads, each taking the next i when done; an exception of one(i)
    goes to on_error(i, e) (a finding of the test, not a crash of it). Returns the wall time in seconds."""
    lock = threading.Lock()
    numbers = iter(range(count))

    def client():
        while True:
            with lock:
                i = next(numbers, None)
            if i is None:
                return
            try:
                one(i)
            except Exception as e:
                on_error(i, e)

    began = time.perf_counter()
    threads = [threading.Thread(target=client) for _ in range(clients)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return time.perf_counter() - began
