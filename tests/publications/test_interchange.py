"""Reading import files: each format and encoding, header names, dates, and files that are not
what they claim (interchange.read never raises; it reports problems in Chinese)."""

from __future__ import annotations

import codecs
import datetime as dt
import io
import json
import os
import re
import time
import zipfile

import pytest
from openpyxl import Workbook, load_workbook

from gongkai.core.errors import ValidationFailed
from gongkai.publications import interchange
from gongkai.publications.interchange import parse_moment

HEADER = ["标题", "正文", "发布日期", "索引号", "文号", "网页浏览次数"]
ROW = ["关于做好秋季学期资助工作的通知", "各乡镇：\n现将有关事项通知如下。", "2015-10-16 14:12"]
ROW += ["MZJ-2015-00007", "石民字〔2015〕7号", "35"]


def csv_text(*rows: list[str]) -> str:
    lines = [",".join(f'"{cell}"' for cell in row) for row in (HEADER, *rows)]
    return "\r\n".join(lines) + "\r\n"


def workbook(*rows: list[object], title: str = "信息列表") -> bytes:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = title
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


@pytest.mark.parametrize(
    ("encoding", "expected"),
    [("utf-8", "utf-8"), ("utf-8-sig", "utf-8-sig"), ("gb18030", "gb18030")],
)
def test_csv_in_the_encodings_excel_and_wps_write(encoding: str, expected: str) -> None:
    parsed = interchange.read(csv_text(ROW).encode(encoding), "旧网站.csv")
    assert parsed.problems == []
    assert parsed.format == "csv" and parsed.encoding == expected
    assert parsed.rows == [
        {
            "标题": "关于做好秋季学期资助工作的通知",
            "正文": "各乡镇：\n现将有关事项通知如下。",
            "发布日期": "2015-10-16 14:12",
            "索引号": "MZJ-2015-00007",
            "文号": "石民字〔2015〕7号",
        }
    ]
    assert parsed.row_labels == ["第2行"]
    assert parsed.ignored_columns == ["网页浏览次数"]


def test_gb18030_beyond_gbk_survives() -> None:
    """GB18030 covers every character (𠀾 is outside GBK), so names of people and places that
    a GBK file could not hold come through."""
    row = ["𠀾村公示", "内容", "2015-10-16"]
    parsed = interchange.read(
        ("标题,正文,发布日期\n" + ",".join(row) + "\n").encode("gb18030"), "a.csv"
    )
    assert parsed.rows[0]["标题"] == "𠀾村公示"


def test_xlsx_first_sheet_with_dates_numbers_and_marked_headers() -> None:
    data = workbook(
        [],
        ["*信息名称", "正文（必填）", "发布时间", "成文日期", "索引号", "文号", "备注"],
        ["关于春耕的通知", "正文", dt.datetime(2015, 10, 16, 14, 12), 42293, 12345, None, "x"],
        [None, None, None, None, None, None, None],
        ["第二条", "正文二", "2016年1月5日", None, None, "石政〔2016〕1号", None],
    )
    parsed = interchange.read(data, "export.xlsx")
    assert parsed.problems == []
    assert parsed.format == "xlsx"
    first, second = parsed.rows
    assert first["标题"] == "关于春耕的通知"
    assert first["发布日期"] == dt.datetime(2015, 10, 16, 14, 12)
    # A date typed as a serial number into a cell without a date format.
    assert first["成文日期"] == dt.datetime(2015, 10, 16)
    assert first["索引号"] == "12345"
    assert second["发布日期"] == "2016年1月5日"
    assert parsed.row_labels == ["工作表“信息列表”第3行", "工作表“信息列表”第5行"]
    assert parsed.ignored_columns == ["备注"]


def test_xlsx_with_a_bogus_dimension_reads_only_its_rows() -> None:
    """A sheet claiming A1:XFD1048576 must not make the reader invent a million rows."""
    data = workbook(["标题", "正文", "发布日期"], ["甲", "乙", "2015-10-16"])
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            content = source.read(info.filename)
            if info.filename == "xl/worksheets/sheet1.xml":
                content = re.sub(
                    rb'<dimension ref="[^"]*"', b'<dimension ref="A1:XFD1048576"', content
                )
            target.writestr(info.filename, content)
    began = time.perf_counter()
    parsed = interchange.read(out.getvalue(), "big.xlsx")
    assert time.perf_counter() - began < 2
    assert len(parsed.rows) == 1 and parsed.problems == []


def test_jsonl_with_lists_numbers_and_unknown_keys() -> None:
    lines = [
        {"标题": "甲", "正文": "乙", "发布日期": "2015-10-16", "附件": ["a.pdf", "b.pdf"]},
        {"标题": "丙", "正文": "丁", "发布日期": "2015-10-17", "索引号": 7, "点击量": 3},
    ]
    text = "\n".join(json.dumps(line, ensure_ascii=False) for line in lines) + "\n\n"
    parsed = interchange.read(text.encode(), "old.jsonl")
    assert parsed.problems == []
    assert parsed.rows[0]["附件"] == "a.pdf;b.pdf"
    assert parsed.rows[1]["索引号"] == "7"
    assert parsed.ignored_columns == ["点击量"]
    assert parsed.row_labels == ["第1行", "第2行"]


def test_jsonl_line_problems_name_the_line() -> None:
    text = '{"标题": "甲", "正文": "乙", "发布日期": "2015-10-16"}\n[1, 2]\n{"标题": \n'
    parsed = interchange.read(text.encode(), "old.jsonl")
    assert parsed.problems == [
        '第2行不是JSON对象（应为{"标题": …}的形式）。',
        "第3行不是有效的JSON（每行须是一个完整的JSON对象）。",
    ]


def test_content_decides_over_the_name() -> None:
    """A workbook renamed .csv is read as a workbook; JSON lines named .txt as JSON lines."""
    data = workbook(["标题", "正文", "发布日期"], ["甲", "乙", "2015-10-16"])
    assert interchange.read(data, "export.csv").format == "xlsx"
    jsonl = '{"标题": "甲", "正文": "乙", "发布日期": "2015-10-16"}\n'.encode()
    assert interchange.read(jsonl, "export").format == "jsonl"


def test_missing_required_columns_and_duplicate_columns() -> None:
    parsed = interchange.read("标题,发布时间\n甲,2015-10-16\n".encode(), "a.csv")
    assert len(parsed.problems) == 1
    assert parsed.problems[0].startswith("第1行（表头）缺少必填的列：正文")
    parsed = interchange.read("标题,信息名称,正文,发布日期\n".encode(), "a.csv")
    assert "“标题”和“信息名称”两列都是“标题”" in parsed.problems[0]


def _bomb(size: int) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/workbook.xml", "<workbook/>")
        with archive.open("xl/sharedStrings.xml", "w") as member:
            chunk = b"\0" * (1 << 20)
            for _ in range(size >> 20):
                member.write(chunk)
    return out.getvalue()


@pytest.mark.parametrize(
    ("data", "name", "problem"),
    [
        (b"", "a.csv", "文件是空的。"),
        (os.urandom(4096) + b"\0\0", "a.csv", "文件不是文本"),
        (b"PK\x03\x04garbage", "a.xlsx", "文件不是有效的Excel工作簿"),
        (b"not a zip at all", "a.xlsx", "文件不是有效的Excel工作簿"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 600, "a.xls", "旧版Excel文件"),
        (codecs.BOM_UTF16_LE + "标题".encode("utf-16-le"), "a.txt", "UTF-16"),
        ("标题,正文,发布日期\n".encode(), "a.csv", "没有可导入的信息"),
        ('标题,正文,发布日期\n"甲,乙,2015\n'.encode(), "a.csv", "CSV格式有误"),
    ],
)
def test_files_that_cannot_be_read_are_refused_cleanly(
    data: bytes, name: str, problem: str
) -> None:
    parsed = interchange.read(data, name)
    assert parsed.rows == [] or parsed.problems
    assert any(problem in p for p in parsed.problems), parsed.problems


def test_a_zip_bomb_is_refused_before_it_is_unpacked() -> None:
    data = _bomb(20 << 20)
    assert len(data) < 200_000
    parsed = interchange.read(data, "bomb.xlsx")
    assert parsed.problems == ["Excel文件解压后异常膨胀（压缩比超过200:1），为安全起见不接收。"]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2015-10-16", dt.date(2015, 10, 16)),
        ("2015/10/6", dt.date(2015, 10, 6)),
        ("2015.10.16", dt.date(2015, 10, 16)),
        ("20151016", dt.date(2015, 10, 16)),
        ("２０１５－１０－１６", dt.date(2015, 10, 16)),  # typed in full-width mode
        ("2015-10-16 14:12", dt.datetime(2015, 10, 16, 14, 12)),
        ("2015-10-16T14:12:05", dt.datetime(2015, 10, 16, 14, 12, 5)),
        ("2015年10月16日", dt.date(2015, 10, 16)),
        ("2015年10月16日 14:12", dt.datetime(2015, 10, 16, 14, 12)),
        ("2015年10月16日14时12分", dt.datetime(2015, 10, 16, 14, 12)),
        ("２０１５年１０月１６日", dt.date(2015, 10, 16)),
        ("", None),
    ],
)
def test_dates_as_old_sites_write_them(text: str, expected: object) -> None:
    if expected is None and text:
        with pytest.raises(ValueError):
            parse_moment(text)
    else:
        assert parse_moment(text) == expected


@pytest.mark.parametrize("text", ["2015-13-01", "2015-02-30", "十月十六日", "2015-10-16 25:00"])
def test_impossible_dates_are_refused(text: str) -> None:
    with pytest.raises(ValueError):
        parse_moment(text)


def test_aware_iso_dates_keep_their_offset() -> None:
    moment = parse_moment("2015-10-16T14:12:00+08:00")
    assert isinstance(moment, dt.datetime) and moment.utcoffset() == dt.timedelta(hours=8)


def test_xlsx_writer_keeps_text_as_text() -> None:
    rows = [{"标题": '=HYPERLINK("http://x")', "正文": "a\x07b", "发布日期": None}]
    data = interchange._write_xlsx(rows)  # type: ignore[arg-type]
    sheet = load_workbook(io.BytesIO(data)).active
    assert sheet is not None
    title_column = interchange.FIELDS.index("标题") + 1
    cell = sheet.cell(row=2, column=title_column)
    assert cell.value == '=HYPERLINK("http://x")' and cell.data_type == "s"
    assert sheet.cell(row=2, column=interchange.FIELDS.index("正文") + 1).value == "ab"


def test_xlsx_export_refuses_a_body_excel_would_truncate() -> None:
    rows = [{"标题": "长文", "正文": "字" * (interchange.EXCEL_CELL_LIMIT + 1)}]
    with pytest.raises(ValidationFailed) as caught:
        interchange._write_xlsx(rows)  # type: ignore[arg-type]
    assert "请导出为.jsonl" in caught.value.message
    assert caught.value.problems == ["第2行“长文”的正文"]
