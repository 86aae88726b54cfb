"""The office's steps, checked and audited: indicators and entered scores, freezing (定稿) that
makes a published ranking immutable, and rectification items from opening to closing, with the
steps refused to the wrong people or in the wrong state."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
import time_machine

from gongkai.assessment import scoring, selectors, services
from gongkai.assessment.models import Measure, Rectification, RectificationStatus
from gongkai.core.errors import AccessDenied, InvalidTransition, ValidationFailed
from gongkai.core.models import AuditEntry
from gongkai.orgs.models import Unit, User
from tests.assessment.conftest import make_set, put

pytestmark = pytest.mark.django_db
D = dt.date


# ----------------------------------------------------------------------------- indicators


def test_only_the_office_keeps_indicators_and_scores(
    units: dict[str, Unit], office: User, leader: User, editor: User
) -> None:
    for user in (leader, editor):
        with pytest.raises(AccessDenied):
            services.indicator_set_create(actor=user, year=2024, name="考核")
    made = services.indicator_set_create(actor=office, year=2024, name="2024年度考核")
    manual = services.indicator_add(
        actor=office,
        indicator_set=made,
        values={"name": "政策解读", "weight": "10", "measure": Measure.MANUAL},
    )
    with pytest.raises(AccessDenied):
        services.manual_score_enter(
            actor=leader, indicator=manual, unit=units["mzj"], points=5, note="x"
        )
    assert AuditEntry.objects.filter(action__startswith="assessment.").count() == 2


@pytest.mark.parametrize(
    ("values", "message"),
    [
        ({"name": "", "weight": "10", "measure": "manual"}, "指标名称"),
        ({"name": "x", "weight": "0", "measure": "manual"}, "分值"),
        ({"name": "x", "weight": "101", "measure": "manual"}, "分值"),
        ({"name": "x", "weight": "ab", "measure": "manual"}, "数字"),
        ({"name": "x", "weight": "10", "measure": "guess"}, "计分方式"),
        ({"name": "x", "weight": "10", "measure": "volume"}, "发布目标"),
        ({"name": "x", "weight": "10", "measure": "volume", "targets": {"village": 3}}, "发布目标"),
        ({"name": "x", "weight": "10", "measure": "findings"}, "扣完"),
    ],
)
def test_bad_indicators_are_refused(office: User, values: dict[str, object], message: str) -> None:
    made = services.indicator_set_create(actor=office, year=2024, name="考核")
    with pytest.raises(ValidationFailed) as err:
        services.indicator_add(actor=office, indicator_set=made, values=values)
    assert message in err.value.message


def test_manual_scores_stay_within_the_weight_and_need_a_note(
    units: dict[str, Unit], office: User
) -> None:
    manual = make_set().indicators.get(measure=Measure.MANUAL)
    for points, note in (("10.5", "超分"), ("-1", "负分"), ("8", " ")):
        with pytest.raises(ValidationFailed):
            services.manual_score_enter(
                actor=office, indicator=manual, unit=units["mzj"], points=points, note=note
            )
    with pytest.raises(ValidationFailed):  # the county government is not assessed
        services.manual_score_enter(
            actor=office, indicator=manual, unit=units["county"], points=5, note="x"
        )
    computed = manual.indicator_set.indicators.get(measure=Measure.VOLUME)
    with pytest.raises(ValidationFailed):
        services.manual_score_enter(
            actor=office, indicator=computed, unit=units["mzj"], points=5, note="x"
        )
    services.manual_score_enter(
        actor=office, indicator=manual, unit=units["mzj"], points="8", note="缺图解"
    )
    services.manual_score_enter(
        actor=office, indicator=manual, unit=units["mzj"], points="9", note="补充后加1分"
    )
    entry = AuditEntry.objects.filter(action="assessment.score_enter").first()
    assert entry is not None and entry.data["before"] == "8.0" and entry.unit_code == "MZJ"
    with pytest.raises(ValidationFailed):  # the weight may not drop below a score entered
        services.indicator_update(actor=office, indicator=manual, values={"weight": Decimal(5)})
    with pytest.raises(ValidationFailed):
        services.indicator_remove(actor=office, indicator=manual)


# ----------------------------------------------------------------------------- freezing


def test_freezing_makes_the_scores_immutable(units: dict[str, Unit], office: User) -> None:
    made = make_set()
    manual = made.indicators.get(measure=Measure.MANUAL)
    put(units["mzj"], "2024-01-15 10:00", n=20)
    services.manual_score_enter(
        actor=office, indicator=manual, unit=units["mzj"], points=9, note="好"
    )
    with time_machine.travel("2025-01-10 10:00 +0800", tick=False):
        snapshot = services.scores_freeze(actor=office, indicator_set=made, as_of=D(2024, 12, 31))
    frozen = scoring.score_table(made, as_of=D(2024, 6, 30))
    assert frozen["frozen"] is True and frozen["as_of"] == "2024-12-31"
    before = [(r["unit"], r["total"], r["rank"]) for r in frozen["rows"]]

    put(units["zjj"], "2024-02-15 10:00", n=300)  # data changes after the ranking is published
    after = scoring.score_table(made, as_of=D(2024, 12, 31))
    assert [(r["unit"], r["total"], r["rank"]) for r in after["rows"]] == before
    assert snapshot.table == after

    with pytest.raises(InvalidTransition):
        services.manual_score_enter(
            actor=office, indicator=manual, unit=units["mzj"], points=1, note="改分"
        )
    with pytest.raises(InvalidTransition):
        services.indicator_update(actor=office, indicator=manual, values={"weight": "12"})
    with pytest.raises(InvalidTransition):
        services.indicator_add(
            actor=office,
            indicator_set=made,
            values={"name": "新增", "weight": "5", "measure": Measure.MANUAL},
        )
    with pytest.raises(InvalidTransition):
        services.scores_freeze(actor=office, indicator_set=made, as_of=D(2024, 12, 31))
    assert AuditEntry.objects.filter(action="assessment.freeze").count() == 1


def test_freezing_is_for_the_office_and_not_in_the_future(
    units: dict[str, Unit], office: User, leader: User
) -> None:
    made = make_set()
    with pytest.raises(AccessDenied):
        services.scores_freeze(actor=leader, indicator_set=made, as_of=D(2024, 6, 30))
    with time_machine.travel("2024-06-01 10:00 +0800", tick=False), pytest.raises(ValidationFailed):
        services.scores_freeze(actor=office, indicator_set=made, as_of=D(2024, 6, 30))


# ----------------------------------------------------------------------------- rectification


@pytest.fixture
def item(units: dict[str, Unit], office: User) -> Rectification:
    with time_machine.travel("2024-10-20 10:00 +0800", tick=False):
        return services.rectification_create(
            actor=office,
            unit=units["mzj"],
            title="未对身份证号、社保卡号进行脱敏处理",
            source="superior",
            found_on=D(2024, 10, 18),
            deadline=D(2024, 10, 31),
            description="被市委网信办监测通报",
        )


def test_rectification_from_report_to_closing(
    item: Rectification, office: User, editor: User
) -> None:
    with time_machine.travel("2024-10-25 10:00 +0800", tick=False):
        services.rectification_report(actor=editor, rectification=item, text="已删除并脱敏重发")
        item.refresh_from_db()
        assert item.status == RectificationStatus.REPORTED
        assert item.reported_on == D(2024, 10, 25)
        services.rectification_return(actor=office, rectification=item, reason="原链接仍可访问")
        item.refresh_from_db()
        assert item.status == RectificationStatus.OPEN
        assert item.return_reason == "原链接仍可访问"
        services.rectification_report(actor=editor, rectification=item, text="原链接已删除")
        services.rectification_close(actor=office, rectification=item, note="复查无误")
    item.refresh_from_db()
    assert item.status == RectificationStatus.CLOSED
    assert item.closed_on == D(2024, 10, 25) and item.closed_by == office
    actions = list(selectors.rectification_history(item).values_list("action", flat=True))
    assert actions == [
        "rectification.create",
        "rectification.report",
        "rectification.return",
        "rectification.report",
        "rectification.close",
    ]


def test_refused_rectification_steps(
    item: Rectification, office: User, editor: User, other_editor: User, leader: User
) -> None:
    with pytest.raises(InvalidTransition):  # not reported yet
        services.rectification_close(actor=office, rectification=item)
    with pytest.raises(InvalidTransition):
        services.rectification_return(actor=office, rectification=item, reason="x")
    with pytest.raises(AccessDenied):  # unit B cannot report A's item
        services.rectification_report(actor=other_editor, rectification=item, text="x")
    with pytest.raises(AccessDenied):  # leaders read only
        services.rectification_report(actor=leader, rectification=item, text="x")
    with pytest.raises(ValidationFailed):
        services.rectification_report(actor=editor, rectification=item, text=" ")
    services.rectification_report(actor=editor, rectification=item, text="已整改")
    with pytest.raises(InvalidTransition):  # reported twice
        services.rectification_report(actor=editor, rectification=item, text="again")
    with pytest.raises(AccessDenied):  # the unit cannot close its own item
        services.rectification_close(actor=editor, rectification=item)
    with pytest.raises(ValidationFailed):
        services.rectification_return(actor=office, rectification=item, reason="")
    services.rectification_close(actor=office, rectification=item)
    with pytest.raises(InvalidTransition):
        services.rectification_return(actor=office, rectification=item, reason="再查")


def test_opening_is_for_the_office_with_sane_dates(
    units: dict[str, Unit], office: User, leader: User, editor: User
) -> None:
    values = {
        "unit": units["mzj"],
        "title": "栏目未更新",
        "source": "monitoring",
        "found_on": D(2024, 10, 1),
        "deadline": D(2024, 10, 15),
    }
    with time_machine.travel("2024-10-20 10:00 +0800", tick=False):
        for user in (leader, editor):
            with pytest.raises(AccessDenied):
                services.rectification_create(actor=user, **values)  # type: ignore[arg-type]
        for bad in (
            {"deadline": D(2024, 9, 30)},
            {"found_on": D(2024, 10, 21), "deadline": D(2024, 11, 1)},
            {"source": "rumour"},
            {"title": " "},
            {"unit": units["village"]},
        ):
            with pytest.raises(ValidationFailed):
                services.rectification_create(actor=office, **(values | bad))  # type: ignore[arg-type]
        made = services.rectification_create(actor=office, **values)  # type: ignore[arg-type]
        scope = selectors.rectifications_visible_to(office)
        assert list(selectors.overdue_rectifications(scope, on=D(2024, 10, 16))) == [made]
        assert list(selectors.overdue_rectifications(scope, on=D(2024, 10, 15))) == []


def test_units_see_their_own_items(
    item: Rectification, office: User, leader: User, editor: User, other_editor: User
) -> None:
    assert list(selectors.rectifications_visible_to(editor)) == [item]
    assert list(selectors.rectifications_visible_to(leader)) == [item]
    assert list(selectors.rectifications_visible_to(other_editor)) == []
