"""Parser: bytes in any format → the contract report.

`parse(data, filename=None, content_type=None) -> Report`; anything it cannot read raises
`ParseError` (one line, Chinese first) — never another exception.
"""

from __future__ import annotations

from typing import Any

from nianbao.errors import NianbaoError

from . import worker
from .blocks import Extracted
from .formats import extract as formats_extract
from .formats import limits
from .report import Report, build_report
from .text import extract_text, looks_like_text

__all__ = ["ParseError", "Report", "parse", "extract", "build_report"]

MAX_BYTES = 200 * 1024 * 1024
_TEXT_TYPES = ("text/plain", "text/markdown", "text/x-markdown")


class ParseError(NianbaoError):
    """A document that cannot be parsed into a report."""


def extract(data: bytes, filename: str | None = None, content_type: str | None = None) -> Extracted:
    """Bytes → blocks: plain text here, everything else through the format adapters (which
    tell the format from the bytes)."""
    name = (filename or "").lower()
    plain = name.endswith((".txt", ".md", ".markdown")) or (content_type or "").split(";")[0] in _TEXT_TYPES
    if plain and (text := _utf8_text(data)) is not None:
        return extract_text(text, filename)  # decoded once (looks_like_text + decode would twice)
    if plain and looks_like_text(data):
        return extract_text(data, filename)
    return formats_extract(data, filename=filename, content_type=content_type)


def _utf8_text(data: bytes) -> str | None:
    """A small UTF-8 text file decoded as `text.decode` would; None to take the general path.
    (Within 64 KiB, decoding cleanly is exactly what `looks_like_text` checks.)"""
    if len(data) > 65536 or b"\x00" in data[:4096]:
        return None
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return None


def parse(data: bytes, filename: str | None = None, content_type: str | None = None, *,
          side_by_side: bool = False) -> Report:
    """Within the resource limits of the settings (`formats.limits`); binary documents in a
    child process with a hard wall-time limit (`worker`) unless `parse_isolate` is off.
    `side_by_side`: the caller parses several documents at once (indexer.pipeline), so text and
    HTML go to a child too — in threads of one process they would take turns under the GIL."""
    label = filename or "input"
    if not isinstance(data, (bytes, bytearray)):
        raise ParseError(f"输入不是字节串 / input is not bytes: {label}")
    if not data.strip():
        raise ParseError(f"文件为空 / empty document: {label}")
    if len(data) > MAX_BYTES:
        raise ParseError(f"文件过大 / document too large: {label}")
    lim = limits.current()
    if lim.isolate:
        if side_by_side or worker.is_binary_document(data):
            status, value = worker.run(bytes(data), filename, content_type, lim)
            if status == "ok":
                return value
            raise ParseError(value)
    return parse_here(bytes(data), filename, content_type, lim)


def parse_here(data: bytes, filename: str | None, content_type: str | None, lim: Any) -> Report:
    """`parse` in this process, within `lim` (a `formats.limits.Limits`)."""
    label = filename or "input"
    try:
        with limits.scope(lim):
            ex = extract(data, filename, content_type)
            if not ex.blocks:
                raise ParseError(f"文档中没有可读内容 / no readable content: {label}")
            return build_report(ex)
    except ParseError:
        raise
    except NianbaoError as exc:  # the adapters' FormatError etc.: keep their one-line reason
        raise ParseError(str(exc).splitlines()[0] if str(exc) else f"无法解析 / cannot parse: {label}") from exc
    except Exception as exc:  # noqa: BLE001 — the boundary: bytes from the web must never crash us
        raise ParseError(f"无法解析 / cannot parse {label}: {type(exc).__name__}: {exc}"[:300]) from exc
