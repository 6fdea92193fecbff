"""Administration: supervisors' accounts, role checks, the crawl trigger and its outcome."""

from __future__ import annotations

import time

from .conftest import csrf_of, login


def test_admin_adds_supervisor_who_can_review_but_not_administer(client, app, corpus):
    assert client.get("/admin").status_code == 302  # not logged in: to the login page
    login(client)
    page = client.get("/admin").get_data(as_text=True)
    assert "发布单位名录" in page and "mj-cy" in page
    token = csrf_of(page)
    short = client.post("/admin/users", data={"username": "li", "password": "short", "csrf_token": token})
    assert short.status_code == 400
    r = client.post("/admin/users", data={"username": "li", "password": "a-long-password",
                                          "role": "supervisor", "csrf_token": token})
    assert r.status_code == 302
    assert client.get("/admin.json").get_json()["users"] == [{"username": "li", "role": "supervisor", "active": True}]
    client.post("/logout", data={"csrf_token": token})
    other = app.test_client()
    t2 = csrf_of(other.get("/login").get_data(as_text=True))
    assert other.post("/login", data={"username": "li", "password": "a-long-password", "csrf_token": t2}).status_code == 302
    assert other.get("/admin").status_code == 403
    rid = corpus["ids"][("mj-cy", 2024)]
    assert "更正单元格" in other.get(f"/reports/{rid}").get_data(as_text=True)
    # deactivated: can no longer log in
    login(client)
    client.post("/admin/users/li/deactivate", data={"csrf_token": csrf_of(client.get("/admin").get_data(as_text=True))})
    third = app.test_client()
    t3 = csrf_of(third.get("/login").get_data(as_text=True))
    assert third.post("/login", data={"username": "li", "password": "a-long-password", "csrf_token": t3}).status_code == 401


def test_crawl_trigger_records_outcome(client, app, tmp_path):
    settings = app.config["NIANBAO_SETTINGS"]
    settings.config_dir = tmp_path  # a registry file that does not exist: the job says so
    login(client)
    token = csrf_of(client.get("/admin").get_data(as_text=True))
    assert client.post("/admin/crawl", data={"publishers": "mj-cy"}).status_code == 400  # CSRF
    r = client.post("/admin/crawl", data={"publishers": "mj-cy", "csrf_token": token})
    assert r.status_code == 302
    for t in app.extensions["nianbao"]["threads"].values():
        t.join(timeout=30)
    job = client.get("/admin.json").get_json()["jobs"][0]
    assert job["status"] == "failed" and job["publishers"] == ["mj-cy"] and job["error"]
    assert job["finished_at"] and time.time()
