"""The simulated web over real HTTP: listings, pagination, articles, robots, 304, GBK."""

import re

import httpx
import pytest

from simweb.server import SimWeb


@pytest.fixture(scope="module")
def web():
    with SimWeb(seed=1, size="demo", date="2025-02-15") as w:
        yield w


def _links(html: str) -> list[str]:
    listing = html.split('<ul class="list">', 1)[1].split("</ul>", 1)[0]
    return re.findall(r'<li><a href="([^"]+)"', listing)


def _crawl_listing(client: httpx.Client, base: str, entry: str) -> list[str]:
    """Follow 下一页 links from the entry page; return every article URL listed."""
    url, seen, out = httpx.URL(base + entry), set(), []
    while url and str(url) not in seen:
        seen.add(str(url))
        r = client.get(url)
        assert r.status_code == 200
        out += [str(url.join(h)) for h in _links(r.text)]
        nxt = re.search(r'<a href="([^"]+)">下一页</a>', r.text)
        url = url.join(nxt.group(1).replace("&amp;", "&")) if nxt else None
    return out


def test_every_site_lists_what_the_world_shows(web):
    with httpx.Client() as client:
        for i, base in enumerate(web.hosts):
            site = web.world.site(i)
            urls = _crawl_listing(client, base, site.list_path)
            expected = {base + d.path for d in web.world.listing(i, web.today)}
            assert set(urls) == expected, site.layout
            assert len(urls) > 15  # more than one page


def test_article_pages_and_attachments(web):
    with httpx.Client() as client:
        for i, base in enumerate(web.hosts):
            doc = next(d for d in web.world.listing(i, web.today) if d.kind == "report")
            r = client.get(base + doc.path)
            assert r.status_code == 200
            assert doc.title in r.text  # httpx decodes GBK from the header
            assert "无障碍" in r.text and "长者专版" in r.text
            if doc.attachment:
                assert doc.attachment in r.text
                a = client.get(base + doc.attachment)
                assert a.status_code == 200 and len(a.content) > 100
            else:
                assert "<table" in r.text and "rowspan" in r.text


def test_publication_time_shown(web):
    styles = {}
    with httpx.Client() as client:
        for i, base in enumerate(web.hosts):
            doc = next(d for d in web.world.listing(i, web.today) if d.kind == "report")
            text = client.get(base + doc.path).text
            styles[web.world.site(i).date_style] = text
            assert doc.published.strftime("%Y-%m-%d") in text
    assert "发布时间" in styles["line"] and "点击率:" in styles["byline"]
    assert "索引号" in styles["meta"] and "门户网 ·" in styles["bullet"]


def test_report_pages_wear_real_chrome(web):
    """The shapes real pages have (tests/realpages): breadcrumbs, a font-size/share bar, a
    生效日期 box, 发布时间 run into its time, 上一篇/下一篇 naming other reports, and bare
    titles whose body only the 发布机构 field and the prose name."""
    pages = []
    with httpx.Client() as client:
        for i, base in enumerate(web.hosts):
            for doc in web.world.listing(i, web.today):
                if doc.kind == "report":
                    pages.append((doc, client.get(base + doc.path).text))
    joined = "\n".join(text for _, text in pages)
    assert "您当前所在位置：首页 &gt; 政务公开 &gt; 各乡镇 &gt;" in joined and "字体：【" in joined
    assert "生效日期:" in joined and "上一篇：" in joined and "下一篇：" in joined
    assert re.search(r"发布时间:\d{4}-\d\d-\d{4}:\d\d", joined)  # 2025-01-2016:07
    bare = [(d, t) for d, t in pages if not d.names_organ]
    assert bare, "some titles omit the body"
    for doc, text in bare:
        pub = web.world.publisher(doc.publisher_id)
        assert re.search(rf"<h1[^>]*>{doc.year}年政府信息公开工作年度报告</h1>", text)
        assert f"发布机构：</span><span>{pub.place}" in text


def test_gbk_site_bytes(web):
    i = next(i for i, s in enumerate(web.world.sites) if s.encoding == "gbk")
    r = httpx.get(web.hosts[i] + web.world.site(i).list_path)
    assert "charset=gbk" in r.headers["content-type"]
    assert "政府信息公开年报".encode("gbk") in r.content
    with pytest.raises(UnicodeDecodeError):
        r.content.decode("utf-8")


def test_traditional_mirror(web):
    i = next(i for i, s in enumerate(web.world.sites) if s.mirror)
    site = web.world.site(i)
    r = httpx.get(web.hosts[i] + "/big5" + site.list_path)
    assert r.status_code == 200
    assert "政府信息公開年報" in r.text and "政府信息公开年报" not in r.text
    doc = next(d for d in web.world.listing(i, web.today) if d.kind == "report")
    assert f'href="/big5{doc.path}"' in r.text
    art = httpx.get(web.hosts[i] + "/big5" + doc.path)
    assert art.status_code == 200 and "年度報告" in art.text
    assert "Disallow: /big5/" in httpx.get(web.hosts[i] + "/robots.txt").text


def test_robots(web):
    for base in web.hosts:
        r = httpx.get(base + "/robots.txt")
        assert r.status_code == 200 and "Disallow: /search/" in r.text


def test_conditional_requests(web):
    base = web.hosts[0]
    doc = web.world.listing(0, web.today)[0]
    r = httpx.get(base + doc.path)
    etag, lm = r.headers["etag"], r.headers["last-modified"]
    assert httpx.get(base + doc.path, headers={"If-None-Match": etag}).status_code == 304
    assert httpx.get(base + doc.path, headers={"If-Modified-Since": lm}).status_code == 304
    assert httpx.get(base + doc.path, headers={"If-None-Match": '"x"'}).status_code == 200


def test_unknown_path_404(web):
    assert httpx.get(web.hosts[0] + "/xxgk/ndbg/202501/t20250101_1.html").status_code == 404


def test_non_reports_listed(web):
    titles = [d.title for d in web.world.listing(0, web.today) if d.kind == "other"]
    assert any("通知" in t for t in titles) and any("自查报告" in t for t in titles)
