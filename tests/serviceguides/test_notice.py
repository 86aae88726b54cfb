"""一次告知: the guide on one printable page for the counter — every material with its form and
copies, the conditions, the steps, the time limit, place, fee and phones; a print button that
works under the Content-Security-Policy (print.js, no inline script or style)."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from gongkai.orgs.models import Unit
from gongkai.serviceguides.models import ServiceStatus
from tests.serviceguides.guide_factories import make_guide

pytestmark = pytest.mark.django_db


@pytest.fixture
def service(department: Unit) -> Any:
    return make_guide(department, "最低生活保障审核确认", materials=3, version=4)


def test_the_notice_lists_everything_the_applicant_brings_and_knows(
    client: Client, service: Any
) -> None:
    response = client.get(reverse("banshi:notice", args=[service.pk]))
    assert response.status_code == 200
    html = response.content.decode()
    assert "一次告知单" in html and "石城县民政局" in html
    assert "办理事项：最低生活保障审核确认" in html
    for n in (1, 2, 3):
        assert f"最低生活保障审核确认材料{n}" in html
    assert "原件1份" in html and "复印件2份" in html
    assert "符合最低生活保障审核确认条件的本县户籍居民。" in html
    assert html.index("申请人提交材料") < html.index("作出决定并送达")
    for text in ("法定20个工作日，承诺10个工作日", "县政务服务中心一楼3号窗口", "不收费"):
        assert text in html
    assert "咨询电话：0797-5712345" in html  # an official's phone is shown, not masked
    assert "办事指南第4版" in html
    assert f"/banshi/{service.pk}/" in html  # the full guide's address, for the paper copy


def test_print_button_uses_the_script_file_not_inline_code(client: Client, service: Any) -> None:
    html = client.get(reverse("banshi:notice", args=[service.pk])).content.decode()
    assert "data-print" in html
    assert re.search(r'<script src="[^"]*gongkai/print\.js" defer></script>', html)
    assert not re.search(r"<script(?![^>]*\bsrc=)", html)  # no inline script
    assert " style=" not in html and "<style" not in html and "onclick" not in html


@pytest.mark.parametrize(
    "status", [ServiceStatus.DRAFT, ServiceStatus.SUBMITTED, ServiceStatus.WITHDRAWN]
)
def test_unpublished_guides_have_no_notice(client: Client, department: Unit, status: str) -> None:
    hidden = make_guide(department, "未发布事项", status=status)
    assert client.get(reverse("banshi:notice", args=[hidden.pk])).status_code == 404


def test_notice_in_large_font_mode(client: Client, service: Any) -> None:
    client.cookies["gongkai_large_font"] = "1"
    html = client.get(reverse("banshi:notice", args=[service.pk])).content.decode()
    assert 'class="large-font"' in html and "一次告知单" in html


def test_steps_typed_with_their_own_numbers_are_not_numbered_twice(
    client: Client, department: Unit
) -> None:
    service = make_guide(
        department, "户口迁移", process="1. 申请：提交材料\n2、受理\n第三步：领取3.5寸照片"
    )
    html = client.get(reverse("banshi:notice", args=[service.pk])).content.decode()
    assert "<li>申请：提交材料</li><li>受理</li><li>领取3.5寸照片</li>" in html
