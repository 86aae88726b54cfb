"""Bringing already-published information into gongkai in bulk (an old website's archive, the demo).

A county moving to gongkai has years of information already public under its own index numbers.
Those items enter as published, keeping their 索引号, 发布日期 and 文号, and go through the same
checks before publishing as new items: a batch with personal data or sensitive words is refused
whole unless an override reason is given, which is recorded. New index numbers are allocated for
items that have none, by the same rule as approvals.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction

from gongkai.core import clock
from gongkai.core.audit import audit
from gongkai.core.errors import ValidationFailed
from gongkai.orgs import permissions
from gongkai.orgs.models import Unit, User
from gongkai.publications import checks, search, services
from gongkai.publications.models import (
    Attribute,
    Publication,
    PublicationStatus,
    PublicationVersion,
)
from gongkai.workdays.selectors import calendar


@dataclass
class ArchiveItem:
    """One published item to bring in; ``values`` as for services.publication_create."""

    unit: Unit
    values: dict[str, Any]
    published_at: dt.datetime
    index_no: str = ""
    catalog_items: list[Any] = field(default_factory=list)


def _incomplete(publication: Publication) -> list[str]:
    """What archive items must carry like any other (services.publication_problems, without the
    checks that need a saved row)."""
    problems = []
    if not publication.body_text:
        problems.append("正文不能为空。")
    if publication.doc_kind in services.LEGAL_RECORD_KINDS and not publication.validity:
        problems.append("规章和行政规范性文件须标明有效性。")
    return problems


@transaction.atomic
def archive_import(
    *, actor: User | None, items: Sequence[ArchiveItem], override_reason: str = ""
) -> list[Publication]:
    """Create published items in bulk; all or nothing.

    Refused (ValidationFailed, nothing saved) when an index number is already taken, when an
    item lacks required metadata, or when the checks find personal data or sensitive words and no
    override reason is given.
    """
    findings: list[str] = []
    if actor is not None:
        permissions.require(
            permissions.is_office(actor), "只有县政务公开办可以批量导入已公开信息。"
        )
    given = [i.index_no for i in items if i.index_no]
    taken = {
        n
        for n in Publication.objects.filter(index_no__in=given).values_list("index_no", flat=True)
        if n
    }
    if taken or len(set(given)) != len(given):
        raise ValidationFailed(
            "索引号重复，未导入任何信息。",
            log="archive import: duplicate index numbers",
            problems=[f"索引号{n}已被使用。" for n in sorted(taken)],
        )
    built: list[Publication] = []
    problems: list[str] = []
    check = checks.checker()
    cal = calendar()
    for number, item in enumerate(items, start=1):
        cleaned = services.clean_values(item.values)
        missing = services.missing_metadata(cleaned)
        if missing:
            problems.append(f"第{number}条缺少：{'、'.join(missing)}。")
            continue
        foreign = [c for c in item.catalog_items if c.catalog.unit_id != item.unit.pk]
        if foreign:
            problems.append(f"第{number}条只能对应本单位目录中的事项。")
        publication = Publication(
            unit=item.unit,
            issuer=item.unit.name,
            created_by=actor,
            status=PublicationStatus.PUBLISHED,
            attribute=Attribute.PROACTIVE,
            published_at=item.published_at,
        )
        services.apply_values(publication, cleaned)
        publication.issuer = publication.issuer or item.unit.name
        for problem in _incomplete(publication):
            problems.append(f"第{number}条“{publication.title}”：{problem}")
        publication.findings = checks.run(publication, using=check)
        for finding in checks.blocking(publication.findings):
            findings.append(f"第{number}条“{publication.title}”：{checks.describe(finding)}")
        published_on = clock.localdate(item.published_at)
        publication.due_on, publication.is_late = checks.lateness(
            publication.written_on, published_on, cal=cal
        )
        publication.index_no = item.index_no or None
        built.append(publication)
    if problems:
        raise ValidationFailed(
            "导入的信息不完整，未导入任何信息。",
            log=f"archive import: {len(problems)} incomplete items",
            problems=problems,
        )
    if findings and not override_reason.strip():
        raise ValidationFailed(
            "发布前检查发现不能公开的内容，未导入任何信息。",
            log=f"archive import: {len(findings)} blocking findings",
            problems=findings,
        )
    wanted: dict[tuple[int, int, int], list[Publication]] = {}
    for publication, item in zip(built, items, strict=True):
        if publication.index_no is None:
            year = clock.localdate(item.published_at).year
            wanted.setdefault((item.unit.pk, publication.topic_id, year), []).append(publication)
        publication.override_reason = override_reason.strip() if publication.findings else ""
    for (_unit_id, _topic_id, year), group in wanted.items():
        numbers = services.allocate_index_block(
            unit=group[0].unit, topic=group[0].topic, year=year, count=len(group)
        )
        for publication, index_no in zip(group, numbers, strict=True):
            publication.index_no = index_no
    Publication.objects.bulk_create(built, batch_size=500)
    through = Publication.catalog_items.through
    links = [
        through(publication_id=p.pk, catalogitem_id=c.pk)
        for p, item in zip(built, items, strict=True)
        for c in item.catalog_items
    ]
    through.objects.bulk_create(links, batch_size=1000)
    PublicationVersion.objects.bulk_create(
        [
            PublicationVersion(
                publication=p,
                number=1,
                actor=actor,
                action="import",
                comment="导入已公开信息",
                snapshot=services.snapshot(p, catalog_item_ids=[c.pk for c in item.catalog_items]),
            )
            for p, item in zip(built, items, strict=True)
        ],
        batch_size=500,
    )
    search.index(built)
    if built:
        audit(
            actor=actor,
            action="publication.archive_import",
            target=built[0],
            summary=f"批量导入已公开信息{len(built)}条",
            data={"count": len(built), "override": override_reason.strip()},
        )
    return built
