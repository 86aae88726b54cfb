"""The work ledger (工作台账): a work plan's tasks, each unit's part of a task, and its evidence.

Seed 004 runs the county's standardization work through a plan whose annex 1 lists tasks with a
lead unit (牵头责任单位), the units that carry them (主体责任单位) and a deadline (时限要求); seed 003
complains that no township could produce a complete ledger. Here every responsible unit gets an
``Assignment`` of the task, reports its part with evidence files (佐证材料), and the county office
confirms or returns it; the whole ledger, per unit, downloads as one zip.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import models
from django.urls import reverse

from gongkai.core.models import BaseModel, staff_reference
from gongkai.orgs.models import Unit


class WorkPlan(BaseModel):
    """A work plan as issued (e.g. 青政办秘〔2020〕51号 with its annex of tasks)."""

    title = models.CharField("方案名称", max_length=200)
    doc_number = models.CharField("文号", max_length=60, blank=True)
    year = models.PositiveSmallIntegerField("年度")
    issued_on = models.DateField("印发日期", null=True, blank=True)
    issuer = models.CharField("发文单位", max_length=100, blank=True)
    note = models.TextField("说明", blank=True)
    # The plan's list of pilot-domain departments (seed 004 annex 2: [{"name", "domains"}]), which
    # its task table calls "县直26个试点领域业务主管部门"; empty: every pilot domain's lead units.
    pilot_departments: models.JSONField[list[dict[str, Any]]] = models.JSONField(
        "试点领域业务主管部门名单", default=list, blank=True
    )
    created_by = staff_reference("创建人")

    class Meta:
        ordering = ["-year", "-pk"]
        verbose_name = "工作方案"
        verbose_name_plural = "工作方案"

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("ledger:plan", args=[self.pk])


class Task(BaseModel):
    """One row of the plan's task table. The unit columns are kept as written, because a plan
    names groups (各乡镇政府, 县有关部门) and bodies the system may not hold (信息中心); the
    resolved units are kept beside them."""

    plan = models.ForeignKey(
        WorkPlan, on_delete=models.PROTECT, related_name="tasks", verbose_name="工作方案"
    )
    number = models.PositiveIntegerField("序号")
    text = models.TextField("工作任务")
    lead_text = models.CharField("牵头责任单位（原文）", max_length=200, blank=True)
    lead_units = models.ManyToManyField(
        Unit, blank=True, related_name="led_tasks", verbose_name="牵头责任单位"
    )
    responsible_text = models.CharField("主体责任单位（原文）", max_length=200, blank=True)
    unresolved = models.CharField(
        "未对应到单位的名称",
        max_length=300,
        blank=True,
        help_text="原文中点名、但系统中没有的单位，只作文字保留",
    )
    resolution_note = models.TextField("单位对应说明", blank=True)
    deadline_text = models.CharField("时限要求（原文）", max_length=60, blank=True)
    deadline = models.DateField("完成时限", null=True, blank=True)
    continuous = models.BooleanField("持续推进", default=False)

    class Meta:
        ordering = ["plan", "number"]
        verbose_name = "工作任务"
        verbose_name_plural = "工作任务"
        constraints = [
            models.UniqueConstraint(fields=["plan", "number"], name="ledger_task_number_once"),
            models.CheckConstraint(
                condition=~models.Q(continuous=True, deadline__isnull=False),
                name="ledger_task_continuous_has_no_deadline",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.number}. {self.text[:40]}"

    def get_absolute_url(self) -> str:
        return reverse("ledger:task", args=[self.pk])


class AssignmentStatus(models.TextChoices):
    PENDING = "pending", "未开始"
    IN_PROGRESS = "in_progress", "进行中"
    REPORTED = "reported", "已报送"
    CONFIRMED = "confirmed", "已确认"
    RETURNED = "returned", "已退回"


# The steps a unit's part of a task may take; services check every change against this table.
# A unit works on its part (进行中) by writing its report or uploading evidence, sends it (已报送);
# the office confirms it (已确认, final) or returns it with a reason (已退回) for more work.
ALLOWED: dict[str, frozenset[str]] = {
    AssignmentStatus.PENDING: frozenset({AssignmentStatus.IN_PROGRESS, AssignmentStatus.REPORTED}),
    AssignmentStatus.IN_PROGRESS: frozenset({AssignmentStatus.REPORTED}),
    AssignmentStatus.RETURNED: frozenset({AssignmentStatus.IN_PROGRESS, AssignmentStatus.REPORTED}),
    AssignmentStatus.REPORTED: frozenset({AssignmentStatus.CONFIRMED, AssignmentStatus.RETURNED}),
    AssignmentStatus.CONFIRMED: frozenset(),
}
# While the unit holds its part it may change the report and the evidence.
WORKING_STATUSES = frozenset(
    {AssignmentStatus.PENDING, AssignmentStatus.IN_PROGRESS, AssignmentStatus.RETURNED}
)
STATUS_ORDER = [
    AssignmentStatus.PENDING,
    AssignmentStatus.IN_PROGRESS,
    AssignmentStatus.REPORTED,
    AssignmentStatus.RETURNED,
    AssignmentStatus.CONFIRMED,
]


class AssignmentQuerySet(models.QuerySet["Assignment"]):
    def overdue(self, *, on: dt.date) -> AssignmentQuerySet:
        """Not confirmed after the task's deadline day; the deadline day itself is still in time,
        and continuous tasks (持续推进) have no deadline."""
        return self.exclude(status=AssignmentStatus.CONFIRMED).filter(
            task__deadline__isnull=False, task__deadline__lt=on
        )


class Assignment(BaseModel):
    """One responsible unit's part of a task: its report, its evidence and the office's verdict."""

    task = models.ForeignKey(
        Task, on_delete=models.PROTECT, related_name="assignments", verbose_name="工作任务"
    )
    unit = models.ForeignKey(
        Unit, on_delete=models.PROTECT, related_name="task_assignments", verbose_name="责任单位"
    )
    status = models.CharField(
        "状态", max_length=16, choices=AssignmentStatus.choices, default=AssignmentStatus.PENDING
    )
    report = models.TextField("落实情况", blank=True)
    reported_on = models.DateField("报送日期", null=True, blank=True)
    reported_by = staff_reference("报送人")
    confirmed_at = models.DateTimeField("确认时间", null=True, blank=True)
    confirmed_by = staff_reference("确认人")
    return_reason = models.TextField("退回原因", blank=True)

    objects = AssignmentQuerySet.as_manager()

    class Meta:
        ordering = ["task", "unit__sort_order", "unit__code"]
        verbose_name = "任务落实"
        verbose_name_plural = "任务落实"
        constraints = [
            models.UniqueConstraint(fields=["task", "unit"], name="ledger_assignment_once"),
        ]
        indexes = [
            models.Index(fields=["unit", "status"], name="ledger_asg_unit_status"),
            models.Index(fields=["task", "status"], name="ledger_asg_task_status"),
        ]

    def __str__(self) -> str:
        return f"{self.task} · {self.unit}"

    def get_absolute_url(self) -> str:
        return reverse("ledger:assignment", args=[self.pk])


class Evidence(BaseModel):
    """A file of evidence (佐证材料) for a unit's part of a task; its type was checked by content.

    Kept when the part is confirmed; removable only while the unit still holds its part.
    """

    assignment = models.ForeignKey(
        Assignment, on_delete=models.PROTECT, related_name="evidence", verbose_name="任务落实"
    )
    file = models.FileField("文件", upload_to="ledger/%Y/%m/")
    name = models.CharField("文件名", max_length=200)
    kind = models.CharField("文件类型", max_length=8)
    size = models.PositiveBigIntegerField("大小（字节）")
    sha256 = models.CharField("SHA-256", max_length=64)
    uploaded_by = staff_reference("上传人")

    class Meta:
        ordering = ["assignment", "pk"]
        verbose_name = "佐证材料"
        verbose_name_plural = "佐证材料"

    def __str__(self) -> str:
        return self.name
