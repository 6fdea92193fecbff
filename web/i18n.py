"""Chinese first, English by a switch (?lang=en, remembered in the session); Beijing time.

Messages are Chinese in the source; English lives in translations/en/LC_MESSAGES/messages.po
and its compiled messages.mo is committed (built by `python -m web.i18n`), so nothing is
compiled at run time. A test checks the .mo is up to date with the .po and that every marked
string has a translation. To add strings: `pybabel extract -F web/babel.cfg -k _ -o /tmp/m.pot web`,
add the new msgids with their English to messages.po, then `python -m web.i18n`.
"""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path
from typing import Any

from flask import Flask, request, session
from flask_babel import Babel, get_locale
from markupsafe import Markup, escape

from .deps import BEIJING

LANGS = ("zh", "en")
TRANSLATIONS = Path(__file__).parent / "translations"


def select_locale() -> str:
    lang = request.args.get("lang")
    if lang in LANGS:
        session["lang"] = lang
        return lang
    return session.get("lang") or "zh"


def to_beijing(value: Any) -> datetime | date | None:
    """An ISO string / datetime as Beijing time; a date stays a date."""
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
        if value.tzinfo is None:
            value = value.replace(tzinfo=BEIJING)
        return value.astimezone(BEIJING)
    return value if isinstance(value, date) else None


def bjtime(value: Any, with_time: bool = True) -> str:
    v = value
    if isinstance(v, str) and len(v) == 10:  # a date only: show it as it is
        return v
    d = to_beijing(v)
    if d is None:
        return "—"
    if isinstance(d, datetime):
        return d.strftime("%Y-%m-%d %H:%M") if with_time else d.strftime("%Y-%m-%d")
    return d.isoformat()


def nl2br(text: str) -> Markup:
    return Markup("<br>").join(escape(line) for line in (text or "").split("\n"))


def init_app(app: Flask) -> None:
    Babel(app, locale_selector=select_locale,
          default_translation_directories=str(TRANSLATIONS))
    app.jinja_env.filters["bjtime"] = bjtime
    app.jinja_env.filters["nl2br"] = nl2br
    app.jinja_env.globals["current_lang"] = lambda: str(get_locale() or "zh")


def compile_catalogues() -> list[Path]:
    """Compile every messages.po to messages.mo (run at build time, result committed)."""
    from babel.messages.mofile import write_mo
    from babel.messages.pofile import read_po

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
