"""Turn the units' old free-text access points (Unit.access_points, one place a line, e.g.
"石城县档案馆政府信息查阅中心（石城县琴江镇西华路26号，工作日开放）") into registry rows.

A unit is imported whole or not at all: once it has registered places its guide shows those
only, so a line that cannot be read would silently drop out of the guide. Units that already
have places are left alone, which makes the command safe to run again.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction

from gongkai.accesspoints import services
from gongkai.accesspoints.models import AccessPoint, AccessPointKind
from gongkai.core.errors import ValidationFailed
from gongkai.orgs.models import Unit

# What a place offers when the old text does not say: its lookup of the published information.
DEFAULT_CONTENTS = "已主动公开的政府信息"
_LINE = re.compile(r"^(?P<name>[^（(]+)[（(](?P<details>.+)[）)]\s*$")
_HOURS_HINT = re.compile(r"工作日|周[一二三四五六日]|\d{1,2}[:：]\d{2}|开放|节假日")
# Kinds guessed from a place's name, first match wins.
_KIND_WORDS = (
    ("专区", AccessPointKind.ZHUANQU),
    ("图书馆", AccessPointKind.LIBRARY),
    ("档案馆", AccessPointKind.ARCHIVES),
    ("便民服务", AccessPointKind.CONVENIENCE),
    ("政务服务中心", AccessPointKind.SERVICE_CENTER),
    ("村", AccessPointKind.VILLAGE),
    ("社区", AccessPointKind.VILLAGE),
)


def guess_kind(name: str) -> str:
    return next((kind for word, kind in _KIND_WORDS if word in name), AccessPointKind.OTHER)


def parse_line(line: str, unit: Unit) -> dict[str, Any]:
    """A place's values from one line: 名称（地址，开放时间）. The unit's address and office
    hours fill a part the line leaves out; ValidationFailed names what is still missing."""
    match = _LINE.match(line.strip())
    name = (match.group("name") if match else line).strip()
    parts = [p.strip() for p in re.split(r"[，,]", match.group("details"))] if match else []
    address, hours = "", ""
    if parts and _HOURS_HINT.search(parts[0]) and len(parts) == 1:
        hours = parts[0]
    elif parts:
        address, hours = parts[0], "，".join(parts[1:])
    values = {
        "kind": guess_kind(name),
        "name": name,
        "address": address or unit.address,
        "hours": hours or unit.office_hours,
        "phone": "",
        "contents": DEFAULT_CONTENTS,
    }
    missing = [
        label for key, label in (("address", "地址"), ("hours", "开放时间")) if not values[key]
    ]
    if missing:
        raise ValidationFailed(
            f"“{line.strip()}”缺少{'和'.join(missing)}，请写成：名称（地址，开放时间）。",
            log="access point line without address or hours",
        )
    return values


@dataclass
class ImportReport:
    created: list[str] = field(default_factory=list)  # "unit: place"
    skipped: list[str] = field(default_factory=list)  # units that already have places
    problems: list[str] = field(default_factory=list)  # "unit: why"


@transaction.atomic
def import_unit_texts(*, units: list[Unit], dry_run: bool = False) -> ImportReport:
    """Register the places of each unit's text (command line: no actor), unit by unit."""
    report = ImportReport()
    registered = set(AccessPoint.objects.values_list("unit_id", flat=True))
    for unit in units:
        lines = [line for line in unit.access_points.splitlines() if line.strip()]
        if not lines:
            continue
        if unit.pk in registered:
            report.skipped.append(unit.name)
            continue
        try:
            with transaction.atomic():
                values = [parse_line(line, unit) for line in lines]
                for order, place in enumerate(values, start=1):
                    services.access_point_create(
                        actor=None, unit=unit, values={**place, "sort_order": order * 10}
                    )
        except ValidationFailed as err:
            report.problems.append(f"{unit.name}：{err.message}")
            continue
        report.created.extend(f"{unit.name}：{place['name']}" for place in values)
    if dry_run:
        transaction.set_rollback(True)
    return report
