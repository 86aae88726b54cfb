"""Optional authenticator codes (TOTP) for office accounts: enrol with a QR code or the secret,
confirm with a code; then login (also the admin's) asks for the code after the password; a wrong
code is refused and counts like a wrong password; the office removes a lost one for a colleague
it manages. Codes are computed here as an app would (django_otp.oath.totp)."""

from __future__ import annotations

import re
import sys
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from gongkai.core.models import AuditEntry
from gongkai.orgs import services, two_factor
from gongkai.orgs.models import Role, Unit, User
from tests.factories import MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db
PASSWORD = "pass-for-tests-1"


@pytest.fixture(autouse=True)
def _now(time_machine: Any) -> None:
    time_machine.move_to("2024-09-27 09:00 +0800", tick=False)


def _code(device: TOTPDevice) -> str:
    """The current code, as the phone app computes it."""
    value = totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits)
    return f"{value:06d}"


def _signed_in(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _enrol(user: User) -> TOTPDevice:
    device = two_factor.enrolment_device(user)
    assert services.authenticator_confirm(actor=user, code=_code(device))
    device.refresh_from_db()
    return device


def test_an_office_user_enrols_with_a_qr_code_and_the_secret(
    office: User, time_machine: Any
) -> None:
    client = _signed_in(office)
    page = client.get(reverse("account_authenticator"))
    assert page.status_code == 200 and page["Cache-Control"] == "private, no-store"
    html = page.content.decode()
    assert "<svg" in html and 'id="qr-path"' in html and "csrfmiddlewaretoken" in html
    device = TOTPDevice.objects.get(user=office, confirmed=False)
    secret = re.search(r'<code class="secret-text">([A-Z2-7 ]+)</code>', html)
    assert secret is not None and secret.group(1) == two_factor.secret_text(device)
    # Reloading keeps the same secret under the phone that is scanning it.
    client.get(reverse("account_authenticator"))
    assert TOTPDevice.objects.filter(user=office).count() == 1

    wrong = client.post(reverse("account_authenticator"), {"code": "000000"})
    assert wrong.status_code == 400 and "验证码不正确" in wrong.content.decode()
    assert not TOTPDevice.objects.get(user=office).confirmed

    # django-otp's own delay after a failure: the page says to wait, and counts nothing.
    hasty = client.post(reverse("account_authenticator"), {"code": _code(device)})
    assert hasty.status_code == 429 and "输入过快，请1秒后再输入验证码。" in hasty.content.decode()
    time_machine.move_to("2024-09-27 09:00:02 +0800", tick=False)
    right = client.post(reverse("account_authenticator"), {"code": _code(device)})
    assert right.status_code == 302
    assert TOTPDevice.objects.get(user=office).confirmed
    entry = AuditEntry.objects.get(action="auth.otp_enrol")
    assert entry.actor == office and entry.target_id == str(office.pk)


def test_only_office_accounts_enrol(editor: User) -> None:
    assert _signed_in(editor).get(reverse("account_authenticator")).status_code == 403


def test_login_asks_for_the_code_after_the_password(office: User, time_machine: Any) -> None:
    device = _enrol(office)
    time_machine.move_to("2024-09-27 09:01 +0800", tick=False)
    client = Client()
    first = client.post(reverse("login"), {"username": "office", "password": PASSWORD})
    assert first.status_code == 302 and first["Location"] == reverse("login_code")
    assert "_auth_user_id" not in client.session  # not signed in before the code
    assert client.get(reverse("staff:home")).status_code == 302
    page = client.get(reverse("login_code"))
    assert page.status_code == 200 and 'autocomplete="one-time-code"' in page.content.decode()
    wrong = client.post(reverse("login_code"), {"code": "123456"})
    assert wrong.status_code == 400 and "验证码不正确" in wrong.content.decode()
    assert "_auth_user_id" not in client.session
    time_machine.move_to("2024-09-27 09:01:40 +0800", tick=False)  # past django-otp's delay
    right = client.post(reverse("login_code"), {"code": _code(device)})
    assert right.status_code == 302 and right["Location"] == reverse("staff:home")
    assert client.get(reverse("staff:home")).status_code == 200
    failed = AuditEntry.objects.get(action="auth.login_failed")
    assert failed.data["reason"] == "code" and failed.target_id == str(office.pk)
    assert AuditEntry.objects.get(action="auth.login").data["method"] == "password+totp"


def test_a_used_code_cannot_be_replayed(office: User, time_machine: Any) -> None:
    device = _enrol(office)
    time_machine.move_to("2024-09-27 09:05 +0800", tick=False)
    code = _code(device)
    first = Client()
    first.post(reverse("login"), {"username": "office", "password": PASSWORD})
    assert first.post(reverse("login_code"), {"code": code}).status_code == 302
    second = Client()
    second.post(reverse("login"), {"username": "office", "password": PASSWORD})
    assert second.post(reverse("login_code"), {"code": code}).status_code == 400


def test_the_admin_asks_for_the_code_too(time_machine: Any, office_unit: Unit) -> None:
    root = UserFactory(username="root", is_superuser=True, is_staff=True)
    device = _enrol(root)
    time_machine.move_to("2024-09-27 09:02 +0800", tick=False)
    client = Client()
    start = client.get("/admin/")
    assert start["Location"].startswith("/admin/login/")
    assert client.get(start["Location"])["Location"] == f"{reverse('login')}?next=/admin/"
    step = client.post(
        f"{reverse('login')}?next=/admin/",
        {"username": "root", "password": PASSWORD, "next": "/admin/"},
    )
    assert step["Location"] == reverse("login_code")
    assert client.get("/admin/").status_code == 302
    done = client.post(reverse("login_code"), {"code": _code(device)})
    assert done["Location"] == "/admin/"
    assert client.get("/admin/").status_code == 200


def test_wrong_codes_lock_the_account_like_wrong_passwords(office: User, time_machine: Any) -> None:
    device = _enrol(office)
    client = Client()
    client.post(reverse("login"), {"username": "office", "password": PASSWORD})
    for minute in range(1, 6):
        # A minute apart, past django-otp's own growing delay, to reach our lockout.
        time_machine.move_to(f"2024-09-27 09:0{minute} +0800", tick=False)
        response = client.post(reverse("login_code"), {"code": "000000"})
    assert response.status_code == 429
    assert "登录失败次数过多" in response.content.decode()
    # The password step is over: a right code now needs the password again, which is locked.
    assert client.get(reverse("login_code"))["Location"] == reverse("login")
    again = client.post(reverse("login"), {"username": "office", "password": PASSWORD})
    assert again.status_code == 429
    time_machine.move_to("2024-09-27 09:21 +0800", tick=False)
    after = client.post(reverse("login"), {"username": "office", "password": PASSWORD})
    assert after.status_code == 302 and after["Location"] == reverse("login_code")
    assert TOTPDevice.objects.filter(pk=device.pk, confirmed=True).exists()
    assert AuditEntry.objects.filter(action="auth.locked").count() == 1


def test_the_code_step_expires(office: User, time_machine: Any) -> None:
    device = _enrol(office)
    client = Client()
    client.post(reverse("login"), {"username": "office", "password": PASSWORD})
    time_machine.move_to("2024-09-27 09:06 +0800", tick=False)
    late = client.post(reverse("login_code"), {"code": _code(device)})
    assert late.status_code == 302 and late["Location"] == reverse("login")
    assert "_auth_user_id" not in client.session


def test_the_office_removes_a_lost_authenticator_of_someone_it_manages(
    office: User, department: Unit, office_unit: Unit
) -> None:
    # A handler given an authenticator by a superuser's enrolment (the model allows any user).
    handler = UserFactory(username="mzj_handler")
    MembershipFactory(user=handler, unit=department, role=Role.HANDLER)
    TOTPDevice.objects.create(user=handler, name="x", confirmed=True)
    client = _signed_in(office)
    listing = client.get(reverse("account_list")).content.decode()
    assert "移除身份验证器" in listing
    response = client.post(reverse("account_remove_authenticator", args=[handler.pk]))
    assert response.status_code == 302
    assert not TOTPDevice.objects.filter(user=handler).exists()
    entry = AuditEntry.objects.get(action="auth.otp_remove")
    assert entry.actor == office and entry.target_id == str(handler.pk)
    # Not for another office member: only a superuser may.
    colleague = UserFactory(username="office2")
    MembershipFactory(user=colleague, unit=office_unit, role=Role.OFFICE)
    TOTPDevice.objects.create(user=colleague, name="x", confirmed=True)
    refused = client.post(reverse("account_remove_authenticator", args=[colleague.pk]))
    assert refused.status_code == 404
    assert TOTPDevice.objects.filter(user=colleague).exists()


def test_the_owner_removes_their_own_with_a_current_code(office: User, time_machine: Any) -> None:
    device = _enrol(office)
    time_machine.move_to("2024-09-27 09:03 +0800", tick=False)
    client = _signed_in(office)
    page = client.get(reverse("account_authenticator")).content.decode()
    assert "已启用" in page and "<svg" not in page  # the secret is never shown again
    response = client.post(reverse("account_authenticator"), {"code": _code(device)})
    assert response.status_code == 302
    assert two_factor.confirmed_device(office) is None
    assert AuditEntry.objects.get(action="auth.otp_remove").actor == office


def test_the_qr_code_needs_no_image_library(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "PIL", None)  # any import of Pillow would fail
    svg = two_factor.qr_svg(TOTPDevice(name="x", user=User(username="u")))
    assert svg.startswith("<svg") and "otpauth" not in svg
