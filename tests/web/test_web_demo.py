"""Demo-only pages (the local mailbox, the world clock on the admin page) and portal accounts
from the command line (`nianbao users create`): a real aiosmtpd mail catcher, the real monitor."""

from __future__ import annotations

import re
import time
from datetime import date

import pytest

from .conftest import TODAY, csrf_of, login


@pytest.fixture()
def demo_app(settings, es, corpus):
    from nianbao.app.demo_live import MailCatcher, WorldClock
    from web import create_app
    from web.views.subscriptions import subs  # noqa: F401  (the stage is importable)

    from .conftest import fill_db

    mail = MailCatcher().start()
    s = settings.model_copy(update={"es_index_prefix": corpus["prefix"], "admin_password": "test-pass-123",
                                    "smtp_host": "127.0.0.1", "smtp_port": mail.port})
    fill_db(s.database_url)
    app = create_app({"TESTING": True, "NIANBAO_SETTINGS": s, "NIANBAO_ES": es, "NIANBAO_TODAY": TODAY,
                      "NIANBAO_DEMO": {"tick": 3600, "days": 0}})
    moves: list[date] = []

    def pipeline(today: date, moved: bool) -> dict:
        from monitor.alerts import run

        res = run(s, today, es=es)
        app.config["NIANBAO_TODAY"] = today.isoformat()
        return {"events": res.events, "sent": res.sent}

    clock = WorldClock(date.fromisoformat(TODAY), set_date=moves.append, pipeline=pipeline,
                       tick=3600, days=0).start()
    app.extensions["nianbao"].update(demo_mail=mail, demo_clock=clock)
    yield app, mail, clock, moves
    clock.stop()
    mail.stop()


def test_mailbox_and_clock_only_in_demo_mode(client):
    assert client.get("/demo/mailbox").status_code == 404
    login(client)
    assert client.post("/demo/clock", data={"days": "3"}).status_code in (400, 404)  # CSRF or no route
    assert "demo-clock" not in client.get("/admin").get_data(as_text=True)


def test_demo_mailbox_shows_the_confirmation_and_the_clock_sends_alerts(demo_app):
    app, mail, clock, moves = demo_app
    client = app.test_client()
    assert "还没有邮件" in client.get("/demo/mailbox").get_data(as_text=True)
    token = csrf_of(client.get("/subscriptions/new").get_data(as_text=True))
    r = client.post("/subscriptions/new", data={"kind": "region_compliance", "channel": "email",
                                                "target": "watch@example.org", "county": "孟津区",
                                                "csrf_token": token})
    assert r.status_code == 302
    sub_token = r.headers["Location"].rsplit("/", 1)[1]
    page = client.get("/demo/mailbox").get_data(as_text=True)
    assert "请确认您的订阅" in page and "watch@example.org" in page
    link = re.search(rf'href="(http://[^"]+/subscriptions/{sub_token}/confirm)"', page)
    assert link, page  # the mail's confirm link is clickable
    assert client.get("/demo/mailbox?format=json").get_json()["messages"][0]["to"] == "watch@example.org"
    confirm = client.get(f"/subscriptions/{sub_token}/confirm").get_data(as_text=True)
    client.post(f"/subscriptions/{sub_token}/confirm", data={"csrf_token": csrf_of(confirm)})
    # demo mode: the pages say how often the demo's monitor runs
    assert "演示模式：监测每 3600 秒运行一次" in client.get(f"/subscriptions/{sub_token}").get_data(as_text=True)

    # Only an administrator moves the clock; then the monitor runs at once and the alert
    # (孟津区会盟镇 never published its 2024 report: missing) arrives in the mailbox.
    token = csrf_of(client.get("/login").get_data(as_text=True))
    assert client.post("/demo/clock", data={"days": "3", "csrf_token": token}).status_code == 403
    login(client)
    admin = client.get("/admin").get_data(as_text=True)
    assert 'id="demo-clock"' in admin and TODAY in admin
    r = client.post("/demo/clock", data={"days": "0", "csrf_token": csrf_of(admin)})
    assert r.status_code == 400
    r = client.post("/demo/clock", data={"days": "3", "csrf_token": csrf_of(admin)})
    assert r.status_code == 302 and r.headers["Location"].endswith("/admin#demo-clock")
    until = time.monotonic() + 60
    while len(mail.list()) < 2:
        assert time.monotonic() < until, clock.status()
        time.sleep(0.2)
    assert moves == [date(2025, 3, 18)] and clock.status()["today"] == "2025-03-18"
    alert = mail.list()[0]
    assert alert["to"] == "watch@example.org" and "会盟镇" in alert["text"] and alert["unsubscribe"]
    page = client.get("/demo/mailbox").get_data(as_text=True)
    assert alert["subject"] in page
    assert "2025-03-18" in client.get("/admin").get_data(as_text=True)


def test_users_create_prints_a_password_once_that_logs_in(app, settings, monkeypatch):
    from click.testing import CliRunner

    from nianbao.app.cli import cli

    db_url = app.config["NIANBAO_SETTINGS"].database_url
    monkeypatch.setenv("NIANBAO_DB_URL", db_url)
    from nianbao.settings import get_settings

    get_settings.cache_clear()
    try:
        res = CliRunner().invoke(cli, ["users", "create", "rita", "--role", "reviewer"])
        bad = CliRunner().invoke(cli, ["users", "create", "admin"])
    finally:
        get_settings.cache_clear()
    assert res.exit_code == 0, res.output
    password = re.search(r"密码 password: (\S+)", res.output).group(1)
    assert len(password) >= 12 and bad.exit_code != 0
    client = app.test_client()
    token = csrf_of(client.get("/login").get_data(as_text=True))
    r = client.post("/login", data={"username": "rita", "password": password, "csrf_token": token})
    assert r.status_code == 302
    assert "rita" in client.get("/").get_data(as_text=True)
    assert client.get("/admin").status_code == 403  # a reviewer, not an administrator
