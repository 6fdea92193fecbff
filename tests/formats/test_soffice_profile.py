"""LibreOffice runs reuse their thread's profile (most of a one-document run is making one),
one profile per thread, and a run that timed out leaves its profile behind."""

from __future__ import annotations

import subprocess
import threading
from pathlib import Path

import pytest

from indexer.parse.formats import convert
from indexer.parse.formats.word import extract_docx
from indexer.parse.report import build_report
from tests.formats.tools import require_soffice


def _profile_used(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    seen: list[str] = []
    real = subprocess.run

    def run(cmd, *a, **kw):  # type: ignore[no-untyped-def]
        seen.append(next(c for c in cmd if c.startswith("-env:UserInstallation=")))
        return real(cmd, *a, **kw)

    monkeypatch.setattr(convert.subprocess, "run", run)
    return seen


def test_one_profile_per_thread_reused(rendered, report, monkeypatch: pytest.MonkeyPatch) -> None:
    require_soffice()
    doc = rendered("doc")
    seen = _profile_used(monkeypatch)
    convert.soffice_convert(doc, "doc", "docx")
    second = convert.soffice_convert(doc, "doc", "docx")
    assert seen[0] == seen[1]  # the same profile, made once
    assert Path(seen[0].split("file://", 1)[1]).is_dir()
    # and it still converts correctly the second time
    assert build_report(extract_docx(second)).to_json()["applications"] == report["applications"]
    other: list[str] = []
    t = threading.Thread(target=lambda: other.append(convert._profile().as_uri()))
    t.start()
    t.join()
    assert other[0] != Path(seen[0].split("file://", 1)[1]).as_uri()


def test_timeout_drops_the_profile(monkeypatch: pytest.MonkeyPatch) -> None:
    before = convert._profile()

    def slow(cmd, *a, **kw):  # type: ignore[no-untyped-def]
        raise subprocess.TimeoutExpired(cmd, kw.get("timeout") or 1)

    monkeypatch.setattr(convert.subprocess, "run", slow)
    with pytest.raises(convert.ConversionError, match="超时"):
        convert.soffice_convert(b"x", "doc", "docx", timeout=1)
    assert not before.exists() and convert._profile() != before
