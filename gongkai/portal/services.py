"""Changes to the site's own records: the office edits the registration data of the footer.

Each checks permission (gongkai.orgs.permissions), validates, saves and writes the audit entry in
one transaction. 我为政府网站找错 reports are messages of gongkai.interaction since issue 13; the
old ErrorReport rows were moved there and the table is kept, read-only, as their record.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.db import transaction

from gongkai.core.audit import audit
from gongkai.core.errors import ValidationFailed
from gongkai.orgs import permissions
from gongkai.orgs.models import User
from gongkai.portal.models import SiteSettings

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
    "interpretation_workdays",
)
# Settings that are numbers, saved as given (the others are text, spaces squeezed).
NUMBER_FIELDS = frozenset({"interpretation_workdays"})


def _office_only(actor: User | None, message: str) -> None:
    if actor is not None:
        permissions.require(permissions.is_office(actor), message, log="access denied: office")


@transaction.atomic
def site_settings_update(*, actor: User | None, values: Mapping[str, Any]) -> SiteSettings:
    """Save the site's registration and contact data (国办发〔2017〕47号: shown at the foot of
    every page) and the county's interpretation window (同步发布, read by the rate and to-do
    figures); the audit entry lists the fields that changed with their old values."""
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
        cleaned: Any = int(value) if name in NUMBER_FIELDS else " ".join(str(value or "").split())
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
