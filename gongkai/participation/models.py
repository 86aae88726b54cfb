"""Public participation (DOMAIN.md §5): the yearly catalog of major administrative decisions
(重大行政决策事项目录), consultations on drafts (公开征求意见) with the public's comments and the
published feedback (意见采纳情况反馈), the matters open to public participation and the openness of
the government's executive meetings (会议公开).

Legal records are never deleted: a decision leaving the catalog is 已撤销 with a note, a comment
that fails moderation is kept as 不予公开 with its reason (PROTECT everywhere).
"""

from __future__ import annotations

import datetime as dt

from django.db import models
from django.urls import reverse

from gongkai.core.models import BaseModel, staff_reference
from gongkai.orgs.models import Unit

# 重大行政决策程序暂行条例 第十五条: 公开征求意见的期限一般不少于30日.
MIN_CONSULTATION_DAYS = 30


class DecisionStatus(models.TextChoices):
    """A catalog row's state as the public reads it. 拟订中 and 征求意见中 follow the procedure of
    the 暂行条例 (拟订 → 征求意见 → 审议决定); 已决策 once the government decided; 已调整 when the
    matter or its time changed after the catalog was published (the note says how), 已撤销 when it
    left the catalog — kept on the page rather than deleted, so the published list stays honest."""

    DRAFTING = "drafting", "拟订中"
    CONSULTING = "consulting", "征求意见中"
    DECIDED = "decided", "已决策"
    ADJUSTED = "adjusted", "已调整"
    WITHDRAWN = "withdrawn", "已撤销"


class Decision(BaseModel):
    """One row of a year's catalog of major administrative decisions."""

    year = models.PositiveSmallIntegerField("年度", db_index=True)
    number = models.PositiveSmallIntegerField("序号")
    matter = models.CharField("决策事项", max_length=200)
    unit = models.ForeignKey(
        Unit, on_delete=models.PROTECT, related_name="decisions", verbose_name="承办单位"
    )
    planned_time = models.CharField("拟决策时间", max_length=40, help_text="如“2026年第三季度”")
    hearing = models.BooleanField("是否听证", default=False)
    status = models.CharField(
        "状态", max_length=12, choices=DecisionStatus.choices, default=DecisionStatus.DRAFTING
    )
    note = models.TextField("备注", blank=True)

    class Meta:
        verbose_name = "重大行政决策事项"
        verbose_name_plural = "重大行政决策事项目录"
        ordering = ["-year", "number"]
        constraints = [
            models.UniqueConstraint(fields=["year", "number"], name="decision_year_number"),
        ]

    def __str__(self) -> str:
        return f"{self.year}年 {self.number}. {self.matter}"


class ConsultationStatus(models.TextChoices):
    DRAFT = "draft", "草稿"
    PUBLISHED = "published", "已发布"
    FEEDBACK = "feedback", "已反馈"


class Consultation(BaseModel):
    """A draft published for the public's comments between ``opens_on`` and ``closes_on``
    (inclusive, county dates). A period shorter than MIN_CONSULTATION_DAYS needs
    ``short_reason``, which the public page shows (暂行条例第十五条)."""

    title = models.CharField("标题", max_length=200)
    unit = models.ForeignKey(
        Unit, on_delete=models.PROTECT, related_name="consultations", verbose_name="起草单位"
    )
    decision = models.ForeignKey(
        Decision,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="consultations",
        verbose_name="对应重大行政决策事项",
    )
    summary = models.TextField("起草说明", blank=True)
    draft_text = models.TextField("征求意见稿")
    attachment_url = models.URLField("附件链接", blank=True, max_length=500)
    opens_on = models.DateField("开始日期")
    closes_on = models.DateField("截止日期")
    short_reason = models.TextField("期限少于30日的理由", blank=True)
    status = models.CharField(
        "状态", max_length=12, choices=ConsultationStatus.choices, default=ConsultationStatus.DRAFT
    )
    published_at = models.DateTimeField("发布时间", null=True, blank=True)
    feedback_text = models.TextField("采纳情况说明", blank=True)
    feedback_at = models.DateTimeField("反馈发布时间", null=True, blank=True)
    created_by = staff_reference("起草人")

    class Meta:
        verbose_name = "公开征求意见"
        verbose_name_plural = "公开征求意见"
        ordering = ["-opens_on", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(closes_on__gte=models.F("opens_on")),
                name="consultation_closes_after_opening",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("participation:staff_consultation", args=[self.pk])

    @property
    def days(self) -> int:
        """The period in calendar days, both ends counted."""
        return (self.closes_on - self.opens_on).days + 1

    @property
    def is_short(self) -> bool:
        return self.days < MIN_CONSULTATION_DAYS

    def is_open_on(self, day: dt.date) -> bool:
        """Whether the public may comment on ``day``: published, and within the dates."""
        return (
            self.status == ConsultationStatus.PUBLISHED and self.opens_on <= day <= self.closes_on
        )


class CommentState(models.TextChoices):
    PENDING = "pending", "待审核"
    PUBLISHED = "published", "已公开"
    REFUSED = "refused", "不予公开"


class Adoption(models.TextChoices):
    UNDECIDED = "", "未处理"
    ADOPTED = "adopted", "采纳"
    PARTLY = "partly", "部分采纳"
    NOT_ADOPTED = "not_adopted", "未采纳"


class Comment(BaseModel):
    """One opinion from the public. Never deleted: moderation publishes it (with personal data
    masked in ``published_text``) or refuses it with a reason, and keeps the original."""

    consultation = models.ForeignKey(
        Consultation, on_delete=models.PROTECT, related_name="comments", verbose_name="征求意见"
    )
    name = models.CharField("姓名", max_length=50, blank=True)
    contact = models.CharField("联系方式", max_length=100, blank=True)
    text = models.TextField("意见内容")
    state = models.CharField(
        "审核状态", max_length=12, choices=CommentState.choices, default=CommentState.PENDING
    )
    refusal_reason = models.CharField("不予公开理由", max_length=300, blank=True)
    published_name = models.CharField("公开署名", max_length=50, blank=True)
    published_text = models.TextField("公开内容（已脱敏）", blank=True)
    moderated_by = staff_reference("审核人")
    moderated_at = models.DateTimeField("审核时间", null=True, blank=True)
    adoption = models.CharField(
        "采纳情况", max_length=12, choices=Adoption.choices, default=Adoption.UNDECIDED, blank=True
    )
    adoption_reason = models.TextField("采纳情况说明", blank=True)

    class Meta:
        verbose_name = "公众意见"
        verbose_name_plural = "公众意见"
        ordering = ["created_at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(state="refused") | ~models.Q(refusal_reason=""),
                name="comment_refused_has_reason",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.consultation} #{self.pk}"


class Meeting(BaseModel):
    """An executive meeting of the county government made public (会议公开)."""

    title = models.CharField("会议名称", max_length=200)
    held_on = models.DateField("召开日期")
    topics = models.TextField("议题", help_text="每行一个议题")
    materials = models.TextField(
        "会议材料", blank=True, help_text="每行一项：文字，或以http开头的链接"
    )
    video_url = models.URLField("视频链接", blank=True, max_length=500)

    class Meta:
        verbose_name = "会议公开"
        verbose_name_plural = "会议公开"
        ordering = ["-held_on", "-pk"]

    def __str__(self) -> str:
        return self.title

    @property
    def topic_list(self) -> list[str]:
        return [line.strip() for line in self.topics.splitlines() if line.strip()]

    @property
    def material_list(self) -> list[tuple[str, bool]]:
        """(text, is_link) per line; only http(s) lines become links."""
        lines = [line.strip() for line in self.materials.splitlines() if line.strip()]
        return [(line, line.startswith(("http://", "https://"))) for line in lines]


class Matter(BaseModel):
    """A matter open to public participation (公众参与事项) and the ways to take part."""

    title = models.CharField("事项", max_length=200)
    unit = models.ForeignKey(
        Unit,
        on_delete=models.PROTECT,
        related_name="participation_matters",
        verbose_name="责任单位",
    )
    ways = models.CharField(
        "参与方式", max_length=300, help_text="如“网上征求意见、座谈会、听证会”"
    )
    description = models.TextField("说明", blank=True)
    link = models.URLField("参与入口", blank=True, max_length=500)
    is_active = models.BooleanField("公开中", default=True)

    class Meta:
        verbose_name = "公众参与事项"
        verbose_name_plural = "公众参与事项"
        ordering = ["title", "pk"]

    def __str__(self) -> str:
        return self.title
