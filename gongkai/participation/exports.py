"""The decisions catalog of a year as an .xlsx, every text cell written formula-safe
(gongkai.core.xlsx): matters and notes come from people."""

from __future__ import annotations

import io

from django.utils import timezone
from openpyxl import Workbook

from gongkai.core import xlsx
from gongkai.participation import selectors

HEADER = ("序号", "决策事项", "承办单位", "拟决策时间", "是否听证", "状态", "备注", "更新日期")


def decisions_xlsx(year: int) -> bytes:
    """The catalog of ``year`` as workbook bytes, one row per matter in catalog order."""
    book = Workbook(write_only=True)
    sheet = book.create_sheet(f"{year}年重大行政决策事项目录")
    xlsx.write_row(sheet, HEADER)
    for decision in selectors.decisions_of(year):
        xlsx.write_row(
            sheet,
            (
                decision.number,
                decision.matter,
                decision.unit.name,
                decision.planned_time,
                "是" if decision.hearing else "否",
                decision.get_status_display(),
                decision.note,
                timezone.localdate(decision.updated_at),
            ),
        )
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
