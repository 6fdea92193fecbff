"""Each fault of the simulated web is survived and logged; a challenged site is `blocked`."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from crawler.models import Document, Fetch, ListingCrawl

from .crawler_world import start_world


@pytest.fixture()
def early(tmp_path):
    web, w = start_world(tmp_path, date="2024-01-20", crawl_timeout_seconds=1.0)
    try:
        yield w
    finally:
        web.stop()


def _log(w, url_part: str) -> list[tuple[int | None, str, str | None]]:
    with w.session() as s:
        return [(f.status, f.outcome, f.error) for f in s.scalars(
            select(Fetch).where(Fetch.url.contains(url_part)).order_by(Fetch.id))]


def test_faults_survived_and_logged(early):
    w, web = early, early.web
    truth = w.truth()
    by_site = {i: sorted(u for u, d in truth.items() if d.site == i) for i in (0, 1)}
    hanweb = web.world.site(1)
    hang_url, loop_url, trunc_url = by_site[0][0], by_site[0][1], by_site[1][0]
    redirect_url = by_site[1][1]
    path = lambda u: "/" + u.split("/", 3)[3]  # noqa: E731
    web.add_fault(kind="error", site=1, path=hanweb.list_path, status=503, retry_after=1, times=2)
    web.add_fault(kind="charset", site=1, path=hanweb.list_path)  # GBK page declared UTF-8
    web.add_fault(kind="slow", site=1, path="/module/download/", delay=0.3)
    web.add_fault(kind="truncate", site=1, path=path(trunc_url), times=1)
    web.add_fault(kind="redirect", site=1, path=path(redirect_url), hops=3)
    web.add_fault(kind="hang", site=0, path=path(hang_url), times=1)
    web.add_fault(kind="redirect", site=0, path=path(loop_url), hops=0)  # a loop

    first = w.crawl()
    with w.session() as s:
        got = set(s.scalars(select(Document.url)))
    assert got == set(truth) - {loop_url}  # everything else survived
    assert [r[:2] for r in _log(w, hanweb.list_path)][:3] == [(503, "retry"), (503, "retry"), (200, "ok")]
    assert any(o == "retry" and "Timeout" in (e or "") for _, o, e in _log(w, path(hang_url)))
    assert any(o == "retry" and e for _, o, e in _log(w, path(trunc_url)))  # truncated body
    assert (302, "redirect") in [r[:2] for r in _log(w, path(redirect_url))]
    assert any("too many redirects" in (e or "") for _, _, e in _log(w, path(loop_url)))
    assert first.total("errors") >= 1

    # An anti-bot challenge on the TRS site: recognised, host blocked, nothing parsed, and its
    # known reports are not counted as missing.
    web.clear_faults()
    web.add_fault(kind="challenge", site=0)
    web.add_fault(kind="forbidden", site=1, path="/module/")  # a WAF's 403 page on attachments
    second = w.crawl()
    host0, host1 = (h.split("//")[1] for h in web.hosts[:2])
    assert second.hosts[host0].blocked and "412" in second.hosts[host0].blocked
    assert second.hosts[host1].blocked and "403" in second.hosts[host1].blocked
    with w.session() as s:
        rows = s.scalars(select(ListingCrawl).where(ListingCrawl.run_id == second.run_id,
                                                     ListingCrawl.host == host0)).all()
        assert rows and all(r.status == "blocked" and not r.ok for r in rows)
        site0 = s.scalars(select(Document).where(Document.url.startswith(web.hosts[0]))).all()
        assert site0 and all(d.status == "live" and d.missing_count == 0 for d in site0)
        blocked = s.scalars(select(Fetch).where(Fetch.run_id == second.run_id, Fetch.host == host0)).all()
    assert sum(1 for f in blocked if f.status == 412) == 1  # backed off after the first challenge

    web.clear_faults()
    w.crawl()
    with w.session() as s:
        assert set(s.scalars(select(Document.url))) == set(truth)
