"""A citizen applies on the portal (/apply/) and follows the application with its tracking number
and query code (/apply/track/): no personal data on the status page, and a wrong code looks
exactly like an unknown number."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from gongkai.applications import services
from gongkai.applications.models import Application, EventKind, Stage
from gongkai.orgs.models import Unit, UnitKind, User
from tests.applications.views.inputs import (
    ADDRESS,
    ID_NUMBER,
    NAME,
    PHONE,
    form_data,
    register,
    without_csrf,
)
from tests.factories import UnitFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _today(time_machine: Any) -> None:
    time_machine.move_to("2024-09-27 09:00 +0800", tick=False)


def _apply(client: Client, unit: Unit, **overrides: Any) -> tuple[str, str]:
    """Apply through the form; return the tracking number and code the done page shows."""
    response = client.post(reverse("portal:apply"), form_data(unit, **overrides))
    assert response.status_code == 302
    assert response["Location"] == reverse("portal:apply_done")
    done = client.get(reverse("portal:apply_done"))
    assert done.status_code == 200
    application = Application.objects.get()
    code = done.context["submitted"]["code"]
    return application.tracking_no, code


def _track(client: Client, number: str, code: str) -> Any:
    return client.post(reverse("portal:apply_track"), {"tracking_no": number, "code": code})


def test_apply_form_offers_the_handling_units_and_the_applicant_types(
    client: Client, county: Unit, office_unit: Unit, department: Unit, township: Unit, village: Unit
) -> None:
    stationed = UnitFactory(code="SWJ", name="县税务局", kind=UnitKind.STATIONED, parent=county)
    html = client.get(reverse("portal:apply")).content.decode()
    assert "csrfmiddlewaretoken" in html
    for unit in (county, department, township, stationed):
        assert f'<option value="{unit.pk}">{unit.name}</option>' in html
    # Villages are not administrative organs; the office acts for the county government.
    assert village.name not in html
    assert office_unit.name not in html
    for group in ("县人民政府", "县直部门", "驻县单位", "乡镇（社区）"):
        assert f'<optgroup label="{group}">' in html
    # The six applicant types, grouped 自然人 / 法人或其他组织.
    for label in (
        "自然人",
        "法人或其他组织",
        "商业企业",
        "科研机构",
        "社会公益组织",
        "法律服务机构",
        "其他",
    ):
        assert label in html
    # The contents 条例第二十九条 requires.
    for label in (
        "姓名或名称",
        "身份证明号码",
        "联系电话",
        "所需政府信息的名称",
        "信息的载体形式",
        "获取信息的方式",
    ):
        assert label in html


def test_the_form_needs_csrf(department: Unit) -> None:
    strict = Client(enforce_csrf_checks=True)
    response = strict.post(reverse("portal:apply"), form_data(department))
    assert response.status_code == 403
    assert not Application.objects.exists()


def test_apply_shows_number_and_code_once_and_the_status_follows(
    client: Client, department: Unit, handler: User, time_machine: Any
) -> None:
    number, code = _apply(client, department)
    application = Application.objects.get()
    assert application.stage == Stage.AWAITING_RECEIPT
    assert services.query_code_matches(application, code)
    done = client.get(reverse("portal:apply_done"))
    # Shown once: a second visit (or another browser) goes back to the form.
    assert done.status_code == 302 and done["Location"] == reverse("portal:apply")

    first = _track(client, number, code)
    html = first.content.decode()
    assert first.status_code == 200
    assert first["Cache-Control"] == "private, no-store"
    assert number in html and "待确认收到" in html and "县民政局" in html
    assert "2024-09-27" in html  # submitted
    assert "受理机关与您确认收到申请后开始计算" in html
    for secret in (NAME, ID_NUMBER, PHONE, ADDRESS, "王*明", "360735", handler.full_name):
        assert secret not in html

    # The unit confirms on Monday 09-30 (条例第三十一条: both sides confirm): the clock starts.
    time_machine.move_to("2024-09-30 09:00 +0800", tick=False)
    services.application_confirm_receipt(
        actor=handler, application=application, on=dt.date(2024, 9, 30)
    )
    html = _track(client, number, code.lower()).content.decode()
    assert "已登记" in html and "2024-09-30" in html
    # 20 working days, 10-01..10-07 off and Saturday 10-12 worked: 11-01.
    assert "2024-11-01" in html
    assert "确认收到" in html  # the public event
    for secret in (NAME, ID_NUMBER, PHONE, ADDRESS, handler.full_name):
        assert secret not in html


def test_a_wrong_code_looks_exactly_like_an_unknown_number(
    client: Client, department: Unit
) -> None:
    number, code = _apply(client, department)
    wrong = _track(client, number, "ABCDEFGH" if code != "ABCDEFGH" else "HGFEDCBA")
    unknown = _track(client, "2024-99999", code)
    assert wrong.status_code == unknown.status_code == 404
    assert "未找到该申请" in wrong.content.decode()
    assert without_csrf(wrong.content.decode()) == without_csrf(unknown.content.decode())
    assert number not in wrong.content.decode()


def test_invalid_applications_are_refused_with_reasons(client: Client, department: Unit) -> None:
    response = client.post(
        reverse("portal:apply"),
        form_data(department, id_number="360735198506151234", phone="", address=""),
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert "居民身份证号码有误" in html
    assert "请至少填写一种联系方式" in html
    response = client.post(reverse("portal:apply"), form_data(department, applicant_type="x"))
    assert response.status_code == 400
    assert not Application.objects.exists()


def test_village_cannot_be_chosen(client: Client, department: Unit, village: Unit) -> None:
    response = client.post(reverse("portal:apply"), form_data(village))
    assert response.status_code == 400
    assert not Application.objects.exists()


def test_done_page_without_a_submission_goes_to_the_form(client: Client) -> None:
    response = client.get(reverse("portal:apply_done"))
    assert response.status_code == 302


def test_the_status_shows_the_outcome_but_no_notes_or_names(
    client: Client, department: Unit, handler: User, time_machine: Any
) -> None:
    application, code = register(handler, department, dt.date(2024, 9, 27))
    time_machine.move_to("2024-10-29 09:00 +0800", tick=False)
    services.application_accept(actor=handler, application=application)
    services.application_reply(
        actor=handler,
        application=application,
        on=dt.date(2024, 10, 29),
        outcome="third_party",
        note="涉及某企业商业秘密，第三方不同意公开",
    )
    html = _track(client, application.tracking_no, code).content.decode()
    assert "已答复" in html
    assert "不予公开：保护第三方合法权益" in html
    assert "2024-10-29" in html and "2024-10-30" in html
    assert "商业秘密" not in html
    for secret in (NAME, ID_NUMBER, PHONE, handler.full_name, handler.username):
        assert secret not in html
    labels = [e.get_kind_display() for e in application.events.filter(public=True)]
    assert labels == ["登记", "受理办理", "答复"]
    for label in labels:
        assert label in html


def test_a_routed_application_keeps_its_number_and_says_who_handles_it(
    client: Client, department: Unit, other_department: Unit, handler: User, time_machine: Any
) -> None:
    application, code = register(handler, department, dt.date(2024, 9, 27))
    time_machine.move_to("2024-09-30 09:00 +0800", tick=False)
    services.application_route(
        actor=handler,
        application=application,
        to_unit=other_department,
        on=dt.date(2024, 9, 30),
        note="内部分办理由",
    )
    html = _track(client, application.tracking_no, code).content.decode()
    assert (
        "您的申请已转交县住建局办理。申请编号、查询码和收到申请之日不变，答复期限继续计算。" in html
    )
    assert "县住建局" in html and "已登记" in html
    # Received Friday 09-27: the reply is still due 10-30, not counted afresh.
    assert "2024-09-27" in html and "2024-10-30" in html
    assert "转交承办单位" in html
    assert "内部分办理由" not in html  # a staff note
    assert application.events.filter(kind=EventKind.ROUTED).exists()


def test_a_deferred_or_paused_application_says_why(
    client: Client, department: Unit, handler: User, time_machine: Any
) -> None:
    application, code = register(handler, department, dt.date(2024, 9, 27))
    services.application_accept(actor=handler, application=application)
    time_machine.move_to("2024-10-08 09:00 +0800", tick=False)
    services.application_consult(
        actor=handler,
        application=application,
        kind="other_agency",
        party="县财政局",
        sent_on=dt.date(2024, 10, 8),
    )
    html = _track(client, application.tracking_no, code).content.decode()
    assert "征求意见或等待缴费期间不计入答复期限，期限待定" in html
    assert "县财政局" not in html


def test_track_form_needs_both_fields(client: Client) -> None:
    assert client.get(reverse("portal:apply_track")).status_code == 200
    response = client.post(reverse("portal:apply_track"), {"tracking_no": "2024-00001"})
    assert response.status_code == 400
    assert "请填写申请编号和查询码" in response.content.decode()
