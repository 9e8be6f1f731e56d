#!/usr/bin/env python3
"""Pages through every run of a node's list, as the dashboard's Runs page does, and prints how
long each page took to answer (p50, p99, max), for a few page sizes and filters.

Usage: page-runs.py BASE_URL   (a node started --no-auth)
"""
import json
import statistics
import sys
import time
import urllib.request

RUNS = sys.argv[1].rstrip("/") + "/api/v1/runs"


def pages(query):
    times, runs, after = [], 0, None
    while True:
        url = RUNS + "?" + query + ("&after=" + after if after else "")
        began = time.perf_counter()
        with urllib.request.urlopen(url, timeout=60) as answer:
            body = json.load(answer)
        times.append((time.perf_counter() - began) * 1000)
        runs += len(body["runs"])
        after = body.get("next")
        if not after:
            break
    times.sort()
    return runs, len(times), statistics.median(times), times[max(0, int(len(times) * 0.99) - 1)], times[-1]


for query in ["limit=20", "limit=20&status=completed", "limit=100"]:
    runs, count, p50, p99, most = pages(query)
    print(f"{query}: {runs} runs in {count} pages; per page p50 {p50:.1f} ms, "
          f"p99 {p99:.1f} ms, max {most:.1f} ms")
