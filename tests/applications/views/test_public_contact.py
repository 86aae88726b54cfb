"""The application form's checks (issue 11): a mainland phone number and a postcode, kept the one
way staff will dial and post them, and every error the form can show in plain Chinese — on the
public form and on the staff register form, which share the fields."""

from __future__ import annotations

import re
from html import unescape
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from gongkai.applications.forms import phone_number, postcode
from gongkai.applications.models import Application
from gongkai.orgs.models import Unit, User
from tests.applications.views.inputs import form_data

pytestmark = pytest.mark.django_db

PHONE_ERROR = "请填写正确的手机号码或固定电话，例如 13800000000 或 0797-1234567。"
POSTCODE_ERROR = "邮政编码是6位数字，例如 342700。"
# What a program says, not an office: Django's default messages in Chinese and English.
FRAMEWORK_WORDING = (
    "变量",
    "字段",
    "输入一个有效的",
    "选择一个有效的",
    "Ensure",
    "This field",
    "Enter a",
    "Select a valid",
)


@pytest.fixture(autouse=True)
def _today(time_machine: Any) -> None:
    time_machine.move_to("2024-09-27 09:00 +0800", tick=False)


@pytest.mark.parametrize(
    ("typed", "kept"),
    [
        ("13800000000", "13800000000"),
        ("138 0000 0000", "13800000000"),
        ("138-0000-0000", "13800000000"),
        ("+86 139 0797 5678", "13907975678"),
        ("１３８００００００００", "13800000000"),
        ("0797-1234567", "0797-1234567"),
        ("0797 5701234", "0797-5701234"),
        ("（0797）5701234", "0797-5701234"),
        ("07975701234", "0797-5701234"),
        ("010-12345678", "010-12345678"),
        ("021 6123 4567", "021-61234567"),
        ("0797-5701234-801", "0797-5701234转801"),
        ("0797-5701234转801", "0797-5701234转801"),
    ],
)
def test_phone_numbers_as_people_type_them(typed: str, kept: str) -> None:
    assert phone_number(typed) == kept


@pytest.mark.parametrize(
    "typed",
    ["12345", "1380000000", "138000000001", "12800000000", "5701234", "010-1234567",
     "0797-0234567", "0797-57012345678", "电话号码", "13800000000 13900000000"],
)  # fmt: skip
def test_what_is_not_a_phone_number(typed: str) -> None:
    assert phone_number(typed) is None


def test_postcodes() -> None:
    assert postcode("342700") == "342700"
    assert postcode("３４２７００") == "342700"
    assert postcode("342 700") == "342700"
    for wrong in ("34270", "3427001", "34270O", "石城"):
        assert postcode(wrong) is None


def _errors(html: str) -> list[str]:
    """Every error the page shows: field errors and the notices above the form."""
    found = re.findall(r'<ul class="errorlist[^"]*"[^>]*>(.*?)</ul>', html, re.S)
    found += re.findall(r'<div class="notice notice-error" role="alert">(.*?)</div>', html, re.S)
    found += re.findall(r'<p class="notice notice-error" role="alert">(.*?)</p>', html, re.S)
    return [unescape(re.sub(r"<[^>]+>", " ", chunk)).strip() for chunk in found]


def test_a_wrong_phone_or_postcode_is_refused_with_an_example(
    client: Client, department: Unit
) -> None:
    response = client.post(
        reverse("portal:apply"), form_data(department, phone="0797-57", postcode="3427")
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert PHONE_ERROR in html and POSTCODE_ERROR in html
    assert "手机号码，或带区号的固定电话，例如 13800000000 或 0797-1234567" in html  # the hint
    assert not Application.objects.exists()


def test_the_phone_and_postcode_are_kept_as_staff_will_use_them(
    client: Client, department: Unit
) -> None:
    data = form_data(department, phone="（0797）570 1234", postcode="３４２７００")
    assert client.post(reverse("portal:apply"), data).status_code == 302
    application = Application.objects.get()
    assert (application.phone, application.postcode) == ("0797-5701234", "342700")


def test_every_error_the_public_form_can_show_is_plain_chinese(
    client: Client, department: Unit
) -> None:
    cases: list[dict[str, Any]] = [
        # Nothing filled in at all.
        {key: "" for key in form_data(department)},
        # Everything too long, or not among the choices.
        {
            **form_data(department),
            "unit": "999999",
            "applicant_type": "somebody",
            "applicant_name": "王" * 201,
            "id_kind": "驾驶证",
            "id_number": "3" * 65,
            "contact_name": "李" * 101,
            "phone": "1" * 41,
            "email": "wang@",
            "address": "路" * 301,
            "postcode": "1" * 11,
            "description": "要" * 5001,
            "info_form": "paper_and_disk",
            "delivery_way": "pigeon",
        },
        # Checked numbers: a wrong ID number, a wrong credit code, no contact at all.
        form_data(department, id_number="360735198506151234", phone="", address=""),
        form_data(department, id_kind="统一社会信用代码", id_number="91360735MA35G1XC6A"),
    ]
    seen: list[str] = []
    for data in cases:
        response = client.post(reverse("portal:apply"), data)
        assert response.status_code == 400
        html = response.content.decode()
        errors = _errors(html)
        assert errors, data
        seen += errors
        for wording in FRAMEWORK_WORDING:
            assert wording not in html, (wording, errors)
    text = "\n".join(seen)
    for expected in (
        "请选择“受理机关”。",
        "请填写“姓名或名称”。",
        "请填写“所需政府信息的名称、文号或者便于查询的其他特征性描述”。",
        "请从列表中选择“受理机关”。",
        "请从列表中选择“申请人类型”。",
        "请从列表中选择“身份证明类型”。",
        "“姓名或名称”最多200个字，现在是201个字，请删减。",
        "“电子邮箱”的格式不对，请检查，例如 name@example.cn。",
        "“所需政府信息的名称、文号或者便于查询的其他特征性描述”最多5000个字，现在是5001个字，请删减。",
        "居民身份证号码有误，请核对（18位，最后一位可能是X）。",
        "统一社会信用代码有误，请核对（18位）。",
        "请至少填写一种联系方式：联系电话、电子邮箱或通信地址。",
        "请按提示修改后重新提交。",
    ):
        assert expected in text, expected
    assert not Application.objects.exists()


def test_the_staff_register_form_checks_the_same_way(
    client: Client, department: Unit, handler: User
) -> None:
    client.force_login(handler)
    data = {
        **form_data(department, phone="5701234", postcode="34270"),
        "channel": "in_person",
        "submitted_on": "2024-09-27",
        "transcribed_by": "",
    }
    response = client.post(reverse("applications:register"), data)
    html = response.content.decode()
    assert PHONE_ERROR in html and POSTCODE_ERROR in html
    response = client.post(reverse("applications:register"), {**data, "submitted_on": "2024-02-30"})
    assert "“提交日期”不是有效的日期，请按 2024-03-01 的格式填写。" in response.content.decode()
    for wording in FRAMEWORK_WORDING:
        assert wording not in response.content.decode(), wording
    assert not Application.objects.exists()
    ok = client.post(
        reverse("applications:register"), {**data, "phone": "0797 5701234", "postcode": "342700"}
    )
    assert ok.status_code == 302
    assert Application.objects.get().phone == "0797-5701234"
