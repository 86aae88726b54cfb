"""The public catalog pages: the county's standard disclosure catalog, browsable without an account.

Only what the ``public_*`` selectors return is shown: each unit's newest approved (or reported)
catalog. Anything else, a draft or a catalog under review, is a 404 here, never a 403, so the
public cannot even learn that it exists.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import content_disposition_header, urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from gongkai.catalog import excel, selectors
from gongkai.catalog.models import (
    OPTIONAL_ELEMENTS,
    TEXT_ELEMENTS,
    TICK_FIELDS,
    TICK_GROUPS,
    Catalog,
    CatalogItem,
    Domain,
    DomainKind,
)
from gongkai.orgs.models import Unit
from gongkai.orgs.tree_order import UNIT_LEVELS
from gongkai.portal.forms import UnitDirectoryForm
from gongkai.portal.paging import Pager
from gongkai.publications import selectors as publications

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
TABLE_TEXT_HEADERS = [label for _field, label in TEXT_ELEMENTS[2:]]
TABLE_TICK_HEADERS = [(group, [label for _f, label in ticks]) for group, ticks in TICK_GROUPS]
# The levels units are listed by (keys of UNIT_LEVELS), in the order of the tree.
LEVEL_LABELS = {
    "county": gettext_lazy("县直部门"),
    "township": gettext_lazy("乡镇"),
    "village": gettext_lazy("村（居）"),
    "enterprise": gettext_lazy("公共企事业单位"),
}
# Units a page (as in the unit directory): most counties' departments fit on the first.
PAGE_SIZE = 50
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
    domains = selectors.public_domains()
    groups = [
        (label, [domain for domain in domains if domain.kind == kind])
        for label, kind in DOMAIN_GROUPS
    ]
    return _page(request, "portal/catalog_index.html", {"groups": groups})


@dataclass
class UnitRow:
    """A unit with a public catalog, the items it lists (in the domain, on a domain's page), and
    where its items are."""

    unit: Unit
    item_count: int
    url: str


@dataclass
class Region:
    """Units under one unit (a township's villages, a county's departments): ``parent`` is None
    for units straight under the top of the tree, which need no heading of their own."""

    parent: Unit | None
    url: str
    rows: list[UnitRow] = field(default_factory=list)


@dataclass
class LevelGroup:
    """The units of one level (县直部门, 乡镇, 村（居）) shown on the page, by region; on the
    overview, ``more_url`` lists the whole level when not all of it fits."""

    code: str
    label: str
    total: int = 0
    regions: list[Region] = field(default_factory=list)
    more_url: str = ""

    @property
    def shown(self) -> int:
        return sum(len(region.rows) for region in self.regions)


@dataclass
class UnitListing:
    """What a page of units shows and how it was asked for (see _unit_listing)."""

    name: str
    level: str
    parent: Unit | None
    total: int
    total_all: int
    groups: list[LevelGroup]
    levels: list[tuple[str, str, int, str]]
    all_url: str
    pager: Pager | None


def _listing_url(path: str, **params: str) -> str:
    query = {key: value for key, value in params.items() if value}
    return f"{path}?{urlencode(query)}" if query else path


# Stands for a unit's code in a reversed URL: neither unit codes nor domain slugs hold "~".
_CODE = "~CODE~"


def _unit_links(name: str, *args: str) -> Callable[[Unit], str]:
    """The URL ``name`` of each unit (its code the last argument), reversed once for a page of
    units rather than once per unit."""
    pattern = reverse(name, args=[*args, _CODE])
    return lambda unit: pattern.replace(_CODE, unit.code)


def _region_of(unit: Unit, parent: Unit | None) -> Unit | None:
    """The unit a unit is listed under: its parent, unless that is the top of the tree (every
    department and township of a county) or the unit the page is already about."""
    above = unit.parent
    if above is None or above.parent_id is None or above == parent:
        return None
    return above


def _level_groups(
    found: list[Catalog],
    counts: dict[int, int],
    *,
    path: str,
    unit_url: Callable[[Unit], str],
    parent: Unit | None,
) -> list[LevelGroup]:
    """Catalogs (in the order of public_catalogs_of_units) cut into levels, then regions."""
    groups: list[LevelGroup] = []
    current_level = ""
    for catalog in found:
        unit = catalog.unit
        level = selectors.unit_level(unit)
        if not groups or level != current_level:
            current_level = level
            label = str(LEVEL_LABELS.get(level, _("其他单位")))
            groups.append(LevelGroup(code=level, label=label))
        region = _region_of(unit, parent)
        regions = groups[-1].regions
        if not regions or regions[-1].parent != region:
            url = _listing_url(path, parent=region.code) if region is not None else ""
            regions.append(Region(parent=region, url=url))
        regions[-1].rows.append(
            UnitRow(unit=unit, item_count=counts.get(catalog.pk, 0), url=unit_url(unit))
        )
    return groups


def _unit_listing(
    request: HttpRequest, *, path: str, unit_url: Callable[[Unit], str], domain: Domain | None
) -> UnitListing:
    """The units with a public catalog (with items in ``domain`` when given), as people browse
    them at any size, from a county's 100 to a province's 5,000, without JavaScript.

    With no parameters, each level with its first PAGE_SIZE units and a link to the rest: all of
    a county's departments and townships. ``?level=county|township|village`` lists one level,
    ``?parent=<code>`` a unit and the units under it, ``?name=`` the units whose name contains it
    (or with that code); those lists are paged, PAGE_SIZE a page, and grouped by the unit above.
    Every statement reads catalog and unit rows, never every item: the item counts are read for
    the units shown only.
    """
    form = UnitDirectoryForm(request.GET)
    name = form.cleaned_data.get("name", "") if form.is_valid() else ""
    level = request.GET.get("level", "")
    level = level if level in LEVEL_LABELS else ""
    parent: Unit | None = None
    if request.GET.get("parent"):
        parent = _public_unit(request.GET["parent"])
    scope = selectors.public_catalogs_of_units(domain=domain, name=name, parent=parent)
    by_level = selectors.public_level_counts(scope)
    pager: Pager | None = None
    if level or name or parent is not None:
        total = by_level[level] if level else sum(by_level.values())
        pager = Pager.checked(request.GET, total, PAGE_SIZE)
        listed = scope.filter(unit__kind__in=UNIT_LEVELS[level]) if level else scope
        found = list(listed[pager.offset : pager.end])
    else:
        total = sum(by_level.values())
        found = list(selectors.public_catalogs_preview(scope, PAGE_SIZE))
    counts = selectors.public_item_counts([catalog.pk for catalog in found], domain)
    groups = _level_groups(found, counts, path=path, unit_url=unit_url, parent=parent)
    keep = {"name": name, "parent": parent.code if parent is not None else ""}
    for group in groups:
        group.total = by_level.get(group.code, 0)
        if pager is None and group.total > group.shown:
            group.more_url = _listing_url(path, level=group.code, **keep)
    return UnitListing(
        name=name,
        level=level,
        parent=parent,
        total=total,
        total_all=sum(by_level.values()),
        groups=groups,
        levels=[
            (code, str(label), by_level[code], _listing_url(path, level=code, **keep))
            for code, label in LEVEL_LABELS.items()
            if by_level[code]
        ],
        all_url=_listing_url(path, **keep),
        pager=pager,
    )


def catalog_units(request: HttpRequest) -> HttpResponse:
    """Units with a public catalog: departments, townships, villages; by level, by the unit
    above, or by name, a page at a time."""
    listing = _unit_listing(
        request,
        path=reverse("portal:catalog_units"),
        unit_url=_unit_links("portal:catalog_unit"),
        domain=None,
    )
    return _page(request, "portal/catalog_units.html", {"listing": listing})


def catalog_domain(request: HttpRequest, code: str) -> HttpResponse:
    """The units publishing items in a domain, with how many, a page at a time."""
    domain = get_object_or_404(Domain, code=code)
    listing = _unit_listing(
        request,
        path=domain.get_absolute_url(),
        unit_url=_unit_links("portal:catalog_domain_unit", domain.code),
        domain=domain,
    )
    return _page(request, "portal/catalog_domain.html", {"domain": domain, "listing": listing})


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
    pager = Pager.checked(request.GET, filed.count())
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
