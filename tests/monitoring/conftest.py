"""Shared helpers of the monitoring tests: items written straight to the table at a moment of
Beijing time (freshness and the veto rules only read status, column and 发布日期), accounts and
their posts."""

from __future__ import annotations

import datetime as dt
from typing import Any

from gongkai.monitoring.models import NewMediaAccount, NewMediaPost, Platform
from gongkai.orgs.models import Unit
from gongkai.publications.models import (
    Column,
    FiveClass,
    Publication,
    PublicationStatus,
    TopicCategory,
)

CST = dt.timezone(dt.timedelta(hours=8))


def at(text: str) -> dt.datetime:
    """A moment in Beijing time: ``at("2024-10-31 23:30")``."""
    return dt.datetime.fromisoformat(text).replace(tzinfo=CST)


def day(text: str) -> dt.date:
    return dt.date.fromisoformat(text)


def put(
    unit: Unit,
    when: dt.datetime | None,
    *,
    column: str = "news",
    n: int = 1,
    **extra: Any,
) -> list[Publication]:
    """Published items of ``unit`` at ``when`` (None: no publication time)."""
    status = extra.pop("status", PublicationStatus.PUBLISHED)
    written = extra.pop("written_on", (when or at("2024-01-01 09:00")).date())
    return [
        Publication.objects.create(
            unit=unit,
            issuer=unit.name,
            title=extra.pop("title", "工作动态") if n == 1 else f"工作动态{i}",
            written_on=written,
            published_at=when,
            topic=TopicCategory.objects.get(code="0100"),
            five_class=FiveClass.RESULT,
            column=Column.objects.get(code=column),
            status=status,
            **extra,
        )
        for i in range(n)
    ]


def account(unit: Unit, name: str = "石城民政", **extra: Any) -> NewMediaAccount:
    extra.setdefault("platform", Platform.WECHAT)
    return NewMediaAccount.objects.create(unit=unit, name=name, **extra)


def posts(acct: NewMediaAccount, *days: str) -> None:
    for n, text in enumerate(days):
        NewMediaPost.objects.create(account=acct, published_on=day(text), title=f"推文{n}-{text}")
