"""Absolute URLs of the portal, always from the configured `base_url`: never from the request's
Host header, which a client (or a misconfigured proxy) chooses."""

from __future__ import annotations

from typing import Any

from flask import request, url_for

from . import deps


def external_url(endpoint: str, **values: Any) -> str:
    """`url_for(endpoint, **values)` as an absolute URL under settings.base_url."""
    path = url_for(endpoint, **values)
    root = request.script_root if request else ""
    if root and path.startswith(root):  # base_url already names where the portal is mounted
        path = path[len(root):]
    return deps.settings().base_url.rstrip("/") + path
