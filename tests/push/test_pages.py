"""政策找人's pages: subscribing with the confirmation mail, one-click unsubscribe, the manage
link, throttles and the trap field, the tag feeds, and the editors' tag page."""

from __future__ import annotations

import re
from typing import Any

import pytest
import time_machine
from django.core import mail
from django.test import Client
from django.urls import reverse

from gongkai.push import links, services
from gongkai.push.models import Frequency, Subscription, SubscriptionStatus
from tests.publications.test_services import draft
from tests.push.helpers import confirmed, publish, tag

pytestmark = pytest.mark.django_db
NOW = "2024-03-20 10:00 +0800"


def _path(url: str) -> str:
    return re.sub(r"^https?://[^/]+", "", url)


def _link(body: str, purpose: str) -> str:
    match = re.search(rf"https?://\S+/push/{purpose}/\S+/", body)
    assert match, body
    return _path(match.group(0))


def test_subscribing_confirming_and_unsubscribing_through_the_pages(
    client: Client, django_capture_on_commit_callbacks: Any
) -> None:
    elderly = tag("laonianren", "老年人")
    page = client.get(reverse("push:subscribe"))
    assert page.status_code == 200 and "老年人" in page.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("push:subscribe"),
            {"tags": [elderly.pk], "email": "Zhang@Example.cn", "frequency": Frequency.DAILY},
        )
    assert response.status_code == 302
    assert client.get(response["Location"]).status_code == 200
    subscription = Subscription.objects.get()
    assert subscription.email == "zhang@example.cn"
    assert subscription.status == SubscriptionStatus.PENDING
    (confirmation,) = mail.outbox
    confirm = _link(confirmation.body, "confirm")
    assert client.get(confirm).status_code == 200
    subscription.refresh_from_db()
    assert subscription.status == SubscriptionStatus.PENDING  # opening the link is not enough
    assert "订阅成功" in client.post(confirm).content.decode()
    subscription.refresh_from_db()
    assert subscription.status == SubscriptionStatus.ACTIVE
    # The mail program's one-click POST (RFC 8058) carries no CSRF token.
    strict = Client(enforce_csrf_checks=True)
    unsubscribe = reverse("push:unsubscribe", args=[links.token_for(subscription, "unsubscribe")])
    assert strict.get(unsubscribe).status_code == 200
    response = strict.post(unsubscribe, {"List-Unsubscribe": "One-Click"})
    assert response.status_code == 200 and "已退订" in response.content.decode()
    subscription.refresh_from_db()
    assert subscription.status == SubscriptionStatus.ENDED
    assert strict.post(unsubscribe).status_code == 200  # twice is fine


def test_the_trap_field_and_a_bad_token_are_refused(client: Client) -> None:
    elderly = tag("laonianren", "老年人")
    response = client.post(
        reverse("push:subscribe"),
        {"tags": [elderly.pk], "email": "bot@example.cn", "frequency": "daily", "hp_note": "x"},
    )
    assert response.status_code == 400 and not Subscription.objects.exists()
    bad = client.get(reverse("push:confirm", args=["not-a-token"]))
    assert bad.status_code == 400 and "链接无效" in bad.content.decode()
    assert client.get(reverse("push:manage", args=["x:y"])).status_code == 400


def test_subscription_requests_are_throttled_per_mailbox(client: Client) -> None:
    elderly = tag("laonianren", "老年人")
    data = {"tags": [elderly.pk], "email": "victim@example.cn", "frequency": "daily"}
    codes = [client.post(reverse("push:subscribe"), data).status_code for _ in range(4)]
    assert codes == [302, 302, 302, 429]
    assert Subscription.objects.count() == 3


def test_the_manage_link_changes_the_subscription(client: Client, domain: Any) -> None:
    elderly = tag("laonianren", "老年人")
    subscription = confirmed("m@example.cn", tags=[elderly])
    url = reverse("push:manage", args=[links.token_for(subscription, links.MANAGE)])
    assert "老年人" in client.get(url).content.decode()
    response = client.post(url, {"domains": [domain.pk], "frequency": Frequency.DAILY})
    assert "订阅已修改" in response.content.decode()
    subscription.refresh_from_db()
    assert subscription.frequency == Frequency.DAILY
    assert list(subscription.domains.all()) == [domain]
    assert list(subscription.tags.all()) == []
    empty = client.post(url, {"frequency": Frequency.DAILY})
    assert empty.status_code == 400 and "至少选择" in empty.content.decode()


@time_machine.travel(NOW, tick=False)
def test_immediate_mail_has_working_unsubscribe_links(
    client: Client,
    editor: Any,
    reviewer: Any,
    department: Any,
    django_capture_on_commit_callbacks: Any,
) -> None:
    elderly = tag("laonianren", "老年人")
    subscription = confirmed("i@example.cn", tags=[elderly])
    item = publish(editor, reviewer, department, tags=[elderly],
                   capture=django_capture_on_commit_callbacks)  # fmt: skip
    mail.outbox.clear()
    services.deliveries_send()
    (message,) = mail.outbox
    assert item.title in message.subject and item.get_absolute_url() in message.body
    header = message.extra_headers["List-Unsubscribe"].strip("<>")
    assert message.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert _path(header) == _link(message.body, "unsubscribe")
    assert client.post(_path(header)).status_code == 200
    subscription.refresh_from_db()
    assert subscription.status == SubscriptionStatus.ENDED


@time_machine.travel(NOW, tick=False)
def test_tag_feed_lists_published_items_with_the_tag_only(
    client: Client,
    editor: Any,
    reviewer: Any,
    department: Any,
    django_capture_on_commit_callbacks: Any,
) -> None:
    elderly, farmers = tag("laonianren", "老年人"), tag("nonghu", "农户")
    cap = django_capture_on_commit_callbacks
    publish(editor, reviewer, department, tags=[elderly], capture=cap, title="高龄津贴通知")
    publish(editor, reviewer, department, tags=[farmers], capture=cap, title="耕地补贴通知")
    hidden = draft(editor, department, title="未发布的老年人草稿")
    services.publication_tags_set(actor=editor, publication=hidden, tags=[elderly])
    response = client.get(reverse("push:feed", args=["laonianren"]))
    body = response.content.decode()
    assert response.status_code == 200 and response["Content-Type"].startswith("application/atom")
    assert "高龄津贴通知" in body
    assert "耕地补贴通知" not in body and "未发布" not in body
    assert client.get(reverse("push:feed", args=["no-such-tag"])).status_code == 404


def test_the_tag_page_is_for_the_items_unit(
    client: Client, editor: Any, other_editor: Any, department: Any
) -> None:
    elderly = tag("laonianren", "老年人")
    item = draft(editor, department)
    url = reverse("push_staff:tags", args=[item.pk])
    client.force_login(other_editor)
    assert client.get(url).status_code in (403, 404)
    client.force_login(editor)
    detail = client.get(reverse("publications:detail", args=[item.pk])).content.decode()
    assert url in detail
    assert client.get(url).status_code == 200
    assert client.post(url, {"tags": [elderly.pk]}).status_code == 302
    from gongkai.push import selectors

    assert [t.code for t in selectors.tags_of(item)] == ["laonianren"]


def test_the_office_keeps_the_tag_list_and_ends_subscriptions_for_people(
    client: Client, office: Any, editor: Any
) -> None:
    from gongkai.core.models import AuditEntry
    from gongkai.push.models import AudienceTag

    client.force_login(editor)
    assert client.get(reverse("push_staff:overview")).status_code == 403
    assert client.post(reverse("push_staff:tag_new"), {"name": "x", "code": "x"}).status_code == 403
    client.force_login(office)
    assert client.get(reverse("push_staff:overview")).status_code == 200
    response = client.post(
        reverse("push_staff:tag_new"),
        {"name": "新市民", "code": "xin-shimin", "sort_order": 20, "is_active": "on"},
    )
    assert response.status_code == 302
    added = AudienceTag.objects.get(code="xin-shimin")
    client.post(
        reverse("push_staff:tag_edit", args=[added.pk]),
        {"name": "新市民", "code": "xin-shimin", "sort_order": 20},
    )
    added.refresh_from_db()
    assert not added.is_active
    assert AuditEntry.objects.filter(action="push.tag_save").count() == 2
    confirmed("caller@example.cn", keywords="低保")
    confirmed("Caller@example.cn", tags=[tag("laonianren", "老年人")])
    response = client.post(
        reverse("push_staff:overview"), {"email": "caller@example.cn", "reason": "本人来电"}
    )
    assert response.status_code == 302
    assert not Subscription.objects.exclude(status=SubscriptionStatus.ENDED).exists()
    entry = AuditEntry.objects.get(action="push.subscriptions_end")
    assert "2项" in entry.summary and "caller" not in entry.summary + str(entry.data)
    page = client.get(reverse("push_staff:overview")).content.decode()
    assert "caller@example.cn" not in page
