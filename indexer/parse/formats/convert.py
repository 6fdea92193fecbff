"""DOC and WPS (OLE2 word-processor files): the native Word 97–2003 reader (`msdoc`) first;
what it declines (Word 6/95, encrypted, nested tables, text boxes, anything inconsistent, WPS
files not in the Word 97 format) LibreOffice headless converts to DOCX, which keeps the tables
and merged cells; `antiword` (text only) is the fallback when LibreOffice is not installed.
Setting `doc_reader` ("native" | "soffice") forces LibreOffice for every file."""

from __future__ import annotations

import atexit
import shutil
import subprocess
import tempfile
import threading
from pathlib import Path

from indexer.parse.blocks import Extracted
from indexer.parse.formats import limits
from indexer.parse.formats.errors import CorruptDocument, FormatError
from indexer.parse.formats.msdoc import extract_doc
from indexer.parse.formats.word import extract_docx
from indexer.parse.text import extract_text
from nianbao.settings import get_settings


class ConversionError(CorruptDocument):
    """LibreOffice or antiword failed or timed out on a document."""


def extract_legacy(data: bytes, kind: str) -> Extracted:
    if get_settings().doc_reader == "native":
        native = extract_doc(data, kind)
        if native is not None:
            return native
    if shutil.which("soffice"):
        docx = soffice_convert(data, kind, "docx")
        return extract_docx(docx, fmt=kind)
    if shutil.which("antiword"):
        return _antiword(data, kind)
    raise FormatError(f"无法读取 {kind.upper()}：需要安装 LibreOffice（soffice）或 antiword")


_profiles = threading.local()


def _profile() -> Path:
    """This thread's LibreOffice profile, made by its first conversion and reused by the next:
    creating a profile is most of a one-document run (4–6 s fresh, 1.6–1.8 s reused, on the
    shared 2-core machine). One per thread, because two soffice runs on one profile hand each
    other the job or refuse; removed at exit."""
    path = getattr(_profiles, "path", None)
    if path is None or not path.exists():
        path = Path(tempfile.mkdtemp(prefix="nianbao-soffice-profile-"))
        atexit.register(shutil.rmtree, path, True)
        _profiles.path = path
    return path


def _drop_profile() -> None:
    path = getattr(_profiles, "path", None)
    _profiles.path = None
    if path is not None:
        shutil.rmtree(path, ignore_errors=True)


def soffice_convert(data: bytes, src_ext: str, target: str, timeout: float | None = None) -> bytes:
    """Convert bytes with LibreOffice headless, in this thread's profile (runs in other threads
    and processes overlap); within what is left of the file's wall time (convert_timeout unless
    given)."""
    timeout = limits.remaining(get_settings().convert_timeout if timeout is None else timeout)
    with tempfile.TemporaryDirectory(prefix="nianbao-soffice-") as tmp:
        src = Path(tmp) / f"in.{src_ext}"
        src.write_bytes(data)
        cmd = ["soffice", f"-env:UserInstallation=file://{_profile()}", "--headless",
               "--norestore", "--nologo", "--convert-to", target, "--outdir", f"{tmp}/out",
               str(src)]
        try:
            subprocess.run(cmd, capture_output=True, timeout=timeout, check=False,
                           stdin=subprocess.DEVNULL)
        except subprocess.TimeoutExpired as exc:
            _drop_profile()  # a stray soffice.bin may still hold it
            limits.check_time()
            raise ConversionError(f"{src_ext.upper()} 转换超时（{timeout:g} 秒）") from exc
        out = Path(tmp) / "out" / f"in.{target.split(':')[0]}"
        if not out.exists() or out.stat().st_size == 0:
            raise ConversionError(f"{src_ext.upper()} 文件损坏或无法转换（LibreOffice 转换失败）")
        return out.read_bytes()


def _antiword(data: bytes, kind: str) -> Extracted:
    timeout = get_settings().convert_timeout
    with tempfile.NamedTemporaryFile(suffix=".doc") as f:
        f.write(data)
        f.flush()
        try:
            proc = subprocess.run(["antiword", "-m", "UTF-8.txt", "-w", "0", f.name],
                                  capture_output=True, timeout=limits.remaining(timeout),
                                  check=False)
        except subprocess.TimeoutExpired as exc:
            raise ConversionError(f"{kind.upper()} 转换超时（{timeout} 秒）") from exc
    if proc.returncode != 0 or not proc.stdout.strip():
        raise ConversionError(f"{kind.upper()} 文件损坏或无法读取（antiword 失败）")
    ex = extract_text(proc.stdout.replace(b"|", b"\t"))
    ex.format = kind
    return ex
