"""`gongkai demo`: load the demo county 石城县; `gongkai demo --logins`: how to sign in to it."""

from __future__ import annotations

import unicodedata
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from gongkai.core.checks import COMMAND_CHECKS
from gongkai.core.errors import GongkaiError
from gongkai.demo.participation import load_participation
from gongkai.demo.services import DEMO_PASSWORD, LOGIN_URL, demo_load, demo_logins


def _width(text: str) -> int:
    """Terminal columns the text takes: Chinese characters are two columns wide."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _table(headers: list[str], rows: list[list[str]]) -> list[str]:
    widths = [max(_width(r[i]) for r in [headers, *rows]) for i in range(len(headers))]
    return [
        "  ".join(
            cell + " " * (w - _width(cell)) for cell, w in zip(row, widths, strict=True)
        ).rstrip()
        for row in [headers, *rows]
    ]


class Command(BaseCommand):
    requires_system_checks = COMMAND_CHECKS  # not the URL checks: start-up (issue 10)
    help = "载入演示县石城县（可重复运行，已有的数据不会重复创建）；--logins 打印各角色的演示账号。"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--logins",
            action="store_true",
            help="只打印各角色的演示账号和登录地址，不载入数据",
        )
        parser.add_argument(
            "--dry-run", action="store_true", help="照常载入并报告数量，然后全部撤销"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["logins"]:
            self._logins()
            return
        try:
            summary = demo_load(dry_run=options["dry_run"])
        except GongkaiError as exc:
            raise CommandError(exc.message) from exc
        self.stdout.write(summary.line())
        load_participation(dry_run=options["dry_run"])  # J: 公众参与 (its counts: the audit log)

    def _logins(self) -> None:
        self.stdout.write(f"石城县演示账号（仅供本机演示），登录地址：{LOGIN_URL}")
        rows = [[row.role, row.unit, row.username, DEMO_PASSWORD] for row in demo_logins()]
        for line in _table(["角色", "单位", "用户名", "密码"], rows):
            self.stdout.write(line)
