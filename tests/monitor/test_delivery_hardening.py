"""Delivery that never stalls, and the outbound policy at send time, against real receivers:
one malformed, refused or crashing target fails only its own delivery, with its reason; the
other deliveries of the run go out and the dashboard snapshot is still written."""

from __future__ import annotations

import json
import socket
import threading
from collections.abc import Iterator
from datetime import date
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from sqlalchemy import select

from monitor import alerts, snapshot, subscriptions, webhook
from monitor.models import Delivery, Subscription
from nianbao import outbound
from nianbao.errors import ServiceUnavailable

from .conftest import add_crawl


def _hook(db, settings, receiver, target: str | None = None) -> Subscription:
    """A webhook subscription on the region; `target` is then written as a stored row would
    hold it (made before the policy existed, or changed in the database)."""
    sub = subscriptions.create(db, settings, kind="region_compliance", channel="webhook",
                               target=receiver.url, params={"county": "孟津区"})
    receiver.secret = sub.secret  # all webhooks of a test share one receiver: one secret
    sub.secret = receiver.secret or sub.secret
    if target is not None:
        sub.target = target
    db.commit()
    return sub


def _status(db, sub: Subscription) -> tuple[str, str]:
    d = db.scalar(select(Delivery).where(Delivery.subscription_id == sub.id))
    assert d is not None
    return d.status, d.error or ""


def test_bad_targets_fail_alone_and_the_run_goes_on(empty_index, settings, receiver, db) -> None:
    first = _hook(db, settings, receiver)
    bad = {
        "control": _hook(db, settings, receiver, "http://a\u0001b/hook"),
        "metadata": _hook(db, settings, receiver, "http://169.254.169.254/latest/meta-data/"),
        "decimal": _hook(db, settings, receiver, "http://167772161:9200/"),  # 10.0.0.1
        "hex": _hook(db, settings, receiver, "http://0xa9.0xfe.0xa9.0xfe/"),  # 169.254.169.254
        "port": _hook(db, settings, receiver, "http://example.org:99999/"),
    }
    chat = subscriptions.create(db, settings, kind="region_compliance", channel="chat",
                                target=receiver.url.replace("http://", "json://").replace("/hook", "/chat"),
                                params={"county": "孟津区"})
    chat.target = "nonsense://x"  # apprise cannot even load it: an exception of another kind
    db.commit()
    last = _hook(db, settings, receiver)
    for s in (first, last, *bad.values()):
        s.secret = "shared-secret"
    receiver.secret = "shared-secret"
    db.commit()
    add_crawl(db, "2025-02-01T09:00", [])

    stats = alerts.run(settings, date(2025, 2, 1), session=db, es=empty_index)

    assert (stats.sent, stats.failed) == (2, 6)
    assert len(receiver.accepted) == 2 and receiver.bad_signatures == 0
    assert _status(db, first)[0] == _status(db, last)[0] == "sent"
    reasons = {name: _status(db, s) for name, s in bad.items()}
    assert all(status == "failed" for status, _ in reasons.values()), reasons
    assert "控制字符" in reasons["control"][1] and "control character" in reasons["control"][1]
    assert "link-local" in reasons["metadata"][1]
    assert "10.0.0.1" in reasons["decimal"][1] and "private" in reasons["decimal"][1]
    assert "169.254.169.254" in reasons["hex"][1]
    assert "port" in reasons["port"][1]
    assert _status(db, chat)[0] == "failed"
    assert not db.scalars(select(Delivery).where(Delivery.status == "sending")).all()
    assert snapshot.latest(db, 2024) is not None  # the dashboard snapshot was written (before them)


def test_dns_rebinding_is_refused_at_send_time(empty_index, settings, receiver, db, monkeypatch) -> None:
    """Public when subscribed, loopback when sent: the second answer is checked and refused."""
    settings.outbound_allow = []
    port = int(receiver.url.rsplit(":", 1)[1].split("/")[0])
    answers = iter(["93.184.215.14", "127.0.0.1"])
    real = socket.getaddrinfo

    def rebinding(host, *args, **kwargs):
        if host == "hooks.example":
            ip = next(answers)
            return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", (ip, port))]
        return real(host, *args, **kwargs)

    monkeypatch.setattr(outbound.socket, "getaddrinfo", rebinding)
    sub = subscriptions.create(db, settings, kind="region_compliance", channel="webhook",
                               target=f"http://hooks.example:{port}/hook", params={"county": "孟津区"})
    add_crawl(db, "2025-02-01T09:00", [])
    stats = alerts.run(settings, date(2025, 2, 1), session=db, es=empty_index)
    assert stats.failed == 1 and receiver.requests == []
    status, error = _status(db, sub)
    assert status == "failed" and "127.0.0.1" in error and "loopback" in error


def test_webhook_connects_to_the_checked_address(settings, receiver, monkeypatch) -> None:
    """httpx never resolves the name itself: the POST goes to the address that was checked,
    with the original Host header."""
    port = int(receiver.url.rsplit(":", 1)[1].split("/")[0])
    real = socket.getaddrinfo
    asked: list[str] = []

    def resolver(host, *args, **kwargs):
        asked.append(host)
        if host == "hooks.example":
            return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", ("127.0.0.1", port))]
        return real(host, *args, **kwargs)

    monkeypatch.setattr(outbound.socket, "getaddrinfo", resolver)
    receiver.secret = "s"
    body = b'{"id": "k1"}'
    webhook.post(f"http://hooks.example:{port}/hook", "s", "k1", body, "UA", settings=settings)
    assert receiver.requests[-1]["headers"]["Host"] == f"hooks.example:{port}"
    assert "k1" in receiver.accepted and asked.count("hooks.example") == 1  # by the policy only


@pytest.fixture()
def redirector() -> Iterator[str]:
    """A loopback server that answers every request with a redirect to a private address."""

    class Handler(BaseHTTPRequestHandler):
        def _go(self) -> None:
            if self.headers.get("Content-Length"):
                self.rfile.read(int(self.headers["Content-Length"]))
            self.send_response(307)
            self.send_header("Location", "http://10.1.2.3:9200/_cat/indices")
            self.send_header("Content-Length", "0")
            self.end_headers()

        do_GET = do_POST = _go  # noqa: N815

        def log_message(self, *args) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


def test_redirects_to_refused_addresses_are_not_followed(settings, redirector) -> None:
    settings.outbound_allow = ["127.0.0.1"]
    with pytest.raises(ServiceUnavailable, match="重定向") as exc:
        webhook.post(f"http://{redirector}/hook", "s", "k", b"{}", "UA", settings=settings)
    assert "307" in str(exc.value)
    from monitor import chat

    with pytest.raises(ServiceUnavailable):  # apprise's robot: the 307 is a failure, not followed
        chat.notify(f"json://{redirector}/chat", "t", "x", settings)
    import requests

    with outbound.guard(settings) as guarded, pytest.raises(outbound.OutboundRefused, match="private"):
        requests.post(f"http://{redirector}/x", data=b"{}", timeout=5)  # requests follows 307
    assert guarded.refused and "10.1.2.3" in guarded.refused[0]


def test_chat_robot_refused_host_and_schemes(settings, db) -> None:
    for target in ("json://127.0.0.1:9200/", "json://169.254.169.254/", "jsons://[::1]/x",
                   "mailto://user:pw@10.0.0.1", "syslog://127.0.0.1", "json://a\u0001b/"):
        with pytest.raises(subscriptions.SubscriptionError):
            subscriptions.create(db, settings, kind="findings", channel="chat", target=target,
                                 params={"codes": "MISSING"})
    ok = subscriptions.create(db, settings, kind="findings", channel="chat",
                              target="dingtalk://0123456789abcdef0123456789abcdef", params={"codes": "MISSING"})
    assert ok.status == "active"


def test_mail_links_only_http(settings) -> None:
    from monitor.render import link

    assert link("http://127.0.1.1:8800/a.html") == "http://127.0.1.1:8800/a.html"
    assert link("javascript:alert(1)") is None and link("http://x/\u0000") is None
    assert json.dumps(link(None)) == "null"
