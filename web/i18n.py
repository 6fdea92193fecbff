"""Chinese first, English by a switch (?lang=en, remembered in the session); times shown in
the configured time zone (Settings.timezone, Beijing by default).

Messages are Chinese in the source; English lives in translations/en/LC_MESSAGES/messages.po
and its compiled messages.mo is committed (built by `python -m web.i18n`), so nothing is
compiled at run time. A test checks the .mo is up to date with the .po and that every marked
string has a translation. To add strings: `pybabel extract -F web/babel.cfg -k _ -o /tmp/m.pot web`,
add the new msgids with their English to messages.po, then `python -m web.i18n`.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlencode
from zoneinfo import ZoneInfo

from flask import Flask, current_app, has_app_context, request, session
from flask_babel import Babel, get_locale, gettext
from markupsafe import Markup, escape

from nianbao import clock

LANGS = ("zh", "en")
TRANSLATIONS = Path(__file__).parent / "translations"


def select_locale() -> str:
    lang = request.args.get("lang")
    if lang in LANGS:
        session["lang"] = lang
        return lang
    return session.get("lang") or "zh"


def zone() -> ZoneInfo:
    """The configured time zone (Settings.timezone)."""
    name = current_app.config.get("BABEL_DEFAULT_TIMEZONE") if has_app_context() else None
    return clock.zone(name or clock.DEFAULT_ZONE)


def to_local(value: Any, naive: str = "local") -> datetime | date | None:
    """An ISO string / datetime in the configured time zone; a date stays a date.

    A value without an offset is ambiguous: `naive="local"` takes it as wall time in the
    configured zone (a date a page shows), `"utc"` as UTC (what the crawler and the review log
    store), `"system"` as the server's own clock (`nianbao.clock.system_now()`, the snapshot and alert
    tables)."""
    if value in (None, ""):
        return None
    if isinstance(value, str):
        try:
            if len(value) == 10:
                return date.fromisoformat(value)
            value = datetime.fromisoformat(value.replace("Z", "+00:00"))
        except ValueError:
            return None
    if isinstance(value, datetime):
        tz = zone()
        if value.tzinfo is None:
            if naive == "utc":
                value = value.replace(tzinfo=UTC)
            elif naive == "system":
                value = value.astimezone()
            else:
                value = value.replace(tzinfo=tz)
        return value.astimezone(tz)
    return value if isinstance(value, date) else None


to_beijing = to_local


def bjtime(value: Any, with_time: bool = True, naive: str = "local") -> str:
    """A time for a page, in the configured zone (the filter keeps its old name)."""
    v = value
    if isinstance(v, str) and len(v) == 10:  # a date only: show it as it is
        return v
    d = to_local(v, naive)
    if d is None:
        return "—"
    if isinstance(d, datetime):
        return d.strftime("%Y-%m-%d %H:%M") if with_time else d.strftime("%Y-%m-%d")
    return d.isoformat()


def tz_note() -> str:
    """The footer's note on which clock the times use."""
    key = str(zone())
    if key in ("Asia/Shanghai", "Asia/Chongqing", "Asia/Harbin", "PRC"):
        return gettext("时间均为北京时间")
    return gettext("时间均为 %(tz)s 时间", tz=key)


def lang_url(lang: str) -> str:
    """This page in the other language: the same path and every query parameter kept."""
    params = [(k, v) for k, v in request.args.items(multi=True) if k != "lang"]
    params.append(("lang", lang))
    return f"{request.path}?{urlencode(params)}"


def nl2br(text: str) -> Markup:
    return Markup("<br>").join(escape(line) for line in (text or "").split("\n"))


def init_app(app: Flask) -> None:
    Babel(app, locale_selector=select_locale,
          default_translation_directories=str(TRANSLATIONS))
    app.jinja_env.filters["bjtime"] = bjtime
    app.jinja_env.filters["nl2br"] = nl2br
    app.jinja_env.globals["current_lang"] = lambda: str(get_locale() or "zh")
    app.jinja_env.globals.update(lang_url=lang_url, tz_note=tz_note)


def compile_catalogues() -> list[Path]:
    """Compile every messages.po to messages.mo (run at build time, result committed)."""
    from babel.messages.mofile import write_mo  # build time only (`python -m web.i18n`)
    from babel.messages.pofile import read_po  # build time only

    out = []
    for po in TRANSLATIONS.glob("*/LC_MESSAGES/messages.po"):
        with po.open("rb") as f:
            catalog = read_po(f)
        mo = po.with_suffix(".mo")
        with mo.open("wb") as f:
            write_mo(f, catalog)
        out.append(mo)
    return out


if __name__ == "__main__":
    for p in compile_catalogues():
        print(p)
