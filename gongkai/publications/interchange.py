"""Published information in and out of files: .xlsx, .csv and .jsonl, one item per row.

A county moving to gongkai brings years of items from its old site (a TRS, Hanweb or home-made
CMS), which export them as spreadsheets or JSON lines under the national metadata names (标题,
索引号, 文号, 发布日期 …). This module reads such a file into plain rows keyed by those names and
writes published items back in the same shape; deciding what a row means (units, columns, checks)
is ``archive.import_rows``'s job. Only format-level problems are found here: a file that is not a
spreadsheet or text, a missing required column, a line that is not JSON.

Files are untrusted: the size is bounded before anything is parsed, an .xlsx is refused when it
would unpack too large (a "zip bomb") and is read in openpyxl's streaming mode, so a 1 MB workbook
cannot take gigabytes of memory; nothing typed into a cell is ever written back as a formula.
"""

from __future__ import annotations

import codecs
import csv
import datetime as dt
import io
import json
import re
import shutil
import unicodedata
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path, PurePath
from typing import Any, Literal

from django.db.models import QuerySet
from django.utils import timezone
from openpyxl import Workbook, load_workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter
from openpyxl.utils.datetime import from_excel

from gongkai.core import zipguard
from gongkai.core.errors import ValidationFailed
from gongkai.core.uploads import OLE2_MAGIC, ZIP_MAGIC
from gongkai.core.xlsx import text_cell
from gongkai.orgs.models import Unit
from gongkai.publications.models import (
    Attachment,
    Column,
    InterpretationForm,
    Publication,
    TopicCategory,
    Validity,
)

Value = str | dt.date | dt.datetime | None
Format = Literal["xlsx", "csv", "jsonl"]

# The national metadata names, in the order an export writes them.
TITLE = "标题"
BODY = "正文"
PUBLISHED = "发布日期"
INDEX_NO = "索引号"
ISSUER = "发布机构"
WRITTEN = "成文日期"
DOC_NUMBER = "文号"
TOPIC = "主题分类"
VALIDITY = "有效性"
COLUMN = "栏目"
UNIT = "公开单位"
SOURCE_URL = "原网址"
ATTACHMENTS = "附件"
# Not national metadata: a policy interpretation (政策解读) names the document it explains by
# its 文号 or 索引号, and its form (gongkai.publications.interpretation).
INTERPRETS = "解读对象"
INTERPRETATION_FORM = "解读形式"
FIELDS = (
    INDEX_NO,
    TITLE,
    DOC_NUMBER,
    ISSUER,
    WRITTEN,
    PUBLISHED,
    TOPIC,
    VALIDITY,
    COLUMN,
    UNIT,
    SOURCE_URL,
    ATTACHMENTS,
    INTERPRETS,
    INTERPRETATION_FORM,
    BODY,
)
REQUIRED = (TITLE, BODY, PUBLISHED)
DATE_FIELDS = frozenset({WRITTEN, PUBLISHED})
# Names old sites' exports use for the same fields (the 2008 目录系统 names among them).
ALIASES = {
    "信息名称": TITLE,
    "名称": TITLE,
    "题名": TITLE,
    "文件名称": TITLE,
    "内容": BODY,
    "正文内容": BODY,
    "发布时间": PUBLISHED,
    "公开日期": PUBLISHED,
    "公开时间": PUBLISHED,
    "发文机关": ISSUER,
    "发布单位": ISSUER,
    "生成日期": WRITTEN,
    "成文时间": WRITTEN,
    "发文字号": DOC_NUMBER,
    "文件编号": DOC_NUMBER,
    "时效性": VALIDITY,
    "效力状态": VALIDITY,
    "所属栏目": COLUMN,
    "公开主体": UNIT,
    "网址": SOURCE_URL,
    "原文链接": SOURCE_URL,
    "链接": SOURCE_URL,
    "url": SOURCE_URL,
    "解读文件": INTERPRETS,
    "所解读文件": INTERPRETS,
    "解读的政策文件": INTERPRETS,
    "解读方式": INTERPRETATION_FORM,
}
ATTACHMENT_SEPARATORS = re.compile(r"[;；\n]")

# A text file (csv, jsonl) larger than this is refused before it is decoded.
MAX_BYTES = 256 * 1024 * 1024
MAX_ROWS = 50_000
# Excel cannot hold more characters than this in a cell; it truncates longer text when it opens
# the file, and a file saved again would lose the rest.
EXCEL_CELL_LIMIT = 32_767
EXPORT_DATETIME = "%Y-%m-%d %H:%M:%S"
EXPORT_DATE = "%Y-%m-%d"


@dataclass
class Parsed:
    """A file's rows keyed by the national field names, ready for archive.import_rows.

    ``row_labels[i]`` says where row i is in the file, in the words a person uses to find it
    (``第3行``, ``工作表“Sheet1”第3行``). ``problems`` are format-level, in Chinese; when there are
    any the rows are not to be imported.
    """

    rows: list[dict[str, Value]] = field(default_factory=list)
    row_labels: list[str] = field(default_factory=list)
    ignored_columns: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    format: str = ""
    encoding: str = ""
    filename: str = ""


def read(data: bytes, filename: str) -> Parsed:
    """Read an import file; the format is decided by its content first, then by its extension.

    A zip is read as an .xlsx (first sheet, header row), an OLE2 file is an old .xls and refused
    with advice; other content is text: .jsonl (one JSON object per line) when the name says so or
    the first character is ``{``, else .csv (UTF-8 with or without BOM, else GB18030).
    """
    extension = PurePath(filename).suffix.lower().lstrip(".")
    if not data.strip():
        return Parsed(problems=["文件是空的。"], filename=filename)
    if data.startswith(ZIP_MAGIC):
        parsed = _read_xlsx(data)
    elif data.startswith(OLE2_MAGIC):
        parsed = Parsed(
            problems=["这是旧版Excel文件（.xls），请用Excel或WPS另存为.xlsx或CSV后再导入。"]
        )
    elif extension in {"xlsx", "xlsm", "xls"}:
        parsed = Parsed(
            problems=["文件不是有效的Excel工作簿（.xlsx），请确认文件没有损坏或被改名。"]
        )
    elif len(data) > MAX_BYTES:
        parsed = Parsed(problems=[too_big()])
    else:
        parsed = _read_text(data, extension)
    parsed.filename = filename
    if not parsed.problems and not parsed.rows:
        parsed.problems.append("文件中没有可导入的信息（除表头外没有任何一行）。")
    if len(parsed.rows) > MAX_ROWS:
        parsed.problems.append(
            f"文件有{len(parsed.rows)}条信息，一次最多导入{MAX_ROWS}条，请拆分后分别导入。"
        )
    return parsed


def too_big() -> str:
    """The refusal of a file over MAX_BYTES."""
    return f"文件过大：一次导入的文件不能超过{MAX_BYTES // 1024 // 1024}MB，请拆分后分别导入。"


# ---------------------------------------------------------------------------- header and cells


def canonical_name(label: object) -> str | None:
    """The national field name a header label stands for, or None for a column we do not take.

    White space, required-marks (``*标题``, ``标题（必填）``) and full-width forms do not matter.
    """
    text = unicodedata.normalize("NFKC", str(label or ""))
    text = re.sub(r"\s+", "", text).strip("*")
    text = re.sub(r"\((必填|选填|可选|非必填)\)$", "", text)
    if text in FIELDS:
        return text
    return ALIASES.get(text) or ALIASES.get(text.lower())


def _header(labels: list[object], where: str) -> tuple[dict[int, str], list[str], list[str]]:
    """Map header positions to field names; returns (positions, ignored labels, problems)."""
    positions: dict[int, str] = {}
    ignored: list[str] = []
    problems: list[str] = []
    seen: dict[str, str] = {}
    for position, label in enumerate(labels):
        shown = str(label or "").strip()
        if not shown:
            continue
        name = canonical_name(label)
        if name is None:
            ignored.append(shown)
        elif name in seen:
            problems.append(f"{where}：“{seen[name]}”和“{shown}”两列都是“{name}”，请只保留一列。")
        else:
            seen[name] = shown
            positions[position] = name
    missing = [name for name in REQUIRED if name not in seen]
    if missing:
        problems.append(
            f"{where}缺少必填的列：{'、'.join(missing)}（表头须在第一行，"
            f"列名用国家标准名称：{'、'.join(FIELDS)}）。"
        )
    return positions, ignored, problems


def _cell(value: object, name: str) -> Value:
    """A spreadsheet cell as a row value: text stripped, empty as None, dates kept as dates."""
    if value is None:
        return None
    if isinstance(value, dt.datetime | dt.date):
        return value
    if isinstance(value, dt.time):
        return value.isoformat()
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, int | float):
        if name in DATE_FIELDS and 1 <= value < 2958466:
            # A date typed into a cell not formatted as a date: Excel's serial day number.
            moment = from_excel(value)
            return moment if isinstance(moment, dt.datetime | dt.date) else str(value)
        if isinstance(value, float) and value.is_integer():
            return str(int(value))
        return str(value)
    text = str(value).strip()
    return text or None


# ---------------------------------------------------------------------------- xlsx


def _read_xlsx(data: bytes) -> Parsed:
    """The first sheet, streamed, after the zip guard (gongkai.core.zipguard) has refused bombs,
    macros and DTDs without inflating anything; a broken sheet is refused as a whole."""
    bad = Parsed(
        problems=["文件不是有效的Excel工作簿（.xlsx）或已损坏，请用Excel另存为.xlsx后重新导入。"]
    )
    try:
        zipguard.check_office_file(data, what="Excel文件")
    except zipguard.UnsafeArchive as exc:
        return bad if exc.code == "bad_zip" else Parsed(problems=[exc.message])
    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        try:
            sheet = workbook.worksheets[0]
            # A stored dimension of A1:XFD1048576 would make the streaming reader pad every row
            # to 16,384 cells and invent a million empty rows; read only what the sheet holds.
            sheet.reset_dimensions()
            rows = zipguard.CellBudget().rows(sheet.iter_rows(values_only=True))
            return _rows_of_sheet(sheet.title, rows)
        finally:
            workbook.close()
    except zipguard.UnsafeArchive as exc:
        return Parsed(problems=[exc.message])
    except zipguard.BROKEN_FILE_ERRORS:
        # Raised by openpyxl while the rows stream by: the whole file is refused, no row kept.
        return bad


def _rows_of_sheet(title: str, rows: Iterator[tuple[object, ...]]) -> Parsed:
    parsed = Parsed(format="xlsx")
    where = f"工作表“{title}”"
    if not _table(parsed, rows, where):
        parsed.problems.append(f"{where}是空的：第一个工作表须有表头和信息。")
    return parsed


def _table(parsed: Parsed, rows: Iterable[Sequence[object]], where: str) -> bool:
    """Fill ``parsed`` from a table whose first non-blank row is its header (a sheet or a CSV
    file), naming each row as ``where`` 第N行; returns whether a header was found."""
    positions: dict[int, str] | None = None
    for number, values in enumerate(rows, start=1):
        if positions is None:
            if not any(_cell(v, "") for v in values):
                continue  # blank lines above the header
            positions, parsed.ignored_columns, problems = _header(
                list(values), f"{where}第{number}行（表头）"
            )
            if problems:
                parsed.problems.extend(problems)
                return True
            continue
        row = {name: _cell(values[i], name) for i, name in positions.items() if i < len(values)}
        if not any(v is not None for v in row.values()):
            continue
        parsed.rows.append(row)
        parsed.row_labels.append(f"{where}第{number}行")
        if len(parsed.rows) > MAX_ROWS:
            break
    return positions is not None


# ---------------------------------------------------------------------------- text: csv and jsonl


def _decode(data: bytes) -> tuple[str, str] | str:
    """The text and its encoding name, or a Chinese problem when it is no text at all."""
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "文件是UTF-16编码（Excel的“Unicode文本”），请另存为“CSV UTF-8”后再导入。"
    if b"\x00" in data[:65536]:
        return "文件不是文本，也不是Excel工作簿，无法读取。请导入.xlsx、.csv或.jsonl文件。"
    if data.startswith(codecs.BOM_UTF8):
        try:
            return data[len(codecs.BOM_UTF8) :].decode("utf-8"), "utf-8-sig"
        except UnicodeDecodeError:
            return "文件标明是UTF-8编码，但其中有无法解码的内容，请重新导出。"
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("gb18030"), "gb18030"
    except UnicodeDecodeError:
        return "文件既不是UTF-8也不是GB18030（GBK）编码的文本，无法读取，请另存为“CSV UTF-8”。"


def _read_text(data: bytes, extension: str) -> Parsed:
    decoded = _decode(data)
    if isinstance(decoded, str):
        return Parsed(problems=[decoded])
    text, encoding = decoded
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    is_jsonl = extension in {"jsonl", "json", "ndjson"} or (
        extension not in {"csv", "txt", "tsv"} and text.lstrip().startswith("{")
    )
    parsed = _read_jsonl(text) if is_jsonl else _read_csv(text)
    parsed.encoding = encoding
    return parsed


def _read_csv(text: str) -> Parsed:
    parsed = Parsed(format="csv")
    first_line = text.split("\n", 1)[0]
    delimiter = "\t" if "\t" in first_line and "," not in first_line else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    try:
        _table(parsed, reader, "")
    except csv.Error as exc:
        parsed.problems.append(
            f"第{reader.line_num}行附近CSV格式有误（{exc}），请检查引号是否成对。"
        )
    return parsed


def _read_jsonl(text: str) -> Parsed:
    parsed = Parsed(format="jsonl")
    ignored: dict[str, None] = {}
    for number, line in enumerate(text.split("\n"), start=1):
        if not line.strip():
            continue
        label = f"第{number}行"
        try:
            value = json.loads(line)
        except ValueError:
            parsed.problems.append(f"{label}不是有效的JSON（每行须是一个完整的JSON对象）。")
            continue
        if not isinstance(value, dict):
            parsed.problems.append(f'{label}不是JSON对象（应为{{"标题": …}}的形式）。')
            continue
        try:
            # An escape like \ud800 decodes to half a character that no database can store:
            # refused here, not as an error at the write (found by the fuzzing of issue 12).
            json.dumps(value, ensure_ascii=False).encode("utf-8")
        except UnicodeEncodeError:
            parsed.problems.append(
                f"{label}含有无效的字符（不成对的代理码，如JSON转义“\\ud800”），请检查导出程序。"
            )
            continue
        row: dict[str, Value] = {}
        for key, raw in value.items():
            name = canonical_name(key)
            if name is None:
                ignored.setdefault(str(key), None)
                continue
            if name in row:
                parsed.problems.append(f"{label}：“{key}”与另一个键都是“{name}”。")
                continue
            if isinstance(raw, list) and name == ATTACHMENTS:
                raw = ";".join(str(part) for part in raw)
            if isinstance(raw, dict | list):
                parsed.problems.append(f"{label}，{name}：应为文字，不能是列表或对象。")
                continue
            row[name] = _cell(raw, name)
        parsed.rows.append(row)
        parsed.row_labels.append(label)
        if len(parsed.rows) > MAX_ROWS:
            break
    parsed.ignored_columns = list(ignored)
    return parsed


# ---------------------------------------------------------------------------- values

_NUMERIC_DATE = re.compile(
    r"(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})"
    r"(?:(?:\s+|T)(\d{1,2}):(\d{1,2})(?::(\d{1,2})(?:\.\d+)?)?)?"
)
_CHINESE_DATE = re.compile(
    r"(\d{4})年(\d{1,2})月(\d{1,2})日"
    r"(?:\s*(\d{1,2})[:时](\d{1,2})分?(?:[:](\d{1,2})秒?)?)?"
)
_COMPACT_DATE = re.compile(r"(\d{4})(\d{2})(\d{2})")


def parse_moment(value: Value) -> dt.date | dt.datetime | None:
    """A date or a date and time from a cell: an Excel date, ``2015-10-16`` (or with / or .),
    ``2015-10-16 14:12[:05]``, ``2015年10月16日`` (with ``14:12`` or ``14时12分``), ``20151016``,
    or ISO 8601 with an offset. A naive datetime is the county's local time. Raises ValueError.
    """
    if value is None or isinstance(value, dt.date):
        return value
    text = unicodedata.normalize("NFKC", value).strip()
    if not text:
        return None
    for pattern in (_NUMERIC_DATE, _CHINESE_DATE, _COMPACT_DATE):
        found = pattern.fullmatch(text)
        if found:
            groups = [*found.groups(), None, None, None][:6]
            year, month, day, hour, minute, second = (int(g or 0) for g in groups)
            if groups[3] is None:
                return dt.date(year, month, day)
            # Local time, made aware by the caller.
            return dt.datetime(year, month, day, hour, minute, second)  # noqa: DTZ001
    try:
        return dt.datetime.fromisoformat(text)
    except ValueError:
        raise ValueError(text) from None


def attachment_names(value: Value) -> list[str]:
    """The file names of a 附件 cell, separated by ``;`` (or ``；`` or line breaks)."""
    if not isinstance(value, str):
        return []
    return [part.strip() for part in ATTACHMENT_SEPARATORS.split(value) if part.strip()]


# ---------------------------------------------------------------------------- export


def _local(moment: dt.datetime | None) -> dt.datetime | None:
    if moment is None:
        return None
    return timezone.localtime(moment).replace(tzinfo=None, microsecond=0)


def _column_labels() -> dict[int, str]:
    """Each column's name, or its path (上级 > 栏目) when the name alone is ambiguous."""
    columns = {c.pk: c for c in Column.objects.all()}
    counts: dict[str, int] = {}
    for column in columns.values():
        counts[column.name] = counts.get(column.name, 0) + 1
    labels = {}
    for pk, column in columns.items():
        names = [column.name]
        parent_id = column.parent_id
        while counts[column.name] > 1 and parent_id is not None:
            names.append(columns[parent_id].name)
            parent_id = columns[parent_id].parent_id
        labels[pk] = " > ".join(reversed(names))
    return labels


EXPORTED = (
    "pk",
    "index_no",
    "title",
    "doc_number",
    "issuer",
    "written_on",
    "published_at",
    "topic_id",
    "validity",
    "column_id",
    "unit_id",
    "source_url",
    "interprets_id",
    "interpretation_form",
    "body",
)


def rows_for_export(
    queryset: QuerySet[Publication], *, attachments_to: Path | None = None
) -> Iterator[dict[str, Value]]:
    """Each item as a row of the national fields, in publication order.

    With ``attachments_to`` (a folder), each item's attachments are copied to
    ``attachments_to/<item id>/<name>`` and 附件 lists them relative to the folder's parent, where
    the export file goes, so the export imports back with its files; without it, 附件 lists the
    file names only. Rows are read as plain values (no model instances) and the few units,
    topics and columns once, so 10,000 items export in seconds.
    """
    names = {
        "unit": dict(Unit.objects.values_list("pk", "name")),
        "topic": dict(TopicCategory.objects.values_list("pk", "name")),
        "column": _column_labels(),
    }
    values = queryset.order_by("published_at", "pk").values(*EXPORTED)
    batch: list[dict[str, Any]] = []
    for row in values.iterator(chunk_size=500):
        batch.append(row)
        if len(batch) == 500:
            yield from _export_batch(batch, names, attachments_to)
            batch = []
    yield from _export_batch(batch, names, attachments_to)


def _export_batch(
    batch: list[dict[str, Any]], names: dict[str, dict[int, str]], attachments_to: Path | None
) -> Iterator[dict[str, Value]]:
    files: dict[int, list[str]] = {}
    # The documents interpreted, by 索引号: unique and kept by an import, where a 文号 may be
    # shared by documents of different years or units (import reads either).
    policies = {
        pk: index_no or ""
        for pk, index_no in Publication.objects.filter(
            pk__in={r["interprets_id"] for r in batch if r["interprets_id"]}
        ).values_list("pk", "index_no")
    }
    attachments = Attachment.objects.filter(publication_id__in=[r["pk"] for r in batch])
    for attachment in attachments.order_by("publication_id", "sort_order", "pk"):
        listed = files.setdefault(attachment.publication_id, [])
        if attachments_to is None:
            listed.append(attachment.name)
            continue
        folder = attachments_to / str(attachment.publication_id)
        folder.mkdir(parents=True, exist_ok=True)
        target = folder / PurePath(attachment.name).name
        with attachment.file.open("rb") as source, target.open("wb") as copy:
            shutil.copyfileobj(source, copy)
        listed.append(target.relative_to(attachments_to.parent).as_posix())
    for row in batch:
        yield {
            INDEX_NO: row["index_no"] or "",
            TITLE: row["title"],
            DOC_NUMBER: row["doc_number"],
            ISSUER: row["issuer"],
            WRITTEN: row["written_on"],
            PUBLISHED: _local(row["published_at"]),
            TOPIC: names["topic"][row["topic_id"]],
            VALIDITY: Validity(row["validity"]).label if row["validity"] else "",
            COLUMN: names["column"][row["column_id"]],
            UNIT: names["unit"][row["unit_id"]],
            SOURCE_URL: row["source_url"],
            ATTACHMENTS: ";".join(files.get(row["pk"], [])),
            INTERPRETS: policies.get(row["interprets_id"], ""),
            INTERPRETATION_FORM: InterpretationForm(row["interpretation_form"]).label
            if row["interpretation_form"]
            else "",
            BODY: row["body"],
        }


def _as_text(value: Value) -> str:
    if isinstance(value, dt.datetime):
        return value.strftime(EXPORT_DATETIME)
    if isinstance(value, dt.date):
        return value.strftime(EXPORT_DATE)
    return value or ""


def export(
    queryset: QuerySet[Publication], fmt: Format, *, attachments_to: Path | None = None
) -> bytes:
    """The items of ``queryset`` as a .jsonl or .xlsx file, with the fields import reads.

    Dates are local time: text ``2015-10-16 14:12:05`` in JSON lines, real date cells in Excel.
    Bodies are written as their stored HTML. Raises ValidationFailed for an .xlsx when a body
    is longer than an Excel cell can hold (export those as .jsonl).
    """
    rows = rows_for_export(queryset, attachments_to=attachments_to)
    if fmt == "jsonl":
        lines = (
            json.dumps({k: _as_text(v) for k, v in row.items()}, ensure_ascii=False) for row in rows
        )
        return "".join(f"{line}\n" for line in lines).encode("utf-8")
    if fmt == "xlsx":
        return _write_xlsx(rows)
    raise ValueError(f"unknown export format {fmt!r}")


def export_to(queryset: QuerySet[Publication], path: Path) -> tuple[int, int]:
    """Write the export to ``path`` (.jsonl or .xlsx by its suffix), attachments beside it in
    ``<name>_附件/``; returns (items, attachment files)."""
    fmt = path.suffix.lower().lstrip(".")
    if fmt not in {"jsonl", "xlsx"}:
        raise ValueError(f"unknown export format {fmt!r}")
    folder = path.with_name(f"{path.stem}_附件")
    data = export(queryset, fmt, attachments_to=folder)  # type: ignore[arg-type]
    path.write_bytes(data)
    files = sum(1 for f in folder.rglob("*") if f.is_file()) if folder.exists() else 0
    return queryset.count(), files


WIDTHS = {TITLE: 50, BODY: 80, INDEX_NO: 26, DOC_NUMBER: 22, ISSUER: 24, COLUMN: 16, UNIT: 20}


def _write_xlsx(rows: Iterable[dict[str, Value]]) -> bytes:
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("政府信息")
    for position, name in enumerate(FIELDS, start=1):
        sheet.column_dimensions[get_column_letter(position)].width = WIDTHS.get(name, 14)
    bold = Font(bold=True)
    header = []
    for name in FIELDS:
        cell = WriteOnlyCell(sheet, value=name)
        cell.font = bold
        header.append(cell)
    sheet.append(header)
    too_long: list[str] = []
    for number, row in enumerate(rows, start=2):
        cells = []
        for name in FIELDS:
            value = row.get(name)
            if isinstance(value, dt.datetime):
                cell = WriteOnlyCell(sheet, value=value)
                cell.number_format = "yyyy-mm-dd hh:mm:ss"
            elif isinstance(value, dt.date):
                cell = WriteOnlyCell(sheet, value=dt.datetime.combine(value, dt.time()))
                cell.number_format = "yyyy-mm-dd"
            else:
                text = ILLEGAL_CHARACTERS_RE.sub("", value or "")
                if len(text) > EXCEL_CELL_LIMIT:
                    too_long.append(f"第{number}行“{row.get(TITLE)}”的{name}")
                # Text stays text: a title starting with "=" must not become a formula, nor
                # one starting with "+ - @" once edited in Excel (gongkai.core.xlsx).
                cell = text_cell(sheet, text or None)
            cells.append(cell)
        sheet.append(cells)
    out = io.BytesIO()
    workbook.save(out)  # also when refusing: a write-only workbook left open warns when collected
    if too_long:
        raise ValidationFailed(
            f"有{len(too_long)}处内容超过Excel单元格的上限（{EXCEL_CELL_LIMIT}字），"
            "Excel打开时会截断。请导出为.jsonl。",
            log=f"xlsx export: {len(too_long)} cells too long",
            problems=too_long[:200],
        )
    return out.getvalue()
