"""Phones (issue 11): the markup the stylesheet needs so that no public page scrolls sideways.

Lists of publications are one table that site.css turns into cards on a narrow screen, each cell
naming its column; the catalog's wide table scrolls in its own keyboard-reachable box; the menu
and the filters fold away into <details>; a domain page shows its documents before its matters.
The browser tests (tests/browser) check the result in chromium; these check the markup and the
rules it relies on, without a browser.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from gongkai.catalog.models import Catalog, CatalogStatus, Domain
from gongkai.orgs.models import Unit
from tests.factories import CatalogFactory, CatalogItemFactory
from tests.portal.publishing import Publish

pytestmark = pytest.mark.django_db

CSS = (Path(__file__).resolve().parents[2] / "gongkai/static/gongkai/site.css").read_text()


def _html(client: Client, url: str, **query: Any) -> str:
    response = client.get(url, query)
    assert response.status_code == 200, response.status_code
    return response.content.decode()


def _catalog(unit: Unit, *domains: Domain) -> Catalog:
    catalog: Catalog = CatalogFactory(unit=unit, version=2024, status=CatalogStatus.APPROVED)
    for domain in domains:
        CatalogItemFactory(catalog=catalog, domain=domain)
    return catalog


def _rules(selector: str) -> list[str]:
    """The declaration blocks of every rule whose selector list includes ``selector``."""
    without_comments = re.sub(r"/\*.*?\*/", "", CSS, flags=re.S)
    return [
        body
        for selectors, body in re.findall(r"([^{}]+)\{([^{}]*)\}", without_comments)
        if selector in (part.strip() for part in selectors.split(","))
    ]


# ------------------------------------------------------------------------------ publication lists


def test_publication_lists_are_one_table_that_becomes_cards(
    client: Client, publish: Publish, domain: Domain
) -> None:
    publish(title="低保标准通知", doc_number="石民字〔2024〕12号", domain=domain)
    publish(title="养老工作动态", column="news")
    for url in (
        reverse("portal:home"),
        reverse("portal:column", args=["notices"]),
        reverse("portal:browse_unit", args=["MZJ"]),
        reverse("portal:browse_domain", args=[domain.code]),
        reverse("portal:browse_year", args=[2024]),
    ):
        html = _html(client, url)
        assert '<table class="list-table publication-table stack-table">' in html, url
        for header in ("标题", "发布机构", "发布日期", "文号"):
            assert f'<th scope="col">{header}</th>' in html, url
        assert '<td data-label="发布机构">县民政局</td>' in html, url
        assert '<td class="num" data-label="发布日期"><time datetime="2024-03-20">' in html, url
    notices = _html(client, reverse("portal:column", args=["notices"]))
    assert '<td data-label="文号">石民字〔2024〕12号</td>' in notices
    # Without a 文号 the cell is empty (not even a space), so the card leaves that line out.
    news = _html(client, reverse("portal:column", args=["news"]))
    assert '<td data-label="文号"></td>' in news


def test_card_rules_label_each_cell_and_keep_the_headers_for_screen_readers() -> None:
    narrow = CSS.split("@media (max-width: 47.99em) {\n  .stack-table", 1)[1].split("\n}\n", 1)[0]
    assert "display: block" in narrow
    assert 'content: attr(data-label) "："' in narrow
    assert "td:empty { display: none; }" in narrow
    # The header row is hidden the visually-hidden way, not with display: none.
    thead = narrow.split(".stack-table thead {", 1)[1].split("}", 1)[0]
    assert "position: absolute" in thead and "display: none" not in thead
    # 关怀版's type is half as large again: its cards start at a wider screen.
    assert "@media (max-width: 71.99em) {\n  html.large-font .stack-table" in CSS


def test_normative_library_lists_as_cards_with_labels(client: Client, publish: Publish) -> None:
    publish(
        title="最低生活保障实施办法",
        doc_number="石民规〔2024〕1号",
        doc_kind="normative",
        validity="valid",
        column="normative",
    )
    html = _html(client, reverse("portal:normative"))
    assert '<table class="list-table stack-table">' in html
    assert '<td data-label="文号">石民规〔2024〕1号</td>' in html
    assert 'data-label="有效性">现行有效</td>' in html


# ------------------------------------------------------------------------------ the catalog table


def test_catalog_table_scrolls_in_its_own_named_box(
    client: Client, department: Unit, domain: Domain, second_domain: Domain
) -> None:
    _catalog(department, domain, second_domain)
    html = _html(client, reverse("portal:catalog_unit", args=[department.code]))
    for name in (domain.name, second_domain.name):
        assert (
            f'<div class="table-scroll" tabindex="0" role="region" aria-label="{name}公开事项表">'
            in html
        )
    # Two regions on one page need two names.
    labels = re.findall(r'role="region" aria-label="([^"]+)"', html)
    assert len(labels) == len(set(labels)) == 2
    assert '<p class="scroll-hint">' in html
    one = _html(client, reverse("portal:catalog_domain_unit", args=[domain.code, department.code]))
    assert f'aria-label="{domain.name}公开事项表"' in one


def test_the_scroll_box_holds_its_hidden_labels() -> None:
    """The catalog's ticks carry visually hidden text (position: absolute). Unless the box is
    their containing block, they sit where their cells are, past the box's edge, and widen the
    whole page (catalog pages were 1,155 px wide on a phone)."""
    box = _rules(".table-scroll")
    assert any("position: relative" in body and "overflow-x: auto" in body for body in box)
    assert any("position: relative" in body for body in _rules(".stack-table"))
    assert any("overflow-wrap: break-word" in body for body in _rules("body"))


# ------------------------------------------------------------------------------ folding


def test_the_menu_folds_into_a_details_inside_the_navigation(client: Client, db: Any) -> None:
    html = _html(client, reverse("portal:home"))
    nav = html.split('<nav aria-label="主导航">', 1)[1].split("</nav>", 1)[0]
    assert nav.lstrip().startswith('<details class="nav-menu">')
    assert "<summary>菜单</summary>" in nav
    assert f'href="{reverse("portal:search")}"' in nav.split("</summary>", 1)[1]
    # A wide screen shows the list and hides the summary, where the browser can.
    wide = CSS.split("@media (min-width: 48em) {\n  @supports selector(::details-content) {", 1)[1]
    assert ".nav-menu > summary { display: none; }" in wide.split("\n}\n", 1)[0]
    assert ".nav-menu::details-content { content-visibility: visible;" in wide


def test_normative_filter_folds_and_opens_when_a_unit_is_chosen(
    client: Client, publish: Publish
) -> None:
    html = _html(client, reverse("portal:normative"))
    assert '<details class="filters-fold">' in html
    assert '<label for="id_unit">' in html.split('<details class="filters-fold">', 1)[1]
    chosen = _html(client, reverse("portal:normative"), unit="MZJ")
    assert '<details class="filters-fold" open>' in chosen


def test_catalog_unit_search_folds_and_opens_when_a_name_is_searched(
    client: Client, department: Unit, domain: Domain
) -> None:
    _catalog(department, domain)
    for url in (reverse("portal:catalog_units"), domain.get_absolute_url()):
        html = _html(client, url)
        assert '<details class="filters-fold">\n<summary>查找单位</summary>' in html, url
        assert '<details class="filters-fold" open>' in _html(client, url, name="民政"), url


# ------------------------------------------------------------------------------ domain page


def test_domain_page_lists_documents_before_the_units_with_matters(
    client: Client, publish: Publish, department: Unit, domain: Domain
) -> None:
    _catalog(department, domain)
    publish(title="低保标准通知", domain=domain)
    html = _html(client, reverse("portal:browse_domain", args=[domain.code]))
    jump = html.index('<a href="#matters-heading">本领域公开事项（1个单位）</a>')
    assert jump < html.index("低保标准通知") < html.index('<h2 id="matters-heading">')
