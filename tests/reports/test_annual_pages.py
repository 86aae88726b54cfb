"""The office's annual report pages: the list of a year's reports, one report in the national
layout, its Word file, the edit form, finalizing and reopening; and who may see which."""

from __future__ import annotations

import io
from typing import Any

import docx
import pytest
import time_machine
from django.test import Client
from django.urls import reverse

from gongkai.orgs.models import Role, Unit, User
from gongkai.reports.models import AnnualReport, AnnualStatus
from tests.factories import MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _january() -> Any:
    with time_machine.travel("2025-01-15 10:00 +0800", tick=False):
        yield


def client_for(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def url(name: str, scope: str = "MZJ", year: int = 2024) -> str:
    return reverse(f"reports:{name}", args=[year, scope])


def test_office_sees_every_report(
    county: Unit, department: Unit, other_department: Unit, township: Unit, office: User
) -> None:
    client = client_for(office)
    page = client.get(reverse("reports:annual") + "?year=2024")
    assert page.status_code == 200
    body = page.content.decode()
    for name in ("全县（石城县人民政府）", "县民政局", "县住建局", "琴江镇"):
        assert name in body
    for scope in ("county", "MZJ"):
        page = client.get(url("annual_report", scope))
        assert page.status_code == 200
        body = page.content.decode()
        assert "（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）" in body
        assert "第二十条第（一）项" in body and "未经复议直接起诉" in body
        assert 'class="table-scroll"' in body
        assert "定稿" in body


def test_unit_staff_see_their_own_report_only(
    county: Unit, department: Unit, other_department: Unit, reviewer: User, other_editor: User
) -> None:
    own = client_for(reviewer)
    assert own.get(url("annual_report")).status_code == 200
    assert own.get(url("annual_edit")).status_code == 200
    listing = own.get(reverse("reports:annual") + "?year=2024").content.decode()
    assert "县民政局" in listing and "县住建局" not in listing and "全县（" not in listing
    stranger = client_for(other_editor)
    assert stranger.get(url("annual_report")).status_code == 403
    assert stranger.get(url("annual_docx")).status_code == 403
    assert stranger.get(url("annual_edit")).status_code == 403
    assert stranger.post(url("annual_finalize")).status_code == 403
    assert stranger.post(url("annual_publish")).status_code == 403
    assert stranger.get(url("annual_report", "county")).status_code == 403
    # An editor of the unit reads the report but does not edit it.
    editor = UserFactory(username="mzj_e2")
    MembershipFactory(user=editor, unit=department, role=Role.EDITOR)
    assert client_for(editor).get(url("annual_report")).status_code == 200
    assert client_for(editor).get(url("annual_edit")).status_code == 403


def form_data(**overrides: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "overview": "县民政局认真贯彻条例。",
        "problems": "",
        "other_matters": "",
    }
    data.update(overrides)
    return data


def test_edit_finalize_download_and_reopen(county: Unit, department: Unit, office: User) -> None:
    client = client_for(office)
    # p1_0_0: 行政许可; r_0_0 and r_0_4: 行政复议 结果维持 and 总计.
    response = client.post(url("annual_edit"), form_data(p1_0_0="7", r_0_0="2", r_0_4="3"))
    assert response.status_code == 302
    record = AnnualReport.objects.get(year=2024, unit=department)
    assert record.proactive == {"行政许可": {"本年处理决定数量": 7}}
    assert record.review_litigation["行政复议"]["总计"] == 3
    page = client.get(url("annual_report")).content.decode()
    assert "县民政局认真贯彻条例。" in page
    assert "总计却为3" in page  # the check shows on the page
    refused = client.post(url("annual_finalize"), follow=True).content.decode()
    assert "不能定稿" in refused
    assert AnnualReport.objects.get(pk=record.pk).status == AnnualStatus.DRAFT
    client.post(url("annual_edit"), form_data(p1_0_0="7", r_0_0="2", r_0_4=""))
    client.post(url("annual_finalize"))
    assert AnnualReport.objects.get(pk=record.pk).status == AnnualStatus.FINAL
    locked = client.get(url("annual_edit"), follow=True).content.decode()
    assert "已定稿" in locked
    download = client.get(url("annual_docx"))
    assert download.status_code == 200
    assert download["Content-Type"].startswith("application/vnd.openxmlformats")
    document = docx.Document(io.BytesIO(download.content))
    assert document.paragraphs[0].text == "县民政局2024年政府信息公开工作年度报告"
    published = client.post(url("annual_publish"), follow=True).content.decode()
    assert "已在“政府信息公开年报”栏目发布" in published
    item = AnnualReport.objects.get(pk=record.pk).publication
    assert item is not None and item.get_absolute_url() in published
    assert "在政府信息公开年报栏目发布</button>" not in published  # offered once
    client.post(url("annual_reopen"), {"reason": "行政许可数字有误"})
    assert AnnualReport.objects.get(pk=record.pk).status == AnnualStatus.DRAFT


def test_unknown_unit_and_year(county: Unit, office: User) -> None:
    client = client_for(office)
    assert client.get(url("annual_report", "NOPE")).status_code == 404
    assert client.get(url("annual_report", "county", 2030)).status_code == 404
