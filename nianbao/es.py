"""The Elasticsearch client: a configured cluster, or the project-managed local server."""

from __future__ import annotations

from typing import Any

import orjson
from elasticsearch import Elasticsearch
from elasticsearch.serializer import JsonSerializer, NdjsonSerializer

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


class _Orjson:
    """orjson for request and response bodies: a search response carries the hits' text
    (~130 KB for 20 real-length reports), which the standard json module decodes 3-4x slower."""

    OPTIONS = orjson.OPT_NON_STR_KEYS | orjson.OPT_SERIALIZE_NUMPY

    def json_dumps(self, data: Any) -> bytes:
        return orjson.dumps(data, default=self.default, option=self.OPTIONS)  # type: ignore[attr-defined]

    def json_loads(self, data: bytes) -> Any:
        return orjson.loads(data)


class OrjsonSerializer(_Orjson, JsonSerializer):
    pass


class OrjsonNdjsonSerializer(_Orjson, NdjsonSerializer):
    pass


def serializers() -> dict[str, Any]:
    """Every JSON mimetype the client speaks (8.x sends and receives the compatibility-mode
    `application/vnd.elasticsearch+json` ones) mapped to orjson."""
    js, nd = OrjsonSerializer(), OrjsonNdjsonSerializer()
    return {"application/json": js, "application/vnd.elasticsearch+json": js,
            "application/x-ndjson": nd, "application/vnd.elasticsearch+x-ndjson": nd}


def es_client(settings: Settings | None = None, **kwargs: Any) -> Elasticsearch:
    s = settings or get_settings()
    auth = (s.es_user, s.es_password) if s.es_user else None
    opts: dict[str, Any] = {"request_timeout": 30, "retry_on_timeout": True, "max_retries": 3,
                            "serializers": serializers()}
    opts.update(kwargs)
    return Elasticsearch(es_url(s), basic_auth=auth, **opts)


def server_version(client: Elasticsearch) -> str:
    """The server's version. (The minimal test distribution has no `GET /` root endpoint,
    so `client.info()` fails there; the nodes API works on every distribution.)"""
    nodes = client.nodes.info(filter_path="nodes.*.version")["nodes"]
    return next(iter(nodes.values()))["version"]
