"""The publisher registry: YAML (`publishers:` list) or CSV, validated row by row.

A bad row is named (file, row number, field, reason) so a 40,000-row import can be fixed, and
nothing is half-loaded: either the whole file validates or it is rejected.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable
from pathlib import Path
from typing import Any, Literal
from urllib.parse import urlsplit

import yaml
from pydantic import BaseModel, ConfigDict, ValidationError, field_validator, model_validator
from sqlalchemy.orm import Session

from nianbao.divisions import counties, gazetteer, place_in_divisions
from nianbao.errors import ConfigError

from .models import PublisherRow

Level = Literal["township", "subdistrict", "department", "county"]
FIELDS = ("id", "name", "level", "province", "city", "county", "code", "deadline", "entry_url", "schedule")
# Registry-only columns (not mirrored into the `publishers` table): the CMS family of the
# entry page when detection must be overridden, and whether a crawl has confirmed the row.
EXTRA_FIELDS = ("family", "verified")
FAMILY_NAMES = ("generic", "hanweb", "hanweb_xxgk", "xxgk", "jsonlist", "gkmlpt")
_SCHEDULES = re.compile(r"^(daily|weekly|hourly|off|cron:.+)$")


class Publisher(BaseModel):
    """One body that must publish a report, and the page where its reports are listed."""

    model_config = ConfigDict(str_strip_whitespace=True, frozen=True)

    id: str
    name: str
    level: Level
    province: str = ""
    city: str = ""
    county: str = ""
    code: str = ""
    deadline: str | None = None  # MM-DD, overrides the default deadline of the level
    entry_url: str
    schedule: str | None = None  # daily | weekly | hourly | off | cron:<crontab>
    family: str | None = None  # generic | hanweb | hanweb_xxgk | xxgk | jsonlist | gkmlpt (None: detected from the page)
    verified: bool | None = None  # False: seen in public pages, not yet confirmed by a crawl

    @field_validator("family")
    @classmethod
    def _family(cls, v: str | None) -> str | None:
        if v and v not in FAMILY_NAMES:
            raise ValueError(f"family 应为 {'|'.join(FAMILY_NAMES)} / unknown CMS family")
        return v or None

    @field_validator("id", "name")
    @classmethod
    def _non_empty(cls, v: str) -> str:
        if not v:
            raise ValueError("不能为空 / must not be empty")
        return v

    @field_validator("code")
    @classmethod
    def _code(cls, v: str) -> str:
        if v and not re.fullmatch(r"\d{12}", v):
            raise ValueError("区划代码应为12位数字 / division code must be 12 digits")
        return v

    @field_validator("deadline")
    @classmethod
    def _deadline(cls, v: str | None) -> str | None:
        if not v:
            return None
        m = re.fullmatch(r"(\d{2})-(\d{2})", v)
        if not m or not (1 <= int(m[1]) <= 12 and 1 <= int(m[2]) <= 31):
            raise ValueError("截止日期格式应为 MM-DD / deadline must be MM-DD")
        return v

    @field_validator("entry_url")
    @classmethod
    def _url(cls, v: str) -> str:
        parts = urlsplit(v)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise ValueError("入口网址应为 http(s) 网址 / entry_url must be an http(s) URL")
        return v

    @field_validator("schedule")
    @classmethod
    def _schedule(cls, v: str | None) -> str | None:
        if v and not _SCHEDULES.match(v):
            raise ValueError("schedule 应为 daily|weekly|hourly|off|cron:… / unknown schedule")
        return v or None

    @model_validator(mode="before")
    @classmethod
    def _county_level_city(cls, data: Any) -> Any:
        """A county-level city written as the city (city: 崇州市, no county, or the same as
        the county) is filed as a county under its prefecture: county 崇州市, city 成都市 (from
        the division gazetteer), so its departments and townships are counted with the other
        counties, not as a prefecture of their own."""
        if not isinstance(data, dict):
            return data
        city, county = str(data.get("city") or "").strip(), str(data.get("county") or "").strip()
        if not city or county not in ("", city):
            return data
        g = gazetteer()
        if city in g.cities or city not in g.counties:
            return data
        region = place_in_divisions(county, city, str(data.get("province") or "").strip() or None)
        return {**data, **{k: v or "" for k, v in region.items()}}


def _row_error(path: Path, rowno: int, exc: ValidationError) -> str:
    err = exc.errors()[0]
    field = ".".join(str(x) for x in err["loc"]) or "?"
    return f"{path.name} 第{rowno}行 / row {rowno}: {field}: {err['msg']}"


def _validate(path: Path, rows: Iterable[tuple[int, dict]]) -> list[Publisher]:
    out: list[Publisher] = []
    seen: dict[str, int] = {}
    for rowno, raw in rows:
        if not isinstance(raw, dict):
            raise ConfigError(f"{path.name} 第{rowno}行 / row {rowno}: 应为键值表 / must be a mapping")
        data = {k: ("" if v is None else str(v)) for k, v in raw.items() if k in FIELDS + EXTRA_FIELDS}
        data = {k: v for k, v in data.items() if v != "" or k in ("id", "name", "entry_url", "level")}
        try:
            pub = Publisher.model_validate(data)
        except ValidationError as exc:
            raise ConfigError(_row_error(path, rowno, exc)) from None
        if pub.id in seen:
            raise ConfigError(f"{path.name} 第{rowno}行 / row {rowno}: id {pub.id} 与第{seen[pub.id]}行重复 / duplicate id")
        seen[pub.id] = rowno
        out.append(pub)
    return out


def load_yaml(path: Path) -> tuple[list[Publisher], dict]:
    """Publishers and the optional `schedule:` block of a registry YAML file."""
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except (OSError, yaml.YAMLError) as exc:
        raise ConfigError(f"无法读取登记表 / cannot read registry {path}: {str(exc).splitlines()[0]}") from None
    if not isinstance(data, dict) or not isinstance(data.get("publishers", []), list):
        raise ConfigError(f"{path.name}: 需要 publishers: 列表 / expected a `publishers:` list")
    rows = enumerate(data.get("publishers") or [], start=1)
    return _validate(path, rows), dict(data.get("schedule") or {})


def load_csv(path: Path) -> list[Publisher]:
    try:
        text = path.read_bytes().decode("utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"无法读取 CSV / cannot read {path}: {exc}") from None
    reader = csv.DictReader(io.StringIO(text))
    missing = {"id", "name", "level", "entry_url"} - set(reader.fieldnames or [])
    if missing:
        raise ConfigError(f"{path.name}: 缺少列 / missing columns: {', '.join(sorted(missing))}")
    # Row numbers as a spreadsheet shows them: the header is row 1.
    return _validate(path, ((i + 2, r) for i, r in enumerate(reader)))


def load_registry(path: str | Path) -> list[Publisher]:
    """Read a registry file (.yaml/.yml or .csv); raises ConfigError naming the bad row."""
    p = Path(path)
    if not p.exists():
        raise ConfigError(f"找不到登记表 / registry not found: {p}")
    if p.suffix.lower() == ".csv":
        return load_csv(p)
    return load_yaml(p)[0]


def load_schedule(path: str | Path) -> dict:
    p = Path(path)
    return load_yaml(p)[1] if p.exists() and p.suffix.lower() != ".csv" else {}


def write_yaml(path: Path, publishers: list[Publisher], schedule: dict | None = None) -> None:
    """Write a registry YAML atomically (used by `registry import`)."""
    data: dict = {}
    if schedule:
        data["schedule"] = schedule
    data["publishers"] = [p.model_dump(exclude_none=True) for p in publishers]
    tmp = path.with_suffix(path.suffix + ".tmp")
    tmp.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    tmp.replace(path)


def sync_publishers(session: Session, publishers: list[Publisher]) -> int:
    """Upsert the registry into the `publishers` table (rows not in the file are kept:
    documents may refer to them). Returns the number of rows written."""
    existing = {r.id: r for r in session.query(PublisherRow).all()}
    for p in publishers:
        row = existing.get(p.id) or PublisherRow(id=p.id)
        for f in FIELDS[1:]:
            setattr(row, f, getattr(p, f) if getattr(p, f) is not None else (None if f in ("deadline", "schedule") else ""))
        session.add(row)
    session.commit()
    return len(publishers)


def allowed_hosts(publishers: Iterable[Publisher]) -> set[str]:
    """The crawl allow-list: `host:port` of every entry URL."""
    return {netloc(p.entry_url) for p in publishers}


def netloc(url: str) -> str:
    parts = urlsplit(url)
    port = parts.port or (443 if parts.scheme == "https" else 80)
    return f"{(parts.hostname or '').lower()}:{port}"


def from_divisions(entry_url_template: str, province: str | None = None, city: str | None = None,
                   county: str | None = None) -> list[Publisher]:
    """Registry rows from the administrative-division dataset (nianbao.divisions, npm
    `china-division`): each county's government and its townships/sub-districts, with real names
    and 12-digit codes. `entry_url_template` may use {province} {city} {county} {code} {code6}."""
    out: list[Publisher] = []
    for c in counties():
        if (province and c.province != province) or (city and c.city != city) or (county and c.name != county):
            continue
        url = entry_url_template.format(province=c.province, city=c.city, county=c.name,
                                        code=c.code, code6=c.code[:6])
        region: dict[str, Any] = {"province": c.province, "city": c.city, "county": c.name,
                                  "entry_url": url}
        out.append(Publisher(id=f"{c.code}-gov", name=f"{c.name}人民政府", level="county",
                             code=c.code, deadline="03-31", **region))
        for code, name in c.townships:
            sub = name.endswith("街道")
            out.append(Publisher(id=code, name=f"{name}{'办事处' if sub else '人民政府'}",
                                 level="subdistrict" if sub else "township", code=code, **region))
    return out
