"""The parser's resource limits (indexer/parse/formats/limits.py, zipguard.py, worker.py):
each hostile document of tests/formats/hostile.py is refused quickly, with a bilingual
ParseError naming the setting, in a worker that stays small."""

from __future__ import annotations

import time
from collections.abc import Iterator

import pytest

from indexer.parse import ParseError, parse, worker
from indexer.parse.formats import limits
from nianbao.settings import get_settings
from tests.formats import hostile

FAST_S = 5.0  # every refusal below takes well under a second on a quiet machine
PEAK_MB = 500


@pytest.fixture
def settings_env(monkeypatch) -> Iterator:
    """set(NAME=value, …): NIANBAO_PARSE_NAME settings for this test."""

    def set_(**kw) -> None:
        for key, value in kw.items():
            monkeypatch.setenv(f"NIANBAO_PARSE_{key.upper()}", str(value))
        get_settings.cache_clear()

    yield set_
    monkeypatch.undo()
    get_settings.cache_clear()


@pytest.fixture
def fresh_worker() -> Iterator[None]:
    """No idle parse worker before or after: the next parse starts a new child, so its peak
    memory is that document's."""
    worker.shutdown()
    yield
    worker.shutdown()


def _refused(data: bytes, name: str, setting: str) -> tuple[str, float]:
    t = time.perf_counter()
    with pytest.raises(ParseError) as info:
        parse(data, name)
    seconds = time.perf_counter() - t
    msg = str(info.value)
    assert setting in msg, msg
    assert "超过上限" in msg and "exceeds the limit" in msg, msg  # Chinese / English
    assert "\n" not in msg
    return msg, seconds


def _worker_peak_mb() -> float:
    """VmHWM of the (one) idle parse worker: the peak RSS of everything it parsed."""
    assert len(worker._idle) == 1
    pid = worker._idle[0].proc.pid
    with open(f"/proc/{pid}/status") as f:
        kb = next(int(line.split()[1]) for line in f if line.startswith("VmHWM:"))
    return kb / 1024


def test_docx_inflating_to_1_5_gib_is_refused_quickly_and_small(fresh_worker):
    data = hostile.docx_bomb()
    assert len(data) < 2 * hostile.MIB
    msg, seconds = _refused(data, "bomb.docx", "parse_zip_max_bytes")
    assert "DOCX" in msg and "1,610,613,026" in msg  # the declared size, never inflated
    assert seconds < FAST_S
    assert _worker_peak_mb() < PEAK_MB


@pytest.mark.parametrize("declared", [4096, 50 * hostile.MIB])
def test_docx_with_a_lying_header_stops_at_the_declared_size(fresh_worker, declared):
    """The directory says `declared` bytes (under the limit); the member inflates to 1.5 GiB."""
    t = time.perf_counter()
    with pytest.raises(ParseError, match=f"{declared:,} 字节（大小信息不实）.*lying header"):
        parse(hostile.docx_bomb(declared=declared), "lying.docx")
    assert time.perf_counter() - t < FAST_S
    assert _worker_peak_mb() < PEAK_MB


def test_read_budget_counts_the_bytes_inflated(settings_env):
    """A lying header under the budget still stops at the budget, not at its own size."""
    settings_env(zip_max_bytes=8 * hostile.MIB, isolate=0)
    data = hostile.docx_bomb(inflated=64 * hostile.MIB, declared=2 * hostile.MIB)
    _refused(hostile.docx_bomb(inflated=64 * hostile.MIB), "big.docx", "parse_zip_max_bytes")
    with pytest.raises(ParseError, match="lying header"):
        parse(data, "lying.docx")


def test_dense_xml_is_refused_before_lxml_builds_it(fresh_worker):
    """60 MiB of `<w:p/>` (under the byte limit): ~1.3 GB as a DOM, so refused by count."""
    msg, seconds = _refused(hostile.docx_dense(60 * hostile.MIB), "dense.docx",
                            "parse_xml_max_elements")
    assert seconds < FAST_S
    assert _worker_peak_mb() < PEAK_MB


def test_zip_with_too_many_members():
    msg, seconds = _refused(hostile.many_members(6_000), "many.docx", "parse_zip_max_members")
    assert "6,001" in msg and "5,000" in msg
    assert seconds < FAST_S


def test_member_limit_is_a_setting(settings_env, rendered):
    docx = rendered("docx")
    parse(docx, "ok.docx")
    settings_env(zip_max_members=3)
    _refused(docx, "ok.docx", "parse_zip_max_members")


def test_giant_image_only_pdf_page_is_not_rendered(fresh_worker):
    """695 bytes, one 14400×14400 pt page without text: 40,000² pixels at 200 dpi."""
    data = hostile.pdf_giant_page()
    assert len(data) < 1000
    msg, seconds = _refused(data, "giant.pdf", "parse_page_max_pixels")
    assert "40000×40000" in msg
    assert seconds < FAST_S
    assert _worker_peak_mb() < PEAK_MB


def test_giant_image_in_a_pdf_page(fresh_worker):
    msg, seconds = _refused(hostile.pdf_giant_image(), "image.pdf", "parse_image_max_pixels")
    assert "20000×20000" in msg
    assert seconds < FAST_S
    assert _worker_peak_mb() < PEAK_MB


def test_pixel_limits_are_settings(settings_env):
    """A 1000×1000 pt scan renders 2778² pixels at 200 dpi: under the default, over 1 M."""
    settings_env(page_max_pixels=1_000_000)
    _refused(hostile.pdf_giant_page(1000), "page.pdf", "parse_page_max_pixels")


def test_png_bomb():
    msg, seconds = _refused(hostile.png_bomb(), "bomb.png", "parse_image_max_pixels")
    assert seconds < FAST_S


def test_pdf_with_too_many_pages():
    msg, seconds = _refused(hostile.pdf_many_pages(2_001), "pages.pdf", "parse_max_pages")
    assert "2,001" in msg
    assert seconds < FAST_S


def test_ofd_with_20000_references_to_one_page(fresh_worker):
    data = hostile.ofd_references(20_000)
    assert len(data) < 100_000
    msg, seconds = _refused(data, "refs.ofd", "parse_max_references")
    assert "OFD" in msg and "20,000" in msg
    assert seconds < FAST_S
    assert _worker_peak_mb() < PEAK_MB


def test_ofd_page_limit(settings_env):
    settings_env(max_pages=10, isolate=0)
    msg, _ = _refused(hostile.ofd_references(11), "pages.ofd", "parse_max_pages")
    assert "OFD" in msg


def test_ofd_within_the_limits_parses():
    report = parse(hostile.ofd_references(3, lines=5), "ok.ofd")
    assert "年度报告第4行内容" in report.text


def test_worker_past_the_wall_time_is_killed(settings_env, monkeypatch, fresh_worker):
    """A document that keeps the worker busy (1.4 M paragraphs, ~4 s; no cooperative check
    inside lxml or the DOCX walk) is killed at the wall time plus the grace period."""
    settings_env(timeout_seconds=0.5)
    monkeypatch.setattr(worker, "GRACE_SECONDS", 0.3)
    started: list = []
    take = worker._take
    monkeypatch.setattr(worker, "_take", lambda: started.append(take()) or started[-1])
    msg, seconds = _refused(hostile.docx_dense(8 * hostile.MIB), "slow.docx",
                            "parse_timeout_seconds")
    assert 0.8 <= seconds < 3.0
    assert "单个文件的解析时间" in msg
    (killed,) = started
    assert killed.proc.returncode is not None and killed.proc.returncode < 0  # SIGKILL
    assert not worker._idle
    # the next document gets a new worker and parses
    monkeypatch.setattr(worker, "_take", take)
    settings_env(timeout_seconds=60)
    assert parse(hostile.ofd_references(2, lines=3), "ok.ofd").text


def test_wall_time_in_process_stops_between_pages(settings_env):
    """Without the worker the adapters stop themselves at the deadline (between pages)."""
    settings_env(timeout_seconds=0.000001, isolate=0)
    _refused(hostile.pdf_many_pages(50), "pages.pdf", "parse_timeout_seconds")


def test_limit_error_names_setting_value_and_found():
    exc = limits.LimitExceeded("PDF 页数", "PDF page count", "parse_max_pages", 2000, 5000)
    assert str(exc) == ("PDF 页数超过上限 2,000（实际 5,000），设置 parse_max_pages / PDF page "
                        "count exceeds the limit of 2,000 (found 5,000), setting parse_max_pages")


def test_limits_come_from_settings(monkeypatch):
    """Every limit is a setting: an environment variable changes what a parse enforces."""
    monkeypatch.setenv("NIANBAO_PARSE_MAX_PAGES", "7")
    get_settings.cache_clear()
    try:
        assert limits.Limits.from_settings(get_settings()).max_pages == 7
        assert limits.current().max_pages == 7
    finally:
        monkeypatch.delenv("NIANBAO_PARSE_MAX_PAGES")
        get_settings.cache_clear()


def test_a_child_grown_past_its_memory_budget_is_not_kept(monkeypatch, fresh_worker):
    """Children are recycled by size (MAX_RSS_MB), not after a few hundred small documents."""
    parse(b"<html><body><p>2024\xe5\xb9\xb4</p></body></html>", "a.html", side_by_side=True)
    assert len(worker._idle) == 1 and worker._rss_mb(worker._idle[0].proc.pid) > 10
    first = worker._idle[0].proc.pid
    parse(b"<html><body><p>2024\xe5\xb9\xb4</p></body></html>", "a.html", side_by_side=True)
    assert [w.proc.pid for w in worker._idle] == [first]  # kept and reused
    monkeypatch.setattr(worker, "MAX_RSS_MB", 1)
    parse(b"<html><body><p>2024\xe5\xb9\xb4</p></body></html>", "a.html", side_by_side=True)
    assert worker._idle == []
