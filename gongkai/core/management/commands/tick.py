"""`gongkai tick`: the scheduled work, run every minute by cron or a systemd timer.

Each task below has its own interval and remembers its last run (gongkai.core.scheduling), so a
tick every minute does daily work once a day; two ticks at once are safe (the second says it is
busy and exits 0). A task that fails is logged and the others still run; the exit status is then
1. ``--status`` lists the tasks with their last run; ``--task NAME`` runs one task now, due or
not. This table composes the apps' services, as the web pages do; it holds no rules of its own.

cron starts it every minute, so its start-up counts: it runs gongkai's checks but not Django's
URL checks (gongkai.core.checks.COMMAND_CHECKS), and each task imports the services it calls when
it runs — the import jobs and the monitoring bring openpyxl and python-docx with them — so a tick
with nothing due, and `--status`, load only the models.
"""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from django.conf import settings
from django.contrib.sessions.models import Session
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from gongkai.core import clock
from gongkai.core.checks import COMMAND_CHECKS
from gongkai.core.scheduling import Task, run_tick, task_runs
from gongkai.publications.models import Publication

DAY = dt.timedelta(days=1)
HOUR = dt.timedelta(hours=1)
# Local hour from which the day's reminder mail goes out.
DIGEST_HOUR = 7


def refresh_due_dates() -> dict[str, Any]:
    """Due dates of open applications, on the calendar as installed now (a newly known year's
    holidays turn 期限待定 into dates); changes are audited by the service."""
    from gongkai.applications import services as application_services

    result = application_services.applications_refresh_due_dates(actor=None)
    return {key: result[key] for key in ("checked", "changed", "undated")}


def send_reminders() -> dict[str, Any]:
    """The day's reminder mail to each handler and reviewer with something overdue or due soon
    (gongkai.reports.digests: once a day per person, from 7 o'clock, when people read it), with
    the county's counts for the log and `tick --status`."""
    from gongkai.applications import selectors as application_selectors
    from gongkai.reports import digests

    scope = application_selectors.county_applications()
    today = clock.today()
    overdue = application_selectors.overdue(scope, on=today).count()
    soon = application_selectors.reminders(scope, on=today, days=settings.GONGKAI_REMINDER_WORKDAYS)
    counts = {"overdue": overdue, "due_soon": len(soon)}
    if timezone.localtime(clock.now()).hour < DIGEST_HOUR:
        return {**counts, "mail": f"sent from {DIGEST_HOUR}:00"}
    return {**counts, "mail": digests.digests_send(on=today)}


def count_review_due() -> dict[str, Any]:
    """Retained items whose periodic review has come round (the reviewers' list), per unit."""
    due = Publication.objects.review_due(on=clock.today())
    per_unit: dict[str, int] = {}
    for code in due.values_list("unit__code", flat=True):
        per_unit[code] = per_unit.get(code, 0) + 1
    return {"due": sum(per_unit.values()), "units": per_unit}


def probe_site() -> dict[str, Any]:
    """One availability probe of GONGKAI_SITE_URL for the site monitoring (站点无法访问)."""
    url = settings.GONGKAI_SITE_URL
    if not url:
        return {"skipped": "GONGKAI_SITE_URL is not set"}
    from gongkai.monitoring import services as monitoring_services

    fetched = monitoring_services.fetch(url)
    probe = monitoring_services.probe_record(url=url, fetched=fetched)
    return {"ok": probe.ok, "status": probe.status_code, "elapsed_ms": probe.elapsed_ms}


def clear_sessions() -> dict[str, Any]:
    """Delete expired sessions (they live in the database, so any web process serves anyone)."""
    deleted, _by_model = Session.objects.filter(expire_date__lt=clock.now()).delete()
    return {"deleted": deleted}


def run_imports() -> dict[str, Any]:
    """Queued phases of the office's import jobs, when GONGKAI_IMPORTS_IN is "tick"."""
    if settings.GONGKAI_IMPORTS_IN != "tick":
        return {"skipped": "imports run in the web process (GONGKAI_IMPORTS_IN=thread)"}
    from gongkai.publications import import_jobs

    return import_jobs.run_queued()


def send_pushes() -> dict[str, Any]:
    """政策找人: pending immediate pushes, and the daily digests from GONGKAI_PUSH_DIGEST_HOUR."""
    from gongkai.push import services as push_services

    return push_services.deliveries_send().summary()


# Imports last: on SQLite a long import holds the database, and the short tasks should not wait.
TASKS = [
    Task("applications.due_dates", DAY, refresh_due_dates, "申请答复期限重新计算"),
    Task("applications.reminders", HOUR, send_reminders, "逾期与即将到期事项的每日提醒邮件"),
    Task("publications.review_due", DAY, count_review_due, "不予公开信息到期评估统计"),
    Task("monitoring.probe", dt.timedelta(minutes=30), probe_site, "网站可用性检测"),
    Task("sessions.clear_expired", DAY, clear_sessions, "清理过期会话"),
    Task("push.send", dt.timedelta(minutes=5), send_pushes, "政策找人推送邮件与每日汇总"),
    Task("publications.imports", dt.timedelta(0), run_imports, "后台导入已公开信息"),
]


class Command(BaseCommand):
    help = "Run the scheduled work that is due (every minute from cron or a systemd timer)."
    requires_system_checks = COMMAND_CHECKS

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--status", action="store_true", help="list tasks and last runs")
        parser.add_argument(
            "--task", action="append", default=None, help="run this task now (repeatable)"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["status"]:
            self._status()
            return
        only: set[str] | None = None
        if options["task"]:
            only = set(options["task"])
            unknown = only - {task.name for task in TASKS}
            if unknown:
                raise CommandError(f"Unknown task: {', '.join(sorted(unknown))}")
        result = run_tick(TASKS, only=only, force=only is not None)
        if result.busy:
            self.stdout.write("busy: another gongkai tick is running; nothing done")
            return
        for outcome in result.outcomes:
            if not outcome.ran:
                continue
            state = "ok" if outcome.ok else "FAILED"
            detail = outcome.error if not outcome.ok else json.dumps(outcome.summary)
            self.stdout.write(f"{outcome.name}: {state} {detail}")
        if result.failed:
            raise CommandError(
                f"{len(result.failed)} task(s) failed: "
                + ", ".join(outcome.name for outcome in result.failed)
            )

    def _status(self) -> None:
        now = clock.now()
        for task, run in task_runs(TASKS):
            if run is None or run.started_at is None:
                self.stdout.write(f"{task.name:<26} every {_span(task.every):<6} never ran")
                continue
            state = {True: "ok", False: "FAILED", None: "running"}[run.ok]
            ago = _span(now - run.started_at)
            detail = run.error if run.ok is False else json.dumps(run.outcome)
            self.stdout.write(
                f"{task.name:<26} every {_span(task.every):<6} "
                f"last {timezone.localtime(run.started_at):%Y-%m-%d %H:%M:%S} ({ago} ago) "
                f"{state} {detail}"
            )


def _span(delta: dt.timedelta) -> str:
    seconds = int(delta.total_seconds())
    if seconds <= 0:
        return "tick"
    if seconds % 86400 == 0:
        return f"{seconds // 86400}d"
    if seconds % 3600 == 0:
        return f"{seconds // 3600}h"
    if seconds >= 60:
        return f"{seconds // 60}m"
    return f"{seconds}s"
