"""The public catalog pages: the county's standard disclosure catalog, browsable without an account.

Only what the ``public_*`` selectors return is shown: each unit's newest approved (or reported)
catalog. Anything else, a draft or a catalog under review, is a 404 here, never a 403, so the
public cannot even learn that it exists.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from gongkai.catalog import excel, selectors
from gongkai.catalog.models import (
    OPTIONAL_ELEMENTS,
    TEXT_ELEMENTS,
    TICK_FIELDS,
    TICK_GROUPS,
    CatalogItem,
    Domain,
    DomainKind,
)
from gongkai.orgs.models import COUNTY_LEVEL_KINDS, TOWNSHIP_LEVEL_KINDS, Unit, UnitKind
from gongkai.portal.paging import Pager
from gongkai.publications import selectors as publications

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
TABLE_TEXT_HEADERS = [label for _field, label in TEXT_ELEMENTS[2:]]
TABLE_TICK_HEADERS = [(group, [label for _f, label in ticks]) for group, ticks in TICK_GROUPS]
UNIT_GROUPS = [
    (gettext_lazy("县直部门"), COUNTY_LEVEL_KINDS),
    (gettext_lazy("乡镇"), TOWNSHIP_LEVEL_KINDS),
    (gettext_lazy("村（居）"), frozenset({UnitKind.VILLAGE})),
]
DOMAIN_GROUPS = [
    (gettext_lazy("试点领域"), DomainKind.PILOT),
    (gettext_lazy("其他领域"), DomainKind.OTHER),
]


@dataclass
class ItemRow:
    """One row of the national table; ``level1_rowspan`` is 0 where the 一级事项 cell above
    spans this row, as in the printed catalogs."""

    number: int
    item: CatalogItem
    texts: list[str]
    ticks: list[str]
    level1_rowspan: int = 1


def _rows(items: Iterable[CatalogItem]) -> list[ItemRow]:
    rows: list[ItemRow] = []
    group_head: ItemRow | None = None
    for number, item in enumerate(items, start=1):
        row = ItemRow(
            number=number,
            item=item,
            texts=[getattr(item, field) for field, _label in TEXT_ELEMENTS[2:]],
            ticks=["√" if getattr(item, field) else "" for field in TICK_FIELDS],
        )
        if group_head is not None and group_head.item.level1.strip() == item.level1.strip():
            group_head.level1_rowspan += 1
            row.level1_rowspan = 0
        else:
            group_head = row
        rows.append(row)
    return rows


def _by_domain(items: Iterable[CatalogItem]) -> list[tuple[Domain, list[CatalogItem]]]:
    """Items (ordered by domain) cut into one run per domain."""
    sections: list[tuple[Domain, list[CatalogItem]]] = []
    for item in items:
        if not sections or sections[-1][0].pk != item.domain_id:
            sections.append((item.domain, []))
        sections[-1][1].append(item)
    return sections


def _public_unit(code: str) -> Unit:
    return get_object_or_404(Unit.objects.active().select_related("parent"), code=code)


def _page(
    request: HttpRequest, template: str, context: dict[str, Any], status: int = 200
) -> HttpResponse:
    context = {
        "text_headers": TABLE_TEXT_HEADERS,
        "tick_headers": TABLE_TICK_HEADERS,
        **context,
    }
    return render(request, template, context, status=status)


def catalog_index(request: HttpRequest) -> HttpResponse:
    """Every domain, pilot and other, with how many items and units publish under it."""
    domains = list(selectors.public_domains())
    groups = [
        (label, [domain for domain in domains if domain.kind == kind])
        for label, kind in DOMAIN_GROUPS
    ]
    return _page(request, "portal/catalog_index.html", {"groups": groups})


def catalog_units(request: HttpRequest) -> HttpResponse:
    """Units with a public catalog: departments, townships, villages."""
    units = list(selectors.public_units())
    groups = [
        (label, [unit for unit in units if unit.kind in kinds]) for label, kinds in UNIT_GROUPS
    ]
    return _page(request, "portal/catalog_units.html", {"groups": groups})


def catalog_domain(request: HttpRequest, code: str) -> HttpResponse:
    domain = get_object_or_404(Domain, code=code)
    units = list(selectors.public_units_for_domain(domain))
    return _page(request, "portal/catalog_domain.html", {"domain": domain, "units": units})


def catalog_domain_unit(request: HttpRequest, code: str, unit_code: str) -> HttpResponse:
    """One unit's items in one domain, laid out like the national table."""
    domain = get_object_or_404(Domain, code=code)
    unit = _public_unit(unit_code)
    items = list(selectors.public_unit_items(unit, domain))
    if not items:
        raise Http404(_("该单位在本领域没有公开的目录事项。"))
    context = {
        "domain": domain,
        "unit": unit,
        "catalog": items[0].catalog,
        "rows": _rows(items),
    }
    return _page(request, "portal/catalog_domain_unit.html", context)


def catalog_unit(request: HttpRequest, code: str) -> HttpResponse:
    """A unit's whole public catalog, domain by domain."""
    unit = _public_unit(code)
    catalog = selectors.public_catalog_of(unit)
    if catalog is None:
        raise Http404(_("该单位还没有公开的目录。"))
    sections = [
        (domain, _rows(items)) for domain, items in _by_domain(selectors.public_unit_items(unit))
    ]
    context = {"unit": unit, "catalog": catalog, "sections": sections}
    return _page(request, "portal/catalog_unit.html", context)


def catalog_unit_export(request: HttpRequest, code: str) -> HttpResponse:
    """A unit's public catalog as a workbook in the national layout."""
    unit = _public_unit(code)
    catalog = selectors.public_catalog_of(unit)
    if catalog is None:
        raise Http404(_("该单位还没有公开的目录。"))
    content = excel.write_catalog_workbook(
        _by_domain(selectors.public_unit_items(unit)),
        title_prefix=f"{unit.name}{catalog.version}年",
    )
    response = HttpResponse(content, content_type=XLSX_CONTENT_TYPE)
    filename = f"{unit.code}-{catalog.version}-目录.xlsx"
    response["Content-Disposition"] = content_disposition_header(True, filename) or "attachment"
    return response


def catalog_item(request: HttpRequest, pk: int) -> HttpResponse:
    """One public item with every element, and the information filed under its matter (in this
    or any other version of the unit's catalog), newest first."""
    item = selectors.public_items().select_related("domain", "catalog__unit").filter(pk=pk).first()
    if item is None:
        successor = selectors.public_successor_of(pk)
        if successor is None:
            raise Http404
        return redirect(successor, permanent=False)
    elements: list[tuple[str, str]] = [
        (label, getattr(item, field)) for field, label in TEXT_ELEMENTS
    ]
    elements += [(group, "、".join(item.ticked(group))) for group, _ticks in TICK_GROUPS]
    elements += [
        (label, getattr(item, field)) for field, label in OPTIONAL_ELEMENTS if getattr(item, field)
    ]
    filed = publications.public_filed_under(item)
    pager = Pager.clamped(request.GET, filed.count())
    context = {
        "item": item,
        "catalog": item.catalog,
        "unit": item.catalog.unit,
        "domain": item.domain,
        "elements": elements,
        "pager": pager,
        "publications": list(filed[pager.offset : pager.end]),
    }
    return _page(request, "portal/catalog_item.html", context)
