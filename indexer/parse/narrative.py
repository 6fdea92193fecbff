"""Figures the prose states: 主动公开 … N 条, 收到 … 申请 N 件, 未收到申请, no 行政复议."""

from __future__ import annotations

import re

from .normalize import CN_NUM, cn_to_int

_N = rf"(\d+(?:\.\d+)?(?:余|多)?万|\d+|[{CN_NUM}]+)"  # 5万余条 is 50,000, 20余万条 200,000
# 主动公开 … 共(计) N (余)条 — within one clause, the first count of 条 after 主动公开/公开/发布.
_COUNT = re.compile(rf"(?<![第\d{CN_NUM}]){_N}\s*(余|多)?\s*条(?!例)")
_SUBPART = re.compile(r"[(（]一[)）]\s*主动公开|主动公开(?:情况|工作)?\s*[:：\n]")
_NEXT_SUBPART = re.compile(r"[(（]二[)）]")
_PROACTIVE = re.compile(rf"公开[^。；;\n]{{0,60}}?(?<![第\d{CN_NUM}]){_N}\s*(余|多)?\s*(?:条(?!例)|篇)")
_RECEIVED = re.compile(
    rf"(?:收到|新收|受理|接收|接到)[^。；;\n]{{0,30}}?(?:申请|依申请公开)[^。；;\n]{{0,12}}?{_N}\s*(余|多)?\s*(?:件|个|条|份|次|宗)"
    rf"|依申请公开(?:政府信息|请求|申请)?(?:件)?共?{_N}\s*(余|多)?\s*(?:件|宗)"  # 依申请公开请求9件
    rf"|申请(?:受理|收到)共?{_N}\s*(余|多)?\s*(?:件|条|宗)")  # 政府信息公开申请受理1条
_RECEIVED_FIRST = re.compile(  # 收到1条依申请公开…; not "收到187个申请人提出的…申请583件"
    rf"(?:收到|新收|受理|接收|接到)[^。；;\n]{{0,8}}?{_N}\s*(余|多)?\s*(?:件|个(?!申请人)|份|条|宗)[^。；;\n]{{0,20}}?申请")
# (未|没有|无)(收到…)…申请 | (申请|办件)…为零, flattened so that every alternative starts with a
# literal: `re` then scans for the first characters instead of trying every position
# "共办理依申请公开40件", "累计办理…依申请公开信息合计23件": the year's handling, taken only
# when nothing says what was received
_HANDLED = re.compile(
    rf"办理[^。；;\n]{{0,40}}?依申请公开[^。；;\n]{{0,12}}?{_N}\s*(余|多)?\s*(?:件|个|份)")
_NONE_RECEIVED = re.compile("|".join(
    [f"{w}(?:收到|受理|接到|接收|接获)[^。；;\n]{{0,30}}?申请" for w in ("未", "没有", "无", "尚无")]
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
    approx = bool(g[i + 1]) or "余" in raw or "多" in raw
    raw = raw.replace("余", "").replace("多", "")
    v = round(float(raw[:-1]) * 10000) if raw.endswith("万") and raw[0].isdigit() else cn_to_int(raw)
    if v is None:
        return None
    return {"value": v, "approx": approx}


# A count the prose calls the year's total (共计/合计/各类信息 …, or "N条，其中…"), one of a
# single channel (公众号 …), and one cumulative over the years (历年累计): never the year's.
_TOTAL = re.compile(r"共计|合计|总计|总数|(?<!公)共(?!享|同)|各类(?:政府|政务)?信息")
_TOTAL_BEFORE = re.compile(r"(?:全年累计|全年共计?|共计|合计)(?:主动)?$")  # 全年累计主动公开…162条
_WHOLE_AFTER = re.compile(r"\s*[，,。:：]?\s*(?:其中|一是|包括|包含|主要包括|涵盖)")
_ONE_CHANNEL = re.compile(r"公众号|微信|微博|抖音|视频号|公开栏|公示栏|电子屏")
_HISTORIC = re.compile(r"历年|以来累计|至今累计")
# What a count counts: generic 信息 (the whole) or one kind of item; another count right after.
_GENERIC = re.compile(r"\s*(?:各类)?(?:政府|政务)?信息\s*(?:数|共计?|合计|总计)?\s*|\s*(?:共计?|合计)?\s*")
_NEXT_COUNT = re.compile(rf"[^。；;\n]{{0,30}}?(?<![第\d{CN_NUM}])\d+\s*(?:余|多)?\s*(?:条|篇|个|件|份)")


def _counts(part1: str) -> list[tuple[re.Match, str]]:
    """Every "公开 … N条" of part one with the words between its last 公开 and N; not
    "公开申请3条" (applications) and not a cumulative count over the years."""
    out = []
    for m in _PROACTIVE.finditer(part1):
        words = part1[m.start():m.start(1)]
        if "申请" in words or _HISTORIC.search(part1[max(m.start() - 8, 0):m.start(1)]):
            continue
        out.append((m, words[words.rfind("公开") + 2:]))
    return out


def _proactive(part1: str, m: re.Match) -> bool:
    """The count follows 主动公开 itself (not just 公开)."""
    return part1[max(m.start() - 2, 0):m.start()] == "主动"


def proactive_items(sections: dict[int, str], text: str) -> dict | None:
    """The year's count from part one's prose, else a total part two's prose states ("2023年
    主动公开信息总数共2620余条"; part two is mostly the statutory table)."""
    fig = _proactive_in_part1(sections, text)
    if fig is None and sections.get(1) and (part2 := sections.get(2)):
        m = next((m for m, words in _counts(part2) if _TOTAL.search(words) and "各类" not in words), None)
        fig = _figure(m)
    return fig


def _proactive_in_part1(sections: dict[int, str], text: str) -> dict | None:
    """The year's count of proactively published items: the first count part one presents as
    a whole ("主动公开政府信息716条，其中…", "通过各类公开平台公开政府信息共932条"), else the first
    "主动公开 … N条", else the first count of the 主动公开 subpart, else the first "公开 … N条"."""
    part1 = sections.get(1) or text
    counts = _counts(part1)
    for m, words in counts:
        channel = _ONE_CHANNEL.search(part1[max(m.start() - 30, 0):m.start(1)])
        if (_TOTAL.search(words) or _TOTAL_BEFORE.search(part1[max(m.start() - 8, 0):m.start()])) and not channel:
            return _figure(m)
        if _WHOLE_AFTER.match(part1, m.end()) or (
                _GENERIC.fullmatch(words) and _proactive(part1, m)):
            return _figure(m)  # presented as a whole, or "主动公开政府信息N条" itself
    strict = next(((m, w) for m, w in counts if _proactive(part1, m)), None)
    if strict:
        return None if _one_category(part1, *strict) else _figure(strict[0])
    if (sub := _SUBPART.search(part1)):
        end = _NEXT_SUBPART.search(part1, sub.end())
        if (fig := _figure(_COUNT.search(part1, sub.end(), end.start() if end else len(part1)))):
            return fig
    if not counts or _one_category(part1, *counts[0]):
        return None
    return _figure(counts[0][0])


def _one_category(part1: str, m: re.Match, words: str) -> bool:
    """A count of one kind of item followed, in the same sentence, by counts of other kinds
    ("主动公开工作动态33条、乡镇建设12条、政策文件4条"): parts, and the prose states no whole."""
    return not _GENERIC.fullmatch(words) and bool(_NEXT_COUNT.match(part1, m.end()))


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
