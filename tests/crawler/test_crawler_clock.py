"""Moving the simulated world's clock: new, modified and removed reports, with queue events."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from crawler.archive import Archive
from crawler.models import Document, QueueRow, Version

from .crawler_world import start_world


def _events(s, url: str) -> list[str]:
    doc = s.scalar(select(Document).where(Document.url == url))
    return [q.event for q in s.scalars(select(QueueRow).where(QueueRow.document_id == doc.id)
                                       .order_by(QueueRow.id))]


@pytest.fixture()
def early(tmp_path):
    web, w = start_world(tmp_path, date="2024-01-15")
    try:
        yield w
    finally:
        web.stop()


def test_clock_brings_new_modified_removed(early):
    w = early
    docs = {d.key: d for i in range(len(w.web.hosts)) for d in w.web.world.docs(i) if d.kind == "report"}
    edited_removed = next(d for d in docs.values() if d.edited and d.removed
                          and d.published.date().isoformat() <= "2024-01-15")
    attachment_edit = next(d for d in docs.values() if d.edited and d.attachment and d.year == 2023)
    url_er = w.web.hosts[edited_removed.site] + edited_removed.path
    url_att = w.web.hosts[attachment_edit.site] + attachment_edit.path

    first = w.crawl()
    assert first.total("new") == len(w.truth()) > 0
    with w.session() as s:
        assert s.scalar(select(Document).where(Document.url == url_er)).status == "live"

    w.web.set_date("2024-01-25")  # the edit of 01-18 is out; new reports appeared
    second = w.crawl()
    assert second.total("new") > 0 and second.total("changed") >= 1
    with w.session() as s:
        assert _events(s, url_er) == ["new", "modified"]
        assert set(w.truth()) <= set(s.scalars(select(Document.url)))

    w.web.set_date(str(attachment_edit.edited.date()))  # the attachment itself is replaced
    w.crawl()
    w.web.set_date(str(edited_removed.removed))
    once = w.crawl()  # one 404 is not yet a removal
    with w.session() as s:
        assert s.scalar(select(Document).where(Document.url == url_er)).status == "live"
        assert _events(s, url_att)[-1] == "modified"
        att_versions = s.scalars(select(Version).join(Document).where(Document.url == url_att)).all()
        assert len(att_versions) == 2 and att_versions[0].sha256 != att_versions[1].sha256
    assert once.total("removed") == 0

    twice = w.crawl()
    assert twice.total("removed") == 1
    with w.session() as s:
        doc = s.scalar(select(Document).where(Document.url == url_er))
        assert doc.status == "removed" and doc.removed_at is not None
        assert _events(s, url_er) == ["new", "modified", "removed"]
        versions = s.scalars(select(Version).where(Version.document_id == doc.id)).all()
    for v in versions:  # the archived copies stay
        assert Archive(w.settings).read(v.sha256)
