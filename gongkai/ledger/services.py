"""Every change to the work ledger: plans and tasks (the office), a unit's report and evidence
(the unit), confirming or returning it (the office). Each checks permission and the allowed step,
saves, and writes the audit log.

Who may do what (gongkai.orgs.permissions): the office writes plans and tasks and accepts or
returns the units' work (can_manage_work_plans); a responsible unit's editor or reviewer reports its
own part and uploads evidence (can_report_task_of; the office may act for any unit); leaders read
everything and change nothing.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import IO, Any, cast

from django.conf import settings
from django.core.files import File
from django.db import connection, transaction

from gongkai.core import clock
from gongkai.core.audit import audit
from gongkai.core.errors import InvalidTransition, ValidationFailed
from gongkai.core.models import AuditEntry
from gongkai.ledger import excel
from gongkai.ledger.deadlines import DeadlineError, parse_deadline
from gongkai.ledger.evidence import EvidenceRefused, check_evidence
from gongkai.ledger.models import (
    ALLOWED,
    WORKING_STATUSES,
    Assignment,
    AssignmentStatus,
    Evidence,
    Task,
    WorkPlan,
)
from gongkai.ledger.resolution import PilotDepartment, Resolution, UnitDirectory
from gongkai.orgs import permissions
from gongkai.orgs.models import Unit

MAX_REPORT_CHARS = 5000
MAX_REASON_CHARS = 1000


def _require_office(actor: Any) -> None:
    permissions.require_pred(
        permissions.can_manage_work_plans,
        actor,
        message="只有县政务公开办可以编制工作方案、确认或退回各单位的落实情况。",
    )


def _require_reporter(actor: Any, unit: Unit) -> None:
    permissions.require_pred(
        permissions.can_report_task_of,
        actor,
        unit,
        message="只能报送本单位承担的任务（须是本单位的信息员或审核人）。",
    )


def _locked(assignment: Assignment) -> Assignment:
    return (
        Assignment.objects.select_for_update().select_related("task", "unit").get(pk=assignment.pk)
    )


def _move(assignment: Assignment, to: str, refusal: str) -> None:
    if to not in ALLOWED[assignment.status]:
        raise InvalidTransition(
            refusal, log=f"assignment {assignment.pk}: {assignment.status} -> {to} refused"
        )
    assignment.status = to


def _record(actor: Any, action: str, assignment: Assignment, summary: str, **data: Any) -> None:
    audit(
        actor=actor,
        action=f"ledger.{action}",
        target=assignment,
        unit_code=assignment.unit.code,
        summary=summary,
        data=data,
    )


# ---------------------------------------------------------------------------- plans


def _clean_plan(title: str, year: int) -> str:
    title = (title or "").strip()
    if not title:
        raise ValidationFailed("请填写工作方案的名称。")
    if not 2000 <= year <= 2100:
        raise ValidationFailed("年度应为四位年份，如2020。")
    return title


def _clean_pilot(entries: Sequence[PilotDepartment] | None) -> list[dict[str, Any]]:
    cleaned: list[dict[str, Any]] = []
    for entry in entries or ():
        name = str(entry.get("name", "")).strip()
        if name:
            domains = [str(d).strip() for d in entry.get("domains", []) if str(d).strip()]
            cleaned.append({"name": name, "domains": domains})
    return cleaned


@transaction.atomic
def plan_create(
    *,
    actor: Any,
    title: str,
    year: int,
    doc_number: str = "",
    issued_on: dt.date | None = None,
    issuer: str = "",
    note: str = "",
    pilot_departments: Sequence[PilotDepartment] | None = None,
) -> WorkPlan:
    """Create a work plan (the office). ``pilot_departments`` is the plan's annex of pilot-domain
    departments, read when a task names "县直26个试点领域业务主管部门". Audited."""
    _require_office(actor)
    plan = WorkPlan.objects.create(
        title=_clean_plan(title, year),
        year=year,
        doc_number=doc_number.strip(),
        issued_on=issued_on,
        issuer=issuer.strip(),
        note=note.strip(),
        pilot_departments=_clean_pilot(pilot_departments),
        created_by=actor if getattr(actor, "is_authenticated", False) else None,
    )
    audit(actor=actor, action="ledger.plan_create", target=plan, summary=f"新建工作方案“{title}”")
    return plan


@transaction.atomic
def plan_update(
    *,
    actor: Any,
    plan: WorkPlan,
    title: str,
    year: int,
    doc_number: str = "",
    issued_on: dt.date | None = None,
    issuer: str = "",
    note: str = "",
) -> WorkPlan:
    """Change a plan's heading (the office); its tasks are edited one by one. Audited."""
    _require_office(actor)
    plan = WorkPlan.objects.select_for_update().get(pk=plan.pk)
    plan.title = _clean_plan(title, year)
    plan.year = year
    plan.doc_number = doc_number.strip()
    plan.issued_on = issued_on
    plan.issuer = issuer.strip()
    plan.note = note.strip()
    plan.save()
    audit(actor=actor, action="ledger.plan_update", target=plan, summary=f"修改工作方案“{title}”")
    return plan


# ---------------------------------------------------------------------------- tasks


@dataclass
class TaskDraft:
    """A task as typed or read from a table, with what it resolves to (or the problems)."""

    number: int
    text: str
    lead_text: str
    responsible_text: str
    deadline_text: str
    deadline: dt.date | None = None
    continuous: bool = False
    lead: Resolution = field(default_factory=Resolution)
    responsible: Resolution = field(default_factory=Resolution)
    problems: list[str] = field(default_factory=list)

    @property
    def carriers(self) -> list[Unit]:
        """The units that carry the task: its 主体责任单位, or its lead units when the table
        names none (seed 004 task 1 has one merged cell for both)."""
        return self.responsible.units if self.responsible_text.strip() else self.lead.units

    @property
    def unresolved(self) -> list[str]:
        return list(dict.fromkeys([*self.lead.unresolved, *self.responsible.unresolved]))

    @property
    def notes(self) -> list[str]:
        return list(dict.fromkeys([*self.lead.notes, *self.responsible.notes]))


def draft_task(
    directory: UnitDirectory,
    plan: WorkPlan,
    *,
    number: int,
    text: str,
    lead_text: str,
    responsible_text: str,
    deadline_text: str,
) -> TaskDraft:
    """Check and resolve one task without saving it; problems are Chinese sentences."""
    draft = TaskDraft(
        number=number,
        text=excel.clean_text(text),
        lead_text=excel.clean_units(lead_text),
        responsible_text=excel.clean_units(responsible_text),
        deadline_text=deadline_text.strip(),
    )
    if number < 1:
        draft.problems.append("序号应为正整数。")
    if not draft.text:
        draft.problems.append("工作任务不能为空。")
    if not draft.lead_text and not draft.responsible_text:
        draft.problems.append("牵头责任单位和主体责任单位不能都为空。")
    try:
        parsed = parse_deadline(deadline_text)
    except DeadlineError as err:
        draft.problems.append(str(err))
    else:
        draft.deadline, draft.continuous, draft.deadline_text = (
            parsed.date,
            parsed.continuous,
            parsed.text,
        )
    pilot = cast(list[PilotDepartment], plan.pilot_departments)
    draft.lead = directory.resolve(draft.lead_text, pilot=pilot)
    draft.responsible = directory.resolve(draft.responsible_text, pilot=pilot)
    if (draft.lead_text or draft.responsible_text) and not draft.carriers:
        column = "主体责任单位" if draft.responsible_text else "牵头责任单位"
        shown = draft.responsible_text or draft.lead_text
        draft.problems.append(f"{column}“{shown}”中没有一个能对应到系统中的单位。")
    if len(draft.text) > 2000:
        draft.problems.append("工作任务过长（最多2000字）。")
    return draft


def _save_task(task: Task, draft: TaskDraft) -> None:
    task.number = draft.number
    task.text = draft.text
    task.lead_text = draft.lead_text[:200]
    task.responsible_text = draft.responsible_text[:200]
    task.unresolved = "、".join(draft.unresolved)[:300]
    task.resolution_note = "；".join(draft.notes)
    task.deadline_text = draft.deadline_text[:60]
    task.deadline = draft.deadline
    task.continuous = draft.continuous
    task.save()
    task.lead_units.set(draft.lead.units)


@transaction.atomic
def task_create(
    *,
    actor: Any,
    plan: WorkPlan,
    number: int,
    text: str,
    lead_text: str,
    responsible_text: str,
    deadline_text: str,
) -> Task:
    """Add a task to a plan (the office) and give each responsible unit its part. The unit
    columns are kept as written; names matching no unit are kept as text. Audited."""
    _require_office(actor)
    draft = draft_task(
        UnitDirectory(),
        plan,
        number=number,
        text=text,
        lead_text=lead_text,
        responsible_text=responsible_text,
        deadline_text=deadline_text,
    )
    if plan.tasks.filter(number=number).exists():
        draft.problems.append(f"本方案已有序号为{number}的任务。")
    if draft.problems:
        raise ValidationFailed("任务未保存：" + "".join(draft.problems), problems=draft.problems)
    task = Task(plan=plan)
    _save_task(task, draft)
    Assignment.objects.bulk_create([Assignment(task=task, unit=u) for u in draft.carriers])
    audit(
        actor=actor,
        action="ledger.task_create",
        target=task,
        summary=f"新增任务{number}：{draft.text[:60]}",
        data={"units": len(draft.carriers), "unresolved": draft.unresolved},
    )
    return task


@transaction.atomic
def task_update(
    *,
    actor: Any,
    task: Task,
    number: int,
    text: str,
    lead_text: str,
    responsible_text: str,
    deadline_text: str,
) -> Task:
    """Change a task (the office). Units newly named get their part; a unit no longer named loses
    its part only if it has not started (no report, no evidence) — otherwise the change is refused,
    so no unit's reported work disappears from the ledger. Audited."""
    _require_office(actor)
    task = Task.objects.select_for_update().select_related("plan").get(pk=task.pk)
    draft = draft_task(
        UnitDirectory(),
        task.plan,
        number=number,
        text=text,
        lead_text=lead_text,
        responsible_text=responsible_text,
        deadline_text=deadline_text,
    )
    if task.plan.tasks.filter(number=number).exclude(pk=task.pk).exists():
        draft.problems.append(f"本方案已有序号为{number}的任务。")
    wanted = {u.pk for u in draft.carriers}
    current = {a.unit_id: a for a in task.assignments.select_related("unit")}
    dropped = [a for unit_id, a in current.items() if unit_id not in wanted]
    started = [
        a.unit.name
        for a in dropped
        if a.status != AssignmentStatus.PENDING or a.evidence.exists() or a.report
    ]
    if started:
        draft.problems.append(f"{'、'.join(started)}已开始落实本任务，不能从责任单位中去掉。")
    if draft.problems:
        raise ValidationFailed("任务未保存：" + "".join(draft.problems), problems=draft.problems)
    _save_task(task, draft)
    Assignment.objects.filter(pk__in=[a.pk for a in dropped]).delete()
    Assignment.objects.bulk_create(
        [Assignment(task=task, unit=u) for u in draft.carriers if u.pk not in current]
    )
    audit(
        actor=actor,
        action="ledger.task_update",
        target=task,
        summary=f"修改任务{number}：{draft.text[:60]}",
        data={"removed": [a.unit.code for a in dropped], "unresolved": draft.unresolved},
    )
    return task


@dataclass(frozen=True)
class ImportResult:
    tasks: int
    assignments: int
    unresolved: list[str]
    notes: list[str]


def tasks_import(*, actor: Any, plan: WorkPlan, filename: str, data: bytes) -> ImportResult:
    """Import a plan's tasks from an .xlsx or .csv in annex 1's layout (序号, 工作任务, 牵头责任单位,
    主体责任单位, 时限要求): all or nothing — any problem in any row and nothing is saved, with one
    Chinese sentence per row. Audited. The file is read before the write transaction opens
    (issue 12)."""
    _require_office(actor)
    rows = excel.read_task_rows(data, filename)
    return _tasks_import_rows(actor=actor, plan=plan, filename=filename, rows=rows)


@transaction.atomic
def _tasks_import_rows(
    *, actor: Any, plan: WorkPlan, filename: str, rows: list[excel.TaskRow]
) -> ImportResult:
    """Check the read rows of tasks_import against the plan and save them, in one transaction."""
    directory = UnitDirectory()
    taken = set(plan.tasks.values_list("number", flat=True))
    seen: dict[int, str] = {}
    problems: list[str] = []
    drafts: list[TaskDraft] = []
    for row in rows:
        draft = draft_task(
            directory,
            plan,
            number=row.number,
            text=row.text,
            lead_text=row.lead,
            responsible_text=row.responsible,
            deadline_text=row.deadline,
        )
        draft.problems[:0] = row.problems
        if row.number in taken:
            draft.problems.append(f"本方案已有序号为{row.number}的任务。")
        elif row.number in seen:
            draft.problems.append(f"序号{row.number}与{seen[row.number]}重复。")
        seen.setdefault(row.number, row.where)
        problems.extend(f"{row.where}：{p}" for p in draft.problems)
        drafts.append(draft)
    if problems:
        raise ValidationFailed(
            f"导入失败，没有保存任何任务：文件中有{len(problems)}处问题，请修改后重新导入。",
            log=f"task import refused: {len(problems)} problems",
            problems=problems,
        )
    pairs: list[tuple[int, int]] = []
    for draft in drafts:
        task = Task(plan=plan)
        _save_task(task, draft)
        pairs.extend((task.pk, u.pk) for u in draft.carriers)
    _insert_parts(pairs)
    unresolved = list(dict.fromkeys(n for d in drafts for n in d.unresolved))
    notes = list(dict.fromkeys(n for d in drafts for n in d.notes))
    audit(
        actor=actor,
        action="ledger.tasks_import",
        target=plan,
        summary=f"从“{filename}”导入任务{len(drafts)}项",
        data={"tasks": len(drafts), "assignments": len(pairs), "unresolved": unresolved},
    )
    return ImportResult(len(drafts), len(pairs), unresolved, notes)


def _insert_parts(pairs: list[tuple[int, int]]) -> None:
    """Insert new, not-started parts (task id, unit id) with one executemany.

    A province's plan hands 50 tasks to 2,000 units: bulk_create would cut 100,000 rows into
    SQLite's 999-parameter batches and spend ~25 s building SQL; this takes well under a second.
    The row is what ``Assignment(task=…, unit=…)`` saves: every other field at its default.
    """
    if not pairs:
        return
    meta = Assignment._meta
    stamp = meta.get_field("created_at").get_db_prep_value(clock.now(), connection)
    columns = [
        "created_at",
        "updated_at",
        "task_id",
        "unit_id",
        "status",
        "report",
        "return_reason",
    ]
    quoted = ", ".join(connection.ops.quote_name(c) for c in columns)
    marks = ", ".join(["%s"] * len(columns))
    table = connection.ops.quote_name(meta.db_table)
    rows = [
        (stamp, stamp, task, unit, AssignmentStatus.PENDING.value, "", "") for task, unit in pairs
    ]
    with connection.cursor() as cursor:
        cursor.executemany(f"INSERT INTO {table} ({quoted}) VALUES ({marks})", rows)  # noqa: S608 - names from the model


# ---------------------------------------------------------------------------- a unit's part


def _clean_report(report: str) -> str:
    report = (report or "").strip()
    if len(report) > MAX_REPORT_CHARS:
        raise ValidationFailed(f"落实情况最多{MAX_REPORT_CHARS}字，请精简后再保存。")
    return report


def _not_held(assignment: Assignment) -> InvalidTransition:
    shown = assignment.get_status_display()
    return InvalidTransition(
        f"本单位的任务落实情况{shown}，不能再修改；被退回后才能修改。",
        log=f"assignment {assignment.pk} is {assignment.status}",
    )


@transaction.atomic
def assignment_save(*, actor: Any, assignment: Assignment, report: str) -> Assignment:
    """Save the unit's account of its work without sending it (未开始 → 进行中). Audited."""
    assignment = _locked(assignment)
    _require_reporter(actor, assignment.unit)
    if assignment.status not in WORKING_STATUSES:
        raise _not_held(assignment)
    assignment.report = _clean_report(report)
    if assignment.status == AssignmentStatus.PENDING:
        _move(assignment, AssignmentStatus.IN_PROGRESS, "")
    assignment.save()
    _record(actor, "assignment_save", assignment, f"保存落实情况：{assignment.task}")
    return assignment


@transaction.atomic
def assignment_report(*, actor: Any, assignment: Assignment, report: str) -> Assignment:
    """Send the unit's part to the office (已报送): needs the account of what was done and at
    least one evidence file (佐证材料). Refused once sent or confirmed. Audited."""
    assignment = _locked(assignment)
    _require_reporter(actor, assignment.unit)
    if assignment.status not in WORKING_STATUSES:
        raise _not_held(assignment)
    text = _clean_report(report)
    if not text:
        raise ValidationFailed("请填写落实情况后再报送。")
    if not assignment.evidence.exists():
        raise ValidationFailed("请至少上传一份佐证材料后再报送。")
    _move(assignment, AssignmentStatus.REPORTED, "当前状态不能报送。")
    assignment.report = text
    assignment.reported_on = clock.today()
    assignment.reported_by = actor if getattr(actor, "is_authenticated", False) else None
    assignment.save()
    _record(actor, "assignment_report", assignment, f"报送落实情况：{assignment.task}")
    return assignment


@transaction.atomic
def evidence_add(*, actor: Any, assignment: Assignment, name: str, stream: IO[bytes]) -> Evidence:
    """Attach one evidence file (佐证材料) after checking its size and content
    (gongkai.ledger.evidence). Allowed while the unit holds its part; 未开始 becomes 进行中.
    Audited with the file's SHA-256."""
    assignment = _locked(assignment)
    _require_reporter(actor, assignment.unit)
    if assignment.status not in WORKING_STATUSES:
        raise _not_held(assignment)
    shown = (name or "").replace("\\", "/").rsplit("/", 1)[-1].strip()[-200:]
    try:
        checked = check_evidence(shown, stream, max_bytes=settings.GONGKAI_MAX_ATTACHMENT_BYTES)
    except EvidenceRefused as err:
        raise ValidationFailed(
            f"“{shown}”未上传：{err}", log=f"evidence refused: {shown}"
        ) from None
    evidence = Evidence(
        assignment=assignment,
        name=shown,
        kind=checked.kind,
        size=checked.size,
        sha256=checked.sha256,
        uploaded_by=actor if getattr(actor, "is_authenticated", False) else None,
    )
    stream.seek(0)
    evidence.file.save(f"{checked.sha256[:16]}.{checked.kind}", File(stream), save=False)
    evidence.save()
    if assignment.status == AssignmentStatus.PENDING:
        _move(assignment, AssignmentStatus.IN_PROGRESS, "")
        assignment.save(update_fields=["status", "updated_at"])
    _record(
        actor,
        "evidence_add",
        assignment,
        f"上传佐证材料“{shown}”",
        sha256=checked.sha256,
        size=checked.size,
    )
    return evidence


@transaction.atomic
def evidence_remove(*, actor: Any, evidence: Evidence) -> None:
    """Remove an evidence file while the unit still holds its part (the stored file is kept, as
    the audit entry names its SHA-256). Audited."""
    assignment = _locked(evidence.assignment)
    _require_reporter(actor, assignment.unit)
    if assignment.status not in WORKING_STATUSES:
        raise _not_held(assignment)
    name, digest = evidence.name, evidence.sha256
    evidence.delete()
    _record(actor, "evidence_remove", assignment, f"删除佐证材料“{name}”", sha256=digest)


# The audited steps that write a unit's part: their actors count as its writers.
CONTENT_ACTIONS = (
    "ledger.assignment_save",
    "ledger.assignment_report",
    "ledger.evidence_add",
    "ledger.evidence_remove",
)


def writer_ids(assignment: Assignment) -> set[int | None]:
    """Who wrote the unit's part: who reported it and everyone who saved its account or added or
    removed evidence, as the audit log records (separation of duties,
    permissions.may_sign_off). The office may report for a unit (can_report_task_of), so an
    office member can be among them."""
    actors = AuditEntry.objects.filter(
        target_type=Assignment._meta.label_lower,
        target_id=str(assignment.pk),
        action__in=CONTENT_ACTIONS,
    ).values_list("actor_id", flat=True)
    return {assignment.reported_by_id, *actors}


@transaction.atomic
def assignment_confirm(*, actor: Any, assignment: Assignment) -> Assignment:
    """The office accepts a unit's reported part (已确认, final). Refused before a report, and
    to whoever wrote the part (permissions.may_sign_off)."""
    _require_office(actor)
    assignment = _locked(assignment)
    if actor is not None:
        permissions.require_not_writer(
            actor, writer_ids(assignment), permissions.SELF_REVIEW_REPORT_MESSAGE
        )
    _move(assignment, AssignmentStatus.CONFIRMED, "只能确认已报送的落实情况。")
    assignment.confirmed_at = clock.now()
    assignment.confirmed_by = actor if getattr(actor, "is_authenticated", False) else None
    assignment.return_reason = ""
    assignment.save()
    _record(actor, "assignment_confirm", assignment, f"确认落实情况：{assignment.task}")
    return assignment


@transaction.atomic
def assignment_return(*, actor: Any, assignment: Assignment, reason: str) -> Assignment:
    """The office returns a reported part to the unit with a reason (已退回); the unit then
    completes it and reports again. Refused before a report or after confirmation."""
    _require_office(actor)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationFailed("请填写退回原因，告诉责任单位还需要补充什么。")
    if len(reason) > MAX_REASON_CHARS:
        raise ValidationFailed(f"退回原因最多{MAX_REASON_CHARS}字。")
    assignment = _locked(assignment)
    _move(assignment, AssignmentStatus.RETURNED, "只能退回已报送、尚未确认的落实情况。")
    assignment.return_reason = reason
    assignment.save()
    _record(
        actor, "assignment_return", assignment, f"退回落实情况：{assignment.task}", reason=reason
    )
    return assignment
