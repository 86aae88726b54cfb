"""The annual report as a Word document in the national layout (国办公开办函〔2021〕30号), ready to
publish as is: the title, the six headings, section 二's four small tables, section 三's table
with its merged header cells (申请人情况 over the columns, 法人或其他组织 over its five, 自然人 and
总计 down two rows) and its nested row labels, section 四's table (行政复议 over five columns,
行政诉讼 over ten), all with borders. Fonts as in the county's letters
(gongkai.official_docx): 仿宋 body, 黑体 title and headings.
"""

from __future__ import annotations

import io
from typing import Any

import docx
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.shared import Cm, Pt

from gongkai.official_docx import (
    BODY_FONT,
    BODY_SIZE,
    INDENT,
    TITLE_FONT,
    TITLE_SIZE,
    add_run,
    keep_row_together,
    repeat_header,
    setup_page,
)
from gongkai.reports import annual

TEXT_WIDTH = 15.6  # cm: A4 less the official-document margins
# Section 三: the three label columns (the outcome, its group, its item), then seven figures.
THREE_WIDTHS = [1.0, 1.0, 4.6] + [1.28] * 7
TABLE_SIZE = Pt(10.5)  # 五号: the national table is printed small to fit the page
LITIGATION = annual.LITIGATION
SECTION_THREE_NOTE = "（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）"


def _paragraph(
    document: Any,
    text: str,
    *,
    font: str = BODY_FONT,
    size: Any = BODY_SIZE,
    center: bool = False,
    indent: bool = True,
) -> Any:
    paragraph = document.add_paragraph()
    if center:
        paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    elif indent:
        paragraph.paragraph_format.first_line_indent = INDENT
    add_run(paragraph, text, font=font, size=size)
    return paragraph


def _text(cell: Any, text: str, *, center: bool = True, bold: bool = False) -> None:
    """Write ``text`` into a (possibly merged) cell, replacing what is there."""
    paragraph = cell.paragraphs[0]
    for run in list(paragraph.runs):
        run._element.getparent().remove(run._element)
    paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER if center else WD_ALIGN_PARAGRAPH.LEFT
    add_run(paragraph, text, size=TABLE_SIZE, font=TITLE_FONT if bold else BODY_FONT)


def _table(document: Any, rows: int, columns: int, widths: list[float] | None = None) -> Any:
    """A bordered table; ``widths`` in cm per column (default: the text width shared equally)."""
    table = document.add_table(rows=rows, cols=columns)
    table.style = document.styles["Table Grid"]  # single borders on every cell
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    table.autofit = False
    for column, width in zip(
        table.columns, widths or [TEXT_WIDTH / columns] * columns, strict=True
    ):
        column.width = Cm(width)
        for cell in column.cells:
            cell.width = Cm(width)
    return table


def _merge(table: Any, top: int, left: int, bottom: int, right: int, text: str) -> Any:
    cell = table.cell(top, left)
    if (top, left) != (bottom, right):
        cell = cell.merge(table.cell(bottom, right))
    _text(cell, text)
    return cell


def number(value: Any) -> str:
    """A figure as printed: integers plainly, 万元 amounts without trailing zeros."""
    if isinstance(value, float):
        return f"{value:.4f}".rstrip("0").rstrip(".") or "0"
    return str(value)


# ------------------------------------------------------------------------------- sections


def _section_two(document: Any, report: dict[str, Any]) -> None:
    for spec in report["proactive_tables"]:
        columns = spec["columns"]
        table = _table(document, 2 + len(spec["rows"]), len(columns))
        _merge(table, 0, 0, 0, len(columns) - 1, spec["item"])
        for c, label in enumerate(columns):
            _text(table.cell(1, c), label)
        for r, row in enumerate(spec["rows"], start=2):
            _text(table.cell(r, 0), row)
            for c, column in enumerate(columns[1:], start=1):
                _text(table.cell(r, c), number(report["proactive"][row][column]))
        document.add_paragraph()


def _section_three(document: Any, report: dict[str, Any]) -> None:
    """3 label columns and 7 figure columns; 3 header rows; one row per figure row. 三、本年度办理
    结果 runs down the first label column beside every outcome row, and each group (（三）–（六）)
    down the second beside its items, as the national table prints them."""
    columns = report["columns"]
    numeric = [row for row in report["application_rows"] if row["values"] is not None]
    table = _table(document, 3 + len(numeric), 3 + len(columns), THREE_WIDTHS)
    _merge(table, 0, 0, 2, 2, SECTION_THREE_NOTE)
    _merge(table, 0, 3, 0, 3 + len(columns) - 1, "申请人情况")
    _merge(table, 1, 3, 2, 3, columns[0])
    _merge(table, 1, 4, 1, 8, "法人或其他组织")
    for c, column in enumerate(columns[1:6], start=4):
        _text(table.cell(2, c), column)
    _merge(table, 1, 9, 2, 9, columns[-1])
    r = 3
    outcome_top: int | None = None
    group: tuple[str, int] | None = None  # (label, first row) of the open group

    def close_group(last: int) -> None:
        nonlocal group
        if group is not None:
            _merge(table, group[1], 1, last, 1, group[0])
            group = None

    for row in report["application_rows"]:
        if row["values"] is None:
            if row["level"] == 0:
                outcome_top = r
                outcome_label = row["label"]
            else:
                close_group(r - 1)
                group = (row["label"], r)
            continue
        if row["level"] == 0:
            close_group(r - 1)
            if outcome_top is not None:
                _merge(table, outcome_top, 0, r - 1, 0, outcome_label)
                outcome_top = None
            _merge(table, r, 0, r, 2, row["label"])
        elif row["level"] == 1:
            close_group(r - 1)
            _merge(table, r, 1, r, 2, row["label"])
        else:
            _text(table.cell(r, 2), row["label"], center=False)
        for c, column in enumerate(columns, start=3):
            _text(table.cell(r, c), number(row["values"][column]))
        r += 1
    for index, table_row in enumerate(table.rows):
        keep_row_together(table_row)
        if index < 3:
            repeat_header(table_row)
    document.add_paragraph()


def _section_four(document: Any, report: dict[str, Any]) -> None:
    five = annual.REVIEW_COLUMNS
    table = _table(document, 4, 15)
    _merge(table, 0, 0, 0, 4, annual.REVIEW)
    _merge(table, 0, 5, 0, 14, LITIGATION)
    for c, label in enumerate(five):
        _merge(table, 1, c, 2, c, label)
    _merge(table, 1, 5, 1, 9, annual.DIRECT_SUIT)
    _merge(table, 1, 10, 1, 14, annual.SUIT_AFTER_REVIEW)
    for c in range(5, 15):
        _text(table.cell(2, c), five[(c - 5) % 5])
    for g, group in enumerate(annual.REVIEW_GROUPS):
        for i, column in enumerate(five):
            _text(table.cell(3, g * 5 + i), number(report["review_litigation"][group][column]))
    for index, table_row in enumerate(table.rows):
        keep_row_together(table_row)
        if index < 3:
            repeat_header(table_row)  # the heading rows stay with the figures
    document.add_paragraph()


def _texts(document: Any, text: str) -> None:
    for line in text.splitlines():
        if line.strip():
            _paragraph(document, line.strip())


def render(report: dict[str, Any]) -> bytes:
    """The Word document of ``report`` (gongkai.reports.annual.annual_report's result)."""
    document = docx.Document()
    setup_page(document, line=None)  # mostly tables: Word's own line spacing
    _paragraph(document, report["title"], font=TITLE_FONT, size=TITLE_SIZE, center=True)
    headings = report["headings"]
    sections = report["sections"]

    def heading(index: int) -> None:
        # A heading stays on the page of what it heads (a table, mostly).
        _paragraph(
            document, headings[index], font=TITLE_FONT
        ).paragraph_format.keep_with_next = True

    heading(0)
    _texts(document, sections[annual.OVERVIEW])
    heading(1)
    _section_two(document, report)
    heading(2)
    _section_three(document, report)
    heading(3)
    _section_four(document, report)
    heading(4)
    _texts(document, sections[annual.PROBLEMS])
    heading(5)
    _texts(document, sections[annual.OTHER])
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()
