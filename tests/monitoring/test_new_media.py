"""New-media accounts: the Monday–Sunday week, the weekly flag (fewer posts than required), the
two-week idle rule (idle 13 days passes, 14 fails), accounts not yet opened or no longer
monitored, and the monthly report's new-media section."""

from __future__ import annotations

import pytest

from gongkai.monitoring.models import NewMediaAccount, Platform
from gongkai.monitoring.new_media import (
    AccountStatus,
    account_statuses,
    last_complete_week,
    month_section,
    week_start,
    weeks_ending_in,
)
from gongkai.orgs.models import Unit
from tests.monitoring.conftest import account, day, posts

pytestmark = pytest.mark.django_db


def test_weeks() -> None:
    assert week_start(day("2024-10-27")) == day("2024-10-21")  # a Sunday
    assert week_start(day("2024-10-28")) == day("2024-10-28")  # a Monday
    assert last_complete_week(day("2024-10-27")) == day("2024-10-21")  # Sunday: that week
    assert last_complete_week(day("2024-10-26")) == day("2024-10-14")
    # weeks whose Sunday falls in October 2024: 6, 13, 20, 27 October
    assert weeks_ending_in(day("2024-10-01"), day("2024-10-31")) == [
        day("2024-09-30"),
        day("2024-10-07"),
        day("2024-10-14"),
        day("2024-10-21"),
    ]


def status_of(acct: NewMediaAccount, as_of: str) -> AccountStatus:
    [found] = [s for s in account_statuses(day(as_of)) if s.account.pk == acct.pk]
    return found


@pytest.mark.parametrize(
    ("days", "count", "flagged"),
    [
        (["2024-10-21", "2024-10-27"], 2, False),  # Monday and Sunday of the week
        (["2024-10-21"], 1, True),
        (["2024-10-20", "2024-10-21"], 1, True),  # the Sunday before is the week before
        (["2024-10-27", "2024-10-28"], 1, True),  # the Monday after is the week after
    ],
)
def test_fewer_posts_than_required_in_a_week_is_flagged(
    department: Unit, days: list[str], count: int, flagged: bool
) -> None:
    acct = account(department)
    posts(acct, *days)
    status = status_of(acct, "2024-10-28")
    assert status.week_counts == {day("2024-10-21"): count}
    assert status.flagged is flagged


def test_required_posts_are_per_account(department: Unit) -> None:
    acct = account(department, required_per_week=1)
    posts(acct, "2024-10-23")
    assert status_of(acct, "2024-10-28").flagged is False


@pytest.mark.parametrize(("last", "stale"), [("2024-10-18", False), ("2024-10-17", True)])
def test_idle_two_weeks_fails(department: Unit, last: str, stale: bool) -> None:
    acct = account(department)
    posts(acct, "2024-09-01", last, "2024-11-05")  # a later post does not count on 31 October
    status = status_of(acct, "2024-10-31")
    assert status.stale is stale
    assert status.latest == day(last)


def test_never_posted(department: Unit) -> None:
    old = account(department, "老账号")
    new = account(department, "新账号", opened_on=day("2024-10-25"))
    assert status_of(old, "2024-10-31").stale is True
    fresh = status_of(new, "2024-10-31")
    assert fresh.stale is False and fresh.idle_days == 6
    # the week 21–27 October began before it opened: not checked
    assert fresh.week_counts == {}


def test_inactive_and_unopened_accounts_are_not_monitored(department: Unit) -> None:
    account(department, "停用", is_active=False)
    account(department, "未开设", opened_on=day("2024-11-01"))
    assert account_statuses(day("2024-10-31")) == []


def test_month_section(department: Unit, other_department: Unit, township: Unit) -> None:
    assert (
        month_section(first=day("2024-10-01"), last=day("2024-10-31"), as_of=day("2024-10-31"))
        is None
    )
    good = account(department, "石城民政")
    posts(good, *[f"2024-10-{d:02d}" for d in (1, 3, 8, 10, 15, 17, 22, 24, 29)])
    weak = account(other_department, "石城住建", platform=Platform.DOUYIN)
    posts(weak, "2024-10-01", "2024-10-03", "2024-10-08", "2024-10-15", "2024-10-29")
    idle = account(township, "琴江发布", platform=Platform.WEIBO)
    posts(idle, "2024-10-01", "2024-10-02")
    section = month_section(
        first=day("2024-10-01"), last=day("2024-10-31"), as_of=day("2024-10-31")
    )
    assert section is not None
    assert (section["accounts"], section["checked"], section["check_rate"]) == (3, 3, "100%")
    assert section["by_platform"] == [
        {"platform": "微信公众号", "code": "wechat", "count": 1},
        {"platform": "新浪微博", "code": "weibo", "count": 1},
        {"platform": "抖音", "code": "douyin", "count": 1},
    ]
    assert len(section["weeks"]) == 4
    flagged = {f["account"]: f for f in section["flagged"]}
    assert set(flagged) == {"石城住建", "琴江发布"}
    # 石城住建: 1 post in the weeks of 7, 14 and 21 October (0 in the last)
    assert flagged["石城住建"]["flagged_weeks"] == 3
    assert flagged["石城住建"]["unit"] == "县住建局"
    assert flagged["石城住建"]["month_posts"] == 5
    [stale] = section["stale"]
    assert (stale["account"], stale["idle_days"], stale["described"]) == (
        "琴江发布",
        29,
        "琴江镇微博“琴江发布”",
    )
