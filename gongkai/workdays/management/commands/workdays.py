"""`gongkai workdays add|due|check|years|import`: the working-day clock from the command line.

Dates are YYYY-MM-DD. Every refusal is one Chinese line and a non-zero exit (CommandError); a date
in a year with no calendar is refused, never guessed (ADR 0004).
"""

from __future__ import annotations

import datetime as dt
import json
import re
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from gongkai import clock
from gongkai.core.checks import COMMAND_CHECKS
from gongkai.core.errors import GongkaiError
from gongkai.workdays import selectors, services
from gongkai.workdays.errors import refusing_unknown_year
from gongkai.workdays.models import FIRST_YEAR, LAST_YEAR

ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def parse_date(text: str, *, what: str = "日期") -> dt.date:
    """Parse a YYYY-MM-DD date, or refuse with a Chinese line naming the value."""
    value = text.strip()
    if ISO_DATE.match(value):
        try:
            day = dt.date.fromisoformat(value)
        except ValueError:
            pass
        else:
            # 9999-12-31 counted forward runs past the last date Python has (issue 12).
            if not FIRST_YEAR <= day.year <= LAST_YEAR:
                raise CommandError(
                    f"{what}“{text}”超出工作日历的范围，年份应在{FIRST_YEAR}至{LAST_YEAR}年之间。"
                )
            return day
    raise CommandError(f"{what}“{text}”无效，请按YYYY-MM-DD格式填写真实日期。")


def parse_pause(text: str) -> tuple[dt.date, dt.date]:
    """Parse FROM:TO (both dates included) for --pause."""
    first, sep, last = text.partition(":")
    if not sep:
        raise CommandError(
            f"暂停期间“{text}”无效，请写成 起始日期:结束日期，如2024-10-08:2024-10-15。"
        )
    start = parse_date(first, what=f"暂停期间“{text}”的起始日期")
    end = parse_date(last, what=f"暂停期间“{text}”的结束日期")
    if end < start:
        raise CommandError(f"暂停期间“{text}”的结束日期早于起始日期。")
    return start, end


def parse_count(text: str) -> int:
    """Parse a non-negative whole number of working days."""
    value = text.strip()
    if not re.fullmatch(r"[+-]?\d+", value):
        raise CommandError(f"工作日数“{text}”无效，请填写0或正整数。")
    number = int(value)
    if number < 0:
        raise CommandError(f"工作日数不能为负数，收到“{text}”。")
    return number


class Command(BaseCommand):
    requires_system_checks = COMMAND_CHECKS  # not the URL checks: start-up (issue 10)
    help = (
        "工作日计算与工作日历：add 推算N个工作日后的日期；due 推算依申请公开答复期限；"
        "check 查询某日是否工作日；years 列出已知年度；import 导入公开办的年度工作日历（CSV）。"
    )

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        add = sub.add_parser("add", help="DATE之后第N个工作日的日期（DATE当日不计）")
        add.add_argument("date", help="起算日期，YYYY-MM-DD")
        add.add_argument("n", help="工作日数，0或正整数")
        due = sub.add_parser("due", help="依申请公开答复期限（条例第30、33条）")
        due.add_argument("--received", required=True, help="收到申请之日，YYYY-MM-DD")
        due.add_argument("--supplemented", help="收到补正申请之日（条例第30条，期限重新起算）")
        due.add_argument(
            "--pause",
            action="append",
            default=[],
            metavar="FROM:TO",
            help="征求第三方或其他机关意见的期间，首尾两日都不计入期限（条例第33条第三款），可重复",
        )
        due.add_argument(
            "--extension", action="store_true", help="经批准延长答复期限（最长20个工作日）"
        )
        check = sub.add_parser("check", help="查询某日是否工作日")
        check.add_argument("date", help="YYYY-MM-DD")
        sub.add_parser("years", help="列出已有工作日历的年度及其来源")
        imp = sub.add_parser("import", help="导入年度工作日历CSV（表头 date,type）")
        imp.add_argument("file", type=Path)
        imp.add_argument("--dry-run", action="store_true", help="只检查文件并列出变化，不保存")
        imp.add_argument(
            "--replace-year",
            action="store_true",
            help="文件中的年度已有工作日历（国务院安排或此前导入）时，确认整年替换",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        action = options["action"]
        try:
            with refusing_unknown_year():
                if action == "add":
                    self._add(options)
                elif action == "due":
                    self._due(options)
                elif action == "check":
                    self._check(options)
                elif action == "years":
                    self._years()
                else:
                    self._import(options)
        except GongkaiError as exc:
            raise CommandError(exc.message) from exc

    def _add(self, options: dict[str, Any]) -> None:
        start = parse_date(options["date"])
        n = parse_count(options["n"])
        result = clock.add_workdays(start, n, calendar=selectors.calendar())
        self.stdout.write(result.isoformat())

    def _due(self, options: dict[str, Any]) -> None:
        received = parse_date(options["received"], what="收到申请日期")
        supplemented = None
        if options["supplemented"] is not None:
            supplemented = parse_date(options["supplemented"], what="收到补正日期")
            if supplemented < received:
                raise CommandError(
                    f"收到补正日期“{options['supplemented']}”早于收到申请日期“{options['received']}”。"
                )
        pauses = [parse_pause(text) for text in options["pause"]]
        result = clock.due_date(
            received,
            supplemented=supplemented,
            pauses=pauses,
            extended=options["extension"],
            calendar=selectors.calendar(),
        )
        self.stdout.write(result.isoformat())

    def _check(self, options: dict[str, Any]) -> None:
        day = parse_date(options["date"])
        calendar = selectors.calendar()
        workday = calendar.is_workday(day)
        source = calendar.table(day.year).source
        self.stdout.write(
            json.dumps({"date": day.isoformat(), "workday": workday, "source": source})
        )

    def _years(self) -> None:
        calendar = selectors.calendar()
        rows = [{"year": year, "source": calendar.table(year).source} for year in calendar.years]
        self.stdout.write(json.dumps(rows))

    def _import(self, options: dict[str, Any]) -> None:
        path: Path = options["file"]
        if path.is_dir():
            raise CommandError(f"“{path}”是文件夹，请指定工作日历CSV文件。")
        if not path.is_file():
            raise CommandError(f"找不到文件：{path}")
        try:
            source = path.read_bytes()
        except OSError as exc:
            raise CommandError(f"无法读取文件“{path}”：{exc.strerror}。") from exc
        try:
            summary = services.calendar_import(
                actor=None,
                source=source,
                filename=path.name,
                dry_run=options["dry_run"],
                replace_year=options["replace_year"],
            )
        except services.YearExists as exc:
            # The changes go to stderr, one line per year, for the operator to read (stdout keeps
            # only the JSON summary); the refusal stays one line.
            for change in exc.changes:
                self.stderr.write(change.describe())
            years = "、".join(f"{change.year}年" for change in exc.changes)
            raise CommandError(
                f"{years}已有工作日历，未导入；以上是整年替换后的变化，"
                "确认无误后加 --replace-year 重新导入。"
            ) from exc
        for change in summary.changes:
            self.stderr.write(change.describe())
        self.stdout.write(json.dumps(summary.as_dict(), ensure_ascii=False))
