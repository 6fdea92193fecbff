"""The ES evidence of a regional compliance view reads only that region's publishers."""

from __future__ import annotations

from monitor.source import es_fields


def test_es_fields_limited_to_publishers(es, es_prefix) -> None:
    index = f"{es_prefix}-monsrc-reports"
    es.indices.create(index=index, mappings={"properties": {
        "publisher_id": {"type": "keyword"}, "year": {"type": "integer"},
        "url": {"type": "keyword"}, "meta_dates": {"type": "object", "enabled": False},
        "finding_codes": {"type": "keyword"}}})
    try:
        for pid, year in (("p-a", 2024), ("p-b", 2024), ("p-a", 2023)):
            es.index(index=index, id=f"{pid}-{year}", document={
                "publisher_id": pid, "year": year, "url": f"http://x/{pid}-{year}",
                "meta_dates": {"metadata": {"成文日期": f"{year + 1}-01-10"}}, "finding_codes": ["T3_BALANCE"]})
        es.indices.refresh(index=index)
        prefix = f"{es_prefix}-monsrc"
        assert set(es_fields(es, prefix, 2024)) == {"http://x/p-a-2024", "http://x/p-b-2024"}
        only_a = es_fields(es, prefix, 2024, ["p-a"])
        assert list(only_a) == ["http://x/p-a-2024"]
        assert only_a["http://x/p-a-2024"]["finding_codes"] == ["T3_BALANCE"]
        assert es_fields(es, prefix, 2024, []) == {}
    finally:
        es.indices.delete(index=index)
