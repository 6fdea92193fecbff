"""China's administrative divisions down to townships (`nianbao.divisions`).

Township codes in the dataset have 9 digits; the 12-digit statistical code pads them with 000.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from nianbao.divisions import city_name, tree


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
