"""Reports as contract-JSON dicts: prose from the five seed reports, figures from `facts`.

Defects are injected on purpose and listed in the dict's `findings` (the ground truth the
parser's checks should reach).
"""

from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

from . import facts

if TYPE_CHECKING:
    from .world import Doc, Publisher, World

HEADINGS_2021 = ["总体情况", "主动公开政府信息情况", "收到和处理政府信息公开申请情况",
                 "政府信息公开行政复议、行政诉讼情况", "存在的主要问题及改进情况",
                 "其他需要报告的事项"]
HEADINGS_2019 = ["概述", "主动公开政府信息情况", "收到和处理政府信息公开申请情况",
                 "因政府信息公开申请行政复议、提起行政诉讼情况", "存在的主要问题及改进措施",
                 "其他需要报告的事项"]
FILLERS = [
    "全年更新政务公开栏{n}次，发布政策解读{m}篇。",
    "组织政务公开业务培训{m}场，参训{n}人次。",
    "通过村（社区）公开栏张贴各类公告{n}份。",
    "办理网民留言{m}件，均在规定时限内答复。",
    "落实公文公开属性源头认定，全年审核公文{n}件。",
]


@lru_cache(maxsize=1)
def templates() -> list[dict]:
    return json.loads((Path(__file__).parent / "data" / "prose.json").read_text("utf-8"))


@lru_cache(maxsize=8192)
def figures(seed: int, pub_id: str, level: str, year: int, first_year: int) -> dict:
    """Tables 2–4 for one body and year; carried-over figures follow last year's."""
    rng = facts.rng_for(seed, "figures", pub_id, year)
    busy = {"county": 3, "department": 2}.get(level, rng.choice([0, 1, 1, 1, 2]))
    prev = figures(seed, pub_id, level, year - 1, first_year) if year > first_year else None
    carried = None
    in_force = None
    if prev:
        fwd = prev["applications"]["carried_forward"]
        carried = {c: fwd[c] for c in facts.T3_COLUMNS[:-1]}
        in_force = prev["active"]["normative_documents"]["in_force"]
    return {"active": facts.active(rng, busy, in_force),
            "applications": facts.applications(rng, busy, carried),
            "appeals": facts.appeals(rng, busy),
            "proactive": rng.randint(12, 420) * max(busy, 1)}


def _fill(text: str, **kw: object) -> str:
    for k, v in kw.items():
        text = text.replace("{" + k + "}", str(v))
    return text


def _apps_sentence(year: int, n: int) -> str:
    if n == 0:
        return f"{year}年，本机关未收到政府信息公开申请，无因政府信息公开引起的行政复议、行政诉讼。"
    return f"{year}年，共收到政府信息公开申请{n}件，均已在法定期限内答复。"


def _sections(world: World, pub: Publisher, year: int, tpl_pub: Publisher, fig: dict,
              stated_apps: int, heads: list[str]) -> list[dict]:
    rng = facts.rng_for(world.seed, "prose", tpl_pub.id, year)
    tpls = templates()
    county = world.site(pub.site).county.name
    kw = dict(place=tpl_pub.place, county=county, county_short=county[:-1] or county,
              year=year, prev_year=year - 1, next_year=year + 1, proactive=fig["proactive"],
              applications_sentence=_apps_sentence(year, stated_apps))
    texts = {}
    for part in ("1", "5", "6"):
        base = rng.choice(tpls)["sections"][part] or tpls[0]["sections"][part]
        texts[part] = _fill(base, **kw)
    extra = "".join(_fill(f, n=rng.randint(4, 90), m=rng.randint(1, 12))
                    for f in rng.sample(FILLERS, 2))
    texts["1"] = texts["1"] + "\n" + extra
    if f"{fig['proactive']}" not in texts["1"]:
        texts["1"] += f"\n全年主动公开政府信息共{fig['proactive']}条。"
    return [{"number": i + 1, "heading": h, "text": texts.get(str(i + 1), "")}
            for i, h in enumerate(heads)]


def _finding(code: str, message: str, cells: list[str] | None = None,
             severity: str = "error") -> dict:
    return {"code": code, "severity": severity, "message": message, "cells": cells or []}


def report_dict(world: World, pub: Publisher, doc: Doc, version: int) -> dict:
    year = doc.year
    assert year is not None
    fig = json.loads(json.dumps(figures(world.seed, pub.id, pub.level, year, world.years[0])))
    apps = fig["applications"]
    findings: list[dict] = []
    defects = set(doc.defects)
    if version == 2:
        defects.discard("arith")  # the edit corrects the arithmetic
        fig["proactive"] += 7
    n_new = apps["new"]["total"]
    stated = n_new
    if "narrative" in defects:
        stated = n_new + 3
        findings.append(_finding("NARRATIVE_MISMATCH", f"正文称收到申请{stated}件，表三为{n_new}件",
                                 ["applications.new.total"]))
    tpl_pub = pub
    if "duplicate" in defects:
        others = [p for p in world.publishers(pub.site) if p.id != pub.id and p.level == pub.level]
        if others:
            tpl_pub = facts.rng_for(world.seed, "dup", doc.key).choice(others)
            findings.append(_finding("DUPLICATE_TEXT", f"正文与{tpl_pub.name}的报告相同"))
            findings.append(_finding("TEMPLATE_LEFTOVER", f"正文中出现其他机关名称“{tpl_pub.place}”"))
    old = "old_template" in defects
    heads = HEADINGS_2019 if old else HEADINGS_2021
    if old:
        findings.append(_finding("OLD_TEMPLATE", f"{year}年度报告仍使用2019年格式"))
    sections = _sections(world, pub, year, tpl_pub, fig, stated, heads)
    if "leftover" in defects:
        sections[4]["text"] += f"\n下一步，XX镇将继续深化{year - 1}年度政务公开工作。"
        findings.append(_finding("TEMPLATE_LEFTOVER", "正文中残留占位符“XX镇”或往年年份"))
    if "arith" in defects:
        apps["new"]["total"] += 1
        findings.append(_finding("T3_ROW_SUM", "本年新收一行各列之和与总计不符",
                                 ["applications.new.total"]))
    if "blank" in defects:
        apps["granted"]["natural_person"] = None
        apps["results_total"]["total"] = None
        findings.append(_finding("BLANK_CELL", "表三存在空白单元格",
                                 ["applications.granted.natural_person",
                                  "applications.results_total.total"], "warning"))
    if version == 2:
        sections[5]["text"] += "\n（本报告已于发布后更正部分数据。）"
    all_zero = all(not v for row in apps.values() for v in row.values()) and \
        not any(g["total"] for g in fig["appeals"].values())
    if all_zero:
        findings.append(_finding("ZERO_REPORT", "申请与复议诉讼数字全部为零", severity="info"))
    site = world.site(pub.site)
    place = pub.place if pub.level in ("township", "subdistrict") else pub.name
    narrative_proactive = {"value": fig["proactive"], "approx": False}
    return {
        "title": doc.title, "organ": pub.name, "place": place, "county": site.county.name,
        "city": site.county.city, "province": site.county.province, "year": year,
        "published": doc.published.strftime("%Y-%m-%dT%H:%M:00+08:00"),
        "template": "2019" if old else "2021", "script": "simplified",
        "sections": sections,
        "narrative": {"proactive_items": narrative_proactive,
                      "applications_received": {"value": stated, "approx": False}},
        "active": fig["active"], "applications": apps, "appeals": fig["appeals"],
        "findings": findings,
        "publisher_id": pub.id, "version": version,
    }
