"""Reads of the monitoring that depend on who asks.

The office and county leaders read everything (permissions.reads_everything); a unit's staff see
their own units' new-media accounts and posts, to record them. Refusals are AccessDenied with a
Chinese sentence (the 403 page shows it)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import Count, Max, QuerySet

from gongkai.core.errors import AccessDenied
from gongkai.monitoring.models import Incident, NewMediaAccount, NewMediaPost, Probe
from gongkai.orgs import permissions
from gongkai.publications.models import Column

READERS_ONLY = "网站与政务新媒体监测由县政务公开办负责，县领导可以查看。"


def require_reader(user: Any) -> None:
    """The overview, columns, probes and incidents: the office and leaders."""
    permissions.require_pred(permissions.reads_everything, user, message=READERS_ONLY)


def accounts_for(user: Any) -> QuerySet[NewMediaAccount]:
    """The accounts a user may see: every one for the office and leaders, else those of the
    user's own units; with their post count and latest post date."""
    accounts = NewMediaAccount.objects.select_related("unit").annotate(
        post_count=Count("posts"), latest_post=Max("posts__published_on")
    )
    ids = permissions.visible_unit_ids(user)
    if ids is None:
        return accounts
    if not ids:
        raise AccessDenied(READERS_ONLY, log="monitoring accounts: no unit")
    return accounts.filter(unit_id__in=ids)


def account_for(user: Any, pk: int) -> NewMediaAccount:
    """One account the user may see; raises NewMediaAccount.DoesNotExist or AccessDenied."""
    account = NewMediaAccount.objects.select_related("unit").get(pk=pk)
    if not permissions.can_view_unit(user, account.unit):
        raise AccessDenied(
            f"“{account.name}”属于{account.unit.name}，您不能查看。",
            log="monitoring account of another unit",
        )
    return account


def posts_of(account: NewMediaAccount, *, since: dt.date | None = None) -> QuerySet[NewMediaPost]:
    posts = account.posts.select_related("recorded_by")
    return posts.filter(published_on__gte=since) if since else posts


def post_for(user: Any, pk: int) -> NewMediaPost:
    post = NewMediaPost.objects.select_related("account__unit").get(pk=pk)
    account_for(user, post.account_id)
    return post


def columns() -> QuerySet[Column]:
    return Column.objects.select_related("parent")


def column(pk: int) -> Column:
    return Column.objects.get(pk=pk)


def probes(*, limit: int = 200) -> list[Probe]:
    return list(Probe.objects.all()[:limit])


def incidents() -> QuerySet[Incident]:
    return Incident.objects.select_related("unit", "recorded_by")


def incident(pk: int) -> Incident:
    return Incident.objects.select_related("unit").get(pk=pk)
