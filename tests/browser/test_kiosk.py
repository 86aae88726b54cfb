"""Kiosk mode in a real browser (gongkai/static/gongkai/kiosk.js): after the idle seconds a
terminal clears what the visitor typed and returns to /kiosk/; its targets are at least 64 px.

The idle time is shortened through the settings, which the live server's thread shares.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

import pytest
from django.urls import reverse

from tests.browser.axe import axe_violations, describe
from tests.browser.conftest import DESKTOP, PHONE, VIEWPORTS, Site

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Page

pytestmark = pytest.mark.browser

IDLE_SECONDS = 5


@pytest.fixture
def terminal(browser: Browser, site: Site, settings: Any) -> Iterator[Page]:
    """A tab that entered kiosk mode through /kiosk/start/'s button, with a short idle time."""
    settings.GONGKAI_KIOSK_IDLE_SECONDS = IDLE_SECONDS
    context = browser.new_context(base_url=site.url, locale="zh-CN", **VIEWPORTS[DESKTOP])
    page = context.new_page()
    page.goto(reverse("accesspoints:kiosk_start"))
    with page.expect_navigation():
        page.locator("main button[type='submit']").click()
    assert page.url == site.url + reverse("accesspoints:kiosk")
    try:
        yield page
    finally:
        context.close()


def test_an_idle_terminal_returns_to_the_kiosk_home(terminal: Page, site: Site) -> None:
    home = site.url + reverse("accesspoints:kiosk")
    terminal.goto(reverse("portal:apply"))
    field = terminal.locator("main textarea, main input[type='text']").first
    field.fill("一位访客填写的内容")
    started = time.monotonic()
    terminal.wait_for_url(home, timeout=(IDLE_SECONDS + 10) * 1000)
    assert time.monotonic() - started >= IDLE_SECONDS - 1, "went home before the idle time"


def test_the_idle_terminal_clears_the_form_on_the_kiosk_home(terminal: Page) -> None:
    box = terminal.locator("#kiosk-q")
    box.fill("社会救助")
    terminal.wait_for_function(
        "() => document.querySelector('#kiosk-q').value === ''",
        timeout=(IDLE_SECONDS + 10) * 1000,
    )


@pytest.mark.parametrize("width", [PHONE, DESKTOP])
def test_the_kiosks_targets_are_at_least_64px(
    browser: Browser, site: Site, settings: Any, width: int
) -> None:
    context = browser.new_context(base_url=site.url, locale="zh-CN", **VIEWPORTS[width])
    try:
        page = context.new_page()
        page.goto(reverse("accesspoints:kiosk_start"))
        with page.expect_navigation():
            page.locator("main button[type='submit']").click()
        small = page.evaluate(
            """() => [...document.querySelectorAll('.kiosk-tiles a, .kiosk-home, .kiosk-search button,'
                + ' .kiosk-search input, .nav-menu > summary, .nav a, .care-switch a')]
              .filter((el) => el.checkVisibility() && el.getBoundingClientRect().height < 64)
              .map((el) => el.className || el.tagName)"""
        )
        assert small == [], f"targets under 64 px at {width}px: {small}"
        assert page.locator("a[href='/accounts/login/']").count() == 0
    finally:
        context.close()


@pytest.mark.parametrize("path", ["/kiosk/", "/xxgk/access-points/", "/apply/", "/accounts/login/"])
def test_kiosk_pages_have_no_axe_violations(terminal: Page, path: str) -> None:
    """The kiosk chrome (the fixed 返回首页 bar, the warning, the refusal page) passes too."""
    terminal.goto(path)
    violations = axe_violations(terminal)
    assert not violations, f"{path} in kiosk mode: axe-core found\n" + describe(violations)
