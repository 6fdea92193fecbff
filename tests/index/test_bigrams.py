"""The bigram phrase field (text_norm's nb_bigrams), cached segmentation, faceting by _msearch, and the write
paths that must keep the derived fields (review re-index, mark_removed, rebuild catch-up)."""

from __future__ import annotations

import random
import re
from collections import Counter
from typing import Any

import pytest

from indexer import mappings, store
from indexer import search as s
from indexer.query import QUOTES
from indexer.segment import _jieba, char_tokens, last_token, normalize, segment


def _squash(text: str) -> str:
    """What a phrase sees: only the token characters, in order."""
    return "".join(char_tokens(normalize(text)))


def _expected(docs: list[dict[str, Any]], phrase: str) -> set[str]:
    want = _squash(phrase)
    return {d["id"] for d in docs
            if want in _squash(d["text_norm"]) or want in _squash(d["norm"]["title"] or "")}


def test_bigrams_and_tokens(es, indexed: str) -> None:
    assert char_tokens("信息，公开 ab-1") == ["信", "息", "公", "开", "a", "b", "1"]
    index = mappings.alias_name(indexed)

    def analyze(analyzer: str, text: str) -> list[str]:
        return [t["token"] for t in es.indices.analyze(index=index, analyzer=analyzer, text=text)["tokens"]]

    assert analyze("nb_bigrams", "信息，公开 ab") == ["信息", "息公", "公开", "开a", "ab"]
    assert analyze("nb_bigrams", "信") == [] and analyze("nb_bigrams", "，") == []
    assert last_token("信息，公开 ab。") == "b" and last_token("信") == "信" and last_token("，") == ""
    assert last_token("结束" + "。 " * 80) == "束"  # however much punctuation follows it


def test_python_and_elasticsearch_agree_on_token_characters(es, indexed: str, gen_docs: list[dict[str, Any]],
                                                             seeds_dir) -> None:  # type: ignore[no-untyped-def]
    """The query side decides in Python (char_tokens) whether a phrase has one character or
    more, and highlights mark what char_tokens keeps: both must be what nb_char indexes."""
    texts = [d["text_norm"][:3000] for d in gen_docs[:20]]
    texts += [normalize(p.read_text(encoding="utf-8", errors="replace"))[:3000]
              for p in sorted(seeds_dir.iterdir()) if p.is_file()]
    texts.append(normalize("a_b-c.d 100% ①②（三） #1&2 ｘ·y—z « » … ™ № 〇 ㄅ ｶﾀ 한국 ä ñ"))
    index = mappings.alias_name(indexed)
    for t in texts:
        got = [x["token"] for x in es.indices.analyze(index=index, analyzer="nb_chars", text=t)["tokens"]]
        assert got == char_tokens(t), t[:80]


def test_one_character_query_finds_the_last_character(es, es_prefix: str, gen_docs: list[dict[str, Any]]) -> None:
    """The last token character starts no bigram: it is found through text_tail."""
    prefix = f"{es_prefix}-tail"
    store.ensure_indices(es, prefix)
    doc = store.build_doc({"title": "测试", "text": "本报告到此为止。鑫"},
                          {"publisher_id": "p-tail", "year": 2024, "url": "http://x.gov.cn/tail.html"})
    store.index_reports(es, prefix, [doc], refresh=True)
    assert s.new_matches(es, prefix, "鑫", [doc["id"]]) == [doc["id"]]
    assert s.new_matches(es, prefix, '"止鑫"', [doc["id"]]) == [doc["id"]]
    assert s.new_matches(es, prefix, "燚", [doc["id"]]) == []


def test_cached_segmentation_equals_jieba(gen_docs: list[dict[str, Any]], seeds_dir) -> None:  # type: ignore[no-untyped-def]
    texts = [d["text_norm"] for d in gen_docs[:60]]
    texts += [normalize(p.read_text(encoding="utf-8", errors="replace"))[:20000]
              for p in sorted(seeds_dir.iterdir()) if p.is_file()]
    texts.append("a-b.c 100% 信息公开，依申请公开！\n全角ＡＢＣ  #1&2")
    texts.append("㐀丽（鿪）α_β…")  # letters outside jieba's range are words, "_" and "…" are not
    run = re.compile(r"[\u4E00-\u9FD5a-zA-Z0-9+#&\._%\-]+")
    for t in texts:
        # jieba's words, less the punctuation and symbols it yields one by one between runs
        ref = " ".join(w for w in _jieba().lcut(t, HMM=False)
                       if run.fullmatch(w) or (len(w) == 1 and w.isalnum()))
        assert segment(t) == ref
    assert segment("信息公开，依申请公开！") == "信息 公开 依 申请 公开"


@pytest.mark.parametrize("n", [1, 2, 3, 8])
def test_phrase_recall_and_precision_by_length(es, indexed: str, gen_docs: list[dict[str, Any]], n: int) -> None:
    """Every substring of n characters is found, and only documents containing it are."""
    rng = random.Random(n)
    tried = 0
    while tried < 12:
        doc = rng.choice(gen_docs)
        text = doc["text"]
        start = rng.randrange(0, len(text) - n)
        sub = text[start:start + n]
        if not re.search(r"\w", normalize(sub)) or any(c in QUOTES for c in sub) or "\n" in sub:
            continue
        tried += 1
        assert doc["id"] in s.new_matches(es, indexed, f"“{sub}”", [doc["id"]]), sub
        res = s.search(es, indexed, f'"{sub}"', size=1, facets=False)
        assert res.total == len(_expected(gen_docs, sub)), sub


def test_phrases_across_punctuation(es, indexed: str, gen_docs: list[dict[str, Any]]) -> None:
    docs = [d for d in gen_docs if "，" in d["text"]][:10]
    for d in docs:
        i = d["text"].index("，")
        for sub in (d["text"][i - 2:i + 3], d["text"][i - 1:i + 2], d["text"][i - 3:i + 5]):
            assert d["id"] in s.new_matches(es, indexed, f'"{sub}"', [d["id"]]), sub
            # typed without the comma it is the same phrase
            bare = sub.replace("，", "")
            assert d["id"] in s.new_matches(es, indexed, f'"{bare}"', [d["id"]]), bare
            assert s.search(es, indexed, f'"{sub}"', size=1, facets=False).total == len(_expected(gen_docs, sub))
    # a bigram sequence that is not in the order of any text finds nothing
    assert s.search(es, indexed, '"公开信息政府"', size=1).total == len(_expected(gen_docs, "公开信息政府"))


def test_highlight_marks_the_phrase_characters(es, indexed: str, gen_docs: list[dict[str, Any]]) -> None:
    for phrase in ("依申请公开", "信息", "复议"):
        res = s.search(es, indexed, f'"{phrase}"', size=5, facets=False)
        assert res.hits
        for h in res.hits:
            html = "".join(h["highlight"])
            marked = re.findall(r"<mark>(.*?)</mark>", html)
            assert marked and set(marked) == {phrase}, (phrase, marked)
    # the traditional document: its (normalised) text is highlighted, escaped
    hit = s.search(es, indexed, '"强化监督"', facets=False).hits[0]
    assert "<mark>强化监督</mark>" in "".join(hit["highlight"])


def test_search_fields_stay_out_of_reports(es, indexed: str, gen_docs: list[dict[str, Any]]) -> None:
    d = gen_docs[5]
    raw = es.get(index=mappings.alias_name(indexed), id=d["id"])["_source"]
    assert raw["text_seg"] == d["text_seg"] and raw["text_norm"] == d["text_norm"]
    got = s.get_report(es, indexed, d["id"])
    assert "text_seg" not in got and "text_tail" not in got and got["text"] == d["text"]
    res = s.search(es, indexed, f'"{d["text"][10:16]}"', size=3, facets=False)
    assert all(set(h) >= {"id", "title", "highlight", "findings"} and "text" not in h for h in res.hits)


def test_rewrites_keep_derived_fields(es, es_prefix: str, gen_docs: list[dict[str, Any]]) -> None:
    """A document read back (review re-index, mark_removed, rebuild catch-up) stays searchable."""
    prefix = f"{es_prefix}-rw"
    store.ensure_indices(es, prefix)
    docs = [dict(d) for d in gen_docs[:3]]
    store.index_reports(es, prefix, docs, refresh=True)
    a, b, c = docs
    # the web review path: get_report output (no text_seg/norm) written back as it is
    back = s.get_report(es, prefix, a["id"])
    assert "text_seg" not in back and "norm" not in back
    store.index_reports(es, prefix, [back], refresh=True)
    assert store.mark_removed(es, prefix, b["id"])
    es.indices.refresh(index=mappings.alias_name(prefix))
    for d in (a, b):
        assert s.new_matches(es, prefix, f'"{d["text"][20:27]}"', [d["id"]]) == [d["id"]]
        words = [w for w in d["text_seg"].split() if len(w) >= 2][:2]
        assert s.new_matches(es, prefix, " ".join(words), [d["id"]]) == [d["id"]]
        assert s.new_matches(es, prefix, f'title:"{d["norm"]["title"][:6]}"', [d["id"]]) == [d["id"]]
    assert s.get_report(es, prefix, b["id"])["status"] == "removed"
    # a rebuild copies from _source and the phrase still works
    store.rebuild(es, prefix, iter([a, b, c]), grace_seconds=0)
    assert s.new_matches(es, prefix, f'"{c["text"][30:36]}"', [c["id"]]) == [c["id"]]


def test_three_selected_facets_match_python(es, indexed: str, gen_docs: list[dict[str, Any]]) -> None:
    province = Counter(d.get("province") for d in gen_docs).most_common(1)[0][0]
    sel = {"year": [2022, 2024], "province": [province], "timeliness": ["on_time"]}
    res = s.search(es, indexed, "信息公开", size=3, filters=sel)

    def ok(d: dict[str, Any], skip: str = "") -> bool:
        return ("信息公开" in _squash(d["text_norm"]) or "信息公开" in _squash(d["norm"]["title"] or "")) and all(
            k == skip or {"year": d["year"], "province": d.get("province"),
                          "timeliness": d.get("timeliness")}[k] in v for k, v in sel.items())

    assert res.total == sum(ok(d) for d in gen_docs)
    for facet, key in (("year", "year"), ("province", "province"), ("timeliness", "timeliness")):
        got = {b["value"]: b["count"] for b in res.facets[facet]}
        want = Counter(d.get(key) for d in gen_docs if ok(d, skip=facet) and d.get(key) is not None)
        assert got == dict(want), facet
    counties = {b["value"]: b["count"] for b in res.facets["county"]}
    assert sum(counties.values()) == res.total
