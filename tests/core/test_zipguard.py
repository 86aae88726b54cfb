"""The zip guard every Office import runs first: bombs, odd zips, macros and DTDs are refused
from the zip's directory and the XML prologs alone, in a few kilobytes of memory (issue 12)."""

from __future__ import annotations

import io
import zipfile
import zlib
from pathlib import Path

import openpyxl
import openpyxl.xml.functions
import pytest
from django.test import override_settings

from gongkai.core import zipguard
from tests.fixtures import bombs

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"
REAL = sorted(p for p in FIXTURES.glob("*.xlsx") if p.name != "not_a_workbook.xlsx")


@pytest.fixture(scope="module")
def base() -> bytes:
    return bombs.simple_workbook([["标题", "内容"], ["一", "二"]])


@pytest.mark.parametrize("path", REAL, ids=lambda p: p.name)
def test_real_workbooks_pass(path: Path) -> None:
    members = zipguard.check_office_file(path.read_bytes(), what="Excel文件")
    assert any(m.filename == "xl/workbook.xml" for m in members)


def test_a_300_mb_bomb_is_refused_from_its_directory_alone(base: bytes) -> None:
    data = bombs.bomb(base, unpacked_mb=300)
    assert len(data) < 1_500_000
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        assert sum(i.file_size for i in archive.infolist()) > 300_000_000
    caught, peak = bombs.peak_memory(lambda: zipguard.check_office_file(data, what="Excel文件"))
    assert isinstance(caught, zipguard.UnsafeArchive)
    assert caught.code == "ratio"
    assert caught.message == "Excel文件解压后异常膨胀（压缩比超过200:1），为安全起见不接收。"
    assert peak < 1024 * 1024


def test_a_file_over_the_unpacked_limit_is_refused(base: bytes) -> None:
    with pytest.raises(zipguard.UnsafeArchive) as caught:
        zipguard.check_archive(base, max_unpacked=1000, what="Excel文件")
    assert caught.value.code == "too_big"
    assert caught.value.message.startswith("Excel文件解压后过大（")
    assert "请拆分后分别上传" in caught.value.message


def test_the_limit_comes_from_settings_when_set(base: bytes) -> None:
    zipguard.check_office_file(base)
    with (
        override_settings(GONGKAI_MAX_UNPACKED_BYTES=1000),
        pytest.raises(zipguard.UnsafeArchive, match="解压后过大"),
    ):
        zipguard.check_office_file(base)
    assert zipguard.max_unpacked_bytes() == zipguard.DEFAULT_MAX_UNPACKED_BYTES
    with override_settings(GONGKAI_MAX_ARCHIVE_UNPACKED_BYTES=5):
        assert zipguard.max_archive_unpacked_bytes() == 5


def test_small_dense_members_are_not_ratio_checked() -> None:
    body = b"<c/>" * 200_000  # 800 KB that packs to about 1 KB: harmless at this size
    data = bombs.raw_zip(
        [("a.xml", bombs._deflate(body), zlib.crc32(body), len(body), zipfile.ZIP_DEFLATED)]
    )
    zipguard.check_archive(data, max_unpacked=10 << 20)


def test_too_many_members_are_refused() -> None:
    entries = [(f"m{n}.xml", b"x", zlib.crc32(b"x"), 1, zipfile.ZIP_STORED) for n in range(2001)]
    with pytest.raises(zipguard.UnsafeArchive) as caught:
        zipguard.check_archive(bombs.raw_zip(entries), max_unpacked=1 << 20)
    assert caught.value.code == "members"
    assert "2001个" in caught.value.message


def test_compression_other_than_deflate_is_refused() -> None:
    """bzip2 is inflated a whole input chunk at a time, so its declared size bounds nothing."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_BZIP2) as archive:
        archive.writestr("xl/workbook.xml", "<workbook/>")
    with pytest.raises(zipguard.UnsafeArchive) as caught:
        zipguard.check_archive(out.getvalue(), max_unpacked=1 << 20)
    assert caught.value.code == "method"


def test_encrypted_members_are_refused(base: bytes) -> None:
    data = bytearray(bombs.rezip(base, {}))
    at = data.rfind(b"PK\x01\x02")  # the last central-directory entry: set "encrypted"
    data[at + 8] |= 0x1
    with pytest.raises(zipguard.UnsafeArchive) as caught:
        zipguard.check_archive(bytes(data), max_unpacked=1 << 20)
    assert caught.value.code == "encrypted"


@pytest.mark.parametrize("data", [b"", b"not a zip at all", b"PK\x03\x04" + b"\0" * 40])
def test_broken_zips_are_refused(data: bytes, base: bytes) -> None:
    for candidate in (data, base[: len(base) // 2]):
        with pytest.raises(zipguard.UnsafeArchive) as caught:
            zipguard.check_office_file(candidate, what="Excel文件")
        assert caught.value.code == "bad_zip"
        assert caught.value.message.startswith("Excel文件已损坏")


def test_zipfile_never_inflates_past_the_declared_size() -> None:
    """Why the directory is a trustworthy bound: a member that declares 1 KB but inflates to
    8 MB yields at most 1 KB, then fails its CRC check."""
    data = bombs.lying_sizes(declared=1024, real_mb=8)
    zipguard.check_archive(data, max_unpacked=4096)  # what it declares is harmless
    got = 0
    with (
        zipfile.ZipFile(io.BytesIO(data)) as archive,
        archive.open("data.xml") as member,
        pytest.raises(zipfile.BadZipFile, match="CRC"),
    ):
        while chunk := member.read(256):
            got += len(chunk)
    assert got <= 1024


def test_read_member_stops_at_its_limit(base: bytes) -> None:
    with zipfile.ZipFile(io.BytesIO(base)) as archive:
        assert zipguard.read_member(archive, "xl/workbook.xml", 1 << 20).startswith(b"<")
        with pytest.raises(zipguard.UnsafeArchive):
            zipguard.read_member(archive, "xl/workbook.xml", 10)


def test_macro_workbooks_are_refused(base: bytes) -> None:
    assert not zipguard.has_macros(base)
    data = bombs.macros(base)
    assert zipguard.has_macros(data)
    with pytest.raises(zipguard.UnsafeArchive) as caught:
        zipguard.check_office_file(data)
    assert caught.value.code == "macros"
    assert caught.value.message == (
        "这是启用宏的Office文件（.xlsm/.docm），为安全起见不接收；"
        "请另存为不含宏的.xlsx/.docx后再上传。"
    )


@pytest.mark.parametrize(
    "parts",
    [
        {"word/vbaProject.bin": b"\0"},
        {"xl/activeX/activeX1.xml": b"<ax/>"},
        {"xl/macrosheets/sheet1.xml": b"<xm/>"},
    ],
)
def test_macro_parts_are_found_by_name(base: bytes, parts: dict[str, bytes]) -> None:
    assert zipguard.has_macros(bombs.rezip(base, parts))


def test_a_macro_content_type_alone_is_enough(base: bytes) -> None:
    types = bombs.members(base)["[Content_Types].xml"].replace(
        b"spreadsheetml.sheet.main+xml", b"ms-excel.sheet.macroEnabled.main+xml"
    )
    assert zipguard.has_macros(bombs.rezip(base, {"[Content_Types].xml": types}))


@pytest.mark.parametrize(
    "make",
    [
        bombs.entities,
        bombs.doctype,
        lambda base: bombs.entities(base, member="xl/workbook.xml"),
        lambda base: bombs.rezip(
            base,
            {
                bombs.SHEET: b"\xef\xbb\xbf<?xml version='1.0'?><!-- a note -->\n"
                b"<!DOCTYPE worksheet [<!ENTITY a 'b'>]><worksheet/>"
            },
        ),
        lambda base: bombs.rezip(
            base, {bombs.SHEET: "<!DOCTYPE worksheet><worksheet/>".encode("utf-16")}
        ),
    ],
    ids=["entities", "external-dtd", "workbook-entities", "after-comment", "utf-16"],
)
def test_xml_with_a_dtd_is_refused(base: bytes, make: object) -> None:
    assert callable(make)
    with pytest.raises(zipguard.UnsafeArchive) as caught:
        zipguard.check_office_file(make(base), what="Excel文件")
    assert caught.value.code == "doctype"
    assert "文档类型定义（DTD）" in caught.value.message


def test_openpyxl_parses_with_defusedxml_and_without_entities() -> None:
    """The second line behind refuse_doctype: openpyxl streams sheets through defusedxml's
    iterparse (entities forbidden) and reads other parts with lxml, entities unresolved."""
    assert openpyxl.DEFUSEDXML
    assert openpyxl.xml.functions.iterparse.__module__.startswith("defusedxml")


def test_broken_file_errors_cover_what_parsers_raise() -> None:
    from xml.etree.ElementTree import ParseError

    from defusedxml import DTDForbidden, EntitiesForbidden, ExternalReferenceForbidden
    from lxml.etree import XMLSyntaxError

    for error in (
        ParseError,
        XMLSyntaxError,
        DTDForbidden,
        EntitiesForbidden,
        ExternalReferenceForbidden,
        zipfile.BadZipFile,
        zlib.error,
        KeyError,
    ):
        assert issubclass(error, zipguard.BROKEN_FILE_ERRORS), error


def test_the_cell_budget_counts_rows_across_sheets() -> None:
    budget = zipguard.CellBudget(10)
    assert list(budget.rows([(1, 2, 3), ()])) == [(1, 2, 3), ()]
    assert budget.used == 4  # an empty row counts one: a million of them cost memory too
    with pytest.raises(zipguard.UnsafeArchive) as caught:
        list(budget.rows([(None,) * 7]))
    assert caught.value.code == "too_many_cells"
    assert "单元格过多（超过10个）" in caught.value.message
    with override_settings(GONGKAI_MAX_WORKBOOK_CELLS=3):
        assert zipguard.CellBudget().limit == 3
