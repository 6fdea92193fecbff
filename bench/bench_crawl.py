"""Crawl the same simulated web with this crawler and with Scrapy at equal politeness.

    .venv/bin/pip install scrapy        # benchmark only, not a project dependency
    .venv/bin/python bench/bench_crawl.py [--size demo] [--delay 0.05] [--concurrency 2]

The simulated web runs in its own process; a first unmeasured pass warms its page cache so
both crawlers meet the same server. Each crawler then runs in a fresh subprocess (peak memory
is that process's ru_maxrss). Both obey robots.txt, send the same User-Agent, keep the same
per-host delay and concurrency and global limit, and follow the same links (list pages and
pagination, report pages, attachments; the Scrapy spider uses our link extraction), each URL once. Our
crawler also archives every exchange (WARC + SHA-256 store) and writes the state DB; the Scrapy
spider only fetches and parses. Our clock starts after the (empty) state DB schema exists, as
Scrapy's starts after its set-up. Writes bench/results/crawl.json.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import signal
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import nianbao.app  # noqa: E402, F401  (the model registry: init_db sees every table)

UA = "NianbaoWatch/0.1 (+https://example.org/nianbao-watch; benchmark)"


def _maxrss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux


def _cpu_s() -> float:
    ru = resource.getrusage(resource.RUSAGE_SELF)
    return round(ru.ru_utime + ru.ru_stime, 2)


# --- children ---------------------------------------------------------------------------------
def run_ours(registry: str, data_dir: str, delay: float, conc: int, glob: int) -> dict:
    from crawler.engine import run_crawl
    from crawler.registry import load_registry
    from nianbao.settings import Settings

    settings = Settings(data_dir=Path(data_dir), crawl_delay_seconds=delay, crawl_host_concurrency=conc,
                        crawl_global_concurrency=glob, user_agent=UA)
    from nianbao.db import init_db, make_engine

    pubs = load_registry(registry)
    init_db(make_engine(settings.database_url))  # the schema is an install step, not crawling
    cpu0, t0 = _cpu_s(), time.perf_counter()
    summary = run_crawl(settings, pubs)
    secs = time.perf_counter() - t0
    return {"pages": summary.total("fetched"), "seconds": secs, "reports_new": summary.total("new"),
            "errors": summary.total("errors"), "peak_rss_mb": _maxrss_mb(),
            "cpu_s": round(_cpu_s() - cpu0, 2)}


def run_scrapy(registry: str, delay: float, conc: int, glob: int) -> dict:
    import scrapy
    from scrapy.crawler import CrawlerProcess

    from crawler import discover
    from crawler.registry import load_registry

    entries = sorted({p.entry_url for p in load_registry(registry)})
    stats: dict = {}

    class Reports(scrapy.Spider):
        name = "reports"

        async def start(self):
            # Through the duplicate filter (start_urls bypass it): the column's own 首页 link
            # must not fetch each entry page a second time; ours fetches every URL once.
            for url in entries:
                yield scrapy.Request(url, self.parse)

        def parse(self, response, entry=None):  # a list page
            entry = entry or response.url
            listing = discover.parse_listing(response.text, response.url, entry)
            for page in listing.pages:
                yield response.follow(page, self.parse, cb_kwargs={"entry": entry})
            for link in listing.reports:
                yield response.follow(link.url, self.report)

        def report(self, response):
            if b"html" not in response.headers.get("Content-Type", b"html"):
                return
            text = response.text
            body = discover.page_text(text)
            if not discover.is_full_report(body):
                for url in discover.attachments(text, response.url)[:1]:
                    yield response.follow(url, self.attachment)

        def attachment(self, response):
            return None

        def closed(self, reason):
            stats.update(self.crawler.stats.get_stats())

    process = CrawlerProcess(settings={
        "USER_AGENT": UA, "ROBOTSTXT_OBEY": True, "DOWNLOAD_DELAY": delay,
        "DOWNLOAD_DELAY_JITTER": 0, "CONCURRENT_REQUESTS_PER_DOMAIN": conc,
        "CONCURRENT_REQUESTS": glob, "RETRY_TIMES": 3, "DOWNLOAD_TIMEOUT": 20,
        "LOG_LEVEL": "WARNING", "TELNETCONSOLE_ENABLED": False, "COOKIES_ENABLED": False,
        "HTTPCACHE_ENABLED": False, "AUTOTHROTTLE_ENABLED": False,
        "REQUEST_FINGERPRINTER_IMPLEMENTATION": "2.7",
    })
    process.crawl(Reports)
    cpu0, t0 = _cpu_s(), time.perf_counter()
    process.start()
    secs = time.perf_counter() - t0
    return {"pages": int(stats.get("response_received_count", 0)), "seconds": secs,
            "errors": int(stats.get("log_count/ERROR", 0)), "peak_rss_mb": _maxrss_mb(),
            "cpu_s": round(_cpu_s() - cpu0, 2)}


# --- orchestration ------------------------------------------------------------------------------
def _median(runs: list[dict]) -> dict:
    """The run with the median rate; peak memory is the largest seen."""
    for r in runs:
        r["pages_per_s"] = round(r["pages"] / r["seconds"], 2)
    mid = dict(sorted(runs, key=lambda r: r["pages_per_s"])[len(runs) // 2])
    mid["peak_rss_mb"] = round(max(r["peak_rss_mb"] for r in runs), 1)
    mid["rounds_pages_per_s"] = [r["pages_per_s"] for r in runs]
    return mid


def _child(args: list[str], timeout: float = 120) -> dict:
    out = subprocess.run([sys.executable, __file__, *args], capture_output=True, text=True,
                         timeout=timeout, cwd=ROOT)
    if out.returncode != 0:
        raise SystemExit(f"child {args[:2]} failed: {out.stderr[-800:]}")
    return json.loads(out.stdout.strip().splitlines()[-1])


def _wait_for(url: str, timeout: float = 60) -> dict:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=2) as r:
                return json.loads(r.read())
        except OSError:
            time.sleep(0.3)
    raise SystemExit(f"simweb did not come up at {url}")


def _registry_rows(size: str, hosts: list[str]) -> list[dict]:
    """The registry of the sites served (the server's own export walks the whole world)."""
    from simweb.world import World

    world = World(1, size)
    rows = []
    for i, base in enumerate(hosts):
        site = world.site(i)
        rows += [{"id": p.id, "name": p.name, "level": p.level, "province": site.county.province,
                  "city": site.county.city, "county": site.county.name, "code": p.code,
                  "deadline": p.deadline, "entry_url": base + site.list_path}
                 for p in world.publishers(i)]
    return rows


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--size", default="demo")
    ap.add_argument("--max-sites", type=int, default=None)
    ap.add_argument("--delay", type=float, default=0.05)
    ap.add_argument("--concurrency", type=int, default=2)
    ap.add_argument("--global-limit", type=int, default=16)
    ap.add_argument("--port", type=int, default=18811)
    ap.add_argument("--control-port", type=int, default=18810)
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--out", default=str(ROOT / "bench" / "results" / "crawl.json"))
    ap.add_argument("--child", choices=["ours", "scrapy"])
    ap.add_argument("--registry")
    ap.add_argument("--data-dir")
    a = ap.parse_args()
    if a.child == "ours":
        print(json.dumps(run_ours(a.registry, a.data_dir, a.delay, a.concurrency, a.global_limit)))
        return
    if a.child == "scrapy":
        print(json.dumps(run_scrapy(a.registry, a.delay, a.concurrency, a.global_limit)))
        return

    import yaml

    serve = [sys.executable, "-m", "nianbao.app.cli", "simweb", "serve", "--size", a.size,
             "--port", str(a.port), "--control-port", str(a.control_port)]
    if a.max_sites:
        serve += ["--max-sites", str(a.max_sites)]
    server = subprocess.Popen(serve, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                              start_new_session=True)
    try:
        control = f"http://127.0.0.1:{a.control_port}/_sim"
        hosts = _wait_for(f"{control}/state")["hosts"]
        rows = _registry_rows(a.size, hosts)
        with tempfile.TemporaryDirectory() as tmp:
            reg = Path(tmp) / "publishers.yaml"
            reg.write_text(yaml.safe_dump({"publishers": rows}, allow_unicode=True), encoding="utf-8")
            common = ["--registry", str(reg), "--delay", str(a.delay), "--concurrency",
                      str(a.concurrency), "--global-limit", str(a.global_limit)]
            warm = _child(["--child", "ours", "--data-dir", f"{tmp}/warm", *common], timeout=600)
            runs: dict[str, list[dict]] = {"scrapy": [], "ours": []}
            for i in range(a.rounds):  # interleaved: a shared machine's load hits both alike
                runs["scrapy"].append(_child(["--child", "scrapy", *common]))
                runs["ours"].append(_child(["--child", "ours", "--data-dir", f"{tmp}/ours{i}", *common]))
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(10)
    ours, scrapy_r = _median(runs["ours"]), _median(runs["scrapy"])
    result = {
        "benchmark": "crawl the simulated web at equal politeness",
        "world": {"size": a.size, "max_sites": a.max_sites, "hosts": len({r["entry_url"] for r in rows}),
                  "publishers": len(rows)},
        "politeness": {"delay_s": a.delay, "per_host_concurrency": a.concurrency,
                       "global_limit": a.global_limit, "robots_txt": True},
        "warmup_seconds": round(warm["seconds"], 2),
        "rounds": a.rounds, "load_average": os.getloadavg()[0],
        "nianbao": ours, "scrapy": scrapy_r,
        "ratio_pages_per_s": round(ours["pages_per_s"] / scrapy_r["pages_per_s"], 3),
        "ratio_peak_rss": round(ours["peak_rss_mb"] / scrapy_r["peak_rss_mb"], 3),
        "note": "median of interleaved rounds; ours also archives (WARC + CAS) and writes the state DB; the Scrapy spider only fetches and parses",
    }
    out = Path(a.out)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(result, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    print(json.dumps(result, ensure_ascii=False, indent=2))


if __name__ == "__main__":
    main()
