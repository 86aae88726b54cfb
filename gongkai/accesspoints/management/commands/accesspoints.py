"""`gongkai accesspoints import-text [--unit CODE] [--dry-run]`: register the places the units'
old 政府信息查阅场所 text names (gongkai.accesspoints.textimport)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from gongkai.accesspoints.textimport import import_unit_texts
from gongkai.core.checks import COMMAND_CHECKS
from gongkai.orgs.models import Unit


class Command(BaseCommand):
    requires_system_checks = COMMAND_CHECKS
    help = (
        "政府信息查阅场所：import-text 把各单位指南中“政府信息查阅场所”的文字（每行一处："
        "名称（地址，开放时间））登记为查阅场所；已登记查阅场所的单位不变。"
    )

    def add_arguments(self, parser: CommandParser) -> None:
        subparsers = parser.add_subparsers(dest="action", required=True)
        text = subparsers.add_parser("import-text", help="把单位的查阅场所文字登记为查阅场所")
        text.add_argument("--unit", help="只处理这个单位（单位代码）")
        text.add_argument("--dry-run", action="store_true", help="只检查并报告，不保存")

    def handle(self, *args: Any, **options: Any) -> None:
        units = Unit.objects.active().exclude(access_points="").select_related("parent")
        if options["unit"]:
            units = units.filter(code=options["unit"])
            if not units.exists():
                raise CommandError(f"没有单位代码为 {options['unit']} 且填写了查阅场所的单位。")
        report = import_unit_texts(units=list(units), dry_run=options["dry_run"])
        verb = "可登记" if options["dry_run"] else "已登记"
        for line in report.created:
            self.stdout.write(f"{verb}：{line}")
        for name in report.skipped:
            self.stdout.write(f"已有查阅场所，未改动：{name}")
        for problem in report.problems:
            self.stdout.write(f"未登记：{problem}")
        self.stdout.write(
            f"{verb}{len(report.created)}处；{len(report.skipped)}个单位已有查阅场所；"
            f"{len(report.problems)}个单位的文字需要修改。"
            + ("（试运行，未保存）" if options["dry_run"] else "")
        )
