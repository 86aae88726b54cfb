"""The demo county's offline access network (gongkai.accesspoints): the 政务公开专区 in the county
政务服务中心 and in every township's 便民服务中心, the county library's and archives' 查阅点, the
政务服务中心 itself, and a few village 查阅点 (seeds 000 and 004 item 8). Addresses, hours and
numbers are invented for the demo, in the style of the units' guide details (units.json).

Registered through the services like the staff pages do; a place whose name is already in the
registry is left as it is, so a re-run changes nothing and the office's edits survive.
"""

from __future__ import annotations

from typing import Any

from gongkai.accesspoints import services
from gongkai.accesspoints.models import AccessPoint, AccessPointKind
from gongkai.demo.guides import guide_data
from gongkai.orgs.models import Unit, UnitKind

WORKDAYS = "工作日上午8:00—12:00，下午14:30—17:30（法定节假日除外）"
COUNTY_CONTENTS = (
    "县人民政府及各部门主动公开的政府信息；行政规范性文件汇编；政府工作报告、财政预决算；"
    "基层政务公开事项标准目录；政务服务事项办事指南"
)
TOWNSHIP_CONTENTS = (
    "本乡镇主动公开的政府信息和政务公开事项标准目录；惠农补贴、社会救助等公示；"
    "村（居）务公开资料；办事指南和一次性告知单"
)
VILLAGE_CONTENTS = "村务公开、财务公开资料；惠民惠农政策汇编；乡镇政务公开事项目录"
ALL_SERVICES = {
    "offers_lookup": True,
    "offers_applications": True,
    "offers_consulting": True,
    "offers_self_service": True,
}

# (unit code, kind, name, address, hours, phone, contents, extra flags, order)
COUNTY_POINTS: list[tuple[str, str, str, str, str, str, str, dict[str, bool], int]] = [
    (
        "GKB",
        AccessPointKind.ZHUANQU,
        "石城县政务服务中心政务公开专区",
        "石城县琴江镇城南大道88号政务服务中心1楼",
        "周一至周五8:00—12:00、14:30—17:30，周六上午9:00—12:00（法定节假日除外）",
        "0797-5702018",
        COUNTY_CONTENTS,
        {**ALL_SERVICES, "has_touch_screen": True},
        10,
    ),
    (
        "XGW",
        AccessPointKind.SERVICE_CENTER,
        "石城县政务服务中心综合咨询窗口",
        "石城县琴江镇城南大道88号政务服务中心1楼",
        WORKDAYS,
        "0797-5702345",
        "各进驻部门的政务服务事项办事指南；办件进度查询；政策咨询",
        {"offers_lookup": True, "offers_consulting": True, "offers_self_service": True},
        20,
    ),
    (
        "WGXLJ",
        AccessPointKind.LIBRARY,
        "石城县图书馆政府信息查阅点",
        "石城县琴江镇东华路59号县图书馆2楼",
        "周二至周日9:00—17:00（周一闭馆）",
        "0797-5703359",
        "县政府公报、政府工作报告、统计年鉴和行政规范性文件汇编；电子查阅终端可查阅县政府门户网站",
        {"offers_lookup": True, "has_touch_screen": True},
        30,
    ),
    (
        "GKB",
        AccessPointKind.ARCHIVES,
        "石城县档案馆政府信息查阅中心",
        "石城县琴江镇西华路26号县档案馆1楼",
        WORKDAYS,
        "0797-5702266",
        "县人民政府及部门已移交档案馆的现行文件和历年公开的政府信息",
        {"offers_lookup": True, "offers_applications": True},
        40,
    ),
]
# (village code, street address, hours) of the villages with a 查阅点 of their own.
VILLAGE_POINTS = [
    ("QJZ01", "石城县琴江镇古樟村村民委员会一楼便民服务代办点", "工作日8:30—17:00"),
    ("GTZ02", "石城县高田镇堂下村党群服务中心", "工作日8:30—17:00，农忙季节周末上午开放"),
    ("XSZ02", "石城县小松镇丹溪村党群服务中心阅览室", "每周一、三、五8:30—12:00"),
    ("PSZ01", "石城县屏山镇屏山村村民委员会", "工作日8:30—17:00"),
]


def _create(unit: Unit, existing: set[str], values: dict[str, Any]) -> None:
    if values["name"] not in existing:
        services.access_point_create(actor=None, unit=unit, values=values)
        existing.add(values["name"])


def load_access_points(*, units: dict[str, Unit]) -> None:
    """Register the demo's places that are not in the registry yet."""
    existing = set(AccessPoint.objects.values_list("name", flat=True))
    for code, kind, name, address, hours, phone, contents, flags, order in COUNTY_POINTS:
        if code in units:
            values = {
                "kind": kind,
                "name": name,
                "address": address,
                "hours": hours,
                "phone": phone,
                "contents": contents,
                "sort_order": order,
                **flags,
            }
            _create(units[code], existing, values)
    guides = guide_data()["units"]
    townships = sorted(
        (u for u in units.values() if u.kind in (UnitKind.TOWNSHIP, UnitKind.COMMUNITY)),
        key=lambda u: u.sort_order,
    )
    for township in townships:
        address = guides.get(township.code, {}).get("address") or f"石城县{township.name}人民政府"
        name = (
            f"{township.name}便民服务中心政务公开专区"
            if township.kind == UnitKind.TOWNSHIP
            else "县城市社区管委会便民服务中心政务公开专区"
        )
        values = {
            "kind": AccessPointKind.ZHUANQU,
            "name": name,
            "address": f"{address}便民服务中心",
            "hours": WORKDAYS,
            "phone": township.phone,
            "contents": TOWNSHIP_CONTENTS,
            "sort_order": 10,
            "offers_lookup": True,
            "offers_applications": True,
            "offers_consulting": True,
            "offers_self_service": township.code in {"QJZ", "GTZ"},
            "has_touch_screen": township.code in {"QJZ", "GTZ"},
        }
        _create(township, existing, values)
    for code, address, hours in VILLAGE_POINTS:
        village = units.get(code)
        if village is None:
            continue
        values = {
            "kind": AccessPointKind.VILLAGE,
            "name": f"{village.name}政府信息查阅点",
            "address": address,
            "hours": hours,
            "phone": "",
            "contents": VILLAGE_CONTENTS,
            "sort_order": 50,
            "offers_lookup": True,
            "offers_consulting": True,
        }
        _create(village, existing, values)
