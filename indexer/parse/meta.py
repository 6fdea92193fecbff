"""Who published a report, for which year, and what kind of document it is.

Real report pages carry site chrome around the report (breadcrumbs, 标题:/来源: fields, share
and font-size bars, 返回/上一篇 links), and many have no title line at all. Attribution
therefore takes each fact from the best source that has it, in order, and records which:

- the body (organ → place/county): the report's title line or the page title, the metadata
  fields (发布机构/来源/发文机关), the prose (本报告由X编制, 现公布《X2023年…》, X通过…); for a
  crawled page the indexer then tries the link text and the registry row
  (`indexer.attribution`);
- `place` is only ever a registry township (`places.find_township`, within the county when one
  is named) or, for a county's own report, a registry county: a name that is neither stays
  empty (`place_unknown` is set for the UNKNOWN_PLACE finding);
- the year: the title, the statistics period, a "YYYY年度…报告" phrase, the first paragraph's
  "2023年，…", the publication date (a report is published the year after);
- the kind: an annual report, or a near miss (年报解读, 公开指南, 工作要点/方案, a template).
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass, field

from . import places
from .normalize import CN_NUM, cn_to_int, norm_text
from .region import gazetteer, region_from_text

_WS = re.compile(r"\s+")
_CJK_GAP = re.compile(r"(?<=[\u4e00-\u9fff])\s+(?=[\u4e00-\u9fff])")
_TITLE_KEY = re.compile(r"(?:政府信息公开|政务公开|信息公开).{0,8}?(?:年度?报告|年报|工作报告)"
                        r"|信息公开工作年度报告|年度报告|年报")
_YEAR = re.compile(rf"((?:19|20)\d\d|[{CN_NUM}]{{4}})\s*年")
_LEAD_YEAR = re.compile(rf"^\s*(?:(?:19|20)\d\d|[{CN_NUM}]{{4}})\s*年度?\s*")
_ORGAN_SUFFIX = re.compile(r"(?:人民政府办公室|人民政府|政府办公室|街道办事处|办事处|政府)$")
_NAME = r"[^\W\d_省市区县镇乡旗盟]"
_MUNICIPALITIES = ("北京市", "天津市", "上海市", "重庆市")
_REGION = re.compile(
    rf"^(?P<province>北京市|天津市|上海市|重庆市|{_NAME}{{2,3}}省|{_NAME}{{2,8}}?自治区)?"
    rf"(?P<city>{_NAME}{{1,8}}(?:市|自治州|地区|盟))?"
    rf"(?P<county>{_NAME}{{1,8}}(?:自治县|区|县|市|旗))?"
    r"(?P<rest>.*)$"
)
# Chrome around a title line: "标题:", "当前位置：首页 > … >", "---|", "返回…".
_CHROME_LABEL = re.compile(r"^(?:标\s*题|题\s*名|名\s*称|文章标题|信息名称|主\s*题)\s*[:：]\s*")
_SEPARATORS = re.compile(r"\s*(?:\||>|›|»|→|---+|——+)\s*")
_SEPARATOR_CHARS = ("|", ">", "›", "»", "→", "---", "——")  # one of them is in every separator
_PROSE_START = ("根据", "按照", "依据", "依照", "现", "本", "为", "对", "经", "我", "在", "从", "截至",
                "以下", "该", "如对", "特此", "附件")
_NOT_REPORT = re.compile(r"解读|指南|要点|方案|计划|通知|总结|目录|意见|办法|制度|规定")
_DEPARTMENT = re.compile(r"(?:局|委员会|委|办公室|办|中心|院|馆|站|所|队|厅|部|会|社|处|公司|集团|分局)$")
_ORGAN_LINE = re.compile(r"(?:人民政府|办事处|政府|镇|乡|街道|苏木|委员会|局|区|县|市|旗)$")
_PLACEHOLDER = re.compile(r"[xX×＊*]{1,3}|某某|XX|ｘｘ")


@dataclass
class Attribution:
    title: str | None = None
    title_lines: int = 0  # leading paragraphs that held the title (the body starts after)
    organ: str | None = None
    place: str | None = None
    county: str | None = None
    city: str | None = None
    province: str | None = None
    year: int | None = None
    doc_type: str = "report"  # report | interpretation | guide | plan | other
    body_level: str | None = None  # township | county | department, where known
    place_unknown: str | None = None  # a body that named no registry division
    sources: dict[str, str] = field(default_factory=dict)


def clean_title(s: str) -> str:
    return _clean_title_short(s) if len(s) <= _SHORT else _clean_title(s)


def _clean_title(s: str) -> str:
    s = _WS.sub(" ", s.replace("#", " ")).strip()
    return _CJK_GAP.sub("", s) if " " in s else s  # every space left is a plain one


# Lines up to this length are cached by what they give (headings and boilerplate sentences
# recur within and across reports); longer ones are prose, rarely seen twice.
_SHORT = 200
_clean_title_short = functools.lru_cache(maxsize=16384)(_clean_title)


# --- the title --------------------------------------------------------------------------------

_NEIGHBOUR = re.compile(r"^\s*(?:上一篇|下一篇|上一条|下一条|上篇|下篇|相关(?:文章|链接|阅读|信息)|推荐阅读|热点)")


def _title_part(line: str, cleaned: str | None = None) -> str | None:
    """The part of a (possibly chrome-wrapped) line that reads as a report title; never a
    上一篇/下一篇 link (another report of the column). `cleaned`: `clean_title(line)`, when
    the caller has it."""
    if _NEIGHBOUR.match(line):
        return None
    line = _CHROME_LABEL.sub("", clean_title(line) if cleaned is None else cleaned)
    if any(sep in line for sep in _SEPARATOR_CHARS):
        parts = [p for p in _SEPARATORS.split(line) if p]
    else:  # no separator: the split would return the line itself
        parts = [line] if line else []
    for part in reversed(parts):  # a breadcrumb ends with the page itself
        if len(part) > 80 or "。" in part:
            continue  # tested before normalising: a long prose line costs a conversion
        n = norm_text(part)
        if not _TITLE_KEY.search(n):
            continue
        if n.startswith(_PROSE_START) and not n.startswith(("本年度", "本级")):
            continue
        if "《" in n and not n.startswith("《"):
            continue  # a title quoted inside a sentence: the prose source reads it
        return part.strip("《》 ")
    return None


def _title_score(part: str) -> int:
    """How much a candidate reads like this report's title: a year, a body, a division."""
    n = norm_text(part)
    score = 2 if _YEAR.search(n) else 0
    organ = organ_of(part)
    if organ and organ not in ("政府", "人民政府"):
        score += 2 + (1 if region_of(organ)["place"] else 0)
    return score + (1 if n.endswith(("报告", "年报")) else 0)


def _title_candidates(paragraphs: list[str]) -> list[tuple[str, int]]:
    """(title, paragraphs used) for every line (or pair of lines) among the first 40 that reads
    as a report title; a title broken over two lines ("…政府信息公开工作" / "年度报告") is
    joined."""
    out: list[tuple[str, int]] = []
    cleaned = list(map(clean_title, paragraphs[:41]))  # each line once (it is also the next one's nxt)
    for i, p in enumerate(paragraphs[:40]):
        line = cleaned[i]
        nxt = cleaned[i + 1] if i + 1 < len(cleaned) else ""
        if nxt and len(line) <= 60 and len(nxt) <= 30 and (part := _two_line_title(line, nxt)):
            out.append((part, i + 2))
        if (part := _line_title_short(p) if len(p) <= _SHORT else _line_title(p, line)):
            out.append((part, i + 1))
    return out


@functools.lru_cache(maxsize=16384)
def _two_line_title(line: str, nxt: str) -> str | None:
    """The title a line and the next one (both cleaned, short) make together, if they do."""
    n_line = norm_text(line)
    head = _YEAR.search(n_line) or "信息公开" in n_line or (
        _ORGAN_LINE.search(n_line) and _LEAD_YEAR.match(norm_text(nxt)))
    if not _TITLE_KEY.search(n_line) and head:
        joined = norm_text(line + nxt)
        if _TITLE_KEY.search(joined) and "公开" in joined and norm_text(nxt).endswith(("报告", "年报")):
            return _title_part(line + nxt)
    return None


def _line_title(p: str, cleaned: str | None = None) -> str | None:
    """The title one line reads as (`cleaned`: `clean_title(p)`, when the caller has it)."""
    part = _title_part(p, cleaned)
    if part and ("信息公开" in norm_text(part) or "政务公开" in norm_text(part)):
        return part
    return None


_line_title_short = functools.lru_cache(maxsize=16384)(_line_title)


def _near_miss_title(paragraphs: list[str]) -> list[tuple[str, int]]:
    """No report title: the first short line that titles a 政务公开 plan or guide (its year and
    kind are still worth knowing)."""
    for i, p in enumerate(paragraphs[:10]):
        line = clean_title(p)
        n = norm_text(line)
        if (len(line) <= 60 and "。" not in line and "公开" in n and (_YEAR.search(n) or "指南" in n)
                and re.search(r"(?:方案|要点|计划|指南|总结|安排)$", n) and not n.startswith(_PROSE_START)):
            return [(line, i + 1)]
    return []


def find_title(paragraphs: list[str], page_title: str | None) -> tuple[str | None, int]:
    """The report title and how many leading paragraphs it used (0 when it came from the page
    title): the candidate with a year and a body first, the earliest among equals."""
    cands = _title_candidates(paragraphs)
    if page_title and (part := _title_part(page_title)):
        cands.append((part, 0))
    if not cands:
        cands = _near_miss_title(paragraphs)
    best: tuple[int, str, int] | None = None
    for part, used in cands:
        score = _title_score(part)
        if best is None or score > best[0]:
            best = (score, part, used)
    return (best[1], best[2]) if best else (None, 0)


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
    t = re.sub(r"^关于", "", t)
    head = _LEAD_YEAR.sub("", t)
    organ = re.split(r"(?:(?:19|20)\d\d|[" + CN_NUM + r"]{4})年度?", head)[0]
    organ = re.sub(r"(?:政府|政务)?信息公开.*$", "", organ) if organ == head else organ
    organ = re.sub(r"(?:政府|政务)?信息公开.*$|年度报告$|年报$", "", organ)
    organ = organ.removeprefix("关于").strip("《》 ").removesuffix("的")
    return organ or None


# --- the body: organ → place and region -------------------------------------------------------

def region_of(organ: str | None) -> dict[str, str | None]:
    """Province/city/county written before the body's own name, each only when it is a real
    division of the registry; `place` the registry township or county the organ names."""
    out: dict[str, str | None] = dict(place=None, county=None, city=None, province=None)
    if not organ:
        return out
    g = gazetteer()
    m = _REGION.match(places.strip_organ(organ))
    if m:
        province, city, county, rest = m["province"], m["city"], m["county"], m["rest"] or ""
        if city and not county and city.endswith("市") and city in g.counties:
            county, city = city, None  # a lone 市 above a town is a county-level city
        county = places.canonical_county(county)
        if city and city not in g.cities:
            city = None
        if province and province not in g.provinces:
            province = None
        if province in _MUNICIPALITIES and city is None:
            city = None
        out.update(county=county, city=city, province=province)
        if not rest and county:
            out["place"] = county  # the county's own report
    town = places.find_township(organ, out["county"])
    if town:
        out["place"] = town.name
        if town.county and not out["county"]:  # 永嘉金溪镇, 关岭自治县永宁镇: the registry's county
            out.update(county=town.county, city=out["city"] or town.city,
                       province=out["province"] or town.province)
    return out


def _level(organ: str, region: dict[str, str | None]) -> str | None:
    if region["place"] and region["place"] != region["county"]:
        return "township"
    if region["place"]:
        return "county"
    if _DEPARTMENT.search(organ) and not places.strip_organ(organ).endswith(("镇", "乡", "街道")):
        return "department"
    return None


# Prose that names the body: 本报告由X编制, 现(将)公布《X2023年…》, X2023年政府信息公开工作年度报告.
_PROSE_ORGAN = [
    re.compile(r"本(?:年度)?报告由([^\s，。,、；;（(]{2,30}?)(?:负责)?(?:编制|编写|制作|起草)"),
    re.compile(r"《([^《》，。\n]{2,30}?)(?:(?:19|20)\d\d|[" + CN_NUM + r"]{4})年度?(?:政府|政务)?信息公开"),
    re.compile(r"(?:公布|发布|编制|现将)(?:了)?([^\s《》，。,、]{2,30}?)(?:(?:19|20)\d\d)年度?(?:政府|政务)?信息公开"),
    re.compile(r"(?:公布|发布)(?:了)?(?:(?:19|20)\d\d)年度?([^\s《》，。,、\d]{2,30}?)(?:政府|政务)?信息公开工作(?:年度)?报告"),
    # the lead paragraph's subject: "2023年，沙依巴克区人民政府办公室坚持…"
    re.compile(r"(?:^|\n)(?:(?:19|20)\d\d)年(?:度|以来)?[，,]\s*([^\s，。,、；;“”《》]{2,20}?"
               r"(?:人民政府办公室|人民政府|街道办事处|办事处))", re.M),
]
_META_ORGAN = ("发布机构", "发文机构", "发文机关", "来源", "信息来源", "发布单位", "所属机构", "公开主体")


def _candidates(title: str | None, title_src: str, meta: dict[str, str], prose: str) -> list[tuple[str, str]]:
    """(organ text, source) in the order they are trusted."""
    out: list[tuple[str, str]] = []
    if (organ := organ_of(title)):
        out.append((organ, title_src))
    for label in _META_ORGAN:
        value = meta.get(label, "")
        value = re.split(r"\s|[|:：]", value.strip())[0] if value else ""
        if value:
            out.append((value, f"metadata:{label}"))
    for pat in _PROSE_ORGAN:
        for m in list(pat.finditer(prose[:4000]))[:3]:
            out.append((m.group(1), "prose"))
    mentions = places.township_mentions(prose, 3000)
    if mentions:
        counts: dict[str, int] = {}
        for _, name in mentions:
            counts[name] = counts.get(name, 0) + 1
        best = max(counts, key=lambda n: (counts[n], -next(p for p, x in mentions if x == n)))
        out.append((best, "prose:mention"))
    return out


def attribute_body(att: Attribution, title_src: str, meta: dict[str, str], prose: str) -> None:
    """Fill organ, place, county/city/province and body_level from the best candidate."""
    cands = _candidates(att.title, title_src, meta, prose)
    first_unknown: tuple[str, str] | None = None
    department: tuple[str, dict[str, str | None]] | None = None
    for organ, src in cands:
        if _PLACEHOLDER.search(organ):
            att.doc_type = "other"  # a template: XX镇人民政府
            att.organ, att.sources["organ"] = organ, src
            return
        region = region_of(organ)
        level = _level(organ, region)
        if level in ("township", "county"):
            att.organ, att.body_level = organ, level
            att.place, att.county = region["place"], region["county"]
            att.city, att.province = region["city"], region["province"]
            att.sources.update(organ=src, place=src)
            if att.county and not places.names_county(organ, att.county):
                att.sources["county"] = "registry"  # the organ named only its township
            return
        if level == "department" and src == title_src:
            _set_department(att, organ, region, src)
            return
        if level == "department" and src == "prose" and department is None:
            department = (organ, region)
        if first_unknown is None and src in (title_src,) and re.search(r"镇|乡|街道|苏木", organ):
            first_unknown = (organ, src)
    if first_unknown:
        att.organ, att.sources["organ"] = first_unknown
        att.place_unknown = places.strip_organ(first_unknown[0])
    elif department and not _OWN_TOWN.search(prose[:3000]):  # no division anywhere: a department's
        _set_department(att, department[0], department[1], "prose")


def _set_department(att: Attribution, organ: str, region: dict[str, str | None], src: str) -> None:
    att.organ, att.body_level, att.sources["organ"] = organ, "department", src
    att.county, att.city, att.province = region["county"], region["city"], region["province"]


# --- the year and the kind --------------------------------------------------------------------

_PERIOD_YEAR = re.compile(r"((?:19|20)\d\d)\s*年\s*1\s*月\s*1\s*日\s*(?:起)?\s*(?:至|到|-|—|~)\s*"
                          r"(?:\1\s*年\s*)?12\s*月\s*31\s*日")
_PERIOD_START = re.compile(r"(?:统计期限|统计时限|统计期间|统计时间|统计范围|数据统计)[^。\n]{0,12}?"
                           r"((?:19|20)\d\d)\s*年\s*1\s*月\s*1\s*日")
_REPORT_YEAR = re.compile(r"((?:19|20)\d\d)\s*年度?\s*(?:政府|政务)?信息公开(?:工作)?(?:年度)?(?:报告|年报)")
_LEAD_PARAGRAPH_YEAR = re.compile(
    r"^(?:[一1][、.．]\s*总体情况\s*)?(?:[(（]?[一1][)）]?\s*)?(?:\S{0,6}?[:：])?\s*((?:19|20)\d\d)\s*年度?"
    r"(?=[，,、]|以来|[，,]?\s*(?:我|本|全)(?:镇|乡|街道|街|办|单位|区|县|市|委|局))", re.M)
_BODY_YEAR = re.compile(r"^[^\W\d]{2,12}?(?:镇|乡|街道|办事处)((?:19|20)\d\d)年(?!度?(?:政府|政务)?信息公开)", re.M)
_YEAR_END = re.compile(r"截至((?:19|20)\d\d)\s*年\s*12\s*月\s*31\s*日")


def year_from_text(text_norm: str) -> tuple[int | None, str | None]:
    """No year in the title: (year, source) from the statistics period, a "YYYY年…年度报告"
    phrase, the first paragraphs' "2023年，…", or "截至YYYY年12月31日"."""
    for pat, src in ((_PERIOD_YEAR, "period"), (_PERIOD_START, "period"),
                     (_REPORT_YEAR, "prose"), (_LEAD_PARAGRAPH_YEAR, "prose:lead"), (_BODY_YEAR, "prose:lead"),
                     (_YEAR_END, "prose")):
        if (m := pat.search(text_norm[:6000] if pat is not _PERIOD_YEAR else text_norm)):
            return int(m.group(1)), src
    return None, None


def doc_type_of(title: str | None, head_norm: str) -> str:
    """report, or what a near miss is: interpretation (年报解读), guide (公开指南), plan."""
    t = norm_text(title or "")
    if "解读" in t or re.search(r"(?:作如下|做如下|如下)解读|解读如下|图解|(?:年报|年度报告)(?:进行|作出)?解读",
                                head_norm[:400]):
        return "interpretation"
    if "指南" in t:
        return "guide"
    if title and _NOT_REPORT.search(t) and not re.search(r"年度报告|年报|工作报告$", t):
        return "plan"
    if not title:
        if re.search(r"年度报告|年报", head_norm[:200]):
            return "report"
        if re.search(r"公开指南", head_norm[:200]):
            return "guide"
        if re.search(r"(?:工作要点|实施方案|工作方案|工作计划)", head_norm[:200]):
            return "plan"
    return "report"


_WHOLE_COUNTY = re.compile(r"全(?:区|县|市|旗)|(?:区|县|市|旗)政府本级")
_OWN_TOWN = re.compile(r"[我本](?:镇|乡|街道|街)|办事处")


def _region_from_prose(att: Attribution, text_norm: str) -> None:
    """No county from the body's name: the one the prose names ("通过卢氏县人民政府门户网站");
    with no body at all, a text about the whole county (全区…, 区政府本级) is the county's."""
    if att.county or att.city or att.province:
        return
    found = region_from_text(text_norm)
    for key in ("county", "city", "province"):
        if found[key]:
            setattr(att, key, found[key])
            att.sources[key] = "prose"
    head = text_norm[:3000]
    if (att.county and not att.place and not att.organ and _WHOLE_COUNTY.search(head)
            and not _OWN_TOWN.search(head)):
        att.place, att.body_level, att.sources["place"] = att.county, "county", "prose:county"


def _county_from_registry(att: Attribution, text_norm: str) -> None:
    """A township named without its county: the registry's county when the name is unique in
    the country, or when the text names just one of the counties that have such a township
    (城关镇 and 陇县)."""
    if not att.place or att.county or att.body_level != "township":
        return
    homes = places.townships().get(att.place, ())
    if len(homes) > 1:
        head = text_norm[:6000]
        homes = tuple(h for h in homes if h.county in head or places.county_core(h.county) + "县" in head
                      or any(a in head for a in places.aliases_of(h.county)))
    if len(homes) == 1:
        home = homes[0]
        att.county, att.city, att.province = home.county, att.city or home.city, att.province or home.province
        att.sources["county"] = "registry"


def _level_from_prose(att: Attribution, text_norm: str) -> None:
    """A report that never names its body but speaks as one (我镇, 我街道, 本乡): a township
    whose name stays unknown."""
    if att.body_level is None and _OWN_TOWN.search(text_norm[:3000]):
        att.body_level = "township"


def attribute(paragraphs: list[str], text_norm: str, page_title: str | None,
              meta: dict[str, str], published: str | None,
              para_norm: list[str] | None = None) -> Attribution:
    """Every attribution fact with its source (see the module docstring). `para_norm`: the
    normalised twin of each paragraph (`normalize.norm_lines`), when the caller has it."""
    title, used = find_title(paragraphs, page_title)
    att = Attribution(title=title, title_lines=used)
    title_src = "title" if used else "page_title"
    if title:
        att.sources["title"] = title_src
    if para_norm is not None:  # the lines' twins joined: the joined lines' twin (norm_lines)
        prose = text_norm if not used else "\n".join(para_norm[used:])
    else:
        prose = norm_text("\n".join(paragraphs[used:]))
    attribute_body(att, title_src, {k: norm_text(v) for k, v in meta.items()}, prose)
    if (y := year_of(title)):
        att.year, att.sources["year"] = y, title_src
    else:
        y2, src = year_from_text(text_norm)
        if y2:
            att.year, att.sources["year"] = y2, src or "prose"
        elif published and published[5:7] <= "06":
            att.year, att.sources["year"] = int(published[:4]) - 1, "published"
    _county_from_registry(att, text_norm)
    _region_from_prose(att, text_norm)
    _level_from_prose(att, text_norm)
    kind = doc_type_of(title, text_norm)
    if att.doc_type != "other" or kind != "report":  # a template of a plan is still a plan
        att.doc_type = kind
    if att.doc_type == "report" and not title and not re.search(
            r"编制本报告|本报告|年度报告|年报|总体情况|主动公开(?:情况|政府信息)", text_norm[:3000]):
        att.doc_type = "other"
    return att
