"""The daily reminder mail (gongkai.reports.digests): who gets what, once a day, no personal data.

Mail goes through Django's locmem backend (pytest-django installs it for tests): real messages,
read back from ``mail.outbox``.
"""

from __future__ import annotations

import datetime as dt
from io import StringIO
from typing import Any

import pytest
import time_machine
from django.core import mail
from django.core.management import call_command

from gongkai.applications.models import Application
from gongkai.orgs.models import Role, Unit, User
from gongkai.reports import digests
from gongkai.reports.models import DigestSent
from tests.applications.test_law import RECEIVED, handling
from tests.factories import MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db
D = dt.date


@pytest.fixture(autouse=True)
def _today() -> Any:
    with time_machine.travel("2024-11-26 08:00 +0800", tick=False):
        yield


@pytest.fixture
def handler(department: Unit) -> User:
    user: User = UserFactory(username="mzj_handler", full_name="李明", email="liming@example.cn")
    MembershipFactory(user=user, unit=department, role=Role.HANDLER)
    return user


@pytest.fixture
def other_handler(other_department: Unit) -> User:
    user: User = UserFactory(username="zjj_handler", full_name="王芳", email="wangfang@example.cn")
    MembershipFactory(user=user, unit=other_department, role=Role.HANDLER)
    return user


@pytest.fixture
def application(handler: User, department: Unit) -> Application:
    """Received 2024-11-04, due 2024-12-02: four working days left on 2024-11-26."""
    return handling(handler, department, RECEIVED)


def test_handler_is_told_of_the_due_date_by_number_and_unit_only(
    application: Application, handler: User, other_handler: User
) -> None:
    result = digests.digests_send(on=D(2024, 11, 26))

    assert result == {"sent": 1, "skipped": 1, "failed": 0}
    [message] = mail.outbox
    assert message.to == ["liming@example.cn"]
    assert message.subject == "【政务公开】2024年11月26日待办提醒（1项）"
    assert application.tracking_no in message.body
    assert "县民政局" in message.body
    assert "2024年12月2日" in message.body
    assert "还剩4个工作日" in message.body
    # The applicant stays on the platform's pages: no name, phone or ID number in a mail.
    for personal in (application.applicant_name, application.phone, application.id_number):
        if personal:
            assert personal not in message.body


def test_once_a_day_however_often_tick_runs(application: Application, handler: User) -> None:
    digests.digests_send(on=D(2024, 11, 26))
    again = digests.digests_send(on=D(2024, 11, 26))

    assert again["sent"] == 0
    assert len(mail.outbox) == 1
    assert DigestSent.objects.get(user=handler).items == 1
    digests.digests_send(on=D(2024, 11, 27))
    assert len(mail.outbox) == 2


def test_overdue_applications_head_the_mail(application: Application, handler: User) -> None:
    with time_machine.travel("2024-12-04 08:00 +0800", tick=False):
        digests.digests_send(on=D(2024, 12, 4))

    [message] = mail.outbox
    assert "一、已超过答复期限的申请（1件）" in message.body
    assert "答复期限2024年12月2日" in message.body


def test_nothing_due_sends_nothing(handler: User, other_handler: User) -> None:
    assert digests.digests_send(on=D(2024, 11, 26)) == {"sent": 0, "skipped": 2, "failed": 0}
    assert mail.outbox == []
    assert not DigestSent.objects.exists()


def test_the_office_hears_of_every_unit(application: Application, office: User) -> None:
    office.email = "office@example.cn"
    office.save()

    digests.digests_send(on=D(2024, 11, 26))

    assert [m.to for m in mail.outbox] == [["liming@example.cn"], ["office@example.cn"]]


def test_a_mail_server_that_fails_is_tried_again_next_tick(
    application: Application, handler: User, settings: Any
) -> None:
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", 9, 2

    assert digests.digests_send(on=D(2024, 11, 26))["failed"] == 1
    assert not DigestSent.objects.exists()

    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    assert digests.digests_send(on=D(2024, 11, 26))["sent"] == 1


def test_tick_sends_the_reminders(application: Application, handler: User) -> None:
    call_command("tick", "--task", "applications.reminders", stdout=StringIO())

    assert [m.to for m in mail.outbox] == [["liming@example.cn"]]


def test_no_mail_before_seven_in_the_morning(application: Application, handler: User) -> None:
    with time_machine.travel("2024-11-26 06:30 +0800", tick=False):
        call_command("tick", "--task", "applications.reminders", stdout=StringIO())
    assert mail.outbox == []
