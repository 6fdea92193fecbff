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
