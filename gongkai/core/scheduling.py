"""Scheduled work run by `gongkai tick`: which tasks are due, running them, remembering the runs.

cron or a systemd timer starts `gongkai tick` every minute; each task has its own interval, and
its last run is kept in a TaskRun row, so the minute's tick does daily work once a day. The whole
tick holds the "tick" lease (gongkai.core.leases): a tick started while another still runs says
so and stops, on one machine or several. A task that raises is logged and recorded as failed;
the others still run, and it is tried again after RETRY_AFTER rather than every minute.
"""

from __future__ import annotations

import datetime as dt
import logging
import threading
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from django.db import DatabaseError

from gongkai.core import clock
from gongkai.core.leases import lease_acquire, lease_release, lease_renew, new_holder
from gongkai.core.models import TaskRun

log = logging.getLogger(__name__)

TICK_LEASE = "tick"
# Long enough for every task but an import; an import stretches it (see hold_tick_for).
TICK_TTL = dt.timedelta(minutes=15)
RETRY_AFTER = dt.timedelta(minutes=15)
# cron starts ticks on the minute and a run takes a moment: a task due every hour that ran at
# 10:00:40 is due again at the 11:00 tick, not only at 11:01.
SLACK = dt.timedelta(seconds=59)


@dataclass(frozen=True)
class Task:
    """One piece of scheduled work: ``run`` returns a small JSON-able summary of what it did."""

    name: str
    every: dt.timedelta
    run: Callable[[], dict[str, Any]]
    description: str


@dataclass
class Outcome:
    """What one task did in this tick: not due (``ran`` False), or ran and succeeded or failed."""

    name: str
    ran: bool
    ok: bool | None = None
    summary: dict[str, Any] = field(default_factory=dict)
    error: str = ""


@dataclass
class TickResult:
    busy: bool
    outcomes: list[Outcome]

    @property
    def failed(self) -> list[Outcome]:
        return [o for o in self.outcomes if o.ran and not o.ok]


def is_due(task: Task, last: TaskRun | None, *, now: dt.datetime) -> bool:
    """Whether ``task`` should run at ``now``: never ran, or its interval (RETRY_AFTER, if
    shorter, after a failure) has passed since it last started."""
    if last is None or last.started_at is None:
        return True
    wait = task.every if last.ok is not False else min(task.every, RETRY_AFTER)
    return now - last.started_at >= wait - SLACK


_running = threading.local()  # the holder of the tick this thread runs, if any


def hold_tick_for(ttl: dt.timedelta) -> None:
    """Extend the running tick's lease, for a task about to hold the database longer than
    TICK_TTL (an import on SQLite, where nothing else can write until it ends)."""
    holder: str | None = getattr(_running, "holder", None)
    if holder is not None:
        lease_renew(TICK_LEASE, holder=holder, ttl=max(ttl, TICK_TTL))


def run_tick(
    tasks: Iterable[Task], *, only: set[str] | None = None, force: bool = False
) -> TickResult:
    """Run every due task of ``tasks`` (``only`` those named; ``force``: due or not) once.

    Returns busy=True, running nothing, when another tick holds the lease.
    """
    holder = new_holder()
    try:
        claimed = lease_acquire(TICK_LEASE, holder=holder, ttl=TICK_TTL)
    except DatabaseError:
        # SQLite: a long write (an import) holds the database; that is another tick's work.
        log.info("tick: database busy, not started")
        return TickResult(busy=True, outcomes=[])
    if not claimed:
        log.info("tick: another tick is running")
        return TickResult(busy=True, outcomes=[])
    _running.holder = holder
    outcomes: list[Outcome] = []
    try:
        for task in tasks:
            if only is not None and task.name not in only:
                continue
            lease_renew(TICK_LEASE, holder=holder, ttl=TICK_TTL)
            outcomes.append(_run_one(task, force=force))
    finally:
        _running.holder = None
        lease_release(TICK_LEASE, holder=holder)
    return TickResult(busy=False, outcomes=outcomes)


def _run_one(task: Task, *, force: bool) -> Outcome:
    now = clock.now()
    record, _created = TaskRun.objects.get_or_create(name=task.name)
    if not force and not is_due(task, record, now=now):
        return Outcome(task.name, ran=False)
    record.started_at = now
    record.ok = None  # running; `tick --status` shows it so until it ends
    record.save(update_fields=["started_at", "ok"])
    try:
        summary = task.run()
    except Exception as exc:
        log.exception("tick: task %s failed", task.name)
        outcome = Outcome(task.name, ran=True, ok=False, error=f"{type(exc).__name__}: {exc}")
    else:
        log.info("tick: task %s done %s", task.name, summary)
        outcome = Outcome(task.name, ran=True, ok=True, summary=summary)
    TaskRun.objects.filter(pk=record.pk).update(
        finished_at=clock.now(),
        ok=outcome.ok,
        outcome=outcome.summary,
        error=outcome.error[:2000],
    )
    return outcome


def task_runs(tasks: Iterable[Task]) -> list[tuple[Task, TaskRun | None]]:
    """Each task with its last run (None: never ran), in the tasks' order."""
    tasks = list(tasks)
    runs = {r.name: r for r in TaskRun.objects.filter(name__in=[t.name for t in tasks])}
    return [(task, runs.get(task.name)) for task in tasks]
