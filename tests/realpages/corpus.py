"""The real-page corpus (README.md beside this file): load the cases, parse each page, score
every field against the expectations checked by eye. Used by test_realpages.py and by
bench/bench_realpages.py."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import yaml

from indexer.parse import parse
from indexer.parse.normalize import norm_text
from indexer.parse.places import canonical_county, county_core, strip_organ, townships
from indexer.parse.region import gazetteer

HERE = Path(__file__).parent
REPORT_KINDS = ("township", "county", "department")
FIELDS = ("kind", "place", "organ", "county", "year", "published", "proactive_items",
          "applications_received")


def load_cases() -> list[dict[str, Any]]:
    cases: list[dict[str, Any]] = []
    for path in sorted((HERE / "cases").glob("*.yaml")):
        for case in yaml.safe_load(path.read_text(encoding="utf-8")) or []:
            case["batch"] = path.stem
            cases.append(case)
    return cases


def page_text(case: dict[str, Any]) -> bytes:
    return (HERE / "pages" / f"{case['id']}.txt").read_bytes()


def kind_of(report: dict[str, Any]) -> str:
    if report.get("doc_type", "report") != "report":
        return str(report["doc_type"])
    return str(report.get("body_level") or "unknown")


def _organ_core(organ: str | None) -> str:
    return strip_organ(norm_text(organ or "").replace(" ", ""))


def _organ_ok(got: str | None, exp: str | None, place: str | None) -> bool:
    g, e = _organ_core(got), _organ_core(exp)
    if g == e:
        return True
    if not g or not e:
        return False
    if place:  # 龙游县横山镇 vs 横山镇: the same body with or without its county
        return g.endswith(place) and e.endswith(place)
    return g.endswith(e) or e.endswith(g)


def _figure(report: dict[str, Any], key: str) -> int | None:
    fig = (report.get("narrative") or {}).get(key)
    return fig["value"] if fig else None


def government_host(url: str) -> bool:
    """The crawler fetches only registered government hosts: a copy of a report on another
    host (a spam mirror, a 文库 site) is recognised by its host, whatever its text."""
    host = (urlsplit(url).hostname or "").lower()
    return host.endswith(".gov.cn") or host.endswith(".gov")


def field_results(case: dict[str, Any], report: dict[str, Any]) -> dict[str, bool]:
    """Field → right or wrong; only the fields that are scored for this case."""
    exp = case.get("expect") or {}
    if case["kind"] == "other":
        ok = report.get("doc_type") != "report" or not report.get("place") or not government_host(case["url"])
    else:
        ok = kind_of(report) == case["kind"]
    out = {"kind": ok}
    if case["kind"] not in REPORT_KINDS:
        if exp.get("year") is not None:
            out["year"] = report.get("year") == exp["year"]
        return out
    out["place"] = report.get("place") == exp.get("place")
    out["organ"] = _organ_ok(report.get("organ"), exp.get("organ"), exp.get("place"))
    if exp.get("county"):
        got = report.get("county")
        out["county"] = bool(got) and (canonical_county(got) or got) in (
            canonical_county(exp["county"]), exp["county"]) or county_core(got or "") == county_core(exp["county"])
    out["year"] = report.get("year") == exp.get("year")
    shown = report.get("published")
    out["published"] = (shown[:10] if shown else None) == (str(exp["published"]) if exp.get("published") else None)
    for key in ("proactive_items", "applications_received"):
        out[key] = _figure(report, key) == exp.get(key)
    return out


def is_division(place: str | None) -> bool:
    return place is None or place in townships() or place in gazetteer().counties


@dataclass
class Score:
    cases: int = 0
    right: Counter = field(default_factory=Counter)
    scored: Counter = field(default_factory=Counter)
    wrong: dict[str, list[str]] = field(default_factory=dict)
    not_divisions: list[str] = field(default_factory=list)
    provinces: set[str] = field(default_factory=set)
    families: set[str] = field(default_factory=set)
    kinds: Counter = field(default_factory=Counter)

    def accuracy(self, name: str) -> float:
        return self.right[name] / self.scored[name] if self.scored[name] else 1.0

    def lines(self) -> list[str]:
        out = [f"{self.cases} cases, {len(self.provinces)} provinces, {len(self.families)} page "
               f"families, kinds {dict(self.kinds)}"]
        narrative = self.right["proactive_items"] + self.right["applications_received"]
        narrative_n = self.scored["proactive_items"] + self.scored["applications_received"]
        for name in FIELDS:
            out.append(f"  {name:22s} {self.accuracy(name):7.1%}  ({self.right[name]}/{self.scored[name]})")
        if narrative_n:
            out.append(f"  {'narrative figures':22s} {narrative / narrative_n:7.1%}  ({narrative}/{narrative_n})")
        return out


def parse_case(case: dict[str, Any]) -> dict[str, Any]:
    return parse(page_text(case), filename=f"{case['id']}.txt").to_json()


def score(cases: list[dict[str, Any]]) -> Score:
    s = Score()
    for case in cases:
        report = parse_case(case)
        s.cases += 1
        s.kinds[case["kind"]] += 1
        s.provinces.add(case.get("province") or "?")
        s.families.add(case.get("cms") or "?")
        if not is_division(report.get("place")):
            s.not_divisions.append(f"{case['id']}: {report.get('place')}")
        for name, ok in field_results(case, report).items():
            s.scored[name] += 1
            s.right[name] += ok
            if not ok:
                s.wrong.setdefault(name, []).append(case["id"])
    return s
