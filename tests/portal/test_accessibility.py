"""适老化 and accessibility: the large-font switch, skip link, labels, no JavaScript."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from gongkai.portal.context_processors import LARGE_FONT_COOKIE
from tests.portal.publishing import Publish

pytestmark = pytest.mark.django_db

SWITCH = reverse("portal:large_font")


def test_large_font_switch_sets_a_cookie_and_returns_to_the_page(client: Client, db: Any) -> None:
    response = client.get(SWITCH, {"on": "1", "next": "/xxgk/?page=2"})
    assert response.status_code == 302
    assert response["Location"] == "/xxgk/?page=2"
    cookie = response.cookies[LARGE_FONT_COOKIE]
    assert cookie.value == "1"
    assert cookie["httponly"] and cookie["samesite"] == "Lax"
    html = client.get(reverse("portal:disclosure")).content.decode()
    assert '<html lang="zh-CN" class="large-font">' in html
    assert "标准字号" in html
    response = client.get(SWITCH, {"on": "0", "next": "/xxgk/"})
    assert response["Location"] == "/xxgk/"
    assert response.cookies[LARGE_FONT_COOKIE].value == ""
    html = client.get(reverse("portal:disclosure")).content.decode()
    assert '<html lang="zh-CN">' in html
    assert "大字版" in html


@pytest.mark.parametrize(
    "target",
    [
        "https://evil.example/",
        "//evil.example/",
        "/\\evil.example/",
        "http:/evil.example",
        "javascript:alert(1)",
        "",
        "xxgk/",
    ],
)
def test_large_font_switch_never_sends_people_to_another_site(
    client: Client, db: Any, target: str
) -> None:
    response = client.get(SWITCH, {"on": "1", "next": target})
    assert response.status_code == 302
    assert response["Location"] == reverse("portal:home")


def test_the_switch_links_back_to_the_current_page(client: Client, db: Any) -> None:
    html = client.get(reverse("portal:search"), {"q": "预算"}).content.decode()
    assert f'href="{SWITCH}?on=1&amp;next=/search/%3Fq%3D%25E9%25A2%2584%25E7%25AE%2597"' in html


def test_pages_have_a_skip_link_landmarks_and_no_scripts(
    client: Client, publish: Publish, settings: Any
) -> None:
    item = publish()
    for url in (
        reverse("portal:home"),
        reverse("portal:disclosure"),
        reverse("portal:publication", args=[item.pk]),
        reverse("portal:search") + "?q=低保",
        reverse("portal:normative"),
        reverse("portal:column", args=["notices"]),
    ):
        html = client.get(url).content.decode()
        assert '<a class="skip-link" href="#main">' in html, url
        assert '<main id="main"' in html and '<nav aria-label="主导航">' in html
        assert "<script" not in html, url
        assert len(re.findall(r"<h1[ >]", html)) == 1, url


def test_stylesheet_scales_fonts_and_shows_focus_in_large_font_mode() -> None:
    css = (Path(__file__).resolve().parents[2] / "gongkai/static/gongkai/site.css").read_text()
    assert "html.large-font { font-size: 125%; }" in css
    assert "html.large-font body" in css
    assert ":focus-visible" in css
