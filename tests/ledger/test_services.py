"""A unit's part through its steps, the refused steps, who may do what, overdue, and the evidence
checks."""

from __future__ import annotations

import datetime as dt
import io
from typing import Any

import pytest
import time_machine

from gongkai.core.errors import AccessDenied, InvalidTransition, ValidationFailed
from gongkai.core.models import AuditEntry
from gongkai.ledger import selectors, services
from gongkai.ledger.models import Assignment, AssignmentStatus, Task, WorkPlan
from gongkai.orgs.models import Unit, User
from tests.ledger.conftest import PDF, word_file


def part(task: Task, unit: Unit) -> Assignment:
    return Assignment.objects.get(task=task, unit=unit)


def upload(user: User, assignment: Assignment, name: str = "方案.docx", data: bytes = b"") -> Any:
    return services.evidence_add(
        actor=user, assignment=assignment, name=name, stream=io.BytesIO(data or word_file())
    )


def test_task_gets_a_part_per_responsible_unit(task: Task, department: Unit) -> None:
    units = set(task.assignments.values_list("unit__code", flat=True))
    assert units == {"MZJ", "ZJJ"}
    assert task.deadline == dt.date(2020, 10, 31) and not task.continuous
    assert [u.code for u in task.lead_units.all()] == ["GKB"]
    assert part(task, department).status == AssignmentStatus.PENDING


def test_report_confirm(task: Task, department: Unit, editor: User, office: User) -> None:
    mine = part(task, department)
    evidence = upload(editor, mine)
    assert evidence.kind == "docx" and len(evidence.sha256) == 64
    assert evidence.uploaded_by == editor
    mine.refresh_from_db()
    assert mine.status == AssignmentStatus.IN_PROGRESS
    services.assignment_report(actor=editor, assignment=mine, report="已编制目录并公开。")
    mine.refresh_from_db()
    assert mine.status == AssignmentStatus.REPORTED and mine.reported_by == editor
    services.assignment_confirm(actor=office, assignment=mine)
    mine.refresh_from_db()
    assert mine.status == AssignmentStatus.CONFIRMED and mine.confirmed_by == office
    actions = set(AuditEntry.objects.values_list("action", flat=True))
    assert {
        "ledger.evidence_add",
        "ledger.assignment_report",
        "ledger.assignment_confirm",
    } <= actions


def test_return_then_report_again(task: Task, department: Unit, editor: User, office: User) -> None:
    mine = part(task, department)
    upload(editor, mine)
    services.assignment_report(actor=editor, assignment=mine, report="已完成。")
    with pytest.raises(ValidationFailed, match="退回原因"):
        services.assignment_return(actor=office, assignment=mine, reason="  ")
    services.assignment_return(actor=office, assignment=mine, reason="缺少网页截图。")
    mine.refresh_from_db()
    assert mine.status == AssignmentStatus.RETURNED and mine.return_reason == "缺少网页截图。"
    upload(editor, mine, "截图.pdf", PDF)
    services.assignment_report(actor=editor, assignment=mine, report="已补充截图。")
    mine.refresh_from_db()
    assert mine.status == AssignmentStatus.REPORTED


def test_refused_steps(task: Task, department: Unit, editor: User, office: User) -> None:
    mine = part(task, department)
    with pytest.raises(InvalidTransition):
        services.assignment_confirm(actor=office, assignment=mine)  # nothing reported
    with pytest.raises(InvalidTransition):
        services.assignment_return(actor=office, assignment=mine, reason="x")
    with pytest.raises(ValidationFailed, match="佐证材料"):
        services.assignment_report(actor=editor, assignment=mine, report="已完成。")
    upload(editor, mine)
    with pytest.raises(ValidationFailed, match="落实情况"):
        services.assignment_report(actor=editor, assignment=mine, report=" ")
    services.assignment_report(actor=editor, assignment=mine, report="已完成。")
    with pytest.raises(InvalidTransition):
        services.assignment_report(actor=editor, assignment=mine, report="再报一次")
    with pytest.raises(InvalidTransition):
        upload(editor, mine)  # sent: the unit no longer holds it
    services.assignment_confirm(actor=office, assignment=mine)
    with pytest.raises(InvalidTransition):
        services.assignment_save(actor=editor, assignment=mine, report="改一下")
    with pytest.raises(InvalidTransition):
        services.assignment_return(actor=office, assignment=mine, reason="再看看")
    with pytest.raises(InvalidTransition):
        services.evidence_remove(actor=editor, evidence=mine.evidence.get())
    with pytest.raises(InvalidTransition):
        services.assignment_confirm(actor=office, assignment=mine)


def test_unit_a_cannot_report_for_unit_b(
    task: Task, other_department: Unit, editor: User, other_editor: User
) -> None:
    theirs = part(task, other_department)
    with pytest.raises(AccessDenied):
        upload(editor, theirs)
    with pytest.raises(AccessDenied):
        services.assignment_save(actor=editor, assignment=theirs, report="代填")
    upload(other_editor, theirs)
    with pytest.raises(AccessDenied):
        services.assignment_report(actor=editor, assignment=theirs, report="代报")
    with pytest.raises(AccessDenied):
        services.evidence_remove(actor=editor, evidence=theirs.evidence.get())


def test_units_and_leaders_cannot_confirm_or_plan(
    task: Task, department: Unit, editor: User, reviewer: User, leader: User, plan: WorkPlan
) -> None:
    mine = part(task, department)
    upload(reviewer, mine)  # the reviewer may report too
    services.assignment_report(actor=reviewer, assignment=mine, report="已完成。")
    for user in (editor, reviewer, leader):
        with pytest.raises(AccessDenied):
            services.assignment_confirm(actor=user, assignment=mine)
        with pytest.raises(AccessDenied):
            services.assignment_return(actor=user, assignment=mine, reason="x")
        with pytest.raises(AccessDenied):
            services.plan_create(actor=user, title="x", year=2020)
        with pytest.raises(AccessDenied):
            services.task_create(
                actor=user, plan=plan, number=9, text="x", lead_text="", responsible_text="县民政局",
                deadline_text="",
            )  # fmt: skip
    with pytest.raises(AccessDenied):
        upload(leader, part(task, department))


def test_the_office_may_report_for_a_unit(task: Task, department: Unit, office: User) -> None:
    mine = part(task, department)
    upload(office, mine)
    services.assignment_report(actor=office, assignment=mine, report="公开办代报。")


@pytest.mark.parametrize(
    ("name", "data", "accepted"),
    [
        ("通知.pdf", PDF, True),
        ("照片.jpg", b"\xff\xd8\xff\xe0" + b"0" * 100, True),
        ("截图.png", b"\x89PNG\r\n\x1a\n" + b"0" * 100, True),
        ("方案.docx", None, True),
        ("病毒.pdf", b"MZ\x90\x00\x03\x00\x00\x00" + b"\x00" * 200, False),
        ("改名.docx", PDF, False),
        ("材料.zip", b"PK\x03\x04" + b"\x00" * 100, False),
        ("程序.exe", b"MZ\x90\x00", False),
        ("空.pdf", b"", False),
        ("无扩展名", PDF, False),
    ],
)
def test_upload_content_checks(
    task: Task, department: Unit, editor: User, name: str, data: bytes | None, accepted: bool
) -> None:
    mine = part(task, department)
    payload = word_file() if data is None else data
    if accepted:
        upload(editor, mine, name, payload)
    else:
        with pytest.raises(ValidationFailed) as refused:
            services.evidence_add(
                actor=editor, assignment=mine, name=name, stream=io.BytesIO(payload)
            )
        assert refused.value.message.startswith(f"“{name}”未上传：")
        assert not mine.evidence.exists()


def test_upload_size_limit(task: Task, department: Unit, editor: User, settings: Any) -> None:
    settings.GONGKAI_MAX_ATTACHMENT_BYTES = 1000
    with pytest.raises(ValidationFailed) as refused:
        upload(editor, part(task, department), "大.pdf", PDF + b"0" * 2000)
    assert "文件过大" in refused.value.message


def test_upload_name_cannot_carry_a_path(task: Task, department: Unit, editor: User) -> None:
    evidence = upload(editor, part(task, department), "..\\..\\etc/通知.pdf", PDF)
    assert evidence.name == "通知.pdf"


def test_overdue_boundary(
    task: Task, plan: WorkPlan, office: User, department: Unit, editor: User
) -> None:
    """Due 2020-10-31: in time on that day, one day overdue on 1 November; confirmed parts and
    continuous tasks are never overdue."""
    services.task_create(
        actor=office, plan=plan, number=30, text="加强政务公开培训。", lead_text="县政务公开办",
        responsible_text="县有关部门", deadline_text="持续推进",
    )  # fmt: skip
    assert selectors.overdue_assignments(dt.date(2020, 10, 31)) == []
    late = selectors.overdue_assignments(dt.date(2020, 11, 1))
    assert [(r.unit_code, r.days_overdue, r.task_number) for r in late] == [
        ("MZJ", 1, 3),
        ("ZJJ", 1, 3),
    ]
    assert (
        selectors.overdue_assignments(dt.date(2021, 10, 31), unit=department)[0].days_overdue == 365
    )
    mine = part(task, department)
    upload(editor, mine)
    services.assignment_report(actor=editor, assignment=mine, report="已完成。")
    assert len(selectors.overdue_assignments(dt.date(2020, 11, 1))) == 2  # reported is not done
    services.assignment_confirm(actor=office, assignment=mine)
    assert [r.unit_code for r in selectors.overdue_assignments(dt.date(2020, 11, 1))] == ["ZJJ"]


def test_unit_completion(
    task: Task, plan: WorkPlan, department: Unit, editor: User, office: User
) -> None:
    with time_machine.travel(dt.datetime(2020, 12, 1, tzinfo=dt.UTC)):
        assert selectors.unit_completion(plan, department).overdue == 1
        mine = part(task, department)
        upload(editor, mine)
        services.assignment_report(actor=editor, assignment=mine, report="已完成。")
        services.assignment_confirm(actor=office, assignment=mine)
        done = selectors.unit_completion(plan, department)
    assert (done.total, done.confirmed, done.overdue, done.rate) == (1, 1, 0, 1.0)
    assert selectors.unit_completion(plan, Unit.objects.get(code="QJZ")).rate is None


def test_task_update_keeps_started_units(
    task: Task, department: Unit, editor: User, office: User
) -> None:
    upload(editor, part(task, department))
    with pytest.raises(ValidationFailed, match="县民政局已开始落实"):
        services.task_update(
            actor=office, task=task, number=3, text=task.text, lead_text="县政务公开办",
            responsible_text="县住建局", deadline_text="2020年10月底",
        )  # fmt: skip
    services.task_update(
        actor=office, task=task, number=3, text=task.text, lead_text="县政务公开办",
        responsible_text="县民政局、各乡镇政府", deadline_text="2020年11月底",
    )  # fmt: skip
    task.refresh_from_db()
    assert set(task.assignments.values_list("unit__code", flat=True)) == {"MZJ", "QJZ"}
    assert task.deadline == dt.date(2020, 11, 30)


def test_task_with_only_a_lead_column_is_carried_by_the_lead(plan: WorkPlan, office: User) -> None:
    task = services.task_create(
        actor=office, plan=plan, number=1, text="出台全面推进基层政务公开标准化规范化工作实施方案",
        lead_text="县政府办公室，县政务公开办", responsible_text="", deadline_text="2020年8月底",
    )  # fmt: skip
    assert list(task.assignments.values_list("unit__code", flat=True)) == ["GKB"]
    assert task.unresolved == "县政府办公室"


def test_task_naming_no_known_unit_is_refused(plan: WorkPlan, office: User) -> None:
    with pytest.raises(ValidationFailed, match="没有一个能对应"):
        services.task_create(
            actor=office, plan=plan, number=6, text="建设专题", lead_text="县政务公开办",
            responsible_text="信息中心", deadline_text="2020年10月底",
        )  # fmt: skip
