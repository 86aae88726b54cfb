"""The government information disclosure column: structure, browse pages, item pages, downloads."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
import time_machine
from django.test import Client
from django.urls import reverse

from gongkai.catalog.models import Catalog, CatalogItem, CatalogStatus, Domain
from gongkai.orgs.models import Unit, User
from gongkai.portal.views import disclosure
from gongkai.publications import services
from gongkai.publications.models import (
    Attribute,
    Column,
    DocKind,
    FiveClass,
    Publication,
    Validity,
)
from tests.factories import CatalogFactory, CatalogItemFactory
from tests.portal.publishing import PDF, Publish

pytestmark = pytest.mark.django_db


def _html(client: Client, name: str, *args: Any, **query: Any) -> str:
    response = client.get(reverse(name, args=args), query)
    assert response.status_code == 200, response.status_code
    return response.content.decode()


@pytest.fixture
def matter(department: Unit, domain: Domain) -> CatalogItem:
    """An item of the department's approved 2024 catalog: 最低生活保障 / 审核确认结果."""
    catalog: Catalog = CatalogFactory(unit=department, version=2024, status=CatalogStatus.APPROVED)
    item: CatalogItem = CatalogItemFactory(catalog=catalog, domain=domain, level2="审核确认结果")
    return item


# ------------------------------------------------------------------------------ item page


def test_item_page_shows_the_standard_metadata_table(
    client: Client, publish: Publish, matter: CatalogItem, domain: Domain
) -> None:
    item = publish(
        doc_number="石民字〔2024〕12号",
        domain=domain,
        catalog_items=[matter],
        body='<p>现将标准通知如下。</p><script>alert("x")</script>',
    )
    html = _html(client, "portal:publication", item.pk)
    rows = {
        "索引号": "MZJ-1600-2024-00001",
        "主题分类": "民政、扶贫、救灾",
        "发布机构": "县民政局",
        "成文日期": "2024-03-01",
        "发布日期": "2024-03-20",
        "文号": "石民字〔2024〕12号",
        "公开方式": "主动公开",
        "五公开": "结果公开",
        "栏目": "通知公告",
        "公开领域": "社会救助",
        "对应目录事项": "最低生活保障／审核确认结果",
    }
    for label, value in rows.items():
        row = html.split(f'<th scope="row">{label}</th>', 1)[1].split("</tr>", 1)[0]
        assert value in row, label
    assert reverse("portal:catalog_item", args=[matter.pk]) in html
    assert reverse("portal:column", args=["notices"]) in html
    assert reverse("portal:browse_unit", args=["MZJ"]) in html
    assert "<p>现将标准通知如下。</p>" in html
    assert "<script>alert" not in html
    assert "有效性" not in html  # only rules and normative documents carry a validity


def test_normative_document_shows_its_validity_and_dates(client: Client, publish: Publish) -> None:
    item = publish(
        title="石城县最低生活保障实施办法",
        doc_number="石府规〔2024〕1号",
        doc_kind=DocKind.NORMATIVE,
        validity=Validity.VALID,
        effective_on=dt.date(2024, 4, 1),
        column="normative",
    )
    html = _html(client, "portal:publication", item.pk)
    assert '<th scope="row">有效性</th>\n            <td>现行有效</td>' in html
    assert "2024-04-01" in html
    assert "行政规范性文件" in html


def test_withdrawn_item_says_so_keeps_its_index_number_and_hides_its_content(
    client: Client, publish: Publish, reviewer: User
) -> None:
    item = publish(
        body="<p>这段正文撤回后不再公开。</p>",
        attachments=[("保障名单.pdf", PDF)],
    )
    attachment = item.attachments.get()
    with time_machine.travel("2024-04-01 09:00 +0800", tick=False):
        services.publication_withdraw(actor=reviewer, publication=item, reason="重复发布")
    html = _html(client, "portal:publication", item.pk)
    assert "该信息已于2024年4月1日撤回，撤回原因：重复发布" in html
    assert "MZJ-1600-2024-00001" in html
    assert "这段正文撤回后不再公开" not in html
    assert "保障名单.pdf" not in html
    download = client.get(reverse("portal:attachment", args=[attachment.pk]))
    assert download.status_code == 404
    # Withdrawn items leave the lists and the search.
    assert item.title not in _html(client, "portal:column", "notices")
    assert item.title not in _html(client, "portal:search", q="最低生活保障")


def test_items_not_published_are_404(
    client: Client, editor: User, reviewer: User, department: Unit, publish: Publish
) -> None:
    def draft(**values: Any) -> Publication:
        data = {
            "title": "尚未公开的信息",
            "written_on": dt.date(2024, 3, 1),
            "topic": publish(title="先发布一条").topic,
            "five_class": FiveClass.RESULT,
            "column": Column.objects.get(code="notices"),
            "body": "<p>正文</p>",
            **values,
        }
        return services.publication_create(actor=editor, unit=department, values=data)

    drafted = draft()
    submitted = draft()
    services.publication_submit(actor=editor, publication=submitted)
    retained = draft(attribute=Attribute.ON_REQUEST, attribute_reason="涉及个人信息，依申请公开")
    services.publication_submit(actor=editor, publication=retained)
    services.publication_approve(actor=reviewer, publication=retained)
    retained.refresh_from_db()
    assert retained.status == "retained"
    for item in (drafted, submitted, retained):
        response = client.get(reverse("portal:publication", args=[item.pk]))
        assert response.status_code == 404
        assert "页面不存在" in response.content.decode()
    assert client.get(reverse("portal:publication", args=[999999])).status_code == 404
    assert "尚未公开的信息" not in _html(client, "portal:column", "notices")


def test_attachment_download_keeps_the_name_and_is_typed_by_content(
    client: Client, publish: Publish
) -> None:
    item = publish(attachments=[("2024年保障标准.pdf", PDF)])
    attachment = item.attachments.get()
    html = _html(client, "portal:publication", item.pk)
    assert reverse("portal:attachment", args=[attachment.pk]) in html
    assert "2024年保障标准.pdf" in html
    response = client.get(reverse("portal:attachment", args=[attachment.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["X-Content-Type-Options"] == "nosniff"
    disposition = response["Content-Disposition"]
    assert disposition.startswith("attachment")
    assert "filename*=utf-8''2024%E5%B9%B4%E4%BF%9D%E9%9A%9C%E6%A0%87%E5%87%86.pdf" in disposition
    assert b"".join(response.streaming_content) == PDF  # type: ignore[attr-defined]


def test_attachment_of_an_unpublished_item_is_404(
    client: Client, editor: User, department: Unit, publish: Publish
) -> None:
    item = publish()
    draft = services.publication_create(
        actor=editor,
        unit=department,
        values={
            "title": "草稿",
            "written_on": dt.date(2024, 3, 1),
            "topic": item.topic,
            "five_class": FiveClass.RESULT,
            "column": item.column,
        },
    )
    attachment = services.publication_attach(
        actor=editor, publication=draft, name="草稿附件.pdf", data=PDF
    )
    assert client.get(reverse("portal:attachment", args=[attachment.pk])).status_code == 404


# ------------------------------------------------------------------------------ structure


def test_disclosure_column_has_the_standard_structure_with_counts(
    client: Client, publish: Publish, publish_other: Publish, domain: Domain, matter: CatalogItem
) -> None:
    publish(title="通知一", domain=domain)
    publish(title="通知二", five_class=FiveClass.DECISION)
    publish(
        title="工作动态",
        column="news",
        at="2023-06-01 10:00 +0800",
        written_on=dt.date(2023, 5, 30),
    )
    publish_other(title="住建局指南", column="guide")
    html = _html(client, "portal:disclosure")
    order = [
        "政府信息公开指南",
        "政府信息公开制度",
        "法定主动公开内容",
        "政府信息公开年报",
        "依申请公开",
    ]
    positions = [html.index(name) for name in order]
    assert positions == sorted(positions)
    statutory = html.split("法定主动公开内容</a>", 1)[1]
    assert statutory.split("</span>", 1)[0].endswith("3条")  # its sub-columns' items counted
    assert reverse("portal:column", args=["notices"]) in html
    assert reverse("portal:browse_domain", args=[domain.code]) in html
    assert reverse("portal:browse_unit", args=["MZJ"]) in html
    assert reverse("portal:browse_unit", args=["ZJJ"]) in html
    assert reverse("portal:browse_five", args=["decision"]) in html
    assert reverse("portal:browse_year", args=[2023]) in html
    assert reverse("portal:browse_year", args=[2024]) in html
    assert reverse("portal:normative") in html


def test_browse_pages_list_title_issuer_date_and_number(
    client: Client, publish: Publish, publish_other: Publish, domain: Domain
) -> None:
    publish(title="低保标准通知", doc_number="石民字〔2024〕12号", domain=domain)
    publish(title="养老工作动态", column="news", five_class=FiveClass.EXECUTION)
    publish_other(
        title="住房保障公示", at="2023-06-01 10:00 +0800", written_on=dt.date(2023, 5, 30)
    )
    unit_page = _html(client, "portal:browse_unit", "MZJ")
    assert "低保标准通知" in unit_page and "养老工作动态" in unit_page
    assert "住房保障公示" not in unit_page
    for header in ("标题", "发布机构", "发布日期", "文号"):
        assert f'<th scope="col">{header}</th>' in unit_page
    assert "石民字〔2024〕12号" in unit_page and "2024-03-20" in unit_page
    assert "共2条信息" in unit_page
    domain_page = _html(client, "portal:browse_domain", domain.code)
    assert "低保标准通知" in domain_page and "养老工作动态" not in domain_page
    five_page = _html(client, "portal:browse_five", "execution")
    assert "养老工作动态" in five_page and "低保标准通知" not in five_page
    year_page = _html(client, "portal:browse_year", 2023)
    assert "住房保障公示" in year_page and "低保标准通知" not in year_page
    column_page = _html(client, "portal:column", "statutory")  # a parent column: all below it
    assert "低保标准通知" in column_page and "养老工作动态" in column_page
    assert reverse("portal:column", args=["news"]) in column_page
    assert client.get(reverse("portal:browse_five", args=["nonsense"])).status_code == 404
    assert client.get(reverse("portal:column", args=["nonsense"])).status_code == 404
    assert client.get(reverse("portal:browse_unit", args=["NOPE"])).status_code == 404


def test_on_request_column_tells_how_to_apply(client: Client, db: Any) -> None:
    html = _html(client, "portal:column", "on-request")
    assert "第二十九条" in html and "20个工作日" in html
    assert reverse("portal:column", args=["guide"]) in html


def test_list_pages_page_through_and_their_query_count_is_bounded(
    client: Client, publish: Publish, domain: Domain, django_assert_max_num_queries: Any
) -> None:
    for n in range(23):
        publish(title=f"第{n:02d}期工作简报", domain=domain, column="news")
    for name, args in (
        ("portal:column", ["news"]),
        ("portal:browse_unit", ["MZJ"]),
        ("portal:browse_domain", [domain.code]),
        ("portal:browse_five", ["result"]),
        ("portal:browse_year", [2024]),
    ):
        with django_assert_max_num_queries(8):
            first = _html(client, name, *args)
        assert first.count("期工作简报</a>") == 20, name
        assert "第1页，共2页" in first
        assert "page=2" in first
        second = _html(client, name, *args, page=2)
        assert second.count("期工作简报</a>") == 3, name
        # Past the end: 没有这一页, a 404 that links to the last page (issue 11).
        past = client.get(reverse(name, args=args), {"page": 99})
        assert past.status_code == 404, name
        assert "没有这一页：这里共有2页。" in past.content.decode()
        assert 'href="?page=2">转到最后一页（第2页）</a>' in past.content.decode()
    _html(client, "portal:catalog_index")  # the first read after a catalog change stores counts
    with django_assert_max_num_queries(12):
        _html(client, "portal:disclosure")
    with django_assert_max_num_queries(8):
        _html(client, "portal:home")


# ------------------------------------------------------------------------------ the catalog


def test_catalog_item_page_lists_the_information_filed_under_its_matter_in_any_version(
    client: Client, publish: Publish, matter: CatalogItem, department: Unit, domain: Domain
) -> None:
    filed = publish(title="2024年3月低保审核确认结果", catalog_items=[matter], domain=domain)
    publish(title="未对应事项的信息")
    html = _html(client, "portal:catalog_item", matter.pk)
    assert "2024年3月低保审核确认结果" in html
    assert "未对应事项的信息" not in html
    assert "暂无已发布的政府信息" not in html
    # The unit's 2025 catalog carries the matter on (same lineage): the information follows it.
    newer: Catalog = CatalogFactory(unit=department, version=2025, status=CatalogStatus.APPROVED)
    carried: CatalogItem = CatalogItemFactory(
        catalog=newer, domain=domain, level2="审核确认结果", lineage=matter.lineage
    )
    html = _html(client, "portal:catalog_item", carried.pk)
    assert "2024年3月低保审核确认结果" in html
    detail = _html(client, "portal:publication", filed.pk)
    assert reverse("portal:catalog_item", args=[carried.pk]) in detail
    # The domain page is the catalog view of 法定主动公开内容: unit → its items in the domain.
    domain_page = _html(client, "portal:browse_domain", domain.code)
    unit_items = reverse("portal:catalog_domain_unit", args=[domain.code, department.code])
    row = domain_page.split(unit_items, 1)[1]
    assert '<td class="num">1</td>' in row.split("</tr>", 1)[0]


def test_catalog_item_page_query_count_is_bounded(
    client: Client,
    publish: Publish,
    matter: CatalogItem,
    domain: Domain,
    django_assert_max_num_queries: Any,
) -> None:
    for n in range(12):
        publish(title=f"第{n}批审核确认结果", catalog_items=[matter], domain=domain)
    with django_assert_max_num_queries(9):
        html = _html(client, "portal:catalog_item", matter.pk)
    assert html.count("批审核确认结果</a>") == 12


# ------------------------------------------------------------------------------ normative library


def test_normative_library_lists_the_currently_valid_documents_per_unit(
    client: Client, publish: Publish, publish_other: Publish, reviewer: User
) -> None:
    normative = {"doc_kind": DocKind.NORMATIVE, "validity": Validity.VALID, "column": "normative"}
    publish(
        title="最低生活保障实施办法",
        doc_number="石民规〔2024〕1号",
        effective_on=dt.date(2024, 4, 1),
        **normative,
    )
    expired = publish(title="旧的临时救助办法", doc_number="石民规〔2020〕2号", **normative)
    services.publication_set_validity(
        actor=reviewer, publication=expired, validity=Validity.EXPIRED
    )
    publish(title="一般通知")
    publish_other(title="住房保障管理办法", doc_number="石建规〔2024〕3号", **normative)
    html = _html(client, "portal:normative")
    assert "最低生活保障实施办法" in html and "住房保障管理办法" in html
    assert "旧的临时救助办法" not in html and "一般通知" not in html
    assert "石民规〔2024〕1号" in html and "2024-03-01" in html and "2024-04-01" in html
    assert html.index("县民政局</h2>") < html.index("最低生活保障实施办法")
    assert html.index("县住建局</h2>") < html.index("住房保障管理办法")
    assert '<label for="id_unit">' in html
    only = _html(client, "portal:normative", unit="ZJJ")
    assert "住房保障管理办法" in only and "最低生活保障实施办法" not in only


def test_normative_library_pages_through_a_province_library(
    client: Client, publish: Publish, publish_other: Publish, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Paged in the database (issue 10), not one page of every valid document."""
    monkeypatch.setattr(disclosure, "NORMATIVE_PAGE_SIZE", 1)
    normative = {"doc_kind": DocKind.NORMATIVE, "validity": Validity.VALID, "column": "normative"}
    publish(title="最低生活保障实施办法", doc_number="石民规〔2024〕1号", **normative)
    publish_other(title="住房保障管理办法", doc_number="石建规〔2024〕3号", **normative)
    first, second = _html(client, "portal:normative"), _html(client, "portal:normative", page=2)
    assert "共2件" in first and "第1页，共2页" in first
    titles = {"最低生活保障实施办法", "住房保障管理办法"}
    assert {t for t in titles if t in first} | {t for t in titles if t in second} == titles
    assert not {t for t in titles if t in first} & {t for t in titles if t in second}


# ------------------------------------------------------------------------------ home


def test_home_has_search_latest_items_and_the_ways_in(
    client: Client, publish: Publish, settings: Any
) -> None:
    settings.GONGKAI_COUNTY_NAME = "石城县"
    publish(title="最新的一条通知")
    html = _html(client, "portal:home")
    assert "石城县政务公开" in html
    assert 'action="/search/"' in html and '<label for="search-box-q">' in html
    assert "最新的一条通知" in html
    assert reverse("portal:disclosure") in html
    assert reverse("portal:normative") in html
    for five in FiveClass.values:
        assert reverse("portal:browse_five", args=[five]) in html
    assert (
        f'type="application/atom+xml" title="最新公开信息" href="{reverse("portal:feed_latest")}"'
        in html
    )


def test_years_are_the_countys_calendar_years(client: Client, publish: Publish) -> None:
    """Half past midnight on New Year's Day in Beijing is still the old year in UTC."""
    publish(
        title="元旦凌晨发布的通知", at="2024-01-01 00:30 +0800", written_on=dt.date(2023, 12, 29)
    )
    assert "元旦凌晨发布的通知" in _html(client, "portal:browse_year", 2024)
    assert "元旦凌晨发布的通知" not in _html(client, "portal:browse_year", 2023)
    assert reverse("portal:browse_year", args=[2023]) not in _html(client, "portal:disclosure")
