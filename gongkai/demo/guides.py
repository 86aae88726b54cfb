"""The demo units' 政府信息公开指南 details (units.json "guide"): full names (the ``formal`` names
of publications.json), addresses, office hours, postal addresses and postcodes, fax, e-mail,
access points and the office's added text, so every unit's guide (/xxgk/guide/) has something
real to show.

Filled through services.unit_guide_update like the office's staff page, and only where a field is
still blank: a re-run keeps whatever the office has changed since.
"""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import Any, cast

from gongkai.demo.publications import publications_data
from gongkai.orgs import services as org_services
from gongkai.orgs.models import Unit, UnitKind

# Kinds with a guide of their own; the office's details make the county government's guide.
GUIDE_KINDS = (
    UnitKind.OFFICE,
    UnitKind.DEPARTMENT,
    UnitKind.STATIONED,
    UnitKind.TOWNSHIP,
    UnitKind.COMMUNITY,
)


DATA_FILE = Path(__file__).resolve().parent / "data" / "units.json"


@cache
def guide_data() -> dict[str, Any]:
    """The "guide" part of units.json, read once."""
    return cast(dict[str, Any], json.loads(DATA_FILE.read_text(encoding="utf-8"))["guide"])


def planned_guide(unit: Unit) -> dict[str, str]:
    """The demo's guide details of ``unit`` (empty for units without a guide)."""
    data = guide_data()
    if unit.kind not in GUIDE_KINDS:
        return {}
    own: dict[str, Any] = data["units"].get(unit.code, {})
    profile = publications_data()["units"].get(unit.code, {})
    values = {
        "full_name": profile.get("formal", ""),
        "office_hours": data["office_hours"],
        "postcode": data["postcode"],
        "email": f"sc{unit.code.lower()}@{data['email_domain']}",
        **{key: value for key, value in own.items() if key != "access_points"},
    }
    if own.get("access_points"):
        values["access_points"] = "\n".join(own["access_points"])
    if unit.kind == UnitKind.OFFICE:
        values["guide_extra"] = data["office_extra"]
    return {key: str(value) for key, value in values.items() if value}


def load_unit_guides(units: dict[str, Unit]) -> None:
    """Fill each unit's blank guide details from the plan."""
    for unit in sorted(units.values(), key=lambda u: u.sort_order):
        planned = planned_guide(unit)
        blank = {key: value for key, value in planned.items() if not getattr(unit, key)}
        if blank:
            units[unit.code] = org_services.unit_guide_update(actor=None, unit=unit, values=blank)
