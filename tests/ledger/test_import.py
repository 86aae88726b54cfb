"""Importing a task table in annex 1's layout: .xlsx and .csv, all or nothing, one Chinese sentence
per row."""

from __future__ import annotations

import io

import pytest
from openpyxl import Workbook

from gongkai.core.errors import AccessDenied, ValidationFailed
from gongkai.ledger import services
from gongkai.ledger.models import Assignment, Task, WorkPlan
from gongkai.orgs.models import User

HEADER = ["序号", "工作任务", "牵头责\n任单位", "主体责\n任单位", "时限\n要求"]


def workbook(rows: list[list[object]], *, title_row: bool = True) -> bytes:
    book = Workbook()
    sheet = book.active
    if title_row:
        sheet.append(["全面推进基层政务公开标准化规范化工作任务分工和进度安排"])
    sheet.append(HEADER)
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


GOOD = [
    [1, "出台全面推进基层政务公开标准化规范化\n工作实施方案", "县政府办公室，县政务公开办", None, "2020年8月底"],
    [2, "完善基层解读回应工作机制", "县政务公开办", "各乡镇政府、县有关部门", "2020 年 10\n月底"],
    [3, "加强政务公开培训。", "县政务公开办", "县民政局、信息中心", "持续推进"],
]  # fmt: skip


def test_xlsx_in_annex_1_layout(plan: WorkPlan, office: User) -> None:
    result = services.tasks_import(
        actor=office, plan=plan, filename="附件1.xlsx", data=workbook(GOOD)
    )
    assert (result.tasks, result.assignments) == (3, 1 + 3 + 1)
    assert result.unresolved == ["县政府办公室", "信息中心"]
    first = plan.tasks.get(number=1)
    assert first.text == "出台全面推进基层政务公开标准化规范化工作实施方案"
    assert plan.tasks.get(number=2).deadline_text == "2020年10月底"
    assert plan.tasks.get(number=3).continuous


def test_csv_gb18030(plan: WorkPlan, office: User) -> None:
    text = "序号,工作任务,牵头责任单位,主体责任单位,时限要求\n1,完善基层依申请公开办理流程,县政务公开办,县有关部门,2020年10月底\n"
    result = services.tasks_import(
        actor=office, plan=plan, filename="任务.csv", data=text.encode("gb18030")
    )
    assert result.tasks == 1 and result.assignments == 2


def test_all_or_nothing_with_a_sentence_per_row(plan: WorkPlan, office: User) -> None:
    rows = [
        *GOOD,
        ["四", "任务", "县政务公开办", "县有关部门", "2020年8月底"],
        [5, "", "县政务公开办", "县有关部门", "尽快"],
        [2, "重复的序号", "县政务公开办", "县有关部门", "2020年8月底"],
        [7, "没有单位的任务", "信息中心", "县政务服务中心", "2020年8月底"],
    ]
    with pytest.raises(ValidationFailed) as refused:
        services.tasks_import(actor=office, plan=plan, filename="附件1.xlsx", data=workbook(rows))
    problems = refused.value.problems
    assert "没有保存任何任务" in refused.value.message
    assert any(p.startswith("工作表“Sheet”第6行") and "序号“四”不是正整数" in p for p in problems)
    assert any("第7行" in p and "工作任务不能为空" in p for p in problems)
    assert any("第7行" in p and "时限要求“尽快”无法识别" in p for p in problems)
    assert any("第8行" in p and "序号2与" in p for p in problems)
    assert any("第9行" in p and "没有一个能对应" in p for p in problems)
    assert Task.objects.count() == 0 and Assignment.objects.count() == 0


def test_numbers_already_in_the_plan_are_refused(plan: WorkPlan, office: User) -> None:
    services.tasks_import(actor=office, plan=plan, filename="a.xlsx", data=workbook(GOOD[:1]))
    with pytest.raises(ValidationFailed) as refused:
        services.tasks_import(actor=office, plan=plan, filename="a.xlsx", data=workbook(GOOD))
    assert any("已有序号为1的任务" in p for p in refused.value.problems)
    assert plan.tasks.count() == 1


@pytest.mark.parametrize(
    ("data", "name", "words"),
    [
        (b"", "a.xlsx", "文件是空的"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 100, "a.xls", "旧版Excel"),
        (b"not a workbook", "a.xlsx", "不是有效的Excel"),
        ("标题,正文\n1,2\n".encode(), "a.csv", "找不到表头"),
        ("序号,工作任务,牵头责任单位\n1,2,3\n".encode(), "a.csv", "缺少列：主体责任单位、时限要求"),
    ],
)
def test_unreadable_files(plan: WorkPlan, office: User, data: bytes, name: str, words: str) -> None:
    with pytest.raises(ValidationFailed) as refused:
        services.tasks_import(actor=office, plan=plan, filename=name, data=data)
    assert words in refused.value.message


def test_only_the_office_imports(plan: WorkPlan, editor: User, leader: User) -> None:
    for user in (editor, leader):
        with pytest.raises(AccessDenied):
            services.tasks_import(actor=user, plan=plan, filename="a.xlsx", data=workbook(GOOD))
