"""Write cells of an .xlsx we hand out so that text from people stays text (no formula injection).

openpyxl turns any ``str`` starting with ``=`` into a live formula (``<f>`` in the sheet XML): a
catalog field ``=HYPERLINK("http://evil.example","x")`` reached the public export as a link
(issue 12). Text starting with ``+ - @``, a TAB or a CR is written as text by openpyxl but becomes
a formula as soon as someone edits the cell in Excel or WPS, or saves the sheet as CSV. Every
workbook we write therefore passes its values through ``cell``/``write_row``: such text is
written as an inline string (``t="inlineStr"``, never ``<f>``) with the cell's ``quotePrefix``
style set, which is what Excel itself does when one types ``'=1``: the cell shows ``=1`` and keeps
it text when edited. The text itself is unchanged, so openpyxl reads back exactly what was written
and an export imports back unchanged (unlike the old ``"'" + text`` trick, which added an
apostrophe to the data). Numbers, dates and ``None`` are left as they are; text loses only the
control characters an .xlsx cannot hold.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE, Cell
from openpyxl.worksheet._write_only import WriteOnlyWorksheet
from openpyxl.worksheet.worksheet import Worksheet

# What spreadsheet programs read as the start of a formula (OWASP "CSV injection"), plus CR and
# TAB, which some programs strip before deciding.
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")

Sheet = Worksheet | WriteOnlyWorksheet


def clean_text(value: str) -> str:
    """The text without the control characters an .xlsx cannot hold (openpyxl refuses them)."""
    return ILLEGAL_CHARACTERS_RE.sub("", value)


def is_risky(value: object) -> bool:
    """Whether ``value`` is text a spreadsheet could take for a formula."""
    return isinstance(value, str) and value.startswith(FORMULA_START)


def protect(cell: Cell) -> Cell:
    """Make an existing cell holding text hold it as text, never as a formula; return the cell.

    For cells built by ``Worksheet.cell()`` or styled in place after ``append``.
    """
    value = cell.value
    if isinstance(value, str):
        text = clean_text(value)
        if text != value:
            cell.value = text
        if text.startswith(FORMULA_START):
            cell.data_type = "s"
            cell.quotePrefix = True
    return cell


def cell(sheet: Sheet, value: Any) -> Any:
    """``value`` ready for ``sheet.append``: risky text becomes a text cell, the rest is kept.

    Works for normal and write-only sheets (``append`` takes a ``WriteOnlyCell`` in both).
    Returns a cell only where needed, so a large export builds no cell object for plain values.
    """
    if not isinstance(value, str):
        return value
    text = clean_text(value)
    if not text.startswith(FORMULA_START):
        return text
    written = WriteOnlyCell(sheet, value=text)
    written.data_type = "s"
    written.quotePrefix = True
    return written


def text_cell(sheet: Sheet, value: str | None, **style: Any) -> Cell:
    """A ``WriteOnlyCell`` holding ``value`` as text, with ``style`` (font, alignment …) applied.

    For writers that style each cell of a write-only sheet.
    """
    written = WriteOnlyCell(sheet, value=clean_text(value) if value else None)
    if value:
        written.data_type = "s"
        written.quotePrefix = is_risky(written.value)
    for name, setting in style.items():
        setattr(written, name, setting)
    return written


def write_row(sheet: Sheet, values: Iterable[Any]) -> None:
    """Append one row of ``values`` to ``sheet``, text never written as a formula."""
    sheet.append([cell(sheet, value) for value in values])
