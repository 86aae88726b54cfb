"""The ledger in and out of spreadsheets: a plan's task table read from .xlsx or .csv in the layout
of seed 004 annex 1 (序号, 工作任务, 牵头责任单位, 主体责任单位, 时限要求), and the ledger written
back — the plan's progress and every unit's part, and one unit's 台账.

Files are untrusted: the size is bounded before parsing, an .xlsx that unpacks too large is
refused, and workbooks are read in openpyxl's streaming mode. Cells we write are never formulas.
"""

from __future__ import annotations

import codecs
import csv
import io
import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import PurePath
from typing import IO, Any

from openpyxl import Workbook, load_workbook

from gongkai.core import xlsx, zipguard
from gongkai.core.errors import ValidationFailed
from gongkai.core.uploads import OLE2_MAGIC, ZIP_MAGIC

MAX_BYTES = 10 * 1024 * 1024
MAX_ROWS = 2000
HEADER_SCAN_ROWS = 10

NUMBER, TEXT, LEAD, RESPONSIBLE, DEADLINE = (
    "序号",
    "工作任务",
    "牵头责任单位",
    "主体责任单位",
    "时限要求",
)
COLUMNS = (NUMBER, TEXT, LEAD, RESPONSIBLE, DEADLINE)
ALIASES = {
    "编号": NUMBER,
    "任务": TEXT,
    "工作内容": TEXT,
    "任务内容": TEXT,
    "牵头单位": LEAD,
    "牵头部门": LEAD,
    "责任单位": RESPONSIBLE,
    "主体单位": RESPONSIBLE,
    "配合单位": RESPONSIBLE,
    "时限": DEADLINE,
    "完成时限": DEADLINE,
    "时间要求": DEADLINE,
}


def clean_text(value: str) -> str:
    """A task's text as one line: full-width forms kept (they are Chinese punctuation), line
    breaks of a table cell joined, and spaces between Chinese characters removed."""
    text = re.sub(r"\s*\n\s*", "", (value or "").strip())
    text = re.sub(r"(?<=[^\x00-\x7f])[ \t\u3000]+|[ \t\u3000]+(?=[^\x00-\x7f])", "", text)
    return text


def clean_units(value: str) -> str:
    """A unit column as written, its cell line breaks joined."""
    return clean_text(value)


def _label(value: object) -> str | None:
    text = re.sub(r"\s+", "", unicodedata.normalize("NFKC", str(value or ""))).strip("*")
    if text in COLUMNS:
        return text
    return ALIASES.get(text)


@dataclass
class TaskRow:
    where: str
    number: int
    text: str
    lead: str
    responsible: str
    deadline: str
    problems: list[str] = field(default_factory=list)


def _cell(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def _rows(table: Iterable[Sequence[object]], sheet: str) -> list[TaskRow]:
    positions: dict[str, int] | None = None
    found: list[TaskRow] = []
    for number, values in enumerate(table, start=1):
        if positions is None:
            labels = {_label(v): i for i, v in enumerate(values) if _label(v)}
            if TEXT in labels and NUMBER in labels:
                missing = [c for c in COLUMNS if c not in labels]
                if missing:
                    raise ValidationFailed(
                        f"{sheet}第{number}行（表头）缺少列：{'、'.join(missing)}。"
                        f"表头应为：{'、'.join(COLUMNS)}。"
                    )
                positions = {name: labels[name] for name in COLUMNS}
                continue
            if number >= HEADER_SCAN_ROWS:
                break
            continue
        cells = {name: _cell(values[i]) if i < len(values) else "" for name, i in positions.items()}
        if not any(cells.values()):
            continue
        row = TaskRow(
            where=f"{sheet}第{number}行",
            number=0,
            text=cells[TEXT],
            lead=cells[LEAD],
            responsible=cells[RESPONSIBLE],
            deadline=cells[DEADLINE],
        )
        raw = unicodedata.normalize("NFKC", cells[NUMBER]).rstrip(".、")
        if raw.isdigit():
            row.number = int(raw)
        else:
            row.problems.append(f"序号“{cells[NUMBER]}”不是正整数。")
        found.append(row)
        if len(found) > MAX_ROWS:
            raise ValidationFailed(f"一次最多导入{MAX_ROWS}项任务，请拆分后分别导入。")
    if positions is None:
        raise ValidationFailed(
            f"{sheet}前{HEADER_SCAN_ROWS}行中找不到表头：表头应为{'、'.join(COLUMNS)}。"
        )
    if not found:
        raise ValidationFailed("文件中没有任务（表头以下没有任何一行）。")
    return found


def read_task_rows(data: bytes, filename: str) -> list[TaskRow]:
    """Read a task table; raises ValidationFailed with a Chinese sentence for a file that cannot
    be read at all (per-row problems are left on the rows for the import to report)."""
    if not data.strip():
        raise ValidationFailed("文件是空的。")
    if len(data) > MAX_BYTES:
        raise ValidationFailed(f"文件过大：最多{MAX_BYTES // 1048576}MB。")
    if data.startswith(OLE2_MAGIC):
        raise ValidationFailed("这是旧版Excel文件（.xls），请另存为.xlsx或CSV后再导入。")
    if data.startswith(ZIP_MAGIC):
        return _read_xlsx(data)
    if PurePath(filename).suffix.lower() in {".xlsx", ".xls", ".xlsm"}:
        raise ValidationFailed("文件不是有效的Excel工作簿（.xlsx），请确认文件没有损坏或被改名。")
    return _rows(csv.reader(io.StringIO(_decode(data), newline="")), "")


def _decode(data: bytes) -> str:
    if b"\x00" in data[:4096]:
        raise ValidationFailed("文件不是文本，也不是Excel工作簿：请导入.xlsx或.csv文件。")
    if data.startswith(codecs.BOM_UTF8):
        data = data[len(codecs.BOM_UTF8) :]
    for encoding in ("utf-8", "gb18030"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise ValidationFailed("CSV文件既不是UTF-8也不是GB18030（GBK）编码，请另存为“CSV UTF-8”。")


def _read_xlsx(data: bytes) -> list[TaskRow]:
    """The first sheet's tasks, after the zip guard (gongkai.core.zipguard) has refused bombs,
    macros and DTDs without inflating anything; a sheet whose XML breaks is refused whole."""
    bad = ValidationFailed(
        "文件不是有效的Excel工作簿（.xlsx）或已损坏，请用Excel另存为.xlsx后重新导入。"
    )
    try:
        zipguard.check_office_file(data, what="Excel文件")
    except zipguard.UnsafeArchive as exc:
        raise (bad if exc.code == "bad_zip" else ValidationFailed(exc.message)) from exc
    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        try:
            sheet = workbook.worksheets[0]
            sheet.reset_dimensions()
            title = sheet.title
            # At most MAX_ROWS tasks: the values fit in memory, and reading them all here keeps
            # a parse error of the sheet's XML inside this try.
            values = list(zipguard.CellBudget().rows(sheet.iter_rows(values_only=True)))
        finally:
            workbook.close()
    except zipguard.UnsafeArchive as exc:
        raise ValidationFailed(exc.message) from exc
    except zipguard.BROKEN_FILE_ERRORS as exc:
        raise bad from exc
    return _rows(values, f"工作表“{title}”")


# ---------------------------------------------------------------------------- writing


def write_workbook(
    sheets: Iterable[tuple[str, Sequence[str], Iterable[Sequence[Any]]]], out: IO[bytes]
) -> None:
    """Write sheets of (title, header, rows) in openpyxl's write-only mode, so a ledger of a
    hundred thousand rows streams through without building every cell object at once. Text is
    written as text, never as a formula (gongkai.core.xlsx)."""
    workbook = Workbook(write_only=True)
    for title, header, rows in sheets:
        sheet = workbook.create_sheet(title=title[:31])
        xlsx.write_row(sheet, header)
        for row in rows:
            xlsx.write_row(sheet, row)
    workbook.save(out)
