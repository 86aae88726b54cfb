"""Published information for the portal and API tests, made the way staff make it: drafted by the
unit's editor, submitted, and approved by its reviewer through gongkai.publications.services.

Import the fixtures into a conftest (``from tests.portal.publishing import ...``) to use them.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

import pytest
import time_machine

from gongkai.catalog.models import CatalogItem
from gongkai.orgs.models import Role, Unit, User
from gongkai.publications import services
from gongkai.publications.models import Column, FiveClass, Publication, TopicCategory
from tests.factories import MembershipFactory, UserFactory

PUBLISHED_AT = "2024-03-20 10:00 +0800"
PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"

Publish = Callable[..., Publication]


def publish_as(
    editor: User,
    reviewer: User,
    unit: Unit,
    *,
    at: str = PUBLISHED_AT,
    attachments: Iterable[tuple[str, bytes]] = (),
    catalog_items: Iterable[CatalogItem] = (),
    column: str = "notices",
    topic: str = "1600",
    **values: Any,
) -> Publication:
    """Draft, submit and approve one item at the moment ``at``; ``values`` override the defaults
    (title, body, doc_number, five_class, domain, doc_kind, validity …)."""
    data: dict[str, Any] = {
        "title": "关于2024年城乡最低生活保障标准的通知",
        "written_on": dt.date(2024, 3, 1),
        "five_class": FiveClass.RESULT,
        "body": "<p>各乡镇：</p><p>现将2024年最低生活保障标准通知如下。</p>",
        **values,
        "topic": TopicCategory.objects.get(code=topic),
        "column": Column.objects.get(code=column),
    }
    items = list(catalog_items)
    if items:
        data["catalog_items"] = items
    with time_machine.travel(at, tick=False):
        item = services.publication_create(actor=editor, unit=unit, values=data)
        for name, content in attachments:
            services.publication_attach(actor=editor, publication=item, name=name, data=content)
        services.publication_submit(actor=editor, publication=item)
        return services.publication_approve(actor=reviewer, publication=item)


def staff_of(unit: Unit, prefix: str) -> tuple[User, User]:
    """An editor and a reviewer of ``unit``."""
    editor: User = UserFactory(username=f"{prefix}_editor")
    MembershipFactory(user=editor, unit=unit, role=Role.EDITOR)
    reviewer: User = UserFactory(username=f"{prefix}_reviewer")
    MembershipFactory(user=reviewer, unit=unit, role=Role.REVIEWER)
    return editor, reviewer


@pytest.fixture(autouse=True)
def media_root(settings: Any, tmp_path: Path) -> Path:
    """Attachments are written under a fresh directory for each test."""
    settings.MEDIA_ROOT = tmp_path / "media"
    return Path(settings.MEDIA_ROOT)


@pytest.fixture
def publish(editor: User, reviewer: User, department: Unit) -> Publish:
    """Publish an item of the department (县民政局) through the services."""

    def _publish(**values: Any) -> Publication:
        return publish_as(editor, reviewer, department, **values)

    return _publish


@pytest.fixture
def publish_other(other_department: Unit) -> Publish:
    """Publish an item of the other department (县住建局) through the services."""
    editor, reviewer = staff_of(other_department, "zjj")

    def _publish(**values: Any) -> Publication:
        return publish_as(editor, reviewer, other_department, **values)

    return _publish
