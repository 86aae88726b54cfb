"""The catalog's lists at any size (issue 10): domain counts that follow the public catalogs
exactly without counting every item on each request, and unit lists by level, by the unit above
and by name, a page at a time, whose query counts do not grow with the number of units."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from gongkai.catalog import selectors
from gongkai.catalog.models import Catalog, CatalogStatus, Domain, DomainTally
from gongkai.orgs.models import Unit, UnitKind
from gongkai.portal.views import catalog as catalog_views
from gongkai.portal.views import disclosure
from tests.factories import CatalogFactory, CatalogItemFactory, UnitFactory

pytestmark = pytest.mark.django_db


def _catalog(
    unit: Unit, *domains: Domain, version: int = 2024, status: str = CatalogStatus.APPROVED
) -> Catalog:
    """A catalog of ``unit`` with one item in each of ``domains`` (repeat a domain for more)."""
    catalog: Catalog = CatalogFactory(unit=unit, version=version, status=status)
    for domain in domains:
        CatalogItemFactory(catalog=catalog, domain=domain)
    return catalog


def _counts(domain: Domain) -> tuple[int, int]:
    found = {d.pk: d for d in selectors.public_domains()}[domain.pk]
    return found.item_count, found.unit_count  # type: ignore[attr-defined]


def _html(client: Client, url: str, **query: Any) -> str:
    response = client.get(url, query)
    assert response.status_code == 200, response.status_code
    return response.content.decode()


def _units(county: Unit, count: int, kind: str = UnitKind.DEPARTMENT, **fields: Any) -> list[Unit]:
    return [
        UnitFactory(code=f"D{n:03d}", name=f"县第{n:03d}局", kind=kind, parent=county, **fields)
        for n in range(count)
    ]


# ------------------------------------------------------------------------------ domain counts


def test_domain_counts_follow_the_public_catalogs_exactly(
    department: Unit,
    township: Unit,
    domain: Domain,
    second_domain: Domain,
    django_assert_max_num_queries: Any,
) -> None:
    _catalog(department, domain, domain, second_domain)
    submitted = _catalog(township, domain, status=CatalogStatus.SUBMITTED)
    assert _counts(domain) == (2, 1)
    assert _counts(second_domain) == (1, 1)
    # Stored for this set of public catalogs: the next readers do not count the items again.
    with django_assert_max_num_queries(3):
        selectors.public_domains()
    # A newer approved version replaces the older one.
    _catalog(department, second_domain, version=2025)
    assert _counts(domain) == (0, 0)
    assert _counts(second_domain) == (1, 1)
    # An approved catalog counts; a unit taken out of use does not.
    submitted.status = CatalogStatus.APPROVED
    submitted.save()
    assert _counts(domain) == (1, 1)
    township.is_active = False
    township.save()
    assert _counts(domain) == (0, 0)
    # Only the counts of the current set are kept.
    assert DomainTally.objects.values("fingerprint").distinct().count() == 1


def test_catalog_index_and_home_show_the_stored_counts(
    client: Client, department: Unit, township: Unit, domain: Domain
) -> None:
    _catalog(department, domain, domain)
    _catalog(township, domain)
    html = _html(client, reverse("portal:catalog_index"))
    row = html.split(domain.get_absolute_url(), 1)[1].split("</tr>", 1)[0]
    assert '<td class="num">3</td><td class="num">2</td>' in row
    assert "3个事项 · 2个单位" in _html(client, reverse("portal:home"))


# ------------------------------------------------------------------------------ units


def test_units_overview_shows_each_level_and_links_to_the_rest(
    client: Client, county: Unit, township: Unit, domain: Domain, monkeypatch: Any
) -> None:
    monkeypatch.setattr(catalog_views, "PAGE_SIZE", 2)
    for unit in _units(county, 3):
        _catalog(unit, domain)
    _catalog(township, domain)
    html = _html(client, reverse("portal:catalog_units"))
    assert "县第000局" in html and "县第001局" in html and "县第002局" not in html
    assert "查看全部3个县直部门单位" in html
    assert f"{reverse('portal:catalog_units')}?level=county" in html
    assert "琴江镇" in html and "查看全部1个乡镇单位" not in html
    assert "共4个单位" in html


def test_units_of_one_level_are_paged(
    client: Client, county: Unit, domain: Domain, monkeypatch: Any
) -> None:
    monkeypatch.setattr(catalog_views, "PAGE_SIZE", 2)
    for unit in _units(county, 3):
        _catalog(unit, domain)
    url = reverse("portal:catalog_units")
    first = _html(client, url, level="county")
    assert "第1页，共2页" in first
    assert "县第001局" in first and "县第002局" not in first
    second = _html(client, url, level="county", page=2)
    assert "县第002局" in second and "县第000局" not in second
    assert "level=county" in second.split("首页</a>", 2)[-1]  # the pager keeps the level


def test_villages_are_grouped_under_their_township(
    client: Client, county: Unit, township: Unit, village: Unit, domain: Domain
) -> None:
    other = UnitFactory(code="XSZ", name="小松镇", kind=UnitKind.TOWNSHIP, parent=county)
    far = UnitFactory(code="XSZ01", name="小松镇龙岗村", kind=UnitKind.VILLAGE, parent=other)
    for unit in (township, village, other, far):
        _catalog(unit, domain)
    url = reverse("portal:catalog_units")
    html = _html(client, url, level="village")
    villages = html.split('id="level-village"', 1)[1]
    heading = f'<h3><a href="{url}?parent={township.code}">琴江镇</a></h3>'
    assert villages.index(heading) < villages.index("琴江镇古樟村") < villages.index("小松镇龙岗村")
    under = _html(client, url, parent=township.code)
    assert "琴江镇古樟村" in under and "小松镇龙岗村" not in under
    assert "琴江镇及下属单位" in under
    assert client.get(url, {"parent": "NOPE"}).status_code == 404


def test_units_are_found_by_name(
    client: Client, county: Unit, village: Unit, domain: Domain
) -> None:
    for unit in (*_units(county, 2), village):
        _catalog(unit, domain)
    url = reverse("portal:catalog_units")
    html = _html(client, url, name="古樟")
    assert "琴江镇古樟村" in html and "县第000局" not in html
    assert "名称含“古樟”的单位共1个" in html
    assert "没有找到名称相符的单位" in _html(client, url, name="不存在的单位")


@pytest.mark.parametrize("query", [{}, {"level": "county"}, {"name": "局"}])
def test_unit_lists_query_count_does_not_grow_with_the_units(
    client: Client,
    county: Unit,
    domain: Domain,
    query: dict[str, str],
    django_assert_max_num_queries: Any,
) -> None:
    units = _units(county, 12)
    for unit in units[:3]:
        _catalog(unit, domain)
    # +1: the footer's site settings (国办发〔2017〕47号), read once a page.
    with django_assert_max_num_queries(4):
        few = _html(client, reverse("portal:catalog_units"), **query)
    for unit in units[3:]:
        _catalog(unit, domain)
    # +1: the footer's site settings (国办发〔2017〕47号), read once a page.
    with django_assert_max_num_queries(4):
        many = _html(client, reverse("portal:catalog_units"), **query)
    assert few.count("个事项") == 3 and many.count("个事项") == 12


# ------------------------------------------------------------------------------ domains


def test_domain_page_lists_the_units_with_items_in_it_a_page_at_a_time(
    client: Client,
    county: Unit,
    domain: Domain,
    second_domain: Domain,
    monkeypatch: Any,
    django_assert_max_num_queries: Any,
) -> None:
    monkeypatch.setattr(catalog_views, "PAGE_SIZE", 2)
    units = _units(county, 4)
    for unit in units[:3]:
        _catalog(unit, domain, domain, second_domain)
    _catalog(units[3], second_domain)
    # +1: the footer's site settings (国办发〔2017〕47号), read once a page.
    with django_assert_max_num_queries(5):
        html = _html(client, domain.get_absolute_url(), level="county")
    assert "共3个单位" in html and "第1页，共2页" in html
    link = reverse("portal:catalog_domain_unit", args=[domain.code, units[0].code])
    row = html.split(link, 1)[1].split("</tr>", 1)[0]
    assert '<td class="num">2</td>' in row  # the domain's items, not the whole catalog's
    assert units[3].name not in html
    assert units[2].name in _html(client, domain.get_absolute_url(), level="county", page=2)


def test_disclosure_domain_page_lists_the_first_units_and_links_to_all(
    client: Client, county: Unit, domain: Domain, monkeypatch: Any
) -> None:
    monkeypatch.setattr(disclosure, "DOMAIN_UNITS", 2)
    units = _units(county, 3)
    for unit in units:
        _catalog(unit, domain)
    html = _html(client, reverse("portal:browse_domain", args=[domain.code]))
    assert reverse("portal:catalog_domain_unit", args=[domain.code, units[1].code]) in html
    assert units[2].name not in html
    assert "共3个单位的标准目录列有本领域的公开事项" in html
    assert f'<a href="{domain.get_absolute_url()}">查看全部3个单位' in html
