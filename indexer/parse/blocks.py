"""The intermediate form every format adapter produces and the parser core reads.

A document is a list of blocks in reading order: paragraphs of prose and tables. Tables are
grids already expanded for rowspan/colspan: a merged cell's text is repeated in each grid
position it covers, and `merged[r][c]` is True where the text is such a copy.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class Paragraph:
    text: str


@dataclass
class Table:
    rows: list[list[str]]
    merged: list[list[bool]] = field(default_factory=list)

    def __post_init__(self) -> None:
        if not self.merged:
            self.merged = [[False] * len(r) for r in self.rows]


Block = Paragraph | Table


@dataclass
class Extracted:
    """What an adapter returns: blocks plus what it saw around them."""

    blocks: list[Block]
    format: str  # "txt", "md", "html", "docx", "doc", "wps", "pdf", "ofd", "image"
    title: str | None = None  # the page/document title when the format has one
    published: str | None = None  # a publication time shown on the page (ISO 8601)
    meta: dict[str, str] = field(default_factory=dict)  # e.g. 索引号, 发布日期, 成文日期
    ocr: bool = False
