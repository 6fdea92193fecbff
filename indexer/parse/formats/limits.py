"""The parser's resource limits: one frozen value object read from `Settings`, and the
per-file deadline.

The adapters call `current()` and `check_time()`; no call site passes limits around.
`scope(limits)` sets both for one file (the parse worker sets the limits its parent sent).
Every refusal is `LimitExceeded` (a `FormatError`), whose one-line message names the limit,
its setting and the value found.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any

from indexer.parse.formats.errors import FormatError
from nianbao.settings import get_settings


@dataclass(frozen=True)
class Limits:
    """The parse_* settings of one run (their defaults live in nianbao.settings only)."""

    zip_max_bytes: int
    zip_max_members: int
    xml_max_elements: int
    page_max_pixels: int
    image_max_pixels: int
    max_pages: int
    max_references: int
    timeout_seconds: float
    isolate: bool

    @classmethod
    def from_settings(cls, s: Any) -> Limits:
        return cls(zip_max_bytes=s.parse_zip_max_bytes, zip_max_members=s.parse_zip_max_members,
                   xml_max_elements=s.parse_xml_max_elements,
                   page_max_pixels=s.parse_page_max_pixels,
                   image_max_pixels=s.parse_image_max_pixels, max_pages=s.parse_max_pages,
                   max_references=s.parse_max_references,
                   timeout_seconds=s.parse_timeout_seconds, isolate=s.parse_isolate)


class LimitExceeded(FormatError):
    """A document past one of the parser's resource limits."""

    def __init__(self, zh: str, en: str, setting: str, limit: float, found: float | None = None,
                 unit: tuple[str, str] = ("", "")) -> None:
        self.setting, self.limit, self.found = setting, limit, found
        lim, seen = _num(limit), _num(found) if found is not None else None
        zh_found = f"（实际 {seen}{unit[0]}）" if seen is not None else ""
        en_found = f" (found {seen}{unit[1]})" if seen is not None else ""
        super().__init__(f"{zh}超过上限 {lim}{unit[0]}{zh_found}，设置 {setting} / "
                         f"{en} exceeds the limit of {lim}{unit[1]}{en_found}, setting {setting}")


def _num(v: float) -> str:
    return f"{v:,}" if isinstance(v, int) or float(v).is_integer() and v >= 1000 else f"{v:g}"


_limits: ContextVar[Limits | None] = ContextVar("parse_limits", default=None)
_deadline: ContextVar[float | None] = ContextVar("parse_deadline", default=None)


def current() -> Limits:
    """The limits of the file being parsed, else those of the settings."""
    lim = _limits.get()
    if lim is not None:
        return lim
    return Limits.from_settings(get_settings())


@contextmanager
def scope(limits: Limits | None = None) -> Iterator[Limits]:
    """Limits and a fresh deadline for one file; a scope inside another keeps the outer one."""
    if _deadline.get() is not None:
        yield current()
        return
    lim = limits or current()
    t1 = _limits.set(lim)
    t2 = _deadline.set(time.monotonic() + lim.timeout_seconds)
    try:
        yield lim
    finally:
        _deadline.reset(t2)
        _limits.reset(t1)


def check_time() -> None:
    """Raise when the file's wall time is used up (called between pages and objects)."""
    end = _deadline.get()
    if end is not None and time.monotonic() > end:
        raise timeout_error(current().timeout_seconds)


def remaining(default: float) -> float:
    """Seconds a child process (Tesseract, LibreOffice) may take: its own timeout, cut to what
    is left of the file's wall time (at least one second)."""
    end = _deadline.get()
    if end is None:
        return default
    return max(min(default, end - time.monotonic()), 1.0)


def timeout_error(seconds: float) -> LimitExceeded:
    return LimitExceeded("单个文件的解析时间", "parse wall time per file", "parse_timeout_seconds",
                         seconds, unit=(" 秒", " s"))


def check(found: int, limit: int, setting: str, zh: str, en: str,
          unit: tuple[str, str] = ("", "")) -> None:
    if found > limit:
        raise LimitExceeded(zh, en, setting, limit, found, unit)
