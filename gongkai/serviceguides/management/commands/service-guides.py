"""`gongkai service-guides import|export`: service guides in and out of the offices' Excel layout."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from gongkai import cli
from gongkai.core.checks import COMMAND_CHECKS
from gongkai.core.errors import GongkaiError
from gongkai.orgs.models import Unit
from gongkai.serviceguides import excel, services
from gongkai.serviceguides.models import ServiceItem


def _unit(code: str) -> Unit:
    try:
        return Unit.objects.get(code=code)
    except Unit.DoesNotExist:
        raise CommandError(f"未知的单位代码“{code}”，请用 gongkai units list 查看。") from None


class Command(BaseCommand):
    requires_system_checks = COMMAND_CHECKS
    help = "Import a unit's service guides from an Excel workbook, or export them to one."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        imp = sub.add_parser("import", help="import a workbook into a unit's service guides")
        imp.add_argument("file", type=Path)
        imp.add_argument("--unit", required=True, help="unit code, e.g. MZJ")
        imp.add_argument(
            "--dry-run", action="store_true", help="check and report the workbook, change nothing"
        )
        exp = sub.add_parser("export", help="export service guides to a workbook")
        exp.add_argument("--unit", default=None, help="unit code (default: every unit)")
        exp.add_argument("--output", required=True, type=Path)
        exp.add_argument(
            "--published", action="store_true", help="only published guides (default: all)"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            if options["action"] == "import":
                self._import(options)
            else:
                self._export(options)
        except excel.WorkbookRejected as exc:
            raise CommandError("; ".join(exc.problems) or exc.log) from exc
        except GongkaiError as exc:
            details = "; ".join(getattr(exc, "problems", []) or [])
            raise CommandError(f"{exc.message} {details}".strip()) from exc

    def _import(self, options: dict[str, Any]) -> None:
        unit = _unit(options["unit"])
        data = cli.read_input(options["file"], what="Excel工作簿")
        summary = services.service_guides_import(
            actor=None,
            unit=unit,
            source=data,
            filename=options["file"].name,
            dry_run=options["dry_run"],
        )
        self.stdout.write(json.dumps(summary.as_dict(), ensure_ascii=False))

    def _export(self, options: dict[str, Any]) -> None:
        cli.check_output(options["output"])
        items = ServiceItem.objects.select_related("unit", "catalog_item__domain").prefetch_related(
            "materials", "questions", "life_events"
        )
        title = "石城县政务服务事项办事指南"
        if options["unit"]:
            unit = _unit(options["unit"])
            items = items.filter(unit=unit)
            title = f"{unit.name}政务服务事项办事指南"
        if options["published"]:
            items = items.published()
        rows = list(items.order_by("unit__sort_order", "unit__code", "sort_order", "pk"))
        cli.write_output(options["output"], excel.write_service_workbook(rows, title=title))
        self.stdout.write(
            json.dumps(
                {"items": len(rows), "unit": options["unit"], "output": str(options["output"])},
                ensure_ascii=False,
            )
        )
