"""Applicants' identity numbers, addresses and contacts: masked for everyone by default, shown
whole only to the handling unit and the office on request, and every such view audited."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from gongkai.applications.models import Application, EventKind
from gongkai.core.models import AuditEntry
from gongkai.orgs.models import Unit, User
from tests.applications.views.inputs import (
    ADDRESS,
    ID_MASKED,
    ID_NUMBER,
    NAME,
    PHONE,
    PHONE_MASKED,
    register,
)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _today(time_machine: Any) -> None:
    time_machine.move_to("2024-10-08 10:00 +0800", tick=False)


@pytest.fixture
def application(handler: User, department: Unit) -> Application:
    application, _code = register(handler, department, dt.date(2024, 9, 27))
    return application


def _views(application: Application) -> int:
    return application.events.filter(kind=EventKind.PERSONAL_DATA_VIEWED).count()


def _assert_masked(html: str) -> None:
    for secret in (ID_NUMBER, PHONE, ADDRESS, NAME):
        assert secret not in html
    assert ID_MASKED in html and PHONE_MASKED in html and "王*明" in html
    assert "石城县琴江" in html  # the start of the address only


def test_the_handling_unit_sees_masked_data_until_it_asks_and_the_look_is_audited(
    client: Client, handler: User, application: Application
) -> None:
    client.force_login(handler)
    url = reverse("applications:detail", args=[application.pk])
    html = client.get(url).content.decode()
    _assert_masked(html)
    assert reverse("applications:applicant", args=[application.pk]) in html
    assert "查看申请人信息" in html
    assert _views(application) == 0

    response = client.post(reverse("applications:applicant", args=[application.pk]))
    assert response.status_code == 200
    assert response["Cache-Control"] == "private, no-store"
    html = response.content.decode()
    for secret in (ID_NUMBER, PHONE, ADDRESS, NAME):
        assert secret in html
    assert "本次查看已记录" in html
    assert _views(application) == 1
    event = application.events.get(kind=EventKind.PERSONAL_DATA_VIEWED)
    assert event.actor == handler and not event.public
    assert AuditEntry.objects.filter(
        action="application.personal_data_viewed", actor=handler, target_id=str(application.pk)
    ).exists()
    # Only that response: the page is masked again afterwards.
    _assert_masked(client.get(url).content.decode())


def test_the_office_may_ask_too(client: Client, office: User, application: Application) -> None:
    client.force_login(office)
    html = client.get(reverse("applications:detail", args=[application.pk])).content.decode()
    _assert_masked(html)
    html = client.post(reverse("applications:applicant", args=[application.pk])).content.decode()
    assert ID_NUMBER in html
    assert _views(application) == 1


def test_a_leader_reads_the_application_masked_and_cannot_ask(
    client: Client, leader: User, application: Application
) -> None:
    client.force_login(leader)
    html = client.get(reverse("applications:detail", args=[application.pk])).content.decode()
    _assert_masked(html)
    assert reverse("applications:applicant", args=[application.pk]) not in html
    response = client.post(reverse("applications:applicant", args=[application.pk]))
    assert response.status_code == 403
    html = response.content.decode()
    assert "申请人的身份和联系方式仅承办单位和县政务公开办可以查看" in html
    assert ID_NUMBER not in html
    assert _views(application) == 0


def test_another_units_staff_do_not_reach_the_application(
    client: Client, other_handler: User, other_editor: User, application: Application
) -> None:
    for user in (other_handler, other_editor):
        client.force_login(user)
        assert client.get(reverse("applications:detail", args=[application.pk])).status_code == 404
        response = client.post(reverse("applications:applicant", args=[application.pk]))
        assert response.status_code == 404
        listing = client.get(reverse("applications:list")).content.decode()
        assert application.tracking_no not in listing
    assert _views(application) == 0


def test_lists_never_show_personal_data(
    client: Client, office: User, application: Application
) -> None:
    client.force_login(office)
    for name in ("applications:list", "applications:overdue"):
        html = client.get(reverse(name)).content.decode()
        for secret in (ID_NUMBER, PHONE, ADDRESS, NAME):
            assert secret not in html


def test_an_organisations_name_is_shown_its_contact_person_masked(
    client: Client, leader: User, handler: User, department: Unit
) -> None:
    application, _code = register(
        handler,
        department,
        dt.date(2024, 9, 27),
        values={
            "applicant_type": "business",
            "applicant_name": "石城县某某建材有限公司",
            "id_kind": "统一社会信用代码",
            "id_number": "91360735MA35XXXX1X",
            "contact_name": "张三丰",
            "email": "zhang@example.com",
        },
    )
    client.force_login(leader)
    html = client.get(reverse("applications:detail", args=[application.pk])).content.decode()
    assert "石城县某某建材有限公司" in html
    assert "张*丰" in html and "张三丰" not in html
    assert "z***@example.com" in html and "zhang@example.com" not in html
