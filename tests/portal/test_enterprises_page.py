"""The public side of the public enterprises (公共企事业单位, issue 14, docs/adr/0023): the list by
sector (适用主体清单) at /xxgk/enterprises/, their column, the supervising department's page, and
where they are not counted as government units (applications, annual report, assessment, the
monthly report's tables, the 条例 guide)."""

from __future__ import annotations

from typing import Any

import pytest
import time_machine
from django.test import Client
from django.urls import reverse

from gongkai.applications import selectors as application_selectors
from gongkai.applications import services as application_services
from gongkai.assessment.scoring import assessed_units
from gongkai.core.errors import ValidationFailed
from gongkai.orgs.models import Role, Sector, Unit, UnitKind, User
from gongkai.publications.models import Column, Publication
from gongkai.reports import annual, monthly
from tests.factories import MembershipFactory, UnitFactory, UserFactory
from tests.publications.test_services import published

pytestmark = pytest.mark.django_db

TODAY = "2026-05-12 10:00 +0800"


def _staff(username: str, unit: Unit, role: str) -> User:
    """The unit's staff member in ``role``, made on first use."""
    found = User.objects.filter(username=username).first()
    if found is not None:
        return found
    user: User = UserFactory(username=username)
    MembershipFactory(user=user, unit=unit, role=role)
    return user


@pytest.fixture
def sector_units(county: Unit) -> dict[str, Unit]:
    """Two departments and three enterprises: a school under the education department, a
    hospital and a clinic under the health commission."""
    education = UnitFactory(code="JKTJ", name="县教科体局", kind=UnitKind.DEPARTMENT, parent=county)
    health = UnitFactory(code="WJW", name="县卫健委", kind=UnitKind.DEPARTMENT, parent=county)

    def enterprise(code: str, name: str, sector: str, supervisor: Unit, order: int) -> Unit:
        unit: Unit = UnitFactory(
            code=code,
            name=name,
            kind=UnitKind.ENTERPRISE,
            parent=county,
            sector=sector,
            supervisor=supervisor,
            sort_order=order,
        )
        return unit

    return {
        "education": education,
        "health": health,
        # created in the opposite order of the sectors: the page groups them by Sector's order
        "hospital": enterprise("RMYY", "县人民医院", Sector.HEALTH, health, 300),
        "clinic": enterprise("ZYY", "县中医院", Sector.HEALTH, health, 301),
        "school": enterprise("DYZX", "县第一中学", Sector.EDUCATION, education, 302),
    }


def _publish(unit: Unit, title: str, column: str = "enterprises") -> Publication:
    writer = _staff(f"{unit.code.lower()}_editor", unit, Role.EDITOR)
    signer = _staff(f"{unit.code.lower()}_reviewer", unit, Role.REVIEWER)
    return published(
        writer, signer, unit, title=title, doc_number="", column=Column.objects.get(code=column)
    )


@time_machine.travel(TODAY, tick=False)
def test_the_list_groups_enterprises_by_sector_with_supervisor_and_guide(
    client: Client, sector_units: dict[str, Unit], django_assert_max_num_queries: Any
) -> None:
    hospital = sector_units["hospital"]
    guide = _publish(hospital, "县人民医院信息公开指南")
    _publish(hospital, "县人民医院医疗服务价格公示")
    with django_assert_max_num_queries(8):
        page = client.get(reverse("portal:enterprises"))
    assert page.status_code == 200
    html = page.content.decode()
    assert html.index(">教育</h3>") < html.index(">卫生健康</h3>")
    assert html.index("县第一中学") < html.index(">卫生健康</h3>") < html.index("县人民医院")
    assert html.index("县人民医院") < html.index("县中医院")
    assert ">供水</h3>" not in html  # sectors without enterprises are left out
    assert reverse("portal:browse_unit", args=["RMYY"]) in html
    assert reverse("portal:browse_unit", args=["WJW"]) in html
    # the hospital's guide in its row, no one else's (the item is also among the newest)
    assert html.count(f'<a href="{guide.get_absolute_url()}">信息公开指南') == 1
    assert html.count(">信息公开指南<") == 1
    assert "适用主体清单（3家）" in html
    assert "县人民医院医疗服务价格公示" in html  # the column's newest items


@time_machine.travel(TODAY, tick=False)
def test_the_column_lists_their_items_and_links_the_list(
    client: Client, sector_units: dict[str, Unit]
) -> None:
    _publish(sector_units["school"], "县第一中学2026年高一新生招生简章")
    page = client.get(reverse("portal:column", args=["enterprises"]))
    html = page.content.decode()
    assert page.status_code == 200
    assert "公共企事业单位信息公开" in html
    assert "县第一中学2026年高一新生招生简章" in html
    assert reverse("portal:enterprises") in html


def test_the_disclosure_page_and_sitemap_link_the_list(
    client: Client, sector_units: dict[str, Unit]
) -> None:
    for name in ("portal:disclosure", "portal:sitemap"):
        assert reverse("portal:enterprises") in client.get(reverse(name)).content.decode()


@time_machine.travel(TODAY, tick=False)
def test_a_supervising_department_shows_its_enterprises(
    client: Client, sector_units: dict[str, Unit], other_department: Unit
) -> None:
    html = client.get(reverse("portal:browse_unit", args=["WJW"])).content.decode()
    assert "本部门主管的公共企事业单位" in html
    assert "县人民医院" in html and "县中医院" in html and "县第一中学" not in html
    other = client.get(reverse("portal:browse_unit", args=["ZJJ"])).content.decode()
    assert "本部门主管的公共企事业单位" not in other


@time_machine.travel(TODAY, tick=False)
def test_an_enterprise_page_links_its_own_guide_and_has_no_regulation_guide(
    client: Client, sector_units: dict[str, Unit]
) -> None:
    guide = _publish(sector_units["hospital"], "县人民医院信息公开指南")
    html = client.get(reverse("portal:browse_unit", args=["RMYY"])).content.decode()
    assert guide.get_absolute_url() in html
    assert reverse("portal:guide_unit", args=["RMYY"]) not in html
    assert client.get(reverse("portal:guide_unit", args=["RMYY"])).status_code == 404
    school = client.get(reverse("portal:browse_unit", args=["DYZX"])).content.decode()
    assert "信息公开指南" not in school


# ---------------------------------------------------------------------------- exclusions


def test_applications_cannot_be_addressed_to_an_enterprise(
    client: Client, sector_units: dict[str, Unit]
) -> None:
    hospital = sector_units["hospital"]
    assert hospital not in application_selectors.handling_units()
    assert sector_units["health"] in application_selectors.handling_units()
    assert "县人民医院" not in client.get(reverse("portal:apply")).content.decode()
    with pytest.raises(ValidationFailed) as refused:
        application_services.application_submit_online(unit=hospital, values={})
    assert "公共企事业单位不是政府信息公开申请的受理机关" in refused.value.message


def test_assessment_and_the_monthly_tables_leave_enterprises_out(
    sector_units: dict[str, Unit],
) -> None:
    by_id = {u.pk: u for u in Unit.objects.all()}
    assessed = assessed_units(by_id)
    assert sector_units["health"] in assessed
    assert not [u for u in assessed if u.kind == UnitKind.ENTERPRISE]
    with time_machine.travel(TODAY, tick=False):
        _publish(sector_units["hospital"], "县人民医院便民服务承诺")
        report = monthly.monthly_report(year=2026, month=5)
    assert "县人民医院" not in str(report)
    assert "县卫健委" in str(report)


@time_machine.travel(TODAY, tick=False)
def test_the_county_annual_report_counts_government_information_only(
    sector_units: dict[str, Unit],
) -> None:
    _publish(sector_units["hospital"], "县人民医院便民服务承诺")
    _publish(sector_units["health"], "关于做好夏季传染病防控工作的通知", column="notices")
    report = annual.annual_report(year=2026)
    assert "全年主动公开政府信息1条" in report["sections"][annual.OVERVIEW]
    unit_report = annual.annual_report(year=2026, unit=sector_units["health"])
    assert "全年主动公开政府信息1条" in unit_report["sections"][annual.OVERVIEW]
