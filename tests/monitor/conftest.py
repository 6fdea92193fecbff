"""Real servers for the alert tests: an aiosmtpd SMTP server and an http.server webhook
receiver, each on a free loopback port; and a state DB with a few registry publishers."""

from __future__ import annotations

import email
import email.policy
import json
import socket
import threading
import uuid
from collections.abc import Iterator
from datetime import datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from aiosmtpd.controller import Controller

from monitor import webhook

ENTRY = "http://127.0.1.1:8800/col/nb/index.html"
PUBLISHERS = [  # id, name, level
    ("mj-cy", "孟津区朝阳镇人民政府", "township"),
    ("mj-pl", "孟津区平乐镇人民政府", "township"),
    ("mj-hs", "孟津区会盟镇人民政府", "township"),
    ("mj-gov", "孟津区人民政府", "county"),
]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Inbox:
    def __init__(self) -> None:
        self.messages: list[email.message.EmailMessage] = []

    async def handle_DATA(self, server, session, envelope):  # aiosmtpd handler hook
        self.messages.append(email.message_from_bytes(envelope.content, policy=email.policy.default))
        return "250 OK"

    def bodies(self, i: int = -1) -> tuple[str, str]:
        msg = self.messages[i]
        return (msg.get_body(("plain",)).get_content(), msg.get_body(("html",)).get_content())


@pytest.fixture()
def smtp(settings) -> Iterator[Inbox]:
    inbox = Inbox()
    port = free_port()
    ctl = Controller(inbox, hostname="127.0.0.1", port=port)
    ctl.start()
    settings.smtp_host, settings.smtp_port = "127.0.0.1", port
    yield inbox
    ctl.stop()


class Receiver:
    """Webhook receiver: verifies the HMAC signature, drops repeats by event id."""

    def __init__(self) -> None:
        self.secret = ""
        self.requests: list[dict] = []
        self.accepted: dict[str, dict] = {}
        self.fail_next = 0
        self.bad_signatures = 0
        self.url = ""


@pytest.fixture()
def receiver(settings) -> Iterator[Receiver]:
    """A loopback receiver, allowed by configuration: the outbound policy stays on."""
    rec = Receiver()
    settings.outbound_allow = ["127.0.0.1"]

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:  # noqa: N802
            body = self.rfile.read(int(self.headers["Content-Length"]))
            headers = dict(self.headers)
            if self.path.startswith("/chat"):  # an apprise json:// robot: no signature
                headers["X-Chat"] = "1"
                rec.requests.append({"headers": headers, "body": body})
                self.send_response(200)
                self.end_headers()
                return
            rec.requests.append({"headers": headers, "body": body})
            if rec.fail_next > 0:
                rec.fail_next -= 1
                self.send_response(503)
            elif not webhook.verify(rec.secret, body, self.headers.get(webhook.SIGNATURE_HEADER, "")):
                rec.bad_signatures += 1
                self.send_response(401)
            else:
                rec.accepted.setdefault(self.headers[webhook.EVENT_HEADER], json.loads(body))
                self.send_response(204)
            self.end_headers()

        def log_message(self, *args) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    rec.url = f"http://127.0.0.1:{server.server_address[1]}/hook"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield rec
    server.shutdown()
    server.server_close()


@pytest.fixture()
def db(settings):
    from crawler.models import PublisherRow
    from nianbao.db import init_db, make_engine, make_session_factory

    engine = make_engine(settings.database_url)
    init_db(engine)
    session = make_session_factory(engine)()
    for pid, name, level in PUBLISHERS:
        session.add(PublisherRow(id=pid, name=name, level=level, province="河南省", city="洛阳市",
                                 county="孟津区", code="410308000000", entry_url=ENTRY))
    session.commit()
    yield session
    session.close()
    engine.dispose()


def utc(local: str) -> datetime:
    """Beijing local time string -> naive UTC, as the crawler stores it."""
    from datetime import timedelta

    return datetime.fromisoformat(local) - timedelta(hours=8)


def add_crawl(session, when: str, urls: list[str], ok: bool = True) -> None:
    from crawler.models import ListingCrawl

    session.add(ListingCrawl(run_id=when, entry_url=ENTRY, url=ENTRY, host="127.0.1.1", crawled_at=utc(when),
                             status="ok" if ok else "failed", ok=ok, report_urls=urls))
    session.commit()


def add_report(session, pid: str, url: str, seen: str, shown: str | None, title: str,
               event: str = "new", done: bool = True) -> tuple[int, int]:
    """A document + version + queue event, as the crawler and the indexer leave them."""
    from sqlalchemy import select

    from crawler.models import Document, QueueRow, Version

    doc = session.scalar(select(Document).where(Document.url == url))
    if doc is None:
        doc = Document(publisher_id=pid, url=url, entry_url=ENTRY, title=title, year=2024,
                       published_shown=datetime.fromisoformat(shown) if shown else None,
                       first_seen=utc(seen), last_seen=utc(seen))
        session.add(doc)
        session.flush()
    seq = len(session.scalars(select(Version).where(Version.document_id == doc.id)).all()) + 1
    ver = Version(document_id=doc.id, seq=seq, sha256=f"{doc.id:02d}{seq:02d}".ljust(64, "0"), norm_sha256="n",
                  fetched_at=utc(seen))
    session.add(ver)
    session.flush()
    session.add(QueueRow(document_id=doc.id, version_id=ver.id, event=event, created_at=utc(seen),
                         done_at=utc(seen) if done else None, attempts=1))
    session.commit()
    return doc.id, ver.id


@pytest.fixture()
def empty_index(es, settings):
    """The real Elasticsearch with report indices of the test's own, created and empty:
    document events find none of their reports there (the tests that use it index none)."""
    from indexer.store import ensure_indices

    settings.es_index_prefix = f"{settings.es_index_prefix}-{uuid.uuid4().hex[:6]}"
    ensure_indices(es, settings.es_index_prefix)
    yield es
    es.indices.delete(index=f"{settings.es_index_prefix}-*", ignore_unavailable=True, allow_no_indices=True)
