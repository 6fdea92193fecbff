"""What each finding code means, in plain Chinese (and English), for pages and help."""

from __future__ import annotations

from flask_babel import get_locale

from nianbao.findings import FINDINGS

MEANINGS = FINDINGS

STATUS: dict[str, tuple[str, str]] = {
    "on_time": ("按时", "on time"), "late": ("逾期", "late"), "missing": ("未发布", "missing"),
    "not_due": ("未到期", "not yet due"), "unknown": ("无法核实", "unknown"),
}


def _pick(pair: tuple[str, str]) -> str:
    return pair[1] if str(get_locale() or "zh") == "en" else pair[0]


def meaning(code: str) -> str:
    return _pick(MEANINGS[code]) if code in MEANINGS else code


def status_label(status: str | None) -> str:
    return _pick(STATUS[status]) if status in STATUS else (status or "—")
