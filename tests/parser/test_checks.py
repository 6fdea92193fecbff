"""Checks on whole reports built from the seeds with one defect each."""

from __future__ import annotations

from pathlib import Path

import pytest

from indexer.parse import ParseError, parse
from indexer.parse.normalize import norm_text


@pytest.fixture(scope="module")
def seed000(seeds_dir: Path) -> str:
    return next(seeds_dir.glob("000_*.txt")).read_text(encoding="utf-8")


def _codes(text: str, name: str = "r.txt") -> dict[str, str]:
    return {f.code: f.severity for f in parse(text.encode("utf-8"), filename=name).findings}


def test_consistent_seed_is_a_zero_report_only(seed000: str) -> None:
    assert _codes(seed000) == {"ZERO_REPORT": "info"}


def test_narrative_mismatch_on_stated_applications(seed000: str) -> None:
    text = seed000.replace("2024 年我镇未收到书面或其他形式要求公开政府信息的申请",
                           "2024 年我镇共收到政府信息公开申请十二件")
    report = parse(text.encode(), filename="r.txt")
    assert report.narrative["applications_received"] == {"value": 12, "approx": False}
    f = [f for f in report.findings if f.code == "NARRATIVE_MISMATCH"]
    assert f and f[0].severity == "error" and "applications.new.total" in f[0].cells


def test_prose_says_no_appeals_but_table_four_has_one(seed000: str) -> None:
    lines = seed000.split("\n")
    i = next(i for i, ln in enumerate(lines) if ln.startswith("0\t0\t0\t0\t0\t0"))
    lines[i] = "0\t1\t0\t0\t1" + lines[i][9:]
    report = parse("\n".join(lines).encode(), filename="r.txt")
    assert report.appeals["review"] == {"upheld": 0, "corrected": 1, "other": 0, "pending": 0, "total": 1}
    f = [f for f in report.findings if f.code == "NARRATIVE_MISMATCH"]
    assert f and f[0].cells == ["appeals.review.total"]
    assert "T4_SUM" not in {x.code for x in report.findings}


def test_year_mismatch_from_the_period(seed000: str) -> None:
    text = seed000 + "\n本报告统计期限为2023年1月1日至2023年12月31日。\n"
    assert _codes(text).get("YEAR_MISMATCH") == "error"


def test_placeholder_and_other_body_are_leftovers(seed000: str) -> None:
    codes = _codes(seed000.replace("我镇采取以下措施", "XX镇采取以下措施"))
    assert codes.get("TEMPLATE_LEFTOVER") == "warning"
    report = parse(seed000.replace("调整朝阳镇政务公开", "白鹤镇人民政府调整政务公开").encode(), filename="r.txt")
    f = [f for f in report.findings if f.code == "TEMPLATE_LEFTOVER"]
    assert f and "白鹤镇" in f[0].message


def test_other_year_in_the_title_area_is_a_leftover(seed000: str) -> None:
    text = seed000.replace("一、总体情况", "现将本镇2023年政府信息公开工作年度报告公布如下。\n\n一、总体情况", 1)
    assert _codes(text).get("TEMPLATE_LEFTOVER") == "warning"
    later = seed000.replace("六、其他需要报告的事项\n", "六、其他需要报告的事项\n与2023年政府信息公开工作年度报告相比有所改进。\n")
    assert "TEMPLATE_LEFTOVER" not in _codes(later)


def test_missing_section_and_table(seed000: str) -> None:
    head, _, tail = seed000.partition("四、政府信息公开行政复议、行政诉讼情况")
    tail = tail[tail.index("五、存在的主要问题"):]
    report = parse((head + tail).encode(), filename="r.txt")
    by_code = {f.code: f for f in report.findings}
    assert by_code["MISSING_SECTION"].cells == ["sections.4"]
    assert by_code["MISSING_TABLE"].cells == ["appeals"]
    assert report.appeals is None


def test_old_template_for_a_recent_year(seed000: str) -> None:
    old = seed000.replace("本年制发件数", "本年新制作数量").replace("本年废止件数", "本年新公开数量").replace(
        "现行有效件数", "对外公开总数量")
    report = parse(old.encode(), filename="r.txt")
    assert report.template == "2019"
    assert {f.code: f.severity for f in report.findings}.get("OLD_TEMPLATE") == "error"
    assert report.active["regulations"] == {"issued": 0, "repealed": None, "in_force": 0}


def test_traditional_report(seed000: str) -> None:
    import opencc

    trad = opencc.OpenCC("s2t").convert(seed000)
    assert "孟津區朝陽鎮" in trad
    report = parse(trad.encode("utf-8"), filename="r.txt")
    assert report.script == "traditional"
    assert report.title.startswith("孟津區朝陽鎮")  # the title as found …
    assert report.organ == "孟津区朝阳镇人民政府" and report.place == "朝阳镇"  # … the facts simplified
    simple = parse(seed000.encode(), filename="r.txt").to_json()
    got = report.to_json()
    for key in ("year", "template", "narrative", "active", "applications", "appeals", "findings"):
        assert got[key] == simple[key], key
    assert [s["number"] for s in got["sections"]] == [1, 2, 3, 4, 5, 6]
    assert "孟津区朝阳镇" in report.text_norm and norm_text(report.text) == report.text_norm


def test_gb18030_bytes(seed000: str) -> None:
    assert parse(seed000.encode("gb18030"), filename="r.txt").title == "孟津区朝阳镇人民政府 2024 年政府信息公开工作年度报告"


@pytest.mark.parametrize("data", [b"", b"   \n", b"\x00\x01\x02\xff" * 100])
def test_unreadable_input_is_a_parse_error(data: bytes) -> None:
    with pytest.raises(ParseError):
        parse(data, filename="x.bin")


def test_publication_time_and_index_number_from_a_saved_page(seed000: str) -> None:
    head = "发布时间：2025-01-18 10:02 来源：朝阳镇\n索引号：01525772-2/20240131-00001\n"
    report = parse((head + seed000).encode(), filename="page.txt").to_json()
    assert report["published"] == "2025-01-18T10:02:00+08:00"
    assert report["meta_dates"]["index_number"] == "01525772-2/20240131-00001"
    assert report["title"] == "孟津区朝阳镇人民政府 2024 年政府信息公开工作年度报告"
