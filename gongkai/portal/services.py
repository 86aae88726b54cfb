"""Changes to the site's own records: the office edits the registration data of the footer, the
public files error reports (我为政府网站找错), the office marks them handled.

Each checks permission (gongkai.orgs.permissions), validates, saves and writes the audit entry in
one transaction (the public's reports have no actor and are not audited: the report is its own
record). DOMAIN.md §5: error reports on the site are answered within 3 working days.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import uuid
from collections.abc import Mapping
from typing import Any

from django.conf import settings
from django.db import transaction

from gongkai.core import clock
from gongkai.core.audit import audit
from gongkai.core.errors import GongkaiError, InvalidTransition, ValidationFailed
from gongkai.orgs import permissions
from gongkai.orgs.models import User
from gongkai.portal.models import ErrorKind, ErrorReport, ReportStatus, SiteSettings

SETTINGS_FIELDS = (
    "sponsor",
    "organizer",
    "site_code",
    "icp_number",
    "police_number",
    "phone",
    "address",
    "email",
    "postcode",
)
REPORT_FIELDS = ("page_url", "kind", "description", "name", "phone", "email")
# One sender may file this many reports in REPORT_WINDOW; more is a flood, not a reader.
REPORTS_PER_SENDER = 5
REPORT_WINDOW = dt.timedelta(hours=1)


class TooManyReports(GongkaiError):
    """The sender filed REPORTS_PER_SENDER reports within REPORT_WINDOW already."""


def _office_only(actor: User | None, message: str) -> None:
    if actor is not None:
        permissions.require(permissions.is_office(actor), message, log="access denied: office")


@transaction.atomic
def site_settings_update(*, actor: User | None, values: Mapping[str, Any]) -> SiteSettings:
    """Save the site's registration and contact data (国办发〔2017〕47号: shown at the foot of
    every page); the audit entry lists the fields that changed with their old values."""
    _office_only(actor, "只有县政务公开办可以修改网站设置。")
    unknown = set(values) - set(SETTINGS_FIELDS)
    if unknown:
        raise ValidationFailed("包含无法识别的字段。", log=f"unknown fields {sorted(unknown)}")
    row = (
        SiteSettings.objects.select_for_update().filter(pk=SiteSettings.SINGLETON_ID).first()
        or SiteSettings()
    )
    changed = {}
    for name, value in values.items():
        cleaned = " ".join(str(value or "").split())
        if cleaned != getattr(row, name):
            changed[name] = getattr(row, name)
            setattr(row, name, cleaned)
    row.updated_by = actor
    row.full_clean()
    row.save()
    audit(
        actor=actor,
        action="site.settings_update",
        target=row,
        summary="修改网站设置：" + ("、".join(_label(name) for name in changed) or "无变化"),
        data={"before": changed},
    )
    return row


def _label(name: str) -> str:
    field = SiteSettings._meta.get_field(name)
    return str(getattr(field, "verbose_name", name))


def client_key(address: str) -> str:
    """A keyed hash of the sender's address: enough to count one sender's reports, useless to
    find who sent them."""
    secret = settings.SECRET_KEY.encode()
    return hmac.new(secret, address.encode(), hashlib.sha256).hexdigest()


@transaction.atomic
def error_report_submit(*, values: Mapping[str, Any], client: str = "") -> ErrorReport:
    """File a report from the public and give it its receipt number (受理编号, JC + date + a
    sequence). ``client``: the sender's address, kept only as a keyed hash to refuse more than
    REPORTS_PER_SENDER reports an hour (TooManyReports)."""
    unknown = set(values) - set(REPORT_FIELDS)
    if unknown:
        raise ValidationFailed("包含无法识别的字段。", log=f"unknown fields {sorted(unknown)}")
    key = client_key(client) if client else ""
    now = clock.now()
    if key and (
        ErrorReport.objects.filter(client_key=key, created_at__gte=now - REPORT_WINDOW).count()
        >= REPORTS_PER_SENDER
    ):
        raise TooManyReports(
            "您提交的留言较多，请一小时后再试；问题紧急的，请拨打联系我们页面上的电话。",
            log="error report refused: too many from one sender",
        )
    cleaned = {name: str(values.get(name) or "").strip() for name in REPORT_FIELDS}
    if cleaned["kind"] not in ErrorKind.values:
        raise ValidationFailed("请选择问题类型。", log=f"bad kind {cleaned['kind']!r}")
    if not cleaned["page_url"] or not cleaned["description"]:
        raise ValidationFailed("请填写问题页面地址和问题描述。", log="report without page or text")
    # A placeholder first: the number carries the row's id, known only once it is saved.
    report = ErrorReport(receipt_no=f"t{uuid.uuid4().hex[:23]}", client_key=key, **cleaned)
    report.full_clean(exclude=["receipt_no"])
    report.save()
    report.receipt_no = f"JC{clock.localdate(now):%Y%m%d}{report.pk:05d}"
    report.save(update_fields=["receipt_no"])
    return report


@transaction.atomic
def error_report_handle(*, actor: User | None, report: ErrorReport, reply: str) -> ErrorReport:
    """Mark a report handled with a note of what was done (改正了什么, or why nothing was wrong)."""
    _office_only(actor, "只有县政务公开办可以处理网站找错留言。")
    reply = reply.strip()
    if not reply:
        raise ValidationFailed("请填写处理说明。", log="handle without reply")
    report = ErrorReport.objects.select_for_update().get(pk=report.pk)
    if not report.can_move_to(ReportStatus.HANDLED):
        raise InvalidTransition(
            f"该留言当前状态为“{report.get_status_display()}”，不能再次处理。",
            log=f"error report {report.pk}: {report.status} -> handled not allowed",
        )
    report.status = ReportStatus.HANDLED
    report.reply = reply[:2000]
    report.handled_at = clock.now()
    report.handled_by = actor
    report.save()
    audit(
        actor=actor,
        action="site.error_report_handle",
        target=report,
        summary=f"{report.receipt_no}：{reply}",
    )
    return report
