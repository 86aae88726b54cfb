"""The score table as an Excel workbook, as the office circulates it (考核得分表): one sheet per
group (县直部门和单位, 乡镇), rank first, one column per indicator with its weight in the head,
then the total; a last sheet lists how each computed score was found. Unit and indicator names
and score details are written as text, never as formulas (gongkai.core.xlsx)."""

from __future__ import annotations

import io
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font

from gongkai.assessment import scoring
from gongkai.core.xlsx import write_row
from gongkai.reports import monthly

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def heads(table: dict[str, Any]) -> list[str]:
    """The column heads of a group's sheet."""
    return [
        "名次",
        "单位",
        *(f"{i['name']}（{scoring.points_text(i['weight'])}分）" for i in table["indicators"]),
        f"总分（{scoring.points_text(table['total_weight'])}分）",
    ]


def render(table: dict[str, Any]) -> bytes:
    """The workbook of ``table`` (gongkai.assessment.scoring.score_table) as bytes."""
    book = Workbook()
    first = True
    for group in scoring.ASSESSED_GROUPS:
        sheet = book.active if first else book.create_sheet()
        assert sheet is not None
        first = False
        sheet.title = monthly.GROUP_LABELS[group]
        state = "定稿" if table["frozen"] else "未定稿"
        write_row(sheet, [f"{table['set']['name']}得分表（统计截至{table['as_of']}，{state}）"])
        sheet["A1"].font = Font(bold=True)
        write_row(sheet, heads(table))
        for cell in sheet[2]:
            cell.font = Font(bold=True)
            cell.alignment = Alignment(wrap_text=True, vertical="center")
        for row in table["rows"]:
            if row["group"] != group:
                continue
            write_row(
                sheet,
                [
                    row["rank"],
                    row["unit"],
                    *(s["points"] if s["points"] is not None else "" for s in row["scores"]),
                    row["total"],
                ],
            )
        sheet.column_dimensions["B"].width = 24
        sheet.freeze_panes = "C3"
    details = book.create_sheet("计分依据")
    write_row(details, ["单位", "指标", "得分", "依据"])
    names = {i["id"]: i["name"] for i in table["indicators"]}
    for row in table["rows"]:
        for score in row["scores"]:
            points = score["points"] if score["points"] is not None else ""
            write_row(details, [row["unit"], names[score["indicator"]], points, score["detail"]])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
