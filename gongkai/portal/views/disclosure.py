"""The government information disclosure column (政府信息公开专栏) at /xxgk/.

Its standard structure: 政府信息公开指南, 政府信息公开制度, 法定主动公开内容 (organised by the
catalog: domain → catalog item → the information filed under it), 政府信息公开年报, 依申请公开;
browse pages by unit, domain, 五公开 class, year and column; each item's page with the standard
metadata table; attachment downloads; the library of currently valid normative documents.

Only what the ``public_*`` selectors return is shown. Drafts, items under review and items kept
from publication are a 404, never a 403, so the public cannot learn that they exist.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.db.models import QuerySet
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from gongkai.catalog import selectors as catalogs
from gongkai.catalog.models import CatalogItem, Domain
from gongkai.core import clock
from gongkai.core.downloads import stored_download
from gongkai.orgs.models import COUNTY_LEVEL_KINDS, TOWNSHIP_LEVEL_KINDS, Unit, UnitKind
from gongkai.portal.forms import UnitFilterForm
from gongkai.portal.paging import Pager, bounded_count, page_of
from gongkai.publications import selectors as publications
from gongkai.publications.models import (
    Attachment,
    Column,
    DocKind,
    FiveClass,
    Publication,
    PublicationStatus,
)

log = logging.getLogger(__name__)

UNIT_GROUPS = [
    (gettext_lazy("县直部门"), COUNTY_LEVEL_KINDS),
    (gettext_lazy("乡镇"), TOWNSHIP_LEVEL_KINDS),
    (gettext_lazy("村（居）"), frozenset({UnitKind.VILLAGE})),
]
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
    pager = Pager.clamped(request.GET, total, capped=capped)
    context = {"pager": pager, "publications": page_of(items, pager.offset, pager.end), **context}
    return render(request, template, context)


def _unit_groups(facets: Iterable[publications.Facet]) -> list[Any]:
    """Units with published items, as departments, townships and villages."""
    facets = list(facets)
    groups = [
        (label, [facet for facet in facets if facet.kind in kinds]) for label, kinds in UNIT_GROUPS
    ]
    return [(label, members) for label, members in groups if members]


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
        "unit_groups": _unit_groups(publications.public_unit_facets()),
        "fives": publications.public_five_facets(),
        "years": publications.public_year_facets(),
    }
    return render(request, "portal/disclosure.html", context)


def column(request: HttpRequest, code: str) -> HttpResponse:
    """One column of the standard structure with its sub-columns and everything published in it."""
    try:
        node = publications.public_column(code)
    except Column.DoesNotExist as err:
        raise Http404 from err
    parent = node.column.parent
    context = {
        "heading": node.column.name,
        "node": node,
        "column": node.column,
        "parent": parent,
        "application_guide": node.column.code == ON_REQUEST_COLUMN,
        "feed": Feed(
            _("%(name)s栏目更新") % {"name": node.column.name},
            reverse("portal:feed_column", args=[code]),
        ),
    }
    return _listing(request, publications.public_in_columns(node.ids), context, total=node.total)


def browse_unit(request: HttpRequest, code: str) -> HttpResponse:
    unit = get_object_or_404(Unit.objects.active().select_related("parent"), code=code)
    context = {
        "heading": _("%(unit)s公开的政府信息") % {"unit": unit.name},
        "unit": unit,
        "catalog_url": reverse("portal:catalog_unit", args=[unit.code])
        if catalogs.public_catalog_of(unit)
        else "",
        "feed": Feed(
            _("%(unit)s信息更新") % {"unit": unit.name},
            reverse("portal:feed_unit", args=[unit.code]),
        ),
    }
    items = publications.public_publications().filter(unit=unit)
    total = publications.published_counts("unit").get(str(unit.pk), 0)
    return _listing(request, items, context, total=total)


@dataclass
class MatterRow:
    """A catalog item (公开事项) with how many published items are filed under its matter."""

    item: CatalogItem
    filed: int


@dataclass
class UnitMatters:
    unit: Unit
    rows: list[MatterRow] = field(default_factory=list)


def _matters_by_unit(items: Iterable[CatalogItem]) -> list[UnitMatters]:
    items = list(items)
    counts = publications.public_filed_counts(item.lineage for item in items)
    groups: list[UnitMatters] = []
    for item in items:
        if not groups or groups[-1].unit.pk != item.catalog.unit_id:
            groups.append(UnitMatters(unit=item.catalog.unit))
        groups[-1].rows.append(MatterRow(item=item, filed=counts.get(item.lineage, 0)))
    return groups


def browse_domain(request: HttpRequest, code: str) -> HttpResponse:
    """A domain of 法定主动公开内容, organised by the catalog: each unit's items in the domain with
    the information filed under them, then everything published in the domain."""
    domain = get_object_or_404(Domain, code=code)
    items = (
        catalogs.public_items()
        .filter(domain=domain)
        .select_related("catalog__unit")
        .order_by("catalog__unit__sort_order", "catalog__unit__code", "sort_order", "pk")
    )
    context = {
        "heading": _("%(domain)s领域政府信息") % {"domain": domain.name},
        "domain": domain,
        "matters": _matters_by_unit(items),
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
    filed = list(item.catalog_items.all())
    if not filed:
        return []
    current = dict(
        catalogs.public_items()
        .filter(lineage__in=[f.lineage for f in filed])
        .values_list("lineage", "pk")
    )
    links = []
    for matter in filed:
        label = "／".join(part for part in (matter.level1, matter.level2) if part)
        pk = current.get(matter.lineage)
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


def publication(request: HttpRequest, pk: int) -> HttpResponse:
    """One item's page: the metadata table, the body and the attachments; a withdrawn item keeps
    its page and index number and says when and why it was withdrawn, without its content."""
    try:
        item = publications.public_publication(pk)
    except Publication.DoesNotExist as err:
        raise Http404 from err
    withdrawn = item.status == PublicationStatus.WITHDRAWN
    context = {
        "item": item,
        "metadata": _metadata(item),
        "withdrawn": withdrawn,
        "withdrawn_on": clock.localdate(item.withdrawn_at) if item.withdrawn_at else None,
        "attachments": [] if withdrawn else list(item.attachments.all()),
    }
    return render(request, "portal/publication_detail.html", context)


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


def normative(request: HttpRequest) -> HttpResponse:
    """The library of currently valid normative documents (and rules), unit by unit."""
    documents = list(publications.public_normative_library())
    units = list(dict.fromkeys((d.unit.code, d.unit.name) for d in documents))
    form = UnitFilterForm(request.GET, units=units)
    chosen = form.cleaned_data.get("unit", "") if form.is_valid() else ""
    sections: list[LibrarySection] = []
    for document in documents:
        if chosen and document.unit.code != chosen:
            continue
        if not sections or sections[-1].unit_code != document.unit.code:
            sections.append(LibrarySection(document.unit.code, document.unit.name, []))
        sections[-1].documents.append(document)
    context = {
        "form": form,
        "sections": sections,
        "count": sum(len(s.documents) for s in sections),
    }
    return render(request, "portal/normative.html", context)
