"""Subsidy payout lists: imported from Excel, posted per village, names and ID numbers masked."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from openpyxl import Workbook

from gongkai.catalog.excel import WorkbookRejected
from gongkai.core.errors import AccessDenied
from gongkai.orgs.models import Unit, UnitKind, User
from gongkai.publications.models import Publication, PublicationStatus
from gongkai.publications.subsidies import subsidy_list_import
from tests.factories import UnitFactory

HEADER = ["序号", "村（社区）", "姓名", "身份证号", "补贴项目", "面积（亩）", "补贴金额（元）"]


def workbook(rows: list[list[object]], *, title: bool = True) -> bytes:
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    if title:
        ws.append(["琴江镇2024年耕地地力保护补贴发放花名册"])
    ws.append(HEADER)
    for row in rows:
        ws.append(row)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


@pytest.fixture
def second_village(township: Unit) -> Unit:
    return UnitFactory(code="QJZ02", name="琴江镇大畲村", kind=UnitKind.VILLAGE, parent=township)


def test_one_masked_posting_per_village(
    township: Unit, village: Unit, second_village: Unit, township_editor: User
) -> None:
    data = workbook(
        [
            [1, "古樟村", "张三", "360735198506151233", "耕地地力保护补贴", 3.5, 350],
            [2, "古樟村", "欧阳小明", "36073519900101002X", "耕地地力保护补贴", 2, "200.00"],
            [3, "琴江镇大畲村", "李四", "", "耕地地力保护补贴", 1, 100.5],
            ["合计", None, None, None, None, None, 650.5],
        ]
    )
    result = subsidy_list_import(
        actor=township_editor,
        township=township,
        data=data,
        subsidy="2024年耕地地力保护补贴",
        written_on=dt.date(2024, 6, 1),
    )
    assert result.rows == 3
    assert str(result.total) == "650.50"
    by_unit = {p.unit.code: p for p in result.publications}
    assert set(by_unit) == {"QJZ01", "QJZ02"}
    posting = by_unit["QJZ01"]
    assert posting.status == PublicationStatus.SUBMITTED
    assert posting.title == "琴江镇古樟村2024年耕地地力保护补贴发放结果公示"
    assert posting.issuer == "琴江镇人民政府"
    assert "张三" not in posting.body and "张*" in posting.body
    assert "欧阳小明" not in posting.body
    assert "360735" not in posting.body and "1233" not in posting.body
    assert "*" * 18 in posting.body
    assert "合计：2户，550.00元" in posting.body_text
    assert posting.findings == []


def test_bad_rows_reject_the_whole_file(
    township: Unit, village: Unit, township_editor: User
) -> None:
    data = workbook(
        [
            [1, "古樟村", "张三", "", "补贴", 1, "一百"],
            [2, "不存在村", "李四", "", "补贴", 1, 100],
            [3, "古樟村", "", "", "补贴", 1, 100],
        ]
    )
    with pytest.raises(WorkbookRejected) as caught:
        subsidy_list_import(
            actor=township_editor,
            township=township,
            data=data,
            subsidy="补贴",
            written_on=dt.date(2024, 6, 1),
        )
    problems = caught.value.problems
    assert "工作表“Sheet”第3行G列：金额“一百”不是数字。" in problems
    assert "工作表“Sheet”第4行B列：“不存在村”不是琴江镇下辖的村（社区）。" in problems
    assert "工作表“Sheet”第5行C列：“姓名”不能为空。" in problems
    assert not Publication.objects.exists()


def test_a_negative_amount_is_refused(township: Unit, village: Unit, township_editor: User) -> None:
    data = workbook([[1, "古樟村", "张三", "", "补贴", 1, -100]])
    with pytest.raises(WorkbookRejected) as caught:
        subsidy_list_import(
            actor=township_editor,
            township=township,
            data=data,
            subsidy="补贴",
            written_on=dt.date(2024, 6, 1),
        )
    assert "工作表“Sheet”第3行G列：金额“-100”不能为负数。" in caught.value.problems
    assert not Publication.objects.exists()


def test_only_the_township_or_the_village_may_post(
    township: Unit, village: Unit, editor: User
) -> None:
    data = workbook([[1, "古樟村", "张三", "", "补贴", 1, 100]], title=False)
    with pytest.raises(AccessDenied):
        subsidy_list_import(
            actor=editor,
            township=township,
            data=data,
            subsidy="补贴",
            written_on=dt.date(2024, 6, 1),
        )
    assert not Publication.objects.exists()


def test_not_a_workbook(township: Unit, township_editor: User) -> None:
    with pytest.raises(WorkbookRejected):
        subsidy_list_import(
            actor=township_editor,
            township=township,
            data=b"name,amount\n",
            subsidy="补贴",
            written_on=dt.date(2024, 6, 1),
        )
