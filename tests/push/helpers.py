"""Shared test data of tests/push: tags, items, confirmed subscriptions."""

from __future__ import annotations

from typing import Any

from gongkai.catalog.models import Domain
from gongkai.orgs.models import Unit, User
from gongkai.publications.models import Publication
from gongkai.push import links, services
from gongkai.push.models import AudienceTag, Frequency, Subscription
from tests.publications.test_services import published


def tag(code: str, name: str) -> AudienceTag:
    found, _created = AudienceTag.objects.get_or_create(code=code, defaults={"name": name})
    return found


def confirmed(email: str, frequency: str = Frequency.IMMEDIATE, **criteria: Any) -> Subscription:
    subscription = services.subscription_request(email=email, frequency=frequency, **criteria)
    return services.subscription_confirm(token=links.token_for(subscription, links.CONFIRM))


def publish(
    editor: User,
    reviewer: User,
    unit: Unit,
    *,
    tags: list[AudienceTag] = (),  # type: ignore[assignment]
    domain: Domain | None = None,
    title: str = "关于2024年城乡最低生活保障标准的通知",
    capture: Any,
) -> Publication:
    """Draft, tag, and publish an item, running the after-commit hooks."""
    from tests.publications.test_services import draft

    item = draft(editor, unit, title=title, domain=domain)
    if tags:
        services.publication_tags_set(actor=editor, publication=item, tags=tags)
    from gongkai.publications import services as publications

    publications.publication_submit(actor=editor, publication=item)
    with capture(execute=True):
        item = publications.publication_approve(actor=reviewer, publication=item)
    return item


__all__ = ["confirmed", "publish", "published", "tag"]
