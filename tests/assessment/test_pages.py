"""The assessment pages over HTTP: the dashboard renders without JavaScript with its numbers in
tables, leaders read and change nothing, the score table downloads as a workbook that reads back,
and the rectification pages take a unit through its steps (prefilled from a monitoring link)."""

from __future__ import annotations

import io
import re
from typing import Any

import pytest
import time_machine
from django.test import Client
from django.urls import reverse
from openpyxl import load_workbook

from gongkai.assessment import services
from gongkai.assessment.models import IndicatorSet, Measure, Rectification, RectificationStatus
from gongkai.orgs.models import Unit, User
from tests.assessment.conftest import apply, make_set, put
from tests.factories import UnitFactory

pytestmark = pytest.mark.django_db
NOW = "2024-11-05 10:00 +0800"


def login(client: Client, user: User) -> Client:
    client.force_login(user)
    return client


@pytest.fixture
def data(units: dict[str, Unit]) -> dict[str, Unit]:
    put(units["mzj"], "2024-01-15 10:00", n=7)
    put(units["mzj"], "2024-10-15 10:00", n=4)
    put(units["village"], "2024-10-20 10:00", n=9)
    put(units["county"], "2024-10-20 10:00", n=2)
    apply(units["mzj"], due="2024-10-10", replied="2024-10-09")
    apply(units["mzj"], due="2024-10-12")
    return units


@time_machine.travel(NOW, tick=False)
def test_dashboard_renders_without_javascript_with_its_numbers(
    client: Client, office: User, data: dict[str, Unit], county: Unit
) -> None:
    UnitFactory(code="XSS", name="<script>alert(1)</script>", kind="department", parent=county)
    page = login(client, office).get(reverse("assessment:dashboard"), {"year": 2024})
    assert page.status_code == 200
    html = page.content.decode()
    assert "<script" not in html.lower().replace("&lt;script", "")
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert html.count('role="img"') == 5
    assert "2024年各月主动公开政府信息数（按单位类别）（数据表）" in html
    # The trend table: October has 4 departmental items, 9 township items, 2 account items.
    october = re.search(r"<th scope=\"row\">10月</th>(.*?)</tr>", html)
    assert october is not None
    assert re.findall(r">(\S+?)</td>", october.group(1)) == ["4条", "9条", "2条"]
    assert re.search(r"<th scope=\"row\">12月</th><td class=\"num\">—</td>", html)
    assert "琴江镇" in html and "县民政局" in html
    assert "50.0%" in html  # one of two replies on time


@time_machine.travel(NOW, tick=False)
def test_dashboard_ranks_by_score_when_the_year_has_a_set(
    client: Client, leader: User, data: dict[str, Unit]
) -> None:
    make_set()
    page = login(client, leader).get(reverse("assessment:dashboard"))
    assert page.status_code == 200
    assert "考核得分排名" in page.content.decode()


def test_dashboard_is_for_the_office_and_leaders(
    client: Client, editor: User, data: dict[str, Unit]
) -> None:
    assert login(client, editor).get(reverse("assessment:dashboard")).status_code == 403


@time_machine.travel(NOW, tick=False)
def test_dashboard_queries_do_not_grow_with_units(
    client: Client,
    office: User,
    data: dict[str, Unit],
    county: Unit,
    django_assert_max_num_queries: Any,
) -> None:
    make_set()
    for n in range(30):
        unit = UnitFactory(code=f"D{n:02d}", name=f"部门{n}", kind="department", parent=county)
        put(unit, "2024-03-01 10:00")
    login(client, office)
    # +1: the footer's site settings (国办发〔2017〕47号), read once a page.
    with django_assert_max_num_queries(15):
        client.get(reverse("assessment:dashboard"))


@time_machine.travel(NOW, tick=False)
def test_score_table_page_and_workbook(
    client: Client, office: User, leader: User, data: dict[str, Unit]
) -> None:
    made = make_set()
    manual = made.indicators.get(measure=Measure.MANUAL)
    services.manual_score_enter(
        actor=office, indicator=manual, unit=data["mzj"], points=8, note="图解解读1篇"
    )
    page = login(client, leader).get(made.get_absolute_url(), {"as_of": "2024-10-31"})
    html = page.content.decode()
    assert page.status_code == 200
    assert "县民政局" in html and "图解解读1篇" in html
    assert reverse("assessment:set_freeze", args=[made.pk]) not in html  # no freezing form
    assert "录入得分" not in html

    response = client.get(reverse("assessment:set_xlsx", args=[made.pk]), {"as_of": "2024-10-31"})
    book = load_workbook(io.BytesIO(response.content))
    sheet = book["县直部门和单位"]
    rows = list(sheet.iter_rows(values_only=True))
    assert "统计截至2024-10-31" in str(rows[0][0])
    assert rows[1][:2] == ("名次", "单位")
    assert rows[1][-1] == "总分（60分）"
    by_unit = {r[1]: r for r in rows[2:]}
    assert by_unit["县民政局"][7] == 8  # the 政策解读 column
    assert by_unit["县民政局"][-1] == pytest.approx(sum(v or 0 for v in by_unit["县民政局"][2:-1]))
    assert set(book.sheetnames) == {"县直部门和单位", "乡镇", "计分依据"}


@time_machine.travel(NOW, tick=False)
def test_office_freezes_from_the_page(client: Client, office: User, data: dict[str, Unit]) -> None:
    made = make_set()
    login(client, office)
    response = client.post(
        reverse("assessment:set_freeze", args=[made.pk]), {"as_of": "2024-10-31"}
    )
    assert response.status_code == 302
    html = client.get(made.get_absolute_url()).content.decode()
    assert "得分不再变化" in html


@time_machine.travel(NOW, tick=False)
def test_leaders_cannot_change_anything(
    client: Client, leader: User, data: dict[str, Unit]
) -> None:
    made = make_set()
    login(client, leader)
    assert (
        client.post(
            reverse("assessment:set_freeze", args=[made.pk]), {"as_of": "2024-10-31"}
        ).status_code
        == 403
    )
    assert client.get(reverse("assessment:rectification_new")).status_code == 403
    manual = made.indicators.get(measure=Measure.MANUAL)
    posted = client.post(
        reverse("assessment:manual_scores", args=[manual.pk]),
        {"unit": "MZJ", "points": "5", "note": "x"},
    )
    assert posted.status_code == 403


@time_machine.travel(NOW, tick=False)
def test_rectification_pages_from_a_monitoring_link_to_closing(
    client: Client, office: User, editor: User, other_editor: User, data: dict[str, Unit]
) -> None:
    login(client, office)
    page = client.get(
        reverse("assessment:rectification_new"),
        {"unit": "MZJ", "title": "“通知公告”栏目已200天未更新", "source": "monitoring",
         "description": "<b>栏目</b>"},
    )  # fmt: skip
    html = page.content.decode()
    assert '<option value="MZJ" selected>' in html
    assert "“通知公告”栏目已200天未更新" in html
    assert "&lt;b&gt;栏目&lt;/b&gt;" in html
    created = client.post(
        reverse("assessment:rectification_new"),
        {"unit": "MZJ", "title": "栏目未更新", "source": "monitoring", "description": "",
         "found_on": "2024-11-01", "deadline": "2024-11-04"},
    )  # fmt: skip
    item = Rectification.objects.get()
    assert created.url == item.get_absolute_url()  # type: ignore[attr-defined]
    listing = client.get(reverse("assessment:rectifications")).content.decode()
    assert "逾期未整改" in listing and listing.count("栏目未更新") == 2  # overdue and in the list

    other = Client()
    login(other, other_editor)
    assert other.get(item.get_absolute_url()).status_code == 404
    assert (
        other.post(
            reverse("assessment:rectification_report", args=[item.pk]), {"text": "x"}
        ).status_code
        == 404
    )

    unit_client = Client()
    login(unit_client, editor)
    assert "报送整改情况" in unit_client.get(item.get_absolute_url()).content.decode()
    unit_client.post(reverse("assessment:rectification_report", args=[item.pk]), {"text": "已更新"})
    item.refresh_from_db()
    assert item.status == RectificationStatus.REPORTED
    assert (
        unit_client.post(reverse("assessment:rectification_close", args=[item.pk]), {}).status_code
        == 403
    )

    client.post(reverse("assessment:rectification_close", args=[item.pk]), {"note": "已复查"})
    item.refresh_from_db()
    assert item.status == RectificationStatus.CLOSED
    assert "整改销号" in client.get(item.get_absolute_url()).content.decode()


@time_machine.travel(NOW, tick=False)
def test_indicator_pages(client: Client, office: User, data: dict[str, Unit]) -> None:
    login(client, office)
    client.post(
        reverse("assessment:sets"), {"year": 2024, "name": "2024年度考核", "description": ""}
    )
    created = IndicatorSet.objects.get(year=2024)
    response = client.post(
        reverse("assessment:indicator_add", args=[created.pk]),
        {"name": "发布数量", "weight": "20", "measure": "volume", "target_department": "100",
         "target_township": "200", "criteria": "按月报统计"},
    )  # fmt: skip
    assert response.status_code == 302
    indicator = created.indicators.get()
    assert indicator.targets == {"department": 100, "township": 200}
    page = client.get(created.get_absolute_url()).content.decode()
    assert "发布数量" in page and "按月报统计" in page
    edit = client.get(reverse("assessment:indicator_edit", args=[indicator.pk])).content.decode()
    assert 'value="100"' in edit
