"""The message pages: writing with a receipt (number + query code), tracking and rating, the
throttles and the honeypot, the published list with masked texts, and the staff pages' access
rules (another unit cannot open a message; the writer's data is masked outside the unit)."""

from __future__ import annotations

import re
from typing import Any

import pytest
import time_machine
from django.test import Client
from django.urls import reverse

from gongkai.interaction import services
from gongkai.interaction.models import Box, Message, Rating, Status
from gongkai.orgs.models import Unit, User

pytestmark = pytest.mark.django_db

MESSAGE = {
    "category": "policy",
    "title": "低保怎么申请",
    "body": "我是王大山，身份证360735199001011234，想问低保的申请条件。",
    "allow_publish": "on",
    "name": "王大山",
    "phone": "139 1234 5678",
    "email": "wds@example.com",
}


def _write(client: Client, **change: str) -> tuple[str, str]:
    response = client.post(reverse("interaction:write", args=[Box.CONSULT]), {**MESSAGE, **change})
    assert response.status_code == 302, response.content.decode()[:2000]
    html = client.get(response["Location"]).content.decode()
    number = re.search(r"<strong>(ZX\d{14})</strong>", html)
    code = re.search(r'<strong class="code">([0-9A-Z]{8})</strong>', html)
    assert number and code, html
    return number.group(1), code.group(1)


def test_write_track_reply_rate_and_publish(
    client: Client, office: User, editor: User, department: Unit
) -> None:
    with time_machine.travel("2025-06-09 10:00 +0800", tick=False):
        number, code = _write(client)
        message = Message.objects.get(tracking_no=number)
        assert message.phone == "13912345678" and message.due_on is not None
        assert str(message.due_on) == "2025-06-16"
        # Shown once.
        assert client.get(reverse("interaction:done"))["Location"] == reverse("interaction:index")
        status = client.post(reverse("interaction:track"), {"tracking_no": number, "code": code})
        assert status.status_code == 200 and "正在办理" in status.content.decode()
        assert "no-store" in status["Cache-Control"]
        services.message_assign(actor=office, message=message, unit=department)
        services.message_reply(actor=editor, message=message, reply="王大山您好：请到民政局申请。")
    page = client.post(reverse("interaction:track"), {"tracking_no": number, "code": code})
    assert "请到民政局申请" in page.content.decode() and "提交评价" in page.content.decode()
    # Someone without the code cannot rate.
    wrong = client.post(
        reverse("interaction:rate"),
        {"tracking_no": number, "code": "AAAAAAAA", "rating": Rating.UNSATISFIED},
    )
    assert wrong.status_code == 404
    assert Message.objects.get(pk=message.pk).rating == ""
    rated = client.post(
        reverse("interaction:rate"), {"tracking_no": number, "code": code, "rating": "satisfied"}
    )
    assert rated.status_code == 200 and "感谢您的评价" in rated.content.decode()
    assert Message.objects.get(pk=message.pk).rating == Rating.SATISFIED
    # Published: masked, without the writer's contacts.
    listing = client.get(reverse("interaction:published_list")).content.decode()
    assert "低保怎么申请" in listing
    detail = client.get(reverse("interaction:published_detail", args=[message.pk]))
    html = detail.content.decode()
    assert "请到民政局申请" in html and "王*山" in html
    for secret in ("王大山", "360735199001011234", "13912345678", "wds@example.com"):
        assert secret not in html


def test_private_and_unanswered_messages_are_not_published(client: Client, office: User) -> None:
    number, _ = _write(client, allow_publish="")
    message = Message.objects.get(tracking_no=number)
    assert not message.allow_publish
    url = reverse("interaction:published_detail", args=[message.pk])
    assert client.get(url).status_code == 404
    services.message_reply(actor=office, message=message, reply="已答复。")
    assert client.get(url).status_code == 404
    assert "低保怎么申请" not in client.get(reverse("interaction:published_list")).content.decode()


def test_honeypot_throttle_and_csrf(client: Client) -> None:
    url = reverse("interaction:write", args=[Box.LEADER])
    values = {**MESSAGE, "category": "advice"}
    trapped = client.post(url, {**values, "hp_note": "http://spam.example"})
    assert trapped.status_code == 400 and "提交失败" in trapped.content.decode()
    for _ in range(5):
        assert client.post(url, values).status_code == 302
    refused = client.post(url, values)
    assert refused.status_code == 429 and "留言较多" in refused.content.decode()
    assert "Retry-After" in refused
    assert Message.objects.count() == 5
    assert Client(enforce_csrf_checks=True).post(url, values).status_code == 403
    assert client.get(reverse("interaction:write", args=["nope"])).status_code == 404


def test_tracking_misses_are_throttled_per_number(client: Client) -> None:
    number, _ = _write(client)
    for _ in range(5):
        miss = client.post(reverse("interaction:track"), {"tracking_no": number, "code": "X"})
        assert miss.status_code == 404
    assert (
        client.post(reverse("interaction:track"), {"tracking_no": number, "code": "X"}).status_code
        == 429
    )


def test_staff_pages_follow_the_unit_boundary(
    client: Client,
    office: User,
    editor: User,
    other_editor: User,
    leader: User,
    department: Unit,
) -> None:
    number, _ = _write(client)
    message = Message.objects.get(tracking_no=number)
    detail = reverse("interaction:detail", args=[message.pk])
    assert client.get(detail).status_code == 302  # to the login page
    client.force_login(office)
    assert "13912345678" in client.get(detail).content.decode()
    client.post(reverse("interaction:assign", args=[message.pk]), {"unit": department.pk})
    assert Message.objects.get(pk=message.pk).status == Status.ASSIGNED
    listing = client.get(reverse("interaction:list")).content.decode()
    assert number in listing
    client.force_login(leader)
    html = client.get(detail).content.decode()
    assert "13912345678" not in html and "139****5678" in html
    client.force_login(other_editor)
    assert client.get(detail).status_code == 403
    assert number not in client.get(reverse("interaction:list")).content.decode()
    reply = reverse("interaction:reply", args=[message.pk])
    assert client.post(reply, {"reply": "越权答复"}).status_code == 403
    assert client.get(reverse("interaction:settings")).status_code == 403
    client.force_login(editor)
    assert "13912345678" in client.get(detail).content.decode()
    assert client.post(reply, {"reply": "已答复。"}).status_code == 302
    assert Message.objects.get(pk=message.pk).status == Status.REPLIED


def test_the_office_sets_the_periods(client: Client, office: User) -> None:
    client.force_login(office)
    url = reverse("interaction:settings")
    assert "本县规定" in client.get(url).content.decode()
    values = {"normal_days": "6", "simple_days": "2", "jiucuo_days": "3"}
    assert client.post(url, values).status_code == 302
    assert services.period_for(Box.LEADER, simple=False) == 6


def test_the_public_pages_open(client: Client) -> None:
    for name in ("index", "track", "published_list"):
        assert client.get(reverse(f"interaction:{name}")).status_code == 200
    page = client.get(reverse("interaction:write", args=[Box.LEADER])).content.decode()
    for label in ("意见建议", "求助", "投诉", "表扬感谢", "其他"):
        assert f"{label}</label>" in page


def test_the_lists_cost_a_fixed_number_of_queries(
    client: Client, office: User, department: Unit, django_assert_max_num_queries: Any
) -> None:
    for number in range(8):
        message, _code = services.message_submit(
            box=Box.CONSULT,
            values={"category": "policy", "title": f"问题{number}", "body": "内容"},
        )
        services.message_assign(actor=office, message=message, unit=department)
        services.message_reply(actor=office, message=message, reply="答复")
    with django_assert_max_num_queries(3):
        assert client.get(reverse("interaction:published_list")).status_code == 200
    client.force_login(office)
    client.get(reverse("interaction:list"))  # the session and roles, once
    with django_assert_max_num_queries(8):
        assert client.get(reverse("interaction:list")).status_code == 200
