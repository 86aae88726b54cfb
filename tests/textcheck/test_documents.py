"""Text of real .docx files written with python-docx, paragraphs and tables."""

from __future__ import annotations

import datetime as dt
import io
import zipfile

import docx
import pytest
from openpyxl import Workbook

from gongkai.textcheck import Checker, docx_text


def _docx() -> bytes:
    document = docx.Document()
    document.add_paragraph("2024年耕地地力保护补贴发放名单公示")
    table = document.add_table(rows=3, cols=3)
    for cell, value in zip(table.rows[0].cells, ["姓名", "身份证号", "金额"], strict=True):
        cell.text = value
    for cell, value in zip(
        table.rows[1].cells, ["张三", "360735198506151233", "120.50"], strict=True
    ):
        cell.text = value
    merged = table.cell(2, 0).merge(table.cell(2, 2))
    merged.text = "合计：120.50元"
    inner = table.cell(0, 2).add_table(rows=1, cols=2)
    inner.cell(0, 0).text = "联系人"
    inner.cell(0, 1).text = "13812345678"
    document.add_paragraph("此件公开发布。")
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def test_docx_text_reads_paragraphs_and_tables_in_order() -> None:
    assert docx_text(_docx()) == (
        "2024年耕地地力保护补贴发放名单公示\n"
        # the cell holding the nested table ends with the empty paragraph Word requires
        "姓名\t身份证号\t金额\n联系人\t13812345678\n\n"
        "张三\t360735198506151233\t120.50\n"
        "合计：120.50元\n"
        "此件公开发布。"
    )


def test_numbers_in_table_cells_are_found() -> None:
    text = docx_text(_docx())
    findings = Checker.from_defaults().check(text, today=dt.date(2024, 6, 1))
    assert [(f.kind, text[f.start : f.end]) for f in findings] == [
        ("mobile", "13812345678"),
        ("id_number", "360735198506151233"),
    ]


def _xlsx() -> bytes:
    buffer = io.BytesIO()
    Workbook().save(buffer)
    return buffer.getvalue()


def _zip_without_word() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("hello.txt", "你好")
    return buffer.getvalue()


@pytest.mark.parametrize(
    "data",
    [
        b"",
        "纯文本".encode(),
        b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(504),
        _xlsx(),
        _zip_without_word(),
    ],
    ids=["empty", "text", "old-doc", "xlsx", "zip"],
)
def test_anything_else_is_a_value_error(data: bytes) -> None:
    with pytest.raises(ValueError, match=r"not a \.docx"):
        docx_text(data)
