"""An indexed corpus shared by the search tests: generated national reports plus a few
hand-made documents for scripts, widths and HTML safety."""

from __future__ import annotations

from typing import Any

import pytest

from bench.gen_corpus import corpus
from indexer import store

N_DOCS = 400

SPECIAL = [
    ({"title": "測試縣東風鎮人民政府2024年政府信息公開工作年度報告", "organ": "測試縣東風鎮人民政府",
      "place": "東風鎮", "county": "測試縣", "year": 2024, "script": "traditional",
      "text": "本機關依法辦理政府信息公開申請，強化監督保障。繁體專用詞彙：發揚蹈厲。"},
     {"publisher_id": "sp-trad", "url": "http://t.example/1"}),
    ({"title": "简体镇2024年报告", "organ": "简体镇人民政府", "place": "简体镇", "county": "测试县",
      "year": 2024, "text": "简体专用词汇：开门见山，认真处理群众来信。"},
     {"publisher_id": "sp-simp", "url": "http://t.example/2"}),
    ({"title": "全角镇报告", "organ": "全角镇人民政府", "place": "全角镇", "county": "测试县", "year": 2023,
      "text": "全角数字２０２３年共公开ＡＢＣ類信息１２３４条；半角 WXYZ 编号 5678。"},
     {"publisher_id": "sp-wide", "url": "http://t.example/3"}),
    ({"title": "转义镇报告", "organ": "转义镇人民政府", "place": "转义镇", "county": "测试县", "year": 2023,
      "text": "网页注入测试<script>alert('x')</script>与 a&b 符号一并公开。"},
     {"publisher_id": "sp-html", "url": "http://t.example/4"}),
]


@pytest.fixture(scope="session")
def gen_docs() -> list[dict[str, Any]]:
    docs = [store.build_doc(r, m) for r, m in corpus(N_DOCS)]
    docs += [store.build_doc(r, m) for r, m in SPECIAL]
    return docs


@pytest.fixture(scope="session")
def indexed(es, es_prefix: str, gen_docs: list[dict[str, Any]]) -> str:
    """The prefix of an index holding gen_docs (built once per test session)."""
    prefix = f"{es_prefix}-search"
    store.ensure_indices(es, prefix)
    ok, errors = store.index_reports(es, prefix, gen_docs, refresh=True)
    assert not errors and len(ok) == len(gen_docs)
    return prefix
