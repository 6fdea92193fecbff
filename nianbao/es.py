"""The Elasticsearch client: a configured cluster, or the project-managed local server."""

from __future__ import annotations

from typing import Any

from elasticsearch import Elasticsearch

from . import es_server
from .errors import ServiceUnavailable
from .settings import Settings, get_settings


def es_url(settings: Settings | None = None) -> str:
    s = settings or get_settings()
    url = s.es_url or es_server.url_of(s)
    if not url:
        raise ServiceUnavailable(
            "没有可用的 Elasticsearch：请设置 NIANBAO_ES_URL 或运行 `nianbao es start` / "
            "no Elasticsearch: set NIANBAO_ES_URL or run `nianbao es start`"
        )
    return url


def es_client(settings: Settings | None = None, **kwargs: Any) -> Elasticsearch:
    s = settings or get_settings()
    auth = (s.es_user, s.es_password) if s.es_user else None
    opts: dict[str, Any] = {"request_timeout": 30, "retry_on_timeout": True, "max_retries": 3}
    opts.update(kwargs)
    return Elasticsearch(es_url(s), basic_auth=auth, **opts)


def server_version(client: Elasticsearch) -> str:
    """The server's version. (The minimal test distribution has no `GET /` root endpoint,
    so `client.info()` fails there; the nodes API works on every distribution.)"""
    nodes = client.nodes.info(filter_path="nodes.*.version")["nodes"]
    return next(iter(nodes.values()))["version"]
