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

from nianbao.divisions import city_name, more_townships, tree

from .region import gazetteer

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


# 落别布依族彝族乡 is 落别乡 in its own pages: the ethnic part of a 民族乡's name may be dropped.
_PEOPLES = ("蒙古|回|藏|维吾尔|苗|彝|壮|布依|朝鲜|满|侗|瑶|白|土家|哈尼|哈萨克|傣|黎|傈僳|佤|畲|"
            "拉祜|水|东乡|纳西|景颇|柯尔克孜|土|达斡尔|仫佬|羌|布朗|撒拉|毛南|仡佬|锡伯|阿昌|普米|"
            "塔吉克|怒|乌孜别克|俄罗斯|鄂温克|德昂|保安|裕固|京|塔塔尔|独龙|鄂伦春|赫哲|门巴|珞巴|基诺")
_ETHNIC = re.compile(rf"^(.{{2,}}?)(?:(?:{_PEOPLES})族)*(?:{_PEOPLES})(?:民族|族)(乡|镇|苏木)$")


@lru_cache(maxsize=1)
def townships() -> dict[str, tuple[Home, ...]]:
    """Township name → every county that has one of that name: the registry's names, the short
    form of each 民族乡 (落别乡), and the names the snapshot lacks (`more_townships`)."""
    out: dict[str, list[Home]] = {}
    counties: dict[tuple[str, str], Home] = {}
    short: list[tuple[str, Home]] = []
    for prov in tree():
        for city in prov.get("children", []):
            cname = city_name(prov, city)
            for county in city.get("children", []):
                home = Home(prov["name"], cname, county["name"])
                counties[(prov["name"], county["name"])] = home
                for town in county.get("children", []):
                    name = town["name"]
                    if name.endswith(_TOWN_ENDS) and name not in _TOWN_ENDS:
                        out.setdefault(name, []).append(home)
                        m = _ETHNIC.match(name)
                        if m:
                            short.append((m[1] + m[2], home))
    for name, home in short:
        if home not in out.get(name, []):
            out.setdefault(name, []).append(home)
    for row in more_townships():
        home = counties[(row["province"], row["county"])]  # KeyError: a typo in the data file
        if home not in out.get(row["name"], []):
            out.setdefault(row["name"], []).append(home)
    return {k: tuple(v) for k, v in out.items()}


def county_core(name: str) -> str:
    """孟津县 / 孟津区 → 孟津 (renamed counties keep their core)."""
    core = _COUNTY_END.sub("", name)
    return core if len(core) >= 2 else name


# Banners' names as their own governments write them (科右前旗 for 科尔沁右翼前旗).
_BANNER_SHORT = (("科尔沁右翼", "科右"), ("科尔沁左翼", "科左"), ("察哈尔右翼", "察右"),
                 ("土默特左旗", "土左旗"), ("土默特右旗", "土右旗"), ("阿拉善左旗", "阿左旗"),
                 ("阿拉善右旗", "阿右旗"), ("东乌珠穆沁旗", "东乌旗"), ("西乌珠穆沁旗", "西乌旗"),
                 ("达尔罕茂明安联合旗", "达茂旗"), ("莫力达瓦达斡尔族自治旗", "莫旗"))
_AUTONOMOUS = re.compile(rf"^(.{{2,}}?)(?:(?:{_PEOPLES})族)+自治(县|旗)$")


@lru_cache(maxsize=1)
def county_aliases() -> dict[str, str]:
    """Short forms of registry county names → the registry name: an autonomous county without
    its peoples (关岭自治县, 关岭县 → 关岭布依族苗族自治县) and the usual banner abbreviations.
    A short form that is itself a registry county is never an alias."""
    names = {c["name"] for p in tree() for city in p.get("children", []) for c in city.get("children", [])}
    out: dict[str, str] = {}
    for name in names:
        forms = [name.replace(long, short) for long, short in _BANNER_SHORT if long in name]
        if (m := _AUTONOMOUS.match(name)):
            forms += [m[1] + m[2], f"{m[1]}自治{m[2]}"]
        for form in forms:
            if form != name and form not in names:
                out[form] = name
    return out


def canonical_county(name: str | None) -> str | None:
    """The registry county `name` stands for (itself, or the full name of a short form)."""
    if not name:
        return None
    if name in gazetteer().counties:
        return name
    return county_aliases().get(name)


@lru_cache(maxsize=1)
def _aliases_by_county() -> dict[str, tuple[str, ...]]:
    out: dict[str, list[str]] = {}
    for alias, full in county_aliases().items():
        out.setdefault(full, []).append(alias)
    return {k: tuple(v) for k, v in out.items()}


def aliases_of(county: str) -> tuple[str, ...]:
    return _aliases_by_county().get(county, ())


def _forms(county: str) -> tuple[str, ...]:
    """How a text may write this county: its name, its core (孟津 for 孟津区), its short forms."""
    core = county_core(county)
    return (county, *((core,) if len(core) >= 2 and core != county else ()), *aliases_of(county))


def names_county(text: str, county: str) -> bool:
    """Does `text` write this county in any of its forms?"""
    return any(f in text for f in _forms(county))


def _ends_with_county(prefix: str, county: str) -> bool:
    """Does `prefix` (what an organ writes before its township) end with this county, in any
    of its forms (永嘉金溪镇, 广元市昭化元坝镇, 关岭自治县永宁镇)?"""
    return prefix.endswith(_forms(county))


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
        prefix = text[:len(text) - k]
        where = county or _county_in(prefix)
        local = in_county(homes, where)
        if where and not local:
            return None  # the name exists, but not in the county the report names
        if not where and prefix:  # a county written short or with chrome before it (标题水城区)
            named = tuple(h for h in homes if _ends_with_county(prefix, h.county))
            local = named or local
        one = local[0] if len(local) == 1 else None
        return Township(name, one.county if one else where, one.city if one else None,
                        one.province if one else None)
    return None


def _county_in(prefix: str) -> str | None:
    """A county-level name that ends `prefix` (the part of an organ before its township)."""
    counties = gazetteer().counties
    for k in range(min(9, len(prefix)), 1, -1):
        if prefix[len(prefix) - k:] in counties:
            return prefix[len(prefix) - k:]
        if (full := county_aliases().get(prefix[len(prefix) - k:])):
            return full
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
