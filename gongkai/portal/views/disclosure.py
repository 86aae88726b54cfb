"""The government information disclosure column (政府信息公开专栏) at /xxgk/.

Its standard structure: 政府信息公开指南, 政府信息公开制度, 法定主动公开内容 (organised by the
catalog: domain → catalog item → the information filed under it), 政府信息公开年报, 依申请公开;
browse pages by unit, domain, 五公开 class, year and column; each item's page with the standard
metadata table; attachment downloads; the library of currently valid normative documents.

Only what the ``public_*`` selectors return is shown. Drafts, items under review and items kept
from publication are a 404, never a 403, so the public cannot learn that they exist.
"""

from __future__ import annotations

import datetime as dt
import functools
import logging
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.db.models import Count, QuerySet
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import get_object_or_404, render
from django.templatetags.static import static
from django.urls import reverse
from django.utils.translation import gettext as _

from gongkai.catalog import selectors as catalogs
from gongkai.catalog.models import Domain
from gongkai.core import clock, conditional
from gongkai.core.downloads import stored_download
from gongkai.orgs import enterprises as orgs_enterprises
from gongkai.orgs.models import Unit
from gongkai.portal import selectors as site
from gongkai.portal.context_processors import accessibility
from gongkai.portal.forms import UnitFilterForm
from gongkai.portal.paging import Pager, bounded_count, page_of
from gongkai.portal.views import enterprises, guide, units
from gongkai.publications import selectors as publications
from gongkai.publications.models import (
    Attachment,
    Column,
    DocKind,
    FiveClass,
    Publication,
    PublicationStatus,
)
from gongkai.reports.annual_services import ANNUAL_COLUMN
from gongkai.reports.models import AnnualReport

log = logging.getLogger(__name__)

LEGAL_RECORD_KINDS = (DocKind.NORMATIVE, DocKind.RULE)
# The 依申请公开 column also tells people how to apply (条例第二十七、二十九、三十三条).
ON_REQUEST_COLUMN = "on-request"


@dataclass
class Feed:
    """The Atom feed a page offers (<link rel="alternate">)."""

    title: str
    url: str


def _listing(
    request: HttpRequest,
    items: QuerySet[Publication],
    context: dict[str, Any],
    template: str = "portal/publication_list.html",
    *,
    total: int | None = None,
) -> HttpResponse:
    """One page of a list of published items, with the count and links to the other pages.

    ``total`` comes from the maintained counts when the list is one of their dimensions;
    otherwise the count stops at COUNT_LIMIT. Deep pages skip on the index (page_of)."""
    capped = False
    if total is None:
        total, capped = bounded_count(items)
    pager = Pager.checked(request.GET, total, capped=capped)
    context = {"pager": pager, "publications": page_of(items, pager.offset, pager.end), **context}
    return render(request, template, context)


# /xxgk/ shows this many units of each level (the directory pages through the rest): a county's
# 30-odd departments and its villages that publish all show, as before, and the page costs the
# same for a province of 5,000 units.
UNITS_PER_GROUP = 48


@dataclass
class UnitGroup:
    """The first units of a level (县直部门, 乡镇, 村（居）) that published, in the order of the
    tree, how many of that level published, and the directory of the level when there are more."""

    label: str
    units: list[publications.UnitEntry]
    total: int
    more_url: str = ""


def _unit_groups() -> list[UnitGroup]:
    return [
        UnitGroup(
            label=str(units.LEVEL_LABELS[found.level]),
            units=found.units,
            total=found.total,
            more_url=units.directory_url(level=found.level)
            if found.total > len(found.units)
            else "",
        )
        for found in publications.public_unit_levels(UNITS_PER_GROUP)
    ]


def disclosure(request: HttpRequest) -> HttpResponse:
    """The column in its standard structure, and every way to browse it, with counts."""
    tree = publications.public_column_tree()
    published_by_domain = {f.code: f.count for f in publications.public_domain_facets()}
    domains = [
        (domain, published_by_domain.get(domain.code, 0))
        for domain in catalogs.public_domains()
        if getattr(domain, "item_count", 0) or domain.code in published_by_domain
    ]
    context = {
        "tree": tree,
        "domains": domains,
        "unit_groups": _unit_groups(),
        "fives": publications.public_five_facets(),
        "years": publications.public_year_facets(),
    }
    return render(request, "portal/disclosure.html", context)


def column(request: HttpRequest, code: str) -> HttpResponse:
    """One column of the standard structure with its sub-columns and everything published in it.

    Three columns show more than their items: 政府信息公开指南 lists every unit's guide (built
    from the units' data, gongkai.portal.views.guide), 依申请公开 tells people how and where to
    apply with the county's addresses, and 政府信息公开年报 can be narrowed to one year."""
    try:
        node = publications.public_column(code)
    except Column.DoesNotExist as err:
        raise Http404 from err
    parent = node.column.parent
    context: dict[str, Any] = {
        "heading": node.column.name,
        "node": node,
        "column": node.column,
        "parent": parent,
        "application_guide": node.column.code == ON_REQUEST_COLUMN,
        "enterprises_url": reverse("portal:enterprises") if code == enterprises.COLUMN else "",
        "feed": Feed(
            _("%(name)s栏目更新") % {"name": node.column.name},
            reverse("portal:feed_column", args=[code]),
        ),
    }
    items = publications.public_in_column(node)
    total: int | None = node.total
    if code == guide.GUIDE_COLUMN:
        context.update(
            county_guide_url=reverse("portal:guide"),
            guide_groups=guide.guide_groups(),
            directory_url=reverse("portal:unit_directory"),
        )
        return _listing(request, items, context, "portal/guide_index.html", total=total)
    if code == ON_REQUEST_COLUMN:
        context.update(
            county_guide=guide.county_guide_summary(),
            county_guide_url=reverse("portal:guide"),
            guides_url=reverse("portal:column", args=[guide.GUIDE_COLUMN]),
        )
    if code == ANNUAL_COLUMN:
        years = _report_years(items)
        year = _chosen_year(request, years)
        context.update(
            report_years=years, report_year=year, column_url=reverse("portal:column", args=[code])
        )
        if year is not None:
            items = items.filter(pk__in=_reports_of(year))
            total = None
            context["heading"] = _("%(year)s年度政府信息公开工作年度报告") % {"year": year}
    return _listing(request, items, context, total=total)


@dataclass
class ReportYear:
    """A year of the 政府信息公开年报 column: how many published reports cover it."""

    year: int
    count: int
    url: str


def _reports_of(year: int) -> QuerySet[AnnualReport, Any]:
    """The ids of the items publishing that year's annual reports (a subquery)."""
    return AnnualReport.objects.filter(year=year, publication__isnull=False).values("publication")


def _report_years(items: QuerySet[Publication]) -> list[ReportYear]:
    """The years the column's published reports cover, newest first, with their counts (a year's
    report is published the next year, so the year comes from the report, not the date)."""
    rows = (
        AnnualReport.objects.filter(publication__in=items.values("pk"))
        .values_list("year")
        .annotate(n=Count("pk"))
        .order_by("-year")
    )
    base = reverse("portal:column", args=[ANNUAL_COLUMN])
    return [ReportYear(year, n, f"{base}?year={year}") for year, n in rows]


def _chosen_year(request: HttpRequest, years: list[ReportYear]) -> int | None:
    """The year asked for with ?year=, if the column has reports of it; otherwise none (all)."""
    raw = request.GET.get("year", "")
    if not raw.isdigit():
        return None
    year = int(raw)
    return year if any(y.year == year for y in years) else None


def browse_unit(request: HttpRequest, code: str) -> HttpResponse:
    unit = get_object_or_404(Unit.objects.active().select_related("parent"), code=code)
    context = {
        # A public enterprise's items are not government information (docs/adr/0023).
        "heading": (_("%(unit)s公开的信息") if unit.is_enterprise else _("%(unit)s公开的政府信息"))
        % {"unit": unit.name},
        "unit": unit,
        "guide_url": enterprises.guide_url(unit) if unit.is_enterprise else guide.guide_url(unit),
        "supervised": list(orgs_enterprises.supervised_by(unit)),
        "catalog_url": reverse("portal:catalog_unit", args=[unit.code])
        if catalogs.public_catalog_of(unit)
        else "",
        "children_url": units.directory_url(parent=unit.code)
        if Unit.objects.active().filter(parent=unit).exists()
        else "",
        "feed": Feed(
            _("%(unit)s信息更新") % {"unit": unit.name},
            reverse("portal:feed_unit", args=[unit.code]),
        ),
    }
    items = publications.public_publications().filter(unit=unit)
    total = publications.public_unit_counts([unit.pk]).get(unit.pk, 0)
    return _listing(request, items, context, total=total)


# How many of a domain's publishing units its page lists; the catalog's domain page pages them all.
DOMAIN_UNITS = 20


@dataclass
class MatterUnit:
    """A unit whose public catalog lists items (公开事项) in the domain: how many, and where."""

    unit: Unit
    item_count: int
    url: str


def _matters_by_unit(domain: Domain) -> tuple[list[MatterUnit], int]:
    """The first DOMAIN_UNITS units publishing catalog items in the domain, with their item
    counts, and how many units publish in it. A province has thousands: the page links to the
    catalog's domain page for the rest instead of loading every item of every unit."""
    scope = catalogs.public_catalogs_of_units(domain=domain)
    found = list(scope[:DOMAIN_UNITS])
    total = len(found) if len(found) < DOMAIN_UNITS else scope.count()
    counts = catalogs.public_item_counts([catalog.pk for catalog in found], domain)
    rows = [
        MatterUnit(
            unit=catalog.unit,
            item_count=counts.get(catalog.pk, 0),
            url=reverse("portal:catalog_domain_unit", args=[domain.code, catalog.unit.code]),
        )
        for catalog in found
    ]
    return rows, total


def browse_domain(request: HttpRequest, code: str) -> HttpResponse:
    """A domain of 法定主动公开内容, organised by the catalog: the units whose catalogs list
    items in the domain (each leading to its items and the information filed under them), then
    everything published in the domain."""
    domain = get_object_or_404(Domain, code=code)
    matters, matters_total = _matters_by_unit(domain)
    context = {
        "heading": _("%(domain)s领域政府信息") % {"domain": domain.name},
        "domain": domain,
        "matters": matters,
        "matters_total": matters_total,
        "feed": Feed(
            _("%(domain)s领域信息更新") % {"domain": domain.name},
            reverse("portal:feed_domain", args=[domain.code]),
        ),
    }
    listed = publications.public_publications().filter(domain=domain)
    total = publications.published_counts("domain").get(str(domain.pk), 0)
    return _listing(request, listed, context, total=total)


def browse_five(request: HttpRequest, five_class: str) -> HttpResponse:
    if five_class not in FiveClass.values:
        raise Http404
    label = FiveClass(five_class).label
    context = {"heading": label, "five_class": five_class}
    items = publications.public_publications().filter(five_class=five_class)
    total = publications.published_counts("five").get(five_class, 0)
    return _listing(request, items, context, total=total)


def browse_year(request: HttpRequest, year: int) -> HttpResponse:
    if not 1949 <= year <= 2999:
        raise Http404
    context = {"heading": _("%(year)s年发布的政府信息") % {"year": year}, "year": year}
    total = publications.published_counts("year").get(str(year), 0)
    return _listing(request, publications.public_in_year(year), context, total=total)


@dataclass
class MetaRow:
    """One row of the metadata table: a label and a value, or links."""

    label: str
    value: str = ""
    url: str = ""
    links: list[tuple[str, str]] = field(default_factory=list)


def _catalog_links(item: Publication) -> list[tuple[str, str]]:
    """The catalog items the publication is filed under, linked to the public page of the same
    matter in the unit's current catalog (or unlinked when that matter is no longer public)."""
    # Three columns, not the matter's every element: this runs on every item's page.
    filed = list(item.catalog_items.values_list("lineage", "level1", "level2"))
    if not filed:
        return []
    current = dict(
        catalogs.public_items()
        .filter(lineage__in=[lineage for lineage, _one, _two in filed])
        .values_list("lineage", "pk")
    )
    links = []
    for lineage, level1, level2 in filed:
        label = "／".join(part for part in (level1, level2) if part)
        pk = current.get(lineage)
        links.append((label, reverse("portal:catalog_item", args=[pk]) if pk else ""))
    return links


def _metadata(item: Publication) -> list[MetaRow]:
    """The standard metadata of a government information column, in the usual order."""
    rows = [
        MetaRow(_("索引号"), item.index_no or ""),
        MetaRow(_("主题分类"), item.topic.name),
        MetaRow(_("发布机构"), item.issuer, reverse("portal:browse_unit", args=[item.unit.code])),
        MetaRow(_("成文日期"), item.written_on.strftime("%Y-%m-%d")),
        MetaRow(
            _("发布日期"),
            clock.localdate(item.published_at).strftime("%Y-%m-%d") if item.published_at else "",
        ),
        MetaRow(_("文号"), item.doc_number),
        MetaRow(_("公开方式"), item.get_attribute_display()),
        MetaRow(
            _("五公开"),
            item.get_five_class_display(),
            reverse("portal:browse_five", args=[item.five_class]),
        ),
        MetaRow(_("栏目"), item.column.name, item.column.get_absolute_url()),
    ]
    if item.domain is not None:
        rows.append(
            MetaRow(
                _("公开领域"),
                item.domain.name,
                reverse("portal:browse_domain", args=[item.domain.code]),
            )
        )
    if item.doc_kind in LEGAL_RECORD_KINDS:
        rows.append(MetaRow(_("文件类型"), item.get_doc_kind_display()))
        rows.append(MetaRow(_("有效性"), item.get_validity_display()))
        if item.effective_on:
            rows.append(MetaRow(_("生效日期"), item.effective_on.strftime("%Y-%m-%d")))
        if item.expires_on:
            rows.append(MetaRow(_("失效日期"), item.expires_on.strftime("%Y-%m-%d")))
    links = _catalog_links(item)
    if links:
        rows.append(MetaRow(_("对应目录事项"), links=links))
    return rows


DETAIL_TEMPLATE = "portal/publication_detail.html"
# What the page's bytes depend on beyond its rows: its templates (included ones too, which
# conditional.release does not follow) and the static files they name (hashed in production).
DETAIL_TEMPLATES = (
    DETAIL_TEMPLATE,
    "base.html",
    "partials/site_footer.html",
    "portal/_page_tools.html",
)
DETAIL_STATIC = ("gongkai/site.css",)


@functools.cache
def _detail_query() -> QuerySet[Publication]:
    """The item page's query: the item with what the page shows of other rows (its neighbours,
    interpretations or policy, and the footer's settings), read in one statement. Built once a
    process and cloned for each request: building it costs more than running it."""
    return publications.public_page_query().annotate(site_changed=site.site_settings_changed())


def publication(request: HttpRequest, pk: int) -> HttpResponseBase:
    """One item's page: the metadata table, the body and the attachments; a withdrawn item keeps
    its page and index number and says when and why it was withdrawn, without its content.

    Visitors without a session get it with an ETag and ``public, no-cache`` (gongkai.core.
    conditional): browsers and proxies keep it and revalidate, and an unchanged page is a 304
    from one query. A correction, withdrawal or (re)publication changes the ETag at once."""
    try:
        item = _detail_query().get(pk=pk)
    except Publication.DoesNotExist as err:
        raise Http404 from err
    shared = conditional.shared(request)
    if shared:
        etag, changed = _detail_version(request, item)
        unchanged = conditional.not_modified(request, etag)
        if unchanged is not None:
            return conditional.mark_shared(unchanged, etag=etag, last_modified=changed)
    withdrawn = item.status == PublicationStatus.WITHDRAWN
    context = {
        "item": item,
        "metadata": _metadata(item),
        "withdrawn": withdrawn,
        "withdrawn_on": clock.localdate(item.withdrawn_at) if item.withdrawn_at else None,
        # Not their text (a long document's, kept for the checks and the search).
        "attachments": [] if withdrawn else list(item.attachments.defer("text")),
        "neighbours": publications.public_neighbours(item),
        # A policy's interpretations (read only when the page's query found some), and the
        # published policy an interpretation explains (read with the item).
        "interpretations": publications.public_interpretations(item)
        if item.interpretations_marker  # type: ignore[attr-defined]
        else [],
        "policy_url": reverse("portal:publication", args=[item.interprets_id])
        if item.policy_status == PublicationStatus.PUBLISHED  # type: ignore[attr-defined]
        else "",
    }
    response = render(request, DETAIL_TEMPLATE, context)
    if not shared:
        return conditional.mark_private(response)
    return conditional.mark_shared(response, etag=etag, last_modified=changed)


def _detail_version(request: HttpRequest, item: Publication) -> tuple[str, dt.datetime]:
    """The detail page's ETag and last change, from the rows it shows: the item (its status,
    and its version, which every change through the services raises), its unit, topic, column
    and parent column, domain; what it shows of other items, read in the item's query
    (public_page_markers: 上一篇/下一篇, a policy's interpretations, an interpretation's
    policy); the footer's site settings; the large-font mode; the county's name; the templates
    and the static files they name. Catalog matters are left out: their links lead to the
    matter's current item whatever changes (catalog_item redirects to the successor), and a
    filed item's labels are frozen with its approved catalog."""
    shown = [item.updated_at, item.unit.updated_at, item.topic.updated_at, item.column.updated_at]
    if item.column.parent is not None:
        shown.append(item.column.parent.updated_at)
    if item.domain is not None:
        shown.append(item.domain.updated_at)
    others = [
        getattr(item, name)
        for name in (
            "previous_marker",
            "next_marker",
            "interpretations_marker",
            "policy_status",
            "policy_title",
            "policy_changed",
            "site_changed",
        )
    ]
    changes = ("interpretations_marker", "policy_changed", "site_changed")
    shown += [getattr(item, name) for name in changes if getattr(item, name) is not None]
    etag = conditional.etag_of(
        item.pk,
        item.status,
        item.version,
        *(moment.isoformat() for moment in shown),
        *others,
        accessibility(request)["large_font"],
        settings.GONGKAI_COUNTY_NAME,
        conditional.release(*DETAIL_TEMPLATES),
        *(static(name) for name in DETAIL_STATIC),
    )
    return etag, max(shown)


def attachment(request: HttpRequest, pk: int) -> FileResponse:
    """Download an attachment of a published item under its original name (RFC 5987 for Chinese
    names), typed from the kind its content was checked to be, never sniffed by the browser."""
    try:
        found = publications.public_attachment(pk)
    except Attachment.DoesNotExist as err:
        raise Http404 from err
    return stored_download(found.file, name=found.name, kind=found.kind, private=False)


@dataclass
class LibrarySection:
    unit_code: str
    unit_name: str
    documents: list[Publication]


NORMATIVE_PAGE_SIZE = 100


def normative(request: HttpRequest) -> HttpResponse:
    """The library of currently valid normative documents (and rules), unit by unit."""
    form = UnitFilterForm(request.GET, units=publications.public_normative_units())
    chosen = form.cleaned_data.get("unit", "") if form.is_valid() else ""
    # Filtered and paged in the database: a province's library holds thousands of documents.
    # The ids in order first, then the page's rows: with a LIMIT SQLite's planner walks a
    # column index over every item instead of the library's index (2 s at a million items).
    ordered = list(publications.public_normative_library(chosen).values_list("pk", flat=True))
    pager = Pager.checked(request.GET, len(ordered), NORMATIVE_PAGE_SIZE)
    page_ids = ordered[pager.offset : pager.offset + pager.per_page]
    found = publications.public_publications().select_related("unit").in_bulk(page_ids)
    documents = [found[pk] for pk in page_ids if pk in found]
    sections: list[LibrarySection] = []
    for document in documents:
        if not sections or sections[-1].unit_code != document.unit.code:
            sections.append(LibrarySection(document.unit.code, document.unit.name, []))
        sections[-1].documents.append(document)
    context = {
        "form": form,
        "sections": sections,
        "count": pager.total,
        "pager": pager,
    }
    return render(request, "portal/normative.html", context)
