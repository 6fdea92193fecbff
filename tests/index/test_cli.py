"""`nianbao search` and `nianbao index` through the real CLI entry point."""

from __future__ import annotations

import json

from bench.gen_corpus import corpus
from indexer import store
from nianbao.app.cli import main
from nianbao.settings import get_settings


def test_search_and_index_commands(es, es_url: str, es_prefix: str, tmp_path, monkeypatch, capsys) -> None:  # type: ignore[no-untyped-def]
    prefix = f"{es_prefix}-cli"
    store.ensure_indices(es, prefix)
    store.index_reports(es, prefix, [store.build_doc(r, m) for r, m in corpus(30)], refresh=True)
    monkeypatch.setenv("NIANBAO_ES_URL", es_url)
    monkeypatch.setenv("NIANBAO_ES_PREFIX", prefix)
    monkeypatch.setenv("NIANBAO_DATA_DIR", str(tmp_path / "var"))
    get_settings.cache_clear()
    try:
        assert main(["search", "政府信息 year:2021", "--json", "--size", "3"]) == 0
        out = json.loads(capsys.readouterr().out)
        assert out["total"] == 6 and len(out["hits"]) == 3 and "year" in out["facets"]
        assert main(["search", "政府信息 year:2021"]) == 0
        assert "共 6 条" in capsys.readouterr().out
        assert main(["search", "year:2021 AND (x"]) == 2
        err = capsys.readouterr().err
        assert "第 15 列" in err and "^" in err
        assert main(["index", "--json"]) == 0  # empty queue: nothing to do
        assert json.loads(capsys.readouterr().out)["claimed"] == 0
    finally:
        get_settings.cache_clear()
