"""What the office writes into its reports (the figures are queries, never stored): the
editor's parts of a monthly report, and a unit's or the county's annual report with the sections
the office enters and its state (draft or final)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models

from gongkai.core.models import BaseModel, staff_reference
from gongkai.orgs.models import Unit


class MonthlyReport(BaseModel):
    """The editor-written parts of one month's 政务公开月报 (seed 003): issue number, the
    leaders' instructions, highlights and next-step requirements. The figures and tables are
    computed when the report is generated."""

    year = models.PositiveSmallIntegerField("年度")
    month = models.PositiveSmallIntegerField("月份")
    issue_no = models.CharField("期数", max_length=20, blank=True, help_text="如“第2期”")
    issued_on = models.DateField("印发日期", null=True, blank=True)
    instructions = models.TextField("领导批示", blank=True)
    highlights = models.TextField("工作亮点（专栏）", blank=True)
    problems_note = models.TextField("存在问题（补充说明）", blank=True)
    next_steps = models.TextField("下一步工作要求", blank=True)
    updated_by = staff_reference("编辑人")

    class Meta:
        ordering = ["-year", "-month"]
        verbose_name = "政务公开月报"
        verbose_name_plural = "政务公开月报"
        constraints = [
            models.UniqueConstraint(fields=["year", "month"], name="monthly_report_once"),
            models.CheckConstraint(
                condition=models.Q(month__gte=1, month__lte=12), name="monthly_report_month"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.year}年{self.month}月"


class AnnualStatus(models.TextChoices):
    DRAFT = "draft", "草稿"
    FINAL = "final", "定稿"


class AnnualReport(BaseModel):
    """One 政府信息公开工作年度报告: a unit's (unit set) or the county government's (unit empty).

    Section 三 is always computed from the applications; sections 二 and 四 hold the figures the
    office enters where gongkai holds no data; the text sections start from a generated text.
    """

    year = models.PositiveSmallIntegerField("年度")
    unit = models.ForeignKey(
        Unit,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="单位（空为全县）",
    )
    status = models.CharField(
        "状态", max_length=8, choices=AnnualStatus.choices, default=AnnualStatus.DRAFT
    )
    overview = models.TextField("一、总体情况", blank=True)
    problems = models.TextField("五、存在的主要问题及改进情况", blank=True)
    other_matters = models.TextField("六、其他需要报告的事项", blank=True)
    proactive: models.JSONField[dict[str, Any]] = models.JSONField(
        "二、主动公开（录入数）", default=dict, blank=True
    )
    review_litigation: models.JSONField[dict[str, Any]] = models.JSONField(
        "四、行政复议、行政诉讼", default=dict, blank=True
    )
    finalized_at = models.DateTimeField("定稿时间", null=True, blank=True)
    finalized_by = staff_reference("定稿人")
    publication = models.ForeignKey(
        "publications.Publication",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="在政府信息公开年报栏目发布的信息",
    )

    class Meta:
        ordering = ["-year", "unit__sort_order"]
        verbose_name = "政府信息公开工作年度报告"
        verbose_name_plural = "政府信息公开工作年度报告"
        constraints = [
            models.UniqueConstraint(
                fields=["year", "unit"],
                condition=models.Q(unit__isnull=False),
                name="annual_report_once_per_unit",
            ),
            models.UniqueConstraint(
                fields=["year"],
                condition=models.Q(unit__isnull=True),
                name="annual_report_once_for_county",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.unit.name if self.unit else '全县'}{self.year}年度报告"


class DigestSent(models.Model):
    """A person's daily reminder mail went out (gongkai.reports.digests): at most one a day."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+", verbose_name="收件人"
    )
    on = models.DateField("日期")
    items = models.PositiveIntegerField("事项数")
    sent_at = models.DateTimeField("发送时间", auto_now_add=True)

    class Meta:
        verbose_name = "待办提醒邮件"
        verbose_name_plural = "待办提醒邮件"
        constraints = [models.UniqueConstraint(fields=["user", "on"], name="digest_once_a_day")]

    def __str__(self) -> str:
        return f"{self.user} {self.on}"
