"""The registry's service: what a place must have, a phone that looks like one (an office's
number is not personal data), who keeps which places, and the audit log."""

from __future__ import annotations

import pytest

from gongkai.accesspoints import services
from gongkai.accesspoints.models import AccessPoint, AccessPointKind
from gongkai.core.errors import AccessDenied, ValidationFailed
from gongkai.core.models import AuditEntry
from gongkai.orgs.models import Unit, User
from tests.accesspoints.conftest import place

pytestmark = pytest.mark.django_db


def test_a_place_needs_its_name_address_hours_and_contents(department: Unit) -> None:
    with pytest.raises(ValidationFailed) as refused:
        services.access_point_create(
            actor=None, unit=department, values={"name": " ", "kind": AccessPointKind.LIBRARY}
        )
    assert refused.value.problems == [
        "请填写“名称”。",
        "请填写“地址”。",
        "请填写“开放时间”。",
        "请填写“可查阅内容”。",
    ]
    assert not AccessPoint.objects.exists()


def test_an_unknown_kind_and_an_overlong_name_are_refused(department: Unit) -> None:
    with pytest.raises(ValidationFailed) as refused:
        place(department, "查" * 101, kind="kiosk")
    assert "请选择查阅场所的类型。" in refused.value.problems
    assert "“名称”不能超过100个字，现有101个字。" in refused.value.problems


@pytest.mark.parametrize(
    ("written", "stored"),
    [
        ("0797-5702018", "0797-5702018"),
        ("０７９７－５７０２０１８", "0797-5702018"),
        ("0797 5702018转801", "0797-5702018转801"),
        ("5702018", "5702018"),
        ("0797-5702018，13907970000", "0797-5702018、13907970000"),  # a clerk's work mobile
        ("12345", "12345"),
        ("400-123-4567", "400-123-4567"),
        ("", ""),
    ],
)
def test_an_official_number_is_accepted_as_written(
    department: Unit, written: str, stored: str
) -> None:
    assert place(department, "县民政局服务窗口", phone=written).phone == stored


@pytest.mark.parametrize("written", ["请致电办公室", "0797-57", "123456789012", "1、2、3、4"])
def test_a_phone_that_is_not_a_number_is_refused(department: Unit, written: str) -> None:
    with pytest.raises(ValidationFailed) as refused:
        place(department, "县民政局服务窗口", phone=written)
    assert refused.value.message.startswith("咨询电话的格式不对")


def test_changes_are_audited_and_a_closed_place_stays_in_the_registry(
    department: Unit, editor: User
) -> None:
    point = services.access_point_create(
        actor=editor,
        unit=department,
        values={
            "kind": AccessPointKind.OTHER,
            "name": "县民政局社会救助服务窗口",
            "address": "石城县政务服务中心2楼",
            "hours": "工作日开放",
            "contents": "社会救助政策和公示",
        },
    )
    services.access_point_update(actor=editor, point=point, values={"hours": "工作日开放"})
    services.access_point_update(actor=editor, point=point, values={"hours": "周一至周六开放"})
    services.access_point_set_active(actor=editor, point=point, active=False, reason="搬迁")
    actions = list(
        AuditEntry.objects.filter(target_id=str(point.pk))
        .order_by("pk")
        .values_list("action", flat=True)
    )
    assert actions == ["accesspoint.create", "accesspoint.update", "accesspoint.close"]
    point.refresh_from_db()
    assert (point.hours, point.is_active) == ("周一至周六开放", False)
    assert not AccessPoint.objects.active().exists()


def test_a_unit_keeps_its_own_places_and_not_another_units(
    department: Unit, other_department: Unit, editor: User, other_editor: User, office: User
) -> None:
    point = place(department, "县民政局社会救助服务窗口")
    with pytest.raises(AccessDenied):
        services.access_point_update(actor=other_editor, point=point, values={"hours": "全天"})
    with pytest.raises(AccessDenied):
        services.access_point_set_active(actor=other_editor, point=point, active=False)
    with pytest.raises(AccessDenied):
        place_for(other_editor, department)
    # Nor may the unit's editor hand the place to a unit they do not keep.
    with pytest.raises(AccessDenied):
        services.access_point_update(actor=editor, point=point, values={}, unit=other_department)
    assert (
        services.access_point_update(
            actor=office, point=point, values={}, unit=other_department
        ).unit
        == other_department
    )


def test_a_townships_editor_keeps_its_villages_places(
    village: Unit, township_editor: User, village_clerk: User, editor: User
) -> None:
    assert place_for(township_editor, village).unit == village
    assert place_for(village_clerk, village, name="村查阅点二").unit == village
    with pytest.raises(AccessDenied):
        place_for(editor, village, name="村查阅点三")


def place_for(actor: User, unit: Unit, name: str = "村查阅点") -> AccessPoint:
    return services.access_point_create(
        actor=actor,
        unit=unit,
        values={"name": name, "address": "村委会", "hours": "工作日", "contents": "村务公开"},
    )
