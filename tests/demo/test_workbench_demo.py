"""Each demo role's 工作台 (issue 11): its own sections and counts, and not one link the role may
not use — every link on the page, followed with that role's session, ends on a page that opens
(200, directly or after redirects), never a refusal (403) or a missing page (404)."""

from __future__ import annotations

from html.parser import HTMLParser
from urllib.parse import urldefrag, urlsplit

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from gongkai.orgs.models import User

# Every demo login (gongkai demo --logins) and the sections its home shows, in order.
DEMO_ROLES = {
    "office": ["公开办"],
    "leader": ["领导"],
    "mzj_editor": ["信息员"],
    "mzj_reviewer": ["审核人"],
    "mzj_handler": ["承办人"],
    "qjz_editor": ["信息员"],
    "qjz01_clerk": ["村务管理员"],
    "rmyy_editor": ["信息员"],
}
ROLE_TITLES = {"信息员", "审核人", "承办人", "公开办", "村务管理员", "领导"}
# The home reads a few counts per role; this many statements at most, whatever the role (the
# office's, with its review queue and the overview of every unit's catalog, is the largest).
MAX_QUERIES = 20


class _Links(HTMLParser):
    """The href of every <a> and the text of every section heading (<h2>) of a page."""

    def __init__(self) -> None:
        super().__init__()
        self.hrefs: list[str] = []
        self.headings: list[str] = []
        self._in_h2 = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "a":
            href = dict(attrs).get("href")
            if href:
                self.hrefs.append(href)
        elif tag == "h2":
            self._in_h2 = True
            self.headings.append("")

    def handle_endtag(self, tag: str) -> None:
        if tag == "h2":
            self._in_h2 = False

    def handle_data(self, data: str) -> None:
        if self._in_h2:
            self.headings[-1] += data


def _parse(html: str) -> _Links:
    parser = _Links()
    parser.feed(html)
    return parser


def _home(username: str) -> tuple[Client, str]:
    client = Client()
    client.force_login(User.objects.get(username=username))
    response = client.get(reverse("staff:home"))
    assert response.status_code == 200
    return client, response.content.decode()


@pytest.mark.parametrize("username", sorted(DEMO_ROLES))
def test_every_link_on_each_roles_home_opens_for_that_role(demo: str, username: str) -> None:
    client, html = _home(username)
    home = reverse("staff:home")
    checked: dict[str, int] = {}
    for href in _parse(html).hrefs:
        url, _fragment = urldefrag(href)
        parts = urlsplit(url)
        if parts.scheme or parts.netloc:
            continue  # nothing on the home leaves the site, but a configured footer link might
        url = url or home
        if url not in checked:
            checked[url] = client.get(url, follow=True).status_code
    refused = {url: status for url, status in checked.items() if status != 200}
    assert not refused, f"{username} is shown links it cannot use: {refused}"
    assert len(checked) > 10  # the nav, the footer and the role's own links were all followed


@pytest.mark.parametrize("username,sections", sorted(DEMO_ROLES.items()))
def test_each_role_sees_its_own_sections_only(
    demo: str, username: str, sections: list[str]
) -> None:
    _client, html = _home(username)
    headings = [h.split("（")[0] for h in _parse(html).headings]
    assert [h for h in headings if h in ROLE_TITLES] == sections


def test_the_demo_homes_count_the_demo_work(demo: str) -> None:
    """The figures the demo's steps left: the 民政局's returned item and submitted ones, the
    overdue application, the catalog the office returned and the one waiting for it."""
    _client, editor = _home("mzj_editor")
    assert "被退回待修改" in editor and "已报送待审核" in editor
    _client, reviewer = _home("mzj_reviewer")
    assert "待我审核的信息" in reviewer and "到期需定期评估的不主动公开信息" in reviewer
    _client, handler = _home("mzj_handler")
    assert "已逾期未答复" in handler and "按答复期限排列的申请（逾期的在前）" in handler
    # The overdue application heads the handler's list.
    queue = handler[handler.index('<ol class="queue">') :]
    first_line = queue.split("<li")[1]
    assert "queue-alert" in first_line and "已逾期" in first_line
    _client, office = _home("office")
    assert "待审核目录" in office and "全县逾期未答复的申请" in office
    _client, leader = _home("leader")
    assert "全县逾期未答复的申请" in leader
    for action in ("登记申请", "检查词库", "起草信息", "新建目录"):
        assert action not in leader


@pytest.mark.parametrize("username", sorted(DEMO_ROLES))
def test_home_reads_a_bounded_number_of_statements(demo: str, username: str) -> None:
    client = Client()
    client.force_login(User.objects.get(username=username))
    client.get(reverse("staff:home"))  # warm the calendar and the check dictionaries
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("staff:home"))
    assert response.status_code == 200
    assert len(queries) <= MAX_QUERIES, [q["sql"][:120] for q in queries.captured_queries]
