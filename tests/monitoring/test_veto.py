"""The single-veto items of 国办秘函〔2019〕19号, each with a passing and a failing case and its
boundary: probes (5% of a week's probes failed fails; none is 未评估), the home page (idle 13 days
passes, 14 fails), the three column rules (5 idle news/notice columns, 10 columns not updated, 5
blank columns), interaction (messages unanswered over 3 months, or recorded) and the recorded serious incidents (the year
ending on the day; cancelled ones do not count)."""

from __future__ import annotations

import datetime as dt

import pytest

from gongkai.monitoring.models import Incident, IncidentKind, Probe
from gongkai.monitoring.veto import FAIL, NOT_EVALUATED, PASS, SiteCheck, site_check, year_before
from gongkai.orgs.models import Unit
from gongkai.publications.models import Column
from tests.monitoring.conftest import at, day, put

pytestmark = pytest.mark.django_db
AS_OF = "2024-10-31"


def result(check: SiteCheck, rule: str) -> tuple[str, str]:
    found = next(r for r in check.results if r.rule == rule)
    return found.outcome, found.reason


def fill_every_leaf(unit: Unit, when: str = "2024-10-30 10:00") -> None:
    """One item in every column without sub-columns: nothing blank, nothing idle."""
    parents = set(Column.objects.exclude(parent=None).values_list("parent_id", flat=True))
    for column in Column.objects.exclude(pk__in=parents):
        put(unit, at(when), column=column.code)


def idle(codes: list[str]) -> None:
    """Move every item of these columns to a year before the check."""
    from gongkai.publications.models import Publication

    Publication.objects.filter(column__code__in=codes).update(published_at=at("2023-10-01 10:00"))


# ---------------------------------------------------------------------------- 站点无法访问


def probes(ok: int, failed: int, *, start: str = "2024-10-25 00:00") -> None:
    moment = at(start)
    for n in range(ok + failed):
        Probe.objects.create(
            url="https://www.example.gov.cn/",
            checked_at=moment + dt.timedelta(minutes=30 * n),
            ok=n >= failed,
            status_code=200 if n >= failed else None,
            elapsed_ms=300,
            error="" if n >= failed else "超时",
        )


def test_no_probes_is_not_evaluated(db: object) -> None:
    outcome, reason = result(site_check(day(AS_OF)), "unreachable")
    assert outcome == NOT_EVALUATED
    assert "没有首页可用性检测记录" in reason


@pytest.mark.parametrize(("ok", "failed", "outcome"), [(19, 1, FAIL), (20, 1, PASS), (20, 0, PASS)])
def test_five_percent_of_probes_failing_fails(ok: int, failed: int, outcome: str) -> None:
    probes(ok, failed)
    found, reason = result(site_check(day(AS_OF)), "unreachable")
    assert found == outcome
    assert f"检测{ok + failed}次" in reason


def test_only_the_last_seven_days_count(db: object) -> None:
    probes(0, 5, start="2024-10-24 12:00")  # 24 October: before the week 25–31 October
    probes(10, 0, start="2024-10-25 00:00")
    assert result(site_check(day(AS_OF)), "unreachable")[0] == PASS
    assert result(site_check(day("2024-10-30")), "unreachable")[0] == FAIL


# ---------------------------------------------------------------------------- 首页不更新


@pytest.mark.parametrize(
    ("published", "outcome"), [("2024-10-18 09:00", PASS), ("2024-10-17 23:00", FAIL)]
)
def test_home_page_idle_two_weeks_fails(department: Unit, published: str, outcome: str) -> None:
    put(department, at(published), column="notices", title="关于秋季防火的通告")
    found, reason = result(site_check(day(AS_OF)), "home")
    assert found == outcome
    assert "关于秋季防火的通告" in reason or outcome == FAIL


def test_empty_site_fails_the_home_page(db: object) -> None:
    assert result(site_check(day(AS_OF)), "home")[0] == FAIL


# ---------------------------------------------------------------------------- 栏目不更新


def test_fresh_site_passes_the_column_rules(department: Unit) -> None:
    fill_every_leaf(department)
    outcome, reason = result(site_check(day(AS_OF)), "columns")
    assert outcome == PASS
    assert "空白栏目0个" in reason


@pytest.mark.parametrize(
    ("codes", "outcome"),
    [
        (["news", "standardization", "normative", "policies"], PASS),
        (["news", "standardization", "normative", "policies", "interpretation"], FAIL),
    ],
)
def test_five_idle_news_and_notice_columns_fail(
    department: Unit, codes: list[str], outcome: str
) -> None:
    fill_every_leaf(department)
    idle(codes)
    check = site_check(day(AS_OF))
    found, reason = result(check, "columns")
    assert found == outcome
    evidence = next(r for r in check.results if r.rule == "columns").evidence
    assert any("“工作动态”栏目最近发布于2023-10-01" in e.text for e in evidence)
    if outcome == FAIL:
        assert "合计5个" in reason


def test_a_column_set_to_no_duty_is_left_out(department: Unit) -> None:
    fill_every_leaf(department)
    idle(["news", "standardization", "normative", "policies", "interpretation"])
    Column.objects.filter(code="interpretation").update(update_days=None)
    assert result(site_check(day(AS_OF)), "columns")[0] == PASS


def test_notice_column_idle_183_days_counts_182_does_not(department: Unit) -> None:
    fill_every_leaf(department)
    idle(["news", "standardization", "normative", "policies"])
    from gongkai.publications.models import Publication

    interpretation = Publication.objects.filter(column__code="interpretation")
    interpretation.update(published_at=at("2024-05-02 10:00"))  # 182 days before 31 October
    assert result(site_check(day(AS_OF)), "columns")[0] == PASS
    interpretation.update(published_at=at("2024-05-01 10:00"))  # 183 days
    assert result(site_check(day(AS_OF)), "columns")[0] == FAIL


OTHER_COLUMNS = [
    "guide",
    "rules",
    "functions",
    "budget",
    "key-areas",
    "personnel",
    "plans",
    "village",
    "annual-reports",
    "on-request",
]


@pytest.mark.parametrize(("count", "outcome"), [(9, PASS), (10, FAIL)])
def test_ten_columns_with_a_duty_not_updated_fail(
    department: Unit, count: int, outcome: str
) -> None:
    fill_every_leaf(department)
    chosen = OTHER_COLUMNS[:count]
    Column.objects.filter(code__in=chosen).update(update_days=365)
    idle(chosen)  # a year and a month ago
    found, reason = result(site_check(day(AS_OF)), "columns")
    assert found == outcome
    assert f"应更新但未更新的栏目{count}个" in reason


@pytest.mark.parametrize(("count", "outcome"), [(4, PASS), (5, FAIL)])
def test_five_blank_columns_fail(department: Unit, count: int, outcome: str) -> None:
    fill_every_leaf(department)
    from gongkai.publications.models import Publication

    Publication.objects.filter(column__code__in=OTHER_COLUMNS[:count]).delete()
    check = site_check(day(AS_OF))
    found, reason = result(check, "columns")
    assert found == outcome
    assert f"空白栏目{count}个" in reason
    evidence = next(r for r in check.results if r.rule == "columns").evidence
    assert any("“政府信息公开指南”为空白栏目" in e.text for e in evidence)


# ---------------------------------------------------------------------------- incidents


def test_interaction_passes_unless_recorded_or_stale(department: Unit) -> None:
    # Messages unanswered over 3 months: tests/interaction/test_monitoring.py.
    outcome, reason = result(site_check(day(AS_OF)), "interaction")
    assert outcome == PASS
    assert "超过3个月未答复" in reason
    Incident.objects.create(
        kind=IncidentKind.INTERACTION,
        occurred_on=day("2024-06-01"),
        description="“书记信箱”一条有效留言超过3个月未回复",
        unit=department,
    )
    check = site_check(day(AS_OF))
    assert result(check, "interaction")[0] == FAIL
    evidence = next(r for r in check.results if r.rule == "interaction").evidence
    assert evidence[0].unit_code == "MZJ"
    assert "unit=MZJ" in evidence[0].rectification_url


@pytest.mark.parametrize(
    ("occurred", "outcome"),
    [("2024-10-31", FAIL), ("2023-11-01", FAIL), ("2023-10-31", PASS), ("2024-11-01", PASS)],
)
def test_serious_incidents_of_the_past_year_fail(
    department: Unit, occurred: str, outcome: str
) -> None:
    Incident.objects.create(
        kind=IncidentKind.WORDING, occurred_on=day(occurred), description="领导姓名写错"
    )
    check = site_check(day(AS_OF))
    assert result(check, "wording")[0] == outcome
    assert result(check, "secret")[0] == PASS


def test_cancelled_incidents_do_not_count(db: object) -> None:
    Incident.objects.create(
        kind=IncidentKind.SECRET,
        occurred_on=day("2024-10-01"),
        description="误录",
        cancelled_at=at("2024-10-02 09:00"),
        cancel_reason="登记错误",
    )
    assert result(site_check(day(AS_OF)), "secret")[0] == PASS


def test_year_before_a_leap_day() -> None:
    assert year_before(day("2024-02-29")) == day("2023-02-28")


def test_verdict(department: Unit) -> None:
    fill_every_leaf(department)
    probes(20, 0)
    check = site_check(day(AS_OF))
    assert check.verdict == PASS
    Incident.objects.create(kind=IncidentKind.OTHER, occurred_on=day(AS_OF), description="被篡改")
    check = site_check(day(AS_OF))
    assert check.verdict == FAIL
    assert check.verdict_text == "不合格：单项否决（其他严重问题）"
    assert check.as_dict()["results"][0]["rule"] == "unreachable"
