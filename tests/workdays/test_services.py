"""Importing the office's calendar: all or nothing, a year replaced whole, audited, reloaded."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from gongkai.clock import UnknownYear, due_date
from gongkai.core.errors import AccessDenied, ValidationFailed
from gongkai.core.models import AuditEntry
from gongkai.orgs.models import User
from gongkai.workdays import selectors, services
from gongkai.workdays.errors import YearNotDeclared, refusing_unknown_year
from gongkai.workdays.models import DayKind, DeclaredDay, DeclaredYear

pytestmark = pytest.mark.django_db


def _import(text: str) -> services.ImportSummary:
    return services.calendar_import(actor=None, source=text.encode(), filename="t.csv")


def test_import_declares_the_year_and_the_calendar_uses_it(csv_2027: Path) -> None:
    with pytest.raises(UnknownYear):
        due_date(dt.date(2026, 12, 25), calendar=selectors.calendar())
    summary = services.calendar_import(
        actor=None, source=csv_2027.read_bytes(), filename=csv_2027.name
    )
    assert summary.as_dict() == {
        "years": [2027],
        "holidays": 16,
        "workdays": 4,
        "replaced": [],
        "overrides": [],
        "dry_run": False,
    }
    year = DeclaredYear.objects.get()
    assert (year.year, year.revision, year.source_file) == (2027, 1, "calendar_2027.csv")
    assert year.days.filter(kind=DayKind.HOLIDAY).count() == 16
    calendar = selectors.calendar()
    assert calendar.table(2027).source == "office"
    # Dec 28–31 are 4; New Year's Day off; Jan 4–22 are 15 more; Jan 25 is the 20th.
    assert due_date(dt.date(2026, 12, 25), calendar=calendar) == dt.date(2027, 1, 25)
    # From 2027-01-27: Jan 28, 29, make-up Saturday Jan 30, Feb 1–4 (7); Spring Festival off;
    # Feb 15–19 (12), make-up Saturday Feb 20 (13), Feb 22–26 (18), Mar 1, 2 (20).
    assert due_date(dt.date(2027, 1, 27), calendar=calendar) == dt.date(2027, 3, 2)
    # Weekends rest and weekdays work unless the file says otherwise.
    assert not calendar.is_workday(dt.date(2027, 3, 6))
    assert calendar.is_workday(dt.date(2027, 3, 8))
    assert calendar.is_workday(dt.date(2027, 10, 9))
    with pytest.raises(UnknownYear):
        calendar.is_workday(dt.date(2028, 1, 3))


def test_import_is_audited(csv_2027: Path) -> None:
    services.calendar_import(actor=None, source=csv_2027.read_bytes(), filename=csv_2027.name)
    entry = AuditEntry.objects.get(action="workdays.import")
    assert entry.actor is None
    assert entry.target_type == "workdays.declaredyear"
    assert entry.summary == "导入2027年工作日历：放假16天，调休上班4天"
    assert entry.data["via"] == "cli"
    assert entry.data["file"] == "calendar_2027.csv"


def test_reimport_replaces_the_year_whole(csv_2027: Path) -> None:
    services.calendar_import(actor=None, source=csv_2027.read_bytes(), filename=csv_2027.name)
    assert not selectors.calendar().is_workday(dt.date(2027, 10, 1))
    summary = _import("date,type\n2027-05-03,holiday\n")
    assert summary.replaced == [2027]
    assert (summary.holidays, summary.workdays) == (1, 0)
    assert DeclaredYear.objects.get().revision == 2
    assert list(DeclaredDay.objects.values_list("date", flat=True)) == [dt.date(2027, 5, 3)]
    calendar = selectors.calendar()
    assert calendar.is_workday(dt.date(2027, 10, 1))  # no longer declared: a plain Friday
    assert not calendar.is_workday(dt.date(2027, 5, 3))
    latest = AuditEntry.objects.filter(action="workdays.import").order_by("id").last()
    assert latest is not None
    assert latest.summary.startswith("替换2027年")


def test_reimport_leaves_other_years_alone() -> None:
    _import("date,type\n2027-01-01,holiday\n2028-01-03,holiday\n")
    _import("date,type\n2028-01-04,holiday\n")
    calendar = selectors.calendar()
    assert not calendar.is_workday(dt.date(2027, 1, 1))
    assert calendar.is_workday(dt.date(2028, 1, 3))
    assert not calendar.is_workday(dt.date(2028, 1, 4))


def test_a_bad_line_stores_nothing_and_keeps_what_was_there(csv_2027: Path) -> None:
    services.calendar_import(actor=None, source=csv_2027.read_bytes(), filename=csv_2027.name)
    before = list(DeclaredDay.objects.values_list("date", "kind"))
    with pytest.raises(ValidationFailed) as caught:
        _import("date,type\n2027-05-03,holiday\n2028-01-03,holiday\n2027-05-04,rest\n")
    assert "第4行" in caught.value.message
    assert list(DeclaredDay.objects.values_list("date", "kind")) == before
    assert DeclaredYear.objects.get().revision == 1
    assert not DeclaredYear.objects.filter(year=2028).exists()
    assert AuditEntry.objects.filter(action="workdays.import").count() == 1


def test_a_bad_line_is_logged_in_english(caplog: pytest.LogCaptureFixture) -> None:
    with pytest.raises(ValidationFailed):
        _import("date,type\n2027-13-01,holiday\n")
    assert "line 2: bad date '2027-13-01'" in caplog.text


def test_dry_run_stores_nothing(csv_2027: Path) -> None:
    summary = services.calendar_import(
        actor=None, source=csv_2027.read_bytes(), filename=csv_2027.name, dry_run=True
    )
    assert summary.dry_run
    assert summary.years == [2027]
    assert not DeclaredYear.objects.exists()


def test_an_office_year_overrides_the_state_council_year_entirely() -> None:
    # A correction of 2025: the office's declaration is the whole year (ADR 0004).
    assert selectors.calendar().is_workday(dt.date(2025, 10, 11))  # State Council make-up day
    summary = _import("date,type\n2025-10-01,holiday\n")
    assert summary.overrides == [2025]
    calendar = selectors.calendar()
    assert calendar.table(2025).source == "office"
    assert not calendar.is_workday(dt.date(2025, 10, 11))  # not declared: a plain Saturday
    assert calendar.is_workday(dt.date(2025, 10, 2))
    assert calendar.table(2024).source == "state_council"


def test_only_the_office_may_import(editor: User, office: User) -> None:
    with pytest.raises(AccessDenied):
        services.calendar_import(actor=editor, source=b"date,type\n2027-01-01,holiday\n")
    assert not DeclaredYear.objects.exists()
    services.calendar_import(actor=office, source=b"date,type\n2027-01-01,holiday\n")
    entry = AuditEntry.objects.get(action="workdays.import")
    assert entry.actor == office
    assert entry.data["via"] == "web"


def test_the_calendar_is_cached_until_the_office_data_changes() -> None:
    first = selectors.calendar()
    with CaptureQueriesContext(connection) as queries:
        again = selectors.calendar()
    assert again is first
    assert len(queries) == 1  # the stamp of the declared years, nothing else
    _import("date,type\n2027-01-01,holiday\n")
    rebuilt = selectors.calendar()
    assert rebuilt is not first
    assert rebuilt.covers(2027)


def test_the_calendar_reloads_when_another_process_imported() -> None:
    before = selectors.calendar()
    # Another worker process imports: this process's cache was not told, the stamp changes.
    year = DeclaredYear.objects.create(year=2027)
    DeclaredDay.objects.create(declared_year=year, date=dt.date(2027, 1, 1), kind=DayKind.HOLIDAY)
    after = selectors.calendar()
    assert after is not before
    assert not after.is_workday(dt.date(2027, 1, 1))


def test_unknown_year_becomes_a_chinese_sentence() -> None:
    with pytest.raises(YearNotDeclared) as caught, refusing_unknown_year():
        due_date(dt.date(2026, 12, 25), calendar=selectors.calendar())
    assert caught.value.year == 2027
    assert caught.value.message == "尚无2027年的节假日安排，请公开办先导入该年度工作日历。"
    assert "2027" in caught.value.log
    assert isinstance(caught.value.__cause__, UnknownYear)
