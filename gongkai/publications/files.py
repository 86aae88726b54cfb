"""Attachment checks: a file's type is decided by its content, never by its name alone.

Accepted (issue 3): pdf, ofd, doc/docx, xls/xlsx, jpg/png. A file whose content does not match its
extension, or that is none of these, is refused; so is one over the size limit.

Office files are zips and are untrusted (issue 12): one that would unpack too large or too densely
(gongkai.core.zipguard), a macro-enabled one renamed .docx/.xlsx, a .docx or .xlsx whose XML is
broken or has a DTD, and one holding more text than the checks read
(``textcheck.documents.MAX_TEXT_CHARS``) are refused. The text of a .docx or .xlsx is returned
with the check, read before any database transaction opens, so the pre-publication checks read it.
"""

from __future__ import annotations

import io
import zipfile
from dataclasses import dataclass
from pathlib import PurePath

from gongkai.core import zipguard
from gongkai.core.uploads import OLE2_MAGIC, ZIP_MAGIC
from gongkai.textcheck import documents

KINDS = {"pdf", "ofd", "doc", "docx", "xls", "xlsx", "jpg", "png"}
EXTENSIONS = {"jpeg": "jpg", **{k: k for k in KINDS}}


ZIP_KINDS = {"docx": "Word文件", "xlsx": "Excel文件", "ofd": "OFD文件"}
TEXT_READERS = {"docx": documents.docx_text, "xlsx": documents.xlsx_text}


@dataclass(frozen=True)
class FileCheck:
    kind: str | None
    problem: str  # a Chinese sentence, empty when the file is accepted
    text: str = ""  # the text the checks read (.docx and .xlsx), else empty


def _zip_kind(data: bytes) -> str | None:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            names = set(archive.namelist())
    except zipfile.BadZipFile:
        return None
    if "word/document.xml" in names:
        return "docx"
    if "xl/workbook.xml" in names:
        return "xlsx"
    if "OFD.xml" in names or any(n.lower() == "ofd.xml" for n in names):
        return "ofd"
    return None


def sniff(data: bytes) -> set[str]:
    """The kinds the content could be (doc and xls share the OLE2 container)."""
    if data.startswith(b"%PDF-"):
        return {"pdf"}
    if data.startswith(b"\xff\xd8\xff"):
        return {"jpg"}
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return {"png"}
    if data.startswith(OLE2_MAGIC):
        return {"doc", "xls"}
    if data.startswith(ZIP_MAGIC):
        kind = _zip_kind(data)
        return {kind} if kind else set()
    return set()


def check_upload(name: str, data: bytes, *, max_bytes: int) -> FileCheck:
    """Decide whether an uploaded file may be attached, and as what kind; read its text.

    Slow for a big Word or Excel file (seconds): call it before opening a transaction.
    """
    extension = PurePath(name).suffix.lower().lstrip(".")
    kind = EXTENSIONS.get(extension)
    if kind is None:
        return FileCheck(
            None,
            f"不支持“.{extension or '（无扩展名）'}”文件：附件只能是PDF、OFD、Word、Excel、JPG或PNG。",
        )
    if not data:
        return FileCheck(None, "文件是空的。")
    if len(data) > max_bytes:
        return FileCheck(
            None,
            f"文件过大：{len(data) / 1048576:.1f}MB，附件不能超过{max_bytes / 1048576:.0f}MB。",
        )
    if kind not in sniff(data):
        return FileCheck(
            None, f"文件内容与扩展名“.{extension}”不符，请确认文件没有损坏或被改名后重新上传。"
        )
    if kind not in ZIP_KINDS:
        return FileCheck(kind, "")
    what = ZIP_KINDS[kind]
    try:
        if kind == "ofd":
            zipguard.check_archive(data, max_unpacked=zipguard.max_unpacked_bytes(), what=what)
        else:  # also refuses macros and DTDs
            zipguard.check_office_file(data, what=what)
        reader = TEXT_READERS.get(kind)
        text = reader(data, what=what) if reader else ""
    except zipguard.UnsafeArchive as exc:
        return FileCheck(None, exc.message)
    except documents.DocumentError as exc:
        return FileCheck(None, exc.message)
    return FileCheck(kind, "", text)
