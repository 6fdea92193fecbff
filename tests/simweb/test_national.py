"""The national world: 40,000 townships answered on request, nothing precomputed."""

import random
import resource
import time

import httpx

from nianbao.divisions import township_count
from simweb.server import SimWeb
from simweb.world import World


def test_national_world_is_lazy():
    t = time.monotonic()
    w = World(3, "national")
    pubs_towns = township_count()
    assert pubs_towns >= 40_000
    assert len(w.site_counties) > 2_900
    assert not w._docs  # nothing generated yet
    rng = random.Random(5)
    i = rng.randrange(len(w.site_counties))
    reports = [d for d in w.listing(i, w_date()) if d.kind == "report"]
    assert reports and len(w._docs) == 1
    report = w.report(reports[0], w_date())
    assert report["county"] == w.site(i).county.name
    assert time.monotonic() - t < 5


def w_date():
    from datetime import date
    return date(2025, 3, 1)


def test_national_random_township_page_over_http():
    rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    with SimWeb(seed=3, size="national", date="2025-03-01") as web:
        assert len(web.hosts) == len(web.world.site_counties)
        rng = random.Random(11)
        with httpx.Client() as client:
            for _ in range(3):
                i = rng.randrange(len(web.hosts))
                doc = next(d for d in web.world.listing(i, web.today) if d.kind == "report")
                r = client.get(web.hosts[i] + doc.path)
                assert r.status_code == 200 and doc.title in r.text
        assert len(web.world._docs) <= 3
    grown_mb = (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - rss_before) / 1024
    assert grown_mb < 200
