"""The maintained published counts (issue 10) stay exact: after publishing, importing, filing a
document that replaces another, releasing a retained item and withdrawing, each dimension equals
a fresh COUNT over the published items."""

from __future__ import annotations

import datetime as dt
from collections import Counter

import pytest

from gongkai.core import clock
from gongkai.orgs.models import Role, Unit, User
from gongkai.publications import archive, selectors, services
from gongkai.publications.models import (
    Attribute,
    Column,
    FiveClass,
    NonPublicGround,
    Publication,
    PublishedCount,
    TopicCategory,
)
from tests.factories import MembershipFactory, UserFactory


def _fresh() -> dict[str, dict[str, int]]:
    counts: dict[str, Counter[str]] = {
        d: Counter() for d in ("all", "unit", "column", "five", "domain", "year")
    }
    for p in Publication.objects.published():
        counts["all"][""] += 1
        counts["unit"][str(p.unit_id)] += 1
        counts["column"][str(p.column_id)] += 1
        counts["five"][p.five_class] += 1
        if p.domain_id:
            counts["domain"][str(p.domain_id)] += 1
        counts["year"][str(clock.localdate(p.published_at).year)] += 1
    return {d: dict(c) for d, c in counts.items()}


def _maintained() -> dict[str, dict[str, int]]:
    return {
        d: selectors.published_counts(d)
        for d in ("all", "unit", "column", "five", "domain", "year")
    }


@pytest.fixture
def reviewer(department: Unit) -> User:
    user: User = UserFactory(username="count_reviewer")
    MembershipFactory(user=user, unit=department, role=Role.REVIEWER)
    return user


def _values(n: int, **extra: object) -> dict[str, object]:
    return {
        "title": f"计数测试{n}",
        "written_on": dt.date(2024, 3, 1),
        "topic": TopicCategory.objects.get(code="0100"),
        "five_class": [FiveClass.RESULT, FiveClass.SERVICE][n % 2],
        "column": Column.objects.get(code=["notices", "news"][n % 2]),
        "body": "<p>正文。</p>",
        **extra,
    }


def test_counts_follow_every_publish_and_withdrawal(
    department: Unit, editor: User, reviewer: User
) -> None:
    published = []
    for n in range(4):
        item = services.publication_create(actor=editor, unit=department, values=_values(n))
        services.publication_submit(actor=editor, publication=item)
        published.append(services.publication_approve(actor=reviewer, publication=item))
    assert _maintained() == _fresh()
    archive.archive_import(
        actor=None,
        items=[
            archive.ArchiveItem(
                unit=department,
                values={**_values(n), "issuer": department.name},
                published_at=dt.datetime(2021, 6, n + 1, 10, tzinfo=dt.UTC),
            )
            for n in range(5)
        ],
    )
    assert _maintained() == _fresh()
    services.publication_withdraw(actor=reviewer, publication=published[0], reason="错误")
    assert _maintained() == _fresh()
    retained = services.publication_create(
        actor=editor,
        unit=department,
        values=_values(
            9,
            attribute=Attribute.NOT_PUBLIC,
            non_public_ground=NonPublicGround.ART15,
            attribute_reason="涉及个人隐私",
        ),
    )
    services.publication_submit(actor=editor, publication=retained)
    services.publication_approve(actor=reviewer, publication=retained)
    assert _maintained() == _fresh()
    services.publication_review(
        actor=reviewer, publication=retained, release=True, comment="情况变化，转为主动公开"
    )
    assert _maintained() == _fresh()
    replaced = services.publication_file_document(
        actor=reviewer, unit=department, values=_values(11), note="年报"
    )
    services.publication_file_document(
        actor=reviewer, unit=department, values=_values(12), note="更正", replaces=replaced
    )
    assert _maintained() == _fresh()
    assert selectors.public_total() == Publication.objects.published().count()
    before = _maintained()
    PublishedCount.objects.all().delete()
    assert services.published_counts_rebuild() == before["all"][""]
    assert _maintained() == before
