#!/usr/bin/env python3
"""The classic way to check a list of URLs, as the benchmark's baseline: a thread pool of 20 workers, each
calling urllib.request.urlopen(url, timeout=3) and reading the body.

Usage: python3 tests/bench/baseline_check.py <url-file> [--workers 20] [--timeout 3]
Prints one JSON line: {"urls": n, "ok": n, "failed": n, "workers": n, "wall_s": s}
"""
import argparse
import json
import sys
import time
import urllib.request
from concurrent.futures import ThreadPoolExecutor


def check(url, timeout):
    try:
        with urllib.request.urlopen(url, timeout=timeout) as response:
            response.read()
            return 200 <= response.status < 400
    except Exception:
        return False


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("file")
    parser.add_argument("--workers", type=int, default=20)
    parser.add_argument("--timeout", type=float, default=3)
    args = parser.parse_args()
    with open(args.file, encoding="utf-8") as f:
        urls = [line.strip() for line in f if line.strip() and not line.startswith("#")]
    started = time.perf_counter()
    with ThreadPoolExecutor(max_workers=args.workers) as pool:
        results = list(pool.map(lambda u: check(u, args.timeout), urls))
    wall = time.perf_counter() - started
    ok = sum(results)
    print(json.dumps({"urls": len(urls), "ok": ok, "failed": len(urls) - ok, "workers": args.workers,
                      "wall_s": round(wall, 3)}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
