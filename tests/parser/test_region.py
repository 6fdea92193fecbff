"""County / city / province from the prose when the title names none of them."""

from __future__ import annotations

from indexer.parse import parse
from indexer.parse.region import region_from_text

NONE = {"county": None, "city": None, "province": None}


def test_one_county_named_before_its_government():
    assert region_from_text("本镇主要通过卢氏县人民政府门户网站公开信息。") == dict(NONE, county="卢氏县")
    assert region_from_text("通过孟津区政府网站发布") == dict(NONE, county="孟津区")


def test_two_counties_are_ambiguous():
    text = "通过卢氏县人民政府门户网站公开，学习孟津区人民政府的做法。"
    assert region_from_text(text) == NONE


def test_city_and_province_only_when_they_hold_the_county():
    text = "河南省人民政府要求，三门峡市人民政府部署，卢氏县人民政府门户网站"
    assert region_from_text(text) == {"county": "卢氏县", "city": "三门峡市", "province": "河南省"}
    other = "洛阳市人民政府部署，卢氏县人民政府门户网站"
    assert region_from_text(other) == dict(NONE, county="卢氏县")


def test_words_that_are_not_names():
    assert region_from_text("本县人民政府、全区政府、城区人民政府、县域治理") == NONE
    assert region_from_text("卢氏县的情况") == NONE  # not followed by 人民政府/政府


def test_title_region_wins_over_the_prose(seeds_dir):
    seed = next(seeds_dir.glob("004_*.txt"))
    assert parse(seed.read_bytes(), filename=seed.name).to_json()["county"] == "卢氏县"
    text = ("孟津区朝阳镇人民政府 2024 年政府信息公开工作年度报告\n一、总体情况\n"
            "本镇通过卢氏县人民政府门户网站公开信息。\n").encode()
    got = parse(text, filename="a.txt").to_json()
    assert got["county"] == "孟津区" and got["place"] == "朝阳镇"
