"""The figures of the 政务公开月报 (seed 003): year-to-date and month counts per unit by 发布日期 in
local time, the group totals and the top three, the ● marks, the problems found in the month and
the column-contribution table; with a fixed number of queries however many units there are."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext

from gongkai.orgs.models import Role, Unit, UnitKind, User
from gongkai.publications import services
from gongkai.publications.models import (
    Column,
    DocKind,
    FiveClass,
    Publication,
    PublicationStatus,
    TopicCategory,
)
from gongkai.reports.models import MonthlyReport
from gongkai.reports.monthly import monthly_report, paragraphs
from tests.factories import MembershipFactory, UnitFactory, UserFactory
from tests.publications.conftest import ID_NUMBER, publication_values

pytestmark = pytest.mark.django_db
CST = dt.timezone(dt.timedelta(hours=8))


def at(text: str) -> dt.datetime:
    """A moment in Beijing time: ``at("2024-10-31 23:30")``."""
    return dt.datetime.fromisoformat(text).replace(tzinfo=CST)


def put(unit: Unit, when: dt.datetime, *, n: int = 1, column: str = "news", **extra: Any) -> None:
    """Published items of ``unit`` at ``when``, written straight to the table (the counts only
    read status, unit, column and 发布日期)."""
    status = extra.pop("status", PublicationStatus.PUBLISHED)
    for _ in range(n):
        Publication.objects.create(
            unit=unit,
            issuer=unit.name,
            title="工作动态",
            written_on=when.date(),
            published_at=when,
            topic=TopicCategory.objects.get(code="0100"),
            five_class=FiveClass.RESULT,
            column=Column.objects.get(code=column),
            status=status,
            **extra,
        )


def staff_of(unit: Unit) -> tuple[User, User]:
    """An editor and a reviewer of ``unit``."""
    editor = UserFactory(username=f"{unit.code.lower()}_e")
    MembershipFactory(user=editor, unit=unit, role=Role.EDITOR)
    reviewer = UserFactory(username=f"{unit.code.lower()}_r")
    MembershipFactory(user=reviewer, unit=unit, role=Role.REVIEWER)
    return editor, reviewer


def publish(unit: Unit, when: str, *, override_reason: str = "", **values: Any) -> Publication:
    """Draft, submit and approve an item through the services at ``when`` (Beijing time)."""
    editor = User.objects.filter(username=f"{unit.code.lower()}_e").first()
    reviewer = User.objects.filter(username=f"{unit.code.lower()}_r").first()
    if editor is None or reviewer is None:
        editor, reviewer = staff_of(unit)
    with time_machine.travel(at(when), tick=False):
        item = services.publication_create(
            actor=editor, unit=unit, values=publication_values(**values)
        )
        services.publication_submit(actor=editor, publication=item)
        return services.publication_approve(
            actor=reviewer, publication=item, override_reason=override_reason
        )


@pytest.fixture
def small_county(
    county: Unit,
    office_unit: Unit,
    department: Unit,
    other_department: Unit,
    township: Unit,
    village: Unit,
) -> dict[str, Unit]:
    """The county of tests/conftest.py plus a stationed unit, a second township and the urban
    community committee: 县民政局, 县住建局, 县气象局 | 琴江镇 (with a village), 高田镇, 社区管委会."""
    stationed = UnitFactory(
        code="QXJ", name="县气象局", kind=UnitKind.STATIONED, parent=county, sort_order=5
    )
    second = UnitFactory(
        code="GTZ", name="高田镇", kind=UnitKind.TOWNSHIP, parent=county, sort_order=6
    )
    community = UnitFactory(
        code="SQW", name="县城市社区管委会", kind=UnitKind.COMMUNITY, parent=county, sort_order=7
    )
    return {
        "county": county,
        "office": office_unit,
        "mzj": department,
        "zjj": other_department,
        "qxj": stationed,
        "qjz": township,
        "village": village,
        "gtz": second,
        "sqw": community,
    }


@pytest.fixture
def october(small_county: dict[str, Unit]) -> dict[str, Unit]:
    """Items of 2024 in every group, around the October 2024 boundaries."""
    u = small_county
    put(u["mzj"], at("2024-01-01 00:10"), n=3)  # year-to-date only (Jan 1 local time)
    put(u["mzj"], at("2023-12-31 23:50"), n=5)  # last year: not counted
    put(u["mzj"], at("2024-10-31 23:30"), n=2)  # October, local time (15:30 UTC)
    put(u["mzj"], at("2024-11-01 00:05"), n=4)  # November: not counted
    put(u["zjj"], at("2024-10-01 00:00"), n=1)  # first moment of October
    put(u["zjj"], at("2024-09-30 23:59"), n=6)  # September
    put(u["qxj"], at("2024-03-05 10:00"), n=6)  # nothing in October: ●
    put(u["qjz"], at("2024-10-15 09:00"), n=4, column="standardization")
    put(u["village"], at("2024-10-16 09:00"), n=3)  # counts under 琴江镇
    put(u["gtz"], at("2024-10-20 09:00"), n=7)
    put(u["gtz"], at("2024-10-20 09:00"), n=2, status=PublicationStatus.WITHDRAWN)
    put(u["gtz"], at("2024-10-20 09:00"), n=2, status=PublicationStatus.SUBMITTED)
    put(u["county"], at("2024-10-08 09:00"), n=2)
    put(u["office"], at("2024-02-08 09:00"), n=3, column="standardization")
    # 县城市社区管委会 published nothing at all: listed with 0 and ●.
    return u


def by_unit(report: dict[str, Any]) -> dict[str, tuple[int, int, bool]]:
    return {r["unit"]: (r["year_to_date"], r["month"], r["marked"]) for r in report["units"]}


def test_counts_per_unit_by_local_publication_date(october: dict[str, Unit]) -> None:
    report = monthly_report(year=2024, month=10)
    assert by_unit(report) == {
        "县民政局": (5, 2, False),
        "县住建局": (7, 1, False),
        "县气象局": (6, 0, True),
        "琴江镇": (7, 7, False),
        "高田镇": (7, 7, False),
        "县城市社区管委会": (0, 0, True),
        "石城县人民政府": (2, 2, False),
        "石城县政务公开办": (3, 0, True),
    }
    assert "琴江镇古樟村" not in by_unit(report)


def test_marks_exactly_when_nothing_was_published_in_the_month(october: dict[str, Unit]) -> None:
    for month in range(1, 13):
        for row in monthly_report(year=2024, month=month)["units"]:
            assert row["marked"] is (row["month"] == 0)


def test_tables_order_by_group_then_year_to_date(october: dict[str, Unit]) -> None:
    report = monthly_report(year=2024, month=10)
    assert [(r["group"], r["unit"]) for r in report["units"]] == [
        ("departments", "县住建局"),
        ("departments", "县气象局"),
        ("departments", "县民政局"),
        ("townships", "琴江镇"),  # ties with 高田镇: unit order
        ("townships", "高田镇"),
        ("townships", "县城市社区管委会"),
        ("accounts", "石城县政务公开办"),
        ("accounts", "石城县人民政府"),
    ]


def test_group_totals_and_top_three(october: dict[str, Unit]) -> None:
    report = monthly_report(year=2024, month=10)
    groups = report["groups"]
    assert groups["departments"] == {
        "label": "县直部门和单位",
        "units": 3,
        "year_to_date": 18,
        "month": 3,
        "marked": 1,
        "top_year_to_date": ["县住建局", "县气象局", "县民政局"],
        "top_month": ["县民政局", "县住建局"],  # 县气象局 published nothing: no rank
    }
    assert groups["townships"]["year_to_date"] == 14
    assert groups["townships"]["month"] == 14
    assert groups["townships"]["top_year_to_date"] == ["琴江镇", "高田镇"]
    assert groups["accounts"]["label"] == "管理员帐号"
    assert (groups["accounts"]["year_to_date"], groups["accounts"]["month"]) == (5, 2)
    assert report["total"] == {"year_to_date": 37, "month": 19}


def test_month_boundaries_in_local_time(october: dict[str, Unit]) -> None:
    september = by_unit(monthly_report(year=2024, month=9))
    november = by_unit(monthly_report(year=2024, month=11))
    january = by_unit(monthly_report(year=2024, month=1))
    assert september["县住建局"] == (6, 6, False)
    assert september["县民政局"] == (3, 0, True)
    assert november["县民政局"] == (9, 4, False)
    assert january["县民政局"] == (3, 3, False)  # 2023-12-31 23:50 is last year


def test_withdrawn_items_are_not_counted(small_county: dict[str, Unit]) -> None:
    department = small_county["mzj"]
    item = publish(department, "2024-10-10 10:00")
    publish(department, "2024-10-11 10:00", title="第二条")
    _, reviewer = User.objects.get(username="mzj_e"), User.objects.get(username="mzj_r")
    with time_machine.travel(at("2024-10-12 10:00"), tick=False):
        services.publication_withdraw(actor=reviewer, publication=item, reason="内容有误")
    assert by_unit(monthly_report(year=2024, month=10))["县民政局"] == (1, 1, False)


def test_every_department_and_township_is_listed_in_an_empty_county(
    small_county: dict[str, Unit],
) -> None:
    report = monthly_report(year=2024, month=10)
    assert {r["unit"] for r in report["units"] if r["group"] != "accounts"} == {
        "县民政局",
        "县住建局",
        "县气象局",
        "琴江镇",
        "高田镇",
        "县城市社区管委会",
    }
    assert all(r["marked"] and r["month"] == 0 for r in report["units"])
    assert report["groups"]["departments"]["top_year_to_date"] == []
    assert report["problems"]["interpretation"]["rate"] == "无"
    assert report["new_media"] is None


def test_json_shape(october: dict[str, Unit]) -> None:
    report = monthly_report(year=2024, month=10)
    assert json.loads(json.dumps(report, ensure_ascii=False)) == report
    assert {"year", "month", "units", "groups", "new_media", "problems", "contributions"} <= set(
        report
    )
    assert (report["year"], report["month"]) == (2024, 10)
    assert report["year_to_date_label"] == "1-10月"
    assert set(report["units"][0]) == {"unit", "group", "year_to_date", "month", "marked"}
    assert set(report["groups"]) == {"departments", "townships", "accounts"}
    assert report["editor"]["saved"] is False


def test_contribution_table_counts_the_standardization_column(
    october: dict[str, Unit],
) -> None:
    contributions = monthly_report(year=2024, month=10)["contributions"]
    assert contributions["column"] == "基层政务公开标准化规范化专栏"
    rows = {r["unit"]: (r["year_to_date"], r["month"]) for r in contributions["units"]}
    assert rows == {
        "县民政局": (0, 0),
        "县住建局": (0, 0),
        "县气象局": (0, 0),
        "琴江镇": (4, 4),
        "高田镇": (0, 0),
        "县城市社区管委会": (0, 0),
    }


def test_stale_columns_as_of_the_end_of_the_month(october: dict[str, Unit]) -> None:
    with time_machine.travel(at("2025-01-10 10:00")):
        stale = monthly_report(year=2024, month=10)["problems"]["stale_columns"]
    by_name = {s["column"]: s for s in stale}
    # 工作动态 (14 days) last updated 2024-10-31: fresh on 31 October.
    assert "工作动态" not in by_name
    # 专栏 (14 days) last updated on 15 October: 16 days idle.
    assert by_name["基层政务公开标准化规范化专栏"]["idle_days"] == 16
    assert by_name["基层政务公开标准化规范化专栏"]["latest"] == "2024-10-15"
    # 通知公告 (183 days) never updated.
    assert by_name["通知公告"]["idle_days"] is None


def test_findings_of_the_month_per_unit(small_county: dict[str, Unit]) -> None:
    department = small_county["mzj"]
    publish(
        department,
        "2024-10-09 10:00",
        title="低保名单公示",
        body=f"<p>张三，身份证号{ID_NUMBER}。</p>",
        override_reason="经本人书面同意公开",
    )
    publish(department, "2024-10-10 10:00", title="工作总结", body="<p>必竟如此，一如继往。</p>")
    publish(department, "2024-09-10 10:00", title="九月", body="<p>必竟如此。</p>")
    findings = monthly_report(year=2024, month=10)["problems"]["findings"]
    assert findings == [
        {
            "unit": "县民政局",
            "wrong_words": 2,
            "sensitive_words": 0,
            "personal_data_items": 1,
            "personal_data_kinds": ["身份证号"],
        }
    ]


def test_interpretation_rate_counts_county_policy_documents(
    small_county: dict[str, Unit],
) -> None:
    put(small_county["county"], at("2024-05-05 10:00"), n=2, doc_kind=DocKind.NORMATIVE)
    put(small_county["mzj"], at("2024-05-05 10:00"), doc_kind=DocKind.POLICY)
    interpretation = monthly_report(year=2024, month=10)["problems"]["interpretation"]
    assert interpretation["documents"] == 2  # the county government's only
    assert interpretation["interpreted"] == 0
    assert interpretation["rate"] == "0%"


def test_interpretation_rate_as_seed_003_prints_it(
    small_county: dict[str, Unit], time_machine: Any
) -> None:
    """10 of the 65 policy documents issued in the county government's name this year were
    interpreted in time: printed 15%, with the documents still in their window left out."""
    time_machine.move_to("2024-11-05 10:00 +0800", tick=False)
    county, office = small_county["county"], small_county["office"]
    put(county, at("2024-03-04 10:00"), n=40, doc_kind=DocKind.POLICY)
    put(office, at("2024-06-03 10:00"), n=25, doc_kind=DocKind.NORMATIVE, validity="valid")
    put(county, at("2024-10-31 10:00"), doc_kind=DocKind.POLICY)  # due 5 November: pending
    documents = Publication.objects.filter(doc_kind__in=(DocKind.POLICY, DocKind.NORMATIVE))
    for document in documents.order_by("pk")[:10]:
        put(county, document.published_at, interprets=document, interpretation_form="text")
    put(county, at("2024-10-08 10:00"), n=3, doc_kind=DocKind.POLICY, status="draft")
    report = monthly_report(year=2024, month=10)
    interpretation = report["problems"]["interpretation"]
    assert (interpretation["documents"], interpretation["interpreted"]) == (65, 10)
    assert interpretation["rate"] == "15%"
    assert interpretation["waiting"] == 1
    line = next(p for p in paragraphs(report)["problems"] if p.startswith("政策解读"))
    assert line == (
        "政策解读：今年以来以县政府（办）名义发布的规范性文件和政策文件共65项，"
        "按时完成政策解读10件，解读比例：15%（另有1项解读期限未到或待定，未计入）。"
    )


def test_editor_parts_come_from_the_saved_report(october: dict[str, Unit]) -> None:
    MonthlyReport.objects.create(
        year=2024,
        month=10,
        issue_no="第2期",
        issued_on=dt.date(2024, 11, 1),
        highlights="琴江镇建成数字化专区。",
        next_steps="请各单位及时更新。",
    )
    editor = monthly_report(year=2024, month=10)["editor"]
    assert editor["saved"] is True
    assert editor["issue_no"] == "第2期"
    assert editor["issued_on"] == "2024-11-01"
    assert editor["highlights"] == "琴江镇建成数字化专区。"
    assert monthly_report(year=2024, month=9)["editor"]["issue_no"] == ""


def test_query_count_does_not_grow_with_units(october: dict[str, Unit]) -> None:
    with CaptureQueriesContext(connection) as few:
        monthly_report(year=2024, month=10)
    county = october["county"]
    for n in range(30):
        unit = UnitFactory(
            code=f"D{n:03d}", name=f"县单位{n}", kind=UnitKind.DEPARTMENT, parent=county
        )
        put(unit, at("2024-10-02 10:00"))
    with CaptureQueriesContext(connection) as many:
        report = monthly_report(year=2024, month=10)
    assert len(many) == len(few)
    assert report["groups"]["departments"]["units"] == 33


def test_month_out_of_range_is_refused(db: Any) -> None:
    with pytest.raises(ValueError, match="month"):
        monthly_report(year=2024, month=13)
