"""The read API fuzzed from its own OpenAPI document (schemathesis): every operation, with valid
and invalid parameters, answers without a server error, with a documented status code, content
type and body.

Schemathesis loads /api/openapi.json from the Django WSGI application itself (no server, no
network) and calls every operation in-process against the test database, which holds a unit with
an approved catalog, a published item with an attachment and a withdrawn one. The Hypothesis
profile of tests/conftest.py bounds it ("ci": derandomized, a few dozen cases per operation);
``HYPOTHESIS_PROFILE=deep`` runs many more.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
import schemathesis
from django.core.handlers.wsgi import WSGIHandler
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from django.test import Client
from hypothesis import HealthCheck, settings

from gongkai.catalog.models import Catalog, CatalogStatus, Domain
from gongkai.orgs.models import Unit, User
from gongkai.publications import services
from gongkai.publications.models import Publication
from tests.factories import CatalogFactory, CatalogItemFactory
from tests.portal.publishing import PDF, Publish


@pytest.fixture
def api_data(
    publish: Publish,
    reviewer: User,
    department: Unit,
    township: Unit,
    village: Unit,
    domain: Domain,
) -> dict[str, Any]:
    """Something behind every path: a catalog with an item, a published item filed under it with
    an attachment, and a withdrawn item."""
    catalog: Catalog = CatalogFactory(unit=department, status=CatalogStatus.APPROVED)
    matter = CatalogItemFactory(catalog=catalog, domain=domain)
    item = publish(domain=domain, catalog_items=[matter], attachments=[("名单.pdf", PDF)])
    gone: Publication = publish(title="关于调整低保标准的通知（已撤回）")
    services.publication_withdraw(actor=reviewer, publication=gone, reason="内容有误，已重新发布")
    return {"publication": item.pk, "withdrawn": gone.pk, "unit": department.code}


@pytest.fixture
def app(api_data: dict[str, Any]) -> Iterator[WSGIHandler]:
    """The Django WSGI application, over the test database holding ``api_data``.

    Django's WSGI handler closes the database connection at the end of each request
    (close_old_connections); inside a test that would end the test's transaction, so the
    handler runs without that signal, as django.test.Client does.
    """
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        yield WSGIHandler()
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


# Loaded from the application itself when the tests are collected (serving the document needs no
# database): one test per operation.
schema = schemathesis.openapi.from_wsgi("/api/openapi.json", WSGIHandler())


@pytest.mark.django_db
@schema.parametrize()
@settings(suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
def test_the_api_conforms_to_its_schema_and_never_fails(case: Any, app: WSGIHandler) -> None:
    response = case.call_and_validate(app=app)
    assert response.status_code < 500


# What the fuzzing found, kept as plain cases so they stay fixed whatever Hypothesis draws.
@pytest.mark.django_db
@pytest.mark.parametrize(
    ("url", "status"),
    [
        ("/api/publications/?page=%C2%B2", 400),  # ² passed str.isdigit() and broke int(): 500
        ("/api/publications/?page_size=%C2%B2", 400),
        ("/api/publications/?year=%C2%B2%C2%B2%C2%B2%C2%B2", 400),
        ("/api/publications/?catalog_item=%C2%B2", 400),
        ("/api/publications/?page_size=" + "9" * 5000, 200),  # int() refuses 4,300+ digits
        ("/api/publications/?page=99999999999999999999999", 404),  # SQLite offset overflow: 500
        ("/api/publications/?page=99999999999999999999999&q=低保", 404),
        ("/api/publications/?catalog_item=" + "9" * 40, 200),
        ("/api/publications/?q=低保&column=no-such-column", 200),  # EmptyResultSet: 500
        ("/api/publications/?column=no-such-column&year=true", 400),  # year was not checked
        ("/api/publications/?five=&year=&page=", 200),  # empty means not given
        ("/api/publications/?catalog_item=3.0&page=1.0&year=2024.0&q=低保", 200),  # JSON integers
        ("/api/publications/?year=0999", 400),
        ("/api/publications/?page=1.5", 400),
        ("/api/publications/null,null/", 404),  # HTML 404 before: undocumented content type
        ("/api/publications/%0A/", 404),
        ("/api/catalogs/a/b/", 404),
    ],
)
def test_what_the_fuzzing_found_stays_fixed(
    client: Client, api_data: dict[str, Any], url: str, status: int
) -> None:
    response = client.get(url)
    assert response.status_code == status, url
    assert response["Content-Type"] == "application/json"


@pytest.mark.django_db
@pytest.mark.parametrize("method", ["post", "put", "patch", "delete"])
def test_other_methods_are_405_not_the_csrf_page(api_data: dict[str, Any], method: str) -> None:
    client = Client(enforce_csrf_checks=True)  # as a browser or script meets the site
    for url in ("/api/publications/", "/api/units/", "/api/openapi.json", "/api/docs"):
        assert getattr(client, method)(url).status_code == 405, (method, url)
