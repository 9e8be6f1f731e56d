#!/usr/bin/env python3
"""Starts N one-step echo runs through a node's API, 32 at a time.

Usage: start-runs.py BASE_URL [N]   (e.g. http://127.0.0.1:8080 10000; a node started --no-auth)
"""
import concurrent.futures
import json
import sys
import time
import urllib.request

BASE = sys.argv[1].rstrip("/")
COUNT = int(sys.argv[2]) if len(sys.argv) > 2 else 10000
PLAN = json.dumps({"plan": {"steps": [{"id": "a", "capability": "echo", "input": {"text": "hi"}}]}}).encode()


def start(_):
    request = urllib.request.Request(
        BASE + "/api/v1/execute", data=PLAN, headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=60) as answer:
        return answer.status


began = time.time()
with concurrent.futures.ThreadPoolExecutor(32) as pool:
    codes = list(pool.map(start, range(COUNT)))
print(f"started {len(codes)} runs in {time.time() - began:.1f} s; not 202: "
      f"{sum(1 for c in codes if c != 202)}")
