"""An item's page for the public is kept by browsers and proxies and revalidated on every use:
an unchanged page is a 304 from one query, and a change to what the page shows — a withdrawal,
a validity change, a renamed column — changes its ETag at once (gongkai.core.conditional)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from gongkai.orgs.models import User
from gongkai.portal.context_processors import LARGE_FONT_COOKIE
from gongkai.publications import services
from gongkai.publications.models import Column, DocKind, Validity
from tests.portal.publishing import Publish

pytestmark = pytest.mark.django_db


def test_an_unchanged_page_is_a_304_from_one_query(client: Client, publish: Publish) -> None:
    url = reverse("portal:publication", args=[publish().pk])
    first = client.get(url)
    assert first.status_code == 200
    etag = first["ETag"]
    assert etag.startswith('W/"')
    assert first["Cache-Control"] == "public, no-cache"
    assert "Cookie" in first["Vary"] and first["Last-Modified"]
    with CaptureQueriesContext(connection) as queries:
        again = client.get(url, HTTP_IF_NONE_MATCH=etag)
    assert again.status_code == 304 and again.content == b""
    assert again["ETag"] == etag and again["Cache-Control"] == "public, no-cache"
    assert len(queries) == 1
    assert client.head(url, HTTP_IF_NONE_MATCH=etag).status_code == 304
    # Another page's validator, or a date alone, is not enough.
    assert client.get(url, HTTP_IF_NONE_MATCH='W/"other"').status_code == 200
    assert client.get(url, HTTP_IF_MODIFIED_SINCE=first["Last-Modified"]).status_code == 200


def test_a_validity_change_and_a_withdrawal_show_at_once(
    client: Client, publish: Publish, reviewer: User
) -> None:
    item = publish(
        title="石城县最低生活保障实施办法",
        doc_number="石府规〔2024〕1号",
        doc_kind=DocKind.NORMATIVE,
        validity=Validity.VALID,
        effective_on=dt.date(2024, 4, 1),
        column="normative",
    )
    url = reverse("portal:publication", args=[item.pk])
    etag = client.get(url)["ETag"]
    services.publication_set_validity(
        actor=reviewer, publication=item, validity=Validity.REPEALED, comment="已被新办法替代"
    )
    repealed = client.get(url, HTTP_IF_NONE_MATCH=etag)
    assert repealed.status_code == 200 and "已废止" in repealed.content.decode()
    assert repealed["ETag"] != etag
    services.publication_withdraw(actor=reviewer, publication=item, reason="重复发布")
    withdrawn = client.get(url, HTTP_IF_NONE_MATCH=repealed["ETag"])
    assert withdrawn.status_code == 200
    assert "撤回原因：重复发布" in withdrawn.content.decode()


def test_a_renamed_column_changes_the_page(client: Client, publish: Publish) -> None:
    item = publish()
    url = reverse("portal:publication", args=[item.pk])
    etag = client.get(url)["ETag"]
    column = Column.objects.get(pk=item.column_id)
    column.name = "通知公告（新）"
    column.save()
    renamed = client.get(url, HTTP_IF_NONE_MATCH=etag)
    assert renamed.status_code == 200 and "通知公告（新）" in renamed.content.decode()


def test_the_large_font_page_has_its_own_validator(client: Client, publish: Publish) -> None:
    url = reverse("portal:publication", args=[publish().pk])
    etag = client.get(url)["ETag"]
    client.cookies[LARGE_FONT_COOKIE] = "1"
    large = client.get(url, HTTP_IF_NONE_MATCH=etag)
    assert large.status_code == 200 and 'class="large-font"' in large.content.decode()
    assert large["ETag"] != etag


def test_a_visitor_with_a_session_gets_a_private_page(
    client: Client, publish: Publish, editor: User
) -> None:
    url = reverse("portal:publication", args=[publish().pk])
    etag = client.get(url)["ETag"]
    client.force_login(editor)
    page = client.get(url, HTTP_IF_NONE_MATCH=etag)
    assert page.status_code == 200 and "ETag" not in page
    assert "private" in page["Cache-Control"] and "public" not in page["Cache-Control"]
