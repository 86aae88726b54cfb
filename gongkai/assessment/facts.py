"""What the assessment and the dashboard count, per unit, for a year up to an as-of date: one
grouped query for the publications, one for the findings left on them, one for the replies.

Units are counted exactly as the monthly report counts them (gongkai.reports.monthly): an item
counts by its 发布日期 read in the county's time zone, only items currently published count, and a
village's items count under its township (``monthly.reporting_unit``); groups are the report's
(departments, townships, the county's accounts). Month counts come from conditional aggregates
over date ranges rather than a per-row month function, so the database does the work on its
(unit, status, published_at) index whatever the number of units.
"""

from __future__ import annotations

import calendar
import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Count, F, Q
from django.utils import timezone

from gongkai.applications.models import Application
from gongkai.applications.outcomes import CLOSING_CODES
from gongkai.orgs.models import Unit
from gongkai.publications.models import Publication, PublicationStatus
from gongkai.reports import monthly

BLOCK = "block"


def local_midnight(day: dt.date) -> dt.datetime:
    """The first moment of ``day`` in the county's time zone."""
    return dt.datetime.combine(day, dt.time(), tzinfo=timezone.get_default_timezone())


def clip_as_of(year: int, as_of: dt.date) -> dt.date:
    """``as_of`` kept inside ``year``: a past year is counted to 31 December, a future one to
    1 January."""
    return max(dt.date(year, 1, 1), min(as_of, dt.date(year, 12, 31)))


def month_ranges(year: int, as_of: dt.date) -> list[tuple[int, dt.date, dt.date]]:
    """(month, first day, last day counted) of every month from January to ``as_of``'s."""
    ranges = []
    for month in range(1, as_of.month + 1):
        last = dt.date(year, month, calendar.monthrange(year, month)[1])
        ranges.append((month, dt.date(year, month, 1), min(last, as_of)))
    return ranges


@dataclass
class UnitFacts:
    """One account unit's published items in the period."""

    months: dict[int, int] = field(default_factory=dict)  # month -> items published
    late: int = 0  # items published late (Publication.is_late, 条例第二十六条)
    blocked: int = 0  # items published with a blocking check finding left on them

    @property
    def total(self) -> int:
        return sum(self.months.values())


@dataclass
class ReplyFacts:
    """One unit's replies owed in the period, by the month their reply was due."""

    due: dict[int, int] = field(default_factory=dict)
    on_time: dict[int, int] = field(default_factory=dict)

    @property
    def due_total(self) -> int:
        return sum(self.due.values())

    @property
    def on_time_total(self) -> int:
        return sum(self.on_time.values())


def units_by_id() -> dict[int, Unit]:
    """Every unit, in the organisation's order (Unit.Meta.ordering)."""
    return {
        u.pk: u
        for u in Unit.objects.only(
            "pk", "code", "name", "kind", "parent_id", "is_active", "sort_order"
        )
    }


def publication_facts(
    *,
    year: int,
    as_of: dt.date,
    by_id: dict[int, Unit] | None = None,
    late: bool = True,
    findings: bool = True,
) -> dict[int, UnitFacts]:
    """{account unit id: facts} of the items published from 1 January of ``year`` to ``as_of``
    (inclusive). Up to three queries: the month counts grouped by unit (answered from the
    (unit, status, published_at) index alone), the late items grouped by unit, and the items
    carrying findings; ``late=False`` or ``findings=False`` skips the last two, which must read
    the rows themselves (the dashboard's trend and count ranking need neither)."""
    as_of = clip_as_of(year, as_of)
    by_id = by_id if by_id is not None else units_by_id()
    start, end = local_midnight(dt.date(year, 1, 1)), local_midnight(as_of + dt.timedelta(days=1))
    published = Publication.objects.filter(
        status=PublicationStatus.PUBLISHED, published_at__gte=start, published_at__lt=end
    )
    aggregates = {
        f"m{month}": Count(
            "pk",
            filter=Q(
                published_at__gte=local_midnight(first),
                published_at__lt=local_midnight(last + dt.timedelta(days=1)),
            ),
        )
        for month, first, last in month_ranges(year, as_of)
    }
    months = [month for month, _first, _last in month_ranges(year, as_of)]
    found: dict[int, UnitFacts] = defaultdict(UnitFacts)
    for row in published.values("unit_id").annotate(**aggregates).order_by():
        facts = found[monthly.reporting_unit(by_id[row["unit_id"]], by_id).pk]
        for month in months:
            facts.months[month] = facts.months.get(month, 0) + row[f"m{month}"]
    if late:
        counted = published.filter(is_late=True).values("unit_id").annotate(n=Count("pk"))
        for row in counted.order_by():
            found[monthly.reporting_unit(by_id[row["unit_id"]], by_id).pk].late += row["n"]
    if findings:
        flagged = published.exclude(findings=[]).values_list("unit_id", "findings").order_by()
        for unit_id, listed in flagged:
            if any(isinstance(f, dict) and f.get("severity") == BLOCK for f in listed):
                found[monthly.reporting_unit(by_id[unit_id], by_id).pk].blocked += 1
    return dict(found)


def reply_facts(
    *, year: int, as_of: dt.date, by_id: dict[int, Unit] | None = None
) -> dict[int, ReplyFacts]:
    """{unit id: facts} of the replies owed from 1 January of ``year`` to ``as_of``. One query.

    A reply is owed in the period when its due date (Application.due_on, the 条例第三十三条 period
    with any extension, as gongkai.applications.services keeps it) falls in it. It is on time
    when replied on or before that day; one not replied by ``as_of`` is late once its due day
    has passed, and not yet counted on the due day itself. Applications closed without a reply
    being owed (withdrawn, lapsed for want of a supplement or of the fee) are not counted, nor
    are those without a due date (waiting for a supplement, or a calendar year not loaded).
    """
    as_of = clip_as_of(year, as_of)
    by_id = by_id if by_id is not None else units_by_id()
    owed = (
        Application.objects.filter(due_on__gte=dt.date(year, 1, 1), due_on__lte=as_of)
        .exclude(outcome__in=CLOSING_CODES)
        .filter(Q(replied_on__lte=as_of) | Q(due_on__lt=as_of))
    )
    on_time = Q(replied_on__isnull=False, replied_on__lte=F("due_on"))
    aggregates = {}
    for month, first, last in month_ranges(year, as_of):
        in_month = Q(due_on__gte=first, due_on__lte=last)
        aggregates[f"d{month}"] = Count("pk", filter=in_month)
        aggregates[f"t{month}"] = Count("pk", filter=in_month & on_time)
    months = [month for month, _first, _last in month_ranges(year, as_of)]
    found: dict[int, ReplyFacts] = defaultdict(ReplyFacts)
    for row in owed.values("unit_id").annotate(**aggregates).order_by():
        facts = found[monthly.reporting_unit(by_id[row["unit_id"]], by_id).pk]
        for month in months:
            facts.due[month] = facts.due.get(month, 0) + row[f"d{month}"]
            facts.on_time[month] = facts.on_time.get(month, 0) + row[f"t{month}"]
    return dict(found)
