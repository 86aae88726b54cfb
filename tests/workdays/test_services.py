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
from tests.workdays.conftest import whole_year

pytestmark = pytest.mark.django_db


def _import(text: str, *, replace_year: bool = False) -> services.ImportSummary:
    return services.calendar_import(
        actor=None, source=text.encode(), filename="t.csv", replace_year=replace_year
    )


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
        "changes": [],
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
    summary = _import(whole_year(2027, "2027-05-03,holiday"), replace_year=True)
    assert summary.replaced == [2027]
    assert (summary.holidays, summary.workdays) == (13, 0)
    assert DeclaredYear.objects.get().revision == 2
    calendar = selectors.calendar()
    assert calendar.is_workday(dt.date(2027, 2, 8))  # no longer declared: a plain Monday
    assert not calendar.is_workday(dt.date(2027, 1, 30))  # nor the make-up Saturday
    assert not calendar.is_workday(dt.date(2027, 5, 3))
    latest = AuditEntry.objects.filter(action="workdays.import").order_by("id").last()
    assert latest is not None
    assert latest.summary.startswith("替换2027年")
    assert latest.data["replaced_source"] == "office"
    assert "2027-05-03" in latest.data["diff"]["holidays_added"]
    assert "2027-02-08" in latest.data["diff"]["holidays_removed"]
    assert latest.data["diff"]["workdays_removed"] == [
        "2027-01-30",
        "2027-02-20",
        "2027-09-26",
        "2027-10-09",
    ]


def test_reimport_leaves_other_years_alone() -> None:
    _import(whole_year(2027) + whole_year(2028).removeprefix("date,type\n"))
    _import(whole_year(2028, "2028-01-04,holiday"), replace_year=True)
    calendar = selectors.calendar()
    assert not calendar.is_workday(dt.date(2027, 10, 1))
    assert calendar.is_workday(dt.date(2027, 1, 4))
    assert not calendar.is_workday(dt.date(2028, 1, 4))


def test_a_year_that_exists_is_not_replaced_without_replace_year(csv_2027: Path) -> None:
    """The probe's finding: a correction file silently replaced a whole year."""
    services.calendar_import(actor=None, source=csv_2027.read_bytes(), filename=csv_2027.name)
    before = list(DeclaredDay.objects.values_list("date", "kind"))
    with pytest.raises(services.YearExists) as caught:
        _import(whole_year(2027))
    assert caught.value.message.startswith(
        "2027年已有工作日历，导入将整年替换：2027年（现为公开办此前导入）："
    )
    assert "取消调休上班4天（01-30、02-20、09-26、10-09）" in caught.value.message
    assert list(DeclaredDay.objects.values_list("date", "kind")) == before
    assert DeclaredYear.objects.get().revision == 1
    assert AuditEntry.objects.filter(action="workdays.import").count() == 1


def test_a_state_council_year_shows_its_changes_and_needs_replace_year() -> None:
    # 2025: the State Council's 8-day Spring Festival 01-28..02-04, make-up days 01-26 and 02-08.
    text = (
        "date,type\n2025-01-01,holiday\n"
        + "".join(f"2025-01-{d},holiday\n" for d in (28, 29, 30, 31))
        + "2025-02-03,holiday\n2025-02-04,holiday\n2025-01-26,workday\n"
        + "".join(f"2025-10-0{d},holiday\n" for d in range(1, 9))
    )
    with pytest.raises(services.YearExists) as caught:
        _import(text)
    (change,) = caught.value.changes
    assert change.source == "state_council"
    # Dropped from the file: 清明, 劳动节, 端午 and the make-up days of May and October.
    assert "2025-04-04" in change.holidays_removed and "2025-05-05" in change.holidays_removed
    assert change.holidays_added == []
    assert change.workdays_removed == ["2025-02-08", "2025-04-27", "2025-09-28", "2025-10-11"]
    assert not DeclaredYear.objects.exists()
    dry = services.calendar_import(actor=None, source=text.encode(), dry_run=True)
    assert dry.changes == [change]
    summary = _import(text, replace_year=True)
    assert summary.overrides == [2025]
    entry = AuditEntry.objects.get(action="workdays.import")
    assert entry.data["replaced_source"] == "state_council"
    assert "取消放假" in entry.summary
    assert selectors.calendar().is_workday(dt.date(2025, 4, 4))


@pytest.mark.parametrize(
    ("text", "fragment"),
    [
        ("date,type\n2025-10-01,holiday\n", "2025年只有1天"),
        (
            "date,type\n2027-10-01,holiday\n2027-10-02,holiday\n2027-10-09,workday\n",
            "2027年只有1天",
        ),
        # Weekend days listed as holidays change nothing and do not count.
        (
            "date,type\n" + "".join(f"2027-10-{d:02d},holiday\n" for d in range(1, 15)),
            "2027年只有10天",
        ),
    ],
)
def test_a_partial_year_is_refused_even_with_replace_year(text: str, fragment: str) -> None:
    with pytest.raises(ValidationFailed) as caught:
        _import(text, replace_year=True)
    assert fragment in caught.value.message
    assert "少于11天" in caught.value.message
    assert not DeclaredYear.objects.exists()


def test_every_state_council_year_passes_the_partial_year_check() -> None:
    """The threshold is below every real year (chinesecalendar: at least 16 since 2004)."""
    from gongkai.clock import state_council_years

    least = min(
        len({d for d in table.holidays if d.weekday() < 5})
        for table in state_council_years().values()
    )
    assert least >= 16 > services.MIN_WEEKDAY_HOLIDAYS


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
    summary = _import(whole_year(2025), replace_year=True)
    assert summary.overrides == [2025]
    calendar = selectors.calendar()
    assert calendar.table(2025).source == "office"
    assert not calendar.is_workday(dt.date(2025, 10, 11))  # not declared: a plain Saturday
    assert calendar.is_workday(dt.date(2025, 5, 5))
    assert calendar.table(2024).source == "state_council"


def test_only_the_office_may_import(editor: User, office: User) -> None:
    with pytest.raises(AccessDenied):
        services.calendar_import(actor=editor, source=whole_year(2027).encode())
    assert not DeclaredYear.objects.exists()
    services.calendar_import(actor=office, source=whole_year(2027).encode())
    entry = AuditEntry.objects.get(action="workdays.import")
    assert entry.actor == office
    assert entry.data["via"] == "web"


def test_the_calendar_is_cached_until_the_office_data_changes() -> None:
    first = selectors.calendar()
    with CaptureQueriesContext(connection) as queries:
        again = selectors.calendar()
    assert again is first
    assert len(queries) == 1  # the stamp of the declared years, nothing else
    _import(whole_year(2027))
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
