"""Reads of service items that involve who may see what.

Staff see their own units' guides (a township's staff also its villages', like catalogs); the
county office and leaders see every unit's (permissions.visible_unit_ids). The public sees
published guides only (``ServiceItem.objects.published()``; helper B's public selectors).
"""

from __future__ import annotations

from typing import Any

from django.db.models import Count, Prefetch, Q, QuerySet

from gongkai.catalog.models import CatalogItem
from gongkai.core.models import AuditEntry
from gongkai.orgs import permissions
from gongkai.orgs.models import Unit, UnitKind
from gongkai.serviceguides.models import LifeEvent, Material, Question, ServiceItem


def service_items_visible_to(user: Any) -> QuerySet[ServiceItem]:
    """Every guide the staff member may read, with what list and detail pages show."""
    items = ServiceItem.objects.select_related("unit", "catalog_item__catalog__unit")
    ids = permissions.visible_unit_ids(user)
    if ids is None:
        return items
    return items.filter(unit_id__in=ids)


def service_item_for(user: Any, pk: int) -> ServiceItem:
    """One guide the user may read, with its materials, questions and life events; raises
    ServiceItem.DoesNotExist (a 404) for one of a unit the user cannot see."""
    return (
        service_items_visible_to(user)
        .prefetch_related(
            Prefetch("materials", queryset=Material.objects.order_by("sort_order", "pk")),
            Prefetch("questions", queryset=Question.objects.order_by("sort_order", "pk")),
            "life_events",
        )
        .get(pk=pk)
    )


def service_items_for_list(user: Any, unit: Unit | None = None) -> QuerySet[ServiceItem]:
    """The staff list: visible guides (of one unit when given) with their rows prefetched, so
    checking each one costs no query per guide."""
    items = service_items_visible_to(user).prefetch_related(
        Prefetch("materials", queryset=Material.objects.order_by("sort_order", "pk")),
        Prefetch("questions", queryset=Question.objects.order_by("sort_order", "pk")),
        "life_events",
    )
    if unit is not None:
        items = items.filter(unit=unit)
    return items.order_by("unit__sort_order", "unit__code", "sort_order", "pk")


def units_with_services(user: Any) -> QuerySet[Unit]:
    """Units the user may see, those with guides annotated with their counts (the unit filter)."""
    ids = permissions.visible_unit_ids(user)
    units = Unit.objects.filter(is_active=True).exclude(kind=UnitKind.VILLAGE)
    if ids is not None:
        units = Unit.objects.filter(pk__in=ids, is_active=True)
    return units.annotate(
        service_count=Count("service_items"),
        published_count=Count("service_items", filter=Q(service_items__status="published")),
    ).order_by("sort_order", "code")


def catalog_items_for(unit: Unit) -> QuerySet[CatalogItem]:
    """The catalog items a guide of ``unit`` may fulfil: its own catalogs' items (newest version
    first) and the county government's, for the editor's choice and the Excel import."""
    return (
        CatalogItem.objects.filter(Q(catalog__unit=unit) | Q(catalog__unit__kind=UnitKind.COUNTY))
        .select_related("domain", "catalog__unit")
        .order_by("-catalog__version", "domain__sort_order", "sort_order", "pk")
    )


def latest_catalog_items_for(unit: Unit) -> list[CatalogItem]:
    """The items of the newest catalog version of the unit (and of the county government):
    what the edit form offers; an older version's item stays valid on a guide linked to it."""
    items = list(catalog_items_for(unit))
    newest: dict[int, int] = {}
    for item in items:
        newest.setdefault(item.catalog.unit_id, item.catalog.version)
    return [i for i in items if i.catalog.version == newest[i.catalog.unit_id]]


def life_events() -> QuerySet[LifeEvent]:
    return LifeEvent.objects.order_by("sort_order", "code")


def material_for(user: Any, pk: int) -> Material:
    """One material of a guide the user may read, its guide attached (DoesNotExist: a 404)."""
    service_id = Material.objects.filter(pk=pk).values_list("service_id", flat=True).first()
    if service_id is None:
        raise Material.DoesNotExist
    item = service_item_for(user, service_id)
    for row in item.materials.all():
        if row.pk == pk:
            row.service = item
            return row
    raise Material.DoesNotExist


def question_for(user: Any, pk: int) -> Question:
    """One question of a guide the user may read, its guide attached (DoesNotExist: a 404)."""
    service_id = Question.objects.filter(pk=pk).values_list("service_id", flat=True).first()
    if service_id is None:
        raise Question.DoesNotExist
    item = service_item_for(user, service_id)
    for row in item.questions.all():
        if row.pk == pk:
            row.service = item
            return row
    raise Question.DoesNotExist


def service_history(item: ServiceItem) -> QuerySet[AuditEntry]:
    """The guide's audit entries, oldest first (办理记录 on its staff page): who wrote, submitted,
    published, returned or withdrew it, and when."""
    return (
        AuditEntry.objects.filter(target_type=ServiceItem._meta.label_lower, target_id=str(item.pk))
        .select_related("actor")
        .order_by("id")
    )
