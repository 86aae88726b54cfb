"""Precise push (政策精准推送, 政策找人, DOMAIN.md §5): audience tags on published items, the
public's e-mail subscriptions, and one Delivery row per (subscription, item) so each matching
item reaches each subscriber exactly once."""

from __future__ import annotations

import secrets
from typing import ClassVar

from django.db import models

from gongkai.catalog.models import Domain
from gongkai.core.models import BaseModel, staff_reference
from gongkai.orgs.models import Unit
from gongkai.publications.models import Publication


class AudienceTag(BaseModel):
    """Who an item concerns (企业, 老年人, 农户 …): a fixed list the office may extend or retire
    (an inactive tag keeps its links and feeds but is no longer offered)."""

    code = models.SlugField("标签代码", max_length=40, unique=True)
    name = models.CharField("标签名称", max_length=30, unique=True)
    description = models.CharField("说明", max_length=200, blank=True)
    sort_order = models.PositiveIntegerField("排序", default=0)
    is_active = models.BooleanField("启用", default=True)

    class Meta:
        ordering = ["sort_order", "code"]
        verbose_name = "服务对象标签"
        verbose_name_plural = "服务对象标签"

    def __str__(self) -> str:
        return self.name


class PublicationTag(models.Model):
    """One audience tag on one item (set by the item's unit, audited)."""

    publication = models.ForeignKey(
        Publication, on_delete=models.CASCADE, related_name="+", verbose_name="政府信息"
    )
    tag = models.ForeignKey(
        AudienceTag, on_delete=models.PROTECT, related_name="links", verbose_name="标签"
    )
    added_at = models.DateTimeField("添加时间", auto_now_add=True)
    added_by = staff_reference("添加人")

    class Meta:
        ordering = ["publication", "tag__sort_order"]
        verbose_name = "信息的服务对象"
        verbose_name_plural = "信息的服务对象"
        constraints = [models.UniqueConstraint(fields=["publication", "tag"], name="push_tag_once")]
        indexes = [models.Index(fields=["tag", "publication"])]

    def __str__(self) -> str:
        return f"{self.publication_id}:{self.tag_id}"


class Frequency(models.TextChoices):
    IMMEDIATE = "immediate", "有新信息即发送"
    DAILY = "daily", "每天汇总发送一次"


class SubscriptionStatus(models.TextChoices):
    PENDING = "pending", "待确认"
    ACTIVE = "active", "已订阅"
    ENDED = "ended", "已退订"


def new_secret() -> str:
    """The random part of a subscription's signed links: replacing it voids every old link."""
    return secrets.token_hex(8)


class Subscription(BaseModel):
    """One e-mail address's wish to hear of items matching its criteria.

    Criteria combine with AND across kinds and OR within a kind: domains {A, B} and tag {老年人}
    match an item of domain A or B tagged 老年人. Keywords match the title. Nothing is sent until
    the address confirmed (double opt-in); the address is never shown on a public page.
    """

    ALLOWED: ClassVar[dict[str, set[str]]] = {
        SubscriptionStatus.PENDING: {SubscriptionStatus.ACTIVE, SubscriptionStatus.ENDED},
        SubscriptionStatus.ACTIVE: {SubscriptionStatus.ENDED},
        SubscriptionStatus.ENDED: set(),
    }

    email = models.EmailField("电子邮箱", max_length=254, db_index=True)
    frequency = models.CharField(
        "发送频率", max_length=10, choices=Frequency.choices, default=Frequency.IMMEDIATE
    )
    status = models.CharField(
        "状态",
        max_length=10,
        choices=SubscriptionStatus.choices,
        default=SubscriptionStatus.PENDING,
        db_index=True,
    )
    tags = models.ManyToManyField(
        AudienceTag, blank=True, related_name="+", verbose_name="服务对象"
    )
    domains = models.ManyToManyField(Domain, blank=True, related_name="+", verbose_name="公开领域")
    units = models.ManyToManyField(Unit, blank=True, related_name="+", verbose_name="发布单位")
    keywords = models.CharField("关键词", max_length=200, blank=True)
    secret = models.CharField("链接密钥", max_length=32, default=new_secret, editable=False)
    confirmed_at = models.DateTimeField("确认时间", null=True, blank=True)
    ended_at = models.DateTimeField("退订时间", null=True, blank=True)
    end_reason = models.CharField("退订方式", max_length=100, blank=True)
    last_digest_on = models.DateField("最近汇总日期", null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = "订阅"
        verbose_name_plural = "订阅"

    def __str__(self) -> str:
        return f"订阅#{self.pk}"

    @property
    def keyword_list(self) -> list[str]:
        return [word for word in self.keywords.replace("，", " ").replace(",", " ").split() if word]


class DeliveryStatus(models.TextChoices):
    PENDING = "pending", "待发送"
    SENT = "sent", "已发送"
    CANCELLED = "cancelled", "不再发送"


class Delivery(models.Model):
    """That one item is owed to one subscription: unique, so it is queued once; marked sent only
    after the mail server accepted the mail, so a retry sends what was not sent and no more."""

    subscription = models.ForeignKey(
        Subscription, on_delete=models.PROTECT, related_name="deliveries", verbose_name="订阅"
    )
    publication = models.ForeignKey(
        Publication, on_delete=models.PROTECT, related_name="+", verbose_name="政府信息"
    )
    status = models.CharField(
        "状态", max_length=10, choices=DeliveryStatus.choices, default=DeliveryStatus.PENDING
    )
    queued_at = models.DateTimeField("加入时间", auto_now_add=True)
    sent_at = models.DateTimeField("发送时间", null=True, blank=True)
    attempts = models.PositiveSmallIntegerField("尝试次数", default=0)
    last_error = models.CharField("最近错误", max_length=300, blank=True)

    class Meta:
        ordering = ["queued_at", "pk"]
        verbose_name = "推送记录"
        verbose_name_plural = "推送记录"
        constraints = [
            models.UniqueConstraint(
                fields=["subscription", "publication"], name="push_delivery_once"
            )
        ]
        indexes = [models.Index(fields=["status", "subscription"])]

    def __str__(self) -> str:
        return f"{self.subscription_id}->{self.publication_id} {self.status}"
