"""A deterministic simulated world: county portals, their publishers and their reports.

Everything is derived from (seed, size) by hashing, on request: a national world of 40,000
townships costs only its division list until a page is asked for.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field, replace
from datetime import date, datetime, timedelta
from functools import cached_property, lru_cache

from nianbao.divisions import County, counties

from . import facts
from .prose import report_dict

LAYOUTS = ("trs", "hanweb", "gkmlpt", "plain")
DEPARTMENTS = (("jyj", "教育局"), ("czj", "财政局"), ("wjj", "卫生健康局"),
               ("zrzyj", "自然资源局"), ("scjgj", "市场监督管理局"))
SIZES = {"tiny": (2, 6, 2), "demo": (4, 13, 3), "national": (None, None, 2)}
PER_PAGE = 15
DEFECTS = ("arith", "blank", "old_template", "leftover", "duplicate", "narrative")


@dataclass(frozen=True)
class Publisher:
    id: str
    name: str  # the organ as it names itself
    place: str  # short name used in titles
    level: str  # township | subdistrict | department | county
    code: str
    site: int  # index of the county site that lists its reports

    @property
    def deadline(self) -> str:
        return "03-31" if self.level == "county" else "01-31"


@dataclass(frozen=True)
class Site:
    index: int
    county: County
    layout: str
    encoding: str
    date_style: str
    mirror: bool  # a traditional-character mirror under /big5/

    @property
    def name(self) -> str:
        return f"{self.county.name}人民政府"

    @property
    def list_path(self) -> str:
        return {"trs": "/xxgk/ndbg/index.html",
                "hanweb": f"/col/col{1229214000 + self.index}/index.html",
                "gkmlpt": "/gkmlpt/ndbg/index.html",
                "plain": "/zfxxgk/ndbg/index.html"}[self.layout]

    @property
    def robots(self) -> str:
        lines = ["User-agent: BadBot", "Disallow: /", "", "User-agent: *", "Disallow: /search/"]
        if self.mirror:
            lines.append("Disallow: /big5/")
        return "\n".join(lines) + "\n"


@dataclass(frozen=True)
class Doc:
    """One page in a site's 年报 column: a report (publisher set) or a neighbouring document."""
    key: str
    site: int
    title: str
    path: str
    published: datetime
    kind: str  # report | other
    publisher_id: str | None = None
    year: int | None = None
    fmt: str = "html"  # html, or the attachment format (pdf/docx/doc) on hanweb sites
    edited: datetime | None = None
    removed: date | None = None
    defects: tuple[str, ...] = ()
    attachment: str | None = None  # path of the attachment file
    registered: bool = True  # False: a body missing from the registry (shown as unmatched)
    names_organ: bool = True  # False: the title is "2024年政府信息公开工作年度报告" alone

    def visible(self, today: date) -> bool:
        return self.published.date() <= today and (self.removed is None or today < self.removed)

    def version(self, today: date) -> int:
        return 2 if self.edited and self.edited.date() <= today else 1

    def last_modified(self, today: date) -> datetime:
        return self.edited if self.version(today) == 2 and self.edited else self.published


@dataclass
class World:
    seed: int = 1
    size: str = "demo"
    last_year: int = 2024  # the newest report year (published in last_year + 1)
    _docs: dict[int, list[Doc]] = field(default_factory=dict, repr=False)

    def __post_init__(self) -> None:
        if self.size not in SIZES:
            raise ValueError(f"未知的规模 size={self.size!r}（可选：{', '.join(SIZES)}）")
        self.n_sites, self.towns_per_county, self.n_years = SIZES[self.size]

    # --- structure -------------------------------------------------------------------------
    @cached_property
    def years(self) -> list[int]:
        return list(range(self.last_year - self.n_years + 1, self.last_year + 1))

    @cached_property
    def site_counties(self) -> list[County]:
        everything = counties()
        if self.n_sites is None or self.towns_per_county is None:  # both None for national
            return list(everything)
        fit = [c for c in everything if len(c.townships) >= self.towns_per_county]
        picked = facts.rng_for(self.seed, "counties").sample(fit, self.n_sites)
        return sorted(picked, key=lambda c: c.code)

    def site(self, index: int) -> Site:
        return _site(self.seed, index, self.site_counties[index])

    @property
    def sites(self) -> list[Site]:
        return [self.site(i) for i in range(len(self.site_counties))]

    def publishers(self, site: int) -> list[Publisher]:
        return _publishers(self.site(site), self.towns_per_county, self.seed)

    def all_publishers(self) -> list[Publisher]:
        return [p for i in range(len(self.site_counties)) for p in self.publishers(i)]

    def publisher(self, pub_id: str) -> Publisher:
        for i, c in enumerate(self.site_counties):
            if pub_id.startswith(c.code[:6]):
                for p in [*self.publishers(i), _unregistered(self.site(i))]:
                    if p.id == pub_id:
                        return p
        raise KeyError(pub_id)

    # --- documents ---------------------------------------------------------------------------
    def docs(self, site: int) -> list[Doc]:
        """All documents a site will ever carry (visibility depends on the date)."""
        if site not in self._docs:
            if len(self._docs) > 512:  # bound memory in the national world
                self._docs.clear()
            self._docs[site] = _site_docs(self, self.site(site))
        return self._docs[site]

    def doc_at(self, site: int, path: str) -> Doc | None:
        for d in self.docs(site):
            if path in (d.path, d.attachment):
                return d
        return None

    def listing(self, site: int, today: date) -> list[Doc]:
        """What the 年报 column shows on a date, newest first."""
        shown = [d for d in self.docs(site) if d.visible(today)]
        return sorted(shown, key=lambda d: (d.published, d.key), reverse=True)

    def report(self, doc: Doc, today: date) -> dict:
        """The contract-JSON dict of a report document as it stands on a date."""
        return _report(self, doc, doc.version(today))

    # --- ground truth for tests ---------------------------------------------------------------
    def visible_reports(self, today: date) -> list[Doc]:
        return [d for i in range(len(self.site_counties)) for d in self.listing(i, today)
                if d.kind == "report"]

    def status(self, pub_id: str, year: int, today: date) -> str:
        """published | late | missing (after the deadline) | pending | removed."""
        pub = self.publisher(pub_id)
        doc = next((d for d in self.docs(pub.site)
                    if d.publisher_id == pub_id and d.year == year), None)
        deadline = date(year + 1, *map(int, pub.deadline.split("-")))
        if doc is None or doc.published.date() > today:
            return "missing" if today > deadline else "pending"
        if doc.removed and doc.removed <= today:
            return "removed"
        return "late" if doc.published.date() > deadline else "published"

    def registry_rows(self, base_urls: list[str] | None = None) -> list[dict]:
        """Rows for the crawler's publisher registry (docs/architecture.md)."""
        rows = []
        for p in self.all_publishers():
            s = self.site(p.site)
            base = base_urls[p.site] if base_urls else default_base_url(p.site)
            rows.append({"id": p.id, "name": p.name, "level": p.level,
                         "province": s.county.province, "city": s.county.city,
                         "county": s.county.name, "code": p.code, "deadline": p.deadline,
                         "entry_url": base + s.list_path})
        return rows


def default_base_url(site: int, port: int = 8800) -> str:
    return f"http://{site_address(site)}:{port}"


def site_address(site: int) -> str:
    """127.0.1.1 … 127.0.1.250, then 127.0.2.x …: every site its own loopback address."""
    return f"127.0.{1 + site // 250}.{1 + site % 250}"


@lru_cache(maxsize=4096)
def _site(seed: int, index: int, county: County) -> Site:
    layout = LAYOUTS[index % len(LAYOUTS)]
    encoding = "gbk" if layout in ("hanweb", "plain") else "utf-8"
    style = {"trs": "line", "hanweb": "byline", "gkmlpt": "meta", "plain": "bullet"}[layout]
    return Site(index, county, layout, encoding, style, mirror=layout == "gkmlpt")


@lru_cache(maxsize=2048)
def _publishers(site: Site, towns: int | None, seed: int) -> list[Publisher]:
    c = site.county
    out = []
    for code, name in c.townships[:towns]:
        level = "subdistrict" if name.endswith("街道") else "township"
        organ = f"{name}办事处" if level == "subdistrict" else f"{name}人民政府"
        out.append(Publisher(code, organ, name, level, code, site.index))
    rng = facts.rng_for(seed, "departments", c.code)
    for slug, dept in sorted(rng.sample(DEPARTMENTS, 2)):
        out.append(Publisher(f"{c.code}-{slug}", f"{c.name}{dept}", f"{c.name}{dept}",
                             "department", c.code, site.index))
    out.append(Publisher(f"{c.code}-gov", f"{c.name}人民政府", c.name, "county", c.code,
                         site.index))
    return out


def _pub_time(rng: random.Random, year: int, level: str) -> datetime | None:
    """Most before the deadline, some late (Feb/Mar or Apr for counties), some never."""
    roll = rng.random()
    if roll < 0.06:
        return None
    if level == "county":
        start, span = date(year + 1, 3, 1), 30 if roll < 0.9 else 60
    elif roll < 0.86:
        start, span = date(year + 1, 1, 5), 26
    else:
        start, span = date(year + 1, 2, 1), 55
    day = start + timedelta(days=rng.randint(0, span))
    return datetime(day.year, day.month, day.day, rng.randint(8, 17), rng.randint(0, 59))


def _report_doc(world: World, site: Site, pub: Publisher, year: int) -> Doc | None:
    rng = facts.rng_for(world.seed, "doc", pub.id, year)
    published = _pub_time(rng, year, pub.level)
    if published is None:
        return None
    edited = published + timedelta(days=rng.randint(3, 40), hours=2) \
        if rng.random() < 0.1 else None
    removed = (published + timedelta(days=rng.randint(20, 200))).date() \
        if rng.random() < 0.04 else None
    defects = tuple(d for d in DEFECTS if rng.random() < 0.06)
    if year >= 2021 and "old_template" in defects and rng.random() < 0.5:
        defects = tuple(d for d in defects if d != "old_template")
    title = f"{pub.name if pub.level != 'county' else site.name}{year}年政府信息公开工作年度报告"
    if rng.random() < 0.3 and pub.level in ("township", "subdistrict"):
        title = f"{site.county.name}{title}"
    num = rng.randint(10_000_000, 99_999_999)
    fmt = ("pdf", "docx", "doc")[num % 3] if site.layout == "hanweb" else "html"
    path, attachment = _paths(site, published, num, fmt)
    # Real township columns list titles without the body (the page's 发布机构 and the prose
    # name it): an HTML page whose prose is its own (not a copy of another body's).
    names_organ = not (fmt == "html" and pub.level in ("township", "subdistrict")
                       and "duplicate" not in defects
                       and facts.rng_for(world.seed, "bare-title", pub.id, year).random() < 0.15)
    if not names_organ:
        title = f"{year}年政府信息公开工作年度报告"
    return Doc(f"{pub.id}/{year}", site.index, title, path, published, "report", pub.id, year,
               fmt, edited, removed, defects, attachment, names_organ=names_organ)


def _paths(site: Site, when: datetime, num: int, fmt: str) -> tuple[str, str | None]:
    if site.layout == "trs":
        return f"/xxgk/ndbg/{when:%Y%m}/t{when:%Y%m%d}_{num}.html", None
    if site.layout == "hanweb":
        col = str(1229214000 + site.index)[:4]
        art = f"/art/{when.year}/{when.month}/{when.day}/art_{col}_{num % 1_000_000}.html"
        return art, (f"/module/download/{when:%Y%m}/{num:x}.{fmt}" if fmt != "html" else None)
    if site.layout == "gkmlpt":
        return f"/gkmlpt/content/0/{num % 1000}/post_{num % 1_000_000}.html", None
    return f"/zfxxgk/ndbg/{num % 100_000}.html", None


_OTHERS = (
    ("{county}人民政府办公室关于做好{year}年度政府信息公开工作年度报告编制发布工作的通知", 1, 4),
    ("{place}{year}年度政府信息公开工作自查报告", 12, 20),
    ("关于{county}{year}年政府信息公开工作年度报告有关问题的复函", 3, 15),
)


def _other_docs(world: World, site: Site, year: int) -> list[Doc]:
    out = []
    pubs = world.publishers(site.index)
    for i, (tpl, month, day) in enumerate(_OTHERS):
        rng = facts.rng_for(world.seed, "other", site.index, year, i)
        place = rng.choice(pubs).place
        y = year + 1 if month < 12 else year
        when = datetime(y, month, day, rng.randint(8, 17), rng.randint(0, 59))
        path, _ = _paths(site, when, rng.randint(10_000_000, 99_999_999), "html")
        title = tpl.format(county=site.county.name, year=year, place=place)
        out.append(Doc(f"other/{site.index}/{year}/{i}", site.index, title, path, when, "other"))
    return out


def _unregistered(site: Site) -> Publisher:
    """A body that publishes in the column but is not in the registry."""
    c = site.county
    return Publisher(f"{c.code}-zwfw", f"{c.name}政务服务中心", f"{c.name}政务服务中心",
                     "department", c.code, site.index)


def _site_docs(world: World, site: Site) -> list[Doc]:
    docs: list[Doc] = []
    extra = _report_doc(world, site, _unregistered(site), world.years[-1])
    if extra:
        docs.append(replace(extra, registered=False))
    for year in world.years:
        for pub in world.publishers(site.index):
            d = _report_doc(world, site, pub, year)
            if d:
                docs.append(d)
        docs.extend(_other_docs(world, site, year))
    return docs


@lru_cache(maxsize=1024)
def _report_cached(seed: int, size: str, key: str, version: int) -> dict:
    world = _worlds[(seed, size)]
    pub_id, year = key.rsplit("/", 1)
    pub = world.publisher(pub_id)
    doc = world.doc_at(pub.site, next(d.path for d in world.docs(pub.site) if d.key == key))
    assert doc is not None
    return report_dict(world, pub, doc, version)


_worlds: dict[tuple[int, str], World] = {}


def _report(world: World, doc: Doc, version: int) -> dict:
    _worlds.setdefault((world.seed, world.size), world)
    return _report_cached(world.seed, world.size, doc.key, version)
