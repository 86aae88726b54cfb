"""Bringing already-published information in bulk: index numbers kept, checks still apply."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.utils import timezone

from gongkai.core.errors import ValidationFailed
from gongkai.orgs.models import Unit
from gongkai.publications import search
from gongkai.publications.archive import ArchiveItem, archive_import
from gongkai.publications.models import (
    Column,
    FiveClass,
    Publication,
    PublicationStatus,
    TopicCategory,
)


def item(unit: Unit, title: str, *, index_no: str = "", body: str = "正文") -> ArchiveItem:
    values: dict[str, Any] = {
        "title": title,
        "issuer": "石狮市宝盖镇人民政府",
        "doc_number": "宝政〔2020〕58号",
        "written_on": dt.date(2020, 9, 11),
        "topic": TopicCategory.objects.get(code="0100"),
        "five_class": FiveClass.DECISION,
        "column": Column.objects.get(code="standardization"),
        "body": body,
    }
    moment = timezone.make_aware(dt.datetime(2020, 9, 14, 9, 0))
    return ArchiveItem(unit=unit, values=values, published_at=moment, index_no=index_no)


def test_items_keep_their_index_numbers_and_are_searchable(department: Unit) -> None:
    created = archive_import(
        actor=None,
        items=[
            item(
                department,
                "宝盖镇全面推进基层政务公开标准化规范化工作方案",
                index_no="QZ05904-1700-2020-00028",
            ),
            item(department, "第二条"),
        ],
    )
    first, second = created
    assert first.index_no == "QZ05904-1700-2020-00028"
    assert second.index_no == "MZJ-0100-2020-00001"
    assert first.status == PublicationStatus.PUBLISHED
    assert first.issuer == "石狮市宝盖镇人民政府"
    assert first.versions.get().action == "import"
    found = search.search("宝政〔2020〕58号", Publication.objects.all())
    assert found.total == 2


def test_duplicate_index_numbers_and_personal_data_refuse_the_batch(department: Unit) -> None:
    archive_import(actor=None, items=[item(department, "甲", index_no="X-1")])
    with pytest.raises(ValidationFailed):
        archive_import(actor=None, items=[item(department, "乙", index_no="X-1")])
    with pytest.raises(ValidationFailed) as caught:
        archive_import(
            actor=None, items=[item(department, "丙", body="身份证号360735198506151233")]
        )
    assert "第1条“丙”" in caught.value.problems[0]
    assert Publication.objects.count() == 1
