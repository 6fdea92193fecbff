"""One view, several shapes: HTML, JSON (`.json` or ?format=json), CSV and XLSX for tables.

Datasette's habit: every page is a shareable URL and has a JSON twin; a tabular page also
downloads as CSV or XLSX. A view builds `data` (what JSON returns) and optionally a `Table`.
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import quote

from flask import Response, jsonify, render_template, request

from .errors import NotFound

FORMATS = ("html", "json", "csv", "xlsx")
MIME = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


@dataclass
class Table:
    name: str  # file name stem
    columns: list[tuple[str, str]]  # (key, header)
    rows: list[dict[str, Any]] = field(default_factory=list)

    def matrix(self) -> list[list[Any]]:
        return [[_cell(r.get(k)) for k, _ in self.columns] for r in self.rows]


def _cell(v: Any) -> Any:
    if isinstance(v, list | tuple):
        return " ".join(str(x) for x in v)
    if isinstance(v, dict):
        return str(v)
    return v


def wanted(fmt: str | None = None) -> str:
    f = fmt or request.args.get("format") or "html"
    if f not in FORMATS:
        raise NotFound(f"未知格式 / unknown format: {f}")
    return f


class _Line:
    """A file-like that hands back what csv.writer wrote (one row at a time)."""

    def __init__(self) -> None:
        self.text = ""

    def write(self, s: str) -> None:
        self.text += s


def csv_lines(table: Table, rows: Any) -> Any:
    """The CSV of `table`'s columns over `rows` (an iterable of dicts) as encoded chunks, for a
    streamed response: a BOM and the header first, then about 200 rows a chunk."""
    line = _Line()
    w = csv.writer(line)
    w.writerow([h for _, h in table.columns])
    yield ("\ufeff" + line.text).encode("utf-8")
    line.text = ""
    n = 0
    for r in rows:
        w.writerow(["" if v is None else v for v in (_cell(r.get(k)) for k, _ in table.columns)])
        n += 1
        if n % 200 == 0:
            yield line.text.encode("utf-8")
            line.text = ""
    if line.text:
        yield line.text.encode("utf-8")


def to_csv(table: Table) -> Response:
    buf = io.StringIO()
    buf.write("\ufeff")  # so that Excel opens UTF-8 Chinese correctly
    w = csv.writer(buf)
    w.writerow([h for _, h in table.columns])
    w.writerows(["" if v is None else v for v in row] for row in table.matrix())
    return _download(buf.getvalue().encode("utf-8"), table.name, "csv")


def to_xlsx(table: Table) -> Response:
    from openpyxl import Workbook  # ≈0.15 s: only for an .xlsx export

    wb = Workbook(write_only=True)
    ws = wb.create_sheet(table.name[:31])
    ws.append([h for _, h in table.columns])
    for row in table.matrix():
        ws.append(row)
    buf = io.BytesIO()
    wb.save(buf)
    return _download(buf.getvalue(), table.name, "xlsx")


def attachment(filename: str) -> str:
    """A Content-Disposition value safe for any file name (ASCII fallback + RFC 5987)."""
    ascii_name = re.sub(r"[^A-Za-z0-9._-]", "_", filename) or "download"
    return f"attachment; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(filename, safe='')}"


def _download(body: bytes, name: str, ext: str) -> Response:
    resp = Response(body, mimetype=MIME[ext])
    resp.headers["Content-Disposition"] = attachment(f"{name}.{ext}")
    return resp


def respond(template: str, data: dict[str, Any], *, fmt: str | None = None,
            table: Table | None = None, status: int = 200, **context: Any) -> Response:
    f = wanted(fmt)
    if f == "json":
        resp = jsonify(data)
        resp.status_code = status
        return resp
    if f in ("csv", "xlsx"):
        if table is None:
            raise NotFound("此页面没有表格可导出 / this page has no table to export")
        return to_csv(table) if f == "csv" else to_xlsx(table)
    html = render_template(template, **data, **context)
    return Response(html, status=status, mimetype="text/html")


def wants_json(fmt: str | None = None) -> bool:
    return (fmt or request.args.get("format")) == "json" or request.path.startswith("/api/")
