"""A crawled report whose link text named no registry publisher: attributed from the page.

The crawler matches a report to a publisher by the link text that led to it. Real columns
list bare titles ("2024年政府信息公开工作年度报告") whose body only the page's 发布机构 field
or the prose names; the parser reads those (`meta_sources` says which). This module matches
what the parser found to the publishers registered for the same column, and writes the match
back on the crawler's document row, so compliance sees the report as its publisher's. A body
that matches no registered publisher, or several, stays unattributed (never guessed).
Where the report itself names no body, the link text and then the registry row fill in, and
`meta_sources` records it.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from crawler.match import Matcher
from crawler.models import Document, PublisherRow
from crawler.registry import Publisher

from .parse import meta as parse_meta
from .parse import places


def _registry(session: Session, entry_url: str) -> list[Publisher]:
    rows = session.scalars(select(PublisherRow).where(PublisherRow.entry_url == entry_url)).all()
    return [Publisher.model_validate({"id": r.id, "name": r.name, "level": r.level, "province": r.province or "",
                                      "city": r.city or "", "county": r.county or "", "code": r.code or "",
                                      "entry_url": r.entry_url}) for r in rows]


def match_publisher(session: Session, document_id: int, report: dict[str, Any]) -> str | None:
    """The registered publisher of the document's column whose name is the report's body."""
    doc = session.get(Document, document_id)
    if doc is None or not (report.get("organ") or report.get("place")):
        return None
    pubs = _registry(session, doc.entry_url)
    if not pubs:
        return None
    matcher = Matcher(pubs)
    for name in (report.get("organ"), report.get("place")):
        if name and (pub := matcher.match(f"{name}{report.get('year') or ''}年", doc.entry_url)):
            return pub.id
    return None


def assign(session: Session, document_id: int, publisher_id: str, year: int | None) -> None:
    """Write the match on the crawler's document row (a year only where it had none)."""
    values: dict[str, Any] = {"publisher_id": publisher_id}
    doc = session.get(Document, document_id)
    if doc is not None and doc.year is None and year:
        values["year"] = year
    session.execute(update(Document).where(Document.id == document_id).values(**values))
    session.commit()


def fill_from_crawl(report: dict[str, Any], link_text: str | None, registry_name: str | None) -> None:
    """The report names no body: the link text that led to it, then the registry row."""
    if report.get("place") or report.get("organ"):
        return
    sources = report.setdefault("meta_sources", {})
    for text, src in ((link_text, "crawl:link_text"), (registry_name, "crawl:registry")):
        organ = parse_meta.organ_of(text) if src == "crawl:link_text" else text
        if not organ:
            continue
        town = places.find_township(organ, report.get("county"))
        report["organ"], sources["organ"] = organ, src
        if town:
            report["place"], sources["place"] = town.name, src
        return
