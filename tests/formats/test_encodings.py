"""Text without silent mojibake (indexer/parse/formats/encodings.py): GBK cut in the middle of
a character, Big5, Shift-JIS and UTF-16 without a BOM."""

from __future__ import annotations

import logging

import pytest

from indexer.parse import ParseError, parse
from indexer.parse.formats import UnsupportedFormat, charset, sniff
from indexer.parse.formats.encodings import decode_text, utf16_without_bom
from simweb.render import render_report


@pytest.fixture(scope="module")
def text(report) -> str:
    """The numbered report as plain text, ending in a two-byte (in GBK) full stop."""
    t = render_report(report, "txt").decode("utf-8").rstrip()
    assert t.endswith("。")
    return t


@pytest.fixture(scope="module")
def traditional(text) -> str:
    """The report in Taiwan's forms (OpenCC s2tw: 為, not 爲, which Big5 lacks)."""
    import opencc

    return opencc.OpenCC("s2tw").convert(text)


def test_gbk_cut_in_a_character_drops_it_and_says_so(text, caplog):
    data = text.encode("gbk")
    with caplog.at_level(logging.WARNING, logger="indexer.parse"):
        got = decode_text(data[:-1])
    assert got.encoding == "gb18030"
    assert got.text == text[:-1]
    assert got.note and "1 字节" in got.note and "dropped an incomplete" in got.note
    assert got.note in caplog.text


def test_gbk_cut_parses_like_the_whole_characters(text):
    """The same report, no false findings: as if the cut character had never been there."""
    data = text.encode("gbk")
    cut = parse(data[:-1], "report.txt").to_json()
    whole = parse(data[:-2], "report.txt").to_json()
    assert cut == whole
    assert cut["title"] == "孟津区朝阳镇人民政府 2024 年政府信息公开工作年度报告"
    full = parse(data, "report.txt").to_json()
    assert cut["findings"] == full["findings"]


def test_gb18030_four_byte_character_cut():
    data = ("政府信息公开年度报告，生僻字𠀀" * 20).encode("gb18030")
    for cut in (1, 2, 3):
        got = decode_text(data[:-cut])
        assert got.text == ("政府信息公开年度报告，生僻字𠀀" * 20)[:-1]
        assert f"{4 - cut} 字节" in (got.note or "")


def test_gbk_html_cut_in_a_character(text):
    html = f'<html><head><meta charset="gbk"><title>年报</title></head><body><p>{text}</p>'
    decoded, enc = charset.decode((html + "报告").encode("gbk")[:-1])
    assert enc == "gb18030"
    assert decoded == html + "报"


def test_big5_is_read_as_traditional_chinese(traditional):
    data = traditional.encode("big5")
    got = decode_text(data)
    assert got.encoding in ("big5hkscs", "cp950")
    assert got.text == traditional
    report = parse(data, "big5.txt")
    assert report.title and "政府信息公開工作年度報告" in report.title
    assert "\ufffd" not in report.text


def test_big5_html_without_a_declaration(traditional):
    body = "".join(f"<p>{line}</p>" for line in traditional.splitlines() if line)
    decoded, enc = charset.decode(f"<html><body>{body}</body></html>".encode("big5"))
    assert enc in ("big5hkscs", "cp950")
    assert "朝陽鎮人民政府" in decoded


def test_shift_jis_is_refused_clearly():
    japanese = ("令和六年度における情報公開の実施状況について、次のとおり報告します。"
                "開示請求の件数は前年度と比べて増加しました。") * 20
    data = japanese.encode("shift_jis")
    with pytest.raises(UnsupportedFormat, match="Shift-JIS.*Japanese"):
        decode_text(data)
    with pytest.raises(ParseError, match="Shift-JIS"):
        parse(data, "jp.txt")


@pytest.mark.parametrize("enc", ["utf-16-le", "utf-16-be"])
def test_utf16_without_bom_is_text(text, enc):
    data = text.encode(enc)
    assert utf16_without_bom(data) == enc
    assert sniff(data, "report.txt") == "text"
    assert sniff(data) == "text"
    got = decode_text(data)
    assert (got.text, got.encoding) == (text, enc)
    assert parse(data, "report.txt").to_json() == parse(text.encode("utf-8"), "report.txt").to_json()


def test_utf16_html_without_bom():
    data = "<html><body><p>朝阳镇2024年政府信息公开工作年度报告</p></body></html>".encode("utf-16-le")
    assert sniff(data) == "html"


def test_binary_with_nul_bytes_is_not_utf16():
    noise = bytes(range(256)) * 20
    assert utf16_without_bom(noise) is None
    with pytest.raises(UnsupportedFormat):
        sniff(noise)


def test_utf8_and_bom_unchanged(text):
    assert decode_text(text.encode("utf-8")).text == text
    assert decode_text(b"\xef\xbb\xbf" + text.encode("utf-8")).text == text
    assert decode_text(b"\xff\xfe" + text.encode("utf-16-le")).text == text
    assert decode_text(text.encode("utf-8")[:-1]).text == text[:-1]
