"""适老化: body text of at least 18 px, and 关怀版 at 1.5 times that, switched on without JavaScript.

The national guidance for government sites asks for larger type for older readers and for the
large-type mode to work in any browser; the switch is a plain link that sets a cookie.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest
from django.urls import reverse

from tests.browser.conftest import LARGE_FONT, NORMAL, VIEWPORTS, WIDTHS, Site, TabFactory

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Page

pytestmark = pytest.mark.browser

BODY_PX = 18.0
LARGE_FONT_PX = 1.5 * BODY_PX

BODY_FONT_SIZE = "() => parseFloat(getComputedStyle(document.body).fontSize)"


def _body_font_px(page: Page) -> float:
    size: float = page.evaluate(BODY_FONT_SIZE)
    return size


def _follow_switch(page: Page, on: bool) -> None:
    """Follow the 关怀版 switch's link as a visitor would (whatever its label), opening a folded
    menu first if the link is in one."""
    link = f"a[href^='{reverse('portal:large_font')}?on={int(on)}']"
    if not page.locator(link).first.is_visible():
        page.locator(f"details:has({link}) > summary").first.click()
    with page.expect_navigation():
        page.locator(link).first.click()


@pytest.mark.parametrize("width", WIDTHS)
def test_body_text_is_at_least_18px(width: int, tab: TabFactory) -> None:
    page = tab(width, NORMAL)
    page.goto("/")
    assert _body_font_px(page) >= BODY_PX, f"body text at {width}px is {_body_font_px(page)}px"


@pytest.mark.parametrize("width", WIDTHS)
def test_large_font_mode_is_one_and_a_half_times_the_body_text(width: int, tab: TabFactory) -> None:
    page = tab(width, LARGE_FONT)
    page.goto("/")
    size = _body_font_px(page)
    assert size >= LARGE_FONT_PX, f"关怀版 body text at {width}px is {size}px"


@pytest.mark.parametrize("width", WIDTHS)
def test_the_large_font_switch_works_without_javascript(
    width: int, browser: Browser, site: Site
) -> None:
    context = browser.new_context(
        base_url=site.url, java_script_enabled=False, locale="zh-CN", **VIEWPORTS[width]
    )
    try:
        page = context.new_page()
        page.goto("/xxgk/")
        _follow_switch(page, on=True)
        assert page.url == f"{site.url}/xxgk/", "the switch did not return to the page"
        size = _body_font_px(page)
        assert size >= LARGE_FONT_PX, f"关怀版 body text at {width}px is {size}px"
        _follow_switch(page, on=False)
        assert page.url == f"{site.url}/xxgk/"
        assert _body_font_px(page) < LARGE_FONT_PX
    finally:
        context.close()
