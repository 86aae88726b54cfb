"""What the public may read of service guides: published guides only, everything else is absent.

The /banshi/ pages, the 一次告知 notice and the 办事一本通 read through here, so a draft, a guide
under review or a withdrawn one is a 404 on every public path, never a 403 that would tell the
public it exists.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Count, Q, QuerySet

from gongkai.catalog import selectors as catalog
from gongkai.catalog.models import CatalogItem
from gongkai.orgs.models import Unit
from gongkai.orgs.tree_order import tree_order
from gongkai.serviceguides.elements import with_elements
from gongkai.serviceguides.models import LifeEvent, Material, ServiceItem, ServiceStatus

# The longest search query taken; a longer one is cut (names are at most 200 characters).
MAX_QUERY = 50


def public_guides() -> QuerySet[ServiceItem]:
    """Every published guide, in the order the public lists them: units in tree order, then the
    unit's own order."""
    return ServiceItem.objects.published().order_by(*tree_order("unit__"), "sort_order", "pk")


def public_guide(pk: int) -> ServiceItem:
    """A published guide with its elements; ServiceItem.DoesNotExist for anything else."""
    return with_elements(
        ServiceItem.objects.published().select_related("unit", "catalog_item")
    ).get(pk=pk)


def revising_guide(pk: int) -> ServiceItem | None:
    """A guide the public has read and that is back in draft or under review after a change
    (services._reopen), or None. Its address may be printed at a counter or in a 一本通, so the
    public page says it is being revised and gives the unit's phone instead of a 404; nothing of
    the unpublished text is shown. A withdrawn guide is not revising: it is gone."""
    return (
        ServiceItem.objects.filter(
            pk=pk,
            status__in=(ServiceStatus.DRAFT, ServiceStatus.SUBMITTED),
            published_at__isnull=False,
            withdrawn_at__isnull=True,
        )
        .select_related("unit")
        .only("pk", "name", "status", "unit__name", "unit__full_name", "unit__code", "unit__phone")
        .first()
    )


def public_material(pk: int) -> Material:
    """A material of a published guide; Material.DoesNotExist for anything else."""
    return Material.objects.select_related("service").get(
        pk=pk, service__status=ServiceStatus.PUBLISHED
    )


@dataclass
class UnitCount:
    unit: Unit
    count: int


def public_guide_units() -> list[UnitCount]:
    """Units with published guides and how many, in tree order (one query)."""
    units = (
        Unit.objects.active()
        .annotate(
            guides=Count("service_items", filter=Q(service_items__status=ServiceStatus.PUBLISHED))
        )
        .filter(guides__gt=0)
        .select_related("parent")
        .order_by(*tree_order())
    )
    return [UnitCount(unit, unit.guides) for unit in units]  # type: ignore[attr-defined]


@dataclass
class EventCount:
    event: LifeEvent
    count: int


def public_life_events() -> list[EventCount]:
    """Every life event with how many published guides it has (one query), empty ones too: the
    public sees that 生育 has no guide yet rather than wondering where it went."""
    events = LifeEvent.objects.annotate(
        guides=Count("service_items", filter=Q(service_items__status=ServiceStatus.PUBLISHED))
    ).order_by("sort_order", "code")
    return [EventCount(event, event.guides) for event in events]


def search_guides(query: str) -> QuerySet[ServiceItem]:
    """Published guides whose name (or 事项编码) contains every word of ``query``."""
    guides = public_guides()
    for word in query[:MAX_QUERY].split():
        guides = guides.filter(Q(name__icontains=word) | Q(code__iexact=word))
    return guides


def public_catalog_item(guide: ServiceItem) -> CatalogItem | None:
    """The catalog item the guide fulfils when the public may open it (its catalog is public),
    else its successor in the unit's newer public catalog, else None."""
    if guide.catalog_item_id is None:
        return None
    found = catalog.public_items().filter(pk=guide.catalog_item_id).first()
    return found if found is not None else catalog.public_successor_of(guide.catalog_item_id)
