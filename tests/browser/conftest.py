"""Browser tests: Playwright drives Debian's chromium through the demo county on a live server.

They are off by default, so `make test` on a developer's machine needs no browser:
``GONGKAI_BROWSER_TESTS=1`` turns them on (``.ci/run`` does, after installing chromium and
fonts-wqy-zenhei from Debian's packages). When they are on, a missing chromium, Chinese font or
playwright package fails them rather than skipping them, so CI cannot pass without running them.

The demo county is loaded once for the package and served by Django's ``LiveServerThread`` (the
server behind pytest-django's ``live_server``). That fixture itself is not used: it makes every
test transactional, and the flush after each test would mean loading the demo a hundred times.
The tests only read, so they share one committed load, flushed once at the end like tests/demo.
"""

from __future__ import annotations

import importlib.util
import os
import shutil
import subprocess
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from io import StringIO
from typing import TYPE_CHECKING, Any

import pytest
import time_machine
from django.contrib.staticfiles.handlers import StaticFilesHandler
from django.core.management import call_command
from django.db import DEFAULT_DB_ALIAS, connection
from django.db.models import Count
from django.test.testcases import LiveServerThread
from django.test.utils import setup_databases, teardown_databases
from django.utils import timezone

from gongkai.applications import letters
from gongkai.applications import services as application_services
from gongkai.applications.models import Application
from gongkai.catalog import selectors as catalog_selectors
from gongkai.portal.context_processors import LARGE_FONT_COOKIE
from gongkai.publications import search
from gongkai.publications import selectors as publication_selectors
from tests.browser.pages import TRACKING_CODE
from tests.conftest import restore_reference_data
from tests.demo.conftest import DEMO_TODAY

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Page

ENABLED = os.environ.get("GONGKAI_BROWSER_TESTS", "") == "1"
CHROMIUM = os.environ.get("GONGKAI_CHROMIUM", "/usr/bin/chromium")

PHONE, DESKTOP = 390, 1366
WIDTHS = (PHONE, DESKTOP)
NORMAL, LARGE_FONT = "normal", "large-font"  # large-font: 关怀版
MODES = (NORMAL, LARGE_FONT)

# A phone (the size of the common 6.1-inch ones) and the most common desktop screen: the phone
# honours the page's viewport meta tag and has touch, as a real one does.
VIEWPORTS: dict[int, dict[str, Any]] = {
    PHONE: {
        "viewport": {"width": 390, "height": 844},
        "is_mobile": True,
        "has_touch": True,
        "device_scale_factor": 3,
    },
    DESKTOP: {"viewport": {"width": 1366, "height": 768}},
}


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Skip the browser tests unless GONGKAI_BROWSER_TESTS=1 asks for them."""
    if ENABLED:
        return
    skip = pytest.mark.skip(reason="browser tests are off: set GONGKAI_BROWSER_TESTS=1 to run them")
    for item in items:
        if item.get_closest_marker("browser"):
            item.add_marker(skip)


@dataclass(frozen=True)
class Site:
    """The live demo site and the demo rows its representative pages show."""

    url: str
    unit: str  # a unit with a public catalog
    domain: str  # the domain of the catalog item below
    catalog_item: int  # the public catalog item with the most information filed under it
    publication: int  # seed 002 (宝政〔2020〕58号), with its real metadata
    year: int  # the latest year with published information
    tracking_no: str  # a delivered application with its reply letter, query code TRACKING_CODE


def _representative_rows() -> dict[str, Any]:
    item = (
        catalog_selectors.public_items()
        .select_related("catalog__unit", "domain")
        .annotate(filed=Count("publications"))
        .order_by("-filed", "pk")
        .first()
    )
    assert item is not None, "the demo has no public catalog item"
    published = publication_selectors.public_publications()
    seed = published.filter(doc_number="宝政〔2020〕58号").first() or published.first()
    assert seed is not None, "the demo has no published information"
    latest = published.first()
    assert latest is not None and latest.published_at is not None
    delivered = next(
        application
        for application in Application.objects.exclude(delivered_on=None).order_by("pk")
        if letters.delivered_letter(application) is not None
    )
    # The demo keeps no query code (only its digest): give this one a code the tests know.
    Application.objects.filter(pk=delivered.pk).update(
        query_code_digest=application_services._query_digest(TRACKING_CODE)
    )
    return {
        "unit": item.catalog.unit.code,
        "domain": item.domain.code,
        "catalog_item": item.pk,
        "publication": seed.pk,
        "year": timezone.localtime(latest.published_at).year,
        "tracking_no": delivered.tracking_no,
    }


@pytest.fixture(scope="package")
def test_database(django_db_setup: Any, django_db_blocker: Any) -> Iterator[None]:
    """The test database, also in a session of browser tests alone.

    pytest-django creates only the databases that the session's tests ask for through the
    ``django_db`` mark or the ``db`` fixtures. The browser tests can use neither (a transaction
    per test on this thread would run beside Playwright's event loop, which Django refuses), so
    run alone they would otherwise find the development database: then this creates and
    destroys the test database itself.
    """
    # When another test of the session asked for it, the connection already names it.
    made_here = connection.settings_dict["NAME"] != connection.creation._get_test_db_name()
    if made_here:
        with django_db_blocker.unblock():
            databases = setup_databases(verbosity=0, interactive=False, aliases={DEFAULT_DB_ALIAS})
    try:
        yield
    finally:
        if made_here:
            with django_db_blocker.unblock():
                teardown_databases(databases, verbosity=0)


@pytest.fixture(scope="package")
def site(browser_ready: None, test_database: None, django_db_blocker: Any) -> Iterator[Site]:
    """Load the demo county once, serve it on a free port, and flush it all afterwards.

    The database stays unblocked for the whole package because the server's threads use it
    while the tests run. The clock starts at tests/demo's day, so that the pages do not depend
    on the day the suite runs.
    """
    traveller = time_machine.travel(DEMO_TODAY, tick=True)
    traveller.start()
    django_db_blocker.unblock()
    server: LiveServerThread | None = None
    try:
        # A transactional test earlier in the run flushes the database after itself, rows of
        # data migrations included: put them back (get_or_create) before the demo needs them.
        restore_reference_data()
        call_command("demo", stdout=StringIO())
        rows = _representative_rows()
        server = LiveServerThread("127.0.0.1", StaticFilesHandler, connections_override={})
        server.daemon = True
        server.start()
        server.is_ready.wait()
        if server.error:
            raise server.error
        yield Site(url=f"http://127.0.0.1:{server.port}", **rows)
    finally:
        if server is not None:
            server.terminate()
        call_command("flush", interactive=False, verbosity=0)
        search.clear()  # no model's table, so the flush leaves it
        restore_reference_data()
        django_db_blocker.restore()
        traveller.stop()


def _has_chinese_font() -> bool:
    fc_list = shutil.which("fc-list")
    if fc_list is None:
        return False
    fonts = subprocess.run(  # noqa: S603 - fontconfig's own lister, fixed arguments
        [fc_list, ":lang=zh", "family"], capture_output=True, text=True, check=False
    )
    return bool(fonts.stdout.strip())


@pytest.fixture(scope="package")
def browser_ready() -> None:
    """Fail, not skip, when the browser tests are on but cannot run: checked before the demo
    loads, so a machine without chromium fails in a second."""
    if not (os.path.isfile(CHROMIUM) and os.access(CHROMIUM, os.X_OK)):
        pytest.fail(
            f"GONGKAI_BROWSER_TESTS=1 but there is no chromium at {CHROMIUM}: "
            "apt-get install chromium fonts-wqy-zenhei (.ci/run does), or set GONGKAI_CHROMIUM"
        )
    if not _has_chinese_font():
        pytest.fail(
            "GONGKAI_BROWSER_TESTS=1 but no Chinese font is installed, so widths would be "
            "measured on empty boxes: apt-get install fonts-wqy-zenhei (.ci/run does)"
        )
    if importlib.util.find_spec("playwright") is None:
        pytest.fail("GONGKAI_BROWSER_TESTS=1 but playwright is not installed: run make install")


@pytest.fixture(scope="package")
def browser(site: Site) -> Iterator[Browser]:
    """Debian's chromium under Playwright; never a browser Playwright downloads.

    Depends on ``site`` so that the demo is loaded (and flushed) outside Playwright's lifetime:
    its sync API keeps an event loop on this thread, and Django refuses ORM calls beside one.
    """
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM)
        try:
            yield chromium
        finally:
            chromium.close()


TabFactory = Callable[[int, str], "Page"]


@pytest.fixture(scope="package")
def tab(browser: Browser, site: Site) -> Iterator[TabFactory]:
    """One browser tab per width and mode, shared by the package's tests.

    The 关怀版 tabs turn the mode on as a visitor does, through the switch's link, so the cookie
    is the one the site sets.
    """
    tabs: dict[tuple[int, str], Page] = {}

    def open_tab(width: int, mode: str) -> Page:
        if (width, mode) not in tabs:
            context = browser.new_context(
                base_url=site.url,
                locale="zh-CN",
                timezone_id="Asia/Shanghai",
                **VIEWPORTS[width],
            )
            page = context.new_page()
            if mode == LARGE_FONT:
                page.goto("/a11y/large-font/?on=1&next=/")
                cookies = {cookie["name"]: cookie["value"] for cookie in context.cookies()}
                assert cookies.get(LARGE_FONT_COOKIE) == "1", "the 关怀版 switch set no cookie"
            tabs[width, mode] = page
        return tabs[width, mode]

    yield open_tab
    for page in tabs.values():
        page.context.close()
