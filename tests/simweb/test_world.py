"""The world itself: deterministic, consistent, answering ground-truth questions."""

from datetime import date

from simweb import facts
from simweb.world import World


def test_same_seed_same_world():
    a, b = World(7, "demo"), World(7, "demo")
    assert [s.county.code for s in a.sites] == [s.county.code for s in b.sites]
    day = date(2025, 2, 15)
    ra, rb = a.visible_reports(day), b.visible_reports(day)
    assert [d.path for d in ra] == [d.path for d in rb]
    assert a.report(ra[0], day) == b.report(rb[0], day)
    assert [s.county.code for s in World(8, "demo").sites] != [s.county.code for s in a.sites]


def test_demo_size_and_real_codes():
    w = World(1, "demo")
    pubs = w.all_publishers()
    towns = [p for p in pubs if p.level in ("township", "subdistrict")]
    assert 45 <= len(towns) <= 60
    assert {p.level for p in pubs} == {"township", "subdistrict", "department", "county"} or \
        {"township", "department", "county"} <= {p.level for p in pubs}
    assert all(len(p.code) == 12 and p.code.isdigit() for p in pubs)
    assert len(w.years) == 3


def _balanced(apps: dict) -> bool:
    for c in facts.T3_COLUMNS:
        if apps["new"][c] + apps["carried_over"][c] != \
                apps["results_total"][c] + apps["carried_forward"][c]:
            return False
        if sum(apps[r][c] for r in facts.T3_RESULTS) != apps["results_total"][c]:
            return False
    return all(sum(row[c] for c in facts.T3_COLUMNS[:-1]) == row["total"] for row in apps.values())


def test_figures_consistent_unless_defective():
    w = World(1, "demo")
    day = date(2026, 1, 1)
    reports = [w.report(d, day) for d in w.visible_reports(day)]
    clean = [r for r in reports if not {"T3_ROW_SUM", "BLANK_CELL"} & {f["code"] for f in r["findings"]}]
    assert clean and all(_balanced(r["applications"]) for r in clean)
    broken = [r for r in reports if any(f["code"] == "T3_ROW_SUM" for f in r["findings"])]
    assert broken and not any(_balanced(r["applications"]) for r in broken)
    assert any(f["code"] == "BLANK_CELL" for r in reports for f in r["findings"])
    assert any(r["template"] == "2019" for r in reports)


def test_continuity_across_years():
    w = World(1, "demo")
    day = date(2026, 1, 1)
    pub = w.all_publishers()[0]
    docs = {d.year: d for d in w.docs(pub.site) if d.publisher_id == pub.id}
    years = sorted(docs)
    for y in years[1:]:
        if y - 1 in docs:
            prev, cur = w.report(docs[y - 1], day), w.report(docs[y], day)
            assert prev["applications"]["carried_forward"]["natural_person"] == \
                cur["applications"]["carried_over"]["natural_person"]


def test_ground_truth_statuses():
    w = World(1, "demo")
    statuses = {w.status(p.id, 2024, date(2025, 4, 15)) for p in w.all_publishers()}
    assert {"published", "late", "missing"} <= statuses
    # before the deadline nothing is missing yet
    assert "missing" not in {w.status(p.id, 2024, date(2025, 1, 10)) for p in w.all_publishers()}


def test_registry_rows():
    rows = World(1, "demo").registry_rows()
    assert {"id", "name", "level", "province", "city", "county", "code", "deadline",
            "entry_url"} <= set(rows[0])
    assert len({r["id"] for r in rows}) == len(rows)
    assert len({r["entry_url"].split("/")[2] for r in rows}) == 4


def test_unregistered_publisher_report():
    w = World(1, "demo")
    day = date(2026, 1, 1)
    extra = [d for d in w.visible_reports(day) if not d.registered]
    assert extra
    ids = {r["id"] for r in w.registry_rows()}
    assert all(d.publisher_id not in ids for d in extra)
    assert "政务服务中心" in w.report(extra[0], day)["organ"]
