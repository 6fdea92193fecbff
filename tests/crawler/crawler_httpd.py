"""A small real HTTP server for fetcher tests: scripted routes, and a log of every request
(arrival time, path, headers) so tests can measure what the crawler actually did."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

Route = Callable[["Handler"], tuple[int, list[tuple[str, str]], bytes]]


@dataclass
class Hit:
    at: float
    path: str
    headers: dict[str, str]


@dataclass
class Server:
    routes: dict[str, Route | tuple[int, list[tuple[str, str]], bytes]] = field(default_factory=dict)
    log: list[Hit] = field(default_factory=list)
    host: str = "127.0.0.1"
    httpd: ThreadingHTTPServer | None = None

    @property
    def base(self) -> str:
        assert self.httpd is not None
        return f"http://{self.host}:{self.httpd.server_address[1]}"

    def paths(self) -> list[str]:
        return [h.path for h in self.log]

    def __enter__(self) -> Server:
        server = self

        class H(Handler):
            owner = server

        self.httpd = ThreadingHTTPServer((self.host, 0), H)
        self.httpd.daemon_threads = True
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()
        return self

    def __exit__(self, *exc: object) -> None:
        assert self.httpd is not None
        self.httpd.shutdown()
        self.httpd.server_close()


class Handler(BaseHTTPRequestHandler):
    owner: Server
    protocol_version = "HTTP/1.1"

    def log_message(self, *args: object) -> None:  # quiet
        pass

    body: bytes = b""  # a POST's form, for routes that read it

    def do_POST(self) -> None:  # noqa: N802
        self.body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        self.do_GET()

    def do_GET(self) -> None:  # noqa: N802
        self.owner.log.append(Hit(time.monotonic(), self.path, {k.lower(): v for k, v in self.headers.items()}))
        route = self.owner.routes.get(self.path) or self.owner.routes.get(self.path.split("?")[0])
        if route is None:
            status, headers, body = 404, [("Content-Type", "text/html")], b"<h1>404</h1>"
        elif callable(route):
            status, headers, body = route(self)
        else:
            status, headers, body = route
        self.send_response(status)
        for k, v in headers:
            self.send_header(k, v)
        if not any(k.lower() == "content-length" for k, _ in headers):
            self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if status != 304:
            self.wfile.write(body)


def html(text: str, charset: str = "utf-8", status: int = 200) -> tuple[int, list[tuple[str, str]], bytes]:
    return status, [("Content-Type", f"text/html; charset={charset}")], text.encode(charset)
