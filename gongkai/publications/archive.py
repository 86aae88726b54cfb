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


@dataclass
class ArchiveItem:
    """One published item to bring in; ``values`` as for services.publication_create."""

    unit: Unit
    values: dict[str, Any]
    published_at: dt.datetime
    index_no: str = ""
    catalog_items: list[Any] = field(default_factory=list)


@transaction.atomic
def archive_import(
    *, actor: User | None, items: Sequence[ArchiveItem], override_reason: str = ""
) -> list[Publication]:
    """Create published items in bulk; all or nothing.

    Refused (ValidationFailed, nothing saved) when an index number is already taken, when an
    item lacks required metadata, or when the checks find personal data or sensitive words and no
    override reason is given.
    """
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
    for number, item in enumerate(items, start=1):
        cleaned = services.clean_values(item.values)
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
        publication.findings = checks.run(publication)
        for finding in checks.blocking(publication.findings):
            problems.append(f"第{number}条“{publication.title}”：{checks.describe(finding)}")
        publication.due_on, publication.is_late = checks.lateness(
            publication.written_on, item.published_at.date()
        )
        publication.index_no = item.index_no or None
        built.append(publication)
    if problems and not override_reason.strip():
        raise ValidationFailed(
            "发布前检查发现不能公开的内容，未导入任何信息。",
            log=f"archive import: {len(problems)} blocking findings",
            problems=problems,
        )
    for publication, item in zip(built, items, strict=True):
        if publication.index_no is None:
            publication.index_no = services.allocate_index_no(
                unit=item.unit, topic=publication.topic, year=item.published_at.year
            )
        publication.override_reason = override_reason.strip() if publication.findings else ""
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
                snapshot=services.snapshot(p),
            )
            for p in built
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
