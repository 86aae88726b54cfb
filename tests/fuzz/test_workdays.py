"""The clock as the site uses it (gongkai.workdays): the State Council years plus the office's,
and a Chinese refusal, never a guess, for a date in a year neither knows."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from gongkai.clock import add_workdays, due_date
from gongkai.workdays.errors import YearNotDeclared, refusing_unknown_year
from gongkai.workdays.selectors import calendar

pytestmark = pytest.mark.django_db


@settings(suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    start=st.dates(min_value=dt.date(1, 1, 2), max_value=dt.date.max),
    n=st.integers(min_value=1, max_value=60),
)
@example(start=dt.date.max, n=1)
@example(start=dt.date(2003, 12, 31), n=1)
def test_a_period_is_counted_or_refused_in_chinese(db: Any, start: dt.date, n: int) -> None:
    known = calendar()
    try:
        with refusing_unknown_year():
            end = add_workdays(start, n, calendar=known)
            due = due_date(start, calendar=known)
    except YearNotDeclared as refused:
        assert f"{refused.year}年" in refused.message
        assert "导入" in refused.message
        assert not known.covers(refused.year)
        return
    assert end > start and due > start
    assert known.covers(end.year) and known.is_workday(end)
    assert known.covers(due.year) and known.is_workday(due)
