"""One clock: "now" and "today" in the configured time zone (Settings.timezone), for every
package.

Deadlines, lateness and the year shown by default are days in that zone (Beijing by default:
the statutory deadlines are China's dates), never the server's own: a server on UTC would
otherwise start a day eight hours late. Times stored naive by the state database keep their
own conventions, each with its function here: the crawler's naive UTC (`utcnow`), the
outbox's, subscriptions' and snapshots' server clock (`system_now`).

The demo's simulated world moves this clock (`set_date`): every "now" below is then the world's
(its date, the real time of day), so what the crawler records, the alerts and the dashboard all
happen on the world's dates. Durations and timeouts are no business of this module
(time.monotonic), nor are technical stamps that only order or name files (an index's or a WARC
file's name, a document's indexed_at, a lease).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo

from .settings import Settings, get_settings

DEFAULT_ZONE = "Asia/Shanghai"  # Settings.timezone's default

_offset = timedelta(0)  # set_date: how far the demo's world is from the real date


def zone(name: str | None = None) -> ZoneInfo:
    """The zone named (default: Settings.timezone); an unknown name falls back to Beijing."""
    name = get_settings().timezone if name is None else name
    try:
        return ZoneInfo(name or DEFAULT_ZONE)
    except (KeyError, ValueError):
        return ZoneInfo(DEFAULT_ZONE)


def utc() -> datetime:
    """Now, aware, in UTC."""
    return datetime.now(UTC) + _offset


def now(settings: Settings | None = None) -> datetime:
    """Now, aware, in the configured zone."""
    return utc().astimezone(zone((settings or get_settings()).timezone))


def today(settings: Settings | None = None) -> date:
    """Today in the configured zone."""
    return now(settings).date()


def utcnow() -> datetime:
    """Now as the crawler stores it: naive UTC, to the second."""
    return utc().replace(tzinfo=None, microsecond=0)


def system_now() -> datetime:
    """Now as the monitor's tables store it: naive, the server's own clock (microseconds kept)."""
    return utc().astimezone().replace(tzinfo=None)


def set_date(day: date, settings: Settings | None = None) -> None:
    """Move the clock so that `today()` is `day` (the time of day stays real): the demo's world
    clock. `set_date(real today)` puts it back."""
    global _offset
    real = datetime.now(UTC).astimezone(zone((settings or get_settings()).timezone)).date()
    _offset = timedelta(days=(day - real).days)


def offset() -> timedelta:
    """How far the clock has been moved from the real date (whole days; 0 unless moved)."""
    return _offset


@lru_cache(maxsize=16)
def fixed_offset(name: str) -> timedelta | None:
    """The zone's UTC offset when it has been the same all year since 1992 (Beijing: +8 h since
    1991), else None (daylight saving time, or a change of offset)."""
    z = zone(name)
    seen = {datetime(y, m, 1, tzinfo=UTC).astimezone(z).utcoffset()
            for y in range(1992, 2040) for m in range(1, 13)}
    only = seen.pop() if len(seen) == 1 else None
    return only


def utc_to_local(settings: Settings | None = None) -> Callable[[datetime], datetime]:
    """A converter of naive UTC times (the crawler's) to naive wall times in the configured zone.
    For a zone without daylight saving time it is an addition of the zone's fixed offset (80,000
    of them for a national view) from 1992 on, a zone conversion before; otherwise always one."""
    z = zone((settings or get_settings()).timezone)
    fixed = fixed_offset(z.key)

    def convert(value: datetime) -> datetime:
        if fixed is not None and value.year >= 1992:
            return value + fixed
        return value.replace(tzinfo=UTC).astimezone(z).replace(tzinfo=None)

    return convert
