"""The working-day calendar every app counts periods with: State Council years + office years.

``calendar()`` is what callers pass to gongkai.clock (``due_date(..., calendar=calendar())``).
It is cached per process and rebuilt when the office's data changes: each call reads the
declared years' (year, revision, updated) stamp — one small query — and reuses the cached
calendar while the stamp is unchanged, so an import in one worker process reaches the others
without a restart.
"""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Hashable

from django.db.models import QuerySet

from gongkai.clock import TableCalendar, YearTable, state_council_years
from gongkai.workdays.csvfile import SOURCE as OFFICE_SOURCE
from gongkai.workdays.models import DayKind, DeclaredDay, DeclaredYear

_lock = threading.Lock()
_cached: tuple[Hashable, TableCalendar] | None = None


def declared_years() -> QuerySet[DeclaredYear]:
    """The years the office declared, ascending."""
    return DeclaredYear.objects.order_by("year")


def _stamp() -> tuple[tuple[int, int, dt.datetime], ...]:
    return tuple(declared_years().values_list("year", "revision", "updated_at"))


def office_years() -> dict[int, YearTable]:
    """Return the office's declared years as clock tables (two queries)."""
    holidays: dict[int, set[dt.date]] = {
        year: set() for year in declared_years().values_list("year", flat=True)
    }
    workdays: dict[int, set[dt.date]] = {year: set() for year in holidays}
    for day, kind in DeclaredDay.objects.values_list("date", "kind"):
        target = holidays if kind == DayKind.HOLIDAY else workdays
        target.setdefault(day.year, set()).add(day)
    return {
        year: YearTable.build(
            year, holidays=days, workdays=workdays.get(year, ()), source=OFFICE_SOURCE
        )
        for year, days in holidays.items()
    }


def calendar() -> TableCalendar:
    """Return the calendar to count periods with (ADR 0004).

    A year the office declared is entirely the office's (weekend rule plus its rows), even when
    the State Council arrangement in the chinesecalendar package covers it; any other year comes
    from the package; a year in neither raises gongkai.clock.UnknownYear when a date of it is
    looked up (turn it into a Chinese sentence with gongkai.workdays.errors).
    """
    global _cached
    stamp = _stamp()
    cached = _cached
    if cached is not None and cached[0] == stamp:
        return cached[1]
    with _lock:
        built = TableCalendar({**state_council_years(), **office_years()})
        _cached = (stamp, built)
    return built


def forget_calendar() -> None:
    """Drop the cached calendar: called after an import changes the office's data."""
    global _cached
    with _lock:
        _cached = None
