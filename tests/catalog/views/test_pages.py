"""Staff pages: login, the workspace, the catalog page, unit boundaries and the buttons shown."""

from __future__ import annotations

from typing import Any

import pytest
import time_machine
from django.test import Client
from django.urls import reverse

from gongkai.catalog import services
from gongkai.catalog.models import Catalog, CatalogStatus, Domain
from gongkai.orgs.models import Unit, User
from tests.factories import COMPLETE_ELEMENTS, CatalogFactory, CatalogItemFactory, UnitFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "name,args",
    [
        ("staff:home", []),
        ("staff:catalog_create", []),
        ("staff:catalog_import", []),
        ("staff:catalog_detail", [1]),
        ("staff:catalog_export", [1]),
        ("staff:catalog_consistency", [1]),
        ("staff:item_add", [1]),
        ("staff:item_edit", [1]),
        ("staff:unit_villages", ["QJZ"]),
    ],
)
def test_staff_pages_require_login(client: Client, name: str, args: list[Any]) -> None:
    url = reverse(name, args=args)
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"] == f"{reverse('login')}?next={url}"


def test_anonymous_post_changes_nothing(client: Client, submitted: Catalog) -> None:
    response = client.post(reverse("staff:catalog_approve", args=[submitted.pk]))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))
    submitted.refresh_from_db()
    assert submitted.status == CatalogStatus.SUBMITTED


def test_login_page_and_logout(client: Client, editor: User) -> None:
    page = client.get(reverse("login"))
    html = page.content.decode()
    assert page.status_code == 200
    assert "工作人员登录" in html
    assert 'for="id_username"' in html and 'for="id_password"' in html
    assert "csrfmiddlewaretoken" in html
    wrong = client.post(reverse("login"), {"username": "mzj_editor", "password": "nope"})
    assert "用户名或密码不正确" in wrong.content.decode()
    response = client.post(
        reverse("login"), {"username": "mzj_editor", "password": "pass-for-tests-1"}
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("staff:home")
    home = client.get(reverse("staff:home")).content.decode()
    assert f'action="{reverse("logout")}"' in home
    out = client.post(reverse("logout"))
    assert out["Location"] == reverse("portal:home")
    assert client.get(reverse("staff:home")).status_code == 302


def test_editor_home_lists_own_units_and_catalogs_only(
    client: Client, editor: User, draft: Catalog, other_catalog: Catalog
) -> None:
    client.force_login(editor)
    response = client.get(reverse("staff:home"))
    html = response.content.decode()
    assert response.status_code == 200
    assert "县民政局 · 信息员" in html
    assert draft.get_absolute_url() in html
    assert "草稿" in html
    assert other_catalog.get_absolute_url() not in html
    assert reverse("staff:catalog_create") in html
    assert "待审核目录" not in html
    assert "各单位目录情况" not in html


def test_office_home_shows_queue_and_every_units_latest_catalog(
    client: Client,
    office: User,
    submitted: Catalog,
    other_catalog: Catalog,
    township: Unit,
    django_assert_max_num_queries: Any,
) -> None:
    CatalogFactory(unit=submitted.unit, version=2023, status=CatalogStatus.APPROVED)
    for n in range(15):
        unit = UnitFactory(code=f"D{n:02d}", name=f"县测试局{n}")
        CatalogItemFactory(catalog__unit=unit)
    client.force_login(office)
    with django_assert_max_num_queries(12):
        response = client.get(reverse("staff:home"))
    html = response.content.decode()
    queue = html[html.index("待审核目录") : html.index("各单位目录情况")]
    assert submitted.get_absolute_url() in queue
    assert other_catalog.get_absolute_url() not in queue
    overview = html[html.index("各单位目录情况") :]
    assert "县住建局" in overview and "县测试局14" in overview
    assert "琴江镇" in overview and "尚未建立目录" in overview
    # The latest version is the one listed, not 2023's.
    assert "2024年版" in overview and "2023年版" not in overview
    assert "新建目录" not in html


def test_editor_sees_own_catalog_with_every_element(
    client: Client, editor: User, draft: Catalog
) -> None:
    client.force_login(editor)
    response = client.get(draft.get_absolute_url())
    html = response.content.decode()
    assert response.status_code == 200
    assert "县民政局 2024年版目录" in html
    for text in ("办事指南", "审核确认结果", COMPLETE_ELEMENTS["content"]):
        assert text in html
    assert "《社会救助暂行办法》<br>《最低生活保障审核确认办法》" in html
    assert "要素齐全" in html
    assert reverse("staff:item_add", args=[draft.pk]) in html
    assert reverse("staff:catalog_submit", args=[draft.pk]) in html
    assert reverse("staff:catalog_export", args=[draft.pk]) in html
    assert reverse("staff:catalog_import") + f"?unit={draft.unit_id}" in html
    assert reverse("staff:catalog_approve", args=[draft.pk]) not in html
    assert reverse("staff:catalog_consistency", args=[draft.pk]) not in html


def test_editor_gets_404_for_another_units_catalog(
    client: Client, editor: User, other_catalog: Catalog
) -> None:
    client.force_login(editor)
    item = other_catalog.items.get()
    for url in (
        other_catalog.get_absolute_url(),
        reverse("staff:catalog_export", args=[other_catalog.pk]),
        reverse("staff:item_add", args=[other_catalog.pk]),
        reverse("staff:item_edit", args=[item.pk]),
        reverse("staff:item_delete", args=[item.pk]),
    ):
        assert client.get(url).status_code == 404, url
    response = client.post(reverse("staff:catalog_submit", args=[other_catalog.pk]))
    assert response.status_code == 404
    response = client.post(reverse("staff:item_delete", args=[item.pk]))
    assert response.status_code == 404
    assert other_catalog.items.count() == 1


def test_office_and_leader_read_without_edit_buttons(
    client: Client, office: User, leader: User, submitted: Catalog
) -> None:
    client.force_login(leader)
    html = client.get(submitted.get_absolute_url()).content.decode()
    assert "待审核" in html
    assert reverse("staff:catalog_approve", args=[submitted.pk]) not in html
    assert reverse("staff:item_add", args=[submitted.pk]) not in html
    client.force_login(office)
    html = client.get(submitted.get_absolute_url()).content.decode()
    assert reverse("staff:catalog_approve", args=[submitted.pk]) in html
    assert reverse("staff:catalog_return", args=[submitted.pk]) in html
    assert reverse("staff:item_add", args=[submitted.pk]) not in html
    item = submitted.items.get(level2="办事指南")
    assert reverse("staff:item_edit", args=[item.pk]) not in html


def test_township_editor_reads_a_village_catalog_but_cannot_change_it(
    client: Client, township_editor: User, village: Unit, domain: Domain
) -> None:
    catalog = CatalogItemFactory(catalog__unit=village, domain=domain).catalog
    client.force_login(township_editor)
    html = client.get(catalog.get_absolute_url()).content.decode()
    assert "琴江镇古樟村" in html
    assert reverse("staff:catalog_consistency", args=[catalog.pk]) in html
    assert reverse("staff:item_add", args=[catalog.pk]) not in html
    assert reverse("staff:catalog_submit", args=[catalog.pk]) not in html
    assert client.get(reverse("staff:item_add", args=[catalog.pk])).status_code == 403


def test_catalog_page_warns_per_incomplete_item_and_lists_problems(
    client: Client, editor: User, draft: Catalog, domain: Domain
) -> None:
    CatalogItemFactory(
        catalog=draft, domain=domain, level2="资金发放", basis="", audience_public=False
    )
    client.force_login(editor)
    html = client.get(draft.get_absolute_url()).content.decode()
    assert "缺少：公开依据、公开对象" in html
    assert "待完善" in html
    assert "第3项（社会救助／最低生活保障／资金发放）缺少：公开依据、公开对象" in html


def test_catalog_page_shows_history_in_county_time(
    client: Client, editor: User, office: User, draft: Catalog
) -> None:
    with time_machine.travel("2024-03-01 01:30 +0000", tick=False):
        services.catalog_submit(actor=editor, catalog=draft)
    services.catalog_return(actor=office, catalog=draft, comment="公开依据请写明条款\n并补充时限")
    client.force_login(editor)
    html = client.get(draft.get_absolute_url()).content.decode()
    history = html[html.index("办理记录") :]
    assert "2024-03-01 09:30" in history
    assert "报送审核" in history and "退回修改" in history
    assert "公开依据请写明条款<br>并补充时限" in history
    assert "已退回" in history


def test_catalog_page_query_count_is_bounded(
    client: Client, editor: User, draft: Catalog, domain: Domain, django_assert_max_num_queries: Any
) -> None:
    for _ in range(40):
        CatalogItemFactory(catalog=draft, domain=domain)
    client.force_login(editor)
    with django_assert_max_num_queries(12):
        response = client.get(draft.get_absolute_url())
    assert response.content.decode().count("<tr id=") == 42


def test_create_catalog_for_own_unit(
    client: Client, editor: User, department: Unit, time_machine: Any
) -> None:
    time_machine.move_to("2025-02-01 10:00 +0800")
    client.force_login(editor)
    page = client.get(reverse("staff:catalog_create")).content.decode()
    assert 'value="2025"' in page
    response = client.post(
        reverse("staff:catalog_create"), {"unit": department.pk, "version": 2025}
    )
    catalog = Catalog.objects.get(unit=department, version=2025)
    assert response["Location"] == catalog.get_absolute_url()
    again = client.post(reverse("staff:catalog_create"), {"unit": department.pk, "version": 2025})
    assert again.status_code == 400
    assert "已有2025年版目录" in again.content.decode()


def test_create_catalog_refuses_other_units_and_non_editors(
    client: Client, editor: User, reviewer: User, other_department: Unit
) -> None:
    client.force_login(editor)
    response = client.post(
        reverse("staff:catalog_create"), {"unit": other_department.pk, "version": 2025}
    )
    assert response.status_code == 400
    assert not Catalog.objects.exists()
    client.force_login(reviewer)
    assert client.get(reverse("staff:catalog_create")).status_code == 403


def test_403_and_404_pages_are_chinese(client: Client, reviewer: User) -> None:
    client.force_login(reviewer)
    forbidden = client.get(reverse("staff:catalog_create"))
    assert forbidden.status_code == 403
    assert "无权操作" in forbidden.content.decode()
    assert "信息员" in forbidden.content.decode()
    missing = client.get(reverse("staff:catalog_detail", args=[999999]))
    assert missing.status_code == 404
    assert "页面不存在" in missing.content.decode()
