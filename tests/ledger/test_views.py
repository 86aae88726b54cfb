"""The ledger pages over HTTP: who sees and does what, forms and downloads, overdue in words."""

from __future__ import annotations

import io
import zipfile
from typing import Any

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import Workbook, load_workbook

from gongkai.ledger import services
from gongkai.ledger.models import Assignment, AssignmentStatus, Task, WorkPlan
from gongkai.orgs.models import Unit, User
from tests.ledger.conftest import PDF, word_file

NOVEMBER = "2020-11-10 10:00 +0800"


def client_for(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def mine(task: Task, department: Unit) -> Assignment:
    return Assignment.objects.get(task=task, unit=department)


@time_machine.travel(NOVEMBER, tick=False)
def test_plan_page_marks_overdue_in_words(task: Task, plan: WorkPlan, leader: User) -> None:
    client = client_for(leader)
    client.get(reverse("ledger:plan", args=[plan.pk]))  # warm the session and role caches
    with CaptureQueriesContext(connection) as queries:
        page = client.get(reverse("ledger:plan", args=[plan.pk]))
    assert page.status_code == 200
    text = page.content.decode()
    assert "逾期：2个单位未完成，已超期10天" in text
    assert "导出台账（Excel）" in text and "添加任务" not in text
    assert len(queries) <= 10
    assert client.get(reverse("ledger:plans")).status_code == 200


def test_unit_staff_see_their_own_part_only(
    task: Task, mine: Assignment, other_department: Unit, editor: User
) -> None:
    client = client_for(editor)
    page = client.get(reverse("ledger:task", args=[task.pk]))
    assert "县民政局" in page.content.decode() and "县住建局" not in page.content.decode()
    theirs = Assignment.objects.get(task=task, unit=other_department)
    assert client.get(reverse("ledger:assignment", args=[theirs.pk])).status_code == 403
    assert client.get(reverse("ledger:unit", args=[task.plan_id, "ZJJ"])).status_code == 403
    assert client.get(reverse("ledger:unit_zip", args=[task.plan_id, "ZJJ"])).status_code == 403
    assert client.get(reverse("ledger:plan_create")).status_code == 403
    assert client.get(reverse("ledger:plan_export", args=[task.plan_id])).status_code == 403
    assert client.get(reverse("ledger:unit", args=[task.plan_id, "MZJ"])).status_code == 200


def test_report_with_uploads_then_office_returns_and_confirms(
    mine: Assignment, editor: User, office: User
) -> None:
    client = client_for(editor)
    page = client.get(reverse("ledger:assignment", args=[mine.pk]))
    assert 'name="files" multiple' in page.content.decode()
    files = [
        SimpleUploadedFile("方案.docx", word_file()),
        SimpleUploadedFile("截图.pdf", PDF),
        SimpleUploadedFile("程序.pdf", b"MZ\x90\x00" + b"\x00" * 100),
    ]
    answer = client.post(
        reverse("ledger:evidence_upload", args=[mine.pk]), {"files": files}, follow=True
    )
    text = answer.content.decode()
    assert "已上传2个文件" in text and "“程序.pdf”未上传" in text
    client.post(
        reverse("ledger:assignment_report", args=[mine.pk]), {"report": "已完成。", "send": "1"}
    )
    mine.refresh_from_db()
    assert mine.status == AssignmentStatus.REPORTED

    # a unit cannot confirm; the office returns with a reason, then confirms the second report
    assert client.post(reverse("ledger:assignment_confirm", args=[mine.pk])).status_code == 403
    office_client = client_for(office)
    page = office_client.get(reverse("ledger:assignment", args=[mine.pk])).content.decode()
    assert "确认完成" in page and "退回补充" in page
    office_client.post(reverse("ledger:assignment_return", args=[mine.pk]), {"reason": "缺截图。"})
    mine.refresh_from_db()
    assert mine.status == AssignmentStatus.RETURNED
    client.post(
        reverse("ledger:assignment_report", args=[mine.pk]), {"report": "已补充。", "send": "1"}
    )
    office_client.post(reverse("ledger:assignment_confirm", args=[mine.pk]))
    mine.refresh_from_db()
    assert mine.status == AssignmentStatus.CONFIRMED
    page = client.get(reverse("ledger:assignment", args=[mine.pk])).content.decode()
    assert 'name="send"' not in page and "上传佐证材料" not in page  # nothing left to edit


def test_leader_reads_but_cannot_change(mine: Assignment, editor: User, leader: User) -> None:
    services.evidence_add(actor=editor, assignment=mine, name="a.pdf", stream=io.BytesIO(PDF))
    services.assignment_report(actor=editor, assignment=mine, report="已完成。")
    client = client_for(leader)
    page = client.get(reverse("ledger:assignment", args=[mine.pk])).content.decode()
    assert "确认完成" not in page and "上传" not in page
    assert client.post(reverse("ledger:assignment_confirm", args=[mine.pk])).status_code == 403
    evidence = mine.evidence.get()
    download = client.get(reverse("ledger:evidence", args=[evidence.pk]))
    assert download.status_code == 200 and b"".join(download.streaming_content) == PDF
    assert "attachment" in download["Content-Disposition"]


def test_zip_and_xlsx_downloads(mine: Assignment, editor: User) -> None:
    services.evidence_add(actor=editor, assignment=mine, name="a.pdf", stream=io.BytesIO(PDF))
    client = client_for(editor)
    answer = client.get(reverse("ledger:unit_zip", args=[mine.task.plan_id, "MZJ"]))
    assert answer["Content-Type"] == "application/zip"
    with zipfile.ZipFile(io.BytesIO(b"".join(answer.streaming_content))) as archive:
        assert "台账.xlsx" in archive.namelist()
        assert any(n.endswith("/a.pdf") for n in archive.namelist())
    answer = client.get(reverse("ledger:unit_xlsx", args=[mine.task.plan_id, "MZJ"]))
    sheet = load_workbook(io.BytesIO(b"".join(answer.streaming_content))).active
    assert sheet.cell(2, 4).value == "进行中"


@time_machine.travel(NOVEMBER, tick=False)
def test_overdue_page(task: Task, editor: User, office: User) -> None:
    text = client_for(office).get(reverse("ledger:overdue")).content.decode()
    assert text.count("逾期10天") == 2
    text = client_for(editor).get(reverse("ledger:overdue")).content.decode()
    assert text.count("逾期10天") == 1


def test_office_creates_a_plan_and_imports_its_tasks(office: User, department: Unit) -> None:
    client = client_for(office)
    answer = client.post(
        reverse("ledger:plan_create"), {"title": "2021年政务公开工作要点", "year": 2021}
    )
    plan = WorkPlan.objects.get(title="2021年政务公开工作要点")
    assert answer["Location"] == reverse("ledger:plan", args=[plan.pk])
    book = Workbook()
    book.active.append(["序号", "工作任务", "牵头责任单位", "主体责任单位", "时限要求"])
    book.active.append([1, "完善基层依申请公开办理流程", "县政务公开办", "县民政局", "2021年6月底"])
    book.active.append(["x", "", "", "", "明天"])
    data = io.BytesIO()
    book.save(data)
    upload = SimpleUploadedFile("任务.xlsx", data.getvalue())
    page = client.post(reverse("ledger:plan_import", args=[plan.pk]), {"file": upload})
    assert page.status_code == 200
    assert "第3行" in page.content.decode() and plan.tasks.count() == 0
    upload = SimpleUploadedFile("任务.xlsx", _first_row_only(data.getvalue()))
    answer = client.post(reverse("ledger:plan_import", args=[plan.pk]), {"file": upload})
    assert answer.status_code == 302 and plan.tasks.count() == 1
    export = client.get(reverse("ledger:plan_export", args=[plan.pk]))
    book = load_workbook(io.BytesIO(b"".join(export.streaming_content)))
    assert book.sheetnames == ["任务进度", "落实明细"]


def _first_row_only(data: bytes) -> bytes:
    book = load_workbook(io.BytesIO(data))
    book.active.delete_rows(3)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def test_task_form(plan: WorkPlan, office: User, township: Unit) -> None:
    client = client_for(office)
    answer = client.post(
        reverse("ledger:task_create", args=[plan.pk]),
        {
            "number": 15,
            "text": "指导村（居）民委员会编制公开事项清单",
            "lead_text": "县政务公开办",
            "responsible_text": "各乡镇政府、信息中心",
            "deadline_text": "2021年11月底",
        },
        follow=True,
    )
    text = answer.content.decode()
    assert "只作文字保留：信息中心" in text and "琴江镇" in text


def test_anonymous_is_sent_to_login(plan: WorkPlan, **_: Any) -> None:
    answer = Client().get(reverse("ledger:plan", args=[plan.pk]))
    assert answer.status_code == 302 and "login" in answer["Location"]
