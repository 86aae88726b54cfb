"""Reads of catalogs that depend on who is asking, and the public catalog the portal shows."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Prefetch, Q, QuerySet

from gongkai.catalog.models import (
    PUBLIC_STATUSES,
    Catalog,
    CatalogEvent,
    CatalogItem,
    CatalogStatus,
    Domain,
)
from gongkai.orgs import permissions
from gongkai.orgs.models import Unit


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


def public_catalog_ids() -> list[int]:
    """The newest approved (or reported) catalog of each unit: what the public sees."""
    newest: dict[int, tuple[int, int]] = {}
    rows = Catalog.objects.filter(status__in=PUBLIC_STATUSES, unit__is_active=True).values_list(
        "pk", "unit_id", "version"
    )
    for pk, unit_id, version in rows:
        if unit_id not in newest or version > newest[unit_id][1]:
            newest[unit_id] = (pk, version)
    return [pk for pk, _ in newest.values()]


def public_items() -> QuerySet[CatalogItem]:
    return CatalogItem.objects.filter(catalog_id__in=public_catalog_ids())


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


def public_domains() -> QuerySet[Domain]:
    """Domains with the number of public items and of units publishing under each."""
    ids = public_catalog_ids()
    in_public = Q(catalog_items__catalog_id__in=ids)
    return Domain.objects.annotate(
        item_count=Count("catalog_items", filter=in_public),
        unit_count=Count("catalog_items__catalog__unit", filter=in_public, distinct=True),
    ).order_by("sort_order", "code")


def public_units_for_domain(domain: Domain) -> QuerySet[Unit]:
    ids = public_catalog_ids()
    scope = Q(catalogs__pk__in=ids, catalogs__items__domain=domain)
    return (
        Unit.objects.filter(scope)
        .annotate(item_count=Count("catalogs__items", filter=scope))
        .select_related("parent")
        .order_by("sort_order", "code")
    )


def public_catalog_of(unit: Unit) -> Catalog | None:
    ids = public_catalog_ids()
    return Catalog.objects.filter(pk__in=ids, unit=unit).first()


def public_unit_items(unit: Unit, domain: Domain | None = None) -> QuerySet[CatalogItem]:
    items = public_items().filter(catalog__unit=unit).select_related("domain", "catalog")
    if domain is not None:
        items = items.filter(domain=domain)
    return items.order_by("domain__sort_order", "sort_order", "pk")


def public_units() -> QuerySet[Unit]:
    """Units that have a public catalog, with item counts."""
    ids = public_catalog_ids()
    return (
        Unit.objects.filter(catalogs__pk__in=ids)
        .annotate(item_count=Count("catalogs__items", filter=Q(catalogs__pk__in=ids)))
        .select_related("parent")
        .order_by("sort_order", "code")
    )


def catalog_with_history(catalog_qs: QuerySet[Catalog], pk: int) -> Catalog:
    """One catalog with its events prefetched; raises Catalog.DoesNotExist when not visible."""
    return catalog_qs.prefetch_related(
        Prefetch("events", queryset=CatalogEvent.objects.select_related("actor"))
    ).get(pk=pk)
