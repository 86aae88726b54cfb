"""The office's assessment of units (考核, DOMAIN.md §6; seeds 000, 003, 004): a year's indicator
set with weighted indicators, the scores the office enters where no query can measure, the frozen
score table (定稿) of a published ranking, and rectification items (整改) tracked to closure.

Computed scores are never stored while the set is open: they are queries over the publications
and applications (gongkai.assessment.scoring). Freezing stores the whole table once, so a ranking
that was published never changes afterwards.
"""

from __future__ import annotations

from typing import Any, ClassVar

from django.db import models
from django.urls import reverse

from gongkai.core.models import BaseModel, staff_reference
from gongkai.orgs.models import Unit


class Measure(models.TextChoices):
    """How an indicator's ratio (0–1) is found; its score is weight × ratio."""

    VOLUME = "volume", "发布数量"
    FRESHNESS = "freshness", "更新及时"
    TIMELY_PUBLICATION = "timely_publication", "公开及时"
    TIMELY_REPLY = "timely_reply", "依申请按时答复"
    FINDINGS = "findings", "检查发现"
    MANUAL = "manual", "人工评分"


COMPUTED_MEASURES = frozenset(Measure) - {Measure.MANUAL}


class IndicatorSet(BaseModel):
    """The year's assessment indicators (考核指标体系): one per year."""

    year = models.PositiveSmallIntegerField("年度", unique=True)
    name = models.CharField("名称", max_length=100)
    description = models.TextField("说明", blank=True)
    created_by = staff_reference("创建人")

    class Meta:
        ordering = ["-year"]
        verbose_name = "考核指标体系"
        verbose_name_plural = "考核指标体系"

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("assessment:set_detail", args=[self.pk])


class Indicator(BaseModel):
    """One weighted indicator: ``weight`` points, earned in proportion to the measure's ratio.

    ``targets`` (发布数量 only) is the number of items a unit of each kind should publish in the
    whole year, {unit kind: count}; ``zero_at`` (检查发现 only) is the number of published items
    with blocking findings that costs the whole weight.
    """

    indicator_set = models.ForeignKey(
        IndicatorSet, on_delete=models.PROTECT, related_name="indicators", verbose_name="指标体系"
    )
    name = models.CharField("指标名称", max_length=100)
    weight = models.DecimalField("分值", max_digits=5, decimal_places=1)
    measure = models.CharField("计分方式", max_length=20, choices=Measure.choices)
    criteria = models.TextField("评分标准", blank=True)
    targets: models.JSONField[dict[str, Any]] = models.JSONField(
        "年度发布目标（按单位类型）", default=dict, blank=True
    )
    zero_at = models.PositiveIntegerField("扣完分值的问题条数", null=True, blank=True)
    sort_order = models.PositiveIntegerField("排序", default=0)

    class Meta:
        ordering = ["indicator_set", "sort_order", "pk"]
        verbose_name = "考核指标"
        verbose_name_plural = "考核指标"
        constraints = [
            models.CheckConstraint(condition=models.Q(weight__gt=0), name="indicator_weight_pos"),
            models.UniqueConstraint(
                fields=["indicator_set", "name"], name="indicator_name_once_per_set"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name}（{self.weight}分）"

    @property
    def is_manual(self) -> bool:
        return self.measure == Measure.MANUAL


class ManualScore(BaseModel):
    """A score the office entered for one unit on a 人工评分 indicator, with its reason."""

    indicator = models.ForeignKey(
        Indicator, on_delete=models.PROTECT, related_name="manual_scores", verbose_name="指标"
    )
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="+", verbose_name="单位")
    points = models.DecimalField("得分", max_digits=5, decimal_places=1)
    note = models.TextField("评分说明")
    entered_by = staff_reference("评分人")

    class Meta:
        ordering = ["indicator", "unit__sort_order"]
        verbose_name = "人工评分"
        verbose_name_plural = "人工评分"
        constraints = [
            models.UniqueConstraint(fields=["indicator", "unit"], name="manual_score_once"),
            models.CheckConstraint(condition=models.Q(points__gte=0), name="manual_score_nonneg"),
        ]

    def __str__(self) -> str:
        return f"{self.unit} · {self.indicator.name}：{self.points}"


class ScoreSnapshot(models.Model):
    """The frozen score table of a set (定稿): the ranking as published, never recomputed.

    ``table`` is exactly what gongkai.assessment.scoring.score_table returned when frozen.
    """

    indicator_set = models.OneToOneField(
        IndicatorSet, on_delete=models.PROTECT, related_name="snapshot", verbose_name="指标体系"
    )
    as_of = models.DateField("统计截止日期")
    frozen_at = models.DateTimeField("定稿时间", auto_now_add=True)
    frozen_by = staff_reference("定稿人")
    table: models.JSONField[dict[str, Any]] = models.JSONField("得分表")

    class Meta:
        verbose_name = "考核得分定稿"
        verbose_name_plural = "考核得分定稿"

    def __str__(self) -> str:
        return f"{self.indicator_set} 定稿（截至{self.as_of}）"


class RectificationSource(models.TextChoices):
    MONITORING = "monitoring", "网站监测"
    THIRD_PARTY = "third_party", "第三方评估"
    SUPERIOR = "superior", "上级通报"
    ASSESSMENT = "assessment", "考核"
    OTHER = "other", "其他"


class RectificationStatus(models.TextChoices):
    OPEN = "open", "待整改"
    REPORTED = "reported", "已报送"
    CLOSED = "closed", "已销号"


class RectificationQuerySet(models.QuerySet["Rectification"]):
    def not_closed(self) -> RectificationQuerySet:
        return self.exclude(status=RectificationStatus.CLOSED)

    def overdue(self, *, on: Any) -> RectificationQuerySet:
        """Items still waiting for the unit (待整改) whose deadline passed before ``on``."""
        return self.filter(status=RectificationStatus.OPEN, deadline__lt=on)


class Rectification(BaseModel):
    """A problem a unit must put right (整改), from finding to the office's closing (销号).

    The unit reports what it did (已报送); the office closes the item or returns it with a reason
    (back to 待整改). History is in the audit log.
    """

    ALLOWED: ClassVar[dict[str, set[str]]] = {
        RectificationStatus.OPEN: {RectificationStatus.REPORTED},
        RectificationStatus.REPORTED: {RectificationStatus.OPEN, RectificationStatus.CLOSED},
        RectificationStatus.CLOSED: set(),
    }

    unit = models.ForeignKey(
        Unit, on_delete=models.PROTECT, related_name="rectifications", verbose_name="责任单位"
    )
    title = models.CharField("问题", max_length=200)
    source = models.CharField("来源", max_length=12, choices=RectificationSource.choices)
    description = models.TextField("问题描述", blank=True)
    found_on = models.DateField("发现日期")
    deadline = models.DateField("整改期限")
    status = models.CharField(
        "状态",
        max_length=10,
        choices=RectificationStatus.choices,
        default=RectificationStatus.OPEN,
        db_index=True,
    )
    report_text = models.TextField("整改情况", blank=True)
    reported_on = models.DateField("报送日期", null=True, blank=True)
    reported_by = staff_reference("报送人")
    return_reason = models.TextField("退回原因", blank=True)
    closed_on = models.DateField("销号日期", null=True, blank=True)
    closed_by = staff_reference("销号人")
    close_note = models.TextField("销号意见", blank=True)
    created_by = staff_reference("交办人")

    objects = RectificationQuerySet.as_manager()

    class Meta:
        ordering = ["deadline", "pk"]
        verbose_name = "整改事项"
        verbose_name_plural = "整改事项"
        indexes = [models.Index(fields=["unit", "status", "deadline"])]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(deadline__gte=models.F("found_on")),
                name="rectification_deadline_after_found",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.unit} · {self.title}"

    def get_absolute_url(self) -> str:
        return reverse("assessment:rectification_detail", args=[self.pk])

    def can_move_to(self, status: str) -> bool:
        return status in self.ALLOWED[self.status]
