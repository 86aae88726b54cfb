"""The staff pages: the office keeps every place, a unit's editor its own; another unit's
editor is refused; closing a place takes it off the public list."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from gongkai.accesspoints.models import AccessPoint, AccessPointKind
from gongkai.core.models import AuditEntry
from gongkai.orgs.models import Unit, User
from tests.accesspoints.conftest import place

pytestmark = pytest.mark.django_db


def _client(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _form(unit: Unit, **values: str) -> dict[str, str]:
    return {
        "unit": str(unit.pk),
        "kind": AccessPointKind.OTHER,
        "name": "县民政局社会救助服务窗口",
        "address": "石城县政务服务中心2楼",
        "hours": "工作日开放",
        "phone": "0797-5712301",
        "contents": "社会救助政策和公示",
        "offers_lookup": "on",
        "sort_order": "0",
        **values,
    }


def test_an_editor_registers_and_changes_their_units_place(department: Unit, editor: User) -> None:
    client = _client(editor)
    response = client.post(reverse("accesspoints:staff_create"), _form(department))
    assert response.status_code == 302
    point = AccessPoint.objects.get()
    assert point.unit == department and point.offers_lookup and not point.offers_applications
    edit = reverse("accesspoints:staff_edit", args=[point.pk])
    assert "县民政局社会救助服务窗口" in client.get(edit).content.decode()
    client.post(edit, _form(department, hours="周一至周六开放"))
    point.refresh_from_db()
    assert point.hours == "周一至周六开放"
    page = client.get(reverse("accesspoints:staff_list")).content.decode()
    assert "县民政局社会救助服务窗口" in page
    assert AuditEntry.objects.filter(action__startswith="accesspoint.").count() == 2


def test_a_form_with_a_bad_phone_says_why_and_saves_nothing(department: Unit, editor: User) -> None:
    response = _client(editor).post(
        reverse("accesspoints:staff_create"), _form(department, phone="找办公室")
    )
    assert response.status_code == 200
    assert "咨询电话的格式不对" in response.content.decode()
    assert not AccessPoint.objects.exists()


def test_another_units_editor_is_refused(
    department: Unit, other_department: Unit, other_editor: User
) -> None:
    point = place(department, "县民政局社会救助服务窗口")
    client = _client(other_editor)
    assert client.get(reverse("accesspoints:staff_edit", args=[point.pk])).status_code == 403
    response = client.post(reverse("accesspoints:staff_set_active", args=[point.pk]))
    assert response.status_code == 403
    # Their form offers only their own unit; posting unit X's is a form error.
    response = client.post(reverse("accesspoints:staff_create"), _form(department))
    assert response.status_code == 200
    assert AccessPoint.objects.count() == 1
    assert (
        "县民政局社会救助服务窗口"
        not in client.get(reverse("accesspoints:staff_list")).content.decode()
    )
    point.refresh_from_db()
    assert point.is_active


def test_a_reviewer_has_no_places_to_keep(department: Unit, reviewer: User) -> None:
    assert _client(reviewer).get(reverse("accesspoints:staff_list")).status_code == 403


def test_the_office_closes_any_place_and_the_public_list_drops_it(
    department: Unit, office: User
) -> None:
    point = place(department, "县民政局社会救助服务窗口")
    client = _client(office)
    assert (
        "县民政局社会救助服务窗口"
        in client.get(reverse("accesspoints:staff_list")).content.decode()
    )
    client.post(reverse("accesspoints:staff_set_active", args=[point.pk]), {"active": "0"})
    assert (
        "县民政局社会救助服务窗口"
        not in Client().get(reverse("accesspoints:list")).content.decode()
    )
    client.post(reverse("accesspoints:staff_set_active", args=[point.pk]), {"active": "1"})
    point.refresh_from_db()
    assert point.is_active
