"""One crawl run: every entry page's column, its reports and their attachments.

Per entry: list pages are walked in order (pagination is discovered page by page), then every
report linked, plus every known live document the listing no longer shows (to notice edits and
removals), is fetched concurrently; the `Fetcher` keeps each host polite.
"""

from __future__ import annotations

import asyncio
import fcntl
import logging
import os
import re
import secrets
import time
from collections import defaultdict, deque
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field, replace
from datetime import datetime
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

from sqlalchemy.orm import Session

from nianbao import clock
from nianbao.db import init_db, make_engine, make_session_factory
from nianbao.errors import NianbaoError
from nianbao.settings import Settings

from . import discover, state
from .archive import Archive, ArchiveMissing
from .families import ListRequest, ListResult, read_list
from .fetch import Fetcher, FetchResult
from .httputil import decode_html
from .match import Matcher
from .models import FetchLogRow
from .normalize import content_hash
from .registry import Publisher, allowed_hosts, netloc, sync_publishers

log = logging.getLogger("nianbao.crawler")
MAX_LIST_PAGES = 500  # per entry: a runaway pager cannot keep us forever
COMMIT_EVERY = 0.5  # seconds between commits of the state DB during a crawl


@dataclass
class HostStats:
    fetched: int = 0
    not_modified: int = 0
    new: int = 0
    changed: int = 0
    removed: int = 0
    errors: int = 0
    blocked: str | None = None


@dataclass
class CrawlSummary:
    run_id: str
    hosts: dict[str, HostStats] = field(default_factory=lambda: defaultdict(HostStats))
    unmatched: int = 0

    def total(self, attr: str) -> int:
        return sum(getattr(h, attr) for h in self.hosts.values())


class CrawlLocked(NianbaoError):
    """Another crawl holds the lock on this data dir."""


class _Lock:
    """One crawl per data dir at a time (an advisory lock the OS drops if we are killed)."""

    def __init__(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self.fd = os.open(path, os.O_CREAT | os.O_RDWR, 0o644)
        try:
            fcntl.flock(self.fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            os.close(self.fd)
            raise CrawlLocked(f"另一个抓取正在运行 / another crawl is running ({path})") from None

    def release(self) -> None:
        os.close(self.fd)


@dataclass
class Cached:
    etag: str | None
    last_modified: str | None
    sha256: str
    content_type: str
    warc_file: str | None
    warc_offset: int | None


@dataclass
class Page:
    """A report page on its way through the crawl (filled in as it is fetched and inspected)."""

    url: str
    entry_url: str
    title: str | None
    listed: datetime | None  # the date the list shows beside the link
    shown: datetime | None = None
    page_sha: str | None = None
    attachment: str | None = None


@dataclass
class Inspection:
    html_text: str | None
    shown: datetime | None
    title: str | None
    attachment: str | None  # the attachment to follow when the page is a short page


class Crawl:
    """One run. All database, archive and parsing work happens on one worker thread (`_w_*`
    methods; the session is only ever used there), so the event loop only does HTTP and
    keeps reading responses while pages are processed."""

    def __init__(self, settings: Settings, registry: list[Publisher], only: set[str] | None = None,
                 progress: Callable[[int, int], None] | None = None) -> None:
        self.s = settings
        self.registry = registry
        self.only = only
        self.progress = progress or (lambda done, total: None)
        self.done = self.total = 0
        self.run_id = f"{clock.utcnow():%Y%m%dT%H%M%S}-{secrets.token_hex(3)}"
        self.summary = CrawlSummary(self.run_id)
        self.matcher = Matcher(registry)
        self.pending_fetches: deque[FetchLogRow] = deque()
        self.engine = make_engine(settings.database_url)
        self.session: Session | None = None
        self.validators: state.ValidatorCache
        self.archive = Archive(settings)
        self.fetcher: Fetcher | None = None
        self._last_commit = 0.0
        self.worker = ThreadPoolExecutor(max_workers=1, thread_name_prefix="crawl-worker")
        # Validators of URLs about to be fetched, looked up by the worker job that found them
        # (a list page, a report page), so their fetch needs no worker round trip of its own.
        self.prefetched: dict[str, Cached | None] = {}

    async def _w(self, fn: Callable, *args: Any) -> Any:
        return await asyncio.get_running_loop().run_in_executor(self.worker, fn, *args)

    # --- run ---------------------------------------------------------------------------------
    async def run(self) -> CrawlSummary:
        lock = _Lock(self.s.data_path / "crawl.lock")
        try:
            opening = asyncio.ensure_future(self._w(self._w_open))
            self.fetcher = Fetcher(self.s, self.archive, allowed_hosts(self.registry),
                                   log=self._log, run_id=self.run_id, executor=self.worker)
            entries: dict[str, list[Publisher]] = defaultdict(list)
            for p in self.registry:
                if self.only is None or p.id in self.only:
                    entries[p.entry_url].append(p)
            if self.only is not None and not entries:
                await opening
                raise NianbaoError(f"登记表中没有该发布机构 / no such publisher: {', '.join(sorted(self.only))}")
            # robots.txt of every site is read while the state DB opens.
            await asyncio.gather(opening, self.fetcher.warm(list(entries)))
            await asyncio.gather(*(self._entry(url) for url in entries))
            for host, reason in self.fetcher.blocked_hosts().items():
                self.summary.hosts[host].blocked = reason
            return self.summary
        finally:
            if self.fetcher:
                await self.fetcher.aclose()
            await self._w(self._w_close)
            self.worker.shutdown(wait=True)
            lock.release()

    def _w_open(self) -> None:
        init_db(self.engine)
        # No autoflush: the crawl flushes where it needs ids and commits once per document;
        # implicit flushes before every lookup cost more than the crawl's own work.
        self.session = make_session_factory(self.engine)(autoflush=False)
        self.validators = state.ValidatorCache(self.session)
        sync_publishers(self.session, self.registry)

    def _w_close(self) -> None:
        if self.session is not None:
            self._w_commit(force=True)
            self.session.close()
        self.archive.close()
        self.engine.dispose()  # a long-lived caller (portal, scheduler) runs many crawls

    def _log(self, row: FetchLogRow) -> None:
        self.pending_fetches.append(row)
        stats = self.summary.hosts[row["host"]]
        if row["status"] is not None and row["outcome"] != "retry":
            stats.fetched += 1
        if row["outcome"] == "not_modified":
            stats.not_modified += 1
        # A link robots.txt forbids is policy, not an error; an unreadable robots.txt is one.
        robots_down = row["outcome"] == "robots" and (row["error"] or "").startswith("robots.txt")
        if row["outcome"] in ("error", "blocked", "too_large") or robots_down or (
                row["outcome"] == "http_error" and row["status"] not in (404, 410)):
            stats.errors += 1

    def _w_commit(self, force: bool = False) -> None:
        """Commit, at most every COMMIT_EVERY seconds unless forced. A document, its version,
        its queue event and its validators always share one transaction; a kill loses at most
        the last fraction of a second of work, which the next run redoes (nothing half-done)."""
        assert self.session is not None
        now = time.monotonic()
        if not force and now - self._last_commit < COMMIT_EVERY:
            return
        self._last_commit = now
        rows = []
        while self.pending_fetches:  # deque: appended to by the loop thread meanwhile
            rows.append(self.pending_fetches.popleft())
        state.add_fetches(self.session, rows)
        self.validators.flush()
        self.session.commit()

    def _tick(self, more_total: int = 0, done: int = 0) -> None:
        self.total += more_total
        self.done += done
        self.progress(self.done, self.total)

    # --- listing -------------------------------------------------------------------------------
    async def _entry(self, entry_url: str) -> None:
        # Reports are fetched as soon as a list page names them, while pagination goes on.
        jobs: list[asyncio.Task] = []

        def start(link: discover.Link) -> None:
            self._tick(more_total=1)
            listed = discover.listed_date(link.context)
            jobs.append(asyncio.create_task(self._report(link.url, entry_url, link.text, listed)))

        await self._w(self.validators.load, entry_url)
        try:
            await self._entry_inner(entry_url, jobs, start)
        finally:
            await self._w(self.validators.release, entry_url)

    async def _entry_inner(self, entry_url: str, jobs: list[asyncio.Task],
                           start: Callable[[discover.Link], None]) -> None:
        links = await self._walk_listing(entry_url, start)
        seen = {link.url for link in links}
        known = await self._w(self._w_known_live, entry_url)
        revisit = [u for u in known if u not in seen]
        self._tick(more_total=len(revisit))
        jobs += [asyncio.create_task(self._report(url, entry_url, None)) for url in revisit]
        await asyncio.gather(*jobs)

    def _w_known_live(self, entry_url: str) -> list[str]:
        assert self.session is not None
        urls = [d.url for d in state.known_live(self.session, entry_url)]
        self._w_prefetch(urls)
        return urls

    def _w_prefetch(self, urls: list[str]) -> None:
        for url in urls:
            self.prefetched[url] = self._w_validators(url)

    async def _walk_listing(self, entry_url: str,
                            start: Callable[[discover.Link], None]) -> list[discover.Link]:
        """Every list request of the column, in order: the entry page, then what each answer
        asks for (pages, record ranges, JSON pages, form POSTs, organ sub-columns). A report
        listed twice (several columns, a mirror on another host) is fetched once: by URL, and
        by its title when the title names its organ; every listing stays in the evidence.
        Links to another host wait until the column is read: a copy on the site comes first."""
        family = next((p.family for p in self.registry if p.entry_url == entry_url and p.family), None)
        todo, done = deque([ListRequest(entry_url)]), set[str]()
        found: dict[str, discover.Link] = {}
        titles: set[str] = set()
        elsewhere: list[discover.Link] = []

        def take(link: discover.Link) -> None:
            key = _title_key(link.text)
            if link.url in found or (key and key in titles) or not self._wanted(link, entry_url):
                return
            if not state.fits_url(link.url):  # longer than any URL column: not a report page
                return
            found[link.url] = link
            if key:
                titles.add(key)
            start(link)

        while todo and len(done) < MAX_LIST_PAGES:
            req = todo.popleft()
            if req.key in done:
                continue
            done.add(req.key)
            res, cached = await self._fetch(req.url, "listing", form=req.form if req.method == "POST" else None)
            listing = await self._w(self._w_listing, entry_url, req, res, cached, family)
            if listing.error:
                self.summary.hosts[netloc(req.url)].errors += 1
            for link in listing.reports:
                if netloc(link.url) != netloc(entry_url):
                    elsewhere.append(link)
                else:
                    take(link)
            todo.extend(r for r in listing.requests if r.key not in done)
        here = {(urlsplit(u).path, urlsplit(u).query) for u in found}
        for link in elsewhere:  # a mirror's copy of a page the site itself lists is not new
            if (urlsplit(link.url).path, urlsplit(link.url).query) not in here:
                take(link)
        return list(found.values())

    def _w_listing(self, entry_url: str, req: ListRequest, res: FetchResult, cached: Cached | None,
                   family: str | None) -> ListResult:
        assert self.session is not None
        body = self._w_body(req.url, res, cached, remember=req.method == "GET")
        status = "ok" if body is not None else ("blocked" if res.outcome == "blocked" else "failed")
        listing = ListResult(req.family or family or "generic")
        if body is not None:
            text = decode_html(body, res.content_type)[0]
            read_req = replace(req, url=res.final_url or req.url) if req.method == "GET" else req
            listing = read_list(text, read_req, entry_url, family)
        self._w_prefetch([r.url for r in listing.reports])
        evidence = replace(req, family=listing.family).evidence_url()[:1000]
        error = (res.error or f"HTTP {res.status}: {res.outcome}") if body is None else listing.error
        if listing.error:  # an answer the adapter cannot read: the list was not read to its end
            status = "failed"
            log.warning("list %s unreadable: %s", evidence, listing.error)
        state.add_listing(self.session, run_id=self.run_id, entry_url=entry_url, url=evidence,
                          host=netloc(req.url), status=status, report_urls=[r.url for r in listing.reports],
                          error=error, sha256=res.sha256, now=clock.utcnow())
        self._w_commit()
        return listing

    def _wanted(self, link: discover.Link, entry_url: str) -> bool:
        """With a publisher filter: a link that names another publisher is left; one that
        names nobody ("2024年政府信息公开工作年度报告") may be a chosen publisher's, which the
        indexer tells from the page itself."""
        if self.only is None:
            return True
        pub = self.matcher.match(link.text, entry_url)
        return pub is None or pub.id in self.only

    async def _fetch(self, url: str, kind: str,
                     form: tuple[tuple[str, str], ...] | None = None) -> tuple[FetchResult, Cached | None]:
        """Conditional GET (a form POST is never conditional). The body (`_w_body`: from the
        archive on a 304) is taken by the worker job that processes the page, so a page costs
        one worker hop after its fetch."""
        assert self.fetcher is not None
        if form is not None:
            return await self.fetcher.fetch(url, kind, form=form), None
        if url in self.prefetched:
            cached = self.prefetched.pop(url)
        else:
            cached = await self._w(self._w_validators, url)
        res = await self.fetcher.fetch(url, kind, cached.etag if cached else None,
                                       cached.last_modified if cached else None)
        return res, cached

    def _w_validators(self, url: str) -> Cached | None:
        assert self.session is not None
        c = self.validators.get(url)
        if c is None or not c.sha256 or not self.archive.has(c.sha256):
            return None
        return Cached(c.etag, c.last_modified, c.sha256, c.content_type, c.warc_file, c.warc_offset)

    def _w_body(self, url: str, res: FetchResult, cached: Cached | None,
                remember: bool = True) -> bytes | None:
        assert self.session is not None
        if res.outcome == "not_modified" and cached is not None:
            res.headers.setdefault("content-type", cached.content_type)
            res.sha256 = cached.sha256
            # Evidence of the content is the 200 that served it (a 304 record has no body).
            res.warc_file, res.warc_offset = cached.warc_file, cached.warc_offset
            self.validators.remember(url, res, clock.utcnow())
            try:
                return self.archive.read(cached.sha256)
            except ArchiveMissing:
                return None
        if res.outcome == "ok" and res.status == 200:
            if remember:  # a POST answer is not the URL's content
                self.validators.remember(url, res, clock.utcnow())
            return res.body
        return None

    # --- reports ---------------------------------------------------------------------------------
    async def _report(self, url: str, entry_url: str, title: str | None,
                      listed: datetime | None = None) -> None:
        try:
            await self._report_inner(url, entry_url, title, listed)
        except Exception as exc:  # one odd page must not end the crawl: logged, retried next run
            log.exception("report %s failed", url)
            self._log(FetchLogRow(run_id=self.run_id, url=url, host=netloc(url), kind="report",
                                  started_at=clock.utcnow(), status=None, outcome="error", attempts=1,
                                  bytes=0, sha256=None, elapsed_ms=0,
                                  error=f"internal: {type(exc).__name__}: {exc}"[:500]))
        finally:
            self._tick(done=1)

    async def _report_inner(self, url: str, entry_url: str, title: str | None,
                            listed: datetime | None) -> None:
        res, cached = await self._fetch(url, "report")
        page: Page | None = await self._w(self._w_page, Page(url, entry_url, title, listed), res, cached)
        if page is None:
            return  # saved, missing or failed: all done on the worker
        assert page.attachment is not None
        a_res, a_cached = await self._fetch(page.attachment, "attachment")
        await self._w(self._w_attachment, page, a_res, a_cached)

    def _w_page(self, page: Page, res: FetchResult, cached: Cached | None) -> Page | None:
        """A report page, in one worker job: body, inspection, and the save unless the page
        is a short one pointing at an attachment (returned: the attachment is fetched next)."""
        body = self._w_body(page.url, res, cached)
        if body is None:
            if res.outcome == "http_error" and res.status in (404, 410):
                self._w_missing(page.url)
            return None
        seen = self._w_inspect(page.url, res, body, page.title)
        page.title = seen.title or unquote(urlsplit(page.url).path.rsplit("/", 1)[-1])
        # The page's own date first; else the date the list shows beside the link.
        page.shown, page.page_sha = seen.shown or page.listed, res.sha256
        if seen.attachment:
            page.attachment = seen.attachment
            self._w_prefetch([seen.attachment])
            return page
        self._w_save(page, body, res, seen.html_text)
        return None

    def _w_attachment(self, page: Page, res: FetchResult, cached: Cached | None) -> None:
        body = self._w_body(page.attachment or "", res, cached)
        if body is not None:  # else try again next crawl; never record a half-seen report
            self._w_save(page, body, res, None)

    def _w_missing(self, url: str) -> None:
        assert self.session is not None
        if state.mark_missing(self.session, url, clock.utcnow()):
            self.summary.hosts[netloc(url)].removed += 1
        self._w_commit()

    def _w_inspect(self, url: str, res: FetchResult, body: bytes, title: str | None) -> Inspection:
        is_html = "html" in res.content_type.lower() or body.lstrip()[:1] == b"<"
        if not is_html:
            return Inspection(None, None, title, None)
        html_text = decode_html(body, res.content_type)[0]
        text = discover.page_text(html_text)
        atts = [a for a in discover.attachments(html_text, res.final_url or url) if state.fits_url(a)]
        attachment = atts[0] if atts and not discover.is_full_report(text) else None
        return Inspection(html_text, discover.published_shown(text),
                          title or discover.page_title(html_text), attachment)

    def _w_save(self, page: Page, primary: bytes, res: FetchResult, html_text: str | None) -> None:
        assert self.session is not None
        url, entry_url, title, attachment_url = page.url, page.entry_url, page.title or "", page.attachment
        pub = self.matcher.match(title, entry_url)
        if pub is None:
            self.summary.unmatched += 1
        source = attachment_url or url
        obs = state.Observation(
            url=url, entry_url=entry_url, title=title, organ=discover.organ_of(title),
            year=discover.year_of(title), publisher_id=pub.id if pub else None,
            published_shown=page.shown, sha256=res.sha256 or "", norm_sha256=content_hash(primary, html_text),
            page_sha256=page.page_sha, content_type=res.content_type.split(";")[0].strip(),
            filename=unquote(urlsplit(source).path.rsplit("/", 1)[-1]), source_url=source,
            attachment_url=attachment_url, warc_file=res.warc_file or "", warc_offset=res.warc_offset)
        event = state.save_observation(self.session, obs, clock.utcnow())
        stats = self.summary.hosts[netloc(url)]
        if event == "new":
            stats.new += 1
        elif event == "modified":
            stats.changed += 1
        self._w_commit()


def _title_key(title: str) -> str:
    """A listed report's title reduced for comparison across columns and mirrors (simplified,
    no spaces or punctuation); empty when the title names no organ (too generic to compare)."""
    if not discover.organ_of(title) or discover.year_of(title) is None:
        return ""
    return re.sub(r"[\W_]+", "", discover.simplified(title))


def run_crawl(settings: Settings, registry: list[Publisher], only: set[str] | None = None,
              progress: Callable[[int, int], None] | None = None) -> CrawlSummary:
    return asyncio.run(Crawl(settings, registry, only, progress).run())
