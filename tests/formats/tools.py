"""System tools the format tests need: missing ones fail the test (never skip it into green)."""

from __future__ import annotations

import functools
import shutil
import subprocess

import pytest

APT = "tesseract-ocr tesseract-ocr-chi-sim libreoffice-writer-nogui antiword fonts-wqy-zenhei"


def require(cmd: str, apt: str) -> None:
    """Fail with a clear message when `cmd` is not on PATH."""
    if shutil.which(cmd) is None:
        pytest.fail(f"缺少系统工具 {cmd}：请安装 apt 包 {apt}（scripts/setup 会装：{APT}）", pytrace=False)


@functools.lru_cache(maxsize=1)
def _tesseract_langs() -> str:
    proc = subprocess.run(["tesseract", "--list-langs"], capture_output=True, text=True, timeout=30)
    return proc.stdout + proc.stderr


def require_soffice() -> None:
    require("soffice", "libreoffice-writer-nogui")


def require_tesseract() -> None:
    require("tesseract", "tesseract-ocr")
    if "chi_sim" not in _tesseract_langs().split():
        pytest.fail("Tesseract 缺少中文语言包 chi_sim：请安装 apt 包 tesseract-ocr-chi-sim", pytrace=False)
