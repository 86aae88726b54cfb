"""The public catalog pages: what an anonymous visitor can browse, and what stays hidden."""

from __future__ import annotations

import io
from typing import Any

import openpyxl
import pytest
from django.test import Client
from django.urls import reverse

from gongkai.catalog.models import Catalog, CatalogItem, CatalogStatus, Domain, DomainKind
from gongkai.orgs.models import Unit
from tests.factories import COMPLETE_ELEMENTS, CatalogFactory, CatalogItemFactory, DomainFactory

pytestmark = pytest.mark.django_db

TEXTS = ("content", "time_limit", "subject")


@pytest.fixture
def approved(department: Unit, domain: Domain, second_domain: Domain) -> Catalog:
    """The department's approved 2024 catalog: two items under one 一级事项, one in another
    domain."""
    catalog: Catalog = CatalogFactory(unit=department, version=2024, status=CatalogStatus.APPROVED)
    CatalogItemFactory(catalog=catalog, domain=domain, level2="办事指南", sort_order=1)
    CatalogItemFactory(
        catalog=catalog,
        domain=domain,
        level2="审核确认结果",
        content="保障对象姓名、保障人口、保障金额",
        audience_specific=True,
        sort_order=2,
    )
    CatalogItemFactory(
        catalog=catalog,
        domain=second_domain,
        level1="养老服务机构",
        level2="机构名录",
        sort_order=1,
    )
    return catalog


def _get(client: Client, name: str, *args: Any) -> Any:
    return client.get(reverse(name, args=args))


def test_home_names_the_county_and_lists_domains(
    client: Client, approved: Catalog, domain: Domain, settings: Any
) -> None:
    settings.GONGKAI_COUNTY_NAME = "石城县"
    response = _get(client, "portal:home")
    html = response.content.decode()
    assert response.status_code == 200
    assert "石城县政务公开" in html
    assert '<html lang="zh-CN">' in html
    assert reverse("portal:catalog_index") in html
    assert domain.name in html
    assert "2个事项" in html
    assert reverse("login") in html
    assert 'href="#main"' in html


def test_home_without_any_public_catalog_says_so(client: Client, db: Any) -> None:
    response = _get(client, "portal:home")
    assert "尚未向社会公开" in response.content.decode()


def test_catalog_index_groups_pilot_and_other_domains_with_counts(
    client: Client, approved: Catalog, domain: Domain, django_assert_max_num_queries: Any
) -> None:
    DomainFactory(code="statistics", name="统计", kind=DomainKind.OTHER)
    # The first read after the public catalogs changed counts their items and stores the counts.
    with django_assert_max_num_queries(8):
        _get(client, "portal:catalog_index")
    # +1: the footer's site settings (国办发〔2017〕47号), read once a page.
    with django_assert_max_num_queries(4):
        response = _get(client, "portal:catalog_index")
    html = response.content.decode()
    assert response.status_code == 200
    assert html.index("试点领域") < html.index(domain.name) < html.index("其他领域")
    assert html.index("其他领域") < html.index("统计")
    assert reverse("portal:catalog_domain", args=[domain.code]) in html


def test_units_page_groups_departments_townships_and_villages(
    client: Client,
    approved: Catalog,
    township: Unit,
    village: Unit,
    django_assert_max_num_queries: Any,
) -> None:
    CatalogItemFactory(catalog__unit=township, catalog__status=CatalogStatus.REPORTED)
    CatalogItemFactory(catalog__unit=village, catalog__status=CatalogStatus.APPROVED)
    CatalogItemFactory(catalog__unit__name="县财政局", catalog__status=CatalogStatus.DRAFT)
    with django_assert_max_num_queries(4):
        response = _get(client, "portal:catalog_units")
    html = response.content.decode().split('role="status"', 1)[1]  # the list, past the levels
    assert html.index("县直部门") < html.index("县民政局") < html.index("乡镇")
    assert html.index("乡镇") < html.index("琴江镇") < html.index("村（居）")
    assert html.index("村（居）") < html.index("琴江镇古樟村")
    assert "县财政局" not in html


def test_domain_page_lists_publishing_units(
    client: Client, approved: Catalog, domain: Domain, department: Unit
) -> None:
    response = _get(client, "portal:catalog_domain", domain.code)
    html = response.content.decode()
    assert response.status_code == 200
    assert reverse("portal:catalog_domain_unit", args=[domain.code, department.code]) in html
    assert '<td class="num">2</td>' in html


def test_domain_unit_table_shows_every_element_like_the_national_layout(
    client: Client,
    approved: Catalog,
    domain: Domain,
    department: Unit,
    django_assert_max_num_queries: Any,
) -> None:
    with django_assert_max_num_queries(6):
        response = _get(client, "portal:catalog_domain_unit", domain.code, department.code)
    html = response.content.decode()
    assert response.status_code == 200
    for header in ("一级事项", "二级事项", "公开内容（要素）", "公开依据", "公开时限", "公开主体"):
        assert header in html
    for header in ("公开渠道和载体", "全社会", "特定群体", "主动", "依申请", "县级", "乡级"):
        assert header in html
    for field in TEXTS:
        assert COMPLETE_ELEMENTS[field] in html
    # Multi-line elements keep their line breaks.
    assert "《社会救助暂行办法》<br>《最低生活保障审核确认办法》" in html
    assert "政府网站<br>政务新媒体<br>便民服务站" in html
    assert "办事指南" in html and "审核确认结果" in html
    # Both rows share one 一级事项 cell, as in the printed catalogs.
    assert html.count("最低生活保障</td>") == 1
    assert 'rowspan="2">最低生活保障' in html
    assert "√" in html
    assert "养老服务机构" not in html


def test_unit_page_shows_the_whole_catalog_by_domain(
    client: Client, approved: Catalog, department: Unit, domain: Domain, second_domain: Domain
) -> None:
    response = _get(client, "portal:catalog_unit", department.code)
    html = response.content.decode()
    assert response.status_code == 200
    assert "2024年版" in html
    assert html.index(f"<h2>{domain.name}</h2>") < html.index(f"<h2>{second_domain.name}</h2>")
    assert "养老服务机构" in html
    assert reverse("portal:catalog_unit_export", args=[department.code]) in html


def test_item_page_shows_every_element_and_the_information_placeholder(
    client: Client, approved: Catalog
) -> None:
    item = approved.items.get(level2="审核确认结果")
    item.five_public = "结果公开"
    item.save()
    response = _get(client, "portal:catalog_item", item.pk)
    html = response.content.decode()
    assert response.status_code == 200
    for text in (
        "最低生活保障",
        "审核确认结果",
        "保障对象姓名、保障人口、保障金额",
        "《社会救助暂行办法》<br>《最低生活保障审核确认办法》",
        COMPLETE_ELEMENTS["time_limit"],
        COMPLETE_ELEMENTS["subject"],
        "政府网站<br>政务新媒体<br>便民服务站",
        "全社会、特定群体",
        "主动",
        "县级",
        "结果公开",
        "县民政局",
    ):
        assert text in html
    assert "本事项下的政府信息" in html
    assert "暂无已发布的政府信息" in html


@pytest.mark.parametrize(
    "status", [CatalogStatus.DRAFT, CatalogStatus.SUBMITTED, CatalogStatus.RETURNED]
)
def test_non_public_catalogs_are_404_for_the_public(
    client: Client, department: Unit, domain: Domain, status: str
) -> None:
    item: CatalogItem = CatalogItemFactory(
        catalog__unit=department, catalog__status=status, domain=domain
    )
    for response in (
        _get(client, "portal:catalog_item", item.pk),
        _get(client, "portal:catalog_unit", department.code),
        _get(client, "portal:catalog_domain_unit", domain.code, department.code),
        _get(client, "portal:catalog_unit_export", department.code),
    ):
        assert response.status_code == 404
        assert "页面不存在" in response.content.decode()
    index = _get(client, "portal:catalog_domain", domain.code).content.decode()
    assert department.name not in index


def test_only_the_newest_approved_version_is_shown(
    client: Client, approved: Catalog, department: Unit
) -> None:
    newer: Catalog = CatalogFactory(unit=department, version=2025, status=CatalogStatus.APPROVED)
    new_item = CatalogItemFactory(catalog=newer, level1="2025年新增事项")
    old_item = approved.items.first()
    assert old_item is not None
    html = _get(client, "portal:catalog_unit", department.code).content.decode()
    assert "2025年新增事项" in html
    assert "2025年版" in html
    assert _get(client, "portal:catalog_item", new_item.pk).status_code == 200
    assert _get(client, "portal:catalog_item", old_item.pk).status_code == 404


def test_user_text_is_escaped(client: Client, department: Unit) -> None:
    item = CatalogItemFactory(
        catalog__unit=department,
        catalog__status=CatalogStatus.APPROVED,
        content='<script>alert("x")</script>',
    )
    html = _get(client, "portal:catalog_item", item.pk).content.decode()
    assert "<script>alert" not in html
    assert "&lt;script&gt;alert" in html


def test_unit_page_query_count_does_not_grow_with_items(
    client: Client, department: Unit, domain: Domain, django_assert_max_num_queries: Any
) -> None:
    catalog = CatalogFactory(unit=department, status=CatalogStatus.APPROVED)
    for _ in range(30):
        CatalogItemFactory(catalog=catalog, domain=domain)
    with django_assert_max_num_queries(6):
        response = _get(client, "portal:catalog_unit", department.code)
    assert response.content.decode().count("<tr id=") == 30


def test_public_export_is_the_public_catalog_as_a_workbook(
    client: Client, approved: Catalog, department: Unit, domain: Domain
) -> None:
    """Needs gongkai.catalog.excel.write_catalog_workbook."""
    response = _get(client, "portal:catalog_unit_export", department.code)
    assert response.status_code == 200
    assert response["Content-Type"].startswith(
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    disposition = response["Content-Disposition"]
    assert disposition.startswith("attachment")
    assert "filename*=utf-8''MZJ-2024-%E7%9B%AE%E5%BD%95.xlsx" in disposition
    book = openpyxl.load_workbook(io.BytesIO(response.content))
    texts = {
        str(cell.value)
        for sheet in book.worksheets
        for row in sheet.iter_rows()
        for cell in row
        if cell.value is not None
    }
    assert "审核确认结果" in texts
    assert "养老服务机构" in texts
    assert any(domain.name in sheet.title for sheet in book.worksheets)


def test_an_old_items_link_leads_to_the_same_matter_in_the_newer_version(
    client: Client, approved: Catalog, department: Unit
) -> None:
    old_item = approved.items.first()
    assert old_item is not None
    newer: Catalog = CatalogFactory(unit=department, version=2025, status=CatalogStatus.APPROVED)
    carried = CatalogItemFactory(catalog=newer, domain=old_item.domain, lineage=old_item.lineage)
    response = _get(client, "portal:catalog_item", old_item.pk)
    assert response.status_code == 302
    assert response["Location"] == reverse("portal:catalog_item", args=[carried.pk])
