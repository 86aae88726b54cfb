"""Counting working days forward from a date, the way Chinese law counts periods.

The day a period starts from is not counted (条例第33条 "自收到申请之日起", read with the general
rule that the first day of a period is not counted, 民法典第二百零一条); the period ends on the
last of its working days. Both functions walk day by day, so their cost is proportional to the
span walked, not to how many years the calendar holds.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from gongkai.clock.calendars import Calendar, UnknownYear

ONE_DAY = dt.timedelta(days=1)


def _require_date(value: dt.date, name: str) -> None:
    # An aware datetime would silently count from its UTC date; callers convert to the county's
    # local date first (gongkai.core.clock.today, timezone.localdate).
    if isinstance(value, dt.datetime):
        raise TypeError(f"{name} must be a date, not a datetime")


def merge_spans(spans: Sequence[tuple[dt.date, dt.date]]) -> list[tuple[dt.date, dt.date]]:
    """Return inclusive date spans sorted and merged, so overlapping or touching spans count once.

    Raises ValueError for a span that ends before it starts.
    """
    ordered: list[tuple[dt.date, dt.date]] = []
    for first, last in spans:
        _require_date(first, "span start")
        _require_date(last, "span end")
        if last < first:
            raise ValueError(f"span ends {last.isoformat()} before it starts {first.isoformat()}")
        ordered.append((first, last))
    ordered.sort()
    merged: list[tuple[dt.date, dt.date]] = []
    for first, last in ordered:
        # Touching means at most one day apart; subtracting never overflows at 9999-12-31.
        if merged and (first - merged[-1][1]).days <= 1:
            if last > merged[-1][1]:
                merged[-1] = (merged[-1][0], last)
        else:
            merged.append((first, last))
    return merged


def count_forward(
    start: dt.date,
    n: int,
    *,
    calendar: Calendar,
    skipped: Sequence[tuple[dt.date, dt.date]] = (),
) -> dt.date:
    """Return the day the n-th counted working day after ``start`` falls on.

    ``skipped`` are merged inclusive spans (see merge_spans) whose days are not counted; the walk
    jumps over each in one step, so a long span costs nothing and its days are never looked up.
    n == 0 returns ``start``. Raises UnknownYear when the walk reaches an unknown year (a walk
    past 9999-12-31 reaches the year 10000).
    """
    _require_date(start, "start")
    if n < 0:
        raise ValueError(f"cannot count a negative number of working days ({n})")
    day = start
    counted = 0
    index = 0
    while counted < n:
        if day == dt.date.max:
            # The period runs past 9999-12-31: no calendar can hold that year, so refuse it like
            # any other unknown year instead of letting date arithmetic overflow.
            raise UnknownYear(dt.MAXYEAR + 1)
        day += ONE_DAY
        while index < len(skipped) and skipped[index][1] < day:
            index += 1
        if index < len(skipped) and skipped[index][0] <= day:
            day = skipped[index][1]
            index += 1
            continue
        if calendar.is_workday(day):
            counted += 1
    return day


def add_workdays(start: dt.date, n: int, *, calendar: Calendar) -> dt.date:
    """Return the date ``n`` working days after ``start``, ``start`` itself not counted.

    This is the end of a period of n working days "自……之日起" (条例第26、30、32、33条): the
    result is always a working day when n > 0, and n == 0 gives ``start`` unchanged. Raises
    ValueError for a negative n and UnknownYear when the span reaches a year the calendar does not
    know.
    """
    return count_forward(start, n, calendar=calendar)


def workdays_between(start: dt.date, end: dt.date, *, calendar: Calendar) -> int:
    """Return the number of working days after ``start`` up to and including ``end``.

    Used for "days left" and "days late" (the reply period of 条例第33条, the publication period of
    条例第26条): when ``end`` is before ``start`` the result is negative, minus the working days
    after ``end`` up to and including ``start``, so ``add_workdays(start,
    workdays_between(start, end))`` is ``end`` whenever ``end`` is a working day after ``start``.
    Raises UnknownYear when the span touches a year the calendar does not know.
    """
    _require_date(start, "start")
    _require_date(end, "end")
    if end < start:
        return -workdays_between(end, start, calendar=calendar)
    count = 0
    day = start + ONE_DAY
    while day <= end:
        if calendar.is_workday(day):
            count += 1
        day += ONE_DAY
    return count
