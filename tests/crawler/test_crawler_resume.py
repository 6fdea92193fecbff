"""Kill the crawler mid-way (SIGKILL, a real subprocess), run it again: nothing lost, nothing twice."""

from __future__ import annotations

import hashlib
import os
import signal
import subprocess
import sys
import time

from sqlalchemy import Engine, func, select, text
from sqlalchemy.exc import SQLAlchemyError
from warcio.archiveiterator import ArchiveIterator

from crawler.models import Document, QueueRow, Version
from nianbao.db import make_engine


def _count_docs(engine: Engine) -> int:
    try:
        with engine.connect() as con:
            return con.execute(text("select count(*) from documents")).scalar_one()
    except SQLAlchemyError:  # not created yet
        return 0


def test_kill_and_resume(world):
    env = {**os.environ, "NIANBAO_DATA_DIR": str(world.settings.data_path),
           "NIANBAO_CRAWL_DELAY_SECONDS": "0.1", "NIANBAO_CRAWL_HOST_CONCURRENCY": "1"}
    db = make_engine(world.settings.database_url)  # SQLite or, in the PostgreSQL run, PostgreSQL
    truth = world.truth()
    proc = subprocess.Popen([sys.executable, "-m", "nianbao.app.cli", "crawl", "--quiet",
                             "--registry", str(world.registry_path)], env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    deadline = time.monotonic() + 60
    while _count_docs(db) < 5 and proc.poll() is None and time.monotonic() < deadline:
        time.sleep(0.05)
    proc.send_signal(signal.SIGKILL)
    proc.wait(10)
    killed_at = _count_docs(db)
    assert 5 <= killed_at < len(truth), "the crawl should have been killed mid-way"

    rerun = subprocess.run([sys.executable, "-m", "nianbao.app.cli", "crawl", "--quiet",
                            "--registry", str(world.registry_path)],
                           env={**env, "NIANBAO_CRAWL_DELAY_SECONDS": "0.02"},
                           capture_output=True, text=True, timeout=240)
    assert rerun.returncode == 0, rerun.stderr
    assert "合计 / total" in rerun.stdout  # the summary

    with world.session() as s:
        urls = s.scalars(select(Document.url)).all()
        assert sorted(urls) == sorted(truth)  # nothing lost, no duplicates
        per_doc = s.execute(select(Version.document_id, func.count()).group_by(Version.document_id)).all()
        assert len(per_doc) == len(truth) and all(n == 1 for _, n in per_doc)
        events = s.execute(select(QueueRow.document_id, QueueRow.event)).all()
        assert sorted(e for _, e in events) == ["new"] * len(truth)
        assert len({d for d, _ in events}) == len(truth)
        versions = s.scalars(select(Version)).all()
    for v in versions:  # every version points at a readable WARC record, across both runs
        with open(world.settings.archive_dir / v.warc_file, "rb") as fh:
            fh.seek(v.warc_offset)
            rec = next(iter(ArchiveIterator(fh)))
            assert rec.rec_type == "response"
            assert hashlib.sha256(rec.content_stream().read()).hexdigest() == v.sha256
