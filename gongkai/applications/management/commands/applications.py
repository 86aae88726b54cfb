"""`gongkai applications import|overdue|recompute`: applications from the command line.

- ``import FILE.xlsx [--dry-run]`` reads an office's register (登记台账), all or nothing, and
  prints a JSON summary (gongkai.applications.register.register_import: how many imported, in
  handling, replied, closed, withdrawn, oral and routed, per unit); every bad cell is named by
  sheet, row and column. The register's columns are register.REQUIRED and register.OPTIONAL.
- ``overdue [--unit CODE] [--days N]`` lists the applications past their reply date and the dates
  falling due within N working days (default settings.GONGKAI_REMINDER_WORKDAYS), as JSON.
- ``recompute`` re-runs the statutory due dates of open applications, e.g. after the office
  imported a new year's working-day calendar (applications showing 期限待定 get their date).

The command line acts as the server's trusted operator (docs/adr/0003-command-line-actor.md).
Every refusal is one Chinese line and a non-zero exit.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction

from gongkai.applications import register, selectors, services
from gongkai.core import clock
from gongkai.core.checks import COMMAND_CHECKS
from gongkai.core.errors import GongkaiError
from gongkai.orgs.models import Unit


def _day(value: Any) -> str | None:
    return value.isoformat() if value is not None else None


class Command(BaseCommand):
    requires_system_checks = COMMAND_CHECKS  # not the URL checks: start-up (issue 10)
    help = "Import a register of applications, list overdue ones, or recompute due dates."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        imp = sub.add_parser("import", help="import an office's Excel register (登记台账)")
        imp.add_argument("file", type=Path)
        imp.add_argument(
            "--dry-run", action="store_true", help="check the workbook, change nothing"
        )
        late = sub.add_parser("overdue", help="list overdue and soon-due applications")
        late.add_argument("--unit", default=None, help="unit code, e.g. MZJ (default: all)")
        late.add_argument(
            "--days",
            type=int,
            default=None,
            help="working days ahead for due-soon (default GONGKAI_REMINDER_WORKDAYS)",
        )
        again = sub.add_parser("recompute", help="recompute due dates of open applications")
        again.add_argument("--dry-run", action="store_true", help="report, change nothing")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            if options["action"] == "import":
                result = self._import(options["file"], dry_run=options["dry_run"])
            elif options["action"] == "overdue":
                result = self._overdue(options["unit"], options["days"])
            else:
                result = self._recompute(dry_run=options["dry_run"])
        except GongkaiError as exc:
            details = "; ".join(str(p) for p in getattr(exc, "problems", []) or [])
            raise CommandError(f"{exc.message} {details}".strip()) from exc
        self.stdout.write(json.dumps(result, ensure_ascii=False))

    def _import(self, path: Path, *, dry_run: bool) -> dict[str, Any]:
        if not path.is_file():
            raise CommandError(f"找不到文件：{path}")
        with transaction.atomic():
            result = register.register_import(
                actor=None, data=path.read_bytes(), filename=path.name
            )
            if dry_run:
                transaction.set_rollback(True)
        return {**result, "dry_run": dry_run}

    def _overdue(self, code: str | None, days: int | None) -> dict[str, Any]:
        scope = selectors.county_applications()
        if code is not None:
            unit = Unit.objects.filter(code=code).first()
            if unit is None:
                raise CommandError(f"未知的单位代码“{code}”。")
            scope = scope.filter(unit=unit)
        if days is not None and days < 0:
            raise CommandError("工作日数不能为负数。")
        within = settings.GONGKAI_REMINDER_WORKDAYS if days is None else days
        today = clock.today()
        summary = selectors.overdue_summary(scope, on=today)
        soon = selectors.reminders(scope, on=today, days=within)
        return {
            "on": today.isoformat(),
            "unit": code,
            "within_workdays": within,
            "overdue": [
                {
                    "tracking_no": row.application.tracking_no,
                    "unit": row.application.unit.name,
                    "handler": str(row.application.handler or ""),
                    "stage": row.application.get_stage_display(),
                    "due_on": _day(row.application.due_on),
                    "days_late": row.days_late,
                }
                for row in summary.rows
            ],
            "due_soon": [
                {
                    "tracking_no": r.application.tracking_no,
                    "unit": r.application.unit.name,
                    "handler": str(r.application.handler or ""),
                    "what": r.what,
                    "due": r.due.isoformat(),
                    "days_left": r.days_left,
                }
                for r in soon
            ],
        }

    def _recompute(self, *, dry_run: bool) -> dict[str, Any]:
        return services.applications_refresh_due_dates(actor=None, dry_run=dry_run)
