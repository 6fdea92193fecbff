"""Cross-report findings on the seed reports (real prose)."""

from __future__ import annotations

from pathlib import Path

from monitor.crossreport import (
    DocFacts,
    all_findings,
    continuity_findings,
    duplicate_findings,
    jump_findings,
)


def _seed(seeds_dir: Path, n: str) -> str:
    return next(seeds_dir.glob(f"{n}_*.txt")).read_text(encoding="utf-8")


def test_duplicate_text_same_year_and_last_year(seeds_dir: Path) -> None:
    a, b = _seed(seeds_dir, "000"), _seed(seeds_dir, "001")
    # the same template with other figures and a changed sentence: a copy
    copy = a.replace("391", "120").replace("朝阳镇", "平乐镇") + "\n另：本年度加强了培训。"
    docs = [DocFacts("cy-2024", "cy", 2024, "朝阳镇人民政府", a),
            DocFacts("pl-2024", "pl", 2024, "平乐镇人民政府", copy),
            DocFacts("xx-2024", "xx", 2024, "某镇人民政府", b),
            DocFacts("cy-2023", "cy", 2023, "朝阳镇人民政府", a)]
    out = duplicate_findings(docs[:2] + docs[2:3], docs)
    pl = out["pl-2024"][0]
    assert pl["code"] == "DUPLICATE_TEXT" and pl["similar_to"] == "cy-2024" and pl["similarity"] >= 0.8
    assert "%" in pl["message"]
    assert "xx-2024" not in out  # a different report is not a copy
    same_body = {f["similar_to"] for f in out["cy-2024"]}
    assert same_body == {"pl-2024", "cy-2023"}  # same body last year counts, not next year
    assert "本单位上一年度报告" in [f["message"] for f in out["cy-2024"] if f["similar_to"] == "cy-2023"][0]


def test_jumps_and_year_continuity() -> None:
    last = {"narrative": {"proactive_items": {"value": 391}},
            "applications": {"carried_forward": {"total": 2, "natural_person": 2}, "new": {"total": 3}},
            "active": {"normative_documents": {"in_force": 440}}}
    this = {"narrative": {"proactive_items": {"value": 5000}},
            "applications": {"carried_over": {"total": 1, "natural_person": 2}, "new": {"total": 9}},
            "active": {"normative_documents": {"issued": 62, "repealed": 33, "in_force": 470}}}
    jumps = jump_findings(this, last)
    assert [j["cells"] for j in jumps] == [["narrative.proactive_items.value"]]  # 3 -> 9 is noise
    assert "391" in jumps[0]["message"] and "5000" in jumps[0]["message"]
    cont = continuity_findings(this, last)
    assert [c["cells"][0] for c in cont] == ["applications.carried_over.total", "active.normative_documents.in_force"]
    this["active"]["normative_documents"]["in_force"] = 469
    this["applications"]["carried_over"]["total"] = 2
    assert continuity_findings(this, last) == []
    docs = [DocFacts("a-2024", "a", 2024, "甲", "x", this), DocFacts("a-2023", "a", 2023, "甲", "x", last)]
    assert [f["code"] for f in all_findings(docs[:1], docs)["a-2024"]] == ["FIGURE_JUMP"]
