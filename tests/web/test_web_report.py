"""Report page: metadata, tables in the official layout with failing cells marked, versions,
archive download, JSON twin and API."""

from __future__ import annotations

import re

from .conftest import CORPUS


def rid(corpus, pid="mj-cy", year=2024):
    return corpus["ids"][(pid, year)]


def test_report_page_marks_failing_cell(client, corpus):
    html = client.get(f"/reports/{rid(corpus)}?q=行政复议").get_data(as_text=True)
    assert "孟津区朝阳镇人民政府2024年政府信息公开工作年度报告" in html
    # the cell named by T3_ROW_SUM carries a class and the finding in its title
    cell = re.search(r'<td[^>]*data-path="applications.new.total"[^>]*>', html).group(0)
    assert "cell-flag" in cell and "flag-t3_row_sum" in cell and "T3_ROW_SUM" in cell
    blank = re.search(r'<td[^>]*data-path="applications.new.natural_person"[^>]*>', html).group(0)
    assert "cell-flag" in blank
    ok = re.search(r'<td[^>]*data-path="applications.granted.total"[^>]*>', html).group(0)
    assert "cell-flag" not in ok
    # plain-Chinese meaning of the finding, the search words marked in the prose
    assert "各类申请人之和不等于总计" in html
    assert "<mark>行政复议</mark>" in html
    # official layout: the merged header cells of table 3 and table 4
    assert 'rowspan="3" colspan="3"' in html and 'colspan="10"' in html
    # facts: deadline, archive with SHA-256
    assert "2025-01-31" in html and CORPUS[0]["archive_sha256"] in html


def test_report_page_shows_attribution_evidence(client, corpus):
    html = client.get(f"/reports/{rid(corpus)}").get_data(as_text=True)
    box = html[html.index('id="evidence"'):html.index("</details>", html.index('id="evidence"'))]
    assert "归属依据" in box
    # each attributed fact with where it came from (the report's meta_sources)
    assert re.search(r"<dt>乡镇（街道）</dt><dd>正文标题</dd>", box)
    assert re.search(r"<dt>发布时间</dt><dd>页面显示的发布时间</dd>", box)
    en = client.get(f"/reports/{rid(corpus)}?lang=en").get_data(as_text=True)
    assert "Attribution evidence" in en and "the report&#39;s title line" in en


def test_registry_row_filling_a_gap_is_recorded_as_evidence():
    from indexer.store import build_doc

    doc = build_doc({"title": "x", "organ": None, "place": None, "meta_sources": {"year": "period"}},
                    {"publisher_id": "p1", "year": 2024, "organ": "朝阳镇人民政府", "place": "朝阳镇"})
    assert doc["place"] == "朝阳镇"
    assert doc["meta_sources"] == {"year": "period", "organ": "crawl:registry", "place": "crawl:registry"}


def test_late_report_shows_days_late(client, corpus):
    html = client.get(f"/reports/{rid(corpus, 'mj-pl')}").get_data(as_text=True)
    assert "逾期 10 天" in html


def test_report_json_and_api(client, corpus):
    d = client.get(f"/api/reports/{rid(corpus)}").get_json()
    assert d["title"].startswith("孟津区朝阳镇") and d["year"] == 2024
    assert d["applications"]["new"]["total"] == 2
    assert d["source"]["url"] == CORPUS[0]["url"]
    assert d["archive"]["sha256"] == CORPUS[0]["archive_sha256"]
    assert d["versions"] and d["versions"][0]["sha256"] == CORPUS[0]["archive_sha256"]
    assert "text_seg" not in d
    assert client.get(f"/reports/{rid(corpus)}.json").get_json()["id"] == d["id"]
    assert client.get("/api/reports/nope-1999").status_code == 404


def test_hostile_report_is_escaped(client, corpus):
    html = client.get(f"/reports/{rid(corpus, 'yy-xx')}").get_data(as_text=True)
    assert "<script>alert" not in html and "<img src=x" not in html and "<b>镇</b>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


def test_archive_download_and_diff(client, corpus, app):
    from crawler.archive import Archive
    from crawler.models import Document, Version
    from nianbao.db import make_engine, make_session_factory

    settings = app.config["NIANBAO_SETTINGS"]
    arch = Archive(settings)
    v1 = arch.put("第一版：主动公开政府信息共 120 条。\n工作人员业务能力有待提高。".encode())
    v2 = arch.put("第一版：主动公开政府信息共 121 条。\n工作人员业务能力有待提高。".encode())
    arch.close()
    s = make_session_factory(make_engine(settings.database_url))()
    doc = s.query(Document).filter_by(url=CORPUS[0]["url"]).one()
    s.query(Version).filter_by(document_id=doc.id).delete()
    s.add_all([Version(document_id=doc.id, seq=1, sha256=v1, norm_sha256="1", fetched_at=doc.first_seen,
                       content_type="text/plain", filename="年报 v1.txt"),
               Version(document_id=doc.id, seq=2, sha256=v2, norm_sha256="2", fetched_at=doc.first_seen,
                       content_type="text/plain", filename="v2.txt")])
    s.commit()
    r = client.get(f"/reports/{rid(corpus)}/archive/{v1}")
    assert r.status_code == 200 and "attachment" in r.headers["Content-Disposition"]
    assert "filename*=UTF-8''%E5%B9%B4%E6%8A%A5%20v1.txt" in r.headers["Content-Disposition"]
    assert r.headers["Content-Security-Policy"].startswith("sandbox")
    assert "120 条" in r.get_data(as_text=True)
    assert client.get(f"/reports/{rid(corpus)}/archive/{'f' * 64}").status_code == 404
    html = client.get(f"/reports/{rid(corpus)}/diff?a={v1}&b={v2}").get_data(as_text=True)
    assert 'class="d-del"' in html and 'class="d-add"' in html and "121 条" in html
