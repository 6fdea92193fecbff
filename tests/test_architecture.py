"""The import contract (pyproject.toml [tool.importlinter]): each floor imports only the floors
below it (app → web → monitor → indexer → crawler → the ground floor in nianbao/), and no stage
imports the simulated web. The import graph is read from the source, imports inside functions
included, so a shortcut upwards or a package cycle fails here."""

from __future__ import annotations

import tomllib
from pathlib import Path

from importlinter.cli import lint_imports

import nianbao
from nianbao.app.pipeline import run_pipeline
from nianbao.app.portal import create_portal

ROOT = Path(__file__).resolve().parent.parent


def test_import_contract_is_kept(capsys) -> None:
    code = lint_imports(config_filename=str(ROOT / "pyproject.toml"), no_cache=True, no_logo=True)
    assert code == 0, capsys.readouterr().out[-4000:]


def test_every_ground_floor_module_is_in_the_contract() -> None:
    """A new module in nianbao/ belongs to the ground floor (or to nianbao/app/): the contract
    names each ground-floor module, so it must name the new one too."""
    conf = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["importlinter"]
    ground = set(next(c for c in conf["contracts"] if c["id"] == "ground")["source_modules"])
    here = Path(nianbao.__file__).parent
    modules = {f"nianbao.{p.stem if p.is_file() else p.name}" for p in here.iterdir()
               if (p.suffix == ".py" and p.stem != "__init__") or (p / "__init__.py").exists()}
    assert modules - {"nianbao.app"} == ground


def test_the_portal_runs_the_one_pipeline() -> None:
    assert create_portal({"TESTING": True}).config["NIANBAO_PIPELINE"] is run_pipeline
