"""No public page breaks the Content-Security-Policy (gongkai.core.csp): the browser refuses
nothing on it, and the print button works from its script file (issue 12)."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest

from tests.browser.conftest import DESKTOP, LARGE_FONT, NORMAL, Site, TabFactory
from tests.browser.pages import PUBLIC_PAGES, PublicPage

if TYPE_CHECKING:
    from playwright.sync_api import ConsoleMessage

pytestmark = pytest.mark.browser


@pytest.mark.parametrize("mode", (NORMAL, LARGE_FONT))
@pytest.mark.parametrize("public_page", PUBLIC_PAGES, ids=lambda page: page.id)
def test_the_browser_refuses_nothing(
    public_page: PublicPage, mode: str, site: Site, tab: TabFactory
) -> None:
    page = tab(DESKTOP, mode)
    refused: list[str] = []

    def listen(message: ConsoleMessage) -> None:
        if "Content Security Policy" in message.text:
            refused.append(message.text)

    page.on("console", listen)
    try:
        url = public_page.open(page, site)
        if url is None:
            pytest.skip(public_page.missing())
        if page.locator("[data-print]").count():
            page.evaluate("window.print = () => { window.printed = true; }")
            page.locator("[data-print]").first.click()
            assert page.evaluate("window.printed === true"), f"{url}: 打印 did nothing"
    finally:
        page.remove_listener("console", listen)
    assert refused == [], f"{url}: " + "\n".join(refused)
