"""Expand a table given as rows of spanning cells into a full grid (`blocks.Table`)."""

from __future__ import annotations

from collections.abc import Iterable

from indexer.parse.blocks import Table

MAX_SPAN = 200  # a bad rowspan="9999" must not blow up memory


def expand(rows: Iterable[Iterable[tuple[str, int, int]]]) -> Table:
    """Rows of (text, rowspan, colspan) → grid; covered positions repeat the text, marked merged."""
    grid: dict[tuple[int, int], tuple[str, bool]] = {}
    n_rows = width = 0
    for r, row in enumerate(rows):
        n_rows = max(n_rows, r + 1)
        c = 0
        for text, rowspan, colspan in row:
            while (r, c) in grid:
                c += 1
            rs, cs = _clamp(rowspan), _clamp(colspan)
            for dr in range(rs):
                for dc in range(cs):
                    grid.setdefault((r + dr, c + dc), (text, bool(dr or dc)))
            c += cs
            width = max(width, c)
    # a rowspan reaching past the last row adds no rows of its own
    texts = [[grid.get((r, c), ("", False))[0] for c in range(width)] for r in range(n_rows)]
    merged = [[grid.get((r, c), ("", False))[1] for c in range(width)] for r in range(n_rows)]
    return Table(rows=texts, merged=merged)


def _clamp(v: int) -> int:
    return min(max(v, 1), MAX_SPAN)


def span(value: str | None) -> int:
    """An HTML/Word span attribute as an int (bad values count as 1)."""
    try:
        return _clamp(int(str(value).strip() or 1))
    except (TypeError, ValueError):
        return 1


def drop_sliver_columns(table: Table) -> Table:
    """Remove grid columns that every row merely spans across (a copy of the left neighbour
    in every row). Word processors leave such slivers when cell edges do not line up."""
    if not table.rows:
        return table
    width = len(table.rows[0])
    keep = [c for c in range(width) if c == 0 or not all(
        m[c] and r[c] == r[c - 1] for r, m in zip(table.rows, table.merged, strict=True))]
    if len(keep) == width:
        return table
    return Table([[r[c] for c in keep] for r in table.rows],
                 [[m[c] for c in keep] for m in table.merged])
