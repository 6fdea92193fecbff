"""Helpers for crawler tests: a running simweb with a crawler data dir and registry."""

from __future__ import annotations

from pathlib import Path

import yaml
from sqlalchemy.orm import Session

from crawler.engine import CrawlSummary, run_crawl
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
