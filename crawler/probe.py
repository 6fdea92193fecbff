"""`nianbao registry check --reach`: is each entry column reachable, and which CMS family does
its page belong to? One polite GET per entry URL through the crawler's own fetch path
(allow-list, robots.txt, per-host delay); nothing is archived into the state DB."""

from __future__ import annotations

import asyncio
import tempfile
from dataclasses import dataclass
from pathlib import Path

from nianbao.settings import Settings

from .archive import Archive
from .families import detect
from .fetch import Fetcher
from .httputil import decode_html
from .registry import Publisher, allowed_hosts


@dataclass
class Probe:
    entry_url: str
    publishers: int
    reachable: bool
    status: int | None
    family: str | None  # detected from the page
    declared: str | None  # the registry row's `family:`
    verified: bool | None
    error: str | None = None


async def _probe_all(settings: Settings, registry: list[Publisher]) -> list[Probe]:
    entries: dict[str, list[Publisher]] = {}
    for p in registry:
        entries.setdefault(p.entry_url, []).append(p)
    with tempfile.TemporaryDirectory(prefix="nianbao-probe-") as tmp:
        # Answers go to a scratch archive: a check is not a crawl and leaves no evidence behind.
        scratch = settings.model_copy(update={"data_dir": Path(tmp)})
        archive = Archive(scratch)
        fetcher = Fetcher(scratch, archive, allowed_hosts(registry))
        try:
            async def one(url: str, pubs: list[Publisher]) -> Probe:
                res = await fetcher.fetch(url, "listing")
                declared = next((p.family for p in pubs if p.family), None)
                verified = False if any(p.verified is False for p in pubs) else pubs[0].verified
                if res.outcome != "ok" or res.status != 200:
                    why = res.error or f"HTTP {res.status}"
                    return Probe(url, len(pubs), False, res.status, None, declared, verified, why)
                family = detect(decode_html(res.body, res.content_type)[0], res.final_url or url)
                return Probe(url, len(pubs), True, res.status, family, declared, verified)
            return list(await asyncio.gather(*(one(u, ps) for u, ps in entries.items())))
        finally:
            await fetcher.aclose()
            archive.close()


def probe(settings: Settings, registry: list[Publisher]) -> list[Probe]:
    return asyncio.run(_probe_all(settings, registry))
