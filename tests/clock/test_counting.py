"""Counting working days: the start day is not counted, make-up days are, unknown years refuse."""

from __future__ import annotations

import datetime as dt

import pytest

from gongkai.clock import Calendar, UnknownYear, add_workdays, workdays_between
from tests.clock.calendars import CHINA, TOY, d

ADD_CASES = [
    # hand-made calendar
    (TOY, "2029-12-28", 1, "2029-12-31"),  # Friday → Monday
    (TOY, "2029-12-31", 1, "2030-01-03"),  # over two declared holidays
    (TOY, "2029-12-31", 3, "2030-01-05"),  # the make-up Saturday counts
    (TOY, "2030-01-01", 0, "2030-01-01"),  # n == 0 is the start, even on a holiday
    (TOY, "2030-01-05", 1, "2030-01-07"),
    # plain weeks
    (CHINA, "2024-03-04", 1, "2024-03-05"),
    (CHINA, "2024-03-04", 5, "2024-03-11"),
    (CHINA, "2024-03-08", 1, "2024-03-11"),  # Friday → Monday
    (CHINA, "2024-03-09", 1, "2024-03-11"),  # from a Saturday
    (CHINA, "2024-03-10", 1, "2024-03-11"),  # from a Sunday
    (CHINA, "2024-03-08", 0, "2024-03-08"),
    # Spring Festival 2024: 02-10..02-17 off, Sundays 02-04 and 02-18 worked
    (CHINA, "2024-02-02", 1, "2024-02-04"),
    (CHINA, "2024-02-09", 1, "2024-02-18"),
    (CHINA, "2024-02-18", 1, "2024-02-19"),
    # Spring Festival 2025: 01-28..02-04 off, Sunday 01-26 and Saturday 02-08 worked
    (CHINA, "2025-01-24", 1, "2025-01-26"),
    (CHINA, "2025-01-27", 1, "2025-02-05"),
    (CHINA, "2025-02-07", 1, "2025-02-08"),
    # National Day 2024: 10-01..10-07 off, Sunday 09-29 and Saturday 10-12 worked
    (CHINA, "2024-09-27", 1, "2024-09-29"),
    (CHINA, "2024-09-29", 1, "2024-09-30"),
    (CHINA, "2024-09-30", 1, "2024-10-08"),
    (CHINA, "2024-10-11", 1, "2024-10-12"),
    (CHINA, "2024-09-27", 7, "2024-10-12"),
    # National Day 2025: Saturday 10-11 worked
    (CHINA, "2025-10-10", 1, "2025-10-11"),
    # across a year end
    (CHINA, "2024-12-31", 1, "2025-01-02"),
]


@pytest.mark.parametrize(("calendar", "start", "n", "expected"), ADD_CASES)
def test_add_workdays(calendar: Calendar, start: str, n: int, expected: str) -> None:
    assert add_workdays(d(start), n, calendar=calendar) == d(expected)


@pytest.mark.parametrize(("calendar", "start", "n", "expected"), ADD_CASES)
def test_workdays_between_undoes_add_workdays(
    calendar: Calendar, start: str, n: int, expected: str
) -> None:
    assert workdays_between(d(start), d(expected), calendar=calendar) == n


@pytest.mark.parametrize(
    ("start", "end", "expected"),
    [
        ("2024-03-08", "2024-03-08", 0),
        ("2024-03-08", "2024-03-10", 0),  # Friday to Sunday
        ("2024-03-08", "2024-03-11", 1),
        ("2024-09-27", "2024-10-12", 7),  # two make-up days, five days after the holiday
        ("2024-10-12", "2024-09-27", -7),  # end before start: minus the days in (end, start]
        ("2024-10-07", "2024-09-30", 0),  # (09-30, 10-07] is the holiday week
        ("2024-10-08", "2024-09-30", -1),
        # 2024: 262 weekdays − 19 weekday holidays + 8 make-up weekend days
        ("2023-12-31", "2024-12-31", 251),
    ],
)
def test_workdays_between(start: str, end: str, expected: int) -> None:
    assert workdays_between(d(start), d(end), calendar=CHINA) == expected


def test_negative_n_is_refused() -> None:
    with pytest.raises(ValueError, match="negative"):
        add_workdays(d("2024-03-04"), -1, calendar=CHINA)


def test_a_datetime_is_refused_so_no_utc_date_slips_in() -> None:
    moment = dt.datetime(2024, 3, 4, 23, 30, tzinfo=dt.UTC)
    with pytest.raises(TypeError):
        add_workdays(moment, 1, calendar=CHINA)
    with pytest.raises(TypeError):
        workdays_between(d("2024-03-04"), moment, calendar=CHINA)


@pytest.mark.parametrize(
    ("start", "n", "year"),
    [
        ("2030-12-30", 5, 2031),
        ("2026-12-25", 20, 2027),
        ("2026-12-31", 1, 2027),
    ],
)
def test_counting_into_an_unknown_year_is_refused(start: str, n: int, year: int) -> None:
    calendar = TOY if start.startswith("2030") else CHINA
    with pytest.raises(UnknownYear) as caught:
        add_workdays(d(start), n, calendar=calendar)
    assert caught.value.year == year


def test_counting_back_into_an_unknown_year_is_refused() -> None:
    with pytest.raises(UnknownYear) as caught:
        workdays_between(d("2030-01-03"), d("2028-12-30"), calendar=TOY)
    assert caught.value.year == 2028
