"""`gongkai audit verify|export`: check the audit log's hash chain; hand entries to inspectors.

``verify`` walks every entry oldest first (streamed) and names the first broken one: exit 0 when
the chain is intact, 1 when it is not. Note the head hash it prints: a log rewritten from some
entry onwards verifies again but ends in a different head.
``export --from --to [--unit] --output FILE.xlsx|.csv`` writes the entries of a period.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from gongkai.core import audit_export
from gongkai.core.checks import COMMAND_CHECKS


def _date(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise CommandError(f"日期“{text}”不对，请写成 2026-01-31 这样的格式。") from None


class Command(BaseCommand):
    requires_system_checks = COMMAND_CHECKS
    help = "Verify the audit log's hash chain, or export its entries for inspectors."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        sub.add_parser("verify", help="walk the chain; exit 1 at the first broken entry")
        exp = sub.add_parser("export", help="write the entries of a period to .xlsx or .csv")
        exp.add_argument("--from", dest="start", required=True, help="first day, 2026-01-01")
        exp.add_argument("--to", dest="end", required=True, help="last day, 2026-12-31")
        exp.add_argument("--unit", default="", help="only this unit's entries (unit code)")
        exp.add_argument("--output", required=True, type=Path, help="FILE.xlsx or FILE.csv")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["action"] == "verify":
            self._verify()
        else:
            self._export(options)

    def _verify(self) -> None:
        verdict = audit_export.check_and_record()
        if verdict.problem is None:
            self.stdout.write(
                f"审计链完整：共 {verdict.count} 条记录。末条哈希 {verdict.head or '（空）'}"
            )
            return
        problem = verdict.problem
        at = timezone.localtime(problem.at).strftime("%Y-%m-%d %H:%M:%S") if problem.at else "-"
        self.stderr.write(
            f"审计链断开：第 {problem.entry_id} 号记录（{at}）：{problem.reason}。"
            f"此前 {verdict.count - 1} 条完好。"
        )
        raise SystemExit(1)

    def _export(self, options: dict[str, Any]) -> None:
        start, end = _date(options["start"]), _date(options["end"])
        if end < start:
            raise CommandError("结束日期早于开始日期，请检查 --from 和 --to。")
        output: Path = options["output"]
        suffix = output.suffix.lower()
        if suffix not in {".xlsx", ".csv"}:
            raise CommandError("输出文件须以 .xlsx 或 .csv 结尾。")
        if output.is_dir():
            raise CommandError(
                f"“{output}”是一个文件夹，请给出文件名，例如 {output / '审计日志.xlsx'}"
            )
        if not output.parent.is_dir():
            raise CommandError(f"文件夹“{output.parent}”不存在，请先建好或换一个位置。")
        period = audit_export.Period(start=start, end=end, unit_code=options["unit"].strip())
        try:
            if suffix == ".xlsx":
                count = audit_export.write_xlsx(str(output), period)
            else:
                with output.open("w", encoding="utf-8", newline="") as handle:
                    count = audit_export.write_csv(handle, period)
        except OSError as exc:
            raise CommandError(f"写不了文件“{output}”：{exc.strerror or exc}") from exc
        self.stdout.write(f"已导出 {count} 条审计记录（{period.describe()}）到 {output}")
        self.stdout.write(audit_export.describe_check(audit_export.last_check()))
