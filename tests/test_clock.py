"""One clock: "today" is the configured zone's day, never the server's own."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from nianbao import clock
from nianbao.settings import get_settings


def test_today_is_the_configured_zones_day() -> None:
    for name in ("Pacific/Kiritimati", "Etc/GMT+12", "Asia/Shanghai"):  # UTC+14 … UTC-12
        settings = get_settings().model_copy(update={"timezone": name})
        before = datetime.now(ZoneInfo(name)).date()
        assert before <= clock.today(settings) <= datetime.now(ZoneInfo(name)).date()
        assert clock.now(settings).utcoffset() == datetime.now(ZoneInfo(name)).utcoffset()


def test_an_unknown_zone_falls_back_to_beijing() -> None:
    assert clock.zone("Mars/Olympus_Mons") == ZoneInfo("Asia/Shanghai")
    assert clock.zone("") == ZoneInfo("Asia/Shanghai")


def test_the_world_clock_moves_every_now() -> None:
    """The demo moves nianbao.clock (set_date): today, the crawler's UTC and the monitor's
    server clock all move with it, by whole days, the time of day kept."""
    settings = get_settings()
    real = clock.today(settings)
    try:
        clock.set_date(date(2025, 1, 29), settings)
        assert clock.today(settings) == date(2025, 1, 29)
        assert clock.offset() == timedelta(days=(date(2025, 1, 29) - real).days)
        assert abs(clock.utcnow() - (datetime.now(UTC).replace(tzinfo=None) + clock.offset())) < timedelta(seconds=2)
        assert abs(clock.system_now() - (datetime.now() + clock.offset())) < timedelta(seconds=2)
        assert clock.utcnow().microsecond == 0
    finally:
        clock.set_date(real, settings)
    assert clock.offset() == timedelta(0) and clock.today(settings) == real


def test_utc_to_local_adds_a_fixed_offset_only_where_the_zone_has_one() -> None:
    times = [datetime(1988, 7, 1, 20), datetime(1991, 1, 1, 3), datetime(2025, 1, 31, 16, 30),
             datetime(2025, 7, 1, 0, 5), datetime(2030, 12, 31, 23, 59)]
    for name, fixed in (("Asia/Shanghai", timedelta(hours=8)), ("Europe/Berlin", None),
                        ("Asia/Kolkata", timedelta(hours=5, minutes=30))):
        settings = get_settings().model_copy(update={"timezone": name})
        assert clock.fixed_offset(name) == fixed
        convert = clock.utc_to_local(settings)
        for t in times:  # the same as a zone conversion (Beijing kept summer time until 1991)
            assert convert(t) == t.replace(tzinfo=UTC).astimezone(ZoneInfo(name)).replace(tzinfo=None), (name, t)


WALL_CLOCK = re.compile(r"\b(datetime\.(now|utcnow|today)|date\.today|time\.time)\(")
# Reads of the real clock that are no business "now": timing, and stamps that only name or order.
TECHNICAL = {
    "crawler/archive.py": "the WARC file's name",
    "crawler/httputil.py": "seconds until a Retry-After date",
    "crawler/queue.py": "the queue's leases (durations)",
    "indexer/store.py": "indexed_at (a rebuild's catch-up mark) and the index name's stamp",
    "nianbao/app/demo_live.py": "the demo clock's own tick schedule and the mail catcher's arrival time",
    "web/views/admin.py": "when a crawl job from the admin page started and finished",
}


def test_every_now_is_the_clocks() -> None:
    """Business logic reads "now" and "today" from nianbao.clock only (the demo moves it)."""
    root = Path(__file__).resolve().parent.parent
    found = set()
    for pkg in ("nianbao", "crawler", "indexer", "monitor", "web", "simweb"):
        for path in (root / pkg).rglob("*.py"):
            rel = path.relative_to(root).as_posix()
            if rel != "nianbao/clock.py" and WALL_CLOCK.search(path.read_text(encoding="utf-8")):
                found.add(rel)
    assert found <= set(TECHNICAL), sorted(found - set(TECHNICAL))
