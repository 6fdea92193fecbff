"""The docs cannot drift from the code (Datasette's habit): settings, finding codes, query
fields, query examples and CLI commands must all be documented, and examples must parse."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from indexer.query import FIELD_ALIASES, parse_query
from nianbao.app.cli import COMMANDS
from nianbao.findings import FINDINGS
from nianbao.settings import Settings

ROOT = Path(__file__).resolve().parent.parent
DOCS = ROOT / "docs"


def read(name: str) -> str:
    return (DOCS / name).read_text(encoding="utf-8")


def query_examples() -> list[str]:
    text = read("query-language.md")
    blocks = re.findall(r"^```query\n(.*?)^```", text, re.S | re.M)
    return [line.strip() for b in blocks for line in b.splitlines() if line.strip()]


def test_every_setting_documented() -> None:
    doc = read("configuration.md")
    for name, info in Settings.model_fields.items():
        env = info.alias or f"NIANBAO_{name.upper()}"
        assert f"`{name}`" in doc, f"setting {name} missing from docs/configuration.md"
        assert f"`{env}`" in doc, f"env var {env} missing from docs/configuration.md"


def test_every_finding_code_documented() -> None:
    doc = read("methodology.md")
    missing = [c for c in FINDINGS if f"`{c}`" not in doc]
    assert not missing, f"finding codes missing from docs/methodology.md: {missing}"


def test_every_field_alias_documented() -> None:
    doc = read("query-language.md")
    missing = [a for a in FIELD_ALIASES if f"`{a}`" not in doc]
    assert not missing, f"field aliases missing from docs/query-language.md: {missing}"


def test_query_examples_exist() -> None:
    examples = query_examples()
    assert len(examples) >= 20
    assert "appeals.review.corrected>=1 year:2024 level:township" in examples


@pytest.mark.parametrize("q", query_examples())
def test_query_example_parses(q: str) -> None:
    assert parse_query(q).to_es() != {"match_all": {}}


def test_error_examples_fail_as_documented() -> None:
    """The error table's queries really are errors, with the documented message."""
    from indexer.query import QuerySyntaxError

    section = read("query-language.md").split("## Errors", 1)[1]
    rows = re.findall(r"^\| `([^`]+)` \| ([^|]+?) \|$", section, re.M)
    errors = [(q, msg) for q, msg in rows if "/" in msg]
    assert len(errors) >= 10
    for q, msg in errors:
        with pytest.raises(QuerySyntaxError) as exc:
            parse_query(q)
        assert msg.split(" / ")[0].split(": ")[-1].replace("…", "")[:8] in str(exc.value), q


def test_every_command_mentioned() -> None:
    text = (ROOT / "README.md").read_text(encoding="utf-8") + "".join(
        p.read_text(encoding="utf-8") for p in DOCS.glob("*.md"))
    missing = [c for c in COMMANDS if f"nianbao {c}" not in text]
    assert not missing, f"commands not mentioned in README.md or docs/: {missing}"


def test_doc_links_resolve() -> None:
    for md in DOCS.glob("*.md"):
        for target in re.findall(r"\]\(([\w.-]+\.(?:md|yaml))(?:#[^)]*)?\)", md.read_text(encoding="utf-8")):
            assert (DOCS / target).exists(), f"{md.name} links to missing {target}"
