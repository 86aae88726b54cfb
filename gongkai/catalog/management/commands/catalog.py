"""`gongkai catalog import|export|guidelines`: catalogs in and out of the national Excel layout."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from gongkai import cli
from gongkai.catalog import excel, selectors, services
from gongkai.catalog.models import Catalog, Domain
from gongkai.core import clock
from gongkai.core.checks import COMMAND_CHECKS
from gongkai.core.errors import GongkaiError
from gongkai.orgs.models import Unit


def _unit(code: str) -> Unit:
    try:
        return Unit.objects.get(code=code)
    except Unit.DoesNotExist:
        raise CommandError(f"未知的单位代码“{code}”，请用 gongkai units list 查看。") from None


class Command(BaseCommand):
    requires_system_checks = COMMAND_CHECKS  # not the URL checks: start-up (issue 10)
    help = "Import or export a unit's catalog as an Excel workbook in the national layout."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        imp = sub.add_parser("import", help="import a workbook into a unit's catalog")
        imp.add_argument("file", type=Path)
        imp.add_argument("--unit", required=True, help="unit code, e.g. MZJ")
        imp.add_argument("--version", type=int, default=None, help="catalog year (default: now)")
        imp.add_argument(
            "--dry-run", action="store_true", help="check the workbook, change nothing"
        )
        exp = sub.add_parser("export", help="export a unit's catalog to a workbook")
        exp.add_argument("--unit", required=True)
        exp.add_argument("--output", required=True, type=Path)
        exp.add_argument("--version", type=int, default=None, help="default: the newest")
        gui = sub.add_parser("guidelines", help="load standard guideline items from a workbook")
        gui.add_argument("file", type=Path)

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            if options["action"] == "import":
                self._import(options)
            elif options["action"] == "export":
                self._export(options)
            else:
                self._guidelines(options)
        except excel.WorkbookRejected as exc:
            raise CommandError("; ".join(exc.problems) or exc.log) from exc
        except GongkaiError as exc:
            details = "; ".join(getattr(exc, "problems", []) or [])
            raise CommandError(f"{exc.message} {details}".strip()) from exc

    def _read(self, path: Path) -> bytes:
        return cli.read_input(path, what="Excel工作簿")

    def _import(self, options: dict[str, Any]) -> None:
        unit = _unit(options["unit"])
        version = options["version"] or clock.today().year
        data = self._read(options["file"])
        if options["dry_run"]:
            sheets = excel.read_catalog_workbook(data, domains=list(Domain.objects.all()))
            result: dict[str, Any] = {
                "items": sum(len(s.items) for s in sheets),
                "unit": unit.code,
                "version": version,
                "dry_run": True,
                "sheets": [
                    {"sheet": s.name, "domain": s.domain.name, "items": len(s.items)}
                    for s in sheets
                ],
            }
        else:
            summary = services.catalog_import(
                actor=None, unit=unit, version=version, source=data, filename=options["file"].name
            )
            result = summary.as_dict()
        self.stdout.write(json.dumps(result, ensure_ascii=False))

    def _export(self, options: dict[str, Any]) -> None:
        # Refused before the work: a missing folder or a folder given as the file (issue 12).
        cli.check_output(options["output"])
        unit = _unit(options["unit"])
        catalogs = Catalog.objects.filter(unit=unit).order_by("-version")
        if options["version"] is not None:
            catalogs = catalogs.filter(version=cli.check_year(options["version"], what="目录版本"))
        catalog = catalogs.first()
        if catalog is None:
            raise CommandError(f"{unit.name}（{unit.code}）没有可导出的目录。")
        sections = selectors.catalog_sections(catalog)
        data = excel.write_catalog_workbook(
            [(s.domain, s.items) for s in sections],
            title_prefix=f"{unit.name}{catalog.version}年",
        )
        cli.write_output(options["output"], data)
        count = sum(len(s.items) for s in sections)
        self.stdout.write(
            json.dumps(
                {
                    "items": count,
                    "unit": unit.code,
                    "version": catalog.version,
                    "output": str(options["output"]),
                },
                ensure_ascii=False,
            )
        )

    def _guidelines(self, options: dict[str, Any]) -> None:
        data = self._read(options["file"])
        result = services.guideline_import(actor=None, source=data, filename=options["file"].name)
        self.stdout.write(json.dumps(result, ensure_ascii=False))
