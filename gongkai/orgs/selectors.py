"""Reads of units and staff that depend on who is asking."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from gongkai.orgs import permissions
from gongkai.orgs.models import Membership, Unit


def units_visible_to(user: Any) -> QuerySet[Unit]:
    """Units whose internal work the user may read (all of them for the office and leaders)."""
    ids = permissions.visible_unit_ids(user)
    units = Unit.objects.active().select_related("parent")
    return units if ids is None else units.filter(pk__in=ids)


def units_of(user: Any) -> QuerySet[Unit]:
    """The units the user holds a role in."""
    return Unit.objects.filter(pk__in=list(permissions.roles_by_unit(user))).order_by(
        "sort_order", "code"
    )


def memberships_of(user: Any) -> QuerySet[Membership]:
    return Membership.objects.filter(user=user).select_related("unit").order_by("unit__sort_order")


UnitRow = dict[str, str | None]


def unit_tree() -> list[tuple[UnitRow, int]]:
    """Every unit as ({"code","name","kind","parent"}, depth), each parent before its children
    and siblings in sort order: a walk of the tree, so it holds whatever the sort orders are."""
    units = list(Unit.objects.select_related("parent").order_by("sort_order", "code"))
    rows: list[UnitRow] = [
        {
            "code": u.code,
            "name": u.name,
            "kind": u.kind,
            "parent": u.parent.code if u.parent else None,
        }
        for u in units
    ]
    codes = {row["code"] for row in rows}
    children: dict[str | None, list[UnitRow]] = {}
    for row in rows:
        parent = row["parent"] if row["parent"] in codes else None
        children.setdefault(parent, []).append(row)
    ordered: list[tuple[UnitRow, int]] = []
    stack = [(row, 0) for row in reversed(children.get(None, []))]
    while stack:
        row, depth = stack.pop()
        ordered.append((row, depth))
        stack.extend((child, depth + 1) for child in reversed(children.get(row["code"], [])))
    return ordered


def unit_tree_rows() -> list[UnitRow]:
    """Every unit as {"code","name","kind","parent"}, parents before children."""
    return [row for row, _depth in unit_tree()]
