"""The import contract (pyproject.toml [tool.importlinter]): each floor imports only the floors
below it (app → web → monitor → indexer → crawler → the ground floor in nianbao/), and no stage
imports the simulated web. The import graph is read from the source, imports inside functions
included, so a shortcut upwards or a package cycle fails here."""

from __future__ import annotations

import ast
import re
import tomllib
from pathlib import Path

from importlinter.cli import lint_imports

import nianbao
from nianbao import db
from nianbao.app import models
from nianbao.app.pipeline import run_pipeline
from nianbao.app.portal import create_portal

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("nianbao", "crawler", "indexer", "monitor", "web", "simweb")


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


def _fully_typed(fn: ast.FunctionDef | ast.AsyncFunctionDef) -> bool:
    """Every parameter but self/cls annotated (*args and **kwargs too) and a return annotation."""
    a = fn.args
    params = [p for p in (*a.posonlyargs, *a.args, *a.kwonlyargs) if p.arg not in ("self", "cls")]
    params += [p for p in (a.vararg, a.kwarg) if p is not None]
    return fn.returns is not None and all(p.annotation is not None for p in params)


def typed_share(package: str) -> tuple[int, int]:
    """(fully typed, all) functions and methods, sync and async, in a package's modules."""
    typed = total = 0
    for path in sorted((ROOT / package).rglob("*.py")):
        if "tests" in path.relative_to(ROOT).parts:
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                total += 1
                typed += _fully_typed(node)
    return typed, total


def test_every_package_is_at_least_95_percent_typed() -> None:
    figures = {pkg: typed_share(pkg) for pkg in PACKAGES}
    for pkg, (typed, total) in figures.items():
        print(f"{pkg}: {typed}/{total} functions fully typed ({100 * typed / total:.1f}%)")
    low = {pkg: f"{100 * t / n:.1f}%" for pkg, (t, n) in figures.items() if t < 0.95 * n}
    assert not low, f"packages under 95% fully typed: {low}"


def _defines_tables(path: Path) -> bool:
    """Whether a module defines a class on nianbao.db.Base (`class X(Base)`)."""
    tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
    return any(isinstance(n, ast.ClassDef) and any(isinstance(b, ast.Name) and b.id == "Base"
                                                   for b in n.bases)
               for n in ast.walk(tree))


def test_the_model_registry_names_every_module_with_tables() -> None:
    """nianbao.app.models lists every module that defines tables on Base (init_db, Alembic and
    `nianbao db check` see the tables it registers), and nianbao/db.py names none of them."""
    found = set()
    for pkg in PACKAGES:
        for path in (ROOT / pkg).rglob("*.py"):
            rel = path.relative_to(ROOT)
            if "tests" not in rel.parts and rel != Path("nianbao/db.py") and _defines_tables(path):
                found.add(".".join(rel.with_suffix("").parts))
    registered = {m.__name__ for m in models.model_modules()}
    assert found == registered
    assert set(db.registered_models()) == registered
    assert models.metadata() is db.metadata() is db.Base.metadata
    assert {t.name for t in db.Base.metadata.sorted_tables} >= {"publishers", "compliance_rows",
                                                                "web_reviews"}
    source = (ROOT / "nianbao" / "db.py").read_text(encoding="utf-8")
    assert not [pkg for pkg in PACKAGES[1:] if f"{pkg}." in source or f'"{pkg}"' in source]


ENV_WRITE = re.compile(r"os\.environ(\[[^]]+\]\s*=(?!=)|\.update\(|\.setdefault\(|\.pop\()|os\.putenv\(")
# The only write, for a child process started by a library that takes no env= (pytesseract).
ENV_WRITERS = {"indexer/parse/formats/ocr.py"}


def test_no_module_writes_the_environment() -> None:
    """Configuration travels as Settings objects in-process and as an explicit env= to child
    processes; nothing sets os.environ to configure what runs after it (the demo did)."""
    found = {path.relative_to(ROOT).as_posix()
             for pkg in PACKAGES for path in (ROOT / pkg).rglob("*.py")
             if "tests" not in path.relative_to(ROOT).parts
             and ENV_WRITE.search(path.read_text(encoding="utf-8"))}
    assert found == ENV_WRITERS


def test_every_import_inside_a_function_says_why() -> None:
    """Imports belong at the top of the module; one inside a function is there for a reason
    (a heavy or optional dependency, a format's adapter loaded on demand, a cycle inside a
    package) that its line states in a comment."""
    silent = []
    for pkg in PACKAGES:
        for path in (ROOT / pkg).rglob("*.py"):
            rel = path.relative_to(ROOT)
            if "tests" in rel.parts:
                continue
            source = path.read_text(encoding="utf-8")
            lines = source.splitlines()
            for fn in ast.walk(ast.parse(source, str(path))):
                if isinstance(fn, ast.FunctionDef | ast.AsyncFunctionDef):
                    silent += [f"{rel}:{node.lineno}" for node in ast.walk(fn)
                               if isinstance(node, ast.Import | ast.ImportFrom)
                               and "#" not in lines[node.end_lineno - 1]
                               and not lines[node.lineno - 2].strip().startswith("#")]
    assert not silent, silent
