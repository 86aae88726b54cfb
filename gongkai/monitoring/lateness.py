"""Late publication per unit in a period (条例第二十六条; DOMAIN.md §3).

The rule is the publications app's, never a second one: when an item is published,
gongkai.publications.checks.lateness stores its 应公开日期 (``due_on``: 20 working days after
成文日期, the State Council calendar and the office's declared days) and whether it was late
(``is_late``: published after ``due_on``). An item whose due date could not be computed (a year
the calendar does not know) is not late. This module only counts those stored marks, by 发布日期
(county time) of items currently published — a withdrawn item is not counted — and says how many
working days late each late item was.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.db.models import Count, Q

from gongkai import clock as statutory
from gongkai.core import clock
from gongkai.monitoring.freshness import end_of
from gongkai.orgs.models import Unit
from gongkai.publications.models import Publication, PublicationStatus
from gongkai.workdays.selectors import calendar


@dataclass(frozen=True)
class LateItem:
    pk: int
    title: str
    written_on: dt.date
    due_on: dt.date | None
    published_on: dt.date
    workdays_late: int | None  # None when the calendar does not know a year involved

    def as_dict(self) -> dict[str, object]:
        return {
            "id": self.pk,
            "title": self.title,
            "written_on": self.written_on.isoformat(),
            "due_on": self.due_on.isoformat() if self.due_on else None,
            "published_on": self.published_on.isoformat(),
            "workdays_late": self.workdays_late,
        }


@dataclass
class UnitLateness:
    unit_id: int
    unit_code: str
    unit: str
    published: int
    late: int
    items: list[LateItem] = field(default_factory=list)

    @property
    def rate(self) -> float:
        """Late items as a share of items published (0 when none were published)."""
        return self.late / self.published if self.published else 0.0

    @property
    def rate_text(self) -> str:
        return f"{self.rate * 100:.1f}%"

    def as_dict(self) -> dict[str, object]:
        return {
            "unit": self.unit,
            "unit_code": self.unit_code,
            "published": self.published,
            "late": self.late,
            "rate": round(self.rate, 4),
            "rate_text": self.rate_text,
            "items": [i.as_dict() for i in self.items],
        }


def late_by_unit(
    *, start: dt.date, end: dt.date, items_per_unit: int | None = None
) -> list[UnitLateness]:
    """Per unit that published anything from ``start`` to ``end`` (both included, county time):
    items published, items published late and the late items (newest first, at most
    ``items_per_unit`` each when given). Units with late items come first, most late first.

    Two queries: the counts are one GROUP BY, the late items one filtered read.
    """
    if end < start:
        raise ValueError(f"period ends before it starts: {start}..{end}")
    in_period = Publication.objects.filter(
        status=PublicationStatus.PUBLISHED,
        published_at__gte=end_of(start - dt.timedelta(days=1)),
        published_at__lt=end_of(end),
    )
    counts = (
        in_period.values("unit_id")
        .annotate(published=Count("pk"), late=Count("pk", filter=Q(is_late=True)))
        .order_by()
    )
    rows = {r["unit_id"]: r for r in counts}
    units = Unit.objects.filter(pk__in=rows).only("pk", "code", "name", "sort_order")
    result = {
        u.pk: UnitLateness(
            unit_id=u.pk,
            unit_code=u.code,
            unit=u.name,
            published=rows[u.pk]["published"],
            late=rows[u.pk]["late"],
        )
        for u in units
    }
    order = {u.pk: (u.sort_order, u.code) for u in units}
    late_items = (
        in_period.filter(is_late=True)
        .order_by("-published_at", "-pk")
        .values_list("pk", "unit_id", "title", "written_on", "due_on", "published_at")
    )
    cal = calendar()
    for pk, unit_id, title, written_on, due_on, published_at in late_items:
        entry = result[unit_id]
        if published_at is None or (
            items_per_unit is not None and len(entry.items) >= items_per_unit
        ):
            continue
        published_on = clock.localdate(published_at)
        entry.items.append(
            LateItem(
                pk=pk,
                title=title,
                written_on=written_on,
                due_on=due_on,
                published_on=published_on,
                workdays_late=_workdays_late(due_on, published_on, cal),
            )
        )
    return sorted(
        result.values(),
        key=lambda r: (-r.late, -r.rate, order[r.unit_id]),
    )


def _workdays_late(
    due_on: dt.date | None, published_on: dt.date, cal: statutory.Calendar
) -> int | None:
    """Working days after the due date up to the day of publication (条例第二十六条)."""
    if due_on is None:
        return None
    try:
        return statutory.workdays_between(due_on, published_on, calendar=cal)
    except statutory.UnknownYear:
        return None
