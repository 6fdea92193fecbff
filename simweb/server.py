"""The HTTP server of the simulated web: one asyncio process, one listener per county portal.

Each site listens on its own loopback address (127.0.1.N) at one port; where such an address
cannot be bound, sites fall back to distinct ports on 127.0.0.1. A control listener on
127.0.0.1 takes the clock and fault commands (JSON under /_sim/), so the sites themselves never
expose them. HTTP/1.1 framing is h11's; the rest is the standard library.
"""

from __future__ import annotations

import asyncio
import hashlib
import json
import logging
import threading
from collections import OrderedDict
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import UTC, date, timedelta
from email.utils import format_datetime, parsedate_to_datetime
from urllib.parse import parse_qsl, urlsplit

import h11

from .cms import MODES, entry_path, has_mirror, lister_for, render_list
from .faults import Fault, FaultBook, apply_fault
from .pages import Page, not_found, render_page
from .world import World, site_address

log = logging.getLogger("simweb")
BEIJING = timedelta(hours=8)
MAX_BODY = 64 * 1024


@dataclass
class Response:
    status: int
    body: bytes
    headers: list[tuple[str, str]] = field(default_factory=list)
    truncate: bool = False  # send only part of the body, then close
    close: bool = False


# answers one request (method, target, headers, body); None: a hang fault, no answer
Responder = Callable[[str, str, dict[str, str], bytes], Awaitable[Response | None]]


class SimState:
    """What the server needs: the world, the clock, the faults, a small page cache."""

    def __init__(self, world: World, today: date, cms: str = "classic") -> None:
        if cms not in MODES:
            raise ValueError(f"未知的站点类型模式 cms={cms!r}（可选：{', '.join(MODES)}）")
        self.world = world
        self.today = today
        self.cms = cms  # which list pages the sites serve (simweb.cms)
        self.mirrors: dict[int, str] = {}  # site -> its copy on the provincial platform
        self.faults = FaultBook()
        self.hits = 0
        self._cache: OrderedDict[tuple, tuple[Page, str]] = OrderedDict()

    @staticmethod
    def _key(site: int, path: str, query: dict[str, str], today: date) -> tuple:
        return (site, path, tuple(sorted(query.items())), today)

    async def prepare(self, site: int, target: str) -> None:
        """Render a missing page in a worker thread: DOC/PDF rendering must not stall the loop."""
        parts = urlsplit(target)
        query = dict(parse_qsl(parts.query))
        if self._key(site, parts.path or "/", query, self.today) not in self._cache:
            await asyncio.to_thread(self.page, site, parts.path or "/", query)

    def lister(self, site: int) -> str:
        return lister_for(self.world.seed, self.cms, site)

    def registry_rows(self, hosts: list[str]) -> list[dict]:
        """The world's registry rows, each entry URL the list page its site's lister serves."""
        rows = self.world.registry_rows(hosts)
        for row in rows:
            site = next((i for i, h in enumerate(hosts) if row["entry_url"].startswith(h + "/")), None)
            if site is not None:
                row["entry_url"] = hosts[site] + entry_path(self.lister(site), self.world.site(site))
        return rows

    def page(self, site: int, path: str, query: dict[str, str]) -> tuple[Page, str]:
        key = self._key(site, path, query, self.today)
        hit = self._cache.get(key)
        if hit is None:
            try:
                page = render_list(self.world, self.world.site(site), self.lister(site), path,
                                   query, self.today, self.mirrors.get(site)) \
                    or render_page(self.world, site, path, query, self.today)
            except (ValueError, KeyError):
                page = not_found()
            hit = (page, '"' + hashlib.sha1(page.body).hexdigest()[:20] + '"')
            self._cache[key] = hit
            if len(self._cache) > 4096:
                self._cache.popitem(last=False)
        return hit


def _http_date(page: Page) -> str | None:
    if page.last_modified is None:
        return None
    utc = (page.last_modified - BEIJING).replace(tzinfo=UTC)
    return format_datetime(utc, usegmt=True)


def _not_modified(req_headers: dict[str, str], etag: str, last_modified: str | None) -> bool:
    inm = req_headers.get("if-none-match")
    if inm is not None:
        return etag in [t.strip() for t in inm.split(",")] or inm.strip() == "*"
    ims = req_headers.get("if-modified-since")
    if ims and last_modified:
        try:
            return parsedate_to_datetime(ims) >= parsedate_to_datetime(last_modified)
        except (TypeError, ValueError):
            return False
    return False


def site_response(state: SimState, site: int, method: str, target: str,
                  headers: dict[str, str]) -> Response:
    parts = urlsplit(target)
    query = dict(parse_qsl(parts.query))
    page, etag = state.page(site, parts.path or "/", query)
    if page.status != 200:
        return Response(page.status, page.body, [("Content-Type", page.content_type)])
    lm = _http_date(page)
    base = [("ETag", etag), ("Cache-Control", "max-age=0")]
    if lm:
        base.append(("Last-Modified", lm))
    if _not_modified(headers, etag, lm):
        return Response(304, b"", base)
    body = b"" if method == "HEAD" else page.body
    return Response(200, body, [("Content-Type", page.content_type)] + base)


# --- the control API --------------------------------------------------------------------------
def control_response(server: SimServer, method: str, target: str, body: bytes) -> Response:
    state = server.state
    path = urlsplit(target).path
    try:
        data = json.loads(body or b"{}")
        if path == "/_sim/clock" and method == "POST":
            state.today = date.fromisoformat(data["date"])
            state._cache.clear()
        elif path == "/_sim/faults" and method == "POST":
            fault = Fault.from_dict(data)
            state.faults.add(fault)
            return _json(200, {"ok": True, "fault": fault.as_dict()})
        elif path == "/_sim/faults" and method == "DELETE":
            state.faults.clear()
        elif path == "/_sim/registry" and method == "GET":
            return _json(200, {"publishers": state.registry_rows(server.hosts)})
        elif path == "/_sim/truth" and method == "GET":
            return _json(200, {"date": state.today.isoformat(),
                               "reports": truth(state.world, state.today, server.hosts)})
        elif path != "/_sim/state":
            return _json(404, {"error": f"未知的控制接口 {method} {path}"})
    except (KeyError, ValueError, TypeError) as exc:
        return _json(400, {"error": f"请求无效：{exc}"})
    return _json(200, server.describe())


def truth(world: World, today: date, hosts: list[str]) -> list[dict]:
    """The reports visible on a date, as a crawler should find them (for tests in other processes)."""
    out = []
    for d in world.visible_reports(today):
        if d.site >= len(hosts):
            continue
        out.append({"url": hosts[d.site] + d.path, "publisher_id": d.publisher_id,
                    "year": d.year, "published": d.published.isoformat(),
                    "version": d.version(today), "format": d.fmt,
                    "attachment": hosts[d.site] + d.attachment if d.attachment else None,
                    "title": d.title, "registered": d.registered})
    return out


def _json(status: int, obj: object) -> Response:
    return Response(status, json.dumps(obj, ensure_ascii=False).encode(),
                    [("Content-Type", "application/json; charset=utf-8")])


# --- the asyncio server -----------------------------------------------------------------------
class SimServer:
    def __init__(self, world: World, today: date, port: int = 8800, control_port: int = 0,
                 max_sites: int | None = None, cms: str = "classic") -> None:
        self.state = SimState(world, today, cms)
        self.port = port
        self.control_port = control_port
        self.max_sites = max_sites
        self.hosts: list[str] = []
        self.control_url = ""
        self._servers: list[asyncio.AbstractServer] = []
        self._tasks: set[asyncio.Task] = set()

    def describe(self) -> dict:
        return {"seed": self.state.world.seed, "size": self.state.world.size,
                "date": self.state.today.isoformat(), "hosts": self.hosts,
                "faults": [f.as_dict() for f in self.state.faults.faults],
                "requests": self.state.hits}

    async def start(self) -> None:
        n = len(self.state.world.site_counties)
        if self.max_sites is not None:
            n = min(n, self.max_sites)
        for i in range(n):
            self.hosts.append(await self._listen_site(i))
        for i in range(n):  # copies on the provincial platform: another host, same pages
            if has_mirror(self.state.world.seed, self.state.cms, i):
                self.state.mirrors[i] = await self._listen_site(i, mirror_address(i))
        srv = await asyncio.start_server(self._control_conn, "127.0.0.1", self.control_port)
        self._servers.append(srv)
        self.control_url = f"http://127.0.0.1:{srv.sockets[0].getsockname()[1]}"

    async def _listen_site(self, i: int, address: str | None = None) -> str:
        async def handler(r: asyncio.StreamReader, w: asyncio.StreamWriter) -> None:
            await self._site_conn(i, r, w)
        try:
            srv = await asyncio.start_server(handler, address or site_address(i), self.port)
        except OSError:  # no 127.0.1.N here (e.g. macOS) or port taken: a port of its own
            srv = await asyncio.start_server(handler, "127.0.0.1", 0)
        self._servers.append(srv)
        host, port = srv.sockets[0].getsockname()[:2]
        return f"http://{host}:{port}"

    async def close(self) -> None:
        for srv in self._servers:
            srv.close()
        for task in list(self._tasks):  # open keep-alive connections and hanging requests
            task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)
        for srv in self._servers:
            await srv.wait_closed()

    async def _site_conn(self, site: int, r: asyncio.StreamReader, w: asyncio.StreamWriter) -> None:
        async def respond(method: str, target: str, headers: dict[str, str],
                          body: bytes) -> Response | None:  # None: a hang fault
            self.state.hits += 1
            if method == "POST":  # a posted form is read like a query (list pages page by POST)
                form = body.decode("latin-1") + "&_method=POST"
                target += ("&" if "?" in target else "?") + form
            await self.state.prepare(site, target)
            fault = self.state.faults.match(site, self.hosts[site], urlsplit(target).path)
            if fault:
                return await apply_fault(fault, self, site, method, target, headers)
            return site_response(self.state, site, method, target, headers)
        await self._tracked(r, w, respond)

    async def _control_conn(self, r: asyncio.StreamReader, w: asyncio.StreamWriter) -> None:
        async def respond(method: str, target: str, headers: dict[str, str], body: bytes) -> Response:
            return control_response(self, method, target, body)
        await self._tracked(r, w, respond)

    async def _tracked(self, r: asyncio.StreamReader, w: asyncio.StreamWriter,
                       respond: Responder) -> None:
        task = asyncio.current_task()
        assert task is not None
        self._tasks.add(task)
        try:
            await _serve_conn(r, w, respond)
        except asyncio.CancelledError:
            pass  # shutting down: end quietly
        finally:
            self._tasks.discard(task)


async def _serve_conn(r: asyncio.StreamReader, w: asyncio.StreamWriter,
                      respond: Responder) -> None:
    conn = h11.Connection(h11.SERVER, max_incomplete_event_size=MAX_BODY)
    try:
        while True:
            req = await _read_request(conn, r)
            if req is None:
                break
            method, target, headers, body = req
            resp = await respond(method, target, headers, body)
            if resp is None:  # a hang: the fault already waited; drop the connection
                break
            await _write(conn, w, resp, method)
            if conn.our_state is h11.MUST_CLOSE or resp.close or resp.truncate:
                break
            conn.start_next_cycle()
    except (h11.RemoteProtocolError, ConnectionError, asyncio.IncompleteReadError):
        pass
    except Exception:  # a bug must not take the whole server down
        log.exception("simweb: request failed")
    finally:
        w.close()


async def _read_request(conn: h11.Connection, r: asyncio.StreamReader,
                        ) -> tuple[str, str, dict[str, str], bytes] | None:
    request, body = None, b""
    while True:
        event = conn.next_event()
        if event is h11.NEED_DATA:
            data = await r.read(65536)
            conn.receive_data(data)
            if not data and conn.their_state is h11.IDLE:
                return None
            continue
        if isinstance(event, h11.Request):
            request = event
        elif isinstance(event, h11.Data):
            body += event.data
        elif isinstance(event, h11.EndOfMessage):
            assert request is not None
            headers = {k.decode().lower(): v.decode("latin-1") for k, v in request.headers}
            return request.method.decode(), request.target.decode("latin-1"), headers, body
        elif isinstance(event, h11.ConnectionClosed):
            return None


async def _write(conn: h11.Connection, w: asyncio.StreamWriter, resp: Response, method: str) -> None:
    headers = [("Server", "simweb"), *resp.headers]
    if resp.status != 304:
        headers.append(("Content-Length", str(len(resp.body))))
    if resp.close or resp.truncate:
        headers.append(("Connection", "close"))
    w.write(conn.send(h11.Response(status_code=resp.status, headers=headers)))
    if resp.truncate:
        w.write(resp.body[: len(resp.body) // 2])  # h11 would refuse a short body: raw bytes
    elif resp.body and method != "HEAD":
        w.write(conn.send(h11.Data(data=resp.body)))
    if not resp.truncate:
        w.write(conn.send(h11.EndOfMessage()))
    await w.drain()


# --- running it -------------------------------------------------------------------------------
class SimWeb:
    """A running simulated web, for tests and benchmarks: `with SimWeb(seed=1) as web: …`.

    port=0 gives every site an ephemeral port (safe when many test runs share the machine).
    """

    def __init__(self, seed: int = 1, size: str = "demo", date: str | date = "2025-02-15",
                 port: int = 0, control_port: int = 0, max_sites: int | None = None,
                 last_year: int = 2024, cms: str = "classic") -> None:
        today = date if not isinstance(date, str) else _parse_date(date)
        world = World(seed, size, last_year=last_year)
        self.server = SimServer(world, today, port, control_port, max_sites, cms)
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._loop.run_forever, daemon=True,
                                        name="simweb")

    @property
    def world(self) -> World:
        return self.server.state.world

    @property
    def hosts(self) -> list[str]:
        return self.server.hosts

    @property
    def control_url(self) -> str:
        return self.server.control_url

    @property
    def today(self) -> date:
        return self.server.state.today

    def set_date(self, when: str | date) -> None:
        """Move the clock (the same as POST /_sim/clock)."""
        d = when if not isinstance(when, str) else _parse_date(when)
        self._call(self._set, d)

    def _set(self, d: date) -> None:
        self.server.state.today = d
        self.server.state._cache.clear()

    def add_fault(self, **spec: object) -> Fault:
        fault = Fault.from_dict(spec)
        self._call(self.server.state.faults.add, fault)
        return fault

    def clear_faults(self) -> None:
        self._call(self.server.state.faults.clear)

    @property
    def mirrors(self) -> dict[int, str]:
        return self.server.state.mirrors

    def lister(self, site: int) -> str:
        return self.server.state.lister(site)

    def registry_rows(self) -> list[dict]:
        return self.server.state.registry_rows(self.hosts)

    def _call(self, fn: Callable[..., object], *args: object) -> None:
        async def run() -> None:
            fn(*args)
        asyncio.run_coroutine_threadsafe(run(), self._loop).result(10)

    def start(self) -> SimWeb:
        self._thread.start()
        asyncio.run_coroutine_threadsafe(self.server.start(), self._loop).result(60)
        return self

    def stop(self) -> None:
        if self._loop.is_running():
            asyncio.run_coroutine_threadsafe(self.server.close(), self._loop).result(10)
            self._loop.call_soon_threadsafe(self._loop.stop)
            self._thread.join(10)
            self._loop.close()

    def __enter__(self) -> SimWeb:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()


def mirror_address(site: int) -> str:
    """The provincial platform's copy of a site: 127.1.x.y (sites are 127.0.x.y)."""
    return f"127.1.{1 + site // 250}.{1 + site % 250}"


def _parse_date(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise ValueError(f"日期格式无效：{text!r}（应为 YYYY-MM-DD）") from None


async def serve_forever(seed: int, size: str, today: date, port: int, control_port: int,
                        max_sites: int | None = None, last_year: int = 2024, cms: str = "classic") -> None:
    server = SimServer(World(seed, size, last_year=last_year), today, port, control_port, max_sites, cms)
    await server.start()
    for i, url in enumerate(server.hosts[:20]):
        print(f"  {url}  {server.state.world.site(i).name}", flush=True)
    if len(server.hosts) > 20:
        print(f"  … 共 {len(server.hosts)} 个站点", flush=True)
    print(f"控制接口：{server.control_url}/_sim/state  日期：{today}", flush=True)
    await asyncio.Event().wait()
