"""`gongkai monitor probe|check`: the site monitoring from the command line.

- ``probe --url URL``: load the site's home page once (15 s limit, 国办秘函〔2019〕19号) and store
  the result; cron runs it, e.g. every 30 minutes, so 站点无法访问 can be judged over a week.
- ``check [--date D] --format json|text``: the single-veto items of the county's site on day D
  (default today): pass, fail with the reason and evidence, or 未评估. Exit status 0 either way.

Every refusal is one Chinese line and a non-zero exit.
"""

from __future__ import annotations

import datetime as dt
import json
import math
import urllib.parse
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from gongkai import cli
from gongkai.core.checks import COMMAND_CHECKS
from gongkai.core.errors import GongkaiError
from gongkai.monitoring import services
from gongkai.monitoring.veto import PROBE_TIMEOUT_S, site_check


class Command(BaseCommand):
    requires_system_checks = COMMAND_CHECKS  # not the URL checks: start-up (issue 10)
    help = "Probe the site's home page, or evaluate the single-veto items of the site."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        probe = sub.add_parser("probe", help="load the home page once and store the result")
        probe.add_argument("--url", required=True)
        probe.add_argument("--timeout", type=float, default=PROBE_TIMEOUT_S, help="seconds")
        check = sub.add_parser("check", help="the single-veto items of the site")
        check.add_argument("--date", default=None, help="YYYY-MM-DD; today without it")
        check.add_argument("--format", choices=["json", "text"], default="text")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            if options["action"] == "probe":
                self._probe(options)
            else:
                self._check(options)
        except GongkaiError as exc:
            raise CommandError(exc.message) from exc

    def _probe(self, options: dict[str, Any]) -> None:
        url: str = options["url"]
        if not url.startswith(("http://", "https://")):
            raise CommandError("检测地址应以http://或https://开头。")
        try:
            urllib.parse.urlsplit(url).port  # noqa: B018 - raises on a bad host or port
        except ValueError as exc:
            raise CommandError(
                f"检测地址“{url}”无效，请写成 https://gongkai.example.gov.cn/ 这样的网址。"
            ) from exc
        timeout = options["timeout"]
        if not (math.isfinite(timeout) and 0 < timeout <= 600):
            raise CommandError(f"超时时间应为0到600秒之间的数，收到“{timeout}”。")
        fetched = services.fetch(url, timeout=options["timeout"])
        probe = services.probe_record(url=url, fetched=fetched)
        self.stdout.write(
            json.dumps(
                {
                    "url": probe.url,
                    "ok": probe.ok,
                    "status": probe.status_code,
                    "elapsed_ms": probe.elapsed_ms,
                    "error": probe.error,
                },
                ensure_ascii=False,
            )
        )

    def _check(self, options: dict[str, Any]) -> None:
        day = None
        if options["date"]:
            try:
                day = dt.date.fromisoformat(options["date"])
            except ValueError as exc:
                raise CommandError(f"日期“{options['date']}”格式不正确，应为YYYY-MM-DD。") from exc
            cli.check_year(day.year, what=f"日期“{options['date']}”的年份")
        result = site_check(day)
        if options["format"] == "json":
            self.stdout.write(json.dumps(result.as_dict(), ensure_ascii=False, indent=2))
            return
        self.stdout.write(f"{result.as_of.isoformat()} 单项否决指标：{result.verdict_text}")
        for item in result.results:
            self.stdout.write(f"[{item.outcome_label}] {item.label}：{item.reason}")
            for line in item.evidence:
                self.stdout.write(f"    - {line.text}")
