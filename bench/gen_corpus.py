"""A deterministic national corpus of contract-shaped reports (for tests and the benchmark).

`corpus(n)` yields (report, meta) pairs: `report` is shaped like `Report.to_json()` (the contract
of shared/spec/report-json.md plus `text`), `meta` is what the pipeline adds (publisher, URL,
archive id, dates, timeliness). Publisher i reports on years 2020–2024, so 200,000 documents are
five years of 40,000 publishers. Everything derives from the document number: same n, same corpus.

    python bench/gen_corpus.py --docs 1000 --out corpus.jsonl
"""

from __future__ import annotations

import argparse
import hashlib
import json
import random
import sys
from collections.abc import Iterator
from datetime import date, timedelta
from typing import Any

from simweb.render import document_items, render_txt

PROVINCES = ["北京市", "天津市", "河北省", "山西省", "内蒙古自治区", "辽宁省", "吉林省", "黑龙江省",
             "上海市", "江苏省", "浙江省", "安徽省", "福建省", "江西省", "山东省", "河南省", "湖北省",
             "湖南省", "广东省", "广西壮族自治区", "海南省", "重庆市", "四川省", "贵州省", "云南省",
             "西藏自治区", "陕西省", "甘肃省", "青海省", "宁夏回族自治区", "新疆维吾尔自治区"]
SYL = "安宁平阳华兴新建和顺东西南北中永定长乐金山青石龙泉凤凰白马清河桃源朝阳红星双桥云台明德"
TOWN_SUFFIX = ["镇", "乡", "街道"]
DEPTS = ["教育局", "财政局", "民政局", "自然资源局", "生态环境局", "卫生健康委员会", "市场监督管理局",
         "住房和城乡建设局", "交通运输局", "农业农村局"]
YEARS = (2020, 2021, 2022, 2023, 2024)
T3_COLS = ["natural_person", "business", "research", "public_interest", "legal_services", "other_org"]
T3_ROWS = ["new", "carried_over", "granted", "partly_granted",
           "refused_state_secret", "refused_prohibited", "refused_safety_stability",
           "refused_third_party", "refused_internal", "refused_process", "refused_enforcement_file",
           "refused_query", "unable_not_held", "unable_needs_creation", "unable_unclear",
           "not_handled_petition", "not_handled_repeat", "not_handled_publication", "not_handled_mass",
           "not_handled_reconfirm", "other_no_correction", "other_no_fee", "other_other",
           "results_total", "carried_forward"]
T4 = ["review", "litigation_direct", "litigation_after_review"]
FINDINGS = ["T3_BALANCE", "T3_ROW_SUM", "BLANK_CELL", "NARRATIVE_MISMATCH", "TEMPLATE_LEFTOVER",
            "DUPLICATE_TEXT", "OLD_TEMPLATE", "MISSING_SECTION"]
# Prose fragments; {p} place, {o} organ, {y} year, {n} numbers.
OPENERS = [
    "{y}年以来，{o}在上级党委、政府的坚强领导下，认真贯彻《中华人民共和国政府信息公开条例》，",
    "{y}年，{p}坚持以公开为常态、不公开为例外，",
    "根据《中华人民共和国政府信息公开条例》规定，现公布{o}{y}年度政府信息公开工作情况。",
]
BODY = [
    "全面扩大和深化政府信息公开工作，不断推进政务公开法制化、规范化。",
    "主动公开党务政务信息，对乡村振兴、项目建设、民生实事等工作动态进行公开。",
    "主动公开养老、低保等补贴事项办理流程，方便群众办事。",
    "严格落实信息发布保密审查制度，按照“谁制作、谁提供、谁审查、谁负责”的原则把关。",
    "定期组织开展规范性文件清理评估工作，确保源头合法。",
    "依托政府门户网站、政务新媒体等平台，及时发布{p}重点领域信息。",
    "加强人员培训，组织政务公开业务培训{n}次。",
    "推进基层政务公开标准化规范化建设，完善公开目录。",
    "围绕营商环境、财政预决算、重大建设项目等重点领域加大公开力度。",
    "畅通依申请公开渠道，规范办理流程，按时答复申请人。",
    "存在的主要问题是公开内容不够全面，信息更新不够及时。",
    "下一步将加强监督检查，把政务公开工作纳入年度绩效考核。",
    "本年度未收取信息处理费。",
    "在防汛抗旱、森林防火等方面及时发布预警信息{n}条。",
    "召开新闻发布会{n}场，解读政策文件{n}件。",
]
HEADINGS = ["总体情况", "主动公开政府信息情况", "收到和处理政府信息公开申请情况",
            "政府信息公开行政复议、行政诉讼情况", "存在的主要问题及改进情况", "其他需要报告的事项"]


def _name(rng: random.Random, k: int = 2) -> str:
    return "".join(rng.choice(SYL) for _ in range(k))


def publisher(i: int) -> dict[str, Any]:
    """Publisher i: a township, sub-district or department in a generated county."""
    rng = random.Random(i * 7919 + 1)
    prov_i = i % len(PROVINCES)
    city_i, county_i = (i // 31) % 12, (i // 372) % 9
    crng = random.Random(prov_i * 1000 + city_i * 10 + county_i)
    city = _name(random.Random(prov_i * 100 + city_i)) + "市"
    county = _name(crng) + crng.choice(["区", "县"])
    if rng.random() < 0.8:
        place = _name(rng) + rng.choice(TOWN_SUFFIX)
        level = "subdistrict" if place.endswith("街道") else "township"
        organ = f"{county}{place}" + ("办事处" if level == "subdistrict" else "人民政府")
    else:
        place = rng.choice(DEPTS)
        level, organ = "department", f"{county}{place}"
    return {"id": f"p{i:06d}", "province": PROVINCES[prov_i], "city": city, "county": county,
            "place": place, "organ": organ, "level": level}


def _table3(rng: random.Random, busy: int) -> dict[str, dict[str, int]]:
    t = {r: dict.fromkeys(T3_COLS, 0) for r in T3_ROWS}
    new = rng.choice([0, 0, 0, 1, 2, 3, 5, 8]) * busy
    for _ in range(new):
        c = rng.choices(T3_COLS, [8, 2, 0, 1, 1, 1])[0]
        t["new"][c] += 1
        t[rng.choice(["granted", "granted", "unable_not_held", "partly_granted"])][c] += 1
        t["results_total"][c] += 1
    for row in t.values():
        row["total"] = sum(row.values())
    return t


def _prose(rng: random.Random, k: int, p: str, o: str, y: int) -> str:
    parts = [rng.choice(BODY) for _ in range(k)]
    return "".join(s.format(p=p, o=o, y=y, n=rng.randint(1, 60)) for s in parts)


def report(n: int) -> tuple[dict[str, Any], dict[str, Any]]:
    """Document n: publisher n // 5, year 2020 + n % 5."""
    pub = publisher(n // len(YEARS))
    year = YEARS[n % len(YEARS)]
    rng = random.Random(n * 104729 + 17)
    busy = rng.choice([0, 1, 1, 2])
    apps = _table3(rng, busy)
    appeals = {g: {"upheld": 0, "corrected": 0, "other": 0, "pending": 0, "total": 0} for g in T4}
    if rng.random() < 0.1:
        g = rng.choice(T4)
        o = rng.choice(["upheld", "upheld", "corrected", "pending"])
        appeals[g][o] = appeals[g]["total"] = 1
    items = rng.randint(5, 900)
    p, o = pub["place"], pub["organ"]
    s1 = (rng.choice(OPENERS).format(p=p, o=o, y=year) + _prose(rng, 10, p, o, year)
          + f"{year}年通过不同渠道和方式公开政府信息共{items}条。"
          + (f"共收到政府信息公开申请{apps['new']['total']}件。" if apps["new"]["total"]
             else "本年度未收到政府信息公开申请。"))
    texts = [s1, _prose(rng, 8, p, o, year), _prose(rng, 8, p, o, year),
             "本年度未发生政府信息公开行政复议、行政诉讼案件。" if not any(a["total"] for a in appeals.values())
             else f"本年度发生政府信息公开行政复议、行政诉讼案件{sum(a['total'] for a in appeals.values())}件。",
             _prose(rng, 7, p, o, year), _prose(rng, 3, p, o, year)]
    title = f"{o}{year}年政府信息公开工作年度报告"
    published_day = date(year + 1, 1, 1) + timedelta(days=rng.choice([5, 12, 20, 28, 30, 35, 45, 70]))
    deadline = date(year + 1, 1, 31)
    days_late = max((published_day - deadline).days, 0)
    findings = [{"code": c, "severity": "error", "message": c, "cells": []}
                for c in FINDINGS if rng.random() < 0.04]
    sections = [{"number": i + 1, "heading": h, "text": t} for i, (h, t) in enumerate(zip(HEADINGS, texts))]
    script = "traditional" if rng.random() < 0.03 else "simplified"
    title_s = title
    if script == "traditional":
        title = _s2t(title)
    rep = {
        "title": title, "organ": o, "place": p, "county": pub["county"], "city": pub["city"],
        "province": pub["province"], "year": year,
        "published": f"{published_day.isoformat()}T{rng.randint(8, 18):02d}:{rng.randint(0, 59):02d}:00+08:00",
        "template": "2019" if year < 2021 else "2021", "script": script, "sections": sections,
        "narrative": {"proactive_items": {"value": items, "approx": False},
                      "applications_received": {"value": apps["new"]["total"], "approx": False}},
        "active": {"regulations": {"issued": 0, "repealed": 0, "in_force": 0},
                   "normative_documents": {"issued": busy, "repealed": 0, "in_force": busy * 3},
                   "licensing": rng.choice([0, 0, 3, 12, 40]) * busy, "penalty": rng.choice([0, 2, 7]) * busy,
                   "enforcement": 0, "fees": 0},
        "applications": apps, "appeals": appeals, "findings": findings,
        "format": "html",
    }
    # The text as the parser extracts it from a page: headings, prose and the three tables
    # (one row per line), about as long as the real seed reports (2,500-4,000 characters).
    text = render_txt(document_items({**rep, "title": title_s}))
    rep["text"] = _s2t(text) if script == "traditional" else text
    url = f"http://gov{n // len(YEARS) % 997}.example.cn/xxgk/{pub['id']}/{year}.html"
    meta = {"publisher_id": pub["id"], "url": url,
            "archive_sha256": hashlib.sha256(f"{n}".encode()).hexdigest(),
            "fetched_at": f"{published_day.isoformat()}T23:00:00+08:00",
            "first_seen": f"{published_day.isoformat()}T23:00:00+08:00",
            "deadline": deadline.isoformat(), "days_late": days_late,
            "timeliness": "late" if days_late else "on_time", "level": pub["level"]}
    return rep, meta


_S2T = None


def _s2t(s: str) -> str:
    global _S2T
    if _S2T is None:
        import opencc

        _S2T = opencc.OpenCC("s2t")
    return _S2T.convert(s)


def corpus(n: int, start: int = 0) -> Iterator[tuple[dict[str, Any], dict[str, Any]]]:
    for i in range(start, start + n):
        yield report(i)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--docs", type=int, default=1000)
    ap.add_argument("--out", default="-")
    a = ap.parse_args(argv)
    out = sys.stdout if a.out == "-" else open(a.out, "w", encoding="utf-8")
    with out:
        for rep, meta in corpus(a.docs):
            out.write(json.dumps({"report": rep, "meta": meta}, ensure_ascii=False) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
