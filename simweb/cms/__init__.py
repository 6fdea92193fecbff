"""List pages of the CMS families real county portals serve, beside the classic layouts of
`simweb.pages`: `jpage` (大汉 Hanweb datastore + dataproxy.jsp record ranges), `jsonapi` (a
template filled from a JSON endpoint), `xxgk` (信息公开 directory: table, form-POST paging,
one sub-column per organ), `gkmlpt` (Guangdong's platform: a Vue shell and its
`/gkmlpt/api/all/<column>` JSON), `jpaas` (开普云: a list unit answering rendered HTML inside
JSON, the page number inside `paramJson`), `hanweb_xxgk` (大汉's 信息公开目录 module: the column
page's `loadDynamic(…/module/xxgk/search.jsp…)` call, a table fragment paged by `currpage`). Article and attachment pages stay those of the site's layout.

`World(cms=…)` chooses a site's lister: `classic` (all sites as before), `mixed` (each site
draws one at random, deterministic per seed), `cycle` (site i gets LISTERS[i % 7]: the first
four families in a four-site world), or one family's name (every site serves that family). A site with a mirror on the provincial intensive platform (another
host: `SimWeb.mirrors`) links some reports there too, under the same titles. Every family's
county column also carries a 年报专题 box linking its oldest reports under their own URLs (and
the xxgk directory lists each report in the county's and its organ's column too).
"""

from __future__ import annotations

from datetime import date

from ..facts import rng_for
from ..pages import Page
from ..world import Site, World
from . import gkmlpt, hanweb_xxgk, jpaas, jpage, jsonapi, xxgk

LISTERS = ("classic", "jpage", "jsonapi", "xxgk", "gkmlpt", "jpaas", "hanweb_xxgk")
MODES = ("classic", "mixed", "cycle", *LISTERS[1:])
_MODULES = {"jpage": jpage, "jsonapi": jsonapi, "xxgk": xxgk, "gkmlpt": gkmlpt, "jpaas": jpaas,
            "hanweb_xxgk": hanweb_xxgk}


def lister_for(seed: int, mode: str, index: int) -> str:
    if mode in LISTERS:  # classic, or one family for every site
        return mode
    if mode == "cycle":
        return LISTERS[index % len(LISTERS)]
    return rng_for(seed, "cms", index).choice(LISTERS)


def has_mirror(seed: int, mode: str, index: int) -> bool:
    """Sites whose reports are mirrored on the provincial platform (never classic ones)."""
    if lister_for(seed, mode, index) == "classic":
        return False
    return mode != "mixed" or rng_for(seed, "mirror", index).random() < 0.5


def entry_path(lister: str, site: Site) -> str:
    return _MODULES[lister].entry_path(site) if lister in _MODULES else site.list_path


def render_list(world: World, site: Site, lister: str, path: str, query: dict[str, str],
                today: date, mirror: str | None = None) -> Page | None:
    """The page when `path` is one of the lister's list URLs, else None (article pages,
    attachments, robots.txt … are the layout's)."""
    module = _MODULES.get(lister)
    if module is None:
        return None
    return module.render(world, site, path, query, today, mirror)
