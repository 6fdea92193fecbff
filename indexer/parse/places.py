"""Township-level names from the division registry (`nianbao.divisions`): what may be a place.

A report's `place` is only ever a name this registry knows (镇, 乡, 街道, 苏木 …) or, for a
county's own report, a county-level name. `find_township` reads a township out of an organ
string ("龙游县横山镇人民政府" → 横山镇 in 龙游县) and `township_mentions` finds registry names in
prose. County names are compared by their core (孟津县 and 孟津区 are the same place renamed).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from nianbao.divisions import city_name, tree

# Only these end a township name the parser accepts: farms, parks and 管委会 in the registry
# are real units but never publish these reports under that name alone.
_TOWN_ENDS = ("街道", "镇", "乡", "苏木", "办事处")
_LONGEST = 12
_COUNTY_END = re.compile(r"(?:自治县|自治旗|县|区|市|旗|特区|林区)$")


@dataclass(frozen=True)
class Home:
    province: str
    city: str
    county: str


@dataclass(frozen=True)
class Township:
    name: str
    county: str | None
    city: str | None
    province: str | None


@lru_cache(maxsize=1)
def townships() -> dict[str, tuple[Home, ...]]:
    """Township name → every county that has one of that name."""
    out: dict[str, list[Home]] = {}
    for prov in tree():
        for city in prov.get("children", []):
            cname = city_name(prov, city)
            for county in city.get("children", []):
                for town in county.get("children", []):
                    name = town["name"]
                    if name.endswith(_TOWN_ENDS) and name not in _TOWN_ENDS:
                        out.setdefault(name, []).append(Home(prov["name"], cname, county["name"]))
    return {k: tuple(v) for k, v in out.items()}


def county_core(name: str) -> str:
    """孟津县 / 孟津区 → 孟津 (renamed counties keep their core)."""
    core = _COUNTY_END.sub("", name)
    return core if len(core) >= 2 else name


def in_county(homes: tuple[Home, ...], county: str | None) -> tuple[Home, ...]:
    if not county:
        return homes
    core = county_core(county)
    return tuple(h for h in homes if h.county == county or county_core(h.county) == core)


_ORGAN_TAIL = re.compile(r"(?:人民政府|政府|办事处|党委|党工委|委员会|人民政府办公室|党政办公室|办公室|党政办)+$")


def strip_organ(organ: str) -> str:
    """"城关街道办事处" → 城关街道, "横山镇人民政府" → 横山镇."""
    return _ORGAN_TAIL.sub("", organ) or organ


def find_township(organ: str, county: str | None = None) -> Township | None:
    """The registry township that ends `organ` (after its 人民政府/办事处/党委 suffix), within
    `county` (given, or named before the township) when one is known; None when the organ
    names no registry township there."""
    reg = townships()
    text = strip_organ(organ)
    for k in range(min(_LONGEST, len(text)), 1, -1):
        name = text[len(text) - k:]
        homes = reg.get(name)
        if not homes:
            continue
        where = county or _county_in(text[:len(text) - k])
        local = in_county(homes, where)
        if where and not local:
            return None  # the name exists, but not in the county the report names
        one = local[0] if len(local) == 1 else None
        return Township(name, one.county if one else where, one.city if one else None,
                        one.province if one else None)
    return None


def _county_in(prefix: str) -> str | None:
    """A county-level name that ends `prefix` (the part of an organ before its township)."""
    from .region import gazetteer

    counties = gazetteer().counties
    for k in range(min(9, len(prefix)), 1, -1):
        if prefix[len(prefix) - k:] in counties:
            return prefix[len(prefix) - k:]
    return None


_BODY_AFTER = re.compile(r"人民政府|政府|党委|党工委|办事处")


def township_mentions(text: str, limit: int = 20000) -> list[tuple[int, str]]:
    """(position, name) of every registry township named in `text[:limit]`, longest name at
    each end position (…镇, …乡, …街道, …苏木). A two-character name (新镇, 口镇) is also a
    word: it counts only right before 人民政府/党委/办事处."""
    reg = townships()
    out: list[tuple[int, str]] = []
    for m in re.finditer(r"镇|乡|街道|苏木", text[:limit]):
        end = m.end()
        for k in range(min(_LONGEST, end), 1, -1):
            name = text[end - k:end]
            if name in reg:
                if k > 2 or _BODY_AFTER.match(text, end):
                    out.append((end - k, name))
                break
    return out
