"""Small HTTP helpers: charset detection, anti-bot challenge recognition, Retry-After."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime

from charset_normalizer import from_bytes

_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_\-]+)""", re.I)
_HEADER_CHARSET = re.compile(r"charset\s*=\s*[\"']?([A-Za-z0-9_\-]+)", re.I)

# Markers of the JavaScript challenges Chinese government sites put in front of crawlers
# (Jiasule/Knownsec `__jsl_clearance`, Alibaba `acw_sc__v2`, Ruishu 412 pages, generic ones).
_CHALLENGE = re.compile(
    r"__jsl_clearance|acw_sc__v2|_\$\w+\s*=|\bchallenge\b|cf-chl|验证码|安全验证|访问验证|"
    r"请开启JavaScript|enable JavaScript|document\.cookie\s*=|人机验证|滑动验证",
    re.I,
)


_STRONG_BYTES = re.compile(rb"__jsl_clearance|acw_sc__v2|cf-chl|js-challenge|anti-bot challenge", re.I)


def _canonical(enc: str) -> str:
    enc = enc.lower().replace("_", "-")
    # GB2312/GBK declarations routinely carry GB18030 characters: decode with the superset.
    return "gb18030" if enc in ("gb2312", "gbk", "gb-2312", "x-gbk", "cp936") else enc


def _try(data: bytes, enc: str) -> str | None:
    try:
        return data.decode(enc)
    except (UnicodeDecodeError, LookupError):
        return None


def decode_html(data: bytes, content_type: str = "") -> tuple[str, str]:
    """Text and the charset used. Declarations lie (a fault simweb injects, and real sites do):
    strict UTF-8 first (it almost never decodes other Chinese text by accident), then the
    header's and the page's declarations, then statistical detection, then GB18030."""
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8", "replace"), "utf-8"
    candidates = ["utf-8"]
    m = _HEADER_CHARSET.search(content_type or "")
    if m:
        candidates.append(_canonical(m[1]))
    m2 = _META_CHARSET.search(data[:4096])
    if m2:
        candidates.append(_canonical(m2[1].decode("ascii", "ignore")))
    for enc in dict.fromkeys(candidates):
        text = _try(data, enc)
        if text is not None:
            return text, enc
    best = from_bytes(data[:200_000]).best()
    if best is not None and best.encoding:
        enc = _canonical(best.encoding)
        text = _try(data, enc)
        if text is not None:
            return text, enc
    return data.decode("gb18030", "replace"), "gb18030"


def is_challenge(status: int, body: bytes, content_type: str = "") -> bool:
    """An anti-bot interstitial, not content. 412 is the Ruishu signature; 403/200 need a
    JavaScript-challenge body (a small page with challenge markers)."""
    if status == 412:
        return True
    if status not in (200, 202, 403, 503) or len(body) > 64_000:
        return False
    if content_type and "html" not in content_type.lower() and b"<script" not in body[:4096].lower():
        return False
    if status in (200, 202):
        # A 200 challenge must be small and carry a vendor cookie marker (ASCII: no decoding
        # needed): report pages may well contain a script and the word 验证码 in their chrome.
        return len(body) < 16_000 and bool(_STRONG_BYTES.search(body))
    text, _ = decode_html(body, content_type)
    if status == 403:  # a WAF's refusal page that wants JavaScript run, or says so
        return "<script" in text.lower() or bool(_CHALLENGE.search(text))
    return bool(_CHALLENGE.search(text)) and "<script" in text.lower()  # 503


def retry_after_seconds(value: str | None, now: datetime | None = None) -> float | None:
    """Retry-After as seconds (delta-seconds or an HTTP date)."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - (now or datetime.now(UTC))).total_seconds())
