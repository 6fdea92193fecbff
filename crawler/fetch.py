"""Polite async fetching: allow-list, robots.txt, per-host spacing and concurrency, retries.

One `Fetcher` per crawl run. Each concern is a small piece: `HostSlot` spaces requests to one
host; `_exchange` does one HTTP request (size cap, archive); `_with_retries` retries 5xx and
timeouts with exponential backoff and jitter honouring Retry-After; `fetch` follows redirects
itself so that every hop is checked against the allow-list and robots.txt.
"""

from __future__ import annotations

import asyncio
import contextlib
import importlib
import random
import ssl
import time
from collections.abc import Callable
from concurrent.futures import Executor
from dataclasses import dataclass, field
from datetime import datetime
from urllib.parse import urljoin, urlsplit

import httpx
from protego import Protego

from nianbao import clock
from nianbao.settings import Settings

from .archive import Archive, sha256_of
from .httputil import decode_html, is_challenge, retry_after_seconds
from .models import FetchLogRow
from .registry import netloc

MAX_REDIRECTS = 5
MAX_BACKOFF = 60.0
RETRY_STATUSES = {429, 500, 502, 503, 504}


def _preload() -> None:
    """httpx imports httpcore on its first client and the anyio socket backend on the first
    request: import them with this module, so a crawl's first requests do not wait on it."""
    for name in ("httpcore", "httpcore._backends.anyio", "anyio._backends._asyncio"):
        with contextlib.suppress(ImportError):  # private module names: a warm-up only
            importlib.import_module(name)


_preload()


@dataclass
class FetchResult:
    url: str
    kind: str
    outcome: str  # ok | not_modified | http_error | error | blocked | robots | offsite | too_large
    status: int | None = None
    final_url: str = ""
    headers: dict[str, str] = field(default_factory=dict)
    body: bytes = b""
    attempts: int = 0
    error: str | None = None
    sha256: str | None = None
    warc_file: str | None = None
    warc_offset: int | None = None
    started_at: datetime | None = None
    elapsed_ms: int = 0
    exchange: dict | None = field(default=None, repr=False)  # what the archive must record

    @property
    def content_type(self) -> str:
        return self.headers.get("content-type", "")

    @property
    def ok(self) -> bool:
        return self.outcome in ("ok", "not_modified")

    def text(self) -> str:
        return decode_html(self.body, self.content_type)[0]


class HostSlot:
    """Spacing and concurrency for one host: request starts are at least `delay` apart."""

    def __init__(self, concurrency: int, delay: float) -> None:
        self.sem = asyncio.Semaphore(concurrency)
        self.delay = delay
        self.last_start = -1e9
        self.blocked: str | None = None  # reason, once the host answered with a challenge
        self.robots: Protego | None = None
        self.robots_lock = asyncio.Lock()
        self.robots_failed: str | None = None

    async def ready(self) -> None:
        """Wait until the host could take a request (without claiming the turn)."""
        while (wait := self.last_start + self.delay - time.monotonic()) > 0 and not self.blocked:
            await asyncio.sleep(min(wait, 1.0))  # wake up to notice a block

    async def wait_turn(self) -> None:
        """Wait, then claim the turn. No await between the final check and the assignment:
        atomic under asyncio, so concurrent requests to a host stay `delay` apart."""
        await self.ready()
        self.last_start = time.monotonic()

    def pause(self, seconds: float) -> None:
        """Push the host's next turn out (Retry-After, challenge back-off)."""
        self.last_start = max(self.last_start, time.monotonic() + seconds - self.delay)


class Fetcher:
    def __init__(self, settings: Settings, archive: Archive, allow: set[str],
                 log: Callable[[FetchLogRow], None] | None = None, run_id: str = "",
                 executor: Executor | None = None) -> None:
        self.s = settings
        self.executor = executor
        self.archive = archive
        self.allow = allow
        self.log = log or (lambda row: None)
        self.run_id = run_id
        self.global_sem = asyncio.Semaphore(settings.crawl_global_concurrency)
        self.hosts: dict[str, HostSlot] = {}
        # One client per site: httpcore checks every pooled connection for each request
        # (a getpeername and a poll each), so one shared pool of all sites' connections
        # costs more per request the more sites a crawl has.
        self.clients: dict[str, httpx.AsyncClient] = {}
        self._tls: ssl.SSLContext | None = None  # made on the first https site (loading CAs is slow)

    def _client(self, url: str) -> httpx.AsyncClient:
        parts = urlsplit(url)
        key = f"{parts.scheme}://{parts.netloc}"
        client = self.clients.get(key)
        if client is None:
            # A plain-HTTP site's client never does TLS (an https URL gets its own client).
            verify: ssl.SSLContext | bool = False
            if parts.scheme == "https":
                if self._tls is None:
                    self._tls = httpx.create_ssl_context()
                verify = self._tls
            conns = max(1, self.s.crawl_host_concurrency)
            client = httpx.AsyncClient(
                headers={"User-Agent": self.s.user_agent, "Accept-Language": "zh-CN,zh;q=0.9"},
                timeout=httpx.Timeout(self.s.crawl_timeout_seconds),
                follow_redirects=False,
                limits=httpx.Limits(max_connections=conns, max_keepalive_connections=conns),
                trust_env=False,  # never route through a proxy from the environment
                verify=verify,
            )
            self.clients[key] = client
        return client

    async def aclose(self) -> None:
        for client in self.clients.values():
            await client.aclose()
        self.clients.clear()

    def slot(self, host: str) -> HostSlot:
        if host not in self.hosts:
            self.hosts[host] = HostSlot(self.s.crawl_host_concurrency, self.s.crawl_delay_seconds)
        return self.hosts[host]

    # --- public ---------------------------------------------------------------------------
    async def fetch(self, url: str, kind: str, etag: str | None = None,
                    last_modified: str | None = None, *,
                    form: tuple[tuple[str, str], ...] | None = None) -> FetchResult:
        """GET (or, with `form`, a form POST: list pages that page by POST) with redirects
        followed by hand (each hop allow-listed and robots-checked; a redirect is a GET)."""
        current = url
        for _hop in range(MAX_REDIRECTS + 1):
            refused = await self._refuse(current, kind)
            if refused:
                refused.url = url
                return refused
            res = await self._with_retries(current, kind, etag if current == url else None,
                                           last_modified if current == url else None,
                                           form if current == url else None)
            res.url, res.final_url = url, current
            location = res.headers.get("location")
            if res.status not in (301, 302, 303, 307, 308) or not location:
                return res
            current = urljoin(current, location)
        return self._record(FetchResult(url, kind, "error", final_url=current,
                                        error=f"too many redirects (> {MAX_REDIRECTS})"))

    async def warm(self, urls: list[str]) -> None:
        """Read the robots.txt of every allowed host among `urls`, concurrently."""
        hosts = {netloc(u): urlsplit(u).scheme for u in urls if netloc(u) in self.allow}
        await asyncio.gather(*(self._load_robots(scheme, h, self.slot(h)) for h, scheme in hosts.items()))

    def blocked_hosts(self) -> dict[str, str]:
        return {h: s.blocked for h, s in self.hosts.items() if s.blocked}

    # --- gatekeeping ------------------------------------------------------------------------
    async def _refuse(self, url: str, kind: str) -> FetchResult | None:
        parts = urlsplit(url)
        host = netloc(url)
        if parts.scheme not in ("http", "https") or host not in self.allow:
            return self._record(FetchResult(url, kind, "offsite", error=f"host {host} not in registry allow-list"))
        slot = self.slot(host)
        if slot.blocked:
            return self._record(FetchResult(url, kind, "blocked", error=slot.blocked))
        if kind == "robots":
            return None
        await self._load_robots(parts.scheme, host, slot)
        if slot.blocked:
            return self._record(FetchResult(url, kind, "blocked", error=slot.blocked))
        if slot.robots_failed:
            return self._record(FetchResult(url, kind, "robots", error=slot.robots_failed))
        if slot.robots is not None and not slot.robots.can_fetch(url, self.s.user_agent):
            return self._record(FetchResult(url, kind, "robots", error="disallowed by robots.txt"))
        return None

    async def _load_robots(self, scheme: str, host: str, slot: HostSlot) -> None:
        async with slot.robots_lock:
            if slot.robots is not None or slot.robots_failed or slot.blocked:
                return
            res = await self._with_retries(f"{scheme}://{host}/robots.txt", "robots", None, None)
            if res.outcome == "ok":
                slot.robots = Protego.parse(res.body.decode("utf-8", "replace"))
                delay = slot.robots.crawl_delay(self.s.user_agent)
                if delay:  # a site asking for more than our setting gets it (capped)
                    slot.delay = max(slot.delay, min(float(delay), 60.0))
            elif res.status is not None and 400 <= res.status < 500 and not slot.blocked:
                slot.robots = Protego.parse("")  # no robots.txt: everything allowed
            elif not slot.blocked:
                # Unreachable robots.txt: do not guess, crawl nothing on this host this run.
                slot.robots_failed = f"robots.txt unavailable: {res.error or res.status}"

    # --- one request, retried ---------------------------------------------------------------
    async def _with_retries(self, url: str, kind: str, etag: str | None,
                            last_modified: str | None,
                            form: tuple[tuple[str, str], ...] | None = None) -> FetchResult:
        slot = self.slot(netloc(url))
        attempts = max(1, self.s.crawl_retries + 1)
        res = FetchResult(url, kind, "error")
        for attempt in range(1, attempts + 1):
            res = await self._exchange(url, kind, slot, etag, last_modified, form)
            await self._archive(res)
            res.attempts = attempt
            retry_after = retry_after_seconds(res.headers.get("retry-after"))
            transient = res.outcome == "error" or (res.status in RETRY_STATUSES and not slot.blocked)
            if not transient or attempt == attempts:
                break
            if retry_after is not None and retry_after > MAX_BACKOFF:
                # The site asks for a longer pause than a run waits: leave it until next run.
                slot.pause(MAX_BACKOFF)
                res.error = f"Retry-After {retry_after:.0f}s: left for the next run"
                break
            self._record(res, outcome="retry")
            backoff = min(MAX_BACKOFF, self.s.crawl_delay_seconds * 2 ** (attempt - 1)) * random.uniform(0.5, 1.5)
            wait = max(backoff, retry_after or 0.0)
            slot.pause(wait)
        return self._record(res)

    async def _exchange(self, url: str, kind: str, slot: HostSlot, etag: str | None,
                        last_modified: str | None,
                        form: tuple[tuple[str, str], ...] | None = None) -> FetchResult:
        headers: dict[str, str] = {}
        if etag:
            headers["If-None-Match"] = etag
        if last_modified:
            headers["If-Modified-Since"] = last_modified
        async with slot.sem:
            await slot.ready()  # not holding a global slot while waiting for this host
            if slot.blocked:
                return FetchResult(url, kind, "blocked", error=slot.blocked)
            async with self.global_sem:
                if slot.blocked:
                    return FetchResult(url, kind, "blocked", error=slot.blocked)
                await slot.wait_turn()
                started, t0 = clock.utcnow(), time.monotonic()
                try:
                    async with asyncio.timeout(self.s.crawl_timeout_seconds * 3):
                        res = await self._request(url, kind, headers, slot, form)
                except (httpx.HTTPError, TimeoutError, OSError) as exc:
                    res = FetchResult(url, kind, "error", error=f"{type(exc).__name__}: {exc}"[:500])
                res.started_at, res.elapsed_ms = started, int((time.monotonic() - t0) * 1000)
                return res

    async def _request(self, url: str, kind: str, headers: dict[str, str], slot: HostSlot,
                       form: tuple[tuple[str, str], ...] | None = None) -> FetchResult:
        client = self._client(url)
        if form is None:
            req = client.build_request("GET", url, headers=headers)
        else:
            req = client.build_request("POST", url, headers=headers, data=dict(form))
        resp = await client.send(req, stream=True)
        try:
            declared = int(resp.headers.get("content-length") or 0)
            if declared > self.s.crawl_max_bytes:
                return FetchResult(url, kind, "too_large", status=resp.status_code,
                                   headers=dict(resp.headers), error=f"Content-Length {declared} > cap")
            chunks, size = [], 0
            async for chunk in resp.aiter_bytes():
                size += len(chunk)
                if size > self.s.crawl_max_bytes:
                    return FetchResult(url, kind, "too_large", status=resp.status_code,
                                       headers=dict(resp.headers), error=f"body > {self.s.crawl_max_bytes} bytes")
                chunks.append(chunk)
        finally:
            await resp.aclose()
        body = b"".join(chunks)
        res = FetchResult(url, kind, "ok", status=resp.status_code, headers=dict(resp.headers), body=body)
        res.exchange = dict(method=req.method, request_headers=dict(req.headers), status=resp.status_code,
                            reason=resp.reason_phrase, response_headers=list(resp.headers.items()),
                            body=body, http_version=resp.http_version)
        if is_challenge(resp.status_code, body, res.content_type):
            slot.blocked = f"anti-bot challenge (HTTP {resp.status_code})"
            slot.pause(MAX_BACKOFF)
            res.outcome, res.error = "blocked", slot.blocked
        elif resp.status_code == 304:
            res.outcome = "not_modified"
        elif 300 <= resp.status_code < 400:
            res.outcome = "redirect"
        elif not 200 <= resp.status_code < 300:
            res.outcome = "http_error"
        return res

    def _archive_sync(self, res: FetchResult) -> None:
        """Every response into the WARC; 2xx bodies into the content store too."""
        ex = res.exchange
        assert ex is not None
        res.warc_file, res.warc_offset = self.archive.warc_record(res.url, **ex)
        res.sha256 = self.archive.put(res.body) if 200 <= ex["status"] < 300 else sha256_of(res.body)
        res.exchange = None

    async def _archive(self, res: FetchResult) -> None:
        """Archive outside the host and global slots, on the worker thread when there is one
        (gzip, hashing and file writes then stay off the event loop)."""
        if res.exchange is None:
            return
        if self.executor is None:
            self._archive_sync(res)
        else:
            await asyncio.get_running_loop().run_in_executor(self.executor, self._archive_sync, res)

    def _record(self, res: FetchResult, outcome: str | None = None) -> FetchResult:
        self.log(FetchLogRow(
            run_id=self.run_id, url=res.url, host=netloc(res.url), kind=res.kind,
            started_at=res.started_at or clock.utcnow(), status=res.status,
            outcome=outcome or res.outcome, attempts=res.attempts or 1, bytes=len(res.body),
            sha256=res.sha256, error=res.error, elapsed_ms=res.elapsed_ms,
        ))
        return res
