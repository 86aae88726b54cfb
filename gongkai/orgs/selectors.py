"""Reads of units and staff that depend on who is asking."""

from __future__ import annotations

from typing import Any

from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet
from django_otp.plugins.otp_totp.models import TOTPDevice

from gongkai.orgs import permissions
from gongkai.orgs.models import Membership, Role, Unit, User


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


# The office's account page lists at most this many matches; a search narrows it.
ACCOUNTS_SHOWN = 50


def accounts_managed_by(user: Any, *, query: str = "") -> tuple[list[User], int]:
    """The staff accounts whose passwords and authenticators ``user`` may reset
    (permissions.can_manage_account_of), matching ``query`` (username or name), with their
    roles and whether they use an authenticator; the first ACCOUNTS_SHOWN and the total."""
    if not permissions.is_office(user):
        return [], 0
    accounts = User.objects.filter(is_active=True).exclude(pk=user.pk)
    if not getattr(user, "is_superuser", False):
        office_ids = Membership.objects.filter(role=Role.OFFICE, unit__is_active=True).values(
            "user_id"
        )
        accounts = accounts.exclude(is_superuser=True).exclude(pk__in=office_ids)
    query = query.strip()
    if query:
        accounts = accounts.filter(Q(username__icontains=query) | Q(full_name__icontains=query))
    total = accounts.count()
    shown: list[User] = list(
        accounts.annotate(
            has_authenticator=Exists(TOTPDevice.objects.filter(user=OuterRef("pk"), confirmed=True))
        )
        .prefetch_related(
            Prefetch(
                "memberships",
                queryset=Membership.objects.select_related("unit").order_by(
                    "unit__sort_order", "unit__code"
                ),
            )
        )
        .order_by("username")[:ACCOUNTS_SHOWN]
    )
    return shown, total


def account_managed_by(user: Any, pk: int) -> User | None:
    """One account ``user`` may reset, or None (unknown, or not theirs to manage)."""
    account = User.objects.filter(pk=pk, is_active=True).first()
    if account is None or not permissions.can_manage_account_of(user, account):
        return None
    return account
