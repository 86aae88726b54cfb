"""Fixtures for the office calendar: a made-up 2027 arrangement and a fresh cache per test.

calendar_2027.csv is NOT the State Council's 2027 arrangement (unpublished when it was written);
it is shaped like one: New Year's Day, an eight-day Spring Festival with make-up Saturdays
01-30 and 02-20, National Day 10-01..07 with make-up Sunday 09-26 and Saturday 10-09.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path

import pytest

from gongkai.workdays import selectors

HERE = Path(__file__).resolve().parent


@pytest.fixture(autouse=True)
def fresh_calendar() -> Iterator[None]:
    # Each test's database is rolled back; a cached calendar must not outlive it.
    selectors.forget_calendar()
    yield
    selectors.forget_calendar()


@pytest.fixture
def csv_2027() -> Path:
    return HERE / "calendar_2027.csv"


def whole_year(year: int, *rows: str) -> str:
    """A calendar CSV that passes for a whole year: 12 weekdays off from 1 October (the least a
    real year has is 16, the import refuses fewer than 11), then ``rows`` ("2027-05-03,holiday")."""
    day, off = dt.date(year, 10, 1), []
    while len(off) < 12:
        if day.weekday() < 5:
            off.append(f"{day.isoformat()},holiday")
        day += dt.timedelta(days=1)
    return "\n".join(["date,type", *off, *rows]) + "\n"
