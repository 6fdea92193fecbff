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
    rf"(?:收到|新收|受理|接收|接到)[^。；;\n]{{0,30}}?(?:申请|依申请公开)[^。；;\n]{{0,12}}?{_N}\s*(余|多)?\s*(?:件|个|条|份|次)"
    rf"|依申请公开(?:政府信息|请求|申请)?(?:件)?共?{_N}\s*(余|多)?\s*件")  # 依申请公开请求9件
_RECEIVED_FIRST = re.compile(  # 收到1条依申请公开…; not "收到187个申请人提出的…申请583件"
    rf"(?:收到|新收|受理|接收|接到)[^。；;\n]{{0,8}}?{_N}\s*(余|多)?\s*(?:件|个(?!申请人)|份|条)[^。；;\n]{{0,20}}?申请")
# (未|没有|无)(收到…)…申请 | (申请|办件)…为零, flattened so that every alternative starts with a
# literal: `re` then scans for the first characters instead of trying every position
# "共办理依申请公开40件", "累计办理…依申请公开信息合计23件": the year's handling, taken only
# when nothing says what was received
_HANDLED = re.compile(
    rf"办理[^。；;\n]{{0,40}}?依申请公开[^。；;\n]{{0,12}}?{_N}\s*(余|多)?\s*(?:件|个|份)")
_NONE_RECEIVED = re.compile("|".join(
    [f"{w}(?:收到|受理|接到|接收|接获)[^。；;\n]{{0,30}}?申请" for w in ("未", "没有", "无")]
    + [f"{w}[^。；;\n]{{0,12}}?(?:数量)?为(?:零|0)(?:件)?" for w in ("申请", "办件")]
    + [f"{w}(?:发生)?(?:政府信息)?依?申请公开" for w in ("未", "没有", "无")]  # 未发生依申请公开情况
    + ["依申请公开(?:政府)?信息(?:0|零)\\s*(?:条|件)"]))
_NO_APPEAL = re.compile(r"(?:无|没有|未发生|未出现|不存在|未有|未收到)[^。；;，,\n]{0,20}?行政复议")


def _figure(m: re.Match | None) -> dict | None:
    if not m:
        return None
    g = m.groups()  # (count, 余/多) pairs, one per alternative of the pattern
    i = next((i for i in range(0, len(g), 2) if g[i] is not None), None)
    if i is None:
        return None
    raw = g[i]
    v = round(float(raw[:-1]) * 10000) if raw.endswith("万") and raw[0].isdigit() else cn_to_int(raw)
    if v is None:
        return None
    return {"value": v, "approx": bool(g[i + 1])}


# A count the prose calls the year's total (共计/合计/各类信息 …), and one it calls cumulative
# over the years (历年累计) — never the year's figure.
_TOTAL = re.compile(r"共计|合计|总计|共|各类(?:政府|政务)?信息")
_HISTORIC = re.compile(r"历年|以来累计|至今累计")


def proactive_items(sections: dict[int, str], text: str) -> dict | None:
    """The first "主动公开 … N条" of part one, unless a later count there says it is the total
    ("通过各类公开平台公开政府信息共932条"); a cumulative count over the years is skipped."""
    part1 = sections.get(1) or text
    for m in _PROACTIVE.finditer(part1):
        between = part1[m.start():m.start(1)]
        if _TOTAL.search(between[between.find("公开") + 2:]) and not _HISTORIC.search(part1[max(m.start() - 8, 0):m.start(1)]):
            return _figure(m)
    fig = None
    for m in _PROACTIVE_STRICT.finditer(part1):
        if not _HISTORIC.search(part1[max(m.start() - 8, 0):m.start(1)]):
            fig = _figure(m)
            break
    if fig is None and (sub := _SUBPART.search(part1)):
        end = _NEXT_SUBPART.search(part1, sub.end())
        fig = _figure(_COUNT.search(part1, sub.end(), end.start() if end else len(part1)))
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
