"""The public pages the browser tests visit, named by URL name so they follow the URL map.

A page whose URL name is not defined (yet) is skipped with the reason, so the pages that issue
11's parts add (指南, 联系我们, 网站地图, 找错) are checked from the moment they exist.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.db import connection
from django.urls import NoReverseMatch, Resolver404, resolve, reverse

from gongkai.interaction import selectors as interaction
from gongkai.participation import selectors as participation
from gongkai.publications.models import FiveClass

if TYPE_CHECKING:
    from playwright.sync_api import Page

    from tests.browser.conftest import Site

# The standard structure of the disclosure column is data of the schema (migration 0002).
STANDARD_COLUMNS: list[str] = [
    code
    for code, *_rest in importlib.import_module(
        "gongkai.publications.migrations.0002_standard_topics_and_columns"
    ).COLUMNS
]

SEARCH_QUERY = "社会救助"
# The query code the browser tests give one delivered demo application (tests/browser/conftest.py).
TRACKING_CODE = "GKTEST78"


def _no_args(site: Site) -> tuple[Any, ...]:
    return ()


@dataclass(frozen=True)
class PublicPage:
    """A public page: the URL names (or paths) that may serve it, and what it should answer."""

    id: str
    names: tuple[str, ...] = ()
    args: Callable[[Site], tuple[Any, ...]] = _no_args
    query: str = ""
    paths: tuple[str, ...] = field(default=())
    status: int = 200
    # A page reached by a form (the tracking page's answer): the fields to fill, then submit.
    form: Callable[[Site], dict[str, str]] | None = None

    def url(self, site: Site) -> str | None:
        """The page's path and query, or None when none of its names or paths exists yet."""
        for name in self.names:
            try:
                return reverse(name, args=self.args(site)) + self.query
            except NoReverseMatch:
                continue
        for path in self.paths:
            if self.status == 404:
                return path
            try:
                resolve(path)
            except Resolver404:
                continue
            return path + self.query
        return None

    def missing(self) -> str:
        """Why the page is skipped: none of its names or paths exists yet."""
        return f"{self.id}: no URL named {' or '.join(self.names + self.paths)} yet"

    def open(self, page: Page, site: Site) -> str | None:
        """Open the page in the tab as a visitor would; None when it does not exist yet.

        Fails when the page answers with another status than expected.
        """
        url = self.url(site)
        if url is None:
            return None
        response = page.goto(url)
        if self.form is not None:
            fields = self.form(site)
            for name, value in fields.items():
                page.locator(f"main [name='{name}']").fill(value)
            submit = page.locator(f"main form:has([name='{next(iter(fields))}']) [type='submit']")
            with page.expect_navigation() as navigation:
                submit.click()
            response = navigation.value
        assert response is not None, f"{url} gave no response"
        assert response.status == self.status, (
            f"{url} answered {response.status}, not {self.status}"
        )
        return url


def _in_thread(read: Callable[[], int]) -> int:
    """Run a database read outside Playwright's event loop (Django refuses queries in an async
    context), on a thread of its own that closes its connection afterwards."""

    def run() -> int:
        try:
            return read()
        finally:
            connection.close()

    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(run).result()


def _consultation(phase: str) -> int:
    """The demo's first public consultation in ``phase`` (the site's database is open)."""
    return _in_thread(lambda: participation.consultation_rows()[phase][0].consultation.pk)


def _decision_year() -> int:
    return _in_thread(lambda: participation.decision_years()[0])


def _published_message() -> int:
    """The demo's newest published message (issue 13: gongkai.demo.interaction answers one)."""
    return _in_thread(lambda: interaction.published_messages().values_list("pk", flat=True)[0])


def _published_guide() -> int:
    """The demo's published guide with the most materials (B: 办事服务, issue 14)."""
    from django.db.models import Count

    from gongkai.serviceguides.models import ServiceItem

    return _in_thread(
        lambda: (
            ServiceItem.objects.published()
            .annotate(n=Count("materials"))
            .order_by("-n", "pk")
            .values_list("pk", flat=True)[0]
        )
    )


def _page(page_id: str, name: str, **kwargs: Any) -> PublicPage:
    return PublicPage(id=page_id, names=(name,), **kwargs)


PUBLIC_PAGES: list[PublicPage] = [
    _page("home", "portal:home"),
    _page("xxgk", "portal:disclosure"),
    *[
        _page(f"column-{code}", "portal:column", args=lambda site, code=code: (code,))
        for code in STANDARD_COLUMNS
    ],
    _page("unit", "portal:browse_unit", args=lambda site: (site.unit,)),
    _page("domain", "portal:browse_domain", args=lambda site: (site.domain,)),
    _page("five", "portal:browse_five", args=lambda site: (FiveClass.DECISION.value,)),
    _page("year", "portal:browse_year", args=lambda site: (site.year,)),
    _page("units", "portal:unit_directory"),
    _page("normative", "portal:normative"),
    _page("publication", "portal:publication", args=lambda site: (site.publication,)),
    _page("catalog", "portal:catalog_index"),
    _page("catalog-units", "portal:catalog_units"),
    _page("catalog-unit", "portal:catalog_unit", args=lambda site: (site.unit,)),
    _page("catalog-domain", "portal:catalog_domain", args=lambda site: (site.domain,)),
    _page(
        "catalog-domain-unit",
        "portal:catalog_domain_unit",
        args=lambda site: (site.domain, site.unit),
    ),
    _page("catalog-item", "portal:catalog_item", args=lambda site: (site.catalog_item,)),
    _page("search", "portal:search", query=f"?q={SEARCH_QUERY}"),
    _page("apply", "portal:apply"),
    _page("apply-track", "portal:apply_track"),
    _page(
        "apply-status",
        "portal:apply_track",
        form=lambda site: {"tracking_no": site.tracking_no, "code": TRACKING_CODE},
    ),
    _page("login", "login"),
    _page("api-docs", "api:docs"),
    PublicPage(id="404", paths=("/xxgk/column/no-such-column/",), status=404),
    # Pages other parts of issue 11 add: skipped while their URL names are not defined.
    _page("guide", "portal:guide"),
    _page("unit-guide", "portal:guide_unit", args=lambda site: (site.unit,)),
    _page("contact", "portal:contact"),
    _page("sitemap", "portal:sitemap"),
    _page("jiucuo", "portal:jiucuo"),
    # Public participation (issue 13): the column, an open consultation with its form, one with
    # its published feedback, this year's decisions catalog and a meeting.
    _page("participation", "participation:index"),
    _page(
        "consultation-open",
        "participation:consultation",
        args=lambda site: (_consultation("open"),),
    ),
    _page(
        "consultation-feedback",
        "participation:consultation",
        args=lambda site: (_consultation("feedback"),),
    ),
    _page("decisions", "participation:decisions", args=lambda site: (_decision_year(),)),
    _page("meetings", "participation:meetings"),
    _page("push", "push:subscribe"),  # 政策找人 (issue 13)
    # Messages (政民互动, issue 13): the boxes, writing, tracking, the published answers.
    _page("hudong", "interaction:index"),
    _page("hudong-write", "interaction:write", args=lambda site: ("consult",)),
    _page("hudong-track", "interaction:track"),
    _page("hudong-list", "interaction:published_list"),
    _page(
        "hudong-detail",
        "interaction:published_detail",
        args=lambda site: (_published_message(),),
    ),
    # C: public enterprises (issue 14): the list, their column, one of them (the demo's
    # 县人民医院) and its supervising department's page with the enterprises it supervises.
    _page("enterprises", "portal:enterprises"),
    _page("column-enterprises", "portal:column", args=lambda site: ("enterprises",)),
    _page("enterprise-unit", "portal:browse_unit", args=lambda site: ("RMYY",)),
    _page("enterprise-supervisor", "portal:browse_unit", args=lambda site: ("WJW",)),
    # D: topic pages (专题专栏, issue 14): the list, the demo topic with sections, 检索 in it.
    _page("topics", "portal:topics"),
    _page("topic", "portal:topic", args=lambda site: ("jiceng-zhengwu-gongkai",)),
    _page(
        "topic-search",
        "portal:topic",
        args=lambda site: ("yingshang",),
        query="?q=%E8%90%A5%E5%95%86",  # 营商
    ),
    # E: access points (issue 14): the list, one kind of it, the kiosk home (without the cookie).
    _page("access-points", "accesspoints:list"),
    _page("access-points-village", "accesspoints:list", query="?kind=village"),
    _page("kiosk", "accesspoints:kiosk"),
    # B: 办事服务 (issue 14): the index, a life event, a search, a guide, its 一次告知, the web
    # 办事一本通 by life event.
    _page("banshi", "banshi:index"),
    _page("banshi-event", "banshi:index", query="?event=birth"),
    _page("banshi-search", "banshi:index", query="?q=%E7%99%BB%E8%AE%B0"),  # 登记
    _page("banshi-guide", "banshi:guide", args=lambda site: (_published_guide(),)),
    _page("banshi-notice", "banshi:notice", args=lambda site: (_published_guide(),)),
    _page("banshi-handbook", "banshi:handbook", query="?group=life-event"),
]

# The pages axe-core checks: one of each kind a visitor goes through, and the pages every
# government site must carry.
AXE_PAGES: list[str] = [
    "home",
    "xxgk",
    "column-notices",
    "publication",
    "search",
    "catalog-unit",
    "apply",
    "apply-track",
    "apply-status",
    "guide",
    "unit-guide",
    "contact",
    "sitemap",
    "jiucuo",
    "participation",
    "consultation-open",
    "consultation-feedback",
    "decisions",
    "push",
    "hudong",
    "hudong-write",
    "hudong-detail",
    "enterprises",  # C (issue 14)
    "topics",  # D (issue 14)
    "topic",  # D (issue 14)
    "access-points",  # E (issue 14)
    "kiosk",  # E (issue 14)
    "banshi",  # B (issue 14)
    "banshi-guide",  # B (issue 14)
    "banshi-notice",  # B (issue 14)
    "banshi-handbook",  # B (issue 14)
    "404",
]

PAGES_BY_ID = {page.id: page for page in PUBLIC_PAGES}
