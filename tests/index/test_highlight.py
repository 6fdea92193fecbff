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


def _reference(text: str, terms: list[str]) -> list[str]:
    """The eager algorithm (every match first, then windows) the lazy scan must equal."""
    from indexer.highlight import _render, _window_start
    rx = pattern(terms)
    spans = [m.span() for m in rx.finditer(text)] if rx else []
    if not spans:
        return [text[:NO_MATCH].strip()] if text else []
    out: list[str] = []
    covered = -1
    for start, end in spans:
        if start < covered:
            continue
        lo = _window_start(text, start)
        hi = max(min(len(text), lo + FRAGMENT), end)
        out.append(_render(text, lo, hi, [s for s in spans if s[0] >= lo and s[1] <= hi]))
        covered = hi
        if len(out) == MAX_FRAGMENTS:
            break
    return out


def test_lazy_scan_equals_eager_windows() -> None:
    # windows that reach back before the previous one's end, matches straddling a window's end,
    # adjacent matches, and more matches than fragments
    texts = ["关键词" * 60, "。关键词" + "填" * 115 + "关键词关键词。" + "关键词" * 3 + "。" + "填" * 300 + "关键词",
             "甲。" + "填" * 30 + "关键词。" + "填" * 90 + "关键，词" + "填" * 5 + "关键词" + "。" * 10 + "关键词"]
    for text in texts:
        for terms in (["关键词"], ["关键", "键词"], ["词", "关键词"]):
            assert fragments(text, terms) == _reference(text, terms), (text[:20], terms)
