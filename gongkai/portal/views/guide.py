"""政府信息公开指南 (/xxgk/guide/ and /xxgk/guide/<unit code>/), built from the units' own data.

A county's guide goes stale when it is a document someone once wrote: an office moves, a phone
number changes and the guide still sends applicants to the old one. Here the guide is composed at
request time from the unit (its address, hours, phones, postal address, access points and the
text the office added, kept on the staff page gongkai.orgs.guide_pages) and from the Regulation's
fixed rules, so it is current the moment the data is. Its structure follows the guides counties
publish: 一、主动公开, 二、依申请公开, 三、监督和救济.

Whose guide: every 行政机关 that receives applications (applications.selectors.HANDLING_KINDS)
has one. The county government's is /xxgk/guide/; its 政府信息公开工作机构 is the county
disclosure office, so the office's details are the ones shown there, and the office's own code
leads to it too. Villages are not 行政机关 (条例第二条): their code leads to the township's guide.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.conf import settings
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from gongkai.accesspoints import selectors as access_points
from gongkai.accesspoints.models import AccessPoint
from gongkai.applications.letters import FEE_RULES, LAW
from gongkai.applications.selectors import HANDLING_KINDS
from gongkai.catalog import selectors as catalogs
from gongkai.core import clock
from gongkai.orgs.models import Unit, UnitKind
from gongkai.publications import selectors as publications

# The column of the standard structure that lists the guides (publications migration 0002).
GUIDE_COLUMN = "guide"
# The guides the column page lists per level; a province's thousands are reached through the
# unit directory, where every unit's page links to its guide.
GUIDES_PER_GROUP = 200
GUIDE_GROUPS = (
    (gettext_lazy("县直部门"), (UnitKind.DEPARTMENT, UnitKind.STATIONED)),
    (gettext_lazy("乡镇"), (UnitKind.TOWNSHIP, UnitKind.COMMUNITY)),
)
# Units whose guide is the county government's (the office acts for it).
COUNTY_GUIDE_KINDS = (UnitKind.COUNTY, UnitKind.OFFICE)


@dataclass
class Contact:
    """One line of the 受理机构's details: a label and its value."""

    label: str
    value: str


@dataclass
class Guide:
    """Everything a guide page shows, ready for the template."""

    title: str
    subject: str  # the 行政机关 whose guide it is, by its formal name
    form_name: str  # the same as the application form lists it
    agency: str  # its 政府信息公开工作机构, which receives the applications
    contacts: list[Contact]
    address: str
    office_hours: str
    postal_address: str
    postcode: str
    fax: str
    access_points: list[str]  # the unit's text, when the registry has no places for the guide
    county_access_points: bool  # the unit has none of its own: the county's are listed
    places: list[AccessPoint]  # the registry's places (gongkai.accesspoints), first choice
    extra: str  # the office's added text, plain (the template keeps its line breaks)
    published: int
    unit_url: str
    catalog_url: str
    review: str
    court: str
    county_government: bool
    updated_on: dt.date
    office_name: str  # the county's 政府信息公开工作主管部门's office, for complaints
    office_phone: str
    report_rule: str  # when its annual report is due (条例第四十九条), where the article says


def _lines(text: str) -> list[str]:
    return [line.strip() for line in text.splitlines() if line.strip()]


def county_units() -> tuple[Unit | None, Unit | None]:
    """The county government and its disclosure office (either may be missing in a new site)."""
    found: dict[str, Unit] = {}
    for unit in Unit.objects.active().filter(kind__in=COUNTY_GUIDE_KINDS).order_by("sort_order"):
        found.setdefault(unit.kind, unit)
    return found.get(UnitKind.COUNTY), found.get(UnitKind.OFFICE)


def _first(units: list[Unit], name: str) -> str:
    """The first of the units' values of a field that is filled in."""
    return next((str(getattr(u, name)).strip() for u in units if getattr(u, name).strip()), "")


def _contacts(units: list[Unit], agency: str) -> list[Contact]:
    """The 受理机构's details, only those filled in; the postal address and postcode together."""
    rows = [Contact(_("受理机构"), agency)]
    for name, label in (
        ("address", _("办公地址")),
        ("office_hours", _("办公时间")),
        ("phone", _("咨询电话")),
        ("fax", _("传真")),
        ("email", _("电子邮箱")),
    ):
        value = _first(units, name)
        if value:
            rows.append(Contact(label, value))
    postal = _first(units, "postal_address") or _first(units, "address")
    postcode = _first(units, "postcode")
    if postal:
        rows.append(Contact(_("通信地址"), postal))
    if postcode:
        rows.append(Contact(_("邮政编码"), postcode))
    return rows


def _report_rule(unit: Unit, county_government: bool) -> str:
    """The article saying when the unit's annual report is published (条例第四十九条): the
    county government's by 31 March, a department's by 31 January; the article names no date for
    townships."""
    if county_government:
        return _(
            "县级以上地方人民政府的政府信息公开工作主管部门应当在每年3月31日前向社会公布本级政府"
            "上一年度政府信息公开工作年度报告。（《条例》第四十九条第二款）"
        )
    if unit.kind in (UnitKind.DEPARTMENT, UnitKind.STATIONED):
        return _(
            "县级以上人民政府部门应当在每年1月31日前向本级政府信息公开工作主管部门提交本行政机关"
            "上一年度政府信息公开工作年度报告并向社会公布。（《条例》第四十九条第一款）"
        )
    return ""


def build_guide(unit: Unit, *, with_places: bool = True) -> Guide:
    """The guide of ``unit`` (a 行政机关 of HANDLING_KINDS) from its data as it is now.

    For the county government the office's details come first and the county's fill any gap,
    since the office is the county government's 政府信息公开工作机构 (条例第四条). A unit without
    access points of its own lists the county's (the office's), which serve every unit. The
    access points come from the registry (gongkai.accesspoints), else from the units' text;
    ``with_places=False`` skips the registry's query for pages that show no access points.
    """
    county, office = county_units()
    if unit.kind in COUNTY_GUIDE_KINDS:
        subject = county or unit
        units = [u for u in (office, county) if u is not None]
        agency = office.formal_name if office is not None else subject.formal_name
        county_government = True
    else:
        subject = unit
        units = [unit]
        agency = unit.formal_name
        county_government = False
    # The registry's places first, the unit's old text when it has none registered; a unit
    # with neither lists the county's (the registry's county-wide places, else the office's text).
    places, county_places = (
        access_points.guide_points(subject, county_government=county_government)
        if with_places  # the 依申请公开 page shows the addresses only
        else ([], [])
    )
    points = [] if places else _lines(_first(units, "access_points"))
    county_points = False
    if not places and not points:
        places = county_places
        county_side = [u for u in (office, county) if u is not None]
        points = [] if places else _lines(_first(county_side, "access_points"))
        county_points = bool(places or points) and not county_government
    extra = "\n\n".join(u.guide_extra.strip() for u in units if u.guide_extra.strip())
    if county_government:
        review, court = _("上一级人民政府"), _("有管辖权的人民法院")
    else:
        review, court = settings.GONGKAI_REVIEW_AUTHORITY, settings.GONGKAI_COURT
    published_units = [subject.pk] if not county_government else [u.pk for u in units]
    counts = publications.public_unit_counts(published_units)
    catalog = catalogs.public_catalog_of(subject)
    return Guide(
        title=_("%(unit)s政府信息公开指南") % {"unit": subject.formal_name},
        subject=subject.formal_name,
        form_name=subject.name,
        agency=agency,
        contacts=_contacts(units, agency),
        address=_first(units, "address"),
        office_hours=_first(units, "office_hours"),
        postal_address=_first(units, "postal_address") or _first(units, "address"),
        postcode=_first(units, "postcode"),
        fax=_first(units, "fax"),
        access_points=points,
        county_access_points=county_points,
        places=places,
        extra=extra,
        published=sum(counts.values()),
        unit_url=reverse("portal:browse_unit", args=[subject.code]),
        catalog_url=reverse("portal:catalog_unit", args=[subject.code]) if catalog else "",
        review=review,
        court=court,
        county_government=county_government,
        updated_on=clock.localdate(max(u.updated_at for u in units)),
        office_name=office.formal_name if office is not None else "",
        office_phone=office.phone if office is not None else "",
        report_rule=_report_rule(subject, county_government),
    )


def guide_url(unit: Unit) -> str:
    """Where ``unit``'s guide is: the county's for the county and the office, the township's
    for a village, its own for every other 行政机关."""
    if unit.kind in COUNTY_GUIDE_KINDS:
        return reverse("portal:guide")
    if unit.kind == UnitKind.VILLAGE:
        return reverse("portal:guide_unit", args=[unit.parent.code]) if unit.parent else ""
    if unit.kind not in HANDLING_KINDS:  # a public enterprise: no 条例 guide (docs/adr/0023)
        return ""
    return reverse("portal:guide_unit", args=[unit.code])


def _render_guide(request: HttpRequest, unit: Unit) -> HttpResponse:
    guide = build_guide(unit)
    context = {
        "guide": guide,
        "law": LAW,
        "fee_rules": FEE_RULES,
        "apply_url": reverse("portal:apply"),
        "column_url": reverse("portal:column", args=[GUIDE_COLUMN]),
    }
    return render(request, "portal/guide.html", context)


def guide(request: HttpRequest) -> HttpResponse:
    """The county government's guide, with its disclosure office as the 受理机构."""
    county, office = county_units()
    unit = office or county
    if unit is None:
        raise Http404
    return _render_guide(request, unit)


def guide_unit(request: HttpRequest, code: str) -> HttpResponse:
    """A unit's guide; the county's and the office's codes and villages redirect (see the
    module's docstring)."""
    unit = get_object_or_404(Unit.objects.active().select_related("parent"), code=code)
    if unit.kind in COUNTY_GUIDE_KINDS or unit.kind == UnitKind.VILLAGE:
        target = guide_url(unit)
        if not target:
            raise Http404
        return HttpResponseRedirect(target)
    if unit.kind not in HANDLING_KINDS:
        raise Http404
    return _render_guide(request, unit)


@dataclass
class GuideGroup:
    """The guides of one level for the column page: the first GUIDES_PER_GROUP units and how
    many there are."""

    label: str
    units: list[Unit]
    total: int


def _guide_units(kinds: tuple[str, ...]) -> QuerySet[Unit]:
    return Unit.objects.active().filter(kind__in=kinds).order_by("sort_order", "code")


def guide_groups() -> list[GuideGroup]:
    """The units with a guide of their own, by level, in the order of the tree."""
    groups = []
    for label, kinds in GUIDE_GROUPS:
        units = list(_guide_units(kinds)[:GUIDES_PER_GROUP])
        total = len(units) if len(units) < GUIDES_PER_GROUP else _guide_units(kinds).count()
        if units:
            groups.append(GuideGroup(str(label), units, total))
    return groups


def county_guide_summary() -> Guide | None:
    """The county government's guide, for the 依申请公开 page's addresses (None on a site
    without a county or office unit yet)."""
    county, office = county_units()
    unit = office or county
    return build_guide(unit, with_places=False) if unit is not None else None
