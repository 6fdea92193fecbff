"""Chat robots (DingTalk, WeCom, Feishu, …) through apprise: no hand-written clients."""

from __future__ import annotations

import apprise

from nianbao.errors import ServiceUnavailable

from .subscriptions import SubscriptionError


def check_url(url: str) -> None:
    """Accept any notification URL apprise understands (dingtalk://, wecombot://, feishu://, …)."""
    if not url or not apprise.Apprise().add(url):
        raise SubscriptionError(f"不支持的机器人地址 / unsupported chat URL: {url!r}")


def notify(url: str, title: str, text: str) -> None:
    app = apprise.Apprise()
    app.add(url)
    if not app.notify(title=title, body=text, body_format=apprise.NotifyFormat.TEXT):
        raise ServiceUnavailable(f"机器人通知失败 / chat notification failed ({url.split('://')[0]})")
