"""Read and write catalogs in the national Excel layout (REFERENCE.md, "Catalog layout").

Offices keep their catalogs in workbooks laid out like the national tables: an optional title row,
a two-row header with merged cells (公开事项 over 一级事项/二级事项, 公开对象 over 全社会/特定群体 …),
一级事项 merged down over its 二级事项 rows, ticks written √, ✓ or ✔. A workbook may hold one sheet
per domain, the domain named by the sheet name or the title row. Reading is strict where a
guess could publish the wrong thing (a missing element, an unreadable tick, an unknown domain) and
reports every such cell with its sheet, row and column; writing produces the same layout, so that
an export imports back to the same items.
"""

from __future__ import annotations

import datetime as dt
import io
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

from openpyxl import Workbook, load_workbook
from openpyxl.styles import Alignment, Border, Font, Side
from openpyxl.utils import get_column_letter, range_boundaries
from openpyxl.worksheet._reader import WorkSheetParser

from gongkai.catalog.models import TEXT_ELEMENTS, TICK_GROUPS, Domain, ItemElements
from gongkai.core import zipguard
from gongkai.core.errors import ValidationFailed
from gongkai.core.xlsx import write_row

MAX_REPORTED_PROBLEMS = 200
# Column limits of the catalog item model (the text columns without one are unbounded).
TEXT_LIMITS = {"level1": 200, "level2": 200, "five_public": 50, "site_column": 200}
HEADER_SCAN_ROWS = 15

YES_MARKS = frozenset({"√", "✓", "✔", "☑", "✅", "●", "■", "是", "Y", "y", "V", "v", "1"})
NO_MARKS = frozenset({"", "否", "×", "✗", "✘", "-", "—", "/", "无", "□", "N", "n", "0"})
TICK = "√"


@dataclass(frozen=True)
class CellProblem:
    """Where a workbook is wrong: sheet, Excel row (1-based), column letter, and why (Chinese)."""

    sheet: str
    row: int
    column: str
    message: str

    def __str__(self) -> str:
        where = f"工作表“{self.sheet}”" if self.sheet else ""
        if self.row:
            where += f"第{self.row}行"
        if self.column:
            where += f"{self.column}列"
        return f"{where}：{self.message}" if where else self.message


class WorkbookRejected(ValidationFailed):
    """The workbook cannot be imported; ``cells`` says where. Nothing was imported."""

    def __init__(self, cells: Sequence[CellProblem]) -> None:
        self.cells = list(cells)
        shown = [str(c) for c in self.cells[:MAX_REPORTED_PROBLEMS]]
        if len(self.cells) > MAX_REPORTED_PROBLEMS:
            shown.append(f"……另有{len(self.cells) - MAX_REPORTED_PROBLEMS}处问题未列出")
        super().__init__(
            "Excel文件有误，未导入任何内容。请按以下提示修改后重新导入。",
            log=f"workbook rejected: {len(self.cells)} problems; first: {shown[0] if shown else ''}",
            problems=shown,
        )


@dataclass
class ParsedItem:
    row: int
    elements: dict[str, Any]


@dataclass
class ParsedSheet:
    name: str
    domain: Domain
    items: list[ParsedItem]
    ignored_columns: list[str] = field(default_factory=list)


# ---------------------------------------------------------------------------------------------
# Header vocabulary


def _label(text: object) -> str:
    """Normalise a header label: no white space, full-width brackets, unified separators."""
    value = _text(text)
    value = re.sub(r"\s+", "", value)
    return value.replace("(", "（").replace(")", "）").replace(",", "、").replace("，", "、")


# Single-column labels → element field.
SINGLE_COLUMNS: dict[str, str] = {
    "序号": "_number",
    "一级事项": "level1",
    "二级事项": "level2",
    "公开内容（要素）": "content",
    "公开内容": "content",
    "公开要素": "content",
    "公开依据": "basis",
    "公开时限": "time_limit",
    "公开主体": "subject",
    "公开渠道和载体": "channels",
    "公开渠道及载体": "channels",
    "公开载体和渠道": "channels",
    "公开渠道": "channels",
    "五公开": "five_public",
    "五公开分类": "five_public",
    "网站所属栏目": "site_column",
    "所属栏目": "site_column",
    "备注": "remark",
}
# Group labels (the first header row) → {sub label → fields}. 乡、村级 ticks both levels.
GROUPS: dict[str, dict[str, tuple[str, ...]]] = {
    "公开事项": {"一级事项": ("level1",), "二级事项": ("level2",)},
    "公开对象": {
        "全社会": ("audience_public",),
        "特定群体": ("audience_specific",),
        "特定群众": ("audience_specific",),
    },
    "公开方式": {
        "主动": ("mode_proactive",),
        "主动公开": ("mode_proactive",),
        "依申请": ("mode_on_request",),
        "依申请公开": ("mode_on_request",),
    },
    "公开层级": {
        "县级": ("level_county",),
        "乡级": ("level_township",),
        "乡镇级": ("level_township",),
        "乡、村级": ("level_township", "level_village"),
        "乡村级": ("level_township", "level_village"),
        "村级": ("level_village",),
    },
}
SUB_LABELS: dict[str, tuple[str, ...]] = {
    sub: fields for subs in GROUPS.values() for sub, fields in subs.items()
}
REQUIRED_TEXT = [name for name, _ in TEXT_ELEMENTS]
TEXT_LABELS = dict(TEXT_ELEMENTS)
GROUP_OF_FIELD = {f: group for group, ticks in TICK_GROUPS for f, _ in ticks}
TICK_LABELS = {f: label for _, ticks in TICK_GROUPS for f, label in ticks}
# Columns that must be present: every text element and the two ticks of each group that the
# national layout always has (村级 is optional, ticked through 乡、村级 or a column of its own).
REQUIRED_FIELDS = [
    *REQUIRED_TEXT,
    "audience_public",
    "audience_specific",
    "mode_proactive",
    "mode_on_request",
    "level_county",
    "level_township",
]
FIELD_LABELS = {
    **TEXT_LABELS,
    **TICK_LABELS,
    "five_public": "五公开",
    "site_column": "网站所属栏目",
    "remark": "备注",
}


# ---------------------------------------------------------------------------------------------
# Reading


def _text(value: object) -> str:
    """Turn a cell value into text the way a person reads the cell."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "是" if value else ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat(" ")
    if isinstance(value, dt.date):
        return value.isoformat()
    text = str(value).replace("_x000D_", "").replace("\r\n", "\n").replace("\r", "\n")
    return text.strip()


@dataclass
class _Sheet:
    """One worksheet as read: its title, its rows of values and its merged ranges
    (min_row, min_col, max_row, max_col)."""

    title: str
    rows: list[tuple[object, ...]]
    ranges: list[tuple[int, int, int, int]]


def _open(source: bytes | str | Path | IO[bytes]) -> list[_Sheet]:
    """Every worksheet of the workbook, streamed; refuse bombs, macros and broken files.

    The guard (gongkai.core.zipguard) reads the zip's directory before anything is inflated.
    The sheets are then read in openpyxl's read-only mode, which parses the XML as a stream and
    builds no cell objects: a whole-loaded workbook took about ten times its sheet XML in memory
    (issue 12: a 240 MB bomb held 4.3 GB). Read-only worksheets do not expose merged cells, which
    the national layout needs, so each sheet goes through openpyxl's own sheet parser here and
    its merged ranges are picked up as the stream passes them (openpyxl 3.1, pinned).
    """
    try:
        data = source if isinstance(source, bytes) else _read_all(source)
    except OSError as exc:
        raise _rejected("读取文件失败，请重新选择文件后导入。") from exc
    try:
        zipguard.check_office_file(data, what="Excel文件")
    except zipguard.UnsafeArchive as exc:
        raise _rejected(NOT_A_WORKBOOK if exc.code == "bad_zip" else exc.message) from exc
    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        try:
            budget = zipguard.CellBudget()
            return [_stream_sheet(workbook, ws, budget) for ws in workbook.worksheets]
        finally:
            workbook.close()
    except zipguard.UnsafeArchive as exc:
        raise _rejected(exc.message) from exc
    except zipguard.BROKEN_FILE_ERRORS as exc:
        raise _rejected(NOT_A_WORKBOOK) from exc


NOT_A_WORKBOOK = "文件不是有效的Excel工作簿（.xlsx）或已损坏，请用Excel另存为.xlsx格式后重新导入。"


def _rejected(message: str) -> WorkbookRejected:
    return WorkbookRejected([CellProblem("", 0, "", message)])


def _stream_sheet(workbook: Any, ws: Any, budget: zipguard.CellBudget) -> _Sheet:
    """Read one read-only worksheet's values and merged ranges in a single pass, counting the
    cells kept against ``budget``."""
    rows: list[tuple[object, ...]] = []
    with ws._get_source() as source:
        parser = WorkSheetParser(
            source,
            ws._shared_strings,
            data_only=True,
            epoch=workbook.epoch,
            date_formats=workbook._date_formats,
            timedelta_formats=workbook._timedelta_formats,
        )
        for number, cells in parser.parse():
            while len(rows) < number - 1:
                budget.take(())
                rows.append(())  # rows the file leaves out are empty
            if number == len(rows) + 1:
                row = ws._get_row(cells, values_only=True) if cells else ()
                budget.take(row)
                rows.append(row)
        merged = parser.merged_cells
    ranges = []
    for cell_range in merged.mergeCell if merged is not None else []:
        min_col, min_row, max_col, max_row = range_boundaries(cell_range.ref)
        if min_col and min_row and max_col and max_row:  # a whole-row or -column range is no cell
            ranges.append((min_row, min_col, max_row, max_col))
    return _Sheet(ws.title, rows, ranges)


def _read_all(source: str | Path | IO[bytes]) -> bytes:
    if isinstance(source, str | Path):
        return Path(source).read_bytes()
    return source.read()


class _Grid:
    """Cell values of a sheet with merged ranges filled in from their top-left cell.

    The values are read once into rows: the reader looks at each cell several times, and a
    lookup through openpyxl costs more than the rest of the reading (issue 10: 5,000 rows).
    """

    def __init__(self, sheet: _Sheet) -> None:
        self.rows = sheet.rows
        self.merged_origin: dict[tuple[int, int], tuple[int, int]] = {}
        self.ranges = sheet.ranges
        for min_row, min_col, max_row, max_col in sheet.ranges:
            for r in range(min_row, max_row + 1):
                for c in range(min_col, max_col + 1):
                    self.merged_origin[(r, c)] = (min_row, min_col)
        # As a whole-loaded worksheet counts them: the last row and column holding a cell or
        # lying in a merged range.
        self.max_row = max([len(sheet.rows), *(r[2] for r in sheet.ranges)])
        self.max_column = max(
            [0, *(len(cells) for cells in sheet.rows), *(r[3] for r in sheet.ranges)]
        )

    def raw(self, row: int, col: int) -> object:
        if row > len(self.rows):
            return None
        cells = self.rows[row - 1]
        return cells[col - 1] if col <= len(cells) else None

    def is_empty(self) -> bool:
        return all(_text(value) == "" for cells in self.rows for value in cells)

    def value(self, row: int, col: int, *, fill_from_row: int = 1) -> object:
        """The cell's value, or its merged range's value when the range starts at or below
        ``fill_from_row`` (so a data cell never inherits from the header)."""
        origin = self.merged_origin.get((row, col))
        if origin is not None and origin[0] >= fill_from_row:
            return self.raw(*origin)
        return self.raw(row, col)

    def vertical_span(self, row: int, col: int) -> bool:
        """Whether (row, col) lies in a range merged down from the row above it."""
        origin = self.merged_origin.get((row, col))
        return origin is not None and origin[0] < row


@dataclass
class _Header:
    title_rows: list[int]
    first_row: int
    last_row: int
    columns: dict[int, tuple[str, ...]]
    ignored: list[str]


def _find_header_row(grid: _Grid) -> int | None:
    max_row = min(grid.max_row, HEADER_SCAN_ROWS)
    for row in range(1, max_row + 1):
        labels = {_label(grid.value(row, c)) for c in range(1, grid.max_column + 1)}
        has_item = "公开事项" in labels or "一级事项" in labels
        has_content = bool(labels & {"公开内容（要素）", "公开内容", "公开要素", "公开依据"})
        if has_item and has_content:
            return row
    return None


def _read_header(grid: _Grid, sheet: str, problems: list[CellProblem]) -> _Header | None:
    row1 = _find_header_row(grid)
    if row1 is None:
        problems.append(
            CellProblem(
                sheet,
                1,
                "A",
                "未找到表头：应有“序号、公开事项（一级事项、二级事项）、公开内容（要素）、公开依据、"
                "公开时限、公开主体、公开渠道和载体、公开对象、公开方式、公开层级”两行表头。",
            )
        )
        return None
    max_col = grid.max_column
    labels1 = [_label(grid.value(row1, c)) for c in range(1, max_col + 1)]
    two_rows = any(label in GROUPS for label in labels1)
    row2 = row1 + 1 if two_rows else row1
    columns: dict[int, tuple[str, ...]] = {}
    ignored: list[str] = []
    ignored_cols: list[tuple[int, str]] = []
    start = len(problems)
    for col in range(1, max_col + 1):
        letter = get_column_letter(col)
        top = _label(grid.value(row1, col))
        sub = "" if not two_rows or grid.vertical_span(row2, col) else _label(grid.raw(row2, col))
        if top in GROUPS:
            if sub in GROUPS[top]:
                columns[col] = GROUPS[top][sub]
            else:
                expected = "、".join(GROUPS[top])
                problems.append(
                    CellProblem(
                        sheet,
                        row2,
                        letter,
                        f"表头“{top}”下的“{sub or '（空）'}”无法识别，应为{expected}之一。",
                    )
                )
        elif top in SINGLE_COLUMNS:
            if SINGLE_COLUMNS[top] != "_number":
                columns[col] = (SINGLE_COLUMNS[top],)
        elif sub in SUB_LABELS:
            columns[col] = SUB_LABELS[sub]
        elif top or sub:
            ignored.append(f"{letter}列“{top or sub}”")
            ignored_cols.append((col, top or sub))
    if len(problems) > start:
        return None
    present = {f for fields in columns.values() for f in fields}
    seen: dict[str, int] = {}
    for col, fields in columns.items():
        for f in fields:
            if f in seen:
                problems.append(
                    CellProblem(
                        sheet,
                        row2,
                        get_column_letter(col),
                        f"表头中“{FIELD_LABELS[f]}”出现了两次（另一列为"
                        f"{get_column_letter(seen[f])}列）。",
                    )
                )
            seen[f] = col
    missing = [FIELD_LABELS[f] for f in REQUIRED_FIELDS if f not in present]
    if missing:
        unknown = [(col, label) for col, label in ignored_cols]
        hint = (
            "；无法识别的表头：" + "、".join(f"{get_column_letter(c)}列“{t}”" for c, t in unknown)
            if unknown
            else ""
        )
        problems.append(
            CellProblem(
                sheet,
                row1,
                get_column_letter(unknown[0][0]) if unknown else "",
                f"表头缺少以下列：{'、'.join(missing)}{hint}。请按国家标准目录的两行表头填写。",
            )
        )
    if len(problems) > start:
        return None
    return _Header(
        title_rows=list(range(1, row1)),
        first_row=row1,
        last_row=row2,
        columns=columns,
        ignored=ignored,
    )


def _strip_domain_suffix(name: str) -> str:
    for suffix in ("领域", "目录"):
        if name.endswith(suffix) and len(name) > len(suffix):
            name = name[: -len(suffix)]
    return name


def _resolve_domain(
    grid: _Grid, sheet: str, header: _Header, domains: Sequence[Domain]
) -> tuple[Domain | None, CellProblem | None]:
    """Name the sheet's domain: the sheet name first, then the title rows above the header."""
    by_name: dict[str, Domain] = {}
    for domain in domains:
        for name in domain.all_names():
            by_name[_label(name)] = domain
    sheet_label = _label(sheet)
    for candidate in (sheet_label, _strip_domain_suffix(sheet_label)):
        if candidate in by_name:
            return by_name[candidate], None
    title_cells = [
        (row, col, _text(grid.raw(row, col)))
        for row in header.title_rows
        for col in range(1, grid.max_column + 1)
        if _text(grid.raw(row, col))
    ]
    title = "".join(_label(text) for _, _, text in title_cells)
    found: dict[int, tuple[int, Domain]] = {}
    for name, domain in by_name.items():
        if name and name in title:
            best = found.get(domain.pk)
            if best is None or len(name) > best[0]:
                found[domain.pk] = (len(name), domain)
    if found:
        ranked = sorted(found.values(), key=lambda pair: -pair[0])
        if len(ranked) == 1 or ranked[0][0] > ranked[1][0]:
            return ranked[0][1], None
        row, col = title_cells[0][0], title_cells[0][1]
        names = "、".join(d.name for _, d in ranked if _ == ranked[0][0])
        return None, CellProblem(
            sheet,
            row,
            get_column_letter(col),
            f"标题同时提到多个公开领域（{names}），请一个领域一张工作表，并用领域名称命名工作表。",
        )
    if title_cells:
        row, col, text = title_cells[0]
        return None, CellProblem(
            sheet,
            row,
            get_column_letter(col),
            f"无法识别公开领域：工作表名“{sheet}”和标题“{text}”都不是已登记的领域名称。"
            "请用领域名称（如“社会救助”）命名工作表，或请公开办先登记该领域。",
        )
    return None, CellProblem(
        sheet,
        header.first_row,
        "",
        f"无法识别公开领域：工作表名“{sheet}”不是已登记的领域名称，表头上方也没有写明领域的标题行。"
        "请用领域名称（如“社会救助”）命名工作表。",
    )


def _is_note_row(values: list[str]) -> bool:
    filled = [v for v in values if v]
    return len(set(filled)) == 1 and filled[0].startswith(("注", "说明", "备注：", "备注:"))


def _parse_tick(value: object) -> bool | None:
    if isinstance(value, bool):
        return value
    text = re.sub(r"\s+", "", _text(value))
    if text in YES_MARKS:
        return True
    if text in NO_MARKS:
        return False
    return None


def _read_rows(
    grid: _Grid, sheet: str, header: _Header, problems: list[CellProblem]
) -> list[ParsedItem]:
    items: list[ParsedItem] = []
    first_data = header.last_row + 1
    letters = {col: get_column_letter(col) for col in header.columns}
    all_cols = range(1, grid.max_column + 1)
    for row in range(first_data, grid.max_row + 1):
        values = [grid.value(row, c, fill_from_row=first_data) for c in all_cols]
        texts = [_text(value) for value in values]
        if not any(_text(grid.raw(row, c)) for c in all_cols):
            continue  # a blank row: only values merged down from above, if anything
        raw = {col: values[col - 1] for col in header.columns}
        if not any(texts[col - 1] for col in header.columns) or _is_note_row(texts):
            continue
        elements: dict[str, Any] = {}
        unreadable: set[str] = set()
        for col, fields in header.columns.items():
            value = raw[col]
            if fields[0] in GROUP_OF_FIELD:
                tick = _parse_tick(value)
                if tick is None:
                    problems.append(
                        CellProblem(
                            sheet,
                            row,
                            letters[col],
                            f"“{_text(value)}”不是勾选标记：勾选请填“√”（或✓、✔），不勾选请留空。",
                        )
                    )
                    tick = False
                    unreadable.add(GROUP_OF_FIELD[fields[0]])
                for f in fields:
                    elements[f] = elements.get(f, False) or tick
            else:
                elements[fields[0]] = _text(value)
        field_cols = {f: col for col, fields in header.columns.items() for f in fields}
        for name, limit in TEXT_LIMITS.items():
            if name in field_cols and len(elements.get(name, "")) > limit:
                problems.append(
                    CellProblem(
                        sheet,
                        row,
                        letters[field_cols[name]],
                        f"“{FIELD_LABELS[name]}”不能超过{limit}个字（现有{len(elements[name])}个字）。",
                    )
                )
        for name in REQUIRED_TEXT:
            if not elements.get(name):
                problems.append(
                    CellProblem(
                        sheet, row, letters[field_cols[name]], f"“{TEXT_LABELS[name]}”不能为空。"
                    )
                )
        for group, ticks in TICK_GROUPS:
            present = [f for f, _ in ticks if f in field_cols]
            if group not in unreadable and not any(elements.get(f) for f, _ in ticks):
                problems.append(
                    CellProblem(
                        sheet,
                        row,
                        letters[field_cols[present[0]]],
                        f"“{group}”至少要勾选一项（{'、'.join(TICK_LABELS[f] for f in present)}）。",
                    )
                )
        items.append(ParsedItem(row=row, elements=elements))
    return items


def read_catalog_workbook(
    source: bytes | str | Path | IO[bytes], *, domains: Sequence[Domain]
) -> list[ParsedSheet]:
    """Parse every non-empty sheet of a catalog workbook.

    Raises WorkbookRejected listing every problem (sheet, Excel row, column) when any sheet has
    one: a file that is not a workbook, a broken header, an unknown domain, an empty required
    element, an unreadable tick or a tick group with nothing ticked.
    """
    problems: list[CellProblem] = []
    parsed: list[ParsedSheet] = []
    for ws in _open(source):
        grid = _Grid(ws)
        if grid.is_empty():
            continue
        header = _read_header(grid, ws.title, problems)
        if header is None:
            continue
        domain, problem = _resolve_domain(grid, ws.title, header, domains)
        if problem is not None:
            problems.append(problem)
        items = _read_rows(grid, ws.title, header, problems)
        if domain is not None:
            parsed.append(ParsedSheet(ws.title, domain, items, header.ignored))
    if not problems and not any(sheet.items for sheet in parsed):
        problems.append(CellProblem("", 0, "", "工作簿中没有找到任何事项。"))
    if problems:
        raise WorkbookRejected(problems)
    return parsed


# ---------------------------------------------------------------------------------------------
# Writing


@dataclass(frozen=True)
class _Column:
    header1: str
    header2: str | None
    field: str
    width: float


def _columns_for(items: Sequence[ItemElements]) -> list[_Column]:
    columns = [
        _Column("序号", None, "_number", 6),
        _Column("公开事项", "一级事项", "level1", 14),
        _Column("公开事项", "二级事项", "level2", 16),
        _Column("公开内容（要素）", None, "content", 36),
        _Column("公开依据", None, "basis", 36),
        _Column("公开时限", None, "time_limit", 20),
        _Column("公开主体", None, "subject", 14),
        _Column("公开渠道和载体", None, "channels", 20),
        _Column("公开对象", "全社会", "audience_public", 7),
        _Column("公开对象", "特定群体", "audience_specific", 7),
        _Column("公开方式", "主动", "mode_proactive", 7),
        _Column("公开方式", "依申请", "mode_on_request", 7),
        _Column("公开层级", "县级", "level_county", 7),
        _Column("公开层级", "乡级", "level_township", 7),
    ]
    if any(item.level_village for item in items):
        columns.append(_Column("公开层级", "村级", "level_village", 7))
    for name, label, width in (
        ("five_public", "五公开", 10),
        ("site_column", "网站所属栏目", 16),
        ("remark", "备注", 16),
    ):
        if any(getattr(item, name) for item in items):
            columns.append(_Column(label, None, name, width))
    return columns


_INVALID_SHEET_CHARS = re.compile(r"[\[\]:*?/\\]")


def _sheet_title(name: str, used: set[str]) -> str:
    base = _INVALID_SHEET_CHARS.sub("", name)[:31] or "目录"
    title, n = base, 2
    while title in used:
        suffix = f"({n})"
        title, n = base[: 31 - len(suffix)] + suffix, n + 1
    used.add(title)
    return title


def _groups(items: Sequence[ItemElements]) -> Iterator[tuple[int, int]]:
    """Index ranges [start, end) of consecutive items sharing a 一级事项."""
    start = 0
    for i in range(1, len(items) + 1):
        if i == len(items) or items[i].level1 != items[start].level1:
            yield start, i
            start = i


def write_catalog_workbook(
    sections: Sequence[tuple[Domain, Sequence[ItemElements]]], *, title_prefix: str
) -> bytes:
    """Write items grouped by domain, one sheet per domain, in the national layout.

    The sheet is named by the domain and the title row names it too, so the file imports back;
    一级事项 and 序号 are merged down over their 二级事项 rows as offices print them.
    """
    workbook = Workbook()
    default = workbook.active
    if default is not None:
        workbook.remove(default)
    thin = Side(style="thin", color="000000")
    border = Border(left=thin, right=thin, top=thin, bottom=thin)
    centre = Alignment(horizontal="center", vertical="center", wrap_text=True)
    wrap = Alignment(vertical="center", wrap_text=True)
    used: set[str] = set()
    for domain, items in sections or []:
        ws = workbook.create_sheet(_sheet_title(domain.name, used))
        columns = _columns_for(items)
        last = get_column_letter(len(columns))
        write_row(ws, [f"{title_prefix}{domain.name}领域基层政务公开标准目录"])
        ws.merge_cells(f"A1:{last}1")
        ws["A1"].font = Font(bold=True, size=14)
        ws["A1"].alignment = centre
        ws.row_dimensions[1].height = 30
        write_row(ws, [c.header1 for c in columns])
        write_row(ws, [c.header2 or "" for c in columns])
        col = 1
        while col <= len(columns):
            column = columns[col - 1]
            if column.header2 is None:
                ws.merge_cells(start_row=2, start_column=col, end_row=3, end_column=col)
                col += 1
                continue
            end = col
            while end < len(columns) and columns[end].header1 == column.header1:
                end += 1
            ws.merge_cells(start_row=2, start_column=col, end_row=2, end_column=end)
            col = end + 1
        for row in ws.iter_rows(min_row=2, max_row=3, max_col=len(columns)):
            for cell in row:
                cell.font = Font(bold=True)
                cell.alignment = centre
                cell.border = border
        for index, column in enumerate(columns, start=1):
            ws.column_dimensions[get_column_letter(index)].width = column.width
        first = 4
        for number, (start, end) in enumerate(_groups(items), start=1):
            for offset in range(start, end):
                item = items[offset]
                values: list[object] = []
                for column in columns:
                    if column.field == "_number":
                        values.append(number if offset == start else None)
                    elif column.field in GROUP_OF_FIELD:
                        values.append(TICK if getattr(item, column.field) else None)
                    elif column.field == "level1":
                        values.append(item.level1 if offset == start else None)
                    else:
                        values.append(getattr(item, column.field) or None)
                # Text from offices stays text: "=HYPERLINK(…)" must not become a live formula.
                write_row(ws, values)
            if end - start > 1:
                for c in (1, 2):
                    ws.merge_cells(
                        start_row=first + start,
                        start_column=c,
                        end_row=first + end - 1,
                        end_column=c,
                    )
        for row in ws.iter_rows(
            min_row=first, max_row=first + len(items) - 1, max_col=len(columns)
        ):
            for cell in row:
                cell.border = border
                field_name = columns[cell.column - 1].field if isinstance(cell.column, int) else ""
                cell.alignment = (
                    centre if field_name in GROUP_OF_FIELD or field_name == "_number" else wrap
                )
        ws.freeze_panes = "D4"
        ws.print_title_rows = "2:3"
        ws.page_setup.orientation = "landscape"
        ws.page_setup.fitToWidth = 1
        ws.page_setup.fitToHeight = 0
        ws.sheet_properties.pageSetUpPr.fitToPage = True
    if not workbook.worksheets:
        ws = workbook.create_sheet("目录")
        ws.append(["（本目录暂无事项）"])
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()
