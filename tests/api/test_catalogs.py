"""/api/catalogs/ at any size (issue 10): counted and paged in the database, in the order of the
organisation tree, with each page's item counts, and only each active unit's newest public
catalog."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from gongkai.catalog.models import Catalog, CatalogStatus, Domain
from gongkai.orgs.models import Unit
from tests.factories import CatalogFactory, CatalogItemFactory

pytestmark = pytest.mark.django_db


def _catalog(
    unit: Unit, domain: Domain, items: int, *, version: int = 2024, status: str = "approved"
) -> Catalog:
    catalog: Catalog = CatalogFactory(unit=unit, version=version, status=status)
    for _ in range(items):
        CatalogItemFactory(catalog=catalog, domain=domain)
    return catalog


def _get(client: Client, status: int = 200, **query: Any) -> Any:
    response = client.get(reverse("api:catalogs"), query)
    assert response.status_code == status, response.content
    return response.json()


def test_catalogs_are_paged_in_tree_order_with_item_counts(
    client: Client,
    county: Unit,
    department: Unit,
    other_department: Unit,
    township: Unit,
    village: Unit,
    domain: Domain,
) -> None:
    _catalog(village, domain, 1)
    _catalog(township, domain, 2)
    _catalog(other_department, domain, 3)
    _catalog(department, domain, 4)
    _catalog(department, domain, 5, version=2025, status=CatalogStatus.DRAFT)
    first = _get(client, page_size=2)
    assert first["count"] == 4
    assert [c["unit"]["code"] for c in first["results"]] == ["MZJ", "ZJJ"]
    assert [c["item_count"] for c in first["results"]] == [4, 3]
    assert first["results"][0]["version"] == 2024
    assert first["previous"] is None
    assert first["next"] == "http://testserver/api/catalogs/?page_size=2&page=2"
    second = _get(client, page_size=2, page=2)
    assert [c["unit"]["code"] for c in second["results"]] == ["QJZ", "QJZ01"]
    assert second["next"] is None
    assert _get(client, status=404, page_size=2, page=3)["detail"]


def test_only_the_newest_public_catalog_of_active_units_is_listed(
    client: Client, department: Unit, township: Unit, domain: Domain
) -> None:
    _catalog(department, domain, 2)
    _catalog(department, domain, 1, version=2025, status=CatalogStatus.REPORTED)
    _catalog(township, domain, 1)
    township.is_active = False
    township.save()
    page = _get(client)
    assert page["count"] == 1
    (only,) = page["results"]
    assert (only["unit"]["code"], only["version"], only["item_count"]) == ("MZJ", 2025, 1)
    assert only["status"]["code"] == "reported"


def test_catalogs_query_count_does_not_grow_with_the_units(
    client: Client, county: Unit, domain: Domain, django_assert_max_num_queries: Any
) -> None:
    for n in range(3):
        _catalog(Unit.objects.create(code=f"A{n}", name=f"甲{n}", kind="department"), domain, 1)
    with django_assert_max_num_queries(3):
        assert _get(client)["count"] == 3
    for n in range(30):
        _catalog(Unit.objects.create(code=f"B{n}", name=f"乙{n}", kind="department"), domain, 2)
    with django_assert_max_num_queries(3):
        page = _get(client)
    assert page["count"] == 33 and len(page["results"]) == 20
