"""Reading reports for the pages: the ES document, its versions, archived copies, texts."""

from __future__ import annotations

import difflib
from typing import Any

from elasticsearch import ApiError
from sqlalchemy import select

from crawler.archive import Archive, ArchiveMissing
from crawler.models import Document, Version
from indexer import search as search_mod
from indexer.parse import ParseError, parse

from . import deps
from .errors import NotFound
from .shapes import plain


def utc_iso(v: Any) -> str | None:
    """A stored time as ISO 8601 with its offset: the crawler's tables hold naive UTC."""
    if v is None:
        return None
    if getattr(v, "tzinfo", None) is None:
        return v.isoformat() + "Z"
    return v.isoformat()


def get_report(rid: str) -> dict[str, Any]:
    """The current ES document of a report."""
    doc = plain(search_mod.get_report(deps.es(), deps.prefix(), rid))
    if not doc:
        raise NotFound(f"找不到报告 / no such report: {rid}")
    return doc


def versions(doc: dict[str, Any]) -> list[dict[str, Any]]:
    """Every fetched version of the report: from the crawler's tables (by URL) when they know
    it, else from the versions index; oldest first."""
    rows = _db_versions(doc.get("url"))
    if not rows:
        rows = _es_versions(doc["id"])
    if not rows and doc.get("archive_sha256"):
        rows = [{"sha256": doc["archive_sha256"], "fetched_at": doc.get("fetched_at"),
                 "content_type": None, "seq": 1}]
    return rows


def _db_versions(url: str | None) -> list[dict[str, Any]]:
    if not url:
        return []
    s = deps.db()
    doc = s.scalar(select(Document).where(Document.url == url))
    if doc is None:
        return []
    q = select(Version).where(Version.document_id == doc.id).order_by(Version.seq)
    return [{"sha256": v.sha256, "fetched_at": utc_iso(v.fetched_at),
             "content_type": v.content_type or None, "filename": v.filename or None, "seq": v.seq}
            for v in s.scalars(q)]


def _es_versions(rid: str) -> list[dict[str, Any]]:
    """The versions index's record (indexer.search.versions is newest first), oldest first."""
    out: list[dict[str, Any]] = []
    for src in reversed(search_mod.versions(deps.es(), deps.prefix(), rid)):
        if src.get("archive_sha256"):
            out.append({"sha256": src["archive_sha256"], "fetched_at": src.get("fetched_at"),
                        "content_type": None, "seq": len(out) + 1})
    return out


def read_archive(sha256: str) -> bytes:
    try:
        return Archive(deps.settings()).read(sha256)
    except (ArchiveMissing, FileNotFoundError, KeyError) as exc:
        raise NotFound(f"存档中没有该内容 / not in the archive: {sha256}") from exc


def version_text(rid: str, sha256: str) -> str:
    """The text of one version: from the versions index, else parsed from the archive."""
    try:
        res = deps.es().search(index=f"{deps.prefix()}-versions", size=1,
                               query={"bool": {"filter": [{"term": {"report_id": rid}},
                                                          {"term": {"archive_sha256": sha256}}]}},
                               source=["text"])
        hits = res["hits"]["hits"]
        if hits and hits[0]["_source"].get("text"):
            return hits[0]["_source"]["text"]
    except ApiError:
        pass
    data = read_archive(sha256)
    try:
        return parse(data).to_json().get("text") or ""
    except ParseError as exc:
        return f"（无法解析 / cannot parse: {exc}）"


def diff_lines(a: str, b: str, a_name: str, b_name: str) -> list[tuple[str, str]]:
    """A unified diff as (kind, line) pairs; the template escapes every line."""
    out = []
    for line in difflib.unified_diff(a.splitlines(), b.splitlines(), a_name, b_name, n=2, lineterm=""):
        kind = ("head" if line.startswith(("---", "+++")) else "hunk" if line.startswith("@@")
                else "add" if line.startswith("+") else "del" if line.startswith("-") else "ctx")
        out.append((kind, line))
    return out
