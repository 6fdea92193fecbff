"""Highlight fragments built in Python (indexer.highlight): the phrase rule, escaping, windows."""

from __future__ import annotations

import re

from indexer.highlight import FRAGMENT, MAX_FRAGMENTS, NO_MATCH, fragments, pattern


def marks(frags: list[str]) -> list[str]:
    return re.findall(r"<mark>(.*?)</mark>", "".join(frags))


def test_marks_exact_phrase_across_punctuation_and_escapes() -> None:
    text = "本机关“依申请”<>&公开，<b>a&b</b>；依申请公开渠道畅通。"
    frags = fragments(text, ["依申请公开"])
    # the first occurrence spans punctuation (skipped, as by the phrase search), the second not
    assert marks(frags) == ["依申请”&lt;&gt;&amp;公开", "依申请公开"]
    # letters are tokens: "依申请b公开" is not the phrase
    assert marks(fragments("依申请</b>公开", ["依申请公开"])) == []
    html = "".join(frags)
    assert "<b>" not in html and "&lt;b&gt;" in html and "a&amp;b" in html
    assert re.sub(r"</?mark>", "", html).count("<") == 0


def test_longest_term_wins_and_words_too() -> None:
    frags = fragments("政府信息公开工作年度报告", ["信息", "信息公开"])
    assert marks(frags) == ["信息公开"]
    assert marks(fragments("abc ABC 123", ["abc"])) == ["abc"]  # text is already lower-case


def test_windows_and_fallback() -> None:
    text = "。".join(f"第{i}句话没有要找的词" for i in range(40)) + "。最后一句有关键词在这里。"
    frags = fragments(text, ["关键词"])
    assert len(frags) == 1 and frags[0].startswith("最后一句有<mark>关键词</mark>")
    many = "关键词。" + "填充" * 200 + "关键词。" + "填充" * 200 + "关键词。" + "填充" * 200 + "关键词。"
    frags = fragments(many, ["关键词"])
    assert len(frags) == MAX_FRAGMENTS and all(len(re.sub("</?mark>", "", f)) <= FRAGMENT for f in frags)
    assert fragments(text, ["不存在的词"]) == [text[:NO_MATCH]]
    assert fragments(text, []) == [text[:NO_MATCH]] and fragments("", ["x"]) == []
    assert pattern(["，。"]) is None
