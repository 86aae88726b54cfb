"""Staff change their own password; the office resets a staff member's (a temporary password
shown once, a change forced at the next login), only for accounts it manages; staff sessions last
a working day and end with the browser. Each step is audited."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.conf import settings as django_settings
from django.test import Client
from django.urls import reverse

from gongkai.core.errors import AccessDenied
from gongkai.core.models import AuditEntry
from gongkai.orgs import permissions, services
from gongkai.orgs.models import Role, Unit, User
from tests.factories import MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db
PASSWORD = "pass-for-tests-1"
NEW_PASSWORD = "Qinjiang-river-2024"


@pytest.fixture(autouse=True)
def _now(time_machine: Any) -> None:
    time_machine.move_to("2024-09-27 09:00 +0800", tick=False)


def _signed_in(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_staff_change_their_own_password(editor: User) -> None:
    client = _signed_in(editor)
    other_device = _signed_in(editor)
    page = client.get(reverse("password_change"))
    assert page.status_code == 200
    html = page.content.decode()
    assert "修改密码" in html and "csrfmiddlewaretoken" in html and "旧密码" in html
    response = client.post(
        reverse("password_change"),
        {"old_password": PASSWORD, "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )
    assert response.status_code == 302 and response["Location"] == reverse("staff:home")
    editor.refresh_from_db()
    assert editor.check_password(NEW_PASSWORD)
    # This browser stays signed in; the account's other sessions end.
    assert client.get(reverse("staff:home")).status_code == 200
    assert other_device.get(reverse("staff:home")).status_code == 302
    entry = AuditEntry.objects.get(action="auth.password_change")
    assert entry.actor == editor and entry.target_id == str(editor.pk)
    assert NEW_PASSWORD not in entry.summary and NEW_PASSWORD not in str(entry.data)


def test_a_wrong_old_password_or_a_weak_new_one_is_refused_in_chinese(editor: User) -> None:
    client = _signed_in(editor)
    wrong = client.post(
        reverse("password_change"),
        {"old_password": "nope", "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )
    assert wrong.status_code == 400
    assert "你的旧密码不正确" in wrong.content.decode()
    # A wrong old password counts as a failed login (someone at an unlocked screen).
    assert AuditEntry.objects.filter(action="auth.login_failed").count() == 1
    weak = client.post(
        reverse("password_change"),
        {"old_password": PASSWORD, "new_password1": "12345678", "new_password2": "12345678"},
    )
    assert weak.status_code == 400
    editor.refresh_from_db()
    assert editor.check_password(PASSWORD)


def test_the_office_resets_a_password_shown_once_and_the_change_is_forced(
    office: User, editor: User
) -> None:
    office_client = _signed_in(office)
    editor_old_session = _signed_in(editor)
    listing = office_client.get(reverse("account_list"))
    assert listing.status_code == 200
    html = listing.content.decode()
    assert "mzj_editor" in html and "重置密码" in html and "csrfmiddlewaretoken" in html
    response = office_client.post(reverse("account_reset_password", args=[editor.pk]))
    assert response.status_code == 200
    assert response["Cache-Control"] == "private, no-store"
    found = re.search(r'<p class="receipt-code temporary-password">(\w+)</p>', response.text)
    assert found is not None
    temporary = found.group(1)
    assert len(temporary) == 12
    editor.refresh_from_db()
    assert editor.must_change_password and editor.check_password(temporary)
    # The old session ended with the old password.
    assert editor_old_session.get(reverse("staff:home")).status_code == 302
    entry = AuditEntry.objects.get(action="auth.password_reset")
    assert entry.actor == office and entry.target_id == str(editor.pk)
    assert temporary not in entry.summary and temporary not in str(entry.data)

    # The next login works only for changing the password.
    client = Client()
    login = client.post(reverse("login"), {"username": "mzj_editor", "password": temporary})
    assert login.status_code == 302
    blocked = client.get(reverse("staff:home"))
    assert blocked.status_code == 302 and blocked["Location"] == reverse("password_change")
    page = client.get(reverse("password_change"))
    assert "您的密码已由县政务公开办重置" in page.content.decode()
    changed = client.post(
        reverse("password_change"),
        {"old_password": temporary, "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )
    assert changed.status_code == 302
    assert client.get(reverse("staff:home")).status_code == 200
    editor.refresh_from_db()
    assert not editor.must_change_password
    assert AuditEntry.objects.get(action="auth.password_change").data == {"forced": True}


def test_a_reset_lifts_a_lockout(office: User, editor: User) -> None:
    for _ in range(5):
        Client().post(reverse("login"), {"username": "mzj_editor", "password": "wrong"})
    assert (
        Client().post(reverse("login"), {"username": "mzj_editor", "password": PASSWORD})
    ).status_code == 429
    temporary = services.user_password_reset(actor=office, user=editor)
    response = Client().post(reverse("login"), {"username": "mzj_editor", "password": temporary})
    assert response.status_code == 302


def test_only_the_office_resets_and_not_a_colleague_of_the_office(
    office: User, editor: User, reviewer: User, office_unit: Unit
) -> None:
    assert _signed_in(editor).get(reverse("account_list")).status_code == 403
    assert (
        _signed_in(editor).post(reverse("account_reset_password", args=[reviewer.pk]))
    ).status_code == 403
    with pytest.raises(AccessDenied):
        services.user_password_reset(actor=editor, user=reviewer)
    colleague = UserFactory(username="office2")
    MembershipFactory(user=colleague, unit=office_unit, role=Role.OFFICE)
    root = UserFactory(username="root", is_superuser=True, is_staff=True)
    office_client = _signed_in(office)
    for account in (colleague, root, office):
        assert not permissions.can_manage_account_of(office, account)
        url = reverse("account_reset_password", args=[account.pk])
        assert office_client.post(url).status_code == 404
        assert office_client.get(url).status_code == 404
    listing = office_client.get(reverse("account_list")).content.decode()
    assert "office2" not in listing and ">root<" not in listing
    # A superuser may reset an office account.
    assert permissions.can_manage_account_of(root, colleague)
    # Nothing was reset.
    assert not AuditEntry.objects.filter(action="auth.password_reset").exists()


def test_the_reset_asks_first_and_needs_login(office: User, editor: User) -> None:
    url = reverse("account_reset_password", args=[editor.pk])
    confirm = _signed_in(office).get(url)
    assert confirm.status_code == 200 and "确认重置" in confirm.content.decode()
    assert "csrfmiddlewaretoken" in confirm.content.decode()
    editor.refresh_from_db()
    assert editor.check_password(PASSWORD) and not editor.must_change_password
    anonymous = Client().post(url)
    assert anonymous.status_code == 302 and anonymous["Location"].startswith(reverse("login"))


def test_the_account_list_finds_by_name(office: User, editor: User, reviewer: User) -> None:
    editor.full_name = "王信息"
    editor.save()
    html = _signed_in(office).get(reverse("account_list"), {"q": "王信"}).content.decode()
    assert "mzj_editor" in html and "mzj_reviewer" not in html


def test_staff_sessions_last_a_working_day_and_end_with_the_browser(editor: User) -> None:
    assert django_settings.SESSION_COOKIE_AGE == 9 * 60 * 60
    assert django_settings.SESSION_EXPIRE_AT_BROWSER_CLOSE is True
    client = Client()
    client.post(reverse("login"), {"username": "mzj_editor", "password": PASSWORD})
    cookie = client.cookies[django_settings.SESSION_COOKIE_NAME]
    assert cookie["max-age"] == "" and cookie["expires"] == ""  # a browser-session cookie
    assert client.session.get_expiry_age() == 9 * 60 * 60


def test_a_session_ends_after_nine_hours(editor: User, time_machine: Any) -> None:
    client = Client()
    client.post(reverse("login"), {"username": "mzj_editor", "password": PASSWORD})
    time_machine.move_to("2024-09-27 17:59 +0800", tick=False)
    assert client.get(reverse("staff:home")).status_code == 200
    time_machine.move_to("2024-09-27 18:01 +0800", tick=False)
    assert client.get(reverse("staff:home")).status_code == 302


def test_my_account_page_offers_what_the_role_may_do(office: User, editor: User) -> None:
    mine = _signed_in(editor).get(reverse("account_home")).content.decode()
    assert "修改密码" in mine and "身份验证器" not in mine and "工作人员账号" not in mine
    theirs = _signed_in(office).get(reverse("account_home")).content.decode()
    assert "启用身份验证器" in theirs and "工作人员账号" in theirs
