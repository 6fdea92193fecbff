"""Alert texts: one item per outbox row, each quoting what triggered it.

Highlights come in with private-use markers (HL_PRE/HL_POST) instead of HTML tags, so text is
escaped first and only our own <mark> is added.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, select_autoescape
from markupsafe import Markup, escape

from nianbao.outbound import safe_link

from .models import Outbox

HL_PRE, HL_POST = "\ue000", "\ue001"

KIND_LABELS = {
    "missing": "未按期发布", "late": "逾期发布", "new": "新报告", "modified": "报告被修改",
    "removed": "报告被撤下", "finding": "发现问题",
}

_env = Environment(loader=FileSystemLoader(Path(__file__).parent / "templates"),
                   autoescape=select_autoescape(["html"]), trim_blocks=True, lstrip_blocks=True)


def _marked_html(fragment: str) -> Markup:
    return Markup(str(escape(fragment)).replace(HL_PRE, "<mark>").replace(HL_POST, "</mark>"))


def _marked_text(fragment: str) -> str:
    return fragment.replace(HL_PRE, "【").replace(HL_POST, "】")


_env.filters["marked"] = _marked_html
_env.filters["marked_text"] = _marked_text


def summary(kind: str, p: dict[str, Any]) -> str:
    """One line in Chinese saying what happened, with the numbers."""
    name, year = p.get("name") or p.get("organ") or "", p.get("year") or ""
    if kind == "missing":
        return f"{name} {year} 年度报告未按期发布：截止 {p.get('deadline')}，已逾期 {p.get('days_late')} 天"
    if kind == "late":
        return (f"{name} {year} 年度报告逾期 {p.get('days_late')} 天发布"
                f"（截止 {p.get('deadline')}，发布 {p.get('published')}）")
    title = p.get("title") or p.get("url") or ""
    return f"{KIND_LABELS.get(kind, kind)}：{title}"


def link(url: Any) -> str | None:
    """A URL fit to be placed in a mail or message (http(s), nothing hidden), else None."""
    return url if isinstance(url, str) and safe_link(url) else None


def item(row: Outbox) -> dict[str, Any]:
    """The renderable content of one outbox row (event + this subscriber's quote)."""
    ev = row.event
    return {
        "event_id": ev.id, "event_key": ev.key, "kind": ev.kind,
        "kind_label": KIND_LABELS.get(ev.kind, ev.kind), "summary": summary(ev.kind, ev.payload),
        "url": link(ev.payload.get("url")), "year": ev.year, "publisher_id": ev.publisher_id,
        "codes": list(ev.codes or []), "payload": ev.payload, "quote": row.quote or {},
        "created_at": ev.created_at.isoformat(timespec="seconds"),
    }


def subject(items: list[dict]) -> str:
    if len(items) == 1:
        return f"【年报监察】{items[0]['summary']}"[:200]
    return f"【年报监察】{len(items)} 条新提醒"


def render_text(items: list[dict], links: dict[str, str]) -> str:
    return _env.get_template("alert.txt").render(items=items, links=links)


def render_html(items: list[dict], links: dict[str, str]) -> str:
    return _env.get_template("alert.html").render(items=items, links=links, title=subject(items))


def render_page(name: str, **ctx: Any) -> str:
    return _env.get_template(name).render(**ctx)
