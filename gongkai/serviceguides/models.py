"""Government service items (政务服务事项) and their guides (办事指南) in the standard elements
(seeds 002 and 004: 事项名称、设定依据、申请条件、办理材料、办理流程、办理时限、办理地点和时间、
收费标准、咨询和监督电话、常见问题), each linked to the catalog item it fulfils."""

from __future__ import annotations

from typing import ClassVar

from django.db import models
from django.urls import reverse

from gongkai.catalog.models import CatalogItem
from gongkai.core.models import BaseModel
from gongkai.orgs.models import Unit


class LifeEvent(BaseModel):
    """A life event (人生事件) guides are grouped by in the 办事一本通 (seed 001 item 12)."""

    code = models.SlugField("代码", max_length=32, unique=True)
    name = models.CharField("名称", max_length=20, unique=True)
    sort_order = models.PositiveIntegerField("排序", default=0)

    class Meta:
        ordering = ["sort_order", "code"]
        verbose_name = "人生事件"
        verbose_name_plural = "人生事件"

    def __str__(self) -> str:
        return self.name


class ServiceKind(models.TextChoices):
    LICENSING = "licensing", "行政许可"
    BENEFIT = "benefit", "行政给付"
    CONFIRMATION = "confirmation", "行政确认"
    LEVY = "levy", "行政征收"
    REWARD = "reward", "行政奖励"
    RULING = "ruling", "行政裁决"
    OTHER_POWER = "other_power", "其他行政权力"
    PUBLIC_SERVICE = "public_service", "公共服务"


class ServiceStatus(models.TextChoices):
    DRAFT = "draft", "草稿"
    SUBMITTED = "submitted", "待审核"
    PUBLISHED = "published", "已发布"
    WITHDRAWN = "withdrawn", "已撤回"


class ServiceItemQuerySet(models.QuerySet["ServiceItem"]):
    def published(self) -> ServiceItemQuerySet:
        """Guides the public may see."""
        return self.filter(status=ServiceStatus.PUBLISHED)

    def of_unit(self, unit: Unit) -> ServiceItemQuerySet:
        return self.filter(unit=unit)


class ServiceItem(BaseModel):
    """A 政务服务事项 of one unit with its guide (办事指南) in the standard elements.

    Published guides are withdrawn with a reason, never deleted; ``version`` counts published
    changes so a printed 一次告知 can be matched to the guide it came from.
    """

    # Allowed status changes, checked by gongkai.serviceguides.services. A reviewer may publish
    # a draft directly or one submitted to them (or return it to draft); changing a published
    # guide's content takes it back to draft until it is published again (version + 1), so no
    # words reach the counter unreviewed; a withdrawn guide may be redrafted.
    ALLOWED: ClassVar[dict[str, set[str]]] = {
        ServiceStatus.DRAFT: {ServiceStatus.SUBMITTED, ServiceStatus.PUBLISHED},
        ServiceStatus.SUBMITTED: {ServiceStatus.DRAFT, ServiceStatus.PUBLISHED},
        ServiceStatus.PUBLISHED: {ServiceStatus.DRAFT, ServiceStatus.WITHDRAWN},
        ServiceStatus.WITHDRAWN: {ServiceStatus.DRAFT},
    }

    unit = models.ForeignKey(
        Unit, on_delete=models.PROTECT, related_name="service_items", verbose_name="实施主体"
    )
    code = models.CharField("事项编码", max_length=64, blank=True)
    name = models.CharField("事项名称", max_length=200)
    kind = models.CharField(
        "事项类型", max_length=16, choices=ServiceKind.choices, default=ServiceKind.PUBLIC_SERVICE
    )
    catalog_item = models.ForeignKey(
        CatalogItem,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="service_items",
        verbose_name="对应公开事项",
    )
    life_events = models.ManyToManyField(
        LifeEvent, blank=True, related_name="service_items", verbose_name="适用情形（人生事件）"
    )
    basis = models.TextField("设定依据", blank=True)
    conditions = models.TextField("申请条件", blank=True)
    process = models.TextField("办理流程", blank=True, help_text="每行一个步骤")
    legal_days = models.PositiveSmallIntegerField(
        "法定办结时限（工作日）",
        null=True,
        blank=True,
        help_text="即办或无法定时限时留空并填写时限说明",
    )
    promised_days = models.PositiveSmallIntegerField(
        "承诺办结时限（工作日）", null=True, blank=True
    )
    time_limit_note = models.CharField(
        "时限说明", max_length=200, blank=True, help_text="如：即办；材料齐全当场办结"
    )
    place = models.CharField("办理地点", max_length=300, blank=True)
    hours = models.CharField("办理时间", max_length=200, blank=True)
    fee = models.CharField("收费标准", max_length=300, blank=True, help_text="不收费时填“不收费”")
    consult_phone = models.CharField("咨询电话", max_length=60, blank=True)
    supervise_phone = models.CharField("监督投诉电话", max_length=60, blank=True)
    online_url = models.URLField("网上办理地址", max_length=500, blank=True)
    status = models.CharField(
        "状态", max_length=16, choices=ServiceStatus.choices, default=ServiceStatus.DRAFT
    )
    version = models.PositiveIntegerField("版本", default=0)
    published_at = models.DateTimeField("发布时间", null=True, blank=True)
    withdrawn_at = models.DateTimeField("撤回时间", null=True, blank=True)
    withdrawal_reason = models.TextField("撤回理由", blank=True)
    sort_order = models.PositiveIntegerField("排序", default=0)

    objects = ServiceItemQuerySet.as_manager()

    class Meta:
        ordering = ["unit__sort_order", "sort_order", "pk"]
        verbose_name = "政务服务事项"
        verbose_name_plural = "政务服务事项"
        constraints = [
            models.UniqueConstraint(
                fields=["unit", "code"],
                condition=~models.Q(code=""),
                name="serviceitem_unit_code",
            ),
        ]
        indexes = [models.Index(fields=["status", "unit"])]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("banshi:guide", args=[self.pk])

    def can_move_to(self, status: str) -> bool:
        return status in self.ALLOWED[self.status]

    @property
    def is_published(self) -> bool:
        return self.status == ServiceStatus.PUBLISHED

    @property
    def time_limit_display(self) -> str:
        """办理时限 as one line: 法定/承诺 days, or the note (e.g. 即办)."""
        parts = []
        if self.legal_days is not None:
            parts.append(f"法定{self.legal_days}个工作日")
        if self.promised_days is not None:
            parts.append(f"承诺{self.promised_days}个工作日")
        text = "，".join(parts)
        if self.time_limit_note:
            text = f"{text}（{self.time_limit_note}）" if text else self.time_limit_note
        return text

    @property
    def process_steps(self) -> list[str]:
        return [line.strip() for line in self.process.splitlines() if line.strip()]


class MaterialSource(models.TextChoices):
    APPLICANT = "applicant", "申请人自备"
    GOVERNMENT = "government", "政府部门核发"
    OTHER = "other", "其他"


class MaterialForm(models.TextChoices):
    ORIGINAL = "original", "原件"
    COPY = "copy", "复印件"
    BOTH = "both", "原件和复印件"
    ELECTRONIC = "electronic", "电子件"


class Material(BaseModel):
    """A material (办理材料) an applicant brings, with an optional sample and blank form whose
    type was checked by content (.docx/.xlsx/.pdf)."""

    service = models.ForeignKey(
        ServiceItem, on_delete=models.CASCADE, related_name="materials", verbose_name="服务事项"
    )
    name = models.CharField("材料名称", max_length=200)
    source = models.CharField(
        "来源", max_length=16, choices=MaterialSource.choices, default=MaterialSource.APPLICANT
    )
    form = models.CharField(
        "形式", max_length=16, choices=MaterialForm.choices, default=MaterialForm.ORIGINAL
    )
    copies = models.PositiveSmallIntegerField("份数", default=1)
    required = models.BooleanField("是否必需", default=True)
    note = models.CharField("备注", max_length=300, blank=True)
    sample = models.FileField("示例样表", upload_to="banshi/samples/%Y/%m/", blank=True)
    blank_form = models.FileField("空白表格", upload_to="banshi/forms/%Y/%m/", blank=True)
    sort_order = models.PositiveIntegerField("排序", default=0)

    class Meta:
        ordering = ["sort_order", "pk"]
        verbose_name = "办理材料"
        verbose_name_plural = "办理材料"

    def __str__(self) -> str:
        return self.name

    @property
    def summary(self) -> str:
        """The material as the Excel layout writes it: 居民身份证（原件，1份）."""
        extra = [self.get_form_display(), f"{self.copies}份"]
        if not self.required:
            extra.append("非必需")
        if self.note:
            extra.append(self.note)
        return f"{self.name}（{'，'.join(extra)}）"


class Question(BaseModel):
    """A frequently asked question (常见问题) about one service."""

    service = models.ForeignKey(
        ServiceItem, on_delete=models.CASCADE, related_name="questions", verbose_name="服务事项"
    )
    question = models.CharField("问题", max_length=300)
    answer = models.TextField("解答")
    sort_order = models.PositiveIntegerField("排序", default=0)

    class Meta:
        ordering = ["sort_order", "pk"]
        verbose_name = "常见问题"
        verbose_name_plural = "常见问题"

    def __str__(self) -> str:
        return self.question
