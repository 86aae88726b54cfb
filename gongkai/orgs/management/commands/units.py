"""`gongkai units list [--format json|table]`: the county's organisation tree, parents first."""

from __future__ import annotations

import json
import unicodedata
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from gongkai.core.checks import COMMAND_CHECKS
from gongkai.orgs.models import UnitKind
from gongkai.orgs.selectors import unit_tree


def display_width(text: str) -> int:
    """Terminal columns the text takes: Chinese characters are two columns wide."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _pad(text: str, width: int) -> str:
    return text + " " * (width - display_width(text))


class Command(BaseCommand):
    requires_system_checks = COMMAND_CHECKS  # not the URL checks: start-up (issue 10)
    help = "查看单位：list 列出全部单位（上级单位在前），用于查找导入、导出等命令所需的单位代码。"

    def add_arguments(self, parser: CommandParser) -> None:
        subparsers = parser.add_subparsers(dest="action", required=True)
        listing = subparsers.add_parser("list", help="列出全部单位")
        listing.add_argument(
            "--format",
            choices=["json", "table"],
            default="table",
            help="json：每个单位一个 {code, name, kind, parent} 对象；table：对齐的文本表（默认）",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        rows = unit_tree()
        if options["format"] == "json":
            self.stdout.write(
                json.dumps([row for row, _depth in rows], ensure_ascii=False, indent=2)
            )
            return
        lines = [["代码", "单位名称", "类型", "上级代码"]]
        for row, depth in rows:
            kind = str(row["kind"])
            lines.append(
                [
                    str(row["code"]),
                    "  " * depth + str(row["name"]),
                    UnitKind(kind).label if kind in UnitKind.values else kind,
                    row["parent"] or "",
                ]
            )
        widths = [max(display_width(line[i]) for line in lines) for i in range(4)]
        for line in lines:
            self.stdout.write(
                "  ".join(_pad(cell, w) for cell, w in zip(line, widths, strict=True)).rstrip()
            )
        self.stdout.write(f"共{len(rows)}个单位")
