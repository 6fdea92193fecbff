"""One clock: "now" and "today" in the configured time zone (Settings.timezone).

Deadlines, lateness and the year shown by default are days in that zone (Beijing by default:
the statutory deadlines are China's dates), never the server's own: a server on UTC would
otherwise start a day eight hours late. Times stored naive by the state database keep their
own conventions (the crawler's UTC, the outbox's server clock); this is only for "today".
"""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

from .settings import Settings, get_settings

DEFAULT_ZONE = "Asia/Shanghai"  # Settings.timezone's default


def zone(name: str | None = None) -> ZoneInfo:
    """The zone named (default: Settings.timezone); an unknown name falls back to Beijing."""
    name = get_settings().timezone if name is None else name
    try:
        return ZoneInfo(name or DEFAULT_ZONE)
    except (KeyError, ValueError):
        return ZoneInfo(DEFAULT_ZONE)


def now(settings: Settings | None = None) -> datetime:
    """Now, aware, in the configured zone."""
    return datetime.now(zone((settings or get_settings()).timezone))


def today(settings: Settings | None = None) -> date:
    """Today in the configured zone."""
    return now(settings).date()
