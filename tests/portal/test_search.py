"""The public search page: Chinese queries of any length, 文号 first, filters, paging, escaping."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from gongkai.catalog.models import Domain
from gongkai.publications.models import FiveClass
from tests.portal.publishing import Publish

pytestmark = pytest.mark.django_db


def _search(client: Client, **query: Any) -> str:
    response = client.get(reverse("portal:search"), query)
    assert response.status_code == 200
    return response.content.decode()


def _titles(html: str) -> list[str]:
    """Result titles in order, with the <mark> tags taken out."""
    found = re.findall(r"<h3><a href=\"/xxgk/\d+/\">(.*?)</a></h3>", html)
    return [re.sub(r"</?mark>", "", title) for title in found]


@pytest.fixture
def library(publish: Publish, publish_other: Publish) -> None:
    publish(title="县财政局关于预算公开的通知", body="<p>各单位：请按时公开预算。</p>")
    publish(
        title="养老服务补贴发放", body="<p>高龄津贴按月发放。</p>", five_class=FiveClass.SERVICE
    )
    publish_other(title="保障性住房分配结果", body="<p>经审核，现将分配结果公示。</p>")


def test_blank_query_shows_the_form_only(client: Client, library: None) -> None:
    for query in ({}, {"q": ""}, {"q": "   "}):
        html = _search(client, **query)
        assert '<form class="form search-form"' in html
        assert "共找到" not in html
        assert _titles(html) == []


def test_one_character_query(client: Client, library: None) -> None:
    assert _titles(_search(client, q="财")) == ["县财政局关于预算公开的通知"]
    assert _titles(_search(client, q="津")) == ["养老服务补贴发放"]


def test_two_character_query_and_a_phrase_inside_a_longer_word(
    client: Client, library: None
) -> None:
    html = _search(client, q="财政")
    assert _titles(html) == ["县财政局关于预算公开的通知"]
    assert "县<mark>财政</mark>局" in html
    assert _titles(_search(client, q="政局")) == ["县财政局关于预算公开的通知"]
    assert _titles(_search(client, q="津贴按月")) == ["养老服务补贴发放"]
    assert _titles(_search(client, q="按月津贴")) == []
    assert "共找到0条结果" in _search(client, q="按月津贴")


def test_body_matches_are_shown_as_a_highlighted_snippet(client: Client, library: None) -> None:
    html = _search(client, q="按时公开")
    assert "请<mark>按时公开</mark>预算" in html
    assert "“按时公开”共找到1条结果" in html


def test_document_number_comes_first_however_its_brackets_are_typed(
    client: Client, publish: Publish
) -> None:
    publish(
        title="转发宝政〔2020〕58号文件的通知",
        body="<p>根据宝政〔2020〕58号，现转发如下。宝政〔2020〕58号。</p>",
    )
    publish(title="关于宝政〔2020〕58号的政策解读", body="<p>宝政〔2020〕58号解读。</p>")
    publish(title="宝盖镇政务公开工作方案", body="<p>方案正文。</p>", doc_number="宝政〔2020〕58号")
    for query in ("宝政〔2020〕58号", "宝政[2020]58号", "宝政（2020）58号", "宝政(2020)58号"):
        titles = _titles(_search(client, q=query))
        assert titles[0] == "宝盖镇政务公开工作方案", query
        assert len(titles) == 3


def test_exact_phrase_in_a_title_comes_first(client: Client, publish: Publish) -> None:
    publish(
        title="森林资源保护工作动态",
        body="<p>要点：做好秋冬季森林防火工作。做好秋冬季森林防火工作。</p>",
    )
    publish(title="关于做好秋冬季森林防火工作的通知", body="<p>森林防火。</p>")
    assert (
        _titles(_search(client, q="做好秋冬季森林防火工作"))[0]
        == "关于做好秋冬季森林防火工作的通知"
    )


def test_filters_narrow_the_results(
    client: Client, publish: Publish, publish_other: Publish, domain: Domain
) -> None:
    publish(title="救助资金发放公示", domain=domain, column="notices")
    publish(
        title="救助工作动态",
        column="news",
        five_class=FiveClass.EXECUTION,
        at="2023-06-01 10:00 +0800",
        written_on=dt.date(2023, 5, 30),
    )
    publish_other(title="住房救助公告")
    assert len(_titles(_search(client, q="救助"))) == 3
    assert _titles(_search(client, q="救助", unit="ZJJ")) == ["住房救助公告"]
    assert _titles(_search(client, q="救助", domain=domain.code)) == ["救助资金发放公示"]
    assert _titles(_search(client, q="救助", column="news")) == ["救助工作动态"]
    assert len(_titles(_search(client, q="救助", column="statutory"))) == 3
    assert _titles(_search(client, q="救助", five="execution")) == ["救助工作动态"]
    assert _titles(_search(client, q="救助", year="2023")) == ["救助工作动态"]
    assert _titles(_search(client, q="救助", unit="MZJ", year="2024")) == ["救助资金发放公示"]
    # A value that is not an option is an error on the form, not a crash.
    html = _search(client, q="救助", unit="NOPE")
    assert 'class="errorlist"' in html


def test_every_control_is_labelled(client: Client, library: None) -> None:
    html = _search(client, q="预算")
    controls = re.findall(r'<(?:input|select)[^>]*\bid="([^"]+)"', html)
    assert {"id_q", "id_domain", "id_column", "id_five", "id_year"} <= set(controls)
    # The unit is chosen by link (a province has 5,000): a labelled group, no control of its own.
    assert (
        '<div class="field unit-filter" role="group" aria-labelledby="unit-filter-label">' in html
    )
    assert '<strong id="unit-filter-label">发布机构</strong>' in html
    for control in controls:
        assert f'<label for="{control}">' in html, control


def test_results_page_through_with_the_filters_kept(
    client: Client, publish: Publish, django_assert_max_num_queries: Any
) -> None:
    for n in range(25):
        publish(title=f"乡村振兴简报第{n:02d}期", body="<p>乡村振兴工作进展。</p>")
    # +1: the footer's site settings (国办发〔2017〕47号), read once a page.
    with django_assert_max_num_queries(13):
        first = _search(client, q="乡村振兴", five="result")
    assert len(_titles(first)) == 20
    assert "共找到25条结果" in first
    assert "第1页，共2页" in first
    next_link = re.search(r'href="(\?[^"]*page=2[^"]*)" rel="next"', first)
    assert next_link is not None
    assert "five=result" in next_link.group(1) and "q=" in next_link.group(1)
    second = _search(client, q="乡村振兴", five="result", page=2)
    assert len(_titles(second)) == 5
    assert '<ol class="results" start="21">' in second
    assert set(_titles(first)).isdisjoint(_titles(second))


def test_html_in_the_query_is_escaped(client: Client, library: None) -> None:
    html = _search(client, q='<script>alert("预算")</script>')
    assert "<script>alert" not in html
    assert "&lt;script&gt;" in html
    html = _search(client, q='"><img src=x onerror=alert(1)>')
    assert "<img src=x" not in html


def test_a_query_that_is_too_long_is_refused_politely(client: Client, library: None) -> None:
    html = _search(client, q="预" * 101)
    assert 'class="errorlist"' in html
    assert _titles(html) == []


def test_document_number_typed_with_full_width_digits(client: Client, publish: Publish) -> None:
    """Chinese input methods in full-width mode type ２０２０ for 2020."""
    publish(title="转发宝政〔2020〕58号文件的通知", body="<p>宝政〔2020〕58号宝政〔2020〕58号</p>")
    publish(title="宝政〔2019〕7号的解读", body="<p>宝政〔2019〕7号</p>")
    publish(title="宝盖镇政务公开工作方案", body="<p>方案正文。</p>", doc_number="宝政〔2020〕58号")
    titles = _titles(_search(client, q="宝政〔２０２０〕５８号"))
    assert titles[0] == "宝盖镇政务公开工作方案"
    assert "宝政〔2019〕7号的解读" not in titles
