"""How fresh every column of the site is on a given day (国办秘函〔2019〕19号; seed 003).

Each column carries an update class (``Column.update_days``: 每日 1, 两周 14, 半年 183, 一年 365,
or 不要求 ``None``; the defaults come from publications migration 0002 and the office changes them
on the monitoring pages). On a day ``as_of`` (read as the end of that day, county time):

- a column's ``latest`` is the 发布日期 of its newest published item up to ``as_of`` — its own or
  one of its sub-columns' (a parent column is as fresh as its freshest child); withdrawn items and
  drafts do not count, and an item without a publication time counts as not updated (19号文);
- ``idle_days`` is ``as_of - latest`` in days (0 when something was published that day);
- a column with an update class is **stale** when nothing was published in the window of
  ``update_days`` days ending on ``as_of``, i.e. ``idle_days >= update_days`` or never updated:
  a 两周 column last updated 13 days ago is fresh, 14 days ago is stale; a 每日 column must
  have been updated on ``as_of`` itself (seed 003: 首页信息每天至少要更新1次);
- a column is **blank** (空白栏目) when neither it nor a sub-column holds any published item.

Fast at any size: one index seek per column on (column, status, published_at) for the newest
item and one for whether any item exists, never a scan of the items.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Exists, OuterRef, Q, Subquery
from django.utils import timezone

from gongkai.core import clock
from gongkai.publications.models import Column, Publication, PublicationStatus

DAILY, FORTNIGHTLY, HALF_YEARLY, YEARLY = 1, 14, 183, 365
# The office's choices (value: update_days, "" for 不要求), in the order the page offers them.
UPDATE_CLASSES: tuple[tuple[int | None, str], ...] = (
    (DAILY, "每日"),
    (FORTNIGHTLY, "两周"),
    (HALF_YEARLY, "半年"),
    (YEARLY, "一年"),
    (None, "不要求"),
)
CLASS_HINTS = {
    DAILY: "首页要闻",
    FORTNIGHTLY: "动态要闻类",
    HALF_YEARLY: "通知公告、政策文件类",
    YEARLY: "人事、规划计划类",
    None: "指南、制度等",
}


def class_label(update_days: int | None) -> str:
    """The update class of ``update_days`` in words (每日, 两周 …; 每N天 for another number)."""
    for days, label in UPDATE_CLASSES:
        if days == update_days:
            return label
    return f"每{update_days}天"


def end_of(day: dt.date) -> dt.datetime:
    """The first moment after ``day`` in the county's time zone."""
    return dt.datetime.combine(
        day + dt.timedelta(days=1), dt.time(), tzinfo=timezone.get_default_timezone()
    )


def is_overdue(idle_days: int | None, period_days: int) -> bool:
    """Whether nothing happened in the ``period_days`` days ending on the day of the check:
    never (``None``) or ``idle_days >= period_days``. The one boundary rule of every freshness
    check here (columns, the home page, new-media accounts)."""
    return idle_days is None or idle_days >= period_days


@dataclass(frozen=True)
class ColumnFreshness:
    """One column on one day."""

    pk: int
    code: str
    name: str
    kind: str
    parent_id: int | None
    depth: int  # 0 for a first-level column
    is_leaf: bool
    update_days: int | None
    latest: dt.date | None
    idle_days: int | None
    stale: bool
    blank: bool

    @property
    def update_class(self) -> str:
        return class_label(self.update_days)

    def as_dict(self) -> dict[str, object]:
        """JSON-ready; ``column``, ``update_days``, ``latest`` and ``idle_days`` are the keys of
        the monthly report's stale-columns list."""
        return {
            "column": self.name,
            "code": self.code,
            "kind": self.kind,
            "update_days": self.update_days,
            "update_class": self.update_class,
            "latest": self.latest.isoformat() if self.latest else None,
            "idle_days": self.idle_days,
            "stale": self.stale,
            "blank": self.blank,
        }


def column_freshness(as_of: dt.date) -> list[ColumnFreshness]:
    """Every column on ``as_of``, in the columns' order (see the module docstring)."""
    upto = end_of(as_of)
    published = Publication.objects.filter(
        column=OuterRef("pk"), status=PublicationStatus.PUBLISHED
    )
    newest = (
        published.filter(published_at__lt=upto).order_by("-published_at").values("published_at")[:1]
    )
    held = published.filter(Q(published_at__lt=upto) | Q(published_at__isnull=True))
    columns = list(
        Column.objects.annotate(newest=Subquery(newest), held=Exists(held)).only(
            "pk", "code", "name", "kind", "parent_id", "update_days", "sort_order"
        )
    )
    parent = {c.pk: c.parent_id for c in columns}
    own_latest = {c.pk: clock.localdate(c.newest) if c.newest else None for c in columns}
    latest: dict[int, dt.date | None] = dict(own_latest)
    holds = {c.pk: bool(c.held) for c in columns}
    has_children: set[int] = set()
    for column in columns:
        # Roll each column's own figures up to every ancestor (guarding against a cycle).
        seen = {column.pk}
        up = parent.get(column.pk)
        while up is not None and up in parent and up not in seen:
            seen.add(up)
            has_children.add(up)
            mine = own_latest[column.pk]
            if mine and (latest[up] is None or mine > latest[up]):  # type: ignore[operator]
                latest[up] = mine
            holds[up] = holds[up] or holds[column.pk]
            up = parent.get(up)
    result = []
    for column in columns:
        day = latest[column.pk]
        idle = (as_of - day).days if day else None
        result.append(
            ColumnFreshness(
                pk=column.pk,
                code=column.code,
                name=column.name,
                kind=column.kind,
                parent_id=column.parent_id,
                depth=_depth(column.pk, parent),
                is_leaf=column.pk not in has_children,
                update_days=column.update_days,
                latest=day,
                idle_days=idle,
                stale=column.update_days is not None and is_overdue(idle, column.update_days),
                blank=not holds[column.pk],
            )
        )
    return result


def _depth(pk: int, parent: dict[int, int | None]) -> int:
    depth, seen, up = 0, {pk}, parent.get(pk)
    while up is not None and up not in seen:
        depth += 1
        seen.add(up)
        up = parent.get(up)
    return depth


def longest_idle_first(columns: list[ColumnFreshness]) -> list[ColumnFreshness]:
    """Never-updated columns first, then by idle days descending, ties in column order."""
    order = {c.pk: n for n, c in enumerate(columns)}
    return sorted(
        columns, key=lambda c: (c.idle_days is not None, -(c.idle_days or 0), order[c.pk])
    )


def stale_columns(as_of: dt.date) -> list[ColumnFreshness]:
    """The columns with an update class that are stale on ``as_of``, longest idle first."""
    return longest_idle_first([c for c in column_freshness(as_of) if c.stale])
