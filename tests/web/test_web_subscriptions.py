"""Subscription pages and API (monitor.subscriptions behind them), Atom feed, real SMTP."""

from __future__ import annotations

import re
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


def _subscription_rows(app) -> list:
    from sqlalchemy import select

    from monitor.models import Subscription
    from nianbao.db import make_engine, make_session_factory

    engine = make_engine(app.config["NIANBAO_SETTINGS"].database_url)
    try:
        with make_session_factory(engine)() as s:
            return list(s.scalars(select(Subscription)))
    finally:
        engine.dispose()


def test_mail_failure_keeps_the_form_and_leaves_no_pending_row(app, client):
    import socket

    with socket.socket() as s:  # a port nobody listens on: the SMTP server is down
        s.bind(("127.0.0.1", 0))
        closed = s.getsockname()[1]
    st = app.config["NIANBAO_SETTINGS"]
    st.smtp_host, st.smtp_port = "127.0.0.1", closed
    token = csrf_of(client.get("/subscriptions/new").get_data(as_text=True))
    r = client.post("/subscriptions/new", data={
        "kind": "saved_search", "channel": "email", "target": "watch@example.org",
        "q": '"行政复议"', "county": "孟津区", "mode": "daily", "label": "复议", "csrf_token": token})
    html = r.get_data(as_text=True)
    assert r.status_code == 503
    assert "确认邮件暂时无法发送" in html and "could not be sent" in html  # bilingual, in the form
    assert 'value="watch@example.org"' in html and 'value="&#34;行政复议&#34;"' in html
    assert 'value="孟津区"' in html and 'value="复议"' in html
    assert re.search(r'<option value="daily"\s+selected', html)
    assert _subscription_rows(app) == []  # no orphan pending subscription
    r = client.post("/api/subscriptions", json={"kind": "publisher", "channel": "email",
                                                "target": "watch@example.org",
                                                "params": {"publisher_id": "mj-cy"}})
    assert r.status_code == 503 and "could not be sent" in r.get_json()["error"]["message"]
    assert _subscription_rows(app) == []


def test_unknown_publisher_county_or_missing_region_refused(client):
    token = csrf_of(client.get("/subscriptions/new").get_data(as_text=True))
    for data, zh, en in (
        ({"kind": "publisher", "publisher_id": "no-such-pub"}, "没有编号为", "no publisher with id"),
        ({"kind": "region_compliance", "county": "不存在县"}, "没有这个县区", "unknown county"),
        ({"kind": "region_compliance", "province": "河南省", "county": "海淀区"}, "没有这个县区", "unknown county"),
        ({"kind": "region_compliance"}, "需要填写省、市或县区", "needs a province"),
        ({"kind": "findings", "codes": "T3_BALANCE", "city": "开封市"}, "没有这个市", "unknown city"),
    ):
        r = client.post("/subscriptions/new", data={**data, "channel": "feed", "csrf_token": token})
        html = r.get_data(as_text=True)
        assert r.status_code == 400 and zh in html and en in html, (data, html[:300])
        assert 'name="kind"' in html  # the form again, not an error page
        r = client.post("/api/subscriptions", json={"kind": data["kind"], "channel": "feed",
                                                    "params": {k: v for k, v in data.items() if k != "kind"}})
        assert r.status_code == 400 and en in r.get_json()["error"]["message"]
    # what exists is accepted, and an edit to a place that does not exist is refused
    r = client.post("/api/subscriptions", json={"kind": "region_compliance", "channel": "feed",
                                                "params": {"province": "河南省", "county": "孟津区"}})
    assert r.status_code == 201
    tok = r.get_json()["token"]
    r = client.post(f"/subscriptions/{tok}", data={"county": "不存在县", "mode": "immediate", "csrf_token": token})
    assert r.status_code == 400 and "unknown county" in r.get_data(as_text=True)
    assert client.get(f"/api/subscriptions/{tok}").get_json()["params"]["county"] == "孟津区"
    assert client.post("/api/subscriptions", json={
        "kind": "publisher", "channel": "feed", "params": {"publisher_id": "mj-cy"}}).status_code == 201


def test_cancel_asks_for_confirmation(client):
    tok = client.post("/api/subscriptions", json={"kind": "publisher", "channel": "feed",
                                                  "params": {"publisher_id": "mj-cy"}}).get_json()["token"]
    manage = client.get(f"/subscriptions/{tok}").get_data(as_text=True)
    assert f'action="/subscriptions/{tok}/cancel"' not in manage  # no one-click cancel button
    link = re.search(rf'href="(/subscriptions/{tok}/unsubscribe)"', manage)
    assert link, manage
    page = client.get(link.group(1)).get_data(as_text=True)
    assert "确定要取消这项订阅吗" in page and f'href="/subscriptions/{tok}"' in page  # yes, or go back
    assert client.get(f"/api/subscriptions/{tok}").get_json()["status"] == "active"  # not yet
    r = client.post(link.group(1), data={"csrf_token": csrf_of(page)})
    assert r.status_code == 200 and "已取消订阅" in r.get_data(as_text=True)
    assert client.get(f"/api/subscriptions/{tok}").status_code == 404
    assert "已取消订阅" in client.get(link.group(1)).get_data(as_text=True)  # no question twice


def test_subscription_pages_say_what_is_sent_and_when(client, smtp_inbox):
    page = client.get("/subscriptions/new").get_data(as_text=True)
    assert "会收到什么、什么时候收到" in page and "每天北京时间 8:00" in page and "缺报" in page
    tok = client.post("/api/subscriptions", json={"kind": "region_compliance", "channel": "email",
                                                  "target": "w@example.org",
                                                  "params": {"county": "孟津区"}}).get_json()["token"]
    page = client.get(f"/subscriptions/{tok}").get_data(as_text=True)
    assert "region_compliance" not in page and ">pending<" not in page
    assert "地区按期发布情况" in page and "待确认" in page and "电子邮件" in page
    assert "过了发布期限仍未发布" in page and "每次抓取和监测完成后" in page
    page = client.get(f"/subscriptions/{tok}?lang=en").get_data(as_text=True)
    assert "a region&#39;s compliance" in page and "waiting for confirmation" in page
    assert "deadline (missing)" in page
