"""New-media posting records from a file: an .xlsx (first sheet) or a .csv (UTF-8, with or
without BOM, else GB18030 as Chinese Excel saves it), one post a row under a header row with
账号名称, 平台, 发布日期, 标题 and 链接 (平台 and 链接 may be left out).

Only the format is judged here (a readable file, the header, a date, a title); which account a
row means and whether the person may record it is decided by
gongkai.monitoring.services.posts_import. Files are untrusted: the size is bounded before parsing
and an .xlsx that would unpack too large is refused.
"""

from __future__ import annotations

import codecs
import csv
import datetime as dt
import io
import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from openpyxl import load_workbook

from gongkai.core import zipguard
from gongkai.core.uploads import OLE2_MAGIC, ZIP_MAGIC
from gongkai.publications.interchange import parse_moment

ACCOUNT, PLATFORM, DAY, TITLE, LINK = "账号名称", "平台", "发布日期", "标题", "链接"
FIELDS = (ACCOUNT, PLATFORM, DAY, TITLE, LINK)
REQUIRED = (ACCOUNT, DAY, TITLE)
ALIASES = {
    "账号": ACCOUNT,
    "帐号": ACCOUNT,
    "帐号名称": ACCOUNT,
    "新媒体名称": ACCOUNT,
    "公众号名称": ACCOUNT,
    "发布平台": PLATFORM,
    "平台类型": PLATFORM,
    "发布时间": DAY,
    "日期": DAY,
    "内容": TITLE,
    "标题或内容": TITLE,
    "网址": LINK,
    "地址": LINK,
    "url": LINK,
    "链接地址": LINK,
}
MAX_ROWS = 20_000
MAX_BYTES = 20 * 1024 * 1024


@dataclass
class Row:
    number: int  # the row's line in the file, as a person counts
    day_text: str  # the 发布日期 cell as written, to quote when it cannot be read
    account: str
    platform: str
    published_on: dt.date | None
    title: str
    link: str


@dataclass
class PostsTable:
    rows: list[Row] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)


def _name(label: object) -> str | None:
    text = unicodedata.normalize("NFKC", str(label or ""))
    text = re.sub(r"\s+", "", text).strip("*")
    if text in FIELDS:
        return text
    return ALIASES.get(text) or ALIASES.get(text.lower())


def _text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return unicodedata.normalize("NFKC", str(value)).strip()


def _day(value: object) -> dt.date | None:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    moment = parse_moment(_text(value) or None)  # raises ValueError
    return moment.date() if isinstance(moment, dt.datetime) else moment


def _table(rows: Iterable[Sequence[object]]) -> PostsTable:
    table = PostsTable()
    positions: dict[int, str] | None = None
    for number, values in enumerate(rows, start=1):
        if positions is None:
            if not any(_text(v) for v in values):
                continue
            positions = {}
            for position, label in enumerate(values):
                name = _name(label)
                if name and name not in positions.values():
                    positions[position] = name
            missing = [n for n in REQUIRED if n not in positions.values()]
            if missing:
                table.problems.append(
                    f"第{number}行（表头）缺少必填的列：{'、'.join(missing)}"
                    f"（表头须有：{'、'.join(FIELDS)}，其中平台、链接可不填）。"
                )
                return table
            continue
        cells = {name: values[i] for i, name in positions.items() if i < len(values)}
        if not any(_text(v) for v in cells.values()):
            continue
        if len(table.rows) >= MAX_ROWS:
            table.problems.append(f"一次最多导入{MAX_ROWS}条发布记录，请拆分后分别导入。")
            return table
        try:
            day = _day(cells.get(DAY))
        except (ValueError, OverflowError):
            day = None
        table.rows.append(
            Row(
                number=number,
                day_text=_text(cells.get(DAY)),
                account=_text(cells.get(ACCOUNT)),
                platform=_text(cells.get(PLATFORM)),
                published_on=day,
                title=_text(cells.get(TITLE)),
                link=_text(cells.get(LINK)),
            )
        )
    if positions is None:
        table.problems.append(
            "文件是空的：第一行须是表头（账号名称、平台、发布日期、标题、链接）。"
        )
    elif not table.rows and not table.problems:
        table.problems.append("文件中除表头外没有任何发布记录。")
    return table


def read(data: bytes) -> PostsTable:
    """Read the rows of an .xlsx or .csv file; problems are Chinese sentences."""
    if len(data) > MAX_BYTES:
        return PostsTable(problems=[f"文件过大：不能超过{MAX_BYTES // 1024 // 1024}MB。"])
    if not data.strip():
        return PostsTable(problems=["文件是空的。"])
    if data.startswith(OLE2_MAGIC):
        return PostsTable(problems=["这是旧版Excel文件（.xls），请另存为.xlsx或CSV后再导入。"])
    if data.startswith(ZIP_MAGIC):
        return _xlsx(data)
    text = _decode(data)
    if text is None:
        return PostsTable(
            problems=["文件既不是Excel工作簿（.xlsx），也不是UTF-8或GB18030编码的CSV。"]
        )
    try:
        return _table(csv.reader(io.StringIO(text, newline=""), strict=True))
    except csv.Error as exc:
        return PostsTable(problems=[f"CSV格式有误（{exc}），请检查引号是否成对。"])


def _decode(data: bytes) -> str | None:
    if b"\x00" in data[:65536]:
        return None
    if data.startswith(codecs.BOM_UTF8):
        data = data[len(codecs.BOM_UTF8) :]
    for encoding in ("utf-8", "gb18030"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    return None


def _xlsx(data: bytes) -> PostsTable:
    bad = PostsTable(
        problems=["文件不是有效的Excel工作簿（.xlsx）或已损坏，请用Excel另存为.xlsx后重新导入。"]
    )
    try:
        zipguard.check_office_file(data, what="Excel文件")
    except zipguard.UnsafeArchive as exc:
        return bad if exc.code == "bad_zip" else PostsTable(problems=[exc.message])
    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        try:
            sheet = workbook.worksheets[0]
            sheet.reset_dimensions()
            # Read every row before _table sees them, so a broken sheet is refused here.
            rows = list(zipguard.CellBudget().rows(sheet.iter_rows(values_only=True)))
        finally:
            workbook.close()
    except zipguard.UnsafeArchive as exc:
        return PostsTable(problems=[exc.message])
    except zipguard.BROKEN_FILE_ERRORS:
        return bad
    return _table(rows)
