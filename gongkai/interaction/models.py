"""Messages from the public (政民互动, DOMAIN.md §5): 领导信箱, 咨询 and 我为政府网站找错, each with
its categories; the office's clock settings (5 working days, 3 for simple questions and for
error reports: seed 001 item 13, the county's own rule).

A message is a record of what the public asked and what the county answered: it is never
deleted; an invalid one (spam, abuse, nothing to answer) is closed with its reason. The writer's
name and contacts are personal data, shown only to the handling unit and the office
(gongkai.orgs.permissions.can_see_writer_of); the public pages show the masked copies of the
title, text and reply made when the reply was given (``public_*``).
"""

from __future__ import annotations

from typing import ClassVar

from django.db import models
from django.urls import reverse

from gongkai.core.models import BaseModel, staff_reference
from gongkai.orgs.models import Unit


class Box(models.TextChoices):
    """The three message boxes of the site (seed 001 item 13, 国办发〔2017〕47号)."""

    LEADER = "leader", "领导信箱"
    CONSULT = "consult", "咨询"
    JIUCUO = "jiucuo", "我为政府网站找错"


# Each box's categories (code, label). The 找错 box keeps the categories and codes of the
# portal's earlier form (gongkai.portal.models.ErrorKind), so its reports move over unchanged.
CATEGORIES: dict[str, tuple[tuple[str, str], ...]] = {
    Box.LEADER: (
        ("advice", "意见建议"),
        ("help", "求助"),
        ("complaint", "投诉"),
        ("praise", "表扬感谢"),
        ("other", "其他"),
    ),
    Box.CONSULT: (
        ("policy", "政策咨询"),
        ("service", "办事咨询"),
        ("disclosure", "政务公开"),
        ("other", "其他"),
    ),
    Box.JIUCUO: (
        ("content", "内容错误"),
        ("link", "链接错误/无法访问"),
        ("typo", "错别字"),
        ("stale", "信息不更新"),
        ("other", "其他"),
    ),
}
# The receipt number's prefix per box: 领导信箱 LD, 咨询 ZX, 找错 JC (as the old 找错 form's).
PREFIXES = {Box.LEADER: "LD", Box.CONSULT: "ZX", Box.JIUCUO: "JC"}


def category_label(box: str, code: str) -> str:
    """The Chinese label of a box's category ("" when unknown)."""
    return dict(CATEGORIES.get(box, ())).get(code, "")


class Status(models.TextChoices):
    SUBMITTED = "submitted", "待分办"
    ASSIGNED = "assigned", "办理中"
    REPLIED = "replied", "已答复"
    INVALID = "invalid", "无效留言"


OPEN_STATUSES = (Status.SUBMITTED, Status.ASSIGNED)


class Rating(models.TextChoices):
    SATISFIED = "satisfied", "满意"
    BASICALLY = "basically", "基本满意"
    UNSATISFIED = "unsatisfied", "不满意"


class MessageQuerySet(models.QuerySet["Message"]):
    def open(self) -> MessageQuerySet:
        """Not yet answered (and not closed as invalid)."""
        return self.filter(status__in=OPEN_STATUSES)

    def overdue(self, *, on: object) -> MessageQuerySet:
        """Open messages whose due date is before ``on`` (a date); those 期限待定 are not."""
        return self.open().filter(due_on__lt=on)

    def published(self) -> MessageQuerySet:
        """Answered messages the writer allowed to publish and the office did not withhold."""
        return self.filter(status=Status.REPLIED, allow_publish=True, withheld=False)


class Message(BaseModel):
    """One message from the public and its answer."""

    ALLOWED: ClassVar[dict[str, set[str]]] = {
        Status.SUBMITTED: {Status.ASSIGNED, Status.REPLIED, Status.INVALID},
        Status.ASSIGNED: {Status.ASSIGNED, Status.REPLIED, Status.INVALID},
        # The office's review may send a reply back to the unit (办理中 again).
        Status.REPLIED: {Status.ASSIGNED, Status.SUBMITTED},
        Status.INVALID: set(),
    }

    box = models.CharField("信箱", max_length=12, choices=Box.choices)
    category = models.CharField("类别", max_length=16)
    tracking_no = models.CharField("留言编号", max_length=24, unique=True)
    query_code_digest = models.CharField("查询码摘要", max_length=128, editable=False, blank=True)
    title = models.CharField("标题", max_length=100)
    body = models.TextField("留言内容", max_length=3000)
    page_url = models.CharField("问题页面地址", max_length=500, blank=True)
    name = models.CharField("姓名", max_length=50, blank=True)
    phone = models.CharField("联系电话", max_length=40, blank=True)
    email = models.EmailField("电子邮箱", max_length=100, blank=True)
    allow_publish = models.BooleanField("同意公开", default=True)
    simple = models.BooleanField("简单问题", default=False)
    received_on = models.DateField("收到日期")
    due_on = models.DateField("答复期限", null=True, blank=True)
    status = models.CharField(
        "状态", max_length=12, choices=Status.choices, default=Status.SUBMITTED
    )
    unit = models.ForeignKey(
        Unit,
        verbose_name="承办单位",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="messages",
    )
    assigned_at = models.DateTimeField("分办时间", null=True, blank=True)
    reply = models.TextField("答复内容", max_length=5000, blank=True)
    replied_at = models.DateTimeField("答复时间", null=True, blank=True)
    replied_on = models.DateField("答复日期", null=True, blank=True)
    replied_by = staff_reference("答复人")
    review_note = models.CharField("审核意见", max_length=500, blank=True)
    reviewed_at = models.DateTimeField("审核时间", null=True, blank=True)
    withheld = models.BooleanField("不予公开", default=False)
    invalid_reason = models.CharField("无效原因", max_length=200, blank=True)
    # The masked copies the public pages show (made when the reply is given).
    public_title = models.CharField("公开标题", max_length=100, blank=True)
    public_body = models.TextField("公开留言内容", blank=True)
    public_reply = models.TextField("公开答复内容", blank=True)
    rating = models.CharField("评价", max_length=12, choices=Rating.choices, blank=True)
    rated_at = models.DateTimeField("评价时间", null=True, blank=True)

    objects = MessageQuerySet.as_manager()

    class Meta:
        ordering = ["-received_on", "-pk"]
        verbose_name = "留言"
        verbose_name_plural = "留言"
        indexes = [
            models.Index(fields=["status", "due_on"], name="message_queue"),
            models.Index(fields=["unit", "status"], name="message_unit"),
            models.Index(fields=["status", "received_on"], name="message_age"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(status="replied") | models.Q(replied_on__isnull=False),
                name="message_replied_has_date",
            ),
        ]

    def __str__(self) -> str:
        return self.tracking_no

    def get_absolute_url(self) -> str:
        return reverse("interaction:detail", args=[self.pk])

    @property
    def category_label(self) -> str:
        return category_label(self.box, self.category)

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES

    @property
    def is_public(self) -> bool:
        return self.status == Status.REPLIED and self.allow_publish and not self.withheld

    def can_move_to(self, status: str) -> bool:
        return status in self.ALLOWED[self.status]


class InteractionSettings(BaseModel):
    """The office's answer periods in working days (one row). The defaults are the county's rule
    from seed 001 item 13 (留言5个工作日内答复，简单问题3日内) and DOMAIN.md §5 (网站找错3个工作日)."""

    SINGLETON_ID = 1

    id = models.PositiveSmallIntegerField(primary_key=True, default=SINGLETON_ID, editable=False)
    normal_days = models.PositiveSmallIntegerField("一般留言答复期限（工作日）", default=5)
    simple_days = models.PositiveSmallIntegerField("简单问题答复期限（工作日）", default=3)
    jiucuo_days = models.PositiveSmallIntegerField("网站找错处理期限（工作日）", default=3)
    updated_by = staff_reference("最后修改人")

    class Meta:
        verbose_name = "留言办理设置"
        verbose_name_plural = "留言办理设置"
        constraints = [
            models.CheckConstraint(condition=models.Q(id=1), name="interaction_settings_singleton"),
            models.CheckConstraint(
                condition=models.Q(normal_days__gte=1, simple_days__gte=1, jiucuo_days__gte=1),
                name="interaction_settings_positive",
            ),
        ]

    def __str__(self) -> str:
        return "留言办理设置"
