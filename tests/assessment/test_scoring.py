"""Each measure's ratio on hand-built data, at its boundaries; weights, rounding, totals and the
ranking within departments and within townships (ties share a rank)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from fractions import Fraction
from typing import Any

import pytest
import time_machine

from gongkai.assessment import scoring, services
from gongkai.assessment.facts import publication_facts, reply_facts
from gongkai.assessment.models import Measure
from gongkai.orgs.models import Role, Unit
from gongkai.publications import services as publication_services
from tests.assessment.conftest import BLOCKING, WARNING, apply, make_set, put
from tests.factories import MembershipFactory, UserFactory
from tests.publications.conftest import publication_values

pytestmark = pytest.mark.django_db
D = dt.date


def cell(table: dict[str, Any], unit: str, indicator: str) -> dict[str, Any]:
    ids = {i["name"]: i["id"] for i in table["indicators"]}
    row = next(r for r in table["rows"] if r["unit"] == unit)
    return next(s for s in row["scores"] if s["indicator"] == ids[indicator])


def row_of(table: dict[str, Any], unit: str) -> dict[str, Any]:
    return next(r for r in table["rows"] if r["unit"] == unit)


# ----------------------------------------------------------------------------- pure ratios


@pytest.mark.parametrize(
    ("weight", "ratio", "expected"),
    [
        ("10", Fraction(1), "10.0"),
        ("10", Fraction(2, 3), "6.7"),
        ("15", Fraction(1, 2), "7.5"),
        ("10", Fraction(1, 4), "2.5"),
        ("5", Fraction(1, 4), "1.3"),  # 1.25 rounds half up, not to even
        ("20", Fraction(0), "0.0"),
    ],
)
def test_points_are_weight_times_ratio_rounded_half_up(
    weight: str, ratio: Fraction, expected: str
) -> None:
    assert scoring.points(Decimal(weight), ratio) == Decimal(expected)


def test_volume_is_prorated_and_capped() -> None:
    half = scoring.elapsed_share(2024, D(2024, 7, 1))  # 183 of 366 days
    assert half == Fraction(1, 2)
    assert scoring.volume_ratio(30, 120, half)[0] == Fraction(1, 2)
    assert scoring.volume_ratio(500, 120, half)[0] == 1
    assert scoring.volume_ratio(0, 120, half)[0] == 0
    assert scoring.volume_ratio(0, None, half)[0] == 1  # no target: not assessed


# ----------------------------------------------------------------------------- measures


def test_volume_counts_published_items_and_villages_under_their_township(
    units: dict[str, Unit],
) -> None:
    put(units["mzj"], "2024-03-10 10:00", n=30)
    put(units["mzj"], "2024-03-11 10:00", n=5, status="withdrawn")  # not counted
    put(units["mzj"], "2024-03-11 10:00", n=5, status="draft")
    put(units["village"], "2024-05-01 10:00", n=60)
    put(units["qjz"], "2024-05-02 10:00", n=60)
    put(units["mzj"], "2024-07-01 00:30")  # after the as-of day (Beijing time): not counted
    table = scoring.compute_table(make_set(), as_of=D(2024, 6, 30))  # 182/366 of the year
    assert cell(table, "县民政局", "发布数量")["ratio"] == pytest.approx(
        30 / (120 * 182 / 366), abs=1e-4
    )
    assert cell(table, "琴江镇", "发布数量")["ratio"] == 1  # 120 of a due 119.3, capped
    assert "琴江镇古樟村" not in {r["unit"] for r in table["rows"]}
    assert cell(table, "高田镇", "发布数量")["points"] == 0


def test_freshness_one_item_in_a_month_counts_none_does_not(units: dict[str, Unit]) -> None:
    for month in (1, 2, 4):
        put(units["mzj"], f"2024-{month:02d}-15 09:00")
    put(units["mzj"], "2024-03-31 23:59")  # 23:59 Beijing time on 31 March is March
    put(units["zjj"], "2024-01-31 23:30")  # 15:30 UTC, but 31 January in the county
    facts = publication_facts(year=2024, as_of=D(2024, 4, 30))
    assert facts[units["mzj"].pk].months == {1: 1, 2: 1, 3: 1, 4: 1}
    table = scoring.compute_table(make_set(), as_of=D(2024, 4, 30))
    assert cell(table, "县民政局", "更新及时")["ratio"] == 1
    assert cell(table, "县住建局", "更新及时")["ratio"] == 0.25
    assert cell(table, "县住建局", "更新及时")["detail"] == "1／4个月有发布"
    assert cell(table, "高田镇", "更新及时")["ratio"] == 0


def test_freshness_running_month_counts_only_once_it_has_an_item(units: dict[str, Unit]) -> None:
    put(units["mzj"], "2024-01-10 09:00")
    put(units["mzj"], "2024-02-03 09:00")
    put(units["zjj"], "2024-01-10 09:00")
    table = scoring.compute_table(make_set(), as_of=D(2024, 2, 10))
    assert cell(table, "县民政局", "更新及时")["detail"] == "2／2个月有发布"
    assert cell(table, "县住建局", "更新及时")["detail"] == "1／1个月有发布"  # February not over
    early = scoring.compute_table(make_set(2025), as_of=D(2025, 1, 5))
    assert cell(early, "县住建局", "更新及时")["detail"] == scoring.NOT_APPLICABLE


def test_timely_publication_is_one_minus_the_late_share(units: dict[str, Unit]) -> None:
    put(units["mzj"], "2024-03-10 10:00", n=3)
    put(units["mzj"], "2024-03-10 10:00", is_late=True)
    table = scoring.compute_table(make_set(), as_of=D(2024, 3, 31))
    assert cell(table, "县民政局", "公开及时")["ratio"] == 0.75
    assert cell(table, "县民政局", "公开及时")["points"] == 7.5
    assert cell(table, "县住建局", "公开及时")["ratio"] == 1  # nothing published: 不适用
    assert cell(table, "县住建局", "公开及时")["detail"].startswith(scoring.NOT_APPLICABLE)


def _published_on(unit: Unit, day: str) -> None:
    editor = UserFactory(username=f"e{day}")
    reviewer = UserFactory(username=f"r{day}")
    MembershipFactory(user=editor, unit=unit, role=Role.EDITOR)
    MembershipFactory(user=reviewer, unit=unit, role=Role.REVIEWER)
    with time_machine.travel(f"{day} 10:00 +0800", tick=False):
        item = publication_services.publication_create(
            actor=editor, unit=unit, values=publication_values(written_on=D(2024, 3, 1))
        )
        publication_services.publication_submit(actor=editor, publication=item)
        publication_services.publication_approve(actor=reviewer, publication=item)


def test_published_exactly_on_the_due_day_is_not_late(units: dict[str, Unit]) -> None:
    # 成文 2024-03-01: 20 working days later is 2024-03-29 (条例第二十六条).
    _published_on(units["mzj"], "2024-03-29")
    _published_on(units["zjj"], "2024-04-01")
    table = scoring.compute_table(make_set(), as_of=D(2024, 4, 30))
    assert cell(table, "县民政局", "公开及时")["ratio"] == 1
    assert cell(table, "县住建局", "公开及时")["ratio"] == 0


def test_timely_reply_counts_replies_owed_in_the_period(units: dict[str, Unit]) -> None:
    mzj = units["mzj"]
    apply(mzj, due="2024-03-15", replied="2024-03-15")  # on the due day: on time
    apply(mzj, due="2024-03-15", replied="2024-03-18")  # late
    apply(mzj, due="2024-03-20")  # not replied, due passed: late
    apply(mzj, due="2024-03-31")  # due on the as-of day, not replied yet: not counted
    apply(mzj, due="2024-03-25", replied="2024-03-10", outcome="withdrawn", stage="closed")
    apply(mzj, due="2024-04-10", replied="2024-03-30")  # replied early; due next month
    apply(mzj, due="2023-12-29", replied="2024-01-05")  # owed last year
    facts = reply_facts(year=2024, as_of=D(2024, 3, 31))[mzj.pk]
    assert (facts.due_total, facts.on_time_total) == (3, 1)
    table = scoring.compute_table(make_set(), as_of=D(2024, 3, 31))
    assert cell(table, "县民政局", "依申请按时答复")["ratio"] == pytest.approx(1 / 3, abs=1e-4)
    assert cell(table, "县民政局", "依申请按时答复")["points"] == 3.3
    # A unit with no application owed gets full marks, marked 不适用.
    assert cell(table, "县住建局", "依申请按时答复")["points"] == 10
    assert cell(table, "县住建局", "依申请按时答复")["detail"].startswith(scoring.NOT_APPLICABLE)


def test_findings_count_items_with_blocking_findings_left_on_them(units: dict[str, Unit]) -> None:
    put(units["mzj"], "2024-03-10 10:00", n=5)
    put(units["mzj"], "2024-03-10 10:00", findings=BLOCKING)
    put(units["mzj"], "2024-03-10 10:00", findings=WARNING)  # a warning is no finding here
    put(units["village"], "2024-03-10 10:00", n=2, findings=BLOCKING)  # counts for 琴江镇
    put(units["zjj"], "2024-03-10 10:00", n=5, findings=BLOCKING)
    table = scoring.compute_table(make_set(), as_of=D(2024, 3, 31))
    assert cell(table, "县民政局", "检查发现")["ratio"] == 0.75  # 1 of 4 allowed
    assert cell(table, "琴江镇", "检查发现")["ratio"] == 0.5
    assert cell(table, "县住建局", "检查发现")["ratio"] == 0  # floored at zero


def test_manual_scores_and_totals(units: dict[str, Unit]) -> None:
    made = make_set(manual=Decimal(20))
    manual = made.indicators.get(measure=Measure.MANUAL)
    services.manual_score_enter(
        actor=None, indicator=manual, unit=units["mzj"], points="17.5", note="解读形式单一扣2.5分"
    )
    table = scoring.compute_table(made, as_of=D(2024, 3, 31))
    assert cell(table, "县民政局", "政策解读") == {
        "indicator": manual.pk,
        "points": 17.5,
        "ratio": 0.875,
        "detail": "解读形式单一扣2.5分",
    }
    assert cell(table, "县住建局", "政策解读")["points"] is None
    assert cell(table, "县住建局", "政策解读")["detail"] == "未录入"
    row = row_of(table, "县民政局")
    assert row["total"] == pytest.approx(sum(s["points"] or 0 for s in row["scores"]))
    assert table["total_weight"] == 70


def test_ranking_within_groups_shares_ranks_on_ties(units: dict[str, Unit], county: Unit) -> None:
    from tests.factories import UnitFactory

    third = UnitFactory(code="CZJ", name="县财政局", kind="department", parent=county)
    for unit in (units["mzj"], units["zjj"]):
        put(unit, "2024-01-15 10:00", n=20)
    put(third, "2024-01-15 10:00", n=1)
    put(units["gtz"], "2024-01-15 10:00", n=40)
    table = scoring.compute_table(make_set(), as_of=D(2024, 1, 31))
    ranks = {r["unit"]: (r["group"], r["rank"]) for r in table["rows"]}
    assert ranks["县民政局"] == ("departments", 1)
    assert ranks["县住建局"] == ("departments", 1)
    assert ranks["县财政局"] == ("departments", 3)
    assert ranks["高田镇"] == ("townships", 1)
    assert ranks["琴江镇"] == ("townships", 2)
    assert "石城县人民政府" not in ranks and "石城县政务公开办" not in ranks
    assert [r["group"] for r in table["rows"]][:3] == ["departments"] * 3


def test_score_table_takes_a_handful_of_queries(
    units: dict[str, Unit], django_assert_max_num_queries: Any
) -> None:
    made = make_set()
    put(units["mzj"], "2024-01-15 10:00", n=3)
    with django_assert_max_num_queries(8):
        scoring.score_table(made, as_of=D(2024, 12, 31))
