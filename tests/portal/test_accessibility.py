"""适老化 and accessibility: the 关怀版 switch, skip link, labels, no JavaScript, and the
stylesheet's sizes and colours (body text 18 px, 关怀版 1.5 times that, contrast, touch targets)."""

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
CSS = (Path(__file__).resolve().parents[2] / "gongkai/static/gongkai/site.css").read_text()


def test_large_font_switch_sets_a_cookie_and_returns_to_the_page(client: Client, db: Any) -> None:
    response = client.get(SWITCH, {"on": "1", "next": "/xxgk/?page=2"})
    assert response.status_code == 302
    assert response["Location"] == "/xxgk/?page=2"
    cookie = response.cookies[LARGE_FONT_COOKIE]
    assert cookie.value == "1"
    assert cookie["httponly"] and cookie["samesite"] == "Lax"
    html = client.get(reverse("portal:disclosure")).content.decode()
    assert '<html lang="zh-CN" class="large-font">' in html
    assert '>标准版<span class="visually-hidden">（退出关怀版）</span></a>' in html
    response = client.get(SWITCH, {"on": "0", "next": "/xxgk/"})
    assert response["Location"] == "/xxgk/"
    assert response.cookies[LARGE_FONT_COOKIE].value == ""
    html = client.get(reverse("portal:disclosure")).content.decode()
    assert '<html lang="zh-CN">' in html
    assert '>关怀版<span class="visually-hidden">（大字、高对比度）</span></a>' in html
    assert "标准版" not in html


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
        # No script but the print button's file (the CSP refuses onclick=""; gongkai.core.csp).
        scripts = set(re.findall(r"<script[^>]*>", html))
        assert scripts <= {'<script src="/static/gongkai/print.js" defer>'}, url
        assert len(re.findall(r"<h1[ >]", html)) == 1, url


def test_the_switch_stays_in_view_outside_the_folded_menu(client: Client, db: Any) -> None:
    """On a phone the menu folds away; the 关怀版 switch must not fold with it."""
    html = client.get(reverse("portal:home")).content.decode()
    header = html.split('<header class="site-header">', 1)[1].split("</header>", 1)[0]
    switch = header.index('<p class="care-switch">')
    assert switch < header.index('<details class="nav-menu">')
    assert f'href="{SWITCH}?on=1' in header[switch : header.index("<nav ")]


# ------------------------------------------------------------------------------ the stylesheet


def _rule(selector: str) -> str:
    """The declarations of the first rule whose selector is exactly ``selector``."""
    match = re.search(rf"(?m)^{re.escape(selector)} \{{([^}}]*)\}}", CSS)
    assert match, f"no rule for {selector}"
    return match.group(1)


def _percent(declarations: str) -> float:
    match = re.search(r"font-size: ([\d.]+)%", declarations)
    assert match, declarations
    return float(match.group(1))


def _colours(declarations: str) -> dict[str, str]:
    return dict(re.findall(r"--([a-z-]+): (#[0-9a-f]{3,6})\b", declarations))


def _luminance(colour: str) -> float:
    digits = colour.lstrip("#")
    if len(digits) == 3:
        digits = "".join(c * 2 for c in digits)
    channels = [int(digits[i : i + 2], 16) / 255 for i in (0, 2, 4)]
    linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast(foreground: str, background: str) -> float:
    """The WCAG contrast ratio of two colours."""
    lighter, darker = sorted((_luminance(foreground), _luminance(background)), reverse=True)
    return (lighter + 0.05) / (darker + 0.05)


def test_contrast_helper_matches_known_ratios() -> None:
    assert contrast("#000", "#fff") == pytest.approx(21.0)
    assert contrast("#777777", "#ffffff") == pytest.approx(4.48, abs=0.01)


def test_body_text_is_18px_and_care_version_one_and_a_half_times_that() -> None:
    """1rem is 18 px (112.5% of the browser's 16 px) and 27 px in 关怀版; the body text is 1rem."""
    standard = 16 * _percent(_rule("html")) / 100
    care = 16 * _percent(_rule("html.large-font")) / 100
    assert standard >= 18
    assert care >= 27 and care == pytest.approx(1.5 * standard)
    body = _rule("body")
    assert re.search(r"font: 1rem/(1\.[5-9]|2)", body), body  # line spacing at least 1.5
    line_height = re.search(r"line-height: ([\d.]+)", _rule("html.large-font body"))
    assert line_height and float(line_height.group(1)) >= 1.5
    # No media query shrinks the body text on a phone any more.
    assert not re.search(r"(?<![-.\w])body \{ font-size: 1[0-7]px", CSS)


def test_text_colours_meet_the_contrast_targets() -> None:
    """4.5:1 everywhere in the standard version; 7:1 for the text of 关怀版 (on white and on the
    soft grey of table headers), and white on the header's red."""
    standard = _colours(_rule(":root"))
    care = {**standard, **_colours(_rule("html.large-font body"))}
    for colours, minimum in ((standard, 4.5), (care, 7.0)):
        for name in ("text", "muted", "link", "error"):
            for background in ("#ffffff", colours["bg-soft"]):
                ratio = contrast(colours[name], background)
                assert ratio >= minimum, f"--{name} {colours[name]} on {background}: {ratio:.2f}"
        assert contrast("#ffffff", colours["brand"]) >= minimum
    for name in ("ok", "warn"):
        assert contrast(standard[name], "#ffffff") >= 4.5
        assert contrast(care[name], "#ffffff") >= 4.5


def test_controls_are_44px_touch_targets_with_a_visible_focus() -> None:
    assert "--target: 44px;" in _rule(":root")
    for selector in ("button, .button {", ".pager a {", ".nav a, .nav .link-button {"):
        rule = CSS.split(selector, 1)[1].split("}", 1)[0]
        assert "min-height: var(--target)" in rule, selector
    assert "min-height: var(--target)" in CSS.split("select, textarea {", 1)[1].split("}", 1)[0]
    focus = CSS.split(":focus-visible, input:focus, select:focus, textarea:focus {", 1)[1]
    assert "outline: 3px solid var(--focus)" in focus.split("}", 1)[0]
