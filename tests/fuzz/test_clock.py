"""Properties of the working-day clock (gongkai.clock): counting forward is monotone, additive and
lands on working days; due dates follow receipt; pauses add exactly their working days; a date in
a year no calendar knows is refused with UnknownYear, never answered with a guess or a crash."""

from __future__ import annotations

import datetime as dt

from hypothesis import assume, example, given
from hypothesis import strategies as st

from gongkai.clock import (
    AGENCY_CONSULTATION_PERIOD,
    FEE_PAYMENT_PERIOD,
    PUBLICATION_PERIOD,
    REPLY_PERIOD,
    SUPPLEMENT_NOTICE_PERIOD,
    THIRD_PARTY_PERIOD,
    TableCalendar,
    UnknownYear,
    YearTable,
    add_workdays,
    agency_reply_due,
    due_date,
    fee_payment_due,
    publication_due,
    supplement_notice_due,
    third_party_reply_due,
    workdays_between,
)
from tests.clock.calendars import CHINA

ONE_DAY = dt.timedelta(days=1)
FIRST, LAST = min(CHINA.years), max(CHINA.years)
# Far enough from the last known year that 40 working days plus long pauses stay inside it.
days = st.dates(min_value=dt.date(FIRST, 1, 1), max_value=dt.date(LAST, 6, 30))
counts = st.integers(min_value=0, max_value=60)


@st.composite
def calendars(draw: st.DrawFn) -> TableCalendar:
    """A made-up calendar of 2030–2032: random weekday holidays and weekend make-up days."""
    tables = {}
    for year in (2030, 2031, 2032):
        year_days = st.dates(min_value=dt.date(year, 1, 1), max_value=dt.date(year, 12, 31))
        holidays = draw(st.sets(year_days.filter(lambda d: d.weekday() < 5), max_size=30))
        workdays = draw(st.sets(year_days.filter(lambda d: d.weekday() >= 5), max_size=10))
        tables[year] = YearTable.build(year, holidays=holidays, workdays=workdays)
    return TableCalendar(tables)


toy_days = st.dates(min_value=dt.date(2030, 1, 1), max_value=dt.date(2032, 6, 30))


@given(days, counts, counts)
def test_adding_working_days_is_monotone_additive_and_lands_on_a_working_day(
    start: dt.date, n: int, m: int
) -> None:
    first = add_workdays(start, n, calendar=CHINA)
    both = add_workdays(start, n + m, calendar=CHINA)
    assert both == add_workdays(first, m, calendar=CHINA)
    if m:
        assert both > first
        assert CHINA.is_workday(both)
    else:
        assert both == first
    assert workdays_between(start, both, calendar=CHINA) == n + m
    assert workdays_between(both, start, calendar=CHINA) == -(n + m)


@given(calendars(), toy_days, counts, counts)
def test_the_same_holds_for_any_declared_calendar(
    calendar: TableCalendar, start: dt.date, n: int, m: int
) -> None:
    first = add_workdays(start, n, calendar=calendar)
    both = add_workdays(start, n + m, calendar=calendar)
    assert both == add_workdays(first, m, calendar=calendar)
    assert (both > first) if m else (both == first)
    if n:
        assert calendar.is_workday(first)
        # No working day is skipped: the day before the n-th is at most the (n-1)-th.
        assert workdays_between(start, first - ONE_DAY, calendar=calendar) == n - 1


@given(days, st.integers(min_value=0, max_value=30), st.booleans())
def test_the_reply_is_due_after_receipt_or_supplement(
    received: dt.date, supplement_after: int, extended: bool
) -> None:
    supplemented = received + dt.timedelta(days=supplement_after) if supplement_after else None
    due = due_date(received, supplemented=supplemented, extended=extended, calendar=CHINA)
    start = supplemented or received
    period = REPLY_PERIOD * (2 if extended else 1)
    assert due > start >= received
    assert CHINA.is_workday(due)
    assert due == add_workdays(start, period, calendar=CHINA)
    assert workdays_between(start, due, calendar=CHINA) == period


@given(days)
def test_periods_run_from_the_day_of_receipt_not_counted(received: dt.date) -> None:
    for function, period in (
        (supplement_notice_due, SUPPLEMENT_NOTICE_PERIOD),
        (third_party_reply_due, THIRD_PARTY_PERIOD),
        (agency_reply_due, AGENCY_CONSULTATION_PERIOD),
        (publication_due, PUBLICATION_PERIOD),
        (fee_payment_due, FEE_PAYMENT_PERIOD),
    ):
        due = function(received, calendar=CHINA)
        assert due > received
        assert CHINA.is_workday(due)
        assert workdays_between(received, due, calendar=CHINA) == period


pauses = st.lists(
    st.tuples(st.integers(min_value=-10, max_value=70), st.integers(min_value=0, max_value=25)),
    max_size=4,
)


@given(days, pauses, st.booleans())
def test_pauses_extend_the_due_date_by_exactly_their_working_days(
    received: dt.date, offsets: list[tuple[int, int]], extended: bool
) -> None:
    spans = [
        (received + dt.timedelta(days=a), received + dt.timedelta(days=a + length))
        for a, length in offsets
    ]
    due = due_date(received, pauses=spans, extended=extended, calendar=CHINA)
    period = REPLY_PERIOD * (2 if extended else 1)

    def paused(day: dt.date) -> bool:
        return any(first <= day <= last for first, last in spans)

    # The definition in due_date's docstring: the earliest date by which the working days after
    # receipt that lie in no pause number the period.
    assert due > received
    assert CHINA.is_workday(due) and not paused(due)
    counted = 0
    day = received
    while day < due:
        day += ONE_DAY
        if CHINA.is_workday(day) and not paused(day):
            counted += 1
    assert counted == period


@given(days, st.integers(min_value=1, max_value=27), st.integers(min_value=0, max_value=15))
def test_one_pause_inside_the_period_moves_the_due_date_by_its_working_days(
    received: dt.date, offset: int, length: int
) -> None:
    plain = due_date(received, calendar=CHINA)
    first = received + dt.timedelta(days=offset)
    last = first + dt.timedelta(days=length)
    assume(last <= plain)
    paused_workdays = workdays_between(first - ONE_DAY, last, calendar=CHINA)
    due = due_date(received, pauses=[(first, last)], calendar=CHINA)
    assert due == add_workdays(plain, paused_workdays, calendar=CHINA)


edge_days = st.one_of(
    st.dates(max_value=dt.date(FIRST - 1, 12, 31)),
    st.dates(min_value=dt.date(LAST + 1, 1, 1)),
    st.dates(min_value=dt.date(LAST, 11, 1), max_value=dt.date(LAST, 12, 31)),
    st.sampled_from([dt.date.min, dt.date.max, dt.date(9999, 12, 30)]),
)


@given(edge_days, st.integers(min_value=1, max_value=60))
@example(dt.date.max, 1)  # found by fuzzing: OverflowError instead of UnknownYear
def test_a_year_no_calendar_knows_is_refused_not_guessed(start: dt.date, n: int) -> None:
    try:
        result = add_workdays(start, n, calendar=CHINA)
    except UnknownYear as exc:
        assert not CHINA.covers(exc.year)
        return
    # Only a walk that stayed inside known years may answer (the start day is not counted, so
    # 2003-12-31 + 1 working day is a date of 2004).
    assert result > start
    assert CHINA.covers(result.year)
    assert CHINA.covers((start + ONE_DAY).year)


@given(edge_days, pauses, st.booleans())
@example(dt.date.max, [(0, 0), (0, 0)], False)  # found by fuzzing: merging pauses overflowed
@example(dt.date(9999, 12, 1), [(0, 30)], False)
def test_due_dates_near_unknown_years_are_refused_with_unknown_year(
    received: dt.date, offsets: list[tuple[int, int]], extended: bool
) -> None:
    spans = []
    for a, length in offsets:
        try:
            spans.append(
                (received + dt.timedelta(days=a), received + dt.timedelta(days=a + length))
            )
        except OverflowError:
            continue  # a pause past 9999-12-31 cannot even be written down
    try:
        due = due_date(received, pauses=spans, extended=extended, calendar=CHINA)
    except UnknownYear as exc:
        assert not CHINA.covers(exc.year)
        return
    assert due > received
    assert CHINA.covers(due.year)
    assert CHINA.is_workday(due)
