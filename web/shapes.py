"""Turn what other stages return (dataclasses, pydantic models or dicts) into plain dicts."""

from __future__ import annotations

import dataclasses
from typing import Any


def plain(obj: Any) -> Any:
    if isinstance(obj, str | int | float | bool) or obj is None:
        return obj
    if dataclasses.is_dataclass(obj) and not isinstance(obj, type):
        # asdict copies deeply already; the leaves from Elasticsearch are JSON values
        return dataclasses.asdict(obj)
    if hasattr(obj, "model_dump"):
        return plain(obj.model_dump())
    if hasattr(obj, "to_dict") and callable(obj.to_dict):
        return plain(obj.to_dict())
    if hasattr(obj, "to_json") and callable(obj.to_json):
        return plain(obj.to_json())
    if isinstance(obj, dict):
        return {k: plain(v) for k, v in obj.items()}
    if isinstance(obj, list | tuple):
        return [plain(v) for v in obj]
    if hasattr(obj, "isoformat"):
        return obj.isoformat()
    return obj


def facet_buckets(facets: Any) -> dict[str, list[dict[str, Any]]]:
    """Facets as {name: [{value, count}]}, whatever bucket shape the search returns."""
    out: dict[str, list[dict[str, Any]]] = {}
    for name, buckets in (plain(facets) or {}).items():
        if isinstance(buckets, dict) and "buckets" in buckets:
            buckets = buckets["buckets"]
        if isinstance(buckets, dict):
            items = [{"value": k, "count": v} for k, v in buckets.items()]
        else:
            items = [{"value": b.get("value", b.get("key")),
                      "count": b.get("count", b.get("doc_count", 0))} for b in buckets or []]
        out[name] = [i for i in items if i["value"] not in (None, "")]
    return out
