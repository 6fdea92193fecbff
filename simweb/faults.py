"""Faults on demand, per host and path prefix: what a crawler must survive."""

from __future__ import annotations

import asyncio
from dataclasses import asdict, dataclass
from typing import TYPE_CHECKING
from urllib.parse import parse_qsl, urlencode, urlsplit

if TYPE_CHECKING:
    from .server import Response, SimServer, SimState

KINDS = ("error", "slow", "hang", "redirect", "truncate", "charset", "challenge", "forbidden")
CHALLENGE = """<!DOCTYPE html><html><head><meta charset="utf-8"><title></title>
<script type="text/javascript">var _0x3f2a=['cookie','__jsl_clearance'];(function(){var t=%d;
document.cookie=_0x3f2a[1]+'='+t+'|0|'+btoa(t)+';max-age=3600;path=/';location.href=location.pathname+location.search;})();
</script></head><body><noscript>请开启JavaScript并刷新该页。</noscript></body></html>"""


@dataclass
class Fault:
    kind: str
    site: int | None = None  # None: every site
    host: str | None = None  # alternatively the base URL or address of the site
    path: str = "/"  # a path prefix
    status: int = 503
    delay: float = 2.0  # seconds, for slow / hang (hang caps at 600)
    hops: int = 3  # redirect chain length; 0 makes a loop
    times: int | None = None  # affect only the next N matching requests
    retry_after: int | None = None

    @classmethod
    def from_dict(cls, data: dict) -> Fault:
        known = {k: v for k, v in data.items() if k in cls.__dataclass_fields__}
        fault = cls(**known)
        if fault.kind not in KINDS:
            raise ValueError(f"未知的故障类型 {fault.kind!r}（可选：{', '.join(KINDS)}）")
        return fault

    def as_dict(self) -> dict:
        return asdict(self)

    def matches(self, site: int, base_url: str, path: str) -> bool:
        if self.site is not None and self.site != site:
            return False
        if self.host and self.host not in base_url:
            return False
        return path.startswith(self.path)


class FaultBook:
    def __init__(self) -> None:
        self.faults: list[Fault] = []

    def add(self, fault: Fault) -> None:
        self.faults.append(fault)

    def clear(self) -> None:
        self.faults.clear()

    def match(self, site: int, base_url: str, path: str) -> Fault | None:
        for fault in self.faults:
            if fault.matches(site, base_url, path):
                if fault.times is not None:
                    fault.times -= 1
                    if fault.times <= 0:
                        self.faults.remove(fault)
                return fault
        return None


async def apply_fault(fault: Fault, server: SimServer, site: int, method: str, target: str,
                      headers: dict[str, str]) -> Response | None:
    from .server import Response, site_response  # the server imports this module (its faults)

    state = server.state
    html = [("Content-Type", "text/html; charset=utf-8")]
    if fault.kind == "error":
        extra = [("Retry-After", str(fault.retry_after))] if fault.retry_after is not None else []
        body = f"<html><body><h1>{fault.status} 服务暂时不可用</h1></body></html>".encode()
        return Response(fault.status, body, html + extra)
    if fault.kind == "hang":
        await asyncio.sleep(min(max(fault.delay, 60.0), 600.0))
        return None
    if fault.kind == "slow":
        await asyncio.sleep(fault.delay)
        return site_response(state, site, method, target, headers)
    if fault.kind == "redirect":
        return _redirect(fault, state, site, method, target, headers)
    if fault.kind == "challenge":
        return Response(412, (CHALLENGE % (len(target) * 7919)).encode(), html
                        + [("Set-Cookie", "__jsluid_h=5f1d0c; path=/; HttpOnly")], close=True)
    if fault.kind == "forbidden":
        page = "<html><body><h2>访问被拒绝</h2><p>您的访问行为存在异常，请稍后再试。</p>" \
               "<script src=\"/waf/verify.js\"></script></body></html>"
        return Response(403, page.encode(), html)
    resp = site_response(state, site, method, target, headers)
    if fault.kind == "truncate" and resp.status == 200:
        resp.truncate = True
    elif fault.kind == "charset" and resp.status == 200:
        resp.headers = [(k, _wrong_charset(v) if k == "Content-Type" else v)
                        for k, v in resp.headers]
        resp.body = resp.body.replace(b'charset="gbk"', b'charset="utf-8"', 1) \
            if b'charset="gbk"' in resp.body[:300] else \
            resp.body.replace(b'charset="utf-8"', b'charset="gbk"', 1)
    return resp


def _wrong_charset(ctype: str) -> str:
    if "charset=gbk" in ctype.lower():
        return "text/html; charset=utf-8"
    if "text/html" in ctype:
        return "text/html; charset=gbk"
    return ctype


def _redirect(fault: Fault, state: SimState, site: int, method: str, target: str,
              headers: dict[str, str]) -> Response:
    from .server import Response, site_response  # the server imports this module (its faults)

    parts = urlsplit(target)
    query = dict(parse_qsl(parts.query))
    hop = int(query.pop("_hop", "0") or 0)
    if fault.hops and hop >= fault.hops:
        clean = parts.path + ("?" + urlencode(query) if query else "")
        return site_response(state, site, method, clean, headers)
    query["_hop"] = str(hop + 1)
    location = parts.path + "?" + urlencode(query)
    return Response(302, b"", [("Location", location)])
