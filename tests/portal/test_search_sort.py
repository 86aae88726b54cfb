"""The search page's order and date range (issue 11): relevance or newest first, 发布日期 from and
to, all in the address and kept by the pager and the unit links; a wrong date is reported and
left out, never a crash; a page past the end links back to the last page."""

from __future__ import annotations

import datetime as dt
import re
from html import unescape
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
from django.test import Client
from django.urls import reverse

from tests.portal.publishing import Publish

pytestmark = pytest.mark.django_db


def _get(client: Client, status: int = 200, **query: Any) -> str:
    response = client.get(reverse("portal:search"), query)
    assert response.status_code == status, response.status_code
    return response.content.decode()


def _titles(html: str) -> list[str]:
    found = re.findall(r"<h3><a href=\"/xxgk/\d+/\">(.*?)</a></h3>", html)
    return [re.sub(r"</?mark>", "", title) for title in found]


def _link(html: str, text: str) -> str:
    found = re.search(r'<a href="([^"]*)"[^>]*>' + re.escape(text) + "</a>", html)
    assert found is not None, text
    return unescape(found.group(1))


def _query(url: str) -> dict[str, list[str]]:
    return parse_qs(urlsplit(url).query)


@pytest.fixture
def dated(publish: Publish, publish_other: Publish) -> None:
    # The exact title first by relevance; by date the newest, whatever the order added.
    publish(
        title="城乡低保标准",
        at="2023-05-06 10:00 +0800",
        written_on=dt.date(2023, 5, 4),
        body="<p>低保标准。</p>",
    )
    publish(title="关于调整城乡低保标准的通知", at="2024-08-01 10:00 +0800")
    publish(
        title="低保资金发放公示",
        at="2024-02-29 23:30 +0800",
        written_on=dt.date(2024, 2, 27),
        body="<p>城乡低保标准。</p>",
    )
    publish_other(title="城乡低保标准解读", at="2024-11-20 09:00 +0800")


def test_relevance_by_default_and_newest_first_on_request(client: Client, dated: None) -> None:
    relevance = _get(client, q="城乡低保标准")
    assert _titles(relevance)[0] == "城乡低保标准"
    assert '<strong aria-current="true">相关度</strong>' in relevance
    newest_url = _link(relevance, "发布日期（最新在前）")
    assert _query(newest_url) == {"q": ["城乡低保标准"], "sort": ["date"]}
    newest = client.get(reverse("portal:search") + newest_url).content.decode()
    assert _titles(newest) == [
        "城乡低保标准解读",
        "关于调整城乡低保标准的通知",
        "低保资金发放公示",
        "城乡低保标准",
    ]
    assert '<strong aria-current="true">发布日期（最新在前）</strong>' in newest
    # The form keeps the order when the words or filters change.
    assert '<input type="hidden" name="sort" value="date">' in newest
    assert _query(_link(newest, "相关度")) == {"q": ["城乡低保标准"]}
    # An unknown order is relevance, not an error page.
    assert _titles(_get(client, q="城乡低保标准", sort="oldest"))[0] == "城乡低保标准"


def test_a_date_range_includes_both_days(client: Client, dated: None) -> None:
    html = _get(client, q="低保", date_from="2024-02-29", date_to="2024-08-01", sort="date")
    assert _titles(html) == ["关于调整城乡低保标准的通知", "低保资金发放公示"]
    assert "共找到2条结果" in html
    assert 'name="date_from" id="id_date_from" value="2024-02-29"' in html
    # Either end may be left open; the folded filters are open when one is set.
    assert _titles(_get(client, q="低保", date_to="2023-12-31")) == ["城乡低保标准"]
    assert len(_titles(_get(client, q="低保", date_from="2024-03-01"))) == 2
    assert '<details class="filters-fold" open>' in html
    assert '<details class="filters-fold">' in _get(client, q="低保")
    # Dates typed the way people write them without a date picker.
    assert _titles(_get(client, q="低保", date_from="2024年11月1日")) == ["城乡低保标准解读"]
    assert _titles(_get(client, q="低保", date_from="2024/11/01")) == ["城乡低保标准解读"]


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ({"date_from": "2024-02-30"}, "“发布日期从”填写有误，请按 2024-03-01 的格式填写。"),
        ({"date_to": "明天"}, "“发布日期至”填写有误，请按 2024-03-31 的格式填写。"),
        (
            {"date_from": "2024-09-01", "date_to": "2024-01-01"},
            "发布日期的结束日期不能早于开始日期，请重新选择。",
        ),
    ],
)
def test_a_wrong_date_is_reported_and_left_out(
    client: Client, dated: None, query: dict[str, str], message: str
) -> None:
    html = _get(client, q="低保", **query)
    assert message in html
    assert "本次搜索未按发布日期筛选。" in html
    assert len(_titles(html)) == 4  # the search ran, without the range
    assert '<details class="filters-fold" open>' in html
    for wording in ("变量", "Enter a valid", "有效的日期", "选择一个有效的选项"):
        assert wording not in html


def test_the_pager_and_the_unit_links_keep_the_order_and_the_dates(
    client: Client, publish: Publish, publish_other: Publish, django_assert_max_num_queries: Any
) -> None:
    for n in range(22):
        publish(title=f"防汛简报第{n:02d}期", at=f"2024-06-{n + 1:02d} 10:00 +0800")
    publish_other(title="防汛工作方案", at="2024-06-30 10:00 +0800")
    wanted = {"q": "防汛", "sort": "date", "date_from": "2024-06-02", "date_to": "2024-06-30"}
    # Beside the 12 of a search: the range's ends (two reads of the date index, for the search
    # and again for the unit facet) and the yearly counts.
    with django_assert_max_num_queries(17):
        first = _get(client, **wanted)
    assert _titles(first)[:2] == ["防汛工作方案", "防汛简报第21期"]
    assert "共找到22条结果" in first
    following = _link(first, "下一页")
    assert _query(following) == {**{k: [v] for k, v in wanted.items()}, "page": ["2"]}
    second = client.get(reverse("portal:search") + following).content.decode()
    assert _titles(second) == ["防汛简报第02期", "防汛简报第01期"]  # 06-01 is before the range
    unit_link = _link(first, "县住建局")
    assert _query(unit_link) == {**{k: [v] for k, v in wanted.items()}, "unit": ["ZJJ"]}


def test_a_page_past_the_end_links_back_to_the_last_page(client: Client, publish: Publish) -> None:
    for n in range(23):
        publish(title=f"河长制工作简报第{n:02d}期")
    html = _get(client, 404, q="河长制", page=9)
    assert "没有这一页：这里共有2页。" in html
    last = _link(html, "转到最后一页（第2页）")
    assert _query(last) == {"q": ["河长制"], "page": ["2"]}
    assert len(_titles(client.get(reverse("portal:search") + last).content.decode())) == 3
    # Past any list's last page, and a page number nobody could mean: the same answer.
    for page in ("501", "99999999999999999999999"):
        assert "没有这一页：这里共有2页。" in _get(client, 404, q="河长制", page=page)
    # A malformed number is the first page.
    assert len(_titles(_get(client, q="河长制", page="²"))) == 20
