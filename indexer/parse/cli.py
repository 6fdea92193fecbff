"""`nianbao parse FILE… [--json]`: parse report files and print the contract JSON or a summary."""

from __future__ import annotations

import json
from pathlib import Path

import click

from nianbao.errors import NianbaoError

from . import ParseError, Report, parse


def _summary(path: str, report: Report) -> str:
    lines = [f"{path}: {report.title or '（无标题）'}",
             f"  年度 {report.year or '未知'} · 格式 {report.template or '未知'} · {report.format}"]
    if not report.findings:
        lines.append("  未发现问题")
    for f in report.findings:
        lines.append(f"  [{f.severity}] {f.code}: {f.message}")
    return "\n".join(lines)


@click.command("parse")
@click.argument("files", nargs=-1, required=True, type=click.Path(dir_okay=False, path_type=str))
@click.option("--json", "as_json", is_flag=True, help="输出契约 JSON / print the contract JSON")
def parse_cmd(files: tuple[str, ...], as_json: bool) -> None:
    """解析年报文件 / parse annual-report files (txt, md, html, docx, doc, pdf, ofd, images)."""
    results: list[dict] = []
    failed: list[str] = []
    for path in files:
        try:
            data = Path(path).read_bytes()
            report = parse(data, filename=Path(path).name)
        except (OSError, ParseError) as exc:
            reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)
            click.echo(f"{path}: 无法解析 / cannot parse: {reason}", err=True)
            failed.append(path)
            continue
        if as_json:
            results.append(report.to_json())
        else:
            click.echo(_summary(path, report))
    if as_json and results:
        out = results[0] if len(files) == 1 else results
        click.echo(json.dumps(out, ensure_ascii=False, indent=2))
    elif as_json and len(files) > 1:
        click.echo("[]")
    if failed:
        raise NianbaoError(f"{len(failed)} 个文件无法解析 / {len(failed)} file(s) failed: {', '.join(failed)}")
