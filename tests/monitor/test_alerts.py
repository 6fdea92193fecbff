"""Alerts end to end with real servers: SMTP (aiosmtpd), a webhook receiver, apprise, Atom."""

from __future__ import annotations

import json
import re
from datetime import date, datetime, timedelta

import pytest
from lxml import etree
from sqlalchemy import select

from monitor import alerts, delivery, feeds, subscriptions
from monitor.models import Delivery, Outbox

from .conftest import add_crawl, add_report


def _link(text: str, kind: str) -> str:
    m = re.search(r"https?://\S+/subscriptions/([\w-]+)/" + kind, text)
    assert m, f"no {kind} link in mail"
    return m.group(1)


def test_email_double_opt_in_digest_and_unsubscribe(settings, smtp, db) -> None:
    sub = subscriptions.create(db, settings, kind="region_compliance", channel="email",
                               target="watch@example.org", params={"county": "孟津区", "year": 2024})
    assert sub.status == "pending" and len(smtp.messages) == 1
    text, html = smtp.bodies()
    token = _link(text, "confirm")
    assert token == sub.token and "确认订阅" in html
    add_crawl(db, "2025-01-20T09:00", [])
    assert alerts.run(settings, date(2025, 1, 20), session=db).events == 0  # nothing due yet
    add_crawl(db, "2025-02-01T09:00", [])
    stats = alerts.run(settings, date(2025, 2, 1), session=db)
    assert stats.events == 3 and stats.sent == 0, "no mail before the opt-in"
    subscriptions.confirm(db, token)
    # events created before the confirmation are not queued for it: a new day brings new ones
    assert alerts.run(settings, date(2025, 2, 2), session=db).sent == 0
    db.query(Outbox).delete()
    from monitor.models import Event

    db.query(Event).delete()
    db.commit()
    stats = alerts.run(settings, date(2025, 2, 2), session=db)
    assert (stats.events, stats.sent, stats.items) == (3, 1, 3)  # one digest, not a storm
    msg = smtp.messages[-1]
    assert "3 条新提醒" in msg["Subject"]
    assert msg["List-Unsubscribe"] == f"<{subscriptions.unsubscribe_url(settings, token)}>"
    assert msg["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert msg["Message-ID"].startswith("<") and msg["X-Nianbao-Event-Id"] in msg["Message-ID"]
    text, html = smtp.bodies()
    assert "孟津区平乐镇人民政府 2024 年度报告未按期发布：截止 2025-01-31，已逾期 2 天" in text
    assert "孟津区人民政府" not in text  # the county government's deadline is 31 March
    assert "<ol>" in html and "已逾期 2 天" in html
    assert alerts.run(settings, date(2025, 2, 2), session=db).sent == 0  # running twice sends nothing twice
    assert len(smtp.messages) == 2
    subscriptions.cancel(db, _link(text, "unsubscribe"))
    subscriptions.cancel(db, token)  # a second click is harmless
    with pytest.raises(subscriptions.SubscriptionNotFound):
        subscriptions.get(db, token)


def test_html_escapes_report_titles(empty_index, settings, smtp, db) -> None:
    sub = subscriptions.create(db, settings, kind="publisher", channel="email", target="a@example.org",
                               params={"publisher_id": "mj-cy"})
    subscriptions.confirm(db, sub.token)
    add_report(db, "mj-cy", "http://127.0.1.1:8800/202501/t20250118_1.html", "2025-01-18T12:00",
               "2025-01-18T10:02", "<script>alert(1)</script>朝阳镇2024年报告")
    assert alerts.run(settings, date(2025, 1, 18), session=db, es=empty_index).sent == 1
    _, html = smtp.bodies()
    assert "<script>" not in html and "&lt;script&gt;" in html



def test_webhook_signed_retried_and_paused(empty_index, settings, smtp, receiver, db, monkeypatch) -> None:
    monkeypatch.setattr(delivery, "MAX_FAILURES", 2)
    sub = subscriptions.create(db, settings, kind="publisher", channel="webhook", target=receiver.url,
                               params={"publisher_id": "mj-cy"}, contact_email="ops@example.org")
    receiver.secret = sub.secret
    assert sub.status == "active" and len(sub.secret) == 64
    add_report(db, "mj-cy", "http://127.0.1.1:8800/202501/t20250118_1.html", "2025-01-18T12:00",
               "2025-01-18T10:02", "朝阳镇2024年政府信息公开工作年度报告")
    receiver.fail_next = 1
    now = datetime(2025, 1, 18, 12, 5)
    stats = alerts.run(settings, now=now, session=db, es=empty_index)
    assert (stats.sent, stats.failed) == (0, 1)
    assert alerts.run(settings, now=now + timedelta(seconds=30), session=db, es=empty_index).sent == 0  # backoff
    stats = alerts.run(settings, now=now + timedelta(minutes=2), session=db, es=empty_index)
    assert stats.sent == 1 and receiver.bad_signatures == 0
    (body,) = receiver.accepted.values()
    assert body["events"][0]["kind"] == "new" and body["events"][0]["url"].endswith("t20250118_1.html")
    # the receiver goes down for good: paused after MAX_FAILURES, with a notice mail
    receiver.fail_next = 100
    add_report(db, "mj-cy", "http://127.0.1.1:8800/202501/t20250118_1.html", "2025-01-20T12:00",
               "2025-01-18T10:02", "朝阳镇2024年政府信息公开工作年度报告", event="modified")
    t = now + timedelta(days=2)
    alerts.run(settings, now=t, session=db, es=empty_index)
    alerts.run(settings, now=t + timedelta(minutes=2), session=db, es=empty_index)
    db.refresh(sub)
    assert sub.status == "paused"
    assert smtp.messages[-1]["To"] == "ops@example.org" and "已暂停" in smtp.messages[-1]["Subject"]
    # resume: the kept alert goes out
    receiver.fail_next = 0
    subscriptions.update(db, sub.token, status="active")
    assert alerts.run(settings, now=t + timedelta(hours=1), session=db, es=empty_index).sent == 1
    assert [b["events"][0]["kind"] for b in receiver.accepted.values()] == ["new", "modified"]


def test_crash_between_send_and_record_loses_and_repeats_nothing(empty_index, settings, receiver, db, monkeypatch) -> None:
    sub = subscriptions.create(db, settings, kind="region_compliance", channel="webhook", target=receiver.url,
                               params={"county": "孟津区"})
    receiver.secret = sub.secret
    add_crawl(db, "2025-02-01T09:00", [])

    def crash(*_):
        raise delivery.Crash()

    monkeypatch.setattr(delivery, "after_send_hook", crash)
    with pytest.raises(delivery.Crash):
        alerts.run(settings, date(2025, 2, 1), session=db, es=empty_index)
    db.rollback()
    assert len(receiver.requests) == 1
    assert db.scalar(select(Delivery.status)) == "sending"
    monkeypatch.setattr(delivery, "after_send_hook", None)
    alerts.run(settings, date(2025, 2, 1), session=db, es=empty_index)
    assert len(receiver.requests) == 2 and len(receiver.accepted) == 1  # same event id: dropped as a repeat
    ids = {r["headers"][delivery_header()] for r in receiver.requests}
    assert len(ids) == 1
    alerts.run(settings, date(2025, 2, 1), session=db, es=empty_index)
    alerts.run(settings, date(2025, 2, 3), session=db, es=empty_index)
    assert len(receiver.requests) == 2
    assert set(db.scalars(select(Outbox.status))) == {"sent"}


def test_crash_before_send_loses_nothing(empty_index, settings, receiver, db, monkeypatch) -> None:
    from monitor import webhook

    sub = subscriptions.create(db, settings, kind="region_compliance", channel="webhook", target=receiver.url,
                               params={"county": "孟津区"})
    receiver.secret = sub.secret
    add_crawl(db, "2025-02-01T09:00", [])
    real_post = webhook.post

    def killed(*_a, **_k):
        raise delivery.Crash()

    monkeypatch.setattr(webhook, "post", killed)
    with pytest.raises(delivery.Crash):
        alerts.run(settings, date(2025, 2, 1), session=db, es=empty_index)
    db.rollback()
    assert receiver.requests == []
    monkeypatch.setattr(webhook, "post", real_post)
    alerts.run(settings, date(2025, 2, 1), session=db, es=empty_index)
    (body,) = receiver.accepted.values()
    assert body["count"] == 3


def delivery_header() -> str:
    from monitor import webhook

    return webhook.EVENT_HEADER


def test_atom_feed_and_chat_robot(empty_index, settings, receiver, db) -> None:
    feed_sub = subscriptions.create(db, settings, kind="findings", channel="feed",
                                    params={"codes": ["MISSING"], "county": "孟津区"}, label="孟津缺报")
    chat = subscriptions.create(db, settings, kind="findings", channel="chat",
                                target=receiver.url.replace("http://", "json://").replace("/hook", "/chat"),
                                params={"codes": "MISSING"})
    with pytest.raises(subscriptions.SubscriptionError):
        subscriptions.create(db, settings, kind="findings", channel="chat", target="nonsense", params={"codes": "MISSING"})
    add_crawl(db, "2025-02-01T09:00", [])
    stats = alerts.run(settings, date(2025, 2, 1), session=db, es=empty_index)
    assert stats.sent == 1  # the chat robot; the feed is read, not sent
    chat_posts = [r for r in receiver.requests if r["headers"].get("X-Chat")]
    assert len(chat_posts) == 1 and "未按期发布" in json.loads(chat_posts[0]["body"])["message"]
    doc = etree.fromstring(feeds.atom(db, feed_sub.token, settings))
    ns = {"a": "http://www.w3.org/2005/Atom"}
    entries = doc.findall("a:entry", ns)
    assert len(entries) == 3 and "已逾期 1 天" in entries[0].findtext("a:title", namespaces=ns)
    assert doc.find("a:link[@rel='self']", ns).get("href").endswith(f"/feeds/{feed_sub.token}.atom")
    assert chat.status == "active"


def test_bad_input_is_one_line_error(settings, db) -> None:
    for kw in ({"kind": "x", "channel": "email", "target": "a@b.cn"},
               {"kind": "saved_search", "channel": "feed", "params": {}},
               {"kind": "findings", "channel": "feed", "params": {"codes": ["NOPE"]}},
               {"kind": "publisher", "channel": "webhook", "target": "ftp://x", "params": {"publisher_id": "p"}},
               {"kind": "publisher", "channel": "email", "target": "not-an-address", "params": {"publisher_id": "p"}}):
        with pytest.raises(subscriptions.SubscriptionError) as exc:
            subscriptions.create(db, settings, **kw)
        assert "\n" not in str(exc.value)
