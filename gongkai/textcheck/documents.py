"""Text of a Word (.docx) document, so an attachment can be checked like a body text."""

from __future__ import annotations

import io
import zipfile
from collections.abc import Iterator

import docx
from docx.document import Document
from docx.opc.exceptions import OpcError
from docx.table import Table, _Cell
from docx.text.paragraph import Paragraph

# A .docx is a zip; refuse one that would unpack to more than this (a "zip bomb").
MAX_UNPACKED_BYTES = 256 * 1024 * 1024


def _table_lines(table: Table) -> Iterator[str]:
    # Hold the cell elements themselves, not their id(): lxml frees unreferenced proxies, so an
    # id() can be reused by another cell.
    seen: set[object] = set()
    for row in table.rows:
        cells: list[str] = []
        for cell in row.cells:
            # A merged cell is returned once per grid column and row it spans; read it once.
            if cell._tc in seen:
                continue
            seen.add(cell._tc)
            cells.append("\n".join(_block_lines(cell)))
        yield "\t".join(cells)


def _block_lines(container: Document | _Cell) -> Iterator[str]:
    for block in container.iter_inner_content():
        if isinstance(block, Paragraph):
            yield block.text
        else:
            yield from _table_lines(block)


def docx_text(data: bytes) -> str:
    """Return the text of a .docx: body paragraphs and tables in document order.

    Paragraphs and table rows are separated by newlines, the cells of a row by TABs, so a number
    in one cell never runs into the next. Headers, footers, footnotes and text boxes are not read.
    Raises ``ValueError`` for bytes that are not a .docx (including an old binary .doc) or that
    would unpack to more than ``MAX_UNPACKED_BYTES``.
    """
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            unpacked = sum(info.file_size for info in archive.infolist())
    except zipfile.BadZipFile as exc:
        raise ValueError(
            "not a .docx document (a Word 2007+ file); save an old .doc as .docx first"
        ) from exc
    if unpacked > MAX_UNPACKED_BYTES:
        raise ValueError(f"the .docx would unpack to {unpacked} bytes, over the limit")
    try:
        document = docx.Document(io.BytesIO(data))
    except (zipfile.BadZipFile, KeyError, ValueError, OSError, SyntaxError, OpcError) as exc:
        raise ValueError(f"not a .docx document (a Word 2007+ file): {exc}") from exc
    return "\n".join(_block_lines(document))
