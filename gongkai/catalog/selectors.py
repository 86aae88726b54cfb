"""Reads of catalogs that depend on who is asking, and the public catalog the portal shows."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import Any

from django.db.models import (
    Count,
    Exists,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Window,
)
from django.db.models.functions import RowNumber

from gongkai.catalog.models import (
    PUBLIC_STATUSES,
    Catalog,
    CatalogEvent,
    CatalogItem,
    CatalogStatus,
    Domain,
    DomainTally,
)
from gongkai.orgs import permissions
from gongkai.orgs.models import Unit
from gongkai.orgs.tree_order import UNIT_LEVELS, level_of, level_rank, tree_order


def catalogs_visible_to(user: Any) -> QuerySet[Catalog]:
    """Catalogs whose working copy (drafts included) the user may open."""
    ids = permissions.visible_unit_ids(user)
    catalogs = Catalog.objects.select_related("unit", "unit__parent")
    return catalogs if ids is None else catalogs.filter(unit_id__in=ids)


def catalogs_awaiting_review() -> QuerySet[Catalog]:
    """Submitted catalogs, oldest first: the office's review queue."""
    return (
        Catalog.objects.filter(status=CatalogStatus.SUBMITTED)
        .select_related("unit")
        .annotate(item_count=Count("items"))
        .order_by("submitted_at", "pk")
    )


def catalog_items(catalog: Catalog) -> QuerySet[CatalogItem]:
    return catalog.items.select_related("domain").order_by("domain__sort_order", "sort_order", "pk")


@dataclass
class DomainSection:
    """A catalog's items of one domain, in order: how pages and the Excel export group them."""

    domain: Domain
    items: list[CatalogItem]


def catalog_sections(catalog: Catalog) -> list[DomainSection]:
    sections: list[DomainSection] = []
    for item in catalog_items(catalog):
        if not sections or sections[-1].domain.pk != item.domain_id:
            sections.append(DomainSection(domain=item.domain, items=[]))
        sections[-1].items.append(item)
    return sections


def _newest_public(unit: str, version: str) -> Exists:
    """Whether the unit at ``unit`` has a public catalog newer than ``version`` (both outer
    references), probed on the (unit, version) unique index."""
    return Exists(
        Catalog.objects.filter(
            unit=OuterRef(unit), status__in=PUBLIC_STATUSES, version__gt=OuterRef(version)
        )
    )


def public_catalogs() -> QuerySet[Catalog]:
    """Each active unit's newest approved (or reported) catalog: what the public sees.

    One statement, so callers can narrow, count and page it in the database: a province has
    5,000 units, too many to bring into Python for every page.
    """
    return Catalog.objects.filter(status__in=PUBLIC_STATUSES, unit__is_active=True).exclude(
        _newest_public("unit", "version")
    )


def public_catalog_ids() -> list[int]:
    """The primary keys of public_catalogs(), ascending."""
    return list(public_catalogs().order_by("pk").values_list("pk", flat=True))


def public_items() -> QuerySet[CatalogItem]:
    """The items of the public catalogs. Written as a join (not ``catalog IN (...)``) so a
    lookup by item, lineage or unit reads a few rows instead of every public catalog."""
    return CatalogItem.objects.filter(
        catalog__status__in=PUBLIC_STATUSES, catalog__unit__is_active=True
    ).exclude(_newest_public("catalog__unit", "catalog__version"))


def public_successor_of(pk: int) -> CatalogItem | None:
    """The public item that carries on item ``pk`` (same lineage) when ``pk`` itself is not public.

    A unit's newer approved version replaces the items of the older one; links people saved to
    the older item should lead to the same matter in the current catalog, not to a dead end.
    Items that were never public (drafts) have no successor unless their lineage is public.
    """
    lineage = CatalogItem.objects.filter(pk=pk).values_list("lineage", flat=True).first()
    if lineage is None:
        return None
    return public_items().filter(lineage=lineage).first()


def _fingerprint(catalog_ids: list[int]) -> str:
    return hashlib.sha256(",".join(map(str, catalog_ids)).encode()).hexdigest()


def _count_domains() -> dict[int, tuple[int, int]]:
    """Public items and units per domain, counted on the (domain, catalog) index. A unit has
    one public catalog, so its units are its distinct catalogs."""
    rows = (
        CatalogItem.objects.filter(catalog__in=public_catalogs())
        .order_by()
        .values("domain_id")
        .annotate(items=Count("pk"), units=Count("catalog_id", distinct=True))
        .values_list("domain_id", "items", "units")
    )
    return {domain_id: (items, units) for domain_id, items, units in rows}


def _domain_counts(domain_ids: list[int]) -> dict[int, tuple[int, int]]:
    """(public items, publishing units) by domain id, from the DomainTally rows.

    Reads the public catalogs' ids (one scan of the catalog rows, not of their items) and the
    rows counted for exactly that set; when there are none (a catalog was approved or a unit
    deactivated since), counts again and stores the rows for the next readers. Rows are stored
    only if the set did not change while counting, so they always match their fingerprint; two
    readers storing the same set at once store the same rows, and the second insert is ignored.
    """
    fingerprint = _fingerprint(public_catalog_ids())
    stored = DomainTally.objects.filter(fingerprint=fingerprint).values_list(
        "domain_id", "item_count", "unit_count"
    )
    counts = {domain_id: (items, units) for domain_id, items, units in stored}
    if counts or not domain_ids:
        return counts
    counts = _count_domains()
    if _fingerprint(public_catalog_ids()) == fingerprint:
        DomainTally.objects.exclude(fingerprint=fingerprint).delete()
        DomainTally.objects.bulk_create(
            [
                DomainTally(
                    fingerprint=fingerprint,
                    domain_id=pk,
                    item_count=counts.get(pk, (0, 0))[0],
                    unit_count=counts.get(pk, (0, 0))[1],
                )
                for pk in domain_ids
            ],
            ignore_conflicts=True,
        )
    return counts


def public_domains() -> list[Domain]:
    """Every domain, in order, with ``item_count`` (items of the public catalogs) and
    ``unit_count`` (units whose public catalog lists items in it).

    Three small statements on every request, whatever the size; the items are counted again
    only after the set of public catalogs changed (see DomainTally).
    """
    domains = list(Domain.objects.order_by("sort_order", "code"))
    counts = _domain_counts([domain.pk for domain in domains])
    for domain in domains:
        domain.item_count, domain.unit_count = counts.get(domain.pk, (0, 0))  # type: ignore[attr-defined]
    return domains


# What lists of units read of each catalog and unit (and the unit above): a page of 50 units
# builds 150 objects, so the rest of their fields stay in the database.
_CATALOG_FIELDS = ("unit", "version", "status", "approved_at")
_UNIT_FIELDS = ("code", "name", "kind", "parent", "sort_order", "is_active")


def public_catalogs_of_units(
    *,
    domain: Domain | None = None,
    level: str = "",
    name: str = "",
    parent: Unit | None = None,
) -> QuerySet[Catalog]:
    """Public catalogs with their units, in the order of the tree: level (县直部门, 乡镇,
    村（居）), then the unit above (so a township's villages stay together), then the unit.

    ``domain``: only units with items in it; ``level``: a key of UNIT_LEVELS; ``name``: unit
    names containing it, or that exact unit code; ``parent``: that unit and the units under it.
    Narrowing and sorting read the catalog and unit rows (a few milliseconds at 5,000 units);
    callers page the result and count the items of the page only (public_item_counts).
    """
    catalogs = (
        public_catalogs()
        .select_related("unit", "unit__parent")
        .only(
            *_CATALOG_FIELDS,
            *(f"unit__{column}" for column in _UNIT_FIELDS),
            *(f"unit__parent__{column}" for column in _UNIT_FIELDS),
        )
    )
    if domain is not None:
        catalogs = catalogs.filter(
            Exists(CatalogItem.objects.filter(catalog=OuterRef("pk"), domain=domain))
        )
    if level in UNIT_LEVELS:
        catalogs = catalogs.filter(unit__kind__in=UNIT_LEVELS[level])
    if name:
        catalogs = catalogs.filter(Q(unit__name__contains=name) | Q(unit__code=name.upper()))
    if parent is not None:
        catalogs = catalogs.filter(Q(unit=parent) | Q(unit__parent=parent))
    return catalogs.order_by(*tree_order("unit__"))


def public_catalogs_preview(catalogs: QuerySet[Catalog], per_level: int) -> QuerySet[Catalog]:
    """The first ``per_level`` of ``catalogs`` (public_catalogs_of_units) at each level, in the
    same order, in one statement: the overview of a unit list."""
    ranked = catalogs.annotate(
        level_row=Window(
            RowNumber(), partition_by=[level_rank("unit__")], order_by=tree_order("unit__")
        )
    )
    # Rank the narrow rows (ids only), then load the few chosen ones with their units.
    first = ranked.filter(level_row__lte=per_level).values("pk")
    return public_catalogs_of_units().filter(pk__in=first)


def public_level_counts(catalogs: QuerySet[Catalog]) -> dict[str, int]:
    """How many of ``catalogs`` (public_catalogs_of_units) are at each level."""
    rows = (
        catalogs.order_by()
        .values("unit__kind")
        .annotate(n=Count("pk"))
        .values_list("unit__kind", "n")
    )
    counts: dict[str, int] = dict.fromkeys(UNIT_LEVELS, 0)
    for kind, n in rows:
        level = level_of(kind)
        if level:
            counts[level] += n
    return counts


def public_item_counts(catalog_ids: list[int], domain: Domain | None = None) -> dict[int, int]:
    """Items of each of these catalogs (in ``domain`` when given): the page's rows only."""
    items = CatalogItem.objects.filter(catalog_id__in=catalog_ids)
    if domain is not None:
        items = items.filter(domain=domain)
    rows = items.order_by().values("catalog_id").annotate(n=Count("pk"))
    return dict(rows.values_list("catalog_id", "n"))


def unit_level(unit: Unit) -> str:
    """The level (a key of UNIT_LEVELS) a unit is listed under."""
    return level_of(unit.kind)


def units_with_public_catalog(unit_ids: list[int]) -> set[int]:
    """Which of these units have a public catalog: for a page of units, without counting."""
    found = Catalog.objects.filter(
        unit_id__in=unit_ids, unit__is_active=True, status__in=PUBLIC_STATUSES
    )
    return set(found.values_list("unit_id", flat=True))


def public_catalog_of(unit: Unit) -> Catalog | None:
    """The unit's public catalog, if any: its newest approved or reported version."""
    if not unit.is_active:
        return None
    return (
        Catalog.objects.filter(unit=unit, status__in=PUBLIC_STATUSES).order_by("-version").first()
    )


def public_unit_items(unit: Unit, domain: Domain | None = None) -> QuerySet[CatalogItem]:
    """The items of the unit's public catalog (in ``domain`` when given), in table order."""
    items = public_items().filter(catalog__unit=unit).select_related("domain", "catalog")
    if domain is not None:
        items = items.filter(domain=domain)
    return items.order_by("domain__sort_order", "sort_order", "pk")


def catalog_with_history(catalog_qs: QuerySet[Catalog], pk: int) -> Catalog:
    """One catalog with its events prefetched; raises Catalog.DoesNotExist when not visible."""
    return catalog_qs.prefetch_related(
        Prefetch("events", queryset=CatalogEvent.objects.select_related("actor"))
    ).get(pk=pk)
