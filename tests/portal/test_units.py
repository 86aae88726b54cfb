"""Choosing a unit among thousands: the search's unit facet (the units the results come from),
the unit directory (by level, by the tree, by name, paged, and in pick mode for the search),
and /xxgk/'s bounded unit lists. A province has 5,000 units; no page lists them all."""

from __future__ import annotations

import re
from html import unescape
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from gongkai.orgs.models import Unit, UnitKind
from gongkai.portal.views import disclosure, units
from gongkai.publications import selectors
from tests.factories import UnitFactory
from tests.portal.publishing import Publish, publish_as, staff_of

pytestmark = pytest.mark.django_db


def _html(client: Client, view: str, *args: Any, **query: Any) -> str:
    response = client.get(reverse(view, args=args), query)
    assert response.status_code == 200, response.status_code
    return response.content.decode()


def _titles(html: str) -> list[str]:
    found = re.findall(r"<h3><a href=\"/xxgk/\d+/\">(.*?)</a></h3>", html)
    return [re.sub(r"</?mark>", "", title) for title in found]


def _links(html: str, text: str) -> list[str]:
    """The targets of the links whose text (tags taken out) is ``text``."""
    return [
        unescape(href)
        for href, inner in re.findall(r'<a href="([^"]*)">(.*?)</a>', html)
        if re.sub(r"<[^>]+>", "", inner) == text
    ]


def _query(url: str) -> dict[str, list[str]]:
    return parse_qs(urlsplit(url).query)


@pytest.fixture
def three_units(publish: Publish, publish_other: Publish, township: Unit) -> None:
    """救助 found 3 times at 县民政局, twice at 县住建局, once at 琴江镇; 县住建局 has 4 items."""
    for n in range(3):
        publish(title=f"救助资金发放公示第{n}批")
    for n in range(2):
        publish_other(title=f"住房救助公告第{n}号")
    editor, reviewer = staff_of(township, "qjz")
    publish_as(editor, reviewer, township, title="琴江镇临时救助名单")
    publish_other(title="保障性住房分配结果")
    publish_other(title="住房公积金提取说明")


# ------------------------------------------------------------------------- the search's units


def test_search_offers_the_units_its_results_come_from_with_counts(
    client: Client, three_units: None
) -> None:
    html = _html(client, "portal:search", q="救助", five="result")
    facets = html.split('<nav class="unit-facets"', 1)[1].split("</nav>", 1)[0]
    assert "结果来自3个机构" in facets
    names = re.findall(r'<a href="[^"]*">([^<]*)</a> <span class="count">(\d+)条</span>', facets)
    assert names == [("县民政局", "3"), ("县住建局", "2"), ("琴江镇", "1")]
    # Choosing a unit keeps the words and the other filters and starts at the first page.
    chosen = _links(facets, "县住建局")[0]
    assert _query(chosen) == {"q": ["救助"], "five": ["result"], "unit": ["ZJJ"]}
    assert _titles(
        _html(client, "portal:search", **{k: v[0] for k, v in _query(chosen).items()})
    ) == [
        "住房救助公告第1号",
        "住房救助公告第0号",
    ]


def test_the_facet_lists_at_most_ten_units_and_leads_to_the_directory_for_others(
    client: Client, three_units: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(selectors, "UNIT_FACET_SIZE", 2)
    html = _html(client, "portal:search", q="救助")
    facets = html.split('<nav class="unit-facets"', 1)[1].split("</nav>", 1)[0]
    assert "县民政局" in facets and "县住建局" in facets and "琴江镇" not in facets
    other = _links(facets, "其他发布机构…")[0]
    assert urlsplit(other).path == reverse("portal:unit_directory")
    assert _query(other) == {"search": ["q=%E6%95%91%E5%8A%A9"]}


def test_with_too_many_hits_to_count_the_facet_offers_the_units_that_publish_most(
    client: Client, three_units: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(selectors, "UNIT_FACET_EXACT_LIMIT", 2)
    html = _html(client, "portal:search", q="救助")
    facets = html.split('<nav class="unit-facets"', 1)[1].split("</nav>", 1)[0]
    assert "结果较多，列出发布信息最多的机构" in facets
    assert 'class="count"' not in facets  # no counts: they would not be the query's
    # 县住建局 published 4 items in all, 县民政局 3, 琴江镇 1.
    assert re.findall(r'<a href="[^"]*unit=[^"]*">([^<]*)</a>', facets) == [
        "县住建局",
        "县民政局",
        "琴江镇",
    ]


def test_a_chosen_unit_is_kept_and_can_be_dropped(client: Client, three_units: None) -> None:
    html = _html(client, "portal:search", q="救助", unit="ZJJ", year="2024")
    assert _titles(html) == ["住房救助公告第1号", "住房救助公告第0号"]
    # Searching again from the form keeps the unit (a hidden field: no list of 5,000 options).
    assert '<input type="hidden" name="unit" value="ZJJ">' in html
    assert '<select name="unit"' not in html
    assert '<nav class="unit-facets"' not in html
    assert "只看县住建局发布的信息" in html
    clear = _links(html, "查看全部发布机构的结果")[0]
    assert _query(clear) == {"q": ["救助"], "year": ["2024"]}
    assert len(_titles(_html(client, "portal:search", q="救助", year="2024"))) == 6


def test_an_unknown_unit_code_is_an_error_on_the_form(client: Client, three_units: None) -> None:
    html = _html(client, "portal:search", q="救助", unit="NOPE")
    assert "没有这个发布机构，请重新选择。" in html
    assert 'name="unit"' not in html  # searching again drops it


def test_the_form_offers_the_directory_before_any_search(client: Client, three_units: None) -> None:
    html = _html(client, "portal:search")
    choose = _links(html, "选择发布机构")[0]
    assert urlsplit(choose).path == reverse("portal:unit_directory")


def test_search_query_count_does_not_grow_with_units(
    client: Client, three_units: None, county: Unit
) -> None:
    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            html = _html(client, "portal:search", q="救助")
        assert "测试单位" not in html
        return len(captured)

    before = queries()
    UnitFactory.create_batch(80, parent=county)
    assert queries() == before


# ------------------------------------------------------------------------------ the directory


@pytest.fixture
def tree(county: Unit, department: Unit, other_department: Unit, village: Unit) -> Unit:
    """The county, two departments, 琴江镇 with 古樟村, and 长岭镇 with two villages."""
    township = UnitFactory(code="CLZ", name="长岭镇", kind=UnitKind.TOWNSHIP, parent=county)
    UnitFactory(code="CLZ01", name="长岭镇新村", kind=UnitKind.VILLAGE, parent=township)
    UnitFactory(code="CLZ02", name="长岭镇古樟村", kind=UnitKind.VILLAGE, parent=township)
    return township


def test_directory_starts_below_the_top_of_the_tree_grouped_by_level(
    client: Client, tree: Unit, publish: Publish
) -> None:
    publish()
    html = _html(client, "portal:unit_directory")
    assert "本级：" in html and ">石城县人民政府</a>" in html
    assert re.findall(r"<h2 [^>]*>([^<]*)</h2>", html) == ["县直部门", "乡镇"]
    assert "县民政局</a>" in html and "1条信息" in html
    assert "古樟村</a>" not in html  # villages sit under their township
    villages = _links(html, "下属单位1个（琴江镇）")
    assert [_query(u) for u in villages] == [{"parent": ["QJZ"]}]
    below = _html(client, "portal:unit_directory", parent="CLZ")
    assert "长岭镇新村" in below and "长岭镇古樟村" in below and "县民政局" not in below
    assert "长岭镇及下属单位" in below
    assert _links(below, "返回上一级") == [reverse("portal:unit_directory")]
    assert client.get(reverse("portal:unit_directory"), {"parent": "NOPE"}).status_code == 404


def test_directory_finds_units_by_name_anywhere_in_the_tree(client: Client, tree: Unit) -> None:
    html = _html(client, "portal:unit_directory", name="古樟")
    assert "名称含“古樟”的单位共2个" in html
    assert ">琴江镇古樟村</a>" in html and ">长岭镇古樟村</a>" in html
    assert "琴江镇 · " in html  # each with its parent
    assert _links(html, "琴江镇古樟村") == [reverse("portal:browse_unit", args=["QJZ01"])]
    assert "没有找到名称相符的单位" in _html(client, "portal:unit_directory", name="不存在")
    assert ">县民政局</a>" in _html(client, "portal:unit_directory", name="mzj")  # by code


def test_directory_lists_one_level_page_by_page(
    client: Client, tree: Unit, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(units, "PAGE_SIZE", 2)
    first = _html(client, "portal:unit_directory", level="village")
    assert "全部村（居）" in first and "共3个单位" in first
    assert "第1页，共2页" in first
    second = _html(client, "portal:unit_directory", level="village", page=2)
    names = re.findall(r'<li><a href="/xxgk/unit/[^"]*/">([^<]*)</a>', first + second)
    assert names == ["长岭镇新村", "长岭镇古樟村", "琴江镇古樟村"]  # tree order, then code
    # Past the end: 没有这一页, a 404 that links to the last page (issue 11).
    past = client.get(reverse("portal:unit_directory"), {"level": "village", "page": 9})
    assert past.status_code == 404
    assert "没有这一页：这里共有2页。" in past.content.decode()
    assert 'href="?level=village&amp;page=2">转到最后一页（第2页）</a>' in past.content.decode()


def test_directory_in_pick_mode_leads_back_to_the_search(client: Client, tree: Unit) -> None:
    state = "q=救助&year=2024&unit=OLD&page=3&evil=1"
    html = _html(client, "portal:unit_directory", search=state, parent="QJZ")
    assert "在“救助”的搜索结果中按发布机构筛选" in html
    pick = _links(html, "琴江镇古樟村")[0]
    assert urlsplit(pick).path == reverse("portal:search")
    assert _query(pick) == {"q": ["救助"], "year": ["2024"], "unit": ["QJZ01"]}
    back = _links(html, "返回搜索（不限发布机构）")[0]
    assert _query(back) == {"q": ["救助"], "year": ["2024"]}
    # Finding by name and going up and down the tree stay in pick mode.
    assert '<input type="hidden" name="search" value="q=%E6%95%91%E5%8A%A9&amp;year=2024">' in html
    up = _links(html, "返回上一级")[0]
    assert _query(up) == {"search": ["q=%E6%95%91%E5%8A%A9&year=2024"]}


def test_directory_query_count_does_not_grow_with_units(
    client: Client, tree: Unit, county: Unit, django_assert_max_num_queries: Any
) -> None:
    UnitFactory.create_batch(120, parent=county)
    for query in ({}, {"level": "county", "page": 2}, {"name": "测试"}):
        with django_assert_max_num_queries(7):
            html = _html(client, "portal:unit_directory", **query)
        assert len(re.findall(r'<li><a href="/xxgk/unit/', html)) == units.PAGE_SIZE


def test_directory_pages_are_accessible(client: Client, tree: Unit) -> None:
    html = _html(client, "portal:unit_directory")
    assert '<label for="id_name">按名称查找单位</label>' in html
    assert len(re.findall(r"<h1[ >]", html)) == 1
    assert "<script" not in html
    assert 'aria-current="page"' in html


# --------------------------------------------------------------------------------- /xxgk/


def test_disclosure_lists_a_bounded_number_of_units_per_level(
    client: Client, tree: Unit, publish: Publish, publish_other: Publish,
    monkeypatch: pytest.MonkeyPatch,
) -> None:  # fmt: skip
    monkeypatch.setattr(disclosure, "UNITS_PER_GROUP", 1)
    publish()
    publish_other()
    html = _html(client, "portal:disclosure")
    section = html.split('id="units-heading"', 1)[1].split("</section>", 1)[0]
    assert ">县民政局</a>" in section and ">县住建局</a>" not in section
    more = _links(section, "全部县直部门（2个发布了信息）")
    assert [_query(u) for u in more] == [{"level": ["county"]}]
    assert "乡镇" not in section  # no township published anything
    assert '<label for="unit-name">按名称查找发布机构</label>' in section


def test_a_units_page_links_to_its_sub_units(client: Client, tree: Unit) -> None:
    html = _html(client, "portal:browse_unit", "CLZ")
    assert _links(html, "下属单位") == [reverse("portal:unit_directory") + "?parent=CLZ"]
    assert "下属单位" not in _html(client, "portal:browse_unit", "CLZ01")
