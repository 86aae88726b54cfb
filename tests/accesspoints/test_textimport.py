"""`gongkai accesspoints import-text`: the units' old one-line-a-place text becomes registry rows,
a unit whole or not at all, and a unit with places already is left alone."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command

from gongkai.accesspoints.models import AccessPoint, AccessPointKind
from gongkai.orgs.models import Unit
from gongkai.orgs.services import unit_guide_update
from tests.accesspoints.conftest import place

pytestmark = pytest.mark.django_db


def _run(*args: str) -> str:
    out = StringIO()
    call_command("accesspoints", "import-text", *args, stdout=out)
    return out.getvalue()


def test_lines_become_places_with_kind_address_and_hours(
    office_unit: Unit, department: Unit, township: Unit
) -> None:
    unit_guide_update(
        actor=None,
        unit=office_unit,
        values={
            "access_points": "石城县档案馆政府信息查阅中心（石城县琴江镇西华路26号，工作日开放）\n"
            "石城县图书馆政府信息查阅点（石城县琴江镇东华路59号，周二至周日9:00—17:00）"
        },
    )
    unit_guide_update(
        actor=None,
        unit=department,
        values={"access_points": "县民政局服务窗口（工作日开放）\n说不清的一行"},
    )
    place(township, "琴江镇便民服务中心政务公开专区")
    unit_guide_update(actor=None, unit=township, values={"access_points": "旧文字"})
    assert "可登记2处" in _run("--dry-run")
    assert AccessPoint.objects.count() == 1
    out = _run()
    archives = AccessPoint.objects.get(name="石城县档案馆政府信息查阅中心")
    assert (archives.kind, archives.address, archives.hours) == (
        AccessPointKind.ARCHIVES,
        "石城县琴江镇西华路26号",
        "工作日开放",
    )
    assert (
        AccessPoint.objects.get(name="石城县图书馆政府信息查阅点").kind == AccessPointKind.LIBRARY
    )
    # 县民政局's lines lack an address, and the unit has none to fill in: nothing of it.
    assert not AccessPoint.objects.filter(unit=department).exists()
    assert "未登记：县民政局：“县民政局服务窗口（工作日开放）”缺少地址" in out
    assert "已有查阅场所，未改动：琴江镇" in out
    assert "已登记0处" in _run()  # a second run changes nothing


def test_an_unknown_unit_is_one_line(county: Unit) -> None:
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="没有单位代码为 NOPE"):
        _run("--unit", "NOPE")
