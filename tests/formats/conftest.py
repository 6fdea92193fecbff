"""Rendered documents shared by the format tests: each format is rendered once per session
(LibreOffice and Tesseract are slow)."""

from __future__ import annotations

import pytest

from simweb.render import render_report
from tests.formats.fixtures import numbered


@pytest.fixture(scope="session")
def report() -> dict:
    return numbered()


@pytest.fixture(scope="session")
def rendered(report, tmp_path_factory):
    """fmt → bytes, rendered lazily and kept for the session."""
    cache: dict[str, bytes] = {}

    def get(fmt: str, script: str = "simplified") -> bytes:
        key = f"{fmt}:{script}"
        if key not in cache:
            cache[key] = render_report(report, fmt, script=script)
        return cache[key]

    return get
