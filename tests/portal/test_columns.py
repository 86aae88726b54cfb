"""A column's list at any page: a parent column (法定主动公开内容 and its sub-columns) reads its
own index range through Publication.top_column, and lists exactly what it listed before."""

from __future__ import annotations

import importlib
import re
from typing import Any

import pytest
from django.apps import apps
from django.test import Client
from django.urls import reverse

from gongkai.orgs.models import User
from gongkai.publications import selectors, services
from gongkai.publications.models import Column, Publication
from tests.portal.publishing import Publish

pytestmark = pytest.mark.django_db

SUB_COLUMNS = ["notices", "news", "policies", "budget", "village"]


@pytest.fixture
def spread(publish: Publish) -> list[Publication]:
    """25 items over five sub-columns of 法定主动公开内容, 3 in top-level columns without
    sub-columns, published a minute apart (two at the same minute: ties go by id)."""
    made = []
    for n in range(25):
        minute = min(n, 23)
        made.append(
            publish(
                title=f"第{n:02d}号通知",
                column=SUB_COLUMNS[n % len(SUB_COLUMNS)],
                at=f"2024-03-20 10:{minute:02d} +0800",
            )
        )
    for n, code in enumerate(("guide", "annual-reports", "guide")):
        made.append(publish(title=f"其他栏目{n}", column=code, at=f"2024-03-21 09:0{n} +0800"))
    return made


def _nodes(tree: list[selectors.ColumnNode]) -> list[selectors.ColumnNode]:
    found = []
    for node in tree:
        found.append(node)
        found.extend(_nodes(node.children))
    return found


def test_every_column_lists_the_same_items_in_the_same_order_as_by_its_ids(
    spread: list[Publication],
) -> None:
    for node in _nodes(selectors.public_column_tree()):
        by_ids = list(selectors.public_in_columns(node.ids).values_list("pk", flat=True))
        assert list(selectors.public_in_column(node).values_list("pk", flat=True)) == by_ids
    statutory = selectors.public_column("statutory")
    assert selectors.public_in_column(statutory).count() == 25


def test_a_parent_columns_pages_follow_on_from_each_other(
    client: Client, spread: list[Publication]
) -> None:
    newest_first = sorted(
        spread[:25], key=lambda p: (p.published_at, p.pk), reverse=True
    )  # the order of the list
    titles = []
    for page in (1, 2):
        response = client.get(reverse("portal:column", args=["statutory"]), {"page": page})
        titles += re.findall(r'<a href="/xxgk/\d+/">(第\d+号通知)</a>', response.content.decode())
    assert titles == [p.title for p in newest_first]
    assert "共25条信息" in client.get(reverse("portal:column", args=["statutory"])).content.decode()


def test_the_column_feed_and_the_api_use_the_same_list(
    client: Client, spread: list[Publication]
) -> None:
    feed = client.get(reverse("portal:feed_column", args=["statutory"])).content.decode()
    assert feed.count("<entry>") == 25
    page = client.get(reverse("api:publications"), {"column": "statutory", "page_size": 100})
    assert page.json()["count"] == 25


def test_the_top_column_follows_the_column_of_a_draft(
    editor: User, department: Any, publish: Publish
) -> None:
    statutory = Column.objects.get(code="statutory")
    guide = Column.objects.get(code="guide")
    item = publish(column="news")
    assert item.top_column == statutory
    draft = services.publication_create(
        actor=editor,
        unit=department,
        values={
            "title": "草稿",
            "written_on": item.written_on,
            "five_class": item.five_class,
            "topic": item.topic,
            "column": Column.objects.get(code="budget"),
        },
    )
    assert draft.top_column == statutory
    draft = services.publication_update(actor=editor, publication=draft, values={"column": guide})
    assert Publication.objects.get(pk=draft.pk).top_column == guide
    services.publication_update(actor=editor, publication=draft, values={"title": "草稿二"})
    assert Publication.objects.get(pk=draft.pk).top_column == guide


def test_the_migration_fills_the_top_column_of_existing_items(spread: list[Publication]) -> None:
    Publication.objects.update(top_column=None)
    migration = importlib.import_module(
        "gongkai.publications.migrations.0008_publication_top_column"
    )
    migration.fill(apps, None)
    statutory = Column.objects.get(code="statutory")
    assert Publication.objects.filter(top_column=statutory).count() == 25
    assert all(
        p.top_column_id == p.column_id for p in Publication.objects.exclude(top_column=statutory)
    )


def test_top_columns_are_filled_after_a_raw_load(spread: list[Publication]) -> None:
    """A bulk load in raw SQL (the benchmarks' fill) leaves the field empty; the service fills
    it, and only where it is missing or wrong."""
    Publication.objects.filter(column__code="news").update(top_column=None)
    Publication.objects.filter(column__code="guide").update(
        top_column=Column.objects.get(code="news")
    )
    assert services.publication_top_columns_fill() == 5 + 2
    assert services.publication_top_columns_fill() == 0
    statutory = selectors.public_column("statutory")
    assert selectors.public_in_column(statutory).count() == 25
