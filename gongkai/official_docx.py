"""The official-document layout (GB/T 9704) shared by every Word document gongkai writes: the
reply letters' templates, the monthly report and the annual report.

A4 with the official margins, body in 仿宋 三号, titles and headings in 黑体, Latin text in Times
New Roman. Fonts are named outright on every run: a theme font attribute left in place would
win over the named one in Word and WPS. No Django import: the letter templates' build script
runs in a bare checkout.
"""

from __future__ import annotations

from typing import Any

from docx.enum.text import WD_LINE_SPACING
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Length, Pt

BODY_FONT = "仿宋"
# 方正小标宋简体 is the official title font but is not installed on every office computer; 黑体 is.
TITLE_FONT = "黑体"
LATIN_FONT = "Times New Roman"
BODY_SIZE = Pt(16)  # 三号
TITLE_SIZE = Pt(22)  # 二号
LINE = Pt(28)  # the fixed line of the body
INDENT = Pt(32)  # two characters of 三号


def name_fonts(element: Any, east_asia: str) -> None:
    """Name the fonts of a run-properties element outright, dropping theme fonts."""
    fonts = element.get_or_add_rFonts()
    for theme in ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme"):
        fonts.attrib.pop(qn(theme), None)
    fonts.set(qn("w:ascii"), LATIN_FONT)
    fonts.set(qn("w:hAnsi"), LATIN_FONT)
    fonts.set(qn("w:cs"), LATIN_FONT)
    fonts.set(qn("w:eastAsia"), east_asia)


def setup_page(document: Any, *, line: Length | None = LINE) -> None:
    """A4 with the official margins; the Normal style in 仿宋 三号, on a fixed ``line`` (None:
    Word's own spacing, for documents that are mostly tables)."""
    section = document.sections[0]
    section.page_width, section.page_height = Cm(21), Cm(29.7)
    section.top_margin, section.bottom_margin = Cm(3.7), Cm(3.5)
    section.left_margin, section.right_margin = Cm(2.8), Cm(2.6)
    normal = document.styles["Normal"]
    name_fonts(normal.element.get_or_add_rPr(), BODY_FONT)
    normal.font.size = BODY_SIZE
    if line is not None:
        layout = normal.paragraph_format
        layout.space_before = layout.space_after = Pt(0)
        layout.line_spacing_rule = WD_LINE_SPACING.EXACTLY
        layout.line_spacing = line


def add_run(
    paragraph: Any,
    text: str,
    *,
    font: str = BODY_FONT,
    size: Length = BODY_SIZE,
    bold: bool = False,
) -> Any:
    """Append ``text`` to ``paragraph`` as one run in ``font`` and ``size``."""
    run = paragraph.add_run(text)
    run.font.size = size
    if bold:
        run.bold = True
    name_fonts(run._element.get_or_add_rPr(), font)
    return run


def repeat_header(row: Any) -> None:
    """Repeat a table's header row at the top of every page the table runs onto, and keep it on
    the page of the row after it (no header stranded at the foot of a page)."""
    properties = row._tr.get_or_add_trPr()
    header = OxmlElement("w:tblHeader")
    header.set(qn("w:val"), "true")
    properties.append(header)
    for cell in row.cells:
        for paragraph in cell.paragraphs:
            paragraph.paragraph_format.keep_with_next = True


def keep_row_together(row: Any) -> None:
    """Do not break a table row across pages (a row of the national table is one figure line)."""
    properties = row._tr.get_or_add_trPr()
    keep = OxmlElement("w:cantSplit")
    keep.set(qn("w:val"), "true")
    properties.append(keep)
