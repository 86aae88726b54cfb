"""Calendars the clock tests count with: a small hand-made one and the State Council's."""

from __future__ import annotations

import datetime as dt

from gongkai.clock import TableCalendar, YearTable, state_council_calendar


def d(text: str) -> dt.date:
    return dt.date.fromisoformat(text)


# A made-up arrangement, so the rules are checked apart from any real data: 2029 is the plain
# weekend rule; in 2030, New Year's Day and the day after (Tue, Wed) are off and Saturday
# 2030-01-05 is a make-up working day. No other year is known.
TOY = TableCalendar(
    {
        2029: YearTable(2029),
        2030: YearTable.build(
            2030,
            holidays=[d("2030-01-01"), d("2030-01-02")],
            workdays=[d("2030-01-05")],
            source="toy",
        ),
    }
)

CHINA = state_council_calendar()
