"""`nianbao index [--rebuild]` and `nianbao search "QUERY" [--json] [--size N]`."""

from __future__ import annotations

import html as htmllib
import json

import click

from nianbao.errors import NianbaoError, ServiceUnavailable
from nianbao.es import es_client
from nianbao.settings import get_settings

from . import pipeline, store
from .query import QuerySyntaxError
from .search import search


@click.command("index")
@click.option("--rebuild", is_flag=True, help="从存档重建到新版本索引并切换别名 / rebuild from the archive into a new index, then swap the alias")
@click.option("--batch", default=50, show_default=True, help="每批条数 / queue items per bulk batch")
@click.option("--max-items", type=int, default=None, help="最多处理条数 / stop after this many items")
@click.option("--json", "as_json", is_flag=True, help="JSON 输出 / print JSON")
def index_cmd(rebuild: bool, batch: int, max_items: int | None, as_json: bool) -> None:
    """索引队列中的报告 / index the queued reports into Elasticsearch (once)."""
    settings = get_settings()
    es = es_client(settings)
    if rebuild:
        out = pipeline.rebuild_from_archive(settings, es=es)
        msg = (f"重建完成 / rebuilt {out['index']}: {out['indexed']} 份报告, "
               f"{len(out['parse_errors'])} 份无法解析, 旧索引 {', '.join(out['old']) or '-'}")
        click.echo(json.dumps(out, ensure_ascii=False, default=str) if as_json else msg)
        return
    stats = pipeline.run_once(settings, es=es, batch=batch, max_items=max_items)
    if as_json:
        click.echo(json.dumps(stats.to_dict(), ensure_ascii=False))
    else:
        click.echo(f"已索引 / indexed {stats.indexed}, 删除标记 / removed {stats.removed}, "
                   f"失败 / failed {stats.failed}, 领取 / claimed {stats.claimed}")
        for qid, err in list(stats.errors.items())[:10]:
            click.echo(f"  #{qid}: {err}", err=True)
    if stats.es_down:
        raise ServiceUnavailable("Elasticsearch 不可用，队列已保留，稍后重试 / Elasticsearch down: "
                                 f"the queue keeps {stats.released} claimed item(s) and the rest; run again later")
    if store.needs_rebuild(es, settings.es_index_prefix):
        click.echo("提示 / note: 映射版本已更新，请运行 `nianbao index --rebuild` / mapping changed: run "
                   "`nianbao index --rebuild`", err=True)


@click.command("search")
@click.argument("query", default="")
@click.option("--json", "as_json", is_flag=True, help="JSON 输出（与 /api/search 相同）/ JSON as served by /api/search")
@click.option("--size", default=10, show_default=True, help="条数 / results per page")
@click.option("--page", default=1, show_default=True)
@click.option("--sort", type=click.Choice(["relevance", "date", "date_asc", "place"]), default="relevance")
def search_cmd(query: str, as_json: bool, size: int, page: int, sort: str) -> None:
    """检索年报 / search the reports, e.g. '"依申请公开" year:2024 applications.new.total>0'."""
    settings = get_settings()
    try:
        res = search(es_client(settings), settings.es_index_prefix, query, page=page, size=size, sort=sort)
    except QuerySyntaxError as exc:
        if not as_json:
            click.echo(exc.caret(), err=True)
        raise
    except NianbaoError:
        raise
    if as_json:
        click.echo(json.dumps(res.to_dict(), ensure_ascii=False))
        return
    click.echo(f"共 {res.total} 条 / {res.total} results ({res.took_ms} ms)")
    for h in res.hits:
        place = " ".join(x for x in (h["province"], h["city"], h["county"]) if x)
        flags = " ".join(h["findings"])
        click.echo(f"\n{h['title']}  [{h['year']}] {place}  {h['published'] or ''}  {flags}\n  {h['url'] or h['id']}")
        for frag in h["highlight"][:2]:
            click.echo("  … " + _terminal(frag))


def _terminal(html: str) -> str:
    """<mark> → bold for terminals; HTML entities back to characters."""
    return htmllib.unescape(html.replace("<mark>", "\x1b[1m").replace("</mark>", "\x1b[0m")).replace("\n", " ")
