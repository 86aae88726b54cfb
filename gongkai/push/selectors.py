"""Reads of gongkai.push: the tags offered, an item's tags, a tag's feed, the office's counts.
Subscriptions are never listed with their addresses on a public page."""

from __future__ import annotations

from typing import Any

from django.db.models import Count, Q, QuerySet

from gongkai.publications import selectors as publication_selectors
from gongkai.publications.models import Publication
from gongkai.push.models import (
    AudienceTag,
    Delivery,
    DeliveryStatus,
    PublicationTag,
    Subscription,
    SubscriptionStatus,
)

FEED_SIZE = publication_selectors.FEED_SIZE


def active_tags() -> QuerySet[AudienceTag]:
    """The tags offered to subscribers and to editors."""
    return AudienceTag.objects.filter(is_active=True)


def all_tags() -> QuerySet[AudienceTag]:
    """Every tag, retired ones too (the office's list)."""
    return AudienceTag.objects.all()


def tag_by_code(code: str) -> AudienceTag | None:
    """Any tag by its code (a retired tag's feed keeps working)."""
    return AudienceTag.objects.filter(code=code).first()


def tags_of(publication: Publication) -> list[AudienceTag]:
    return [
        link.tag
        for link in PublicationTag.objects.filter(publication=publication)
        .select_related("tag")
        .order_by("tag__sort_order", "tag__code")
    ]


def public_tagged(tag: AudienceTag) -> QuerySet[Publication]:
    """Published items with the tag, newest first (the tag's feed and page)."""
    ids = PublicationTag.objects.filter(tag=tag).values("publication_id")
    return publication_selectors.public_publications().filter(pk__in=ids)


def tag_counts() -> dict[int, int]:
    """How many published items carry each tag."""
    rows = (
        PublicationTag.objects.filter(publication__status="published")
        .values("tag_id")
        .annotate(n=Count("pk"))
    )
    return {row["tag_id"]: row["n"] for row in rows}


def office_overview() -> dict[str, Any]:
    """Counts for the office: subscriptions by state and deliveries by state (no addresses)."""
    subs = Subscription.objects.aggregate(
        pending=Count("pk", filter=Q(status=SubscriptionStatus.PENDING)),
        active=Count("pk", filter=Q(status=SubscriptionStatus.ACTIVE)),
        ended=Count("pk", filter=Q(status=SubscriptionStatus.ENDED)),
    )
    deliveries = Delivery.objects.aggregate(
        pending=Count("pk", filter=Q(status=DeliveryStatus.PENDING)),
        sent=Count("pk", filter=Q(status=DeliveryStatus.SENT)),
        cancelled=Count("pk", filter=Q(status=DeliveryStatus.CANCELLED)),
        failing=Count("pk", filter=Q(status=DeliveryStatus.PENDING, attempts__gt=0)),
    )
    return {"subscriptions": subs, "deliveries": deliveries}
