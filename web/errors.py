"""Small typed HTTP errors, rendered by one handler as a page or as JSON."""

from __future__ import annotations

from nianbao.errors import NianbaoError


class WebError(NianbaoError):
    status = 500
    code = "error"

    def __init__(self, message: str, **extra: object) -> None:
        super().__init__(message)
        self.message = message
        self.extra = extra


class BadRequest(WebError):
    status = 400
    code = "bad_request"


class NotFound(WebError):
    status = 404
    code = "not_found"


class Forbidden(WebError):
    status = 403
    code = "forbidden"
