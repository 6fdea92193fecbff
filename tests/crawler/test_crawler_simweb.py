"""A whole crawl of the simulated web over real HTTP, checked against the world's ground truth."""

from __future__ import annotations

import gzip
import hashlib

from sqlalchemy import func, select
from warcio.archiveiterator import ArchiveIterator

from crawler import queue
from crawler.archive import Archive
from crawler.models import Document, Fetch, ListingCrawl, QueueRow, Version


def test_discovery_finds_every_report_and_nothing_else(crawled):
    truth = crawled.truth()
    with crawled.session() as s:
        docs = {d.url: d for d in s.scalars(select(Document))}
    assert set(docs) == set(truth)  # the notices, 自查报告 and 复函 in the column are not reports
    for url, d in docs.items():
        t = truth[url]
        # unmatched (an unregistered body, a bare title the indexer attributes): kept, not dropped
        expected = t.publisher_id if t.registered and t.names_organ else None
        assert (d.publisher_id, d.year, d.status) == (expected, t.year, "live"), url
        # The time the page shows: simweb's TRS layout shows minutes, hanweb only the day.
        assert d.published_shown is not None and d.published_shown.date() == t.published.date()
        if "/xxgk/ndbg/" in url:
            assert d.published_shown == t.published
    assert crawled.first.total("new") == len(truth) and crawled.first.total("errors") == 0
    unmatched = [d for d in docs.values() if d.publisher_id is None]
    assert unmatched and all("政务服务中心" in d.title or d.title.startswith("20") for d in unmatched)
    assert crawled.first.unmatched == len(unmatched)


def test_versions_archive_and_warc_are_evidence(crawled):
    archive = Archive(crawled.settings)
    with crawled.session() as s:
        versions = s.scalars(select(Version)).all()
        attached = s.scalars(select(Document).where(Document.attachment_url.is_not(None))).all()
    assert attached, "hanweb lists reports as short pages with attachments"
    kinds = set()
    for v in versions:
        data = archive.read(v.sha256)
        assert hashlib.sha256(data).hexdigest() == v.sha256
        kinds.add(v.content_type)
    assert {"text/html", "application/pdf", "application/msword"} <= kinds
    # The WARC has a response and a request for every exchange, with the bytes served.
    v = versions[0]
    with open(crawled.settings.archive_dir / v.warc_file, "rb") as fh:
        fh.seek(v.warc_offset)
        rec = next(iter(ArchiveIterator(fh)))
        assert rec.rec_type == "response"
        assert hashlib.sha256(rec.content_stream().read()).hexdigest() == v.sha256
    with gzip.open(crawled.settings.archive_dir / v.warc_file) as fh:
        types = [r.rec_type for r in ArchiveIterator(fh)]
    assert types[0] == "warcinfo" and types.count("request") == types.count("response") > 0


def test_listing_evidence_recorded(crawled):
    with crawled.session() as s:
        rows = s.scalars(select(ListingCrawl)).all()
    assert rows and all(r.status == "ok" for r in rows)
    seen = {u for r in rows for u in r.report_urls}
    assert set(crawled.truth()) <= seen
    assert len({r.url for r in rows}) > len(crawled.web.hosts)  # pagination was followed


def test_second_crawl_is_mostly_304s_and_changes_nothing(crawled):
    with crawled.session() as s:
        before = (s.scalar(select(func.count(Version.id))), s.scalar(select(func.count(QueueRow.id))))
    summary = crawled.crawl()
    assert summary.total("not_modified") >= 0.9 * summary.total("fetched")
    assert summary.total("new") == summary.total("changed") == 0
    with crawled.session() as s:
        after = (s.scalar(select(func.count(Version.id))), s.scalar(select(func.count(QueueRow.id))))
        robots = s.scalars(select(Fetch.url).where(Fetch.url.like("%/search/%"))).all()
    assert before == after
    assert robots == []  # disallowed paths never requested


def test_queue_claim_ack_fail(crawled):
    n = len(crawled.truth())
    with crawled.session() as s:
        batch = queue.claim(s, limit=10)
        assert len(batch) == 10 and all(i.event == "new" and i.sha256 and i.content_type for i in batch)
        assert {i.publisher_id for i in batch} and all(i.year for i in batch)
        queue.ack(s, [i.id for i in batch[1:]])
        queue.fail(s, batch[0].id, "parse error: boom")
        rest = queue.claim(s, limit=1000)
        assert batch[0].id in {i.id for i in rest} and len(rest) == n - 9
        again = queue.claim(s, limit=1000)
        assert again == []  # leased items are not handed out twice
        queue.release(s, [rest[0].id])  # handed back without counting an attempt
        back = queue.claim(s, limit=1000)
        assert [i.id for i in back] == [rest[0].id] and back[0].attempts == rest[0].attempts
        queue.ack(s, [i.id for i in rest])
        assert queue.pending_count(s) == 0
