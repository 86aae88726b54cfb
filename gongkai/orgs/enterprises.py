"""Reads of the public enterprises and institutions (公共企事业单位, seed 001 item 9): the list of
those that must disclose (适用主体清单), grouped by sector, and the ones a department supervises.

They are units of their own kind (UnitKind.ENTERPRISE) with a sector and a supervising county
department (行业主管部门); docs/adr/0023 says where they count as units and where not.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import QuerySet

from gongkai.orgs.models import Sector, Unit, UnitKind


@dataclass
class SectorGroup:
    """The active enterprises of one sector, in the order of the tree."""

    code: str
    label: str
    units: list[Unit] = field(default_factory=list)


def public_enterprises() -> QuerySet[Unit]:
    """The active public enterprises with their supervising departments, by sector order."""
    return (
        Unit.objects.active()
        .filter(kind=UnitKind.ENTERPRISE)
        .select_related("supervisor")
        .order_by("sort_order", "code")
    )


def enterprises_by_sector(units: list[Unit] | None = None) -> list[SectorGroup]:
    """``units`` (all active enterprises when None) grouped by sector in the order of Sector,
    sectors without enterprises left out. One query when ``units`` is None."""
    found = list(public_enterprises()) if units is None else units
    groups = {code: SectorGroup(code, str(label)) for code, label in Sector.choices}
    for unit in found:
        groups.get(unit.sector, groups[Sector.OTHER]).units.append(unit)
    return [group for group in groups.values() if group.units]


def supervised_by(unit: Unit) -> QuerySet[Unit]:
    """The active enterprises ``unit`` supervises as their 行业主管部门 (none for other kinds)."""
    if unit.kind != UnitKind.DEPARTMENT:
        return Unit.objects.none()
    return public_enterprises().filter(supervisor=unit)
