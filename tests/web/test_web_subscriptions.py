"""Subscription pages and API (monitor.subscriptions behind them), Atom feed, real SMTP."""

from __future__ import annotations

import threading

import pytest

from .conftest import csrf_of


@pytest.fixture()
def smtp_inbox(app):
    from aiosmtpd.controller import Controller

    got: list[bytes] = []

    class Handler:
        async def handle_DATA(self, server, session, envelope):  # aiosmtpd hook
            got.append(envelope.content)
            return "250 OK"

    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    ctl = Controller(Handler(), hostname="127.0.0.1", port=port)
    ctl.start()
    st = app.config["NIANBAO_SETTINGS"]
    st.smtp_host, st.smtp_port = "127.0.0.1", port
    yield got
    ctl.stop()


def test_feed_subscription_page_flow(client):
    page = client.get("/subscriptions/new").get_data(as_text=True)
    token = csrf_of(page)
    r = client.post("/subscriptions/new", data={"kind": "saved_search", "channel": "feed",
                                                "q": '"行政复议"', "mode": "immediate", "csrf_token": token})
    assert r.status_code == 302
    manage = r.headers["Location"]
    sub_token = manage.rsplit("/", 1)[1]
    html = client.get(manage).get_data(as_text=True)
    assert "管理订阅" in html and f"/feeds/{sub_token}.atom" in html
    feed = client.get(f"/feeds/{sub_token}.atom")
    assert feed.status_code == 200 and feed.mimetype == "application/atom+xml"
    assert b"<feed" in feed.data
    # edit
    r = client.post(manage, data={"q": '"依申请公开"', "mode": "daily", "label": "我的检索", "csrf_token": token})
    assert r.status_code == 302
    d = client.get(f"/api/subscriptions/{sub_token}").get_json()
    assert d["params"]["q"] == '"依申请公开"' and d["mode"] == "daily"
    # cancel
    r = client.post(f"/subscriptions/{sub_token}/cancel", data={"csrf_token": token})
    assert r.status_code == 200 and "已取消订阅" in r.get_data(as_text=True)
    assert client.get(manage).status_code == 404


def test_bad_subscription_input(client):
    token = csrf_of(client.get("/subscriptions/new").get_data(as_text=True))
    r = client.post("/subscriptions/new", data={"kind": "saved_search", "channel": "feed", "q": "(未闭合",
                                                "csrf_token": token})
    assert r.status_code == 400 and "检索式有误" in r.get_data(as_text=True)
    r = client.post("/subscriptions/new", data={"kind": "saved_search", "channel": "feed", "q": "x"})
    assert r.status_code == 400  # no CSRF token


def test_email_double_opt_in(client, smtp_inbox):
    r = client.post("/api/subscriptions", json={"kind": "region_compliance", "channel": "email",
                                                "target": "watch@example.org",
                                                "params": {"county": "孟津区", "year": 2024}})
    assert r.status_code == 201, r.get_data(as_text=True)
    sub = r.get_json()
    assert sub["status"] == "pending" and len(smtp_inbox) == 1
    import email
    import email.policy

    msg = email.message_from_bytes(smtp_inbox[0], policy=email.policy.default)
    text = msg.get_body(("plain",)).get_content()
    assert f"/subscriptions/{sub['token']}/confirm" in text
    page = client.get(f"/subscriptions/{sub['token']}/confirm").get_data(as_text=True)
    r = client.post(f"/subscriptions/{sub['token']}/confirm", data={"csrf_token": csrf_of(page)})
    assert r.status_code == 302
    assert client.get(f"/api/subscriptions/{sub['token']}").get_json()["status"] == "active"


def test_subscriptions_api(client):
    r = client.post("/api/subscriptions", json={"kind": "findings", "channel": "feed",
                                                "params": {"codes": ["T3_BALANCE"], "county": "孟津区"}})
    assert r.status_code == 201
    tok = r.get_json()["token"]
    r = client.patch(f"/api/subscriptions/{tok}", json={"params": {"codes": ["T4_SUM"]}})
    assert r.status_code == 200 and r.get_json()["params"]["codes"] == ["T4_SUM"]
    assert client.patch(f"/api/subscriptions/{tok}", json={"kind": "publisher"}).status_code == 400
    assert client.delete(f"/api/subscriptions/{tok}").get_json()["status"] == "cancelled"
    assert client.get(f"/api/subscriptions/{tok}").status_code == 404
    bad = client.post("/api/subscriptions", json={"kind": "nope", "channel": "feed"})
    assert bad.status_code == 400 and "error" in bad.get_json()
    # one-click unsubscribe (RFC 8058) works without a CSRF token
    tok2 = client.post("/api/subscriptions", json={"kind": "publisher", "channel": "feed",
                                                   "params": {"publisher_id": "mj-cy"}}).get_json()["token"]
    assert client.post(f"/subscriptions/{tok2}/unsubscribe").status_code == 200
    assert threading.active_count() >= 1
