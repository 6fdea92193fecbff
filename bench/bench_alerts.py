"""Alert evaluation at scale: 10,000 subscriptions against a day of new reports.

    .venv/bin/python bench/bench_alerts.py [--subs 10000] [--reports 300] [--publishers 2000]

Builds a throw-away state DB (registry, listing crawls, a day of crawler queue events) and an ES
index of the day's reports (built from the seed texts), creates the subscriptions (saved searches,
region compliance, findings, publishers; feed and webhook channels), then times one
`monitor.alerts.run` on 1 February (deadline passed: missing events too) and a second, idempotent
run. Writes bench/results/alerts.json. Target: < 60 s for the first run.
"""

from __future__ import annotations

import argparse
import cProfile
import json
import os
import pstats
import random
import sys
import tempfile
import threading
import time
import uuid
from datetime import datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import nianbao.app  # noqa: E402, F401  (the model registry: init_db sees every table)

RESULTS = ROOT / "bench" / "results" / "alerts.json"
SEEDS = Path(os.environ.get("NIANBAO_SEEDS", ROOT.parent / "shared" / "seeds"))
TERMS = ["行政复议", "行政诉讼", "依申请公开", "主动公开", "信息处理费", "政务公开", "规范性文件", "乡村振兴",
         "低保", "养老", "培训", "网站", "保密审查", "三审三校", "政务新媒体", "不予公开", "部分公开", "无法提供",
         "结转", "纠正", "维持", "财政预决算", "重大建设项目", "公共资源配置", "社会救助", "双随机",
         "营商环境", "政策解读", "政府开放日", "新闻发布会"]
CODES = ["T3_BALANCE", "T3_ROW_SUM", "BLANK_CELL", "NARRATIVE_MISMATCH", "DUPLICATE_TEXT", "MODIFIED", "MISSING", "LATE"]


VOCAB_SIZE, WORDS_PER_REPORT, COMMON_QUERIES = 3000, 60, 0.15


def vocabulary(n: int = VOCAB_SIZE) -> list[str]:
    """Words people save searches for and reports use now and then: mid-frequency nouns of
    jieba's dictionary (2–4 characters), a fixed sample. With 30 words every query matched a
    sixth of the day's reports; real saved searches are far more varied."""
    import jieba

    words = []
    with open(Path(jieba.__file__).parent / "dict.txt", encoding="utf-8") as f:
        for line in f:
            w, freq, tag = line.split()
            if tag in ("n", "vn", "nz") and 2 <= len(w) <= 4 and 200 <= int(freq) <= 5000:
                words.append(w)
    return random.Random(7).sample(sorted(words), n)


VOCAB = vocabulary()


def receiver() -> tuple[str, ThreadingHTTPServer]:
    class H(BaseHTTPRequestHandler):
        def do_POST(self) -> None:  # noqa: N802
            self.rfile.read(int(self.headers["Content-Length"]))
            self.send_response(204)
            self.end_headers()

        def log_message(self, *a) -> None:
            pass

    srv = ThreadingHTTPServer(("127.0.0.1", 0), H)
    threading.Thread(target=srv.serve_forever, daemon=True).start()
    return f"http://127.0.0.1:{srv.server_address[1]}/hook", srv


def setup_db(session, n_pubs: int, n_reports: int, day: datetime) -> list[tuple[str, str, str]]:
    from crawler.models import Document, ListingCrawl, PublisherRow, QueueRow, Version

    pubs = []
    for i in range(n_pubs):
        county = f"县{i // 40:03d}"
        entry = f"http://127.0.1.{i // 40 % 250 + 1}:8800/nb/{i // 40}/"
        pid = f"p{i:05d}"
        pubs.append((pid, county, entry))
        session.add(PublisherRow(id=pid, name=f"{county}第{i % 40}镇人民政府", level="township", province="某省",
                                 city=f"市{i // 400}", county=county, code="", entry_url=entry))
    session.flush()
    published = random.sample(pubs, n_reports)
    for j, (pid, county, entry) in enumerate(published):
        url = f"{entry}202502/t20250201_{j}.html"
        doc = Document(publisher_id=pid, url=url, entry_url=entry, title=f"{county}报告{j}", year=2024,
                       published_shown=day - timedelta(days=random.randint(0, 3)), first_seen=day, last_seen=day)
        session.add(doc)
        session.flush()
        ver = Version(document_id=doc.id, seq=1, sha256=f"{j:064d}", norm_sha256="n", fetched_at=day)
        session.add(ver)
        session.flush()
        session.add(QueueRow(document_id=doc.id, version_id=ver.id, event="new", created_at=day, done_at=day, attempts=1))
    for entry in sorted({e for _, _, e in pubs}):
        urls = [f"{entry}202502/t20250201_{j}.html" for j, p in enumerate(published) if p[2] == entry]
        session.add(ListingCrawl(run_id="r", entry_url=entry, url=entry, host="h", crawled_at=day, status="ok",
                                 ok=True, report_urls=urls))
    session.commit()
    return published


def setup_es(es, prefix: str, published, seeds: list[str]) -> None:
    from indexer.store import build_doc, ensure_indices, index_reports

    ensure_indices(es, prefix)
    docs = []
    for j, (pid, county, entry) in enumerate(published):
        text = random.choice(seeds) + "\n" + "，".join(random.sample(TERMS, 5) + random.sample(VOCAB, WORDS_PER_REPORT))
        findings = [{"code": c, "severity": "error", "message": c, "cells": []} for c in random.sample(CODES[:4], random.randint(0, 2))]
        docs.append(build_doc({"title": f"{county}报告{j}", "organ": f"{county}镇", "year": 2024, "county": county,
                               "text": text, "findings": findings, "sections": []},
                              {"publisher_id": pid, "url": f"{entry}202502/t20250201_{j}.html"}))
    index_reports(es, prefix, docs, refresh=True)


def make_subs(session, n: int, n_pubs: int, hook: str) -> dict[str, int]:
    from monitor.models import Subscription

    kinds = {"saved_search": 0, "region_compliance": 0, "findings": 0, "publisher": 0}
    rows = []
    for i in range(n):
        r = random.random()
        county = f"县{random.randrange(n_pubs // 40):03d}"
        if r < 0.4:
            # most saved searches are specific words; some are the template's own (match nearly all)
            words = TERMS if random.random() < COMMON_QUERIES else VOCAB
            kind, params = "saved_search", {"q": " ".join(random.sample(words, random.choice((1, 1, 2))))}
            if random.random() < 0.5:
                params["county"] = county
        elif r < 0.7:
            kind, params = "region_compliance", {"county": county}
        elif r < 0.9:
            # "findings of chosen codes in a region": a county, or a whole city
            region = {"county": county} if random.random() < 0.7 else {"city": f"市{random.randrange(n_pubs // 400)}"}
            kind, params = "findings", {"codes": random.sample(CODES, 2), **region}
        else:
            kind, params = "publisher", {"publisher_id": f"p{random.randrange(n_pubs):05d}"}
        kinds[kind] += 1
        channel = "webhook" if i % 20 == 0 else "feed"
        rows.append(Subscription(token=uuid.uuid4().hex, kind=kind, params=params, channel=channel,
                                 target=hook if channel == "webhook" else "", secret="s" * 64, mode="immediate",
                                 status="active", failures=0, created_at=datetime(2025, 1, 1)))
    session.add_all(rows)
    session.commit()
    return kinds


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--subs", type=int, default=10_000)
    ap.add_argument("--reports", type=int, default=300)
    ap.add_argument("--publishers", type=int, default=2000)
    ap.add_argument("--profile", action="store_true", help="print where the first run spends its time")
    ap.add_argument("--no-record", action="store_true", help="do not write bench/results/alerts.json")
    args = ap.parse_args()
    random.seed(7)

    from sqlalchemy import select

    from monitor import alerts
    from monitor.models import Subscription
    from nianbao.db import init_db, make_engine, make_session_factory
    from nianbao.es import es_client
    from nianbao.settings import get_settings

    tmp = Path(tempfile.mkdtemp(prefix="bench-alerts-"))
    prefix = f"bench-alerts-{uuid.uuid4().hex[:6]}"
    settings = get_settings().model_copy(update={"data_dir": tmp, "es_index_prefix": prefix,
                                                 "outbound_allow": ["127.0.0.1"]})  # the local receiver
    es = es_client(settings)
    hook, srv = receiver()
    engine = make_engine(settings.database_url)
    init_db(engine)
    session = make_session_factory(engine)()
    day = datetime(2025, 2, 1, 1, 0)  # naive UTC = 09:00 Beijing
    seeds = [p.read_text(encoding="utf-8") for p in sorted(SEEDS.glob("*.txt"))]
    try:
        t0 = time.perf_counter()
        published = setup_db(session, args.publishers, args.reports, day)
        setup_es(es, prefix, published, seeds)
        kinds = make_subs(session, args.subs, args.publishers, hook)
        distinct = len({s.params["q"] for s in
                        session.scalars(select(Subscription).where(Subscription.kind == "saved_search"))})
        setup_s = time.perf_counter() - t0
        prof = cProfile.Profile() if args.profile else None
        t0 = time.perf_counter()
        if prof:
            prof.enable()
        first = alerts.run(settings, now=datetime(2025, 2, 1, 10, 0), es=es, session=session)
        first_s = time.perf_counter() - t0
        if prof:
            prof.disable()
            pstats.Stats(prof, stream=sys.stderr).sort_stats("cumulative").print_stats(45)
        t0 = time.perf_counter()
        second = alerts.run(settings, now=datetime(2025, 2, 1, 10, 5), es=es, session=session)
        second_s = time.perf_counter() - t0
    finally:
        session.close()
        es.indices.delete(index=f"{prefix}-*", ignore_unavailable=True, allow_no_indices=True)
        srv.shutdown()
    result = {
        "benchmark": "alerts", "subscriptions": args.subs, "subscriptions_by_kind": kinds,
        "publishers": args.publishers, "new_reports": args.reports, "setup_seconds": round(setup_s, 2),
        "vocabulary": {"words": VOCAB_SIZE, "per_report": WORDS_PER_REPORT, "common_queries": COMMON_QUERIES},
        "distinct_saved_queries": distinct, "loadavg": [round(x, 2) for x in os.getloadavg()],
        "first_run_seconds": round(first_s, 2), "first_run": first.to_dict(),
        "second_run_seconds": round(second_s, 2), "second_run": second.to_dict(),
        "target_seconds": 60, "ok": first_s < 60 and second.sent == 0,
        "machine": f"{os.cpu_count()} cpus (shared)", "date": datetime.now().isoformat(timespec="seconds"),
    }
    print(json.dumps(result, ensure_ascii=False, indent=2))
    if args.no_record or args.profile:
        return
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(result, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
