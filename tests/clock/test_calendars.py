"""Calendars are data: the weekend rule, its exceptions, and the refusal to guess a year."""

from __future__ import annotations

import datetime as dt
import subprocess
import sys

import chinese_calendar
import pytest

from gongkai.clock import TableCalendar, UnknownYear, YearTable, state_council_years
from tests.clock.calendars import CHINA, TOY, d


@pytest.mark.parametrize(
    ("day", "workday"),
    [
        ("2029-12-28", True),  # Friday
        ("2029-12-29", False),  # Saturday
        ("2029-12-30", False),  # Sunday
        ("2029-12-31", True),  # Monday
        ("2030-01-01", False),  # Tuesday, declared holiday
        ("2030-01-02", False),  # Wednesday, declared holiday
        ("2030-01-03", True),
        ("2030-01-05", True),  # Saturday, declared make-up working day
        ("2030-01-06", False),  # Sunday
    ],
)
def test_hand_made_calendar_is_weekend_rule_plus_exceptions(day: str, workday: bool) -> None:
    assert TOY.is_workday(d(day)) is workday


# Published State Council arrangements, checked against the package we read them from.
@pytest.mark.parametrize(
    ("day", "workday"),
    [
        ("2024-02-04", True),  # Sunday, make-up day before Spring Festival 2024
        ("2024-02-09", True),  # 除夕 2024 was a working day (rest only "encouraged")
        ("2024-02-10", False),
        ("2024-02-15", False),  # Thursday inside Spring Festival 2024
        ("2024-02-17", False),
        ("2024-02-18", True),  # Sunday, make-up day after Spring Festival 2024
        ("2024-09-29", True),  # Sunday, make-up day before National Day 2024
        ("2024-10-01", False),
        ("2024-10-04", False),
        ("2024-10-07", False),  # Monday, last day of National Day 2024
        ("2024-10-08", True),
        ("2024-10-12", True),  # Saturday, make-up day after National Day 2024
        ("2024-10-13", False),
        ("2025-01-26", True),  # Sunday, make-up day before Spring Festival 2025
        ("2025-01-28", False),  # 除夕 2025 is a statutory holiday
        ("2025-02-04", False),
        ("2025-02-08", True),  # Saturday, make-up day
        ("2025-10-08", False),  # National Day + Mid-Autumn 2025, eight days
        ("2025-10-11", True),  # Saturday, make-up day
        ("2024-03-09", False),  # an ordinary Saturday
        ("2024-03-11", True),  # an ordinary Monday
    ],
)
def test_state_council_calendar_knows_holidays_and_make_up_days(day: str, workday: bool) -> None:
    assert chinese_calendar.is_workday(d(day)) is workday
    assert CHINA.is_workday(d(day)) is workday


def test_state_council_calendar_agrees_with_the_package_on_every_day() -> None:
    day, last = dt.date(2004, 1, 1), dt.date(2026, 12, 31)
    while day <= last:
        assert CHINA.is_workday(day) is chinese_calendar.is_workday(day), day
        day += dt.timedelta(days=1)
    assert CHINA.years == tuple(range(2004, 2027))


def test_the_package_get_workdays_drops_make_up_weekends_which_we_count() -> None:
    # Why the clock reads the package's tables instead of its get_workdays().
    make_up = d("2024-10-12")
    assert chinese_calendar.get_workdays(make_up, make_up, include_weekends=False) == []
    assert CHINA.is_workday(make_up)


@pytest.mark.parametrize(
    ("calendar", "year"), [(TOY, 2028), (TOY, 2031), (CHINA, 2003), (CHINA, 2027)]
)
def test_a_year_nobody_declared_is_refused_not_guessed(calendar: TableCalendar, year: int) -> None:
    with pytest.raises(UnknownYear) as caught:
        calendar.is_workday(dt.date(year, 6, 1))
    assert caught.value.year == year
    assert str(year) in str(caught.value)
    assert not calendar.covers(year)
    with pytest.raises(UnknownYear):
        calendar.table(year)


def test_a_table_holds_only_its_own_year() -> None:
    with pytest.raises(ValueError, match="outside 2030"):
        YearTable.build(2030, holidays=[d("2031-01-01")])


def test_a_day_cannot_be_both_holiday_and_working_day() -> None:
    with pytest.raises(ValueError, match="both"):
        YearTable.build(2030, holidays=[d("2030-01-05")], workdays=[d("2030-01-05")])


def test_a_table_is_filed_under_its_year() -> None:
    with pytest.raises(ValueError, match="filed under"):
        TableCalendar({2029: YearTable(2030)})


def test_calendar_reports_its_years_and_sources() -> None:
    assert TOY.years == (2029, 2030)
    assert TOY.table(2030).source == "toy"
    assert CHINA.table(2024).source == "state_council"
    assert repr(TOY) == "<TableCalendar 2029–2030, 2 years>"
    assert repr(TableCalendar({})) == "<TableCalendar no years>"


def test_package_years_are_read_once_and_read_only() -> None:
    assert state_council_years() is state_council_years()
    with pytest.raises(TypeError):
        state_council_years()[2027] = YearTable(2027)  # type: ignore[index]


def test_the_clock_imports_no_django() -> None:
    code = (
        "import sys, gongkai.clock; "
        "sys.exit(any(m == 'django' or m.startswith('django.') for m in sys.modules))"
    )
    assert subprocess.run([sys.executable, "-c", code], check=False).returncode == 0  # noqa: S603
