"""Read and write service guides in the layout offices keep them in: one row per service.

Columns (any order, a title row above the header allowed): 序号, 事项名称, 事项编码, 事项类型, 实施主体,
对应公开事项, 适用情形（人生事件）, 设定依据, 申请条件, 办理材料, 办理流程, 法定办结时限（工作日）,
承诺办结时限（工作日）, 办理地点, 办理时间, 收费标准, 咨询电话, 监督投诉电话, 网上办理地址, 常见问题.

- 办理材料: one per line, ``1. 居民身份证（原件，1份）``; the bracket at the end lists the form
  (原件/复印件/原件和复印件/电子件), the copies (N份), 非必需, the source when not the applicant's
  own (政府部门核发/其他) and any note.
- 常见问题: ``问：…`` then ``答：…``, pair after pair.
- 法定办结时限: a number of working days, or a note (``即办``), or both (``20（材料齐全的当场办结）``).
- 对应公开事项: ``领域／一级事项／二级事项`` of the unit's catalog (or the county government's).

Reading is strict and all or nothing (like gongkai.catalog.excel): the file is guarded
(gongkai.core.zipguard) before it is unpacked, formula cells are refused (a guide is text someone
wrote, not a computed value), and every problem is reported with its row and column. Writing
produces the same layout, formula-safe (gongkai.core.xlsx), so an export imports back unchanged.
"""

from __future__ import annotations

import datetime as dt
import io
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

from openpyxl import Workbook, load_workbook
from openpyxl.styles import Alignment, Border, Font, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet._reader import WorkSheetParser

from gongkai.catalog.models import CatalogItem
from gongkai.core import zipguard
from gongkai.core.errors import ValidationFailed
from gongkai.core.xlsx import write_row
from gongkai.orgs.models import Unit
from gongkai.serviceguides import validation
from gongkai.serviceguides.models import (
    LifeEvent,
    Material,
    MaterialForm,
    MaterialSource,
    ServiceItem,
    ServiceKind,
)

MAX_ROWS = 2000  # a county department has tens of services, a whole county a few thousand
MAX_REPORTED_PROBLEMS = 200
HEADER_SCAN_ROWS = 10
NOT_A_WORKBOOK = "文件不是有效的Excel工作簿（.xlsx）或已损坏，请用Excel另存为.xlsx格式后重新导入。"

# (field, header, width); the header labels are matched without spaces and brackets' width.
COLUMNS: list[tuple[str, str, float]] = [
    ("_number", "序号", 6),
    ("name", "事项名称", 20),
    ("code", "事项编码", 18),
    ("kind", "事项类型", 10),
    ("_unit", "实施主体", 14),
    ("catalog_item", "对应公开事项", 24),
    ("life_events", "适用情形（人生事件）", 12),
    ("basis", "设定依据", 36),
    ("conditions", "申请条件", 36),
    ("materials", "办理材料", 40),
    ("process", "办理流程", 30),
    ("legal_days", "法定办结时限（工作日）", 12),
    ("promised_days", "承诺办结时限（工作日）", 12),
    ("place", "办理地点", 24),
    ("hours", "办理时间", 20),
    ("fee", "收费标准", 14),
    ("consult_phone", "咨询电话", 16),
    ("supervise_phone", "监督投诉电话", 16),
    ("online_url", "网上办理地址", 24),
    ("questions", "常见问题", 40),
]
ALIASES = {
    "法定办结时限": "legal_days",
    "法定时限": "legal_days",
    "承诺办结时限": "promised_days",
    "承诺时限": "promised_days",
    "适用情形": "life_events",
    "人生事件": "life_events",
    "监督电话": "supervise_phone",
    "投诉电话": "supervise_phone",
    "监督投诉": "supervise_phone",
    "申请材料": "materials",
    "所需材料": "materials",
}
REQUIRED_COLUMNS = [
    "name",
    "basis",
    "conditions",
    "materials",
    "process",
    "legal_days",
    "place",
    "hours",
    "fee",
    "consult_phone",
    "supervise_phone",
]
TEXT_LIMITS = {
    "name": 200,
    "code": 64,
    "place": 300,
    "hours": 200,
    "fee": 300,
    "consult_phone": 60,
    "supervise_phone": 60,
    "online_url": 500,
}
LABELS = {name: label for name, label, _ in COLUMNS}
KIND_BY_LABEL = {label: value for value, label in ServiceKind.choices}
FORM_BY_LABEL = {label: value for value, label in MaterialForm.choices} | {
    "原件及复印件": MaterialForm.BOTH,
    "原件、复印件": MaterialForm.BOTH,
    "电子版": MaterialForm.ELECTRONIC,
}
SOURCE_BY_LABEL = {label: value for value, label in MaterialSource.choices}
CATALOG_SEPARATOR = "／"


def _label(value: object) -> str:
    text = re.sub(r"\s+", "", _text(value))
    return text.replace("(", "（").replace(")", "）")


def _header_field(value: object) -> str | None:
    label = _label(value)
    if not label:
        return None
    for name, header, _width in COLUMNS:
        if label == _label(header):
            return name
    return ALIASES.get(label) or ALIASES.get(re.sub(r"（.*?）", "", label))


def _text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "是" if value else ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    text = str(value).replace("_x000D_", "").replace("\r\n", "\n").replace("\r", "\n")
    return text.strip()


@dataclass(frozen=True)
class CellProblem:
    """Where a workbook is wrong: Excel row (1-based), column letter and label, and why."""

    row: int
    column: str
    message: str
    label: str = ""

    def __str__(self) -> str:
        where = f"第{self.row}行" if self.row else ""
        if self.column:
            where += f"{self.column}列"
            if self.label:
                where += f"（{self.label}）"
        return f"{where}：{self.message}" if where else self.message


class WorkbookRejected(ValidationFailed):
    """The workbook cannot be imported; nothing was imported."""

    def __init__(self, cells: Sequence[CellProblem]) -> None:
        self.cells = list(cells)
        shown = [str(c) for c in self.cells[:MAX_REPORTED_PROBLEMS]]
        if len(self.cells) > MAX_REPORTED_PROBLEMS:
            shown.append(f"……另有{len(self.cells) - MAX_REPORTED_PROBLEMS}处问题未列出")
        super().__init__(
            "Excel文件有误，未导入任何内容。请按以下提示修改后重新导入。",
            log=f"service workbook rejected: {len(self.cells)} problems",
            problems=shown,
        )


def _rejected(message: str) -> WorkbookRejected:
    return WorkbookRejected([CellProblem(0, "", message)])


@dataclass
class ParsedMaterial:
    name: str
    form: str = MaterialForm.ORIGINAL
    copies: int = 1
    required: bool = True
    source: str = MaterialSource.APPLICANT
    note: str = ""

    def values(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "form": self.form,
            "copies": self.copies,
            "required": self.required,
            "source": self.source,
            "note": self.note,
        }


@dataclass
class ParsedService:
    """One row read: the guide's values (services.ITEM_FIELDS names), its life events,
    materials and questions."""

    row: int
    values: dict[str, Any]
    life_events: list[LifeEvent] = field(default_factory=list)
    materials: list[ParsedMaterial] = field(default_factory=list)
    questions: list[tuple[str, str]] = field(default_factory=list)


# ---------------------------------------------------------------------------- cell formats

_NUMBERING = re.compile(r"^\s*(?:\d{1,3}|[一二三四五六七八九十]{1,3})\s*[.、．)）:：]\s*")
_OPEN, _CLOSE = "（(", "）)"


def _trailing_bracket(text: str) -> tuple[str, str] | None:
    """Split ``name（details）`` at the bracket closing the text, brackets inside the details
    (a note such as 由村（居）委会代写) kept; None when the text does not end in a bracket."""
    if not text or text[-1] not in _CLOSE:
        return None
    depth = 0
    for index in range(len(text) - 1, -1, -1):
        if text[index] in _CLOSE:
            depth += 1
        elif text[index] in _OPEN:
            depth -= 1
            if depth == 0:
                return text[:index].strip(), text[index + 1 : -1]
    return None


def _top_level_parts(text: str) -> list[str]:
    """The details split at the commas outside brackets."""
    parts, depth, current = [], 0, ""
    for char in text:
        if char in _OPEN:
            depth += 1
        elif char in _CLOSE:
            depth = max(0, depth - 1)
        if char in "，," and depth == 0:
            parts.append(current.strip())
            current = ""
        else:
            current += char
    parts.append(current.strip())
    return [part for part in parts if part]


_COPIES = re.compile(r"^(?P<n>\d{1,2})\s*份$")
_NOT_REQUIRED = {"非必需", "非必要", "选填", "可选", "如有", "容缺"}
_REQUIRED = {"必需", "必要", "必须"}


def material_line(material: Material | ParsedMaterial) -> str:
    """A material as one line of the 办理材料 cell: ``居民身份证（原件，1份）``."""
    form_label = dict(MaterialForm.choices)[material.form]
    extra = [form_label, f"{material.copies}份"]
    if not material.required:
        extra.append("非必需")
    if material.source != MaterialSource.APPLICANT:
        extra.append(dict(MaterialSource.choices)[material.source])
    if material.note:
        extra.append(material.note)
    return f"{material.name}（{'，'.join(extra)}）"


def parse_material(line: str) -> ParsedMaterial | None:
    """Read one material line; None for a blank line. A trailing bracket counts as the
    material's details only when it holds at least one known detail (原件, 2份 …), so
    ``户口簿（户籍证明）`` stays a name."""
    text = _NUMBERING.sub("", line).strip()
    if not text:
        return None
    split = _trailing_bracket(text)
    if split is None:
        return ParsedMaterial(name=text)
    name, details = split
    parts = _top_level_parts(details)
    material = ParsedMaterial(name=name)
    notes: list[str] = []
    known = False
    for part in parts:
        copies = _COPIES.match(part)
        if part in FORM_BY_LABEL:
            material.form, known = FORM_BY_LABEL[part], True
        elif copies:
            material.copies, known = int(copies.group("n")), True
        elif part in _NOT_REQUIRED:
            material.required, known = False, True
        elif part in _REQUIRED:
            known = True
        elif part in SOURCE_BY_LABEL:
            material.source, known = SOURCE_BY_LABEL[part], True
        else:
            notes.append(part)
    if not known or not material.name:
        return ParsedMaterial(name=text)
    material.note = "，".join(notes)
    return material


def questions_text(pairs: Sequence[tuple[str, str]]) -> str:
    """Questions as the 常见问题 cell writes them: ``问：…`` / ``答：…`` lines."""
    return "\n".join(f"问：{q}\n答：{a}" for q, a in pairs)


_Q = re.compile(r"^\s*(?:\d{1,3}\s*[.、．)）]\s*)?问\s*[:：]\s*")
_A = re.compile(r"^\s*答\s*[:：]\s*")


def parse_questions(text: str) -> tuple[list[tuple[str, str]], str]:
    """Read ``问：…答：…`` pairs; returns (pairs, problem) with problem "" when all is well."""
    pairs: list[tuple[str, str]] = []
    question: list[str] | None = None
    answer: list[str] | None = None

    def close() -> str:
        if question is None:
            return ""
        if answer is None or not "\n".join(answer).strip():
            return f"问题“{' '.join(question)[:20]}”缺少“答：”开头的解答。"
        pairs.append(("\n".join(question).strip(), "\n".join(answer).strip()))
        return ""

    for line in text.split("\n"):
        if not line.strip():
            continue
        if _Q.match(line):
            problem = close()
            if problem:
                return pairs, problem
            question, answer = [_Q.sub("", line).strip()], None
        elif _A.match(line):
            if question is None or answer is not None:
                return pairs, "“答：”前面应有“问：”开头的问题。"
            answer = [_A.sub("", line).strip()]
        elif answer is not None:
            answer.append(line.strip())
        elif question is not None:
            question.append(line.strip())
        else:
            return pairs, "常见问题应按“问：……”“答：……”逐条填写。"
    problem = close()
    return pairs, problem


_DAYS_NOTE = re.compile(r"^(?P<days>\d{1,3})\s*(?:个)?(?:工作日)?\s*(?:[（(](?P<note>.*)[）)])?$")


def parse_time_limit(text: str) -> tuple[int | None, str]:
    """Read the 法定办结时限 cell: days (``20``, ``20个工作日``), a note (``即办``), or both
    (``20（材料齐全的当场办结）``); anything else is kept as the note, so nothing is lost."""
    text = text.strip()
    match = _DAYS_NOTE.match(text)
    if match:
        return int(match.group("days")), (match.group("note") or "").strip()
    return None, text


def time_limit_cell(item: ServiceItem) -> object:
    if item.legal_days is None:
        return item.time_limit_note or None
    if item.time_limit_note:
        return f"{item.legal_days}（{item.time_limit_note}）"
    return item.legal_days


def catalog_label(item: CatalogItem) -> str:
    """How the 对应公开事项 column names a catalog item: 领域／一级事项／二级事项."""
    parts = [item.domain.name, item.level1]
    if item.level2:
        parts.append(item.level2)
    return CATALOG_SEPARATOR.join(parts)


def _catalog_key(text: str) -> str:
    return re.sub(r"\s+", "", text).replace("/", CATALOG_SEPARATOR)


# ---------------------------------------------------------------------------- reading


@dataclass
class _Cell:
    value: object
    formula: bool


def _read_rows(source: bytes | str | Path | IO[bytes]) -> list[list[_Cell]]:
    """The first non-empty worksheet's cells, with formula cells marked; refuse bombs, macros,
    broken files and sheets past MAX_ROWS rows."""
    try:
        if isinstance(source, bytes):
            data = source
        elif isinstance(source, str | Path):
            data = Path(source).read_bytes()
        else:
            data = source.read()
    except OSError as exc:
        raise _rejected("读取文件失败，请重新选择文件后导入。") from exc
    try:
        zipguard.check_office_file(data, what="Excel文件")
    except zipguard.UnsafeArchive as exc:
        raise _rejected(NOT_A_WORKBOOK if exc.code == "bad_zip" else exc.message) from exc
    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=False)
        try:
            budget = zipguard.CellBudget()
            for ws in workbook.worksheets:
                rows = _sheet_rows(workbook, ws, budget)
                if any(cell.value not in (None, "") for row in rows for cell in row):
                    return rows
            return []
        finally:
            workbook.close()
    except zipguard.UnsafeArchive as exc:
        raise _rejected(exc.message) from exc
    except WorkbookRejected:
        raise
    except zipguard.BROKEN_FILE_ERRORS as exc:
        raise _rejected(NOT_A_WORKBOOK) from exc


def _sheet_rows(workbook: Any, ws: Any, budget: zipguard.CellBudget) -> list[list[_Cell]]:
    rows: list[list[_Cell]] = []
    with ws._get_source() as source:
        parser = WorkSheetParser(
            source,
            ws._shared_strings,
            data_only=False,
            epoch=workbook.epoch,
            date_formats=workbook._date_formats,
            timedelta_formats=workbook._timedelta_formats,
        )
        for number, cells in parser.parse():
            if number > MAX_ROWS + HEADER_SCAN_ROWS:
                raise _rejected(f"Excel文件行数过多（超过{MAX_ROWS}行），请拆分后分别导入。")
            row: list[_Cell] = []
            for cell in cells:
                column = cell["column"]
                while len(row) < column - 1:
                    row.append(_Cell(None, False))
                row.append(_Cell(cell["value"], cell["data_type"] == "f"))
            budget.take(row)
            while len(rows) < number - 1:
                rows.append([])
            rows.append(row)
    return rows


def _value(row: list[_Cell], col: int) -> _Cell:
    return row[col - 1] if col <= len(row) else _Cell(None, False)


def read_service_workbook(
    source: bytes | str | Path | IO[bytes],
    *,
    unit: Unit,
    catalog_items: Sequence[CatalogItem],
    life_events: Sequence[LifeEvent],
) -> list[ParsedService]:
    """Parse a service guide workbook for ``unit``; raise WorkbookRejected listing every
    problem (row, column) when there is any. Slow for a big file: call before a transaction."""
    rows = _read_rows(source)
    problems: list[CellProblem] = []
    header_row = 0
    columns: dict[int, str] = {}
    for number, row in enumerate(rows[:HEADER_SCAN_ROWS], start=1):
        found: dict[int, str] = {}
        for i, c in enumerate(row, start=1):
            name = _header_field(c.value)
            if name:
                found[i] = name
        if "name" in found.values() and "materials" in found.values():
            header_row, columns = number, found
            break
    if not header_row:
        raise _rejected(
            "未找到表头：应有一行表头，包括“事项名称、设定依据、申请条件、办理材料、办理流程、"
            "法定办结时限（工作日）、办理地点、办理时间、收费标准、咨询电话、监督投诉电话”等列。"
        )
    present = set(columns.values())
    seen: dict[str, int] = {}
    for col, name in columns.items():
        if name in seen:
            problems.append(
                CellProblem(
                    header_row,
                    get_column_letter(col),
                    f"表头“{LABELS[name]}”出现了两次（另一列为{get_column_letter(seen[name])}列）。",
                )
            )
        seen[name] = col
    missing = [LABELS[name] for name in REQUIRED_COLUMNS if name not in present]
    if missing:
        problems.append(CellProblem(header_row, "", f"表头缺少以下列：{'、'.join(missing)}。"))
    if problems:
        raise WorkbookRejected(problems)
    events = {event.name: event for event in life_events}
    by_catalog: dict[str, CatalogItem] = {}
    for item in catalog_items:  # newest version first: the first of a label wins
        by_catalog.setdefault(_catalog_key(catalog_label(item)), item)
    unit_names = {_label(unit.name), _label(unit.full_name)} - {""}
    parsed: list[ParsedService] = []
    codes: dict[str, int] = {}
    names: dict[str, int] = {}
    for number, row in enumerate(rows[header_row:], start=header_row + 1):
        if not any(_text(c.value) for c in row):
            continue
        cells = {name: _value(row, col) for col, name in columns.items()}
        letters = {name: get_column_letter(col) for col, name in columns.items()}
        start = len(problems)

        def problem(
            name: str, message: str, number: int = number, letters: dict[str, str] = letters
        ) -> None:
            column = letters.get(name, "")
            problems.append(CellProblem(number, column, message, LABELS.get(name, "")))

        for name, cell in cells.items():
            if cell.formula:
                problem(name, f"“{LABELS[name]}”是公式，请改为直接填写文字或数字后重新导入。")
        if len(problems) > start:
            continue
        texts = {name: _text(cell.value) for name, cell in cells.items()}
        if (
            texts.get("_number", "").startswith(("注", "说明"))
            and len([t for t in texts.values() if t]) == 1
        ):
            continue
        values: dict[str, Any] = {}
        for name in (
            "name",
            "code",
            "basis",
            "conditions",
            "process",
            "place",
            "hours",
            "fee",
            "consult_phone",
            "supervise_phone",
            "online_url",
        ):
            if name not in cells:
                continue
            text = texts[name]
            limit = TEXT_LIMITS.get(name)
            if limit is not None and len(text) > limit:
                problem(name, f"“{LABELS[name]}”不能超过{limit}个字（现有{len(text)}个字）。")
            values[name] = text
        if not values.get("name"):
            problem("name", "“事项名称”不能为空。")
        for name in ("consult_phone", "supervise_phone"):
            if values.get(name):
                message = validation.phone_problem(LABELS[name], values[name])
                if message:
                    problem(name, message)
        if values.get("online_url") and not re.match(r"^https?://\S+$", values["online_url"]):
            problem("online_url", "“网上办理地址”应为以http://或https://开头的网址。")
        if "kind" in cells:
            kind_text = texts["kind"]
            if kind_text and kind_text not in KIND_BY_LABEL:
                problem(
                    "kind",
                    f"“{kind_text}”不是有效的事项类型，应为{'、'.join(KIND_BY_LABEL)}之一。",
                )
            values["kind"] = KIND_BY_LABEL.get(kind_text, ServiceKind.PUBLIC_SERVICE)
        if "_unit" in cells and texts["_unit"] and _label(texts["_unit"]) not in unit_names:
            problem("_unit", f"实施主体“{texts['_unit']}”不是{unit.name}，请只导入本单位的事项。")
        values["legal_days"], values["time_limit_note"] = parse_time_limit(
            texts.get("legal_days", "")
        )
        if len(values["time_limit_note"]) > 200:
            problem("legal_days", "时限说明不能超过200个字。")
        promised = texts.get("promised_days", "")
        values["promised_days"] = None
        if promised:
            match = _DAYS_NOTE.match(promised)
            if match is None or match.group("note"):
                problem("promised_days", f"“{promised}”不是有效的工作日天数。")
            else:
                values["promised_days"] = int(match.group("days"))
        for name in ("legal_days", "promised_days"):
            days = values[name]
            if days is not None and not 0 < days <= 365:
                problem(name, f"“{LABELS[name]}”应在1至365个工作日之间。")
        if (
            values["legal_days"] is not None
            and values["promised_days"] is not None
            and values["promised_days"] > values["legal_days"]
        ):
            problem("promised_days", "承诺办结时限不能超过法定办结时限。")
        values["catalog_item"] = None
        ref = texts.get("catalog_item", "")
        if ref:
            found_item = by_catalog.get(_catalog_key(ref))
            if found_item is None:
                problem(
                    "catalog_item",
                    f"对应公开事项“{ref}”不在{unit.name}的目录中，请按“领域／一级事项／二级事项”填写。",
                )
            values["catalog_item"] = found_item
        chosen: list[LifeEvent] = []
        for event_name in re.split(r"[、，,;；/\s]+", texts.get("life_events", "")):
            if not event_name:
                continue
            if event_name not in events:
                problem(
                    "life_events",
                    f"“{event_name}”不是已登记的人生事件，应为{'、'.join(events)}之一。",
                )
            elif events[event_name] not in chosen:
                chosen.append(events[event_name])
        materials: list[ParsedMaterial] = []
        for line in texts.get("materials", "").split("\n"):
            material = parse_material(line)
            if material is None:
                continue
            if len(material.name) > 200 or len(material.note) > 300:
                problem("materials", f"材料“{material.name[:20]}…”名称或说明过长。")
            materials.append(material)
        pairs, question_problem = parse_questions(texts.get("questions", ""))
        if question_problem:
            problem("questions", question_problem)
        code = values.get("code", "")
        if code:
            if code in codes:
                problem("code", f"事项编码“{code}”与第{codes[code]}行重复。")
            codes.setdefault(code, number)
        elif values.get("name"):
            if values["name"] in names:
                problem("name", f"事项名称“{values['name']}”与第{names[values['name']]}行重复。")
            names.setdefault(values["name"], number)
        if len(problems) == start:
            parsed.append(
                ParsedService(
                    row=number,
                    values=values,
                    life_events=chosen,
                    materials=materials,
                    questions=pairs,
                )
            )
    if not problems and not parsed:
        problems.append(CellProblem(0, "", "工作簿中没有找到任何事项。"))
    if problems:
        raise WorkbookRejected(problems)
    return parsed


# ---------------------------------------------------------------------------- writing


def write_service_workbook(items: Sequence[ServiceItem], *, title: str) -> bytes:
    """Write guides one row each in the layout above (materials, questions and life events
    prefetched by the caller); every text cell formula-safe."""
    workbook = Workbook()
    ws = workbook.active
    assert ws is not None
    ws.title = "办事指南"
    thin = Side(style="thin", color="000000")
    border = Border(left=thin, right=thin, top=thin, bottom=thin)
    wrap = Alignment(vertical="top", wrap_text=True)
    last = get_column_letter(len(COLUMNS))
    write_row(ws, [title])
    ws.merge_cells(f"A1:{last}1")
    ws["A1"].font = Font(bold=True, size=14)
    ws["A1"].alignment = Alignment(horizontal="center", vertical="center")
    ws.row_dimensions[1].height = 30
    write_row(ws, [header for _name, header, _width in COLUMNS])
    for cell in ws[2]:
        cell.font = Font(bold=True)
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
        cell.border = border
    for index, (_name, _header, width) in enumerate(COLUMNS, start=1):
        ws.column_dimensions[get_column_letter(index)].width = width
    for number, item in enumerate(items, start=1):
        materials = "\n".join(
            f"{n}. {material_line(m)}" for n, m in enumerate(item.materials.all(), start=1)
        )
        row: dict[str, object] = {
            "_number": number,
            "name": item.name,
            "code": item.code or None,
            "kind": item.get_kind_display(),
            "_unit": item.unit.name,
            "catalog_item": catalog_label(item.catalog_item) if item.catalog_item else None,
            "life_events": "、".join(e.name for e in item.life_events.all()) or None,
            "basis": item.basis or None,
            "conditions": item.conditions or None,
            "materials": materials or None,
            "process": item.process or None,
            "legal_days": time_limit_cell(item),
            "promised_days": item.promised_days,
            "place": item.place or None,
            "hours": item.hours or None,
            "fee": item.fee or None,
            "consult_phone": item.consult_phone or None,
            "supervise_phone": item.supervise_phone or None,
            "online_url": item.online_url or None,
            "questions": questions_text([(q.question, q.answer) for q in item.questions.all()])
            or None,
        }
        write_row(ws, [row[name] for name, _header, _width in COLUMNS])
    for cells in ws.iter_rows(min_row=3, max_row=len(items) + 2, max_col=len(COLUMNS)):
        for cell in cells:
            cell.border = border
            cell.alignment = wrap
    ws.freeze_panes = "C3"
    ws.print_title_rows = "2:2"
    ws.page_setup.orientation = "landscape"
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()
