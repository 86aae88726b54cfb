"""Search by date (issue 11): newest published first, and a range of publication dates, both run
inside the full-text query (day, month and year tags), exactly alike on FTS5 and PostgreSQL."""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Callable
from typing import Any

import pytest

from gongkai.orgs.models import Role, Unit, User
from gongkai.publications import search, services
from gongkai.publications.models import Column, FiveClass, Publication, TopicCategory
from tests.factories import MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db

Publish = Callable[..., Publication]


@pytest.fixture
def publish(department: Unit, editor: User, time_machine: Any) -> Publish:
    reviewer: User = UserFactory(username="dates_reviewer")
    MembershipFactory(user=reviewer, unit=department, role=Role.REVIEWER)

    def _publish(title: str, at: str, body: str = "") -> Publication:
        time_machine.move_to(at, tick=False)
        item = services.publication_create(
            actor=editor,
            unit=department,
            values={
                "title": title,
                "doc_number": "",
                "written_on": dt.date.fromisoformat(at[:10]),
                "topic": TopicCategory.objects.get(code="0100"),
                "five_class": FiveClass.EXECUTION,
                "column": Column.objects.get(code="notices"),
                "body": body or f"{title}。",
            },
        )
        services.publication_submit(actor=editor, publication=item)
        return services.publication_approve(actor=reviewer, publication=item)

    return _publish


def _days(tags: list[str]) -> set[dt.date]:
    """The days a list of date tags covers."""
    days: set[dt.date] = set()
    for tag in tags:
        if tag.startswith("y"):
            first, last = dt.date(int(tag[1:]), 1, 1), dt.date(int(tag[1:]), 12, 31)
        elif tag.startswith("m"):
            first = dt.date(int(tag[1:5]), int(tag[5:7]), 1)
            last = (first + dt.timedelta(days=31)).replace(day=1) - dt.timedelta(days=1)
        else:
            first = last = dt.date(int(tag[1:5]), int(tag[5:7]), int(tag[7:9]))
        while first <= last:
            assert first not in days, tag  # no day twice
            days.add(first)
            first += dt.timedelta(days=1)
    return days


def test_date_tags_cover_exactly_the_range_with_few_tags() -> None:
    assert search.date_tags(dt.date(2024, 1, 1), dt.date(2024, 12, 31)) == ["y2024"]
    assert search.date_tags(dt.date(2024, 2, 1), dt.date(2024, 2, 29)) == ["m202402"]
    assert search.date_tags(dt.date(2024, 3, 30), dt.date(2024, 4, 2)) == [
        "t20240330",
        "t20240331",
        "t20240401",
        "t20240402",
    ]
    assert search.date_tags(dt.date(2023, 12, 31), dt.date(2025, 2, 1)) == [
        "t20231231",
        "y2024",
        "m202501",
        "t20250201",
    ]
    assert search.date_tags(dt.date(2024, 5, 2), dt.date(2024, 5, 1)) == [search.NO_DAY]
    rng = random.Random(11)  # reproducible cases
    for _ in range(300):
        first = dt.date(2019, 1, 1) + dt.timedelta(days=rng.randrange(2000))
        last = first + dt.timedelta(days=rng.randrange(1500))
        tags = search.date_tags(first, last)
        wanted = {first + dt.timedelta(days=n) for n in range((last - first).days + 1)}
        assert _days(tags) == wanted, (first, last)
        assert len(tags) <= 62 + 22 + (last.year - first.year)


def _titles(query: str, **kwargs: Any) -> list[str]:
    page = search.search(query, Publication.objects.all(), **kwargs)
    return [p.title for p in page.items]


def _between(first: str | None, last: str | None) -> search.Filters:
    return search.Filters(
        published_from=dt.date.fromisoformat(first) if first else None,
        published_to=dt.date.fromisoformat(last) if last else None,
    )


def test_newest_first_follows_the_publication_date_not_the_order_added(publish: Publish) -> None:
    # Added in this order; published (as an archive import would date them) out of it.
    publish("低保资金发放公示（三月）", "2024-03-10 10:00 +0800")
    publish("低保资金发放公示（一月）", "2024-01-05 10:00 +0800")
    publish("低保资金发放公示（五月）", "2024-05-20 10:00 +0800")
    publish("低保资金发放公示（二月）", "2024-02-14 10:00 +0800")
    newest = _titles("低保", sort=search.NEWEST)
    assert newest == [
        "低保资金发放公示（五月）",
        "低保资金发放公示（三月）",
        "低保资金发放公示（二月）",
        "低保资金发放公示（一月）",
    ]
    # Paged: the second page goes on where the first stopped.
    assert _titles("低保", sort=search.NEWEST, offset=1, limit=2) == newest[1:3]
    # Relevance is unchanged by the option (the exact title first).
    assert _titles("低保资金发放公示（一月）")[0] == "低保资金发放公示（一月）"


def test_a_range_of_dates_includes_both_days_in_the_county_time_zone(publish: Publish) -> None:
    # 23:30 in the county is still 03-10; 00:30 the next morning is 03-11 (16:30 UTC on 03-10).
    publish("农村危房改造名单（夜）", "2024-03-10 23:30 +0800")
    publish("农村危房改造名单（晨）", "2024-03-11 00:30 +0800")
    publish("农村危房改造名单（上年）", "2023-12-31 12:00 +0800")
    publish("农村危房改造名单（次年）", "2025-01-01 12:00 +0800")
    found = _titles("危房", filters=_between("2024-03-10", "2024-03-10"))
    assert found == ["农村危房改造名单（夜）"]
    found = _titles("危房", filters=_between("2024-03-11", "2024-12-31"), sort=search.NEWEST)
    assert found == ["农村危房改造名单（晨）"]
    # Open ends: from a day on, up to a day.
    assert _titles("危房", filters=_between("2024-01-01", None), sort=search.NEWEST) == [
        "农村危房改造名单（次年）",
        "农村危房改造名单（晨）",
        "农村危房改造名单（夜）",
    ]
    assert _titles("危房", filters=_between(None, "2023-12-31")) == ["农村危房改造名单（上年）"]
    # A range wider than everything published filters nothing; an empty one finds nothing.
    assert len(_titles("危房", filters=_between("2000-01-01", "2030-12-31"))) == 4
    assert _titles("危房", filters=_between("2024-06-01", "2024-05-01")) == []
    assert _titles("危房", filters=_between("2026-01-01", None)) == []
    # The count is the count within the range; one character reads the table of characters.
    page = search.search("危", Publication.objects.all(), filters=_between("2024-03-01", None))
    assert page.total == 3
    # The range goes with the other filters.
    both = search.Filters(
        year=2024,
        published_from=dt.date(2024, 3, 11),
        published_to=dt.date(2024, 3, 31),
    )
    assert _titles("危房", filters=both) == ["农村危房改造名单（晨）"]
    assert search.matching_ids("危房", _between("2025-01-01", "2025-01-01")) == [
        Publication.objects.get(title="农村危房改造名单（次年）").pk
    ]


def test_walking_pays_for_a_front_page_of_many_hits_among_few_items(publish: Publish) -> None:
    for n in range(6):
        publish(f"第{n}期防汛简报", f"2024-0{n + 1}-10 10:00 +0800")
    publish("森林防火公告", "2024-07-10 10:00 +0800")
    # The yearly counts stand for the items walked; a range takes its share of them.
    assert search._published_within(None) == 7
    january = search._window(_between("2024-01-01", "2024-01-31"))
    assert search._published_within(january) == pytest.approx(7 * 31 / 366)
    # 6 hits among 7 items: the first page costs a few rows walked, page 3 as much as collecting.
    assert search._walk_is_cheaper(None, total=6, need=2)
    assert not search._walk_is_cheaper(None, total=6, need=6)
    assert not search._walk_is_cheaper(None, total=1, need=1)


def test_very_many_hits_walk_the_dates_and_agree_with_the_collected_order(
    publish: Publish, monkeypatch: pytest.MonkeyPatch
) -> None:
    rng = random.Random(5)  # reproducible dates
    for n in range(12):
        day = dt.date(2024, 1, 1) + dt.timedelta(days=rng.randrange(200))
        publish(f"第{n}期惠民补贴公示", f"{day.isoformat()} {rng.randrange(24):02d}:00 +0800")
    publish("第99期惠民补贴公示", "2024-04-01 08:00 +0800")
    publish("第98期惠民补贴公示", "2024-04-01 08:00 +0800")  # same moment: newest added first
    cases: list[dict[str, Any]] = [
        {},
        {"filters": _between("2024-02-01", "2024-05-31")},
        {"filters": _between("2024-04-01", None)},
    ]
    for query in ("补贴", "惠", "公示 补贴"):
        for case in cases:
            with monkeypatch.context() as patched:
                # Walking never pays: every page collects the hits and sorts them.
                patched.setattr(search, "WALK_COST", 1e9)
                collected = [_titles(query, sort=search.NEWEST, offset=o, limit=3, **case)
                             for o in range(0, 15, 3)]  # fmt: skip
            dates = [
                p.published_at
                for p in search.search(
                    query, Publication.objects.all(), sort=search.NEWEST, limit=50, **case
                ).items
            ]
            assert dates == sorted(dates, reverse=True)
            with monkeypatch.context() as patched:
                # Past COUNT_LIMIT the hits are too many to collect: the dates are walked.
                patched.setattr(search, "COUNT_LIMIT", 2)
                walked = [_titles(query, sort=search.NEWEST, offset=o, limit=3, **case)
                          for o in range(0, 15, 3)]  # fmt: skip
            with monkeypatch.context() as patched:
                # Walking always pays (with the yearly counts to go by).
                patched.setattr(search, "WALK_COST", 0)
                cheap = [_titles(query, sort=search.NEWEST, offset=o, limit=3, **case)
                         for o in range(0, 15, 3)]  # fmt: skip
            assert walked == collected == cheap, (query, case)
    order = _titles("补贴", sort=search.NEWEST, limit=50)
    assert order.index("第98期惠民补贴公示") + 1 == order.index("第99期惠民补贴公示")
