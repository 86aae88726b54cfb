"""Reads of the work ledger that involve visibility or add things up: a plan's progress, a task's
units, one unit's 台账, overdue parts and a unit's completion (the assessment reads the last two).

Who sees what (gongkai.orgs.permissions): every staff member sees the plans and their tasks (a plan
is a published document); a unit's staff see their own unit's parts; the office and leaders see
every unit's.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, Prefetch, QuerySet
from django.http import Http404

from gongkai.core import clock
from gongkai.core.errors import AccessDenied
from gongkai.ledger.models import (
    STATUS_ORDER,
    Assignment,
    AssignmentStatus,
    Evidence,
    Task,
    WorkPlan,
)
from gongkai.orgs import permissions
from gongkai.orgs.models import Unit


def days_overdue(deadline: dt.date | None, as_of: dt.date) -> int:
    """Days past the deadline; 0 on the deadline day itself and for work without a deadline."""
    if deadline is None:
        return 0
    return max((as_of - deadline).days, 0)


def _staff_only(user: Any) -> None:
    if not permissions.is_staff_member(user):
        raise AccessDenied("只有工作人员可以查看工作台账。", log="ledger: not staff")


# ---------------------------------------------------------------------------- fetching


def plans_for(user: Any) -> QuerySet[WorkPlan]:
    """The plans a staff member may open (every plan: it is a published document)."""
    _staff_only(user)
    return WorkPlan.objects.annotate(task_count=Count("tasks"))


def plan_for(user: Any, pk: int) -> WorkPlan:
    _staff_only(user)
    plan = WorkPlan.objects.filter(pk=pk).first()
    if plan is None:
        raise Http404
    return plan


def task_for(user: Any, pk: int) -> Task:
    _staff_only(user)
    task = Task.objects.select_related("plan").filter(pk=pk).first()
    if task is None:
        raise Http404
    return task


def assignment_for(user: Any, pk: int) -> Assignment:
    """A unit's part of a task, if the user may read that unit's work."""
    assignment = (
        Assignment.objects.select_related("task__plan", "unit", "reported_by", "confirmed_by")
        .filter(pk=pk)
        .first()
    )
    if assignment is None:
        raise Http404
    if not permissions.can_view_unit(user, assignment.unit):
        raise AccessDenied("只能查看本单位承担的任务。", log="ledger: other unit's assignment")
    return assignment


def evidence_for(user: Any, pk: int) -> Evidence:
    evidence = Evidence.objects.select_related("assignment__unit").filter(pk=pk).first()
    if evidence is None:
        raise Http404
    if not permissions.can_view_unit(user, evidence.assignment.unit):
        raise AccessDenied("只能下载本单位的佐证材料。", log="ledger: other unit's evidence")
    return evidence


def unit_for(user: Any, code: str) -> Unit:
    unit = Unit.objects.filter(code=code).first()
    if unit is None:
        raise Http404
    if not permissions.can_view_unit(user, unit):
        raise AccessDenied("只能查看本单位的工作台账。", log="ledger: other unit's ledger")
    return unit


def own_units(user: Any, plan: WorkPlan) -> list[Unit]:
    """The user's own units that carry a part of the plan (the links to "本单位台账")."""
    own = set(permissions.roles_by_unit(user))
    return list(Unit.objects.filter(pk__in=own, task_assignments__task__plan=plan).distinct())


# ---------------------------------------------------------------------------- a plan's progress


@dataclass
class TaskProgress:
    """One task's row on the plan page: its parts counted by status and the overdue ones."""

    task: Task
    counts: dict[str, int]
    total: int
    overdue: int
    evidence: int
    days_overdue: int

    @property
    def confirmed(self) -> int:
        return self.counts.get(AssignmentStatus.CONFIRMED, 0)

    @property
    def status_cells(self) -> list[int]:
        return [self.counts.get(s, 0) for s in STATUS_ORDER]


def plan_progress(plan: WorkPlan, *, as_of: dt.date | None = None) -> list[TaskProgress]:
    """Every task of the plan with its parts counted by status (three queries, whatever the
    number of units)."""
    as_of = as_of or clock.today()
    tasks = list(plan.tasks.all())
    counts: dict[int, Counter[str]] = {t.pk: Counter() for t in tasks}
    rows = (
        Assignment.objects.filter(task__plan=plan)
        .order_by()
        .values_list("task_id", "status")
        .annotate(n=Count("pk"))
    )
    for task_id, status, n in rows:
        counts[task_id][status] = n
    evidence = dict(
        Evidence.objects.filter(assignment__task__plan=plan)
        .order_by()
        .values_list("assignment__task_id")
        .annotate(n=Count("pk"))
        .values_list("assignment__task_id", "n")
    )
    found = []
    for task in tasks:
        c = counts[task.pk]
        late = days_overdue(task.deadline, as_of)
        open_parts = sum(c.values()) - c[AssignmentStatus.CONFIRMED]
        found.append(
            TaskProgress(
                task=task,
                counts=dict(c),
                total=sum(c.values()),
                overdue=open_parts if late else 0,
                evidence=evidence.get(task.pk, 0),
                days_overdue=late if open_parts else 0,
            )
        )
    return found


def status_totals(rows: list[TaskProgress]) -> list[tuple[str, int]]:
    """The plan's parts by status, labelled, in the order a ledger reads."""
    totals: Counter[str] = Counter()
    for row in rows:
        totals.update(row.counts)
    return [(AssignmentStatus(s).label, totals[s]) for s in STATUS_ORDER]


# ---------------------------------------------------------------------------- a task, a unit


@dataclass
class PartRow:
    """A unit's part with what a ledger shows beside it."""

    assignment: Assignment
    evidence: list[Evidence] = field(default_factory=list)
    days_overdue: int = 0


def _part_rows(queryset: QuerySet[Assignment], as_of: dt.date) -> list[PartRow]:
    parts = queryset.select_related("task", "unit").prefetch_related(
        Prefetch("evidence", queryset=Evidence.objects.order_by("pk"))
    )
    return [
        PartRow(
            assignment=a,
            evidence=list(a.evidence.all()),
            days_overdue=0
            if a.status == AssignmentStatus.CONFIRMED
            else days_overdue(a.task.deadline, as_of),
        )
        for a in parts
    ]


def task_parts(user: Any, task: Task, *, as_of: dt.date | None = None) -> list[PartRow]:
    """Every unit's part of a task that the user may see (all of them for office and leaders)."""
    queryset = task.assignments.order_by("unit__sort_order", "unit__code")
    visible = permissions.visible_unit_ids(user)
    if visible is not None:
        queryset = queryset.filter(unit_id__in=visible)
    return _part_rows(queryset, as_of or clock.today())


def unit_ledger(plan: WorkPlan, unit: Unit, *, as_of: dt.date | None = None) -> list[PartRow]:
    """One unit's 台账 of a plan: every task it carries, in the plan's order, with its files.
    The caller has checked the user may read the unit (``unit_for``)."""
    queryset = Assignment.objects.filter(task__plan=plan, unit=unit).order_by("task__number")
    return _part_rows(queryset, as_of or clock.today())


# ---------------------------------------------------------------------------- overdue, completion


@dataclass(frozen=True)
class OverdueAssignment:
    """A unit's part not confirmed after its task's deadline."""

    assignment_id: int
    plan_id: int
    plan_title: str
    task_id: int
    task_number: int
    task_text: str
    unit_id: int
    unit_code: str
    unit_name: str
    status: str
    deadline: dt.date
    days_overdue: int

    @property
    def status_label(self) -> str:
        return AssignmentStatus(self.status).label


def overdue_assignments(
    as_of: dt.date,
    unit: Unit | None = None,
    *,
    plan: WorkPlan | None = None,
    units: set[int] | None = None,
    limit: int | None = None,
) -> list[OverdueAssignment]:
    """Parts not confirmed after their task's deadline (the deadline day itself is in time;
    continuous tasks are never overdue), most overdue first. ``unit`` or ``units`` (ids)
    narrow it, ``limit`` cuts it; for the assessment's scores and the overdue page."""
    queryset = _overdue(as_of, unit=unit, plan=plan, units=units)
    fields = (
        "pk",
        "task__plan_id",
        "task__plan__title",
        "task_id",
        "task__number",
        "task__text",
        "unit_id",
        "unit__code",
        "unit__name",
        "status",
        "task__deadline",
    )
    rows = queryset.order_by(
        "task__deadline", "task__plan_id", "task__number", "unit__sort_order"
    ).values_list(*fields)
    if limit is not None:
        rows = rows[:limit]
    return [
        OverdueAssignment(
            pk,
            plan_id,
            title,
            task_id,
            number,
            text,
            unit_id,
            code,
            name,
            status,
            deadline,
            days_overdue=days_overdue(deadline, as_of),
        )
        for (pk, plan_id, title, task_id, number, text, unit_id, code, name, status, deadline) in (
            rows.iterator(chunk_size=5000)
        )
    ]


def overdue_count(
    as_of: dt.date,
    unit: Unit | None = None,
    *,
    plan: WorkPlan | None = None,
    units: set[int] | None = None,
) -> int:
    """How many parts ``overdue_assignments`` would list."""
    return _overdue(as_of, unit=unit, plan=plan, units=units).count()


def _overdue(
    as_of: dt.date, *, unit: Unit | None, plan: WorkPlan | None, units: set[int] | None
) -> QuerySet[Assignment]:
    queryset = Assignment.objects.overdue(on=as_of)
    if unit is not None:
        queryset = queryset.filter(unit=unit)
    if units is not None:
        queryset = queryset.filter(unit_id__in=units)
    if plan is not None:
        queryset = queryset.filter(task__plan=plan)
    return queryset


@dataclass(frozen=True)
class Completion:
    """How far a unit is with its parts of a plan (for the assessment)."""

    total: int
    confirmed: int
    reported: int
    returned: int
    overdue: int

    @property
    def rate(self) -> float | None:
        """Share confirmed, 0–1; None when the unit carries no task of the plan."""
        return self.confirmed / self.total if self.total else None


def unit_completion(plan: WorkPlan, unit: Unit, *, as_of: dt.date | None = None) -> Completion:
    """A unit's parts of a plan counted: confirmed, awaiting the office, returned, overdue."""
    as_of = as_of or clock.today()
    queryset = Assignment.objects.filter(task__plan=plan, unit=unit)
    counts = dict(queryset.order_by().values_list("status").annotate(n=Count("pk")))
    return Completion(
        total=sum(counts.values()),
        confirmed=counts.get(AssignmentStatus.CONFIRMED, 0),
        reported=counts.get(AssignmentStatus.REPORTED, 0),
        returned=counts.get(AssignmentStatus.RETURNED, 0),
        overdue=queryset.overdue(on=as_of).count(),
    )


# ---------------------------------------------------------------------------- export rows


def plan_detail_rows(plan: WorkPlan, *, as_of: dt.date) -> Iterator[list[Any]]:
    """Every part of the plan as a row (序号, 工作任务, 责任单位, 状态, …), streamed for the export."""
    evidence = dict(
        Evidence.objects.filter(assignment__task__plan=plan)
        .order_by()
        .values_list("assignment_id")
        .annotate(n=Count("pk"))
        .values_list("assignment_id", "n")
    )
    rows = (
        Assignment.objects.filter(task__plan=plan)
        .order_by("task__number", "unit__sort_order", "unit__code")
        .values_list(
            "pk",
            "task__number",
            "task__text",
            "unit__name",
            "status",
            "reported_on",
            "report",
            "return_reason",
            "task__deadline",
        )
    )
    for pk, number, text, unit, status, reported_on, report, reason, deadline in rows.iterator(
        chunk_size=5000
    ):
        late = 0 if status == AssignmentStatus.CONFIRMED else days_overdue(deadline, as_of)
        yield [
            number,
            text,
            unit,
            AssignmentStatus(status).label,
            reported_on,
            report,
            evidence.get(pk, 0),
            late or "",
            reason,
        ]
