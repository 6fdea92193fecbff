"""Chat robots (DingTalk, WeCom, Feishu/Lark, generic JSON) through apprise: no hand-written
clients. Only robots that speak HTTP are accepted, so that the outbound policy
(`nianbao.outbound.guard`) sees every connection they open: a generic json:// robot's host is
checked when the subscription is made, and every address connected at send time (redirects
included, which are switched off anyway) is checked again."""

from __future__ import annotations

import re

import apprise

from nianbao import outbound
from nianbao.errors import ServiceUnavailable, UsageError
from nianbao.settings import Settings

# scheme -> True when the URL names the host to post to (else the service's fixed endpoint)
SCHEMES = {"dingtalk": False, "wecombot": False, "feishu": False, "lark": False,
           "json": True, "jsons": True}
_CONTROL = re.compile(r"[\x00-\x20\x7f-\x9f]")


class UnsupportedChatUrl(UsageError):
    """Not a chat robot URL of a supported service (a subscription refuses it)."""


def _app(url: str) -> apprise.Apprise:
    app = apprise.Apprise(asset=apprise.AppriseAsset(async_mode=False))
    if not app.add(url):
        raise UnsupportedChatUrl(f"不支持的机器人地址 / unsupported chat URL: {url!r}")
    for server in app:
        server.redirects = False  # a redirect could lead anywhere: never followed
    return app


def check_url(url: str, settings: Settings | None = None) -> None:
    """A chat robot URL of a supported service; a generic robot's host must pass the policy."""
    scheme = (url or "").split("://", 1)[0].lower()
    if not url or scheme not in SCHEMES or _CONTROL.search(url):
        raise UnsupportedChatUrl(f"不支持的机器人地址 / unsupported chat URL: {url!r} "
                                f"({', '.join(s + '://' for s in SCHEMES)})")
    app = _app(url)
    if SCHEMES[scheme]:
        for server in app:
            http = "https" if scheme.endswith("s") else "http"
            port = f":{server.port}" if getattr(server, "port", None) else ""
            outbound.check_url(f"{http}://{server.host}{port}/", settings)


def notify(url: str, title: str, text: str, settings: Settings | None = None) -> None:
    app = _app(url)
    with outbound.guard(settings) as guarded:
        ok = app.notify(title=title, body=text, body_format=apprise.NotifyFormat.TEXT)
    if guarded.refused:
        raise outbound.OutboundRefused(guarded.refused[0])
    if not ok:
        raise ServiceUnavailable(f"机器人通知失败 / chat notification failed ({url.split('://')[0]})")
