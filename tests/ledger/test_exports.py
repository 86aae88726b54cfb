"""The ledger as files, read back: the plan's workbook, a unit's 台账.xlsx and its evidence zip."""

from __future__ import annotations

import datetime as dt
import io
import zipfile

from openpyxl import load_workbook

from gongkai.ledger import exports, services
from gongkai.ledger.models import Assignment, Task, WorkPlan
from gongkai.orgs.models import Unit, User
from tests.ledger.conftest import PDF, word_file

AS_OF = dt.date(2020, 11, 10)


def add(user: User, assignment: Assignment, name: str, data: bytes) -> None:
    services.evidence_add(actor=user, assignment=assignment, name=name, stream=io.BytesIO(data))


def test_unit_zip(plan: WorkPlan, task: Task, department: Unit, editor: User, office: User) -> None:
    second = services.task_create(
        actor=office, plan=plan, number=30, text="加强政务公开培训，把政务公开纳入培训内容。",
        lead_text="县政务公开办", responsible_text="县民政局", deadline_text="持续推进",
    )  # fmt: skip
    services.task_create(
        actor=office, plan=plan, number=31, text="纳入绩效考核。", lead_text="县政务公开办",
        responsible_text="县民政局", deadline_text="持续推进",
    )  # fmt: skip
    mine = Assignment.objects.get(task=task, unit=department)
    add(editor, mine, "工作方案.docx", word_file("工作方案"))
    add(editor, mine, "工作方案.docx", word_file("第二份"))
    add(editor, mine, "../../etc/passwd.pdf", PDF)
    add(editor, mine, 'a:b*c?"<>|.pdf', PDF)
    services.assignment_report(actor=editor, assignment=mine, report="已编制目录。")
    services.assignment_confirm(actor=office, assignment=mine)
    training = Assignment.objects.get(task=second, unit=department)
    add(editor, training, "培训照片.jpg", b"\xff\xd8\xff\xe0" + b"0" * 64)

    out = io.BytesIO()
    assert exports.unit_archive(plan, department, out, as_of=AS_OF) == 5
    with zipfile.ZipFile(io.BytesIO(out.getvalue())) as archive:
        names = archive.namelist()
        folder = "03 编制完善基层政务公开事项目录并按目录公开各类信息"
        assert f"{folder}/" in names
        assert f"{folder}/工作方案.docx" in names
        assert f"{folder}/工作方案 (2).docx" in names
        assert f"{folder}/passwd.pdf" in names  # the upload kept only the file's own name
        assert f"{folder}/a_b_c_.pdf" in names
        assert all(".." not in n.split("/") and not n.startswith("/") for n in names)
        assert "30 加强政务公开培训/培训照片.jpg" in names
        assert "31 纳入绩效考核/" in names  # a task with no evidence still shows
        assert archive.read(f"{folder}/工作方案 (2).docx")[:2] == b"PK"
        assert "台账.xlsx" in names
        sheet = load_workbook(io.BytesIO(archive.read("台账.xlsx"))).active
        rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:4] == ("序号", "工作任务", "时限要求", "状态")
    assert [r[0] for r in rows[1:]] == [3, 30, 31]
    assert rows[1][3] == "已确认" and rows[2][3] == "进行中" and rows[3][3] == "未开始"
    files = rows[1][9].split("\n")
    assert f"{folder}/工作方案 (2).docx" in files and len(files) == 4


def test_safe_names() -> None:
    assert exports.safe_name("../../x.pdf") == "_.._x.pdf"
    assert exports.safe_name("a\\b\x00c.docx") == "a_b_c.docx"
    assert not exports.safe_name("..").startswith(".")
    assert exports.safe_name("") == "文件"
    long = exports.safe_name("很" * 200 + ".pdf")
    assert len(long) == exports.FILE_CHARS and long.endswith(".pdf")


def test_task_folders_are_numbered_and_cut_sensibly() -> None:
    task = Task(
        number=2,
        text="按照省基层政务公开事项梳理指南和基层政务公开事项指引目录，编制县直26个试点领域指引目录",
    )
    assert exports.task_folder(task) == "02 按照省基层政务公开事项梳理指南和基层政务公开事…"
    assert exports.task_folder(Task(number=14, text="完善基层政务公开考核评议机制")) == (
        "14 完善基层政务公开考核评议机制"
    )


def test_plan_workbook(plan: WorkPlan, task: Task, department: Unit, editor: User) -> None:
    mine = Assignment.objects.get(task=task, unit=department)
    add(editor, mine, "a.pdf", PDF)
    services.assignment_report(actor=editor, assignment=mine, report='=HYPERLINK("x")')
    out = io.BytesIO()
    exports.plan_workbook(plan, out, as_of=AS_OF)
    book = load_workbook(io.BytesIO(out.getvalue()))
    progress = list(book["任务进度"].iter_rows(values_only=True))
    assert progress[0] == tuple(exports.PLAN_HEADER)
    header = progress[0]
    row = dict(zip(header, progress[1], strict=True))
    assert row["序号"] == 3 and row["责任单位数"] == 2 and row["已报送"] == 1 and row["未开始"] == 1
    assert row["逾期单位数"] == 2 and row["逾期天数"] == 10 and row["佐证材料数"] == 1
    detail = list(book["落实明细"].iter_rows(values_only=True))
    assert [r[2] for r in detail[1:]] == ["县民政局", "县住建局"]
    # Kept as the same text, never a formula (issue 12: no apostrophe added to the data either).
    assert detail[1][5] == '=HYPERLINK("x")'
    assert book["落实明细"].cell(row=2, column=6).data_type == "s"
    assert book["落实明细"].cell(row=2, column=6).quotePrefix
