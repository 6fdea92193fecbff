"""One crawl run: every entry page's column, its reports and their attachments.

Per entry: list pages are walked in order (pagination is discovered page by page), then every
report linked, plus every known live document the listing no longer shows (to notice edits and
removals), is fetched concurrently; the `Fetcher` keeps each host polite.
"""

from __future__ import annotations

import asyncio
import fcntl
import os
import secrets
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from urllib.parse import unquote, urlsplit

from sqlalchemy.orm import Session

from nianbao.db import init_db, make_engine, make_session_factory
from nianbao.errors import NianbaoError
from nianbao.settings import Settings

from . import discover, state
from .archive import Archive, ArchiveMissing
from .fetch import Fetcher, FetchResult, utcnow
from .httputil import decode_html
from .match import Matcher
from .normalize import content_hash
from .registry import Publisher, allowed_hosts, netloc, sync_publishers

MAX_LIST_PAGES = 500  # per entry: a runaway pager cannot keep us forever


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


class Crawl:
    def __init__(self, settings: Settings, registry: list[Publisher], only: set[str] | None = None,
                 progress: Callable[[int, int], None] | None = None) -> None:
        self.s = settings
        self.registry = registry
        self.only = only
        self.progress = progress or (lambda done, total: None)
        self.done = self.total = 0
        self.run_id = f"{utcnow():%Y%m%dT%H%M%S}-{secrets.token_hex(3)}"
        self.summary = CrawlSummary(self.run_id)
        self.matcher = Matcher(registry)
        self.pending_fetches: list[dict] = []
        engine = make_engine(settings.database_url)
        init_db(engine)
        self.session: Session = make_session_factory(engine)()
        self.archive = Archive(settings)
        self.fetcher: Fetcher | None = None

    # --- run ---------------------------------------------------------------------------------
    async def run(self) -> CrawlSummary:
        lock = _Lock(self.s.data_path / "crawl.lock")
        try:
            sync_publishers(self.session, self.registry)
            self.fetcher = Fetcher(self.s, self.archive, allowed_hosts(self.registry),
                                   log=self._log, run_id=self.run_id)
            entries: dict[str, list[Publisher]] = defaultdict(list)
            for p in self.registry:
                if self.only is None or p.id in self.only:
                    entries[p.entry_url].append(p)
            if self.only is not None and not entries:
                raise NianbaoError(f"登记表中没有该发布机构 / no such publisher: {', '.join(sorted(self.only))}")
            await asyncio.gather(*(self._entry(url) for url in entries))
            for host, reason in self.fetcher.blocked_hosts().items():
                self.summary.hosts[host].blocked = reason
            self._commit()
            return self.summary
        finally:
            if self.fetcher:
                await self.fetcher.aclose()
            self._commit()
            self.session.close()
            self.archive.close()
            lock.release()

    def _log(self, row: dict) -> None:
        self.pending_fetches.append(row)
        stats = self.summary.hosts[row["host"]]
        if row["status"] is not None and row["outcome"] != "retry":
            stats.fetched += 1
        if row["outcome"] == "not_modified":
            stats.not_modified += 1
        if row["outcome"] in ("error", "blocked", "too_large", "robots") or (
                row["outcome"] == "http_error" and row["status"] not in (404, 410)):
            stats.errors += 1

    def _commit(self) -> None:
        state.add_fetches(self.session, self.pending_fetches)
        self.session.commit()

    def _tick(self, more_total: int = 0, done: int = 0) -> None:
        self.total += more_total
        self.done += done
        self.progress(self.done, self.total)

    # --- listing -------------------------------------------------------------------------------
    async def _entry(self, entry_url: str) -> None:
        links = await self._walk_listing(entry_url)
        seen = {link.url for link in links}
        revisit = [d.url for d in state.known_live(self.session, entry_url) if d.url not in seen]
        self._tick(more_total=len(links) + len(revisit))
        jobs = [self._report(link.url, entry_url, link.text) for link in links]
        jobs += [self._report(url, entry_url, None) for url in revisit]
        await asyncio.gather(*jobs)

    async def _walk_listing(self, entry_url: str) -> list[discover.Link]:
        todo, done, found = [entry_url], set(), {}
        while todo and len(done) < MAX_LIST_PAGES:
            url = todo.pop(0)
            if url in done:
                continue
            done.add(url)
            res, body = await self._get(url, "listing")
            status = "ok" if body is not None else ("blocked" if res.outcome == "blocked" else "failed")
            listing = discover.Listing([], [])
            if body is not None:
                text = decode_html(body, res.content_type)[0]
                listing = discover.parse_listing(text, res.final_url or url, entry_url)
            for link in listing.reports:
                if self._wanted(link, entry_url):
                    found.setdefault(link.url, link)
            todo += [p for p in listing.pages if p not in done]
            state.add_listing(self.session, run_id=self.run_id, entry_url=entry_url, url=url,
                              host=netloc(url), status=status, report_urls=[r.url for r in listing.reports],
                              error=res.error if body is None else None, sha256=res.sha256, now=utcnow())
            self._commit()
        return list(found.values())

    def _wanted(self, link: discover.Link, entry_url: str) -> bool:
        if self.only is None:
            return True
        pub = self.matcher.match(link.text, entry_url)
        return pub is not None and pub.id in self.only

    async def _get(self, url: str, kind: str) -> tuple[FetchResult, bytes | None]:
        """Conditional GET; the body (from the archive on a 304), or None on failure."""
        assert self.fetcher is not None
        cached = state.validators(self.session, url)
        usable = cached is not None and cached.sha256 and self.archive.has(cached.sha256)
        res = await self.fetcher.fetch(url, kind, cached.etag if usable else None,
                                       cached.last_modified if usable else None)
        if res.outcome == "not_modified" and usable:
            res.headers.setdefault("content-type", cached.content_type)
            res.sha256 = cached.sha256
            # Evidence of the content is the 200 that served it (a 304 record has no body).
            res.warc_file, res.warc_offset = cached.warc_file, cached.warc_offset
            state.remember(self.session, url, res, utcnow())
            try:
                return res, self.archive.read(cached.sha256)
            except ArchiveMissing:
                return res, None
        if res.outcome == "ok" and res.status == 200:
            state.remember(self.session, url, res, utcnow())
            return res, res.body
        return res, None

    # --- reports ---------------------------------------------------------------------------------
    async def _report(self, url: str, entry_url: str, title: str | None) -> None:
        try:
            await self._report_inner(url, entry_url, title)
        finally:
            self._tick(done=1)

    async def _report_inner(self, url: str, entry_url: str, title: str | None) -> None:
        host = self.summary.hosts[netloc(url)]
        res, body = await self._get(url, "report")
        if body is None:
            if res.outcome == "http_error" and res.status in (404, 410):
                if state.mark_missing(self.session, url, utcnow()):
                    host.removed += 1
                self._commit()
            return
        is_html = "html" in res.content_type.lower() or body.lstrip()[:1] == b"<"
        page_sha = res.sha256
        primary, primary_res, html_text = body, res, None
        attachment_url = None
        shown = None
        if is_html:
            html_text = decode_html(body, res.content_type)[0]
            text = discover.page_text(html_text, url)
            shown = discover.published_shown(text)
            title = title or _page_title(html_text, url)
            atts = discover.attachments(html_text, res.final_url or url)
            if atts and not discover.is_full_report(text):
                attachment_url = atts[0]
                a_res, a_body = await self._get(attachment_url, "attachment")
                if a_body is None:
                    self._commit()
                    return  # try again next crawl; never record a half-seen report
                primary, primary_res, html_text = a_body, a_res, None
        if title is None:
            title = unquote(urlsplit(url).path.rsplit("/", 1)[-1])
        self._save(url, entry_url, title, shown, primary, primary_res, html_text, page_sha,
                   attachment_url)

    def _save(self, url: str, entry_url: str, title: str, shown: datetime | None, primary: bytes,
              res: FetchResult, html_text: str | None, page_sha: str | None,
              attachment_url: str | None) -> None:
        pub = self.matcher.match(title, entry_url)
        if pub is None:
            self.summary.unmatched += 1
        source = attachment_url or url
        obs = state.Observation(
            url=url, entry_url=entry_url, title=title, organ=discover.organ_of(title),
            year=discover.year_of(title), publisher_id=pub.id if pub else None,
            published_shown=shown, sha256=res.sha256 or "", norm_sha256=content_hash(primary, html_text),
            page_sha256=page_sha, content_type=res.content_type.split(";")[0].strip(),
            filename=unquote(urlsplit(source).path.rsplit("/", 1)[-1]), source_url=source,
            attachment_url=attachment_url, warc_file=res.warc_file or "", warc_offset=res.warc_offset)
        event = state.save_observation(self.session, obs, utcnow())
        stats = self.summary.hosts[netloc(url)]
        if event == "new":
            stats.new += 1
        elif event == "modified":
            stats.changed += 1
        self._commit()


def _page_title(html_text: str, url: str) -> str | None:
    from lxml import html as lhtml

    doc = lhtml.fromstring(html_text or "<html></html>")
    for xp in ("//h1", "//title"):
        nodes = doc.xpath(xp)
        if nodes:
            text = " ".join(nodes[0].text_content().split())
            if text:
                return text.split("_")[0]
    return None


def run_crawl(settings: Settings, registry: list[Publisher], only: set[str] | None = None,
              progress: Callable[[int, int], None] | None = None) -> CrawlSummary:
    return asyncio.run(Crawl(settings, registry, only, progress).run())
