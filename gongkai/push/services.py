"""Every change of gongkai.push: tagging items, the public's subscriptions, queueing and sending.

Exactly once (issue 13): publishing an item queues one Delivery per matching active subscription
after the publishing transaction commits (a rolled-back publish queues nothing); the Delivery is
unique per (subscription, item), so queueing twice queues once; ``deliveries_send`` marks a
delivery sent only after the mail backend accepted its mail, so a retry after a failure sends
only what was not sent; and it holds the "push.send" lease (gongkai.core.leases), so two runs at
once (cron's tick and a person's `gongkai send-digests`) never send the same delivery twice. The
one gap left is a process killed between the server's acceptance and the next statement: that
mail is sent again, never lost.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.mail import get_connection
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone

from gongkai.catalog.models import Domain
from gongkai.core import clock
from gongkai.core.audit import audit
from gongkai.core.errors import AccessDenied, InvalidTransition, ValidationFailed
from gongkai.core.leases import lease_acquire, lease_release, lease_renew, new_holder
from gongkai.orgs import permissions
from gongkai.orgs.models import Unit
from gongkai.publications.models import Publication, PublicationStatus
from gongkai.push import links, mails
from gongkai.push.models import (
    AudienceTag,
    Delivery,
    DeliveryStatus,
    Frequency,
    PublicationTag,
    Subscription,
    SubscriptionStatus,
    new_secret,
)

log = logging.getLogger(__name__)

SEND_LEASE = "push.send"
SEND_TTL = dt.timedelta(minutes=10)
# A delivery whose mail failed this many times is given up (a mailbox that no longer exists).
MAX_ATTEMPTS = 5
# Consecutive failures after which a run stops: the mail server is down, the next run retries.
STOP_AFTER_FAILURES = 3
# Tagging an item already published reaches the newly matching subscribers only if the item is
# this recent: tagging last year's items must not mail them out as news.
LATE_TAG_WINDOW = dt.timedelta(days=7)
MAX_KEYWORDS = 5


# ---------------------------------------------------------------------------- matching


@dataclass(frozen=True)
class Criteria:
    """What a subscription asks for: AND across kinds, OR within a kind; keywords in the title."""

    tags: frozenset[int] = frozenset()
    domains: frozenset[int] = frozenset()
    units: frozenset[int] = frozenset()
    keywords: tuple[str, ...] = ()

    @property
    def empty(self) -> bool:
        return not (self.tags or self.domains or self.units or self.keywords)

    def matches(
        self, *, tag_ids: set[int], domain_id: int | None, unit_id: int, title: str
    ) -> bool:
        """Whether an item with these properties is one the subscriber asked for."""
        if self.empty:
            return False
        if self.tags and not self.tags & tag_ids:
            return False
        if self.domains and domain_id not in self.domains:
            return False
        if self.units and unit_id not in self.units:
            return False
        folded = title.casefold()
        return not self.keywords or any(word.casefold() in folded for word in self.keywords)


def criteria_of(subscription: Subscription) -> Criteria:
    """A subscription's criteria (its tags, domains and units prefetched, or three queries)."""
    return Criteria(
        tags=frozenset(t.pk for t in subscription.tags.all()),
        domains=frozenset(d.pk for d in subscription.domains.all()),
        units=frozenset(u.pk for u in subscription.units.all()),
        keywords=tuple(subscription.keyword_list),
    )


def deliveries_queue(publication: Publication) -> int:
    """Queue the item for every active subscription it matches; return how many were new.

    Idempotent: an existing (subscription, item) delivery is left as it is.
    """
    if publication.status != PublicationStatus.PUBLISHED:
        return 0
    tag_ids = set(
        PublicationTag.objects.filter(publication=publication).values_list("tag_id", flat=True)
    )
    subscriptions = Subscription.objects.filter(status=SubscriptionStatus.ACTIVE).prefetch_related(
        "tags", "domains", "units"
    )
    wanted = [
        s.pk
        for s in subscriptions
        if criteria_of(s).matches(
            tag_ids=tag_ids,
            domain_id=publication.domain_id,
            unit_id=publication.unit_id,
            title=publication.title,
        )
    ]
    existing = set(
        Delivery.objects.filter(publication=publication, subscription_id__in=wanted).values_list(
            "subscription_id", flat=True
        )
    )
    new = [
        Delivery(subscription_id=pk, publication=publication) for pk in wanted if pk not in existing
    ]
    Delivery.objects.bulk_create(new, ignore_conflicts=True)
    if new:
        log.info("push: queued publication %s for %d subscription(s)", publication.pk, len(new))
    return len(new)


def _queue_after_commit(publication_id: int) -> None:
    publication = Publication.objects.filter(pk=publication_id).first()
    if publication is not None:
        with transaction.atomic():
            deliveries_queue(publication)


def on_published(publication: Publication) -> None:
    """Called by the publishing services: queue the item's deliveries once the publishing
    transaction has committed, so a rolled-back publish queues (and sends) nothing. A failure
    here is logged and never undoes the publication."""
    pk = publication.pk
    transaction.on_commit(lambda: _queue_after_commit(pk), robust=True)


# ---------------------------------------------------------------------------- tags on items


def can_tag(user: Any, publication: Publication) -> bool:
    """The item's unit's editors and reviewers tag it, as they write and sign it off."""
    return permissions.can_tag_publication_of(user, publication.unit)


@transaction.atomic
def publication_tags_set(
    *, actor: Any, publication: Publication, tags: Iterable[AudienceTag]
) -> list[AudienceTag]:
    """Set the audience tags of an item (editor or reviewer of its unit); audited.

    On a recently published item (LATE_TAG_WINDOW) the newly matching subscribers are reached
    too, once the change commits.
    """
    if not can_tag(actor, publication):
        raise AccessDenied(
            "只有本单位的编辑或审核人可以设置本单位信息的服务对象。",
            log=f"push: tagging publication {publication.pk} refused",
        )
    if publication.status == PublicationStatus.WITHDRAWN:
        raise InvalidTransition("已撤回的信息不能再设置服务对象。", log="push: tag withdrawn")
    chosen = {t.pk: t for t in tags}
    current = {link.tag_id: link for link in PublicationTag.objects.filter(publication=publication)}
    added = [chosen[pk] for pk in chosen if pk not in current]
    removed = [pk for pk in current if pk not in chosen]
    if not added and not removed:
        return sorted(chosen.values(), key=lambda t: (t.sort_order, t.code))
    PublicationTag.objects.filter(publication=publication, tag_id__in=removed).delete()
    PublicationTag.objects.bulk_create(
        [PublicationTag(publication=publication, tag=tag, added_by=_user(actor)) for tag in added]
    )
    names = sorted(chosen.values(), key=lambda t: (t.sort_order, t.code))
    audit(
        actor=actor,
        action="push.tags_set",
        target=publication,
        unit_code=publication.unit.code,
        summary=f"设置服务对象：{'、'.join(t.name for t in names) or '无'}",
        data={
            "added": [t.code for t in added],
            "removed": list(
                AudienceTag.objects.filter(pk__in=removed).values_list("code", flat=True)
            ),
        },
    )
    recent = publication.published_at and publication.published_at >= clock.now() - LATE_TAG_WINDOW
    if added and publication.status == PublicationStatus.PUBLISHED and recent:
        on_published(publication)
    return names


def _user(actor: Any) -> Any:
    return actor if getattr(actor, "is_authenticated", False) else None


# ---------------------------------------------------------------------------- subscriptions


def clean_keywords(text: str) -> str:
    """Keywords as stored: split on spaces and commas, at most MAX_KEYWORDS, each 1–20 chars."""
    words = [w for w in text.replace("，", " ").replace(",", " ").replace("、", " ").split() if w]
    if len(words) > MAX_KEYWORDS:
        raise ValidationFailed(
            f"关键词最多{MAX_KEYWORDS}个，请删去一些。", log="push: too many keywords"
        )
    if any(len(w) > 20 for w in words):
        raise ValidationFailed("每个关键词不超过20个字。", log="push: keyword too long")
    return " ".join(dict.fromkeys(words))


def _set_criteria(
    subscription: Subscription,
    *,
    tags: Sequence[AudienceTag],
    domains: Sequence[Domain],
    units: Sequence[Unit],
    keywords: str,
) -> None:
    subscription.keywords = clean_keywords(keywords)
    if not (tags or domains or units or subscription.keywords):
        raise ValidationFailed(
            "请至少选择一个服务对象、领域或单位，或填写关键词。", log="push: empty criteria"
        )
    subscription.save()
    subscription.tags.set(tags)
    subscription.domains.set(domains)
    subscription.units.set(units)


@transaction.atomic
def subscription_request(
    *,
    email: str,
    frequency: str,
    tags: Sequence[AudienceTag] = (),
    domains: Sequence[Domain] = (),
    units: Sequence[Unit] = (),
    keywords: str = "",
) -> Subscription:
    """Record a subscription awaiting confirmation and mail the confirmation link (double
    opt-in: nothing else goes to the address until the link is opened). The caller throttles."""
    if frequency not in Frequency.values:
        raise ValidationFailed("请选择发送频率。", log=f"push: bad frequency {frequency!r}")
    subscription = Subscription(email=email.strip(), frequency=frequency)
    _set_criteria(subscription, tags=tags, domains=domains, units=units, keywords=keywords)
    pk = subscription.pk
    transaction.on_commit(lambda: _send_confirmation(pk), robust=True)
    return subscription


def _send_confirmation(subscription_id: int) -> None:
    subscription = Subscription.objects.get(pk=subscription_id)
    try:
        mails.confirmation(subscription).send(fail_silently=False)
    except Exception:
        # The person can ask again; the address is not logged.
        log.exception("push: confirmation mail for subscription %s failed", subscription_id)


def _locked(subscription: Subscription) -> Subscription:
    return Subscription.objects.select_for_update().get(pk=subscription.pk)


@transaction.atomic
def subscription_confirm(*, token: str) -> Subscription:
    """Confirm a subscription from its mailed link (expired or tampered links are refused).
    Opening the link again changes nothing."""
    subscription = _locked(links.subscription_for(token, links.CONFIRM))
    if subscription.status == SubscriptionStatus.ACTIVE:
        return subscription
    if subscription.status == SubscriptionStatus.ENDED:
        raise InvalidTransition("此订阅已退订，请重新订阅。", log="push: confirm ended")
    subscription.status = SubscriptionStatus.ACTIVE
    subscription.confirmed_at = clock.now()
    subscription.save(update_fields=["status", "confirmed_at", "updated_at"])
    return subscription


@transaction.atomic
def subscription_end(*, subscription: Subscription, how: str, actor: Any = None) -> Subscription:
    """Unsubscribe: nothing more is sent, pending deliveries are cancelled, old links die.
    Ending an ended subscription changes nothing. An office member's act is audited."""
    if actor is not None and not permissions.can_manage_push(actor):
        raise AccessDenied("只有政务公开办可以代为退订。", log="push: end by non-office")
    subscription = _locked(subscription)
    if subscription.status == SubscriptionStatus.ENDED:
        return subscription
    subscription.status = SubscriptionStatus.ENDED
    subscription.ended_at = clock.now()
    subscription.end_reason = how[:100]
    subscription.secret = new_secret()
    subscription.save()
    Delivery.objects.filter(subscription=subscription, status=DeliveryStatus.PENDING).update(
        status=DeliveryStatus.CANCELLED, last_error="已退订"
    )
    if actor is not None:
        audit(actor=actor, action="push.subscription_end", target=subscription, summary=how)
    return subscription


@transaction.atomic
def subscription_update(
    *,
    subscription: Subscription,
    frequency: str,
    tags: Sequence[AudienceTag] = (),
    domains: Sequence[Domain] = (),
    units: Sequence[Unit] = (),
    keywords: str = "",
) -> Subscription:
    """Change what an active subscription asks for and how often (from its manage link). New
    criteria apply to items published from now on."""
    subscription = _locked(subscription)
    if subscription.status != SubscriptionStatus.ACTIVE:
        raise InvalidTransition("只能修改已确认的订阅。", log="push: update inactive")
    if frequency not in Frequency.values:
        raise ValidationFailed("请选择发送频率。", log=f"push: bad frequency {frequency!r}")
    subscription.frequency = frequency
    _set_criteria(subscription, tags=tags, domains=domains, units=units, keywords=keywords)
    return subscription


# ---------------------------------------------------------------------------- sending


@dataclass
class SendResult:
    busy: bool = False
    sent_mails: int = 0
    sent_items: int = 0
    failed: int = 0
    cancelled: int = 0
    stopped: bool = False

    def summary(self) -> dict[str, Any]:
        return {
            "busy": self.busy,
            "mails": self.sent_mails,
            "items": self.sent_items,
            "failed": self.failed,
            "cancelled": self.cancelled,
            "stopped": self.stopped,
        }


def _cancel_stale() -> int:
    """Pending deliveries that must not go out: the item was withdrawn or the subscription
    ended (unsubscribing cancels its own; this catches anything queued in between)."""
    withdrawn = Delivery.objects.filter(status=DeliveryStatus.PENDING).exclude(
        publication__status=PublicationStatus.PUBLISHED
    )
    ended = Delivery.objects.filter(status=DeliveryStatus.PENDING).exclude(
        subscription__status=SubscriptionStatus.ACTIVE
    )
    count = withdrawn.update(status=DeliveryStatus.CANCELLED, last_error="信息已撤回")
    return count + ended.update(status=DeliveryStatus.CANCELLED, last_error="订阅已结束")


def _failed(ids: list[int], error: BaseException) -> None:
    text = f"{type(error).__name__}: {error}"[:300]
    Delivery.objects.filter(pk__in=ids, status=DeliveryStatus.PENDING).update(
        attempts=F("attempts") + 1, last_error=text
    )
    Delivery.objects.filter(
        pk__in=ids, status=DeliveryStatus.PENDING, attempts__gte=MAX_ATTEMPTS
    ).update(status=DeliveryStatus.CANCELLED)


def _sent(ids: list[int], *, subscription: Subscription | None = None, on: dt.date | None) -> int:
    with transaction.atomic():
        count = Delivery.objects.filter(pk__in=ids, status=DeliveryStatus.PENDING).update(
            status=DeliveryStatus.SENT, sent_at=clock.now(), attempts=F("attempts") + 1
        )
        if subscription is not None and on is not None:
            Subscription.objects.filter(pk=subscription.pk).update(last_digest_on=on)
    return count


def _batches(now: dt.datetime) -> list[tuple[Subscription, list[Delivery], bool]]:
    """What to send now: (subscription, its pending deliveries, is a digest). Immediate
    subscriptions get a mail per item; daily ones one mail a day, from the digest hour."""
    local = timezone.localtime(now)
    today = local.date()
    digest_time = local.hour >= settings.GONGKAI_PUSH_DIGEST_HOUR
    pending = (
        Delivery.objects.filter(
            status=DeliveryStatus.PENDING, subscription__status=SubscriptionStatus.ACTIVE
        )
        .select_related("subscription", "publication__unit")
        .order_by("subscription_id", "-publication__published_at", "pk")
    )
    grouped: dict[int, list[Delivery]] = {}
    for delivery in pending:
        grouped.setdefault(delivery.subscription_id, []).append(delivery)
    batches: list[tuple[Subscription, list[Delivery], bool]] = []
    for deliveries in grouped.values():
        subscription = deliveries[0].subscription
        if subscription.frequency == Frequency.IMMEDIATE:
            batches += [(subscription, [d], False) for d in reversed(deliveries)]
        elif digest_time and subscription.last_digest_on != today:
            batches.append((subscription, deliveries, True))
    return batches


def deliveries_send(*, now: dt.datetime | None = None) -> SendResult:
    """Send what is due: pending immediate deliveries, and the daily digests from
    GONGKAI_PUSH_DIGEST_HOUR. Safe to run twice, and at once (the second run is busy)."""
    holder = new_holder()
    if not lease_acquire(SEND_LEASE, holder=holder, ttl=SEND_TTL):
        log.info("push: another send is running")
        return SendResult(busy=True)
    result = SendResult()
    try:
        result.cancelled = _cancel_stale()
        now = now or clock.now()
        today = timezone.localtime(now).date()
        connection = get_connection(fail_silently=False)
        failures_in_row = 0
        for subscription, deliveries, is_digest in _batches(now):
            lease_renew(SEND_LEASE, holder=holder, ttl=SEND_TTL)
            ids = [d.pk for d in deliveries]
            # Re-read under the lease: only what is still pending goes out.
            still = set(
                Delivery.objects.filter(pk__in=ids, status=DeliveryStatus.PENDING).values_list(
                    "pk", flat=True
                )
            )
            deliveries = [d for d in deliveries if d.pk in still]
            if not deliveries:
                continue
            items = [d.publication for d in deliveries]
            message = (
                mails.digest(subscription, items, today)
                if is_digest
                else mails.immediate(subscription, items[0])
            )
            try:
                accepted = connection.send_messages([message])
            except Exception as err:
                log.warning("push: mail for subscription %s failed: %s", subscription.pk, err)
                accepted = 0
                error: BaseException = err
            else:
                error = RuntimeError("the mail backend did not accept the message")
            if accepted != 1:
                _failed([d.pk for d in deliveries], error)
                result.failed += 1
                failures_in_row += 1
                if failures_in_row >= STOP_AFTER_FAILURES:
                    result.stopped = True
                    break
                continue
            failures_in_row = 0
            result.sent_mails += 1
            result.sent_items += _sent(
                [d.pk for d in deliveries],
                subscription=subscription if is_digest else None,
                on=today if is_digest else None,
            )
        try:
            connection.close()
        except Exception:
            log.warning("push: closing the mail connection failed", exc_info=True)
    finally:
        lease_release(SEND_LEASE, holder=holder)
    return result


# ---------------------------------------------------------------------------- the office


def _office_only(actor: Any, message: str) -> None:
    if not permissions.can_manage_push(actor):
        raise AccessDenied(message, log="push: office only")


@transaction.atomic
def audience_tag_save(
    *,
    actor: Any,
    tag: AudienceTag | None = None,
    code: str,
    name: str,
    description: str = "",
    sort_order: int = 0,
    is_active: bool = True,
) -> AudienceTag:
    """Add or change an audience tag (the office). A retired tag keeps its items and feed but
    is no longer offered; tags are never deleted, since subscriptions and items name them."""
    _office_only(actor, "只有县政务公开办可以维护服务对象标签。")
    name, code = name.strip(), code.strip()
    if not name or not code:
        raise ValidationFailed("请填写标签名称和代码。", log="push: tag without name or code")
    clash = AudienceTag.objects.filter(Q(code=code) | Q(name=name))
    if tag is not None:
        clash = clash.exclude(pk=tag.pk)
    if clash.exists():
        raise ValidationFailed("已有同名或同代码的标签。", log="push: tag clash")
    before = None if tag is None else {"name": tag.name, "is_active": tag.is_active}
    tag = tag or AudienceTag()
    tag.code, tag.name, tag.description = code, name, description.strip()
    tag.sort_order, tag.is_active = sort_order, is_active
    tag.save()
    audit(
        actor=actor,
        action="push.tag_save",
        target=tag,
        summary=f"{'新增' if before is None else '修改'}服务对象标签：{tag.name}"
        + ("" if tag.is_active else "（停用）"),
        data={"before": before, "code": tag.code},
    )
    return tag


@transaction.atomic
def subscriptions_end_for_email(*, actor: Any, email: str, reason: str) -> int:
    """End every subscription of an address for its owner who asked by phone or letter (the
    office); audited without the address. Returns how many were ended."""
    _office_only(actor, "只有县政务公开办可以代为退订。")
    if not reason.strip():
        raise ValidationFailed("请填写代为退订的原因。", log="push: end without reason")
    ended = 0
    for subscription in Subscription.objects.filter(email__iexact=email.strip()).exclude(
        status=SubscriptionStatus.ENDED
    ):
        subscription_end(subscription=subscription, how="县政务公开办代为退订")
        ended += 1
    audit(
        actor=actor,
        action="push.subscriptions_end",
        target_type="push.subscription",
        summary=f"代为退订{ended}项订阅：{reason.strip()[:200]}",
        data={"ended": ended},
    )
    return ended
