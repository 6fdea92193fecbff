"""Discovery adapters per CMS family: pure functions of (page text, request) → report links and
further list requests (GET or form POST). The family is detected from the entry page itself
(`detect`), or set per registry row (`family:`); the answers of an adapter's own requests (a
Hanweb record range, a JSON page, a POSTed form page) go back to the same adapter.

Families: `hanweb` (大汉 jpage datastore + dataproxy.jsp record ranges), `hanweb_xxgk` (大汉's
信息公开目录 module: the column page's `loadDynamic(…/module/xxgk/search.jsp…)` call POSTed,
pages by `currpage`), `jsonlist` (a template
filled from a JSON endpoint), `xxgk` (信息公开 directory tables, form POST paging, organ
sub-columns), `gkmlpt` (Guangdong's disclosure platform: a Vue shell whose `_CONFIG` names the
site and column tree, the list from `/gkmlpt/api/all/<column>?page=N&sid=…`), `generic` (links
and pagination in the markup: TRS, plain pages).
"""

from __future__ import annotations

from types import ModuleType

from ..discover import Link, parse_listing
from . import gkmlpt, hanweb, hanweb_xxgk, jsonlist, xxgk
from .base import ListRequest, ListResult

__all__ = ["FAMILIES", "NAMES", "ListRequest", "ListResult", "detect", "read_list"]

# gkmlpt before jsonlist: its shell page may carry other scripts that look like an endpoint;
# hanweb_xxgk first: its loadDynamic call is the column's list, a jpage box beside it is not
FAMILIES: dict[str, ModuleType] = {"hanweb_xxgk": hanweb_xxgk, "hanweb": hanweb, "xxgk": xxgk,
                                   "gkmlpt": gkmlpt, "jsonlist": jsonlist}
NAMES = ("generic", *FAMILIES)


def detect(text: str, url: str) -> str:
    """The CMS family a list page belongs to, from its markup and scripts."""
    for name, module in FAMILIES.items():
        if module.detect(text, url):
            return name
    return "generic"


def read_list(text: str, req: ListRequest, entry_url: str, family: str | None = None) -> ListResult:
    """Report links and further list requests of one answer. `family` (the registry's
    override) applies to the entry page; answers to an adapter's request go to that adapter."""
    name = req.family or family or detect(text, req.url)
    if name not in NAMES:
        raise ValueError(f"未知的站点类型 / unknown CMS family: {name}")
    html_page = req.family in (None, "generic", "xxgk", "hanweb_xxgk")  # not an XML/JSON data answer
    generic = parse_listing(text, req.url, entry_url) if html_page else None
    if name == "generic":
        assert generic is not None
        return ListResult("generic", generic.reports,
                          [ListRequest(p, family="generic") for p in generic.pages])
    result: ListResult = FAMILIES[name].read(text, req, entry_url)
    if generic is not None:  # links in the page's own markup too (a 专题 box, a static list)
        result.reports = _merge(result.reports, generic.reports)
    return result


def _merge(first: list[Link], more: list[Link]) -> list[Link]:
    out = {link.url: link for link in first}
    for link in more:
        out.setdefault(link.url, link)
    return list(out.values())
