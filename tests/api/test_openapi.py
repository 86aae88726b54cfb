"""The OpenAPI document tells the truth: every documented path answers with the documented fields,
and the docs page shows it all without loading anything from elsewhere."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from gongkai.api import openapi
from gongkai.catalog.models import Catalog, CatalogStatus, Domain
from gongkai.orgs.models import Unit
from tests.factories import CatalogFactory, CatalogItemFactory
from tests.portal.publishing import PDF, Publish

pytestmark = pytest.mark.django_db


def _schema(document: dict[str, Any], schema: dict[str, Any]) -> dict[str, Any]:
    ref = schema.get("$ref", "")
    if ref:
        found: dict[str, Any] = document["components"]["schemas"][ref.rsplit("/", 1)[-1]]
        return found
    return schema


def _check_object(document: dict[str, Any], schema: dict[str, Any], data: Any, where: str) -> None:
    """The answer has exactly the documented properties, recursively through objects and arrays."""
    schema = _schema(document, schema)
    if "oneOf" in schema:
        if data is None:
            return
        schema = _schema(document, schema["oneOf"][0])
    if schema.get("type") == "array":
        for n, element in enumerate(data):
            _check_object(document, schema["items"], element, f"{where}[{n}]")
        return
    properties = schema.get("properties")
    if not properties or data is None:
        return
    assert isinstance(data, dict), where
    assert set(data) == set(properties), (where, set(data) ^ set(properties))
    assert set(schema.get("required", [])) <= set(data), where
    for name, prop in properties.items():
        _check_object(document, prop, data[name], f"{where}.{name}")


@pytest.fixture
def data(publish: Publish, department: Unit, domain: Domain) -> dict[str, str]:
    """Something behind every path, so no documented field goes unchecked."""
    catalog: Catalog = CatalogFactory(unit=department, status=CatalogStatus.APPROVED)
    matter = CatalogItemFactory(catalog=catalog, domain=domain)
    item = publish(domain=domain, catalog_items=[matter], attachments=[("名单.pdf", PDF)])
    return {"id": str(item.pk), "unit": department.code}


def test_every_documented_path_answers_with_the_documented_fields(
    client: Client, data: dict[str, str]
) -> None:
    response = client.get(reverse("api:openapi"))
    assert response.status_code == 200
    document = response.json()
    assert document == openapi.document()
    assert document["openapi"].startswith("3.1")
    assert len(document["paths"]) == 6
    for template, operations in document["paths"].items():
        path = template
        for name, value in data.items():
            path = path.replace(f"{{{name}}}", value)
        assert "{" not in path, template
        for method, operation in operations.items():
            assert method == "get"
            answer = client.get(path)
            assert answer.status_code == 200, path
            schema = operation["responses"]["200"]["content"]["application/json"]["schema"]
            _check_object(document, schema, answer.json(), path)
            for parameter in operation["parameters"]:
                assert parameter["in"] in {"query", "path"}
                assert parameter["description"]


def test_every_route_of_the_api_is_documented(db: Any) -> None:
    from gongkai.api import urls

    documented = set(openapi.document()["paths"])
    routes = {
        f"/api/{pattern.pattern}" for pattern in urls.urlpatterns if pattern.name != "not_found"
    }
    routes = {route.replace("<int:pk>", "{id}").replace("<str:code>", "{unit}") for route in routes}
    assert routes - {"/api/docs"} == documented


def test_docs_page_lists_endpoints_parameters_and_fields_from_the_document(
    client: Client, db: Any
) -> None:
    response = client.get(reverse("api:docs"))
    assert response.status_code == 200
    html = response.content.decode()
    document = openapi.document()
    for path, operations in document["paths"].items():
        assert f"GET {path}" in html
        for parameter in operations["get"]["parameters"]:
            assert f"<code>{parameter['name']}</code>" in html
    for name in ("count", "next", "results", "index_no", "doc_number", "withdrawal_reason"):
        assert f"<code>{name}</code>" in html
    assert "<script" not in html
    assert 'src="http' not in html and 'href="http' not in html
