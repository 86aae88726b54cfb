"""Units of the county (the organisation tree), staff accounts and their roles in units."""

from __future__ import annotations

from django.contrib.auth.models import AbstractUser
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models

from gongkai.core.models import BaseModel


class UnitKind(models.TextChoices):
    COUNTY = "county", "县人民政府"
    OFFICE = "office", "县政务公开办"
    DEPARTMENT = "department", "县直部门"
    STATIONED = "stationed", "驻县单位"
    TOWNSHIP = "township", "乡镇"
    COMMUNITY = "community", "城市社区管委会"
    VILLAGE = "village", "村（居）委会"
    # Not a 行政机关: publishes through the same workflow, but is left out of what counts
    # government organs (applications, annual reports, assessment); docs/adr/0023.
    ENTERPRISE = "enterprise", "公共企事业单位"


class Sector(models.TextChoices):
    """The fields of public enterprises and institutions that must disclose (seed 001 item 9)."""

    EDUCATION = "education", "教育"
    HEALTH = "health", "卫生健康"
    WATER = "water", "供水"
    POWER = "power", "供电"
    GAS = "gas", "供气"
    ENVIRONMENT = "environment", "环境保护"
    TRANSPORT = "transport", "公共交通"
    OTHER = "other", "其他"


# Units that work at township level (乡级): townships and the urban community committee.
TOWNSHIP_LEVEL_KINDS = frozenset({UnitKind.TOWNSHIP, UnitKind.COMMUNITY})
# Units that work at county level (县级).
COUNTY_LEVEL_KINDS = frozenset(
    {UnitKind.COUNTY, UnitKind.OFFICE, UnitKind.DEPARTMENT, UnitKind.STATIONED}
)


# Who may supervise a public enterprise's disclosure (行业主管部门): a county department.
SUPERVISOR_KINDS = frozenset({UnitKind.DEPARTMENT})


# Units whose details a 政府信息公开指南 shows: the office's are the county government's guide's
# (the office is its 政府信息公开工作机构); villages are not 行政机关 and have none, nor have public
# enterprises, which the 条例 does not govern (docs/adr/0023).
GUIDE_UNIT_KINDS = frozenset(
    {
        UnitKind.OFFICE,
        UnitKind.DEPARTMENT,
        UnitKind.STATIONED,
        UnitKind.TOWNSHIP,
        UnitKind.COMMUNITY,
    }
)


class UnitQuerySet(models.QuerySet["Unit"]):
    def active(self) -> UnitQuerySet:
        return self.filter(is_active=True)

    def of_kind(self, *kinds: str) -> UnitQuerySet:
        return self.filter(kind__in=kinds)


class Unit(BaseModel):
    """A government unit: the county, a department, a township or a village committee.

    ``code`` is short and stable because it goes into index numbers (索引号) and file names.
    """

    code = models.CharField(
        "单位代码",
        max_length=32,
        unique=True,
        help_text="用于索引号，字母和数字，创建后不再修改",
    )
    name = models.CharField("单位名称", max_length=100, unique=True)
    org_code = models.CharField(
        "统一社会信用代码",
        max_length=18,
        blank=True,
        help_text="国家政府信息公开目录指南的索引号以此为前缀；可不填",
    )
    phone = models.CharField(
        "政府信息公开咨询电话", max_length=40, blank=True, help_text="印在答复告知书等文书上"
    )
    address = models.CharField("办公地址", max_length=200, blank=True)
    # What the unit's 政府信息公开指南 (/xxgk/guide/) is built from at request time, so the guide
    # changes the moment the unit's details do.
    full_name = models.CharField(
        "单位全称",
        max_length=100,
        blank=True,
        help_text="指南等对外文书使用的全称，如“石城县民政局”“琴江镇人民政府”；留空时使用单位名称",
    )
    office_hours = models.CharField(
        "办公时间",
        max_length=100,
        blank=True,
        help_text="如：工作日上午8:00—12:00，下午14:30—17:30（法定节假日除外）",
    )
    postal_address = models.CharField(
        "通信地址", max_length=200, blank=True, help_text="信函申请的收件地址；留空时使用办公地址"
    )
    postcode = models.CharField(
        "邮政编码",
        max_length=6,
        blank=True,
        validators=[RegexValidator(r"^\d{6}$", "邮政编码应为6位数字。")],
    )
    fax = models.CharField("传真", max_length=40, blank=True)
    email = models.EmailField("电子邮箱", blank=True)
    access_points = models.TextField(
        "政府信息查阅场所",
        blank=True,
        help_text="每行一处：名称、地址和开放时间；留空时指南列出全县的查阅场所",
    )
    guide_extra = models.TextField(
        "公开指南补充说明",
        blank=True,
        help_text="显示在本单位政府信息公开指南末尾的说明，纯文本，空一行另起一段",
    )
    kind = models.CharField("单位类型", max_length=16, choices=UnitKind.choices)
    parent = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
        verbose_name="上级单位",
    )
    sort_order = models.PositiveIntegerField("排序", default=0)
    is_active = models.BooleanField("在用", default=True)
    # Public enterprises and institutions only (公共企事业单位, seed 001 item 9): the field they
    # serve and the county department that supervises their disclosure (行业主管部门).
    sector = models.CharField(
        "行业领域", max_length=16, choices=Sector.choices, blank=True, default=""
    )
    supervisor = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="supervised",
        verbose_name="行业主管部门",
        help_text="公共企事业单位必填，应为县直部门",
    )

    objects = UnitQuerySet.as_manager()

    class Meta:
        ordering = ["sort_order", "code"]
        verbose_name = "单位"
        verbose_name_plural = "单位"
        constraints = [
            models.CheckConstraint(
                condition=models.Q(code__regex=r"^[A-Z0-9]+$"), name="unit_code_format"
            ),
            # An enterprise has a sector and a supervising department; no other kind has either.
            models.CheckConstraint(
                condition=(
                    models.Q(kind="enterprise", supervisor__isnull=False) & ~models.Q(sector="")
                )
                | (~models.Q(kind="enterprise") & models.Q(supervisor__isnull=True, sector="")),
                name="unit_enterprise_fields",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        """An enterprise needs its sector and a supervising county department; other kinds have
        neither (the constraint unit_enterprise_fields holds the first part in the database)."""
        errors: dict[str, str] = {}
        if self.kind == UnitKind.ENTERPRISE:
            if not self.sector:
                errors["sector"] = "请选择公共企事业单位的行业领域。"
            supervisor = self.supervisor if self.supervisor_id else None
            if supervisor is None:
                errors["supervisor"] = "请选择公共企事业单位的行业主管部门。"
            elif supervisor.kind not in SUPERVISOR_KINDS:
                errors["supervisor"] = "行业主管部门应为县直部门。"
        else:
            if self.sector:
                errors["sector"] = "只有公共企事业单位设行业领域。"
            if self.supervisor_id:
                errors["supervisor"] = "只有公共企事业单位设行业主管部门。"
        if errors:
            raise ValidationError(errors)

    @property
    def is_enterprise(self) -> bool:
        return self.kind == UnitKind.ENTERPRISE

    @property
    def formal_name(self) -> str:
        """The organ's full name for documents the public reads (全称), else its short name."""
        return self.full_name or self.name

    @property
    def is_village(self) -> bool:
        return self.kind == UnitKind.VILLAGE

    @property
    def is_township_level(self) -> bool:
        return self.kind in TOWNSHIP_LEVEL_KINDS


class User(AbstractUser):
    """A staff account. The public never logs in; it uses the portal anonymously."""

    full_name = models.CharField("姓名", max_length=50, blank=True)
    # Set when the office resets the password (services.user_password_reset): the temporary
    # password was seen by someone else, so the account works only for changing it until then
    # (gongkai.orgs.middleware.PasswordChangeRequiredMiddleware).
    must_change_password = models.BooleanField("须修改密码", default=False)

    class Meta:
        verbose_name = "工作人员"
        verbose_name_plural = "工作人员"

    def __str__(self) -> str:
        return self.full_name or self.username


class Role(models.TextChoices):
    EDITOR = "editor", "信息员"
    REVIEWER = "reviewer", "审核人"
    HANDLER = "handler", "承办人"
    OFFICE = "office", "公开办"
    VILLAGE_CLERK = "village_clerk", "村务管理员"
    LEADER = "leader", "领导"


class Membership(BaseModel):
    """A user's role in a unit; a person may hold several roles, in several units."""

    user = models.ForeignKey(
        User, on_delete=models.CASCADE, related_name="memberships", verbose_name="人员"
    )
    unit = models.ForeignKey(
        Unit, on_delete=models.PROTECT, related_name="memberships", verbose_name="单位"
    )
    role = models.CharField("角色", max_length=16, choices=Role.choices)

    class Meta:
        verbose_name = "岗位"
        verbose_name_plural = "岗位"
        constraints = [
            models.UniqueConstraint(fields=["user", "unit", "role"], name="membership_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.user} · {self.unit} · {self.get_role_display()}"


class Attempt(models.Model):
    """One counted event of a throttle (gongkai.orgs.throttle): a failed login, a tracking query
    that found nothing, an application filed; or, with a scope ending in ``:lock``, the moment a
    lockout began.

    Kept in the database rather than a process's memory so every web worker counts the same
    events. ``key`` is a keyed hash of what is counted (a username, an address, a tracking
    number), never the value itself. Rows older than throttle.KEEP are deleted as new ones come.
    """

    scope = models.CharField("类别", max_length=32)
    key = models.CharField("标识", max_length=64)
    at = models.DateTimeField("时间", db_index=True)

    class Meta:
        verbose_name = "尝试记录"
        verbose_name_plural = "尝试记录"
        indexes = [models.Index(fields=["scope", "key", "at"], name="attempt_lookup")]

    def __str__(self) -> str:
        return f"{self.scope} {self.at:%Y-%m-%d %H:%M:%S}"
