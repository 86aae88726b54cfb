"""Government information published proactively (主动公开), with the standard metadata of a Chinese
government information column, filed under catalog items (DOMAIN.md §3)."""

from __future__ import annotations

from typing import Any, ClassVar

from django.db import models
from django.urls import reverse

from gongkai.catalog.models import CatalogItem, Domain
from gongkai.core.models import BaseModel, staff_reference
from gongkai.orgs.models import Unit


class TopicCategory(BaseModel):
    """主题分类: the subject classification of government information; its code goes into the
    index number (e.g. 1700 in seed 002's QZ05904-1700-2020-00028)."""

    code = models.CharField("分类代码", max_length=16, unique=True)
    name = models.CharField("分类名称", max_length=50, unique=True)
    sort_order = models.PositiveIntegerField("排序", default=0)

    class Meta:
        ordering = ["sort_order", "code"]
        verbose_name = "主题分类"
        verbose_name_plural = "主题分类"

    def __str__(self) -> str:
        return self.name


class ColumnKind(models.TextChoices):
    """What the website inspection indicators (国办秘函〔2019〕19号) expect of a column."""

    NEWS = "news", "动态要闻类"
    NOTICE = "notice", "通知公告、政策文件类"
    GUIDE = "guide", "指南制度类"
    OTHER = "other", "其他"


class Column(BaseModel):
    """A column (栏目) of the government information disclosure site."""

    code = models.SlugField("栏目代码", max_length=40, unique=True)
    name = models.CharField("栏目名称", max_length=50)
    parent = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
        verbose_name="上级栏目",
    )
    kind = models.CharField("栏目类别", max_length=8, choices=ColumnKind.choices)
    update_days = models.PositiveSmallIntegerField(
        "更新周期（天）",
        null=True,
        blank=True,
        help_text="应至少每隔多少天更新一次；留空表示不要求",
    )
    sort_order = models.PositiveIntegerField("排序", default=0)

    class Meta:
        ordering = ["sort_order", "code"]
        verbose_name = "栏目"
        verbose_name_plural = "栏目"

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("portal:column", args=[self.code])

    @property
    def top_id(self) -> int:
        """The id of the top-level column this one sits under (its own id at the top): what
        Publication.top_column holds (one query a level unless the parents are loaded)."""
        column = self
        while column.parent_id is not None:
            column = column.parent  # type: ignore[assignment]
        return column.pk


class Attribute(models.TextChoices):
    """公开属性, decided at drafting (公开属性源头认定)."""

    PROACTIVE = "proactive", "主动公开"
    ON_REQUEST = "on_request", "依申请公开"
    NOT_PUBLIC = "not_public", "不予公开"


class NonPublicGround(models.TextChoices):
    """The legal ground for not publishing (条例第十四、十五、十六条)."""

    ART14 = "art14", "条例第十四条：国家秘密、法律行政法规禁止公开、危及“三安全一稳定”"
    ART15 = "art15", "条例第十五条：商业秘密、个人隐私等第三方合法权益"
    ART16_INTERNAL = "art16_internal", "条例第十六条第一款：内部事务信息"
    ART16_PROCESS = "art16_process", "条例第十六条第二款：过程性信息、行政执法案卷信息"


class FiveClass(models.TextChoices):
    """五公开: 决策、执行、管理、服务、结果公开."""

    DECISION = "decision", "决策公开"
    EXECUTION = "execution", "执行公开"
    MANAGEMENT = "management", "管理公开"
    SERVICE = "service", "服务公开"
    RESULT = "result", "结果公开"


class DocKind(models.TextChoices):
    ORDINARY = "ordinary", "一般政府信息"
    NORMATIVE = "normative", "行政规范性文件"
    RULE = "rule", "规章"
    POLICY = "policy", "其他政策文件"


class InterpretationForm(models.TextChoices):
    """解读形式: the forms the seeds name for a policy interpretation (DOMAIN.md §3; seed 001
    item 10: 文字解读、图表图解、视频动漫、新闻发布会、专家访谈; seed 003: 图文漫画、简明问答)."""

    TEXT = "text", "文字"
    GRAPHIC = "graphic", "图文/图表图解"
    MEDIA = "media", "音视频"
    PRESS = "press", "新闻发布会"
    QA = "qa", "简明问答"
    INTERVIEW = "interview", "在线访谈"
    OTHER = "other", "其他"


class Validity(models.TextChoices):
    VALID = "valid", "现行有效"
    EXPIRED = "expired", "已失效"
    REPEALED = "repealed", "已废止"


class PublicationStatus(models.TextChoices):
    DRAFT = "draft", "草稿"
    SUBMITTED = "submitted", "待审核"
    RETURNED = "returned", "已退回"
    PUBLISHED = "published", "已发布"
    RETAINED = "retained", "已审定（不主动公开）"
    WITHDRAWN = "withdrawn", "已撤回"


EDITABLE_STATUSES = (PublicationStatus.DRAFT, PublicationStatus.RETURNED)


class PublicationQuerySet(models.QuerySet["Publication"]):
    def published(self) -> PublicationQuerySet:
        """What the public sees: published, and withdrawn items (whose page says so)."""
        return self.filter(status=PublicationStatus.PUBLISHED)

    def on_portal(self) -> PublicationQuerySet:
        """Items with a public page: published ones and withdrawn ones (shown as withdrawn)."""
        return self.filter(status__in=(PublicationStatus.PUBLISHED, PublicationStatus.WITHDRAWN))

    def review_due(self, *, on: Any) -> PublicationQuerySet:
        """Items kept from proactive publication whose periodic review has come round."""
        return self.filter(status=PublicationStatus.RETAINED, review_due__lte=on)


class Publication(BaseModel):
    """An item of government information, from draft to publication (or withdrawal)."""

    ALLOWED: ClassVar[dict[str, set[str]]] = {
        PublicationStatus.DRAFT: {PublicationStatus.SUBMITTED},
        PublicationStatus.SUBMITTED: {
            PublicationStatus.RETURNED,
            PublicationStatus.PUBLISHED,
            PublicationStatus.RETAINED,
        },
        PublicationStatus.RETURNED: {PublicationStatus.SUBMITTED},
        PublicationStatus.RETAINED: {PublicationStatus.PUBLISHED},
        PublicationStatus.PUBLISHED: {PublicationStatus.WITHDRAWN},
        PublicationStatus.WITHDRAWN: set(),
    }

    unit = models.ForeignKey(
        Unit, on_delete=models.PROTECT, related_name="publications", verbose_name="发布单位"
    )
    issuer = models.CharField("发布机构", max_length=100)
    title = models.CharField("标题", max_length=300)
    index_no = models.CharField("索引号", max_length=80, unique=True, null=True, blank=True)
    doc_number = models.CharField("文号", max_length=80, blank=True)
    doc_number_key = models.CharField(
        "文号检索键", max_length=80, blank=True, db_index=True, editable=False
    )
    written_on = models.DateField("成文日期")
    published_at = models.DateTimeField("发布日期", null=True, blank=True, db_index=True)
    topic = models.ForeignKey(
        TopicCategory, on_delete=models.PROTECT, related_name="+", verbose_name="主题分类"
    )
    five_class = models.CharField("五公开", max_length=12, choices=FiveClass.choices)
    column = models.ForeignKey(
        Column, on_delete=models.PROTECT, related_name="publications", verbose_name="栏目"
    )
    # The top-level column of ``column`` (the column itself at the top), kept with it by
    # services.apply_values: a parent column's list (法定主动公开内容 and its 13 sub-columns) then
    # reads one index range, newest first, at any page (issue 10). The column tree is data of
    # the schema (migration 0002); a migration that moves a column refills this field.
    top_column = models.ForeignKey(
        Column,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        editable=False,
        db_index=False,  # publication_by_top_column leads with it
        related_name="+",
        verbose_name="一级栏目",
    )
    domain = models.ForeignKey(
        Domain,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="publications",
        verbose_name="公开领域",
    )
    catalog_items = models.ManyToManyField(
        CatalogItem, blank=True, related_name="publications", verbose_name="对应目录事项"
    )
    # An interpretation (政策解读) points at the policy document it explains; the policy's page
    # lists its interpretations through the reverse side. SET_NULL: a draft policy may still be
    # deleted, and its interpretation then simply explains nothing recorded.
    interprets = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="interpretations",
        verbose_name="解读的政策文件",
    )
    # Set exactly when ``interprets`` is (services.apply_values clears it otherwise).
    interpretation_form = models.CharField(
        "解读形式", max_length=10, choices=InterpretationForm.choices, blank=True
    )
    attribute = models.CharField(
        "公开属性", max_length=12, choices=Attribute.choices, default=Attribute.PROACTIVE
    )
    non_public_ground = models.CharField(
        "不予公开依据", max_length=16, choices=NonPublicGround.choices, blank=True
    )
    attribute_reason = models.TextField("属性认定说明", blank=True)
    review_due = models.DateField("下次评估日期", null=True, blank=True)
    body = models.TextField("正文", blank=True)
    body_text = models.TextField("正文纯文本", blank=True, editable=False)
    doc_kind = models.CharField(
        "文件类型", max_length=12, choices=DocKind.choices, default=DocKind.ORDINARY
    )
    validity = models.CharField("有效性", max_length=10, choices=Validity.choices, blank=True)
    effective_on = models.DateField("生效日期", null=True, blank=True)
    expires_on = models.DateField("失效日期", null=True, blank=True)
    status = models.CharField(
        "状态",
        max_length=12,
        choices=PublicationStatus.choices,
        default=PublicationStatus.DRAFT,
        db_index=True,
    )
    submitted_at = models.DateTimeField("报送时间", null=True, blank=True)
    due_on = models.DateField("应公开日期", null=True, blank=True)
    is_late = models.BooleanField("超期公开", default=False)
    withdrawn_at = models.DateTimeField("撤回时间", null=True, blank=True)
    withdrawal_reason = models.TextField("撤回原因", blank=True)
    findings: models.JSONField[list[dict[str, Any]]] = models.JSONField(
        "发布前检查结果", default=list, blank=True
    )
    override_reason = models.TextField("审核人放行理由", blank=True)
    source_url = models.CharField(
        "原网址", max_length=500, blank=True, help_text="从旧网站迁入的信息在原网站上的地址"
    )
    version = models.PositiveIntegerField("版本", default=1)
    created_by = staff_reference("起草人")

    objects = PublicationQuerySet.as_manager()

    class Meta:
        ordering = ["-published_at", "-pk"]
        verbose_name = "政府信息"
        verbose_name_plural = "政府信息"
        indexes = [
            models.Index(fields=["unit", "status", "published_at"]),
            models.Index(fields=["column", "status", "published_at"]),
            models.Index(
                fields=["top_column", "status", "published_at"], name="publication_by_top_column"
            ),
            models.Index(fields=["domain", "status", "published_at"]),
            # Newest first over everything and by 五公开 class, served by the index (issue 10).
            models.Index(fields=["status", "published_at"], name="publication_public_order"),
            models.Index(
                fields=["five_class", "status", "published_at"], name="publication_by_five"
            ),
            # Late items per unit and period (monitoring, assessment) without reading every row.
            models.Index(
                fields=["unit", "published_at"],
                condition=models.Q(status="published", is_late=True),
                name="publication_late_by_unit",
            ),
            # The library of valid normative documents reads only them (issue 10: a scan of a
            # million ordinary items took 1.7 s to find none). Not a partial index: SQLite
            # cannot use one when the values come as parameters, as the ORM sends them.
            models.Index(
                fields=["doc_kind", "validity", "status", "unit"],
                name="publication_normative_library",
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(attribute="not_public") | ~models.Q(non_public_ground=""),
                name="publication_not_public_needs_ground",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("portal:publication", args=[self.pk])

    @property
    def is_editable(self) -> bool:
        return self.status in EDITABLE_STATUSES

    @property
    def is_normative(self) -> bool:
        return self.doc_kind == DocKind.NORMATIVE

    def can_move_to(self, status: str) -> bool:
        return status in self.ALLOWED[self.status]


class PublishedCount(models.Model):
    """How many items are published, in all and by unit, column, domain, 五公开 class and year
    (of the county's time zone): kept by the services on every publish and withdrawal, so the
    portal's facets read a few rows instead of counting a million (issue 10)."""

    dimension = models.CharField("维度", max_length=8)
    key = models.CharField("取值", max_length=40)
    count = models.BigIntegerField("已发布数", default=0)

    class Meta:
        verbose_name = "已发布信息计数"
        verbose_name_plural = "已发布信息计数"
        constraints = [
            models.UniqueConstraint(fields=["dimension", "key"], name="published_count_unique")
        ]

    def __str__(self) -> str:
        return f"{self.dimension}:{self.key}={self.count}"


class PublicationVersion(models.Model):
    """A snapshot of a publication after each change: every change is versioned."""

    publication = models.ForeignKey(
        Publication, on_delete=models.PROTECT, related_name="versions", verbose_name="政府信息"
    )
    number = models.PositiveIntegerField("版本号")
    at = models.DateTimeField("时间", auto_now_add=True)
    actor = staff_reference("操作人")
    action = models.CharField("操作", max_length=32)
    comment = models.TextField("说明", blank=True)
    snapshot: models.JSONField[dict[str, Any]] = models.JSONField("内容快照", default=dict)

    class Meta:
        ordering = ["publication", "number", "pk"]
        verbose_name = "政府信息版本"
        verbose_name_plural = "政府信息版本"

    def __str__(self) -> str:
        return f"{self.publication_id} v{self.number} {self.action}"


class Attachment(BaseModel):
    """A file attached to a publication; its type was checked by content, not by name."""

    publication = models.ForeignKey(
        Publication, on_delete=models.PROTECT, related_name="attachments", verbose_name="政府信息"
    )
    file = models.FileField("文件", upload_to="attachments/%Y/%m/")
    name = models.CharField("文件名", max_length=200)
    kind = models.CharField("文件类型", max_length=8)
    size = models.PositiveIntegerField("大小（字节）")
    sha256 = models.CharField("SHA-256", max_length=64)
    text = models.TextField("文本内容", blank=True, editable=False)
    sort_order = models.PositiveIntegerField("排序", default=0)

    class Meta:
        ordering = ["sort_order", "pk"]
        verbose_name = "附件"
        verbose_name_plural = "附件"

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("portal:attachment", args=[self.pk])


class IndexSequence(models.Model):
    """The last sequence number used under one index-number prefix; numbers are never reused."""

    key = models.CharField("前缀", max_length=120, unique=True)
    last = models.PositiveIntegerField("已用到", default=0)

    class Meta:
        verbose_name = "索引号序列"
        verbose_name_plural = "索引号序列"

    def __str__(self) -> str:
        return f"{self.key}: {self.last}"


class WordKind(models.TextChoices):
    WRONG = "wrong", "错词"
    SENSITIVE = "sensitive", "敏感词"


class CheckWord(BaseModel):
    """An office-maintained dictionary entry, added to (or, inactive, taken out of) the default
    dictionaries shipped with gongkai.textcheck."""

    word = models.CharField("词语", max_length=100, unique=True)
    kind = models.CharField("类别", max_length=10, choices=WordKind.choices)
    correction = models.CharField("正确写法", max_length=100, blank=True)
    is_active = models.BooleanField("启用", default=True)
    note = models.CharField("说明", max_length=200, blank=True)

    class Meta:
        ordering = ["kind", "word"]
        verbose_name = "检查词库"
        verbose_name_plural = "检查词库"
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(kind="wrong") | ~models.Q(correction=""),
                name="checkword_wrong_needs_correction",
            ),
        ]

    def __str__(self) -> str:
        return self.word


class ImportStatus(models.TextChoices):
    CHECKING = "checking", "正在检查"
    CHECKED = "checked", "检查完毕，待确认"
    REFUSED = "refused", "检查未通过"
    IMPORTING = "importing", "正在导入"
    DONE = "done", "已导入"
    FAILED = "failed", "导入失败"


RUNNING_IMPORT_STATUSES = (ImportStatus.CHECKING, ImportStatus.IMPORTING)


class ImportJob(BaseModel):
    """An office's upload of an old site's published information, checked and then imported in
    the background (a 10,000-item file must not hold a web request), all or nothing
    (gongkai.publications.import_jobs)."""

    file = models.FileField("文件", upload_to="imports/%Y/%m/")
    filename = models.CharField("文件名", max_length=200)
    unit = models.ForeignKey(
        Unit,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="公开单位（文件未注明时）",
    )
    default_column = models.ForeignKey(
        Column,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="栏目无法对应时归入",
    )
    override_reason = models.TextField("放行理由", blank=True)
    status = models.CharField(
        "状态", max_length=10, choices=ImportStatus.choices, default=ImportStatus.CHECKING
    )
    total = models.PositiveIntegerField("条数", default=0)
    done = models.PositiveIntegerField("已处理", default=0)
    preview: models.JSONField[list[list[str]]] = models.JSONField(
        "前几条预览", default=list, blank=True
    )
    problems: models.JSONField[list[str]] = models.JSONField("问题", default=list, blank=True)
    summary: models.JSONField[dict[str, Any]] = models.JSONField(
        "导入结果", default=dict, blank=True
    )
    created_by = staff_reference("上传人")
    finished_at = models.DateTimeField("完成时间", null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = "已公开信息导入"
        verbose_name_plural = "已公开信息导入"

    def __str__(self) -> str:
        return f"{self.filename}（{self.get_status_display()}）"

    @property
    def is_running(self) -> bool:
        return self.status in RUNNING_IMPORT_STATUSES
