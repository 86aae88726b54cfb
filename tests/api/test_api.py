"""The read API: public data only, paged, filtered, with absolute links."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from gongkai.catalog.models import Catalog, CatalogStatus, Domain
from gongkai.orgs.models import Unit, UnitKind, User
from gongkai.publications import services
from gongkai.publications.models import FiveClass
from tests.factories import COMPLETE_ELEMENTS, CatalogFactory, CatalogItemFactory, UnitFactory
from tests.portal.publishing import PDF, Publish

pytestmark = pytest.mark.django_db


def _get(client: Client, name: str, *args: Any, status: int = 200, **query: Any) -> Any:
    response = client.get(reverse(name, args=args), query)
    assert response.status_code == status, response.content
    assert response["Content-Type"] == "application/json"
    return response.json()


@pytest.fixture
def approved(department: Unit, domain: Domain) -> Catalog:
    catalog: Catalog = CatalogFactory(unit=department, version=2024, status=CatalogStatus.APPROVED)
    CatalogItemFactory(catalog=catalog, domain=domain, level2="办事指南", sort_order=1)
    CatalogItemFactory(catalog=catalog, domain=domain, level2="审核确认结果", sort_order=2)
    return catalog


def test_publications_are_paged_with_absolute_links(
    client: Client, publish: Publish, django_assert_max_num_queries: Any
) -> None:
    for n in range(5):
        publish(title=f"简报第{n}期", at=f"2024-03-{10 + n} 10:00 +0800")
    with django_assert_max_num_queries(3):
        page = _get(client, "api:publications", page_size=2)
    assert page["count"] == 5
    assert [r["title"] for r in page["results"]] == ["简报第4期", "简报第3期"]
    assert page["previous"] is None
    assert page["next"] == "http://testserver/api/publications/?page_size=2&page=2"
    last = _get(client, "api:publications", page_size=2, page=3)
    assert [r["title"] for r in last["results"]] == ["简报第0期"]
    assert last["next"] is None
    assert last["previous"] == "http://testserver/api/publications/?page_size=2&page=2"
    first = page["results"][0]
    assert first["url"] == f"http://testserver/api/publications/{first['id']}/"
    assert first["html_url"] == f"http://testserver/xxgk/{first['id']}/"
    assert first["published_at"] == "2024-03-14T10:00:00+08:00"
    assert first["unit"] == {"code": "MZJ", "name": "县民政局"}
    assert first["five_class"] == {"code": "result", "name": "结果公开"}


def test_page_size_is_capped_and_bad_parameters_are_400(client: Client, publish: Publish) -> None:
    publish()
    assert "next" in _get(client, "api:publications", page_size=1000)
    for bad in ({"page": "0"}, {"page": "x"}, {"page_size": "-1"}, {"year": "24"}, {"five": "x"}):
        body = _get(client, "api:publications", status=400, **bad)
        assert body["detail"]
    assert _get(client, "api:publications", status=404, page=5)["detail"]


def test_publications_filter_by_unit_domain_column_year_and_words(
    client: Client, publish: Publish, publish_other: Publish, domain: Domain
) -> None:
    publish(title="救助资金发放公示", domain=domain, doc_number="石民字〔2024〕3号")
    publish(
        title="救助工作动态",
        column="news",
        five_class=FiveClass.EXECUTION,
        at="2023-06-01 10:00 +0800",
        written_on=dt.date(2023, 5, 30),
    )
    publish_other(title="住房保障公告")

    def titles(**query: Any) -> list[str]:
        return [r["title"] for r in _get(client, "api:publications", **query)["results"]]

    assert titles(unit="ZJJ") == ["住房保障公告"]
    assert titles(domain=domain.code) == ["救助资金发放公示"]
    assert titles(column="news") == ["救助工作动态"]
    assert len(titles(column="statutory")) == 3
    assert titles(column="nope") == []
    assert titles(year="2023") == ["救助工作动态"]
    assert titles(five="execution") == ["救助工作动态"]
    assert set(titles(q="救助")) == {"救助资金发放公示", "救助工作动态"}
    assert titles(q="救助", unit="MZJ", year="2024") == ["救助资金发放公示"]
    assert titles(q="石民字[2024]3号")[0] == "救助资金发放公示"
    assert titles(q="财") == []


def test_publication_detail_has_body_attachments_and_catalog_items(
    client: Client, publish: Publish, approved: Catalog
) -> None:
    matter = approved.items.get(level2="审核确认结果")
    item = publish(catalog_items=[matter], attachments=[("名单.pdf", PDF)])
    data = _get(client, "api:publication", item.pk)
    assert data["index_no"] == "MZJ-1600-2024-00001"
    assert data["body_html"].startswith("<p>各乡镇：</p>")
    assert data["attachments"][0]["name"] == "名单.pdf"
    assert data["attachments"][0]["url"].startswith("http://testserver/xxgk/attachment/")
    assert data["catalog_items"] == [
        {
            "level1": "最低生活保障",
            "level2": "审核确认结果",
            "html_url": f"http://testserver/catalog/item/{matter.pk}/",
        }
    ]
    assert data["withdrawn_at"] is None
    filed = _get(client, "api:publications", catalog_item=matter.pk)
    assert [r["id"] for r in filed["results"]] == [item.pk]


def test_withdrawn_detail_keeps_metadata_without_content_and_drafts_are_404(
    client: Client, publish: Publish, reviewer: User, editor: User, department: Unit
) -> None:
    item = publish(attachments=[("名单.pdf", PDF)])
    services.publication_withdraw(actor=reviewer, publication=item, reason="重复发布")
    data = _get(client, "api:publication", item.pk)
    assert data["status"] == "withdrawn"
    assert data["withdrawal_reason"] == "重复发布"
    assert data["index_no"] == "MZJ-1600-2024-00001"
    assert data["body_html"] is None and data["attachments"] == []
    assert _get(client, "api:publications")["count"] == 0
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
    assert _get(client, "api:publication", draft.pk, status=404)["detail"]


def test_catalogs_list_and_detail_with_every_element(
    client: Client, approved: Catalog, other_department: Unit, domain: Domain
) -> None:
    CatalogItemFactory(catalog__unit=other_department, catalog__status=CatalogStatus.DRAFT)
    page = _get(client, "api:catalogs")
    assert page["count"] == 1
    (catalog,) = page["results"]
    assert catalog["unit"] == {"code": "MZJ", "name": "县民政局"}
    assert catalog["version"] == 2024
    assert catalog["status"] == {"code": "approved", "name": "审核通过"}
    assert catalog["item_count"] == 2
    assert catalog["url"] == "http://testserver/api/catalogs/MZJ/"
    detail = _get(client, "api:catalog", "MZJ")
    assert detail["item_count"] == 2
    item: dict[str, Any] = detail["items"][1]
    assert item["level2"] == "审核确认结果"
    stored = approved.items.get(level2="审核确认结果")
    for name, value in stored.elements().items():
        assert item[name] == value, name
    assert item["basis"] == COMPLETE_ELEMENTS["basis"]
    assert item["domain"] == {"code": domain.code, "name": domain.name}
    assert item["publications_url"].endswith(f"/api/publications/?catalog_item={item['id']}")
    assert _get(client, "api:catalog", "ZJJ", status=404)["detail"]
    assert _get(client, "api:catalog", "NOPE", status=404)["detail"]


def test_units_list_public_units_with_counts(
    client: Client, approved: Catalog, publish: Publish, other_department: Unit
) -> None:
    publish()
    page = _get(client, "api:units", page_size=100)
    units = {u["code"]: u for u in page["results"]}
    assert units["MZJ"]["publication_count"] == 1
    assert units["MZJ"]["catalog_url"] == "http://testserver/api/catalogs/MZJ/"
    assert units["MZJ"]["parent"] == "SCX"
    assert units["MZJ"]["kind"] == {"code": "department", "name": "县直部门"}
    assert units["ZJJ"]["publication_count"] == 0
    assert units["ZJJ"]["catalog_url"] is None


def test_units_are_paged_in_the_order_of_the_tree_and_filtered(
    client: Client,
    approved: Catalog,
    publish: Publish,
    other_department: Unit,
    village: Unit,
    django_assert_max_num_queries: Any,
) -> None:
    publish()
    UnitFactory.create_batch(30, parent=village.parent, kind=UnitKind.VILLAGE)
    with django_assert_max_num_queries(4):
        first = _get(client, "api:units", page_size=2)
    assert first["count"] == 35  # the county, two departments, the township, 31 villages
    order = list(Unit.objects.order_by("sort_order", "code").values_list("code", flat=True))
    assert [u["code"] for u in first["results"]] == order[:2]
    assert first["next"] == "http://testserver/api/units/?page_size=2&page=2"
    second = _get(client, "api:units", page_size=2, page=2)
    assert [u["code"] for u in second["results"]] == order[2:4]
    mzj = _get(client, "api:units", kind="department")["results"][0]
    assert mzj["publication_count"] == 1
    assert mzj["catalog_url"] == "http://testserver/api/catalogs/MZJ/"
    with django_assert_max_num_queries(4):
        deep = _get(client, "api:units", page_size=10, page=4)
    assert len(deep["results"]) == 5 and deep["next"] is None
    _get(client, "api:units", page_size=10, page=5, status=404)
    below = _get(client, "api:units", parent="QJZ", page_size=100)
    assert below["count"] == 31 and {u["parent"] for u in below["results"]} == {"QJZ"}
    assert _get(client, "api:units", kind="department")["count"] == 2
    by_name = client.get(reverse("api:units"), {"name": "古樟"}).json()
    assert [u["code"] for u in by_name["results"]] == ["QJZ01"]
    assert _get(client, "api:units", parent="NOPE")["count"] == 0
    error = _get(client, "api:units", kind="planet", status=400)
    assert "参数 kind" in error["detail"]


def test_only_get_is_allowed_and_anyone_may_read(client: Client, db: Any) -> None:
    for name in ("api:publications", "api:catalogs", "api:units"):
        assert client.post(reverse(name)).status_code == 405
        response = client.get(reverse(name))
        assert response.status_code == 200
        assert response["Access-Control-Allow-Origin"] == "*"


def test_query_counts_do_not_grow_with_the_data(
    client: Client,
    publish: Publish,
    approved: Catalog,
    django_assert_max_num_queries: Any,
) -> None:
    for n in range(15):
        publish(title=f"第{n}期", catalog_items=list(approved.items.all()))
    for name, query, limit in (
        ("api:publications", {"page_size": 100}, 3),
        ("api:publications", {"q": "第", "page_size": 100}, 4),
        ("api:catalogs", {}, 5),
        ("api:units", {}, 4),
    ):
        with django_assert_max_num_queries(limit):
            _get(client, name, **query)
    with django_assert_max_num_queries(5):
        _get(client, "api:catalog", "MZJ")
