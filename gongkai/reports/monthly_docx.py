"""The 政务公开月报 as the Word document a county sends (seed 003's layout).

Title, 期数, the issuing office and the date, 编者按 and 领导批示, the sections 〔日常监测基本情况〕,
the highlights column, 〔存在问题〕 and 〔下一步工作要求〕 as ● paragraphs, then the tables: every
department, every township (责任单位 | 1-M月发布数 | M月发布数 | 备注, ● in 备注 for a unit that
published nothing in the month), the new-media accounts that posted too little (when any) and
the contributions to the standardization column. Tables use
Word's built-in "Table Grid" style, so every cell has borders. Fonts as in the letters
(gongkai.official_docx): body 仿宋 三号, title and headings 黑体.
"""

from __future__ import annotations

import copy
import io
from typing import Any

import docx
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING
from docx.oxml.ns import qn
from docx.shared import Pt

from gongkai.official_docx import (
    BODY_FONT,
    BODY_SIZE,
    INDENT,
    LINE,
    TITLE_FONT,
    add_run,
    repeat_header,
    setup_page,
)
from gongkai.reports import monthly

HEADING_FONT = TITLE_FONT
TITLE_SIZE = Pt(26)  # 一号
TABLE_SIZE = Pt(12)  # 小四


def _paragraph(
    document: Any,
    text: str,
    *,
    align: int | None = None,
    indent: bool = False,
    font: str = BODY_FONT,
    size: Any = BODY_SIZE,
    bold: bool = False,
    line: Any = LINE,
) -> Any:
    paragraph = document.add_paragraph()
    if align is not None:
        paragraph.alignment = align
    if indent:
        paragraph.paragraph_format.first_line_indent = INDENT
    paragraph.paragraph_format.line_spacing = line
    if text:
        add_run(paragraph, text, font=font, size=size, bold=bold)
    return paragraph


def _heading(document: Any, text: str) -> None:
    _paragraph(document, "")
    _paragraph(document, text, align=WD_ALIGN_PARAGRAPH.CENTER, font=HEADING_FONT)


def _bullets(document: Any, lines: list[str], *, empty: str = "无。") -> None:
    for line in lines or [empty]:
        text = line if line.startswith(monthly.MARK) else f"{monthly.MARK} {line}"
        _paragraph(document, text, indent=True)


def _cell(cell: Any, text: str, *, bold: bool = False) -> None:
    paragraph = cell.paragraphs[0]
    paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    layout = paragraph.paragraph_format
    layout.first_line_indent = Pt(0)
    layout.line_spacing_rule = WD_LINE_SPACING.SINGLE
    add_run(paragraph, text, size=TABLE_SIZE, bold=bold, font=HEADING_FONT if bold else BODY_FONT)


def _table(document: Any, header: list[str], rows: list[list[str]]) -> Any:
    table = document.add_table(rows=2, cols=len(header))
    table.style = document.styles["Table Grid"]
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    for cell, text in zip(table.rows[0].cells, header, strict=True):
        _cell(cell, text, bold=True)
    repeat_header(table.rows[0])
    # Format one body row and copy its XML for every unit: python-docx's cell and run API costs
    # about a millisecond a cell, which a province's 1,500 units would turn into seconds.
    for cell in table.rows[1].cells:
        _cell(cell, "-")
    template = table.rows[1]._tr
    parent = template.getparent()
    parent.remove(template)
    for values in rows:
        row = copy.deepcopy(template)
        for text_element, text in zip(row.iter(qn("w:t")), values, strict=True):
            text_element.text = text
        parent.append(row)
    return table


def unit_table_rows(report: dict[str, Any], group: str) -> list[list[str]]:
    """责任单位, year-to-date, month and 备注 (● when nothing was published in the month)."""
    return [
        [r["unit"], str(r["year_to_date"]), str(r["month"]), monthly.MARK if r["marked"] else ""]
        for r in report["units"]
        if r["group"] == group
    ]


def contribution_halves(report: dict[str, Any]) -> tuple[list[str], list[list[str]]]:
    """The contribution table as seed 003 prints it: the units in two halves side by side
    (序号 单位 数量 | 序号 单位 数量), so fifty units take half a page, not a whole one."""
    header = [
        "序号",
        "单位",
        f"{report['month_label']}数量（篇）",
        f"{report['year_to_date_label']}数量（篇）",
    ]
    lines = [
        [str(n), r["unit"], str(r["month"]), str(r["year_to_date"])]
        for n, r in enumerate(report["contributions"]["units"], start=1)
    ]
    half = (len(lines) + 1) // 2
    left, right = lines[:half], lines[half:]
    blank = [""] * len(header)
    return header * 2, [a + (right[i] if i < len(right) else blank) for i, a in enumerate(left)]


def render(report: dict[str, Any]) -> bytes:
    """Return the monthly report as the bytes of a .docx file."""
    document = docx.Document()
    setup_page(document)
    county = report["county"]
    editor = report["editor"]
    text = monthly.paragraphs(report)
    title = f"{county}政务公开月报"
    _paragraph(
        document,
        title,
        align=WD_ALIGN_PARAGRAPH.CENTER,
        font=HEADING_FONT,
        size=TITLE_SIZE,
        line=Pt(44),
    )
    _paragraph(document, editor["issue_no"] or "第　期", align=WD_ALIGN_PARAGRAPH.CENTER)
    day = monthly.issued_on(report)
    _paragraph(document, f"{county}人民政府办公室编", align=WD_ALIGN_PARAGRAPH.CENTER)
    _paragraph(document, f"{day.year}年{day.month}月{day.day}日", align=WD_ALIGN_PARAGRAPH.CENTER)
    _paragraph(document, "")
    note = monthly.EDITOR_NOTE.format(county=county, year=report["year"])
    paragraph = _paragraph(document, "", indent=True)
    add_run(paragraph, "编者按：", font=HEADING_FONT)
    paragraph.add_run(note)
    _paragraph(document, "领导批示：" + "".join(text["instructions"]), indent=True)

    _heading(document, "〔日常监测基本情况〕")
    _bullets(document, text["basic"])
    _heading(document, "〔基层政务公开标准化规范化建设专栏〕")
    _bullets(document, text["highlights"], empty="本月无。")
    _heading(document, "〔存在问题〕")
    _bullets(document, text["problems"])
    _heading(document, "〔下一步工作要求〕")
    _bullets(document, text["next_steps"])

    header = ["责任单位", f"{report['year_to_date_label']}发布数", f"{report['month_label']}发布数"]
    for group, caption in (
        (monthly.DEPARTMENTS, "县直部门政府信息公开情况"),
        (monthly.TOWNSHIPS, "各乡（镇）政府信息公开情况"),
    ):
        _heading(document, caption)
        _table(document, [*header, "备注"], unit_table_rows(report, group))
        _paragraph(document, monthly.TABLE_NOTE, size=TABLE_SIZE, line=Pt(20))

    media = report["new_media"]
    if media and media["table"]["rows"]:
        _heading(document, "政务新媒体更新不及时情况")
        _table(document, media["table"]["header"], media["table"]["rows"])
        _paragraph(document, media["table"]["note"], size=TABLE_SIZE, line=Pt(20))

    contributions = report["contributions"]
    _heading(
        document, f"“{contributions['column'] or '基层政务公开标准化规范化专栏'}”来稿情况统计表"
    )
    _table(document, *contribution_halves(report))

    properties = document.core_properties
    properties.title = f"{title}（{report['year']}年{report['month']}月）"
    properties.author = properties.last_modified_by = "gongkai"
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()
