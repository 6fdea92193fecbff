"""Matching the organ named in a report title to a registry publisher.

Tolerant of what titles do to names: a county (or city/province) prefix, 人民政府/办事处 left out
or added, traditional script. Publishers listed on the same entry page are tried first; a name
that matches nobody (or several publishers equally) stays unmatched rather than guessed.
"""

from __future__ import annotations

import re
from collections import defaultdict

from .discover import organ_of, simplified
from .registry import Publisher

_SUFFIXES = re.compile(r"(人民政府|办事处|政府)$")
_NOISE = re.compile(r"[\s\u3000·•（）()《》“”\"']")


def core(name: str) -> str:
    n = _NOISE.sub("", simplified(name))
    prev = None
    while prev != n:
        prev, n = n, _SUFFIXES.sub("", n)
    return n


def _strip_region(name: str, pub: Publisher) -> str:
    """Remove the publisher's own region names from the front, repeatedly."""
    regions = [r for r in (pub.province, pub.city, pub.county) if r]
    changed = True
    while changed and name:
        changed = False
        for r in regions:
            if name.startswith(r) and len(name) > len(r):
                name, changed = name[len(r):], True
    return name


class Matcher:
    def __init__(self, publishers: list[Publisher]) -> None:
        self.by_entry: dict[str, list[Publisher]] = defaultdict(list)
        self.bare: dict[str, str] = {}
        self.by_bare: dict[str, list[Publisher]] = defaultdict(list)
        for p in publishers:
            self.by_entry[p.entry_url].append(p)
            bare = _strip_region(core(p.name), p)
            self.bare[p.id] = bare
            self.by_bare[bare].append(p)

    def _hits(self, organ: str, pubs: list[Publisher]) -> list[Publisher]:
        return [p for p in pubs if _strip_region(organ, p) == self.bare[p.id]]

    def match(self, title: str, entry_url: str = "") -> Publisher | None:
        organ = core(organ_of(title))
        if not organ:
            return None
        hits = self._hits(organ, self.by_entry.get(entry_url, []))
        if not hits:
            # Not on this entry's list: any publisher whose bare name ends the organ string.
            cands = [p for bare, ps in self.by_bare.items() if organ.endswith(bare) for p in ps]
            hits = self._hits(organ, cands)
        return hits[0] if len(hits) == 1 else None
