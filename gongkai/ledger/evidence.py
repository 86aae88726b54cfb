"""Which evidence files (佐证材料) a unit may upload, decided by content and never by name alone.

Accepted: PDF, OFD, Word (.doc/.docx), Excel (.xls/.xlsx), WPS text and sheets (.wps/.et, OLE2 like
.doc/.xls), JPG and PNG — what an office keeps as evidence: signed documents, meeting minutes,
tables and photographs of notice boards and service halls. Refused: archives (.zip/.rar/.7z), whose
contents cannot be checked and would nest inside the unit's evidence zip (upload the files one by
one), and everything else, including a program renamed to .pdf.
"""

from __future__ import annotations

import hashlib
import zipfile
from dataclasses import dataclass
from pathlib import PurePath
from typing import IO

from gongkai.core import zipguard
from gongkai.core.uploads import OLE2_MAGIC, ZIP_MAGIC

EXTENSIONS = {
    "pdf": "pdf",
    "ofd": "ofd",
    "doc": "doc",
    "docx": "docx",
    "wps": "doc",
    "xls": "xls",
    "xlsx": "xlsx",
    "et": "xls",
    "jpg": "jpg",
    "jpeg": "jpg",
    "png": "png",
}
ARCHIVES = frozenset({"zip", "rar", "7z", "tar", "gz", "tgz"})
ACCEPTED_TEXT = "PDF、OFD、Word、Excel、WPS、JPG或PNG"
CHUNK = 1024 * 1024


@dataclass(frozen=True)
class CheckedFile:
    """An accepted file: its kind, size and SHA-256."""

    kind: str
    size: int
    sha256: str


class EvidenceRefused(ValueError):
    """The file may not be evidence; ``args[0]`` is a Chinese sentence saying why."""


def _zip_kind(stream: IO[bytes]) -> str | None:
    stream.seek(0)
    try:
        with zipfile.ZipFile(stream) as archive:
            names = set(archive.namelist())
    except (zipfile.BadZipFile, OSError, ValueError):
        return None
    if "word/document.xml" in names:
        return "docx"
    if "xl/workbook.xml" in names:
        return "xlsx"
    if any(n.lower() == "ofd.xml" for n in names):
        return "ofd"
    return None


def sniff(stream: IO[bytes]) -> set[str]:
    """The kinds the content could be (doc and xls share the OLE2 container)."""
    stream.seek(0)
    head = stream.read(8)
    if head.startswith(b"%PDF-"):
        return {"pdf"}
    if head.startswith(b"\xff\xd8\xff"):
        return {"jpg"}
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return {"png"}
    if head.startswith(OLE2_MAGIC):
        return {"doc", "xls"}
    if head.startswith(ZIP_MAGIC):
        kind = _zip_kind(stream)
        return {kind} if kind else set()
    return set()


def check_evidence(name: str, stream: IO[bytes], *, max_bytes: int) -> CheckedFile:
    """Accept an evidence file or raise EvidenceRefused with the reason in Chinese.

    The stream is read in chunks (a 50 MB scan never sits in memory twice) and left at its start.
    """
    extension = PurePath(name).suffix.lower().lstrip(".")
    if extension in ARCHIVES:
        raise EvidenceRefused(
            f"不接受压缩包（.{extension}）：压缩包里的文件无法检查，请解压后逐个上传{ACCEPTED_TEXT}文件。"
        )
    kind = EXTENSIONS.get(extension)
    if kind is None:
        shown = f".{extension}" if extension else "（无扩展名）"
        raise EvidenceRefused(f"不支持“{shown}”文件：佐证材料只能是{ACCEPTED_TEXT}文件。")
    digest = hashlib.sha256()
    size = 0
    stream.seek(0)
    while chunk := stream.read(CHUNK):
        size += len(chunk)
        if size > max_bytes:
            raise EvidenceRefused(
                f"文件过大：佐证材料每个文件不能超过{max_bytes / 1048576:.0f}MB，"
                "请压缩图片或拆分文件后上传。"
            )
        digest.update(chunk)
    if size == 0:
        raise EvidenceRefused("文件是空的。")
    if kind not in sniff(stream):
        stream.seek(0)
        raise EvidenceRefused(
            f"文件内容与扩展名“.{extension}”不符，请确认文件没有损坏或被改名后重新上传。"
        )
    if kind in {"docx", "xlsx"}:
        # Evidence is stored, never parsed, so a bomb costs nothing here; a macro file renamed
        # .docx/.xlsx would still reach the inspectors who open it (issue 12).
        stream.seek(0)
        try:
            zipguard.refuse_macros(stream.read())
        except zipguard.UnsafeArchive as exc:
            raise EvidenceRefused(exc.message) from exc
    stream.seek(0)
    return CheckedFile(kind=kind, size=size, sha256=digest.hexdigest())
