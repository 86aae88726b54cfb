"""The 政务公开月报 as a Word document, read back with python-docx, and from the command line."""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Any

import docx
import pytest
from django.core.management import CommandError, call_command
from docx.oxml.ns import qn

from gongkai.orgs.models import Unit
from gongkai.reports import monthly_docx
from gongkai.reports.models import MonthlyReport
from gongkai.reports.monthly import monthly_report
from tests.reports.test_monthly import october, small_county  # noqa: F401 - fixtures

pytestmark = pytest.mark.django_db


def read(data: bytes) -> Any:
    return docx.Document(io.BytesIO(data))


def rows(table: Any) -> list[list[str]]:
    return [[cell.text for cell in row.cells] for row in table.rows]


def test_tables_list_every_unit_with_marks(october: dict[str, Unit]) -> None:  # noqa: F811
    report = monthly_report(year=2024, month=10)
    document = read(monthly_docx.render(report))
    departments, townships, contributions = document.tables
    assert rows(departments) == [
        ["责任单位", "1-10月发布数", "10月发布数", "备注"],
        ["县住建局", "7", "1", ""],
        ["县气象局", "6", "0", "●"],
        ["县民政局", "5", "2", ""],
    ]
    assert rows(townships) == [
        ["责任单位", "1-10月发布数", "10月发布数", "备注"],
        ["琴江镇", "7", "7", ""],
        ["高田镇", "7", "7", ""],
        ["县城市社区管委会", "0", "0", "●"],
    ]
    for table in (departments, townships):
        for unit, _, month, mark in rows(table)[1:]:
            assert (mark == "●") is (month == "0"), unit
    # Seed 003 prints the units in two halves side by side: six units, three lines.
    header = ["序号", "单位", "10月数量（篇）", "1-10月数量（篇）"]
    assert rows(contributions)[0] == header * 2
    assert len(rows(contributions)) == 1 + 3
    numbered = [line[i : i + 4] for line in rows(contributions)[1:] for i in (0, 4)]
    assert [n[0] for n in numbered] == ["1", "4", "2", "5", "3", "6"]
    assert ["4", "琴江镇", "4", "4"] in numbered
    assert all(t.style.name == "Table Grid" for t in document.tables)


def test_title_headings_and_figures(october: dict[str, Unit]) -> None:  # noqa: F811
    MonthlyReport.objects.create(
        year=2024,
        month=10,
        issue_no="第2期",
        highlights="琴江镇建成数字化专区。",
        next_steps="请各单位及时更新网站。\n政务新媒体每周更新不少于2次。",
    )
    document = read(monthly_docx.render(monthly_report(year=2024, month=10)))
    texts = [p.text for p in document.paragraphs]
    assert texts[0] == "石城县政务公开月报"
    assert "第2期" in texts
    assert "石城县人民政府办公室编" in texts
    assert "2024年11月1日" in texts
    for heading in ("〔日常监测基本情况〕", "〔存在问题〕", "〔下一步工作要求〕"):
        assert heading in texts
    assert any(t.startswith("编者按：") for t in texts)
    basic = next(t for t in texts if "累计主动公开政府信息" in t)
    assert basic == (
        "● 2024年1-10月，县政府门户网站累计主动公开政府信息37条。其中，各乡镇14条、"
        "县直部门和单位18条、管理员帐号5条。政府信息累计公开总数列前三位的乡镇是琴江镇、高田镇，"
        "前三位的县直部门是县住建局、县气象局、县民政局。"
    )
    assert "● 政务新媒体监测：无数据（政务新媒体帐号及其发布记录尚未录入）。" in texts
    assert "● 琴江镇建成数字化专区。" in texts
    assert "● 政务新媒体每周更新不少于2次。" in texts
    assert any("解读比例：无" in t for t in texts)
    run = document.paragraphs[0].runs[0]
    assert run.element.rPr.rFonts.get(qn("w:eastAsia")) == "黑体"


def test_command_writes_json_and_docx(october: dict[str, Unit], tmp_path: Path) -> None:  # noqa: F811
    out = io.StringIO()
    target = tmp_path / "report.json"
    call_command(
        "report", "monthly", "--year", "2024", "--month", "10", "--format", "json",
        "--output", str(target), stdout=out,
    )  # fmt: skip
    data = json.loads(target.read_text())
    assert data["units"][0] == {
        "unit": "县住建局", "group": "departments", "year_to_date": 7, "month": 1, "marked": False,
    }  # fmt: skip
    assert data["groups"]["townships"]["label"] == "乡镇"
    word = tmp_path / "report.docx"
    call_command(
        "report", "monthly", "--year", "2024", "--month", "10", "--format", "docx",
        "--output", str(word), stdout=io.StringIO(),
    )  # fmt: skip
    assert len(read(word.read_bytes()).tables) == 3


def test_command_refuses_a_bad_month(db: Any, tmp_path: Path) -> None:
    with pytest.raises(CommandError, match="月份"):
        call_command(
            "report", "monthly", "--year", "2024", "--month", "13",
            "--output", str(tmp_path / "x.docx"),
        )  # fmt: skip


def test_contribution_halves_leave_the_last_right_cell_blank_for_an_odd_count() -> None:
    report = {
        "month_label": "10月",
        "year_to_date_label": "1-10月",
        "contributions": {
            "units": [{"unit": name, "month": 1, "year_to_date": 2} for name in "甲乙丙"]
        },
    }
    header, lines = monthly_docx.contribution_halves(report)
    assert len(header) == 8
    assert lines == [
        ["1", "甲", "1", "2", "3", "丙", "1", "2"],
        ["2", "乙", "1", "2", "", "", "", ""],
    ]
