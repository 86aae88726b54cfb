"""Reads of the site's own records: the registration data in the footer of every page, the contact
data of 联系我们, and the office's queue of error reports (我为政府网站找错).

The footer is on every page, so the settings are read at most once a request (kept on the
request) and only when a page shows them; the item pages' ETag reads their last change inside
the item's own query (site_settings_changed).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db.models import Subquery
from django.http import HttpRequest

from gongkai.orgs import permissions
from gongkai.orgs.models import Unit, UnitKind
from gongkai.portal.models import INTERPRETATION_WORKDAYS_DEFAULT, SiteSettings

_REQUEST_ATTR = "_gongkai_site_info"
ICP_LOOKUP_URL = "https://beian.miit.gov.cn/"
# The 公安 record's own page on the national registry, by its 14-digit number.
POLICE_LOOKUP_URL = "https://beian.mps.gov.cn/#/query/webSearch?code={code}"
_POLICE_CODE = re.compile(r"\d{14}")


@dataclass(frozen=True)
class SiteInfo:
    """The registration and contact data as pages show it, defaults filled in. ``changed`` is
    the ISO time of the office's last change ("" while it has saved nothing)."""

    sponsor: str
    organizer: str
    site_code: str
    icp_number: str
    police_number: str
    phone: str
    address: str
    email: str
    postcode: str
    changed: str
    # The county's window for a synchronous policy interpretation (working days; a county rule).
    interpretation_workdays: int = INTERPRETATION_WORKDAYS_DEFAULT

    @property
    def icp_url(self) -> str:
        return ICP_LOOKUP_URL if self.icp_number else ""

    @property
    def police_url(self) -> str:
        """The registry's page of the 公安 record (its number is the 14 digits in it)."""
        found = _POLICE_CODE.search(self.police_number)
        return POLICE_LOOKUP_URL.format(code=found.group(0)) if found else ""

    @property
    def missing(self) -> list[str]:
        """What 国办发〔2017〕47号 asks at the foot of every page and is not filled in yet."""
        required = (
            (self.sponsor, "主办单位"),
            (self.site_code, "网站标识码"),
            (self.icp_number, "ICP备案号"),
            (self.police_number, "公安机关备案号"),
        )
        return [label for value, label in required if not value]


def default_values() -> dict[str, str]:
    """What a county shows before its office has filled anything in: the county government as
    主办单位 and its general office as 承办单位; the numbers stay blank (they are issued to it)."""
    county = settings.GONGKAI_COUNTY_NAME
    return {"sponsor": f"{county}人民政府", "organizer": f"{county}人民政府办公室"}


def _info(row: SiteSettings | None) -> SiteInfo:
    defaults = default_values()
    values: dict[str, Any] = {
        name: (getattr(row, name) if row is not None else "") or defaults.get(name, "")
        for name in (
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
    }
    if row is None:
        return SiteInfo(**values, changed="")
    return SiteInfo(
        **values,
        changed=row.updated_at.isoformat(),
        interpretation_workdays=row.interpretation_workdays,
    )


def site_settings() -> SiteSettings | None:
    """The saved row (None until the office first saves)."""
    return SiteSettings.objects.filter(pk=SiteSettings.SINGLETON_ID).first()


def site_info(request: HttpRequest | None = None) -> SiteInfo:
    """The site's registration and contact data, read once for ``request`` and kept on it."""
    if request is not None:
        kept: SiteInfo | None = getattr(request, _REQUEST_ATTR, None)
        if kept is not None:
            return kept
    info = _info(site_settings())
    if request is not None:
        setattr(request, _REQUEST_ATTR, info)
    return info


def site_settings_changed() -> Subquery:
    """The settings' last change as an annotation, for an ETag read in the page's own query."""
    return Subquery(
        SiteSettings.objects.filter(pk=SiteSettings.SINGLETON_ID).values("updated_at")[:1]
    )


def office_unit() -> Unit | None:
    """The county's disclosure office (公开办), whose contact data 联系我们 falls back to."""
    return Unit.objects.active().filter(kind=UnitKind.OFFICE).order_by("sort_order", "pk").first()


# ---------------------------------------------------------------------------- error reports


def require_office(user: Any) -> None:
    """Raise AccessDenied unless the user works for the disclosure office: the site's settings
    are the office's alone."""
    permissions.require(
        permissions.is_office(user),
        "只有县政务公开办可以管理网站设置。",
        log="access denied: site duties",
    )
