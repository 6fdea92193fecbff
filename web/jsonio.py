"""JSON responses through orjson (the search API's answer is its largest part of Python work).

Same output contract as Flask's default provider: UTF-8 (never \\u-escaped), compact, keys in
insertion order, dates and other types through Flask's own `default` (dates stay RFC 822 as
before: orjson's native date handling is switched off). Anything orjson refuses (integers past
64 bits) falls back to the standard encoder. Request bodies are read by orjson too: strictly.
"""

from __future__ import annotations

from typing import Any

import orjson
from flask.json.provider import DefaultJSONProvider

OPTIONS = orjson.OPT_NON_STR_KEYS | orjson.OPT_PASSTHROUGH_DATETIME


class OrjsonProvider(DefaultJSONProvider):
    def loads(self, s: str | bytes, **kwargs: Any) -> Any:
        """Strict RFC 8259 (no NaN, no numbers beyond a double, at most 1,024 levels deep):
        orjson.JSONDecodeError is a ValueError, which Flask turns into a 400."""
        return orjson.loads(s)

    def dumps(self, obj: Any, **kwargs: Any) -> str:
        return self._bytes(obj, kwargs).decode()

    def _bytes(self, obj: Any, kwargs: dict[str, Any]) -> bytes:
        opts = OPTIONS | (orjson.OPT_SORT_KEYS if kwargs.get("sort_keys", self.sort_keys) else 0)
        if kwargs.get("indent"):
            opts |= orjson.OPT_INDENT_2
        try:
            return orjson.dumps(obj, default=self.default, option=opts)
        except (orjson.JSONEncodeError, TypeError):
            kwargs.setdefault("default", self.default)
            kwargs.setdefault("ensure_ascii", self.ensure_ascii)
            kwargs.setdefault("sort_keys", self.sort_keys)
            return super().dumps(obj, **kwargs).encode()

    def response(self, *args: Any, **kwargs: Any) -> Any:
        obj = self._prepare_response_obj(args, kwargs)
        response_class: Any = self._app.response_class  # typed as the sans-IO base here
        return response_class(self._bytes(obj, {}), mimetype=self.mimetype)
