"""The offline access network (线下公开渠道): 政务公开专区, service halls and the 图书馆、档案馆 and
village 查阅点 where people read government information without the internet (条例第二十四、
二十五条; seed 001 item 十二, seed 004 item 8).

One row per place. The unit is the one that runs it and keeps its row up to date; the county's
政府信息公开指南 and the public list (/xxgk/access-points/) are built from these rows.
"""

from __future__ import annotations

from django.db import models
from django.urls import reverse

from gongkai.core.models import BaseModel
from gongkai.orgs.models import Unit


class AccessPointKind(models.TextChoices):
    ZHUANQU = "zhuanqu", "政务公开专区"
    SERVICE_CENTER = "service_center", "政务服务中心"
    CONVENIENCE = "convenience", "便民服务中心（站）"
    LIBRARY = "library", "图书馆查阅点"
    ARCHIVES = "archives", "档案馆查阅点"
    VILLAGE = "village", "村（社区）查阅点"
    OTHER = "other", "其他"


# What a place offers (seed 004 item 8: 政府信息查询、信息公开申请、办事咨询答复、自助办理), as
# (field name, label) in the order the public list shows them.
SERVICES = (
    ("offers_lookup", "政府信息查询"),
    ("offers_applications", "信息公开申请受理"),
    ("offers_consulting", "办事咨询答复"),
    ("offers_self_service", "自助办理、自助查询终端"),
)


class AccessPointQuerySet(models.QuerySet["AccessPoint"]):
    def active(self) -> AccessPointQuerySet:
        """The places open to the public: the row and its unit are both in use."""
        return self.filter(is_active=True, unit__is_active=True)


class AccessPoint(BaseModel):
    """A place where the public reads government information on paper or on a screen."""

    unit = models.ForeignKey(
        Unit, on_delete=models.PROTECT, related_name="access_points_run", verbose_name="管理单位"
    )
    kind = models.CharField("类型", max_length=16, choices=AccessPointKind.choices)
    name = models.CharField("名称", max_length=100, help_text="如：高田镇便民服务中心政务公开专区")
    address = models.CharField("地址", max_length=200)
    hours = models.CharField(
        "开放时间", max_length=200, help_text="如：工作日8:00—12:00、14:30—17:30（法定节假日除外）"
    )
    phone = models.CharField(
        "咨询电话", max_length=60, blank=True, help_text="单位的办公电话，如0797-5702018；选填"
    )
    contents = models.TextField(
        "可查阅内容", help_text="如：本级政府信息公开目录、政策文件汇编、办事指南、村务公开资料"
    )
    offers_lookup = models.BooleanField("提供政府信息查询", default=True)
    offers_applications = models.BooleanField("受理政府信息公开申请", default=False)
    offers_consulting = models.BooleanField("提供办事咨询答复", default=False)
    offers_self_service = models.BooleanField("设有自助办理、自助查询终端", default=False)
    has_touch_screen = models.BooleanField(
        "设有触摸屏", default=False, help_text="终端上打开本网站的 /kiosk/start/ 即可启用触摸屏模式"
    )
    is_active = models.BooleanField("开放中", default=True)
    sort_order = models.PositiveIntegerField("排序", default=0)

    objects = AccessPointQuerySet.as_manager()

    class Meta:
        ordering = ["sort_order", "pk"]
        verbose_name = "政府信息查阅场所"
        verbose_name_plural = "政府信息查阅场所"
        indexes = [models.Index(fields=["unit", "is_active"], name="accesspoint_unit_active")]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("accesspoints:list") + f"#point-{self.pk}"

    @property
    def services(self) -> list[str]:
        """The labels of what the place offers, in the list's order."""
        return [label for field, label in SERVICES if getattr(self, field)]

    @property
    def tel(self) -> str:
        """The first number of ``phone`` as a tel: target (digits only), or ''."""
        first = self.phone.replace("，", "、").replace(",", "、").replace("/", "、").split("、")[0]
        main = first.split("转")[0]
        return "".join(ch for ch in main if ch.isdigit())
