"""Publication deadlines: level defaults, overridable per region and per publisher."""

from __future__ import annotations

import functools
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any, Protocol

import yaml

from nianbao.errors import ConfigError
from nianbao.settings import get_settings

DEFAULTS = {"township": "01-31", "subdistrict": "01-31", "department": "01-31", "county": "03-31"}


class HasDeadlineFields(Protocol):
    # read-only properties, so frozen dataclasses (PublisherInfo) satisfy the protocol
    @property
    def id(self) -> str: ...
    @property
    def level(self) -> str: ...
    @property
    def province(self) -> str: ...
    @property
    def city(self) -> str: ...
    @property
    def county(self) -> str: ...
    @property
    def code(self) -> str: ...
    @property
    def deadline(self) -> str | None: ...


@dataclass(frozen=True)
class DeadlineRules:
    defaults: dict[str, str] = field(default_factory=lambda: dict(DEFAULTS))
    regions: dict[str, Any] = field(default_factory=dict)
    publishers: dict[str, str] = field(default_factory=dict)


def _mmdd(value: str, year: int, where: str) -> date:
    """'01-31' -> date(year, 1, 31); a bad value is a config error naming where it came from."""
    try:
        month, day = (int(p) for p in str(value).split("-"))
        return date(year, month, day)
    except (ValueError, TypeError) as exc:
        raise ConfigError(f"截止日期格式应为 MM-DD / bad deadline {value!r} ({where})") from exc


@functools.lru_cache(maxsize=8)
def load_rules(path: Path | None = None) -> DeadlineRules:
    """Read config/deadlines.yaml; a missing file means the statutory defaults."""
    if path is None:
        path = get_settings().config_dir / "deadlines.yaml"
    if not path.exists():
        return DeadlineRules()
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except yaml.YAMLError as exc:
        raise ConfigError(f"无法解析 {path} / cannot parse deadlines: {exc}") from exc
    defaults = {**DEFAULTS, **(data.get("defaults") or {})}
    return DeadlineRules(defaults, dict(data.get("regions") or {}), dict(data.get("publishers") or {}))


def _region_value(rules: DeadlineRules, pub: HasDeadlineFields) -> str | None:
    """The most specific region override: longest code prefix, then county > city > province."""
    best: tuple[int, Any] | None = None
    for key, value in rules.regions.items():
        key = str(key)
        if key.isdigit() and pub.code.startswith(key):
            rank = len(key) + 100  # a code prefix is more precise than a name
        elif key in (pub.county, pub.city, pub.province) and key:
            rank = {pub.county: 3, pub.city: 2, pub.province: 1}[key]
        else:
            continue
        if best is None or rank > best[0]:
            best = (rank, value)
    if best is None:
        return None
    value = best[1]
    return value.get(pub.level) if isinstance(value, dict) else value


def deadline_for(pub: HasDeadlineFields, year: int, rules: DeadlineRules | None = None) -> date:
    """The deadline for `pub`'s report on `year` (a date in year + 1)."""
    rules = rules or load_rules()
    if pub.id in rules.publishers:
        return _mmdd(rules.publishers[pub.id], year + 1, f"publisher {pub.id}")
    if pub.deadline:
        return _mmdd(pub.deadline, year + 1, f"registry {pub.id}")
    region = _region_value(rules, pub)
    if region:
        return _mmdd(region, year + 1, f"region of {pub.id}")
    level = pub.level if pub.level in rules.defaults else "department"
    return _mmdd(rules.defaults[level], year + 1, f"default {level}")
