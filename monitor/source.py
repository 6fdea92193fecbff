"""Adapter: the crawler's state tables (and optionally the ES documents) -> monitor inputs."""

from __future__ import annotations

import logging
from collections import defaultdict

from elasticsearch import Elasticsearch, helpers
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from crawler.models import Document, PublisherRow, Version
from crawler.models import ListingCrawl as Row
from nianbao import clock

from .inputs import ListingCrawl, PublisherInfo, ReportSighting

log = logging.getLogger(__name__)


def publishers(session: Session, province: str | None = None, city: str | None = None,
               county: str | None = None) -> list[PublisherInfo]:
    cols = (PublisherRow.id, PublisherRow.name, PublisherRow.level, PublisherRow.province,
            PublisherRow.city, PublisherRow.county, PublisherRow.code, PublisherRow.deadline,
            PublisherRow.entry_url)
    q = select(*cols)  # plain rows, not ORM objects: a national view reads 40,000 of them
    for col, value in (("province", province), ("city", city), ("county", county)):
        if value:
            q = q.where(getattr(PublisherRow, col) == value)
    return [PublisherInfo(id=r[0], name=r[1], level=r[2], province=r[3] or "", city=r[4] or "",
                          county=r[5] or "", code=r[6] or "", deadline=r[7], entry_url=r[8] or "")
            for r in session.execute(q.order_by(PublisherRow.id))]


def sightings(session: Session, year: int, publisher_ids: list[str] | None = None,
              extra: dict[str, dict] | None = None) -> list[ReportSighting]:
    """Documents of `year` matched to a publisher; `extra` maps url -> ES fields."""
    counts = (select(Version.document_id, func.count().label("n")).group_by(Version.document_id)
              .subquery())
    cols = (Document.id, Document.publisher_id, Document.year, Document.url, Document.first_seen,
            Document.published_shown, Document.last_seen, Document.status, Document.title,
            Document.attachment_url)
    q = (select(*cols, counts.c.n).outerjoin(counts, counts.c.document_id == Document.id)
         .where(Document.year == year, Document.publisher_id.is_not(None)))
    if publisher_ids is not None:
        q = q.where(Document.publisher_id.in_(publisher_ids))
    out = []
    local = clock.utc_to_local()  # the crawler's naive UTC → the configured zone's wall time
    for doc in session.execute(q):  # plain rows (attribute access like the ORM object)
        n = doc.n
        es_doc = (extra or {}).get(doc.url, {})
        out.append(ReportSighting(
            document_id=doc.id, publisher_id=doc.publisher_id, year=doc.year, url=doc.url,
            first_seen=local(doc.first_seen), published_shown=doc.published_shown,
            last_seen=doc.last_seen and local(doc.last_seen), status=doc.status, title=doc.title,
            attachment_url=doc.attachment_url, meta_dates=es_doc.get("meta_dates") or {},
            versions=n or 1, finding_codes=tuple(es_doc.get("finding_codes") or ())))
    return out


def listing_crawls(session: Session, entry_urls: list[str]) -> list[ListingCrawl]:
    """One ListingCrawl per crawl run of an entry: its pages' report URLs united, ok if all ok."""
    runs: dict[tuple[str, str], list] = defaultdict(list)
    for r in session.scalars(select(Row).where(Row.entry_url.in_(entry_urls))):
        runs[(r.entry_url, r.run_id)].append(r)
    out = []
    local = clock.utc_to_local()  # the crawler's naive UTC → the configured zone's wall time
    for (entry, _run), rows in runs.items():
        ok = all(r.ok for r in rows)
        status = "ok" if ok else next((r.status for r in rows if not r.ok), "failed")
        urls = frozenset(u for r in rows for u in (r.report_urls or []))
        out.append(ListingCrawl(entry_url=entry, crawled_at=local(max(r.crawled_at for r in rows)), ok=ok,
                                report_urls=urls, url=rows[0].url, status=status, id=rows[0].id))
    return out


def es_fields(es: Elasticsearch, prefix: str, year: int, publisher_ids: list[str] | None = None) -> dict[str, dict]:
    """url -> {meta_dates, finding_codes} from the ES report documents of `year` (of the given
    publishers only: a county view must not read the whole country's documents)."""
    out: dict[str, dict] = {}
    flt: list[dict] = [{"term": {"year": year}}]
    if publisher_ids is not None and len(publisher_ids) <= 60_000:  # terms' limit is 65,536
        if not publisher_ids:
            return out
        flt.append({"terms": {"publisher_id": publisher_ids}})
    try:
        for hit in helpers.scan(es, index=f"{prefix}-reports", query={"query": {"bool": {"filter": flt}}},
                                size=5000,
                                _source=["url", "meta_dates", "finding_codes"], ignore_unavailable=True):
            src = hit["_source"]
            if src.get("url"):
                out[src["url"]] = src
    except Exception as exc:  # evidence from ES is a bonus: compliance still works from the DB
        log.warning("ES evidence unavailable: %s", exc)
    return out


def load(session: Session, year: int, *, province: str | None = None, city: str | None = None,
         county: str | None = None, es: Elasticsearch | None = None,
         prefix: str | None = None) -> tuple[list[PublisherInfo], list[ReportSighting], list[ListingCrawl]]:
    pubs = publishers(session, province, city, county)
    filtered = any((province, city, county))
    ids = [p.id for p in pubs] if filtered else None
    extra = es_fields(es, prefix, year, ids) if es is not None and prefix else None
    sights = sightings(session, year, [p.id for p in pubs] if filtered else None, extra)
    crawls = listing_crawls(session, sorted({p.entry_url for p in pubs}))
    return pubs, sights, crawls
