"""Rotating SECRET_KEY, with the old key in SECRET_KEY_FALLBACKS, keeps what applicants hold
working: the query code of an application filed under the old key, on the public tracking page,
and a signed reply-letter link within its 30 minutes (issue 12). A wrong code still fails, and
once the old key is dropped only the codes already re-keyed keep working."""

from __future__ import annotations

import datetime as dt
import re
from html import unescape
from typing import Any

import pytest
from django.test import Client, override_settings
from django.urls import reverse

from gongkai.applications import letters, services
from gongkai.applications.models import Application, LetterKind
from gongkai.orgs.models import Unit, User
from tests.applications.views.inputs import register

pytestmark = pytest.mark.django_db
D = dt.date
K1 = "k1-old-secret-key-for-the-rotation-test-0123456789"
K2 = "k2-new-secret-key-for-the-rotation-test-9876543210"


@pytest.fixture(autouse=True)
def _today(time_machine: Any) -> None:
    time_machine.move_to("2024-09-27 09:00 +0800", tick=False)


def _track(number: str, code: str) -> Any:
    return Client().post(reverse("portal:apply_track"), {"tracking_no": number, "code": code})


def _wrong(code: str) -> str:
    return "ABCDEFGH" if code != "ABCDEFGH" else "HGFEDCBA"


def test_a_code_issued_under_the_old_key_works_after_rotation(
    handler: User, department: Unit
) -> None:
    with override_settings(SECRET_KEY=K1, SECRET_KEY_FALLBACKS=[]):
        application, code = register(handler, department, D(2024, 9, 27))
        assert _track(application.tracking_no, code).status_code == 200
    old_digest = Application.objects.get(pk=application.pk).query_code_digest

    # Without the fallback the old code cannot be verified: the digest is keyed.
    with override_settings(SECRET_KEY=K2, SECRET_KEY_FALLBACKS=[]):
        assert _track(application.tracking_no, code).status_code == 404

    with override_settings(SECRET_KEY=K2, SECRET_KEY_FALLBACKS=[K1]):
        assert _track(application.tracking_no, _wrong(code)).status_code == 404
        assert Application.objects.get(pk=application.pk).query_code_digest == old_digest
        assert _track(application.tracking_no, code).status_code == 200
        assert _track(application.tracking_no, code.lower()).status_code == 200
        # Verified once under the old key, the digest is stored under the new one.
        assert Application.objects.get(pk=application.pk).query_code_digest != old_digest

    # So it keeps working once the old key has left the fallbacks; a wrong code still fails.
    with override_settings(SECRET_KEY=K2, SECRET_KEY_FALLBACKS=[]):
        assert _track(application.tracking_no, code).status_code == 200
        assert _track(application.tracking_no, _wrong(code)).status_code == 404


def test_codes_issued_after_rotation_use_the_new_key(handler: User, department: Unit) -> None:
    with override_settings(SECRET_KEY=K2, SECRET_KEY_FALLBACKS=[K1]):
        application, code = register(handler, department, D(2024, 9, 27))
        digest = application.query_code_digest
        assert services.query_code_matches(application, code)
        assert not services.query_code_matches(application, _wrong(code))
    assert Application.objects.get(pk=application.pk).query_code_digest == digest
    with override_settings(SECRET_KEY=K2, SECRET_KEY_FALLBACKS=[]):
        assert services.query_code_matches(application, code)


def test_a_letter_link_signed_under_the_old_key_works_within_its_30_minutes(
    handler: User, department: Unit, time_machine: Any
) -> None:
    with override_settings(SECRET_KEY=K1, SECRET_KEY_FALLBACKS=[]):
        application, code = register(handler, department, D(2024, 9, 27))
        services.application_accept(actor=handler, application=application)
        services.application_reply(
            actor=handler, application=application, on=D(2024, 9, 27), outcome="grant"
        )
        letters.letter_generate(actor=handler, application=application, kind=LetterKind.REPLY_GRANT)
        services.application_deliver(
            actor=handler, application=application, on=D(2024, 9, 27), way="email"
        )
        html = _track(application.tracking_no, code).content.decode()
    found = re.search(r'<a class="button" href="([^"]+)" download>下载答复文书', html)
    assert found is not None
    url = unescape(found.group(1))

    time_machine.move_to("2024-09-27 09:20 +0800", tick=False)
    with override_settings(SECRET_KEY=K2, SECRET_KEY_FALLBACKS=[]):
        assert Client().get(url).status_code == 404
    with override_settings(SECRET_KEY=K2, SECRET_KEY_FALLBACKS=[K1]):
        assert Client().get(url).status_code == 200
        tampered = url.replace(url.split("/")[-2][:6], "AAAAAA", 1)
        assert Client().get(tampered).status_code == 404
    time_machine.move_to("2024-09-27 09:31 +0800", tick=False)
    with override_settings(SECRET_KEY=K2, SECRET_KEY_FALLBACKS=[K1]):
        assert Client().get(url).status_code == 410
