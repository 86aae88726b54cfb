"""Kiosk mode: entering it by a button sets the cookie and signs out; with the cookie every page
has the kiosk chrome (body class, idle seconds, 返回首页, the script), no staff links, and the
login and staff pages are refused; /kiosk/exit/ leaves the mode."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from gongkai.accesspoints.kiosk import KIOSK_COOKIE
from gongkai.accesspoints.models import AccessPoint
from gongkai.orgs.models import Unit, User

pytestmark = pytest.mark.django_db

KIOSK = reverse("accesspoints:kiosk")
START = reverse("accesspoints:kiosk_start")
EXIT = reverse("accesspoints:kiosk_exit")


@pytest.fixture
def terminal(client: Client, county: Unit) -> Client:
    """A browser that entered kiosk mode as the terminal's installer does."""
    response = client.post(START)
    assert response.status_code == 302 and response["Location"] == KIOSK
    return client


def test_the_kiosk_home_has_large_tiles_to_the_public_parts(client: Client, county: Unit) -> None:
    body = client.get(KIOSK).content.decode()
    for name, args in (
        ("portal:disclosure", []),
        ("portal:catalog_index", []),
        ("portal:guide", []),
        ("portal:column", ["interpretation"]),
        ("portal:column", ["on-request"]),
        ("accesspoints:list", []),
    ):
        assert f'href="{reverse(name, args=args)}"' in body
    assert f'action="{reverse("portal:search")}"' in body
    assert 'class="kiosk"' not in body  # no cookie, no kiosk chrome: /kiosk/ is only a page


def test_entering_takes_a_button_and_signs_out(
    client: Client, county: Unit, editor: User, county_zone: AccessPoint
) -> None:
    client.force_login(editor)
    assert client.get(f"{START}?point={county_zone.pk}").status_code == 200
    assert KIOSK_COOKIE not in client.cookies  # a link alone does not switch the mode
    client.post(START, {"point": county_zone.pk})
    cookie = client.cookies[KIOSK_COOKIE]
    assert cookie.value == str(county_zone.pk) and cookie["httponly"]
    assert "_auth_user_id" not in client.session
    assert f"您所在的位置：{county_zone.name}" in client.get(KIOSK).content.decode()


def test_every_page_has_the_kiosk_chrome_and_no_staff_links(
    terminal: Client, settings: Any
) -> None:
    settings.GONGKAI_KIOSK_IDLE_SECONDS = 90
    response = terminal.get(reverse("portal:disclosure"))
    body = response.content.decode()
    assert '<body class="kiosk" data-kiosk-idle="90" data-kiosk-home="/kiosk/">' in body
    assert f'class="kiosk-home" href="{KIOSK}">返回首页</a>' in body
    assert 'src="/static/gongkai/kiosk.js"' in body
    assert "工作人员登录" not in body and reverse("login") not in body
    assert response["Cache-Control"] == "no-store"
    assert "公共查询终端" not in body  # no personal data asked here


def test_the_application_form_warns_on_a_public_terminal(terminal: Client) -> None:
    assert "这是公共查询终端" in terminal.get(reverse("portal:apply")).content.decode()


@pytest.mark.parametrize(
    "path", ["/accounts/login/", "/staff/", "/staff/access-points/", "/admin/"]
)
def test_signing_in_and_the_staff_pages_are_refused(terminal: Client, path: str) -> None:
    response = terminal.get(path)
    assert response.status_code == 403
    assert "触摸屏模式下不能登录" in response.content.decode()
    response = terminal.post(reverse("login"), {"username": "x", "password": "y"})
    assert response.status_code == 403


def test_exit_leaves_the_mode(terminal: Client) -> None:
    assert terminal.get(EXIT).status_code == 200
    response = terminal.post(EXIT)
    assert response.status_code == 302
    assert terminal.cookies[KIOSK_COOKIE].value == ""
    body = terminal.get(reverse("portal:home")).content.decode()
    assert "工作人员登录" in body and 'class="kiosk"' not in body
    assert terminal.get(reverse("login")).status_code == 200


def test_without_the_cookie_nothing_changes(client: Client, county: Unit) -> None:
    response = client.get(reverse("portal:disclosure"))
    assert "工作人员登录" in response.content.decode()
    assert "kiosk.js" not in response.content.decode()
    assert response.get("Cache-Control") != "no-store"
