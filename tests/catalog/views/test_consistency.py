"""The village-list check pages: one village against its township, and a township's villages."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from gongkai.catalog.models import Catalog, CatalogStatus, Domain
from gongkai.orgs.models import Unit, UnitKind, User
from tests.factories import CatalogFactory, CatalogItemFactory, UnitFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def township_catalog(township: Unit, domain: Domain) -> Catalog:
    catalog: Catalog = CatalogFactory(unit=township, status=CatalogStatus.APPROVED)
    CatalogItemFactory(
        catalog=catalog,
        domain=domain,
        level2="审核确认结果",
        content="保障对象姓名、保障金额",
        time_limit="审核确认后10个工作日内",
        level_village=True,
    )
    CatalogItemFactory(
        catalog=catalog, domain=domain, level1="临时救助", level2="救助结果", level_village=True
    )
    CatalogItemFactory(catalog=catalog, domain=domain, level1="乡镇自有事项", level2="只在乡镇")
    return catalog


@pytest.fixture
def village_catalog(village: Unit, domain: Domain, township_catalog: Catalog) -> Catalog:
    catalog: Catalog = CatalogFactory(unit=village)
    CatalogItemFactory(
        catalog=catalog,
        domain=domain,
        level2="审核确认结果",
        content="保障对象姓名",
        time_limit="审核确认后10个工作日内",
    )
    return catalog


def test_village_consistency_page_shows_differences_side_by_side(
    client: Client, village_clerk: User, village_catalog: Catalog, township_catalog: Catalog
) -> None:
    client.force_login(village_clerk)
    response = client.get(reverse("staff:catalog_consistency", args=[village_catalog.pk]))
    html = response.content.decode()
    assert response.status_code == 200
    assert str(township_catalog) in html
    differences = html[html.index("不一致的事项（1项）") : html.index("缺少的村级事项")]
    assert "社会救助／最低生活保障／审核确认结果" in differences
    assert "不一致的要素：公开内容（要素）" in differences
    assert "<td>保障对象姓名</td><td>保障对象姓名、保障金额</td>" in differences
    assert "公开时限</th>" not in differences
    missing = html[html.index("缺少的村级事项（1项）") :]
    assert "临时救助" in missing and "救助结果" in missing
    assert "乡镇自有事项" not in html
    # The clerk may not open the township's catalog, so it is not linked.
    assert township_catalog.get_absolute_url() not in html


def test_consistent_village(
    client: Client,
    township_editor: User,
    village: Unit,
    township_catalog: Catalog,
) -> None:
    catalog = CatalogFactory(unit=village)
    for item in township_catalog.items.filter(level_village=True):
        CatalogItemFactory(
            catalog=catalog,
            domain=item.domain,
            **{k: v for k, v in item.elements().items() if k != "level_village"},
        )
    client.force_login(township_editor)
    html = client.get(reverse("staff:catalog_consistency", args=[catalog.pk])).content.decode()
    assert "比对一致" in html
    assert township_catalog.get_absolute_url() in html


def test_village_without_township_catalog(
    client: Client, village_clerk: User, village: Unit
) -> None:
    catalog = CatalogFactory(unit=village)
    client.force_login(village_clerk)
    html = client.get(reverse("staff:catalog_consistency", args=[catalog.pk])).content.decode()
    assert "所属乡镇还没有目录" in html


def test_consistency_is_only_for_village_catalogs(
    client: Client, township_editor: User, township_catalog: Catalog
) -> None:
    client.force_login(township_editor)
    url = reverse("staff:catalog_consistency", args=[township_catalog.pk])
    assert client.get(url).status_code == 404


def test_other_units_cannot_see_a_villages_check(
    client: Client, editor: User, village_catalog: Catalog
) -> None:
    client.force_login(editor)
    url = reverse("staff:catalog_consistency", args=[village_catalog.pk])
    assert client.get(url).status_code == 404


def test_township_page_lists_its_villages_with_counts(
    client: Client,
    township_editor: User,
    township: Unit,
    village_catalog: Catalog,
    django_assert_max_num_queries: Any,
) -> None:
    CatalogFactory(unit=village_catalog.unit, version=2023)  # older: not the one checked
    UnitFactory(code="QJZ02", name="琴江镇新田村", kind=UnitKind.VILLAGE, parent=township)
    client.force_login(township_editor)
    home = client.get(reverse("staff:home")).content.decode()
    url = reverse("staff:unit_villages", args=[township.code])
    assert url in home
    for n in range(3, 9):  # more villages with lists must not mean more queries
        other = UnitFactory(
            code=f"QJZ{n:02d}", name=f"琴江镇{n}村", kind=UnitKind.VILLAGE, parent=township
        )
        CatalogFactory(unit=other, version=2024)
    with django_assert_max_num_queries(12):
        response = client.get(url)
    html = response.content.decode()
    assert response.status_code == 200
    row = html[html.index("琴江镇古樟村") : html.index("琴江镇新田村")]
    assert village_catalog.get_absolute_url() in row
    assert '<td class="num">1</td>' in row  # one difference, one missing item
    assert reverse("staff:catalog_consistency", args=[village_catalog.pk]) in row
    assert "不一致" in row
    assert "尚未建立目录" in html[html.index("琴江镇新田村") :]


def test_township_catalog_page_links_to_the_villages_page(
    client: Client, township_editor: User, township: Unit, township_catalog: Catalog
) -> None:
    client.force_login(township_editor)
    html = client.get(township_catalog.get_absolute_url()).content.decode()
    assert reverse("staff:unit_villages", args=[township.code]) in html


def test_villages_page_is_for_townships_the_user_may_see(
    client: Client, editor: User, village_clerk: User, township: Unit, department: Unit
) -> None:
    client.force_login(editor)
    assert client.get(reverse("staff:unit_villages", args=[township.code])).status_code == 404
    assert client.get(reverse("staff:unit_villages", args=[department.code])).status_code == 404
    client.force_login(village_clerk)
    assert client.get(reverse("staff:unit_villages", args=[township.code])).status_code == 404
