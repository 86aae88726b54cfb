"""Import the registers offices kept before gongkai (依申请公开登记台账, an Excel workbook).

A register is one sheet whose header row (within its first rows) holds the columns of REQUIRED:
申请编号, 收到日期, 申请人类型, 申请人, 申请内容, 承办单位, 办理结果 and 答复日期. 申请人类型 is one
of the six applicant columns of the annual report, 承办单位 a unit's name (or code), 办理结果 a row
label of the annual report or an outcome's own name (outcomes.by_label: "属于国家秘密",
"申请人撤回申请" …), blank while the application is still in handling; 答复日期 is the day of the
reply, or the day the application was closed (withdrawn, lapsed, fee unpaid).

The columns of OPTIONAL may be present as well:

- 提交方式: how the application came in (当面提交 when absent). 口头提出 (or 口头) is an oral
  application written down by the office (条例第二十九条第一款), and then
- 代为填写人 names the staff member who wrote it down (required for oral applications, and only
  for them).
- 说明: the reason or explanation of the outcome (outcome_note). Required when the applicant
  withdrew (申请人撤回申请, or 撤回: counted under 其他处理 3.其他).
- 负责公开的机关 and 负责机关联系方式: for 本机关不掌握相关政府信息（不属于本机关负责公开，告知负责机关）
  (条例第三十六条第（五）项), the agency responsible and its contact; required unless 说明 says
  why the agency cannot be determined. Ignored for every other outcome, as the reply step does.
- 首次收到单位 and 转交日期: the unit that first received the application (the county's unified
  intake, 统一受理) and the day it passed it to 承办单位 (a Routing). 收到日期 stays the first
  receipt. The application counts in 承办单位's annual report when it was routed in the year it
  was received, else in the first unit's, whose report of that year already carried it forward
  (services.application_route).
- 延迟答复期限: the reasonable longer period fixed under 条例第三十五条; it replaces the statutory
  reply date. The day the applicant was asked for reasons is not in the register, so it stays
  empty; the IMPORTED event records the deferral.

All or nothing: every bad cell is reported with its sheet, row and column
(gongkai.catalog.excel.CellProblem) and nothing is created — a receipt or routing dated in a year
whose annual report is final too (ADR 0007). Imported applications are ordinary applications
(imported=True) with an IMPORTED event and its audit entry, so they count in every statistic.
They are written in bulk, a few statements per 500 rows, with the working-day calendar read once
(issue 10: 5,000 rows in under 2 s; bench/register_import.py).
"""

from __future__ import annotations

import datetime as dt
import io
import re
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from openpyxl import load_workbook
from openpyxl.utils import get_column_letter

from gongkai.applications import outcomes, selectors, services
from gongkai.applications.models import (
    ApplicantType,
    Application,
    ApplicationEvent,
    Channel,
    EventKind,
    Routing,
    Stage,
    TrackingSequence,
)
from gongkai.catalog.excel import CellProblem, WorkbookRejected
from gongkai.clock import TableCalendar
from gongkai.core import bulk, clock, zipguard
from gongkai.orgs import permissions
from gongkai.orgs.models import Role, Unit, User
from gongkai.workdays.selectors import calendar

HEADER_SCAN_ROWS = 10
REQUIRED = [
    "申请编号",
    "收到日期",
    "申请人类型",
    "申请人",
    "申请内容",
    "承办单位",
    "办理结果",
    "答复日期",
]
OPTIONAL = [
    "提交方式",
    "代为填写人",
    "说明",
    "负责公开的机关",
    "负责机关联系方式",
    "首次收到单位",
    "转交日期",
    "延迟答复期限",
]
ROUTING_NOTE = "从登记台账导入"
# Tracking numbers per IN (…) lookup.
CHUNK = 500
# Numbers gongkai gives out itself ("2024-00017"); an imported one reserves its number.
OWN_NUMBER = re.compile(r"^(\d{4})-(\d+)$")
_APPLICANT_TYPES = {t.label: t.value for t in ApplicantType}
_APPLICANT_TYPES.update(
    {f"法人或其他组织{t.label}": t.value for t in ApplicantType if t != ApplicantType.NATURAL}
)
_CHANNELS = {c.label: c.value for c in Channel} | {
    "当面": Channel.IN_PERSON,
    "邮寄": Channel.REGISTERED_POST,
    "挂号信": Channel.REGISTERED_POST,
    "信函": Channel.ORDINARY_POST,
    "网上": Channel.ONLINE,
    "网络": Channel.ONLINE,
    "口头提出": Channel.ORAL,
    "口头申请": Channel.ORAL,
    "口头": Channel.ORAL,
}
_DATE = re.compile(r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?$")
_COMPACT_DATE = re.compile(r"^(\d{4})(\d{2})(\d{2})$")
_NAME_LIMIT = Application._meta.get_field("applicant_name").max_length or 200
_NUMBER_LIMIT = Application._meta.get_field("tracking_no").max_length or 32
_LIMITS = {
    "代为填写人": Application._meta.get_field("transcribed_by").max_length or 100,
    "负责公开的机关": Application._meta.get_field("responsible_agency").max_length or 200,
    "负责机关联系方式": Application._meta.get_field("responsible_contact").max_length or 200,
}


@dataclass
class _Row:
    row: int
    tracking_no: str
    received_on: dt.date
    applicant_type: str
    applicant_name: str
    description: str
    unit: Unit
    outcome: str
    replied_on: dt.date | None
    channel: str
    transcribed_by: str
    note: str
    responsible_agency: str
    responsible_contact: str
    first_unit: Unit | None  # set when the unified intake routed it to ``unit``
    routed_on: dt.date | None
    deferred_until: dt.date | None

    @property
    def stage(self) -> str:
        if not self.outcome:
            return Stage.HANDLING
        # A lapse, an unpaid fee or a withdrawal closes the application: no reply letter.
        return Stage.CLOSED if self.outcome in outcomes.CLOSING_CODES else Stage.REPLIED

    @property
    def account_unit(self) -> Unit:
        """The unit whose annual report counts it, by the rule of services.application_route:
        the unit it was routed to, unless it was routed after the year it was received in."""
        if self.first_unit is None or self.routed_on is None:
            return self.unit
        return services.account_unit_after_routing(
            received_on=self.received_on,
            routed_on=self.routed_on,
            before=self.first_unit,
            to_unit=self.unit,
        )


def _label(value: object) -> str:
    text = re.sub(r"\s+", "", _text(value))
    return text.replace("(", "（").replace(")", "）")


def _text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, dt.datetime):
        return value.date().isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value).replace("_x000D_", "").strip()


def _date(value: object) -> dt.date | None:
    """A date cell as people fill it in: an Excel date, 2024-03-05, 2024/3/5, 2024.3.5,
    2024年3月5日 or 20240305. None when it is none of these."""
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    text = _text(value)
    match = _DATE.match(text) or _COMPACT_DATE.match(text)
    if match is None:
        return None
    try:
        return dt.date(*(int(part) for part in match.groups()))
    except ValueError:
        return None


@dataclass
class _Sheet:
    """A worksheet's cell values, read once: looking cells up through openpyxl cost more than
    checking them (issue 10)."""

    title: str
    rows: list[tuple[object, ...]]

    @property
    def max_row(self) -> int:
        return len(self.rows)

    def value(self, row: int, column: int) -> object:
        """The value at 1-based ``row`` and ``column``; None outside the cells written."""
        cells = self.rows[row - 1] if 0 < row <= len(self.rows) else ()
        return cells[column - 1] if 0 < column <= len(cells) else None


def _open(data: bytes) -> list[_Sheet]:
    """Every worksheet's values (streamed by openpyxl's read-only reader, which also reads
    workbooks saved without a stored size)."""
    not_a_workbook = WorkbookRejected(
        [
            CellProblem(
                "",
                0,
                "",
                "文件不是有效的Excel工作簿（.xlsx）或已损坏，请用Excel另存为.xlsx格式后重新导入。",
            )
        ]
    )
    try:
        zipguard.check_office_file(data, what="Excel文件")
    except zipguard.UnsafeArchive as exc:
        if exc.code == "bad_zip":
            raise not_a_workbook from exc
        raise WorkbookRejected([CellProblem("", 0, "", exc.message)]) from exc
    try:
        book = load_workbook(io.BytesIO(data), data_only=True, read_only=True)
        try:
            sheets = []
            budget = zipguard.CellBudget()
            for sheet in book.worksheets:
                # A stored dimension of A1:XFD1048576 (a few bytes in the file) would pad every
                # row to 16,384 cells (128 KB a row; issue 12); read what the sheet holds.
                sheet.reset_dimensions()
                sheets.append(
                    _Sheet(
                        sheet.title,
                        [tuple(cells) for cells in budget.rows(sheet.iter_rows(values_only=True))],
                    )
                )
            return sheets
        finally:
            book.close()
    except zipguard.UnsafeArchive as exc:
        raise WorkbookRejected([CellProblem("", 0, "", exc.message)]) from exc
    except zipguard.BROKEN_FILE_ERRORS as exc:
        raise not_a_workbook from exc


def _find_sheet(sheets: list[_Sheet]) -> tuple[_Sheet, int, dict[str, int]]:
    """The first sheet with a register header: (sheet, header row, {label: column})."""
    for sheet in sheets:
        for row, cells in enumerate(sheet.rows[:HEADER_SCAN_ROWS], start=1):
            labels = {_label(value): col for col, value in enumerate(cells, start=1)}
            if "申请编号" in labels and "收到日期" in labels:
                return sheet, row, labels
    raise WorkbookRejected(
        [
            CellProblem(
                "",
                0,
                "",
                f"没有找到登记台账的表头：表头行须包括{'、'.join(REQUIRED)}，放在前{HEADER_SCAN_ROWS}行之内。",
            )
        ]
    )


class _Reader:
    """Reads the data rows of one register sheet, collecting every problem."""

    def __init__(
        self, sheet: _Sheet, header: int, columns: dict[str, int], actor: User | None
    ) -> None:
        self.sheet = sheet
        self.header = header
        self.columns = columns
        self.actor = actor
        self.problems: list[CellProblem] = []
        units = list(Unit.objects.filter(is_active=True))
        self.units = {u.name: u for u in units} | {u.code: u for u in units}
        self.today = clock.today()
        # Read once for the whole register: calendar() checks the office's stamp at every call.
        self.calendar = calendar()
        self.outcomes: dict[str, outcomes.Outcome | None] = {}

    def problem(self, row: int, name: str, message: str) -> None:
        column = get_column_letter(self.columns[name]) if name in self.columns else ""
        self.problems.append(CellProblem(self.sheet.title, row, column, message))

    def value(self, row: int, name: str) -> object:
        column = self.columns.get(name)
        return None if column is None else self.sheet.value(row, column)

    def rows(self) -> list[_Row]:
        missing = [name for name in REQUIRED if name not in self.columns]
        if missing:
            self.problems.append(
                CellProblem(self.sheet.title, self.header, "", f"表头缺少“{'”“'.join(missing)}”列")
            )
            return []
        found = []
        for row in range(self.header + 1, self.sheet.max_row + 1):
            if all(_text(self.value(row, name)) == "" for name in REQUIRED):
                continue
            parsed = self.read(row)
            if parsed is not None:
                found.append(parsed)
        return found

    def read(self, row: int) -> _Row | None:
        before = len(self.problems)
        number = _text(self.value(row, "申请编号"))
        if not number:
            self.problem(row, "申请编号", "请填写申请编号")
        elif len(number) > _NUMBER_LIMIT:
            self.problem(row, "申请编号", f"申请编号不能超过{_NUMBER_LIMIT}个字符")
        received = self.day(row, "收到日期", required=True)
        applicant_type = _APPLICANT_TYPES.get(_label(self.value(row, "申请人类型")), "")
        if not applicant_type:
            self.problem(
                row,
                "申请人类型",
                f"“{_text(self.value(row, '申请人类型'))}”不是申请人类型，应为{'、'.join(ApplicantType.labels)}之一",
            )
        name = _text(self.value(row, "申请人"))
        if not name:
            self.problem(row, "申请人", "请填写申请人姓名或名称")
        elif len(name) > _NAME_LIMIT:
            self.problem(row, "申请人", f"申请人姓名或名称不能超过{_NAME_LIMIT}个字")
        description = _text(self.value(row, "申请内容"))
        if not description:
            self.problem(row, "申请内容", "请填写申请内容")
        unit = self.unit(row)
        outcome = self.outcome(row)
        replied = self.day(row, "答复日期", required=False)
        if outcome and replied is None and _text(self.value(row, "答复日期")) == "":
            self.problem(row, "答复日期", "已填写办理结果的申请，请填写答复日期")
        if replied is not None and not outcome and _text(self.value(row, "办理结果")) == "":
            self.problem(row, "办理结果", "已填写答复日期的申请，请填写办理结果")
        if replied is not None and received is not None and replied < received:
            self.problem(row, "答复日期", "答复日期不能早于收到日期")
        channel = self.channel(row)
        transcribed_by = self.transcriber(row, channel)
        note = _text(self.value(row, "说明"))
        if outcome == "withdrawn" and not note:
            self.need(row, "说明", "办理结果", "申请人撤回申请的，请在“说明”列写明撤回的方式和理由")
        agency, contact = self.responsible(row, outcome, note)
        first_unit, routed_on = self.routing(row, unit, received, replied)
        deferred_until = self.deferral(row, received, outcome)
        if len(self.problems) > before:
            return None
        assert received is not None and unit is not None
        return _Row(
            row=row,
            tracking_no=number,
            received_on=received,
            applicant_type=applicant_type,
            applicant_name=name,
            description=description,
            unit=unit,
            outcome=outcome,
            replied_on=replied,
            channel=channel,
            transcribed_by=transcribed_by,
            note=note,
            responsible_agency=agency,
            responsible_contact=contact,
            first_unit=first_unit,
            routed_on=routed_on,
            deferred_until=deferred_until,
        )

    def need(self, row: int, name: str, fallback: str, message: str) -> None:
        """Report a cell that must be filled in: the cell itself, or, when the register has no
        such column, the cell that calls for it."""
        self.problem(row, name if name in self.columns else fallback, message)

    def day(self, row: int, name: str, *, required: bool, future: bool = False) -> dt.date | None:
        raw = self.value(row, name)
        if _text(raw) == "":
            if required:
                self.problem(row, name, f"请填写{name}")
            return None
        found = _date(raw)
        if found is None:
            self.problem(row, name, f"“{_text(raw)}”不是有效的日期，请写成2024-03-05的形式")
        elif found > self.today and not future:
            self.problem(row, name, f"{name}不能晚于今天")
            return None
        return found

    def handling_unit(self, row: int, column: str) -> Unit | None:
        """The unit a cell names, if it exists and receives applications (条例第二十七条)."""
        name = _text(self.value(row, column))
        unit = self.units.get(name)
        if unit is None:
            self.problem(row, column, f"没有名为“{name}”的单位，请填写单位的全称")
            return None
        if unit.kind not in selectors.HANDLING_KINDS:
            self.problem(row, column, f"“{name}”不是政府信息公开申请的受理机关")
            return None
        return unit

    def unit(self, row: int) -> Unit | None:
        unit = self.handling_unit(row, "承办单位")
        if unit is None:
            return None
        if self.actor is not None and not permissions.can_handle_applications_of(self.actor, unit):
            self.problem(
                row,
                "承办单位",
                f"您不能为“{unit.name}”导入申请：只有该单位的承办人或县政务公开办可以",
            )
            return None
        return unit

    def outcome(self, row: int) -> str:
        text = _text(self.value(row, "办理结果"))
        if not text:
            return ""
        if text not in self.outcomes:
            self.outcomes[text] = outcomes.by_label(text)
        found = self.outcomes[text]
        if found is None:
            self.problem(
                row,
                "办理结果",
                f"“{text}”不是年度报告表中的办理结果，如“予以公开”“属于国家秘密”“重复申请”“申请人撤回申请”",
            )
            return ""
        return found.code

    def channel(self, row: int) -> str:
        """The channel of the row; "" when the cell is not one (and reported)."""
        text = _label(self.value(row, "提交方式"))
        if not text:
            return Channel.IN_PERSON
        found = _CHANNELS.get(text)
        if found is None:
            self.problem(
                row, "提交方式", f"“{text}”不是提交方式，应为{'、'.join(Channel.labels)}之一"
            )
            return ""
        return found

    def limited(self, row: int, name: str) -> str:
        text = _text(self.value(row, name))
        if len(text) > _LIMITS[name]:
            self.problem(row, name, f"{name}不能超过{_LIMITS[name]}个字")
        return text

    def transcriber(self, row: int, channel: str) -> str:
        """Who wrote down an oral application (条例第二十九条第一款)."""
        writer = self.limited(row, "代为填写人")
        if channel == Channel.ORAL and not writer:
            self.need(
                row,
                "代为填写人",
                "提交方式",
                "口头提出的申请，请在“代为填写人”列填写代为填写申请的工作人员（条例第二十九条第一款）",
            )
        elif channel and channel != Channel.ORAL and writer:
            self.problem(row, "代为填写人", "只有口头提出的申请填写代为填写人，请核对提交方式")
        return writer

    def responsible(self, row: int, outcome: str, note: str) -> tuple[str, str]:
        """The agency responsible for the information and its contact, for an answer under
        条例第三十六条第（五）项; ("", "") for any other outcome."""
        if outcome != "not_responsible":
            return "", ""
        agency = self.limited(row, "负责公开的机关")
        contact = self.limited(row, "负责机关联系方式")
        if agency and not contact:
            self.need(
                row,
                "负责机关联系方式",
                "负责公开的机关",
                "请在“负责机关联系方式”列填写负责公开该信息的行政机关的联系方式（条例第三十六条第（五）项）",
            )
        elif not agency and not note:
            self.need(
                row,
                "负责公开的机关",
                "办理结果",
                "不属于本机关负责公开的，请在“负责公开的机关”“负责机关联系方式”列填写负责公开该信息的"
                "行政机关及其联系方式；确实无法确定的，请在“说明”列写明理由",
            )
        return agency, contact

    def routing(
        self, row: int, unit: Unit | None, received: dt.date | None, replied: dt.date | None
    ) -> tuple[Unit | None, dt.date | None]:
        """The unit that first received the application and the day the unified intake passed it
        to 承办单位; (None, None) when it was not routed."""
        name = _text(self.value(row, "首次收到单位"))
        dated = _text(self.value(row, "转交日期")) != ""
        on = self.day(row, "转交日期", required=False)
        if not name:
            if dated:
                self.need(
                    row,
                    "首次收到单位",
                    "转交日期",
                    "填写了转交日期的，请在“首次收到单位”列填写首次收到申请的单位",
                )
            return None, None
        first = self.handling_unit(row, "首次收到单位")
        if first is None or unit is None:
            return None, None
        if first.pk == unit.pk:
            if dated:
                self.problem(row, "转交日期", "首次收到单位就是承办单位，没有转交，请清空转交日期")
            return None, None
        if not dated:
            self.need(
                row,
                "转交日期",
                "首次收到单位",
                f"由“{first.name}”转交“{unit.name}”的申请，请在“转交日期”列填写转交日期",
            )
            return None, None
        if self.actor is not None and not permissions.can_route_application(self.actor, first):
            self.problem(
                row,
                "首次收到单位",
                f"您不能导入由“{first.name}”转交的申请：只有县政务公开办或该单位的承办人可以转交",
            )
        if on is None:
            return None, None
        if received is not None and on < received:
            self.problem(
                row, "转交日期", "转交日期不能早于收到日期（收到日期填写首次收到申请之日）"
            )
        if replied is not None and on > replied:
            self.problem(row, "转交日期", "转交日期不能晚于答复日期：申请只能在答复前转交")
        return first, on

    def deferral(self, row: int, received: dt.date | None, outcome: str) -> dt.date | None:
        """A reasonable longer period fixed under 条例第三十五条: later than the statutory reply
        date, and only where the applicant's reasons were found reasonable."""
        until = self.day(row, "延迟答复期限", required=False, future=True)
        if until is None or received is None:
            return until
        statutory = services.statutory_due(Application(received_on=received), cal=self.calendar)
        if until <= (statutory or received):
            self.problem(
                row,
                "延迟答复期限",
                f"延迟答复期限应晚于法定答复期限（{statutory:%Y-%m-%d}）"
                if statutory
                else "延迟答复期限应晚于收到日期",
            )
        if outcome == "excessive":
            self.problem(
                row,
                "延迟答复期限",
                "确定延迟答复期限，说明申请理由合理（条例第三十五条），办理结果不能是“无正当理由大量反复申请”",
            )
        return until


def _check_numbers(reader: _Reader, rows: list[_Row]) -> None:
    first: dict[str, int] = {}
    for row in rows:
        if row.tracking_no in first:
            reader.problem(
                row.row,
                "申请编号",
                f"申请编号“{row.tracking_no}”与第{first[row.tracking_no]}行重复",
            )
        else:
            first[row.tracking_no] = row.row
    numbers = list(first)
    taken: set[str] = set()
    for start in range(0, len(numbers), CHUNK):
        taken.update(
            Application.objects.filter(tracking_no__in=numbers[start : start + CHUNK]).values_list(
                "tracking_no", flat=True
            )
        )
    for row in rows:
        if row.tracking_no in taken and first[row.tracking_no] == row.row:
            reader.problem(
                row.row, "申请编号", f"申请编号“{row.tracking_no}”已被使用，请核对是否已导入过"
            )


def _check_closed_years(reader: _Reader, rows: list[_Row]) -> None:
    """Refuse rows whose receipt or routing falls in a year whose annual report is final (of the
    county, of 承办单位 or of the unit that counts it), as every step is refused (ADR 0007)."""
    closed = services.closed_years(
        {row.received_on.year for row in rows}
        | {row.routed_on.year for row in rows if row.routed_on is not None}
    )
    if not closed:
        return
    for row in rows:
        units: list[Unit | None] = [row.unit, row.account_unit]
        for name, on in (("收到日期", row.received_on), ("转交日期", row.routed_on)):
            problem = services.closed_year_problem(on, units, closed) if on else ""
            if problem:
                reader.problem(row.row, name, problem)


def _reserve_numbers(rows: list[_Row]) -> None:
    """Move the year's tracking sequence past imported numbers of gongkai's own form, so a new
    application never gets a number the register already used."""
    highest: dict[int, int] = {}
    for row in rows:
        match = OWN_NUMBER.match(row.tracking_no)
        if match:
            year, number = int(match.group(1)), int(match.group(2))
            highest[year] = max(highest.get(year, 0), number)
    for year, number in highest.items():
        sequence, _ = TrackingSequence.objects.select_for_update().get_or_create(year=year)
        if sequence.last < number:
            sequence.last = number
            sequence.save(update_fields=["last"])


def register_import(*, actor: User | None, data: bytes, filename: str = "") -> dict[str, Any]:
    """Import an office's register of applications; all or nothing.

    ``actor`` must handle applications of every unit named in the register (the office may import
    any unit's); None is the server's command line. Raises WorkbookRejected naming every bad cell.
    Returns a summary: {"file", "sheet", "imported", "handling", "replied", "closed",
    "withdrawn", "oral", "routed", "units"}: how many applications were imported, in handling,
    replied and closed, of these how many withdrawn by the applicant, how many made orally and how
    many routed by the unified intake, and how many each unit now handles.
    """
    if actor is not None:
        permissions.require(
            permissions.is_office(actor)
            or any(Role.HANDLER in roles for roles in permissions.roles_by_unit(actor).values()),
            "只有承办人或县政务公开办可以导入登记台账。",
            log="register import without handler role",
        )
    sheet, header, columns = _find_sheet(_open(data))
    reader = _Reader(sheet, header, columns, actor)
    rows = reader.rows()
    if not rows and not reader.problems:
        reader.problems.append(CellProblem(sheet.title, header + 1, "", "表头下没有任何申请"))
    _check_numbers(reader, rows)
    _check_closed_years(reader, rows)
    if reader.problems:
        raise WorkbookRejected(reader.problems)
    with transaction.atomic():
        _reserve_numbers(rows)
        created = _create(actor, rows, sheet.title, filename, reader.calendar)
    units: dict[str, int] = {}
    for application in created:
        units[application.unit.name] = units.get(application.unit.name, 0) + 1
    stages = [a.stage for a in created]
    return {
        "file": filename,
        "sheet": sheet.title,
        "imported": len(created),
        "handling": stages.count(Stage.HANDLING),
        "replied": stages.count(Stage.REPLIED),
        "closed": stages.count(Stage.CLOSED),
        "withdrawn": sum(1 for a in created if a.outcome == "withdrawn"),
        "oral": sum(1 for a in created if a.channel == Channel.ORAL),
        "routed": sum(1 for row in rows if row.first_unit is not None),
        "units": units,
    }


def _create(
    actor: User | None, rows: list[_Row], sheet: str, filename: str, cal: TableCalendar
) -> list[Application]:
    """Write the applications of checked rows with their IMPORTED events, routings and ROUTED
    events, and an audit entry per event, in a few bulk statements (inside the caller's
    transaction): the same rows, one at a time, took ~10 s for 5,000 (issue 10)."""
    applications = []
    for row in rows:
        application = Application(
            tracking_no=row.tracking_no,
            # Register entries never had a query code; an empty digest matches no code.
            query_code_digest="",
            unit=row.unit,
            account_unit=row.account_unit,
            channel=row.channel,
            transcribed_by=row.transcribed_by,
            applicant_type=row.applicant_type,
            applicant_name=row.applicant_name,
            description=row.description,
            submitted_on=row.received_on,
            received_on=row.received_on,
            stage=row.stage,
            outcome=row.outcome,
            outcome_note=row.note if row.outcome else "",
            responsible_agency=row.responsible_agency,
            responsible_contact=row.responsible_contact,
            replied_on=row.replied_on,
            deferred_until=row.deferred_until,
            handler=actor,
            imported=True,
        )
        services.recompute_due_dates(application, cal=cal)
        applications.append(application)
    bulk.insert(applications, key="tracking_no")
    source = f"{filename}：" if filename else ""
    imported, routings, routed = [], [], []
    for row, application in zip(rows, applications, strict=True):
        note = f"从登记台账导入（{source}工作表“{sheet}”第{row.row}行）"
        if row.deferred_until is not None:
            note += f"；延迟答复期限{row.deferred_until:%Y-%m-%d}（条例第三十五条）"
        route = None
        if row.first_unit is not None and row.routed_on is not None:
            route = {
                "from": row.first_unit.code,
                "to": row.unit.code,
                "on": row.routed_on.isoformat(),
            }
        imported.append(
            ApplicationEvent(
                application=application,
                kind=EventKind.IMPORTED,
                on=row.received_on,
                actor=actor,
                note=note,
                data={
                    "file": filename,
                    "sheet": sheet,
                    "row": row.row,
                    "outcome": row.outcome,
                    "replied_on": row.replied_on.isoformat() if row.replied_on else None,
                    # The register's 说明 is kept even for an application still in handling.
                    "note": row.note,
                    "routed": route,
                    "deferred_until": row.deferred_until.isoformat()
                    if row.deferred_until
                    else None,
                },
            )
        )
        if row.first_unit is not None and row.routed_on is not None:
            routing, event = _route(actor, application, row.first_unit, row.routed_on)
            routings.append(routing)
            routed.append(event)
    # IMPORTED before ROUTED: an application's events are listed in the order they were written.
    services.record_events(imported)
    bulk.insert(routings)
    services.record_events(routed)
    return applications


def _route(
    actor: User | None, application: Application, first: Unit, on: dt.date
) -> tuple[Routing, ApplicationEvent]:
    """The unified intake's routing the register names and its ROUTED event, unsaved (see
    services.application_route: the application was already created at the unit it went to,
    with its account unit)."""
    routing = Routing(
        application=application,
        from_unit=first,
        to_unit=application.unit,
        on=on,
        actor=actor,
        note=ROUTING_NOTE,
    )
    event = ApplicationEvent(
        application=application,
        kind=EventKind.ROUTED,
        on=on,
        actor=actor,
        note=f"由{first.name}转交{application.unit.name}办理，申请编号和收到申请之日不变"
        f"（{ROUTING_NOTE}）",
        data={"from": first.code, "to": application.unit.code},
    )
    return routing, event
