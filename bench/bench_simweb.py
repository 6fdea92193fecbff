"""How fast the simulated web serves: pages per second to a concurrent async client.

Usage: .venv/bin/python bench/bench_simweb.py [--size demo] [--requests 2000] [--concurrency 16]
Runs the server in a subprocess (as the crawler benchmark does), so client and server do not
share one GIL.
"""

from __future__ import annotations

import argparse
import asyncio
import re
import subprocess
import sys
import time

import httpx


def start_server(size: str) -> tuple[subprocess.Popen, str]:
    cmd = [sys.executable, "-c", "from nianbao.app.cli import main; main()", "simweb", "serve",
           "--size", size, "--port", "0", "--control-port", "0", "--date", "2025-04-01"]
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, text=True)
    assert proc.stdout is not None
    for line in proc.stdout:
        m = re.search(r"(http://127\.0\.0\.1:\d+)/_sim/state", line)
        if m:
            return proc, m.group(1)
    raise RuntimeError("simweb did not start")


async def run(urls: list[str], n: int, concurrency: int) -> tuple[float, int]:
    limits = httpx.Limits(max_connections=concurrency, max_keepalive_connections=concurrency)
    async with httpx.AsyncClient(limits=limits, timeout=30) as client:
        queue = [urls[i % len(urls)] for i in range(n)]
        done = 0

        async def worker() -> None:
            nonlocal done
            while queue:
                r = await client.get(queue.pop())
                r.raise_for_status()
                done += 1

        t = time.perf_counter()
        await asyncio.gather(*(worker() for _ in range(concurrency)))
        return time.perf_counter() - t, done


def cpu_seconds(pid: int) -> float:
    """User + system CPU time of a process (Linux /proc), to see the server's own cost."""
    import os
    fields = open(f"/proc/{pid}/stat").read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--size", default="demo")
    ap.add_argument("--requests", type=int, default=2000)
    ap.add_argument("--concurrency", type=int, default=16)
    args = ap.parse_args()
    proc, control = start_server(args.size)
    try:
        truth = httpx.get(control + "/_sim/truth", timeout=60).json()["reports"]
        urls = [r["url"] for r in truth if r["format"] == "html"]
        warm_s, _ = asyncio.run(run(urls, len(urls), args.concurrency))  # first renders
        cpu0 = cpu_seconds(proc.pid)
        secs, done = asyncio.run(run(urls, args.requests, args.concurrency))
        cpu = cpu_seconds(proc.pid) - cpu0
        print(f"cold: {len(urls)} report pages in {warm_s:.2f}s = {len(urls) / warm_s:.0f} pages/s")
        print(f"warm: {done} requests in {secs:.2f}s = {done / secs:.0f} pages/s "
              f"(concurrency {args.concurrency})")
        print(f"server CPU: {cpu:.2f}s = {done / max(cpu, 1e-9):.0f} pages per server CPU-second")
    finally:
        proc.terminate()
        proc.wait(10)


if __name__ == "__main__":
    main()
