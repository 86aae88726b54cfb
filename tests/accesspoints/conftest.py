"""Places of the small county of tests/conftest.py, registered through the service."""

from __future__ import annotations

from typing import Any

import pytest

from gongkai.accesspoints import services
from gongkai.accesspoints.models import AccessPoint, AccessPointKind
from gongkai.orgs.models import Unit


def place(unit: Unit, name: str, **values: Any) -> AccessPoint:
    """Register a place of ``unit`` with the required fields filled in."""
    fields = {
        "kind": AccessPointKind.ZHUANQU,
        "name": name,
        "address": f"{unit.name}一楼",
        "hours": "工作日8:00—12:00、14:30—17:30",
        "contents": "政府信息公开目录、政策文件汇编",
        **values,
    }
    return services.access_point_create(actor=None, unit=unit, values=fields)


@pytest.fixture
def county_zone(office_unit: Unit) -> AccessPoint:
    return place(
        office_unit,
        "石城县政务服务中心政务公开专区",
        phone="0797-5702018",
        offers_applications=True,
        has_touch_screen=True,
    )


@pytest.fixture
def township_zone(township: Unit) -> AccessPoint:
    return place(township, "琴江镇便民服务中心政务公开专区", phone="0797-5801000")


@pytest.fixture
def village_point(village: Unit) -> AccessPoint:
    return place(village, "琴江镇古樟村政府信息查阅点", kind=AccessPointKind.VILLAGE)
