"""Read the office's working-day calendar from a CSV file (``gongkai workdays import``).

The format is two columns under the header ``date,type``: one row per exception to the weekend
rule, ``holiday`` for a rest day (a weekend day inside a holiday span may be listed too) and
``workday`` for a make-up working day (调休上班). Every year that appears in any row is declared
by the file as a whole (ADR 0004). Reading is strict and all-or-nothing: every problem is
collected with its line number and the file is rejected if there is any.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from dataclasses import dataclass

from gongkai.clock import YearTable
from gongkai.core.errors import ValidationFailed
from gongkai.workdays.models import FIRST_YEAR, LAST_YEAR, DayKind

SOURCE = "office"
HEADER = ["date", "type"]
SHOWN_PROBLEMS = 10
# ISO dates; also 2027/1/1 and 2027-1-1, which Excel writes when it saves a CSV in a Chinese
# locale. The year comes first, so neither form is ambiguous.
DATE_PATTERN = re.compile(r"^(\d{4})([-/])(\d{1,2})\2(\d{1,2})$")
KIND_LABELS = {DayKind.HOLIDAY.value: "放假", DayKind.WORKDAY.value: "上班"}


@dataclass(frozen=True)
class ParsedCalendar:
    """The years a file declares, as clock tables, and how many rows of each type it had."""

    years: dict[int, YearTable]
    holidays: int
    workdays: int


@dataclass(frozen=True)
class _Problem:
    line: int
    chinese: str
    english: str


def _decode(source: bytes | str) -> str:
    if isinstance(source, str):
        return source.removeprefix("\ufeff")
    try:
        return source.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    try:
        # Excel on Chinese Windows saves CSV in the local code page.
        return source.decode("gb18030")
    except UnicodeDecodeError:
        raise ValidationFailed(
            "无法识别文件编码，请以UTF-8编码保存CSV文件后重新导入。",
            log="calendar CSV is neither UTF-8 nor GB18030",
        ) from None


def _cells(row: list[str]) -> list[str]:
    cells = [cell.strip() for cell in row]
    while cells and not cells[-1]:
        cells.pop()
    return cells


def _parse_date(text: str) -> dt.date | None:
    match = DATE_PATTERN.match(text)
    if match is None:
        return None
    try:
        return dt.date(int(match[1]), int(match[3]), int(match[4]))
    except ValueError:
        return None


def _reject(problems: list[_Problem]) -> ValidationFailed:
    shown = [f"第{p.line}行：{p.chinese}" for p in problems[:SHOWN_PROBLEMS]]
    more = f"等共{len(problems)}处" if len(problems) > SHOWN_PROBLEMS else ""
    return ValidationFailed(
        f"工作日历文件有误，未导入任何内容：{'；'.join(shown)}{more}。",
        log="calendar CSV rejected: " + "; ".join(f"line {p.line}: {p.english}" for p in problems),
        problems=[f"第{p.line}行：{p.chinese}" for p in problems],
    )


def read_calendar_csv(source: bytes | str) -> ParsedCalendar:
    """Parse a calendar CSV into one YearTable per year named in it.

    Raises ValidationFailed naming every bad line (header, date, type, a date given two
    different types) or an empty file; nothing is returned unless the whole file is good.
    """
    reader = csv.reader(io.StringIO(_decode(source), newline=""))
    problems: list[_Problem] = []
    kinds: dict[dt.date, tuple[str, int]] = {}
    header_seen = False
    for row in reader:
        line = reader.line_num
        cells = _cells(row)
        if not cells:
            continue
        if not header_seen:
            header_seen = True
            if [cell.lower() for cell in cells] != HEADER:
                problems.append(
                    _Problem(
                        line,
                        f"表头应为“date,type”，实际为“{','.join(cells)}”",
                        f"header must be 'date,type', found {','.join(cells)!r}",
                    )
                )
                break
            continue
        if len(cells) != len(HEADER):
            problems.append(
                _Problem(
                    line,
                    f"应有2列（日期,类型），实际为{len(cells)}列",
                    f"expected 2 columns, found {len(cells)}",
                )
            )
            continue
        date_text, kind_text = cells
        day = _parse_date(date_text)
        kind = kind_text.lower()
        if day is None:
            problems.append(
                _Problem(
                    line,
                    f"日期“{date_text}”无效，应为YYYY-MM-DD格式的真实日期",
                    f"bad date {date_text!r}",
                )
            )
        elif not FIRST_YEAR <= day.year <= LAST_YEAR:
            problems.append(
                _Problem(
                    line,
                    f"日期“{date_text}”的年份应在{FIRST_YEAR}至{LAST_YEAR}年之间",
                    f"year of {date_text!r} out of range",
                )
            )
            day = None
        if kind not in KIND_LABELS:
            problems.append(
                _Problem(
                    line,
                    f"类型“{kind_text}”无效，应为holiday（放假）或workday（上班）",
                    f"bad type {kind_text!r}",
                )
            )
            continue
        if day is None:
            continue
        earlier = kinds.get(day)
        if earlier is not None and earlier[0] != kind:
            problems.append(
                _Problem(
                    line,
                    f"日期{day.isoformat()}在第{earlier[1]}行标为{KIND_LABELS[earlier[0]]}，"
                    f"此处又标为{KIND_LABELS[kind]}",
                    f"{day.isoformat()} is {earlier[0]} on line {earlier[1]} and {kind} here",
                )
            )
            continue
        kinds.setdefault(day, (kind, line))
    if not header_seen:
        problems.append(_Problem(1, "文件为空，应以“date,type”表头开始", "empty file"))
    elif not kinds and not problems:
        problems.append(
            _Problem(reader.line_num, "文件没有任何日期行，无法确定导入哪个年度", "no date rows")
        )
    if problems:
        raise _reject(problems)
    holidays: dict[int, set[dt.date]] = {}
    workdays: dict[int, set[dt.date]] = {}
    for day, (kind, _line) in kinds.items():
        target = holidays if kind == DayKind.HOLIDAY else workdays
        target.setdefault(day.year, set()).add(day)
    years = {
        year: YearTable.build(
            year,
            holidays=holidays.get(year, ()),
            workdays=workdays.get(year, ()),
            source=SOURCE,
        )
        for year in sorted({day.year for day in kinds})
    }
    return ParsedCalendar(
        years=years,
        holidays=sum(len(days) for days in holidays.values()),
        workdays=sum(len(days) for days in workdays.values()),
    )
