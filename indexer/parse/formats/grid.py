"""Expand a table given as rows of spanning cells into a full grid (`blocks.Table`)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import cast

from indexer.parse.blocks import Table

MAX_SPAN = 200  # a bad rowspan="9999" must not blow up memory


def expand(rows: Iterable[Iterable[tuple[str, int, int]]]) -> Table:
    """Rows of (text, rowspan, colspan) → grid; covered positions repeat the text, marked merged."""
    texts: list[list[str | None]] = []  # None: a position no cell has covered yet
    marks: list[list[bool]] = []
    n_rows = width = 0
    for r, row in enumerate(rows):
        n_rows = r + 1
        if len(texts) <= r:
            texts.append([])
            marks.append([])
        here, here_m = texts[r], marks[r]
        c, n = 0, len(here)  # n: len(here), kept in step
        for text, rowspan, colspan in row:
            while c < n and here[c] is not None:
                c += 1
            if rowspan == 1 and colspan == 1:  # the common cell
                if c == n:
                    here.append(text)
                    here_m.append(False)
                    n += 1
                else:
                    here[c] = text
                    here_m[c] = False
                c += 1
            else:
                rs, cs = _clamp(rowspan), _clamp(colspan)
                _place(texts, marks, r, c, rs, cs, text)
                n = len(here)
                c += cs
            if c > width:
                width = c
    # a rowspan reaching past the last row adds no rows of its own
    out_t: list[list[str]] = []
    out_m: list[list[bool]] = []
    for t, m in zip(texts[:n_rows], marks[:n_rows]):
        if len(t) < width:
            t = t + [None] * (width - len(t))
            m = m + [False] * (width - len(m))
        # None: a position no cell covers
        out_t.append(["" if x is None else x for x in t] if None in t else cast(list[str], t))
        out_m.append(m)
    return Table(rows=out_t, merged=out_m)


def _place(texts: list, marks: list, r: int, c: int, rs: int, cs: int, text: str) -> None:
    """A spanning cell: fill the free positions of its rs × cs block (earlier cells keep theirs)."""
    while len(texts) < r + rs:
        texts.append([])
        marks.append([])
    for dr in range(rs):
        t, m = texts[r + dr], marks[r + dr]
        if len(t) < c + cs:
            m.extend([False] * (c + cs - len(t)))
            t.extend([None] * (c + cs - len(t)))
        if cs == 1:  # a rowspan: one position per row
            if t[c] is None:
                t[c] = text
                m[c] = dr > 0
        elif t[c:c + cs].count(None) == cs:  # every position free: one slice assignment
            t[c:c + cs] = [text] * cs
            m[c:c + cs] = [True] * cs if dr else [False] + [True] * (cs - 1)
        else:
            for dc in range(cs):
                if t[c + dc] is None:
                    t[c + dc] = text
                    m[c + dc] = bool(dr or dc)


def _clamp(v: int) -> int:
    return v if 1 <= v <= MAX_SPAN else min(max(v, 1), MAX_SPAN)


def span(value: str | None) -> int:
    """An HTML/Word span attribute as an int (bad values count as 1)."""
    if value is None:
        return 1
    try:
        return _clamp(int(str(value).strip() or 1))
    except (TypeError, ValueError):
        return 1


def word_table(texts: list[list[str]], merged: list[list[bool]]) -> Table:
    """A word processor's rows (texts and merged marks, spans already repeated) → the grid:
    rows padded to the widest, rows without text dropped, sliver columns dropped. For the
    DOCX and the Word 97 readers, which build rows the same way from different files."""
    width = max((len(r) for r in texts), default=0)
    for row, marks in zip(texts, merged, strict=True):
        row.extend([""] * (width - len(row)))
        marks.extend([False] * (width - len(marks)))
    keep = [i for i, r in enumerate(texts) if any(t.strip() for t in r)]
    return drop_sliver_columns(Table([texts[i] for i in keep], [merged[i] for i in keep]))


def drop_sliver_columns(table: Table) -> Table:
    """Remove grid columns that hold no cell of their own: in every row the position belongs
    to a cell spanning in from the left or on to the right. Word processors leave such
    slivers when cell edges of different rows do not line up. One column at a time, since
    of two neighbours sharing every cell only one may go."""
    while table.rows and len(table.rows[0]) > 1:
        c = _sliver(table)
        if c is None:
            return table
        table = _drop_column(table, c)
    return table


def _sliver(table: Table) -> int | None:
    rows, merged = table.rows, table.merged
    width = len(rows[0])
    for c in range(width):
        if all((c > 0 and merged[r][c] and rows[r][c] == rows[r][c - 1])
               or (c + 1 < width and merged[r][c + 1] and rows[r][c + 1] == rows[r][c])
               for r in range(len(rows))):
            return c
    return None


def _drop_column(table: Table, c: int) -> Table:
    rows = [r[:c] + r[c + 1:] for r in table.rows]
    merged = [m[:c] + m[c + 1:] for m in table.merged]
    if c < len(rows[0]):  # the cell that now starts at column c is no longer a copy
        for r in range(len(rows)):
            left = c > 0 and rows[r][c - 1] == rows[r][c]
            above = r > 0 and rows[r - 1][c] == rows[r][c] and merged[r][c]
            if merged[r][c] and not left and not above:
                merged[r][c] = False
    return Table(rows, merged)
