"""The order the public pages list units in, shared by the catalog's and the disclosure's lists.

A county's 县直部门, 乡镇 and 村（居）, or a province's county governments, departments, townships
and villages, are listed by level, then the units straight under the top of the tree, then the
others grouped by the units above them (villages by township, a county's departments by county).
``prefix`` names the path from the queried model to its unit ("unit__" for catalogs, "" for units).
"""

from __future__ import annotations

from typing import Any

from django.db.models import Case, F, IntegerField, Q, Value, When

from gongkai.orgs.models import COUNTY_LEVEL_KINDS, TOWNSHIP_LEVEL_KINDS, UnitKind

# The levels of the organisation tree, as the portal groups units (县直部门, 乡镇, 村（居）).
UNIT_LEVELS: dict[str, frozenset[str]] = {
    "county": COUNTY_LEVEL_KINDS,
    "township": TOWNSHIP_LEVEL_KINDS,
    "village": frozenset({UnitKind.VILLAGE}),
    "enterprise": frozenset({UnitKind.ENTERPRISE}),  # 公共企事业单位, docs/adr/0023
}


def level_of(kind: str) -> str:
    """The level (a key of UNIT_LEVELS) a unit of this kind is listed under."""
    return next((level for level, kinds in UNIT_LEVELS.items() if kind in kinds), "")


def level_rank(prefix: str = "") -> Case:
    return Case(
        *(
            When(**{f"{prefix}kind__in": kinds}, then=Value(rank))
            for rank, kinds in enumerate(UNIT_LEVELS.values())
        ),
        default=Value(len(UNIT_LEVELS)),
        output_field=IntegerField(),
    )


def tree_order(prefix: str = "") -> list[Any]:
    under_top = Q(**{f"{prefix}parent__isnull": True}) | Q(
        **{f"{prefix}parent__parent__isnull": True}
    )
    return [
        level_rank(prefix),
        Case(When(under_top, then=Value(0)), default=Value(1), output_field=IntegerField()),
        F(f"{prefix}parent__parent__sort_order").asc(nulls_first=True),
        F(f"{prefix}parent__parent__code").asc(nulls_first=True),
        F(f"{prefix}parent__sort_order").asc(nulls_first=True),
        F(f"{prefix}parent__code").asc(nulls_first=True),
        F(f"{prefix}sort_order").asc(),
        F(f"{prefix}code").asc(),
    ]
