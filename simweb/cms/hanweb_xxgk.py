"""大汉 Hanweb's 政府信息公开目录 module: the column page `/col/col<id>/index.html` holds no
list, only `loadDynamic('/module/xxgk/search.jsp?infotypeId=<id>'+a+'&vc_title='+encodeURI(b)
+'&vc_number='+encodeURI(c)+'&area=<area>', '<divid>', '0', '1000', '<uid>', '<webid>', '', '')`;
`/module/xxgk/search.jsp` answers the table fragment: `tr.tr_main_value_odd|even` rows (索引号
/ 标题 / 发布机构 / 生成日期; the link text cut to 24 characters, the whole title in its
`title` and `mc` attributes) and a `table.tb_title` pager ("共N条记录 每页15条 第1页/共M页",
`javascript:funGoPage('/module/xxgk/search.jsp', N)` links).

Quirks kept: the page is `currpage`, in the query or the posted form (empty: page 1); a
`currpage` past the end answers the last page again; without the column's `infotypeId` (or
with another) the answer is the whole area's directory, every organ's entries mixed in (so a
reader that loses the id still sees reports, among much else); another `area` answers an empty
table ("暂无信息", 共0条记录) with HTTP 200.
"""

from __future__ import annotations

import html
import math
from datetime import date, datetime

from ..pages import Page
from ..world import Doc, Site, World
from .common import EPOCH, frame, mirror_box, modified, topic_box

SEARCH = "/module/xxgk/search.jsp"
PER_PAGE = 15
CUT = 24
_OTHER = ("关于印发{y}年政务公开工作要点的通知", "{y}年度部门预算公开", "关于{y}年度行政执法数据的公示",
          "{y}年政府信息公开工作年度报表填报说明")


def column_id(site: Site) -> int:
    return 1229600000 + site.index


def infotype(site: Site) -> str:
    return f"NB{site.index + 1:03d}"


def area(site: Site) -> str:
    return f"{site.county.code[:6]}00000000{site.index:02d}"


def entry_path(site: Site) -> str:
    return f"/col/col{column_id(site)}/index.html"


def render(world: World, site: Site, path: str, query: dict[str, str], today: date,
           mirror: str | None) -> Page | None:
    if path == entry_path(site):
        return _column(world, site, today, mirror)
    if path == SEARCH:
        return _search(world, site, query, today)
    return None


def _column(world: World, site: Site, today: date, mirror: str | None) -> Page:
    div = f"div{column_id(site)}"
    body = f"""<div class="lm-title">政府信息公开年报</div>
<div id="{div}" class="xxgk-list">正在加载内容，请稍候...</div>
<script type="text/javascript" src="/module/xxgk/js/dynamic.js"></script>
<script type="text/javascript">
var a = request('number'); var b = ''; var c = '';
loadDynamic('{SEARCH}?infotypeId={infotype(site)}'+a+'&vc_title='+encodeURI(b)+'&vc_number='+encodeURI(c)+'&area={area(site)}', '{div}', '0','1000','{4560 + site.index}','{site.index + 1}', '', '');
</script>
{topic_box(world, site, today)}{mirror_box(world, site, today, mirror)}"""
    return frame(site, "政府信息公开年报", body, EPOCH)


def _index_number(site: Site, d: Doc) -> str:
    return f"{area(site)[:8]}/{d.published:%Y}-{int(d.published.timestamp()) % 100000:05d}"


def _row(site: Site, d: Doc, n: int, organ: str) -> str:
    title = html.escape(d.title, quote=True)
    shown = html.escape(d.title if len(d.title) <= CUT else d.title[:CUT] + "…")
    odd = "odd" if n % 2 == 0 else "even"
    return (f'<tr class="tr_main_value_{odd}"><td>{_index_number(site, d)}</td>'
            f'<td align="left"><a href="{d.path}" target="_blank" title="{title}" mc="{title}" '
            f'syh="{_index_number(site, d)}" rq="{d.published:%Y-%m-%d}" gkfs="主动公开">{shown}</a></td>'
            f"<td>{html.escape(organ)}</td><td align=\"center\">{d.published:%Y-%m-%d}</td></tr>")


def _other_rows(site: Site, today: date) -> list[tuple[str, str, str]]:
    """The rest of the area's directory (other organs' notices), never reports."""
    return [(f"/art/{today.year}/1/{k + 1}/art_{column_id(site) + 7}_{site.index}{k}.html",
             t.format(y=today.year - 1), f"{site.name}办公室") for k, t in enumerate(_OTHER)]


def _search(world: World, site: Site, query: dict[str, str], today: date) -> Page:
    if query.get("area", area(site)) not in ("", area(site)):
        return _fragment(site, "<tr><td colspan='4'>暂无信息</td></tr>", 0, 1, 1, EPOCH)
    docs = world.listing(site.index, today)
    pubs = {p.id: p.name for p in world.publishers(site.index)}
    rows: list[tuple[str, str, str, Doc | None]] = [
        (d.path, d.title, pubs.get(d.publisher_id or "", site.name), d) for d in docs]
    whole_area = query.get("infotypeId") != infotype(site)
    if whole_area:
        rows += [(p, t, o, None) for p, t, o in _other_rows(site, today)]
    pages = max(1, math.ceil(len(rows) / PER_PAGE))
    try:
        page = int(query.get("currpage") or 1)
    except ValueError:
        page = 1
    page = min(max(page, 1), pages)  # past the end: the last page again
    chunk = rows[(page - 1) * PER_PAGE: page * PER_PAGE]
    out = []
    for n, (path, title, organ, d) in enumerate(chunk):
        if d is not None:
            out.append(_row(site, d, n, organ))
        else:
            odd = "odd" if n % 2 == 0 else "even"
            out.append(f'<tr class="tr_main_value_{odd}"><td>-</td><td align="left"><a href="{path}" '
                       f'target="_blank" title="{html.escape(title, quote=True)}">{html.escape(title)}</a></td>'
                       f"<td>{html.escape(organ)}</td><td align=\"center\">{today.year}-01-05</td></tr>")
    shown = [d for _p, _t, _o, d in chunk if d is not None]
    return _fragment(site, "\n".join(out), len(rows), page, pages, modified(shown, today))


def _fragment(site: Site, rows: str, total: int, page: int, pages: int, when: datetime) -> Page:
    go = "javascript:funGoPage('" + SEARCH + "',{n})"
    pager = (f'<a href="{go.format(n=1)}">首页</a> <a href="{go.format(n=max(page - 1, 1))}">上一页</a> '
             f'<a href="{go.format(n=min(page + 1, pages))}">下一页</a> '
             f'<a href="{go.format(n=pages)}">尾 页</a>')
    text = f"""<table width="100%" class="tb_main"><tr class="tr_main_title"><td>索引号</td><td>标题</td>
<td>发布机构</td><td>生成日期</td></tr>
{rows}</table>
<table class="tb_title" width="100%"><tr><td>共{total}条记录&nbsp;&nbsp;每页{PER_PAGE}条&nbsp;&nbsp;第{page}页/共{pages}页</td>
<td align="right">{pager}</td></tr></table>"""
    return Page(200, text.encode(site.encoding, "xmlcharrefreplace"),
                f"text/html; charset={site.encoding}", when)
