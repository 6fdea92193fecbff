"""Help and about: the query language, what each finding means, where the data comes from."""

from __future__ import annotations

from flask import Blueprint, Response

from ..findings import MEANINGS
from ..respond import respond

bp = Blueprint("help", __name__)


@bp.route("/help")
@bp.route("/help.<any(json):fmt>")
def help(fmt: str | None = None) -> Response:  # noqa: A001 — the page's name
    data = {"findings": [{"code": c, "zh": zh, "en": en} for c, (zh, en) in MEANINGS.items()]}
    return respond("help.html", data, fmt=fmt)
