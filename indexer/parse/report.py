"""The core: blocks (`Extracted`) → `Report` (the contract of shared/spec/report-json.md)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from . import checks, meta, narrative
from .blocks import Extracted, Paragraph
from .formats.dates import published_from_meta
from .normalize import half_width, norm_lines, norm_text, script_of
from .sections import find_sections
from .tables import extract_tables


@dataclass
class Report:
    title: str | None
    organ: str | None
    place: str | None
    county: str | None
    city: str | None
    province: str | None
    year: int | None
    published: str | None
    template: str | None
    script: str
    sections: list[dict]
    narrative: dict
    active: dict | None
    applications: dict | None
    appeals: dict | None
    findings: list[checks.Finding]
    text: str = ""
    text_norm: str = ""
    format: str = "txt"
    meta_dates: dict = field(default_factory=dict)
    title_norm: str | None = None
    ocr: bool = False
    doc_type: str = "report"
    body_level: str | None = None
    meta_sources: dict = field(default_factory=dict)

    def to_json(self) -> dict[str, Any]:
        return {
            "title": self.title, "organ": self.organ, "place": self.place,
            "county": self.county, "city": self.city, "province": self.province,
            "year": self.year, "published": self.published, "template": self.template,
            "script": self.script, "sections": self.sections, "narrative": self.narrative,
            "active": self.active, "applications": self.applications, "appeals": self.appeals,
            "findings": [f.to_json() for f in self.findings],
            "text": self.text, "text_norm": self.text_norm, "format": self.format,
            "meta_dates": self.meta_dates, "title_norm": self.title_norm, "ocr": self.ocr,
            "doc_type": self.doc_type, "body_level": self.body_level, "meta_sources": self.meta_sources,
        }

    @property
    def finding_codes(self) -> list[str]:
        return sorted({f.code for f in self.findings})


def _template(hints: set[str], tables_found: bool) -> str | None:
    if "2019" in hints and "2021" not in hints:
        return "2019"
    if "2021" in hints:
        return "2021" if "2019" not in hints else "2019"
    return None if not tables_found else "2021"


def _meta_dates(ex: Extracted) -> dict:
    m = ex.meta or {}
    index_number = m.get("索引号")
    return {"shown": ex.published, "index_number": index_number, "metadata": dict(m)}


def build_report(ex: Extracted) -> Report:
    paragraphs = [b.text for b in ex.blocks if isinstance(b, Paragraph) and b.text.strip()]
    text = "\n".join(paragraphs)
    text_half, text_norm, para_norm = norm_lines(paragraphs)  # OpenCC once for the whole text
    published = ex.published or published_from_meta(ex.meta or {})
    att = meta.attribute(paragraphs, text_norm, ex.title, ex.meta or {}, published, para_norm)
    title, used = att.title, att.title_lines
    body = paragraphs[used:] if used else paragraphs
    region = {"place": att.place, "county": att.county, "city": att.city, "province": att.province}
    body_norm = para_norm[used:]
    title_norm = norm_text(title) if title else None
    year = att.year
    sources = dict(att.sources)
    if published:
        sources["published"] = "page" if ex.published else "metadata"
    if region["county"] and "county" not in sources:
        sources["county"] = sources.get("place", "title")
    secs = find_sections(body)
    sec_norm = {s.number: "\n".join(body_norm[s.start:s.end]).strip() for s in secs}
    tables = extract_tables(ex.blocks)
    found_any = any(t is not None for t in (tables.active, tables.applications, tables.appeals))
    report = Report(
        title=title, organ=att.organ, year=year, published=published,
        template=_template(tables.template_hints, found_any),
        script=script_of(text + (title or ""), unchanged=text_norm == text_half and (
            title is None or title_norm == half_width(title))),
        sections=[{"number": s.number, "heading": s.heading, "text": s.text} for s in secs],
        narrative={"proactive_items": narrative.proactive_items(sec_norm, text_norm),
                   "applications_received": narrative.applications_received(sec_norm, text_norm)},
        active=tables.active, applications=tables.applications, appeals=tables.appeals,
        findings=[], text=text, text_norm=text_norm, format=ex.format,
        meta_dates=_meta_dates(ex), title_norm=title_norm, ocr=ex.ocr,
        doc_type=att.doc_type, body_level=att.body_level, meta_sources=sources,
        **region,
    )
    first_section = next((i for i, p in enumerate(body) if secs and p.strip().endswith(secs[0].heading)), 0)
    title_area = "\n".join([title_norm or "", *body_norm[:first_section]])
    report.findings = checks.run_checks(
        report.to_json(), text_norm=text_norm, title_area=title_area,
        no_appeals=narrative.states_no_appeals(sec_norm, text_norm))
    if att.place_unknown:
        report.findings.append(checks.Finding(
            "UNKNOWN_PLACE", "warning",
            f"“{att.place_unknown}”不是区划名录中的乡镇街道名称，未作为地点记录", ["place"]))
    return report
