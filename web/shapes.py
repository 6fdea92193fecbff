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


def facet_buckets(facets: dict[str, list[dict[str, Any]]]) -> dict[str, list[dict[str, Any]]]:
    """indexer.search facets ({name: [{value, count, selected}]}) as the API's
    {name: [{value, count}]}, empty values left out."""
    return {name: [{"value": b["value"], "count": b["count"]} for b in buckets
                   if b["value"] not in (None, "")]
            for name, buckets in facets.items()}
