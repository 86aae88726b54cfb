"""Fixtures of the topic tests: published information made through the services, and topics
made through gongkai.topics.services as the office makes them."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from gongkai.catalog.models import Domain
from gongkai.orgs.models import Unit, User
from gongkai.publications.models import Column
from gongkai.push.models import AudienceTag
from gongkai.topics import services
from gongkai.topics.models import Topic
from tests.portal.publishing import media_root, publish, publish_other

__all__ = ["make_topic", "media_root", "publish", "publish_other", "tag"]

MakeTopic = Callable[..., Topic]


def rule(
    *,
    tags: list[AudienceTag] = (),  # type: ignore[assignment]
    domains: list[Domain] = (),  # type: ignore[assignment]
    columns: list[str] = (),  # type: ignore[assignment]
    units: list[Unit] = (),  # type: ignore[assignment]
    keywords: str = "",
) -> services.RuleInput:
    return services.RuleInput(
        tags=list(tags),
        domains=list(domains),
        columns=list(Column.objects.filter(code__in=columns)),
        units=list(units),
        keywords=keywords,
    )


@pytest.fixture
def tag(db: Any) -> Callable[[str, str], AudienceTag]:
    def _tag(code: str, name: str) -> AudienceTag:
        found, _created = AudienceTag.objects.get_or_create(code=code, defaults={"name": name})
        return found

    return _tag


@pytest.fixture
def make_topic(office: User) -> MakeTopic:
    """A topic saved by the office: ``make_topic(slug, pinned=[...], **rule)``."""

    def _make(slug: str = "yingshang", *, title: str = "优化营商环境", **kwargs: Any) -> Topic:
        pinned = kwargs.pop("pinned", ())
        active = kwargs.pop("is_active", True)
        return services.topic_save(
            actor=office,
            slug=slug,
            title=title,
            summary="集中公开优化营商环境的政策。",
            is_active=active,
            rule=rule(**kwargs),
            pinned=[str(p) for p in pinned],
        )

    return _make
