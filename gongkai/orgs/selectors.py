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


def unit_tree_rows() -> list[dict[str, str | None]]:
    """Every unit as {"code","name","kind","parent"}, parents before children."""
    units = list(Unit.objects.select_related("parent").order_by("sort_order", "code"))
    return [
        {
            "code": u.code,
            "name": u.name,
            "kind": u.kind,
            "parent": u.parent.code if u.parent else None,
        }
        for u in units
    ]
