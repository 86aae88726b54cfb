"""The demo county fills every heading of the standard column structure (issue 11): no column page
says 暂无, the office's rules are in 政府信息公开制度, 机构职能 and 人事信息 have their pages, the
annual reports are listed by year and unit, and every unit's guide shows its own details."""

from __future__ import annotations

import html
import importlib
import re

from django.test import Client
from django.urls import reverse

from gongkai.core import clock
from gongkai.demo.columns import FILLED_COLUMNS, columns_data
from gongkai.demo.reports import UNIT_REPORTS
from gongkai.monitoring.freshness import column_freshness
from gongkai.orgs.models import Unit, UnitKind
from gongkai.publications.models import Publication, PublicationStatus
from gongkai.reports.models import AnnualReport

COLUMNS = importlib.import_module(
    "gongkai.publications.migrations.0002_standard_topics_and_columns"
).COLUMNS


def _page(client: Client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    return html.unescape(re.sub(r"<[^>]+>", "", response.content.decode()))


def test_no_column_of_the_standard_structure_is_empty(demo: str, client: Client) -> None:
    empty = []
    for code, name, *_rest in COLUMNS:
        page = _page(client, reverse("portal:column", args=[code]))
        assert name in page
        if "暂无" in page:
            empty.append(code)
    assert empty == []
    # Nor does the site monitoring count any of them blank (有栏目无内容, 国办秘函〔2019〕19号).
    blank = [c.code for c in column_freshness(clock.today()) if c.blank]
    assert blank == []


def test_the_offices_rules_are_filed_in_the_rules_column(demo: str, client: Client) -> None:
    page = _page(client, reverse("portal:column", args=["rules"]))
    titles = [rule["title"] for rule in columns_data()["rules"]]
    assert "石城县政府信息公开保密审查制度" in titles and "石城县政策解读工作制度" in titles
    for title in titles:
        assert title in page
    rule = Publication.objects.get(title="石城县政府信息依申请公开工作制度")
    assert rule.status == PublicationStatus.PUBLISHED and rule.unit.code == "GKB"
    assert rule.doc_number.startswith("石府办发〔") and "第九条" in rule.body


def test_functions_and_personnel_have_each_units_pages(demo: str, client: Client) -> None:
    functions = Publication.objects.published().filter(column__code="functions")
    for unit in Unit.objects.filter(kind__in=(UnitKind.DEPARTMENT, UnitKind.TOWNSHIP)):
        titles = set(functions.filter(unit=unit).values_list("title", flat=True))
        assert {t[-4:] for t in titles} == {"主要职责", "内设机构", "领导信息"}, unit.code
    assert functions.filter(title="石城县人民政府领导信息").exists()
    personnel = Publication.objects.published().filter(column__code="personnel")
    assert personnel.filter(
        title__contains="职务任免的通知", doc_number__contains="石府任字"
    ).exists()
    roster = personnel.get(title__endswith="拟聘用人员公示")
    assert "<th>综合成绩</th>" in roster.body
    # Nothing published in the future.
    assert not Publication.objects.published().filter(published_at__gt=clock.now()).exists()


def test_the_columns_items_pass_the_checks_and_number_their_series_in_order(demo: str) -> None:
    items = list(Publication.objects.published().filter(column__code__in=FILLED_COLUMNS))
    # Not even a warning, but a contact landline (issue 8: published on purpose).
    warned = [(p.title, f) for p in items for f in p.findings if f["kind"] != "phone"]
    assert warned == []
    series: dict[tuple[str, int], list[Publication]] = {}
    for p in items:
        if p.doc_number:
            series.setdefault((p.doc_number.split("〔")[0], p.written_on.year), []).append(p)
    assert {prefix for prefix, _year in series} == {"石府办发", "石府任字"}
    for found in series.values():
        found.sort(key=lambda p: (p.written_on, p.published_at))
        numbers = [int(p.doc_number.split("〕")[1].removesuffix("号")) for p in found]
        assert numbers == sorted(set(numbers))


def test_annual_reports_are_listed_by_year_and_unit(demo: str, client: Client) -> None:
    last = clock.today().year - 1
    reports = AnnualReport.objects.filter(publication__status=PublicationStatus.PUBLISHED)
    assert set(reports.filter(unit=None).values_list("year", flat=True)) == {last - 1, last}
    codes = set(
        reports.filter(year=last - 1, unit__isnull=False).values_list("unit__code", flat=True)
    )
    assert codes == set(UNIT_REPORTS)
    url = reverse("portal:column", args=["annual-reports"])
    page = _page(client, url)
    assert f"{last}年度" in page and f"{last - 1}年度" in page
    one_year = _page(client, f"{url}?year={last - 1}")
    assert f"石城县人民政府{last - 1}年政府信息公开工作年度报告" in one_year
    assert f"石城县人民政府{last}年政府信息公开工作年度报告" not in one_year
    assert "县民政局" in one_year and "琴江镇" in one_year


def test_every_units_guide_shows_its_own_details(demo: str, client: Client) -> None:
    units = Unit.objects.filter(
        kind__in=(UnitKind.DEPARTMENT, UnitKind.STATIONED, UnitKind.TOWNSHIP, UnitKind.COMMUNITY)
    )
    for unit in units:
        page = _page(client, reverse("portal:guide_unit", args=[unit.code]))
        assert unit.address and unit.address in page, unit.code
        assert unit.phone in page and unit.office_hours in page and unit.postcode in page
        assert f"{unit.formal_name}政府信息公开指南" in page
    county = _page(client, reverse("portal:guide"))
    office = Unit.objects.get(kind=UnitKind.OFFICE)
    assert office.address in county and "石城县档案馆政府信息查阅中心" in county
    assert "四、其他说明" in county  # the office's added text
