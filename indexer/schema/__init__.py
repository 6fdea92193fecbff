"""JSON Schema of the parsed-report contract (shared/spec/report-json.md)."""

from __future__ import annotations

import functools
import json
from pathlib import Path

SCHEMA_PATH = Path(__file__).with_name("report.schema.json")


@functools.lru_cache(maxsize=1)
def report_schema() -> dict:
    return json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))


def validate_report(doc: dict) -> None:
    """Raise jsonschema.ValidationError when `doc` breaks the contract."""
    import jsonschema  # ≈0.2 s: only where a report is validated (tests, checks)

    jsonschema.validate(doc, report_schema(), cls=jsonschema.Draft202012Validator)
