"""政策找人's rules, through the services: double opt-in, exact matching, exactly-once sending
under retries and concurrent runs, digests, and nothing from a rolled-back publish."""

from __future__ import annotations

import datetime as dt
from typing import Any, ClassVar

import pytest
import time_machine
from django.core import mail
from django.core.mail.backends.locmem import EmailBackend as LocmemBackend
from django.db import transaction

from gongkai.core.errors import AccessDenied, ValidationFailed
from gongkai.core.leases import lease_acquire, lease_release
from gongkai.core.models import AuditEntry
from gongkai.publications import services as publications
from gongkai.push import links, services
from gongkai.push.models import Delivery, DeliveryStatus, Frequency, SubscriptionStatus
from tests.publications.test_services import draft
from tests.push.helpers import confirmed, publish, tag

pytestmark = pytest.mark.django_db
NOW = "2024-03-20 10:00 +0800"


def outbox_for(address: str) -> list[Any]:
    return [m for m in mail.outbox if m.to == [address]]


# ---------------------------------------------------------------------------- matching


@pytest.mark.parametrize(
    ("criteria", "item", "expected"),
    [
        ({"tags": {1}}, {"tag_ids": {1, 2}}, True),
        ({"tags": {1}}, {"tag_ids": {2}}, False),
        ({"tags": {1, 3}}, {"tag_ids": {3}}, True),  # OR within a kind
        ({"domains": {5}}, {"domain_id": 5}, True),
        ({"domains": {5}}, {"domain_id": None}, False),
        ({"units": {7}}, {"unit_id": 7}, True),
        ({"tags": {1}, "domains": {5}}, {"tag_ids": {1}, "domain_id": 6}, False),  # AND
        ({"tags": {1}, "domains": {5}}, {"tag_ids": {1}, "domain_id": 5}, True),
        ({"keywords": ("补贴",)}, {"title": "关于发放耕地地力保护补贴的通知"}, True),
        ({"keywords": ("补贴",)}, {"title": "关于低保标准的通知"}, False),
        ({"keywords": ("ABC",)}, {"title": "abc 公示"}, True),
        ({"keywords": ("补贴",), "units": {7}}, {"title": "补贴", "unit_id": 8}, False),
        ({}, {"tag_ids": {1}}, False),  # no criteria: nothing
    ],
)
def test_criteria_combine_and_across_kinds_or_within(
    criteria: dict[str, Any], item: dict[str, Any], expected: bool
) -> None:
    values = {"tag_ids": set(), "domain_id": None, "unit_id": 0, "title": "", **item}
    built = services.Criteria(
        tags=frozenset(criteria.get("tags", ())),
        domains=frozenset(criteria.get("domains", ())),
        units=frozenset(criteria.get("units", ())),
        keywords=tuple(criteria.get("keywords", ())),
    )
    assert built.matches(**values) is expected


@time_machine.travel(NOW, tick=False)
def test_each_subscriber_receives_exactly_the_matching_items_once(
    editor: Any,
    reviewer: Any,
    department: Any,
    other_department: Any,
    domain: Any,
    second_domain: Any,
    django_capture_on_commit_callbacks: Any,
) -> None:
    elderly, farmers = tag("laonianren", "老年人"), tag("nonghu", "农户")
    subs = {
        "tag": confirmed("tag@example.cn", tags=[elderly]),
        "domain": confirmed("domain@example.cn", domains=[domain]),
        "unit": confirmed("unit@example.cn", units=[other_department]),
        "keyword": confirmed("kw@example.cn", keywords="补贴 津贴"),
        "tag+domain": confirmed("both@example.cn", tags=[elderly], domains=[second_domain]),
        "tag+kw": confirmed("tagkw@example.cn", tags=[farmers], keywords="补贴"),
    }
    mail.outbox.clear()
    cap = django_capture_on_commit_callbacks
    items = {
        "a": publish(editor, reviewer, department, tags=[elderly], domain=domain, capture=cap,
                     title="关于提高高龄津贴标准的通知"),
        "b": publish(editor, reviewer, department, tags=[elderly], domain=second_domain,
                     capture=cap, title="关于养老服务的通知"),
        "c": publish(editor, reviewer, department, tags=[farmers], capture=cap,
                     title="关于发放耕地地力保护补贴的通知"),
        "d": publish(editor, reviewer, department, capture=cap, title="关于召开会议的通知"),
    }  # fmt: skip
    expected = {
        "tag": {"a", "b"},
        "domain": {"a"},
        "unit": set(),
        "keyword": {"a", "c"},
        "tag+domain": {"b"},
        "tag+kw": {"c"},
    }
    for name, subscription in subs.items():
        queued = {
            key
            for key, item in items.items()
            if Delivery.objects.filter(subscription=subscription, publication=item).exists()
        }
        assert queued == expected[name], name

    first = services.deliveries_send()
    assert first.sent_mails == sum(len(v) for v in expected.values())
    for name, subscription in subs.items():
        titles = sorted(m.subject for m in outbox_for(subscription.email))
        assert titles == sorted(
            f"【石城县政务公开】{items[key].title}" for key in expected[name]
        ), name
    again = services.deliveries_send()
    assert again.sent_mails == 0
    assert len(mail.outbox) == first.sent_mails
    # Publishing hooks running twice queue nothing twice.
    assert services.deliveries_queue(items["a"]) == 0


# ---------------------------------------------------------------------------- double opt-in


@time_machine.travel(NOW, tick=False)
def test_nothing_is_sent_before_confirmation(
    editor: Any, reviewer: Any, department: Any, django_capture_on_commit_callbacks: Any
) -> None:
    elderly = tag("laonianren", "老年人")
    with django_capture_on_commit_callbacks(execute=True):
        pending = services.subscription_request(
            email="wait@example.cn", frequency=Frequency.IMMEDIATE, tags=[elderly]
        )
    assert [m.subject for m in mail.outbox] == ["【石城县政务公开】请确认订阅政策推送"]
    assert links.link(pending, links.CONFIRM) in mail.outbox[0].body
    item = publish(editor, reviewer, department, tags=[elderly],
                   capture=django_capture_on_commit_callbacks)  # fmt: skip
    assert not Delivery.objects.filter(publication=item).exists()
    services.deliveries_send()
    assert len(mail.outbox) == 1
    # Confirming later does not bring the earlier item.
    services.subscription_confirm(token=links.token_for(pending, links.CONFIRM))
    services.deliveries_send()
    assert len(mail.outbox) == 1


def test_expired_tampered_or_misused_confirmation_links_are_refused(db: Any) -> None:
    elderly = tag("laonianren", "老年人")
    with time_machine.travel("2024-03-01 10:00 +0800", tick=False):
        pending = services.subscription_request(
            email="late@example.cn", frequency=Frequency.DAILY, tags=[elderly]
        )
        token = links.token_for(pending, links.CONFIRM)
    with time_machine.travel("2024-03-04 11:00 +0800", tick=False):
        with pytest.raises(ValidationFailed) as expired:
            services.subscription_confirm(token=token)
        assert "过期" in expired.value.message
        with pytest.raises(ValidationFailed, match="bad signature"):
            services.subscription_confirm(token=token[:-2] + ("AA" if token[-2:] != "AA" else "BB"))
        with pytest.raises(ValidationFailed):
            services.subscription_confirm(token=links.token_for(pending, links.UNSUBSCRIBE))
    pending.refresh_from_db()
    assert pending.status == SubscriptionStatus.PENDING
    with time_machine.travel("2024-03-03 11:00 +0800", tick=False):
        assert services.subscription_confirm(token=token).status == SubscriptionStatus.ACTIVE


def test_a_subscription_needs_some_criterion(db: Any) -> None:
    with pytest.raises(ValidationFailed) as refused:
        services.subscription_request(email="x@example.cn", frequency=Frequency.IMMEDIATE)
    assert "至少选择" in refused.value.message


# ---------------------------------------------------------------------------- unsubscribing


@time_machine.travel(NOW, tick=False)
def test_unsubscribing_cancels_what_is_pending_and_voids_old_links(
    editor: Any, reviewer: Any, department: Any, django_capture_on_commit_callbacks: Any
) -> None:
    elderly = tag("laonianren", "老年人")
    subscription = confirmed("bye@example.cn", tags=[elderly])
    manage = links.token_for(subscription, links.MANAGE)
    publish(editor, reviewer, department, tags=[elderly],
            capture=django_capture_on_commit_callbacks)  # fmt: skip
    mail.outbox.clear()
    services.subscription_end(subscription=subscription, how="test")
    assert services.deliveries_send().sent_mails == 0
    assert mail.outbox == []
    assert Delivery.objects.get(subscription=subscription).status == DeliveryStatus.CANCELLED
    with pytest.raises(ValidationFailed):
        links.subscription_for(manage, links.MANAGE)


def test_only_the_office_ends_someone_elses_subscription_and_it_is_audited(
    editor: Any, office: Any
) -> None:
    subscription = confirmed("x@example.cn", keywords="低保")
    with pytest.raises(AccessDenied):
        services.subscription_end(subscription=subscription, how="投诉", actor=editor)
    services.subscription_end(subscription=subscription, how="本人来电要求退订", actor=office)
    assert AuditEntry.objects.filter(action="push.subscription_end").count() == 1


# ---------------------------------------------------------------------------- digests


def test_daily_digest_groups_the_days_items_in_one_mail_once_a_day(
    editor: Any, reviewer: Any, department: Any, django_capture_on_commit_callbacks: Any
) -> None:
    elderly = tag("laonianren", "老年人")
    cap = django_capture_on_commit_callbacks
    with time_machine.travel("2024-03-19 15:00 +0800", tick=False):
        confirmed("daily@example.cn", Frequency.DAILY, tags=[elderly])
        mail.outbox.clear()
        for n in range(3):
            publish(editor, reviewer, department, tags=[elderly], capture=cap,
                    title=f"面向老年人的通知{n}")  # fmt: skip
    with time_machine.travel("2024-03-20 07:30 +0800", tick=False):
        assert services.deliveries_send().sent_mails == 0  # before the digest hour
    with time_machine.travel("2024-03-20 08:05 +0800", tick=False):
        assert services.deliveries_send().sent_items == 3
        assert services.deliveries_send().sent_mails == 0
    (digest,) = outbox_for("daily@example.cn")
    assert digest.subject == "【石城县政务公开】3月20日政策推送（3条）"
    assert all(f"面向老年人的通知{n}" in digest.body for n in range(3))
    assert "List-Unsubscribe" in digest.extra_headers
    with time_machine.travel("2024-03-20 09:00 +0800", tick=False):
        publish(editor, reviewer, department, tags=[elderly], capture=cap, title="当天晚些的通知")
        assert services.deliveries_send().sent_mails == 0  # today's digest went out
    with time_machine.travel("2024-03-21 08:00 +0800", tick=False):
        assert services.deliveries_send().sent_items == 1
    assert len(outbox_for("daily@example.cn")) == 2


# ---------------------------------------------------------------------------- exactly once


class FlakyBackend(LocmemBackend):
    """Accepts mail, but refuses the messages numbered in ``fail_on`` (1-based, per test)."""

    fail_on: ClassVar[set[int]] = set()
    calls: ClassVar[int] = 0

    def send_messages(self, messages: Any) -> int:
        type(self).calls += 1
        if type(self).calls in type(self).fail_on:
            raise OSError("connection reset by the mail server")
        return super().send_messages(messages)


@time_machine.travel(NOW, tick=False)
def test_a_retry_after_a_failure_mid_batch_sends_only_what_was_not_sent(
    editor: Any,
    reviewer: Any,
    department: Any,
    settings: Any,
    django_capture_on_commit_callbacks: Any,
) -> None:
    elderly = tag("laonianren", "老年人")
    addresses = [f"p{n}@example.cn" for n in range(4)]
    for address in addresses:
        confirmed(address, tags=[elderly])
    publish(editor, reviewer, department, tags=[elderly],
            capture=django_capture_on_commit_callbacks)  # fmt: skip
    mail.outbox.clear()
    settings.EMAIL_BACKEND = "tests.push.test_sending.FlakyBackend"
    FlakyBackend.calls, FlakyBackend.fail_on = 0, {2}
    first = services.deliveries_send()
    assert (first.sent_mails, first.failed) == (3, 1)
    failed = Delivery.objects.get(status=DeliveryStatus.PENDING)
    assert failed.attempts == 1 and "connection reset" in failed.last_error
    second = services.deliveries_send()
    assert (second.sent_mails, second.failed) == (1, 0)
    assert sorted(m.to[0] for m in mail.outbox) == sorted(addresses)
    assert services.deliveries_send().sent_mails == 0


@time_machine.travel(NOW, tick=False)
def test_a_dead_mail_server_stops_the_run_and_the_next_run_sends_everything(
    editor: Any,
    reviewer: Any,
    department: Any,
    settings: Any,
    django_capture_on_commit_callbacks: Any,
) -> None:
    elderly = tag("laonianren", "老年人")
    for n in range(5):
        confirmed(f"q{n}@example.cn", tags=[elderly])
    publish(editor, reviewer, department, tags=[elderly],
            capture=django_capture_on_commit_callbacks)  # fmt: skip
    mail.outbox.clear()
    settings.EMAIL_BACKEND = "tests.push.test_sending.FlakyBackend"
    FlakyBackend.calls, FlakyBackend.fail_on = 0, {1, 2, 3}
    result = services.deliveries_send()
    assert result.stopped and result.sent_mails == 0
    assert services.deliveries_send().sent_mails == 5
    assert len(mail.outbox) == 5


class ReenteringBackend(LocmemBackend):
    """While sending, a second run starts (cron's tick and a person's command at once)."""

    inner: ClassVar[list[services.SendResult]] = []

    def send_messages(self, messages: Any) -> int:
        type(self).inner.append(services.deliveries_send())
        return super().send_messages(messages)


@time_machine.travel(NOW, tick=False)
def test_two_runs_at_once_do_not_send_twice(
    editor: Any,
    reviewer: Any,
    department: Any,
    settings: Any,
    django_capture_on_commit_callbacks: Any,
) -> None:
    elderly = tag("laonianren", "老年人")
    for n in range(3):
        confirmed(f"r{n}@example.cn", tags=[elderly])
    publish(editor, reviewer, department, tags=[elderly],
            capture=django_capture_on_commit_callbacks)  # fmt: skip
    mail.outbox.clear()
    settings.EMAIL_BACKEND = "tests.push.test_sending.ReenteringBackend"
    ReenteringBackend.inner = []
    outer = services.deliveries_send()
    assert outer.sent_mails == 3
    assert [r.busy for r in ReenteringBackend.inner] == [True, True, True]
    assert len(mail.outbox) == 3
    # Another process holding the lease: this run does nothing.
    assert lease_acquire(services.SEND_LEASE, holder="other", ttl=dt.timedelta(minutes=5))
    assert services.deliveries_send().busy
    lease_release(services.SEND_LEASE, holder="other")


# ---------------------------------------------------------------------------- publishing


@time_machine.travel(NOW, tick=False)
def test_a_rolled_back_publish_queues_and_sends_nothing(
    editor: Any, reviewer: Any, department: Any, django_capture_on_commit_callbacks: Any
) -> None:
    elderly = tag("laonianren", "老年人")
    confirmed("rb@example.cn", tags=[elderly])
    mail.outbox.clear()
    item = draft(editor, department)
    services.publication_tags_set(actor=editor, publication=item, tags=[elderly])
    publications.publication_submit(actor=editor, publication=item)
    with (
        django_capture_on_commit_callbacks(execute=True) as callbacks,
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        publications.publication_approve(actor=reviewer, publication=item)
        raise RuntimeError("something later in the same transaction failed")
    assert callbacks == []
    assert not Delivery.objects.exists()
    assert services.deliveries_send().sent_mails == 0
    assert mail.outbox == []


@time_machine.travel(NOW, tick=False)
def test_an_item_withdrawn_before_sending_is_not_sent(
    editor: Any, reviewer: Any, department: Any, django_capture_on_commit_callbacks: Any
) -> None:
    elderly = tag("laonianren", "老年人")
    confirmed("w@example.cn", tags=[elderly])
    item = publish(editor, reviewer, department, tags=[elderly],
                   capture=django_capture_on_commit_callbacks)  # fmt: skip
    publications.publication_withdraw(actor=reviewer, publication=item, reason="内容有误")
    mail.outbox.clear()
    assert services.deliveries_send().sent_mails == 0
    assert Delivery.objects.get().status == DeliveryStatus.CANCELLED


def test_tags_are_set_by_the_items_unit_and_audited(
    editor: Any, other_editor: Any, department: Any
) -> None:
    elderly = tag("laonianren", "老年人")
    item = draft(editor, department)
    with pytest.raises(AccessDenied):
        services.publication_tags_set(actor=other_editor, publication=item, tags=[elderly])
    services.publication_tags_set(actor=editor, publication=item, tags=[elderly])
    entry = AuditEntry.objects.get(action="push.tags_set")
    assert entry.unit_code == department.code and "老年人" in entry.summary


def test_tagging_a_recent_item_reaches_new_subscribers_but_an_old_one_does_not(
    editor: Any, reviewer: Any, department: Any, django_capture_on_commit_callbacks: Any
) -> None:
    elderly = tag("laonianren", "老年人")
    cap = django_capture_on_commit_callbacks
    with time_machine.travel("2024-03-01 10:00 +0800", tick=False):
        old = publish(editor, reviewer, department, capture=cap, title="旧通知")
    with time_machine.travel("2024-03-18 10:00 +0800", tick=False):
        recent = publish(editor, reviewer, department, capture=cap, title="新通知")
    with time_machine.travel(NOW, tick=False):
        subscription = confirmed("late@example.cn", tags=[elderly])
        with cap(execute=True):
            services.publication_tags_set(actor=editor, publication=old, tags=[elderly])
            services.publication_tags_set(actor=editor, publication=recent, tags=[elderly])
    queued = set(
        Delivery.objects.filter(subscription=subscription).values_list("publication_id", flat=True)
    )
    assert queued == {recent.pk}


@time_machine.travel(NOW, tick=False)
def test_the_send_digests_command_reports_and_fails_on_a_failed_mail(
    editor: Any,
    reviewer: Any,
    department: Any,
    settings: Any,
    django_capture_on_commit_callbacks: Any,
) -> None:
    from io import StringIO

    from django.core.management import CommandError, call_command

    elderly = tag("laonianren", "老年人")
    confirmed("cmd@example.cn", tags=[elderly])
    publish(editor, reviewer, department, tags=[elderly],
            capture=django_capture_on_commit_callbacks)  # fmt: skip
    settings.EMAIL_BACKEND = "tests.push.test_sending.FlakyBackend"
    FlakyBackend.calls, FlakyBackend.fail_on = 0, {1}
    with pytest.raises(CommandError, match="retried"):
        call_command("send-digests", stdout=StringIO())
    out = StringIO()
    call_command("send-digests", stdout=out)
    assert '"mails": 1' in out.getvalue()
