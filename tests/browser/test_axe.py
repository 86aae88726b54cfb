"""axe-core finds nothing on the pages a visitor goes through, on a phone and a desktop, in the
normal view and in 关怀版 (whose larger type and stronger colours must pass as well)."""

from __future__ import annotations

import pytest

from tests.browser.axe import axe_violations, describe
from tests.browser.conftest import MODES, WIDTHS, Site, TabFactory
from tests.browser.pages import AXE_PAGES, PAGES_BY_ID

pytestmark = pytest.mark.browser


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("page_id", AXE_PAGES)
def test_key_pages_have_no_axe_violations(
    page_id: str, width: int, mode: str, site: Site, tab: TabFactory
) -> None:
    public_page = PAGES_BY_ID[page_id]
    page = tab(width, mode)
    url = public_page.open(page, site)
    if url is None:
        pytest.skip(public_page.missing())
    violations = axe_violations(page)
    if violations:
        pytest.fail(
            f"{page_id} ({url}) at {width}px ({mode}): axe-core found\n" + describe(violations),
            pytrace=False,
        )
