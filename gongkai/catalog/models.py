"""The standard disclosure catalog (政务公开事项标准目录): domains, guideline templates, and each
unit's yearly catalog with its items and review history (DOMAIN.md §2)."""

from __future__ import annotations

import uuid
from typing import Any, ClassVar

from django.db import models
from django.urls import reverse

from gongkai.core.models import BaseModel, staff_reference
from gongkai.orgs.models import Unit


class DomainKind(models.TextChoices):
    PILOT = "pilot", "试点领域"
    OTHER = "other", "其他领域"


class Domain(BaseModel):
    """A disclosure domain (公开领域): one of the 26 pilot domains or an "other" domain.

    ``aliases`` lists the other names the same domain goes by in guidelines and workbooks
    (e.g. 征地补偿 / 农村集体土地征收), so an import can recognise a sheet by any of them.
    """

    code = models.SlugField("领域代码", max_length=40, unique=True)
    name = models.CharField("领域名称", max_length=50, unique=True)
    kind = models.CharField(
        "领域类别", max_length=8, choices=DomainKind.choices, default=DomainKind.PILOT
    )
    aliases: models.JSONField[list[str]] = models.JSONField("别名", default=list, blank=True)
    sort_order = models.PositiveIntegerField("排序", default=0)
    lead_units = models.ManyToManyField(
        Unit, blank=True, related_name="lead_domains", verbose_name="业务主管部门"
    )

    class Meta:
        ordering = ["sort_order", "code"]
        verbose_name = "公开领域"
        verbose_name_plural = "公开领域"

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("portal:catalog_domain", args=[self.code])

    def all_names(self) -> list[str]:
        return [self.name, *self.aliases]


# The element columns of the national layout, in order: (field, label).
TEXT_ELEMENTS: list[tuple[str, str]] = [
    ("level1", "一级事项"),
    ("level2", "二级事项"),
    ("content", "公开内容（要素）"),
    ("basis", "公开依据"),
    ("time_limit", "公开时限"),
    ("subject", "公开主体"),
    ("channels", "公开渠道和载体"),
]
# Tick groups: (group label, [(field, label), ...]); each group needs at least one tick.
TICK_GROUPS: list[tuple[str, list[tuple[str, str]]]] = [
    ("公开对象", [("audience_public", "全社会"), ("audience_specific", "特定群体")]),
    ("公开方式", [("mode_proactive", "主动"), ("mode_on_request", "依申请")]),
    (
        "公开层级",
        [("level_county", "县级"), ("level_township", "乡级"), ("level_village", "村级")],
    ),
]
OPTIONAL_ELEMENTS: list[tuple[str, str]] = [
    ("five_public", "五公开"),
    ("site_column", "网站所属栏目"),
    ("remark", "备注"),
]
TICK_FIELDS: list[str] = [field for _, ticks in TICK_GROUPS for field, _ in ticks]
ELEMENT_FIELDS: list[str] = (
    [field for field, _ in TEXT_ELEMENTS] + TICK_FIELDS + [f for f, _ in OPTIONAL_ELEMENTS]
)


class ItemElements(models.Model):
    """The elements every catalog item carries (seed 002: 名称、内容、依据、时限、主体、方式、渠道、
    公开对象), shared by guideline templates and units' items."""

    level1 = models.CharField("一级事项", max_length=200, blank=True)
    level2 = models.CharField("二级事项", max_length=200, blank=True)
    content = models.TextField("公开内容（要素）", blank=True)
    basis = models.TextField("公开依据", blank=True)
    time_limit = models.TextField("公开时限", blank=True)
    subject = models.TextField("公开主体", blank=True)
    channels = models.TextField("公开渠道和载体", blank=True)
    audience_public = models.BooleanField("全社会", default=False)
    audience_specific = models.BooleanField("特定群体", default=False)
    mode_proactive = models.BooleanField("主动", default=False)
    mode_on_request = models.BooleanField("依申请", default=False)
    level_county = models.BooleanField("县级", default=False)
    level_township = models.BooleanField("乡级", default=False)
    level_village = models.BooleanField("村级", default=False)
    five_public = models.CharField("五公开", max_length=50, blank=True)
    site_column = models.CharField("网站所属栏目", max_length=200, blank=True)
    remark = models.TextField("备注", blank=True)
    sort_order = models.PositiveIntegerField("排序", default=0)

    class Meta:
        abstract = True

    def elements(self) -> dict[str, Any]:
        """Every element as a plain dict, the shape imports, exports and services exchange."""
        return {field: getattr(self, field) for field in ELEMENT_FIELDS}

    def missing_elements(self) -> list[str]:
        """Labels of the required elements that are empty or have nothing ticked."""
        missing = [label for field, label in TEXT_ELEMENTS if not str(getattr(self, field)).strip()]
        for group, ticks in TICK_GROUPS:
            if not any(getattr(self, field) for field, _ in ticks):
                missing.append(group)
        return missing

    def ticked(self, group: str) -> list[str]:
        """Labels ticked in one group, e.g. ["全社会"] for 公开对象."""
        for name, ticks in TICK_GROUPS:
            if name == group:
                return [label for field, label in ticks if getattr(self, field)]
        raise KeyError(group)

    @property
    def audience_display(self) -> str:
        return "、".join(self.ticked("公开对象"))

    @property
    def mode_display(self) -> str:
        return "、".join(self.ticked("公开方式"))

    @property
    def level_display(self) -> str:
        return "、".join(self.ticked("公开层级"))


class GuidelineItem(ItemElements, BaseModel):
    """An item of a standard guideline (标准指引) that units derive their catalogs from."""

    domain = models.ForeignKey(
        Domain, on_delete=models.PROTECT, related_name="guideline_items", verbose_name="领域"
    )

    class Meta:
        ordering = ["domain__sort_order", "sort_order", "pk"]
        verbose_name = "标准指引事项"
        verbose_name_plural = "标准指引事项"

    def __str__(self) -> str:
        return f"{self.domain.name}/{self.level1}/{self.level2}"


class CatalogStatus(models.TextChoices):
    DRAFT = "draft", "草稿"
    SUBMITTED = "submitted", "待审核"
    RETURNED = "returned", "已退回"
    APPROVED = "approved", "审核通过"
    REPORTED = "reported", "已报市级"


class CatalogQuerySet(models.QuerySet["Catalog"]):
    def public(self) -> CatalogQuerySet:
        """Catalogs the public may see: approved by the office (and possibly reported)."""
        return self.filter(status__in=PUBLIC_STATUSES)


PUBLIC_STATUSES = (CatalogStatus.APPROVED, CatalogStatus.REPORTED)
EDITABLE_STATUSES = (CatalogStatus.DRAFT, CatalogStatus.RETURNED)


class Catalog(BaseModel):
    """One unit's catalog for one version (a year): adjusted yearly, reviewed by the office."""

    ALLOWED: ClassVar[dict[str, set[str]]] = {
        CatalogStatus.DRAFT: {CatalogStatus.SUBMITTED},
        CatalogStatus.SUBMITTED: {CatalogStatus.RETURNED, CatalogStatus.APPROVED},
        CatalogStatus.RETURNED: {CatalogStatus.SUBMITTED},
        CatalogStatus.APPROVED: {CatalogStatus.REPORTED},
        CatalogStatus.REPORTED: set(),
    }

    unit = models.ForeignKey(
        Unit, on_delete=models.PROTECT, related_name="catalogs", verbose_name="单位"
    )
    version = models.PositiveSmallIntegerField("版本（年度）")
    status = models.CharField(
        "状态", max_length=16, choices=CatalogStatus.choices, default=CatalogStatus.DRAFT
    )
    submitted_at = models.DateTimeField("报送时间", null=True, blank=True)
    approved_at = models.DateTimeField("审核通过时间", null=True, blank=True)
    reported_at = models.DateTimeField("报市级时间", null=True, blank=True)

    objects = CatalogQuerySet.as_manager()

    class Meta:
        ordering = ["unit__sort_order", "-version"]
        verbose_name = "单位目录"
        verbose_name_plural = "单位目录"
        constraints = [
            models.UniqueConstraint(fields=["unit", "version"], name="catalog_unit_version"),
            models.CheckConstraint(
                condition=models.Q(version__gte=2000, version__lte=2100),
                name="catalog_version_year",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.unit.name} {self.version}年版目录"

    def get_absolute_url(self) -> str:
        return reverse("staff:catalog_detail", args=[self.pk])

    @property
    def is_editable(self) -> bool:
        return self.status in EDITABLE_STATUSES

    def can_move_to(self, status: str) -> bool:
        return status in self.ALLOWED[self.status]


class CatalogItem(ItemElements, BaseModel):
    """An item of a unit's catalog (公开事项). ``lineage`` stays the same when an item is carried
    into the next version, so information filed under it can follow it across years."""

    catalog = models.ForeignKey(
        Catalog, on_delete=models.CASCADE, related_name="items", verbose_name="目录"
    )
    domain = models.ForeignKey(
        Domain, on_delete=models.PROTECT, related_name="catalog_items", verbose_name="领域"
    )
    guideline = models.ForeignKey(
        GuidelineItem,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="derived_items",
        verbose_name="来源指引事项",
    )
    lineage = models.UUIDField("事项标识", default=uuid.uuid4, editable=False)

    class Meta:
        ordering = ["domain__sort_order", "sort_order", "pk"]
        verbose_name = "目录事项"
        verbose_name_plural = "目录事项"
        constraints = [
            models.UniqueConstraint(fields=["catalog", "lineage"], name="catalog_item_lineage"),
        ]
        indexes = [
            models.Index(fields=["catalog", "domain", "sort_order"]),
            # The public pages count a domain's items and units from this index alone, and
            # list the units publishing in a domain (issue 10: 150,000 items at province size).
            models.Index(fields=["domain", "catalog"], name="catalog_item_domain_catalog"),
            # Links to a matter follow its lineage into the unit's current catalog.
            models.Index(fields=["lineage"], name="catalog_item_lineage_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.level1}/{self.level2}"

    def get_absolute_url(self) -> str:
        return reverse("portal:catalog_item", args=[self.pk])


class CatalogAction(models.TextChoices):
    CREATED = "created", "创建"
    IMPORTED = "imported", "导入"
    ITEM_ADDED = "item_added", "新增事项"
    ITEM_CHANGED = "item_changed", "修改事项"
    ITEM_DELETED = "item_deleted", "删除事项"
    SUBMITTED = "submitted", "报送审核"
    RETURNED = "returned", "退回修改"
    APPROVED = "approved", "审核通过"
    REPORTED = "reported", "报送市级"


class CatalogEvent(models.Model):
    """One step in a catalog's life: who did what, when, and what they said. Never changed."""

    catalog = models.ForeignKey(
        Catalog, on_delete=models.PROTECT, related_name="events", verbose_name="目录"
    )
    action = models.CharField("操作", max_length=16, choices=CatalogAction.choices)
    actor = staff_reference("操作人")
    at = models.DateTimeField("时间", auto_now_add=True)
    status_after = models.CharField("操作后状态", max_length=16, choices=CatalogStatus.choices)
    comment = models.TextField("意见或说明", blank=True)

    class Meta:
        ordering = ["at", "pk"]
        verbose_name = "目录办理记录"
        verbose_name_plural = "目录办理记录"

    def __str__(self) -> str:
        return f"{self.catalog} {self.get_action_display()}"


class DomainTally(models.Model):
    """How many public items and units each domain has, counted for one set of public catalogs.

    The catalog index, the home page and /xxgk/ show these counts on every request; counting
    150,000 items each time (a province: 5,000 units × ~30 items) is too slow. The rows carry the
    ``fingerprint`` of the public catalogs they were counted from (each active unit's newest
    approved or reported catalog, see selectors.public_catalogs); a reader whose fingerprint
    differs recounts and stores new rows. The items of a public catalog never change (only drafts
    and returned catalogs are edited), so the same set of catalogs always has the same counts.
    """

    fingerprint = models.CharField("公开目录指纹", max_length=64)
    domain = models.ForeignKey(
        Domain, on_delete=models.CASCADE, related_name="+", verbose_name="领域"
    )
    item_count = models.PositiveIntegerField("公开事项数", default=0)
    unit_count = models.PositiveIntegerField("发布单位数", default=0)

    class Meta:
        verbose_name = "领域目录计数"
        verbose_name_plural = "领域目录计数"
        constraints = [
            models.UniqueConstraint(
                fields=["fingerprint", "domain"], name="domain_tally_fingerprint_domain"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.domain_id}: {self.item_count}/{self.unit_count}"
