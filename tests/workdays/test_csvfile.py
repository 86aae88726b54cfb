"""Reading the office's calendar CSV: strict, every bad line named, nothing half-read."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from gongkai.core.errors import ValidationFailed
from gongkai.workdays.csvfile import read_calendar_csv


def test_reads_the_sample_year(csv_2027: Path) -> None:
    parsed = read_calendar_csv(csv_2027.read_bytes())
    assert list(parsed.years) == [2027]
    table = parsed.years[2027]
    assert (parsed.holidays, parsed.workdays) == (16, 4)
    assert table.source == "office"
    assert dt.date(2027, 10, 9) in table.workdays
    assert dt.date(2027, 2, 5) in table.holidays


@pytest.mark.parametrize(
    "text",
    [
        "date,type\n2027-01-01,holiday\n",
        "\ufeffdate,type\r\n2027-01-01,holiday\r\n",  # Excel's UTF-8 with BOM, CRLF
        "Date , TYPE\n2027-01-01 , Holiday\n",
        "date,type,\n2027/1/1,holiday,\n\n",  # Excel's dates and trailing commas, a blank line
        "date,type\n2027-1-1,holiday\n2027-01-01,holiday\n",  # the same day twice, same type
    ],
)
def test_accepts_what_spreadsheets_write(text: str) -> None:
    parsed = read_calendar_csv(text)
    assert parsed.years[2027].holidays == frozenset({dt.date(2027, 1, 1)})


def test_reads_a_gbk_file() -> None:
    # Excel on Chinese Windows writes the local code page; Chinese here is only in a stray cell
    # that makes the row invalid, so the message must name it readably.
    data = "date,type\n2027-01-01,放假\n".encode("gbk")
    with pytest.raises(ValidationFailed) as caught:
        read_calendar_csv(data)
    assert "“放假”" in caught.value.message


def test_a_year_is_declared_by_any_row_of_it() -> None:
    parsed = read_calendar_csv("date,type\n2027-10-09,workday\n2028-01-01,holiday\n")
    assert sorted(parsed.years) == [2027, 2028]
    assert parsed.years[2027].holidays == frozenset()


@pytest.mark.parametrize(
    ("text", "line", "fragment", "log"),
    [
        ("day,kind\n2027-01-01,holiday\n", 1, "表头应为“date,type”", "header"),
        ("type,date\n2027-01-01,holiday\n", 1, "表头应为“date,type”", "header"),
        ("date,type\n2027-13-01,holiday\n", 2, "日期“2027-13-01”无效", "bad date"),
        ("date,type\n2027-02-29,holiday\n", 2, "日期“2027-02-29”无效", "bad date"),
        ("date,type\n01/02/2027,holiday\n", 2, "日期“01/02/2027”无效", "bad date"),
        ("date,type\n20270101,holiday\n", 2, "日期“20270101”无效", "bad date"),
        ("date,type\n1999-01-01,holiday\n", 2, "年份应在2000至2100年之间", "out of range"),
        ("date,type\n2027-01-01,rest\n", 2, "类型“rest”无效", "bad type"),
        ("date,type\n2027-01-01\n", 2, "应有2列", "expected 2 columns"),
        ("date,type\n2027-01-01,holiday,x\n", 2, "应有2列", "expected 2 columns"),
        (
            "date,type\n2027-01-01,holiday\n2027-01-01,workday\n",
            3,
            "在第2行标为放假，此处又标为上班",
            "holiday on line 2",
        ),
        ("", 1, "文件为空", "empty"),
        ("date,type\n", 1, "没有任何日期行", "no date rows"),
    ],
)
def test_rejects_with_the_line_named(text: str, line: int, fragment: str, log: str) -> None:
    with pytest.raises(ValidationFailed) as caught:
        read_calendar_csv(text)
    assert f"第{line}行：" in caught.value.message
    assert fragment in caught.value.message
    assert "未导入任何内容" in caught.value.message
    assert log in caught.value.log


def test_reports_every_bad_line_at_once() -> None:
    text = "date,type\n2027-01-01,holiday\n2027-13-01,holiday\n2027-01-02,rest\nx,y\n"
    with pytest.raises(ValidationFailed) as caught:
        read_calendar_csv(text)
    assert len(caught.value.problems) == 4  # line 5 has a bad date and a bad type
    assert [p.split("：")[0] for p in caught.value.problems] == ["第3行", "第4行", "第5行", "第5行"]


def test_a_long_list_of_problems_is_shortened_for_people() -> None:
    text = "date,type\n" + "".join(f"2027-01-{n:02d},rest\n" for n in range(1, 26))
    with pytest.raises(ValidationFailed) as caught:
        read_calendar_csv(text)
    assert caught.value.message.endswith("等共25处。")
    assert len(caught.value.problems) == 25
    assert caught.value.log.count("line") == 25


def test_undecodable_bytes_are_refused() -> None:
    with pytest.raises(ValidationFailed) as caught:
        read_calendar_csv(b"date,type\n\xff\xfe\xff\xfe\x81\x30\n")
    assert "UTF-8" in caught.value.message
