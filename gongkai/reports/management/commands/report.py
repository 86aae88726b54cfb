"""`gongkai report monthly|annual`: the office's reports from the command line.

- ``monthly --year Y --month M --format docx|json --output FILE``: seed 003's 政务公开月报.
- ``annual --year Y [--unit CODE] --format docx|json --output FILE``: the national 政府信息公开
  工作年度报告 of a unit, or of the county without ``--unit``.

The figures are the same queries the office's pages show (gongkai.reports.monthly, .annual).
Every refusal is one Chinese line and a non-zero exit.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from gongkai import cli
from gongkai.core.checks import COMMAND_CHECKS
from gongkai.core.errors import GongkaiError
from gongkai.orgs.models import Unit


class Command(BaseCommand):
    requires_system_checks = COMMAND_CHECKS  # not the URL checks: start-up (issue 10)
    help = "Write the monthly report or the annual report as Word (.docx) or JSON."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="kind", required=True)
        monthly = sub.add_parser("monthly", help="the monthly report (政务公开月报)")
        monthly.add_argument("--year", type=int, required=True)
        monthly.add_argument("--month", type=int, required=True)
        annual = sub.add_parser("annual", help="the annual report (政府信息公开工作年度报告)")
        annual.add_argument("--year", type=int, required=True)
        annual.add_argument("--unit", default=None, help="unit code; the county without it")
        for each in (monthly, annual):
            each.add_argument("--format", choices=["docx", "json"], default="docx")
            each.add_argument("--output", type=Path, required=True)

    def handle(self, *args: Any, **options: Any) -> None:
        # Refused before the report is computed: a year no date can hold, an unwritable output.
        cli.check_year(options["year"])
        cli.check_output(options["output"])
        try:
            data = self._monthly(options) if options["kind"] == "monthly" else self._annual(options)
        except GongkaiError as exc:
            raise CommandError(exc.message) from exc
        output: Path = options["output"]
        cli.write_output(output, data)
        self.stdout.write(json.dumps({"output": str(output), "bytes": len(data)}))

    def _monthly(self, options: dict[str, Any]) -> bytes:
        from gongkai.reports import monthly, monthly_docx

        if not 1 <= options["month"] <= 12:
            raise CommandError("月份应为1到12。")
        report = monthly.monthly_report(year=options["year"], month=options["month"])
        if options["format"] == "json":
            return json.dumps(report, ensure_ascii=False, indent=2).encode()
        return monthly_docx.render(report)

    def _annual(self, options: dict[str, Any]) -> bytes:
        from gongkai.reports import annual, annual_docx

        unit = None
        if options["unit"] is not None:
            unit = Unit.objects.filter(code=options["unit"]).first()
            if unit is None:
                raise CommandError(f"未知的单位代码“{options['unit']}”。")
        report = annual.annual_report(year=options["year"], unit=unit)
        if options["format"] == "json":
            return json.dumps(report, ensure_ascii=False, indent=2).encode()
        return annual_docx.render(report)
