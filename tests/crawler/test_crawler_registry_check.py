"""`nianbao registry check --reach`: per entry column, reachable or not, and its CMS family."""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner

from crawler.cli import registry
from crawler.registry import load_registry
from nianbao.settings import get_settings
from simweb.server import SimWeb

from .crawler_world import write_registry

ROOT = Path(__file__).resolve().parents[2]


def test_check_reach_detects_each_family_and_names_the_unreachable(tmp_path, monkeypatch):
    monkeypatch.setenv("NIANBAO_DATA_DIR", str(tmp_path / "var"))
    monkeypatch.setenv("NIANBAO_CRAWL_DELAY_SECONDS", "0.02")
    monkeypatch.setenv("NIANBAO_CRAWL_TIMEOUT_SECONDS", "2")
    monkeypatch.setenv("NIANBAO_CRAWL_RETRIES", "0")
    get_settings.cache_clear()
    try:
        with SimWeb(seed=1, size="demo", port=0, cms="cycle") as web:
            rows = web.registry_rows()
            rows.append({"id": "gone", "name": "某镇人民政府", "level": "township",
                         "entry_url": "http://127.0.0.1:9/col/col1/index.html", "verified": False})
            reg = write_registry(tmp_path / "p.yaml", rows)
            out = CliRunner().invoke(registry, ["check", "--registry", str(reg), "--reach"])
        assert out.exit_code == 0, out.output
        lines = out.output.splitlines()
        for url, family in [(web.hosts[0], "generic"), (web.hosts[1], "hanweb"),
                            (web.hosts[2], "jsonlist"), (web.hosts[3], "xxgk")]:
            assert any(line.startswith("可访问 / reachable") and family in line and url in line
                       for line in lines), (url, family, out.output)
        gone = [line for line in lines if "127.0.0.1:9" in line]
        assert gone and gone[0].startswith("不可访问 / UNREACHABLE") and "未核实 / unverified" in gone[0]
        assert "不可访问 / unreachable: 1" in out.output
        assert not (tmp_path / "var" / "state.db").exists()  # a check leaves no crawl evidence
    finally:
        get_settings.cache_clear()


def test_starter_registry_is_valid_and_unverified():
    pubs = load_registry(ROOT / "config" / "publishers.real.yaml")
    assert pubs and all(p.verified is False and p.family for p in pubs)
    assert {p.family for p in pubs} <= {"hanweb", "hanweb_xxgk", "xxgk", "jsonlist", "gkmlpt", "generic"}
    assert any(p.family == "gkmlpt" and "/gkmlpt/" in p.entry_url for p in pubs)
