"""Text of Word and Excel attachments wherever it is shown, and files refused rather than read
unchecked (issue 12): headers, footers, notes, comments, text boxes, tracked insertions, content
controls, Excel cells, comments and numbers; broken XML, DTDs, too much text, zip bombs."""

from __future__ import annotations

import datetime as dt
import io
import tracemalloc
import zipfile
import zlib

import pytest
from openpyxl import Workbook
from openpyxl.comments import Comment

from gongkai.core.xlsx import write_row
from gongkai.textcheck import Checker, DocumentError, TooMuchText, documents, docx_text, xlsx_text
from tests.fixtures import attachment_files as files
from tests.fixtures import bombs

ID_NUMBER = "360735198506151233"
MOBILE = "13812345678"
PARTS = ("header", "footer", "footnote", "comment", "text box")


def found(text: str) -> list[tuple[str, str]]:
    findings = Checker.from_defaults().check(text, today=dt.date(2024, 6, 1))
    return [(f.kind, text[f.start : f.end]) for f in findings]


@pytest.mark.parametrize("place", PARTS)
def test_an_id_number_outside_the_body_is_read_once(place: str) -> None:
    text = docx_text(files.word(place=place, secret=f"身份证号{ID_NUMBER}"))
    assert text.startswith("关于发放补助的公示\n")  # the body first, as masking rewrites it
    assert found(text) == [("id_number", ID_NUMBER)]  # once: a text box's VML copy is skipped


def _with_body_xml(inserted: str) -> bytes:
    base = files.word()
    xml = bombs.members(base)[files.DOCUMENT]
    return bombs.rezip(
        base, {files.DOCUMENT: xml.replace(b"<w:sectPr", inserted.encode() + b"<w:sectPr", 1)}
    )


@pytest.mark.parametrize(
    "inserted",
    [
        # A tracked insertion: shown by Word, skipped by python-docx's Paragraph.text.
        f'<w:p><w:ins w:id="1" w:author="a"><w:r><w:t>{ID_NUMBER}</w:t></w:r></w:ins></w:p>',
        # A block content control.
        f"<w:sdt><w:sdtContent><w:p><w:r><w:t>{ID_NUMBER}</w:t></w:r></w:p></w:sdtContent></w:sdt>",
        # An inline content control and a simple field.
        f"<w:p><w:sdt><w:sdtContent><w:r><w:t>{ID_NUMBER[:9]}</w:t></w:r></w:sdtContent></w:sdt>"
        f'<w:fldSimple w:instr="X"><w:r><w:t>{ID_NUMBER[9:]}</w:t></w:r></w:fldSimple></w:p>',
    ],
    ids=["insertion", "block-control", "inline-control-and-field"],
)
def test_text_python_docx_leaves_out_is_read_too(inserted: str) -> None:
    text = docx_text(_with_body_xml(inserted))
    assert found(text) == [("id_number", ID_NUMBER)]


def test_deleted_text_is_not_read() -> None:
    deleted = f'<w:p><w:del w:id="1" w:author="a"><w:r><w:delText>{ID_NUMBER}</w:delText></w:r></w:del></w:p>'
    assert found(docx_text(_with_body_xml(deleted))) == []


def test_xlsx_cells_numbers_comments_and_headers_are_read() -> None:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["姓名", "身份证号", "手机", "金额"])
    sheet.append(["张三", ID_NUMBER, int(MOBILE), 120.5])
    sheet["A2"].comment = Comment(f"李四 {ID_NUMBER[:-1]}X", "审核人")
    sheet.oddFooter.center.text = "联系电话13912345678"
    second = book.create_sheet("第二页")
    second["C3"] = "=1+1"  # a formula's cached value is absent: nothing to read, no error
    second["B2"] = "公示期七天"
    out = io.BytesIO()
    book.save(out)
    text = xlsx_text(out.getvalue())
    assert "张三\t360735198506151233\t13812345678\t120.5" in text
    assert "公示期七天" in text
    kinds = found(text)
    assert ("id_number", ID_NUMBER) in kinds and ("mobile", MOBILE) in kinds
    assert ("mobile", "13912345678") in kinds  # in the page footer


def test_xlsx_shared_strings_are_read_without_phonetic_guides() -> None:
    data = files.sheet_shared_strings([["张三", ID_NUMBER], ["李四", "公示"]])
    assert xlsx_text(data) == f"张三\t{ID_NUMBER}\n李四\t公示"


def test_xlsx_inline_strings_as_written_by_our_exports_are_read() -> None:
    book = Workbook(write_only=True)
    sheet = book.create_sheet("s")
    write_row(sheet, ["=HYPERLINK(1)", ID_NUMBER])
    out = io.BytesIO()
    book.save(out)
    assert xlsx_text(out.getvalue()) == f"=HYPERLINK(1)\t{ID_NUMBER}"


@pytest.mark.parametrize(
    ("make", "words"),
    [
        (lambda: files.word_broken(), "已损坏"),
        (lambda: files.word_broken(member="word/styles.xml"), "已损坏"),
        (lambda: files.word_doctype(), "DTD"),
        (lambda: files.word_entities(), "DTD"),
        (lambda: files.word_entities(member="word/styles.xml"), "DTD"),
    ],
    ids=["document", "styles", "doctype", "entities", "entities-in-styles"],
)
def test_a_broken_or_dtd_docx_is_refused_in_chinese(make: object, words: str) -> None:
    with pytest.raises(DocumentError) as caught:
        docx_text(make())  # type: ignore[operator]
    assert words in caught.value.message and "请用Office或WPS" in caught.value.message


@pytest.mark.parametrize(
    "make",
    [
        lambda: bombs.unclosed(files.sheet([["a", "b"]] * 20)),
        lambda: bombs.unclosed(files.sheet([["a"]]), member="xl/workbook.xml"),
        lambda: bombs.entities(files.sheet([["a"]])),
        lambda: bombs.doctype(files.sheet_shared_strings([["a"]]), member=files.SHARED),
        lambda: bombs.unclosed(files.sheet_shared_strings([["a"] * 9] * 9), member=files.SHARED),
        lambda: bombs.doctype(files.sheet([["a"]]), member="xl/styles.xml"),
    ],
    ids=["sheet", "workbook", "entities", "doctype-shared", "unclosed-shared", "doctype-styles"],
)
def test_a_broken_or_dtd_xlsx_is_refused(make: object) -> None:
    with pytest.raises(DocumentError):
        xlsx_text(make())  # type: ignore[operator]


def test_too_much_text_is_refused_not_cut() -> None:
    data = files.word(body="字" * 3000)
    assert len(docx_text(data, max_chars=3001)) == 3000
    with pytest.raises(TooMuchText) as caught:
        docx_text(data, max_chars=2000)
    assert "文字超过" in caught.value.message and "拆分" in caught.value.message
    sheet = files.sheet([["字" * 100]] * 30)
    with pytest.raises(TooMuchText):
        xlsx_text(sheet, max_chars=2000)
    shared = files.sheet_shared_strings([["字" * 3000, "x"]])
    with pytest.raises(TooMuchText):  # refused while reading the shared strings already
        xlsx_text(shared, max_chars=2000)


def test_the_default_cap_applies(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(documents, "MAX_TEXT_CHARS", 100)
    with pytest.raises(TooMuchText):
        docx_text(files.word(body="字" * 200))


def test_a_bomb_is_refused_before_it_is_inflated() -> None:
    bomb = files.word_bomb(unpacked_mb=200)
    assert len(bomb) < 1024 * 1024
    tracemalloc.start()
    try:
        with pytest.raises(DocumentError):
            docx_text(bomb)
        with pytest.raises(DocumentError):
            xlsx_text(bombs.bomb(bombs.simple_workbook(), unpacked_mb=200))
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < 16 * 1024 * 1024


def test_xml_over_the_budget_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(documents, "MAX_XML_BYTES", 20_000)
    with pytest.raises(DocumentError) as caught:
        docx_text(files.word())  # python-docx's default styles alone are over 20 KB
    assert "内容过大" in caught.value.message


DRAWING = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<dgm:dataModel xmlns:dgm="http://schemas.openxmlformats.org/drawingml/2006/diagram" '
    'xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main"><dgm:ptLst><dgm:pt>'
    f"<dgm:t><a:p><a:r><a:t>联系人手机{MOBILE}</a:t></a:r></a:p></dgm:t></dgm:pt></dgm:ptLst>"
    "</dgm:dataModel>"
).encode()


def test_text_in_smartart_and_drawings_is_read() -> None:
    word = bombs.rezip(files.word(), {"word/diagrams/data1.xml": DRAWING})
    assert ("mobile", MOBILE) in found(docx_text(word))
    sheet = bombs.rezip(files.sheet([["名单"]]), {"xl/drawings/drawing1.xml": DRAWING})
    assert ("mobile", MOBILE) in found(xlsx_text(sheet))


def test_sheets_named_otherwise_are_read() -> None:
    data = files.sheet([["张三", ID_NUMBER]])
    parts = bombs.members(data)
    renamed = {
        (name.replace("sheet1.xml", "data.xml") if name == bombs.SHEET else name): body
        for name, body in parts.items()
    }
    rebuilt = bombs.raw_zip(
        [
            (name, bombs._deflate(body), zlib.crc32(body), len(body), zipfile.ZIP_DEFLATED)
            for name, body in renamed.items()
        ]
    )
    assert xlsx_text(rebuilt) == f"张三\t{ID_NUMBER}"
