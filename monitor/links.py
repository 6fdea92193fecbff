"""A subscription's links, served by the portal: its page, the confirmation and unsubscribe
links, its Atom feed. The mails, webhooks and feeds write them; monitor.subscriptions hands
them to the portal."""

from __future__ import annotations

from nianbao.settings import Settings


def manage_url(settings: Settings, token: str) -> str:
    return f"{settings.base_url.rstrip('/')}/subscriptions/{token}"


def confirm_url(settings: Settings, token: str) -> str:
    return f"{manage_url(settings, token)}/confirm"


def unsubscribe_url(settings: Settings, token: str) -> str:
    return f"{manage_url(settings, token)}/unsubscribe"


def feed_url(settings: Settings, token: str) -> str:
    return f"{settings.base_url.rstrip('/')}/feeds/{token}.atom"
