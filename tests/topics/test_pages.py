"""The public topic pages: the list, a topic with its intro, pinned items, sections and paged
items, 检索 within the topic (with dates), the feed, 404s, and the page's query count."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from gongkai.orgs.models import User
from gongkai.topics import selectors, services
from tests.portal.publishing import Publish
from tests.topics.conftest import MakeTopic, rule

pytestmark = pytest.mark.django_db

ATOM = "{http://www.w3.org/2005/Atom}"


def _page(client: Client, slug: str, **query: Any) -> Any:
    return client.get(reverse("portal:topic", args=[slug]), query)


def test_the_list_shows_active_topics_only(client: Client, make_topic: MakeTopic) -> None:
    make_topic("yingshang", title="优化营商环境")
    make_topic("hidden", title="筹备中的专题", is_active=False)
    page = client.get(reverse("portal:topics")).content.decode()
    assert "优化营商环境" in page and "筹备中的专题" not in page
    assert _page(client, "hidden").status_code == 404
    assert _page(client, "no-such-topic").status_code == 404
    assert client.get(reverse("portal:feed_topic", args=["hidden"])).status_code == 404
    home = client.get(reverse("portal:home")).content.decode()
    assert reverse("portal:topics") in home
    assert reverse("portal:topics") in client.get(reverse("portal:sitemap")).content.decode()


@pytest.mark.parametrize("walk_from", [2000, 0], ids=["listed", "walked"])
def test_a_topic_page_shows_intro_pinned_sections_and_items(
    client: Client,
    publish: Publish,
    make_topic: MakeTopic,
    office: User,
    monkeypatch: pytest.MonkeyPatch,
    walk_from: int,
) -> None:
    """A small topic's page reads its list of ids; a large one's walks the date index: the
    same page either way."""
    monkeypatch.setattr(selectors, "WALK_FROM", walk_from)
    plan = publish(title="石城县优化营商环境工作方案", at="2024-03-10 10:00 +0800")
    publish(title="营商环境座谈会", column="news")
    publish(title="无关的信息")
    topic = make_topic(keywords="营商", pinned=[plan.pk])
    services.section_save(actor=office, topic=topic, title="工作动态", rule=rule(columns=["news"]))
    response = _page(client, "yingshang")
    page = response.content.decode()
    assert response.status_code == 200
    assert "集中公开优化营商环境的政策。" in page
    assert "置顶" in page and "工作动态" in page
    assert "营商环境座谈会" in page and "无关的信息" not in page
    assert "共2条信息" in page
    assert reverse("portal:feed_topic", args=["yingshang"]) in page


@pytest.mark.parametrize("probe_limit", [2000, 0], ids=["scope", "match-first"])
def test_search_within_the_topic_and_by_dates(
    client: Client,
    publish: Publish,
    make_topic: MakeTopic,
    monkeypatch: pytest.MonkeyPatch,
    probe_limit: int,
) -> None:
    """Both ways of searching a topic (its items as the search's scope; the match first, for a
    large topic on SQLite) give the same answers."""
    monkeypatch.setattr(selectors, "PROBE_LIMIT", probe_limit)
    publish(title="营商环境与低保工作", at="2024-03-20 10:00 +0800")
    publish(title="营商环境座谈会", body="<p>会议研究了审批改革。</p>", at="2024-06-20 10:00 +0800")
    publish(title="低保标准的通知")  # has 低保, but is not in the topic
    make_topic(keywords="营商")
    page = _page(client, "yingshang", q="低保").content.decode()
    assert "检索结果：1条" in page and "<mark>低保</mark>" in page
    assert "低保标准的通知" not in page
    page = _page(client, "yingshang", q="营商", date_from="2024-06-01").content.decode()
    assert "检索结果：1条" in page and "座谈会" in page
    # Dates without words narrow the list.
    page = _page(client, "yingshang", date_to="2024-04-01").content.decode()
    assert "共1条信息" in page and "营商环境与低保工作" in page and "座谈会" not in page
    # A malformed date is reported and left out.
    bad = _page(client, "yingshang", q="营商", date_from="2024-13-40")
    assert bad.status_code == 200 and "日期格式不对" in bad.content.decode()
    assert "检索结果：2条" in bad.content.decode()
    assert _page(client, "yingshang", q="营商", page="9").status_code == 404


@pytest.mark.parametrize("walk_from", [2000, 0], ids=["listed", "walked"])
def test_pages_past_the_end_are_404(
    client: Client,
    publish: Publish,
    make_topic: MakeTopic,
    monkeypatch: pytest.MonkeyPatch,
    walk_from: int,
) -> None:
    monkeypatch.setattr(selectors, "WALK_FROM", walk_from)
    for n in range(21):
        publish(title=f"营商环境信息{n:02d}", at=f"2024-04-{n + 1:02d} 10:00 +0800")
    make_topic(keywords="营商")
    second = _page(client, "yingshang", page="2")
    assert second.status_code == 200 and "营商环境信息00" in second.content.decode()
    assert "置顶" not in second.content.decode()
    past = _page(client, "yingshang", page="3")
    assert past.status_code == 404 and "没有这一页" in past.content.decode()


def test_the_feed_holds_the_topics_items(
    client: Client, publish: Publish, make_topic: MakeTopic
) -> None:
    publish(title="营商环境座谈会")
    publish(title="无关的信息")
    make_topic(keywords="营商")
    response = client.get(reverse("portal:feed_topic", args=["yingshang"]))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/atom+xml")
    root = ET.fromstring(response.content)  # noqa: S314 - our own feed
    assert "优化营商环境" in (root.findtext(f"{ATOM}title") or "")
    titles = [e.findtext(f"{ATOM}title") for e in root.iter(f"{ATOM}entry")]
    assert titles == ["营商环境座谈会"]


def _queries(client: Client, slug: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert _page(client, slug).status_code == 200
    return len(captured.captured_queries)


def test_the_topic_page_query_count_does_not_grow_with_items(
    client: Client, publish: Publish, make_topic: MakeTopic, office: User
) -> None:
    """The topic, its rule (one UNION), the pins, the sections and their rules, one statement a
    section, the count and the page: the same however many items there are."""
    publish(title="营商环境信息一")
    topic = make_topic(keywords="营商", pinned=[publish(title="置顶信息").pk])
    services.section_save(actor=office, topic=topic, title="工作动态", rule=rule(columns=["news"]))
    few = _queries(client, "yingshang")
    for n in range(5):
        publish(title=f"营商环境信息{n}", column="news")
    assert _queries(client, "yingshang") == few
    assert few <= 10
