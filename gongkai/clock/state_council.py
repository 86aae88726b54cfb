"""The State Council's holiday arrangements, as published in the chinesecalendar package.

The package holds each year's 国务院办公厅关于部分节假日安排的通知 from 2004 (1.11.0: up to 2026).
Only its two tables are read — holidays and make-up working days — because its
``get_workdays(..., include_weekends=False)`` drops the make-up Saturdays and Sundays that are
working days. A year outside the package's range is not in the result: it must be declared by
the office, never guessed.
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Mapping
from types import MappingProxyType

import chinese_calendar

from gongkai.clock.calendars import TableCalendar, YearTable

SOURCE = "state_council"


@functools.cache
def state_council_years() -> Mapping[int, YearTable]:
    """Return the package's years as tables, built once per process (read-only mapping).

    The years covered are those the package itself accepts: from the first to the last year of
    its holiday table.
    """
    holidays: dict[int, set[dt.date]] = {}
    workdays: dict[int, set[dt.date]] = {}
    for day in chinese_calendar.holidays:
        holidays.setdefault(day.year, set()).add(day)
    for day in chinese_calendar.workdays:
        workdays.setdefault(day.year, set()).add(day)
    first, last = min(holidays), max(holidays)
    tables = {
        year: YearTable.build(
            year,
            holidays=holidays.get(year, ()),
            workdays=workdays.get(year, ()),
            source=SOURCE,
        )
        for year in range(first, last + 1)
    }
    return MappingProxyType(tables)


def state_council_calendar() -> TableCalendar:
    """Return a calendar of the package's years only (no office data)."""
    return TableCalendar(state_council_years())
