"""`gongkai publications import|export|rescan`: published information in and out of files, and
the checks run again over everything published.

- ``import FILE [--unit CODE] [--override-reason TEXT] [--default-column CODE] [--dry-run]``:
  .xlsx, .csv (UTF-8, UTF-8 with BOM or GB18030) or .jsonl, one item per row under the national
  field names; all or nothing; prints one JSON summary.
- ``export [--unit CODE] [--since DATE] --output FILE.jsonl|FILE.xlsx``: the same fields back,
  attachments copied to ``FILE_附件/`` beside the output.
- ``rescan [--unit CODE]``: the checks again over every published item, findings per unit as
  JSON, nothing changed (after a dictionary change).
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from gongkai import cli
from gongkai.core.checks import COMMAND_CHECKS
from gongkai.core.errors import GongkaiError
from gongkai.orgs.models import Unit
from gongkai.publications import archive, interchange
from gongkai.publications.models import Publication


def _unit(code: str | None) -> Unit | None:
    if not code:
        return None
    try:
        return Unit.objects.get(code=code)
    except Unit.DoesNotExist:
        raise CommandError(f"未知的单位代码“{code}”，请用 gongkai units list 查看。") from None


class Command(BaseCommand):
    requires_system_checks = COMMAND_CHECKS  # not the URL checks: start-up (issue 10)
    help = "Import published information from .xlsx/.csv/.jsonl, export it, or re-run the checks."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        imp = sub.add_parser("import", help="import published items, all or nothing")
        imp.add_argument("file", type=Path, help=".xlsx, .csv or .jsonl; attachments beside it")
        imp.add_argument("--unit", help="unit code for rows without 公开单位")
        imp.add_argument(
            "--override-reason",
            default="",
            help="publish despite blocking findings; recorded with each item",
        )
        imp.add_argument(
            "--default-column",
            default=None,
            help=f"column code for unknown or blank 栏目 (default: {archive.DEFAULT_COLUMN_CODE})",
        )
        imp.add_argument("--dry-run", action="store_true", help="check everything, write nothing")
        exp = sub.add_parser("export", help="export published items")
        exp.add_argument("--unit", help="only this unit's items")
        exp.add_argument("--since", help="only items published on or after this date")
        exp.add_argument("--output", required=True, type=Path, help="FILE.jsonl or FILE.xlsx")
        scan = sub.add_parser("rescan", help="re-run the checks over published items")
        scan.add_argument("--unit", help="only this unit's items")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            if options["action"] == "import":
                result = self._import(options)
            elif options["action"] == "export":
                result = self._export(options)
            else:
                result = archive.rescan(unit=_unit(options["unit"]))
        except GongkaiError as exc:
            problems = getattr(exc, "problems", []) or []
            raise CommandError("\n".join([exc.message, *problems])) from exc
        self.stdout.write(json.dumps(result, ensure_ascii=False))

    def _import(self, options: dict[str, Any]) -> dict[str, Any]:
        path: Path = options["file"]
        if not path.is_file():
            raise CommandError(f"找不到文件：{path}")
        if path.stat().st_size > interchange.MAX_BYTES:
            raise CommandError(interchange.too_big())
        try:
            data = path.read_bytes()
        except OSError as exc:
            raise CommandError(f"无法读取文件：{path}（{exc.strerror}）") from exc
        parsed = interchange.read(data, path.name)
        verbose = options["verbosity"] >= 2

        def progress(done: int, total: int) -> None:
            if verbose:
                self.stderr.write(f"{done}/{total}")

        return archive.import_rows(
            actor=None,
            parsed=parsed,
            unit=_unit(options["unit"]),
            override_reason=options["override_reason"],
            default_column=options["default_column"],
            attachments_dir=path.resolve().parent,
            dry_run=options["dry_run"],
            progress=progress,
        )

    def _export(self, options: dict[str, Any]) -> dict[str, Any]:
        output: Path = options["output"]
        if output.suffix.lower() not in {".jsonl", ".xlsx"}:
            raise CommandError("导出文件须以.jsonl或.xlsx结尾，例如 --output 政府信息.xlsx。")
        items = Publication.objects.published()
        unit = _unit(options["unit"])
        if unit is not None:
            items = items.filter(unit=unit)
        if options["since"]:
            items = items.filter(published_at__date__gte=self._date(options["since"]))
        cli.check_output(output)  # a missing folder, a folder named like the file (issue 12)
        count, files = interchange.export_to(items, output)
        return {"exported": count, "attachments": files, "output": str(output)}

    def _date(self, text: str) -> dt.date:
        try:
            moment = interchange.parse_moment(text)
        except ValueError:
            moment = None
        if moment is None:
            raise CommandError(f"“{text}”不是有效的日期，请写成2015-10-16。")
        return moment.date() if isinstance(moment, dt.datetime) else moment
