"""The pipeline over the crawler's real queue, archive and parser, against the real ES.

The outage is simulated with a real TCP relay in front of the shared Elasticsearch that we
shut mid-run (the shared server itself is never stopped)."""

from __future__ import annotations

import hashlib
import socket
import threading
from datetime import date, datetime
from pathlib import Path

import pytest
from sqlalchemy import func, select

from bench.gen_corpus import corpus
from crawler import queue
from crawler.archive import Archive
from crawler.models import PublisherRow, QueueRow
from crawler.state import Observation, mark_missing, save_observation
from indexer import mappings, pipeline, search, store
from monitor import alerts
from nianbao.db import init_db, make_engine, make_session_factory
from nianbao.es import es_client


class Relay:
    """A loopback TCP relay to Elasticsearch that can be cut like a network outage."""

    def __init__(self, target: str) -> None:
        host, port = target.removeprefix("http://").split(":")
        self.target = (host, int(port))
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(16)
        self.url = f"http://127.0.0.1:{self.sock.getsockname()[1]}"
        self.conns: list[socket.socket] = []
        self.up = True
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self) -> None:
        while self.up:
            try:
                client, _ = self.sock.accept()
            except OSError:
                return
            upstream = socket.create_connection(self.target)
            self.conns += [client, upstream]
            for a, b in ((client, upstream), (upstream, client)):
                threading.Thread(target=self._pipe, args=(a, b), daemon=True).start()

    @staticmethod
    def _pipe(a: socket.socket, b: socket.socket) -> None:
        try:
            while data := a.recv(65536):
                b.sendall(data)
        except OSError:
            pass
        finally:
            for s in (a, b):
                try:
                    s.shutdown(socket.SHUT_RDWR)
                except OSError:
                    pass

    def cut(self) -> None:
        self.up = False
        try:  # wakes the blocked accept(); close() alone leaves the port listening on Linux
            self.sock.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass
        self.sock.close()
        for c in self.conns:
            try:
                c.shutdown(socket.SHUT_RDWR)
                c.close()
            except OSError:
                pass


@pytest.fixture()
def world(settings, es, es_prefix: str, seeds_dir: Path, request):  # type: ignore[no-untyped-def]
    """A state DB with publishers, documents, versions and queue events; archive filled."""
    s = settings.model_copy(update={"es_index_prefix": f"{es_prefix}-p{request.node.name[-6:].lower()}"})
    engine = make_engine(s.database_url)
    init_db(engine)
    factory = make_session_factory(engine)
    archive = Archive(s)
    now = datetime(2025, 2, 3, 4, 5, 6)
    files = [(p.name, p.read_bytes()) for p in sorted(seeds_dir.glob("*.txt"))]
    files += [(f"gen{i}.txt", r["text"].encode()) for i, (r, _m) in enumerate(corpus(15, start=1000))]
    with factory() as session:
        session.add(PublisherRow(id="mj-cy", name="孟津区朝阳镇人民政府", level="township",
                                 province="河南省", city="洛阳市", county="孟津区", code="410308100000",
                                 entry_url="http://mj.example/xxgk"))
        session.flush()
        for i, (name, data) in enumerate(files):
            sha = archive.put(data)
            save_observation(session, Observation(
                url=f"http://mj.example/xxgk/{i}.html", entry_url="http://mj.example/xxgk",
                title=name, organ="", year=2024 if i else 2024, publisher_id="mj-cy" if i == 0 else None,
                published_shown=datetime(2025, 1, 20) if i == 0 else None, sha256=sha,
                norm_sha256=hashlib.sha256(data).hexdigest(), page_sha256=None,
                content_type="text/plain", filename=name, source_url="", attachment_url=None,
                warc_file="", warc_offset=None), now)
        session.commit()
    return s, factory, len(files)


def _pending(factory) -> int:  # type: ignore[no-untyped-def]
    with factory() as session:
        return queue.pending_count(session)


def _count(es, s) -> int:  # type: ignore[no-untyped-def]
    es.indices.refresh(index=mappings.alias_name(s.es_index_prefix))
    return es.count(index=mappings.alias_name(s.es_index_prefix))["count"]


def test_run_once_indexes_everything_and_is_idempotent(world, es) -> None:  # type: ignore[no-untyped-def]
    s, factory, n = world
    stats = pipeline.run_once(s, es=es, batch=7, session_factory=factory)
    assert (stats.claimed, stats.indexed, stats.failed) == (n, n, 0), stats.errors
    assert _pending(factory) == 0 and _count(es, s) == n
    doc = search.get_report(es, s.es_index_prefix, "mj-cy-2024")
    assert doc["province"] == "河南省" and doc["county"] == "孟津区" and doc["year"] == 2024
    # lateness is the monitor's decision (with the evidence for the date and the grace days):
    # the indexer leaves it out, and stores it when the monitor has decided
    assert "timeliness" not in doc and "deadline" not in doc and "LATE" not in doc["finding_codes"]
    with factory() as session:
        alerts.run(s, date(2025, 2, 3), session=session, es=es)
    decided = search.get_report(es, s.es_index_prefix, "mj-cy-2024")
    assert decided["deadline"] == "2025-01-31" and decided["timeliness"] == "on_time"
    assert doc["applications"]["new"]["total"] is not None and doc["archive_sha256"]
    assert "mj-cy-2024" in {h["id"] for h in search.search(es, s.es_index_prefix, '"朝阳镇" county:孟津').hits}
    # nothing left; a second run is a no-op; re-queued events do not duplicate
    assert pipeline.run_once(s, es=es, session_factory=factory).claimed == 0
    with factory() as session:
        for qid in session.scalars(select(QueueRow.id)).all():
            row = session.get(QueueRow, qid)
            queue.enqueue(session, row.document_id, row.version_id, row.event)
        session.commit()
    assert pipeline.run_once(s, es=es, session_factory=factory).indexed == n
    assert _count(es, s) == n
    # a re-index keeps what the monitor decided until it decides again
    assert search.get_report(es, s.es_index_prefix, "mj-cy-2024")["timeliness"] == "on_time"
    # a removed page stays findable, flagged
    with factory() as session:
        for _ in range(2):
            mark_missing(session, "http://mj.example/xxgk/0.html", datetime(2025, 3, 1))
        session.commit()
    assert pipeline.run_once(s, es=es, session_factory=factory).removed == 1
    assert search.get_report(es, s.es_index_prefix, "mj-cy-2024")["status"] == "removed"


def test_a_drain_is_searchable_when_it_returns(world, es) -> None:  # type: ignore[no-untyped-def]
    """The indices refresh every 5 s (mappings.DEFAULT_SETTINGS); run_once refreshes once at the
    end, so what it indexed is counted at once, with no refresh of the caller's."""
    s, factory, n = world
    assert pipeline.run_once(s, es=es, batch=7, session_factory=factory).indexed == n
    reports, versions = (mappings.alias_name(s.es_index_prefix, k) for k in ("reports", "versions"))
    assert {v["settings"]["index"]["refresh_interval"]
            for v in es.indices.get_settings(index=reports, name="index.refresh_interval").body.values()} == {"5s"}
    assert es.count(index=reports)["count"] == n and es.count(index=versions)["count"] == n


def test_outage_mid_run_loses_nothing(world, es, es_url: str) -> None:  # type: ignore[no-untyped-def]
    s, factory, n = world
    relay = Relay(es_url)
    flaky = es_client(s.model_copy(update={"es_url": relay.url}), max_retries=1, request_timeout=5)
    seen: list[int] = []

    def cut_after_first_batch(stats: pipeline.IndexStats) -> None:
        seen.append(stats.indexed)
        relay.cut()

    stats = pipeline.run_once(s, es=flaky, batch=5, session_factory=factory, progress=cut_after_first_batch)
    # handed back: the batch that met the outage and the one being parsed ahead of it
    assert stats.es_down and stats.indexed == 5 and stats.released == 10 and stats.claimed == 15
    assert _count(es, s) == 5
    assert _pending(factory) == n - 5
    with factory() as session:  # handed back without burning an attempt, nothing parked
        assert session.scalar(select(func.max(QueueRow.attempts))) <= 1
        assert session.scalar(select(func.count()).where(QueueRow.error.is_not(None))) == 0
    # still down: nothing claimed, nothing lost
    down = pipeline.run_once(s, es=flaky, session_factory=factory)
    assert down.es_down and down.claimed == 0 and _pending(factory) == n - 5
    # back up: the rest goes in
    stats = pipeline.run_once(s, es=es, session_factory=factory)
    assert stats.indexed == n - 5 and _pending(factory) == 0 and _count(es, s) == n


def test_the_next_batch_is_parsed_while_one_is_indexed(world, es, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """run_once parses one batch ahead: the second batch's parse has started before the first
    batch is built and indexed (without the overlap the wait below times out)."""
    s, factory, n = world
    second_parse = threading.Event()
    parses: list[int] = []
    real_parse, real_process = pipeline.parse_all, pipeline._process

    def parse_all(archive, items, workers):  # type: ignore[no-untyped-def]
        parses.append(len(items))
        if len(parses) == 2:
            second_parse.set()
        return real_parse(archive, items, workers)

    def process(session, es_, prefix, items, parsed, stats):  # type: ignore[no-untyped-def]
        if stats.batches == 1:
            assert second_parse.wait(10), "batch 2 was not parsed while batch 1 was indexed"
        return real_process(session, es_, prefix, items, parsed, stats)

    monkeypatch.setattr(pipeline, "parse_all", parse_all)
    monkeypatch.setattr(pipeline, "_process", process)
    stats = pipeline.run_once(s, es=es, batch=7, session_factory=factory)
    assert (stats.indexed, stats.failed, stats.released) == (n, 0, 0) and parses == [7, 7, 6]
    assert _pending(factory) == 0 and _count(es, s) == n


def test_an_error_hands_the_batch_ahead_back(world, es, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """A batch that raises (not an outage) leaves its own items leased, as before, but the batch
    claimed ahead goes back at once rather than when its lease ends."""
    s, factory, n = world

    def broken(*args):  # type: ignore[no-untyped-def]
        raise RuntimeError("boom")

    monkeypatch.setattr(pipeline, "_process", broken)
    with pytest.raises(RuntimeError, match="boom"):
        pipeline.run_once(s, es=es, batch=7, session_factory=factory)
    with factory() as session:
        leased = session.scalar(select(func.count()).where(QueueRow.claimed_at.is_not(None)))
    assert leased == 7 and _pending(factory) == n


def test_rebuild_from_archive(world, es) -> None:  # type: ignore[no-untyped-def]
    s, factory, n = world
    pipeline.run_once(s, es=es, session_factory=factory)
    before = es.indices.get_alias(name=mappings.alias_name(s.es_index_prefix)).body
    out = pipeline.rebuild_from_archive(s, es=es, grace_seconds=0.1)
    assert out["indexed"] == n and not out["parse_errors"]
    after = es.indices.get_alias(name=mappings.alias_name(s.es_index_prefix)).body
    assert list(after) == [out["index"]] and list(before) != list(after)
    assert _count(es, s) == n


def test_reindex_keeps_reviewed_corrections(world, es) -> None:  # type: ignore[no-untyped-def]
    """A corrected cell and a dismissed finding survive a re-crawl of the same report."""
    from indexer.reviews import Review

    s, factory, _n = world
    pipeline.run_once(s, es=es, session_factory=factory)
    before = search.get_report(es, s.es_index_prefix, "mj-cy-2024")
    parsed = before["applications"]["new"]["total"]
    with factory() as session:
        session.add(Review(report_id="mj-cy-2024", kind="correct", path="applications.new.total",
                           old_value=parsed, new_value=parsed + 7, reason="misread", user="editor"))
        session.commit()
        # the site serves the report again: the crawler queues it anew
        row = session.scalars(select(QueueRow).limit(1)).one()
        queue.enqueue(session, row.document_id, row.version_id, "modified")
        session.commit()
    pipeline.run_once(s, es=es, session_factory=factory)
    after = search.get_report(es, s.es_index_prefix, "mj-cy-2024")
    assert after["applications"]["new"]["total"] == parsed + 7
    assert after["review_original"]["values"]["applications.new.total"] == parsed


def test_reviews_are_read_a_batch_at_a_time(world) -> None:  # type: ignore[no-untyped-def]
    """reviews_of: every id asked for is a key, each report's reviews oldest first, others' apart."""
    from indexer.reviews import Review, reviews_of

    _s, factory, _n = world
    with factory() as session:
        for rid, kind, at in (("a-2024", "dismiss", 2), ("b-2024", "confirm", 1), ("a-2024", "confirm", 1)):
            session.add(Review(report_id=rid, kind=kind, code="T3_ROW_SUM", user="u", reason="r",
                               at=datetime(2025, 3, at)))
        session.commit()
        got = reviews_of(session, ["a-2024", "b-2024", "c-2024"])
    assert [r["kind"] for r in got["a-2024"]] == ["confirm", "dismiss"]
    assert [r["kind"] for r in got["b-2024"]] == ["confirm"] and got["c-2024"] == []


def test_an_index_of_an_older_mapping_is_rebuilt(world, es) -> None:  # type: ignore[no-untyped-def]
    s, factory, n = world
    pipeline.run_once(s, es=es, session_factory=factory)
    assert pipeline.rebuild_if_outdated(s, es=es) is None  # current: nothing to do
    old = store.alias_target(es, mappings.alias_name(s.es_index_prefix))
    es.indices.put_mapping(index=old, meta={"nianbao_mapping_version": mappings.MAPPING_VERSION - 1,
                                            "kind": "reports"})
    assert store.needs_rebuild(es, s.es_index_prefix)
    out = pipeline.rebuild_if_outdated(s, es=es)
    assert out is not None and out["indexed"] == n and out["old"] == [old]
    assert store.mapping_version(es, s.es_index_prefix) == mappings.MAPPING_VERSION
    assert _count(es, s) == n
