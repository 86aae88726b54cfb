"""Repeated failed logins lock the account (5 in 15 minutes, for 15 minutes) and the address (30),
on /accounts/login/ and through /admin/ alike; the lockout says when to try again without telling
whether the username exists, ends by itself, and every failure, lockout and login is audited."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from gongkai.core.models import AuditEntry
from gongkai.orgs import logins, throttle
from gongkai.orgs.models import Attempt, User
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db
PASSWORD = "pass-for-tests-1"


@pytest.fixture(autouse=True)
def _now(time_machine: Any) -> None:
    time_machine.move_to("2024-09-27 09:00 +0800", tick=False)


def _login(client: Client, username: str, password: str, **extra: Any) -> Any:
    return client.post(reverse("login"), {"username": username, "password": password}, **extra)


def _fail(client: Client, username: str, times: int, **extra: Any) -> Any:
    response = None
    for _ in range(times):
        response = _login(client, username, "wrong-password", **extra)
    return response


def test_five_failures_lock_the_account_and_even_the_right_password_waits(
    client: Client, editor: User
) -> None:
    for _ in range(4):
        wrong = _login(client, "mzj_editor", "wrong-password")
        assert wrong.status_code == 200
        assert "用户名或密码不正确，请重新输入。" in wrong.content.decode()
    fifth = _login(client, "mzj_editor", "wrong-password")
    assert fifth.status_code == 429
    html = fifth.content.decode()
    assert "登录失败次数过多" in html and "请于09:15后再试" in html
    refused = _login(client, "mzj_editor", PASSWORD)
    assert refused.status_code == 429 and "_auth_user_id" not in client.session
    # Other accounts from the same address still log in.
    UserFactory(username="someone")
    assert _login(Client(), "someone", PASSWORD).status_code == 302


def test_the_lockout_ends_after_fifteen_minutes(
    client: Client, editor: User, time_machine: Any
) -> None:
    _fail(client, "mzj_editor", 5)
    time_machine.move_to("2024-09-27 09:14:30 +0800", tick=False)
    assert _login(client, "mzj_editor", PASSWORD).status_code == 429
    time_machine.move_to("2024-09-27 09:15:01 +0800", tick=False)
    response = _login(client, "mzj_editor", PASSWORD)
    assert response.status_code == 302 and response["Location"] == reverse("staff:home")


def test_failures_before_a_lockout_do_not_count_again_after_it(
    client: Client, editor: User, time_machine: Any
) -> None:
    _fail(client, "mzj_editor", 5)
    time_machine.move_to("2024-09-27 09:16 +0800", tick=False)
    # One more mistake after the lockout is one failure, not the sixth of five.
    assert _fail(client, "mzj_editor", 1).status_code == 200
    assert _login(client, "mzj_editor", PASSWORD).status_code == 302


def test_a_good_login_forgets_earlier_failures(client: Client, editor: User) -> None:
    _fail(client, "mzj_editor", 4)
    assert _login(client, "mzj_editor", PASSWORD).status_code == 302
    other = Client()
    assert _fail(other, "mzj_editor", 4).status_code == 200  # four more, still not locked


def test_an_unknown_username_locks_out_alike(client: Client, editor: User) -> None:
    """The lockout never tells which usernames exist: the same sentence, the same status."""
    known = _fail(Client(), "mzj_editor", 5).content.decode()
    unknown = _fail(client, "no-such-user", 5)
    assert unknown.status_code == 429
    assert "登录失败次数过多" in unknown.content.decode()
    strip = [(line.strip()) for line in known.splitlines() if "登录失败次数过多" in line]
    assert strip and strip == [
        line.strip() for line in unknown.content.decode().splitlines() if "登录失败次数过多" in line
    ]


def test_the_admin_login_goes_through_our_login(client: Client, editor: User) -> None:
    page = client.get("/admin/login/?next=/admin/orgs/unit/")
    assert page.status_code == 302
    assert page["Location"] == f"{reverse('login')}?next=/admin/orgs/unit/"
    assert client.get("/admin/")["Location"].startswith("/admin/login/")
    # Posting the admin's own form logs nobody in and counts towards nothing on its own.
    posted = client.post("/admin/login/", {"username": "mzj_editor", "password": PASSWORD})
    assert posted.status_code == 302 and "_auth_user_id" not in client.session
    # Failures through the admin's way in lock the account as on ours.
    for _ in range(5):
        client.post(
            f"{reverse('login')}?next=/admin/",
            {"username": "mzj_editor", "password": "wrong", "next": "/admin/"},
        )
    assert _login(client, "mzj_editor", PASSWORD).status_code == 429


def test_an_admin_logs_in_to_the_admin_through_our_page(client: Client) -> None:
    admin = UserFactory(username="root", is_staff=True, is_superuser=True)
    response = client.post(
        reverse("login"), {"username": "root", "password": PASSWORD, "next": "/admin/"}
    )
    assert response.status_code == 302 and response["Location"] == "/admin/"
    assert client.get("/admin/").status_code == 200
    assert AuditEntry.objects.filter(action="auth.login", target_id=str(admin.pk)).exists()
    # The admin's own password change is ours too (audited, counted).
    assert client.get("/admin/password_change/")["Location"] == reverse("password_change")


def test_one_address_trying_many_usernames_is_locked_out(
    client: Client, editor: User, settings: Any
) -> None:
    settings.GONGKAI_THROTTLE_LIMITS = {"login.address": 6}
    for number in range(6):
        response = _login(client, f"guess{number}", "wrong")
    assert response.status_code == 429
    # The right password from that address waits too; another address is not affected.
    assert _login(client, "mzj_editor", PASSWORD).status_code == 429
    elsewhere = _login(Client(REMOTE_ADDR="198.51.100.7"), "mzj_editor", PASSWORD)
    assert elsewhere.status_code == 302
    locked = AuditEntry.objects.filter(action="auth.locked")
    assert [e.data["scope"] for e in locked] == ["address"]
    assert locked.get().target_type == "" and "127.0.0.1" in locked.get().summary


def test_the_address_default_is_thirty_failures() -> None:
    assert logins.ADDRESS_FAILURES.effective_limit == 30
    assert logins.USER_FAILURES.effective_limit == 5


def test_a_forwarded_address_counts_only_behind_a_trusted_proxy(
    editor: User, settings: Any
) -> None:
    settings.GONGKAI_THROTTLE_LIMITS = {"login.address": 3}
    # From the trusted proxy (nginx on this machine): the forwarded address is counted.
    proxy = Client(REMOTE_ADDR="127.0.0.1")
    _fail(proxy, "a", 3, HTTP_X_FORWARDED_FOR="203.0.113.5")
    assert _login(proxy, "b", "x", HTTP_X_FORWARDED_FOR="203.0.113.5").status_code == 429
    assert _login(proxy, "b", "x", HTTP_X_FORWARDED_FOR="203.0.113.6").status_code == 200
    # A client writing the header itself gets counted by its own address, whatever it writes.
    direct = Client(REMOTE_ADDR="198.51.100.20")
    for number in range(3):
        _login(direct, f"c{number}", "x", HTTP_X_FORWARDED_FOR=f"192.0.2.{number}")
    assert _login(direct, "d", "x", HTTP_X_FORWARDED_FOR="192.0.2.99").status_code == 429


def test_failures_lockouts_and_logins_are_audited(client: Client, editor: User) -> None:
    _fail(client, "mzj_editor", 5)
    _fail(client, "nobody-here", 1)
    failed = AuditEntry.objects.filter(action="auth.login_failed").order_by("id")
    assert failed.count() == 6
    first = failed.first()
    assert first is not None
    assert first.actor is None and first.target_id == str(editor.pk)
    assert first.data == {"username": "mzj_editor", "address": "127.0.0.1", "reason": "password"}
    assert "登录失败" in first.summary and "wrong-password" not in str(first.data)
    unknown = failed.last()
    assert unknown is not None and unknown.target_id == "" and unknown.target_type == ""
    locked = AuditEntry.objects.get(action="auth.locked")
    assert locked.target_id == str(editor.pk) and "锁定至09:15" in locked.summary

    _login(Client(), "mzj_editor", PASSWORD)  # during the lockout: refused, not a new failure
    assert AuditEntry.objects.filter(action="auth.login_failed").count() == 6

    UserFactory(username="fine")
    _login(Client(), "fine", PASSWORD)
    ok = AuditEntry.objects.get(action="auth.login")
    assert ok.actor is not None and ok.actor.username == "fine"
    assert ok.data == {"address": "127.0.0.1", "method": "password"}


def test_attempts_are_stored_hashed_and_pruned_by_age(
    client: Client, editor: User, time_machine: Any
) -> None:
    _fail(client, "mzj_editor", 2)
    keys = set(Attempt.objects.values_list("key", flat=True))
    assert "mzj_editor" not in keys and "127.0.0.1" not in keys
    assert throttle.key_for("mzj_editor") in keys
    time_machine.move_to("2024-09-30 09:00 +0800", tick=False)  # past throttle.KEEP
    _fail(client, "someone-else", 1)
    assert Attempt.objects.filter(key=throttle.key_for("mzj_editor")).count() == 0
    assert Attempt.objects.count() == 2  # the new failure: its username and its address


def test_the_login_page_keeps_its_form_and_csrf(client: Client) -> None:
    html = client.get(reverse("login")).content.decode()
    assert "csrfmiddlewaretoken" in html and "连续输错密码5次" in html


def test_a_throttle_scope_too_long_for_its_column_is_refused_when_the_rule_is_made() -> None:
    """PostgreSQL refuses a scope longer than the column at the first event, SQLite stores it:
    found when a 34-character scope passed every SQLite test and failed on PostgreSQL."""
    import datetime as dt

    from gongkai.orgs import throttle

    with pytest.raises(ValueError, match="longer than 27"):
        throttle.Rule("participation.comment.consultation", limit=3, window=dt.timedelta(days=1))
    assert throttle.Rule("comment.consultation", limit=3, window=dt.timedelta(days=1)).limit == 3
