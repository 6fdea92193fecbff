"""The registry: YAML and CSV, row-level validation, the CLI, the DB mirror."""

from __future__ import annotations

import subprocess
import sys

import pytest
import yaml
from click.testing import CliRunner

from crawler.cli import registry as registry_group
from crawler.models import PublisherRow
from crawler.registry import allowed_hosts, load_registry, sync_publishers
from nianbao.db import init_db, make_engine, make_session_factory
from nianbao.errors import ConfigError

HEADER = "id,name,level,province,city,county,code,deadline,entry_url\n"
ROW = "431026102000,热水镇人民政府,township,湖南省,郴州市,汝城县,431026102000,,http://127.0.1.1:8800/xxgk/ndbg/index.html\n"


def test_example_registry_loads():
    pubs = load_registry("config/publishers.example.yaml")
    assert {p.level for p in pubs} == {"subdistrict", "county", "department"}
    assert allowed_hosts(pubs) == {"127.0.1.1:8800"}


@pytest.mark.parametrize("bad,message", [
    (ROW.replace("township", "village"), "第3行"),
    (ROW.replace(",431026102000,,", ",4310261,,"), "12"),
    (ROW.replace("http://127.0.1.1:8800", "ftp://x"), "entry_url"),
    (ROW.replace(",,http", ",13-45,http"), "MM-DD"),
    (ROW, "重复"),  # the same id twice
])
def test_csv_bad_row_is_named(tmp_path, bad, message):
    f = tmp_path / "p.csv"
    f.write_text(HEADER + ROW + bad, encoding="utf-8")
    with pytest.raises(ConfigError) as exc:
        load_registry(f)
    assert "第3行" in str(exc.value) and message in str(exc.value)
    assert "\n" not in str(exc.value)


def test_missing_columns_and_files(tmp_path):
    f = tmp_path / "p.csv"
    f.write_text("id,name\n1,x\n", encoding="utf-8")
    with pytest.raises(ConfigError, match="entry_url"):
        load_registry(f)
    with pytest.raises(ConfigError, match="找不到"):
        load_registry(tmp_path / "nope.yaml")


def test_cli_import_merges_and_check(tmp_path):
    target = tmp_path / "publishers.yaml"
    target.write_text(yaml.safe_dump({"schedule": {"busy": "daily"}, "publishers": [
        {"id": "x1", "name": "某县人民政府", "level": "county", "entry_url": "http://127.0.1.9/a/index.html"}]},
        allow_unicode=True), encoding="utf-8")
    csv_file = tmp_path / "p.csv"
    csv_file.write_text("\ufeff" + HEADER + ROW, encoding="utf-8")  # a BOM from Excel
    runner = CliRunner()
    res = runner.invoke(registry_group, ["import", str(csv_file), "--registry", str(target)])
    assert res.exit_code == 0, res.output
    assert "新增 1" in res.output
    data = yaml.safe_load(target.read_text(encoding="utf-8"))
    assert data["schedule"] == {"busy": "daily"} and [p["id"] for p in data["publishers"]] == ["x1", "431026102000"]
    res = runner.invoke(registry_group, ["check", "--registry", str(target)])
    assert res.exit_code == 0 and "2 个发布机构" in res.output


def test_cli_bad_csv_one_line_error(tmp_path):
    csv_file = tmp_path / "p.csv"
    csv_file.write_text(HEADER + ROW.replace("township", "village"), encoding="utf-8")
    res = subprocess.run([sys.executable, "-m", "nianbao.app.cli", "registry", "import", str(csv_file),
                          "--registry", str(tmp_path / "out.yaml")], capture_output=True, text=True)
    assert res.returncode == 1
    assert res.stderr.strip().count("\n") == 0 and "第2行" in res.stderr
    assert not (tmp_path / "out.yaml").exists()  # nothing half-written


def test_sync_publishers_upserts(tmp_path):
    engine = make_engine(f"sqlite:///{tmp_path}/s.db")
    init_db(engine)
    pubs = load_registry("config/publishers.example.yaml")
    with make_session_factory(engine)() as s:
        sync_publishers(s, pubs)
        sync_publishers(s, pubs)
        assert s.query(PublisherRow).count() == len(pubs)
        assert s.get(PublisherRow, "110101000000-gov").deadline == "03-31"


def test_seed_from_division_dataset(tmp_path):
    target = tmp_path / "publishers.yaml"
    runner = CliRunner()
    res = runner.invoke(registry_group, ["seed", "--county", "汝城县", "--registry", str(target),
                                         "--entry-url-template", "http://127.0.1.1:8800/{code6}/ndbg/index.html"])
    assert res.exit_code == 0, res.output
    pubs = {p.id: p for p in load_registry(target)}
    gov = pubs["431026000000-gov"]
    assert (gov.name, gov.level, gov.province, gov.city, gov.deadline) == ("汝城县人民政府", "county", "湖南省", "郴州市", "03-31")
    town = pubs["431026102000"]
    assert (town.name, town.level, town.code) == ("热水镇人民政府", "township", "431026102000")
    assert town.entry_url == "http://127.0.1.1:8800/431026/ndbg/index.html"
    bad = runner.invoke(registry_group, ["seed", "--county", "汝城县", "--registry", str(target),
                                         "--entry-url-template", "not a url"])
    assert bad.exit_code != 0 and "entry-url-template" in str(bad.exception or bad.output)
