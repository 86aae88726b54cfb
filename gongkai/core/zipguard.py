"""Refuse Office files (.xlsx, .docx, and zip archives) that would take the server down.

An Office file is a zip. Before any parser inflates a byte, ``check_archive`` reads the zip's
central directory only (no decompression) and refuses a file with too many members, a total
declared unpacked size over the caller's limit, a member packed denser than real documents are
(a "zip bomb"), an unusual compression method, an encrypted member, or a broken directory.
``refuse_macros`` refuses macro-enabled files (.xlsm/.docm renamed .xlsx/.docx) by their parts,
``refuse_doctype`` XML parts that declare a DTD; ``check_office_file`` runs all three.
``CellBudget`` bounds the cells a streaming reader keeps, and ``BROKEN_FILE_ERRORS`` lists what
a parser may raise on a broken file, for the importer's one ``except`` that turns them into its
Chinese message.

Why the declared sizes are a trustworthy bound (checked against CPython 3.11's zipfile and by
tests/core/test_zipguard.py): ``ZipFile.open`` takes the member's ``file_size`` from the central
directory, and ``ZipExtFile`` inflates at most what was asked for (``decompress(data, n)``) and
cuts the output at the bytes left of ``file_size``; at the end it checks the CRC, so a member
whose real content is longer than declared is cut short and then fails with ``BadZipFile`` (Bad
CRC-32) instead of growing. This holds for stored and deflated members only: bzip2 and lzma are
inflated a whole input chunk at a time (one 4 KB bzip2 chunk can unpack to gigabytes), so
``check_archive`` refuses any other method; Office never writes one. ``read_member`` is still
given for callers that read a member whole and want a cap of their own.

Limits: the module defaults below fit real files (see ``DEFAULT_MAX_UNPACKED_BYTES``); a deployment
may override them in settings with ``GONGKAI_MAX_UNPACKED_BYTES`` (one workbook or document),
``GONGKAI_MAX_ARCHIVE_UNPACKED_BYTES`` (a zip of an old site's pages with their attachments) and
``GONGKAI_MAX_WORKBOOK_CELLS``. docs/adr/0016 says why.
"""

from __future__ import annotations

import io
import re
import zipfile
import zlib
from collections.abc import Iterable, Iterator, Sequence
from typing import TypeVar

from django.conf import settings
from openpyxl.utils.exceptions import InvalidFileException

# One workbook or document, unpacked. Measured (issue 12): our export of the demo's 3,199
# publications is 0.9 MB packed, 9.3 MB unpacked; a 5,000-row catalog (a province's size) 0.3 MB
# packed, 9.3 MB unpacked; a demo unit's catalog 0.2 MB unpacked, the county workbooks in
# tests/fixtures 20-27 KB. 64 MB is about seven times the largest: room for a big old site, while
# a streamed read of a 62 MB sheet of real text peaks at 43-64 MB (tracemalloc) in 2-8 s.
DEFAULT_MAX_UNPACKED_BYTES = 64 * 1024 * 1024
# A zip of an old site (a table plus attachments), at most GONGKAI_MAX_UPLOAD_BYTES (20 MB)
# packed: attachments are mostly PDFs and images that do not shrink, text-heavy ones 5-10:1.
# The members are written to a temporary folder, never held in memory together.
DEFAULT_MAX_ARCHIVE_UNPACKED_BYTES = 512 * 1024 * 1024
DEFAULT_MAX_MEMBERS = 2000
# Cells a workbook reader keeps (rows padded to their last cell, an empty row counting one). A
# sheet can be sparse: `<c r="XFD7"><v>1</v></c>` is 20 bytes of XML that a reader pads to a
# row of 16,384 values, so the unpacked size alone does not bound memory. 1,000,000 is twice
# the largest real file we know (50,000 publications of ~15 columns, the import's row limit
# being 50,000) and costs at most about 60 MB of Python objects.
DEFAULT_MAX_CELLS = 1_000_000
# Real sheet XML packs about 10-30:1 (highly repetitive rows up to ~100:1); deflate tops out near
# 1030:1, which only a bomb reaches. Members under RATIO_FLOOR unpacked are not ratio-checked:
# small XML of repeated tags packs very densely and is harmless at that size.
DEFAULT_MAX_RATIO = 200.0
RATIO_FLOOR = 1024 * 1024
# The parts whose presence means a macro-enabled file (VBA projects, Excel 4.0 macro sheets,
# ActiveX controls that run code).
MACRO_PARTS = re.compile(
    r"(^|/)(vbaProject\.bin|vbaProjectSignature\.bin|vbaData\.xml)$"
    r"|^(xl|word|ppt)/(activeX|macrosheets)/",
    re.IGNORECASE,
)
MACRO_CONTENT_TYPES = re.compile(
    rb"macroEnabled|vbaProject|ms-excel\.macrosheet|ms-excel\.intlmacrosheet|ms-office\.activeX",
    re.IGNORECASE,
)
CONTENT_TYPES = "[Content_Types].xml"
MAX_CONTENT_TYPES_BYTES = 1024 * 1024
SAFE_METHODS = frozenset({zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED})
XML_PARTS = (".xml", ".rels", ".vml")
# How far into an XML part the root element must begin. Office writes a one-line declaration;
# a prolog longer than this is refused as broken rather than scanned further.
MAX_PROLOG_BYTES = 64 * 1024
# A prolog holds the declaration, comments and processing instructions, then a DOCTYPE or the
# root element; this finds the first thing that is neither blank, a comment nor a PI.
PROLOG_ITEM = re.compile(rb"\s*(<\?.*?\?>|<!--.*?-->)", re.DOTALL)


class UnsafeArchive(ValueError):
    """The file is refused before it is unpacked; ``message`` is a Chinese sentence for people.

    A ``ValueError`` so that importers which already turn ``ValueError`` into "not a valid file"
    keep refusing; they should show ``message`` instead, which says what to do. ``code`` says
    which check refused (``bad_zip`` lets an importer use its own "not a workbook" sentence).
    """

    def __init__(self, message: str, *, code: str, log: str = "") -> None:
        super().__init__(message)
        self.message = message
        self.code = code
        self.log = log or message


# What reading a broken Office file may raise, past ``check_office_file``: zip and inflate errors,
# XML syntax errors (xml.etree's ParseError and lxml's XMLSyntaxError are SyntaxErrors), defusedxml's
# DTDForbidden/EntitiesForbidden/ExternalReferenceForbidden (ValueErrors), and what openpyxl
# raises on a part it does not understand (KeyError, IndexError, TypeError, ValueError,
# AttributeError, InvalidFileException). Catch them around the parser call only, never around
# your own code.
BROKEN_FILE_ERRORS: tuple[type[BaseException], ...] = (
    InvalidFileException,
    zipfile.BadZipFile,
    zlib.error,
    EOFError,
    OSError,
    SyntaxError,
    ValueError,
    KeyError,
    IndexError,
    TypeError,
    AttributeError,
)


def max_unpacked_bytes() -> int:
    """The unpacked-size limit for one workbook or document (settings may override)."""
    return int(getattr(settings, "GONGKAI_MAX_UNPACKED_BYTES", DEFAULT_MAX_UNPACKED_BYTES))


def max_archive_unpacked_bytes() -> int:
    """The unpacked-size limit for a zip of several files (settings may override)."""
    return int(
        getattr(settings, "GONGKAI_MAX_ARCHIVE_UNPACKED_BYTES", DEFAULT_MAX_ARCHIVE_UNPACKED_BYTES)
    )


Row = TypeVar("Row", bound=Sequence[object])


def max_cells() -> int:
    """The number of cells a workbook reader may keep (settings may override)."""
    return int(getattr(settings, "GONGKAI_MAX_WORKBOOK_CELLS", DEFAULT_MAX_CELLS))


class CellBudget:
    """Count the cells a reader keeps across a workbook's sheets and refuse past the limit.

    ``rows(...)`` passes a sheet's rows through, counting ``len(row)`` (at least 1 per row);
    once the count passes ``limit`` it raises ``UnsafeArchive`` (code ``too_many_cells``).
    """

    def __init__(self, limit: int | None = None, *, what: str = "Excel文件") -> None:
        self.limit = max_cells() if limit is None else limit
        self.what = what
        self.used = 0

    def take(self, row: Sequence[object]) -> None:
        """Count one row, or refuse."""
        self.used += max(len(row), 1)
        if self.used > self.limit:
            raise UnsafeArchive(
                f"{self.what}的单元格过多（超过{self.limit}个），请删除多余的行列或拆分后分别导入。",
                code="too_many_cells",
                log=f"workbook holds more than {self.limit} cells",
            )

    def rows(self, rows: Iterable[Row]) -> Iterator[Row]:
        """Pass ``rows`` through, counting each."""
        for row in rows:
            self.take(row)
            yield row


def _megabytes(size: int) -> str:
    return f"{size / 1024 / 1024:g}"


def check_archive(
    data: bytes,
    *,
    max_unpacked: int,
    max_members: int = DEFAULT_MAX_MEMBERS,
    max_ratio: float = DEFAULT_MAX_RATIO,
    what: str = "文件",
) -> list[zipfile.ZipInfo]:
    """Return the members of the zip in ``data`` or raise ``UnsafeArchive`` without inflating.

    Reads the central directory only, so it costs the same for a bomb as for a real file.
    ``what`` names the file in the Chinese message (“Excel文件”, “Word文件”, “压缩包”).
    """
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            members = archive.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError, EOFError) as exc:
        raise UnsafeArchive(
            f"{what}已损坏或不是有效的Office文件，请用Office重新保存后再上传。",
            code="bad_zip",
            log=f"bad zip: {exc}",
        ) from exc
    if len(members) > max_members:
        raise UnsafeArchive(
            f"{what}包含的部件过多（{len(members)}个，最多{max_members}个），请检查后重新上传。",
            code="members",
            log=f"zip has {len(members)} members (limit {max_members})",
        )
    total = 0
    for info in members:
        if info.compress_type not in SAFE_METHODS:
            raise UnsafeArchive(
                f"{what}使用了不支持的压缩方式，请用Office重新保存后再上传。",
                code="method",
                log=f"member {info.filename!r} uses compression method {info.compress_type}",
            )
        if info.flag_bits & 0x1:
            raise UnsafeArchive(
                f"{what}已加密，请取消密码保护后再上传。",
                code="encrypted",
                log=f"member {info.filename!r} is encrypted",
            )
        total += info.file_size
        ratio = info.file_size / max(info.compress_size, 1)
        if info.file_size > RATIO_FLOOR and ratio > max_ratio:
            raise UnsafeArchive(
                f"{what}解压后异常膨胀（压缩比超过{max_ratio:g}:1），为安全起见不接收。",
                code="ratio",
                log=f"member {info.filename!r} ratio {ratio:.0f} (limit {max_ratio:g})",
            )
    if total > max_unpacked:
        raise UnsafeArchive(
            f"{what}解压后过大（{_megabytes(total)}MB，最多{_megabytes(max_unpacked)}MB），"
            "请拆分后分别上传。",
            code="too_big",
            log=f"zip unpacks to {total} bytes (limit {max_unpacked})",
        )
    return members


def read_member(archive: zipfile.ZipFile, name: str, limit: int) -> bytes:
    """Read member ``name`` whole, refusing it once more than ``limit`` bytes come out."""
    chunks: list[bytes] = []
    size = 0
    with archive.open(name) as member:
        while chunk := member.read(64 * 1024):
            size += len(chunk)
            if size > limit:
                raise UnsafeArchive(
                    "文件中的部件解压后过大，为安全起见不接收。",
                    code="too_big",
                    log=f"member {name!r} exceeds {limit} bytes",
                )
            chunks.append(chunk)
    return b"".join(chunks)


def _prolog_has_doctype(archive: zipfile.ZipFile, name: str) -> bool:
    """Whether the XML part ``name`` declares a DTD (or has no root within MAX_PROLOG_BYTES)."""
    with archive.open(name) as member:
        head = member.read(MAX_PROLOG_BYTES)
    if head.startswith((b"\xff\xfe", b"\xfe\xff", b"<\x00", b"\x00<")):
        head = head.decode("utf-16", errors="replace").encode()
    head = head.removeprefix(b"\xef\xbb\xbf")
    position = 0
    while match := PROLOG_ITEM.match(head, position):
        position = match.end()
    rest = head[position:].lstrip()
    if not rest:
        return len(head) >= MAX_PROLOG_BYTES  # only a prolog: no root in sight
    return rest[:2] == b"<!"


def refuse_doctype(data: bytes, *, what: str = "文件") -> None:
    """Raise ``UnsafeArchive`` if any XML part of the Office file declares a DTD.

    Office never writes a DOCTYPE; one in an upload is an entity bomb or an attempt to read a
    server file (XXE). openpyxl parses with defusedxml (entities refused) and lxml (entities not
    resolved), so this is a second line that also gives people a clear message. Reads at most
    MAX_PROLOG_BYTES of each part. Call after ``check_archive``.
    """
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            for info in archive.infolist():
                if info.filename.lower().endswith(XML_PARTS) and _prolog_has_doctype(
                    archive, info.filename
                ):
                    raise UnsafeArchive(
                        f"{what}中的XML部件含有文档类型定义（DTD），不是Office正常保存的文件，"
                        "为安全起见不接收；请用Office重新保存后再上传。",
                        code="doctype",
                        log=f"DOCTYPE in {info.filename!r}",
                    )
    except (zipfile.BadZipFile, OSError, EOFError, zlib.error) as exc:
        raise UnsafeArchive(
            f"{what}已损坏或不是有效的Office文件，请用Office重新保存后再上传。",
            code="bad_zip",
            log=f"bad zip member: {exc}",
        ) from exc


def has_macros(data: bytes) -> bool:
    """Whether the Office file in ``data`` carries macros or ActiveX (by part names and types).

    Call after ``check_archive``; a broken zip counts as no macros (``check_archive`` refuses it).
    """
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            names = archive.namelist()
            if any(MACRO_PARTS.search(name) for name in names):
                return True
            if CONTENT_TYPES not in names:
                return False
            types = read_member(archive, CONTENT_TYPES, MAX_CONTENT_TYPES_BYTES)
    except (zipfile.BadZipFile, OSError, ValueError, EOFError, KeyError):
        return False
    return MACRO_CONTENT_TYPES.search(types) is not None


def refuse_macros(data: bytes) -> None:
    """Raise ``UnsafeArchive`` if the Office file in ``data`` is macro-enabled."""
    if has_macros(data):
        raise UnsafeArchive(
            "这是启用宏的Office文件（.xlsm/.docm），为安全起见不接收；"
            "请另存为不含宏的.xlsx/.docx后再上传。",
            code="macros",
            log="macro-enabled Office file",
        )


def check_office_file(
    data: bytes, *, max_unpacked: int | None = None, what: str = "文件"
) -> list[zipfile.ZipInfo]:
    """Run ``check_archive`` (with the workbook/document limit by default), ``refuse_macros``
    and ``refuse_doctype``.

    The one call an importer makes before handing ``data`` to openpyxl or python-docx.
    """
    members = check_archive(
        data,
        max_unpacked=max_unpacked_bytes() if max_unpacked is None else max_unpacked,
        what=what,
    )
    refuse_macros(data)
    refuse_doctype(data, what=what)
    return members
