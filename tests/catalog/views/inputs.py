"""What staff submit in the tests: item form data, and workbooks built in the national layout
(REFERENCE.md "Catalog layout")."""

from __future__ import annotations

import io
from collections.abc import Sequence
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Alignment

from gongkai.catalog.models import Domain
from tests.factories import COMPLETE_ELEMENTS

TICK = "√"


def item_form_data(domain: Domain, **overrides: Any) -> dict[str, Any]:
    """POST data of the item form for a complete item; ticks are sent only when on."""
    data: dict[str, Any] = {"domain": str(domain.pk)}
    for name, value in {**COMPLETE_ELEMENTS, **overrides}.items():
        if isinstance(value, bool):
            if value:
                data[name] = "on"
        else:
            data[name] = value
    return data


HEADER_1 = [
    "序号",
    "公开事项",
    None,
    "公开内容（要素）",
    "公开依据",
    "公开时限",
    "公开主体",
    "公开渠道和载体",
    "公开对象",
    None,
    "公开方式",
    None,
    "公开层级",
    None,
]
HEADER_2 = [None, "一级事项", "二级事项", *[None] * 5, "全社会", "特定群体", "主动", "依申请"]
HEADER_2 += ["县级", "乡级"]

Row = tuple[str, str, str, str, str, str, str, bool, bool, bool, bool, bool, bool]

SOCIAL_ASSISTANCE_ROWS: list[Row] = [
    (
        "最低生活保障",
        "办事指南",
        "办理事项、办理条件、申请材料、办理流程",
        "《社会救助暂行办法》\n《最低生活保障审核确认办法》",
        "制定或获取信息之日起10个工作日内",
        "县民政局",
        "政府网站\n便民服务站",
        True,
        False,
        True,
        False,
        True,
        True,
    ),
    (
        "最低生活保障",
        "审核确认结果",
        "保障对象姓名（部分隐藏）、保障人数、保障金额",
        "《社会救助暂行办法》第十一条",
        "审核确认后10个工作日内",
        "县民政局",
        "政府网站\n村务公开栏",
        False,
        True,
        True,
        False,
        True,
        False,
    ),
    (
        "特困人员救助供养",
        "办事指南",
        "办理条件、申请材料、办理流程、联系方式",
        "《社会救助暂行办法》",
        "信息形成或者变更之日起20个工作日内",
        "县民政局",
        "政府网站",
        True,
        False,
        True,
        True,
        True,
        False,
    ),
]


def national_workbook(
    rows: Sequence[Row], *, sheet: str = "社会救助", title: str | None = "县民政局社会救助领域"
) -> bytes:
    """A workbook as counties print it: an optional merged title row, the two-row merged header,
    一级事项 merged down over its 二级事项 rows, ticks written √."""
    book = Workbook()
    ws = book.active
    assert ws is not None
    ws.title = sheet
    top = 1
    if title is not None:
        ws.cell(row=1, column=1, value=f"{title}政务公开事项标准目录")
        ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(HEADER_1))
        top = 2
    for col, (first, second) in enumerate(zip(HEADER_1, HEADER_2, strict=True), start=1):
        if first is not None:
            ws.cell(row=top, column=col, value=first)
        if second is not None:
            ws.cell(row=top + 1, column=col, value=second)
        if first is not None and second is None:
            ws.merge_cells(start_row=top, start_column=col, end_row=top + 1, end_column=col)
    for col in (2, 9, 11, 13):
        ws.merge_cells(start_row=top, start_column=col, end_row=top, end_column=col + 1)
    data_top = top + 2
    for offset, row in enumerate(rows):
        r = data_top + offset
        ws.cell(row=r, column=1, value=offset + 1)
        for col, value in enumerate(row, start=2):
            if isinstance(value, bool):
                ws.cell(row=r, column=col, value=TICK if value else None)
            else:
                cell = ws.cell(row=r, column=col, value=value)
                cell.alignment = Alignment(wrap_text=True)
    # 一级事项 merged down over consecutive rows that share it, the top cell alone holding text.
    start = 0
    for index in range(1, len(rows) + 1):
        if index == len(rows) or rows[index][0] != rows[start][0]:
            if index - start > 1:
                for blank in range(start + 1, index):
                    ws.cell(row=data_top + blank, column=2, value=None)
                ws.merge_cells(
                    start_row=data_top + start,
                    start_column=2,
                    end_row=data_top + index - 1,
                    end_column=2,
                )
            start = index
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
