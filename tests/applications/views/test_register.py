"""Staff register applications that came in person, by post or by fax; the receipt date follows
条例第三十一条 and decides the due date."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from gongkai.applications import services
from gongkai.applications.models import Application, Channel, EventKind, Stage
from gongkai.orgs.models import Unit, User
from tests.applications.views.inputs import form_data

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _today(time_machine: Any) -> None:
    time_machine.move_to("2024-10-08 10:00 +0800", tick=False)


@pytest.mark.parametrize(
    "name,args",
    [
        ("applications:list", []),
        ("applications:register", []),
        ("applications:import", []),
        ("applications:overdue", []),
        ("applications:report", []),
        ("applications:letter_templates", []),
        ("applications:detail", [1]),
        ("applications:letter", [1]),
    ],
)
def test_pages_require_login(client: Client, name: str, args: list[Any]) -> None:
    url = reverse(name, args=args)
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"] == f"{reverse('login')}?next={url}"


def _register(client: Client, unit: Unit, **fields: Any) -> Any:
    fields.setdefault("channel", Channel.IN_PERSON)
    return client.post(reverse("applications:register"), form_data(unit, **fields))


@pytest.mark.parametrize(
    ("channel", "dates", "received", "due"),
    [
        # In person: the day handed in. Sunday 09-29 and Saturday 10-12 are make-up working days,
        # 10-01..10-07 the National Day holiday.
        (Channel.IN_PERSON, {"submitted_on": "2024-09-27"}, "2024-09-27", "2024-10-30"),
        # Registered post: the day signed for.
        (
            Channel.REGISTERED_POST,
            {"submitted_on": "2024-09-25", "signed_for_on": "2024-09-29"},
            "2024-09-29",
            "2024-10-31",
        ),
        # Ordinary letter: the day the office confirmed with the applicant.
        (
            Channel.ORDINARY_POST,
            {"submitted_on": "2024-09-26", "confirmed_on": "2024-09-30"},
            "2024-09-30",
            "2024-11-01",
        ),
        # Fax: the day both sides confirmed.
        (
            Channel.FAX,
            {"submitted_on": "2024-09-30", "confirmed_on": "2024-10-08"},
            "2024-10-08",
            "2024-11-04",
        ),
    ],
)
def test_register_sets_the_receipt_date_by_channel(
    client: Client,
    handler: User,
    department: Unit,
    channel: str,
    dates: dict[str, str],
    received: str,
    due: str,
) -> None:
    client.force_login(handler)
    response = _register(client, department, channel=channel, **dates)
    assert response.status_code == 302
    application = Application.objects.get()
    assert response["Location"] == reverse("applications:detail", args=[application.pk])
    assert application.received_on == dt.date.fromisoformat(received)
    assert application.due_on == dt.date.fromisoformat(due)
    assert application.stage == Stage.REGISTERED
    assert application.handler == handler
    assert application.events.get().kind == EventKind.REGISTERED
    page = client.get(response["Location"]).content.decode()
    # The query code is shown once, in the confirmation message.
    assert f"申请编号{application.tracking_no}" in page
    assert "查询码只显示这一次" in page
    code = page.split("查询码")[1][:8]
    assert services.query_code_matches(application, code)
    assert "查询码只显示这一次" not in client.get(response["Location"]).content.decode()
    assert due in page


def test_registered_post_without_the_signing_date_is_refused(
    client: Client, handler: User, department: Unit
) -> None:
    client.force_login(handler)
    response = _register(
        client, department, channel=Channel.REGISTERED_POST, submitted_on="2024-09-25"
    )
    assert response.status_code == 400
    assert "邮寄申请请填写签收日期" in response.content.decode()
    response = _register(client, department, channel=Channel.FAX, submitted_on="2024-09-25")
    assert "请填写与申请人确认的日期" in response.content.decode()
    response = _register(client, department, channel=Channel.IN_PERSON, submitted_on="2024-10-09")
    assert "收到申请之日不能晚于今天" in response.content.decode()
    assert not Application.objects.exists()


def test_only_handlers_and_the_office_register(
    client: Client,
    editor: User,
    handler: User,
    office: User,
    department: Unit,
    other_department: Unit,
) -> None:
    client.force_login(editor)
    assert client.get(reverse("applications:register")).status_code == 403
    client.force_login(handler)
    # A handler registers for their own unit only: another unit is not among the choices.
    response = _register(client, other_department, submitted_on="2024-10-08")
    assert response.status_code == 400
    assert "unit" in response.context["form"].errors
    assert not Application.objects.exists()
    client.force_login(office)
    response = _register(client, other_department, submitted_on="2024-10-08")
    assert response.status_code == 302, response.context["form"].errors
    assert Application.objects.get().unit == other_department


def test_an_oral_application_is_written_down_and_says_by_whom(
    client: Client, handler: User, department: Unit
) -> None:
    client.force_login(handler)
    html = client.get(reverse("applications:register")).content.decode()
    # 条例第二十九条第一款: the office writes an oral application down; by default the signed-in
    # user did.
    assert f'<option value="{Channel.ORAL}">口头提出（代为填写）</option>' in html
    assert 'name="transcribed_by" value="李承办"' in html
    response = _register(
        client, department, channel=Channel.ORAL, submitted_on="2024-10-08", transcribed_by=""
    )
    assert response.status_code == 302
    application = Application.objects.get()
    # Received the day it was made, as if handed in: due 20 working days later (10-12 worked).
    assert (application.channel, application.received_on, application.due_on) == (
        Channel.ORAL,
        dt.date(2024, 10, 8),
        dt.date(2024, 11, 4),
    )
    assert application.transcribed_by == "李承办"
    page = client.get(response["Location"]).content.decode()
    assert "申请人口头提出，由李承办代为填写（条例第二十九条第一款）" in page
    assert application.events.get().note == (
        "申请人口头提出，由李承办代为填写（条例第二十九条第一款）"
    )


def test_a_colleague_may_be_named_and_only_oral_applications_keep_the_name(
    client: Client, handler: User, department: Unit
) -> None:
    client.force_login(handler)
    _register(
        client,
        department,
        channel=Channel.ORAL,
        submitted_on="2024-10-08",
        transcribed_by="周办事员",
    )
    _register(
        client,
        department,
        channel=Channel.IN_PERSON,
        submitted_on="2024-10-08",
        transcribed_by="李承办",
    )
    oral, in_person = Application.objects.order_by("pk")
    assert (oral.transcribed_by, in_person.transcribed_by) == ("周办事员", "")
    page = client.get(reverse("applications:detail", args=[in_person.pk])).content.decode()
    assert "代为填写" not in page.split('id="meta-heading"')[1].split("</table>")[0]
