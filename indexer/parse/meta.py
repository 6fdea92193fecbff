"""Report metadata: title (also broken over two lines), organ, place, region, year."""

from __future__ import annotations

import re
from dataclasses import dataclass

from .normalize import CN_NUM, cn_to_int, norm_text

_WS = re.compile(r"\s+")
_CJK_GAP = re.compile(r"(?<=[\u4e00-\u9fff])\s+(?=[\u4e00-\u9fff])")
_TITLE_KEY = re.compile(r"政府信息公开.{0,6}(?:年度?报告|年报)|信息公开工作年度报告|年度报告")
_YEAR = re.compile(rf"((?:19|20)\d\d|[{CN_NUM}]{{4}})\s*年")
_REPORT_TAIL = re.compile(r"(?:人民政府|政府)?\s*(?:(?:19|20)\d\d\s*年度?|[" + CN_NUM + r"]{4}年度?)?\s*(?:政府)?信息公开.*$")
_LEAD_YEAR = re.compile(rf"^\s*(?:(?:19|20)\d\d|[{CN_NUM}]{{4}})\s*年度?\s*")
_ORGAN_SUFFIX = re.compile(r"(?:人民政府办公室|人民政府|政府办公室|街道办事处|办事处|政府)$")
_NAME = r"[^\W\d_省市区县镇乡旗盟]"
_MUNICIPALITIES = ("北京市", "天津市", "上海市", "重庆市")
_REGION = re.compile(
    rf"^(?P<province>北京市|天津市|上海市|重庆市|{_NAME}{{2,3}}省|{_NAME}{{2,8}}?自治区)?"
    rf"(?P<city>{_NAME}{{1,8}}(?:市|自治州|地区|盟))?"
    rf"(?P<county>{_NAME}{{1,8}}(?:自治县|区|县|市|旗))?"
    rf"(?P<town>{_NAME}{{1,10}}?(?:街道|镇|乡|苏木))?"
    r"(?P<rest>.*)$"
)


@dataclass
class Meta:
    title: str | None
    organ: str | None
    place: str | None
    county: str | None
    city: str | None
    province: str | None
    year: int | None


def clean_title(s: str) -> str:
    s = _WS.sub(" ", s.replace("#", " ")).strip()
    return _CJK_GAP.sub("", s)


def find_title(paragraphs: list[str], page_title: str | None) -> tuple[str | None, int]:
    """The report title and how many leading paragraphs it used (0 when it came from the page).
    A title broken over two lines ("…政府信息公开工作" / "年度报告") is joined."""
    for i, p in enumerate(paragraphs[:8]):
        line = clean_title(p)
        if not line or len(line) > 80:
            continue
        nxt = clean_title(paragraphs[i + 1]) if i + 1 < len(paragraphs) else ""
        n_line, n_next = norm_text(line), norm_text(nxt)
        if _TITLE_KEY.search(n_line) and n_line.endswith(("报告", "年报", ")")):
            return line, i + 1
        if nxt and len(nxt) <= 20 and _TITLE_KEY.search(n_line + n_next) and n_next.endswith(("报告", "年报")):
            return line + nxt, i + 2
        if "信息公开" in n_line and len(line) <= 60 and _TITLE_KEY.search(n_line):
            return line, i + 1
    if page_title:
        return clean_title(page_title), 0
    return None, 0


def year_of(title: str | None) -> int | None:
    if not title:
        return None
    for m in _YEAR.finditer(norm_text(title)):
        y = cn_to_int(m.group(1))
        if y and 1990 <= y <= 2100:
            return y
    return None


def organ_of(title: str | None) -> str | None:
    """The body named in the title, before or after the year."""
    if not title:
        return None
    t = norm_text(title).replace(" ", "")
    t = re.sub(r"[(（][^)）]*[)）]$", "", t)  # （图片版）
    head = _LEAD_YEAR.sub("", t)
    organ = re.split(r"(?:(?:19|20)\d\d|[" + CN_NUM + r"]{4})年度?", head)[0]
    organ = re.sub(r"(?:政府)?信息公开.*$", "", organ) if organ == head else organ
    organ = organ.strip("关于的 ")
    return organ or None


def region_of(organ: str | None) -> dict[str, str | None]:
    out: dict[str, str | None] = dict(place=None, county=None, city=None, province=None)
    if not organ:
        return out
    m = _REGION.match(organ)
    if not m:
        return out
    g = m.groupdict()
    province, city, county, town, rest = g["province"], g["city"], g["county"], g["town"], g["rest"]
    if province in _MUNICIPALITIES and city is None:
        city = None
    if city and not county and (town or _ORGAN_SUFFIX.fullmatch(rest or "")) and city.endswith("市"):
        county, city = city, None  # a lone 市 above a town is a county-level city
    rest = rest or ""
    if town:
        place = town
    elif rest and not _ORGAN_SUFFIX.fullmatch(rest):
        place = _ORGAN_SUFFIX.sub("", rest) or rest
    else:
        place = county or city or province
    out.update(place=place, county=county, city=city, province=province)
    return out


_PERIOD_YEAR = re.compile(r"((?:19|20)\d\d)\s*年\s*1\s*月\s*1\s*日\s*(?:起)?\s*(?:至|到|-|—|~)\s*(?:\1\s*年\s*)?12\s*月\s*31\s*日")
_REPORT_YEAR = re.compile(r"((?:19|20)\d\d)\s*年度?\s*(?:政府)?信息公开(?:工作)?(?:年度)?(?:报告|年报)")


def year_from_text(text_norm: str) -> int | None:
    """No year in the title: the statistics period, else a "YYYY年…年度报告" phrase."""
    m = _PERIOD_YEAR.search(text_norm) or _REPORT_YEAR.search(text_norm[:3000])
    return int(m.group(1)) if m else None
