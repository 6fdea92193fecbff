"""Subscription pages: create, confirm, edit, cancel by secret link; Atom feeds.

All rules live in monitor.subscriptions; these views only turn forms into its calls."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Response, flash, redirect, render_template, request, url_for
from werkzeug.wrappers import Response as BaseResponse  # what redirect() returns

from monitor import feeds
from monitor import subscriptions as subs

from .. import deps
from ..errors import BadRequest, NotFound
from ..security import csrf
from ..sublabels import context

bp = Blueprint("subscriptions", __name__)


@bp.app_context_processor
def _labels() -> dict[str, Any]:
    return context()


def call(fn: Any, *args: Any, **kwargs: Any) -> Any:
    """monitor's errors as HTTP errors: bad input 400, unknown token 404."""
    try:
        return fn(*args, **kwargs)
    except subs.SubscriptionNotFound as exc:
        raise NotFound(str(exc)) from None
    except subs.SubscriptionError as exc:
        raise BadRequest(str(exc)) from None


def params_from(form: Any) -> dict[str, Any]:
    keys = ("q", "province", "city", "county", "year", "publisher_id")
    out: dict[str, Any] = {k: form.get(k, "").strip() for k in keys if form.get(k, "").strip()}
    codes = form.getlist("codes") if hasattr(form, "getlist") else form.get("codes")
    if codes:
        out["codes"] = codes if len(codes) > 1 or "," not in codes[0] else codes[0].split(",")
    return out


def _form_context(**extra: Any) -> dict[str, Any]:
    return {"kinds": subs.KINDS, "channels": subs.CHANNELS, "modes": subs.MODES,
            "codes": subs.KNOWN_CODES, **extra}


@bp.route("/subscriptions/new", methods=["GET", "POST"])
def new() -> BaseResponse | str | tuple[str, int]:
    if request.method == "GET":
        return render_template("subscription_new.html", **_form_context(values=request.args))
    try:
        sub = subs.create(deps.db(), deps.settings(), kind=request.form.get("kind", ""),
                         channel=request.form.get("channel", ""), target=request.form.get("target", ""),
                         params=params_from(request.form), mode=request.form.get("mode", "immediate"),
                         label=request.form.get("label", ""))
    except subs.SubscriptionError as exc:
        return render_template("subscription_new.html", error=str(exc),
                               **_form_context(values=request.form)), 400
    except subs.MailUnavailable as exc:  # nothing was kept: the form comes back as it was sent
        return render_template("subscription_new.html", error=str(exc),
                               **_form_context(values=request.form)), 503
    if sub.channel == "email":
        flash("请查收确认邮件，点击其中的链接后订阅生效 / check your mail and click the confirmation link")
    return redirect(url_for("subscriptions.manage", token=sub.token))


@bp.route("/subscriptions/<token>", methods=["GET", "POST"])
def manage(token: str) -> BaseResponse | str | tuple[str, int]:
    if request.method == "POST":
        changes: dict[str, Any] = {"params": params_from(request.form),
                                   "mode": request.form.get("mode", "immediate"),
                                   "label": request.form.get("label", "")}
        if request.form.get("target"):
            changes["target"] = request.form["target"]
        if request.form.get("resume"):
            changes["status"] = "active"
        try:
            call(subs.update, deps.db(), token, deps.settings(), **changes)
        except BadRequest as exc:  # the edit form comes back with what was typed
            deps.db().rollback()
            return _manage_page(token, request.form, error=exc.message), 400
        flash("订阅已更新 / subscription updated")
        return redirect(url_for("subscriptions.manage", token=token))
    return _manage_page(token, None)


def _manage_page(token: str, values: Any, error: str | None = None) -> str:
    sub = call(subs.get, deps.db(), token)
    events = call(subs.list_events, deps.db(), token)
    d = subs.to_dict(sub, deps.settings())
    if values is None:
        values = {**(d.get("params") or {}), "mode": d.get("mode"), "label": d.get("label")}
    return render_template("subscription_manage.html", sub=d, events=events, error=error,
                           **_form_context(values=values))


@bp.route("/subscriptions/<token>/confirm", methods=["GET", "POST"])
def confirm(token: str) -> BaseResponse | str:
    # GET shows a button (mail scanners prefetch links); the POST confirms.
    if request.method == "GET":
        sub = call(subs.get, deps.db(), token)
        return render_template("subscription_confirm.html", sub=subs.to_dict(sub, deps.settings()),
                               action="confirm")
    call(subs.confirm, deps.db(), token)
    flash("订阅已确认 / subscription confirmed")
    return redirect(url_for("subscriptions.manage", token=token))


@bp.route("/subscriptions/<token>/unsubscribe", methods=["GET", "POST"])
@bp.route("/subscriptions/<token>/cancel", methods=["POST"])
def cancel(token: str) -> BaseResponse | str:
    if request.method == "GET":  # a question first; the POST (or a mail client's one-click) cancels
        sub = call(subs.get, deps.db(), token, include_cancelled=True)
        if sub.status == "cancelled":
            return render_template("subscription_cancelled.html")
        return render_template("subscription_confirm.html", sub=subs.to_dict(sub, deps.settings()),
                               action="cancel")
    call(subs.cancel, deps.db(), token)
    return render_template("subscription_cancelled.html")


def _one_click_exempt() -> None:
    # RFC 8058 one-click unsubscribe: mail clients POST without our CSRF token; the secret
    # token in the URL is the authority, and cancelling is idempotent and harmless.
    csrf.exempt("web.views.subscriptions.cancel")


_one_click_exempt()


@bp.route("/feeds/<token>.atom")
def feed(token: str) -> Response:
    try:
        body = feeds.atom(deps.db(), token, deps.settings())
    except subs.SubscriptionNotFound as exc:
        raise NotFound(str(exc)) from None
    return Response(body, mimetype="application/atom+xml")
