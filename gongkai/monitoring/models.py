"""What the office monitors besides the site's own items (国办秘函〔2019〕19号; DOMAIN.md §3):
the county's government new-media accounts and their posts, the probes of the site's home page,
and the serious incidents the office records. Columns' update classes live on
gongkai.publications.models.Column.update_days; the figures are computed, never stored."""

from __future__ import annotations

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models

from gongkai.core.models import BaseModel, staff_reference
from gongkai.orgs.models import Unit


class Platform(models.TextChoices):
    WECHAT = "wechat", "微信公众号"
    WEIBO = "weibo", "新浪微博"
    TOUTIAO = "toutiao", "今日头条"
    DOUYIN = "douyin", "抖音"
    KUAISHOU = "kuaishou", "快手"
    CHANNELS = "channels", "微信视频号"
    OTHER = "other", "其他"


# How seed 003 names an account in a sentence: 县商务局抖音号.
PLATFORM_NOUNS = {
    Platform.WECHAT: "微信公众号",
    Platform.WEIBO: "微博",
    Platform.TOUTIAO: "头条号",
    Platform.DOUYIN: "抖音号",
    Platform.KUAISHOU: "快手号",
    Platform.CHANNELS: "视频号",
    Platform.OTHER: "政务新媒体",
}

DEFAULT_POSTS_PER_WEEK = 2  # seed 003: 政务新媒体每周更新不少于2次


class NewMediaAccount(BaseModel):
    """A government new-media account (政务新媒体) run by one unit."""

    platform = models.CharField("平台", max_length=10, choices=Platform.choices)
    name = models.CharField("账号名称", max_length=100)
    unit = models.ForeignKey(
        Unit, on_delete=models.PROTECT, related_name="new_media_accounts", verbose_name="开办单位"
    )
    required_per_week = models.PositiveSmallIntegerField(
        "每周至少更新（次）",
        default=DEFAULT_POSTS_PER_WEEK,
        validators=[MinValueValidator(1), MaxValueValidator(100)],
    )
    is_active = models.BooleanField(
        "在监测中", default=True, help_text="已注销或停用的账号不再监测"
    )
    opened_on = models.DateField(
        "开设日期", null=True, blank=True, help_text="开设之前的周不检查；留空表示早已开设"
    )
    note = models.CharField("备注", max_length=200, blank=True)

    class Meta:
        ordering = ["unit__sort_order", "unit__code", "platform", "name"]
        verbose_name = "政务新媒体账号"
        verbose_name_plural = "政务新媒体账号"
        constraints = [
            models.UniqueConstraint(
                fields=["platform", "name"],
                name="new_media_account_unique",
                violation_error_message="同一平台上已有同名的账号。",
            ),
            models.CheckConstraint(
                condition=models.Q(required_per_week__gte=1), name="new_media_required_positive"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name}（{self.get_platform_display()}）"

    @property
    def described(self) -> str:
        """The account as seed 003 names it in a sentence: 县商务局抖音号“石城商务”."""
        noun = PLATFORM_NOUNS.get(self.platform, "政务新媒体")  # type: ignore[call-overload]
        return f"{self.unit.name}{noun}“{self.name}”"


class PostSource(models.TextChoices):
    ENTERED = "entered", "页面录入"
    IMPORTED = "imported", "文件导入"


class NewMediaPost(BaseModel):
    """One post of an account: what the weekly count and the idle days are computed from."""

    account = models.ForeignKey(
        NewMediaAccount, on_delete=models.PROTECT, related_name="posts", verbose_name="账号"
    )
    published_on = models.DateField("发布日期")
    title = models.CharField("标题", max_length=300)
    url = models.URLField("链接", max_length=500, blank=True)
    source = models.CharField(
        "来源", max_length=10, choices=PostSource.choices, default=PostSource.ENTERED
    )
    recorded_by = staff_reference("录入人")

    class Meta:
        ordering = ["-published_on", "-pk"]
        verbose_name = "政务新媒体发布记录"
        verbose_name_plural = "政务新媒体发布记录"
        constraints = [
            models.UniqueConstraint(
                fields=["account", "published_on", "title"], name="new_media_post_once"
            ),
        ]
        indexes = [models.Index(fields=["account", "published_on"])]

    def __str__(self) -> str:
        return f"{self.published_on} {self.title}"


class Probe(models.Model):
    """One fetch of the site's home page (``gongkai monitor probe``, run by cron): whether it
    loaded within the time limit of 国办秘函〔2019〕19号 (15 s)."""

    url = models.CharField("地址", max_length=500)
    checked_at = models.DateTimeField("检测时间", db_index=True)
    ok = models.BooleanField("可以访问")
    status_code = models.PositiveSmallIntegerField("HTTP状态码", null=True, blank=True)
    elapsed_ms = models.PositiveIntegerField("用时（毫秒）", null=True, blank=True)
    error = models.CharField("错误", max_length=300, blank=True)

    class Meta:
        ordering = ["-checked_at", "-pk"]
        verbose_name = "网站可用性检测"
        verbose_name_plural = "网站可用性检测"

    def __str__(self) -> str:
        return f"{self.checked_at:%Y-%m-%d %H:%M} {self.url} {'ok' if self.ok else 'failed'}"


class IncidentKind(models.TextChoices):
    """The single-veto items the office can only record, not measure (国办秘函〔2019〕19号)."""

    WORDING = "wording", "严重表述错误"
    SECRET = "secret", "泄露国家秘密"
    INTERACTION = "interaction", "互动回应差"
    OTHER = "other", "其他严重问题"


class Incident(BaseModel):
    """A serious problem of the site the office found or was told of (an inspection report, a
    notice of the city's 网信办). Never deleted: a wrong record is cancelled with a reason."""

    kind = models.CharField("类别", max_length=12, choices=IncidentKind.choices)
    occurred_on = models.DateField("发现日期")
    unit = models.ForeignKey(
        Unit,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="责任单位",
    )
    description = models.TextField("情况说明")
    evidence = models.CharField("出处或页面地址", max_length=500, blank=True)
    recorded_by = staff_reference("登记人")
    cancelled_at = models.DateTimeField("撤销时间", null=True, blank=True)
    cancel_reason = models.TextField("撤销原因", blank=True)

    class Meta:
        ordering = ["-occurred_on", "-pk"]
        verbose_name = "严重问题记录"
        verbose_name_plural = "严重问题记录"

    def __str__(self) -> str:
        return f"{self.occurred_on} {self.get_kind_display()}"

    @property
    def is_cancelled(self) -> bool:
        return self.cancelled_at is not None
