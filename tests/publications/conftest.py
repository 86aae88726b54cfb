"""Shared fixtures of the publication tests: a department's items in each state, made through the
services as staff would make them (the department's editor drafts, its reviewer approves)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from gongkai.orgs.models import Unit, User
from gongkai.publications import services
from gongkai.publications.models import (
    Attribute,
    Column,
    FiveClass,
    NonPublicGround,
    Publication,
    TopicCategory,
)

# A valid resident ID number (GB 11643 check digit): the checks must catch it and every page
# must show it masked.
ID_NUMBER = "360735198506151233"
ID_MASKED = "360735********1233"


def publication_values(**overrides: Any) -> dict[str, Any]:
    """What an editor fills in for an ordinary notice, as the services take it."""
    values: dict[str, Any] = {
        "title": "关于2024年城乡最低生活保障标准的通知",
        "doc_number": "石民字〔2024〕12号",
        "written_on": dt.date(2024, 3, 1),
        "topic": TopicCategory.objects.get(code="1600"),
        "five_class": FiveClass.RESULT,
        "column": Column.objects.get(code="notices"),
        "body": "<p>各乡镇：</p><p>现将2024年最低生活保障标准通知如下。</p>",
    }
    values.update(overrides)
    return values


@pytest.fixture
def draft_item(department: Unit, editor: User) -> Publication:
    return services.publication_create(actor=editor, unit=department, values=publication_values())


@pytest.fixture
def submitted_item(draft_item: Publication, editor: User) -> Publication:
    return services.publication_submit(actor=editor, publication=draft_item)


@pytest.fixture
def published_item(submitted_item: Publication, reviewer: User) -> Publication:
    return services.publication_approve(actor=reviewer, publication=submitted_item)


@pytest.fixture
def retained_item(department: Unit, editor: User, reviewer: User) -> Publication:
    """An item decided at drafting not to be published (过程性信息), approved and retained."""
    item = services.publication_create(
        actor=editor,
        unit=department,
        values=publication_values(
            title="关于低保资金调整的请示",
            attribute=Attribute.NOT_PUBLIC,
            non_public_ground=NonPublicGround.ART16_PROCESS,
            attribute_reason="属于请示报告类过程性信息",
        ),
    )
    services.publication_submit(actor=editor, publication=item)
    return services.publication_approve(actor=reviewer, publication=item)


@pytest.fixture
def other_item(other_department: Unit, other_editor: User) -> Publication:
    """A draft of another department, which the department's staff must not reach."""
    return services.publication_create(
        actor=other_editor,
        unit=other_department,
        values=publication_values(title="县住建局保障性住房分配方案"),
    )
