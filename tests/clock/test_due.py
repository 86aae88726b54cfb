"""The statutory periods: the reply due date (条例第30、33条) and the shorter periods."""

from __future__ import annotations

import datetime as dt

import pytest

from gongkai.clock import (
    TableCalendar,
    UnknownYear,
    YearTable,
    agency_reply_due,
    due_date,
    fee_payment_due,
    is_late_publication,
    publication_due,
    supplement_notice_due,
    third_party_reply_due,
)
from tests.clock.calendars import CHINA, TOY, d

Pause = tuple[str, str]


@pytest.mark.parametrize(
    ("received", "expected"),
    [
        ("2024-03-01", "2024-03-29"),  # Friday: four plain weeks
        ("2024-03-02", "2024-03-29"),  # received on a Saturday
        ("2024-03-03", "2024-03-29"),  # received on a Sunday
        ("2024-10-03", "2024-11-01"),  # received on a holiday; make-up Saturday 10-12 counts
        ("2024-09-20", "2024-10-23"),  # Sunday 09-29 and Saturday 10-12 count, 10-01..07 do not
        ("2024-02-01", "2024-03-05"),  # Spring Festival 2024 with Sundays 02-04 and 02-18
        ("2025-01-20", "2025-02-21"),  # Spring Festival 2025 with 01-26 and 02-08
        ("2026-11-20", "2026-12-18"),
    ],
)
def test_reply_is_due_20_working_days_after_receipt(received: str, expected: str) -> None:
    assert due_date(d(received), calendar=CHINA) == d(expected)


def test_hand_made_calendar_due_date() -> None:
    # 2029-12-07 (Fri): Dec 10–14, 17–21, 24–28 are 15; Dec 31 16; Jan 1–2 off; Jan 3, 4, 5 (the
    # make-up Saturday) and Jan 7 make 20.
    assert due_date(d("2029-12-07"), calendar=TOY) == d("2030-01-07")


@pytest.mark.parametrize(
    ("received", "expected"),
    [
        ("2024-09-20", "2024-11-20"),
        ("2024-03-01", "2024-04-28"),  # the 40th is make-up Sunday 04-28
    ],
)
def test_an_extension_makes_40_working_days(received: str, expected: str) -> None:
    assert due_date(d(received), extended=True, calendar=CHINA) == d(expected)


@pytest.mark.parametrize(
    ("received", "supplemented", "expected"),
    [
        ("2024-03-01", None, "2024-03-29"),
        ("2024-03-01", "2024-03-01", "2024-03-29"),
        # afresh from the supplement; Qingming 04-04..05 off, Sunday 04-07 worked
        ("2024-03-01", "2024-03-15", "2024-04-15"),
        ("2024-09-10", "2024-09-20", "2024-10-23"),
    ],
)
def test_a_supplement_restarts_the_period(
    received: str, supplemented: str | None, expected: str
) -> None:
    given = d(supplemented) if supplemented else None
    assert due_date(d(received), supplemented=given, calendar=CHINA) == d(expected)


def test_a_supplement_cannot_precede_the_application() -> None:
    with pytest.raises(ValueError, match="before the application"):
        due_date(d("2024-03-15"), supplemented=d("2024-03-01"), calendar=CHINA)


# Received 2024-03-01 (Friday): without pauses the reply is due 2024-03-29.
@pytest.mark.parametrize(
    ("pauses", "expected"),
    [
        ([], "2024-03-29"),
        # one working week paused: five more working days (Qingming 04-04..06 off, 04-07 worked)
        ([("2024-03-11", "2024-03-15")], "2024-04-08"),
        # overlapping, repeated and touching pauses count each day once
        ([("2024-03-11", "2024-03-13"), ("2024-03-12", "2024-03-15")], "2024-04-08"),
        ([("2024-03-11", "2024-03-15"), ("2024-03-11", "2024-03-15")], "2024-04-08"),
        ([("2024-03-13", "2024-03-15"), ("2024-03-11", "2024-03-12")], "2024-04-08"),
        ([("2024-03-11", "2024-03-15"), ("2024-03-12", "2024-03-12")], "2024-04-08"),
        # two separate pauses add up
        ([("2024-03-11", "2024-03-11"), ("2024-03-20", "2024-03-21")], "2024-04-03"),
        # a pause over a weekend only changes nothing
        ([("2024-03-09", "2024-03-10")], "2024-03-29"),
        # partly before the start: only 03-04 and 03-05 are inside the running period
        ([("2024-02-26", "2024-03-05")], "2024-04-02"),
        # wholly before the start, or ending on the day of receipt: no effect
        ([("2024-02-01", "2024-02-20")], "2024-03-29"),
        ([("2024-02-26", "2024-03-01")], "2024-03-29"),
        # after the due date: no effect
        ([("2024-04-01", "2024-04-10")], "2024-03-29"),
        # starting on the due date: the due date moves past the pause
        ([("2024-03-29", "2024-04-02")], "2024-04-03"),
        # partly after the original due date: 17 days run before it, 3 after it (May Day off)
        ([("2024-03-27", "2024-04-30")], "2024-05-08"),
    ],
)
def test_consultation_pauses_are_not_counted(pauses: list[Pause], expected: str) -> None:
    spans = [(d(first), d(last)) for first, last in pauses]
    assert due_date(d("2024-03-01"), pauses=spans, calendar=CHINA) == d(expected)


def test_pauses_supplement_and_extension_combine() -> None:
    # From the supplement (03-15), a pause before it is ignored, 03-18..19 are paused, and the
    # 40-day period ends two working days after the unpaused 40th day (2024-05-14).
    got = due_date(
        d("2024-03-01"),
        supplemented=d("2024-03-15"),
        pauses=[(d("2024-03-05"), d("2024-03-08")), (d("2024-03-18"), d("2024-03-19"))],
        extended=True,
        calendar=CHINA,
    )
    assert due_date(d("2024-03-15"), extended=True, calendar=CHINA) == d("2024-05-14")
    assert got == d("2024-05-16")


def test_a_pause_that_ends_before_it_starts_is_refused() -> None:
    with pytest.raises(ValueError, match="before it starts"):
        due_date(d("2024-03-01"), pauses=[(d("2024-03-15"), d("2024-03-11"))], calendar=CHINA)


class CountingCalendar:
    """Wraps a calendar and records every day looked up."""

    def __init__(self, inner: TableCalendar) -> None:
        self.inner = inner
        self.looked_up: list[dt.date] = []

    def is_workday(self, day: dt.date, /) -> bool:
        self.looked_up.append(day)
        return self.inner.is_workday(day)


def test_a_pause_is_skipped_in_one_step_without_looking_up_its_days() -> None:
    # 2030–2034 are unknown, but they are paused, so they are never looked up; the walk costs the
    # period plus the pauses, not the years they span.
    calendar = CountingCalendar(
        TableCalendar(
            {2029: YearTable(2029), 2035: YearTable.build(2035, holidays=[d("2035-01-01")])}
        )
    )
    pauses = [(d("2029-12-10"), d("2034-12-31")), (d("2030-06-01"), d("2031-01-01"))]
    # 2029-12-07 (Fri): nothing counts until 2035; Jan 2–5 are 4, Jan 8–26 15 more, Jan 29 the 20th
    assert due_date(d("2029-12-07"), pauses=pauses, calendar=calendar) == d("2035-01-29")
    assert len(calendar.looked_up) <= 40
    assert all(day.year in {2029, 2035} for day in calendar.looked_up)


def test_a_pause_inside_the_hand_made_calendar() -> None:
    # 2029-12-07 + pause 12-10..12-31: Jan 1–2 off; Jan 3, 4, 5 (make-up Saturday), 7–11,
    # 14–18, 21–25, 28, 29 make 20.
    pause = [(d("2029-12-10"), d("2029-12-31"))]
    assert due_date(d("2029-12-07"), pauses=pause, calendar=TOY) == d("2030-01-29")
    one_day = [(d("2029-12-31"), d("2029-12-31"))]
    assert due_date(d("2029-12-07"), pauses=one_day, calendar=TOY) == d("2030-01-08")


def test_a_due_date_in_an_unknown_year_is_refused() -> None:
    with pytest.raises(UnknownYear) as caught:
        due_date(d("2026-12-20"), calendar=CHINA)
    assert caught.value.year == 2027
    assert "2027" in str(caught.value)


def test_a_pause_running_into_an_unknown_year_is_refused() -> None:
    with pytest.raises(UnknownYear) as caught:
        due_date(d("2026-11-20"), pauses=[(d("2026-12-01"), d("2027-03-01"))], calendar=CHINA)
    assert caught.value.year == 2027


@pytest.mark.parametrize(
    ("function", "start", "expected"),
    [
        # 条例第30条: 7 working days; Sunday 09-29 and Saturday 10-12 count
        (supplement_notice_due, "2024-09-27", "2024-10-12"),
        (supplement_notice_due, "2024-03-01", "2024-03-12"),
        # 条例第32、34条: 15 working days
        (third_party_reply_due, "2024-03-01", "2024-03-22"),
        (agency_reply_due, "2024-03-01", "2024-03-22"),
        (third_party_reply_due, "2024-09-27", "2024-10-23"),
        # 条例第26条: 20 working days
        (publication_due, "2024-09-20", "2024-10-23"),
        (publication_due, "2025-01-20", "2025-02-21"),
        # 国办函〔2020〕109号: 20 working days to pay
        (fee_payment_due, "2024-03-01", "2024-03-29"),
    ],
)
def test_shorter_periods(function: object, start: str, expected: str) -> None:
    assert callable(function)
    assert function(d(start), calendar=CHINA) == d(expected)


@pytest.mark.parametrize(
    ("formed", "published", "late"),
    [
        ("2024-09-20", "2024-09-20", False),
        ("2024-09-20", "2024-10-23", False),  # on the due day
        ("2024-09-20", "2024-10-24", True),
        ("2024-09-20", "2027-06-01", True),  # only the years up to the due date must be known
    ],
)
def test_late_publication(formed: str, published: str, late: bool) -> None:
    assert is_late_publication(d(formed), d(published), calendar=CHINA) is late


def test_every_period_cites_its_article() -> None:
    for function, article in [
        (due_date, "条例第33条"),
        (due_date, "条例第30条"),
        (supplement_notice_due, "条例第30条"),
        (third_party_reply_due, "条例第32条"),
        (agency_reply_due, "条例第34条"),
        (publication_due, "条例第26条"),
        (is_late_publication, "条例第26条"),
        (fee_payment_due, "国办函〔2020〕109号"),
    ]:
        assert article in (function.__doc__ or ""), function.__name__


def test_dates_not_datetimes() -> None:
    with pytest.raises(TypeError):
        due_date(dt.datetime(2024, 3, 1, 9, tzinfo=dt.UTC), calendar=CHINA)
