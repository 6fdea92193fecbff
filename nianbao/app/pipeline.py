"""One run of the pipeline: crawl → index → monitor. The scheduler's job, the admin page's
crawl button and the demo all call `run_pipeline`, so the three cannot drift apart.

Before indexing, an index made by an older mapping version is rebuilt from the archive (what
`nianbao index` only warns about): a run never writes new documents into an outdated index.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from crawler.engine import CrawlSummary, run_crawl
from crawler.registry import Publisher
from indexer.pipeline import IndexStats, rebuild_if_outdated, run_once
from monitor.alerts import RunStats
from monitor.alerts import run as run_alerts
from nianbao.settings import Settings

log = logging.getLogger("nianbao.pipeline")


@dataclass
class PipelineRun:
    """What each stage did; a stage that did not run (or failed, see `failed`) is None."""
    crawl: CrawlSummary | None = None
    rebuilt: dict[str, Any] | None = None  # indexer.store.rebuild's answer when one was needed
    index: IndexStats | None = None
    monitor: RunStats | None = None
    failed: dict[str, str] = field(default_factory=dict)  # stage -> error (isolate=True only)

    def crawl_counts(self) -> dict[str, int]:
        s = self.crawl
        if s is None:
            return {}
        return {k: s.total(k) for k in ("new", "changed", "removed", "errors")}


def run_pipeline(settings: Settings, publishers: list[Publisher], only: set[str] | None = None,
                 *, today: date | None = None, crawl: bool = True, isolate: bool = False,
                 crawl_progress: Callable[[int, int], None] | None = None,
                 index_progress: Callable[[IndexStats], None] | None = None) -> PipelineRun:
    """Crawl `publishers` (all, or those in `only`; skipped with crawl=False), index the queue,
    then run the monitor for `today` (default: now). A crawl error always raises (e.g.
    CrawlLocked: the previous run is still going). With isolate=True a failing index or
    monitor stage is logged and recorded in `failed` and the next stage still runs (the
    scheduler: one broken stage must not stop the others); otherwise it raises."""
    out = PipelineRun()
    if crawl:
        out.crawl = run_crawl(settings, publishers, only, crawl_progress)

    def index() -> None:
        out.rebuilt = rebuild_if_outdated(settings)
        out.index = run_once(settings, progress=index_progress)

    def monitor() -> None:
        out.monitor = run_alerts(settings, today)

    for stage, step in (("index", index), ("monitor", monitor)):
        try:
            step()
        except Exception as exc:
            if not isolate:
                raise
            log.exception("%s failed", stage)
            out.failed[stage] = str(exc)
    return out
