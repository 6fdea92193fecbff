"""A batch's documents are parsed side by side (indexer.pipeline.parse_all), in order, and a
document that cannot be parsed gives its error in its place without stopping the others."""

from __future__ import annotations

import threading
from typing import Any

import pytest

from crawler.queue import QueueItem
from indexer import pipeline
from nianbao.errors import NianbaoError
from nianbao.settings import Settings


def _item(i: int) -> QueueItem:
    return QueueItem(id=i, event="new", document_id=i, version_id=None, url=f"http://x.gov.cn/{i}",
                     publisher_id=None, publisher_name=None, title=None, year=None, published_shown=None,
                     first_seen=None, last_seen=None, status="live", sha256=f"{i:064x}", content_type="",
                     filename="", source_url=None, fetched_at=None, attempts=0)


def test_parse_all_runs_side_by_side_in_order(monkeypatch: pytest.MonkeyPatch) -> None:
    both = threading.Barrier(2, timeout=10)  # broken (an error) if the two never overlap

    def parse_item(archive: Any, item: QueueItem, side_by_side: bool = False) -> dict[str, Any]:
        assert side_by_side  # several at once: every document in a worker process
        if item.id < 2:
            both.wait()
        if item.id == 3:
            raise NianbaoError("坏文件")
        return {"n": item.id}

    monkeypatch.setattr(pipeline, "parse_item", parse_item)
    got = pipeline.parse_all(None, [_item(i) for i in range(5)], workers=2)  # type: ignore[arg-type]
    assert [g if isinstance(g, dict) else str(g) for g in got] == [{"n": 0}, {"n": 1}, {"n": 2}, "坏文件", {"n": 4}]
    # one worker: in this thread, one after another
    names: list[str] = []
    monkeypatch.setattr(pipeline, "parse_item",
                        lambda a, i, side_by_side: names.append(threading.current_thread().name) or {}
                        if not side_by_side else pytest.fail("one at a time: parsed here"))
    pipeline.parse_all(None, [_item(i) for i in range(3)], workers=1)  # type: ignore[arg-type]
    assert names == [threading.current_thread().name] * 3


def test_parse_workers_default_is_one_per_cpu(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(pipeline.os, "cpu_count", lambda: 6)
    assert pipeline.parse_workers(Settings(parse_workers=0)) == 6
    assert pipeline.parse_workers(Settings(parse_workers=3)) == 3


def test_side_by_side_parses_text_in_a_child_too(monkeypatch: pytest.MonkeyPatch, seeds_dir) -> None:  # type: ignore[no-untyped-def]
    """Several documents at once (parse_all with workers > 1): text and HTML go to a worker
    process as binary documents do, since threads of one process take turns under the GIL;
    the report is the same either way."""
    from indexer.parse import parse, worker

    data = sorted(p for p in seeds_dir.iterdir() if p.is_file())[0].read_bytes()
    children: list[str | None] = []
    real = worker.run
    monkeypatch.setattr(worker, "run", lambda d, name, *rest: children.append(name) or real(d, name, *rest))
    here = parse(data, "seed.txt", "text/plain")
    assert children == []
    there = parse(data, "seed.txt", "text/plain", side_by_side=True)
    assert children == ["seed.txt"] and there.to_json() == here.to_json()
