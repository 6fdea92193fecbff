"""Figures the prose states: 主动公开 … N 条, 收到 … 申请 N 件, 未收到申请, no 行政复议."""

from __future__ import annotations

import re

from .normalize import CN_NUM, cn_to_int

_N = rf"(\d+(?:\.\d+)?万|\d+|[{CN_NUM}]+)"  # 5万余条 is 50,000
# 主动公开 … 共(计) N (余)条 — within one clause, the first count of 条 after 主动公开/公开/发布.
_COUNT = re.compile(rf"(?<![第\d{CN_NUM}]){_N}\s*(余|多)?\s*条(?!例)")
_SUBPART = re.compile(r"[(（]一[)）]\s*主动公开|主动公开(?:情况|工作)?\s*[:：\n]")
_NEXT_SUBPART = re.compile(r"[(（]二[)）]")
_PROACTIVE = re.compile(rf"公开[^。；;\n]{{0,60}}?(?<![第\d{CN_NUM}]){_N}\s*(余|多)?\s*条(?!例)")
_PROACTIVE_STRICT = re.compile(rf"主动公开[^。；;\n]{{0,60}}?(?<![第\d{CN_NUM}]){_N}\s*(余|多)?\s*条(?!例)")
_RECEIVED = re.compile(
    rf"(?:收到|受理|接收|接到)[^。；;\n]{{0,30}}?(?:申请|依申请公开)[^。；;\n]{{0,12}}?{_N}\s*(余|多)?\s*(?:件|个|条|份|次)")
_RECEIVED_FIRST = re.compile(
    rf"(?:收到|受理|接收|接到)[^。；;\n]{{0,8}}?{_N}\s*(余|多)?\s*(?:件|个|份)[^。；;\n]{{0,20}}?申请")
# (未|没有|无)(收到…)…申请 | (申请|办件)…为零, flattened so that every alternative starts with a
# literal: `re` then scans for the first characters instead of trying every position
# "共办理依申请公开40件", "累计办理…依申请公开信息合计23件": the year's handling, taken only
# when nothing says what was received
_HANDLED = re.compile(
    rf"办理[^。；;\n]{{0,40}}?依申请公开[^。；;\n]{{0,12}}?{_N}\s*(余|多)?\s*(?:件|个|份)")
_NONE_RECEIVED = re.compile("|".join(
    [f"{w}(?:收到|受理|接到|接收)[^。；;\n]{{0,30}}?申请" for w in ("未", "没有", "无")]
    + [f"{w}[^。；;\n]{{0,12}}?(?:数量)?为(?:零|0)(?:件)?" for w in ("申请", "办件")]))
_NO_APPEAL = re.compile(r"(?:无|没有|未发生|未出现|不存在|未有|未收到)[^。；;，,\n]{0,20}?行政复议")


def _figure(m: re.Match | None) -> dict | None:
    if not m:
        return None
    raw = m.group(1)
    v = round(float(raw[:-1]) * 10000) if raw.endswith("万") and raw[0].isdigit() else cn_to_int(raw)
    if v is None:
        return None
    return {"value": v, "approx": bool(m.group(2))}


def proactive_items(sections: dict[int, str], text: str) -> dict | None:
    part1 = sections.get(1) or text
    fig = _figure(_PROACTIVE_STRICT.search(part1))
    if fig is None and (m := _SUBPART.search(part1)):
        end = _NEXT_SUBPART.search(part1, m.end())
        fig = _figure(_COUNT.search(part1, m.end(), end.start() if end else len(part1)))
    return fig or _figure(_PROACTIVE.search(part1))


def applications_received(sections: dict[int, str], text: str) -> dict | None:
    part1 = sections.get(1) or text
    best: tuple[int, dict] | None = None
    for pat in (_RECEIVED_FIRST, _RECEIVED):  # at one position, "收到90件申请" over "…办结86件"
        m = pat.search(part1)
        if m and (fig := _figure(m)) and (best is None or m.start() < best[0]):
            best = (m.start(), fig)
    none = _NONE_RECEIVED.search(part1)
    if none and (best is None or none.start() < best[0]):
        return {"value": 0, "approx": False}
    if best is None and (m := _HANDLED.search(part1)):
        return _figure(m)
    return best[1] if best else None


def states_no_appeals(sections: dict[int, str], text: str) -> bool:
    return bool(_NO_APPEAL.search(sections.get(1) or text))
