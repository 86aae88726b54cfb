"""Reads of the access-point registry: the public list grouped by area and kind, the places a
unit's 政府信息公开指南 names, and the staff's own places."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.db.models import Q
from django.http import Http404

from gongkai.accesspoints.models import AccessPoint, AccessPointKind
from gongkai.core.errors import AccessDenied
from gongkai.orgs import permissions
from gongkai.orgs.models import COUNTY_LEVEL_KINDS, TOWNSHIP_LEVEL_KINDS, Unit, UnitKind

# A township's places that the county guide lists beside the county's own: its 专区 and its
# service centre, where every township has one (seed 004 item 8); village 查阅点 are in the
# township's guide.
TOWNSHIP_KINDS_IN_COUNTY_GUIDE = (AccessPointKind.ZHUANQU, AccessPointKind.CONVENIENCE)
KIND_ORDER = {value: index for index, value in enumerate(AccessPointKind.values)}


def _public() -> Any:
    return AccessPoint.objects.active().select_related("unit", "unit__parent")


def area_of(unit: Unit) -> Unit | None:
    """The area a place is listed under: the township (or community) for its villages and
    itself, None (县城、县直单位) for the county's units."""
    if unit.kind == UnitKind.VILLAGE:
        return unit.parent
    if unit.kind in TOWNSHIP_LEVEL_KINDS:
        return unit
    return None


@dataclass
class KindGroup:
    kind: str
    label: str
    points: list[AccessPoint] = field(default_factory=list)


@dataclass
class AreaGroup:
    """The places of one area, by kind: the county's first, then each township in tree order."""

    code: str
    label: str
    kinds: list[KindGroup] = field(default_factory=list)

    @property
    def count(self) -> int:
        return sum(len(group.points) for group in self.kinds)


@dataclass
class PublicList:
    areas: list[AreaGroup]
    kind_counts: list[tuple[str, str, int]]  # (value, label, count) of kinds with places
    total: int


def public_list(*, kind: str = "") -> PublicList:
    """The open places for /xxgk/access-points/, filtered by ``kind`` ('' for all), in one query.

    A county has a few dozen places, so they are read at once and grouped here.
    """
    points = list(_public())
    counts: dict[str, int] = {}
    for point in points:
        counts[point.kind] = counts.get(point.kind, 0) + 1
    if kind:
        points = [p for p in points if p.kind == kind]
    areas: dict[str, AreaGroup] = {}
    order: dict[str, tuple[int, str]] = {}
    for point in points:
        area = area_of(point.unit)
        code = area.code if area is not None else ""
        if code not in areas:
            label = area.name if area is not None else "县城（县级单位）"
            areas[code] = AreaGroup(code=code, label=label)
            order[code] = (-1, "") if area is None else (area.sort_order, area.code)
        group = areas[code]
        kinds = {g.kind: g for g in group.kinds}
        if point.kind not in kinds:
            group.kinds.append(KindGroup(point.kind, str(AccessPointKind(point.kind).label)))
            kinds = {g.kind: g for g in group.kinds}
        kinds[point.kind].points.append(point)
    for group in areas.values():
        group.kinds.sort(key=lambda g: KIND_ORDER[g.kind])
    return PublicList(
        areas=sorted(areas.values(), key=lambda a: order[a.code]),
        kind_counts=[
            (value, str(label), counts[value])
            for value, label in AccessPointKind.choices
            if counts.get(value)
        ],
        total=len(points),
    )


def _county_wide() -> Q:
    """The county's network: every place of a county-level unit and each township's 专区 and
    service centre."""
    return Q(unit__kind__in=COUNTY_LEVEL_KINDS) | Q(
        unit__kind__in=TOWNSHIP_LEVEL_KINDS, kind__in=TOWNSHIP_KINDS_IN_COUNTY_GUIDE
    )


def _own(unit: Unit) -> Q:
    """A unit's own places; a township's also its villages' 查阅点 (a village's guide is its
    township's)."""
    if unit.kind in TOWNSHIP_LEVEL_KINDS:
        return Q(unit=unit) | Q(unit__parent=unit, unit__kind=UnitKind.VILLAGE)
    return Q(unit=unit)


def _is_own(point: AccessPoint, unit: Unit) -> bool:
    """_own, for a place already read."""
    if point.unit_id == unit.pk:
        return True
    return (
        unit.kind in TOWNSHIP_LEVEL_KINDS
        and point.unit.kind == UnitKind.VILLAGE
        and point.unit.parent_id == unit.pk
    )


def _is_county_wide(point: AccessPoint) -> bool:
    """_county_wide, for a place already read."""
    return point.unit.kind in COUNTY_LEVEL_KINDS or (
        point.unit.kind in TOWNSHIP_LEVEL_KINDS and point.kind in TOWNSHIP_KINDS_IN_COUNTY_GUIDE
    )


def guide_points(
    unit: Unit, *, county_government: bool
) -> tuple[list[AccessPoint], list[AccessPoint]]:
    """The open places a 政府信息公开指南 lists, as (the guide's own, the county's), in one query.

    The county government's guide (``county_government``) owns the county-wide network. A unit's
    guide owns the places it runs (a township's, its villages' too) and falls back to the
    county's when it has none. Both empty when nothing is registered: the guide then falls back
    to the units' text.
    """
    wide = _county_wide()
    if county_government:
        points = sorted(_public().filter(wide), key=_guide_order)
        return points, points
    points = sorted(_public().filter(_own(unit) | wide), key=_guide_order)
    return [p for p in points if _is_own(p, unit)], [p for p in points if _is_county_wide(p)]


def _guide_order(point: AccessPoint) -> tuple[int, int, int, int]:
    """The county's places first in their own order, then each township's, its villages' after
    its own."""
    area = area_of(point.unit)
    area_rank = -1 if area is None else area.sort_order
    return (area_rank, point.unit.kind == UnitKind.VILLAGE, point.sort_order, point.pk)


def staff_points(user: Any) -> list[AccessPoint]:
    """The places the user keeps (closed ones too): all for the office, else their units' and,
    for a township's editor, its villages'."""
    places = AccessPoint.objects.select_related("unit", "unit__parent").order_by(
        "unit__sort_order", "unit__code", "sort_order", "pk"
    )
    if permissions.is_office(user):
        return list(places)
    own = list(permissions.roles_by_unit(user))
    candidates = places.filter(Q(unit__in=own) | Q(unit__parent__in=own))
    return [p for p in candidates if permissions.can_manage_access_points_of(user, p.unit)]


def manageable_units(user: Any) -> list[Unit]:
    """The units the user may register places for, in tree order."""
    units = Unit.objects.active().select_related("parent")
    if not permissions.is_office(user):
        own = list(permissions.roles_by_unit(user))
        units = units.filter(Q(pk__in=own) | Q(parent__in=own, kind=UnitKind.VILLAGE))
    return [u for u in units if permissions.can_manage_access_points_of(user, u)]


def point_for(user: Any, pk: int) -> AccessPoint:
    """The place ``pk`` for its keeper; 404 when there is none, AccessDenied for anyone else."""
    point = AccessPoint.objects.select_related("unit", "unit__parent").filter(pk=pk).first()
    if point is None:
        raise Http404
    if not permissions.can_manage_access_points_of(user, point.unit):
        raise AccessDenied(
            "只有县政务公开办或本单位信息员可以维护本单位的政府信息查阅场所。",
            log="access denied: can_manage_access_points_of",
        )
    return point


def kiosk_point(pk: int) -> AccessPoint | None:
    """The open place a kiosk says it stands in, or None."""
    return AccessPoint.objects.active().filter(pk=pk).first()
