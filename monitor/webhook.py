"""Webhooks: JSON POST signed with HMAC-SHA256 over the raw body, with the delivery key as
event id so a receiver can drop a repeat. The target is checked by the outbound policy
(`nianbao.outbound`) at every send and the POST goes to the address that was checked;
redirects are never followed."""

from __future__ import annotations

import hashlib
import hmac
import json

import httpx

from nianbao import outbound
from nianbao.errors import ServiceUnavailable
from nianbao.settings import Settings

from .models import Subscription

SIGNATURE_HEADER = "X-Nianbao-Signature"  # "sha256=<hex>"
EVENT_HEADER = "X-Nianbao-Event-Id"


def sign(secret: str, body: bytes) -> str:
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def verify(secret: str, body: bytes, header: str) -> bool:
    """For receivers (and tests): constant-time check of the signature header."""
    return hmac.compare_digest(sign(secret, body), header or "")


def body(key: str, sub: Subscription, items: list[dict], manage: str) -> bytes:
    doc = {"id": key, "subscription": {"kind": sub.kind, "params": sub.params, "manage_url": manage},
           "count": len(items), "events": items}
    return json.dumps(doc, ensure_ascii=False, sort_keys=True, default=str).encode()


_client: httpx.Client | None = None


def _http(timeout: float) -> httpx.Client:
    """One pooled client per process: a connection per webhook would dominate a large run."""
    global _client
    if _client is None:
        _client = httpx.Client(timeout=timeout, follow_redirects=False)
    return _client


def post(url: str, secret: str, key: str, data: bytes, user_agent: str, timeout: float = 10.0,
         *, settings: Settings | None = None) -> None:
    """POST one signed body. Raises `outbound.OutboundRefused` for a target the policy refuses
    (re-checked now: DNS may have changed since the subscription was made) and
    ServiceUnavailable when the receiver cannot be reached or does not answer 2xx."""
    checked = outbound.check_url(url, settings)
    pinned_url, host, ext = outbound.pinned(checked)
    headers = {"Content-Type": "application/json; charset=utf-8", SIGNATURE_HEADER: sign(secret, data),
               EVENT_HEADER: key, "User-Agent": user_agent, **host}
    try:
        r = _http(timeout).post(pinned_url, content=data, headers=headers, extensions=ext)
    except httpx.HTTPError as exc:
        raise ServiceUnavailable(f"Webhook 无法连接 / webhook unreachable: {exc}") from exc
    if 300 <= r.status_code < 400:
        raise ServiceUnavailable(f"Webhook 返回重定向 HTTP {r.status_code}（不跟随）/ redirect not followed")
    if r.status_code >= 300:
        raise ServiceUnavailable(f"Webhook 返回 HTTP {r.status_code}")
