"""The seed reports copied into tests/seeds are the project's shared ones, byte for byte."""

from __future__ import annotations

from pathlib import Path

import pytest

HERE = Path(__file__).resolve().parent
SHARED = HERE.parent.parent / "shared" / "seeds"


@pytest.mark.skipif(not SHARED.is_dir(), reason="no shared/ beside this checkout (a clone elsewhere)")
def test_copy_equals_shared_seeds() -> None:
    copy = {p.name: p.read_bytes() for p in (HERE / "seeds").glob("*.txt")}
    shared = {p.name: p.read_bytes() for p in SHARED.glob("*.txt")}
    assert copy == shared
