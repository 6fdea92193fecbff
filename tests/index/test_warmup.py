"""The warm-up after an Elasticsearch restart (indexer.warmup): it runs its searches against
the reports alias, stops at its bound, and steps aside when there is no index yet."""

from __future__ import annotations

from typing import Any

from click.testing import CliRunner

from indexer import warmup
from indexer.search import alias


def _searches(es: Any, prefix: str) -> int:
    stats = es.indices.stats(index=alias(prefix), metric="search")
    return int(stats["_all"]["primaries"]["search"]["query_total"])


def test_warmup_runs_every_query(es, indexed: str) -> None:
    before = _searches(es, indexed)
    out = warmup.warm(es, indexed, 30)
    n = len(warmup.queries(0))
    assert out["queries"] == n * out["rounds"]  # none failed (a failure is logged, not counted)
    assert out["last_round_max_ms"] < warmup.WARM_MS or out["seconds"] >= 30
    assert _searches(es, indexed) - before >= out["queries"]
    kinds = " ".join(q["q"] for q in warmup.queries(0))
    assert '"' in kinds and " OR " in kinds and ">" in kinds and any(q.get("filters") for q in warmup.queries(0))


def test_warmup_bounded_and_off(es, indexed: str) -> None:
    assert warmup.warm(es, indexed, 1e-9)["queries"] < len(warmup.queries(0))
    assert "skipped" in warmup.warm(es, indexed, 0)


def test_warmup_skipped_without_index(es, es_prefix: str) -> None:
    out = warmup.warm(es, f"{es_prefix}-absent", 30)
    assert out == {"skipped": f"no index {es_prefix}-absent-reports"}


def test_es_start_warms_up(settings, es, indexed: str, monkeypatch) -> None:
    from nianbao.app import es as es_cmd

    cfg = settings.model_copy(update={"es_index_prefix": indexed, "es_warmup_seconds": 30.0})
    monkeypatch.setattr(es_cmd, "get_settings", lambda: cfg)
    monkeypatch.setattr(es_cmd.es_server, "start", lambda s, timeout: s.es_url)
    res = CliRunner().invoke(es_cmd.es, ["start"])
    assert res.exit_code == 0, res.output
    assert res.stdout.strip() == cfg.es_url  # stdout stays the URL alone (scripts read it)
    assert '"queries": ' in res.stderr and '"rounds": ' in res.stderr
