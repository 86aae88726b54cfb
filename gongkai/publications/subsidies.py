"""Subsidy payout lists (惠农补贴发放结果): imported from Excel, posted per village, masked.

Seed 001 item 8: the county finance bureau and each township compile the year's subsidies paid to
rural households and post them village by village on the 村（居）务公开栏. The lists name people,
so names are partly masked and ID numbers fully masked before anything is stored for publication;
the unmasked workbook is never kept.
"""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import transaction
from django.utils.html import escape
from openpyxl import load_workbook
from openpyxl.utils import get_column_letter

from gongkai import textcheck
from gongkai.catalog.excel import CellProblem, WorkbookRejected
from gongkai.catalog.models import Domain
from gongkai.core import zipguard
from gongkai.core.errors import ValidationFailed
from gongkai.orgs import permissions
from gongkai.orgs.models import Unit, UnitKind, User
from gongkai.publications import services
from gongkai.publications.models import Column, FiveClass, Publication, TopicCategory

HEADERS: dict[str, tuple[str, ...]] = {
    "village": ("村（社区）", "村(社区)", "村（居）", "村(居)", "所在村", "村别", "村", "社区"),
    "name": ("姓名", "户主姓名", "户主", "补贴对象", "领取人"),
    "id_number": ("身份证号", "身份证号码", "公民身份号码", "身份证"),
    "item": ("补贴项目", "项目", "补贴类别"),
    "quantity": ("面积（亩）", "面积(亩)", "补贴面积", "数量", "面积"),
    "amount": ("补贴金额（元）", "补贴金额(元)", "金额（元）", "金额(元)", "补贴金额", "金额", "发放金额"),
    "remark": ("备注",),
}  # fmt: skip
REQUIRED = ("village", "name", "amount")
LABELS = {"village": "村（社区）", "name": "姓名", "amount": "补贴金额"}
VILLAGE_TOPIC = "0500"  # 农业、林业、水利
VILLAGE_COLUMN = "village"
SUBSIDY_DOMAIN = "agricultural-subsidies"


@dataclass
class SubsidyRow:
    row: int
    village: Unit
    name: str
    id_number: str
    item: str
    quantity: str
    amount: Decimal
    remark: str


@dataclass
class SubsidyImport:
    """What an import created: one submitted posting per village."""

    publications: list[Publication] = field(default_factory=list)
    rows: int = 0
    total: Decimal = Decimal(0)

    def as_dict(self) -> dict[str, Any]:
        return {
            "rows": self.rows,
            "total": str(self.total),
            "villages": [
                {"village": p.unit.name, "publication": p.pk, "title": p.title}
                for p in self.publications
            ],
        }


def _label(value: object) -> str:
    return "".join(str(value or "").split())


def _text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def _village_lookup(township: Unit) -> dict[str, Unit]:
    """Villages under the township by full and short name (琴江镇古樟村 and 古樟村)."""
    lookup: dict[str, Unit] = {}
    for village in Unit.objects.filter(parent=township, kind=UnitKind.VILLAGE, is_active=True):
        lookup[village.name] = village
        if village.name.startswith(township.name):
            lookup[village.name[len(township.name) :]] = village
    return lookup


def _read_first_sheet(data: bytes) -> tuple[str, list[tuple[object, ...]]]:
    """The first sheet's title and rows of values, streamed (read-only mode: the list needs no
    merged cells), after the zip guard has refused bombs, macros and DTDs (issue 12)."""
    bad = "文件不是有效的Excel工作簿（.xlsx）或已损坏，请用Excel另存为.xlsx后重新导入。"
    try:
        zipguard.check_office_file(data, what="Excel文件")
    except zipguard.UnsafeArchive as exc:
        message = bad if exc.code == "bad_zip" else exc.message
        raise WorkbookRejected([CellProblem("", 0, "", message)]) from exc
    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        try:
            sheet = workbook.worksheets[0]
            # A stored dimension of A1:XFD1048576 would pad every row to 16,384 cells.
            sheet.reset_dimensions()
            rows = zipguard.CellBudget().rows(sheet.iter_rows(values_only=True))
            return sheet.title, [tuple(cells) for cells in rows]
        finally:
            workbook.close()
    except zipguard.UnsafeArchive as exc:
        raise WorkbookRejected([CellProblem("", 0, "", exc.message)]) from exc
    except zipguard.BROKEN_FILE_ERRORS as exc:
        raise WorkbookRejected([CellProblem("", 0, "", bad)]) from exc


def read_subsidy_workbook(data: bytes, *, township: Unit) -> list[SubsidyRow]:
    """Read the first sheet: a header row (found in the first 10 rows) naming at least 村（社区）,
    姓名 and 补贴金额; every problem is reported with its row and column, nothing is kept."""
    name, grid = _read_first_sheet(data)

    def cell(row: int, col: int) -> object:
        cells = grid[row - 1] if row <= len(grid) else ()
        return cells[col - 1] if col <= len(cells) else None

    max_row = len(grid)
    max_column = max((len(cells) for cells in grid), default=0)
    header_row, columns = 0, {}
    for row in range(1, min(max_row, 10) + 1):
        found = {}
        for col in range(1, max_column + 1):
            label = _label(cell(row, col))
            for key, names in HEADERS.items():
                if label in names and key not in found:
                    found[key] = col
        if all(key in found for key in REQUIRED):
            header_row, columns = row, found
            break
    if not header_row:
        raise WorkbookRejected(
            [CellProblem(name, 1, "A", "未找到表头：至少应有“村（社区）”“姓名”“补贴金额”三列。")]
        )
    villages = _village_lookup(township)
    problems: list[CellProblem] = []
    rows: list[SubsidyRow] = []
    for row in range(header_row + 1, max_row + 1):
        values = {key: _text(cell(row, col)) for key, col in columns.items()}
        if not any(values.values()):
            continue
        row_texts = [_label(value) for value in grid[row - 1]]
        if any(t.startswith(("合计", "总计", "小计", "注：", "注:")) for t in row_texts if t):
            continue  # totals and notes under the table are not payouts

        def where(key: str, row: int = row) -> tuple[str, int, str]:
            return name, row, get_column_letter(columns[key])

        for key in REQUIRED:
            if not values.get(key):
                problems.append(CellProblem(*where(key), f"“{LABELS[key]}”不能为空。"))
        village = villages.get(values.get("village", ""))
        if values.get("village") and village is None:
            problems.append(
                CellProblem(
                    *where("village"), f"“{values['village']}”不是{township.name}下辖的村（社区）。"
                )
            )
        try:
            amount = Decimal(values.get("amount", "").replace(",", "")).quantize(Decimal("0.01"))
            # "NaN" parses and quantizes without complaint, and would be published as the amount
            # and make the total NaN (found by the fuzzing of issue 12); a payout is never negative.
            if not amount.is_finite():
                raise InvalidOperation
            if amount < 0:
                problems.append(
                    CellProblem(*where("amount"), f"金额“{values['amount']}”不能为负数。")
                )
        except InvalidOperation:
            if values.get("amount"):
                problems.append(
                    CellProblem(*where("amount"), f"金额“{values['amount']}”不是数字。")
                )
            amount = Decimal(0)
        if village is not None and values.get("name") and values.get("amount"):
            rows.append(
                SubsidyRow(
                    row=row,
                    village=village,
                    name=values["name"],
                    id_number=values.get("id_number", ""),
                    item=values.get("item", ""),
                    quantity=values.get("quantity", ""),
                    amount=amount,
                    remark=values.get("remark", ""),
                )
            )
    if not problems and not rows:
        problems.append(CellProblem(name, header_row, "", "表中没有任何发放记录。"))
    if problems:
        raise WorkbookRejected(problems)
    return rows


def _body(rows: list[SubsidyRow], *, subsidy: str) -> str:
    """The posting's table: names partly masked, ID numbers fully masked."""
    has_id = any(r.id_number for r in rows)
    has_qty = any(r.quantity for r in rows)
    head = ["序号", "姓名"] + (["身份证号"] if has_id else []) + ["补贴项目"]
    head += (["面积（数量）"] if has_qty else []) + ["补贴金额（元）", "备注"]
    lines = ["<table><thead><tr>" + "".join(f"<th>{h}</th>" for h in head) + "</tr></thead><tbody>"]
    for number, r in enumerate(rows, start=1):
        cells = [str(number), textcheck.mask_name(r.name)]
        if has_id:
            cells.append("*" * len(r.id_number) if r.id_number else "")
        cells.append(r.item or subsidy)
        if has_qty:
            cells.append(r.quantity)
        cells += [f"{r.amount:.2f}", r.remark]
        lines.append("<tr>" + "".join(f"<td>{escape(c)}</td>" for c in cells) + "</tr>")
    total = sum((r.amount for r in rows), Decimal(0))
    lines.append("</tbody></table>")
    lines.append(f"<p>合计：{len(rows)}户，{total:.2f}元。</p>")
    lines.append("<p>公示期间如有异议，请向村（居）委会或乡镇人民政府反映。</p>")
    return "\n".join(lines)


def subsidy_list_import(
    *,
    actor: User | None,
    township: Unit,
    data: bytes,
    subsidy: str,
    written_on: dt.date,
    extra: Mapping[str, Any] | None = None,
) -> SubsidyImport:
    """Import a township's payout list and submit one masked posting per village for review.

    All or nothing: a bad row rejects the file. The actor must be allowed to post for every
    village named in the list (the township's editor, or the village's own clerk). The workbook
    is read before the write transaction opens (issue 12).
    """
    if not subsidy.strip():
        raise ValidationFailed(
            "请填写补贴名称，如“2024年耕地地力保护补贴”。", log="subsidy name empty"
        )
    rows = read_subsidy_workbook(data, township=township)
    return _subsidy_list_write(
        actor=actor,
        township=township,
        rows=rows,
        subsidy=subsidy,
        written_on=written_on,
        extra=extra,
    )


@transaction.atomic
def _subsidy_list_write(
    *,
    actor: User | None,
    township: Unit,
    rows: list[SubsidyRow],
    subsidy: str,
    written_on: dt.date,
    extra: Mapping[str, Any] | None,
) -> SubsidyImport:
    """Submit one masked posting per village of the read rows, under one transaction."""
    by_village: dict[int, list[SubsidyRow]] = {}
    for row in rows:
        by_village.setdefault(row.village.pk, []).append(row)
    result = SubsidyImport(rows=len(rows), total=sum((r.amount for r in rows), Decimal(0)))
    topic = TopicCategory.objects.get(code=VILLAGE_TOPIC)
    column = Column.objects.get(code=VILLAGE_COLUMN)
    domain = Domain.objects.filter(code=SUBSIDY_DOMAIN).first()
    for village_rows in by_village.values():
        village = village_rows[0].village
        if actor is not None:
            permissions.require(
                permissions.can_import_subsidies_for(actor, village),
                f"您不能为{village.name}发布补贴公示。",
            )
        publication = services.draft_for(
            actor=actor,
            unit=village,
            values={
                "title": f"{village.name}{subsidy.strip()}发放结果公示",
                "issuer": f"{township.name}人民政府"
                if township.kind == UnitKind.TOWNSHIP
                else township.name,
                "written_on": written_on,
                "topic": topic,
                "five_class": FiveClass.RESULT,
                "column": column,
                "domain": domain,
                "body": _body(village_rows, subsidy=subsidy.strip()),
                **(extra or {}),
            },
        )
        result.publications.append(services.submit_checked(actor=actor, publication=publication))
    return result
