"""Query examples that name places and a year the index actually holds (the demo's world, a
province's deployment), so that a copied example finds something."""

from __future__ import annotations

import time
from typing import Any

from flask import current_app

from . import deps

FALLBACK = {"province": "河南省", "city": "洛阳市", "county": "孟津区", "place": "朝阳镇", "year": 2024}
TTL = 300.0


def examples() -> dict[str, Any]:
    """The most common province, city, county and township in the index and its latest year
    (kept TTL seconds); the fallback values without an index."""
    ext = current_app.extensions["nianbao"]
    hit = ext.get("examples")
    if hit and time.monotonic() - hit[0] < TTL:
        return hit[1]
    out = dict(FALLBACK)
    try:
        sub = {k: {"terms": {"field": k, "size": 1}} for k in ("province", "city", "place")}
        aggs: dict[str, Any] = {"county": {"terms": {"field": "county", "size": 1}, "aggs": sub},
                                "year": {"max": {"field": "year"}}}
        res = deps.es().search(index=f"{deps.prefix()}-reports", size=0, aggs=aggs)
        a = res.get("aggregations") or {}
        top = (a.get("county", {}).get("buckets") or [None])[0]
        if top:
            out["county"] = top["key"]
            for k in ("province", "city", "place"):
                b = top.get(k, {}).get("buckets") or []
                out[k] = b[0]["key"] if b else ""
        if (a.get("year") or {}).get("value"):
            out["year"] = int(a["year"]["value"])
    except Exception:  # noqa: BLE001 — examples are decoration: never fail a page for them
        current_app.logger.debug("query examples from the index unavailable", exc_info=True)
    ext["examples"] = (time.monotonic(), out)
    return out
