"""The public side of the registry: the list page by area and kind, and the 政府信息公开指南
listing the registry's places, with the unit's old text when it registered none."""

from __future__ import annotations

import html
import re
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from gongkai.accesspoints import services
from gongkai.accesspoints.models import AccessPoint, AccessPointKind
from gongkai.orgs.models import Unit
from gongkai.orgs.services import unit_guide_update
from tests.accesspoints.conftest import place

pytestmark = pytest.mark.django_db

LIST = reverse("accesspoints:list")


def _text(client: Client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    return html.unescape(re.sub(r"<[^>]+>", "", response.content.decode()))


def test_the_list_groups_places_by_area_then_kind_in_one_query(
    client: Client,
    county_zone: AccessPoint,
    township_zone: AccessPoint,
    village_point: AccessPoint,
    department: Unit,
    django_assert_max_num_queries: Any,
) -> None:
    place(department, "县图书馆查阅点", kind=AccessPointKind.LIBRARY)
    closed = place(department, "已撤销的查阅点")
    services.access_point_set_active(actor=None, point=closed, active=False)
    with django_assert_max_num_queries(3):  # the places, the site settings of the footer
        response = client.get(LIST)
    page = html.unescape(re.sub(r"<[^>]+>", "", response.content.decode()))
    # The county's places first (专区 before the library), then the township with its village.
    order = [
        "县城（县级单位）",
        "石城县政务服务中心政务公开专区",
        "图书馆查阅点",
        "县图书馆查阅点",
        "琴江镇",
        "琴江镇便民服务中心政务公开专区",
        "村（社区）查阅点",
        "琴江镇古樟村政府信息查阅点",
    ]
    at = 0
    for text in order:
        at = page.index(text, at)  # ValueError: missing, or out of order
    assert "已撤销的查阅点" not in page
    body = response.content.decode()
    assert 'href="tel:07975702018"' in body
    assert "信息公开申请受理" in page and "触摸屏查询" in page


def test_the_list_filters_by_kind(
    client: Client, county_zone: AccessPoint, village_point: AccessPoint
) -> None:
    page = _text(client, f"{LIST}?kind={AccessPointKind.VILLAGE}")
    assert "琴江镇古樟村政府信息查阅点" in page
    assert "石城县政务服务中心政务公开专区" not in page
    assert "琴江镇古樟村政府信息查阅点" in _text(client, f"{LIST}?kind=nonsense")
    assert "暂无这一类型的查阅场所" in _text(client, f"{LIST}?kind={AccessPointKind.ARCHIVES}")


def test_a_units_guide_lists_its_registered_places_and_its_villages(
    client: Client, township_zone: AccessPoint, village_point: AccessPoint, county_zone: Any
) -> None:
    unit_guide_update(actor=None, unit=township_zone.unit, values={"access_points": "旧文字"})
    page = _text(client, reverse("portal:guide_unit", args=["QJZ"]))
    assert "也可以到下列政府信息查阅场所查阅" in page
    assert "琴江镇便民服务中心政务公开专区" in page and "琴江镇古樟村政府信息查阅点" in page
    assert "开放时间：工作日8:00—12:00、14:30—17:30" in page
    assert "旧文字" not in page  # the registry replaces the old text
    assert "石城县政务服务中心政务公开专区" not in page
    assert "全县政府信息查阅场所一览" in page


def test_a_unit_without_registered_places_keeps_its_text_then_the_countys(
    client: Client, department: Unit, other_department: Unit, county_zone: AccessPoint
) -> None:
    unit_guide_update(actor=None, unit=department, values={"access_points": "县民政局救助窗口"})
    page = _text(client, reverse("portal:guide_unit", args=["MZJ"]))
    assert "县民政局救助窗口" in page
    assert "石城县政务服务中心政务公开专区" not in page
    page = _text(client, reverse("portal:guide_unit", args=["ZJJ"]))
    assert "也可以到全县设立的政府信息查阅场所查阅" in page
    assert "石城县政务服务中心政务公开专区" in page


def test_the_county_guide_lists_the_county_and_every_townships_zone(
    client: Client,
    county: Unit,
    county_zone: AccessPoint,
    township_zone: AccessPoint,
    village_point: AccessPoint,
) -> None:
    page = _text(client, reverse("portal:guide"))
    assert page.index("石城县政务服务中心政务公开专区") < page.index(
        "琴江镇便民服务中心政务公开专区"
    )
    assert "琴江镇古樟村政府信息查阅点" not in page  # in the township's guide


def test_the_county_guide_falls_back_to_the_offices_text(
    client: Client, county: Unit, office_unit: Unit
) -> None:
    unit_guide_update(actor=None, unit=office_unit, values={"access_points": "县档案馆查阅中心"})
    assert "县档案馆查阅中心" in _text(client, reverse("portal:guide"))


def test_the_sitemap_and_contact_page_link_the_list(client: Client, county: Unit) -> None:
    for name in ("portal:sitemap", "portal:contact"):
        assert f'href="{LIST}"' in client.get(reverse(name)).content.decode()
