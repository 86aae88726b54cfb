"""The office's monthly report pages: the month chooser, the report, its Word download and the
form for the editor-written parts; office only."""

from __future__ import annotations

import io
from typing import Any

import docx
import pytest
import time_machine
from django.test import Client

from gongkai.core.models import AuditEntry
from gongkai.orgs.models import Unit, User
from gongkai.reports.models import MonthlyReport
from tests.reports.test_monthly import october, small_county  # noqa: F401 - fixtures

pytestmark = pytest.mark.django_db
REPORT = "/staff/reports/monthly/2024/10/"


@pytest.fixture(autouse=True)
def _today() -> Any:
    with time_machine.travel("2024-11-05 10:00 +0800", tick=False):
        yield


def test_office_sees_the_report_with_its_tables(
    client: Client,
    office: User,
    october: dict[str, Unit],  # noqa: F811
) -> None:
    client.force_login(office)
    page = client.get(REPORT).content.decode()
    assert "石城县政务公开月报" in page
    for heading in ("〔日常监测基本情况〕", "〔存在问题〕", "〔下一步工作要求〕"):
        assert heading in page
    assert "县政府门户网站累计主动公开政府信息37条" in page
    assert '<div class="table-scroll">' in page
    assert "县城市社区管委会" in page
    assert page.count('aria-label="当月未上传政府信息"') == 2  # 县气象局, 县城市社区管委会
    assert "“基层政务公开标准化规范化专栏”来稿情况统计表" in page


def test_month_chooser_redirects_to_the_report(client: Client, office: User) -> None:
    client.force_login(office)
    assert client.get("/staff/reports/monthly/").status_code == 200
    response = client.get("/staff/reports/monthly/", {"year": "2024", "month": "10"})
    assert response.status_code == 302
    assert response["Location"] == REPORT
    assert client.get("/staff/reports/monthly/2024/13/").status_code == 404


def test_docx_download(client: Client, office: User, october: dict[str, Unit]) -> None:  # noqa: F811
    client.force_login(office)
    response = client.get(REPORT + "docx/")
    assert response.status_code == 200
    assert "attachment" in response["Content-Disposition"]
    document = docx.Document(io.BytesIO(response.content))
    assert document.paragraphs[0].text == "石城县政务公开月报"
    assert len(document.tables) == 3


@pytest.mark.parametrize("path", ["", "docx/", "edit/"])
def test_others_are_refused(client: Client, editor: User, path: str) -> None:
    client.force_login(editor)
    assert client.get(REPORT + path).status_code == 403
    assert client.get("/staff/reports/monthly/").status_code == 403


def test_anonymous_is_sent_to_login(client: Client) -> None:
    assert client.get(REPORT).status_code == 302


def test_edit_form_saves_the_editor_parts(
    client: Client,
    office: User,
    october: dict[str, Unit],  # noqa: F811
) -> None:
    client.force_login(office)
    assert client.get(REPORT + "edit/").status_code == 200
    response = client.post(
        REPORT + "edit/",
        {
            "issue_no": "第2期",
            "issued_on": "2024-11-01",
            "instructions": "",
            "highlights": "琴江镇建成数字化专区。",
            "problems_note": "",
            "next_steps": "请及时更新网站。",
        },
    )
    assert response.status_code == 302
    saved = MonthlyReport.objects.get(year=2024, month=10)
    assert (saved.issue_no, saved.highlights, saved.updated_by) == (
        "第2期",
        "琴江镇建成数字化专区。",
        office,
    )
    entry = AuditEntry.objects.get(action="monthly_report.create")
    assert entry.actor == office
    page = client.get(REPORT).content.decode()
    assert "第2期" in page
    assert "● 琴江镇建成数字化专区。" in page
    assert "2024年11月1日" in page
    client.post(REPORT + "edit/", {"issue_no": "第3期", "issued_on": "bad"})
    assert MonthlyReport.objects.get(year=2024, month=10).issue_no == "第2期"


def test_leaders_read_the_report_but_do_not_edit_it(client: Client, leader: User) -> None:
    client.force_login(leader)
    page = client.get(REPORT)
    assert page.status_code == 200
    assert "编辑期数" not in page.content.decode()
    assert client.get(REPORT + "docx/").status_code == 200
    assert client.get(REPORT + "edit/").status_code == 403
