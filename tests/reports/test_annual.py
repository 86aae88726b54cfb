"""The 政府信息公开工作年度报告 (国办公开办函〔2021〕30号): the JSON's shape and verbatim labels,
section 三 equal to the applications query, section 二 counted from normative documents, what the
office enters round-tripping through the service, finalizing refused while a column does not add
up, the Word file read back, and the command line."""

from __future__ import annotations

import datetime as dt
import io
import json
from pathlib import Path
from typing import Any

import docx
import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from docx.oxml.ns import qn

from gongkai.applications.models import ApplicantType
from gongkai.applications.selectors import annual_report_table, report_numbers
from gongkai.core.errors import AccessDenied, InvalidTransition, ValidationFailed
from gongkai.core.models import AuditEntry
from gongkai.orgs.models import Unit, User
from gongkai.publications.models import (
    Column,
    DocKind,
    FiveClass,
    Publication,
    PublicationStatus,
    TopicCategory,
    Validity,
)
from gongkai.reports import annual_docx
from gongkai.reports.annual import annual_report, check_numbers
from gongkai.reports.annual_services import annual_finalize, annual_reopen, annual_save
from gongkai.reports.models import AnnualReport, AnnualStatus
from tests.applications.test_report_table import LABELS, make

pytestmark = pytest.mark.django_db
D = dt.date
CST = dt.timezone(dt.timedelta(hours=8))
COLUMNS = ["自然人", "商业企业", "科研机构", "社会公益组织", "法律服务机构", "其他", "总计"]
ROWS = [
    "本年新收政府信息公开申请数量", "上年结转政府信息公开申请数量", "予以公开", "部分公开",
    "属于国家秘密", "其他法律行政法规禁止公开", "危及“三安全一稳定”", "保护第三方合法权益",
    "属于三类内部事务信息", "属于四类过程性信息", "属于行政执法案卷", "属于行政查询事项",
    "本机关不掌握相关政府信息", "没有现成信息需要另行制作", "补正后申请内容仍不明确",
    "信访举报投诉类申请", "重复申请", "要求提供公开出版物", "无正当理由大量反复申请",
    "要求行政机关确认或重新出具已获取信息",
    "申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请",
    "申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请", "其他", "总计",
    "结转下年度继续办理",
]  # fmt: skip
HEADINGS = [
    "一、总体情况",
    "二、主动公开政府信息情况",
    "三、收到和处理政府信息公开申请情况",
    "四、政府信息公开行政复议、行政诉讼情况",
    "五、存在的主要问题及改进情况",
    "六、其他需要报告的事项",
]
FIVE = ["结果维持", "结果纠正", "其他结果", "尚未审结", "总计"]
NOTE = "（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）"


def some_applications(department: Unit, other: Unit) -> None:
    make(department, D(2023, 12, 20))  # carried over into 2024, still open
    make(department, D(2023, 12, 28), replied=D(2024, 1, 10), outcome="grant")
    make(department, D(2024, 3, 1), replied=D(2024, 3, 20), outcome="partial",
         applicant_type=ApplicantType.BUSINESS)  # fmt: skip
    make(department, D(2024, 5, 1), replied=D(2024, 5, 20), outcome="secret",
         applicant_type=ApplicantType.LEGAL)  # fmt: skip
    make(department, D(2024, 12, 25))  # carried forward
    make(other, D(2024, 6, 1), replied=D(2024, 6, 10), outcome="repeated")


def document(unit: Unit, written: dt.date, kind: str, validity: str, **extra: Any) -> Publication:
    return Publication.objects.create(
        unit=unit,
        issuer=unit.name,
        title="关于印发某办法的通知",
        written_on=written,
        published_at=dt.datetime.combine(written, dt.time(9), tzinfo=CST),
        topic=TopicCategory.objects.get(code="0100"),
        five_class=FiveClass.RESULT,
        column=Column.objects.get(code="news"),
        status=extra.pop("status", PublicationStatus.PUBLISHED),
        doc_kind=kind,
        validity=validity,
        **extra,
    )


# ------------------------------------------------------------------------------- shape


def test_json_shape_and_labels_are_verbatim(county: Unit, department: Unit) -> None:
    report = annual_report(year=2024, unit=department)
    assert report["year"] == 2024
    assert report["unit"] == "县民政局"
    assert report["title"] == "县民政局2024年政府信息公开工作年度报告"
    assert report["status"] == "draft"
    assert report["headings"] == HEADINGS
    assert list(report["applications"]) == ROWS
    for row in ROWS:
        assert list(report["applications"][row]) == COLUMNS
    assert [r["label"] for r in report["application_rows"]] == LABELS
    assert report["proactive"] == {
        "规章": {"本年制发件数": 0, "本年废止件数": 0, "现行有效件数": 0},
        "行政规范性文件": {"本年制发件数": 0, "本年废止件数": 0, "现行有效件数": 0},
        "行政许可": {"本年处理决定数量": 0},
        "行政处罚": {"本年处理决定数量": 0},
        "行政强制": {"本年处理决定数量": 0},
        "行政事业性收费": {"本年收费金额（单位：万元）": 0},
    }
    assert [t["item"] for t in report["proactive_tables"]] == [
        "第二十条第（一）项", "第二十条第（五）项", "第二十条第（六）项", "第二十条第（八）项",
    ]  # fmt: skip
    assert all(t["columns"][0] == "信息内容" for t in report["proactive_tables"])
    assert report["review_litigation"] == {
        group: dict.fromkeys(FIVE, 0) for group in ("行政复议", "未经复议直接起诉", "复议后起诉")
    }
    assert set(report["sections"]) == {"总体情况", "存在的主要问题及改进情况", "其他需要报告的事项"}
    assert report["checks"] == []
    json.dumps(report, ensure_ascii=False)  # serialisable as is


def test_county_report_is_named_for_the_county(county: Unit, department: Unit) -> None:
    report = annual_report(year=2024)
    assert report["unit"] == "石城县人民政府"
    assert report["scope"] == "county"
    assert report["title"] == "石城县人民政府2024年政府信息公开工作年度报告"


# ------------------------------------------------------------------------------- section 三


def test_section_three_is_the_applications_query(
    county: Unit, department: Unit, other_department: Unit
) -> None:
    some_applications(department, other_department)
    unit_report = annual_report(year=2024, unit=department)
    assert unit_report["applications"] == report_numbers(
        annual_report_table(2024, units=[department])
    )
    county_report = annual_report(year=2024)
    assert county_report["applications"] == report_numbers(annual_report_table(2024))
    numbers = unit_report["applications"]
    assert numbers["上年结转政府信息公开申请数量"]["总计"] == 2
    assert numbers["本年新收政府信息公开申请数量"]["总计"] == 3
    assert numbers["部分公开"]["商业企业"] == 1
    assert numbers["属于国家秘密"]["法律服务机构"] == 1
    assert numbers["结转下年度继续办理"]["自然人"] == 2
    assert county_report["applications"]["重复申请"]["总计"] == 1
    assert unit_report["checks"] == [] and county_report["checks"] == []
    assert "收到政府信息公开申请3件" in unit_report["sections"]["总体情况"]
    assert unit_report["generated"] == [
        "总体情况",
        "存在的主要问题及改进情况",
        "其他需要报告的事项",
    ]


def test_check_finds_a_column_that_does_not_add_up() -> None:
    numbers = {row: dict.fromkeys(COLUMNS, 0) for row in ROWS}
    numbers["本年新收政府信息公开申请数量"].update({"自然人": 2, "总计": 2})
    numbers["予以公开"].update({"自然人": 1, "总计": 1})
    numbers["总计"].update({"自然人": 1, "总计": 1})
    review = {g: dict.fromkeys(FIVE, 0) for g in ("行政复议", "未经复议直接起诉", "复议后起诉")}
    problems = check_numbers(numbers, review)
    assert len(problems) == 2  # the 自然人 column and the 总计 column
    assert "“自然人”列" in problems[0]
    numbers["结转下年度继续办理"].update({"自然人": 1, "总计": 1})
    assert check_numbers(numbers, review) == []
    review["行政复议"].update({"结果维持": 2, "总计": 1})
    assert check_numbers(numbers, review) == [
        "四、行政复议：结果维持、结果纠正、其他结果、尚未审结之和为2，总计却为1。"
    ]


# ------------------------------------------------------------------------------- section 二


def test_section_two_counts_normative_documents(county: Unit, department: Unit) -> None:
    N, R = DocKind.NORMATIVE, DocKind.RULE
    document(department, D(2024, 3, 1), N, Validity.VALID)  # issued, valid
    document(department, D(2024, 4, 1), N, Validity.VALID, expires_on=D(2026, 4, 1))
    document(department, D(2022, 1, 1), N, Validity.VALID)  # valid, issued earlier
    document(department, D(2020, 1, 1), N, Validity.REPEALED, expires_on=D(2024, 6, 1))
    document(department, D(2020, 1, 1), N, Validity.EXPIRED, expires_on=D(2025, 6, 1))
    document(department, D(2020, 1, 1), N, Validity.REPEALED)  # no date: the office's to enter
    document(department, D(2025, 1, 5), N, Validity.VALID)  # next year
    document(department, D(2024, 5, 1), N, Validity.VALID, status=PublicationStatus.DRAFT)
    document(department, D(2024, 5, 1), DocKind.ORDINARY, "")
    document(department, D(2024, 7, 1), R, Validity.VALID)
    report = annual_report(year=2024, unit=department)
    assert report["proactive"]["行政规范性文件"] == {
        "本年制发件数": 2,
        "本年废止件数": 1,
        "现行有效件数": 4,  # three valid and the one that lapses only in 2025
    }
    assert report["proactive"]["规章"] == {"本年制发件数": 1, "本年废止件数": 0, "现行有效件数": 1}
    assert report["proactive_sources"]["行政规范性文件"]["本年制发件数"] == "computed"
    assert annual_report(year=2024)["proactive"]["行政规范性文件"]["本年制发件数"] == 2


# ------------------------------------------------------------------------------- writes


def entered() -> dict[str, Any]:
    return {
        "proactive": {
            "行政许可": {"本年处理决定数量": "120"},
            "行政处罚": {"本年处理决定数量": 8},
            "行政强制": {"本年处理决定数量": 0},
            "行政事业性收费": {"本年收费金额（单位：万元）": "12.35"},
            "行政规范性文件": {"本年废止件数": 3},
        },
        "review_litigation": {
            "行政复议": {"结果维持": 2, "结果纠正": 1, "其他结果": 0, "尚未审结": 1},
            "未经复议直接起诉": {"结果维持": 1, "总计": 1},
            "复议后起诉": {},
        },
    }


def test_office_entries_round_trip(county: Unit, department: Unit, office: User) -> None:
    annual_save(
        actor=office,
        year=2024,
        unit=department,
        overview="本年度，县民政局……",
        problems="",
        **entered(),
    )
    report = annual_report(year=2024, unit=department)
    assert report["proactive"]["行政许可"] == {"本年处理决定数量": 120}
    assert report["proactive"]["行政处罚"] == {"本年处理决定数量": 8}
    assert report["proactive"]["行政事业性收费"] == {"本年收费金额（单位：万元）": 12.35}
    assert report["proactive"]["行政规范性文件"]["本年废止件数"] == 3
    assert report["proactive_sources"]["行政规范性文件"]["本年废止件数"] == "entered"
    assert report["review_litigation"]["行政复议"] == {
        "结果维持": 2, "结果纠正": 1, "其他结果": 0, "尚未审结": 1, "总计": 4,
    }  # fmt: skip
    assert report["review_litigation"]["未经复议直接起诉"]["总计"] == 1
    assert report["sections"]["总体情况"] == "本年度，县民政局……"
    assert report["generated"] == ["存在的主要问题及改进情况", "其他需要报告的事项"]
    assert AuditEntry.objects.filter(action="annual_report.save").count() == 1


def test_save_refuses_bad_figures_and_strangers(
    county: Unit, department: Unit, office: User, other_editor: User, reviewer: User
) -> None:
    with pytest.raises(ValidationFailed, match=r"annual|不能为负数"):
        annual_save(
            actor=office, year=2024, unit=department,
            proactive={"行政许可": {"本年处理决定数量": -1}},
        )  # fmt: skip
    with pytest.raises(ValidationFailed, match="整数"):
        annual_save(
            actor=office, year=2024, unit=department,
            review_litigation={"行政复议": {"结果维持": "1.5"}},
        )  # fmt: skip
    with pytest.raises(AccessDenied):
        annual_save(actor=other_editor, year=2024, unit=department, overview="x")
    with pytest.raises(AccessDenied):
        annual_save(actor=reviewer, year=2024, unit=None, overview="x")  # the county's: office
    annual_save(actor=reviewer, year=2024, unit=department, overview="本单位的总体情况")
    assert AnnualReport.objects.get(year=2024, unit=department).overview == "本单位的总体情况"


def test_finalize_refused_while_a_total_does_not_add_up(
    county: Unit, department: Unit, office: User
) -> None:
    annual_save(
        actor=office, year=2024, unit=department,
        review_litigation={"行政复议": {"结果维持": 2, "总计": 3}},
    )  # fmt: skip
    with pytest.raises(ValidationFailed) as refused:
        annual_finalize(actor=office, year=2024, unit=department)
    assert "不能定稿" in refused.value.message
    assert refused.value.problems == [
        "四、行政复议：结果维持、结果纠正、其他结果、尚未审结之和为2，总计却为3。"
    ]
    assert AnnualReport.objects.get(year=2024, unit=department).status == AnnualStatus.DRAFT


def test_finalize_freezes_and_locks_and_office_reopens(
    county: Unit, department: Unit, other_department: Unit, office: User, reviewer: User
) -> None:
    some_applications(department, other_department)
    document(department, D(2024, 3, 1), DocKind.NORMATIVE, Validity.VALID)
    annual_finalize(actor=reviewer, year=2024, unit=department)
    record = AnnualReport.objects.get(year=2024, unit=department)
    assert record.status == AnnualStatus.FINAL and record.finalized_by == reviewer
    assert "收到政府信息公开申请3件" in record.overview  # the generated text, now stored
    # A document written into 2024 afterwards no longer moves the final report.
    document(department, D(2024, 8, 1), DocKind.NORMATIVE, Validity.VALID)
    assert (
        annual_report(year=2024, unit=department)["proactive"]["行政规范性文件"]["本年制发件数"]
        == 1
    )
    with pytest.raises(InvalidTransition) as locked:
        annual_save(actor=office, year=2024, unit=department, overview="改")
    assert "已定稿" in locked.value.message
    with pytest.raises(InvalidTransition):
        annual_finalize(actor=office, year=2024, unit=department)
    with pytest.raises(AccessDenied):
        annual_reopen(actor=reviewer, year=2024, unit=department, reason="有误")
    with pytest.raises(ValidationFailed):
        annual_reopen(actor=office, year=2024, unit=department, reason=" ")
    annual_reopen(actor=office, year=2024, unit=department, reason="复议数字有误")
    assert AnnualReport.objects.get(year=2024, unit=department).status == AnnualStatus.DRAFT
    entry = AuditEntry.objects.get(action="annual_report.reopen")
    assert entry.data == {"reason": "复议数字有误"}
    assert AuditEntry.objects.filter(action="annual_report.finalize").count() == 1


# ------------------------------------------------------------------------------- Word


def same(a: Any, b: Any) -> bool:
    """Whether two grid positions are one merged cell (python-docx maps both to one <w:tc>)."""
    return a._tc is b._tc


def texts(table: Any) -> list[list[str]]:
    return [[cell.text for cell in row.cells] for row in table.rows]


def test_docx_has_the_national_layout(
    county: Unit, department: Unit, other_department: Unit, office: User
) -> None:
    some_applications(department, other_department)
    annual_save(actor=office, year=2024, unit=department, **entered())
    report = annual_report(year=2024, unit=department)
    document = docx.Document(io.BytesIO(annual_docx.render(report)))
    paragraphs = [p.text for p in document.paragraphs if p.text]
    assert paragraphs[0] == "县民政局2024年政府信息公开工作年度报告"
    assert [p for p in paragraphs if p in HEADINGS] == HEADINGS
    tables = document.tables
    assert len(tables) == 6  # four of section 二, then 三 and 四

    # Section 二: a merged title row naming the item, then the header row starting 信息内容.
    items = ["第二十条第（一）项", "第二十条第（五）项", "第二十条第（六）项", "第二十条第（八）项"]
    for table, item, spec in zip(tables[:4], items, report["proactive_tables"], strict=True):
        rows = texts(table)
        assert set(rows[0]) == {item}
        assert same(table.cell(0, 0), table.cell(0, len(rows[0]) - 1))
        assert rows[1] == spec["columns"]
        for row_cells, name in zip(rows[2:], spec["rows"], strict=True):
            assert row_cells[0] == name
            values = [annual_docx.number(report["proactive"][name][c]) for c in spec["columns"][1:]]
            assert row_cells[1:] == values
    assert texts(tables[1])[2] == ["行政许可", "120"]
    assert texts(tables[3])[2] == ["行政事业性收费", "12.35"]

    # Section 三.
    three = tables[4]
    assert len(three.columns) == 10
    assert three.cell(0, 0).text == NOTE
    assert same(three.cell(0, 0), three.cell(2, 2))
    assert three.cell(0, 3).text == "申请人情况" and same(three.cell(0, 3), three.cell(0, 9))
    assert three.cell(1, 3).text == "自然人" and same(three.cell(1, 3), three.cell(2, 3))
    assert three.cell(1, 4).text == "法人或其他组织" and same(three.cell(1, 4), three.cell(1, 8))
    assert three.cell(1, 9).text == "总计" and same(three.cell(1, 9), three.cell(2, 9))
    assert [three.cell(2, c).text for c in range(4, 9)] == COLUMNS[1:6]
    numeric = [r for r in report["application_rows"] if r["values"] is not None]
    assert len(three.rows) == 3 + len(numeric)
    printed: list[str] = []
    for r, row in enumerate(numeric, start=3):
        cells = three.rows[r].cells
        labels = list(dict.fromkeys(c.text for c in cells[:3]))
        printed += [label for label in labels if label not in printed]
        values = [c.text for c in cells[3:]]
        assert values == [str(report["applications"][row["name"]][c]) for c in COLUMNS]
    assert printed == LABELS  # every label, numbering included, in the national order
    outcome = three.cell(5, 0)
    assert outcome.text == "三、本年度办理结果"
    assert same(outcome, three.cell(3 + len(numeric) - 2, 0))  # down to （七）总计
    refused = next(
        r for r in range(3, len(three.rows)) if three.cell(r, 1).text == "（三）不予公开"
    )
    assert same(three.cell(refused, 1), three.cell(refused + 7, 1))
    assert three.cell(refused, 2).text == "1.属于国家秘密"
    assert three.cell(refused + 7, 2).text == "8.属于行政查询事项"

    # Section 四.
    four = tables[5]
    assert len(four.columns) == 15
    assert four.cell(0, 0).text == "行政复议" and same(four.cell(0, 0), four.cell(0, 4))
    assert four.cell(0, 5).text == "行政诉讼" and same(four.cell(0, 5), four.cell(0, 14))
    assert four.cell(1, 5).text == "未经复议直接起诉" and same(four.cell(1, 5), four.cell(1, 9))
    assert four.cell(1, 10).text == "复议后起诉" and same(four.cell(1, 10), four.cell(1, 14))
    assert [four.cell(1, c).text for c in range(5)] == FIVE
    assert same(four.cell(1, 0), four.cell(2, 0))
    assert [four.cell(2, c).text for c in range(5, 15)] == FIVE * 2
    assert [c.text for c in four.rows[3].cells] == [
        str(report["review_litigation"][g][c])
        for g in ("行政复议", "未经复议直接起诉", "复议后起诉")
        for c in FIVE
    ]
    for table in tables:
        assert table.style.name == "Table Grid"  # bordered
    body = document.paragraphs[0].runs[0]._element.rPr.rFonts
    assert (
        body.get("{http://schemas.openxmlformats.org/wordprocessingml/2006/main}eastAsia") == "黑体"
    )


# ------------------------------------------------------------------------------- CLI


def test_cli_writes_json_and_docx(
    tmp_path: Path, county: Unit, department: Unit, other_department: Unit
) -> None:
    some_applications(department, other_department)
    out = tmp_path / "annual.json"
    call_command("report", "annual", "--year", "2024", "--format", "json", "--output", str(out),
                 stdout=io.StringIO())  # fmt: skip
    data = json.loads(out.read_text())
    assert data["applications"] == report_numbers(annual_report_table(2024))
    assert set(data) >= {"proactive", "applications", "review_litigation"}
    unit_out = tmp_path / "unit.docx"
    call_command("report", "annual", "--year", "2024", "--unit", "MZJ", "--format", "docx",
                 "--output", str(unit_out), stdout=io.StringIO())  # fmt: skip
    document = docx.Document(str(unit_out))
    assert document.paragraphs[0].text == "县民政局2024年政府信息公开工作年度报告"
    with pytest.raises(CommandError, match="未知的单位代码"):
        call_command("report", "annual", "--year", "2024", "--unit", "NOPE", "--format", "json",
                     "--output", str(out))  # fmt: skip


def test_docx_tables_do_not_break_badly_across_pages(
    county: Unit, department: Unit, other_department: Unit
) -> None:
    """Section 三's and 四's heading rows repeat on a new page and stay with the figures; no
    figure row splits; each section heading keeps with its table (checked in LibreOffice too)."""
    some_applications(department, other_department)
    document = docx.Document(io.BytesIO(annual_docx.render(annual_report(year=2024))))
    three, four = document.tables[-2], document.tables[-1]
    for table, header_rows in ((three, 3), (four, 3)):
        for index, row in enumerate(table.rows):
            properties = row._tr.trPr
            assert properties is not None
            assert properties.find(qn("w:cantSplit")) is not None
            assert (properties.find(qn("w:tblHeader")) is not None) == (index < header_rows)
    headings = [p for p in document.paragraphs if p.text in HEADINGS]
    assert len(headings) == 6
    assert all(p.paragraph_format.keep_with_next for p in headings)
