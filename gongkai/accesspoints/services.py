"""Every change to the access-point registry: create, update, close and reopen a place.

The office keeps every place, a unit's editor its own (permissions.can_manage_access_points_of);
``actor=None`` is the command line (the demo, ``gongkai access-points-import``). Each change is
one audit entry. Places are closed, never deleted, so the audit log's references stay whole.
"""

from __future__ import annotations

import re
import unicodedata
from typing import Any

from django.db import transaction

from gongkai.accesspoints.models import AccessPoint, AccessPointKind
from gongkai.core.audit import audit
from gongkai.core.errors import ValidationFailed
from gongkai.orgs import permissions
from gongkai.orgs.models import Unit, User

Actor = User | None

TEXT_FIELDS = ("name", "address", "hours", "phone", "contents")
REQUIRED = ("name", "address", "hours", "contents")
FLAGS = (
    "offers_lookup",
    "offers_applications",
    "offers_consulting",
    "offers_self_service",
    "has_touch_screen",
)
FIELDS = ("kind", *TEXT_FIELDS, *FLAGS, "sort_order")

# An office's number: a landline with or without area code and extension, a mobile (a village
# clerk's work phone), a 400/800 line or 12345. It is an official contact printed on a public
# page, so it is checked for form only, never refused as personal data.
_ONE_PHONE = re.compile(
    r"^(?:1[3-9]\d{9}"
    r"|(?:\(0\d{2,3}\)|0\d{2,3}-?)?[2-9]\d{6,7}(?:(?:-|转)\d{1,6})?"
    r"|[48]00-?\d{3}-?\d{4}"
    r"|12345)$"
)
_SEPARATORS = re.compile(r"[、,，;；/]")
_AREA_SPACE = re.compile(r"^(0\d{2,3})\s+(?=[2-9])")
PHONE_LIMIT = 3


def normalize_phone(value: str) -> str:
    """The number(s) as written on a notice: full-width digits and spaces gone, several numbers
    joined by 、. Raises ValidationFailed when a number does not look like a phone number."""
    text = unicodedata.normalize("NFKC", value).replace("—", "-").replace("－", "-")
    # "0797 5702018" is written 0797-5702018; any other space goes.
    parts = (_AREA_SPACE.sub(r"\1-", part.strip()) for part in _SEPARATORS.split(text))
    numbers = [re.sub(r"\s+", "", part) for part in parts if part.strip()]
    if not numbers:
        return ""
    if len(numbers) > PHONE_LIMIT or not all(_ONE_PHONE.match(n) for n in numbers):
        raise ValidationFailed(
            f"咨询电话的格式不对：固定电话写成0797-5702018，可带分机（转）；最多{PHONE_LIMIT}个号码，"
            "用顿号隔开。",
            log="bad access point phone",
        )
    return "、".join(numbers)


def _label(name: str) -> str:
    return str(getattr(AccessPoint._meta.get_field(name), "verbose_name", name))


def clean_values(values: dict[str, Any]) -> dict[str, Any]:
    """The given fields, trimmed and checked; all problems at once (ValidationFailed.problems).

    Only the fields in ``values`` are checked, so an update may change a few; a create passes
    them all (access_point_create fills the defaults first).
    """
    unknown = set(values) - set(FIELDS)
    if unknown:
        raise ValueError(f"not access point fields: {sorted(unknown)}")
    cleaned: dict[str, Any] = {}
    problems: list[str] = []
    for name, value in values.items():
        if name in TEXT_FIELDS:
            text = str(value or "").strip()
            limit = getattr(AccessPoint._meta.get_field(name), "max_length", None)
            if name in REQUIRED and not text:
                problems.append(f"请填写“{_label(name)}”。")
            elif limit and len(text) > limit:
                problems.append(f"“{_label(name)}”不能超过{limit}个字，现有{len(text)}个字。")
            if name == "phone":
                try:
                    text = normalize_phone(text)
                except ValidationFailed as err:
                    problems.append(err.message)
            cleaned[name] = text
        elif name == "kind":
            if value not in AccessPointKind.values:
                problems.append("请选择查阅场所的类型。")
            cleaned[name] = value
        elif name == "sort_order":
            try:
                cleaned[name] = max(0, int(value or 0))
            except (TypeError, ValueError):
                problems.append("排序应为数字。")
        else:
            cleaned[name] = bool(value)
    if problems:
        raise ValidationFailed(problems[0], problems=problems, log="access point values rejected")
    return cleaned


def _require(actor: Actor, unit: Unit) -> None:
    if actor is not None:
        permissions.require(
            permissions.can_manage_access_points_of(actor, unit),
            "只有县政务公开办或本单位信息员可以维护本单位的政府信息查阅场所。",
            log="access denied: can_manage_access_points_of",
        )


@transaction.atomic
def access_point_create(*, actor: Actor, unit: Unit, values: dict[str, Any]) -> AccessPoint:
    """Register a place run by ``unit``; it shows on the public list and in the unit's guide at
    once."""
    _require(actor, unit)
    if not unit.is_active:
        raise ValidationFailed(f"{unit.name}已停用，不能登记查阅场所。", log="unit inactive")
    defaults = {"kind": AccessPointKind.ZHUANQU, "phone": "", "sort_order": 0}
    cleaned = clean_values({**defaults, **{n: "" for n in REQUIRED}, **values})
    point = AccessPoint.objects.create(unit=unit, **cleaned)
    audit(
        actor=actor,
        action="accesspoint.create",
        target=point,
        unit_code=unit.code,
        summary=f"登记政府信息查阅场所：{point.name}",
    )
    return point


def _locked(point: AccessPoint) -> AccessPoint:
    """The row, locked for the change, with its unit and the unit's parent (the predicate)."""
    locked = AccessPoint.objects.select_for_update().get(pk=point.pk)
    locked.unit = Unit.objects.select_related("parent").get(pk=locked.unit_id)
    return locked


@transaction.atomic
def access_point_update(
    *, actor: Actor, point: AccessPoint, values: dict[str, Any], unit: Unit | None = None
) -> AccessPoint:
    """Change a place's details (and, for whoever may keep both units, the unit that runs it).

    Nothing changed, nothing written; otherwise one audit entry names the fields changed.
    """
    locked = _locked(point)
    _require(actor, locked.unit)
    if unit is not None and unit.pk != locked.unit_id:
        _require(actor, unit)
    cleaned = clean_values(values)
    changed = [name for name, value in cleaned.items() if getattr(locked, name) != value]
    for name in changed:
        setattr(locked, name, cleaned[name])
    if unit is not None and unit.pk != locked.unit_id:
        locked.unit = unit
        changed.append("unit")
    if not changed:
        return locked
    locked.save(update_fields=[*changed, "updated_at"])
    audit(
        actor=actor,
        action="accesspoint.update",
        target=locked,
        unit_code=locked.unit.code,
        summary=f"修改政府信息查阅场所：{locked.name}（{'、'.join(_label(n) for n in changed)}）",
        data={"fields": changed},
    )
    return locked


@transaction.atomic
def access_point_set_active(
    *, actor: Actor, point: AccessPoint, active: bool, reason: str = ""
) -> AccessPoint:
    """Close a place (it leaves the public list and the guides) or open it again."""
    locked = _locked(point)
    _require(actor, locked.unit)
    if locked.is_active == active:
        return locked
    locked.is_active = active
    locked.save(update_fields=["is_active", "updated_at"])
    verb = "恢复开放" if active else "停用"
    audit(
        actor=actor,
        action="accesspoint.reopen" if active else "accesspoint.close",
        target=locked,
        unit_code=locked.unit.code,
        summary=f"{verb}政府信息查阅场所：{locked.name}" + (f"（{reason}）" if reason else ""),
    )
    return locked
