"""The evidential archive: every exchange as WARC records, every body in a SHA-256 store.

The WARC files show exactly what a site served and when (request + response, headers included);
the content-addressed store (`archive_dir/sha256/ab/cd/<hash>`) gives the indexer and the portal
the bytes by hash. Blobs are written before the database refers to them, atomically (temp file +
rename), so a crash leaves at worst an unreferenced blob, never a dangling reference.
"""

from __future__ import annotations

import hashlib
import io
import os
import secrets
import zlib
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from nianbao.errors import NianbaoError
from nianbao.settings import Settings

# Headers describing the wire encoding of a body we store decoded.
GZIP_LEVEL = 1  # vs 6: ~4 % larger WARCs (attachments are compressed already), far less CPU
_WIRE_HEADERS = {"content-encoding", "transfer-encoding", "content-length"}


class ArchiveMissing(NianbaoError):
    """A hash the archive does not hold."""


def sha256_of(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


class Archive:
    def __init__(self, settings: Settings) -> None:
        self.root = Path(settings.archive_dir)
        self.software = settings.user_agent
        self._warc: io.BufferedWriter | None = None
        self._writer: WARCWriter | None = None
        self.warc_name = ""
        self._dirs: set[Path] = set()

    # --- content-addressed store -----------------------------------------------------------
    def path(self, sha256: str) -> Path:
        return self.root / "sha256" / sha256[:2] / sha256[2:4] / sha256

    def put(self, data: bytes) -> str:
        digest = sha256_of(data)
        target = self.path(digest)
        if not target.exists():
            if target.parent not in self._dirs:
                target.parent.mkdir(parents=True, exist_ok=True)
                self._dirs.add(target.parent)
            tmp = target.with_name(f".{digest}.{os.getpid()}.{secrets.token_hex(4)}")
            tmp.write_bytes(data)
            os.replace(tmp, target)
        return digest

    def has(self, sha256: str) -> bool:
        return self.path(sha256).exists()

    def read(self, sha256: str) -> bytes:
        try:
            return self.path(sha256).read_bytes()
        except FileNotFoundError:
            raise ArchiveMissing(f"存档中没有 / not in archive: {sha256}") from None

    # --- WARC --------------------------------------------------------------------------------
    def _open_warc(self) -> WARCWriter:
        if self._writer is None:
            d = self.root / "warc"
            d.mkdir(parents=True, exist_ok=True)
            stamp = datetime.now(UTC).strftime("%Y%m%d%H%M%S")
            self.warc_name = f"warc/nianbao-{stamp}-{os.getpid()}-{secrets.token_hex(3)}.warc.gz"
            self._warc = open(self.root / self.warc_name, "ab")  # noqa: SIM115 (kept open for the run)
            # Records are serialised uncompressed, then gzipped one member per record by us:
            # warcio's own gzip runs at level 9, several times the CPU for a few % of size.
            self._writer = WARCWriter(io.BytesIO(), gzip=False)
            info = self._writer.create_warcinfo_record(
                self.warc_name, {"software": self.software, "format": "WARC File Format 1.1"})
            self._write(info)
        return self._writer

    def _write(self, record: Any) -> None:  # a warcio ArcWarcRecord
        assert self._writer is not None and self._warc is not None
        buf = io.BytesIO()
        self._writer.out = buf
        self._writer.write_record(record)
        packer = zlib.compressobj(GZIP_LEVEL, zlib.DEFLATED, zlib.MAX_WBITS + 16)
        self._warc.write(packer.compress(buf.getvalue()) + packer.flush())

    def warc_record(self, url: str, *, method: str, request_headers: dict[str, str], status: int,
                    reason: str, response_headers: list[tuple[str, str]], body: bytes,
                    http_version: str = "HTTP/1.1") -> tuple[str, int]:
        """Write a request + response pair; returns (WARC file relative to archive_dir, offset
        of the response record). The body is stored decoded, so wire-encoding headers go."""
        writer = self._open_warc()
        assert self._warc is not None
        target = url.split("://", 1)[-1]
        path = "/" + target.split("/", 1)[1] if "/" in target else "/"
        req_headers = StatusAndHeaders(f"{method} {path} {http_version}", list(request_headers.items()),
                                       is_http_request=True)
        headers = [(k, v) for k, v in response_headers if k.lower() not in _WIRE_HEADERS]
        headers.append(("Content-Length", str(len(body))))
        resp_headers = StatusAndHeaders(f"{status} {reason or 'OK'}", headers, protocol=http_version)
        response = writer.create_warc_record(url, "response", payload=io.BytesIO(body),
                                             http_headers=resp_headers)
        request = writer.create_warc_record(url, "request", payload=io.BytesIO(b""),
                                            http_headers=req_headers)
        request.rec_headers.add_header("WARC-Concurrent-To", response.rec_headers.get_header("WARC-Record-ID"))
        offset = self._warc.tell()
        self._write(response)
        self._write(request)
        self._warc.flush()  # a killed process keeps every record it reported as written
        return self.warc_name, offset

    def close(self) -> None:
        if self._warc is not None:
            self._warc.close()
        self._warc = None
        self._writer = None

    def __enter__(self) -> Archive:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
