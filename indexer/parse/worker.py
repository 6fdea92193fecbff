"""The hard wall-time limit: binary documents (PDF, DOCX, OFD, DOC/WPS, images) are parsed in
a child process that is killed when it passes `parse_timeout_seconds`.

Inside the child the adapters stop themselves at the same deadline (`limits.check_time`,
the Tesseract and LibreOffice timeouts) with a clean message; the kill, a few seconds later,
is the backstop for a library stuck in C code. Text and HTML stay in the caller's process
(linear in the input), except when the caller parses several documents at once (`parse(…,
side_by_side=True)`, the indexer's batches): then they come here too, one child per core.

The child (`python -m indexer.parse.worker`) serves one request after another over its
stdin/stdout: a length-prefixed pickle of `(data, filename, content_type, limits)` in, of
`("ok", Report)` or `("error", message)` out. Idle children are kept for the next call and
recycled once they hold more than `MAX_RSS_MB` (memory a big document left behind goes with
them) or after `MAX_CALLS` documents; a child exits by itself when its parent goes away (end
of stdin).
"""

from __future__ import annotations

import atexit
import os
import pickle
import select
import struct
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any

from indexer.parse.formats.limits import timeout_error
from nianbao.errors import NianbaoError
from nianbao.settings import get_settings

GRACE_SECONDS = 5.0  # after the deadline, before the kill: the cooperative checks go first
# A child costs ~0.4 s of CPU to start (imports, tables): recycled by its size, not after a
# few hundred small HTML pages (at 200 calls, the national season's index stage spent a third
# of its parse CPU starting children).
MAX_CALLS = 5000
MAX_RSS_MB = 400
MAX_IDLE = 2
_HEADER = struct.Struct("<Q")
_BINARY_MAGIC = (b"PK\x03\x04", b"PK\x05\x06", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1",
                 b"\x89PNG\r\n\x1a\n", b"\xff\xd8\xff", b"II*\x00", b"MM\x00*", b"GIF8", b"BM")
ROOT = Path(__file__).resolve().parents[2]


def is_binary_document(data: bytes) -> bool:
    """The formats parsed in the child: PDF, zip containers, OLE2, images."""
    return b"%PDF-" in data[:1024] or data.startswith(_BINARY_MAGIC)


class WorkerDied(NianbaoError):
    pass


class WorkerTimeout(NianbaoError):
    pass


class _Worker:
    def __init__(self) -> None:
        env = dict(os.environ)
        env["PYTHONPATH"] = os.pathsep.join(p for p in (str(ROOT), env.get("PYTHONPATH")) if p)
        self.proc = subprocess.Popen([sys.executable, "-m", "indexer.parse.worker"],
                                     stdin=subprocess.PIPE, stdout=subprocess.PIPE, env=env)
        self.calls = 0

    def call(self, request: Any, timeout: float) -> Any:
        assert self.proc.stdin is not None and self.proc.stdout is not None
        self.calls += 1
        payload = pickle.dumps(request, protocol=pickle.HIGHEST_PROTOCOL)
        try:
            self.proc.stdin.write(_HEADER.pack(len(payload)) + payload)
            self.proc.stdin.flush()
        except (BrokenPipeError, OSError) as exc:
            raise WorkerDied(str(exc)) from exc
        deadline = time.monotonic() + timeout
        fd = self.proc.stdout.fileno()
        (size,) = _HEADER.unpack(_read_exact(fd, _HEADER.size, deadline))
        return pickle.loads(_read_exact(fd, size, deadline))

    def kill(self) -> None:
        self.proc.kill()
        self.proc.wait()
        for pipe in (self.proc.stdin, self.proc.stdout):
            if pipe is not None:
                pipe.close()

    def close(self) -> None:
        """Ask the child to exit (end of its stdin), then make sure it did."""
        try:
            if self.proc.stdin is not None:
                self.proc.stdin.close()
            self.proc.wait(timeout=5)
        except (OSError, subprocess.TimeoutExpired):
            self.kill()
        if self.proc.stdout is not None:
            self.proc.stdout.close()


def _read_exact(fd: int, n: int, deadline: float) -> bytes:
    buf = bytearray()
    while len(buf) < n:
        left = deadline - time.monotonic()
        if left <= 0 or not select.select([fd], [], [], left)[0]:
            raise WorkerTimeout("timeout")
        piece = os.read(fd, min(n - len(buf), 1 << 20))
        if not piece:
            raise WorkerDied("the parse worker exited")
        buf += piece
    return bytes(buf)


_idle: list[_Worker] = []
_lock = threading.Lock()


def _take() -> _Worker:
    with _lock:
        while _idle:
            worker = _idle.pop()
            if worker.proc.poll() is None:
                return worker
            worker.close()
    return _Worker()


def _max_idle() -> int:
    """As many idle children as documents may be parsed side by side (indexer.pipeline)."""
    return max(MAX_IDLE, get_settings().parse_workers or os.cpu_count() or 1)


def _give_back(worker: _Worker) -> None:
    keep = _max_idle()
    with _lock:
        if worker.calls < MAX_CALLS and len(_idle) < keep and _rss_mb(worker.proc.pid) <= MAX_RSS_MB:
            _idle.append(worker)
            return
    worker.close()


def _rss_mb(pid: int) -> float:
    """Resident memory of a child (Linux /proc); 0 where it cannot be read."""
    try:
        pages = int(Path(f"/proc/{pid}/statm").read_text().split()[1])
    except (OSError, IndexError, ValueError):
        return 0.0
    return pages * os.sysconf("SC_PAGE_SIZE") / 2**20


@atexit.register
def shutdown() -> None:
    """Stop the idle children (they would stop at our exit anyway)."""
    with _lock:
        workers = list(_idle)
        _idle.clear()
    for worker in workers:
        worker.close()


def run(data: bytes, filename: str | None, content_type: str | None, limits: Any) -> tuple:
    """Parse in a child: ("ok", Report) or ("error", message). A child that passes the wall
    time is killed; one that dies (e.g. the kernel's OOM killer) is reported, not retried."""
    request = (data, filename, content_type, limits)
    worker = _take()
    try:
        result = worker.call(request, limits.timeout_seconds + GRACE_SECONDS)
    except WorkerTimeout:
        worker.kill()
        return "error", str(timeout_error(limits.timeout_seconds))
    except WorkerDied:
        worker.kill()
        code = worker.proc.returncode
        return "error", (f"解析进程意外退出（退出码 {code}）/ the parse worker died "
                         f"(exit code {code})")
    _give_back(worker)
    return result


def _serve() -> None:
    """The child's loop. Its stdout is the reply channel only: anything a library prints goes
    to stderr."""
    out = os.fdopen(os.dup(1), "wb")
    os.dup2(2, 1)
    sys.stdout = sys.stderr
    src = sys.stdin.buffer
    # the package imports this module (parse runs documents here): its parser is read in the child
    from indexer.parse import parse_here

    while True:
        head = src.read(_HEADER.size)
        if len(head) < _HEADER.size:
            return
        (size,) = _HEADER.unpack(head)
        data, filename, content_type, limits = pickle.loads(src.read(size))
        try:
            reply: tuple = ("ok", parse_here(data, filename, content_type, limits))
        except NianbaoError as exc:
            reply = ("error", str(exc))
        payload = pickle.dumps(reply, protocol=pickle.HIGHEST_PROTOCOL)
        out.write(_HEADER.pack(len(payload)) + payload)
        out.flush()


if __name__ == "__main__":
    _serve()
