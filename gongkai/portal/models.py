"""What every government site must carry (国办发〔2017〕47号《政府网站发展指引》): the site's
registration data the county's disclosure office (公开办) keeps, shown at the foot of every page,
and the error reports the public sends through 我为政府网站找错, kept in the office's queue.

The portal otherwise owns no models; these two belong to the site itself rather than to any
unit's work. Error reports stay here until the messages issue (领导信箱, 咨询, 找错) replaces them.
"""

from __future__ import annotations

from typing import ClassVar

from django.core.validators import MaxValueValidator
from django.db import models

from gongkai.core.models import BaseModel, staff_reference

# The county's rule for a synchronous interpretation (同步发布): working days after the policy.
INTERPRETATION_WORKDAYS_DEFAULT = 3
INTERPRETATION_WORKDAYS_MAX = 20


class SiteSettings(BaseModel):
    """The one row of the site's registration data (主办单位, 网站标识码, ICP and 公安 numbers)
    and the contact data of 联系我们, and the county's window for a policy's interpretation
    (interpretation_workdays, read by gongkai.publications.interpretation). Blank fields fall back to defaults made from the county's
    name (gongkai.portal.selectors.site_info) until the office fills them in."""

    SINGLETON_ID = 1

    id = models.PositiveSmallIntegerField(primary_key=True, default=SINGLETON_ID, editable=False)
    sponsor = models.CharField("主办单位", max_length=100, blank=True)
    organizer = models.CharField("承办单位", max_length=100, blank=True)
    site_code = models.CharField("网站标识码", max_length=10, blank=True)
    icp_number = models.CharField("ICP备案号", max_length=40, blank=True)
    police_number = models.CharField("公安机关备案号", max_length=40, blank=True)
    phone = models.CharField("联系电话", max_length=40, blank=True)
    address = models.CharField("联系地址", max_length=200, blank=True)
    email = models.EmailField("电子邮箱", max_length=100, blank=True)
    postcode = models.CharField("邮编", max_length=6, blank=True)
    # 同步发布 has no statutory number: the county sets it (docs/adr/0021); 0 means the same day.
    interpretation_workdays = models.PositiveSmallIntegerField(
        "政策解读期限（工作日）",
        default=INTERPRETATION_WORKDAYS_DEFAULT,
        validators=[
            MaxValueValidator(
                INTERPRETATION_WORKDAYS_MAX,
                message=f"政策解读期限应为0至{INTERPRETATION_WORKDAYS_MAX}个工作日。",
            )
        ],
    )
    updated_by = staff_reference("最后修改人")

    class Meta:
        verbose_name = "网站设置"
        verbose_name_plural = "网站设置"
        constraints = [
            models.CheckConstraint(condition=models.Q(id=1), name="site_settings_singleton"),
        ]

    def __str__(self) -> str:
        return "网站设置"


class ErrorKind(models.TextChoices):
    """The kinds of problem 我为政府网站找错 asks the public to choose from."""

    CONTENT = "content", "内容错误"
    LINK = "link", "链接错误/无法访问"
    TYPO = "typo", "错别字"
    STALE = "stale", "信息不更新"
    OTHER = "other", "其他"


class ReportStatus(models.TextChoices):
    PENDING = "pending", "待处理"
    HANDLED = "handled", "已处理"


class ErrorReport(BaseModel):
    """One error report from the public: the page, the kind of problem, what is wrong, and
    (optionally) how to reach the sender; the office marks it handled with a note of what it did.

    ``client_key`` is a keyed hash of the sender's address, kept only to limit how many reports
    one sender files an hour (never the address itself)."""

    ALLOWED: ClassVar[dict[str, set[str]]] = {
        ReportStatus.PENDING: {ReportStatus.HANDLED},
        ReportStatus.HANDLED: set(),
    }

    receipt_no = models.CharField("受理编号", max_length=24, unique=True)
    page_url = models.CharField("问题页面地址", max_length=500)
    kind = models.CharField("问题类型", max_length=12, choices=ErrorKind.choices)
    description = models.TextField("问题描述", max_length=2000)
    name = models.CharField("姓名", max_length=50, blank=True)
    phone = models.CharField("联系电话", max_length=40, blank=True)
    email = models.EmailField("电子邮箱", max_length=100, blank=True)
    status = models.CharField(
        "状态", max_length=12, choices=ReportStatus.choices, default=ReportStatus.PENDING
    )
    reply = models.TextField("处理说明", max_length=2000, blank=True)
    handled_at = models.DateTimeField("处理时间", null=True, blank=True)
    handled_by = staff_reference("处理人")
    client_key = models.CharField("来源标识", max_length=64, blank=True, editable=False)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = "网站找错留言"
        verbose_name_plural = "网站找错留言"
        indexes = [
            # The office's queue: pending first, oldest first, by status.
            models.Index(fields=["status", "created_at"], name="error_report_queue"),
            # How many reports one sender filed in the last hour.
            models.Index(fields=["client_key", "created_at"], name="error_report_by_client"),
        ]

    def __str__(self) -> str:
        return self.receipt_no

    def can_move_to(self, status: str) -> bool:
        return status in self.ALLOWED[self.status]
