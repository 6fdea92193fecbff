"""One clock: "today" is the configured zone's day, never the server's own."""

from __future__ import annotations

from datetime import datetime
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
