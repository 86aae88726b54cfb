"""The public pages refuse floods with a 429 and a Chinese sentence saying when to try again, in
the database so every web worker counts alike: the application form per address, the tracking
page per address and per tracking number (lookups that found nothing), the letter's link per
address and per application."""

from __future__ import annotations

import datetime as dt
import re
from html import unescape
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from gongkai.applications import letters, services
from gongkai.applications.models import Application, LetterKind
from gongkai.applications.views import public
from gongkai.orgs.models import Unit, User
from tests.applications.views.inputs import form_data, register

pytestmark = pytest.mark.django_db
D = dt.date


@pytest.fixture(autouse=True)
def _today(time_machine: Any) -> None:
    time_machine.move_to("2024-09-27 09:00 +0800", tick=False)


def _track(client: Client, number: str, code: str) -> Any:
    return client.post(reverse("portal:apply_track"), {"tracking_no": number, "code": code})


def test_the_numbers_are_the_documented_ones() -> None:
    assert (public.APPLY_PER_HOUR.limit, public.APPLY_PER_DAY.limit) == (5, 20)
    assert (public.TRACK_MISSES_PER_ADDRESS.limit, public.TRACK_MISSES_PER_NUMBER.limit) == (20, 5)
    assert (public.LETTERS_PER_ADDRESS.limit, public.LETTERS_PER_APPLICATION.limit) == (30, 10)


def test_one_address_files_five_applications_an_hour(
    client: Client, department: Unit, time_machine: Any
) -> None:
    for _ in range(5):
        assert client.post(reverse("portal:apply"), form_data(department)).status_code == 302
    refused = client.post(reverse("portal:apply"), form_data(department))
    assert refused.status_code == 429
    html = refused.content.decode()
    assert "您在短时间内提交的申请较多，请于10:00后再提交" in html
    assert "信函或到受理机关当面提出申请" in html
    assert int(refused["Retry-After"]) == 3601
    assert Application.objects.count() == 5
    # What was typed stays on the page.
    assert form_data(department)["description"] in html
    # Another address files on; after the hour this one does too.
    other = Client(REMOTE_ADDR="198.51.100.9")
    assert other.post(reverse("portal:apply"), form_data(department)).status_code == 302
    time_machine.move_to("2024-09-27 10:00:01 +0800", tick=False)
    assert client.post(reverse("portal:apply"), form_data(department)).status_code == 302


def test_and_twenty_a_day(client: Client, department: Unit, settings: Any) -> None:
    settings.GONGKAI_THROTTLE_LIMITS = {"apply.address": 100, "apply.address.day": 3}
    for _ in range(3):
        assert client.post(reverse("portal:apply"), form_data(department)).status_code == 302
    refused = client.post(reverse("portal:apply"), form_data(department))
    assert refused.status_code == 429 and "9月28日 09:00" in refused.content.decode()


def test_invalid_forms_do_not_count(client: Client, department: Unit) -> None:
    for _ in range(8):
        assert client.post(reverse("portal:apply"), {"unit": department.pk}).status_code == 400
    assert client.post(reverse("portal:apply"), form_data(department)).status_code == 302


@pytest.fixture
def tracked(handler: User, department: Unit) -> tuple[Application, str]:
    return register(handler, department, D(2024, 9, 27))


def test_wrong_codes_for_one_number_lock_that_number(
    client: Client, tracked: tuple[Application, str], time_machine: Any
) -> None:
    application, code = tracked
    for number in range(5):
        guesser = Client(REMOTE_ADDR=f"198.51.100.{number + 1}")  # a different address each
        assert _track(guesser, application.tracking_no, "WRONGCOD").status_code == 404
    # Refused before the code is checked: even the right code waits.
    refused = _track(client, application.tracking_no, code)
    assert refused.status_code == 429
    html = refused.content.decode()
    assert "查询过于频繁，为保护申请人的信息，请于10:00后再查询" in html
    assert refused["Retry-After"] and refused["Cache-Control"] == "private, no-store"
    time_machine.move_to("2024-09-27 10:00:01 +0800", tick=False)
    assert _track(client, application.tracking_no, code).status_code == 200


def test_one_address_looking_up_many_numbers_is_refused(
    client: Client, tracked: tuple[Application, str]
) -> None:
    application, code = tracked
    for number in range(20):
        assert _track(client, f"YSQ2024{number:06d}", "WRONGCOD").status_code == 404
    assert _track(client, application.tracking_no, code).status_code == 429
    # The applicant's own address is untouched.
    assert (
        _track(Client(REMOTE_ADDR="203.0.113.50"), application.tracking_no, code).status_code == 200
    )


def test_found_lookups_do_not_count(client: Client, tracked: tuple[Application, str]) -> None:
    application, code = tracked
    for _ in range(25):
        assert _track(client, application.tracking_no, code).status_code == 200


@pytest.fixture
def letter_url(handler: User, tracked: tuple[Application, str], time_machine: Any) -> str:
    application, code = tracked
    services.application_accept(actor=handler, application=application)
    time_machine.move_to("2024-10-29 09:00 +0800", tick=False)
    services.application_reply(
        actor=handler, application=application, on=D(2024, 10, 29), outcome="grant"
    )
    letters.letter_generate(actor=handler, application=application, kind=LetterKind.REPLY_GRANT)
    services.application_deliver(
        actor=handler, application=application, on=D(2024, 10, 29), way="email"
    )
    html = _track(Client(), application.tracking_no, code).content.decode()
    found = re.search(r'<a class="button" href="([^"]+)" download>下载答复文书', html)
    assert found is not None
    return unescape(found.group(1))


def test_the_letter_link_is_throttled_per_application(client: Client, letter_url: str) -> None:
    for number in range(10):
        downloader = Client(REMOTE_ADDR=f"198.51.100.{number + 1}")
        assert downloader.get(letter_url).status_code == 200
    refused = client.get(letter_url)
    assert refused.status_code == 429 and "请于10:00后再查询" in refused.content.decode()


def test_the_letter_link_is_throttled_per_address(
    client: Client, letter_url: str, settings: Any
) -> None:
    settings.GONGKAI_THROTTLE_LIMITS = {"letter.address": 2}
    assert client.get(letter_url).status_code == 200
    assert client.get(letter_url).status_code == 200
    assert client.get(letter_url).status_code == 429
    assert Client(REMOTE_ADDR="203.0.113.8").get(letter_url).status_code == 200
