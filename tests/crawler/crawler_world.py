"""Helpers for crawler tests: a running simweb with a crawler data dir and registry."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

import yaml
from sqlalchemy import select
from sqlalchemy.orm import Session

from crawler.engine import CrawlSummary, run_crawl
from crawler.models import Document
from crawler.registry import Publisher, load_registry
from nianbao.db import init_db, make_engine, make_session_factory
from nianbao.settings import Settings

FAST = {"crawl_delay_seconds": 0.02, "crawl_host_concurrency": 2, "crawl_timeout_seconds": 2.0,
        "crawl_retries": 2}


def write_registry(path: Path, rows: list[dict]) -> Path:
    path.write_text(yaml.safe_dump({"publishers": rows}, allow_unicode=True), encoding="utf-8")
    return path


class World:
    """A running simweb plus a crawler data dir and registry pointing at it."""

    first: CrawlSummary

    def __init__(self, web, settings: Settings, registry_path: Path) -> None:
        self.web = web
        self.settings = settings
        self.registry_path = registry_path

    @property
    def registry(self) -> list[Publisher]:
        return load_registry(self.registry_path)

    def crawl(self, only: set[str] | None = None) -> CrawlSummary:
        return run_crawl(self.settings, self.registry, only)

    def session(self) -> Session:
        engine = make_engine(self.settings.database_url)
        init_db(engine)
        return make_session_factory(engine)()

    def truth(self) -> dict[str, object]:
        """URL -> simweb Doc of every report the world shows today."""
        return {self.web.hosts[d.site] + d.path: d for d in self.web.world.visible_reports(self.web.today)}


def warm(web) -> int:
    """Render every attachment the world shows today before a crawl starts.

    A cold .doc is converted by LibreOffice inside the simulated server (seconds, more under
    CPU load: past the tests' 2 s client timeout) and a retry started a second conversion:
    a crawl test then failed on a fresh machine (empty render cache) and passed once warm.
    Rendered here, the timed crawl only reads the server's page cache. Returns the count."""
    state = web.server.state
    paths = {(d.site, d.attachment) for d in web.world.visible_reports(web.today) if d.attachment}
    for site, path in sorted(paths):
        state.page(site, path, {})
    return len(paths)


def start_world(tmp_path: Path, date: str = "2025-02-15", size: str = "tiny", **extra) -> tuple:
    from simweb.server import SimWeb

    web = SimWeb(seed=1, size=size, date=date, port=0).start()
    warm(web)
    settings = Settings(data_dir=tmp_path / "var", **{**FAST, **extra})
    reg = write_registry(tmp_path / "publishers.yaml", web.registry_rows())
    return web, World(web, settings, reg)


@contextlib.contextmanager
def family_world(tmp: Path, cms: str) -> Iterator[World]:
    """A demo-size simulated web whose sites serve `cms` ("cycle": one family each), crawled
    once (`.first` holds the summary)."""
    from simweb.server import SimWeb

    web = SimWeb(seed=1, size="demo", date="2025-02-15", port=0, cms=cms).start()
    try:
        warm(web)
        w = World(web, Settings(data_dir=tmp / "var", **FAST),
                  write_registry(tmp / "publishers.yaml", web.registry_rows()))
        w.first = w.crawl()
        yield w
    finally:
        web.stop()


def found_once_and_nothing_else(w: World) -> dict[str, Document]:
    """Asserts the ground truth: every visible report found once, nothing else, on all four
    sites, with its year, and no crawl error. Returns the documents by URL."""
    truth = w.truth()
    with w.session() as s:
        docs = {d.url: d for d in s.scalars(select(Document))}
    assert set(docs) == set(truth)  # no notice, 自查报告, mirror copy or list page among them
    assert len({urlsplit(u).netloc for u in docs}) == 4
    for url, d in docs.items():
        assert d.year == truth[url].year, url
    assert w.first.total("errors") == 0
    return docs
