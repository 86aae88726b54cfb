"""Column freshness: the newest published item per column by 发布日期 (withdrawn and undated items
do not count), idle days, the stale boundary (nothing in the window of update_days days ending on
the day: 两周 idle 13 fresh, 14 stale; 每日 must be updated that day), roll-up to parent columns,
blank columns, longest idle first, and one query per page whatever the number of items."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from gongkai.monitoring.freshness import (
    ColumnFreshness,
    class_label,
    column_freshness,
    stale_columns,
)
from gongkai.orgs.models import Unit
from gongkai.publications.models import Column, PublicationStatus
from tests.monitoring.conftest import at, day, put

pytestmark = pytest.mark.django_db


def by_code(as_of: str) -> dict[str, ColumnFreshness]:
    return {c.code: c for c in column_freshness(day(as_of))}


@pytest.mark.parametrize(
    ("published", "idle", "stale"),
    [
        ("2024-10-31 08:00", 0, False),
        ("2024-10-18 23:59", 13, False),  # the 14-day window 18–31 October holds it
        ("2024-10-17 23:59", 14, True),
        ("2024-10-01 00:00", 30, True),
    ],
)
def test_fortnightly_boundary(department: Unit, published: str, idle: int, stale: bool) -> None:
    put(department, at(published), column="news")
    news = by_code("2024-10-31")["news"]
    assert news.idle_days == idle
    assert news.stale is stale
    assert news.latest == at(published).date()


def test_daily_column_must_be_updated_that_day(department: Unit) -> None:
    Column.objects.filter(code="news").update(update_days=1)
    put(department, at("2024-10-30 23:59"), column="news")
    assert by_code("2024-10-30")["news"].stale is False
    assert by_code("2024-10-31")["news"].stale is True


def test_items_after_the_day_withdrawn_drafts_and_undated_do_not_count(department: Unit) -> None:
    put(department, at("2024-10-10 10:00"), column="news")
    put(department, at("2024-11-01 00:00"), column="news")  # after the end of 31 October
    put(department, at("2024-10-30 10:00"), column="news", status=PublicationStatus.WITHDRAWN)
    put(department, at("2024-10-30 10:00"), column="news", status=PublicationStatus.DRAFT)
    put(department, None, column="news")  # no publication time: not an update
    news = by_code("2024-10-31")["news"]
    assert news.latest == day("2024-10-10")
    assert news.idle_days == 21


def test_midnight_in_beijing_counts_on_that_day(department: Unit) -> None:
    # 2024-10-31 00:30 in Beijing is still 30 October in UTC.
    put(department, at("2024-10-31 00:30"), column="news")
    assert by_code("2024-10-31")["news"].idle_days == 0


def test_undated_item_makes_a_column_not_blank_but_not_updated(department: Unit) -> None:
    put(department, None, column="notices")
    notices = by_code("2024-10-31")["notices"]
    assert notices.blank is False
    assert notices.latest is None and notices.stale is True


def test_parent_is_as_fresh_as_its_freshest_child(department: Unit) -> None:
    put(department, at("2024-10-20 10:00"), column="notices")
    put(department, at("2024-10-25 10:00"), column="news")
    fresh = by_code("2024-10-31")
    statutory = fresh["statutory"]
    assert statutory.latest == day("2024-10-25")
    assert statutory.blank is False and statutory.is_leaf is False
    assert statutory.stale is False  # it has no update class
    assert fresh["budget"].blank is True and fresh["budget"].depth == 1
    assert fresh["guide"].depth == 0


def test_stale_columns_longest_idle_first(department: Unit) -> None:
    put(department, at("2024-10-01 10:00"), column="news")  # 30 days
    put(department, at("2024-09-01 10:00"), column="standardization")  # 60 days
    put(department, at("2024-01-01 10:00"), column="notices")  # 304 days
    names = [c.code for c in stale_columns(day("2024-10-31"))]
    # never-updated columns first (in column order), then the longest idle
    assert names == [
        "normative",
        "policies",
        "interpretation",
        "notices",
        "standardization",
        "news",
    ]


def test_labels() -> None:
    assert [class_label(d) for d in (1, 14, 183, 365, None, 30)] == [
        "每日",
        "两周",
        "半年",
        "一年",
        "不要求",
        "每30天",
    ]


def test_one_query_whatever_the_number_of_items(department: Unit) -> None:
    for n in range(5):
        put(department, at(f"2024-10-0{n + 1} 10:00"), column="news", n=3)
    with CaptureQueriesContext(connection) as queries:
        column_freshness(day("2024-10-31"))
    assert len(queries) == 1
