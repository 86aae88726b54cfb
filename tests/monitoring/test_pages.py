"""The monitoring pages: the office and leaders read them all, only the office changes; a unit's
staff see and record their own accounts' posts and nothing of another unit; every page is
ready for a phone (wide tables scroll) and offers "转为整改" links on findings."""

from __future__ import annotations

import datetime as dt
from typing import Any
from urllib.parse import parse_qs, urlparse

import pytest
import time_machine
from django.test import Client

from gongkai.core.models import AuditEntry
from gongkai.monitoring.models import Incident, NewMediaAccount, NewMediaPost, Probe
from gongkai.monitoring.rectification import rectification_url
from gongkai.orgs.models import Unit, User
from gongkai.publications.models import Column
from tests.monitoring.conftest import account, at, posts, put

pytestmark = pytest.mark.django_db
PAGES = [
    "/staff/monitoring/",
    "/staff/monitoring/columns/",
    "/staff/monitoring/accounts/",
    "/staff/monitoring/probes/",
    "/staff/monitoring/incidents/",
]


@pytest.fixture(autouse=True)
def _today() -> Any:
    with time_machine.travel(at("2024-11-05 10:00"), tick=False):
        yield


@pytest.fixture
def site(department: Unit, other_department: Unit, office_unit: Unit) -> dict[str, Any]:
    put(department, at("2024-10-01 10:00"), column="news", title="十月工作动态")
    mine = account(department, "石城民政")
    posts(mine, "2024-10-28", "2024-10-30")
    theirs = account(other_department, "石城住建")
    posts(theirs, "2024-10-01")
    Probe.objects.create(url="https://x.gov.cn/", checked_at=at("2024-11-04 10:00"), ok=False)
    return {"mine": mine, "theirs": theirs}


def test_reference_url_is_built_in_one_place() -> None:
    url = rectification_url(unit_code="MZJ", title="栏目“工作动态”已30天未更新")
    parsed = urlparse(url)
    assert parsed.path == "/staff/assessment/rectifications/new/"
    assert parse_qs(parsed.query) == {
        "unit": ["MZJ"],
        "title": ["栏目“工作动态”已30天未更新"],
        "source": ["monitoring"],
    }


@pytest.mark.parametrize("who", ["office", "leader"])
def test_office_and_leaders_read_every_page(
    client: Client, who: str, request: pytest.FixtureRequest, site: dict[str, Any]
) -> None:
    client.force_login(request.getfixturevalue(who))
    for url in PAGES:
        response = client.get(url)
        assert response.status_code == 200, url
        assert '<div class="table-scroll">' in response.content.decode()


def test_overview_shows_findings_with_rectification_links(
    client: Client, office: User, site: dict[str, Any]
) -> None:
    client.force_login(office)
    page = client.get("/staff/monitoring/").content.decode()
    assert "单项否决指标" in page
    assert "不合格：单项否决（站点无法访问、首页不更新、栏目不更新）" in page
    assert "工作动态" in page  # stale column
    assert "石城住建" in page  # idle account
    assert "石城民政" not in page.split("media-heading")[1]  # posting enough
    assert page.count("/staff/assessment/rectifications/new/?unit=ZJJ") == 1
    assert "转为整改" in page


def test_overview_takes_a_day(client: Client, leader: User, site: dict[str, Any]) -> None:
    client.force_login(leader)
    page = client.get("/staff/monitoring/", {"date": "2024-10-10"}).content.decode()
    assert "截至2024年10月10日" in page


def test_unit_staff_cannot_read_the_overview(
    client: Client, editor: User, site: dict[str, Any]
) -> None:
    client.force_login(editor)
    for url in ("/staff/monitoring/", "/staff/monitoring/columns/", "/staff/monitoring/probes/"):
        assert client.get(url).status_code == 403, url


def test_office_sets_a_column_class(client: Client, office: User, site: dict[str, Any]) -> None:
    client.force_login(office)
    news = Column.objects.get(code="news")
    response = client.post(f"/staff/monitoring/columns/{news.pk}/class/", {"update_class": "1"})
    assert response.status_code == 302
    news.refresh_from_db()
    assert news.update_days == 1
    client.post(f"/staff/monitoring/columns/{news.pk}/class/", {"update_class": ""})
    news.refresh_from_db()
    assert news.update_days is None
    assert AuditEntry.objects.filter(action="monitoring.column_class").count() == 2


def test_leader_reads_but_cannot_change(client: Client, leader: User, site: dict[str, Any]) -> None:
    client.force_login(leader)
    news = Column.objects.get(code="news")
    response = client.post(f"/staff/monitoring/columns/{news.pk}/class/", {"update_class": "1"})
    assert response.status_code == 403
    assert client.get("/staff/monitoring/accounts/new/").status_code == 403
    mine = site["mine"]
    assert client.get(f"/staff/monitoring/accounts/{mine.pk}/").status_code == 200
    response = client.post(
        f"/staff/monitoring/accounts/{mine.pk}/", {"published_on": "2024-11-01", "title": "x"}
    )
    assert response.status_code == 403
    response = client.post(
        "/staff/monitoring/incidents/",
        {"kind": "wording", "occurred_on": "2024-11-01", "description": "错字"},
    )
    assert response.status_code == 403
    assert Incident.objects.count() == 0
    assert NewMediaPost.objects.count() == 3


def test_editor_records_own_posts_only(client: Client, editor: User, site: dict[str, Any]) -> None:
    client.force_login(editor)
    mine, theirs = site["mine"], site["theirs"]
    page = client.get("/staff/monitoring/accounts/").content.decode()
    assert "石城民政" in page and "石城住建" not in page
    response = client.post(
        f"/staff/monitoring/accounts/{mine.pk}/",
        {"published_on": "2024-11-04", "title": "秋冬季救助政策解读", "url": ""},
    )
    assert response.status_code == 302
    assert mine.posts.filter(title="秋冬季救助政策解读").exists()
    assert client.get(f"/staff/monitoring/accounts/{theirs.pk}/").status_code == 403
    response = client.post(
        f"/staff/monitoring/accounts/{theirs.pk}/",
        {"published_on": "2024-11-04", "title": "冒名", "url": ""},
    )
    assert response.status_code == 403
    assert not theirs.posts.filter(title="冒名").exists()
    post = theirs.posts.get()
    assert client.post(f"/staff/monitoring/posts/{post.pk}/remove/").status_code == 403
    # nor may an editor change an account, even the unit's own
    assert client.get(f"/staff/monitoring/accounts/{mine.pk}/edit/").status_code == 403
    response = client.post(
        f"/staff/monitoring/accounts/{theirs.pk}/edit/",
        {"platform": "wechat", "name": "改名", "unit": theirs.unit_id, "required_per_week": 2},
    )
    assert response.status_code == 403
    assert NewMediaAccount.objects.get(pk=theirs.pk).name == "石城住建"


def test_post_form_errors_stay_on_the_page(
    client: Client, editor: User, site: dict[str, Any]
) -> None:
    client.force_login(editor)
    mine = site["mine"]
    response = client.post(
        f"/staff/monitoring/accounts/{mine.pk}/",
        {"published_on": "2024-12-01", "title": "未来的", "url": ""},
    )
    assert response.status_code == 400
    assert "晚于今天" in response.content.decode()


def test_office_registers_and_changes_accounts(
    client: Client, office: User, department: Unit, site: dict[str, Any]
) -> None:
    client.force_login(office)
    response = client.post(
        "/staff/monitoring/accounts/new/",
        {
            "platform": "douyin",
            "name": "石城民政",
            "unit": department.pk,
            "required_per_week": 3,
            "is_active": "on",
        },
    )
    assert response.status_code == 302
    created = NewMediaAccount.objects.get(platform="douyin", name="石城民政")
    assert created.required_per_week == 3
    duplicate = client.post(
        "/staff/monitoring/accounts/new/",
        {"platform": "douyin", "name": "石城民政", "unit": department.pk, "required_per_week": 2},
    )
    assert duplicate.status_code == 400
    assert "同一平台上已有同名的账号。" in duplicate.content.decode()
    response = client.post(
        f"/staff/monitoring/accounts/{created.pk}/edit/",
        {
            "platform": "douyin",
            "name": "石城民政发布",
            "unit": department.pk,
            "required_per_week": 2,
        },
    )
    assert response.status_code == 302
    created.refresh_from_db()
    assert (created.name, created.is_active) == ("石城民政发布", False)


def test_import_page(client: Client, editor: User, site: dict[str, Any]) -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile

    client.force_login(editor)
    assert client.get("/staff/monitoring/accounts/import/").status_code == 200
    data = "账号名称,平台,发布日期,标题\n石城民政,微信公众号,2024-11-01,导入的一条\n石城住建,微信公众号,2024-11-01,别人的\n"
    upload = SimpleUploadedFile("posts.csv", data.encode(), content_type="text/csv")
    response = client.post("/staff/monitoring/accounts/import/", {"file": upload})
    assert response.status_code == 400
    page = response.content.decode()
    assert "第3行：您不能录入县住建局的账号“石城住建”的发布记录。" in page
    assert not NewMediaPost.objects.filter(title="导入的一条").exists()
    good = data.splitlines()[:2]
    upload = SimpleUploadedFile("posts.csv", "\n".join(good).encode(), content_type="text/csv")
    response = client.post("/staff/monitoring/accounts/import/", {"file": upload}, follow=True)
    assert "已导入1条发布记录" in response.content.decode()


def test_incidents_recorded_and_cancelled(
    client: Client, office: User, department: Unit, site: dict[str, Any]
) -> None:
    client.force_login(office)
    response = client.post(
        "/staff/monitoring/incidents/",
        {
            "kind": "wording",
            "occurred_on": "2024-11-01",
            "unit": department.pk,
            "description": "首页要闻中领导职务表述错误",
            "evidence": "市网信办通报",
        },
    )
    assert response.status_code == 302
    incident = Incident.objects.get()
    page = client.get("/staff/monitoring/").content.decode()
    assert "严重表述错误" in page and "首页要闻中领导职务表述错误" in page
    response = client.post(
        f"/staff/monitoring/incidents/{incident.pk}/cancel/", {"reason": "重复登记"}
    )
    assert response.status_code == 302
    incident.refresh_from_db()
    assert incident.is_cancelled and incident.cancel_reason == "重复登记"
    assert AuditEntry.objects.filter(action__startswith="monitoring.incident").count() == 2


def test_unknown_account_is_404(client: Client, office: User) -> None:
    client.force_login(office)
    assert client.get("/staff/monitoring/accounts/999/").status_code == 404
    assert dt.date  # keep the import for date fixtures above


def test_list_pages_take_a_fixed_number_of_queries(
    client: Client, office: User, department: Unit, township: Unit, site: dict[str, Any]
) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.force_login(office)
    counts = []
    for n in range(2):
        with CaptureQueriesContext(connection) as queries:
            assert client.get("/staff/monitoring/accounts/").status_code == 200
            assert client.get("/staff/monitoring/").status_code == 200
        counts.append(len(queries))
        for k in range(5):  # more accounts, units and posts: the same queries
            posts(account(township if k % 2 else department, f"账号{n}{k}"), "2024-10-30")
    assert counts[0] == counts[1]
