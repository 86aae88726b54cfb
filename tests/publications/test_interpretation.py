"""Policy interpretation (政策解读): the county's synchronous window on the office calendar, how a
document stands (in time, late, missing, pending, undetermined) and the rate's arithmetic
(gongkai.publications.interpretation)."""

from __future__ import annotations

import datetime as dt
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from gongkai.clock import TableCalendar, state_council_calendar, state_council_years
from gongkai.orgs.models import Unit
from gongkai.portal.models import SiteSettings
from gongkai.publications import interpretation
from gongkai.publications.interpretation import (
    IN_TIME,
    LATE,
    MISSING,
    PENDING,
    UNDETERMINED,
    interpretation_due,
    percent,
    policy_lines,
    rate_rows,
    standing,
)
from gongkai.publications.models import (
    Column,
    DocKind,
    FiveClass,
    InterpretationForm,
    Publication,
    PublicationStatus,
    TopicCategory,
)
from gongkai.workdays.models import DayKind, DeclaredDay, DeclaredYear

CST = ZoneInfo("Asia/Shanghai")
D = dt.date.fromisoformat


# ---------------------------------------------------------------------------- the window


@pytest.mark.parametrize(
    ("published", "workdays", "due", "why"),
    [
        ("2024-03-01", 3, "2024-03-06", "a Friday: the weekend is skipped"),
        ("2024-03-04", 3, "2024-03-07", "a Monday: three weekdays"),
        ("2024-09-30", 3, "2024-10-10", "the eve of National Day: 1-7 October skipped"),
        ("2024-09-27", 3, "2024-10-08", "Sunday 29 September is a make-up working day"),
        ("2024-02-08", 3, "2024-02-19", "before Spring Festival: 10-17 Feb off, 18 Feb worked"),
        ("2024-03-01", 0, "2024-03-01", "0 working days: the same day"),
        ("2024-03-02", 1, "2024-03-04", "published on a Saturday: counting starts Monday"),
    ],
)
def test_window_on_the_calendar(published: str, workdays: int, due: str, why: str) -> None:
    cal = state_council_calendar()
    assert interpretation_due(D(published), workdays=workdays, cal=cal) == D(due), why


def test_a_window_reaching_an_unknown_year_has_no_deadline() -> None:
    only_2024 = TableCalendar({2024: state_council_years()[2024]})
    assert interpretation_due(D("2024-12-30"), workdays=3, cal=only_2024) is None
    assert interpretation_due(D("2024-12-24"), workdays=3, cal=only_2024) == D("2024-12-27")


@pytest.mark.parametrize(
    ("interpreted", "due", "today", "expected"),
    [
        ("2024-03-01", "2024-03-06", "2024-04-01", IN_TIME),  # with its document
        ("2024-03-06", "2024-03-06", "2024-04-01", IN_TIME),  # on the last day
        ("2024-03-07", "2024-03-06", "2024-04-01", LATE),  # a day after
        (None, "2024-03-06", "2024-03-07", MISSING),  # none, and the deadline has passed
        (None, "2024-03-06", "2024-03-06", PENDING),  # none yet, the last day is today
        (None, None, "2024-04-01", UNDETERMINED),  # the calendar lacks the year
        ("2024-03-05", None, "2024-04-01", UNDETERMINED),  # no deadline to measure against
        ("2024-03-01", None, "2024-04-01", IN_TIME),  # the same day is in time whatever
    ],
)
def test_standing(interpreted: str | None, due: str | None, today: str, expected: str) -> None:
    assert (
        standing(
            published_on=D("2024-03-01"),
            interpreted_on=D(interpreted) if interpreted else None,
            due=D(due) if due else None,
            today=D(today),
        )
        == expected
    )


@pytest.mark.parametrize(
    ("part", "whole", "shown"),
    [
        (10, 65, "15%"),  # seed 003: 10 of 65 (15.38%)
        (1, 8, "13%"),  # 12.5%: half rounds up
        (2, 3, "67%"),
        (0, 4, "0%"),
        (9, 10, "90%"),
        (65, 65, "100%"),
        (0, 0, "无"),  # nothing counts: no rate, not 0%
    ],
)
def test_percent(part: int, whole: int, shown: str) -> None:
    assert percent(part, whole) == shown


# ---------------------------------------------------------------------------- documents in the DB


def _publish(unit: Unit, when: str, **extra: Any) -> Publication:
    moment = dt.datetime.fromisoformat(when).replace(tzinfo=CST)
    return Publication.objects.create(
        unit=unit,
        issuer=unit.name,
        title=extra.pop("title", "文件"),
        written_on=moment.date(),
        published_at=moment,
        topic=TopicCategory.objects.get(code="0100"),
        five_class=FiveClass.DECISION,
        column=Column.objects.get(code=extra.pop("column", "policies")),
        status=extra.pop("status", PublicationStatus.PUBLISHED),
        **extra,
    )


def policy(unit: Unit, when: str, title: str = "政策文件", **extra: Any) -> Publication:
    return _publish(
        unit, when, title=title, doc_kind=extra.pop("doc_kind", DocKind.POLICY), **extra
    )


def reading(
    of: Publication, when: str, form: str = InterpretationForm.QA, **extra: Any
) -> Publication:
    return _publish(
        of.unit,
        when,
        title=f"解读：{of.title}",
        column="interpretation",
        interprets=of,
        interpretation_form=form,
        **extra,
    )


def standings(lines: list[interpretation.PolicyLine]) -> dict[str, str]:
    return {line.policy.title: line.standing for line in lines}


@pytest.mark.django_db
def test_documents_stand_in_time_late_missing_or_pending(department: Unit) -> None:
    before_holiday = policy(department, "2024-09-30 09:00", "国庆前发布")
    reading(before_holiday, "2024-10-10 16:00")  # the third working day after 1-7 October
    late = policy(department, "2024-09-30 10:00", "逾期解读")
    reading(late, "2024-10-11 09:00")
    policy(department, "2024-09-30 11:00", "逾期未解读")
    waiting = policy(department, "2024-10-14 10:00", "期限未到")
    # Only the earliest published interpretation counts; withdrawn ones not at all.
    reading(waiting, "2024-10-14 11:00", status=PublicationStatus.WITHDRAWN)
    lines = policy_lines(first=D("2024-09-01"), last=D("2024-10-31"), today=D("2024-10-15"))
    assert standings(lines) == {
        "国庆前发布": IN_TIME,
        "逾期解读": LATE,
        "逾期未解读": MISSING,
        "期限未到": PENDING,
    }
    first = lines[0]
    assert first.due == D("2024-10-10")
    assert first.interpreted_on == D("2024-10-10")
    assert first.interpretation is not None
    assert first.interpretation.get_interpretation_form_display() == "简明问答"


@pytest.mark.django_db
def test_which_documents_count(department: Unit) -> None:
    """Rules, normative and other policy documents published in the period count; ordinary
    items, drafts, withdrawn documents and those outside the period do not."""
    policy(department, "2024-05-06 10:00", "规范性文件", doc_kind=DocKind.NORMATIVE)
    policy(department, "2024-05-06 10:00", "规章", doc_kind=DocKind.RULE)
    policy(department, "2024-05-06 10:00", "政策文件")
    policy(department, "2024-05-06 10:00", "工作动态", doc_kind=DocKind.ORDINARY)
    policy(department, "2024-05-06 10:00", "已撤回", status=PublicationStatus.WITHDRAWN)
    policy(department, "2024-04-30 23:30", "上月")  # 发布日期 is the county's date
    policy(department, "2024-06-01 00:10", "下月")
    lines = policy_lines(first=D("2024-05-01"), last=D("2024-05-31"), today=D("2024-07-01"))
    assert sorted(standings(lines)) == ["政策文件", "规章", "规范性文件"]


@pytest.mark.django_db
def test_the_office_calendar_moves_the_deadline(department: Unit) -> None:
    """The window counts on the office's calendar: a year nobody declared has no deadline
    (期限待定, never a guess); once declared, its holidays are skipped."""
    document = policy(department, "2027-03-01 10:00", "二〇二七年文件")  # a Monday
    lines = policy_lines(first=D("2027-03-01"), last=D("2027-03-31"), today=D("2027-04-01"))
    assert lines[0].due is None and lines[0].standing == UNDETERMINED
    year = DeclaredYear.objects.create(year=2027)
    DeclaredDay.objects.create(declared_year=year, date=D("2027-03-02"), kind=DayKind.HOLIDAY)
    reading(document, "2027-03-05 10:00")
    lines = policy_lines(first=D("2027-03-01"), last=D("2027-03-31"), today=D("2027-04-01"))
    assert lines[0].due == D("2027-03-05")  # 3, 4, 5 March: the 2nd is the county's holiday
    assert lines[0].standing == IN_TIME


@pytest.mark.django_db
def test_the_window_is_the_office_setting(department: Unit) -> None:
    document = policy(department, "2024-03-04 10:00", "周一文件")
    reading(document, "2024-03-08 10:00")  # the fourth working day
    assert interpretation.window_workdays() == 3  # the default until the office saves
    assert policy_lines(first=D("2024-03-01"), last=D("2024-03-31"))[0].standing == LATE
    SiteSettings.objects.create(interpretation_workdays=5)
    assert policy_lines(first=D("2024-03-01"), last=D("2024-03-31"))[0].standing == IN_TIME


@pytest.mark.django_db
def test_rate_per_unit_and_for_the_county(department: Unit, other_department: Unit) -> None:
    """Seed 003's figure: 10 of 65 documents interpreted is 15%; pending documents are listed
    and left out of the rate."""
    for n in range(65):
        document = policy(department, "2024-03-04 10:00", f"民政文件{n}")
        if n < 10:
            reading(document, "2024-03-05 10:00")
    for n in range(3):
        document = policy(other_department, "2024-03-04 10:00", f"住建文件{n}")
        reading(document, "2024-03-04 11:00" if n else "2024-03-20 10:00")
    policy(other_department, "2024-03-29 10:00", "住建待解读")
    lines = policy_lines(first=D("2024-01-01"), last=D("2024-03-31"), today=D("2024-03-30"))
    county, rows = rate_rows(lines, [department, other_department])
    first, second = rows
    assert (first.documents, first.in_time, first.missing, first.rate) == (65, 10, 55, "15%")
    assert first.below_target
    assert (second.documents, second.in_time, second.late, second.pending) == (4, 2, 1, 1)
    assert second.rate == "67%"  # 2 of the 3 whose outcome is known
    assert (county.documents, county.in_time, county.counted, county.rate) == (69, 12, 68, "18%")


@pytest.mark.django_db
def test_to_do_lists_the_units_documents_still_waiting(
    department: Unit, other_department: Unit
) -> None:
    policy(department, "2024-03-04 10:00", "逾期未解读")
    policy(department, "2024-03-14 10:00", "期限未到")
    done = policy(department, "2024-03-04 10:00", "已解读")
    reading(done, "2024-03-04 10:30")
    policy(other_department, "2024-03-04 10:00", "别的单位")
    waiting = interpretation.to_do([department.pk], today=D("2024-03-15"))
    assert (waiting.missing, waiting.pending) == (1, 1)
