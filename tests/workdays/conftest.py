"""Fixtures for the office calendar: a made-up 2027 arrangement and a fresh cache per test.

calendar_2027.csv is NOT the State Council's 2027 arrangement (unpublished when it was written);
it is shaped like one: New Year's Day, an eight-day Spring Festival with make-up Saturdays
01-30 and 02-20, National Day 10-01..07 with make-up Sunday 09-26 and Saturday 10-09.
"""

from __future__ import annotations

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
