"""Ruled tables from line segments: the grid the lines draw, with merged cells where a
separator is missing. Used for PDF pages (segments from the drawing) and scanned images
(segments found in the pixels). Coordinates: y grows downwards (top = smaller y)."""

from __future__ import annotations

from bisect import bisect_left
from dataclasses import dataclass
from typing import TYPE_CHECKING

from indexer.parse.blocks import Table
from indexer.parse.formats.grid import drop_sliver_columns

if TYPE_CHECKING:
    from indexer.parse.blocks import Table

TOL = 2.0  # points (PDF) or pixels/scale (images): how far apart two lines may be and be one
MIN_LEN = 4.0


@dataclass
class Seg:
    """An axis-parallel segment: horizontal when `horizontal`, at `pos` from `a` to `b`."""

    horizontal: bool
    pos: float
    a: float
    b: float


@dataclass
class Region:
    """One (possibly merged) cell: grid rows r0..r1, columns c0..c1 inclusive, and its box."""

    r0: int
    c0: int
    r1: int
    c1: int
    box: tuple[float, float, float, float]  # x0, y0, x1, y1


@dataclass
class Lattice:
    xs: list[float]
    ys: list[float]
    regions: list[Region]

    @property
    def box(self) -> tuple[float, float, float, float]:
        return self.xs[0], self.ys[0], self.xs[-1], self.ys[-1]


def segment(x0: float, y0: float, x1: float, y1: float, tol: float = TOL) -> Seg | None:
    """An axis-parallel segment from two points, or None for slanted or tiny ones."""
    if abs(y1 - y0) <= tol / 2 and abs(x1 - x0) >= MIN_LEN:
        return Seg(True, (y0 + y1) / 2, min(x0, x1), max(x0, x1))
    if abs(x1 - x0) <= tol / 2 and abs(y1 - y0) >= MIN_LEN:
        return Seg(False, (x0 + x1) / 2, min(y0, y1), max(y0, y1))
    return None


def find_tables(segs: list[Seg], tol: float = TOL) -> list[Lattice]:
    """Group touching segments into tables and read each table's grid."""
    out = []
    for group in _components(segs, tol):
        lat = _lattice(group, tol)
        if lat is not None:
            out.append(lat)
    return sorted(out, key=lambda t: t.ys[0])


def _components(segs: list[Seg], tol: float) -> list[list[Seg]]:
    parent = list(range(len(segs)))

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    hs = [i for i, s in enumerate(segs) if s.horizontal]
    vs = [i for i, s in enumerate(segs) if not s.horizontal]
    for i in hs:
        h = segs[i]
        for j in vs:
            v = segs[j]
            if h.a - tol <= v.pos <= h.b + tol and v.a - tol <= h.pos <= v.b + tol:
                parent[find(i)] = find(j)
    groups: dict[int, list[Seg]] = {}
    for i in range(len(segs)):
        groups.setdefault(find(i), []).append(segs[i])
    return list(groups.values())


def _cluster(values: list[float], tol: float) -> list[float]:
    out: list[list[float]] = []
    for v in sorted(values):
        if out and v - out[-1][-1] <= tol:
            out[-1].append(v)
        else:
            out.append([v])
    return [sum(c) / len(c) for c in out]


def _by_line(segs: list[Seg], lines: list[float]) -> list[list[tuple[float, float]]]:
    """The drawn stretches of each grid line (segments assigned to their nearest line)."""
    out: list[list[tuple[float, float]]] = [[] for _ in lines]
    for s in segs:
        i = bisect_left(lines, s.pos)
        near = min((j for j in (i - 1, i) if 0 <= j < len(lines)),
                   key=lambda j: abs(lines[j] - s.pos))
        out[near].append((s.a, s.b))
    return out


def _covered(stretches: list[tuple[float, float]], a: float, b: float, tol: float) -> bool:
    """Is the middle of a..b drawn on this line (a separator exists there)?"""
    mid = (a + b) / 2
    return any(s - tol <= mid <= e + tol for s, e in stretches)


def _lattice(group: list[Seg], tol: float) -> Lattice | None:
    hs = [s for s in group if s.horizontal]
    vs = [s for s in group if not s.horizontal]
    ys = _cluster([s.pos for s in hs], tol)
    xs = _cluster([s.pos for s in vs], tol)
    if len(xs) < 2 or len(ys) < 2:
        return None
    n_r, n_c = len(ys) - 1, len(xs) - 1
    h_lines, v_lines = _by_line(hs, ys), _by_line(vs, xs)
    owner = [[-1] * n_c for _ in range(n_r)]
    regions: list[Region] = []
    for r in range(n_r):
        for c in range(n_c):
            if owner[r][c] >= 0:
                continue
            c1 = c
            while c1 + 1 < n_c and not _covered(v_lines[c1 + 1], ys[r], ys[r + 1], tol):
                c1 += 1
            r1 = r
            while r1 + 1 < n_r and not _covered(h_lines[r1 + 1], xs[c], xs[c1 + 1], tol):
                r1 += 1
            for rr in range(r, r1 + 1):
                for cc in range(c, c1 + 1):
                    if owner[rr][cc] < 0:
                        owner[rr][cc] = len(regions)
            regions.append(Region(r, c, r1, c1, (xs[c], ys[r], xs[c1 + 1], ys[r1 + 1])))
    if n_r * n_c < 2:
        return None
    return Lattice(xs, ys, regions)


def to_table(lat: Lattice, texts: list[str]) -> Table:
    """Fill the grid with each region's text (copies marked merged) → blocks.Table."""
    n_r, n_c = len(lat.ys) - 1, len(lat.xs) - 1
    rows = [[""] * n_c for _ in range(n_r)]
    merged = [[False] * n_c for _ in range(n_r)]
    for reg, text in zip(lat.regions, texts, strict=True):
        for r in range(reg.r0, reg.r1 + 1):
            for c in range(reg.c0, reg.c1 + 1):
                rows[r][c] = text
                merged[r][c] = (r, c) != (reg.r0, reg.c0)
    keep = [i for i, r in enumerate(rows) if any(t for t in r)]
    table = Table([rows[i] for i in keep], [merged[i] for i in keep])
    return drop_sliver_columns(table) if table.rows else table
