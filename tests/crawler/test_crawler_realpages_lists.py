"""Real list-page markup (tests/crawler/realpages_lists, each cited in sources.json): the links
each family adapter finds in it and the further requests it plans."""

from __future__ import annotations

import json
import re
from pathlib import Path

from crawler.discover import _anchors, _tree
from crawler.families import ListRequest, detect, read_list

HERE = Path(__file__).parent / "realpages_lists"
SOURCES = json.loads((HERE / "sources.json").read_text(encoding="utf-8"))


def _entries(text: str, url: str) -> list[str]:
    snippets = re.findall(r"<!\[CDATA\[(.*?)\]\]>", text, re.S)
    html = "".join(s for s in snippets if "<li" in s)
    return [href for _a, href, _label in _anchors(_tree(html), url)]


def test_every_corpus_file_is_cited():
    files = {p.name for p in HERE.iterdir() if p.name != "sources.json"}
    assert files == set(SOURCES)
    assert all(s["url"].startswith("https://") and s["cited"] for s in SOURCES.values())


def test_jiangsu_hanweb_column():
    src = SOURCES["jiangsu_col33718.html"]
    text = (HERE / "jiangsu_col33718.html").read_text(encoding="utf-8")
    assert detect(text, src["url"]) == src["family"]
    assert _entries(text, src["url"]) == src["entries"]
    res = read_list(text, ListRequest(src["url"]), src["url"])
    assert [link.url for link in res.reports] == src["reports"]  # no annual report in this column
    first = res.requests[0]
    assert first.records == tuple(src["first_range"]) and first.method == "POST"
    assert {k: v for k, v in first.form if k in src["form"]} == src["form"]
    assert res.requests[-1].records is not None and res.requests[-1].records[1] == 4895


def test_jshrss_dataproxy_page_answer():
    src = SOURCES["jshrss_dataproxy_page1.xml"]
    text = (HERE / "jshrss_dataproxy_page1.xml").read_text(encoding="utf-8")
    assert _entries(text, src["url"]) == src["entries"]
    req = ListRequest(src["url"], family="hanweb", page=1, hint=(("mode", "page"),))
    res = read_list(text, req, src["url"])
    assert [link.url for link in res.reports] == src["reports"]
    first, last = src["next_pages"]
    assert [r.page for r in res.requests] == list(range(first, last + 1))
    assert "page=2&" in res.requests[0].url and "columnid=77278" in res.requests[0].url
