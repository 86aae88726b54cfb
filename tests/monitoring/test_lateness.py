"""Late publication per unit (条例第二十六条): counted from the marks the publications app sets when
an item is published (due_on: 20 working days after 成文日期; is_late), by 发布日期 in the period,
withdrawn items left out; each late item with its working days late."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
import time_machine

from gongkai.monitoring.lateness import late_by_unit
from gongkai.orgs.models import Role, Unit, User
from gongkai.publications import services
from gongkai.publications.models import Publication
from tests.factories import MembershipFactory, UserFactory
from tests.monitoring.conftest import at, day
from tests.publications.conftest import publication_values

pytestmark = pytest.mark.django_db


def publish(editor: User, reviewer: User, unit: Unit, when: str, **values: Any) -> Publication:
    """Draft, submit and approve through the services at ``when`` (Beijing time)."""
    with time_machine.travel(at(when), tick=False):
        item = services.publication_create(
            actor=editor, unit=unit, values=publication_values(**values)
        )
        services.publication_submit(actor=editor, publication=item)
        return services.publication_approve(actor=reviewer, publication=item)


@pytest.fixture
def items(department: Unit, editor: User, reviewer: User) -> dict[str, Publication]:
    # 成文 2024-09-02 (Monday): 20 working days later, with the Mid-Autumn holiday and its make-up
    # day, is 2024-09-30; 1–7 October is the National Day holiday.
    written = dt.date(2024, 9, 2)
    on_time = publish(
        editor, reviewer, department, "2024-09-30 17:00", title="按期", written_on=written
    )
    late = publish(
        editor, reviewer, department, "2024-10-08 09:00", title="晚一天", written_on=written
    )
    later = publish(
        editor, reviewer, department, "2024-10-21 09:00", title="晚得多", written_on=written
    )
    prompt = publish(
        editor,
        reviewer,
        department,
        "2024-10-10 09:00",
        title="及时",
        written_on=dt.date(2024, 10, 9),
    )
    withdrawn = publish(
        editor,
        reviewer,
        department,
        "2024-10-22 09:00",
        title="已撤回",
        written_on=dt.date(2024, 6, 3),
    )
    with time_machine.travel(at("2024-10-23 09:00"), tick=False):
        services.publication_withdraw(actor=reviewer, publication=withdrawn, reason="内容有误")
    before = publish(
        editor,
        reviewer,
        department,
        "2024-09-20 09:00",
        title="九月",
        written_on=dt.date(2024, 6, 3),
    )
    return {"on_time": on_time, "late": late, "later": later, "prompt": prompt, "before": before}


def test_the_rule_is_the_publications_apps(items: dict[str, Publication]) -> None:
    assert items["on_time"].due_on == day("2024-09-30")
    assert (items["on_time"].is_late, items["late"].is_late) == (False, True)


def test_counts_and_items_per_unit(items: dict[str, Publication]) -> None:
    [row] = late_by_unit(start=day("2024-10-01"), end=day("2024-10-31"))
    assert (row.unit, row.published, row.late) == ("县民政局", 3, 2)
    assert row.rate_text == "66.7%"
    listed = [(i.title, i.due_on, i.published_on, i.workdays_late) for i in row.items]
    assert listed == [
        # 8–12 October (the 12th a make-up working day), 14–18 and 21 October
        ("晚得多", day("2024-09-30"), day("2024-10-21"), 11),
        ("晚一天", day("2024-09-30"), day("2024-10-08"), 1),
    ]
    assert row.as_dict()["items"][0]["written_on"] == "2024-09-02"


def test_period_bounds_are_inclusive(items: dict[str, Publication]) -> None:
    [row] = late_by_unit(start=day("2024-10-08"), end=day("2024-10-08"))
    assert (row.published, row.late) == (1, 1)
    [september] = late_by_unit(start=day("2024-09-01"), end=day("2024-09-30"))
    assert (september.published, september.late) == (2, 1)


def test_units_without_late_items_come_last(
    items: dict[str, Publication], other_department: Unit, other_editor: User
) -> None:
    reviewer = UserFactory(username="zjj_reviewer")
    MembershipFactory(user=reviewer, unit=other_department, role=Role.REVIEWER)
    publish(
        other_editor,
        reviewer,
        other_department,
        "2024-10-10 09:00",
        written_on=dt.date(2024, 10, 9),
    )
    rows = late_by_unit(start=day("2024-10-01"), end=day("2024-10-31"), items_per_unit=1)
    assert [(r.unit, r.late) for r in rows] == [("县民政局", 2), ("县住建局", 0)]
    assert len(rows[0].items) == 1


def test_empty_period_and_reversed_period(db: object) -> None:
    assert late_by_unit(start=day("2024-10-01"), end=day("2024-10-31")) == []
    with pytest.raises(ValueError):
        late_by_unit(start=day("2024-10-31"), end=day("2024-10-01"))
