"""Section 三 of the annual report as a query (国办公开办函〔2021〕30号): its rows and columns are
REFERENCE.md's labels, and on any mix of applications 一 + 二 = （七）总计 + 四 in every column,
with 结转下年度 of one year equal to 上年结转 of the next."""

from __future__ import annotations

import datetime as dt
import itertools
from typing import Any

import pytest

from gongkai.applications import outcomes
from gongkai.applications.models import ApplicantType, Application, Stage
from gongkai.applications.selectors import annual_report_table, report_numbers
from gongkai.orgs.models import Unit

pytestmark = pytest.mark.django_db
D = dt.date
COLUMNS = ["自然人", "商业企业", "科研机构", "社会公益组织", "法律服务机构", "其他", "总计"]
# REFERENCE.md, section 三, in order, with the printed numbering.
LABELS = [
    "一、本年新收政府信息公开申请数量",
    "二、上年结转政府信息公开申请数量",
    "三、本年度办理结果",
    "（一）予以公开",
    "（二）部分公开（区分处理的，只计这一情形，不计其他情形）",
    "（三）不予公开",
    "1.属于国家秘密",
    "2.其他法律行政法规禁止公开",
    "3.危及“三安全一稳定”",
    "4.保护第三方合法权益",
    "5.属于三类内部事务信息",
    "6.属于四类过程性信息",
    "7.属于行政执法案卷",
    "8.属于行政查询事项",
    "（四）无法提供",
    "1.本机关不掌握相关政府信息",
    "2.没有现成信息需要另行制作",
    "3.补正后申请内容仍不明确",
    "（五）不予处理",
    "1.信访举报投诉类申请",
    "2.重复申请",
    "3.要求提供公开出版物",
    "4.无正当理由大量反复申请",
    "5.要求行政机关确认或重新出具已获取信息",
    "（六）其他处理",
    "1.申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请",
    "2.申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请",
    "3.其他",
    "（七）总计",
    "四、结转下年度继续办理",
]
_numbers = itertools.count(1)


def make(
    unit: Unit,
    received: dt.date | None,
    *,
    replied: dt.date | None = None,
    outcome: str = "",
    applicant_type: str = ApplicantType.NATURAL,
    stage: str | None = None,
    **fields: Any,
) -> Application:
    if stage is None:
        stage = Stage.HANDLING if replied is None else Stage.REPLIED
    return Application.objects.create(
        tracking_no=f"T-{next(_numbers):05d}",
        query_code_digest="",
        unit=unit,
        account_unit=fields.pop("account_unit", unit),
        channel="in_person",
        applicant_type=applicant_type,
        applicant_name="某",
        description="某",
        submitted_on=received or D(2024, 12, 30),
        received_on=received,
        replied_on=replied,
        outcome=outcome,
        stage=stage,
        **fields,
    )


def test_rows_and_columns_are_the_reference_labels(department: Unit) -> None:
    table = annual_report_table(2024)
    assert table["year"] == 2024
    assert table["columns"] == COLUMNS
    assert [row["label"] for row in table["rows"]] == LABELS
    names = [row["name"] for row in table["rows"] if row["values"] is not None]
    assert names[:4] == [
        "本年新收政府信息公开申请数量",
        "上年结转政府信息公开申请数量",
        "予以公开",
        "部分公开",
    ]
    assert names[-2:] == ["总计", "结转下年度继续办理"]
    assert len(names) == 2 + 2 + 8 + 3 + 5 + 3 + 1 + 1
    for row in table["rows"]:
        if row["values"] is not None:
            assert list(row["values"]) == COLUMNS
            assert set(row["values"].values()) == {0}


@pytest.fixture
def mix(department: Unit, other_department: Unit) -> list[Application]:
    """Applications of two units over 2023–2025, of every applicant type and many outcomes."""
    types = list(ApplicantType.values)
    codes = [o.code for o in outcomes.OUTCOMES]
    found = []
    for i in range(60):
        unit = department if i % 3 else other_department
        received = D(2023, 6, 1) + dt.timedelta(days=17 * i)  # 2023-06-01 .. 2026-01
        if received > D(2025, 12, 31):
            received = D(2025, 12, 1)
        applicant_type = types[i % len(types)]
        if i % 4 == 0:  # still open
            found.append(make(unit, received, applicant_type=applicant_type))
        else:
            replied = received + dt.timedelta(days=10 + 9 * (i % 5))  # some cross a year end
            found.append(
                make(
                    unit,
                    received,
                    replied=replied,
                    outcome=codes[i % len(codes)],
                    applicant_type=applicant_type,
                    stage=Stage.CLOSED
                    if codes[i % len(codes)] in {"lapsed", "fee_unpaid"}
                    else Stage.ARCHIVED,
                )
            )
    # Not received yet (an online application awaiting confirmation): counted nowhere.
    make(department, None, stage=Stage.AWAITING_RECEIPT)
    # Routed inside the unified intake: one application, counted once at its account unit.
    found.append(make(other_department, D(2024, 12, 20)))
    found.append(
        make(
            other_department,
            D(2024, 12, 23),
            replied=D(2025, 1, 20),
            outcome="grant",
            account_unit=department,  # routed after the year end: stays in the books it was in
        )
    )
    return found


@pytest.mark.parametrize("year", [2023, 2024, 2025])
def test_new_plus_carried_over_equals_handled_plus_carried_forward(
    mix: list[Application], year: int
) -> None:
    numbers = report_numbers(annual_report_table(year))
    outcome_rows = [
        name
        for name in numbers
        if name
        not in {
            "本年新收政府信息公开申请数量",
            "上年结转政府信息公开申请数量",
            "总计",
            "结转下年度继续办理",
        }
    ]
    for column in COLUMNS:
        new = numbers["本年新收政府信息公开申请数量"][column]
        carried = numbers["上年结转政府信息公开申请数量"][column]
        total = numbers["总计"][column]
        forward = numbers["结转下年度继续办理"][column]
        assert new + carried == total + forward, (year, column)
        assert total == sum(numbers[name][column] for name in outcome_rows)
    for name, values in numbers.items():
        assert values["总计"] == sum(values[c] for c in COLUMNS[:-1]), name
    # The table is not trivially zero.
    assert numbers["本年新收政府信息公开申请数量"]["总计"] > 5
    assert numbers["总计"]["总计"] > 5


def test_carried_forward_is_next_years_carried_over(mix: list[Application]) -> None:
    for year in (2023, 2024):
        this = report_numbers(annual_report_table(year))
        following = report_numbers(annual_report_table(year + 1))
        assert this["结转下年度继续办理"] == following["上年结转政府信息公开申请数量"]


def test_counting_rules(department: Unit, other_department: Unit) -> None:
    make(department, D(2023, 12, 20), replied=D(2024, 1, 10), outcome="grant")  # carried over
    make(department, D(2023, 11, 1), replied=D(2023, 12, 1), outcome="grant")  # 2023 only
    make(department, D(2023, 12, 28))  # carried over, still open: carried forward too
    make(department, D(2024, 3, 1), replied=D(2024, 3, 20), outcome="secret",
         applicant_type=ApplicantType.BUSINESS)  # fmt: skip
    make(department, D(2024, 5, 1), replied=D(2024, 5, 20), outcome="lapsed",
         applicant_type=ApplicantType.RESEARCH, stage=Stage.CLOSED)  # fmt: skip
    make(other_department, D(2024, 12, 30), replied=D(2025, 1, 3), outcome="partial",
         applicant_type=ApplicantType.LEGAL)  # fmt: skip
    # Routed from the department in June: counted once, at the unit that answered.
    make(other_department, D(2024, 6, 3), replied=D(2024, 6, 20), outcome="not_held",
         applicant_type=ApplicantType.CHARITY)  # fmt: skip
    numbers = report_numbers(annual_report_table(2024))
    assert numbers["本年新收政府信息公开申请数量"] == {
        "自然人": 0, "商业企业": 1, "科研机构": 1, "社会公益组织": 1, "法律服务机构": 1, "其他": 0, "总计": 4
    }  # fmt: skip
    assert numbers["上年结转政府信息公开申请数量"]["自然人"] == 2
    assert numbers["予以公开"]["自然人"] == 1
    assert numbers["属于国家秘密"]["商业企业"] == 1
    assert numbers["本机关不掌握相关政府信息"]["社会公益组织"] == 1
    assert (
        numbers["申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请"]["科研机构"] == 1
    )
    assert numbers["部分公开"]["总计"] == 0
    assert numbers["总计"]["总计"] == 4
    assert numbers["结转下年度继续办理"] == {
        "自然人": 1, "商业企业": 0, "科研机构": 0, "社会公益组织": 0, "法律服务机构": 1, "其他": 0, "总计": 2
    }  # fmt: skip
    # One unit's table.
    mine = report_numbers(annual_report_table(2024, units=[other_department]))
    assert mine["本年新收政府信息公开申请数量"]["总计"] == 2
    assert mine["结转下年度继续办理"]["总计"] == 1
