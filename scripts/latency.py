"""Latency summaries shared by the load and demo scripts (server-load.py, cluster-demo.py)."""


def percentile(sorted_values, p):
    """The nearest-rank p-th percentile (0-100) of an ascending list: the value below which p % of the samples fall."""
    return sorted_values[min(len(sorted_values) - 1, int(p / 100 * len(sorted_values)))]
